"""The Responses stream (``response.*`` events -> a Response and its output items), on the engine."""
