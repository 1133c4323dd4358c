"""The handler classes offer exactly the callbacks the dispatch can call."""

from __future__ import annotations

import inspect
import typing

import pytest

import streamkit
from streamkit._assistants.accumulator import ChangeKind
from streamkit._assistants.handlers import CALLBACKS, ROUTES, driver_for


def test_every_change_kind_has_a_route() -> None:
    """Each kind of Change is routed (possibly to nothing): none is dropped by a typo."""
    assert set(typing.get_args(ChangeKind)) == set(ROUTES)


@pytest.mark.parametrize("cls", [streamkit.EventHandler, streamkit.AsyncEventHandler])
def test_handlers_define_every_callback(cls: type) -> None:
    """Both handler classes define every callback name, documented; the async one with async def."""
    public = {name for name in vars(cls) if name.startswith("on_")}
    assert CALLBACKS == public
    for name in CALLBACKS:
        method = getattr(cls, name)
        assert (method.__doc__ or "").strip(), name
        assert inspect.iscoroutinefunction(method) == (cls is streamkit.AsyncEventHandler), name


def test_openai_callback_names_are_all_there() -> None:
    """Every callback of openai-python's AssistantEventHandler is here, same parameters."""
    pytest.importorskip("openai")
    from openai.lib.streaming import AssistantEventHandler

    theirs = {n for n in vars(AssistantEventHandler) if n.startswith("on_")}
    assert theirs <= CALLBACKS
    for name in theirs:
        ours = list(inspect.signature(getattr(streamkit.EventHandler, name)).parameters)
        assert list(inspect.signature(getattr(AssistantEventHandler, name)).parameters) == ours, (
            name
        )


def test_routes_name_only_known_callbacks() -> None:
    """Every callback a route can fire is one of CALLBACKS (checked on a real stream)."""
    for _names, _calls in (callback for route in ROUTES.values() for callback in route):
        assert _names <= CALLBACKS

    class Everything(streamkit.Handlers):
        def _implemented(self) -> frozenset[str]:
            return CALLBACKS

    driver = driver_for(streamkit.Accumulator(strict=False), Everything())
    data = streamkit.recordings.read_bytes("file-search-with-citation")
    decoder = streamkit.SSEDecoder(dispatch_at_close=True)
    fired = set()
    for event in decoder.feed(data) + decoder.close():
        fired |= {name for name, _ in driver.feed(event)}
    assert {"on_event", "on_run_created", "on_text_delta", "on_tool_call_done"} <= fired
    assert fired <= CALLBACKS
