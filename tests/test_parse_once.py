"""Each payload is parsed once, end to end, however much of it is read."""

from __future__ import annotations

from typing import Any

import pytest

import streamkit
from streamkit import recordings
from streamkit._engine import convert, engine


class ReadsEverything(streamkit.EventHandler):
    """Reads every typed event and every delta and snapshot it is given."""

    def __init__(self) -> None:
        self.events = 0

    def on_event(self, event: Any) -> None:
        self.events += 1

    def on_tool_call_delta(self, delta: Any, snapshot: Any) -> None:
        assert delta is not None
        assert snapshot is not None

    def on_text_delta(self, delta: Any, snapshot: Any) -> None:
        assert delta.value is not None
        assert snapshot.value is not None


@pytest.mark.parametrize("name", ["parallel-function-calls", "file-search-with-citation"])
def test_every_payload_is_parsed_once(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    real = convert.loads

    def counting(text: str) -> Any:
        parsed.append(text)
        return real(text)

    monkeypatch.setattr(convert, "loads", counting)
    monkeypatch.setattr(engine, "loads", counting)
    handler = ReadsEverything()
    streamkit.consume(recordings.read_bytes(name), handler)
    data_events = handler.events - 1  # `done` carries no JSON
    assert data_events > 10
    assert data_events == len(parsed)
