"""The command line, run as a user runs it: in a subprocess."""

from __future__ import annotations

import subprocess
import sys

import pytest

from streamkit import recordings


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "streamkit", *args], capture_output=True, text=True, check=False
    )


def test_demo_decodes_every_bundled_recording() -> None:
    """`streamkit demo` runs offline, exits 0 and reports each recording's events."""
    result = run("demo")
    assert 0 == result.returncode, result.stderr
    for name in recordings.NAMES:
        assert f"{name}: " in result.stdout
    # text-run holds 33 text deltas; the counts come from the decoder, not a table.
    text_run = result.stdout.split("text-run: ")[1].split("\n\n")[0]
    assert "12,304 bytes, 44 events" in text_run
    assert "thread.message.delta           33" in text_run


@pytest.mark.parametrize("name", ["text-then-server-error", "create-thread-and-run-text"])
def test_demo_notes_a_recording_cut_short(name: str) -> None:
    """A recording whose last event lacks its blank line is kept and said to be so."""
    result = run("demo", name)
    assert 0 == result.returncode
    assert "lacks its closing blank line" in result.stdout


def test_demo_unknown_recording() -> None:
    """An unknown recording name is a usage error (exit 2) listing the choices."""
    result = run("demo", "no-such-recording")
    assert 2 == result.returncode
    assert "text-run" in result.stderr


def test_version() -> None:
    """`streamkit --version` prints the version."""
    result = run("--version")
    assert result.stdout.startswith("streamkit ")
