"""``replay`` of either protocol: detection, forcing, empty sources, errors, every recording.

Each recording of both protocols (tests/data/responses, streamkit/recordings)
replays into its protocol's accumulator, with the same result as feeding its
events by hand; ``protocol=`` forces one; an empty source gives an empty
accumulator; a Responses ``error`` event raises ``StreamError`` at the end of
the stream in strict mode (after ``response.failed`` applied), never in
lenient mode; reading stops at the end marker.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path
from typing import Any

import pytest

import streamkit
from streamkit import SSEDecoder, to_dict

RESPONSES = sorted((Path(__file__).parent / "data" / "responses").glob("*.sse"))
BUNDLED = sorted((Path(streamkit.__file__).parent / "recordings").glob("*.sse"))
ERRORS = frozenset({"vercel_openai_error_event_then_failed.sse", "text-then-server-error.sse"})
DATA = RESPONSES[0].parent
RESPONSES_ERROR = DATA / "vercel_openai_error_event_then_failed.sse"
OPENROUTER = DATA / "NONOPENAI_openrouter_reasoning_text_done_marker.sse"
TEXT = DATA / "openai_text_logprobs.sse"
RUN = BUNDLED[0].parent / "text-run.sse"


def is_responses(path: Path) -> bool:
    return path.parent == DATA or path.name == "demo-responses.sse"


def expected_class(path: Path) -> type:
    return streamkit.ResponseAccumulator if is_responses(path) else streamkit.Accumulator


def fed_by_hand(path: Path, *, strict: bool = True) -> Any:
    """The recording's events fed one by one to a new accumulator of its protocol."""
    accumulator = expected_class(path)(strict=strict)
    decoder = SSEDecoder(dispatch_at_close=True)
    for event in decoder.feed(path.read_bytes()) + decoder.close():
        accumulator.feed(event)
        if accumulator.done:
            break
    return accumulator


def state(accumulator: Any) -> Any:
    """What an accumulator ends with, as plain JSON."""
    if isinstance(accumulator, streamkit.ResponseAccumulator):
        return {
            "responses": [to_dict(r) for r in accumulator.responses.values()],
            "final": to_dict(accumulator.final_response) if accumulator.final_response else None,
            "last": accumulator.last_sequence_number,
            "anomalies": [a.kind for a in accumulator.anomalies],
            "done": accumulator.done,
        }
    return {
        "runs": [to_dict(r) for r in accumulator.runs.values()],
        "steps": [to_dict(s) for s in accumulator.run_steps.values()],
        "messages": [to_dict(m) for m in accumulator.messages.values()],
        "anomalies": [a.kind for a in accumulator.anomalies],
        "done": accumulator.done,
    }


# --- every recording -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", RESPONSES + BUNDLED, ids=lambda path: path.name)
def test_replay_gives_the_protocols_accumulator(path: Path) -> None:
    expected = expected_class(path)
    if path.name in ERRORS:
        with pytest.raises(streamkit.StreamError) as raised:
            streamkit.replay(path)
        assert type(raised.value.accumulator) is expected  # type: ignore[attr-defined]
        result = streamkit.replay(path, strict=False)
    else:
        result = streamkit.replay(path)
        assert state(result) == state(fed_by_hand(path))
    assert type(result) is expected
    assert state(result) == state(fed_by_hand(path, strict=False))


@pytest.mark.parametrize("path", RESPONSES, ids=lambda path: path.name)
def test_replay_of_a_responses_recording_ends_with_its_terminal_response(path: Path) -> None:
    decoder = SSEDecoder(dispatch_at_close=True)
    payloads = [
        json.loads(e.data)
        for e in decoder.feed(path.read_bytes()) + decoder.close()
        if e.data != "[DONE]"
    ]
    (terminal,) = [p for p in payloads if p["type"] in ("response.completed", "response.failed")]
    result = streamkit.replay(path, strict=False)
    assert result.final_response is not None
    assert (result.final_response.id, result.final_response.status) == (
        terminal["response"]["id"],
        terminal["response"]["status"],
    )
    numbers = [p["sequence_number"] for p in payloads if "sequence_number" in p]
    assert result.last_sequence_number == (max(numbers) if numbers else None)


@pytest.mark.parametrize(
    "read",
    [
        lambda path: path,
        lambda path: str(path),
        lambda path: path.read_bytes(),
        lambda path: io.BytesIO(path.read_bytes()),
        lambda path: (path.read_bytes()[i : i + 3] for i in range(0, path.stat().st_size, 3)),
    ],
    ids=["path", "str", "bytes", "file", "chunks"],
)
def test_replay_of_any_source(read: Any) -> None:
    path = DATA / "openai_reasoning_then_fn_call.sse"
    assert state(streamkit.replay(read(path))) == state(fed_by_hand(path))


def test_replay_of_a_gzip_file(tmp_path: Path) -> None:
    packed = tmp_path / "stream.sse.gz"
    packed.write_bytes(gzip.compress(TEXT.read_bytes()))
    assert state(streamkit.replay(packed)) == state(fed_by_hand(TEXT))


@pytest.mark.parametrize("chunk_size", [1, 7, 1 << 16])
def test_replay_with_any_chunk_size(chunk_size: int) -> None:
    result = streamkit.replay(OPENROUTER, chunk_size=chunk_size)
    assert state(result) == state(fed_by_hand(OPENROUTER))


def test_replay_of_a_log_without_its_last_blank_line() -> None:
    data = TEXT.read_bytes().rstrip(b"\n")
    assert data.endswith(b"}")
    result = streamkit.replay(data)
    assert result.final_response is not None
    assert result.final_response.status == "completed"


# --- forcing the protocol -----------------------------------------------------------------------


@pytest.mark.parametrize("path", [TEXT, OPENROUTER, RUN], ids=lambda path: path.name)
def test_forcing_the_right_protocol_changes_nothing(path: Path) -> None:
    protocol = "responses" if is_responses(path) else "assistants"
    forced = streamkit.replay(path, protocol=protocol)  # type: ignore[call-overload]
    assert state(forced) == state(streamkit.replay(path))


def test_forcing_the_other_protocol() -> None:
    """Read as the other protocol, nothing of the stream is understood; nothing is built."""
    as_assistants = streamkit.replay(TEXT, protocol="assistants", strict=False)
    assert type(as_assistants) is streamkit.Accumulator
    assert (dict(as_assistants.runs), dict(as_assistants.messages)) == ({}, {})
    as_responses = streamkit.replay(RUN, protocol="responses", strict=False)
    assert type(as_responses) is streamkit.ResponseAccumulator
    assert (as_responses.response, dict(as_responses.responses)) == (None, {})


@pytest.mark.parametrize("protocol", ["bogus", "Responses", "", "thread"])
def test_replay_refuses_an_unknown_protocol(protocol: str) -> None:
    with pytest.raises(ValueError, match="no protocol named"):
        streamkit.replay(TEXT, protocol=protocol)  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="no protocol named"):
        streamkit.replay(b"", protocol=protocol)  # type: ignore[call-overload]


# --- empty sources -----------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"\n\n", b": keep-alive\n\n: again\n\n", b"id: 4\n\n"])
@pytest.mark.parametrize("protocol", [None, "assistants", "responses"])
def test_replay_of_an_empty_source(data: bytes, protocol: str | None) -> None:
    result = streamkit.replay(data, protocol=protocol)  # type: ignore[call-overload]
    if protocol == "responses":
        assert type(result) is streamkit.ResponseAccumulator
        assert (result.response, result.final_response, dict(result.responses)) == (None, None, {})
        assert result.last_sequence_number is None
    else:  # Assistants unless told
        assert type(result) is streamkit.Accumulator
        assert (dict(result.runs), dict(result.messages), result.final_run) == ({}, {}, None)
    assert result.done is False
    assert result.anomalies == []
    assert streamkit.replay(data, protocol=protocol, strict=False).strict is False  # type: ignore[call-overload]


# --- errors and the end marker ------------------------------------------------------------------


def test_a_strict_responses_error_is_raised_after_the_failed_response_applied() -> None:
    with pytest.raises(streamkit.StreamError) as raised:
        streamkit.replay(RESPONSES_ERROR)
    accumulator = raised.value.accumulator  # type: ignore[attr-defined]
    assert accumulator.final_response is not None
    assert accumulator.final_response.status == "failed"
    assert accumulator.final_response.error.code == "insufficient_quota"
    assert len(accumulator.errors) == 1
    assert accumulator.pending_error is None  # raised once, not kept


def test_a_lenient_responses_error_is_recorded_not_raised() -> None:
    result = streamkit.replay(RESPONSES_ERROR, strict=False)
    assert result.final_response is not None
    assert result.final_response.status == "failed"
    assert [a.kind for a in result.anomalies] == ["server_error"]
    assert len(result.errors) == 1
    assert result.pending_error is None


def _events_of(path: Path) -> list[str]:
    return [block for block in path.read_text().split("\n\n") if block.strip()]


def test_a_strict_error_as_the_last_event_is_raised_at_the_end() -> None:
    """No response.failed after it: the error is still raised when the stream ends."""
    blocks = _events_of(RESPONSES_ERROR)
    assert '"type":"error"' in blocks[2].replace(" ", "")
    data = ("\n\n".join(blocks[:3]) + "\n\n").encode()
    with pytest.raises(streamkit.StreamError) as raised:
        streamkit.replay(data)
    accumulator = raised.value.accumulator  # type: ignore[attr-defined]
    assert accumulator.final_response is None
    assert accumulator.response.status == "in_progress"
    assert streamkit.replay(data, strict=False).response.status == "in_progress"


def test_a_strict_error_then_done_marker_is_raised() -> None:
    data = RESPONSES_ERROR.read_bytes() + b"\ndata: [DONE]\n\n"
    with pytest.raises(streamkit.StreamError) as raised:
        streamkit.replay(data)
    assert raised.value.accumulator.done is True  # type: ignore[attr-defined]


def test_the_assistants_error_recording_still_raises() -> None:
    path = BUNDLED[0].parent / "text-then-server-error.sse"
    with pytest.raises(streamkit.StreamError) as raised:
        streamkit.replay(path)
    accumulator = raised.value.accumulator  # type: ignore[attr-defined]
    assert type(accumulator) is streamkit.Accumulator
    assert accumulator.messages  # the text before the error is kept


def test_reading_stops_at_the_done_marker() -> None:
    """Bytes after OpenRouter's [DONE] are not read (not even bad ones)."""
    data = OPENROUTER.read_bytes() + b"\ndata: {not json\n\ndata: {}\n\n"
    result = streamkit.replay(data)
    assert result.done is True
    assert state(result) == state(fed_by_hand(OPENROUTER))


def test_a_responses_stream_of_two_responses() -> None:
    second = DATA / "openai_reasoning_then_fn_call.sse"
    result = streamkit.replay(TEXT.read_bytes() + b"\n" + second.read_bytes())
    first_id = streamkit.replay(TEXT).final_response.id
    second_id = streamkit.replay(second).final_response.id
    assert list(result.responses) == [first_id, second_id]
    assert result.final_response.id == second_id
    assert result.response.id == second_id


def test_replay_many_reads_both_protocols() -> None:
    results = list(streamkit.replay_many([TEXT, RUN]))
    assert [sorted(r.snapshots or ()) for r in results] == [
        ["responses"],
        ["messages", "run_steps", "runs"],
    ]
    assert [(r.ok, r.final_status) for r in results] == [(True, "completed"), (True, "completed")]
