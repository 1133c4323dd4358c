"""``ResponseStream`` and ``AsyncResponseStream``: a live response, its resume and its tool loop.

What a response stream does is one sans-IO flow (:func:`response_flow`):

1. read the stream (``POST /responses`` with ``stream: true``);
2. if it broke, or its body ended without a terminal event: for a response
   in background mode, resume it with ``GET /responses/{id}?stream=true&
   starting_after=<the last applied sequence number>`` into the same
   accumulator (which skips any number it has applied), with backoff, as
   often as resumes bring new events (a bounded number of fruitless ones in a
   row); for another response, read it back (``GET /responses/{id}``) until
   it is done, and feed it as its terminal event. Never from sequence 0;
3. if the response ended with ``function_call`` items and ``functions`` were
   given, call them and create the next response with
   ``previous_response_id`` and the ``function_call_output`` items, streamed
   into the same stream object -- until a response ends with no calls.

:class:`ResponseStream` and :class:`AsyncResponseStream` are the sync and
async shells of that flow (:mod:`streamkit._shell`). Every loop the server
drives is bounded, with documented defaults (see
:class:`~streamkit._responses.params.ResponseStreamOptions`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Generator, Mapping
from typing import Any

from streamkit._engine.driver import Apply, Driver, Fetch, Flow, Invoke, Read, ReadEnded, Sleep
from streamkit._engine.requests import Request
from streamkit._engine.tools import (
    MAX_POLLS,
    MAX_TOOL_ROUNDS,
    POLL_DEADLINE,
    ToolErrors,
    ToolFunction,
    UnknownFunctions,
    checked_tool_errors,
    checked_unknown_functions,
    output_text,
    tool_thunk,
)
from streamkit._responses import endpoints
from streamkit._responses.accumulator import ResponseAccumulator
from streamkit._responses.handlers import (
    AsyncResponseEventHandler,
    ResponseEventHandler,
    driver_for,
)
from streamkit._responses.params import MAX_RESUMES, RESUME_BACKOFF
from streamkit._shell import AsyncTransportLike, TransportLike
from streamkit._streams import AsyncEventStream, EventStream, prepare
from streamkit.errors import LimitExceededError, StreamkitError, ToolError, TransportError
from streamkit.models import responses as rm
from streamkit.sse import ServerSentEvent

__all__ = ["AsyncResponseStream", "ResponseStream", "function_calls", "response_flow"]

# Statuses a response ends in (a stream ends after their event).
_TERMINAL = frozenset({"completed", "incomplete", "failed", "cancelled"})
# The most a resume waits before its next try, whatever the backoff grew to.
_MAX_BACKOFF = 8.0


def function_calls(response: rm.Response | None) -> list[rm.FunctionToolCall]:
    """The ``function_call`` items a response ended with (what the tool loop answers)."""
    if response is None or response.status != "completed":
        return []
    return [item for item in response.output or () if isinstance(item, rm.FunctionToolCall)]


def response_flow(
    driver: Driver,
    request: Request,
    *,
    body: Mapping[str, Any],
    functions: Mapping[str, ToolFunction],
    tool_errors: ToolErrors = "submit",
    unknown_functions: UnknownFunctions = "raise",
    max_tool_rounds: int = MAX_TOOL_ROUNDS,
    resume: bool = True,
    max_resumes: int = MAX_RESUMES,
    resume_backoff: float = RESUME_BACKOFF,
    poll_interval: float = 1.0,
    max_polls: int = MAX_POLLS,
    poll_deadline: float = POLL_DEADLINE,
    clock: Callable[[], float] = time.monotonic,
) -> Flow:
    """The life of a response stream, as actions for a shell (see the module docstring).

    Args:
        driver: the stream's driver (its accumulator is a ResponseAccumulator).
        request: the request that opens the first stream.
        body: the parameters the first response was created with; the tool
            loop's next responses are created with them too (but their own
            ``input`` and ``previous_response_id``).
    """
    accumulator = driver.accumulator
    assert isinstance(accumulator, ResponseAccumulator)
    next_request: Request | None = request
    rounds = 0
    while next_request is not None:
        ended: ReadEnded = yield Read(request=next_request)
        next_request = None
        if not accumulator.finished:
            settle = _settle(
                accumulator,
                ended,
                resume=resume,
                max_resumes=max_resumes,
                resume_backoff=resume_backoff,
                poll_interval=poll_interval,
                max_polls=max_polls,
                poll_deadline=poll_deadline,
                clock=clock,
            )
            yield from settle
        response = accumulator.response
        calls = function_calls(response)
        if not calls or not functions or response is None:
            return
        if rounds >= max_tool_rounds:
            msg = (
                f"the response {response.id} called functions again after {rounds} rounds "
                f"(max_tool_rounds={max_tool_rounds}); nothing more was sent"
            )
            raise LimitExceededError(msg, limit="max_tool_rounds", value=max_tool_rounds)
        if unknown_functions == "raise":
            _check_known(functions, response, calls)
        thunks = [tool_thunk(functions, call.name, call.arguments) for call in calls]
        results = yield Invoke(thunks)
        outputs = [
            {
                "type": "function_call_output",
                "call_id": call.call_id,
                "output": output_text(call.name, result, tool_errors),
            }
            for call, result in zip(calls, results, strict=True)
        ]
        rounds += 1
        following = {key: value for key, value in body.items() if key != "input"}
        following.update(previous_response_id=response.id, input=outputs)
        next_request = endpoints.stream_request(following)


def _settle(
    accumulator: ResponseAccumulator,
    ended: ReadEnded,
    *,
    resume: bool,
    max_resumes: int,
    resume_backoff: float,
    poll_interval: float,
    max_polls: int,
    poll_deadline: float,
    clock: Callable[[], float],
) -> Flow:
    """A read ended before the response's terminal event: resume it, or read it back."""
    response = accumulator.response
    if response is None or not resume:
        if ended.broken is not None:
            cause = ended.broken.__cause__ or ended.broken
            msg = f"the stream broke after {accumulator.position} events: {type(cause).__name__}"
            raise TransportError(msg) from ended.broken
        what = "any response event" if response is None else "the response's terminal event"
        msg = f"the stream ended after {accumulator.position} events, without {what}"
        raise StreamkitError(msg)
    start = clock()
    if response.background:
        yield from _resume(accumulator, response.id, max_resumes, resume_backoff, poll_deadline)
        return
    polls = 0
    while True:
        status = yield from _read_back(response.id)
        polls += 1
        if status in _TERMINAL:
            return
        elapsed = clock() - start
        limit: tuple[str, float] | None = None
        if polls >= max_polls:
            limit = ("max_polls", max_polls)
        elif elapsed >= poll_deadline:
            limit = ("poll_deadline", poll_deadline)
        if limit is not None:
            msg = (
                f"the stream of the response {response.id} was cut and it was not done after "
                f"{polls} reads in {elapsed:.1f} s ({limit[0]}={limit[1]}); it is {status}"
            )
            raise LimitExceededError(msg, limit=limit[0], value=limit[1])
        yield Sleep(poll_interval)


def _read_back(response_id: str) -> Generator[Any, Any, str]:
    """Read the response back; if it is done, feed it as its terminal event. Its status.

    Fed so, it is authoritative, and Changes and callbacks carry on as if the
    stream had not been cut.
    """
    call = endpoints.retrieve(response_id)
    payload = yield Fetch(call.request)
    status = call.parse(payload).status or ""
    if status in _TERMINAL:
        name = f"response.{status}"
        data = json.dumps({"type": name, "response": payload})
        yield Apply([ServerSentEvent(event=name, data=data)])
    return status


def _resume(
    accumulator: ResponseAccumulator,
    response_id: str,
    max_resumes: int,
    resume_backoff: float,
    poll_deadline: float,
) -> Flow:
    """Resume a background response after the last applied sequence number, until it ends.

    A resume that brings new events starts the count afresh. After one that
    brings nothing, the response is read back: one that ended with no terminal
    event to replay (cancelled) is applied so. ``max_resumes`` fruitless ones
    in a row (the backoff doubling between them) raise.
    """
    fruitless = 0
    delay = resume_backoff
    while not accumulator.finished:
        if fruitless >= max_resumes:
            msg = (
                f"the response {response_id} was resumed {fruitless} times in a row with no "
                f"new event (max_resumes={max_resumes}); it ended at sequence number "
                f"{accumulator.last_sequence_number}"
            )
            raise LimitExceededError(msg, limit="max_resumes", value=max_resumes)
        if fruitless:
            yield Sleep(delay)
            delay = min(delay * 2, _MAX_BACKOFF)
        before = accumulator.position
        request = endpoints.resume_request(
            response_id, starting_after=accumulator.last_sequence_number
        )
        ended: ReadEnded = yield Read(request=request, reopen_safe=True)
        if accumulator.position > before:
            fruitless = 0
            continue
        fruitless += 1
        if ended.broken is None:
            # The server answered with nothing new: the response may have ended
            # without a terminal event to replay (a cancelled one has none).
            status = yield from _read_back(response_id)
            if status in _TERMINAL:
                return


def _check_known(
    functions: Mapping[str, ToolFunction], response: rm.Response, calls: list[rm.FunctionToolCall]
) -> None:
    """Raise ToolError for the first call naming no given function (before any is called)."""
    for call in calls:
        if call.name not in functions:
            msg = (
                f"the response {response.id} called the function {call.name!r}, which was not "
                f"given (functions={sorted(functions)}); nothing was sent"
            )
            raise ToolError(
                msg, function_name=call.name, tool_call_id=call.call_id, run_id=response.id
            )


# --- The shells ----------------------------------------------------------------------------


class _ResponseStreamBase:
    """What both stream objects hold and answer without I/O; each flavour adds its shell.

    Args:
        transport: the client's transport (sync or async, as the flavour).
        request: the request that opens the stream.
        body: the parameters the response was created with (for the tool loop).
        handler: callbacks to drive.
        accumulator: the accumulator to continue (a resume of a stream read
            before); by default a new one.
        functions, tool_errors, unknown_functions, max_tool_rounds, resume,
            max_resumes, resume_backoff, poll_interval, max_polls,
            poll_deadline: see
            :class:`~streamkit._responses.params.ResponseStreamOptions`.
        clock: seconds, monotonic (default: the transport's ``clock``).
    """

    def __init__(
        self,
        transport: Any,
        request: Request,
        *,
        body: Mapping[str, Any] | None = None,
        handler: Any = None,
        accumulator: ResponseAccumulator | None = None,
        functions: Mapping[str, ToolFunction] | None = None,
        tool_errors: str = "submit",
        unknown_functions: str = "raise",
        max_tool_rounds: int = MAX_TOOL_ROUNDS,
        resume: bool = True,
        max_resumes: int = MAX_RESUMES,
        resume_backoff: float = RESUME_BACKOFF,
        poll_interval: float = 1.0,
        max_polls: int = MAX_POLLS,
        poll_deadline: float = POLL_DEADLINE,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.accumulator = accumulator if accumulator is not None else ResponseAccumulator()
        self.accumulator.done = False  # a continued accumulator reads on
        self._driver, tick, by_name = prepare(
            self.accumulator, handler, driver_for, transport, clock, functions
        )
        flow = response_flow(
            self._driver,
            request,
            body=dict(body or {}),
            functions=by_name,
            tool_errors=checked_tool_errors(tool_errors),
            unknown_functions=checked_unknown_functions(unknown_functions),
            max_tool_rounds=max_tool_rounds,
            resume=resume,
            max_resumes=max_resumes,
            resume_backoff=resume_backoff,
            poll_interval=poll_interval,
            max_polls=max_polls,
            poll_deadline=poll_deadline,
            clock=tick,
        )
        self._start(flow, handler, transport)

    def _start(self, flow: Flow, handler: Any, transport: Any) -> None:
        raise NotImplementedError

    def _final_response(self) -> rm.Response:
        response = self.accumulator.response
        if response is None:
            msg = "the stream ended without a response"
            raise StreamkitError(msg)
        return response


class ResponseStream(_ResponseStreamBase, EventStream[Any]):
    """A streaming response: a context manager and an iterator of typed events.

    It owns a :class:`~streamkit.ResponseAccumulator` (:attr:`accumulator`)
    that sees every event, drives the ``handler`` if one was given, resumes
    a cut stream (see :func:`response_flow`), and with ``functions`` answers
    the model's function calls itself, continuing in the same stream::

        with client.responses.stream(model="gpt-5", input="Weather in Paris?",
                                     tools=[weather_tool],
                                     functions={"get_weather": get_weather}) as stream:
            for text in stream.text_deltas:
                print(text, end="")
        print(stream.final_response().status)
    """

    def _start(
        self, flow: Flow, handler: ResponseEventHandler | None, transport: TransportLike
    ) -> None:
        self._run(flow, handler._call if handler is not None else None, transport)

    def final_response(self) -> rm.Response:
        """The last response of the stream, as it ended (with the tool loop: the last one).

        Raises:
            StreamkitError: the stream had no response.
        """
        return self.until_done()._final_response()


class AsyncResponseStream(_ResponseStreamBase, AsyncEventStream[Any]):
    """The async :class:`ResponseStream`: ``async with``, ``async for``, ``await until_done()``.

    Tool functions may be ``async def``; the calls of one response run concurrently.
    """

    def _start(
        self, flow: Flow, handler: AsyncResponseEventHandler | None, transport: AsyncTransportLike
    ) -> None:
        self._run(flow, handler._call if handler is not None else None, transport)

    async def final_response(self) -> rm.Response:
        """The last response of the stream, as it ended."""
        return (await self.until_done())._final_response()
