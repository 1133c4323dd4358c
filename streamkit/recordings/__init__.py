"""Real recorded Assistants-API run streams, shipped with streamkit.

Raw SSE bytes exactly as the API sent them, taken from public test fixtures of
other projects (data only); ``README.md`` beside this file names the source of
each and what a correct consumer ends with. They feed ``streamkit demo`` and
the test suite, and are handy for trying streamkit without an API key::

    import streamkit.recordings
    data = streamkit.recordings.read_bytes("text-run")
"""

from __future__ import annotations

from importlib import resources

__all__ = ["NAMES", "read_bytes"]

#: The bundled recordings, by name (the file name without ``.sse``).
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


def read_bytes(name: str) -> bytes:
    """The raw bytes of the bundled recording ``name`` (one of :data:`NAMES`).

    Raises:
        KeyError: no recording has that name.
    """
    if name not in NAMES:
        msg = f"no bundled recording named {name!r}; choose one of: {', '.join(NAMES)}"
        raise KeyError(msg)
    return (resources.files(__name__) / f"{name}.sse").read_bytes()
