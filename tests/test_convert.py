"""parse_event and to_dict: typed, lossless, forward compatible, with precise errors."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import attrs
import cattrs
import pytest

import streamkit._engine.convert as convert
from streamkit import (
    ParseError,
    ServerSentEvent,
    SSEDecoder,
    StreamkitError,
    converter,
    parse_event,
    recordings,
    to_dict,
)
from streamkit import models as m


def sse(event: str, data: Any) -> ServerSentEvent:
    return ServerSentEvent(event, data if isinstance(data, str) else json.dumps(data))


def recorded_events(name: str) -> list[ServerSentEvent]:
    decoder = SSEDecoder(dispatch_at_close=True)
    return decoder.feed(recordings.read_bytes(name)) + decoder.close()


STEP_DELTA = {
    "id": "step_1",
    "object": "thread.run.step.delta",
    "delta": {
        "step_details": {
            "type": "tool_calls",
            "tool_calls": [
                {
                    "index": 0,
                    "id": "call_1",
                    "type": "code_interpreter",
                    "code_interpreter": {"input": "print(1)", "outputs": []},
                }
            ],
        }
    },
}


class TestRecordings:
    @pytest.mark.parametrize("name", recordings.NAMES)
    def test_every_recorded_event_round_trips(self, name: str) -> None:
        """to_dict(parse_event(e).data) is exactly the JSON the server sent."""
        for position, event in enumerate(recorded_events(name), 1):
            parsed = parse_event(event, position=position)
            assert event.event == parsed.event
            if event.event == "done":
                assert isinstance(parsed, m.DoneEvent)
                assert "[DONE]" == parsed.data
            else:
                assert json.loads(event.data) == to_dict(parsed.data)

    @pytest.mark.parametrize("name", recordings.NAMES)
    def test_recorded_events_are_typed(self, name: str) -> None:
        """No recorded event falls back to UnknownEvent or UnknownObject."""
        for event in recorded_events(name):
            parsed = parse_event(event)
            assert not isinstance(parsed, m.UnknownEvent)
            assert "UnknownObject" not in repr(parsed)

    def test_recorded_server_error_uses_the_envelope_shape(self) -> None:
        """The real mid-stream error is the observed {"error": {...}} shape."""
        last = parse_event(recorded_events("text-then-server-error")[-1])
        assert isinstance(last, m.ErrorEvent)
        assert isinstance(last.data, m.ErrorEnvelope)
        assert "server_error" == last.error.type


class TestTyping:
    def test_step_delta_is_typed_all_the_way_down(self) -> None:
        """A step delta parses into the event class and nested models, by `type`."""
        event = parse_event(sse("thread.run.step.delta", STEP_DELTA))
        assert isinstance(event, m.ThreadRunStepDelta)
        details = event.data.delta.step_details
        assert isinstance(details, m.ToolCallDeltaObject)
        assert details.tool_calls is not None
        (call,) = details.tool_calls
        assert isinstance(call, m.CodeInterpreterToolCallDelta)
        assert call.code_interpreter is not None
        assert ("print(1)", ()) == (call.code_interpreter.input, call.code_interpreter.outputs)

    def test_arrays_are_tuples_and_models_frozen(self) -> None:
        """Parsed objects cannot be changed: arrays are tuples, models are frozen."""
        event = parse_event(sse("thread.run.step.delta", STEP_DELTA))
        assert isinstance(event.data.delta.step_details, m.ToolCallDeltaObject)
        assert isinstance(event.data.delta.step_details.tool_calls, tuple)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            event.data.id = "other"  # type: ignore[misc]

    @pytest.mark.parametrize(
        ("value", "expected"),
        [("auto", "auto"), ("required", "required"), ({"type": "function"}, m.AssistantToolChoice)],
    )
    def test_string_or_object_union(self, value: Any, expected: Any) -> None:
        """tool_choice is a string or an object, told apart by JSON type."""
        run = converter.structure({"id": "run_1", "tool_choice": value}, m.Run)
        if isinstance(expected, str):
            assert expected == run.tool_choice
        else:
            assert isinstance(run.tool_choice, expected)
        assert value == to_dict(run)["tool_choice"]

    def test_error_event_in_both_shapes(self) -> None:
        """The spec's bare error object and the observed envelope both parse, and write back."""
        error = {"code": None, "message": "boom", "param": None, "type": "server_error"}
        for payload in (error, {"error": error}):
            event = parse_event(sse("error", payload))
            assert isinstance(event, m.ErrorEvent)
            assert "boom" == event.error.message
            assert payload == to_dict(event.data)

    def test_to_dict_of_an_event_is_the_sdk_wrapper(self) -> None:
        """to_dict(event) is {"event": name, "data": ...}."""
        event = parse_event(sse("thread.run.step.delta", STEP_DELTA))
        assert {"event": "thread.run.step.delta", "data": STEP_DELTA} == to_dict(event)
        done = parse_event(ServerSentEvent("done", "[DONE]"))
        assert {"event": "done", "data": "[DONE]"} == to_dict(done)


class TestAbsentIsNotNull:
    def test_absent_keys_stay_absent(self) -> None:
        """A required key the server omitted is None in Python and still absent in to_dict."""
        wire = {"id": "msg_1", "object": "thread.message", "role": "assistant", "content": []}
        message = converter.structure(wire, m.Message)
        assert message.metadata is None
        assert message.attachments is None
        assert wire == to_dict(message)

    def test_null_keys_stay_null(self) -> None:
        """A key sent as null comes back as null."""
        wire = {"id": "msg_1", "metadata": None, "attachments": None, "content": []}
        assert wire == to_dict(converter.structure(wire, m.Message))

    def test_absent_and_null_models_are_equal(self) -> None:
        """Absent and null are the same value; only the wire form remembers which it was."""
        absent = converter.structure({"id": "r"}, m.Run)
        null = converter.structure({"id": "r", "metadata": None}, m.Run)
        assert absent == null
        assert to_dict(absent) != to_dict(null)

    def test_model_built_in_python_writes_required_keys(self) -> None:
        """A model built in Python writes its required keys (null if None) and set optional ones."""
        error = m.ErrorObject(message="boom", type="server_error")
        assert {"code": None, "message": "boom", "param": None, "type": "server_error"} == (
            to_dict(error)
        )
        logs = m.CodeInterpreterLogs(index=2, logs="hi")
        assert {"index": 2, "type": "logs", "logs": "hi"} == to_dict(logs)

    def test_evolve_then_to_dict_writes_the_new_value(self) -> None:
        """A field given a value after parsing is written, even if it was absent before."""
        message = converter.structure({"id": "msg_1"}, m.Message)
        changed = attrs.evolve(message, metadata={"k": "v"})
        assert {"id": "msg_1", "metadata": {"k": "v"}} == to_dict(changed)


class TestForwardCompatibility:
    def test_unknown_fields_are_kept_and_written_back(self) -> None:
        """Keys the schema does not know survive a round trip, at every level."""
        wire = json.loads(json.dumps(STEP_DELTA))
        wire["x_new"] = {"nested": [1, 2]}
        wire["delta"]["step_details"]["tool_calls"][0]["x_flag"] = True
        event = parse_event(sse("thread.run.step.delta", wire))
        # Kept read-only (objects as mappings, arrays as tuples), written back as sent.
        assert {"x_new": {"nested": (1, 2)}} == event.data.extra_fields
        with pytest.raises(TypeError):
            event.data.extra_fields["x_new"]["nested"] = []  # type: ignore[index]
        assert wire == to_dict(event.data)

    def test_unknown_type_is_kept_not_flattened(self) -> None:
        """An unknown `type` in a union becomes UnknownObject and writes back whole.

        cattrs' configure_tagged_union default would write back {"type": None}.
        """
        wire = json.loads(json.dumps(STEP_DELTA))
        call = {"index": 1, "type": "computer_use", "computer_use": {"action": "click"}}
        wire["delta"]["step_details"]["tool_calls"].append(call)
        event = parse_event(sse("thread.run.step.delta", wire))
        assert isinstance(event.data.delta.step_details, m.ToolCallDeltaObject)
        unknown = event.data.delta.step_details.tool_calls[1]  # type: ignore[index]
        assert isinstance(unknown, m.UnknownObject)
        assert "computer_use" == unknown.type
        assert wire == to_dict(event.data)
        assert call == converter.unstructure(unknown)

    @pytest.mark.parametrize("tag", ["absent", None])
    def test_missing_type_tag_is_kept(self, tag: Any) -> None:
        """An object in a union without a `type` (or a null one) is kept as UnknownObject too."""
        block: dict[str, Any] = {"index": 0, "text": {"value": "x"}}
        if tag != "absent":
            block["type"] = tag
        wire = {"id": "msg_1", "object": "thread.message.delta", "delta": {"content": [block]}}
        event = parse_event(sse("thread.message.delta", wire))
        assert event.data.delta.content is not None
        assert isinstance(event.data.delta.content[0], m.UnknownObject)
        assert wire == to_dict(event.data)

    @pytest.mark.parametrize("tag", [7, ["list"], False])
    def test_type_tag_that_is_not_a_string_is_a_parse_error(self, tag: Any) -> None:
        """A `type` that is neither a string nor null is malformed, not an unknown type.

        The accumulator refuses it for the same reason (a later delta could
        not be matched against it), so both agree on what a stream holds.
        """
        block = {"index": 0, "type": tag, "text": {"value": "x"}}
        wire = {"id": "msg_1", "object": "thread.message.delta", "delta": {"content": [block]}}
        with pytest.raises(ParseError) as info:
            parse_event(sse("thread.message.delta", wire))
        assert "data.delta.content[0].type" == info.value.path
        assert "expected a string" in info.value.reason

    def test_unknown_enum_value_is_kept(self) -> None:
        """A status this version does not list is kept as the string it was."""
        run = converter.structure({"id": "run_1", "status": "paused"}, m.Run)
        assert "paused" == run.status

    @pytest.mark.parametrize(
        ("data", "expected"), [('{"a": 1}', {"a": 1}), ("not json", "not json")]
    )
    def test_unknown_event_name_is_kept(self, data: str, expected: Any) -> None:
        """An event name this version does not know becomes UnknownEvent with its payload."""
        event = parse_event(ServerSentEvent("thread.run.step.paused", data))
        assert isinstance(event, m.UnknownEvent)
        assert ("thread.run.step.paused", expected) == (event.event, event.data)
        assert {"event": "thread.run.step.paused", "data": expected} == to_dict(event)


class TestErrors:
    def test_malformed_json(self) -> None:
        """Malformed JSON names the event, its position and where it broke -- not the text."""
        with pytest.raises(ParseError) as info:
            parse_event(
                ServerSentEvent("thread.run.created", '{"id": "secret-value", '), position=7
            )
        message = str(info.value)
        assert message.startswith("event 7 (thread.run.created): data: not valid JSON (line 1")
        assert "secret" not in message
        assert (7, "thread.run.created", "data") == (
            info.value.position,
            info.value.event,
            info.value.path,
        )

    @pytest.mark.parametrize(
        ("mutate", "path", "reason"),
        [
            (lambda d: d.update(id=5), "data.id", "expected a string, got an integer"),
            (
                lambda d: d["delta"]["step_details"]["tool_calls"][0].update(index="0"),
                "data.delta.step_details.tool_calls[0].index",
                "expected an integer, got a string",
            ),
            (
                lambda d: d["delta"]["step_details"]["tool_calls"][0].update(index=True),
                "data.delta.step_details.tool_calls[0].index",
                "expected an integer, got a boolean",
            ),
            (
                lambda d: d["delta"]["step_details"].update(tool_calls={"0": {}}),
                "data.delta.step_details.tool_calls",
                "expected an array, got an object",
            ),
            (
                lambda d: d["delta"].update(step_details="tool_calls"),
                "data.delta.step_details",
                "expected an object, got a string",
            ),
            (
                lambda d: d["delta"]["step_details"]["tool_calls"][0]["code_interpreter"].update(
                    input=["secret", "text"]
                ),
                "data.delta.step_details.tool_calls[0].code_interpreter.input",
                "expected a string, got an array",
            ),
        ],
    )
    def test_wrong_shape_names_the_field_path(self, mutate: Any, path: str, reason: str) -> None:
        """A value of the wrong JSON type raises ParseError with its exact path, never the value."""
        wire = json.loads(json.dumps(STEP_DELTA))
        mutate(wire)
        with pytest.raises(ParseError) as info:
            parse_event(sse("thread.run.step.delta", wire), position=3)
        assert (path, reason) == (info.value.path, info.value.reason)
        assert f"event 3 (thread.run.step.delta): {path}: {reason}" == str(info.value)
        assert "secret" not in str(info.value)

    @pytest.mark.parametrize("payload", ["[]", '"text"', "42", "null"])
    def test_payload_must_be_an_object(self, payload: str) -> None:
        """A known event whose payload is not a JSON object is a ParseError at `data`."""
        with pytest.raises(ParseError, match=r"data: expected an object"):
            parse_event(ServerSentEvent("thread.message.delta", payload))

    def test_metadata_values_must_be_strings(self) -> None:
        """Metadata is a map of strings; the path names the offending key."""
        with pytest.raises(ParseError) as info:
            parse_event(sse("thread.run.created", {"id": "r", "metadata": {"k": 1}}))
        assert "data.metadata.k" == info.value.path

    def test_parse_error_is_a_streamkit_error(self) -> None:
        """One except clause catches parse errors too."""
        assert issubclass(ParseError, StreamkitError)


class TestJsonBackends:
    def test_stdlib_json_gives_the_same_results(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """With or without orjson, every recorded event parses to the same objects."""
        events = [e for name in recordings.NAMES for e in recorded_events(name)]
        fast = [parse_event(e) for e in events]
        monkeypatch.setattr(convert, "loads", convert._json_loads_stdlib)
        assert fast == [parse_event(e) for e in events]

    @pytest.mark.parametrize(
        "text",
        [
            '{"id": "r", "created_at": 123456789012345678901234567890}',  # beyond 64 bits
            '{"id": "\\ud800"}',  # a lone surrogate escape
            '{"id": "r", "temperature": NaN}',
        ],
    )
    def test_json_the_stdlib_accepts_is_accepted(self, text: str) -> None:
        """Where orjson is stricter than the stdlib, the stdlib's answer wins."""
        event = parse_event(ServerSentEvent("thread.run.created", text))
        assert json.dumps(json.loads(text)) == json.dumps(to_dict(event.data))


class TestToDict:
    def test_result_shares_nothing_with_the_model(self) -> None:
        """Changing what to_dict returned never changes the model."""
        wire = {"id": "r", "metadata": {"k": "v"}, "x_extra": {"a": [1]}}
        run = converter.structure(wire, m.Run)
        out = to_dict(run)
        out["metadata"]["k"] = "changed"
        out["x_extra"]["a"].append(2)
        assert wire == to_dict(run)

    def test_rejects_other_objects(self) -> None:
        """to_dict takes streamkit models, events and JSON values only."""
        with pytest.raises(TypeError, match="object"):
            to_dict(object())
        assert {"id": "r"} == to_dict({"id": "r"})

    def test_cattrs_converter_uses_the_same_hooks(self) -> None:
        """converter.structure / unstructure agree with parse_event / to_dict."""
        event = parse_event(sse("thread.run.step.delta", STEP_DELTA))
        assert event.data == converter.structure(STEP_DELTA, m.RunStepDeltaEvent)
        assert STEP_DELTA == converter.unstructure(event.data)


# --- Lazy generation and custom hooks: each in a fresh interpreter ------------------


def run_fresh(code: str) -> str:
    """Run ``code`` in a new interpreter (nothing generated yet, the converter untouched)."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert 0 == result.returncode, result.stderr
    return result.stdout


MESSAGE_DELTA = {
    "id": "msg_1",
    "object": "thread.message.delta",
    "delta": {"content": [{"index": 0, "type": "text", "text": {"value": "hi"}}]},
}


class TestLazyGeneration:
    def test_nothing_is_generated_at_import(self) -> None:
        """Importing the converter generates no hook and does not import cattrs."""
        run_fresh(
            """
            import sys
            import streamkit._engine.convert as convert
            assert not convert.generated() and not convert.generated(unstructure=True)
            assert "cattrs" not in sys.modules
            """
        )

    def test_the_first_parse_generates_what_it_needs(self) -> None:
        """A message delta generates the hooks of its objects; to_dict their unstructure hooks."""
        out = run_fresh(
            f"""
            import json
            from streamkit import ServerSentEvent, parse_event, to_dict
            import streamkit._engine.convert as convert
            text = {json.dumps(json.dumps(MESSAGE_DELTA))}
            event = parse_event(ServerSentEvent("thread.message.delta", text))
            def names(keys):
                return sorted(k.__name__ if isinstance(k, type) else k[0] for k in keys)
            print(names(convert.generated()))
            print(names(convert.generated(unstructure=True)))
            to_dict(event)
            print(names(convert.generated(unstructure=True)))
            """
        )
        assert [
            "['MessageDelta', 'MessageDeltaEvent', 'TextDelta', 'TextDeltaBlock', 'list', 'union']",
            "[]",
            "['MessageDelta', 'MessageDeltaEvent', 'TextDelta', 'TextDeltaBlock']",
        ] == out.splitlines()

    def test_threads_parsing_their_first_events_agree(self) -> None:
        """Hooks generated from several threads at once give the same results."""
        run_fresh(
            """
            import json
            from concurrent.futures import ThreadPoolExecutor
            from streamkit import SSEDecoder, parse_event, recordings, to_dict
            decoder = SSEDecoder(dispatch_at_close=True)
            events = [
                e for name in recordings.NAMES
                for e in decoder.feed(recordings.read_bytes(name)) + decoder.close()
            ]
            def work(_):
                return [to_dict(parse_event(e)) for e in events]
            with ThreadPoolExecutor(8) as pool:
                results = list(pool.map(work, range(8)))
            assert all(r == results[0] for r in results)
            for result, event in zip(results[0], events):
                assert event.event == "done" or json.loads(event.data) == result["data"]
            """
        )


class TestCustomHooks:
    def test_a_nested_class_hook_is_used_by_parse_event_and_to_dict(self) -> None:
        """Hooks registered for TextDelta apply inside message deltas, even once generated."""
        run_fresh(
            f"""
            import json
            from streamkit import ServerSentEvent, converter, parse_event, to_dict
            from streamkit import models as m
            sse = ServerSentEvent("thread.message.delta", {json.dumps(json.dumps(MESSAGE_DELTA))})
            before = parse_event(sse)  # the generated hooks exist, and embed TextDelta's
            assert "hi" == before.data.delta.content[0].text.value

            def shout(value, cls):
                return cls(value=value["value"].upper())

            converter.register_structure_hook(m.TextDelta, shout)
            after = parse_event(sse)
            assert "HI" == after.data.delta.content[0].text.value
            assert "A" == converter.structure({{"value": "a"}}, m.TextDelta).value
            nested = converter.structure(MESSAGE_DELTA_WIRE, m.MessageDeltaEvent)
            assert "HI" == nested.delta.content[0].text.value

            converter.register_unstructure_hook(m.TextDelta, lambda obj: {{"said": obj.value}})
            written = to_dict(after)["data"]["delta"]["content"][0]
            assert {{"said": "HI"}} == written["text"]
            written = converter.unstructure(after.data)["delta"]["content"][0]
            assert {{"said": "HI"}} == written["text"]
            """.replace("MESSAGE_DELTA_WIRE", repr(MESSAGE_DELTA))
        )

    def test_a_decorated_hook_registered_before_first_use(self) -> None:
        """The decorator form, for Run, before any hook exists: runs and their events use it."""
        run_fresh(
            """
            from typing import Any
            from streamkit import ServerSentEvent, converter, parse_event, to_dict
            from streamkit import models as m
            import streamkit._engine.convert as convert

            @converter.register_structure_hook
            def run_hook(value: Any, cls: type) -> m.Run:
                return m.UnknownObject({"custom": value["id"]})  # any object will do

            assert m.Run in convert.generated()
            event = parse_event(ServerSentEvent("thread.run.created", '{"id": "run_1"}'))
            assert m.UnknownObject({"custom": "run_1"}) == event.data

            @converter.register_unstructure_hook
            def unstructure_run(run: m.Run) -> Any:
                return {"run": run.id}

            run = m.Run(
                id="r", created_at=1, thread_id="t", assistant_id="a", status="queued",
                model="x", tools=(), parallel_tool_calls=True,
            )
            assert {"run": "r"} == to_dict(run)
            assert {"event": "thread.run.created", "data": {"run": "r"}} == to_dict(
                m.ThreadRunCreated(run)
            )
            assert {"run": "r"} == converter.unstructure(run)
            """
        )

    def test_the_converter_is_a_cattrs_converter(self) -> None:
        """streamkit.converter is a real cattrs.Converter."""
        assert isinstance(converter, cattrs.Converter)
