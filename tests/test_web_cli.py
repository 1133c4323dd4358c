"""``streamkit serve`` and ``streamkit demo --web`` on the command line: sources (bundled
names, files, stdin, live runs and responses through the client against the mock), the
terminal's lines, the warning beyond loopback, and refused arguments."""

from __future__ import annotations

import io
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

from streamkit import recordings
from streamkit._web import server as web
from streamkit.cli import main
from streamkit.mockserver import MockServer, ResponseScene, Scene
from tests.waiting import wait_until

RECORDINGS = Path(recordings.__file__).parent
SECRET = "sk-test-SECRETKEY-0123456789"


# --- the command line -----------------------------------------------------------------------------


@pytest.fixture
def fake_serve(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """WebServer.serve that serves until the stream is over, then returns (no Ctrl-C needed)."""
    urls: list[str] = []

    def serve(self: web.WebServer, ready: Callable[[str], None] | None = None) -> None:
        url = self.start()
        urls.append(url)
        try:
            if ready is not None:
                ready(url)
            wait_until(lambda: self.channel.over)
            time.sleep(0.05)  # on_over runs right after the last state change
        finally:
            self.stop()

    monkeypatch.setattr(web.WebServer, "serve", serve)
    return urls


def test_serve_a_bundled_recording(
    fake_serve: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert 0 == main(["serve", "demo-responses", "--speed", "0", "--port", "0"])
    out = capsys.readouterr().out
    assert f"streamkit: serving demo-responses at {fake_serve[0]} (Ctrl-C to stop)" in out
    assert "streamkit: 1 response(s), 5 item(s); ended" in out


def test_serve_a_file_and_stdin(
    fake_serve: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    path = tmp_path / "run.sse"
    path.write_bytes((RECORDINGS / "text-run.sse").read_bytes())
    assert 0 == main(["serve", str(path), "--speed", "0", "--port", "0"])
    assert "1 run(s), 1 step(s); ended" in capsys.readouterr().out
    data = (RECORDINGS / "demo-code-interpreter.sse").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert 0 == main(["serve", "-", "--port", "0"])
    assert "1 run(s), 3 step(s); ended" in capsys.readouterr().out


def test_serve_a_broken_file_fails(
    fake_serve: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "cut.sse.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00broken")
    assert 1 == main(["serve", str(path), "--port", "0"])
    err = capsys.readouterr().err
    assert f"streamkit: error: {path}:" in err


def test_serve_live_sources_from_the_command_line(
    fake_serve: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with MockServer(
        script=[Scene("text-run"), ResponseScene("responses-text-logprobs")], api_key=SECRET
    ) as mock:
        assert mock.base_url is not None
        keys = ["--api-key", SECRET, "--base-url", mock.base_url, "--port", "0"]
        assert 0 == main(["serve", "--thread", "thread_1", "--assistant", "asst_1", *keys])
        assert 0 == main(["serve", "--model", "gpt-test", "--input", "hello", *keys])
    out = capsys.readouterr().out
    assert "streamkit: serving run on thread_1 at" in out
    assert "1 run(s), 1 step(s); ended" in out
    assert "streamkit: serving new response at" in out
    assert "1 response(s), 1 item(s); ended" in out
    assert SECRET not in out


def test_serve_warns_beyond_loopback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hosts: list[str] = []

    def serve(self: web.WebServer, ready: Callable[[str], None] | None = None) -> None:
        hosts.append(self._host)  # nothing is bound in this test

    monkeypatch.setattr(web.WebServer, "serve", serve)
    assert 0 == main(["serve", "text-run", "--host", "0.0.0.0"])
    err = capsys.readouterr().err
    assert "streamkit: warning: listening on 0.0.0.0, not 127.0.0.1" in err
    assert ["0.0.0.0"] == hosts
    assert 0 == main(["serve", "text-run"])
    assert "warning" not in capsys.readouterr().err
    assert "127.0.0.1" == hosts[-1]


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["serve"], 2, "serve takes one of SOURCE"),
        (["serve", "text-run", "--response", "resp_1"], 2, "serve takes one of SOURCE"),
        (["serve", "--thread", "t", "--api-key", "k"], 2, "--thread needs --assistant"),
        (["serve", "--model", "m", "--api-key", "k"], 2, "--model needs --input"),
        (["serve", "--response", "resp_1"], 1, "no API key"),
        (["serve", "no-such-file.sse"], 1, "no-such-file.sse: no such file"),
    ],
)
def test_serve_refuses_bad_arguments(
    argv: list[str],
    code: int,
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert code == main(argv)
    assert message in capsys.readouterr().err


def test_serve_on_a_port_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert 1 == main(["serve", "text-run", "--port", str(port)])
    assert f"streamkit: error: cannot listen on 127.0.0.1:{port}:" in capsys.readouterr().err


def test_demo_web_opens_the_browser(
    fake_serve: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url) or True)
    assert 0 == main(["demo", "--web", "--speed", "0"])
    assert opened == fake_serve
    out = capsys.readouterr().out
    assert "streamkit: serving demo-code-interpreter at" in out
    assert "1 run(s), 3 step(s); ended" in out
    assert 0 == main(["demo", "responses", "--web", "--speed", "0"])
    assert "1 response(s), 5 item(s); ended" in capsys.readouterr().out


def test_without_the_web_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import streamkit._web

    monkeypatch.setitem(sys.modules, "streamkit._web.command", None)
    monkeypatch.delattr(streamkit._web, "command", raising=False)
    assert 1 == main(["serve", "text-run"])
    assert "pip install 'streamkit[web]'" in capsys.readouterr().err
    assert 1 == main(["demo", "--web"])
    assert "pip install 'streamkit[web]'" in capsys.readouterr().err
