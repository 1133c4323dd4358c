"""What openai-python makes of the recorded Responses streams and the 20 cases, next to streamkit.

Usage::

    python benchmarks/peers_responses.py [--only WORD,...]

Evidence for the Responses issue note, run by hand (not by the tests). For
every recording in tests/data/responses and every behaviour case of
tests/test_responses_cases.py it prints one row of a Markdown table:

* **streamkit**: ``SSEDecoder`` + ``ResponseAccumulator`` (strict; where strict
  mode refuses the input, lenient too): ``ok`` when the snapshot is what the
  stream must end with (the terminal event's ``response`` for a recording, the
  case's expected response for a case), with the anomalies it recorded; else
  what differs, or the error.
* **openai-python** (the installed SDK, 3.57): its real ``responses.stream()``
  helper over an ``httpx2.MockTransport`` that answers with the same bytes, so
  the events reach ``ResponseStreamState`` exactly as its ``ResponseStream``
  feeds them, through its transport (``_streaming.Stream``: ``[DONE]`` ends
  the stream, any event whose JSON has a truthy top-level ``error`` key raises
  ``APIError`` before the accumulator sees it). Reported: an exception raised
  while streaming; ``live``, the accumulated snapshot it holds at the end
  (what its events' ``snapshot`` fields expose), compared on ``output``; and
  ``final``, what ``get_final_response()`` returns, compared in full.

Case 12 (resume) is run the two ways openai-python can: its own resume
(``responses.stream(response_id=..., starting_after=8)``, which requests the
stream *without* ``starting_after`` and filters what it emits) answered by a
server replaying the full stream, and the same call answered with what the
server sends after ``starting_after=8``.

Differences are listed as ``path: expected ..., got ...`` (at most three per
cell, then a count). Nothing here touches the network.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "responses"
TERMINAL_TYPES = frozenset(
    {"response.completed", "response.failed", "response.incomplete", "response.cancelled"}
)
Json = dict[str, Any]


def _tests() -> tuple[Any, Any]:
    """The case table and the matcher, from the test modules (imported on first use)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests import test_responses_cases, test_responses_recordings

    return test_responses_cases, test_responses_recordings


# --- inputs --------------------------------------------------------------------------------------


@dataclass
class Input:
    """One row: the bytes a server sends, the events streamkit gets, what it must end with.

    Attributes:
        name: the recording's file name or ``caseNN title``.
        body: the bytes served to openai-python.
        events: the SSE events fed to streamkit (decoded from ``body`` unless a
            case builds them).
        expected: a partial JSON expectation of the response, or None: the
            terminal event's ``response``, in full.
        resume: for case 12, the bytes a server sends after ``starting_after=K``,
            and K.
    """

    name: str
    body: bytes
    events: list[Any]
    expected: Json | None = None
    resume: tuple[bytes, int] | None = None


def frame(events: Sequence[Any]) -> bytes:
    """SSE bytes of events, framed as the server frames them (no ``event:`` line for "message")."""
    out = []
    for sse in events:
        head = "" if sse.event == "message" else f"event: {sse.event}\n"
        data = "".join(f"data: {line}\n" for line in sse.data.split("\n"))
        out.append(f"{head}{data}\n")
    return "".join(out).encode()


def decode(body: bytes) -> list[Any]:
    from streamkit import SSEDecoder

    decoder = SSEDecoder()
    return decoder.feed(body) + decoder.close()


def terminal_of(events: Sequence[Any]) -> Json | None:
    """The ``response`` of the last terminal event, or None."""
    for sse in reversed(events):
        if sse.data == "[DONE]":
            continue
        payload = json.loads(sse.data)
        if payload.get("type") in TERMINAL_TYPES:
            response: Json = payload["response"]
            return response
    return None


def inputs(only: set[str] | None = None) -> list[Input]:
    """Every recording, then every behaviour case."""
    cases, recordings = _tests()
    found = []
    for path in sorted(DATA.glob("*.sse")):
        body = path.read_bytes()
        found.append(Input(path.name, body, decode(body)))
    for case in cases.CASES:
        name = f"case{case.number:02d} {case.title}"
        events = case.build()
        resume = None
        if case.number == 12:
            # The SDK resumes by itself: it is served the initial stream (a full
            # replay), or what a server sends after starting_after=K.
            body = (DATA / cases.INITIAL).read_bytes()
            after = cases.RESUME_AFTER
            resumed = [
                sse
                for sse in recordings.events_of(cases.RESUME)
                if json.loads(sse.data)["sequence_number"] > after
            ]
            resume = (frame(resumed), after)
        elif case.recording:
            body = (DATA / case.recording).read_bytes()  # its bytes, comments and all
        else:
            body = frame(events)
        found.append(Input(name, body, events, case.expected, resume))
    if only:
        found = [i for i in found if any(word in i.name for word in only)]
    return found


# --- judging a snapshot --------------------------------------------------------------------------


def differences(expected: Any, actual: Any, limit: int = 3) -> str:
    """``""`` when ``actual`` meets the expectation, else the first differences, shortened."""
    found: list[str] = []
    _differ(expected, actual, "", found)
    if not found:
        return ""
    more = f" (+{len(found) - limit} more)" if len(found) > limit else ""
    return "; ".join(found[:limit]) + more


def _differ(expected: Any, actual: Any, path: str, found: list[str]) -> None:
    """Append ``path: got X, want Y`` where ``actual`` misses the (partial) expectation."""
    _, recordings = _tests()
    where = f"`{path.lstrip('.') or 'response'}`"
    if isinstance(expected, (recordings.Len, recordings.Digest)):
        if recordings.mismatches(expected, actual):
            size = len(actual) if isinstance(actual, (str, list)) else _short(actual)
            found.append(f"{where} length {size}, want {expected.n}")
    elif isinstance(expected, dict) and isinstance(actual, dict):
        for key, value in expected.items():
            if key not in actual:
                found.append(f"{where[:-1]}.{key}` missing")
            else:
                _differ(value, actual[key], f"{path}.{key}", found)
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            found.append(f"{where} has {len(actual)} entries, want {len(expected)}")
        else:
            for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
                _differ(want, got, f"{path}[{index}]", found)
    elif expected != actual or isinstance(expected, bool) != isinstance(actual, bool):
        found.append(f"{where} {_short(actual)}, want {_short(expected)}")


def _short(value: Any) -> str:
    """A value for a table cell: long strings by their start and length."""
    if isinstance(value, str) and len(value) > 24:
        return f"{value[:12]!r}… ({len(value)} chars)"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


def _error(exc: BaseException) -> str:
    """An exception as ``Type: message`` (an APIError by its code: its message is the server's)."""
    code = getattr(exc, "code", None)
    kind = getattr(exc, "kind", None)
    if type(exc).__name__ == "APIError":
        return f"APIError(code={code})"
    if kind is not None:  # streamkit's AccumulateError
        return f"{type(exc).__name__}({kind}, event {getattr(exc, 'position', '?')})"
    message = str(exc).splitlines()[0] if str(exc) else ""
    message = message if len(message) <= 80 else message[:79] + "…"
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


# --- streamkit ------------------------------------------------------------------------------------


def run_streamkit(item: Input) -> str:
    """streamkit's outcome on the row's events."""
    import streamkit

    def fed(strict: bool) -> Any:
        racc = streamkit.ResponseAccumulator(strict=strict)
        for sse in item.events:
            racc.feed(sse)
        return racc

    try:
        racc = fed(True)
    except Exception as exc:  # the row reports it
        refused = f"strict: {_error(exc)}"
        try:
            racc = fed(False)
        except Exception as again:
            return f"{refused}; lenient: {_error(again)}"
        return f"{refused}; lenient: {_verdict(item, racc)}"
    return _verdict(item, racc)


def _verdict(item: Input, racc: Any) -> str:
    from streamkit import to_dict

    got = to_dict(racc.response) if racc.response is not None else None
    if item.expected is None:
        terminal = terminal_of(item.events)
        diff = differences(terminal, got)
        final = to_dict(racc.final_response) if racc.final_response is not None else None
        diff = diff or ("" if final == terminal else "final_response is not the terminal one")
    else:
        diff = differences(item.expected, got)
    extras = []
    if racc.anomalies:
        extras.append("anomalies: " + ", ".join(a.kind for a in racc.anomalies))
    if racc.errors:
        extras.append(f"{len(racc.errors)} error event(s) kept")
    if racc.unknown_events:
        extras.append(f"{len(racc.unknown_events)} unknown events kept")
    note = f" ({'; '.join(extras)})" if extras else ""
    return f"wrong: {diff}{note}" if diff else f"ok{note}"


# --- openai-python --------------------------------------------------------------------------------


@dataclass
class PeerRun:
    """What openai-python's stream helper did with one body."""

    error: BaseException | None = None
    live: Json | None = None
    final: Json | None = None
    final_error: BaseException | None = None
    emitted: int = 0
    requests: list[str] = field(default_factory=list)


def run_openai(body: bytes, *, response_id: str | None = None, after: int | None = None) -> PeerRun:
    """openai-python's ``responses.stream`` over a mock transport answering with ``body``."""
    import httpx2
    import openai

    run = PeerRun()

    def answer(request: Any) -> Any:
        run.requests.append(f"{request.method} {request.url.path}?{request.url.query.decode()}")
        return httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=body)

    client = openai.OpenAI(
        api_key="sk-peer-check",
        base_url="http://peer.invalid/v1",
        http_client=httpx2.Client(transport=httpx2.MockTransport(answer)),
        max_retries=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydantic's serializer warnings on its parsed models
        if response_id is not None:
            manager: Any = client.responses.stream(response_id=response_id, starting_after=after)
        else:
            manager = client.responses.stream(model="gpt-test", input="hi")
        try:
            with manager as stream:
                try:
                    for _event in stream:
                        run.emitted += 1
                except Exception as exc:  # the row reports it
                    run.error = exc
                # The accumulated snapshot (its events' `snapshot` fields read from it).
                live = getattr(stream._state, "_ResponseStreamState__current_snapshot", None)
                run.live = live.to_dict() if live is not None else None
                if run.error is None:
                    try:
                        run.final = stream.get_final_response().to_dict()
                    except Exception as exc:  # the row reports it
                        run.final_error = exc
        except Exception as exc:  # raised on entering: the request itself
            run.error = exc
    return run


def describe_openai(item: Input, run: PeerRun) -> str:
    """The openai-python cell: exception, live snapshot, final response."""
    parts = []
    if run.error is not None:
        parts.append(f"raises {_error(run.error)} after {run.emitted} events")
    if item.expected is None:
        terminal = terminal_of(item.events)
        want_live: Any = {"output": terminal["output"]} if terminal else None
        want_final: Any = terminal
    else:
        want_live = {"output": item.expected["output"]} if "output" in item.expected else None
        want_final = item.expected
    if run.live is None:
        parts.append("live: none")
    elif want_live is not None:
        diff = differences(want_live, run.live)
        parts.append(f"live: {diff}" if diff else "live: ok")
    if terminal_of(item.events) is None:
        pass  # no terminal event: nothing final to ask for (its RuntimeError says only that)
    elif run.final_error is not None:
        parts.append(f"final: {_error(run.final_error)}")
    elif run.final is not None and want_final is not None:
        diff = differences(want_final, run.final)
        parts.append(f"final: {diff}" if diff else "final: ok")
    return "; ".join(parts)


def run_openai_resume(item: Input, response_id: str) -> str:
    """Case 12, both ways: the SDK's own resume, then fed what a real resume sends."""
    assert item.resume is not None
    resumed, after = item.resume
    own = run_openai(item.body, response_id=response_id, after=after)
    query = own.requests[0] if own.requests else "no request"
    first = describe_openai(item, own)
    real = run_openai(resumed, response_id=response_id, after=after)
    second = describe_openai(item, real)
    return (
        f"own resume sends `{query}` (no starting_after): it re-reads all "
        f"{len(item.events)} events; {first}. Given what the server sends after "
        f"starting_after={after}: {second}"
    )


# --- the table -----------------------------------------------------------------------------------


def rows(only: set[str] | None = None) -> list[tuple[str, str, str]]:
    """(input, streamkit, openai-python) per recording and case."""
    found = []
    for item in inputs(only):
        streamkit_cell = run_streamkit(item)
        if item.resume is not None:
            terminal = terminal_of(item.events)
            response_id = terminal["id"] if terminal else "resp"
            peer_cell = run_openai_resume(item, response_id)
        else:
            peer_cell = describe_openai(item, run_openai(item.body))
        found.append((item.name, streamkit_cell, peer_cell))
    return found


def markdown(table: Sequence[tuple[str, str, str]]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [
        "| input | streamkit | openai-python 3.57 (`responses.stream`) |",
        "|---|---|---|",
    ]
    lines += [f"| {cell(a)} | {cell(b)} | {cell(c)} |" for a, b, c in table]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None, out: Callable[[str], Any] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="comma-separated words: rows whose name has one of them")
    args = parser.parse_args(argv)
    only = set(args.only.split(",")) if args.only else None
    import openai

    out(f"openai-python {openai.__version__}; streamkit from {ROOT}\n")
    out(markdown(rows(only)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
