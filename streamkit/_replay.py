"""``replay``: a recorded stream, from any local source, into an accumulator."""

from __future__ import annotations

from streamkit._assistants.accumulator import Accumulator
from streamkit._engine.driver import Driver, read_flow
from streamkit._shell import SyncShell
from streamkit._sources import DEFAULT_CHUNK_SIZE, LocalSource
from streamkit.sse import DEFAULT_MAX_EVENT_SIZE

__all__ = ["replay"]


def replay(
    source: LocalSource,
    *,
    strict: bool = True,
    max_event_size: int | None = DEFAULT_MAX_EVENT_SIZE,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Accumulator:
    """Accumulate a recorded stream: decode ``source`` and feed every event.

    Reading stops at the ``done`` event (bytes after it are ignored). A log
    that lost its final blank line still gets its last event (the decoder's
    ``dispatch_at_close``).

    Args:
        source: bytes, a path (plain or gzip), a binary file such as
            ``sys.stdin.buffer``, or an iterable of bytes.
        strict: passed to :class:`~streamkit.Accumulator`.
        max_event_size: passed to :class:`~streamkit.SSEDecoder`.
        chunk_size: the read size for files and paths.

    Returns:
        The accumulator, holding the final snapshots.

    Raises:
        StreamkitError: the stream cannot be decoded or, in strict mode,
            applied (``ParseError``, ``AccumulateError``, ``StreamError`` for
            a server ``error`` event ...). The error's ``accumulator``
            attribute holds everything received before it.
    """
    accumulator = Accumulator(strict=strict)
    flow = read_flow(
        source, dispatch_at_close=True, max_event_size=max_event_size, chunk_size=chunk_size
    )
    for _ in SyncShell(Driver(accumulator, {})).run(flow):
        pass
    return accumulator
