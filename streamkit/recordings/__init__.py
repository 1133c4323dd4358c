"""Real recorded API streams, shipped with streamkit.

Raw SSE bytes exactly as the API sent them, taken from public test fixtures of
other projects (data only); ``README.md`` beside this file names the source of
each and what a correct consumer ends with. :data:`NAMES` are Assistants-API run
streams, :data:`RESPONSES_NAMES` Responses-API streams (in ``responses/``, with
their own ``README.md``). They feed ``streamkit demo``, the mock server and the
test suite, and are handy for trying streamkit without an API key::

    import streamkit.recordings
    data = streamkit.recordings.read_bytes("text-run")
    data = streamkit.recordings.read_bytes("responses-text-logprobs")
"""

from __future__ import annotations

from importlib import resources

__all__ = ["NAMES", "RESPONSES_NAMES", "read_bytes"]

#: The bundled Assistants-API run streams, by name (the file name without ``.sse``).
NAMES: tuple[str, ...] = (
    "text-run",
    "create-thread-and-run-text",
    "function-call-requires-action",
    "function-call-continuation",
    "submit-tool-outputs-continuation",
    "parallel-function-calls",
    "file-search-with-citation",
    "text-then-server-error",
)

#: The bundled Responses-API streams, by name (``responses/<name>.sse``).
RESPONSES_NAMES: tuple[str, ...] = (
    "responses-text-logprobs",
    "responses-reasoning-function-call",
    "responses-web-search-citations",
    "responses-background",
    "responses-error-then-failed",
)


def read_bytes(name: str) -> bytes:
    """The raw bytes of the bundled recording ``name`` (one of :data:`NAMES` or
    :data:`RESPONSES_NAMES`).

    Raises:
        KeyError: no recording has that name.
    """
    if name in NAMES:
        return (resources.files(__name__) / f"{name}.sse").read_bytes()
    if name in RESPONSES_NAMES:
        return (resources.files(__name__) / "responses" / f"{name}.sse").read_bytes()
    known = ", ".join((*NAMES, *RESPONSES_NAMES))
    msg = f"no bundled recording named {name!r}; choose one of: {known}"
    raise KeyError(msg)
