"""``RunStream`` and ``AsyncRunStream``: a live run, its recovery and its tool loop, on the driver.

What a run stream does is one sans-IO flow (:func:`run_flow`): read the
stream; if it broke mid-run, read the run, its steps and messages back and
poll until the run settles, feeding them in as the events their statuses
stand for; if the run requires action and outputs can be made (the
handler's ``on_requires_action`` returned them, or ``functions`` were
given), submit them with a streamed ``submit_tool_outputs`` and read the
continuation into the same accumulator. :class:`RunStream` and
:class:`AsyncRunStream` are the sync and async shells of that flow
(:mod:`streamkit._shell`), and differ only in ``await``.

Every loop the server drives is bounded, with documented defaults: tool
rounds (``max_tool_rounds``, 16), recovery's reads of an unsettled run
(``max_polls``, 600, and ``poll_deadline``, 600 seconds on the client's
clock), and step pages (a page that makes no progress ends the walk). A
bound passed raises :class:`~streamkit.errors.LimitExceededError`; a call
naming no given function raises :class:`~streamkit.errors.ToolError`
(``unknown_functions="submit"`` submits an error output instead).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from streamkit import models as m
from streamkit._assistants import endpoints
from streamkit._assistants.accumulator import Accumulator
from streamkit._assistants.handlers import (
    AsyncEventHandler,
    EventHandler,
    adispatch,
    dispatch,
    driver_for,
)
from streamkit._assistants.params import (
    FILE_SEARCH_CONTENT,
    MAX_POLLS,
    MAX_TOOL_ROUNDS,
    POLL_DEADLINE,
    ToolErrors,
    ToolFunction,
    UnknownFunctions,
)
from streamkit._engine.driver import Apply, Driver, Fetch, Flow, Invoke, Read, ReadEnded, Sleep
from streamkit._engine.requests import Request
from streamkit._engine.tools import (
    as_output,
    checked_tool_errors,
    checked_unknown_functions,
    output_text,
    tool_thunk,
)
from streamkit._shell import AsyncTransportLike, TransportLike
from streamkit._streams import AsyncEventStream, EventStream, prepare
from streamkit.errors import LimitExceededError, StreamkitError, ToolError, TransportError
from streamkit.models.events import EVENT_CLASSES

__all__ = ["AsyncRunStream", "RunStream", "run_flow"]

# Run statuses after which polling stops: terminal, or waiting for tool outputs.
_SETTLED = frozenset(
    {"requires_action", "completed", "incomplete", "failed", "cancelled", "expired"}
)
_STEP_EVENTS = {
    "in_progress": "thread.run.step.in_progress",
    "completed": "thread.run.step.completed",
    "failed": "thread.run.step.failed",
    "cancelled": "thread.run.step.cancelled",
    "expired": "thread.run.step.expired",
}
_MESSAGE_EVENTS = {
    "in_progress": "thread.message.in_progress",
    "completed": "thread.message.completed",
    "incomplete": "thread.message.incomplete",
}


# --- The flow ---------------------------------------------------------------------------


def run_flow(
    driver: Driver,
    request: Request,
    *,
    thread_id: str | None,
    functions: Mapping[str, ToolFunction],
    tool_errors: ToolErrors,
    recover: bool,
    poll_interval: float,
    unknown_functions: UnknownFunctions = "raise",
    max_tool_rounds: int = MAX_TOOL_ROUNDS,
    max_polls: int = MAX_POLLS,
    poll_deadline: float = POLL_DEADLINE,
    clock: Callable[[], float] = time.monotonic,
) -> Flow:
    """The life of a run stream, as actions for a shell (see the module docstring).

    The loops the server drives are bounded: at most ``max_tool_rounds``
    submissions of tool outputs, and per recovery at most ``max_polls`` reads
    of the run within ``poll_deadline`` seconds of ``clock``; past a bound,
    :class:`~streamkit.errors.LimitExceededError`.
    """
    accumulator = driver.accumulator
    assert isinstance(accumulator, Accumulator)
    next_request: Request | None = request
    rounds = 0
    while next_request is not None:
        started = accumulator.position
        ended: ReadEnded = yield Read(request=next_request)
        next_request = None
        if ended.broken is not None and (not recover or not accumulator.runs):
            cause = ended.broken.__cause__ or ended.broken
            msg = f"the stream broke after {accumulator.position} events: {type(cause).__name__}"
            raise TransportError(msg) from ended.broken
        # Cut short -- but a run that reached its terminal event in this read
        # (only `done` missing) has nothing to read back.
        settled = accumulator.final_run_position > started
        if not accumulator.done and not settled and recover and accumulator.runs:
            yield from _recover(
                accumulator, thread_id, poll_interval, max_polls, poll_deadline, clock
            )
        run = accumulator.final_run
        calls = awaited_calls(run)
        if run is None or calls is None:
            return
        outputs = driver.results.pop("on_requires_action", None)
        if outputs is None and not functions:
            return  # nothing answers it: the stream ends at requires_action, as the API's
        if rounds >= max_tool_rounds:
            msg = (
                f"the run {run.id} required action again after {rounds} rounds of tool "
                f"outputs (max_tool_rounds={max_tool_rounds}); nothing more was submitted"
            )
            raise LimitExceededError(msg, limit="max_tool_rounds", value=max_tool_rounds)
        if outputs is None:
            if unknown_functions == "raise":
                _check_known(functions, run, calls)
            results = yield Invoke(
                [
                    tool_thunk(functions, call.function.name, call.function.arguments)
                    for call in calls
                ]
            )
            outputs = [
                tool_output(call, result, tool_errors)
                for call, result in zip(calls, results, strict=True)
            ]
        rounds += 1
        next_request = endpoints.submit_tool_outputs_stream(
            thread_id or run.thread_id, run.id, tool_outputs=as_tool_outputs(outputs)
        )
        accumulator.done = False  # the continuation is the same run's stream


def _recover(
    accumulator: Accumulator,
    thread_id: str | None,
    poll_interval: float,
    max_polls: int,
    poll_deadline: float,
    clock: Callable[[], float],
) -> Flow:
    """The stream broke: read the run, its steps and messages back, until the run settles.

    Each object is fed to the accumulator as the event its status stands
    for, so snapshots, Changes and callbacks carry on as if the stream had
    not broken. Bounded: a run still unsettled after ``max_polls`` reads, or
    ``poll_deadline`` seconds after the first, raises LimitExceededError.
    """
    run = list(accumulator.runs.values())[-1]
    thread = thread_id or run.thread_id
    start = clock()
    polls = 0
    while True:
        run = yield from _fetch(endpoints.retrieve_run(thread, run.id))
        polls += 1
        listing = endpoints.list_run_steps(
            thread, run.id, order="asc", include=[FILE_SEARCH_CONTENT]
        )
        page: endpoints.Listing[m.RunStep] | None = yield from _fetch(listing)
        walk = endpoints.PageWalk()
        while page is not None and walk.fresh(page):
            for step in page.data:
                yield from _apply(_STEP_EVENTS.get(step.status), step)
                details = step.step_details
                if isinstance(details, m.MessageCreationStepDetails):
                    message_id = details.message_creation.message_id
                    message = yield from _fetch(endpoints.retrieve_message(thread, message_id))
                    yield from _apply(_MESSAGE_EVENTS.get(message.status), message)
            # A page that makes no progress ends the walk: a server cannot loop it.
            follow = walk.next_call(page)
            page = (yield from _fetch(follow)) if follow is not None else None
        yield from _apply(f"thread.run.{run.status}", run)
        if run.status in _SETTLED:
            return
        elapsed = clock() - start
        limit: tuple[str, float] | None = None
        if polls >= max_polls:
            limit = ("max_polls", max_polls)
        elif elapsed >= poll_deadline:
            limit = ("poll_deadline", poll_deadline)
        if limit is not None:
            msg = (
                f"the stream broke and the run {run.id} had not settled after {polls} "
                f"reads in {elapsed:.1f} s ({limit[0]}={limit[1]}); it is {run.status}"
            )
            raise LimitExceededError(msg, limit=limit[0], value=limit[1])
        yield Sleep(poll_interval)


def _fetch(call: endpoints.Call[Any]) -> Any:
    payload = yield Fetch(call.request)
    return call.parse(payload)


def _apply(name: str | None, data: Any) -> Flow:
    """Feed a whole object as the event of its status (a status with no event: skipped)."""
    cls = EVENT_CLASSES.get(name or "")
    if cls is not None:  # a new status: the next poll will tell
        yield Apply([cls(data)])  # type: ignore[call-arg]


# --- The tool loop's rules ---------------------------------------------------------------


def awaited_calls(run: m.Run | None) -> tuple[m.RequiredActionFunctionToolCall, ...] | None:
    """The calls a run waits for outputs of, or None if it does not wait."""
    if run is None or run.status != "requires_action" or run.required_action is None:
        return None
    return run.required_action.submit_tool_outputs.tool_calls


def as_tool_outputs(outputs: Any) -> list[Mapping[str, Any]]:
    """Outputs as given by a handler (a list, or ``{tool_call_id: output}``) as the API's list."""
    if isinstance(outputs, Mapping):
        return [{"tool_call_id": k, "output": as_output(v)} for k, v in outputs.items()]
    return list(outputs)


def _check_known(
    functions: Mapping[str, ToolFunction],
    run: m.Run,
    calls: tuple[m.RequiredActionFunctionToolCall, ...],
) -> None:
    """Raise ToolError for the first call naming no given function (before any is called)."""
    for call in calls:
        if call.function.name not in functions:
            msg = (
                f"the run {run.id} called the function {call.function.name!r}, which was not "
                f"given (functions={sorted(functions)}); nothing was submitted"
            )
            raise ToolError(
                msg, function_name=call.function.name, tool_call_id=call.id, run_id=run.id
            )


def tool_output(
    call: m.RequiredActionFunctionToolCall, result: Any, tool_errors: ToolErrors
) -> dict[str, str]:
    """The output to submit for a call: its result, or (a failure) its error text or a raise."""
    return {"tool_call_id": call.id, "output": output_text(call.function.name, result, tool_errors)}


# --- The shells ----------------------------------------------------------------------------


class _RunStreamBase:
    """What both stream objects hold and answer without I/O; each flavour adds its shell.

    Args:
        transport: the client's transport (sync or async, as the flavour).
        request: the request that opens the stream.
        thread_id: the thread (None: taken from the run, for create-and-run).
        handler: callbacks to drive (an EventHandler, or an AsyncEventHandler
            for the async flavour).
        functions: Python functions by name, for the tool loop.
        tool_errors: what a raising function does: ``"submit"`` its error
            text as the output, or ``"raise"``.
        unknown_functions: what a call naming no given function does:
            ``"raise"`` :class:`~streamkit.errors.ToolError` (nothing is
            submitted), or ``"submit"`` an error output for it.
        max_tool_rounds: the most rounds of tool outputs submitted for the
            run (default 16); one more ``requires_action`` raises
            :class:`~streamkit.errors.LimitExceededError`.
        recover: read a broken stream's run back and poll until it settles.
        poll_interval: seconds between those polls (default 1.0).
        max_polls: the most reads of an unsettled run per recovery (default 600).
        poll_deadline: the most seconds per recovery (default 600.0), on
            ``clock``; past either bound, LimitExceededError.
        clock: seconds, monotonic (default: the transport's ``clock``, else
            ``time.monotonic``); tests inject a fake.
    """

    def __init__(
        self,
        transport: Any,
        request: Request,
        *,
        thread_id: str | None,
        handler: Any = None,
        functions: Mapping[str, ToolFunction] | None = None,
        tool_errors: str = "submit",
        unknown_functions: str = "raise",
        max_tool_rounds: int = MAX_TOOL_ROUNDS,
        recover: bool = True,
        poll_interval: float = 1.0,
        max_polls: int = MAX_POLLS,
        poll_deadline: float = POLL_DEADLINE,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.accumulator = Accumulator()
        self._driver, tick, by_name = prepare(
            self.accumulator, handler, driver_for, transport, clock, functions
        )
        flow = run_flow(
            self._driver,
            request,
            thread_id=thread_id,
            functions=by_name,
            tool_errors=checked_tool_errors(tool_errors),
            unknown_functions=checked_unknown_functions(unknown_functions),
            max_tool_rounds=max_tool_rounds,
            recover=recover,
            poll_interval=poll_interval,
            max_polls=max_polls,
            poll_deadline=poll_deadline,
            clock=tick,
        )
        self._start(flow, handler, transport)

    def _start(self, flow: Flow, handler: Any, transport: Any) -> None:
        raise NotImplementedError

    def _final_run(self) -> m.Run:
        run = self.accumulator.final_run
        if run is None:
            msg = "the stream ended without a final run event"
            raise StreamkitError(msg)
        return run


class RunStream(_RunStreamBase, EventStream[m.StreamEvent]):
    """A streaming run: a context manager and an iterator of typed events.

    It owns an :class:`~streamkit.Accumulator` (:attr:`accumulator`) that sees
    every event, drives the ``handler`` if one was given, and with
    ``functions`` answers ``requires_action`` itself: it calls each function
    with the call's parsed JSON arguments, submits the outputs and streams the
    continuation into the same accumulator, so :meth:`final_run_steps` holds
    every step of the run::

        with client.runs.stream("thread_abc", assistant_id="asst_abc",
                                functions={"get_weather": get_weather}) as stream:
            for text in stream.text_deltas:
                print(text, end="")
        print(stream.final_run().status)
    """

    def _start(self, flow: Flow, handler: EventHandler | None, transport: TransportLike) -> None:
        self._run(flow, dispatch(handler) if handler is not None else None, transport)

    def final_run(self) -> m.Run:
        """The run's last terminal state (requires_action counts) after :meth:`until_done`.

        Raises:
            StreamkitError: the stream ended without one.
        """
        return self.until_done()._final_run()

    def final_run_steps(self) -> list[m.RunStep]:
        """Every step of the run, across continuations, after :meth:`until_done`."""
        return list(self.until_done().accumulator.run_steps.values())

    def final_messages(self) -> list[m.Message]:
        """Every message of the run, after :meth:`until_done`."""
        return list(self.until_done().accumulator.messages.values())


class AsyncRunStream(_RunStreamBase, AsyncEventStream[m.StreamEvent]):
    """The async :class:`RunStream`: ``async with``, ``async for``, ``await until_done()``.

    Tool functions may be ``async def``; the calls of one ``requires_action``
    run concurrently.
    """

    def _start(
        self, flow: Flow, handler: AsyncEventHandler | None, transport: AsyncTransportLike
    ) -> None:
        self._run(flow, adispatch(handler) if handler is not None else None, transport)

    async def final_run(self) -> m.Run:
        """The run's last terminal state (requires_action counts)."""
        return (await self.until_done())._final_run()

    async def final_run_steps(self) -> list[m.RunStep]:
        """Every step of the run, across continuations."""
        return list((await self.until_done()).accumulator.run_steps.values())

    async def final_messages(self) -> list[m.Message]:
        """Every message of the run."""
        return list((await self.until_done()).accumulator.messages.values())
