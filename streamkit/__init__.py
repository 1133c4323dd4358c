"""streamkit: the Assistants-API run stream, decoded exactly and fast.

Bytes of Server-Sent Events go in; complete, typed snapshots of Runs, RunSteps
and Messages come out. This module only re-exports the public names.
"""

from __future__ import annotations

from .convert import converter, parse_event, to_dict
from .errors import DecodeError, EventTooLargeError, ParseError, ResponseError, StreamkitError
from .sse import DEFAULT_MAX_EVENT_SIZE, ServerSentEvent, SSEDecoder

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_MAX_EVENT_SIZE",
    "DecodeError",
    "EventTooLargeError",
    "ParseError",
    "ResponseError",
    "SSEDecoder",
    "ServerSentEvent",
    "StreamkitError",
    "__version__",
    "converter",
    "parse_event",
    "to_dict",
]
