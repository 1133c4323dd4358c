"""Fuzzing: damaged real recordings of both protocols never break the accumulators (issue 16).

Real recordings of the Assistants and the Responses stream, a few edits each
(:mod:`tests.fuzz_strategies`: keys deleted, values of the wrong JSON type,
indexes and sequence numbers set to -1, 10**9, "0", 0.5, null or a
neighbour, tags and ids swapped, events duplicated, moved, swapped, deleted
or renamed, bytes flipped, the stream truncated), decoded in random reads and
fed in strict and lenient mode. :func:`check_case` holds the invariants:

1. Only streamkit's own errors (:class:`streamkit.StreamkitError`) escape
   ``SSEDecoder.feed`` / ``close``, the typed parsers and ``feed``.
2. A rejected event leaves every snapshot exactly as it was. Checked against
   a second accumulator fed the accepted events alone (read only when
   compared, so nothing cached there stands for what was applied), and with
   the fed accumulator's snapshots built afresh, every cache ignored (a
   cached snapshot can hide a half-applied change).
3. Every snapshot, and what every Change reports (delta, event, snapshot),
   can be read back and turned into JSON with ``to_dict``.
4. No event costs more than a constant plus a constant per byte of it:
   counted as the elements of the accumulator's containers (nodes, slots,
   text fragments) that ``feed`` walks -- work, not time.

``test_work_is_linear_*`` check that the work grows linearly with a
stream, counting executed lines as well: deltas repeated (texts, arguments,
logprobs grow), copies of a recording (objects grow), parts and entries added
to one object. Counts are deterministic, so linear growth shows as exact
steps.

The bounded profile (the Hypothesis profile's number of examples per protocol
and mode) runs in the default suite. The long campaign is opt-in::

    nice -n 19 python -m tests.test_fuzz --minutes 10

runs until the time is up over both protocols and modes and saves each
distinct failure (shrunk) under ``tests/data/fuzz/``, which
:func:`test_saved_case` replays.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException

import streamkit
from streamkit import ServerSentEvent, to_dict
from streamkit._engine.convert import loads
from streamkit._engine.nodes import Frags, Node, Slots
from tests.events import (
    fn_head,
    message_created,
    message_delta,
    run_event,
    step_created,
    step_delta,
    text_piece,
)
from tests.fuzz_strategies import PROTOCOLS, FuzzCase, encode, fuzz_cases, recordings

FUZZ_DIR = Path(__file__).parent / "data" / "fuzz"

#: The most container elements one event may make ``feed`` walk: this plus
#: WORK_PER_BYTE per byte of its data.
WORK_BASE = 512
WORK_PER_BYTE = 2
# Snapshots of the two accumulators are compared after the first few
# rejected events, then after the 8th, 16th, 32nd ... and at the end.
_EAGER_COMPARES = 3

_STREAMKIT = str(Path(streamkit.__file__).resolve().parent)


class FuzzFailure(AssertionError):
    """An invariant broken by a case: ``invariant`` names which."""

    def __init__(self, invariant: str, detail: str) -> None:
        super().__init__(f"{invariant}: {detail}")
        self.invariant = invariant


@dataclass
class Stats:
    """What feeding a case did."""

    events: int = 0
    #: Events dropped: refused (strict), or applied with no Change.
    rejected: int = 0
    #: Of those, server error events (strict mode raises StreamError for them).
    server_errors: int = 0
    compared: int = 0
    most_work: int = 0


# --- Reading what an accumulator holds -----------------------------------------------


def snapshots(acc: Any) -> dict[str, Any]:
    """Every snapshot an accumulator of either protocol holds, as wire JSON."""
    if isinstance(acc, streamkit.ResponseAccumulator):
        current, final = acc.response, acc.final_response
        return {
            "responses": {key: to_dict(value) for key, value in acc.responses.items()},
            "response": None if current is None else to_dict(current),
            "final_response": None if final is None else to_dict(final),
            "partial_images": dict(acc.partial_images),
            "audio": acc.audio(),
        }
    final_run = acc.final_run
    return {
        "runs": {key: to_dict(value) for key, value in acc.runs.items()},
        "run_steps": {key: to_dict(value) for key, value in acc.run_steps.items()},
        "messages": {key: to_dict(value) for key, value in acc.messages.items()},
        "threads": {key: to_dict(value) for key, value in acc.threads.items()},
        "final_run": None if final_run is None else to_dict(final_run),
    }


class _NoCache:
    """Stands for ``Node.cache`` while :func:`uncached` is on: nothing is cached or found."""

    def __get__(self, obj: Any, cls: Any = None) -> Any:
        return self if obj is None else None

    def __set__(self, obj: Any, value: Any) -> None:
        pass


@contextmanager
def uncached() -> Iterator[None]:
    """Snapshots built while this is on are built afresh from the nodes, caches unused."""
    slot = Node.__dict__["cache"]
    Node.cache = _NoCache()  # type: ignore[assignment]
    try:
        yield
    finally:
        Node.cache = slot


# The container methods that walk elements, per class: counted by counting_work.
_WALKS = {
    Node: ("__iter__", "keys", "values", "items"),
    Slots: ("__iter__", "keys", "values", "items"),
    Frags: ("__iter__",),
}


@contextmanager
def counting_work() -> Iterator[list[int]]:
    """Count the elements of nodes, slots and fragments walked while this is on.

    Yields a one-item list holding the count. Each walk (``for``, ``max``,
    ``sorted``, ``"".join``, ``.items()`` ...) counts the container's length.
    """
    count = [0]

    def counted(method: Callable[..., Any]) -> Callable[..., Any]:
        def walk(self: Any) -> Any:
            count[0] += len(self)
            return method(self)

        return walk

    patched = []
    for cls, names in _WALKS.items():
        for name in names:
            assert name not in cls.__dict__  # inherited: deleting the patch restores it
            setattr(cls, name, counted(getattr(cls, name)))
            patched.append((cls, name))
    try:
        yield count
    finally:
        for cls, name in patched:
            delattr(cls, name)


# --- The invariants ------------------------------------------------------------------


def _only_ours(what: str, call: Callable[[], Any]) -> tuple[Any, Exception | None]:
    """``call()`` and None, or None and the streamkit error it raised; anything else fails."""
    try:
        return call(), None
    except streamkit.StreamkitError as error:
        return None, error
    except Exception as error:  # the invariant: nothing else escapes
        where = _innermost(error)
        detail = f"{type(error).__name__} at {where}: {error}"[:300]
        raise FuzzFailure(f"{what} raised a non-streamkit error", detail) from error


def _innermost(error: BaseException) -> str:
    """The innermost streamkit frame of a traceback, as file:line (or '?')."""
    found = "?"
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.startswith(_STREAMKIT):
            found = f"{Path(frame.filename).name}:{frame.lineno}"
    return found


def decode(case: FuzzCase) -> list[ServerSentEvent]:
    """The events of a case's bytes, read as the case says (invariant 1 for the decoder)."""
    decoder = streamkit.SSEDecoder(
        max_event_size=case.max_event_size or streamkit.sse.DEFAULT_MAX_EVENT_SIZE,
        dispatch_at_close=case.dispatch_at_close,
    )
    events: list[ServerSentEvent] = []
    for chunk in case.chunks():
        decoded, error = _only_ours("SSEDecoder.feed", lambda chunk=chunk: decoder.feed(chunk))
        if error is not None:
            # The events completed before the error in that read, then nothing more.
            events += getattr(error, "events", [])
            return events
        events += decoded
    closed, error = _only_ours("SSEDecoder.close", decoder.close)
    return events + (closed or [])


def _read_changes(changes: list[Any], position: int) -> None:
    """Invariant 3 for Changes: their delta, event and snapshot build, and are JSON."""
    for change in changes:

        def read(change: Any = change) -> None:
            delta = change.delta
            if delta is not None:
                to_dict(delta)
            event = change.event
            if event is not None:
                to_dict(event)
            change.snapshot  # noqa: B018 - built: it must not fail

        _, error = _only_ours(f"reading a Change of event {position}", read)
        if error is not None:
            raise FuzzFailure(f"reading a Change of event {position}", repr(error)[:300])


def _compare(fed: Any, alone: Any, position: int) -> None:
    """Invariants 2 and 3: the fed accumulator, cached and fresh, equals the good events alone."""
    cached, error = _only_ours("to_dict of a snapshot", lambda: snapshots(fed))
    if error is not None:
        raise FuzzFailure("to_dict of a snapshot", repr(error)[:300])
    with uncached():
        fresh = snapshots(fed)
    if fresh != cached:
        raise FuzzFailure("a cached snapshot", f"differs from a fresh build after event {position}")
    if cached != snapshots(alone):
        raise FuzzFailure(
            "a rejected event left a trace",
            f"after event {position} the snapshots differ from those of the accepted events alone",
        )


def _sequence_placeholder(sse: ServerSentEvent) -> ServerSentEvent | None:
    """For the accumulator of the accepted events: the sequence number a dropped event counted.

    A Responses event skipped, or rejected in lenient mode, still counts in
    the sequence (a later event with its number is a repeat); a keepalive
    with its number does the same and nothing else.
    """
    try:
        payload = loads(sse.data)
    except (ValueError, RecursionError):
        return None
    if payload.__class__ is not dict or payload.get("type").__class__ is not str:
        return None
    number = payload.get("sequence_number")
    if number.__class__ is not int:
        return None
    return ServerSentEvent(
        "keepalive", json.dumps({"type": "keepalive", "sequence_number": number})
    )


def check_case(case: FuzzCase) -> Stats:
    """Feed a case; raise :class:`FuzzFailure` if an invariant breaks (see the module docstring)."""
    stats = Stats()
    events = decode(case)
    responses = case.protocol == "responses"
    make: Any = streamkit.ResponseAccumulator if responses else streamkit.Accumulator
    parse: Any = streamkit.parse_response_event if responses else streamkit.parse_event
    fed = make(strict=case.strict)
    # The accepted events alone (in strict mode a raise, in both modes an
    # event with no Change, is dropped): read only when compared.
    alone = make(strict=case.strict)
    diverged = False
    with counting_work() as work:
        for sse in events:
            event: Any = sse
            if case.typed:
                event, error = _only_ours("parsing", lambda sse=sse: parse(sse))
                if error is not None:
                    continue
            stats.events += 1
            before = work[0]
            changes, error = _only_ours("feed", lambda event=event: fed.feed(event))
            spent = work[0] - before
            stats.most_work = max(stats.most_work, spent)
            bound = WORK_BASE + WORK_PER_BYTE * len(sse.data)
            if spent > bound:
                detail = f"event {fed.position} walked {spent} container elements (bound {bound})"
                raise FuzzFailure("work per event", detail)
            _read_changes(changes or [], fed.position)
            if error is not None or not changes:
                stats.rejected += 1
                stats.server_errors += isinstance(error, streamkit.StreamError)
                if diverged:
                    continue
                # (A raise is strict mode's, which leaves the sequence as it was.)
                placeholder = _sequence_placeholder(sse) if responses and error is None else None
                if placeholder is not None:
                    alone.feed(placeholder)
                if stats.rejected <= _EAGER_COMPARES or stats.rejected & (stats.rejected - 1) == 0:
                    stats.compared += 1
                    _compare(fed, alone, fed.position)
            elif not diverged:
                theirs, their_error = _only_ours("feed", lambda event=event: alone.feed(event))
                if their_error is not None:
                    raise FuzzFailure(
                        "a rejected event left a trace",
                        f"event {fed.position} was refused without the rejected ones:"
                        f" {type(their_error).__name__}",
                    )
                ours = [(c.kind, c.id, c.index) for c in changes]
                if ours != [(c.kind, c.id, c.index) for c in theirs]:
                    raise FuzzFailure(
                        "a rejected event left a trace",
                        f"event {fed.position} changed other things without the rejected ones",
                    )
            if responses and fed.last_sequence_number != alone.last_sequence_number:
                # A rejected envelope of a new response reset the count (nothing
                # the placeholder can say): the comparison stops here.
                diverged = True
    if diverged:
        snapshots(fed)
    else:
        stats.compared += 1
        _compare(fed, alone, fed.position)
    return stats


# --- The bounded profile ------------------------------------------------------------------

MODES = [pytest.param(True, id="strict"), pytest.param(False, id="lenient")]


@pytest.mark.parametrize("strict", MODES)
@pytest.mark.parametrize("protocol", PROTOCOLS)
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_damaged_recordings(protocol: str, strict: bool, data: st.DataObject) -> None:
    """Any few edits of a real recording, fed in any reads: the four invariants hold."""
    check_case(data.draw(fuzz_cases(protocol, strict), label="case"))


@pytest.mark.parametrize("strict", MODES)
@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_undamaged_recordings(protocol: str, strict: bool) -> None:
    """The recordings as they are: nothing rejected, the invariants hold (the fuzzer's baseline)."""
    for recording in recordings(protocol):
        data = encode([[name, payload] for name, payload in recording.events])
        stats = check_case(FuzzCase(protocol, strict, data))
        assert stats.events == len(recording.events)
        assert stats.rejected == stats.server_errors, recording.name


# --- Linear work ---------------------------------------------------------------------------


@contextmanager
def counting_lines() -> Iterator[list[int]]:
    """Count the Python lines executed while this is on (every frame): a one-item list."""
    count = [0]

    def line(frame: Any, what: str, arg: Any) -> Any:
        if what == "line":
            count[0] += 1
        return line

    def call(frame: Any, what: str, arg: Any) -> Any:
        return line

    previous = sys.gettrace()
    sys.settrace(call)
    try:
        yield count
    finally:
        sys.settrace(previous)


def work_of(protocol: str, events: list[ServerSentEvent]) -> tuple[int, int]:
    """The work of feeding ``events`` (lenient): (container elements walked, lines executed)."""
    make: Any = streamkit.ResponseAccumulator if protocol == "responses" else streamkit.Accumulator
    acc = make(strict=False)
    with counting_work() as walked, counting_lines() as lines:
        for event in events:
            acc.feed(event)
    return walked[0], lines[0]


def _is_delta(name: str, payload: Any) -> bool:
    kind = payload.get("type") if isinstance(payload, dict) else None
    return (kind if isinstance(kind, str) else name).endswith(".delta")


def repeated_deltas(recording: Any, times: int) -> list[ServerSentEvent]:
    """The recording with every delta event sent ``times`` times (sequence numbers renumbered)."""
    out: list[list[Any]] = [
        [name, payload]
        for name, payload in recording.events
        for _ in range(times if _is_delta(name, payload) else 1)
    ]
    number = 0
    for pair in out:
        payload = pair[1]
        if isinstance(payload, dict) and isinstance(payload.get("sequence_number"), int):
            pair[1] = payload | {"sequence_number": number}
            number += 1
    return _events(out)


def _renamed(value: Any, suffix: str, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _renamed(v, suffix, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v, suffix, key) for v in value]
    if isinstance(value, str) and key.endswith(("id", "_id")):
        return value + suffix
    return value


def copies(recording: Any, times: int) -> list[ServerSentEvent]:
    """``times`` copies of the recording, one after the other, each with ids of its own."""
    out = [
        [name, _renamed(payload, f"_{copy}")]
        for copy in range(times)
        for name, payload in recording.events
    ]
    return _events(out)


def _events(pairs: list[list[Any]]) -> list[ServerSentEvent]:
    return [
        ServerSentEvent(name, payload if isinstance(payload, str) else json.dumps(payload))
        for name, payload in pairs
    ]


def _all_recordings() -> list[Any]:
    return [pytest.param(r, id=f"{r.protocol}-{r.name}") for p in PROTOCOLS for r in recordings(p)]


def _grows_linearly(
    protocol: str, build: Callable[[int], list[ServerSentEvent]], sizes: tuple[int, int, int]
) -> None:
    """The work of build(n) for n = a, 2a, 4a: each measure's second step costs twice the first.

    Linear work is ``fixed + n * per_unit``: the steps are equal multiples (an
    exact 2 here: the counts are deterministic). A cost per unit that grows
    with what was fed makes the second step cost more (about 4 for quadratic).
    """
    work_of(protocol, build(1))  # first use: hooks and caches made, not counted
    small, middle, large = (work_of(protocol, build(n)) for n in sizes)
    for measure, a, b, c in zip(("container elements", "lines"), small, middle, large, strict=True):
        first, second = b - a, c - b
        assert second <= 2 * first + 16, f"{measure}: {a}, {b}, {c} for n = {sizes}"


@pytest.mark.parametrize("recording", _all_recordings())
def test_work_is_linear_in_the_deltas(recording: Any) -> None:
    """Every delta sent 4, 8, 16 times (texts, arguments, logprobs grow): work grows linearly."""
    _grows_linearly(recording.protocol, lambda n: repeated_deltas(recording, n), (4, 8, 16))


@pytest.mark.parametrize("recording", _all_recordings())
def test_work_is_linear_in_the_objects(recording: Any) -> None:
    """2, 4, 8 copies of a recording (runs, steps, messages, responses, items): linear too."""
    _grows_linearly(recording.protocol, lambda n: copies(recording, n), (2, 4, 8))


def _many_parts(parts: int) -> list[ServerSentEvent]:
    """A Responses message item with ``parts`` content parts, each added and given a delta."""
    envelope = {"id": "resp_1", "object": "response", "status": "in_progress", "output": []}
    item = {"id": "msg_1", "type": "message", "role": "assistant", "status": "in_progress"}
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": envelope},
        {"type": "response.output_item.added", "output_index": 0, "item": item | {"content": []}},
    ]
    where = {"output_index": 0, "item_id": "msg_1"}
    for index in range(parts):
        part = {"type": "output_text", "text": "", "annotations": []}
        events.append(
            {"type": "response.content_part.added", **where, "content_index": index, "part": part}
        )
        events.append(
            {"type": "response.output_text.delta", **where, "content_index": index, "delta": "x"}
        )
    return [ServerSentEvent(e["type"], json.dumps(e)) for e in events]


def _many_blocks(blocks: int) -> list[ServerSentEvent]:
    """An Assistants message with ``blocks`` text blocks and a step with as many tool calls."""
    events = [run_event("created"), step_created("step_1"), message_created("msg_1")]
    for index in range(blocks):
        events.append(message_delta("msg_1", [text_piece(index, "x", [])]))
        events.append(step_delta("step_1", [fn_head(index, f"call_{index}", "f", "{}")]))
    return events


def test_work_is_linear_in_the_parts_of_an_item() -> None:
    """Parts added one after another to one item: no part event walks the ones before it."""
    racc = streamkit.ResponseAccumulator()
    for event in _many_parts(3):  # the stream is a good one
        racc.feed(event)
    assert racc.response is not None
    assert ["x"] * 3 == [part.text for part in racc.response.output[0].content]  # type: ignore[union-attr]
    _grows_linearly("responses", _many_parts, (32, 64, 128))


def test_work_is_linear_in_the_entries_of_an_object() -> None:
    """Content blocks and tool calls added one after another: no delta walks the ones before it."""
    acc = streamkit.Accumulator()
    for event in _many_blocks(3):  # the stream is a good one
        acc.feed(event)
    assert 3 == len(acc.messages["msg_1"].content)
    _grows_linearly("assistants", _many_blocks, (32, 64, 128))


# --- Saved cases -------------------------------------------------------------------------


def saved_cases() -> list[Path]:
    """The cases the campaigns saved (and hand-written regression cases)."""
    return sorted(FUZZ_DIR.glob("*.json"))


@pytest.mark.parametrize("path", saved_cases(), ids=lambda path: path.stem)
def test_saved_case(path: Path) -> None:
    """Every input the fuzzer ever found breaking an invariant holds them now."""
    check_case(FuzzCase.from_json(json.loads(path.read_text())))


def save_case(case: FuzzCase, failure: str, directory: Path = FUZZ_DIR) -> Path:
    """Write a failing case where :func:`test_saved_case` finds it; return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    value = case.to_json()
    digest = hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:12]
    mode = "strict" if case.strict else "lenient"
    path = directory / f"{case.protocol}-{mode}-{digest}.json"
    path.write_text(json.dumps({"found": failure, **value}, indent=1) + "\n")
    return path


# --- The long campaign ---------------------------------------------------------------------


@dataclass
class Campaign:
    """What a campaign ran and found."""

    inputs: int = 0
    failures: int = 0
    seconds: float = 0.0
    saved: list[Path] | None = None


def _signature(error: BaseException) -> str:
    """What tells failures apart: the invariant and where (not the input)."""
    if isinstance(error, FuzzFailure):
        cause = error.__cause__
        where = f" {type(cause).__name__} at {_innermost(cause)}" if cause is not None else ""
        return f"{error.invariant}{where}"
    return f"{type(error).__name__} at {_innermost(error)}"


def _batch(
    protocol: str, strict: bool, batch: int, current: list[FuzzCase | None], result: Campaign
) -> Callable[[], None]:
    """A Hypothesis run of ``batch`` cases that notes each case it checks in ``current``."""

    @settings(
        max_examples=batch,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        case = data.draw(fuzz_cases(protocol, strict))
        current[0] = case
        result.inputs += 1
        check_case(case)

    return run  # type: ignore[no-any-return]


def campaign(
    minutes: float,
    protocols: tuple[str, ...] = PROTOCOLS,
    directory: Path = FUZZ_DIR,
    batch: int = 200,
    log: Callable[[str], Any] = print,
) -> Campaign:
    """Fuzz for ``minutes``: batches of ``batch`` inputs per protocol and mode, in turn.

    Each failure is shrunk by Hypothesis; the first of each signature (the
    invariant and where it broke) is saved in ``directory``.
    """
    result = Campaign(saved=[])
    seen: set[str] = set()
    start = time.monotonic()
    end = start + minutes * 60
    current: list[FuzzCase | None] = [None]

    while time.monotonic() < end:
        for protocol in protocols:
            for strict in (True, False):
                if time.monotonic() >= end:
                    break

                run = _batch(protocol, strict, batch, current, result)
                try:
                    run()
                except HypothesisException:
                    raise  # the campaign's own mistake, not a finding
                except Exception as error:  # a failure, shrunk: its last case is the minimal one
                    result.failures += 1
                    signature = _signature(error)
                    case = current[0]
                    if signature not in seen and case is not None:
                        seen.add(signature)
                        path = save_case(case, str(error)[:500], directory)
                        assert result.saved is not None
                        result.saved.append(path)
                        log(f"FOUND {signature}: saved {path}")
        log(
            f"{time.monotonic() - start:7.0f} s: {result.inputs} inputs, {result.failures} failures"
        )
    result.seconds = time.monotonic() - start
    return result


def main(argv: list[str] | None = None) -> int:
    """``python -m tests.test_fuzz --minutes N``: the long campaign (exit 1 on a finding)."""
    parser = argparse.ArgumentParser(prog="python -m tests.test_fuzz", description=campaign.__doc__)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--protocol", choices=[*PROTOCOLS, "both"], default="both")
    parser.add_argument("--out", type=Path, default=FUZZ_DIR, help="where failing inputs are saved")
    parser.add_argument(
        "--batch", type=int, default=200, help="inputs per protocol and mode in turn"
    )
    args = parser.parse_args(argv)
    protocols = PROTOCOLS if args.protocol == "both" else (args.protocol,)
    result = campaign(args.minutes, protocols, args.out, args.batch)
    print(
        f"campaign: {result.inputs} inputs in {result.seconds:.0f} s over {', '.join(protocols)}"
        f" (strict and lenient): {result.failures} failures, {len(result.saved or [])} saved"
    )
    return 1 if result.failures else 0


if __name__ == "__main__":
    sys.exit(main())
