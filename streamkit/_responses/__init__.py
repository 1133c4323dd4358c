"""The Responses stream (``response.*`` events -> a Response and its items), on the engine."""
