"""The command line on Responses streams: replay, watch and demo, both protocols side by side.

Most tests run ``streamkit.cli.main`` in this process (fast); a few run the command as a
user does, in a subprocess (standard input, the demo, the same error lines as replay).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import streamkit
from streamkit import recordings, to_dict
from streamkit._bulk import replay_many
from streamkit.cli import main

DATA = Path(__file__).parent / "data" / "responses"
RECORDINGS = sorted(DATA.glob("*.sse"))
BUNDLED = Path(recordings.__file__).parent
DEMO = BUNDLED / "demo-responses.sse"
ERROR = DATA / "vercel_openai_error_event_then_failed.sse"
FN_CALL = DATA / "openai_fn_call_gpt4o_2025-03_noseq.sse"
ESC = "\x1b"


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the command line here; its exit code, stdout and stderr."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(streamkit.__file__).parent.parent)}
    result = subprocess.run(
        [sys.executable, "-m", "streamkit", *args],
        input=stdin,
        capture_output=True,
        check=False,
        env=env,
    )
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode(), result.stderr.decode()
    )


def responses_json(path: Path) -> dict[str, object]:
    """What `replay --json` prints for a Responses stream: every response's wire form."""
    acc = streamkit.replay(path, strict=False, protocol="responses")
    return {"responses": [to_dict(response) for response in acc.responses.values()]}


class TestReplay:
    @pytest.mark.parametrize("path", [*RECORDINGS, DEMO], ids=lambda p: p.stem)
    def test_json_is_the_final_responses(
        self, capsys: pytest.CaptureFixture[str], path: Path
    ) -> None:
        """`replay --json` prints {"responses": [...]}: to_dict of each response as it ended."""
        code, out, err = cli(capsys, "replay", "--json", str(path))
        if path == ERROR:  # strict: the server's error fails the file, after it was read
            assert (1, "") == (code, out)
            return
        assert (0, "") == (code, err)
        printed = json.loads(out)
        assert responses_json(path) == printed
        final = streamkit.replay(path, protocol="responses").final_response
        assert final is not None
        assert to_dict(final) == printed["responses"][-1]

    @pytest.mark.parametrize("path", [*RECORDINGS, DEMO], ids=lambda p: p.stem)
    def test_summary(self, capsys: pytest.CaptureFixture[str], path: Path) -> None:
        """Without --json: the final response, its items by type, their sizes, its usage."""
        code, out, _ = cli(capsys, "replay", "--lenient", str(path))
        assert 0 == code
        acc = streamkit.replay(path, strict=False, protocol="responses")
        final = acc.final_response
        assert final is not None
        lines = out.splitlines()
        assert (
            f"{path}: {acc.position} events; final response: {final.id} {final.status}"
            == (lines[0])
        )
        kinds = [item.type for item in final.output]
        assert lines[1].startswith(f"  response {final.id} {final.status}; items: ")
        for kind in kinds:
            assert f"{kind} {kinds.count(kind)}" in lines[1]
        if final.usage is not None:
            usage = final.usage
            assert f"  usage: {usage.input_tokens:,} input" in out
            assert f" = {usage.total_tokens:,} tokens" in out
        assert len(acc.anomalies) == out.count("\n  anomaly: event ")

    def test_summary_of_the_demo(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The demo's summary, line by line."""
        code, out, _ = cli(capsys, "replay", "demo-responses")
        assert 0 == code
        resp = "resp_sk7Example0000000000000000000000000000000000"
        assert [
            f"demo-responses: 248 events; final response: {resp} completed",
            f"  response {resp} completed; items: reasoning 1, web_search_call 1,"
            " code_interpreter_call 1, function_call 1, message 1",
            "    reasoning rs_sk7Example000000000000000000000000000000000000:"
            " 2 summary part(s), 331 characters",
            "    web_search_call ws_sk7Example000000000000000000000000000000000000 completed:"
            " 'Paris weather forecast this weekend rain'",
            "    code_interpreter_call ci_sk7Example000000000000000000000000000000000000"
            " completed: 379 characters of code, 1 log(s), 0 image(s)",
            "    function_call fc_sk7Example000000000000000000000000000000000000 completed:"
            " get_weather, 48 characters of arguments",
            "    message msg_sk7Example00000000000000000000000000000000000 completed:"
            " 239 characters of text, 2 annotation(s)",
            "  usage: 2,184 input (1,024 cached) + 412 output (128 reasoning) = 2,596 tokens",
        ] == out.splitlines()

    def test_mcp_and_raw_reasoning_sizes(self, capsys: pytest.CaptureFixture[str]) -> None:
        """MCP calls say their server and tool; raw reasoning is counted apart from summaries."""
        _, mcp, _ = cli(capsys, "replay", str(DATA / "openai_mcp_call_args_delta.sse"))
        assert re.search(r"mcp_list_tools mcpl_\w+: deepwiki, 2 tool\(s\)\n", mcp)
        assert re.search(
            r"mcp_call mcp_\w+ completed: deepwiki\.ask_question, 99 characters of arguments,"
            r" 4,772 characters of output\n",
            mcp,
        )
        _, raw, _ = cli(
            capsys, "replay", str(DATA / "NONOPENAI_deepseek_reasoning_text_fn_call.sse")
        )
        assert ": 0 summary part(s), 0 characters, 61 characters of raw reasoning" in raw

    def test_error_event_strict_and_lenient(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A server error fails strict replay once the stream was read; --lenient reports it."""
        code, out, err = cli(capsys, "replay", str(ERROR))
        assert (1, "") == (code, out)
        (line,) = err.splitlines()
        assert line.startswith(f"streamkit: error: {ERROR}: event 3 (error): the server reported")
        assert "insufficient_quota" in line
        code, out, err = cli(capsys, "replay", "--json", "--lenient", str(ERROR))
        assert (0, "") == (code, err)
        printed = json.loads(out)
        assert ["server_error"] == [anomaly["kind"] for anomaly in printed["anomalies"]]
        assert ["failed"] == [response["status"] for response in printed["responses"]]
        code, out, _ = cli(capsys, "replay", "--lenient", str(ERROR))
        assert 0 == code
        assert "final response: resp_05500b38c2cd9bfc00691c7c9d222481a3b595421266dab424 failed" in (
            out
        )
        assert "  error: insufficient_quota" in out
        assert "  anomaly: event 3 (error): the server reported insufficient_quota" in out

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (
                b'event: response.created\ndata: {"type":"response.created","response":{"id": \n\n',
                "event 1 (response.created): data: not valid JSON",
            ),
            (
                # OpenRouter's framing: no event: lines.
                b'data: {"type":"response.created","sequence_number":0,"response":{"id": 7}}\n\n',
                "event 1 (response.created): data.response.id: expected a string",
            ),
            (
                b"event: response.output_text.delta\n"
                b'data: {"type":"response.output_text.delta","sequence_number":0,'
                b'"item_id":"msg_1","output_index":0,"content_index":0,"delta":"hi"}\n\n',
                "event 1 (response.output_text.delta): data: an event for an output item never",
            ),
            (
                # Cut inside the last event: its JSON is cut off.
                DEMO.read_bytes()[:-100],
                "event 248 (response.completed): data: not valid JSON",
            ),
        ],
    )
    def test_bad_input_is_one_line_naming_file_and_event(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes, message: str
    ) -> None:
        """Bad Responses input: exit 1 and one line naming the file and the event position."""
        path = tmp_path / "bad.sse"
        path.write_bytes(content)
        code, _, err = cli(capsys, "replay", str(path))
        assert 1 == code
        (line,) = err.splitlines()
        assert line.startswith(f"streamkit: error: {path}: {message}")

    def test_truncated_gzip(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """A cut-off .gz of a Responses stream fails, also --lenient, which prints what was read."""
        whole = gzip.compress(DEMO.read_bytes())
        path = tmp_path / "cut.sse.gz"
        path.write_bytes(whole[: len(whole) // 2])
        code, out, err = cli(capsys, "replay", "--json", "--lenient", str(path))
        assert 1 == code
        (line,) = err.splitlines()
        assert line.startswith(f"streamkit: error: {path}: the gzip data is cut off after event ")
        events = int(line.rsplit(" ", 1)[1])
        assert 0 < events < 248
        (printed,) = out.splitlines()
        assert ["resp_sk7Example0000000000000000000000000000000000"] == [
            response["id"] for response in json.loads(printed)["responses"]
        ]

    def test_not_sse(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """Bytes without an event are an error whatever --protocol says."""
        path = tmp_path / "error-body.sse"
        path.write_bytes(b'{"error": {"message": "Incorrect API key", "code": "invalid_api_key"}}')
        for protocol in ([], ["--protocol", "responses"]):
            code, _, err = cli(capsys, "replay", *protocol, str(path))
            assert 1 == code
            assert [f"streamkit: error: {path}: no Server-Sent Events in it"] == err.splitlines()


class TestProtocols:
    def test_each_file_by_its_first_event(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """Files of both protocols in one replay: each read as its own, in the order given."""
        (tmp_path / "a-run.sse").write_bytes(recordings.read_bytes("text-run"))
        (tmp_path / "b-response.sse.gz").write_bytes(gzip.compress(FN_CALL.read_bytes()))
        code, out, _ = cli(capsys, "replay", "--json", str(tmp_path))
        assert 0 == code
        run, response = (json.loads(line) for line in out.splitlines())
        assert ["run_Uy45lNz2P7BpJcqWzQkXl1Bu"] == [r["id"] for r in run["runs"]]
        assert responses_json(FN_CALL) == response
        code, table, _ = cli(capsys, "replay", str(tmp_path))
        assert 0 == code
        assert re.search(r"a-run\.sse\s+44\s+completed\s+1\s+-\s+1\s+0", table)
        assert re.search(
            r"b-response\.sse\.gz\s+11\s+completed\s+1\s+function_call 1\s+0\s+0", table
        )

    def test_forced_protocol(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--protocol responses reads a Responses stream as detection does; the other one finds
        nothing in it (and says so), or fails on an Assistants stream's first event."""
        detected = cli(capsys, "replay", "--json", str(FN_CALL))
        assert detected == cli(capsys, "replay", "--json", "--protocol", "responses", str(FN_CALL))
        code, out, _ = cli(capsys, "replay", "--json", "--protocol", "assistants", str(FN_CALL))
        assert 0 == code
        assert {"runs": [], "run_steps": [], "messages": []} == json.loads(out)
        code, out, _ = cli(capsys, "replay", "--protocol", "assistants", str(FN_CALL))
        assert "  (no run, step or message in 11 events)" in out.splitlines()
        code, _, err = cli(capsys, "replay", "--protocol", "responses", "text-run")
        assert 1 == code
        assert "event 1 (thread.run.created): data.type: expected a string" in err
        code, out, _ = cli(capsys, "replay", "--lenient", "--protocol", "responses", "text-run")
        assert 0 == code
        assert "  (no response in 44 events)" in out.splitlines()

    def test_unknown_protocol_is_a_usage_error(self, capsys: pytest.CaptureFixture[str]) -> None:
        with pytest.raises(SystemExit) as exit_info:
            main(["replay", "--protocol", "chat", str(FN_CALL)])
        assert 2 == exit_info.value.code
        assert "invalid choice: 'chat'" in capsys.readouterr().err

    def test_replay_many_takes_the_protocol(self) -> None:
        """replay_many(protocol=) reads every file as that protocol (what --protocol uses)."""
        (forced,) = replay_many([FN_CALL], protocol="assistants")
        assert {"runs": [], "run_steps": [], "messages": []} == forced.snapshots
        (detected,) = replay_many([FN_CALL])
        assert responses_json(FN_CALL) == detected.snapshots


class TestWatch:
    @pytest.mark.parametrize("path", RECORDINGS, ids=lambda p: p.stem)
    def test_every_recording(self, capsys: pytest.CaptureFixture[str], path: Path) -> None:
        """`watch FILE` shows each Responses recording (plain lines off a terminal)."""
        code, out, err = cli(capsys, "watch", "--lenient", str(path))
        assert (0, "") == (code, err)
        assert ESC not in out
        final = streamkit.replay(path, strict=False, protocol="responses").final_response
        assert final is not None
        assert f"response {final.id} {final.status}" in out

    def test_shows_the_items(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Function name and arguments, citations, usage: as they came."""
        code, out, _ = cli(capsys, "watch", str(FN_CALL))
        assert 0 == code
        assert [
            "response resp_67e554a155508191900ee113293c4c830794405d35281ae2 in_progress",
            "function_call fc_67e554a1de488191af0831d35cbe082e0794405d35281ae2 in_progress",
            "[function fc_67e554a1de488191af0831d35cbe082e0794405d35281ae2] get_capital",
            '{"country":"France"}',
            "function_call fc_67e554a1de488191af0831d35cbe082e0794405d35281ae2 completed",
            "response resp_67e554a155508191900ee113293c4c830794405d35281ae2 completed"
            " (tokens: 255 input (0 cached) + 16 output (0 reasoning) = 271)",
        ] == out.splitlines()
        _, cited, _ = cli(
            capsys, "watch", str(DATA / "openai_web_search_url_citation_annotations.sse")
        )
        assert (
            "  cites Mount Columbia | mountain, Alberta, Canada | Britannica ->"
            " https://www.britannica.com/place/Mount-Columbia?utm_source=openai"
        ) in cited.splitlines()

    def test_protocol_forced(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--protocol says what the stream must be: the same view, or one error line."""
        forced = cli(capsys, "watch", "--protocol", "responses", str(FN_CALL))
        assert cli(capsys, "watch", str(FN_CALL)) == forced
        assert 0 == forced[0]
        code, out, err = cli(capsys, "watch", "--protocol", "assistants", str(FN_CALL))
        assert (1, "") == (code, out)
        assert [
            f"streamkit: error: {FN_CALL}: a Responses stream, not an Assistants run stream"
            " (--protocol assistants)"
        ] == err.splitlines()
        code, out, err = cli(capsys, "watch", "--protocol", "responses", "text-run")
        assert (1, "") == (code, out)
        assert [
            "streamkit: error: text-run: an Assistants run stream, not a Responses stream"
            " (--protocol responses)"
        ] == err.splitlines()

    def test_bundled_demo_names(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Both demos are bundled names for watch and replay."""
        code, out, _ = cli(capsys, "watch", "demo-responses")
        assert 0 == code
        assert "[function fc_sk7Example000000000000000000000000000000000000] get_weather" in out
        code, out, _ = cli(capsys, "watch", "demo-code-interpreter")
        assert 0 == code
        assert out.rstrip().splitlines()[-1].startswith("run run_sk7Example000000000000 completed")
        code, out, _ = cli(capsys, "replay", "demo-code-interpreter")
        assert out.startswith("demo-code-interpreter: 141 events; final run: run_sk7Example")

    def test_error_event(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A server error: strict shows the stream, then fails as replay; --lenient shows it."""
        code, out, err = cli(capsys, "watch", str(ERROR))
        assert 1 == code
        assert "response resp_05500b38c2cd9bfc00691c7c9d222481a3b595421266dab424 failed" in out
        assert "received before the error:" in out
        (line,) = err.splitlines()
        assert line.startswith(f"streamkit: error: {ERROR}: event 3 (error): the server reported")
        code, out, err = cli(capsys, "watch", "--lenient", str(ERROR))
        assert (0, "") == (code, err)
        assert "server error: insufficient_quota: You exceeded your current quota" in out


def _cut_gzip() -> bytes:
    whole = gzip.compress(DEMO.read_bytes())
    return whole[: len(whole) // 2]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("not-sse.sse", b'{"not": "an event stream"}\n', "no Server-Sent Events in it"),
        (
            "typed.sse",
            b'data: {"type":"response.created","sequence_number":0,"response":{"id": 7}}\n\n',
            "event 1 (response.created): data.response.id: expected a string",
        ),
        ("cut.sse.gz", _cut_gzip(), "the gzip data is cut off after event "),
        ("error.sse", ERROR.read_bytes(), "event 3 (error): the server reported insufficient"),
    ],
)
def test_watch_reports_bad_input_as_replay_does(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    """watch and replay give the same one error line for a Responses stream, and exit 1."""
    path = tmp_path / name
    path.write_bytes(content)
    replayed = run("replay", str(path))
    watched = run("watch", str(path))
    assert 1 == replayed.returncode == watched.returncode
    (line,) = replayed.stderr.splitlines()
    assert line.startswith(f"streamkit: error: {path}: ")
    assert message in line
    assert [line] == watched.stderr.splitlines()
    assert "Traceback" not in watched.stdout


def test_watch_stdin_in_small_pieces() -> None:
    """From stdin the protocol is told from the first event, however the bytes arrive."""
    data = (DATA / "NONOPENAI_openrouter_reasoning_text_done_marker.sse").read_bytes()
    piped = run("watch", "-", stdin=data)
    assert 0 == piped.returncode, piped.stderr
    assert "[message msg_tmp_8cjof4f6zpw]\n4\n" in piped.stdout
    paced = run("watch", "--speed", "1000", "-", stdin=data)
    assert piped.stdout == paced.stdout


def test_demo_responses() -> None:
    """`streamkit demo responses` plays the Responses demo live, then summarises it alone."""
    result = run("demo", "--speed", "0", "responses")
    assert 0 == result.returncode, result.stderr
    out = result.stdout
    assert out.startswith(
        "demo-responses.sse: a Responses-API stream built with streamkit.testing,"
        " 73,847 bytes, replayed live\n"
    )
    assert "[function fc_sk7Example000000000000000000000000000000000000] get_weather\n" in out
    final = out.split("\nfinal snapshots:\n")[1]
    assert final.startswith("response resp_sk7Example0000000000000000000000000000000000 completed")
    assert "demo-responses: 73,847 bytes, 248 events" in final
    assert "  ends with: final response completed" in final
    assert "    function_call: get_weather(" in final
    assert "text-run" not in out
    by_name = run("demo", "--speed", "0", "demo-responses")
    assert out == by_name.stdout


def test_demo_without_a_name_keeps_the_assistants_run() -> None:
    """`streamkit demo` still plays the Assistants run, and points at the Responses demo."""
    result = run("demo", "--speed", "0")
    assert 0 == result.returncode, result.stderr
    assert result.stdout.startswith("demo-code-interpreter.sse: a code-interpreter run")
    assert result.stdout.endswith(
        "\nstreamkit demo responses: the same for a Responses-API stream\n"
    )


def test_demo_names_in_its_usage_error() -> None:
    result = run("demo", "no-such-stream")
    assert 2 == result.returncode
    assert "'responses'" in result.stderr
    assert "'demo-responses'" in result.stderr
