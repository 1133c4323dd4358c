"""streamkit: the Assistants-API run stream, decoded exactly and fast.

Bytes of Server-Sent Events go in; complete, typed snapshots of Runs, RunSteps
and Messages come out. This module only re-exports the public names.
"""

from __future__ import annotations

from . import recordings as recordings  # the bundled recordings, as a submodule
from .accumulate import MAX_INDEX_GAP, Accumulator, Anomaly, Change, ChangeKind
from .convert import converter, parse_event, to_dict
from .errors import (
    AccumulateError,
    DecodeError,
    EventTooLargeError,
    ParseError,
    ResponseError,
    StreamError,
    StreamkitError,
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

__all__ = [
    "DEFAULT_MAX_EVENT_SIZE",
    "MAX_INDEX_GAP",
    "AccumulateError",
    "Accumulator",
    "Anomaly",
    "AsyncEventHandler",
    "Change",
    "ChangeKind",
    "DecodeError",
    "EventHandler",
    "EventTooLargeError",
    "Handlers",
    "ParseError",
    "ResponseError",
    "SSEDecoder",
    "ServerSentEvent",
    "StreamError",
    "StreamkitError",
    "__version__",
    "aconsume",
    "atext_deltas",
    "consume",
    "converter",
    "parse_event",
    "replay",
    "text_deltas",
    "to_dict",
]
