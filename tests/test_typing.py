"""The typed public surface, as a user's ``mypy --strict`` sees it.

A user's code is type-checked here for real: a Change's ``delta`` and
``snapshot`` narrow when its ``kind`` is tested, and request parameters are
TypedDicts, so a misspelt parameter or an option string outside its Literal
is an error. One mypy run checks both snippets (a run costs seconds).
"""

from __future__ import annotations

import re
import textwrap

import pytest

api = pytest.importorskip("mypy.api")

NARROWING = textwrap.dedent(
    """
    import streamkit

    def f(acc: streamkit.Accumulator, sse: streamkit.ServerSentEvent) -> None:
        for change in acc.feed(sse):
            if change.kind == "tool_call.delta":
                reveal_type(change.delta)
                reveal_type(change.snapshot)
            elif change.kind == "text.done":
                reveal_type(change.snapshot)
            elif change.kind == "run.done":
                reveal_type(change.snapshot)
            elif change.kind == "message.delta":
                reveal_type(change.delta)
    """
)

PARAMETERS = textwrap.dedent(
    """
    import streamkit

    def g(client: streamkit.Client) -> None:
        client.runs.list("t", order="sideways")
        client.runs.create("t", assistant_id="a", temprature=0.5)
        client.runs.create("t", assistant_id="a", temperature=0.5, model="m")
    """
)


@pytest.fixture(scope="module")
def mypy_output(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("typing")
    (folder / "narrowing.py").write_text(NARROWING)
    (folder / "parameters.py").write_text(PARAMETERS)
    cache = folder / "cache"  # fresh: a cached result must never stand in for a check
    stdout, _stderr, _status = api.run(
        [
            "--strict",
            "--no-error-summary",
            "--hide-error-context",
            "--cache-dir",
            str(cache),
            str(folder / "narrowing.py"),
            str(folder / "parameters.py"),
        ]
    )
    return stdout


def _lines(output: str, file: str) -> dict[int, str]:
    found: dict[int, str] = {}
    for line in output.splitlines():
        match = re.match(rf".*{file}:(\d+): (.*)", line)
        if match:
            found[int(match[1])] = found.get(int(match[1]), "") + match[2]
    return found


def test_change_kind_narrows_delta_and_snapshot(mypy_output: str) -> None:
    """Testing `kind` gives the delta and snapshot types of that kind, not Any."""
    revealed = _lines(mypy_output, "narrowing.py")
    assert "CodeInterpreterToolCallDelta" in revealed[7]
    assert "FunctionToolCallDelta" in revealed[7]
    assert "None" in revealed[7]  # a call that arrived inside a whole step has no delta
    assert "CodeInterpreterToolCall " in revealed[8] + " "
    assert "ToolCallDelta" not in revealed[8]
    assert revealed[10].endswith('"streamkit.models.message.Text"')
    assert revealed[12].endswith('"streamkit.models.run.Run"')
    assert revealed[14].endswith('"streamkit.models.message_delta.MessageDelta"')
    assert not any("error" in line for line in revealed.values())


def test_request_parameters_are_checked(mypy_output: str) -> None:
    """A value outside a Literal and a misspelt parameter are errors; correct ones pass."""
    errors = _lines(mypy_output, "parameters.py")
    assert "order" in errors[5]
    assert "sideways" in errors[5]
    assert "temprature" in errors[6]
    assert 7 not in errors
