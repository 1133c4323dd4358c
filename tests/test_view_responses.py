"""The live view of a Responses stream (streamkit._view_responses), at 80 columns."""

from __future__ import annotations

import io
import json
import random
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("rich")

from rich.console import Console
from rich.live_render import LiveRender

import streamkit
from streamkit import testing
from streamkit._demo_data import read_responses_demo
from streamkit._view import paced, watch
from streamkit._view_responses import ResponseLiveView, item_key

DATA = Path(__file__).parent / "data" / "responses"
DEMO = read_responses_demo()
CHUNKS = list(paced(DEMO, 0))  # one event each
ESC = "\x1b"
BORDERS = "│╭╮╰╯─ "


def plain_console() -> Console:
    return Console(file=io.StringIO(), width=80, force_terminal=False)


def events_of(source: bytes | Path) -> list[bytes]:
    data = source if isinstance(source, bytes) else source.read_bytes()
    return list(paced(data, 0))


def fed(count: int | None = None, source: bytes | Path = DEMO) -> ResponseLiveView:
    """A view fed the first `count` events (all when None) of `source`."""
    view = ResponseLiveView(plain_console())
    chunks = events_of(source)
    streamkit.consume(b"".join(chunks[:count]), view, strict=False)
    return view


def screen(view: ResponseLiveView) -> list[str]:
    """The whole screen at 80 columns."""
    console = Console(record=True, width=80, force_terminal=False, file=io.StringIO())
    console.print(view.render())
    return console.export_text().splitlines()


def terminal_screen(view: ResponseLiveView, width: int = 80, height: int = 25) -> list[str]:
    """One frame of the view as rich.live.Live draws it on a width x height terminal."""
    console = Console(
        width=width, height=height, record=True, force_terminal=True, file=io.StringIO()
    )
    console.print(LiveRender(view, vertical_overflow="ellipsis"))
    return console.export_text().splitlines()


def body(lines: list[str]) -> list[str]:
    """The screen's lines with the panel borders taken off."""
    return [line.strip(BORDERS).rstrip() for line in lines]


def flat(lines: list[str]) -> str:
    """The screen as one line: borders off, wrapped lines joined."""
    return " ".join(" ".join(line.strip(BORDERS) for line in lines).split())


def after(marker: bytes, chunks: Sequence[bytes] = CHUNKS, start: int = 0) -> int:
    """How many events up to and including the first one (from `start`) containing `marker`."""
    return next(i for i in range(start, len(chunks)) if marker in chunks[i]) + 1


def built(*items: Mapping[str, Any], **fields: Any) -> bytes:
    """The SSE bytes of a stream ending with a response of `items`."""
    final = testing.response("resp_view", list(items), **fields)
    return testing.encode_sse(testing.response_events(final, rng=random.Random(7)))


def plain_output(data: bytes | Iterator[bytes]) -> str:
    console = plain_console()
    streamkit.consume(data, ResponseLiveView(console), strict=False)
    file = console.file
    assert isinstance(file, io.StringIO)
    return file.getvalue()


# -- each kind of item --


def test_function_call_name_and_arguments() -> None:
    """A function call shows its name and arguments: raw while streaming, pretty JSON once done."""
    path = DATA / "openai_fn_call_gpt4o_2025-03_noseq.sse"
    chunks = events_of(path)
    streaming = body(screen(fed(after(b"function_call_arguments.delta", chunks) + 2, path)))
    assert "function_call fc_67e554a1de488191af0831d35cbe082e0794405d35281ae2" in " ".join(
        streaming
    )
    assert "get_capital call_kL0PCQV7M2WMoVX8V8OtYSAL" in streaming
    assert '{"country":"' in streaming
    done = body(screen(fed(None, path)))
    start = done.index("get_capital call_kL0PCQV7M2WMoVX8V8OtYSAL")
    assert ["{", '"country": "France"', "}"] == [
        line.strip() for line in done[start + 1 : start + 4]
    ]


def test_citation_urls_under_the_text() -> None:
    """A message lists its url citations (title -> URL) under the text."""
    text = flat(screen(fed(None, DATA / "openai_web_search_url_citation_annotations.sse")))
    assert "The tallest mountain in Alberta is **Mount Columbia** (3,747 m / 12,294 ft)." in text
    assert (
        "[1] Mount Columbia | mountain, Alberta, Canada | Britannica →"
        " https://www.britannica.com/place/Mount-Columbia?utm_source=openai"
    ) in text


def test_file_and_container_citations() -> None:
    """File citations show the file name and id; a container file citation its file id."""
    files = flat(screen(fed(None, DATA / "openai_file_search_file_citation.sse")))
    assert "[1] tmp8l5_2pzy.txt → file-9RhPAs9YqVajpGXRfcgavJ" in files
    container = flat(
        screen(fed(None, DATA / "openai_code_interpreter_image_container_file_citation.sse"))
    )
    assert "[2] y_eq_x_squared_plot.png → cfile_68dd9381192c81918f24ee3f0294cce6" in container


def test_usage_in_the_footer() -> None:
    """The footer has the response's status, then its token usage once it ends."""
    assert ["waiting for the response…"] == screen(fed(0))
    assert (
        "response resp_sk7Example0000000000000000000000000000000000 in_progress"
        == (screen(fed(2))[-1])
    )
    last = screen(fed())
    assert "response resp_sk7Example0000000000000000000000000000000000 completed" == last[-2]
    assert "tokens: 2,184 input (1,024 cached) + 412 output (128 reasoning) = 2,596" == last[-1]


def test_finished_panels_collapse() -> None:
    """Finished items but the newest are one line each: type, status, what they did, id."""
    lines = screen(fed())
    assert [
        "✓ reasoning completed · '**Planning the answer** The user wants to know wh…' · …",
        "✓ web_search_call completed · search: Paris weather forecast this weekend rain;…",
        "✓ code_interpreter_call completed · 11 lines of code, 1 log, 0 images · ci_sk7E…",
        '✓ function_call completed · get_weather({"location": "Paris, France", "unit": "…',
    ] == lines[:4]
    assert lines[4].startswith("╭─ message msg_sk7Example00000000000000000000000000000000000")
    assert lines[-3].startswith("╰")
    assert lines[-3].endswith(" completed ─╯")


def test_reasoning_summary_streams() -> None:
    """A reasoning item shows its summary parts as they stream, each its own paragraph."""
    first = body(screen(fed(after(b"reasoning_summary_part.done"))))
    assert "**Planning the answer**" in first
    assert "**Checking the numbers**" not in first
    both = body(
        screen(fed(after(b"reasoning_summary_part.done", start=after(b"summary_part.done"))))
    )
    assert both.index("**Planning the answer**") < both.index("**Checking the numbers**")
    assert "The forecast gives daily rain chances; a quick plot will make the weekend's" in both


def test_raw_reasoning_text() -> None:
    """Raw reasoning text (DeepSeek's reasoning_text parts) shows in the reasoning panel."""
    path = DATA / "NONOPENAI_deepseek_reasoning_text_fn_call.sse"
    chunks = events_of(path)
    text = flat(screen(fed(after(b"reasoning_text.done", chunks), path)))
    assert "The user asks about temperature in Tokyo. I'll call the tool." in text


def test_code_logs_and_image() -> None:
    """Code shows as it streams, as Python; its logs and image outputs appear below it."""
    code = body(screen(fed(after(b"code_interpreter_call_code.delta") + 20)))
    assert "import matplotlib.pyplot as plt" in code
    assert not any(line.startswith("logs") for line in code)
    done = body(screen(fed(after(b'code_interpreter_call"', start=after(b"interpreting")))))
    logs = done.index("logs  wettest: Sun 80%")
    assert done.index('fig.savefig("/mnt/data/paris_rain.png")') < logs
    path = DATA / "openai_code_interpreter_image_container_file_citation.sse"
    chunks = events_of(path)
    image = flat(screen(fed(after(b"response.output_item.done", chunks, 5), path)))
    assert "logs '/mnt/data/y_eq_x_squared_plot.png'" in image
    assert "image data:image/png;base64 (" in image  # the data URL by its size, not its bytes


def test_web_search_queries_and_sources() -> None:
    """A web search shows its queries and its sources (URLs, or the API's name)."""
    lines = body(screen(fed(after(b"response.web_search_call.completed") + 1)))
    assert "search: Paris weather forecast this weekend rain" in lines
    assert "source: https://meteofrance.com/previsions-meteo-france/paris/75000" in lines
    path = DATA / "openai_web_search_reasoning.sse"
    chunks = events_of(path)
    api = body(screen(fed(after(b"response.web_search_call.completed", chunks) + 1, path)))
    assert ["search: weather: San Francisco, CA", "source: oai-weather"] == [
        line for line in api if line.startswith(("search", "source"))
    ]


def test_file_search_queries_and_results() -> None:
    """A file search shows its queries, then each result: file, id, score and text."""
    searching = body(screen(fed(None, DATA / "openai_file_search_file_citation.sse")))
    assert "✓ file_search_call completed · What is the capital of France? ·" in " ".join(searching)
    data = built(
        testing.file_search_call_item(
            "fs_1",
            queries=["weather in Paris"],
            results=[
                testing.file_search_result(
                    "file-1", "weather.txt", "Light rain all day.", score=0.81
                )
            ],
        ),
    )
    lines = body(screen(fed(None, data)))
    start = lines.index("query: weather in Paris")
    assert ["1 result", "weather.txt (file-1) score 0.81", "Light rain all day."] == [
        line.strip() for line in lines[start + 1 : start + 4]
    ]


def test_mcp_call_and_tool_list() -> None:
    """An MCP call shows server, tool, arguments and output; a tool list its tools."""
    path = DATA / "openai_mcp_call_args_delta.sse"
    chunks = events_of(path)
    listed = after(b"response.output_item.done", chunks, after(b"mcp_list_tools.completed", chunks))
    tools = body(screen(fed(listed, path)))
    assert ["deepwiki 2 tools"] == [line for line in tools if line.startswith("deepwiki")]
    assert any(
        line.startswith("read_wiki_structure  Get a list of documentation") for line in tools
    )
    call = body(
        screen(fed(after(b'"type":"mcp_call"', chunks, after(b"mcp_call.completed", chunks)), path))
    )
    assert "deepwiki → ask_question" in call
    assert '"repoName": "pydantic/pydantic-ai",' in [line.strip() for line in call]
    assert any(line.startswith("output The `pydantic/pydantic-ai` repository is") for line in call)


def test_mcp_error() -> None:
    """An MCP call that failed shows its error."""
    data = built(
        testing.mcp_call_item(
            "mcp_1",
            server_label="wiki",
            name="ask",
            arguments='{"q": 1}',
            error={"type": "mcp_protocol_error", "code": -32000, "message": "tool crashed"},
            status="failed",
        ),
        testing.message_item("msg_1", [testing.output_text_part("Sorry.")]),
    )
    lines = screen(fed(None, data))
    assert '✗ mcp_call failed · wiki.ask({"q": 1}) error: tool crashed · mcp_1' == lines[0]
    middle = fed(after(b"response.output_item.done", events_of(data)), data)
    assert "error tool crashed" in body(screen(middle))


def test_custom_tool_call() -> None:
    """A custom tool call shows its name and its input as it streams."""
    data = built(
        testing.custom_tool_call_item(
            "ctc_1", call_id="call_1", name="run_sql", tool_input="SELECT 1 FROM t"
        )
    )
    lines = body(screen(fed(None, data)))
    assert ["custom_tool_call ctc_1", "run_sql call_1", "SELECT 1 FROM t"] == lines[:3]


def test_image_generation_partial_images() -> None:
    """Image generation shows its status, how many partial images came, then the image."""
    path = DATA / "vercel_openai_image_generation_partial_image.sse"
    chunks = events_of(path)
    partial = body(screen(fed(after(b"partial_image", chunks), path)))
    assert "generating · 1 partial image" in partial
    done = body(
        screen(
            fed(
                after(
                    b'"type":"image_generation_call"',
                    chunks,
                    after(b"image_generation_call.completed", chunks),
                ),
                path,
            )
        )
    )
    assert "completed · 1 partial image" in done
    assert "image: 244 bytes (webp, 1536x1024, low)" in done
    assert "✓ image_generation_call completed · 1 partial image" in flat(screen(fed(None, path)))


def test_refusal() -> None:
    """A refusal shows in red under its message's title."""
    data = built(testing.message_item("msg_no", [testing.refusal_part("I can't help with that.")]))
    lines = body(screen(fed(None, data)))
    assert "refusal: I can't help with that." in lines
    assert "refusal msg_no" in plain_output(data)


def test_apply_patch_diff() -> None:
    """An apply_patch call shows its operation, path and diff."""
    lines = body(screen(fed(None, DATA / "vercel_openai_apply_patch_diff_delta.sse")))
    assert ["create_file shopping-checklist.md", "+## Shopping Checklist"] == lines[1:3]


def test_server_error_in_the_footer() -> None:
    """A server error event and the failed response after it show in the footer, said once."""
    lines = screen(fed(None, DATA / "vercel_openai_error_event_then_failed.sse"))
    assert "response resp_05500b38c2cd9bfc00691c7c9d222481a3b595421266dab424 failed" == lines[0]
    assert lines[1].startswith("server error: insufficient_quota: You exceeded your current quota")
    assert not any(line.startswith("error:") for line in lines)


# -- the screen on a small terminal --


def live_panel(lines: list[str]) -> list[str]:
    """The lines of the last open panel (top border to bottom border)."""
    bottom = max(i for i, line in enumerate(lines) if line.startswith("╰"))
    top = max(i for i in range(bottom) if lines[i].startswith("╭"))
    return lines[top : bottom + 1]


def streamed_so_far(view: ResponseLiveView, chunk: bytes) -> str | None:
    """The whole text (summary, code, arguments, message) the delta event `chunk` added to."""
    event = json.loads(chunk.split(b"data: ", 1)[1])
    if not event["type"].endswith(".delta"):
        return None
    (response,) = view.responses.values()
    item: Any = next(item for item in response.output if item_key(item) == event["item_id"])
    text: str | None
    if "summary_index" in event:
        text = item.summary[event["summary_index"]].text
    elif "content_index" in event:
        text = item.content[event["content_index"]].text
    else:
        text = getattr(item, "code", None) or getattr(item, "arguments", None)
    return text


@pytest.mark.parametrize("count", range(10, len(CHUNKS) - 2, 9))
def test_live_view_fits_an_80_by_25_terminal(count: int) -> None:
    """On 80x25 the newest streamed text is on screen, finished items are one line each."""
    view = fed(count)
    lines = terminal_screen(view)
    assert len(lines) <= 25
    assert "..." not in [line.strip() for line in lines]  # Live's "taller than the screen"
    panel = live_panel(lines)
    assert not any(line.rstrip("│ ").endswith(("…", "...")) for line in panel)
    so_far = streamed_so_far(view, CHUNKS[count - 1])
    if so_far is not None and so_far.strip():
        shown = " ".join(" ".join(line.strip(BORDERS) for line in panel).split())
        assert " ".join(so_far.split())[-30:] in shown
    (response,) = view.responses.values()
    for item in response.output[:-1]:  # a newer item came after each: each is done
        head = f"╭─ {item.type} {item_key(item)}"
        assert not any(line.startswith(head) for line in lines)
        collapsed = [line for line in lines if line.startswith(f"✓ {item.type} completed")]
        assert len(collapsed) <= 1  # one line, unless scrolled away


def test_a_long_summary_follows_its_end() -> None:
    """A reasoning summary taller than the screen shows its newest lines under the title."""
    path = DATA / "openai_reasoning_summary_multipart.sse"
    chunks = events_of(path)
    # The fourth summary part is streaming: the summary is some 40 lines at 80 columns.
    view = fed(after(b"response.reasoning_summary_part.done", chunks, 300) - 1, path)
    lines = terminal_screen(view)
    assert 25 >= len(lines)
    panel = live_panel(lines)
    assert panel[0].startswith("╭─ reasoning rs_68c42d1d0878819d8266007cd3d1402c08fbf9b1584184ff")
    assert panel[1].strip("│ ").endswith("earlier lines)")
    assert "response resp_68c42d0fb418819dbfa579f69406b49508fbf9b1584184ff in_progress" == lines[-1]


# -- plain output, live output, Ctrl-C --


def test_plain_mode_prints_fragments_in_order_without_escapes() -> None:
    """Off a terminal: plain lines, no ANSI escapes, streamed text in stream order."""
    out = plain_output(DEMO)
    assert ESC not in out
    expected = [
        "response resp_sk7Example0000000000000000000000000000000000 in_progress",
        "[summary rs_sk7Example000000000000000000000000000000000000]\n**Planning the answer**",
        "web_search_call ws_sk7Example000000000000000000000000000000000000 searching",
        "[web_search ws_sk7Example000000000000000000000000000000000000] search: Paris weather",
        "[code ci_sk7Example000000000000000000000000000000000000]\nimport matplotlib",
        "[logs ci_sk7Example000000000000000000000000000000000000]\nwettest: Sun 80%",
        "[function fc_sk7Example000000000000000000000000000000000000] get_weather\n"
        '{"location": "Paris, France", "unit": "celsius"}',
        "[message msg_sk7Example00000000000000000000000000000000000]\nYes, pack an umbrella.",
        "  cites Paris forecast - Météo-France -> https://meteofrance.com/",
        "message msg_sk7Example00000000000000000000000000000000000 completed",
        "response resp_sk7Example0000000000000000000000000000000000 completed (tokens: 2,184"
        " input (1,024 cached) + 412 output (128 reasoning) = 2,596)",
    ]
    positions = [out.index(piece) for piece in expected]
    assert positions == sorted(positions)


def test_plain_mode_prints_each_fragment_as_it_arrives() -> None:
    """What plain mode printed after any prefix of the stream is the start of the whole output."""
    whole = plain_output(DEMO)
    for count in range(0, len(CHUNKS), 23):
        assert whole.startswith(plain_output(b"".join(CHUNKS[:count])).rstrip("\n"))


@pytest.mark.parametrize("path", sorted(DATA.glob("*.sse")), ids=lambda p: p.stem)
def test_every_recording_renders(path: Path) -> None:
    """Every recorded stream renders at 80 columns (plain, whole, and a 25-line frame)."""
    view = fed(None, path)
    acc = streamkit.replay(path, strict=False, protocol="responses")
    assert list(acc.responses) == list(view.responses)
    whole = screen(view)
    assert all(len(line) <= 80 for line in whole)
    assert 25 >= len(terminal_screen(view))
    final = acc.final_response
    assert final is not None
    assert f"response {final.id} {final.status}" in "\n".join(whole)
    assert f"response {final.id} {final.status}" in view.summary()


def test_live_mode_on_a_terminal() -> None:
    """On a terminal the view updates in place and leaves the last screen."""
    file = io.StringIO()
    view = ResponseLiveView(Console(file=file, width=80, height=25, force_terminal=True))
    assert view.live
    assert watch(DEMO, view) is not None
    out = file.getvalue()
    assert ESC in out
    assert "2,596" in out


def test_ctrl_c_prints_what_was_received() -> None:
    """KeyboardInterrupt stops the view and prints a summary of the snapshots so far."""

    def interrupted() -> Iterator[bytes]:
        yield from CHUNKS[: after(b"function_call_arguments.delta")]
        raise KeyboardInterrupt

    console = plain_console()
    assert watch(interrupted(), ResponseLiveView(console)) is None
    out = console.file.getvalue()  # type: ignore[attr-defined]
    summary = out.split("interrupted; received so far:\n")[1]
    assert summary.startswith(
        "response resp_sk7Example0000000000000000000000000000000000 in_progress\n"
    )
    assert "  function_call fc_sk7Example000000000000000000000000000000000000 in_progress:" in (
        summary
    )


def test_paced_pauses_a_responses_stream() -> None:
    """paced() pauses before Responses events as before Assistants ones, by event type."""
    pauses: list[float] = []
    assert DEMO == b"".join(paced(DEMO, 1, sleep=pauses.append))
    assert 2 < sum(pauses) < 20
    assert 0.1 == pauses[0]  # response.created
    # OpenRouter names no events: the type in the JSON says what each is.
    openrouter = (DATA / "NONOPENAI_openrouter_reasoning_text_done_marker.sse").read_bytes()
    unnamed: list[float] = []
    list(paced(openrouter, 1, sleep=unnamed.append))
    assert 0.1 in unnamed
    assert 0.03 in unnamed
