"""streamkit: the Assistants-API run stream, decoded exactly and fast.

Bytes of Server-Sent Events go in; complete, typed snapshots of Runs, RunSteps
and Messages come out. This module only re-exports the public names.
"""

from __future__ import annotations

import typing as _typing

from . import recordings as recordings  # the bundled recordings, as a submodule
from .accumulate import MAX_INDEX_GAP, Accumulator, Anomaly, Change, ChangeKind
from .bulk import ReplayResult, replay_many
from .convert import converter, parse_event, to_dict
from .errors import (
    AccumulateError,
    DecodeError,
    EventTooLargeError,
    ParseError,
    ResponseError,
    StreamError,
    StreamkitError,
    TransportError,
)
from .handlers import (
    AsyncEventHandler,
    EventHandler,
    Handlers,
    aconsume,
    atext_deltas,
    consume,
    text_deltas,
)
from .replay import replay
from .sse import DEFAULT_MAX_EVENT_SIZE, ServerSentEvent, SSEDecoder

__version__ = "0.1.0"

if _typing.TYPE_CHECKING:
    from .async_client import AsyncClient, AsyncPage, AsyncRunStream
    from .client import Client, Page, RunStream

# The client needs httpx; it is imported on first use, so `import streamkit`
# (the decoder, models, accumulator) stays light.
_LAZY = {
    "AsyncClient": "async_client",
    "AsyncPage": "async_client",
    "AsyncRunStream": "async_client",
    "Client": "client",
    "Page": "client",
    "RunStream": "client",
}


def __getattr__(name: str) -> _typing.Any:
    module = _LAZY.get(name)
    if module is None:
        msg = f"module 'streamkit' has no attribute {name!r}"
        raise AttributeError(msg)
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_MAX_EVENT_SIZE",
    "MAX_INDEX_GAP",
    "AccumulateError",
    "Accumulator",
    "Anomaly",
    "AsyncClient",
    "AsyncEventHandler",
    "AsyncPage",
    "AsyncRunStream",
    "Change",
    "ChangeKind",
    "Client",
    "DecodeError",
    "EventHandler",
    "EventTooLargeError",
    "Handlers",
    "Page",
    "ParseError",
    "ReplayResult",
    "ResponseError",
    "RunStream",
    "SSEDecoder",
    "ServerSentEvent",
    "StreamError",
    "StreamkitError",
    "TransportError",
    "__version__",
    "aconsume",
    "atext_deltas",
    "consume",
    "converter",
    "parse_event",
    "replay",
    "replay_many",
    "text_deltas",
    "to_dict",
]
