"""``replay``: a recorded stream of either protocol, from any local source, into an accumulator."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, overload

from streamkit._engine.driver import read_flow
from streamkit._protocols import Protocol, accumulator_for, driver_for
from streamkit._shell import SyncShell
from streamkit._sources import DEFAULT_CHUNK_SIZE, LocalSource
from streamkit.sse import DEFAULT_MAX_EVENT_SIZE

if TYPE_CHECKING:
    from streamkit._assistants.accumulator import Accumulator
    from streamkit._responses.accumulator import ResponseAccumulator

__all__ = ["replay"]


@overload
def replay(
    source: LocalSource,
    *,
    strict: bool = True,
    protocol: Literal["assistants"],
    max_event_size: int | None = DEFAULT_MAX_EVENT_SIZE,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Accumulator: ...
@overload
def replay(
    source: LocalSource,
    *,
    strict: bool = True,
    protocol: Literal["responses"],
    max_event_size: int | None = DEFAULT_MAX_EVENT_SIZE,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> ResponseAccumulator: ...
@overload
def replay(
    source: LocalSource,
    *,
    strict: bool = True,
    protocol: None = None,
    max_event_size: int | None = DEFAULT_MAX_EVENT_SIZE,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Accumulator | ResponseAccumulator: ...


def replay(
    source: LocalSource,
    *,
    strict: bool = True,
    protocol: Protocol | None = None,
    max_event_size: int | None = DEFAULT_MAX_EVENT_SIZE,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Any:
    """Accumulate a recorded stream: decode ``source`` and feed every event.

    The protocol is told from the first event (``thread.*`` events: the
    Assistants stream; ``response.*`` events, or payloads whose ``type``
    names one: the Responses stream), unless ``protocol`` says it. Reading
    stops at the end marker (``done``, ``[DONE]``; bytes after it are
    ignored). A log that lost its final blank line still gets its last event
    (the decoder's ``dispatch_at_close``).

    Args:
        source: bytes, a path (plain or gzip), a binary file such as
            ``sys.stdin.buffer``, or an iterable of bytes.
        strict: passed to the accumulator.
        protocol: ``"assistants"`` or ``"responses"`` to force one.
        max_event_size: passed to :class:`~streamkit.SSEDecoder`.
        chunk_size: the read size for files and paths.

    Returns:
        The accumulator holding the final snapshots: an
        :class:`~streamkit.Accumulator` for an Assistants stream, a
        :class:`~streamkit.ResponseAccumulator` for a Responses stream (an
        empty stream gives an empty one of ``protocol``, Assistants by default).

    Raises:
        StreamkitError: the stream cannot be decoded or, in strict mode,
            applied (``ParseError``, ``AccumulateError``, ``StreamError`` for
            a server ``error`` event -- for a Responses stream, raised once
            the stream has ended, so the ``response.failed`` after it
            applies). The error's ``accumulator`` attribute holds everything
            received before it.
        ValueError: ``protocol`` is not one of the two.
    """
    driver = driver_for(protocol, strict=strict)
    flow = read_flow(
        source, dispatch_at_close=True, max_event_size=max_event_size, chunk_size=chunk_size
    )
    for _ in SyncShell(driver).run(flow):
        pass
    if driver.accumulator is None:  # no event at all
        return accumulator_for(protocol or "assistants", strict=strict)
    return driver.accumulator
