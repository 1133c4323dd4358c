"""The mock server's command line: defaults, fault flags, --function, errors, prog name."""

from __future__ import annotations

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

import streamkit
import streamkit.cli
from streamkit import recordings
from streamkit.mockserver import DEFAULT_PORT, MockAssistantsServer, main
from streamkit.mockserver._cli import build_parser, build_server

HEADERS = {"OpenAI-Beta": "assistants=v2"}
STREAM = {"assistant_id": "asst_1", "stream": True}


@contextmanager
def served(*argv: str) -> Iterator[tuple[MockAssistantsServer, httpx.Client]]:
    """The server the command line would serve with ``argv`` (on a free port), and a client."""
    server = build_server(build_parser().parse_args([*argv, "--port", "0"]))
    # The client is made once the server has started and knows its base URL.
    with server, httpx.Client(base_url=str(server.base_url), headers=HEADERS) as client:
        yield server, client


def test_defaults_fixed_port_and_repeat() -> None:
    """By default: port 8765, and the script starts over; --once serves it once."""
    assert DEFAULT_PORT == 8765
    args = build_parser().parse_args([])
    assert (args.port, args.once) == (8765, False)
    with served() as (_, client):
        codes = [client.post("/threads/t/runs", json=STREAM).status_code for _ in range(3)]
        assert codes == [200, 200, 200]
    with served("--once") as (_, client):
        assert client.post("/threads/t/runs", json=STREAM).status_code == 200
        exhausted = client.post("/threads/t/runs", json=STREAM)
        assert exhausted.json()["error"]["code"] == "mock_script_exhausted"


def test_drop_after_flag_cuts_every_stream() -> None:
    """--drop-after N ends each stream after N events."""
    with served("--drop-after", "4") as (_, client):
        for _ in range(2):
            body = client.post("/threads/t/runs", json=STREAM).content
            events = streamkit.SSEDecoder().feed(body)
            assert len(events) == 4
            assert recordings.read_bytes("text-run").startswith(body)


@pytest.mark.parametrize(
    ("argv", "status", "retry_after"),
    [
        (["--fail-status", "500"], 500, None),
        (["--fail-status", "429", "--retry-after", "2"], 429, "2"),
    ],
)
def test_fail_status_flags(argv: list[str], status: int, retry_after: str | None) -> None:
    """--fail-status answers each scene's first request with it; the retry gets the stream."""
    with served(*argv) as (_, client):
        for _ in range(2):  # every round of the repeating script
            failed = client.post("/threads/t/runs", json=STREAM)
            assert failed.status_code == status
            assert failed.headers.get("retry-after") == retry_after
            assert set(failed.json()["error"]) == {"message", "type", "param", "code"}
            retried = client.post("/threads/t/runs", json=STREAM)
            assert retried.content == recordings.read_bytes("text-run")


def test_fail_times_flag() -> None:
    """--fail-times N: N errors before the stream."""
    with served("--fail-status", "503", "--fail-times", "2", "--once") as (_, client):
        codes = [client.post("/threads/t/runs", json=STREAM).status_code for _ in range(3)]
        assert codes == [503, 503, 200]


def test_slow_chunks_flag() -> None:
    """--chunk-delay spaces the chunks: each arrives as a read of its own."""
    data = recordings.read_bytes("text-run")
    size = str(-(-len(data) // 4))
    with (
        served("--chunk-delay", "0.05", "--chunk-size", size) as (_, client),
        client.stream("POST", "/threads/t/runs", json=STREAM) as response,
    ):
        reads = list(response.iter_raw())
    assert b"".join(reads) == data
    assert len(reads) == 4


def test_function_flag_mocks_your_function() -> None:
    """--function NAME --arguments JSON: requires_action for that call, then the answer."""
    argv = ["--function", "get_weather", "--arguments", '{"city": "Paris"}', "--once"]
    with served(*argv) as (server, client):
        assert server.scenes_left == 2
        run = streamkit.replay(client.post("/threads/t/runs", json=STREAM).content).final_run
        assert run is not None
        assert run.required_action is not None
        (call,) = run.required_action.submit_tool_outputs.tool_calls
        assert (call.function.name, call.function.arguments) == ("get_weather", '{"city": "Paris"}')
        outputs = [{"tool_call_id": call.id, "output": "rain"}]
        url = f"/threads/t/runs/{run.id}/submit_tool_outputs"
        rest = client.post(url, json={"tool_outputs": outputs, "stream": True}).content
        assert streamkit.SSEDecoder().feed(rest)[-2].event == "thread.run.completed"
        assert server.scenes_left == 0


def test_bad_arguments_json_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """--arguments that is not JSON, or without --function: exit 2 with argparse's one line."""
    for argv in (["--function", "f", "--arguments", "{nope"], ["--arguments", "{}"]):
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 2
        err = capsys.readouterr().err
        assert err.splitlines()[-1].startswith("python -m streamkit.mockserver: error: ")


@pytest.mark.parametrize("port", ["99999", "-1", "http"])
def test_a_port_out_of_range_is_a_usage_error(
    port: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`serve-mock --port 99999` is argparse's one line and exit 2 (it was an OverflowError)."""
    with pytest.raises(SystemExit) as info:
        streamkit.cli.main(["serve-mock", "--port", port])
    assert info.value.code == 2
    (line,) = [row for row in capsys.readouterr().err.splitlines() if "error:" in row]
    assert line.startswith("streamkit serve-mock: error: argument --port: ")
    assert "Traceback" not in line


def test_a_bad_recording_name_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown recording: one line naming it and the bundled names, exit 1, no errno."""
    assert main(["--recording", "text-rum", "--port", "0"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert line.startswith("python -m streamkit.mockserver: error: text-rum: ")
    assert "text-run" in line  # the bundled names
    assert "Errno" not in line


def test_a_port_in_use_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """A port already in use: one line, exit 1, no errno; serve-mock names itself."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert streamkit.cli.main(["serve-mock", "--port", str(port)]) == 1
    captured = capsys.readouterr()
    (line,) = captured.err.splitlines()
    assert line.startswith(f"streamkit serve-mock: error: cannot listen on 127.0.0.1:{port}: ")
    assert "in use" in line
    assert "Errno" not in line


def test_help_names_the_command_as_invoked(capsys: pytest.CaptureFixture[str]) -> None:
    """--help says `streamkit serve-mock` from the CLI, `python -m streamkit.mockserver` else."""
    with pytest.raises(SystemExit):
        streamkit.cli.main(["serve-mock", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("usage: streamkit serve-mock")
    assert "8765" in out
    result = subprocess.run(
        [sys.executable, "-m", "streamkit.mockserver", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.startswith("usage: python -m streamkit.mockserver")


def test_ctrl_c_right_after_the_url_stops_cleanly() -> None:
    """Ctrl-C as soon as the base URL is printed: exit 0, no traceback."""
    process = subprocess.Popen(
        [sys.executable, "-m", "streamkit.mockserver", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().startswith("http://127.0.0.1:")
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=10)
    assert (process.returncode, err) == (0, "")
