"""The live view (streamkit._view), the demo recording and `streamkit demo` / `streamkit watch`."""

from __future__ import annotations

import gzip
import io
import json
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("rich")

from rich.console import Console
from rich.live_render import LiveRender

import streamkit
from streamkit import recordings, testing
from streamkit._demo_data import DEMO_NAME, build_demo, read_demo
from streamkit._view import LiveView, paced, watch

RECORDINGS_DIR = Path(recordings.__file__).parent
DEMO = read_demo()
CHUNKS = list(paced(DEMO, 0))  # one event each
ESC = "\x1b"


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "streamkit", *args],
        input=stdin,
        capture_output=True,
        check=False,
    )
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode(), result.stderr.decode()
    )


def plain_console() -> Console:
    return Console(file=io.StringIO(), width=100, force_terminal=False)


def fed(count: int, data: bytes = DEMO) -> LiveView:
    """A view fed the first `count` events of `data`."""
    view = LiveView(plain_console())
    streamkit.consume(b"".join(list(paced(data, 0))[:count]), view)
    return view


def screen(view: LiveView) -> str:
    console = Console(record=True, width=100, force_terminal=False, file=io.StringIO())
    console.print(view.render())
    return console.export_text()


def body(text: str) -> list[str]:
    """The screen's lines with the panel borders taken off."""
    return [line.strip("│╭╮╰╯ ").rstrip() for line in text.splitlines()]


def after(marker: bytes, start: int = 0) -> int:
    """How many events up to and including the first one (from `start`) containing `marker`."""
    return next(i for i in range(start, len(CHUNKS)) if marker in CHUNKS[i]) + 1


def plain_output(data: bytes | Iterator[bytes]) -> str:
    console = plain_console()
    streamkit.consume(data, LiveView(console))
    file = console.file
    assert isinstance(file, io.StringIO)
    return file.getvalue()


def test_code_input_grows_as_it_streams() -> None:
    """The code-interpreter panel shows the input so far, as Python, and grows."""
    first = screen(fed(after(b'"input":"')))
    assert "step tool_calls step_sk7CodeInterpreter000" in first
    assert "code_interpreter call_sk7CodePlot000000000" in first
    assert "savefig" not in first
    inputs = [
        fed(n).steps["step_sk7CodeInterpreter000"]
        for n in range(after(b'"input":"'), after(b'"logs"'), 10)
    ]
    texts = [step.step_details.tool_calls[0].code_interpreter.input for step in inputs]  # type: ignore[union-attr]
    assert texts == sorted(texts, key=len)
    assert all(testing.EXAMPLE_CODE_INPUT.startswith(text) for text in texts)
    whole = screen(fed(after(b'"logs"') - 1))
    assert 'fig.savefig("/mnt/data/sine.png")' in body(whole)
    assert "logs" not in whole


def test_logs_and_image_appear_below_the_code() -> None:
    """Logs show up under the input as they stream, then the image as its file id."""
    logs = body(screen(fed(after(b"file-sk7SinePlot0000000") - 1)))
    assert "logs  points: 200, max: 1.000, min: -1.000" in logs
    assert not any(line.startswith("image") for line in logs)
    image = body(screen(fed(after(b"file-sk7SinePlot0000000"))))
    start = image.index("logs  points: 200, max: 1.000, min: -1.000")
    assert "image file-sk7SinePlot0000000" == image[start + 1]
    assert image.index('print("saved /mnt/data/sine.png")') < start


def test_function_arguments_pretty_once_done() -> None:
    """Function arguments show raw while streaming, as pretty JSON with the output once done."""
    streaming = body(
        screen(fed(after(b"thread.run.step.completed", after(b"call_sk7Weather")) - 1))
    )
    assert "function get_weather" in streaming
    assert '{"location": "Paris, France", "unit": "celsius"}' in streaming
    done = body(screen(fed(after(b"thread.run.step.completed", after(b"call_sk7Weather")))))
    start = done.index("function get_weather")
    assert [
        "function get_weather",
        "{",
        '"location": "Paris, France",',
        '"unit": "celsius"',
        "}",
        'output {"temperature": 18, "conditions": "light rain", "humidity": 0.82}',
    ] == [line.strip() for line in done[start : start + 6]]


def test_message_text_with_citations() -> None:
    """The message shows inside its step's panel with each annotation's text and file id."""
    text = screen(fed(after(b"thread.message.completed")))
    assert "step message_creation step_sk7MessageCreation00" in text
    assert "It is 18 °C with light rain in Paris today【4:0†weather.txt】" in text
    assert "[1] 【4:0†weather.txt】 → file-sk7Weather00000000" in text
    assert "[2] sandbox:/mnt/data/sine.png → file-sk7SinePlot0000000" in text
    assert "image file: file-sk7SinePlot0000000" in text


def test_footer_has_run_status_and_usage() -> None:
    """The footer says waiting, then the run's status, then its token usage when it ends."""
    assert "waiting for the run" in screen(fed(0))
    assert "run run_sk7Example000000000000 queued" in screen(fed(1)).splitlines()[-1]
    last = screen(fed(len(CHUNKS))).splitlines()[-1]
    assert (
        "run run_sk7Example000000000000 completed · tokens: 2,552 prompt + 302 completion = 2,854"
        == last
    )


def test_file_search_result_count() -> None:
    """A file-search call shows how many results it found, and which files."""
    events = testing.run_events(
        testing.example_run(),
        [testing.example_file_search_step()],
        [],
        rng=random.Random(1),
        interleave=False,
        out_of_order=False,
    )
    text = screen(fed(len(events), testing.encode(events)))
    assert "2 result(s)" in text
    assert "weather.txt (file-sk7Weather00000000) score 0.81" in text


def test_plain_mode_prints_fragments_in_order_without_escapes() -> None:
    """Off a terminal: plain lines, no ANSI escapes, fragments in stream order."""
    out = plain_output(DEMO)
    assert ESC not in out
    assert testing.EXAMPLE_CODE_INPUT in out
    assert testing.EXAMPLE_MESSAGE_TEXT in out
    expected = [
        "run run_sk7Example000000000000 queued",
        "[code call_sk7CodePlot000000000]\nimport numpy as np",
        "[logs call_sk7CodePlot000000000]\npoints: 200, max: 1.000, min: -1.000",
        "[image call_sk7CodePlot000000000] file-sk7SinePlot0000000",
        "[logs call_sk7CodePlot000000000]\nsaved /mnt/data/sine.png",
        "step step_sk7CodeInterpreter000 completed (tokens: 412 prompt + 131 completion = 543)",
        '[function call_sk7Weather0000000000] get_weather\n{"location": "Paris, France"',
        '[output call_sk7Weather0000000000] {"temperature": 18',
        "[message msg_sk7Answer00000000000]\nIt is 18 °C",
        "  cites 【4:0†weather.txt】 -> file-sk7Weather00000000",
        "message msg_sk7Answer00000000000 completed",
        "run run_sk7Example000000000000 completed (tokens: 2,552 prompt",
    ]
    positions = [out.index(piece) for piece in expected]
    assert positions == sorted(positions)


def test_plain_mode_prints_each_fragment_as_it_arrives() -> None:
    """What plain mode printed after any prefix of the stream is the start of the whole output."""
    whole = plain_output(DEMO)
    for count in range(0, len(CHUNKS), 7):
        assert whole.startswith(plain_output(b"".join(CHUNKS[:count])).rstrip("\n"))


def test_live_mode_on_a_terminal() -> None:
    """On a terminal the view updates in place and leaves the last screen."""
    file = io.StringIO()
    view = LiveView(Console(file=file, width=100, height=40, force_terminal=True))
    assert view.live
    assert watch(DEMO, view) is not None
    out = file.getvalue()
    assert ESC in out
    assert "file-sk7SinePlot0000000" in out
    assert "completed" in out


def terminal_screen(view: LiveView, width: int = 80, height: int = 25) -> list[str]:
    """One frame of the view as rich.live.Live draws it on a width x height terminal."""
    console = Console(
        width=width, height=height, record=True, force_terminal=True, file=io.StringIO()
    )
    console.print(LiveRender(view, vertical_overflow="ellipsis"))
    return console.export_text().splitlines()


def streamed_so_far(view: LiveView, chunk: bytes) -> str | None:
    """The whole text (code, logs, arguments, message) that the delta event `chunk` added to."""
    name, data = (line.split(b": ", 1)[1] for line in chunk.splitlines()[:2])
    event = json.loads(data)
    if name == b"thread.message.delta":
        (block,) = event["delta"]["content"]
        return view.messages[event["id"]].content[block["index"]].text.value  # type: ignore[union-attr]
    if name != b"thread.run.step.delta":
        return None
    delta = event["delta"]["step_details"]["tool_calls"][-1]  # some carry several fragments
    call = view.steps[event["id"]].step_details.tool_calls[delta["index"]]  # type: ignore[union-attr]
    if "function" in delta:
        return call.function.arguments if "arguments" in delta["function"] else None  # type: ignore[union-attr]
    interpreter = delta["code_interpreter"]
    if "input" in interpreter:
        return call.code_interpreter.input  # type: ignore[union-attr,no-any-return]
    (output,) = interpreter["outputs"]
    if "logs" not in output:
        return None
    return call.code_interpreter.outputs[output["index"]].logs  # type: ignore[union-attr,no-any-return]


def live_panel(lines: list[str]) -> list[str]:
    """The lines of the last panel still in progress (top border to bottom border)."""
    bottom = max(
        i for i, line in enumerate(lines) if line.startswith("╰") and "in_progress" in line
    )
    top = max(i for i in range(bottom) if lines[i].startswith("╭"))
    return lines[top : bottom + 1]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("count", range(20, len(CHUNKS) - 3, 6))
def test_live_view_fits_an_80_by_25_terminal(count: int) -> None:
    """On 80x25 the newest streamed text is on screen and no live panel line is cut off.

    Finished panels are one line each; older content scrolls away from the top.
    """
    view = fed(count)
    lines = terminal_screen(view)
    assert len(lines) <= 25
    assert "..." not in [line.strip() for line in lines]  # Live's "taller than the screen"
    panel = live_panel(lines)
    assert not any(line.rstrip("│ ").endswith(("…", "...")) for line in panel)
    so_far = streamed_so_far(view, CHUNKS[count - 1])
    if so_far is not None and so_far.strip():
        shown = flat(" ".join(line.strip("│╭╮╰╯─ ") for line in panel))
        assert flat(so_far)[-30:] in shown
    for step in view.steps.values():
        if step.status != "in_progress" and step is not list(view.steps.values())[-1]:
            (line,) = [line for line in lines if step.id in line]
            assert not line.startswith(("╭", "│"))
            assert "completed" in line


LONG_INPUT = b"".join(
    [
        *CHUNKS[: after(b'"input":""')],  # the demo up to its code call, before any input
        *(
            b'event: thread.run.step.delta\ndata: {"id":"step_sk7CodeInterpreter000",'
            b'"object":"thread.run.step.delta","delta":{"step_details":{"type":"tool_calls",'
            b'"tool_calls":[{"index":0,"code_interpreter":{"input":"value_%d = %d * %d\\n"}}]}}}'
            b"\n\n" % (i, i, i)
            for i in range(60)
        ),
    ]
)


def test_a_long_input_follows_its_end() -> None:
    """A code input taller than the screen shows its newest lines under the panel's title."""
    view = LiveView(plain_console())
    streamkit.consume(LONG_INPUT, view)
    lines = terminal_screen(view)
    assert 25 >= len(lines)
    panel = live_panel(lines)
    assert panel[0].startswith("╭─ step tool_calls step_sk7CodeInterpreter000 ")
    assert "(40 earlier lines)" == panel[1].strip("│ ")
    assert "value_59 = 59 * 59" in panel[-2]
    assert "value_0 = 0 * 0" not in "\n".join(lines)
    assert "run run_sk7Example000000000000 in_progress" == lines[-1]


def test_the_last_screen_is_left_whole() -> None:
    """When the live display stops, its last screen is drawn whole, not fitted to the height."""
    console = Console(width=80, height=25, force_terminal=True, file=io.StringIO())
    view = LiveView(console)
    assert watch(LONG_INPUT, view) is not None
    last = Console(width=80, height=25, record=True, file=io.StringIO())
    last.print(view)
    text = last.export_text()
    assert "value_0 = 0 * 0" in text
    assert "value_59 = 59 * 59" in text


def test_ctrl_c_prints_what_was_received() -> None:
    """KeyboardInterrupt stops the view and prints a summary of the snapshots so far."""

    def interrupted() -> Iterator[bytes]:
        yield from CHUNKS[:30]
        raise KeyboardInterrupt

    console = plain_console()
    assert watch(interrupted(), LiveView(console)) is None
    out = console.file.getvalue()  # type: ignore[attr-defined]
    summary = out.split("interrupted; received so far:\n")[1]
    assert summary.startswith("run run_sk7Example000000000000 in_progress\n")
    assert "step step_sk7CodeInterpreter000 tool_calls in_progress" in summary


def test_paced_sleeps_scaled_by_speed() -> None:
    """paced() yields the events unchanged, pausing less at higher speed and not at all at 0."""
    slow: list[float] = []
    fast: list[float] = []
    none: list[float] = []
    assert DEMO == b"".join(paced(DEMO, 1, sleep=slow.append))
    assert DEMO == b"".join(paced(DEMO, 4, sleep=fast.append))
    assert DEMO == b"".join(paced(DEMO, 0, sleep=none.append))
    assert len(CHUNKS) == len(slow) == 141
    assert sum(fast) == pytest.approx(sum(slow) / 4)
    assert [] == none
    assert 2 < sum(slow) < 20


def test_shipped_demo_is_what_the_generator_makes() -> None:
    """The shipped demo recording equals build_demo(); it is not one of the real recordings."""
    assert build_demo() == DEMO
    assert DEMO_NAME.removesuffix(".sse") not in recordings.NAMES
    acc = streamkit.replay(DEMO)
    assert acc.final_run is not None
    assert "completed" == acc.final_run.status
    assert 3 == len(acc.run_steps)


def test_import_streamkit_does_not_import_the_view() -> None:
    """`import streamkit` loads neither streamkit._view nor rich."""
    code = "import sys, streamkit; print('streamkit._view' in sys.modules, 'rich' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "False False" == result.stdout.strip()


def test_demo_command() -> None:
    """`streamkit demo --speed 0` plays the demo, summarises it, then the recordings; exit 0."""
    result = run("demo", "--speed", "0")
    assert 0 == result.returncode, result.stderr
    out = result.stdout
    assert ESC not in out
    assert out.startswith(f"{DEMO_NAME}: ")
    assert "import numpy as np" in out
    assert "[image call_sk7CodePlot000000000] file-sk7SinePlot0000000" in out
    final = out.split("\nfinal snapshots:\n")[1]
    assert final.startswith("run run_sk7Example000000000000 completed")
    assert "cites 【4:0†weather.txt】 -> file-sk7Weather00000000" in final
    assert out.index("final snapshots:") < out.index("text-run: 12,304 bytes, 44 events")


def test_demo_plays_a_named_recording_live() -> None:
    """`streamkit demo NAME` plays that bundled recording through the view, then its summary."""
    result = run("demo", "--speed", "0", "text-run")
    assert 0 == result.returncode, result.stderr
    out = result.stdout
    assert out.startswith("text-run: a recorded API stream, 12,304 bytes, replayed live\n")
    assert "[message msg_Tn5DNmiQEPZ80biW5AukKrvH]\nHello! I'm just a program" in out
    final = out.split("\nfinal snapshots:\n")[1]
    assert final.startswith("run run_Uy45lNz2P7BpJcqWzQkXl1Bu completed")
    assert out.index("final snapshots:") < out.index("text-run: 12,304 bytes, 44 events")
    assert DEMO_NAME not in out


def test_demo_without_rich_falls_back() -> None:
    """Without rich, `streamkit demo` says so in one line and prints the recordings."""
    code = (
        "import sys; sys.modules['rich'] = None; from streamkit.cli import main;"
        " raise SystemExit(main(['demo', '--speed', '0']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert 0 == result.returncode, result.stderr
    assert result.stdout.startswith("(the live view needs rich: pip install 'streamkit[cli]'")
    assert "text-run: 12,304 bytes" in result.stdout


def test_watch_a_recording() -> None:
    """`streamkit watch FILE` off a terminal prints the stream in plain lines."""
    result = run("watch", str(RECORDINGS_DIR / "file-search-with-citation.sse"))
    assert 0 == result.returncode, result.stderr
    assert ESC not in result.stdout
    assert "Filip's favorite food is cake【4:0†favorite_foods.txt】." in result.stdout
    assert "cites 【4:0†favorite_foods.txt】 -> file-CyHtsk7XAWdRabQUBYRjCu" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1].startswith("run run_gMAiOdxbrcV3JXHDasJZwr3g")


def test_watch_gzip_paced_and_stdin(tmp_path: Path) -> None:
    """A .gz file (paced with --speed) and stdin give the same output."""
    data = recordings.read_bytes("function-call-continuation")
    gz = tmp_path / "run.sse.gz"
    gz.write_bytes(gzip.compress(data))
    from_gz = run("watch", "--speed", "1000", str(gz))
    from_stdin = run("watch", "-", stdin=data)
    assert 0 == from_gz.returncode == from_stdin.returncode
    assert "warm and sunny" in from_gz.stdout
    assert from_gz.stdout == from_stdin.stdout


def test_watch_missing_file(tmp_path: Path) -> None:
    """A missing file is one error line and exit 1."""
    missing = tmp_path / "nope.sse"
    result = run("watch", str(missing))
    assert 1 == result.returncode
    assert [f"streamkit: error: {missing}: No such file or directory"] == (
        result.stderr.splitlines()
    )
