"""The sans-IO pieces of the web view: encode_sse, export_json, PatchEncoder, apply_patch.

The central property: a client that applies every patch, in order, to ``{}`` holds exactly
``export_json(accumulator)`` -- after every event, for every recording of both protocols and
for generated streams of both -- and the patches are small (a delta is one ``append`` of its
text; an object is sent whole only when it first appears).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import streamkit
from streamkit import models as m
from streamkit import recordings, testing
from streamkit._bulk import replay_file
from streamkit.sse import ServerSentEvent, SSEDecoder
from tests.response_strategies import build_events, final_responses, stream_options
from tests.strategies import final_messages, final_steps

RECORDINGS = Path(recordings.__file__).parent
DATA = Path(__file__).parent / "data" / "responses"
ALL_RECORDINGS = sorted(RECORDINGS.rglob("*.sse")) + sorted(DATA.glob("*.sse"))


def _events(data: bytes) -> list[ServerSentEvent]:
    decoder = SSEDecoder(dispatch_at_close=True)
    return decoder.feed(data) + decoder.close()


def _follow(events: list[Any], *, check_every_event: bool = True) -> tuple[Any, Any, list[Any]]:
    """Feed ``events`` (lenient), applying each patch through JSON as a client would.

    Returns the accumulator, the client's document and the patches sent.
    """
    accumulator: Any = None
    encoder: Any = None
    document: Any = {}
    patches: list[Any] = []
    for event in events:
        if accumulator is None:
            accumulator = _accumulator(event)
            encoder = streamkit.PatchEncoder(accumulator)
        ops = encoder.encode(accumulator.feed(event))
        if ops:
            wire = json.loads(json.dumps(ops))  # what travels: plain JSON
            patches.append(wire)
            document = streamkit.apply_patch(document, wire)
        if check_every_event:
            assert streamkit.export_json(accumulator) == document
    return accumulator, document, patches


def _accumulator(event: Any) -> Any:
    from streamkit._protocols import accumulator_for, protocol_of

    return accumulator_for(protocol_of(event), strict=False)


# --- encode_sse ---------------------------------------------------------------------------------

_FIELD = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n\0"))


@given(
    data=st.text(st.characters(blacklist_categories=["Cs"])),
    event=_FIELD,
    event_id=st.none() | _FIELD,
    retry=st.none() | st.integers(0, 10**9),
)
def test_encode_sse_round_trips_through_the_decoder(
    data: str, event: str, event_id: str | None, retry: int | None
) -> None:
    """Whatever the text, the decoder gives back the event (line breaks as LF)."""
    encoded = streamkit.encode_sse(data, event=event, id=event_id, retry=retry)
    assert encoded.endswith(b"\n\n")
    normalised = data.replace("\r\n", "\n").replace("\r", "\n")
    assert [ServerSentEvent(event or "message", normalised, event_id, retry)] == SSEDecoder().feed(
        encoded
    )


def test_encode_sse_writes_a_decoded_event_back() -> None:
    event = ServerSentEvent("thread.message.delta", '{"a": 1}\n{"b": 2}', "7", 250)
    assert [event] == SSEDecoder().feed(streamkit.encode_sse(**event._asdict()))
    assert (
        b'event: thread.message.delta\nid: 7\nretry: 250\ndata: {"a": 1}\ndata: {"b": 2}\n\n'
        == streamkit.encode_sse(**event._asdict())
    )


def test_encode_sse_blocks_that_dispatch_nothing() -> None:
    """A comment or an id alone is no event; an empty data is one (readers dispatch it)."""
    decoder = SSEDecoder()
    assert b": keep\n: alive\n\n" == streamkit.encode_sse(comment="keep\nalive")
    assert [] == decoder.feed(streamkit.encode_sse(comment="keep\nalive"))
    assert [] == decoder.feed(streamkit.encode_sse(id="42"))
    assert "42" == decoder.last_event_id
    assert [ServerSentEvent("message", "", "42")] == decoder.feed(streamkit.encode_sse(""))
    assert b"data: \n\n" == streamkit.encode_sse("")


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"event": "a\nb"}, ValueError),
        ({"event": "a\rb"}, ValueError),
        ({"id": "1\n2"}, ValueError),
        ({"id": "1\x002"}, ValueError),
        ({"retry": -1}, ValueError),
        ({"retry": 1.5}, TypeError),
        ({"retry": True}, TypeError),
    ],
)
def test_encode_sse_refuses_what_would_change_the_stream(
    kwargs: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error) as caught:
        streamkit.encode_sse("x", **kwargs)
    assert "a\nb" not in str(caught.value)


# --- export_json --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_RECORDINGS, ids=lambda p: p.name)
def test_export_holds_what_replay_json_prints(path: Path) -> None:
    """The export's objects are ``streamkit replay --json``'s; plus errors, anomalies, done."""
    accumulator = streamkit.replay(path, strict=False)
    exported = streamkit.export_json(accumulator)
    result = replay_file(path, strict=False)
    assert result.snapshots is not None
    protocol = "responses" if "responses" in result.snapshots else "assistants"
    assert protocol == exported["protocol"]
    for name, objects in result.snapshots.items():
        assert objects == exported[name]
    assert result.anomalies == exported["anomalies"]
    assert [streamkit.to_dict(error) for error in accumulator.errors] == exported["errors"]
    assert accumulator.done is exported["done"]
    assert exported == json.loads(json.dumps(exported))  # plain JSON


def test_export_of_each_protocol_has_its_keys() -> None:
    assistants = streamkit.export_json(
        streamkit.replay(RECORDINGS / "text-then-server-error.sse", strict=False)
    )
    assert [
        "protocol",
        "threads",
        "runs",
        "run_steps",
        "messages",
        "errors",
        "anomalies",
        "done",
    ] == list(assistants)
    assert "server_error" == assistants["errors"][0]["type"]
    image = streamkit.replay(
        DATA / "vercel_openai_image_generation_partial_image.sse", strict=False
    )
    responses = streamkit.export_json(image)
    assert ["protocol", "responses", "partial_images", "errors", "anomalies", "done"] == list(
        responses
    )
    assert image.partial_images == responses["partial_images"]
    assert responses["partial_images"]  # the recording streams partial images


def test_export_shares_nothing_with_the_accumulator() -> None:
    accumulator = streamkit.replay(RECORDINGS / "demo-code-interpreter.sse")
    first = streamkit.export_json(accumulator)
    first["runs"][0]["status"] = "changed"
    first["messages"].clear()
    assert streamkit.export_json(accumulator) != first


# --- PatchEncoder and apply_patch ---------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_RECORDINGS, ids=lambda p: p.name)
def test_patches_rebuild_the_export_after_every_event(path: Path) -> None:
    """Applied to {} in order, the patches give export_json -- after each event."""
    accumulator, document, _ = _follow(_events(path.read_bytes()))
    assert streamkit.export_json(accumulator) == document


@pytest.mark.parametrize("name", ["demo-code-interpreter.sse", "demo-responses.sse"])
def test_a_delta_is_one_append_of_its_text(name: str) -> None:
    """An event that only adds text, code or arguments travels as appends of its fragments."""
    events = _events((RECORDINGS / name).read_bytes())
    accumulator = _accumulator(events[0])
    encoder = streamkit.PatchEncoder(accumulator)
    appended = 0
    for event in events:
        changes = accumulator.feed(event)
        ops = encoder.encode(changes)
        if {change.kind.rpartition(".")[2] for change in changes} != {"delta"}:
            continue
        assert ops
        texts = [change.delta for change in changes if isinstance(change.delta, str)]
        if texts:  # a Responses delta carries its fragment as is
            assert [
                {"op": "append", "path": ops[0]["path"], "value": text} for text in texts
            ] == ops
        else:  # an Assistants delta may also bring a new output whole (logs, an image)
            assert {"append"} <= {op["op"] for op in ops} <= {"append", "push"}
        appended += 1
    assert appended > 100


@pytest.mark.parametrize("name", ["demo-code-interpreter.sse", "demo-responses.sse"])
def test_patches_are_small(name: str) -> None:
    """A twentieth of sending the snapshot at every event (the issue's 160 KB for 61 events),
    under 200 bytes an event, and no object sent whole twice."""
    events = _events((RECORDINGS / name).read_bytes())
    accumulator = _accumulator(events[0])
    encoder = streamkit.PatchEncoder(accumulator)
    sent = snapshots = 0
    pushed_ids: list[str] = []
    for event in events:
        ops = encoder.encode(accumulator.feed(event))
        sent += len(json.dumps(ops, separators=(",", ":"))) if ops else 0
        snapshots += len(json.dumps(streamkit.export_json(accumulator), separators=(",", ":")))
        pushed_ids += [
            op["value"]["id"]
            for op in ops
            if op["op"] in ("push", "set") and isinstance(op["value"], dict) and "id" in op["value"]
        ]
    assert sent * 20 < snapshots
    assert sent < 200 * len(events)
    assert len(pushed_ids) == len(set(pushed_ids))


def test_nothing_changed_is_no_patch() -> None:
    """A keep-alive, a repeated sequence number: no patch (and no number used up)."""
    events = _events((DATA / "openai_background_stream_initial.sse").read_bytes())
    accumulator = _accumulator(events[0])
    encoder = streamkit.PatchEncoder(accumulator)
    for event in events[:5]:
        encoder.encode(accumulator.feed(event))
    assert [] == encoder.encode(accumulator.feed(events[4]))  # the same event again
    assert [] == encoder.encode(
        accumulator.feed(ServerSentEvent("keepalive", '{"type":"keepalive"}'))
    )


def test_sync_catches_up_with_an_accumulator_fed_without_the_encoder() -> None:
    events = _events((RECORDINGS / "demo-responses.sse").read_bytes())
    accumulator = _accumulator(events[0])
    encoder = streamkit.PatchEncoder(accumulator)
    document = streamkit.apply_patch({}, encoder.encode(accumulator.feed(events[0])))
    for event in events[1:120]:
        accumulator.feed(event)  # Changes not handed to the encoder
    document = streamkit.apply_patch(document, encoder.sync())
    assert streamkit.export_json(accumulator) == document
    for event in events[120:]:
        document = streamkit.apply_patch(document, encoder.encode(accumulator.feed(event)))
    assert streamkit.export_json(accumulator) == document
    assert encoder.state == document


def test_kept_patches_do_not_change_afterwards() -> None:
    """Patches are values of their moment: later encoding never alters one already returned."""
    events = _events((RECORDINGS / "demo-code-interpreter.sse").read_bytes())
    accumulator = _accumulator(events[0])
    encoder = streamkit.PatchEncoder(accumulator)
    kept = [encoder.encode(accumulator.feed(event)) for event in events]
    frozen = json.dumps(kept)
    encoder.sync()
    assert frozen == json.dumps(kept)
    document: Any = {}
    for ops in kept:
        document = streamkit.apply_patch(document, ops)
    assert streamkit.export_json(accumulator) == document


@settings(max_examples=40)
@given(
    steps=st.lists(final_steps(), min_size=1, max_size=3, unique_by=lambda s: s.id),
    messages=st.lists(final_messages(), max_size=2, unique_by=lambda x: x.id),
    rng=st.randoms(use_true_random=False),
)
def test_patches_rebuild_generated_assistants_streams(
    steps: list[m.RunStep], messages: list[m.Message], rng: random.Random
) -> None:
    run = testing.example_run()
    events = testing.run_events(run, steps, messages, rng=rng)
    accumulator, document, _ = _follow(events)
    assert streamkit.export_json(accumulator) == document


@settings(max_examples=40)
@given(final=final_responses(), options=stream_options(), cut=st.integers(0, 400))
def test_patches_rebuild_generated_responses_streams(
    final: dict[str, Any], options: dict[str, Any], cut: int
) -> None:
    """Also a stream cut anywhere then replayed whole (a resume repeats sequence numbers)."""
    payloads = build_events(final, **options)
    data = testing.encode_sse(payloads[:cut]) + testing.encode_sse(payloads)
    accumulator, document, _ = _follow(_events(data))
    assert streamkit.export_json(accumulator) == document


def test_apply_patch_ops() -> None:
    document: Any = {}
    ops = [
        {"op": "set", "path": ["a"], "value": {"text": "he", "list": []}},
        {"op": "append", "path": ["a", "text"], "value": "llo"},
        {"op": "push", "path": ["a", "list"], "value": 1},
        {"op": "set", "path": ["a", "list", 1], "value": 2},
        {"op": "set", "path": ["a", "list", 0], "value": 0},
        {"op": "set", "path": ["gone"], "value": True},
        {"op": "remove", "path": ["gone"]},
    ]
    assert {"a": {"text": "hello", "list": [0, 2]}} == streamkit.apply_patch(document, ops)
    assert {"new": 1} == streamkit.apply_patch(
        document, [{"op": "set", "path": [], "value": {"new": 1}}]
    )


@pytest.mark.parametrize(
    "op",
    [
        {"op": "set", "path": ["missing", "x"], "value": "secret text"},
        {"op": "append", "path": ["n"], "value": "secret text"},
        {"op": "push", "path": ["s"], "value": "secret text"},
        {"op": "set", "path": ["l", 5], "value": "secret text"},
        {"op": "set", "path": ["l", -1], "value": "secret text"},
        {"op": "set", "path": ["l", "x"], "value": "secret text"},
        {"op": "remove", "path": ["nope"]},
        {"op": "move", "path": ["n"], "value": "secret text"},
        {"op": "set", "path": "n", "value": "secret text"},
    ],
)
def test_apply_patch_refuses_what_does_not_fit(op: dict[str, Any]) -> None:
    """A PatchError naming the operation, never its value."""
    with pytest.raises(streamkit.PatchError) as caught:
        streamkit.apply_patch(
            {"n": 1, "s": "text", "l": [0]}, [{"op": "set", "path": ["ok"], "value": 1}, op]
        )
    assert "operation 2" in str(caught.value)
    assert "secret" not in str(caught.value)


def test_anomalies_and_errors_arrive_as_pushes() -> None:
    events = _events((RECORDINGS / "text-then-server-error.sse").read_bytes())
    _, document, patches = _follow(events)
    later = patches[1:]  # the first patch sets every key, the lists empty
    pushes = [op for patch in later for op in patch if op["path"] in (["errors"], ["anomalies"])]
    assert [op["op"] for op in pushes] == ["push"] * len(pushes)
    assert {tuple(op["path"]) for op in pushes} == {("errors",), ("anomalies",)}
    assert document["errors"][0]["type"] == "server_error"
    assert attrs.fields(streamkit.Anomaly)  # the anomalies are Anomaly's fields as a dict
    assert set(document["anomalies"][0]) == {f.name for f in attrs.fields(streamkit.Anomaly)}
