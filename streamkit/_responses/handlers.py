"""Responses callbacks: ``ResponseEventHandler``, its async twin, ``ResponseHandlers``.

Callbacks are named after the events (``on_output_text_delta``,
``on_function_call_arguments_delta``, ``on_output_item_done`` ...) and
driven only by the accumulator's Changes, so each item and part gets
exactly one ``added`` and one ``done`` callback -- also when the server
skipped or repeated the event, when a resume overlapped, or when an item
first appears in its ``output_item.done`` or in the terminal response.

:data:`ROUTES` maps each Change kind to the callback it fires and how its
arguments are taken from the Change; the stream driver dispatches from it
(see :mod:`streamkit._engine.driver`) and calls only what a handler
implements.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, get_args

from streamkit._engine.callbacks import Registered, overridden
from streamkit._engine.changes import Change
from streamkit._engine.driver import Callback, Driver
from streamkit._responses.accumulator import (
    ITEM_DONE_PATHS,
    PART_DONE_KEYS,
    ResponseAccumulator,
    ResponseChangeKind,
)
from streamkit.errors import StreamkitError
from streamkit.models import UnknownEvent
from streamkit.models import responses as rm

__all__ = [
    "CALLBACKS",
    "ROUTES",
    "TEXT_KINDS",
    "AsyncResponseEventHandler",
    "ResponseEventHandler",
    "ResponseHandlers",
    "driver_for",
    "text_of",
]

_Calls = Sequence[tuple[str, tuple[Any, ...]]]
_AnyChange = Change[Any, Any, Any]


def _callback_name(kind: str) -> str:
    return "on_" + kind.replace(".", "_")


def _snapshot(name: str) -> Callback:
    def calls(change: _AnyChange) -> _Calls:
        return ((name, (change.snapshot,)),)

    return frozenset({name}), calls


def _delta(name: str) -> Callback:
    def calls(change: _AnyChange) -> _Calls:
        return ((name, (change.delta, change.snapshot)),)

    return frozenset({name}), calls


def _final(name: str, path: tuple[str, ...]) -> Callback:
    """A ``*.done`` of streamed text: (the final text, the snapshot holding it)."""

    def calls(change: _AnyChange) -> _Calls:
        snapshot = change.snapshot
        value: Any = snapshot
        for key in path:
            value = getattr(value, key, None)
        return ((name, (value, snapshot)),)

    return frozenset({name}), calls


def _event(name: str) -> Callback:
    def calls(change: _AnyChange) -> _Calls:
        return ((name, (change.event,)),)

    return frozenset({name}), calls


def _routes() -> dict[str, tuple[Callback, ...]]:
    routes: dict[str, tuple[Callback, ...]] = {}
    finals = {**PART_DONE_KEYS, **ITEM_DONE_PATHS}
    for kind in get_args(ResponseChangeKind):
        name = _callback_name(kind)
        if kind == "error":
            routes[kind] = (_snapshot("on_error"),)
        elif kind == "unknown":
            routes[kind] = (_event("on_unknown_event"),)
        elif kind == "end":
            routes[kind] = ()
        elif kind in finals:
            routes[kind] = (_final(name, finals[kind]),)
        elif kind.endswith(".delta") or kind in (
            "output_text.annotation.added",
            "image_generation_call.partial_image",
        ):
            routes[kind] = (_delta(name),)
        else:
            routes[kind] = (_snapshot(name),)
    return routes


#: Change kind -> the callbacks it fires, for the stream driver.
ROUTES: dict[str, tuple[Callback, ...]] = _routes()

#: Every callback name a handler may define (and ``ResponseHandlers.on`` accepts).
CALLBACKS: frozenset[str] = frozenset(
    {"on_event", "on_end", "on_exception", "on_timeout"}
    | {name for callbacks in ROUTES.values() for names, _calls in callbacks for name in names}
)

#: The Change kinds whose delta is answer text (for ``text_deltas``).
TEXT_KINDS = frozenset({"output_text.delta"})


def text_of(change: _AnyChange) -> str | None:
    """The text fragment of an ``output_text.delta`` Change."""
    delta = change.delta
    return delta if isinstance(delta, str) else None


class _StreamState:
    """What a handler can read of the stream, when asked (nothing is kept per event)."""

    #: The protocol this handler's callbacks are for.
    protocol: ClassVar[str] = "responses"
    accumulator: ResponseAccumulator | None = None
    # The driver of the stream this handler is given to (set by driver_for).
    _stream_driver: Driver | None = None

    @property
    def current_event(self) -> rm.ResponseStreamEvent | UnknownEvent | None:
        """The typed event last fed -- in a callback, the one that caused it; None before any."""
        driver = self._stream_driver
        event: rm.ResponseStreamEvent | UnknownEvent | None = (
            driver.event() if driver is not None else None
        )
        return event

    @property
    def current_response(self) -> rm.Response | None:
        """The response being streamed, as of the last event (None before any)."""
        accumulator = self.accumulator
        return accumulator.response if accumulator is not None else None

    def _final_response(self) -> rm.Response:
        accumulator = self.accumulator
        if accumulator is None:
            msg = "this handler has not been given a stream yet"
            raise StreamkitError(msg)
        # The latest response, not the latest terminal one: when a stream ends
        # in a second response (cut short), an earlier finished one is not
        # where the stream left off. After a terminal event both are the same.
        response = accumulator.response
        if response is None:
            msg = "the stream had no response"
            raise StreamkitError(msg)
        return response


class ResponseEventHandler(_StreamState):
    """Override the callbacks you need; each default does nothing.

    Callbacks are named after the Responses events; a ``*_delta`` callback
    gets ``(delta, snapshot)`` -- the text fragment and the part or item as
    built so far -- and a ``*_done`` of streamed text gets ``(text,
    snapshot)``. Run it with :func:`streamkit.consume` (or a client's
    ``responses.stream``)::

        class Printer(streamkit.ResponseEventHandler):
            def on_output_text_delta(self, delta, snapshot):
                print(delta, end="", flush=True)

        streamkit.consume("response.sse", Printer())

    Attributes:
        accumulator: the accumulator behind the callbacks, set when a stream
            starts; readable after an exception too.
    """

    def _call(self, name: str, arguments: tuple[Any, ...]) -> Any:
        return getattr(self, name)(*arguments)

    def _implemented(self) -> frozenset[str]:
        """The callbacks this handler overrides (only those are dispatched)."""
        return overridden(self, ResponseEventHandler, CALLBACKS)

    def get_final_response(self) -> rm.Response:
        """The response as the stream left it: its terminal state, also when incomplete or failed.

        Raises:
            StreamkitError: the handler was given no stream, or the stream had no response.
        """
        return self._final_response()

    # -- the stream --
    def on_event(self, event: rm.ResponseStreamEvent | UnknownEvent) -> None:
        """Every typed event, before the callbacks it causes."""

    def on_end(self) -> None:
        """The stream ended; always called last, also after an exception."""

    def on_exception(self, exception: BaseException) -> None:
        """The stream or a callback raised ``exception``; it propagates after on_end."""

    def on_timeout(self) -> None:
        """The request timed out (called by the client)."""

    # -- the response --
    def on_response_created(self, response: rm.Response) -> None:
        """A response was seen for the first time (``response.created``, or a resumed stream)."""

    def on_response_updated(self, response: rm.Response) -> None:
        """A lifecycle event (``queued``, ``in_progress``): the envelope refreshed."""

    def on_response_done(self, response: rm.Response) -> None:
        """A terminal event: completed, incomplete, failed or cancelled; once per response."""

    # -- output items --
    def on_output_item_added(self, item: rm.OutputItem) -> None:
        """An output item appeared; once per item."""

    def on_output_item_updated(self, item: rm.OutputItem) -> None:
        """A tool call's status changed (in_progress, searching, interpreting, generating ...)."""

    def on_output_item_done(self, item: rm.OutputItem) -> None:
        """An output item is complete (the server's final item); once per item."""

    # -- content and summary parts --
    def on_content_part_added(self, part: rm.OutputContent) -> None:
        """A content part appeared (output text, refusal, reasoning text); once per part."""

    def on_content_part_done(self, part: rm.OutputContent) -> None:
        """A content part is complete; once per part."""

    def on_reasoning_summary_part_added(self, part: rm.SummaryTextContent) -> None:
        """A reasoning summary part appeared; once per part."""

    def on_reasoning_summary_part_done(self, part: rm.SummaryTextContent) -> None:
        """A reasoning summary part is complete; once per part."""

    # -- text --
    def on_output_text_delta(self, delta: str, snapshot: rm.OutputContent) -> None:
        """A fragment of answer text; ``snapshot`` is the part so far."""

    def on_output_text_done(self, text: str, snapshot: rm.OutputContent) -> None:
        """The answer text of a part is final."""

    def on_output_text_annotation_added(
        self, annotation: rm.Annotation, snapshot: rm.OutputContent
    ) -> None:
        """A citation or file path was attached to a text part."""

    def on_refusal_delta(self, delta: str, snapshot: rm.OutputContent) -> None:
        """A fragment of a refusal."""

    def on_refusal_done(self, refusal: str, snapshot: rm.OutputContent) -> None:
        """A refusal is final."""

    def on_reasoning_text_delta(self, delta: str, snapshot: rm.OutputContent) -> None:
        """A fragment of raw reasoning text (gpt-oss, DeepSeek, OpenRouter ...)."""

    def on_reasoning_text_done(self, text: str, snapshot: rm.OutputContent) -> None:
        """A raw reasoning text is final."""

    def on_reasoning_summary_text_delta(self, delta: str, snapshot: rm.SummaryTextContent) -> None:
        """A fragment of a reasoning summary."""

    def on_reasoning_summary_text_done(self, text: str, snapshot: rm.SummaryTextContent) -> None:
        """A reasoning summary part's text is final."""

    # -- tool calls --
    def on_function_call_arguments_delta(self, delta: str, snapshot: rm.OutputItem) -> None:
        """A fragment of a function call's arguments; ``snapshot`` is the call so far."""

    def on_function_call_arguments_done(self, arguments: str, snapshot: rm.OutputItem) -> None:
        """A function call's arguments are final."""

    def on_custom_tool_call_input_delta(self, delta: str, snapshot: rm.OutputItem) -> None:
        """A fragment of a custom tool call's input."""

    def on_custom_tool_call_input_done(self, text: str, snapshot: rm.OutputItem) -> None:
        """A custom tool call's input is final."""

    def on_mcp_call_arguments_delta(self, delta: str, snapshot: rm.OutputItem) -> None:
        """A fragment of an MCP call's arguments."""

    def on_mcp_call_arguments_done(self, arguments: str, snapshot: rm.OutputItem) -> None:
        """An MCP call's arguments are final."""

    def on_code_interpreter_call_code_delta(self, delta: str, snapshot: rm.OutputItem) -> None:
        """A fragment of code-interpreter code; ``snapshot`` is the call so far."""

    def on_code_interpreter_call_code_done(self, code: str, snapshot: rm.OutputItem) -> None:
        """A code-interpreter call's code is final (its outputs come with its item's done)."""

    def on_apply_patch_call_operation_diff_delta(self, delta: str, snapshot: rm.OutputItem) -> None:
        """A fragment of an apply_patch call's diff (sent by OpenAI, not in the spec)."""

    def on_apply_patch_call_operation_diff_done(self, diff: str, snapshot: rm.OutputItem) -> None:
        """An apply_patch call's diff is final."""

    def on_image_generation_call_partial_image(
        self, image_b64: str, snapshot: rm.OutputItem
    ) -> None:
        """A progressive preview of a generated image (the final one is the item's ``result``)."""

    def on_shell_call_command_added(self, snapshot: rm.OutputItem) -> None:
        """A shell call's command appeared."""

    def on_shell_call_command_delta(self, delta: str, snapshot: rm.OutputItem) -> None:
        """A fragment of a shell call's command."""

    def on_shell_call_command_done(self, snapshot: rm.OutputItem) -> None:
        """A shell call's command is final."""

    def on_shell_call_output_content_delta(
        self, delta: rm.ShellCallOutputDelta, snapshot: rm.OutputItem
    ) -> None:
        """A fragment of a shell call's output (its stdout and stderr pieces, apart)."""

    def on_shell_call_output_content_done(self, snapshot: rm.OutputItem) -> None:
        """A shell call's output is final."""

    # -- audio --
    def on_audio_delta(self, delta: str, snapshot: rm.Response) -> None:
        """A fragment of base64 audio."""

    def on_audio_done(self, snapshot: rm.Response) -> None:
        """The audio is complete (:meth:`streamkit.ResponseAccumulator.audio` holds it)."""

    def on_audio_transcript_delta(self, delta: str, snapshot: rm.Response) -> None:
        """A fragment of the audio's transcript."""

    def on_audio_transcript_done(self, snapshot: rm.Response) -> None:
        """The transcript is complete."""

    # -- problems --
    def on_error(self, error: rm.ResponseErrorEvent) -> None:
        """The server sent an ``error`` event (either shape); the stream goes on to its end."""

    def on_unknown_event(self, event: UnknownEvent) -> None:
        """An event type this version does not know, with its payload."""


class AsyncResponseEventHandler(_StreamState):
    """:class:`ResponseEventHandler` with every callback ``async def``; run it with ``aconsume``.

    The same callback names and arguments; ``get_final_response`` is awaited.
    """

    async def _call(self, name: str, arguments: tuple[Any, ...]) -> Any:
        return await getattr(self, name)(*arguments)

    def _implemented(self) -> frozenset[str]:
        """The callbacks this handler overrides (only those are dispatched)."""
        return overridden(self, AsyncResponseEventHandler, CALLBACKS)

    async def get_final_response(self) -> rm.Response:
        """:meth:`ResponseEventHandler.get_final_response`, awaited."""
        return self._final_response()

    # -- the stream --
    async def on_event(self, event: rm.ResponseStreamEvent | UnknownEvent) -> None:
        """Every typed event, before the callbacks it causes."""

    async def on_end(self) -> None:
        """The stream ended; always called last, also after an exception."""

    async def on_exception(self, exception: BaseException) -> None:
        """The stream or a callback raised ``exception``; it propagates after on_end."""

    async def on_timeout(self) -> None:
        """The request timed out (called by the client)."""

    # -- the response --
    async def on_response_created(self, response: rm.Response) -> None:
        """A response was seen for the first time (``response.created``, or a resumed stream)."""

    async def on_response_updated(self, response: rm.Response) -> None:
        """A lifecycle event (``queued``, ``in_progress``): the envelope refreshed."""

    async def on_response_done(self, response: rm.Response) -> None:
        """A terminal event: completed, incomplete, failed or cancelled; once per response."""

    # -- output items --
    async def on_output_item_added(self, item: rm.OutputItem) -> None:
        """An output item appeared; once per item."""

    async def on_output_item_updated(self, item: rm.OutputItem) -> None:
        """A tool call's status changed (in_progress, searching, interpreting, generating ...)."""

    async def on_output_item_done(self, item: rm.OutputItem) -> None:
        """An output item is complete (the server's final item); once per item."""

    # -- content and summary parts --
    async def on_content_part_added(self, part: rm.OutputContent) -> None:
        """A content part appeared (output text, refusal, reasoning text); once per part."""

    async def on_content_part_done(self, part: rm.OutputContent) -> None:
        """A content part is complete; once per part."""

    async def on_reasoning_summary_part_added(self, part: rm.SummaryTextContent) -> None:
        """A reasoning summary part appeared; once per part."""

    async def on_reasoning_summary_part_done(self, part: rm.SummaryTextContent) -> None:
        """A reasoning summary part is complete; once per part."""

    # -- text --
    async def on_output_text_delta(self, delta: str, snapshot: rm.OutputContent) -> None:
        """A fragment of answer text; ``snapshot`` is the part so far."""

    async def on_output_text_done(self, text: str, snapshot: rm.OutputContent) -> None:
        """The answer text of a part is final."""

    async def on_output_text_annotation_added(
        self, annotation: rm.Annotation, snapshot: rm.OutputContent
    ) -> None:
        """A citation or file path was attached to a text part."""

    async def on_refusal_delta(self, delta: str, snapshot: rm.OutputContent) -> None:
        """A fragment of a refusal."""

    async def on_refusal_done(self, refusal: str, snapshot: rm.OutputContent) -> None:
        """A refusal is final."""

    async def on_reasoning_text_delta(self, delta: str, snapshot: rm.OutputContent) -> None:
        """A fragment of raw reasoning text (gpt-oss, DeepSeek, OpenRouter ...)."""

    async def on_reasoning_text_done(self, text: str, snapshot: rm.OutputContent) -> None:
        """A raw reasoning text is final."""

    async def on_reasoning_summary_text_delta(
        self, delta: str, snapshot: rm.SummaryTextContent
    ) -> None:
        """A fragment of a reasoning summary."""

    async def on_reasoning_summary_text_done(
        self, text: str, snapshot: rm.SummaryTextContent
    ) -> None:
        """A reasoning summary part's text is final."""

    # -- tool calls --
    async def on_function_call_arguments_delta(self, delta: str, snapshot: rm.OutputItem) -> None:
        """A fragment of a function call's arguments; ``snapshot`` is the call so far."""

    async def on_function_call_arguments_done(
        self, arguments: str, snapshot: rm.OutputItem
    ) -> None:
        """A function call's arguments are final."""

    async def on_custom_tool_call_input_delta(self, delta: str, snapshot: rm.OutputItem) -> None:
        """A fragment of a custom tool call's input."""

    async def on_custom_tool_call_input_done(self, text: str, snapshot: rm.OutputItem) -> None:
        """A custom tool call's input is final."""

    async def on_mcp_call_arguments_delta(self, delta: str, snapshot: rm.OutputItem) -> None:
        """A fragment of an MCP call's arguments."""

    async def on_mcp_call_arguments_done(self, arguments: str, snapshot: rm.OutputItem) -> None:
        """An MCP call's arguments are final."""

    async def on_code_interpreter_call_code_delta(
        self, delta: str, snapshot: rm.OutputItem
    ) -> None:
        """A fragment of code-interpreter code; ``snapshot`` is the call so far."""

    async def on_code_interpreter_call_code_done(self, code: str, snapshot: rm.OutputItem) -> None:
        """A code-interpreter call's code is final (its outputs come with its item's done)."""

    async def on_apply_patch_call_operation_diff_delta(
        self, delta: str, snapshot: rm.OutputItem
    ) -> None:
        """A fragment of an apply_patch call's diff (sent by OpenAI, not in the spec)."""

    async def on_apply_patch_call_operation_diff_done(
        self, diff: str, snapshot: rm.OutputItem
    ) -> None:
        """An apply_patch call's diff is final."""

    async def on_image_generation_call_partial_image(
        self, image_b64: str, snapshot: rm.OutputItem
    ) -> None:
        """A progressive preview of a generated image (the final one is the item's ``result``)."""

    async def on_shell_call_command_added(self, snapshot: rm.OutputItem) -> None:
        """A shell call's command appeared."""

    async def on_shell_call_command_delta(self, delta: str, snapshot: rm.OutputItem) -> None:
        """A fragment of a shell call's command."""

    async def on_shell_call_command_done(self, snapshot: rm.OutputItem) -> None:
        """A shell call's command is final."""

    async def on_shell_call_output_content_delta(
        self, delta: rm.ShellCallOutputDelta, snapshot: rm.OutputItem
    ) -> None:
        """A fragment of a shell call's output (its stdout and stderr pieces, apart)."""

    async def on_shell_call_output_content_done(self, snapshot: rm.OutputItem) -> None:
        """A shell call's output is final."""

    # -- audio --
    async def on_audio_delta(self, delta: str, snapshot: rm.Response) -> None:
        """A fragment of base64 audio."""

    async def on_audio_done(self, snapshot: rm.Response) -> None:
        """The audio is complete (:meth:`streamkit.ResponseAccumulator.audio` holds it)."""

    async def on_audio_transcript_delta(self, delta: str, snapshot: rm.Response) -> None:
        """A fragment of the audio's transcript."""

    async def on_audio_transcript_done(self, snapshot: rm.Response) -> None:
        """The transcript is complete."""

    # -- problems --
    async def on_error(self, error: rm.ResponseErrorEvent) -> None:
        """The server sent an ``error`` event (either shape); the stream goes on to its end."""

    async def on_unknown_event(self, event: UnknownEvent) -> None:
        """An event type this version does not know, with its payload."""


class ResponseHandlers(Registered, ResponseEventHandler):
    """Callbacks as decorated functions::

        handlers = streamkit.ResponseHandlers()

        @handlers.on("output_text.delta")
        def show(delta, snapshot):
            print(delta, end="")

        streamkit.consume(source, handlers)

    Names are the callback names, with or without ``on_`` and with ``.`` for
    ``_`` (``"output_text.delta"``, ``"on_output_text_delta"``). Several
    functions may share a name; they run in the order they were registered.
    """

    callback_names: ClassVar[frozenset[str]] = CALLBACKS


AnyResponseHandler = ResponseEventHandler | AsyncResponseEventHandler


def driver_for(
    accumulator: ResponseAccumulator,
    handler: AnyResponseHandler | None,
    *,
    collect_text: bool = False,
) -> Driver:
    """The stream driver for a Responses accumulator and (optionally) a handler."""
    driver = Driver(
        accumulator,
        ROUTES,
        implemented=handler._implemented() if handler is not None else None,
        wants_events=True,
        collect_text=TEXT_KINDS if collect_text else frozenset(),
        text_of=text_of,
    )
    if handler is not None:
        handler._stream_driver = driver
    return driver
