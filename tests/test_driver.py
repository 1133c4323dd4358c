"""The sans-IO stream driver and the run flow, with no I/O at all.

:class:`~streamkit._engine.driver.Driver` is fed events by hand and its
returned calls are checked; :func:`~streamkit._assistants.stream.run_flow` is
driven by hand, as a shell would: each action it yields is answered with a
``ReadEnded``, a JSON reply or nothing, and the events it reads or applies are
fed to its driver.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import pytest

import streamkit
import streamkit._assistants.accumulator as accumulator_module
import streamkit._engine.changes as changes_module
from streamkit import ServerSentEvent, StreamError, TransportError, models
from streamkit._assistants import endpoints
from streamkit._assistants.accumulator import Accumulator
from streamkit._assistants.handlers import CALLBACKS, ROUTES, TEXT_KINDS, driver_for
from streamkit._assistants.params import FILE_SEARCH_CONTENT
from streamkit._assistants.stream import run_flow
from streamkit._engine.driver import (
    Apply,
    Driver,
    Fetch,
    Invoke,
    Read,
    ReadEnded,
    Sleep,
    read_flow,
)
from streamkit._shell import SyncShell
from streamkit.errors import LimitExceededError, ToolError
from streamkit.recordings import NAMES, read_bytes
from streamkit.sse import SSEDecoder

TEXT_RUN = read_bytes("text-run")
REQUIRES_ACTION = read_bytes("function-call-requires-action")
CONTINUATION = read_bytes("function-call-continuation")
#: The id of the one call function-call-requires-action waits for.
FN_CALL_ID = "call_xyFYaEeyocjyE6jN64QTcxip"

Calls = list[tuple[str, tuple[Any, ...]]]


def events_of(body: bytes) -> list[ServerSentEvent]:
    decoder = SSEDecoder(dispatch_at_close=True)
    return decoder.feed(body) + decoder.close()


def feed_all(driver: Driver, events: list[Any]) -> Calls:
    """Feed every event (stopping after a server error); all the calls returned, in order."""
    calls: Calls = []
    for event in events:
        calls += driver.feed(event)
        if driver.error is not None:
            break
    return calls


def plain(value: Any) -> Any:
    if isinstance(value, (str, int, float, type(None))):
        return value
    if isinstance(value, (tuple, list)):
        return [plain(item) for item in value]
    return streamkit.to_dict(value)


def summary(calls: Calls) -> list[tuple[Any, ...]]:
    return [(name, *[plain(arg) for arg in args]) for name, args in calls]


def text_of(accumulator: Accumulator) -> str:
    message = list(accumulator.messages.values())[-1]
    block = message.content[0]
    assert isinstance(block, models.TextContentBlock)
    return block.text.value


# --- Which calls the driver returns ----------------------------------------------------------


SUBSETS = [
    frozenset({"on_text_delta"}),
    frozenset({"on_run_status", "on_requires_action"}),
    frozenset({"on_tool_call_created", "on_tool_call_delta", "on_tool_call_done"}),
    frozenset({"on_message_done", "on_run_step_done", "on_event"}),
]


@pytest.mark.parametrize("name", [n for n in NAMES if n != "text-then-server-error"])
@pytest.mark.parametrize("implemented", SUBSETS, ids=lambda names: "+".join(sorted(names)))
def test_only_implemented_callbacks(name: str, implemented: frozenset[str]) -> None:
    """A handler implementing some callbacks gets exactly those calls of the full handler's."""
    events = events_of(read_bytes(name))
    everything = feed_all(
        Driver(Accumulator(), ROUTES, implemented=CALLBACKS, wants_events=True), events
    )
    some = feed_all(
        Driver(Accumulator(), ROUTES, implemented=implemented, wants_events=True), events
    )
    assert {call_name for call_name, _ in some} <= implemented
    assert summary([call for call in everything if call[0] in implemented]) == summary(some)


def test_the_text_deltas_of_a_text_run() -> None:
    """on_text_delta alone: one call per fragment (the first one's too), with its snapshot."""
    driver = Driver(Accumulator(), ROUTES, implemented=frozenset({"on_text_delta"}))
    calls = feed_all(driver, events_of(TEXT_RUN))
    fragments = list(streamkit.text_deltas(TEXT_RUN))
    assert ["on_text_delta"] * len(fragments) == [name for name, _ in calls]
    assert fragments == [delta.value for _, (delta, _snapshot) in calls]
    grown = ["".join(fragments[: i + 1]) for i in range(len(fragments))]
    assert grown == [snapshot.value for _, (_delta, snapshot) in calls]


def test_routes_are_filtered_by_name() -> None:
    """A route's function may give calls for several names: only the implemented ones are kept."""
    seen: list[str] = []

    def both(change: Any) -> list[tuple[str, tuple[Any, ...]]]:
        seen.append(change.kind)
        return [("on_a", (change.position,)), ("on_b", (change.kind,))]

    routes = {"text.delta": [(frozenset({"on_a", "on_b"}), both)]}
    driver = Driver(Accumulator(), routes, implemented=frozenset({"on_b"}))
    calls = feed_all(driver, events_of(TEXT_RUN))
    deltas = len(list(streamkit.text_deltas(TEXT_RUN))) - 1  # the first fragment is text.created
    assert [("on_b", ("text.delta",))] * deltas == calls
    assert deltas == len(seen)
    # Nothing implemented: the route's function never runs.
    seen.clear()
    assert [] == feed_all(Driver(Accumulator(), routes, implemented=None), events_of(TEXT_RUN))
    assert [] == feed_all(
        Driver(Accumulator(), routes, implemented=frozenset({"on_c"})), events_of(TEXT_RUN)
    )
    assert [] == seen


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The hooks of every snapshot build (``changes.build``, wherever it is called from)."""
    made: list[Any] = []
    original = changes_module.build

    def counting(hook: Callable[[Any], Any], node: Any) -> Any:
        made.append(hook)
        return original(hook, node)

    monkeypatch.setattr(changes_module, "build", counting)
    monkeypatch.setattr(accumulator_module, "build", counting)
    return made


def consume_quietly(body: bytes, handler: streamkit.EventHandler) -> None:
    with contextlib.suppress(StreamError):
        streamkit.consume(body, handler)


@pytest.mark.parametrize("name", NAMES)
def test_a_do_nothing_handler_builds_no_snapshot(name: str, builds: list[Any]) -> None:
    """Implementing nothing costs no snapshot beyond the accumulator's own.

    The accumulator alone builds one snapshot per terminal run event (its
    ``final_run``); a handler that implements nothing adds none, and on a
    stream with no terminal run (the server error) nothing at all is built.
    """
    body = read_bytes(name)
    bare = Accumulator(strict=False)
    for event in events_of(body):
        bare.feed(event)
    own = list(builds)
    assert all(hook is accumulator_module._RUN_HOOK for hook in own)
    terminal = sum(1 for e in events_of(body) if e.event in accumulator_module._RUN_TERMINAL_EVENTS)
    assert terminal == len(own)
    builds.clear()
    consume_quietly(body, streamkit.EventHandler())
    assert len(own) == len(builds)
    if name == "text-then-server-error":
        assert 0 == len(builds)


@pytest.mark.parametrize(
    ("name", "callback"),
    [
        ("parallel-function-calls", "on_tool_call_delta"),
        ("function-call-requires-action", "on_tool_call_delta"),
        ("text-run", "on_text_delta"),
        ("text-then-server-error", "on_message_delta"),
    ],
)
def test_a_callback_taking_a_snapshot_builds_them(
    name: str, callback: str, builds: list[Any]
) -> None:
    body = read_bytes(name)
    consume_quietly(body, streamkit.EventHandler())
    baseline = len(builds)
    builds.clear()
    calls: list[Any] = []

    class Handler(streamkit.EventHandler):
        pass

    setattr(Handler, callback, lambda self, delta, snapshot: calls.append(snapshot))
    consume_quietly(body, Handler())
    assert calls
    assert len(builds) >= baseline + len(calls)


# --- on_event ---------------------------------------------------------------------------------


def test_on_event_for_every_event_unknown_ones_too() -> None:
    """wants_events: on_event for every event that parses, in order, before its other calls."""
    unknown = ServerSentEvent("thread.run.future_thing", '{"id": "x", "shiny": true}')
    events = events_of(TEXT_RUN)
    events = [*events[:5], unknown, *events[5:]]
    driver = Driver(
        Accumulator(),
        ROUTES,
        implemented=frozenset({"on_event", "on_unknown_event", "on_run_created"}),
        wants_events=True,
    )
    calls = feed_all(driver, events)
    on_event = [args[0] for name, args in calls if name == "on_event"]
    assert [event.event for event in events] == [event.event for event in on_event]
    [typed] = [event for event in on_event if event.event == "thread.run.future_thing"]
    assert isinstance(typed, models.UnknownEvent)
    assert {"id": "x", "shiny": True} == typed.data
    names = [name for name, _ in calls]
    assert ["on_event", "on_run_created"] == names[:2]
    position = names.index("on_unknown_event")
    assert ("on_event", (typed,)) == calls[position - 1]
    assert (typed,) == calls[position][1]


def test_on_event_needs_both_wants_events_and_the_callback() -> None:
    events = events_of(TEXT_RUN)
    not_wanted = Driver(Accumulator(), ROUTES, implemented=frozenset({"on_event"}))
    assert [] == feed_all(not_wanted, events)
    not_implemented = Driver(
        Accumulator(), ROUTES, implemented=frozenset({"on_run_done"}), wants_events=True
    )
    assert False is not_implemented.wants_events
    assert ["on_run_done"] == [name for name, _ in feed_all(not_implemented, events)]


def test_on_event_in_lenient_mode() -> None:
    """An event lenient mode skips still gets on_event; one that does not parse gets none."""
    bad_delta = ServerSentEvent(
        "thread.message.delta",
        '{"id": "msg_never", "object": "thread.message.delta", "delta": {}}',
    )
    not_json = ServerSentEvent("thread.message.delta", "{not json")
    events = events_of(TEXT_RUN)
    events = [*events[:3], bad_delta, not_json, *events[3:]]
    accumulator = Accumulator(strict=False)
    driver = Driver(accumulator, ROUTES, implemented=frozenset({"on_event"}), wants_events=True)
    assert [] == driver.feed(ServerSentEvent("thread.message.delta", "{not json"))
    assert None is driver.event()
    calls = feed_all(driver, events)
    assert len(events) - 1 == len(calls)
    delta = calls[3][1][0]
    assert isinstance(delta, models.ThreadMessageDelta)
    assert "msg_never" == delta.data.id
    assert ["parse", "unknown_id", "parse"] == [a.kind for a in accumulator.anomalies]


def test_event_is_the_last_typed_event() -> None:
    driver = Driver(Accumulator(), ROUTES)
    for sse in events_of(TEXT_RUN)[:3]:
        driver.feed(sse)
        assert sse.event == driver.event().event
    assert isinstance(driver.event(), models.ThreadRunInProgress)


# --- A server error event ----------------------------------------------------------------------


def test_server_error_gives_on_event_then_on_error_and_the_error() -> None:
    events = events_of(read_bytes("text-then-server-error"))
    driver = Driver(
        Accumulator(), ROUTES, implemented=frozenset({"on_event", "on_error"}), wants_events=True
    )
    for event in events[:-1]:
        assert 1 == len(driver.feed(event))
        assert None is driver.error
    calls = driver.feed(events[-1])
    assert ["on_event", "on_error"] == [name for name, _ in calls]
    assert isinstance(calls[0][1][0], models.ErrorEvent)
    assert isinstance(driver.error, StreamError)
    assert (driver.error.error,) == calls[1][1]
    assert "server_error" == driver.error.error.type
    assert [] == driver.changes
    # The next event starts clean.
    driver.feed(ServerSentEvent("done", "[DONE]"))
    assert None is driver.error


def test_server_error_calls_only_what_is_implemented() -> None:
    events = events_of(read_bytes("text-then-server-error"))
    driver = Driver(Accumulator(), ROUTES, implemented=frozenset({"on_text_delta"}))
    calls = feed_all(driver, events)
    assert isinstance(driver.error, StreamError)
    assert {"on_text_delta"} == {name for name, _ in calls}


# --- Text, results ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_text_collection(name: str) -> None:
    """collect_text gathers every text fragment, in order: what text_deltas yields."""
    body = read_bytes(name)
    accumulator = Accumulator(strict=False)
    driver = driver_for(accumulator, None, collect_text=True)
    assert TEXT_KINDS == driver._collect
    feed_all(driver, events_of(body))
    assert list(streamkit.text_deltas(body, strict=False)) == driver.texts
    if accumulator.messages:
        assert "".join(driver.texts) == "".join(
            block.text.value
            for message in accumulator.messages.values()
            for block in message.content
            if isinstance(block, models.TextContentBlock)
        )
    plain_driver = Driver(Accumulator(strict=False), ROUTES)
    feed_all(plain_driver, events_of(body))
    assert [] == plain_driver.texts


def test_returned_results_are_kept_by_name() -> None:
    """What a callback returns (not None) is noted by the shell; None is not."""
    answer = [{"tool_call_id": "call_1", "output": "x"}]

    def call(name: str, arguments: tuple[Any, ...]) -> Any:
        return answer if name == "on_requires_action" else None

    driver = Driver(
        Accumulator(),
        ROUTES,
        implemented=frozenset({"on_requires_action", "on_run_done", "on_run_status"}),
    )
    for _ in SyncShell(driver, call).run(read_flow(REQUIRES_ACTION)):
        pass
    assert {"on_requires_action": answer} == driver.results
    driver.returned("on_run_done", 3)
    assert {"on_requires_action": answer, "on_run_done": 3} == driver.results


# --- run_flow, driven by hand -------------------------------------------------------------------


def page(data: list[Any], *, has_more: bool, last_id: str | None) -> dict[str, Any]:
    return {
        "object": "list",
        "data": data,
        "has_more": has_more,
        "first_id": None,
        "last_id": last_id,
    }


class Hand:
    """A shell performed by hand: each action is checked and answered by the test."""

    def __init__(self, **options: Any) -> None:
        self.accumulator = Accumulator()
        self.driver = driver_for(self.accumulator, None, collect_text=True)
        self.request = endpoints.stream_run("t", assistant_id="a")
        settings = {
            "thread_id": "t",
            "functions": {},
            "tool_errors": "submit",
            "recover": True,
            "poll_interval": 0.25,
            **options,
        }
        self.flow = run_flow(self.driver, self.request, **settings)
        self.actions = 0

    def start(self) -> Any:
        return next(self.flow)

    def send(self, reply: Any) -> Any:
        self.actions += 1
        assert self.actions < 50, "the flow does not end"
        return self.flow.send(reply)

    def read(self, body: bytes) -> None:
        for event in events_of(body):
            self.driver.feed(event)
            if self.accumulator.done:
                break

    def apply(self, action: Apply) -> None:
        for event in action.events:
            self.driver.feed(event)


def halfway(body: bytes) -> bytes:
    return body[: body.index(b"\n\n", len(body) // 2) + 2]


def test_a_complete_read_ends_the_flow() -> None:
    hand = Hand()
    assert Read(request=hand.request) == hand.start()
    hand.read(TEXT_RUN)
    with pytest.raises(StopIteration):
        hand.send(ReadEnded())


@pytest.mark.parametrize("recover", [True, False])
def test_broken_without_recovery(recover: bool) -> None:
    """recover=False, or no run seen yet: the break raises TransportError, its cause chained."""
    hand = Hand(recover=recover)
    hand.start()
    if not recover:
        hand.read(halfway(TEXT_RUN))
    broken = TransportError("connection reset")
    with pytest.raises(TransportError) as caught:
        hand.send(ReadEnded(broken))
    n = hand.accumulator.position
    assert (n > 0) is (not recover)
    assert f"the stream broke after {n} events: TransportError" == str(caught.value)
    assert caught.value.__cause__ is broken


def test_recovery_walks_pages_and_stops_on_an_empty_one_with_has_more() -> None:
    """Steps are read page by page; a page with has_more but no data ends the walk (no loop)."""
    final = streamkit.replay(TEXT_RUN)
    assert final.final_run is not None
    run = streamkit.to_dict(final.final_run)
    [step] = [streamkit.to_dict(s) for s in final.run_steps.values()]
    [message] = [streamkit.to_dict(x) for x in final.messages.values()]
    run_id, step_id = run["id"], step["id"]
    steps_path = f"/threads/t/runs/{run_id}/steps"
    first_page = {"order": "asc", "include[]": [FILE_SEARCH_CONTENT]}

    hand = Hand()
    hand.start()
    hand.read(halfway(TEXT_RUN))
    action = hand.send(ReadEnded(TransportError("reset")))
    assert Fetch(endpoints.retrieve_run("t", run_id).request) == action
    action = hand.send(dict(run, status="in_progress"))
    assert isinstance(action, Fetch)
    assert (steps_path, first_page) == (action.request.path, action.request.params)
    # Page 1: the step, more to come.
    action = hand.send(page([step], has_more=True, last_id=step_id))
    assert isinstance(action, Apply)
    assert ["thread.run.step.completed"] == [e.event for e in action.events]
    assert step_id == action.events[0].data.id
    hand.apply(action)
    action = hand.send(None)
    assert Fetch(endpoints.retrieve_message("t", message["id"]).request) == action
    action = hand.send(message)
    assert isinstance(action, Apply)
    assert ["thread.message.completed"] == [e.event for e in action.events]
    hand.apply(action)
    action = hand.send(None)
    assert isinstance(action, Fetch)
    assert (steps_path, {**first_page, "after": step_id}) == (
        action.request.path,
        action.request.params,
    )
    # Page 2: has_more, yet empty (a server that would loop forever): the walk ends.
    action = hand.send(page([], has_more=True, last_id=step_id))
    assert isinstance(action, Apply)
    assert ["thread.run.in_progress"] == [e.event for e in action.events]
    hand.apply(action)
    assert Sleep(0.25) == hand.send(None)
    action = hand.send(None)
    assert Fetch(endpoints.retrieve_run("t", run_id).request) == action
    action = hand.send(run)
    assert isinstance(action, Fetch)
    assert steps_path == action.request.path
    assert action.request.params is not None
    assert "after" not in action.request.params  # every poll walks from the first page
    action = hand.send(page([], has_more=True, last_id="step_elsewhere"))
    assert isinstance(action, Apply)
    assert ["thread.run.completed"] == [e.event for e in action.events]
    hand.apply(action)
    with pytest.raises(StopIteration):
        hand.send(None)
    assert final.final_run == hand.accumulator.final_run
    assert list(final.messages.values()) == list(hand.accumulator.messages.values())


def test_tool_loop_by_hand() -> None:
    """requires_action: Invoke the functions; their outputs are the next Read's request."""
    received: list[Any] = []

    def get_current_weather(**arguments: Any) -> dict[str, int]:
        received.append(arguments)
        return {"celsius": 9}

    hand = Hand(functions={"get_current_weather": get_current_weather})
    hand.start()
    hand.read(REQUIRES_ACTION)
    run = hand.accumulator.final_run
    assert run is not None
    assert run.required_action is not None
    [call] = run.required_action.submit_tool_outputs.tool_calls
    action = hand.send(ReadEnded())
    assert isinstance(action, Invoke)
    assert 1 == len(action.calls)
    results = [thunk() for thunk in action.calls]
    assert [{}] == received
    action = hand.send(results)
    expected = endpoints.submit_tool_outputs_stream(
        "t", run.id, tool_outputs=[{"tool_call_id": call.id, "output": '{"celsius": 9}'}]
    )
    assert Read(request=expected) == action
    assert False is hand.accumulator.done  # the continuation reads into the same accumulator
    hand.read(CONTINUATION)
    with pytest.raises(StopIteration):
        hand.send(ReadEnded())
    final_run = hand.accumulator.final_run
    assert final_run is not None
    assert "completed" == final_run.status


@pytest.mark.parametrize("tool_errors", ["submit", "raise"])
def test_a_failed_call_by_hand(tool_errors: str) -> None:
    hand = Hand(functions={"get_current_weather": print}, tool_errors=tool_errors)
    hand.start()
    hand.read(REQUIRES_ACTION)
    assert isinstance(hand.send(ReadEnded()), Invoke)
    failure = OSError("no network")
    if tool_errors == "raise":
        with pytest.raises(OSError, match="no network"):
            hand.send([failure])
        return
    action = hand.send([failure])
    assert isinstance(action, Read)
    expected = [{"tool_call_id": FN_CALL_ID, "output": "error: OSError: no network"}]
    assert action.request is not None
    assert expected == action.request.body["tool_outputs"]


def test_the_handlers_outputs_come_first() -> None:
    """Outputs a handler returned are submitted; the functions are not invoked; taken once."""
    hand = Hand(functions={"get_current_weather": print})
    hand.start()
    hand.read(REQUIRES_ACTION)
    hand.driver.returned("on_requires_action", {"call_1": "from the handler"})
    action = hand.send(ReadEnded())
    assert isinstance(action, Read)
    assert action.request is not None
    expected = [{"tool_call_id": "call_1", "output": "from the handler"}]
    assert expected == action.request.body["tool_outputs"]
    assert {} == hand.driver.results


def test_an_unknown_function_by_hand() -> None:
    """A call naming no given function: ToolError at once, no Invoke, no Read of outputs."""
    hand = Hand(functions={"something_else": print})
    hand.start()
    hand.read(REQUIRES_ACTION)
    with pytest.raises(ToolError, match="'get_current_weather'") as caught:
        hand.send(ReadEnded())
    assert ("get_current_weather", FN_CALL_ID) == (
        caught.value.function_name,
        caught.value.tool_call_id,
    )


def test_an_unknown_function_submitted_by_hand() -> None:
    hand = Hand(functions={"something_else": print}, unknown_functions="submit")
    hand.start()
    hand.read(REQUIRES_ACTION)
    action = hand.send(ReadEnded())
    assert isinstance(action, Invoke)
    action = hand.send([_outcome(thunk) for thunk in action.calls])
    assert isinstance(action, Read)
    assert action.request is not None
    [output] = action.request.body["tool_outputs"]
    assert (
        "error: LookupError: no function named 'get_current_weather' was given"
        == (output["output"])
    )


def _outcome(thunk: Callable[[], Any]) -> Any:
    try:
        return thunk()
    except Exception as exc:
        return exc


def test_the_poll_deadline_by_hand() -> None:
    """Recovery reads the clock it was given: past poll_deadline, LimitExceededError."""
    final = streamkit.replay(TEXT_RUN)
    assert final.final_run is not None
    run = dict(streamkit.to_dict(final.final_run), status="in_progress")
    now = [100.0]
    hand = Hand(poll_deadline=3.0, clock=lambda: now[0])
    hand.start()
    hand.read(halfway(TEXT_RUN))
    action = hand.send(ReadEnded(TransportError("reset")))
    polls = 0

    def answer(action: Any) -> Any:
        nonlocal polls
        if isinstance(action, Fetch) and action.request.path.endswith("/steps"):
            return hand.send(page([], has_more=False, last_id=None))
        if isinstance(action, Fetch):
            polls += 1
            return hand.send(run)
        if isinstance(action, Apply):
            hand.apply(action)
            return hand.send(None)
        assert Sleep(0.25) == action
        now[0] += 1.0
        return hand.send(None)

    def drive(action: Any) -> None:
        for _ in range(40):  # more than enough: it must raise before
            action = answer(action)

    with pytest.raises(LimitExceededError, match=r"poll_deadline=3\.0") as caught:
        drive(action)
    assert 4 == polls  # read at 100, 101, 102 and 103: 3 s after the first, it stops
    assert "poll_deadline" == caught.value.limit
