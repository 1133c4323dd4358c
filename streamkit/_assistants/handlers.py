"""Event callbacks: ``EventHandler``, ``AsyncEventHandler`` and ``Handlers``, driven by Changes.

A drop-in for openai-python's ``AssistantEventHandler`` -- the same method
names and arguments -- that is correct where it is not: callbacks are derived
only from the accumulator's :class:`~streamkit.Change` list, so every tool
call, message, content block and step gets exactly one ``created`` and one
``done``, in stream order, also for interleaved parallel calls, steps that
reuse index 0, runs that end before their steps, and the continuation after
``submit_tool_outputs``; ``on_tool_call_done`` gets the complete call.

One table (:data:`ROUTES`) maps each change kind to the callbacks it fires
and how their arguments are taken from the change; the stream driver
(:mod:`streamkit._engine.driver`) dispatches from it, for the subclass form
and the decorator form alike, and calls only what a handler implements.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, ClassVar

from streamkit import models as m
from streamkit._assistants.accumulator import Accumulator
from streamkit._engine.callbacks import Registered, overridden
from streamkit._engine.changes import Change
from streamkit._engine.driver import Callback, Driver
from streamkit.errors import StreamkitError

__all__ = [
    "CALLBACKS",
    "ROUTES",
    "TEXT_KINDS",
    "AsyncEventHandler",
    "EventHandler",
    "Handlers",
    "adispatch",
    "dispatch",
    "driver_for",
    "text_of",
]


# --- What each change fires -----------------------------------------------------
#
# The routes are data for the stream driver: Change kind -> the callbacks it
# may fire, each with a function giving the calls (name, arguments) to make.
# The driver keeps only the callbacks a handler implements, and a function
# runs -- building the snapshot it passes -- only when one of its callbacks is
# implemented.

_Calls = Sequence[tuple[str, tuple[Any, ...]]]
_AnyChange = Change[Any, Any, Any]


def _snapshot(name: str) -> Callback:
    def calls(change: _AnyChange) -> _Calls:
        return ((name, (change.snapshot,)),)

    return frozenset({name}), calls


def _delta_and_snapshot(name: str) -> Callback:
    def calls(change: _AnyChange) -> _Calls:
        return ((name, (change.delta, change.snapshot)),)

    return frozenset({name}), calls


def _run_created(change: _AnyChange) -> _Calls:
    run = change.snapshot
    # A run first seen through a later event gets its status from that
    # event's own change; thread.run.created has no other.
    if change.event.event == "thread.run.created":
        return (("on_run_created", (run,)), ("on_run_status", (run,)))
    return (("on_run_created", (run,)),)


def _run_done(change: _AnyChange) -> _Calls:
    run: m.Run = change.snapshot
    action = run.required_action
    if run.status == "requires_action" and action is not None:
        tool_calls = action.submit_tool_outputs.tool_calls
        return (
            ("on_run_status", (run,)),
            ("on_requires_action", (run, tool_calls)),
            ("on_run_done", (run,)),
        )
    return (("on_run_status", (run,)), ("on_run_done", (run,)))


def _code_interpreter(change: _AnyChange) -> _Calls:
    """The code-interpreter conveniences for what a tool-call delta carried, in order."""
    delta = change.delta
    if not isinstance(delta, m.CodeInterpreterToolCallDelta) or not delta.code_interpreter:
        return ()
    interpreter = delta.code_interpreter
    snapshot = change.snapshot
    calls: list[tuple[str, tuple[Any, ...]]] = []
    if interpreter.input:
        calls.append(("on_code_input_delta", (interpreter.input, snapshot)))
    for output in interpreter.outputs or ():
        if isinstance(output, m.CodeInterpreterLogs) and output.logs:
            calls.append(("on_code_logs", (output.logs, snapshot)))
        elif isinstance(output, m.CodeInterpreterOutputImageDelta):
            file_id = output.image.file_id if output.image else None
            if file_id:
                calls.append(("on_code_image", (file_id, snapshot)))
    return calls


_CODE_INTERPRETER: Callback = (
    frozenset({"on_code_input_delta", "on_code_logs", "on_code_image"}),
    _code_interpreter,
)


def _text_created(change: _AnyChange) -> _Calls:
    text = change.snapshot
    # As openai-python: the first fragment is a delta too.
    if change.delta is not None:
        return (("on_text_created", (text,)), ("on_text_delta", (change.delta, text)))
    return (("on_text_created", (text,)),)


def _unknown(change: _AnyChange) -> _Calls:
    return (("on_unknown_event", (change.event,)),)


#: Change kind -> the callbacks it fires, for the stream driver. Refusals,
#: image URLs and unknown blocks have no callbacks of their own in
#: openai-python's API; on_message_delta and on_message_done carry them.
ROUTES: dict[str, tuple[Callback, ...]] = {
    "thread.created": (),
    "run.created": ((frozenset({"on_run_created", "on_run_status"}), _run_created),),
    "run.updated": (_snapshot("on_run_status"),),
    "run.done": ((frozenset({"on_run_status", "on_requires_action", "on_run_done"}), _run_done),),
    "step.created": (_snapshot("on_run_step_created"),),
    "step.updated": (),
    "step.delta": (_delta_and_snapshot("on_run_step_delta"),),
    "step.done": (_snapshot("on_run_step_done"),),
    "tool_call.created": (_snapshot("on_tool_call_created"), _CODE_INTERPRETER),
    "tool_call.delta": (_delta_and_snapshot("on_tool_call_delta"), _CODE_INTERPRETER),
    "tool_call.done": (_snapshot("on_tool_call_done"),),
    "message.created": (_snapshot("on_message_created"),),
    "message.updated": (),
    "message.delta": (_delta_and_snapshot("on_message_delta"),),
    "message.done": (_snapshot("on_message_done"),),
    "text.created": ((frozenset({"on_text_created", "on_text_delta"}), _text_created),),
    "text.delta": (_delta_and_snapshot("on_text_delta"),),
    "text.done": (_snapshot("on_text_done"),),
    "image_file.created": (),
    "image_file.done": (_snapshot("on_image_file_done"),),
    "refusal.created": (),
    "refusal.delta": (),
    "refusal.done": (),
    "image_url.created": (),
    "image_url.done": (),
    "content.created": (),
    "content.delta": (),
    "content.done": (),
    "error": (_snapshot("on_error"),),
    "unknown": ((frozenset({"on_unknown_event"}), _unknown),),
    "end": (),
}

#: Every callback name a handler may define (and ``Handlers.on`` accepts).
CALLBACKS: frozenset[str] = frozenset(
    {
        "on_event",
        "on_end",
        "on_exception",
        "on_timeout",
        "on_run_created",
        "on_run_status",
        "on_requires_action",
        "on_run_done",
        "on_run_step_created",
        "on_run_step_delta",
        "on_run_step_done",
        "on_tool_call_created",
        "on_tool_call_delta",
        "on_tool_call_done",
        "on_code_input_delta",
        "on_code_logs",
        "on_code_image",
        "on_message_created",
        "on_message_delta",
        "on_message_done",
        "on_text_created",
        "on_text_delta",
        "on_text_done",
        "on_image_file_done",
        "on_error",
        "on_unknown_event",
    }
)


# --- The handler classes ---------------------------------------------------------


_ToolCalls = tuple[m.RequiredActionFunctionToolCall, ...]

# The Change kinds (by prefix) that concern a step, and those that concern a message.
_STEP_PREFIXES = ("step.", "tool_call.")
_MESSAGE_PREFIXES = ("message.", "text.", "refusal.", "image_file.", "image_url.", "content.")


def _latest(snapshots: Mapping[str, Any]) -> Any:
    """The snapshot of the object seen last (by first appearance), or None."""
    ids = list(snapshots)  # ids only: one snapshot is built, not all
    return snapshots[ids[-1]] if ids else None


class _StreamState:
    """What openai-python's ``AssistantEventHandler`` tells of the stream, read when asked.

    Nothing is kept per event: each property reads the accumulator and the
    Changes of the last event fed, when it is read (so a handler that never
    reads them pays nothing). Inside a callback, "current" means the event
    that caused the callback; after the stream, the last one.
    """

    #: The protocol this handler's callbacks are for.
    protocol: ClassVar[str] = "assistants"
    accumulator: Accumulator | None = None
    # The driver of the stream this handler is given to (set by driver_for).
    _stream_driver: Driver | None = None

    def _last_change(self, prefixes: tuple[str, ...]) -> _AnyChange | None:
        driver = self._stream_driver
        if driver is None:
            return None
        change: _AnyChange
        for change in reversed(driver.changes):
            if change.kind.startswith(prefixes):
                return change
        return None

    @property
    def current_event(self) -> m.StreamEvent | None:
        """The typed event last fed -- in a callback, the one that caused it; None before any."""
        driver = self._stream_driver
        event: m.StreamEvent | None = driver.event() if driver is not None else None
        return event

    @property
    def current_run(self) -> m.Run | None:
        """The run as of the last run event (the run the stream is about), or None."""
        accumulator = self.accumulator
        if accumulator is None:
            return None
        change = self._last_change(("run.",))
        if change is not None:
            return accumulator.runs.get(change.id)
        run: m.Run | None = _latest(accumulator.runs)
        return run

    @property
    def current_run_step_snapshot(self) -> m.RunStep | None:
        """The step being streamed: the last event's step, else the latest step while in progress.

        As openai-python's: set from a step's creation until its end (its
        ``on_run_step_done`` included), None between steps.
        """
        accumulator = self.accumulator
        if accumulator is None:
            return None
        change = self._last_change(_STEP_PREFIXES)
        if change is not None:
            return accumulator.run_steps.get(change.id)
        step: m.RunStep | None = _latest(accumulator.run_steps)
        return step if step is not None and step.status == "in_progress" else None

    @property
    def current_message_snapshot(self) -> m.Message | None:
        """The message last streamed (so far, or whole once done), or None before any."""
        accumulator = self.accumulator
        if accumulator is None:
            return None
        change = self._last_change(_MESSAGE_PREFIXES)
        if change is not None:
            return accumulator.messages.get(change.id)
        message: m.Message | None = _latest(accumulator.messages)
        return message

    @property
    def current_tool_call(self) -> m.ToolCall | None:
        """The tool call last streamed (its snapshot so far), or None before any."""
        change = self._last_change(("tool_call.",))
        if change is not None:
            tool_call: m.ToolCall | None = change.snapshot
            return tool_call
        accumulator = self.accumulator
        if accumulator is None:
            return None
        steps = accumulator.run_steps
        for step_id in reversed(list(steps)):
            details = steps[step_id].step_details
            if isinstance(details, m.ToolCallsStepDetails) and details.tool_calls:
                return details.tool_calls[-1]
        return None

    def _accumulator(self) -> Accumulator:
        if self.accumulator is None:
            msg = "this handler has not been given a stream yet"
            raise StreamkitError(msg)
        return self.accumulator

    def _final_run(self) -> m.Run:
        accumulator = self._accumulator()
        run = accumulator.final_run or _latest(accumulator.runs)
        if run is None:
            msg = "the stream had no run"
            raise StreamkitError(msg)
        final: m.Run = run
        return final

    def _final_run_steps(self) -> list[m.RunStep]:
        return list(self._accumulator().run_steps.values())

    def _final_messages(self) -> list[m.Message]:
        return list(self._accumulator().messages.values())


class EventHandler(_StreamState):
    """Override the callbacks you need; each default does nothing.

    The same names and arguments as openai-python's ``AssistantEventHandler``,
    plus run-level callbacks, code-interpreter conveniences, ``on_error`` and
    ``on_unknown_event``. Run it with :func:`consume` (or the client's
    streaming methods)::

        class Printer(streamkit.EventHandler):
            def on_code_input_delta(self, text, snapshot):
                print(text, end="", flush=True)

        streamkit.consume("run.sse", Printer())

    As openai-python's, the handler tells where the stream is --
    :attr:`current_event`, :attr:`current_run`,
    :attr:`current_run_step_snapshot`, :attr:`current_message_snapshot`,
    :attr:`current_tool_call` -- and :meth:`get_final_run`,
    :meth:`get_final_run_steps` and :meth:`get_final_messages` read the
    result once the stream is done; all are read from :attr:`accumulator`
    when asked, never kept per event.

    Attributes:
        accumulator: the accumulator behind the callbacks, set when a stream
            starts; readable after an exception too.
    """

    def _call(self, name: str, arguments: tuple[Any, ...]) -> Any:
        return getattr(self, name)(*arguments)

    def _implemented(self) -> frozenset[str]:
        """The callbacks this handler overrides (only those are dispatched)."""
        return overridden(self, EventHandler, CALLBACKS)

    def get_final_run(self) -> m.Run:
        """The run as the stream left it: its last terminal state (else the last seen).

        Read it once the stream is done (``stream.until_done()``, ``consume``).

        Raises:
            StreamkitError: the handler was given no stream, or the stream had no run.
        """
        return self._final_run()

    def get_final_run_steps(self) -> list[m.RunStep]:
        """Every step of the run, in order of creation (empty if none)."""
        return self._final_run_steps()

    def get_final_messages(self) -> list[m.Message]:
        """Every message of the run, in order of creation (empty if none)."""
        return self._final_messages()

    # -- the stream --
    def on_event(self, event: m.StreamEvent) -> None:
        """Every typed event, before the callbacks it causes."""

    def on_end(self) -> None:
        """The stream ended; always called last, also after an exception."""

    def on_exception(self, exception: BaseException) -> None:
        """The stream or a callback raised ``exception``; it propagates after on_end."""

    def on_timeout(self) -> None:
        """The request timed out (called by the client)."""

    # -- runs --
    def on_run_created(self, run: m.Run) -> None:
        """A run was seen for the first time."""

    def on_run_status(self, run: m.Run) -> None:
        """A run event: the run as it now is (queued, in_progress, ..., terminal)."""

    def on_requires_action(
        self, run: m.Run, tool_calls: tuple[m.RequiredActionFunctionToolCall, ...]
    ) -> None:
        """The run needs tool outputs for ``tool_calls``; the stream ends after it."""

    def on_run_done(self, run: m.Run) -> None:
        """A terminal run event: requires_action, completed, incomplete, failed, cancelled..."""

    # -- run steps --
    def on_run_step_created(self, run_step: m.RunStep) -> None:
        """A run step was created (or first seen, in a continuation stream)."""

    def on_run_step_delta(self, delta: m.RunStepDelta, snapshot: m.RunStep) -> None:
        """Part of a run step streamed; ``snapshot`` is the step so far."""

    def on_run_step_done(self, run_step: m.RunStep) -> None:
        """A run step ended (or its run did); once per step."""

    # -- tool calls --
    def on_tool_call_created(self, tool_call: m.ToolCall) -> None:
        """A tool call appeared, its first delta already applied (no on_tool_call_delta for it)."""

    def on_tool_call_delta(self, delta: m.ToolCallDelta, snapshot: m.ToolCall) -> None:
        """Part of a tool call streamed; ``snapshot`` is the call so far."""

    def on_tool_call_done(self, tool_call: m.ToolCall) -> None:
        """A tool call is complete -- file-search results and function output included."""

    def on_code_input_delta(self, text: str, snapshot: m.ToolCall) -> None:
        """A fragment of code-interpreter input (every one, the first included)."""

    def on_code_logs(self, text: str, snapshot: m.ToolCall) -> None:
        """A fragment of code-interpreter logs output."""

    def on_code_image(self, file_id: str, snapshot: m.ToolCall) -> None:
        """A code-interpreter image output arrived."""

    # -- messages --
    def on_message_created(self, message: m.Message) -> None:
        """A message was created."""

    def on_message_delta(self, delta: m.MessageDelta, snapshot: m.Message) -> None:
        """Part of a message streamed; ``snapshot`` is the message so far."""

    def on_message_done(self, message: m.Message) -> None:
        """A message is complete (or incomplete) -- the server's final object."""

    def on_text_created(self, text: m.Text) -> None:
        """A text block appeared, its first fragment applied (on_text_delta follows for it)."""

    def on_text_delta(self, delta: m.TextDelta, snapshot: m.Text) -> None:
        """A fragment of text (every one, the first included); ``snapshot`` is the text so far."""

    def on_text_done(self, text: m.Text) -> None:
        """A text block is complete."""

    def on_image_file_done(self, image_file: m.ImageFile) -> None:
        """An image-file block arrived (images arrive whole)."""

    # -- problems --
    def on_error(self, error: m.ErrorObject) -> None:
        """The server sent an ``error`` event (either payload shape)."""

    def on_unknown_event(self, event: m.UnknownEvent) -> None:
        """An event name this version does not know, with its payload."""


class AsyncEventHandler(_StreamState):
    """:class:`EventHandler` with every callback ``async def``; run it with :func:`aconsume`.

    The ``current_*`` properties are :class:`EventHandler`'s; ``get_final_*``
    are awaited, as openai-python's ``AsyncAssistantEventHandler``'s.
    """

    async def _call(self, name: str, arguments: tuple[Any, ...]) -> Any:
        return await getattr(self, name)(*arguments)

    def _implemented(self) -> frozenset[str]:
        """The callbacks this handler overrides (only those are dispatched)."""
        return overridden(self, AsyncEventHandler, CALLBACKS)

    async def get_final_run(self) -> m.Run:
        """:meth:`EventHandler.get_final_run`, awaited."""
        return self._final_run()

    async def get_final_run_steps(self) -> list[m.RunStep]:
        """:meth:`EventHandler.get_final_run_steps`, awaited."""
        return self._final_run_steps()

    async def get_final_messages(self) -> list[m.Message]:
        """:meth:`EventHandler.get_final_messages`, awaited."""
        return self._final_messages()

    async def on_event(self, event: m.StreamEvent) -> None:
        """Every typed event, before the callbacks it causes."""

    async def on_end(self) -> None:
        """The stream ended; always called last, also after an exception."""

    async def on_exception(self, exception: BaseException) -> None:
        """The stream or a callback raised ``exception``; it propagates after on_end."""

    async def on_timeout(self) -> None:
        """The request timed out (called by the client)."""

    async def on_run_created(self, run: m.Run) -> None:
        """A run was seen for the first time."""

    async def on_run_status(self, run: m.Run) -> None:
        """A run event: the run as it now is."""

    async def on_requires_action(
        self, run: m.Run, tool_calls: tuple[m.RequiredActionFunctionToolCall, ...]
    ) -> None:
        """The run needs tool outputs for ``tool_calls``."""

    async def on_run_done(self, run: m.Run) -> None:
        """A terminal run event."""

    async def on_run_step_created(self, run_step: m.RunStep) -> None:
        """A run step was created (or first seen)."""

    async def on_run_step_delta(self, delta: m.RunStepDelta, snapshot: m.RunStep) -> None:
        """Part of a run step streamed."""

    async def on_run_step_done(self, run_step: m.RunStep) -> None:
        """A run step ended (or its run did)."""

    async def on_tool_call_created(self, tool_call: m.ToolCall) -> None:
        """A tool call appeared, its first delta already applied."""

    async def on_tool_call_delta(self, delta: m.ToolCallDelta, snapshot: m.ToolCall) -> None:
        """Part of a tool call streamed."""

    async def on_tool_call_done(self, tool_call: m.ToolCall) -> None:
        """A tool call is complete."""

    async def on_code_input_delta(self, text: str, snapshot: m.ToolCall) -> None:
        """A fragment of code-interpreter input."""

    async def on_code_logs(self, text: str, snapshot: m.ToolCall) -> None:
        """A fragment of code-interpreter logs output."""

    async def on_code_image(self, file_id: str, snapshot: m.ToolCall) -> None:
        """A code-interpreter image output arrived."""

    async def on_message_created(self, message: m.Message) -> None:
        """A message was created."""

    async def on_message_delta(self, delta: m.MessageDelta, snapshot: m.Message) -> None:
        """Part of a message streamed."""

    async def on_message_done(self, message: m.Message) -> None:
        """A message is complete (or incomplete)."""

    async def on_text_created(self, text: m.Text) -> None:
        """A text block appeared."""

    async def on_text_delta(self, delta: m.TextDelta, snapshot: m.Text) -> None:
        """A fragment of text."""

    async def on_text_done(self, text: m.Text) -> None:
        """A text block is complete."""

    async def on_image_file_done(self, image_file: m.ImageFile) -> None:
        """An image-file block arrived."""

    async def on_error(self, error: m.ErrorObject) -> None:
        """The server sent an ``error`` event."""

    async def on_unknown_event(self, event: m.UnknownEvent) -> None:
        """An event name this version does not know."""


class Handlers(Registered, EventHandler):
    """Callbacks as decorated functions, for those who prefer them to a subclass::

        handlers = streamkit.Handlers()

        @handlers.on("tool_call.delta")
        def show(delta, snapshot):
            ...

        streamkit.consume(source, handlers)

    Names are the callback names, with or without ``on_`` and with ``.`` for
    ``_`` (``"tool_call.delta"``, ``"on_tool_call_delta"``). Several functions
    may share a name; they run in the order they were registered. The same
    dispatch as :class:`EventHandler` decides what fires when.
    """

    callback_names: ClassVar[frozenset[str]] = CALLBACKS


# --- Running a stream through a handler ------------------------------------------

#: The Change kinds whose delta carries a text fragment (for ``text_deltas``).
TEXT_KINDS = frozenset({"text.created", "text.delta"})


def text_of(change: _AnyChange) -> str | None:
    """The text fragment of a ``text.*`` Change (no TextDelta is built for it)."""
    # No TextDelta is built for this: a stream nobody reads text from pays nothing.
    value = change.delta_field("value")
    return value if isinstance(value, str) else None


AnyHandler = EventHandler | AsyncEventHandler


def driver_for(
    accumulator: Accumulator, handler: AnyHandler | None, *, collect_text: bool = False
) -> Driver:
    """The stream driver for an Assistants accumulator and (optionally) a handler.

    Only the callbacks ``handler`` implements are routed, so a handler that
    overrides few costs little more than the accumulator alone. The handler
    is told the driver, for its ``current_*`` properties.
    """
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


def dispatch(handler: EventHandler) -> Callable[[str, tuple[Any, ...]], Any]:
    """The function a sync shell calls a handler's callbacks through."""
    return handler._call


def adispatch(handler: AsyncEventHandler) -> Callable[[str, tuple[Any, ...]], Awaitable[Any]]:
    """The function an async shell awaits a handler's callbacks through."""
    return handler._call
