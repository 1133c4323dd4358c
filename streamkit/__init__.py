"""streamkit: agent-run event streams, decoded exactly and fast.

Bytes of Server-Sent Events go in; complete, typed snapshots come out. This
module only names the public API: every name is imported from its private
module on first use (PEP 562), so ``import streamkit`` and
``import streamkit.sse`` stay cheap, and a program pays for the converter,
the accumulator or the HTTP client only when it touches them.

Layers (lower ones never import upper ones)::

    streamkit.sse            SSEDecoder, ServerSentEvent          (stdlib only)
    streamkit.io             byte sources, httpx adapters
    streamkit.models         the wire models (attrs)
    streamkit._engine        schema plan, conversion, merge, changes, stream driver
    streamkit._assistants    the Assistants protocol: routing, callbacks, client
    streamkit._responses     the Responses protocol: routing, callbacks
    surfaces                 cli, _view (terminal), mockserver, _bulk, testing
"""

from __future__ import annotations

import typing as _typing

__version__ = "0.1.0"

if _typing.TYPE_CHECKING:
    from streamkit import models as models
    from streamkit import recordings as recordings
    from streamkit._assistants.accumulator import (
        MAX_INDEX_GAP,
        Accumulator,
        AssistantsChange,
        ChangeKind,
    )
    from streamkit._assistants.async_client import AsyncClient, AsyncPage, AsyncRunStream
    from streamkit._assistants.client import FILE_SEARCH_CONTENT, Client, Page, RunStream
    from streamkit._assistants.handlers import AsyncEventHandler, EventHandler, Handlers
    from streamkit._bulk import ReplayResult, open_table, replay_many, result_rows
    from streamkit._consume import aconsume, atext_deltas, consume, text_deltas
    from streamkit._engine.changes import Anomaly, Change
    from streamkit._engine.convert import converter, parse_event, to_dict
    from streamkit._export import PatchEncoder, PatchError, apply_patch, export_json
    from streamkit._replay import replay
    from streamkit._responses.accumulator import (
        ResponseAccumulator,
        ResponseChange,
        ResponseChangeKind,
    )
    from streamkit._responses.handlers import (
        AsyncResponseEventHandler,
        ResponseEventHandler,
        ResponseHandlers,
    )
    from streamkit._responses.parse import parse_response_event
    from streamkit.errors import (
        AccumulateError,
        DecodeError,
        EventTooLargeError,
        LimitExceededError,
        ParseError,
        ResponseError,
        StreamError,
        StreamkitError,
        ToolError,
        TransportError,
    )
    from streamkit.sse import DEFAULT_MAX_EVENT_SIZE, ServerSentEvent, SSEDecoder, encode_sse

# Public name -> the module that defines it.
_LAZY: dict[str, str] = {
    "models": "streamkit.models",
    "recordings": "streamkit.recordings",
    **dict.fromkeys(
        ["AsyncClient", "AsyncPage", "AsyncRunStream"], "streamkit._assistants.async_client"
    ),
    **dict.fromkeys(
        ["FILE_SEARCH_CONTENT", "Client", "Page", "RunStream"], "streamkit._assistants.client"
    ),
    **dict.fromkeys(
        ["AsyncEventHandler", "EventHandler", "Handlers"], "streamkit._assistants.handlers"
    ),
    **dict.fromkeys(["aconsume", "atext_deltas", "consume", "text_deltas"], "streamkit._consume"),
    **dict.fromkeys(
        ["AsyncResponseEventHandler", "ResponseEventHandler", "ResponseHandlers"],
        "streamkit._responses.handlers",
    ),
    **dict.fromkeys(
        ["ReplayResult", "open_table", "replay_many", "result_rows"], "streamkit._bulk"
    ),
    **dict.fromkeys(
        ["MAX_INDEX_GAP", "Accumulator", "AssistantsChange", "ChangeKind"],
        "streamkit._assistants.accumulator",
    ),
    **dict.fromkeys(["Anomaly", "Change"], "streamkit._engine.changes"),
    **dict.fromkeys(["converter", "parse_event", "to_dict"], "streamkit._engine.convert"),
    **dict.fromkeys(
        ["PatchEncoder", "PatchError", "apply_patch", "export_json"], "streamkit._export"
    ),
    "replay": "streamkit._replay",
    **dict.fromkeys(
        ["ResponseAccumulator", "ResponseChange", "ResponseChangeKind"],
        "streamkit._responses.accumulator",
    ),
    "parse_response_event": "streamkit._responses.parse",
    **dict.fromkeys(
        [
            "AccumulateError",
            "DecodeError",
            "EventTooLargeError",
            "LimitExceededError",
            "ParseError",
            "ResponseError",
            "StreamError",
            "StreamkitError",
            "ToolError",
            "TransportError",
        ],
        "streamkit.errors",
    ),
    **dict.fromkeys(
        ["DEFAULT_MAX_EVENT_SIZE", "ServerSentEvent", "SSEDecoder", "encode_sse"], "streamkit.sse"
    ),
}


def __getattr__(name: str) -> _typing.Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        msg = f"module 'streamkit' has no attribute {name!r}"
        raise AttributeError(msg)
    from importlib import import_module

    module = import_module(module_name)
    value = module if module_name == f"streamkit.{name}" else getattr(module, name)
    globals()[name] = value  # later reads skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "DEFAULT_MAX_EVENT_SIZE",
    "FILE_SEARCH_CONTENT",
    "MAX_INDEX_GAP",
    "AccumulateError",
    "Accumulator",
    "Anomaly",
    "AssistantsChange",
    "AsyncClient",
    "AsyncEventHandler",
    "AsyncPage",
    "AsyncResponseEventHandler",
    "AsyncRunStream",
    "Change",
    "ChangeKind",
    "Client",
    "DecodeError",
    "EventHandler",
    "EventTooLargeError",
    "Handlers",
    "LimitExceededError",
    "Page",
    "ParseError",
    "PatchEncoder",
    "PatchError",
    "ReplayResult",
    "ResponseAccumulator",
    "ResponseChange",
    "ResponseChangeKind",
    "ResponseError",
    "ResponseEventHandler",
    "ResponseHandlers",
    "RunStream",
    "SSEDecoder",
    "ServerSentEvent",
    "StreamError",
    "StreamkitError",
    "ToolError",
    "TransportError",
    "__version__",
    "aconsume",
    "apply_patch",
    "atext_deltas",
    "consume",
    "converter",
    "encode_sse",
    "export_json",
    "models",
    "open_table",
    "parse_event",
    "parse_response_event",
    "recordings",
    "replay",
    "replay_many",
    "result_rows",
    "text_deltas",
    "to_dict",
]
