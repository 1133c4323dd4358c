"""The README's promises: its opening commands are what CI runs, its decoder example runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def test_readme_opens_with_the_two_commands() -> None:
    """The first code block installs + runs the demo, then installs + runs the tests."""
    first = code_blocks("sh")[0]
    commands = [line for line in first.splitlines() if line and not line.startswith("#")]
    assert 2 == len(commands)
    assert commands[0].endswith('pip install -e ".[cli]" && streamkit demo')
    assert commands[1].endswith('pip install -e ".[test]" && pytest')


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    """.ci/run runs exactly the README's test line (plus lint and type checks)."""
    test_command = code_blocks("sh")[0].strip().splitlines()[-1]
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci_lines


def test_offline_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every README example that needs no network runs as printed (in a scratch directory:
    what an example writes lands there, not in the checkout)."""
    monkeypatch.chdir(tmp_path)
    examples = [
        block
        for block in code_blocks("python")
        if "httpx" not in block and "needs the API" not in block
    ]
    assert len(examples) >= 2
    for example in examples:
        exec(compile(example, "README.md", "exec"), {})
