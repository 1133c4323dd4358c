"""The 20 behaviour cases of the Responses peer study, as table tests of ``ResponseAccumulator``.

Each case (numbered as in the study) builds its events -- small wire dicts
sent as ``ServerSentEvent(event=type, data=json.dumps(payload))``, or a
recording where the case names one -- and asserts the exact outcome the case
demands, in strict and in lenient mode where they differ. ``CASES`` holds
each case's events and the response it must end with (a partial JSON
expectation), so that benchmarks/peers_responses.py can run other consumers
on the very same input.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

import streamkit
from streamkit import ServerSentEvent, to_dict
from tests.test_responses_recordings import (
    Digest,
    Len,
    events_of,
    mismatches,
    payloads,
    terminal_response,
)

Json = dict[str, Any]
RID = "resp_case"
STRICTNESS = [pytest.param(True, id="strict"), pytest.param(False, id="lenient")]


# --- wire builders -------------------------------------------------------------------------------


def ev(kind: str, seq: int | None, **fields: Any) -> ServerSentEvent:
    """One event as the server frames it: ``event:`` is the payload's ``type``."""
    payload: Json = {"type": kind, **fields}
    if seq is not None:
        payload["sequence_number"] = seq
    return ServerSentEvent(event=kind, data=json.dumps(payload))


def response(status: str = "in_progress", output: Sequence[Json] = (), **more: Any) -> Json:
    return {
        "id": RID,
        "object": "response",
        "created_at": 1760000000,
        "status": status,
        "error": None,
        "incomplete_details": None,
        "model": "gpt-test",
        "output": list(output),
        "usage": None,
        **more,
    }


USAGE = {
    "input_tokens": 10,
    "input_tokens_details": {"cached_tokens": 0},
    "output_tokens": 2,
    "output_tokens_details": {"reasoning_tokens": 0},
    "total_tokens": 12,
}


def created(seq: int | None = 0) -> ServerSentEvent:
    return ev("response.created", seq, response=response())


def terminal(kind: str, seq: int | None, status: str, output: Sequence[Json], **more: Any) -> Any:
    return ev(f"response.{kind}", seq, response=response(status, output, **more))


def item_added(seq: int | None, index: int, item: Json) -> ServerSentEvent:
    return ev("response.output_item.added", seq, output_index=index, item=item)


def item_done(seq: int | None, index: int, item: Json) -> ServerSentEvent:
    return ev("response.output_item.done", seq, output_index=index, item=item)


def message(item_id: str, *parts: Json, status: str = "in_progress") -> Json:
    return {
        "id": item_id,
        "type": "message",
        "status": status,
        "role": "assistant",
        "content": list(parts),
    }


def output_text(text: str = "", annotations: Sequence[Json] = ()) -> Json:
    return {"type": "output_text", "text": text, "annotations": list(annotations)}


def function_call(item_id: str, name: str, arguments: str = "") -> Json:
    return {
        "id": item_id,
        "type": "function_call",
        "status": "in_progress",
        "call_id": f"call_{name}",
        "name": name,
        "arguments": arguments,
    }


def part(kind: str, seq: int | None, index: int, item_id: str, content: int, **fields: Any) -> Any:
    """A content-level event (part added/done, text delta/done ...) of item ``item_id``."""
    return ev(
        f"response.{kind}",
        seq,
        output_index=index,
        item_id=item_id,
        content_index=content,
        **fields,
    )


def text_delta(seq: int | None, index: int, item_id: str, delta: str, content: int = 0) -> Any:
    return part("output_text.delta", seq, index, item_id, content, delta=delta, logprobs=[])


# --- the cases: events and the response each must end with ---------------------------------------


@dataclass(frozen=True)
class Case:
    """One behaviour case: its events and the response a correct consumer ends with.

    Attributes:
        number, title: as in the peer study.
        build: the events, in order.
        expected: a partial JSON expectation of the response after the last
            event (see ``tests.test_responses_recordings.mismatches``).
        recording: the recording it uses, if any.
    """

    number: int
    title: str
    build: Callable[[], list[ServerSentEvent]]
    expected: Json
    recording: str | None = None

    def __str__(self) -> str:
        return f"case{self.number:02d}"


def _recording(name: str) -> Callable[[], list[ServerSentEvent]]:
    return lambda: list(events_of(name))


RS_DONE = {
    "id": "rs_1",
    "type": "reasoning",
    "summary": [{"type": "summary_text", "text": "Thinking it over."}],
    "encrypted_content": "B",
    "status": "completed",
}


def case3_events() -> list[ServerSentEvent]:
    added = {"id": "rs_1", "type": "reasoning", "summary": [], "encrypted_content": "A"}
    return [created(0), item_added(1, 0, added), item_done(2, 0, RS_DONE)]


def case7_events() -> list[ServerSentEvent]:
    return [
        created(0),
        item_added(1, 1, function_call("fc_b", "b")),
        item_added(2, 0, function_call("fc_a", "a")),
        ev("response.function_call_arguments.delta", 3, output_index=0, item_id="fc_a", delta="x"),
        ev("response.function_call_arguments.delta", 4, output_index=1, item_id="fc_b", delta="y"),
    ]


def case8_events() -> list[ServerSentEvent]:
    reasoning = {"id": "rs_1", "type": "reasoning", "summary": []}
    return [
        created(0),
        item_added(1, 0, reasoning),
        part("content_part.added", 2, 0, "rs_1", 0, part={"type": "reasoning_text", "text": ""}),
        part("reasoning_text.delta", 3, 0, "rs_1", 0, delta="think"),
        item_added(4, 1, message("msg_1")),
        # vLLM gpt-oss: the message's first part comes with content_index 1.
        part("content_part.added", 5, 1, "msg_1", 1, part=output_text()),
        text_delta(6, 1, "msg_1", "Hel", content=1),
        text_delta(7, 1, "msg_1", "lo", content=1),
    ]


def case9_events(gap: bool = False) -> list[ServerSentEvent]:
    return [created(0), text_delta(3 if gap else 1, 0, "msg_x", "Hi")]


def case10_events() -> list[ServerSentEvent]:
    return [
        created(0),
        item_added(1, 0, message("msg_1")),
        part("content_part.added", 2, 0, "msg_1", 0, part=output_text()),
        text_delta(3, 0, "msg_1", "Hel"),
        text_delta(4, 0, "msg_1", "lo"),
        text_delta(4, 0, "msg_1", "lo"),  # delivered twice (reconnect overlap)
        part("output_text.done", 5, 0, "msg_1", 0, text="Hello", logprobs=[]),
    ]


def case11_events() -> list[ServerSentEvent]:
    return [
        created(0),
        ev("response.in_progress", 1, response=response()),
        item_added(2, 0, message("msg_1")),
        part("content_part.added", 3, 0, "msg_1", 0, part=output_text()),
        text_delta(4, 0, "msg_1", "Hel"),
        text_delta(5, 0, "msg_1", "lo"),
        # seq 6 (",") is lost
        text_delta(7, 0, "msg_1", " world"),
        part("output_text.done", 8, 0, "msg_1", 0, text="Hello, world", logprobs=[]),
    ]


INITIAL = "openai_background_stream_initial.sse"
RESUME = "openai_background_resume_starting_after.sse"
RESUME_AFTER = 8


def case12_events() -> list[ServerSentEvent]:
    """The initial stream cut after seq 8, then the resume stream from seq 9."""

    def seq(sse: ServerSentEvent) -> int:
        number: int = json.loads(sse.data)["sequence_number"]
        return number

    head = [e for e in events_of(INITIAL) if seq(e) <= RESUME_AFTER]
    return head + [e for e in events_of(RESUME) if seq(e) > RESUME_AFTER]


INCOMPLETE_MESSAGE = message("msg_1", output_text("Hello"), status="incomplete")


def case16_events() -> list[ServerSentEvent]:
    return [
        created(0),
        item_added(1, 0, message("msg_1")),
        part("content_part.added", 2, 0, "msg_1", 0, part=output_text()),
        text_delta(3, 0, "msg_1", "Hel"),
        text_delta(4, 0, "msg_1", "lo"),
        terminal(
            "incomplete",
            5,
            "incomplete",
            [INCOMPLETE_MESSAGE],
            incomplete_details={"reason": "max_output_tokens"},
        ),
    ]


OK_MESSAGE = message("msg_1", output_text("OK"), status="completed")


def case17_events() -> list[ServerSentEvent]:
    return [
        created(0),
        item_added(1, 0, message("msg_1")),
        part("content_part.added", 2, 0, "msg_1", 0, part=output_text()),
        text_delta(3, 0, "msg_1", "OK"),
        part("output_text.done", 4, 0, "msg_1", 0, text="OK", logprobs=[]),
        part("content_part.done", 5, 0, "msg_1", 0, part=output_text("OK")),
        item_done(6, 0, OK_MESSAGE),
        # litellm #30933: the terminal response comes back with no output.
        terminal("completed", 7, "completed", [], usage=USAGE),
    ]


REFUSAL = "I can't help with that."


def case20_events() -> list[ServerSentEvent]:
    return [
        created(0),
        item_added(1, 0, message("msg_1")),
        part("content_part.added", 2, 0, "msg_1", 0, part={"type": "refusal", "refusal": ""}),
        part("refusal.delta", 3, 0, "msg_1", 0, delta="I can't"),
        part("refusal.delta", 4, 0, "msg_1", 0, delta=" help with that."),
        part("refusal.done", 5, 0, "msg_1", 0, refusal=REFUSAL),
    ]


LOGPROBS_TEXT = "The capital of Minas Gerais is Belo Horizonte."
SUMMARY_MULTIPART = "openai_reasoning_summary_multipart.sse"
URL_CITATION = "openai_web_search_url_citation_annotations.sse"
FILE_CITATION = "openai_file_search_file_citation.sse"
CODE_X3 = "openai_code_interpreter_x3_reasoning.sse"
CODE_IMAGE = "openai_code_interpreter_image_container_file_citation.sse"
NOSEQ_FN = "openai_fn_call_gpt4o_2025-03_noseq.sse"
APPLY_PATCH = "vercel_openai_apply_patch_diff_delta.sse"
COMPACTION = "openai_compaction_item.sse"
ERROR = "vercel_openai_error_event_then_failed.sse"
OPENROUTER = "NONOPENAI_openrouter_reasoning_text_done_marker.sse"
DEEPSEEK = "NONOPENAI_deepseek_reasoning_text_fn_call.sse"
FILE_CITATION_ANNOTATION = {
    "type": "file_citation",
    "file_id": "file-9RhPAs9YqVajpGXRfcgavJ",
    "filename": "tmp8l5_2pzy.txt",
    "index": 30,
}
BACKGROUND_TEXT = "2 + 2 equals 4."
PATCH_DIFF = (
    "+## Shopping Checklist\n+\n+- [ ] Milk\n+- [ ] Bread\n+- [ ] Eggs\n+- [ ] Fresh fruit\n"
    "+- [ ] Coffee\n"
)

CASES: list[Case] = [
    Case(
        1,
        "plain text, logprobs",
        _recording("openai_text_logprobs.sse"),
        {
            "status": "completed",
            "output": [
                {
                    "type": "message",
                    "status": "completed",
                    "content": [{"text": LOGPROBS_TEXT, "logprobs": Len(9)}],
                }
            ],
        },
        "openai_text_logprobs.sse",
    ),
    Case(
        2,
        "no sequence_number; arguments.done without name",
        _recording(NOSEQ_FN),
        {
            "status": "completed",
            "output": [
                {
                    "type": "function_call",
                    "status": "completed",
                    "name": "get_capital",
                    "arguments": '{"country":"France"}',
                }
            ],
        },
        NOSEQ_FN,
    ),
    Case(3, "output_item.done replaces the item", case3_events, {"output": [RS_DONE]}),
    Case(
        4,
        "reasoning summary in four parts",
        _recording(SUMMARY_MULTIPART),
        {
            "output": [
                {
                    "type": "reasoning",
                    "summary": [
                        {"type": "summary_text", "text": Digest(460, "3c9d404bdbe446aa")},
                        {"type": "summary_text", "text": Digest(517, "00668257636c8fdf")},
                        {"type": "summary_text", "text": Digest(540, "8584be4d4b95173e")},
                        {"type": "summary_text", "text": Digest(505, "0b27462003c8e913")},
                    ],
                },
                {"type": "message", "status": "completed"},
            ]
        },
        SUMMARY_MULTIPART,
    ),
    Case(
        5,
        "annotations (file_citation)",
        _recording(FILE_CITATION),
        {
            "output": [
                {"type": "file_search_call", "status": "completed"},
                {
                    "type": "message",
                    "status": "completed",
                    "content": [
                        {
                            "text": "The capital of France is Paris.",
                            "annotations": [FILE_CITATION_ANNOTATION],
                        }
                    ],
                },
            ]
        },
        FILE_CITATION,
    ),
    Case(
        6,
        "code interpreter x3",
        _recording(CODE_X3),
        {
            "output": [
                {"type": "reasoning"},
                {"code": "n = pow(123456, 123)\nlen(str(n))", "status": "completed"},
                {"code": "str(n)[:100], str(n)[-100:]", "status": "completed"},
                {"code": "n", "status": "completed"},
                {"type": "message", "status": "completed"},
            ]
        },
        CODE_X3,
    ),
    Case(
        7,
        "out-of-order output_index",
        case7_events,
        {
            "output": [
                {"id": "fc_a", "name": "a", "arguments": "x"},
                {"id": "fc_b", "name": "b", "arguments": "y"},
            ]
        },
    ),
    Case(
        8,
        "content_index not reset per item",
        case8_events,
        {
            "output": [
                {"id": "rs_1", "content": [{"type": "reasoning_text", "text": "think"}]},
                {"id": "msg_1", "content": [{"type": "output_text", "text": "Hello"}]},
            ]
        },
    ),
    Case(9, "delta before output_item.added", case9_events, {"output": []}),
    Case(
        10,
        "duplicate sequence_number",
        case10_events,
        {"output": [{"id": "msg_1", "content": [{"text": "Hello"}]}]},
    ),
    Case(
        11,
        "gap in sequence_number",
        case11_events,
        {"output": [{"id": "msg_1", "content": [{"text": "Hello, world"}]}]},
    ),
    Case(
        12,
        "resume with starting_after=8",
        case12_events,
        {
            "status": "completed",
            "output": [
                {"type": "message", "status": "completed", "content": [{"text": BACKGROUND_TEXT}]}
            ],
        },
        RESUME,
    ),
    Case(
        13,
        "unknown event type (apply_patch diff)",
        _recording(APPLY_PATCH),
        {
            "status": "completed",
            "output": [
                {
                    "type": "apply_patch_call",
                    "status": "completed",
                    "operation": {"type": "create_file", "diff": PATCH_DIFF},
                }
            ],
        },
        APPLY_PATCH,
    ),
    Case(
        14,
        "unknown item type (compaction)",
        _recording(COMPACTION),
        {
            "status": "completed",
            "output": [
                {"type": "message", "status": "completed"},
                {
                    "type": "compaction",
                    "id": "cmp_067b756b377f97050069e16fa9b8408190ab05934212c434a0",
                    "encrypted_content": Len(5260),
                },
            ],
        },
        COMPACTION,
    ),
    Case(
        15,
        "error event, then response.failed",
        _recording(ERROR),
        {"status": "failed", "error": {"code": "insufficient_quota"}, "output": []},
        ERROR,
    ),
    Case(
        16,
        "response.incomplete",
        case16_events,
        {
            "status": "incomplete",
            "incomplete_details": {"reason": "max_output_tokens"},
            "output": [{"id": "msg_1", "status": "incomplete", "content": [{"text": "Hello"}]}],
        },
    ),
    Case(
        17,
        "terminal response with empty output",
        case17_events,
        {"status": "completed", "output": [OK_MESSAGE]},
    ),
    Case(
        18,
        "OpenRouter framing",
        _recording(OPENROUTER),
        {
            "status": "completed",
            "output": [
                {"type": "reasoning", "content": [{"type": "reasoning_text", "text": Len(85)}]},
                {"type": "message", "content": [{"text": "4"}]},
            ],
        },
        OPENROUTER,
    ),
    Case(
        19,
        "reasoning_text via content_part (DeepSeek)",
        _recording(DEEPSEEK),
        {
            "output": [
                {
                    "type": "reasoning",
                    "content": [
                        {
                            "type": "reasoning_text",
                            "text": "The user asks about temperature in Tokyo. I'll call the tool.",
                        }
                    ],
                },
                {"type": "function_call", "arguments": '{"city": "Tokyo"}'},
            ]
        },
        DEEPSEEK,
    ),
    Case(
        20,
        "refusal",
        case20_events,
        {"output": [{"id": "msg_1", "content": [{"type": "refusal", "refusal": REFUSAL}]}]},
    ),
]
BY_NUMBER = {case.number: case for case in CASES}


# --- helpers -------------------------------------------------------------------------------------


def feed(events: Sequence[ServerSentEvent], *, strict: bool = True) -> tuple[Any, list[list[Any]]]:
    """A fresh accumulator fed every event; and each event's Changes."""
    racc = streamkit.ResponseAccumulator(strict=strict)
    return racc, [list(racc.feed(sse)) for sse in events]


def flat(changes: list[list[Any]]) -> list[Any]:
    return [change for per_event in changes for change in per_event]


def kinds(anomalies: Sequence[Any]) -> list[str]:
    return [anomaly.kind for anomaly in anomalies]


def output_of(racc: Any) -> list[Json]:
    out: list[Json] = to_dict(racc.response)["output"]
    return out


def index_of(name: str, kind: str, nth: int = 0) -> int:
    """The (0-based) index of the nth event of that type in a recording."""
    found = [i for i, p in enumerate(payloads(name)) if p and p["type"] == kind]
    return found[nth]


def test_cases_are_numbered_one_to_twenty() -> None:
    assert [case.number for case in CASES] == list(range(1, 21))


@pytest.mark.parametrize(
    ("case", "strict"),
    [
        pytest.param(case, strict, id=f"{case}-{'strict' if strict else 'lenient'}")
        for case in CASES
        for strict in (True, False)
        if strict is False or case.number != 9  # strict mode refuses case 9 (tested below)
    ],
)
def test_case_ends_with_the_expected_response(case: Case, strict: bool) -> None:
    """Every case ends with its expected response, in both modes."""
    racc, _ = feed(case.build(), strict=strict)
    assert mismatches(case.expected, to_dict(racc.response)) == []


# --- 1. plain text -------------------------------------------------------------------------------


def test_case01_text_and_logprobs_are_the_concatenated_deltas() -> None:
    """text == concat(deltas) == text.done == completed; the live logprobs are the deltas' ones."""
    name = "openai_text_logprobs.sse"
    sent = payloads(name)
    deltas = [p for p in sent if p and p["type"] == "response.output_text.delta"]
    assert len(deltas) == 9
    last_delta = index_of(name, "response.output_text.delta", 8)
    racc, changes = feed(events_of(name)[: last_delta + 1])
    live = output_of(racc)[0]["content"][0]
    assert live["text"] == "".join(p["delta"] for p in deltas) == LOGPROBS_TEXT
    assert live["logprobs"] == [lp for p in deltas for lp in p["logprobs"]]
    text_done = sent[index_of(name, "response.output_text.done")]
    assert text_done is not None
    assert (text_done["text"], text_done["logprobs"]) == (live["text"], live["logprobs"])
    delta_changes = [c for c in flat(changes) if c.kind == "output_text.delta"]
    assert [c.delta for c in delta_changes] == [p["delta"] for p in deltas]
    assert {(c.id, c.index) for c in delta_changes} == {(deltas[0]["item_id"], 0)}
    racc, _ = feed(events_of(name))
    final = to_dict(racc.final_response)
    assert final["output"][0]["content"][0]["text"] == LOGPROBS_TEXT
    assert final == terminal_response(name)


# --- 2. no sequence numbers ----------------------------------------------------------------------


@pytest.mark.parametrize("strict", STRICTNESS)
def test_case02_streams_without_sequence_numbers(strict: bool) -> None:
    """Accepted; arguments built; ``arguments.done`` without ``name`` keeps the name; no cursor."""
    done_at = index_of(NOSEQ_FN, "response.function_call_arguments.done")
    racc, _ = feed(events_of(NOSEQ_FN)[: done_at + 1], strict=strict)
    item = output_of(racc)[0]
    assert (item["name"], item["arguments"]) == ("get_capital", '{"country":"France"}')
    racc, _ = feed(events_of(NOSEQ_FN), strict=strict)
    assert racc.last_sequence_number is None
    assert racc.anomalies == []


# --- 3. output_item.done replaces ----------------------------------------------------------------


@pytest.mark.parametrize("strict", STRICTNESS)
def test_case03_item_done_replaces_the_added_item(strict: bool) -> None:
    """encrypted_content "A" then "B": the snapshot has "B", the summary, status completed."""
    racc, changes = feed(case3_events(), strict=strict)
    assert output_of(racc) == [RS_DONE]
    assert racc.anomalies == []
    counted = Counter((c.kind, c.index) for c in flat(changes))
    assert counted[("output_item.added", 0)] == 1
    assert counted[("output_item.done", 0)] == 1
    # The summary part first seen in item.done still gets one added and one done Change.
    assert counted[("reasoning_summary_part.added", 0)] == 1
    assert counted[("reasoning_summary_part.done", 0)] == 1
    assert flat(changes)[-1].kind == "output_item.done"
    assert to_dict(flat(changes)[-1].snapshot) == RS_DONE


# --- 4. reasoning summary in parts ---------------------------------------------------------------


def test_case04_four_summary_parts_each_equal_to_their_done_text() -> None:
    """summary_index 0..3 -> four parts in order, each == its ``reasoning_summary_text.done``."""
    name = SUMMARY_MULTIPART
    done_texts = [
        p["text"]
        for p in payloads(name)
        if p and p["type"] == "response.reasoning_summary_text.done"
    ]
    assert len(done_texts) == 4
    # Live, before the reasoning item's output_item.done.
    item_done_at = index_of(name, "response.output_item.done")
    racc, changes = feed(events_of(name)[:item_done_at])
    summary = output_of(racc)[0]["summary"]
    assert summary == [{"type": "summary_text", "text": text} for text in done_texts]
    added = [c.index for c in flat(changes) if c.kind == "reasoning_summary_part.added"]
    closed = [c.index for c in flat(changes) if c.kind == "reasoning_summary_part.done"]
    assert added == closed == [0, 1, 2, 3]
    for index, text in enumerate(done_texts):
        pieces = [
            c.delta
            for c in flat(changes)
            if c.kind == "reasoning_summary_text.delta" and c.index == index
        ]
        assert "".join(pieces) == text


# --- 5. annotations ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [URL_CITATION, FILE_CITATION, CODE_IMAGE])
def test_case05_annotations_are_in_the_part_before_text_done(name: str) -> None:
    """``annotation.added(A)`` sets ``content[C].annotations[A]`` at once; == part.done's list."""
    sent = payloads(name)
    added = [
        (i, p)
        for i, p in enumerate(sent)
        if p and p["type"] == "response.output_text.annotation.added"
    ]
    assert added
    text_done_at = index_of(name, "response.output_text.done")
    racc = streamkit.ResponseAccumulator()
    for i, sse in enumerate(events_of(name)[:text_done_at]):
        changes = racc.feed(sse)
        for j, payload in added:
            if j != i:
                continue
            [change] = changes
            assert (change.kind, change.index) == ("output_text.annotation.added", 0)
            assert to_dict(change.delta) == payload["annotation"]
            assert (
                to_dict(change.snapshot)["annotations"][payload["annotation_index"]]
                == (payload["annotation"])
            )
            item = output_of(racc)[payload["output_index"]]
            part_now = item["content"][payload["content_index"]]
            assert part_now["annotations"][payload["annotation_index"]] == payload["annotation"]
    part_done = sent[index_of(name, "response.content_part.done")]
    assert part_done is not None
    item = output_of(racc)[part_done["output_index"]]
    assert item["content"][0]["annotations"] == part_done["part"]["annotations"]
    assert len(part_done["part"]["annotations"]) == len(added)


# --- 6. code interpreter -------------------------------------------------------------------------


def test_case06_code_is_the_deltas_and_status_follows_the_status_events() -> None:
    """code == concat(code.delta) == code.done; status in_progress -> interpreting -> completed."""
    sent = payloads(CODE_X3)
    racc = streamkit.ResponseAccumulator()
    statuses: dict[str, list[str]] = {}
    for sse in events_of(CODE_X3):
        for change in racc.feed(sse):
            if change.kind == "output_item.updated":
                snapshot = to_dict(change.snapshot)
                statuses.setdefault(change.id, []).append(snapshot["status"])
            if change.kind == "code_interpreter_call_code.done":
                done = to_dict(change.snapshot)
                pieces = [
                    p["delta"]
                    for p in sent
                    if p
                    and p["type"] == "response.code_interpreter_call_code.delta"
                    and p["item_id"] == change.id
                ]
                assert done["code"] == "".join(pieces)
    calls = [item for item in output_of(racc) if item["type"] == "code_interpreter_call"]
    assert len(calls) == 3
    assert statuses == {c["id"]: ["in_progress", "interpreting", "completed"] for c in calls}


def test_case06_outputs_arrive_with_output_item_done() -> None:
    """The call's ``outputs`` (image, logs) are there only once its output_item.done arrived."""
    name = CODE_IMAGE
    done_at = index_of(name, "response.output_item.done", 1)
    racc, _ = feed(events_of(name)[:done_at])
    assert output_of(racc)[1]["outputs"] == []
    assert output_of(racc)[1]["status"] == "completed"
    racc.feed(events_of(name)[done_at])
    assert [o["type"] for o in output_of(racc)[1]["outputs"]] == ["image", "logs"]


# --- 7. out-of-order output_index ----------------------------------------------------------------


@pytest.mark.parametrize("strict", STRICTNESS)
def test_case07_items_land_at_their_output_index(strict: bool) -> None:
    """added(O1 "b"), added(O0 "a"), delta(O0 "x"), delta(O1 "y") -> [a(x), b(y)]."""
    racc, changes = feed(case7_events(), strict=strict)
    assert [(i["id"], i["name"], i["arguments"]) for i in output_of(racc)] == [
        ("fc_a", "a", "x"),
        ("fc_b", "b", "y"),
    ]
    assert racc.anomalies == []
    assert [(c.kind, c.id, c.index) for c in flat(changes)[1:]] == [
        ("output_item.added", "fc_b", 1),
        ("output_item.added", "fc_a", 0),
        ("function_call_arguments.delta", "fc_a", 0),
        ("function_call_arguments.delta", "fc_b", 1),
    ]
    assert [c.delta for c in flat(changes)[3:]] == ["x", "y"]


# --- 8. content_index not reset ------------------------------------------------------------------


@pytest.mark.parametrize("strict", STRICTNESS)
def test_case08_content_index_not_reset_per_item(strict: bool) -> None:
    """A message's first part at content_index 1: its own slot; nothing written into content[0]."""
    racc, changes = feed(case8_events(), strict=strict)
    reasoning, msg = output_of(racc)
    assert reasoning["content"] == [{"type": "reasoning_text", "text": "think"}]
    assert [p["text"] for p in msg["content"]] == ["Hello"]
    assert [(c.kind, c.id, c.index) for c in flat(changes)[5:]] == [
        ("content_part.added", "msg_1", 1),
        ("output_text.delta", "msg_1", 1),
        ("output_text.delta", "msg_1", 1),
    ]
    assert to_dict(flat(changes)[-1].snapshot)["text"] == "Hello"
    # The bent rule is recorded, in both modes (a part past the item's next index).
    [anomaly] = racc.anomalies
    assert (anomaly.kind, anomaly.position, anomaly.event, anomaly.object_id) == (
        "index_gap",
        6,
        "response.content_part.added",
        "msg_1",
    )
    assert anomaly.path == "data.content_index"


# --- 9. delta before output_item.added -----------------------------------------------------------


def test_case09_strict_refuses_a_delta_for_an_item_never_added() -> None:
    """Strict: AccumulateError (unknown_item, event 2), nothing applied, no item invented."""
    racc = streamkit.ResponseAccumulator()
    first, orphan = case9_events()
    racc.feed(first)
    with pytest.raises(streamkit.AccumulateError) as caught:
        racc.feed(orphan)
    error = caught.value
    assert (error.kind, error.position, error.event) == (
        "unknown_item",
        2,
        "response.output_text.delta",
    )
    assert "Hi" not in str(error)
    assert output_of(racc) == []
    assert racc.last_sequence_number == 0
    assert racc.anomalies == []


def test_case09_lenient_records_the_unknown_item_and_changes_nothing() -> None:
    """Lenient: an ``unknown_item`` anomaly at event 2, no Change, no item."""
    racc, changes = feed(case9_events(), strict=False)
    assert changes[1] == []
    [anomaly] = racc.anomalies
    assert (anomaly.kind, anomaly.position, anomaly.event) == (
        "unknown_item",
        2,
        "response.output_text.delta",
    )
    assert output_of(racc) == []


def test_case09_with_a_gap_the_missing_range_is_reported() -> None:
    """Seq 0 then 3: lenient records the gap (1..2) and the unknown item; strict still refuses."""
    racc, _ = feed(case9_events(gap=True), strict=False)
    assert kinds(racc.anomalies) == ["sequence_gap", "unknown_item"]
    assert racc.anomalies[0].message == "missing sequence numbers 1..2"
    assert output_of(racc) == []
    strict = streamkit.ResponseAccumulator()
    first, orphan = case9_events(gap=True)
    strict.feed(first)
    with pytest.raises(streamkit.AccumulateError) as caught:
        strict.feed(orphan)
    assert (caught.value.kind, caught.value.position) == ("unknown_item", 2)


# --- 10. duplicate sequence number ---------------------------------------------------------------


@pytest.mark.parametrize("strict", STRICTNESS)
def test_case10_a_repeated_sequence_number_is_applied_once(strict: bool) -> None:
    """The same delta (seq 4) twice: applied once, no Change, no anomaly; text not doubled."""
    racc, changes = feed(case10_events(), strict=strict)
    assert changes[5] == []
    assert output_of(racc)[0]["content"][0]["text"] == "Hello"
    assert racc.anomalies == []
    assert racc.last_sequence_number == 5
    # A whole replayed block (seq 1..4 again) is skipped too, item.added included.
    replay = case10_events()[1:5]
    assert [racc.feed(sse) for sse in replay] == [[], [], [], []]
    assert output_of(racc)[0]["content"][0]["text"] == "Hello"
    assert len(output_of(racc)) == 1


# --- 11. gap in sequence numbers -----------------------------------------------------------------


@pytest.mark.parametrize("strict", STRICTNESS)
def test_case11_a_gap_is_recorded_with_its_range_and_the_done_text_wins(strict: bool) -> None:
    """Seq 5 then 7: ``sequence_gap`` "6..6", the stream goes on; text.done repairs the text."""
    events = case11_events()
    racc, changes = feed(events[:7], strict=strict)
    [gap] = racc.anomalies
    assert (gap.kind, gap.position) == ("sequence_gap", 7)
    # The contract's example says "6..6"; a lone number names the same range.
    assert gap.message in ("missing sequence numbers 6..6", "missing sequence numbers 6")
    assert [c.delta for c in changes[6]] == [" world"]
    assert output_of(racc)[0]["content"][0]["text"] == "Hello world"
    racc.feed(events[7])
    assert output_of(racc)[0]["content"][0]["text"] == "Hello, world"
    assert kinds(racc.anomalies) == ["sequence_gap", "done_mismatch"]
    assert racc.anomalies[1].position == 8
    assert racc.last_sequence_number == 8


# --- 12. resume ----------------------------------------------------------------------------------


@pytest.mark.parametrize("strict", STRICTNESS)
def test_case12_resume_continues_the_snapshot(strict: bool) -> None:
    """Initial stream to seq 8, then the resume from seq 9 (no response.created): the full one."""
    racc, changes = feed(case12_events(), strict=strict)
    full, full_changes = feed(list(events_of(INITIAL)))
    assert to_dict(racc.response) == to_dict(full.response) == terminal_response(INITIAL)
    assert racc.anomalies == []
    assert [(c.kind, c.id, c.index) for c in flat(changes)] == [
        (c.kind, c.id, c.index) for c in flat(full_changes)
    ]


# --- 13. unknown event type ----------------------------------------------------------------------


@pytest.mark.parametrize("strict", STRICTNESS)
def test_case13_apply_patch_diff_events_never_fail_and_item_done_is_whole(strict: bool) -> None:
    """``apply_patch_call_operation_diff.*`` (not in the spec): not fatal; item.done is the call."""
    racc, changes = feed(list(events_of(APPLY_PATCH)), strict=strict)
    assert racc.anomalies == []
    diffs = [c for c in flat(changes) if c.kind.startswith("apply_patch_call_operation_diff.")]
    assert len(diffs) == 33
    done = payloads(APPLY_PATCH)[index_of(APPLY_PATCH, "response.output_item.done")]
    assert done is not None
    assert output_of(racc)[0] == done["item"]
    assert output_of(racc)[0]["operation"]["diff"] == PATCH_DIFF


@pytest.mark.parametrize("strict", STRICTNESS)
def test_case13_an_unknown_event_type_is_kept_raw(strict: bool) -> None:
    """A type no spec or model knows: kept in ``unknown_events`` with its payload; not fatal."""
    odd = {"type": "response.brand_new.delta", "output_index": 0, "delta": [1, {"x": None}]}
    events = [*case10_events()[:4], ServerSentEvent(event=odd["type"], data=json.dumps(odd))]
    racc, changes = feed(events, strict=strict)
    assert [c.kind for c in changes[-1]] == ["unknown"]
    assert [(e.event, to_dict(e.data)) for e in racc.unknown_events] == [(odd["type"], odd)]
    assert racc.anomalies == []
    assert output_of(racc)[0]["content"][0]["text"] == "Hel"


# --- 14. unknown item type -----------------------------------------------------------------------


def test_case14_unknown_item_kept_verbatim_and_replaced_by_its_done() -> None:
    """``compaction``: kept at O1 as sent in item.added, then exactly as sent in item.done."""
    added_at = index_of(COMPACTION, "response.output_item.added", 1)
    sent = payloads(COMPACTION)
    racc, _ = feed(events_of(COMPACTION)[: added_at + 1])
    assert output_of(racc)[1] == sent[added_at]["item"]  # type: ignore[index]
    racc.feed(events_of(COMPACTION)[added_at + 1])
    assert output_of(racc)[1] == sent[added_at + 1]["item"]  # type: ignore[index]
    assert racc.anomalies == []


# --- 15. error, then failed ----------------------------------------------------------------------


@pytest.mark.parametrize("strict", STRICTNESS)
def test_case15_error_recorded_then_failed_applies(strict: bool) -> None:
    """Nested ``error`` -> errors (insufficient_quota) + ``server_error``; then status failed."""
    racc, changes = feed(list(events_of(ERROR)), strict=strict)
    assert [to_dict(e)["error"]["code"] for e in racc.errors] == ["insufficient_quota"]
    assert kinds(racc.anomalies) == ["server_error"]
    assert [c.kind for c in changes[2]] == ["error"]
    final = to_dict(racc.final_response)
    assert (final["status"], final["error"]["code"], final["output"]) == (
        "failed",
        "insufficient_quota",
        [],
    )


def test_case15_the_flat_spec_shaped_error_is_recorded_too() -> None:
    """The spec's flat ``{code, message, param}`` error event is an error all the same."""
    flat_error = ev("error", 1, code="server_error", message="boom", param=None)
    racc, changes = feed([created(0), flat_error])
    assert [c.kind for c in changes[1]] == ["error"]
    assert [to_dict(e)["code"] for e in racc.errors] == ["server_error"]
    assert kinds(racc.anomalies) == ["server_error"]


# --- 16. incomplete ------------------------------------------------------------------------------


@pytest.mark.parametrize("strict", STRICTNESS)
def test_case16_incomplete_terminal_gives_the_final_response(strict: bool) -> None:
    """``response.incomplete``: final_response set, status incomplete, the item too, text kept."""
    events = case16_events()
    racc, changes = feed(events, strict=strict)
    final = to_dict(racc.final_response)
    assert final == json.loads(events[-1].data)["response"]
    assert final["incomplete_details"] == {"reason": "max_output_tokens"}
    assert racc.anomalies == []
    counted = Counter(c.kind for c in flat(changes))
    assert (counted["response.done"], counted["output_item.done"]) == (1, 1)
    assert counted["content_part.done"] == 1


# --- 17. terminal with empty output --------------------------------------------------------------


@pytest.mark.parametrize("strict", STRICTNESS)
def test_case17_empty_terminal_output_keeps_the_items(strict: bool) -> None:
    """completed, ``output: []`` after item.done("OK"): items kept, ``empty_terminal_output``."""
    racc, changes = feed(case17_events(), strict=strict)
    final = to_dict(racc.final_response)
    assert final["output"] == [OK_MESSAGE]
    assert (final["status"], final["usage"]) == ("completed", USAGE)
    [anomaly] = racc.anomalies
    assert (anomaly.kind, anomaly.position, anomaly.event) == (
        "empty_terminal_output",
        8,
        "response.completed",
    )
    assert [c.kind for c in changes[-1]] == ["response.done"]


# --- 18. OpenRouter framing ----------------------------------------------------------------------


def test_case18_openrouter_framing_gives_the_normal_snapshot() -> None:
    """No ``event:`` lines, comments, ``[DONE]``: same snapshot as OpenAI framing; done set."""
    events = list(events_of(OPENROUTER))
    racc, changes = feed(events)
    reframed = [ServerSentEvent(event=json.loads(e.data)["type"], data=e.data) for e in events[:-1]]
    normal, _ = feed(reframed)
    assert to_dict(racc.response) == to_dict(normal.response)
    assert (racc.done, normal.done) == (True, False)
    assert [c.kind for c in changes[-1]] == ["end"]


# --- 19. reasoning_text parts --------------------------------------------------------------------


def test_case19_reasoning_text_part_built_from_its_deltas() -> None:
    """content_part.added(reasoning_text) on a reasoning item; text from reasoning_text.delta."""
    sent = payloads(DEEPSEEK)
    text_done_at = index_of(DEEPSEEK, "response.reasoning_text.done")
    racc, changes = feed(events_of(DEEPSEEK)[:text_done_at])
    pieces = [p["delta"] for p in sent if p and p["type"] == "response.reasoning_text.delta"]
    assert output_of(racc)[0]["content"] == [{"type": "reasoning_text", "text": "".join(pieces)}]
    assert "".join(pieces) == sent[text_done_at]["text"]  # type: ignore[index]
    assert [c.delta for c in flat(changes) if c.kind == "reasoning_text.delta"] == pieces


# --- 20. refusal ---------------------------------------------------------------------------------


@pytest.mark.parametrize("strict", STRICTNESS)
def test_case20_refusal_is_the_concatenated_deltas(strict: bool) -> None:
    """refusal part, two deltas, done: ``content[0].refusal`` == concat == done."""
    events = case20_events()
    racc, changes = feed(events[:5], strict=strict)
    assert output_of(racc)[0]["content"] == [{"type": "refusal", "refusal": REFUSAL}]
    assert [(c.kind, c.delta) for c in flat(changes)[-2:]] == [
        ("refusal.delta", "I can't"),
        ("refusal.delta", " help with that."),
    ]
    [done] = racc.feed(events[5])
    assert (done.kind, to_dict(done.snapshot)) == (
        "refusal.done",
        {"type": "refusal", "refusal": REFUSAL},
    )
    assert racc.anomalies == []
