"""The live web view in a real browser: headless Chromium (the system's, /usr/bin/chromium)
driven by Playwright for Python.

What is checked, for an Assistants recording and a Responses recording fed event by event:
the code shows growing (a prefix, marked as streaming) and then complete, highlighted; the
logs; the final answer with its citations (footnotes, links); a reconnect mid-stream -- the
page's own EventSource dropped by the server, a manual close and resume with the last event
id, a reload -- ends on exactly the page that never disconnected; stream text holding
``<script>`` and markup (in text, code, logs, arguments, outputs, titles, URLs) is shown as
text and runs nothing; the page works under its Content-Security-Policy, has its landmarks and
live region, and fits a phone's width.

Skipped, saying why, only where Playwright or Chromium is missing (``.ci/run`` installs both).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright for Python is not installed (the 'test' extra)"
)
CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        "no /usr/bin/chromium (Debian's package 'chromium'; .ci/run installs it with apt-get)",
        allow_module_level=True,
    )

import streamkit  # noqa: E402
from streamkit import models as m  # noqa: E402
from streamkit import recordings, testing  # noqa: E402
from streamkit._web import server as web  # noqa: E402
from tests.waiting import wait_until  # noqa: E402

RECORDINGS = Path(recordings.__file__).parent
TIMEOUT = 15_000  # ms: generous for a busy machine; a passing run takes far less


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--disable-gpu", "--no-sandbox"]
        )
        try:
            yield chromium
        finally:
            chromium.close()


class Page:
    """A browser page on the view, with its script errors collected."""

    def __init__(self, browser: Any, url: str, *, width: int = 900, csp: bool = False) -> None:
        # Without CSP enforcement the tests may evaluate scripts; the escaping must hold
        # without the CSP's help anyway (test_the_page_keeps_its_content_security_policy
        # checks the page under it).
        self.context = browser.new_context(
            viewport={"width": width, "height": 900}, bypass_csp=not csp
        )
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on(
            "console",
            lambda message: self.errors.append(message.text) if message.type == "error" else None,
        )
        self.page.goto(url)

    def wait(self, expression: str, arg: Any = None) -> None:
        self.page.wait_for_function(expression, arg=arg, timeout=TIMEOUT)

    def text(self, selector: str) -> list[str]:
        return list(
            self.page.eval_on_selector_all(selector, "nodes => nodes.map(n => n.textContent)")
        )

    def ended(self) -> None:
        self.wait("() => document.body.dataset.state === 'ended'")

    def number(self) -> int:
        last = self.page.evaluate("() => window.streamkitView.lastEventId")
        return int(str(last).rpartition("-")[2]) if last else 0

    def main_html(self) -> str:
        return str(self.page.inner_html("#main"))

    def close(self) -> None:
        assert [] == self.errors
        self.context.close()


@contextmanager
def serving(*, title: str = "test") -> Iterator[tuple[web.WebServer, web.ChunkFeed, str]]:
    feed = web.ChunkFeed(limit=100_000)
    server = web.WebServer(lambda: web.recording_events(feed), title=title)
    url = server.start()
    try:
        yield server, feed, url
    finally:
        feed.close()
        server.stop()


def _settled(server: web.WebServer, events: int) -> int:
    """Wait until the server has fed ``events`` events; the number of its last message."""

    def fed() -> int:
        accumulator = server.channel.accumulator
        return 0 if accumulator is None else int(accumulator.position)

    wait_until(lambda: server.call(fed) >= events, TIMEOUT / 1000)
    return int(server.call(lambda: server.channel.number))


def _chunks(data: bytes) -> list[bytes]:
    """A stream cut into its events' bytes."""
    data = data.replace(b"\r\n", b"\n")
    return [piece + b"\n\n" for piece in data.split(b"\n\n") if piece.strip()]


def _export_after(chunks: list[bytes], count: int) -> dict[str, Any]:
    return streamkit.export_json(streamkit.replay(b"".join(chunks[:count]), strict=False))


def _growing(chunks: list[bytes], code_of: Any) -> tuple[int, str, str]:
    """Where the code is half written: (events to send, the code then, the final code)."""
    final = code_of(_export_after(chunks, len(chunks)))
    for count in range(1, len(chunks)):
        try:
            code = code_of(_export_after(chunks, count))
        except (IndexError, KeyError, TypeError, ValueError):
            continue
        if len(final) // 3 <= len(code) < len(final):
            return count, code, final
    raise AssertionError("no half-written code")


# --- Assistants ---------------------------------------------------------------------------------


def _assistants_code(document: dict[str, Any]) -> str:
    call = document["run_steps"][0]["step_details"]["tool_calls"][0]
    return str(call["code_interpreter"]["input"])


def test_assistants_code_grows_then_completes_with_logs_and_cited_answer(browser: Any) -> None:
    chunks = _chunks((RECORDINGS / "demo-code-interpreter.sse").read_bytes())
    count, partial, final = _growing(chunks, _assistants_code)
    with serving(title="demo-code-interpreter") as (_, feed, url):
        for chunk in chunks[:count]:
            feed.put(chunk)
        view = Page(browser, url)
        code = ".call-code pre.code"
        view.wait("([s, t]) => document.querySelector(s)?.textContent === t", [code, partial])
        assert view.text(f"{code}.streaming") == [partial]  # marked as still streaming
        assert ["in progress"] == view.text("li[data-key='step_sk7CodeInterpreter000'] .badge")
        assert "Streaming\u2026" == view.text("#connection")[0]
        assert ["true"] == [view.page.get_attribute("#output", "aria-busy")]
        for chunk in chunks[count:]:
            feed.put(chunk)
        feed.close()
        view.ended()
        assert [final] == view.text(code)
        assert [] == view.text(f"{code}.streaming")
        keywords = view.text(f"{code} .tok-keyword")
        assert ["import", "as", "import", "as"] == keywords[:4]
        assert '"saved /mnt/data/sine.png"' in view.text(f"{code} .tok-string")
        assert [
            "points: 200, max: 1.000, min: -1.000\n",
            "saved /mnt/data/sine.png\n",
        ] == view.text(".call-code pre.logs")
        assert "file-sk7SinePlot0000000" in view.text(".call-code .file-id")
        # The function call: pretty arguments and output.
        assert [
            '{\n  "location": "Paris, France",\n  "unit": "celsius"\n}',
            '{\n  "temperature": 18,\n  "conditions": "light rain",\n  "humidity": 0.82\n}',
        ] == view.text(".call-function pre.code")
        # The answer: the file_citation marker becomes a footnote reference.
        expected = testing.EXAMPLE_MESSAGE_TEXT.replace("\u30104:0\u2020weather.txt\u3011", "[1]")
        expected = expected.replace("sandbox:/mnt/data/sine.png", "sandbox:/mnt/data/sine.png[2]")
        assert [expected] == view.text(".kind-message_creation .text")
        assert [
            "weather.txt file-sk7Weather00000000",
            "sandbox:/mnt/data/sine.png file-sk7SinePlot0000000",
        ] == view.text(".kind-message_creation .citations li")
        assert ["#note-msg_sk7Answer00000000000-0-1", "#note-msg_sk7Answer00000000000-0-2"] == [
            view.page.get_attribute(f".ref:nth-of-type({n}) a", "href") for n in (1, 2)
        ]
        summary = view.text("#summary")[0]
        assert "run_sk7Example000000000000" in summary
        assert "completed" in summary
        assert "tokens: 2,552 prompt + 302 completion = 2,854" in summary
        assert "The stream ended." == view.text("#connection")[0]
        assert ["false"] == [view.page.get_attribute("#output", "aria-busy")]
        view.close()


# --- Responses ----------------------------------------------------------------------------------


def _responses_code(document: dict[str, Any]) -> str:
    items = document["responses"][0]["output"]
    (code,) = [item["code"] for item in items if item["type"] == "code_interpreter_call"]
    return str(code)


def test_responses_code_grows_then_completes_with_logs_and_cited_answer(browser: Any) -> None:
    chunks = _chunks((RECORDINGS / "demo-responses.sse").read_bytes())
    count, partial, final = _growing(chunks, _responses_code)
    with serving(title="demo-responses") as (_, feed, url):
        for chunk in chunks[:count]:
            feed.put(chunk)
        view = Page(browser, url)
        code = ".kind-code_interpreter_call pre.code"
        view.wait("([s, t]) => document.querySelector(s)?.textContent === t", [code, partial])
        assert view.text(f"{code}.streaming") == [partial]
        assert ["in progress"] == view.text(".kind-code_interpreter_call .badge")
        for chunk in chunks[count:]:
            feed.put(chunk)
        feed.close()
        view.ended()
        assert [final] == view.text(code)
        assert [] == view.text(f"{code}.streaming")
        assert "# chance of rain, from the forecast" in view.text(f"{code} .tok-comment")
        assert ["wettest: Sun 80%\n"] == view.text(".kind-code_interpreter_call pre.logs")
        # Reasoning summaries, their headings in bold.
        summaries = view.text(".kind-reasoning .summary-text")
        assert 2 == len(summaries)
        assert summaries[0].startswith("Planning the answer\n\nThe user wants")
        assert ["Planning the answer", "Checking the numbers"] == view.text(
            ".kind-reasoning strong"
        )
        # The web search: its query and its source as a link.
        assert ["Paris weather forecast this weekend rain"] == view.text(
            ".kind-web_search_call .field span:not(.label)"
        )
        assert ["https://meteofrance.com/previsions-meteo-france/paris/75000"] == [
            view.page.get_attribute(".kind-web_search_call .sources a", "href")
        ]
        # The function call's arguments, pretty.
        assert ['{\n  "location": "Paris, France",\n  "unit": "celsius"\n}'] == view.text(
            ".kind-function_call pre.code"
        )
        # The answer: the cited span is a link, each citation a numbered footnote.
        document = _export_after(chunks, len(chunks))
        message = document["responses"][0]["output"][-1]["content"][0]
        text = message["text"]
        first, second = message["annotations"]
        expected = (
            text[: first["end_index"]]
            + "[1]"
            + text[first["end_index"] : second["end_index"]]
            + "[2]"
            + text[second["end_index"] :]
        )
        assert [expected] == view.text(".kind-message .text")
        cited = view.page.locator(".kind-message .text a[target='_blank']")
        assert "Météo-France" == cited.text_content()
        assert first["url"] == cited.get_attribute("href")
        assert "noopener noreferrer nofollow" == cited.get_attribute("rel")
        assert ["paris_rain.png"] == view.text(".kind-message .text .cited")
        assert [
            "Paris forecast - Météo-France",
            "paris_rain.png cfile_sk7Example0000000000000000",
        ] == view.text(".kind-message .citations li")
        assert ["Message (final answer)"] == view.text(".kind-message h3 .kind")
        summary = view.text("#summary")[0]
        assert "tokens: 2,184 input (1,024 cached) + 412 output (128 reasoning) = 2,596" in summary
        assert "gpt-5-2025-08-07" in summary
        view.close()


# --- Reconnecting -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["demo-code-interpreter.sse", "demo-responses.sse"])
def test_a_reconnect_mid_stream_loses_nothing(browser: Any, name: str) -> None:
    """Pages that lost their connection mid-stream end exactly as one that never did.

    One page's EventSource is cut by the server (it reconnects by itself, sending
    Last-Event-ID), one is closed and resumed by hand (?last_event_id=), one is reloaded;
    the steady page watches the same stream on a server that drops nothing.
    """
    chunks = _chunks((RECORDINGS / name).read_bytes())
    third = len(chunks) // 3
    with (
        serving(title=name) as (_, steady_feed, steady_url),
        serving(title=name) as (
            server,
            feed,
            url,
        ),
    ):

        def put(part: list[bytes]) -> None:
            for chunk in part:
                steady_feed.put(chunk)
                feed.put(chunk)

        steady = Page(browser, steady_url)
        dropped, manual, reloaded = Page(browser, url), Page(browser, url), Page(browser, url)
        pages = (dropped, manual, reloaded)
        put(chunks[:third])
        first = _settled(server, third)
        for page in pages:
            page.wait("n => window.streamkitView.lastEventId?.endsWith('-' + n)", first)

        manual.page.evaluate("() => window.streamkitView.disconnect()")
        put(chunks[third : 2 * third])
        second = _settled(server, 2 * third)
        dropped.wait("n => window.streamkitView.lastEventId?.endsWith('-' + n)", second)
        assert manual.number() == first  # it missed what came meanwhile

        server.disconnect_clients()  # dropped and reloaded reconnect by themselves
        reloaded.page.reload()
        manual.page.evaluate("() => window.streamkitView.reconnect()")
        put(chunks[2 * third :])
        steady_feed.close()
        feed.close()

        for page in (steady, *pages):
            page.ended()
        snapshot = json.loads(server.call(lambda: json.dumps(server.channel.document)))
        for page in (steady, *pages):
            assert snapshot == page.page.evaluate("() => window.streamkitView.document")
            assert steady.main_html() == page.main_html()
        # The dropped and the resumed page caught up with patches, not a whole document.
        assert 1 == dropped.page.evaluate("() => window.streamkitView.resets")
        assert 1 == manual.page.evaluate("() => window.streamkitView.resets")
        assert not dropped.page.evaluate("() => window.streamkitView.connected")
        for page in (steady, *pages):
            page.close()


# --- Safety -------------------------------------------------------------------------------------

MARKUP = (
    '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
    '<b id="injected">bold</b><a href="javascript:window.__pwned=3">link</a>'
)


def _hostile_assistants_stream() -> bytes:
    """A run whose code, logs, function arguments and output, and answer hold markup."""
    code_step = streamkit.to_dict(testing.example_code_interpreter_step())
    interpreter = code_step["step_details"]["tool_calls"][0]["code_interpreter"]
    interpreter["input"] = f"print('{MARKUP}')  # {MARKUP}\n"
    interpreter["outputs"] = [{"type": "logs", "logs": MARKUP}]
    calls_step = streamkit.to_dict(testing.example_function_calls_step(calls=1, with_outputs=True))
    function = calls_step["step_details"]["tool_calls"][0]["function"]
    function["arguments"] = json.dumps({"html": MARKUP})
    function["output"] = MARKUP
    function["name"] = "get_<i>weather</i>"
    message = streamkit.to_dict(testing.example_message())
    text = message["content"][0]["text"]
    marker = "\u30104:0\u2020weather.txt\u3011"
    text["value"] = text["value"].replace(marker, MARKUP)
    start = text["value"].index(MARKUP)
    text["annotations"] = [
        {
            "type": "file_citation",
            "text": MARKUP,
            "file_citation": {"file_id": "file-<b>x</b>"},
            "start_index": start,
            "end_index": start + len(MARKUP),
        }
    ]
    message["content"] = [
        message["content"][0],
        {"type": "image_url", "image_url": {"url": "javascript:window.__pwned=4"}},
    ]
    answer = streamkit.converter.structure(message, m.Message)
    steps = [
        streamkit.converter.structure(code_step, m.RunStep),
        streamkit.converter.structure(calls_step, m.RunStep),
        testing.example_message_creation_step(answer),
    ]
    events = testing.run_events(testing.example_run(), steps, [answer], rng=random.Random(7))
    return testing.encode(events)


def _hostile_responses_stream() -> bytes:
    text = f"Answer: {MARKUP} done."
    output = [
        testing.reasoning_item("rs_1", summary=[f"**{MARKUP}**\n\n{MARKUP}"]),
        testing.web_search_call_item(
            "ws_1",
            action=testing.web_search_action(
                MARKUP, sources=[{"type": "url", "url": "javascript:window.__pwned=5"}]
            ),
        ),
        testing.code_interpreter_call_item(
            "ci_1",
            code=f"print('{MARKUP}')",
            container_id="cntr_1",
            outputs=[
                testing.code_interpreter_logs(MARKUP),
                testing.code_interpreter_image("javascript:window.__pwned=6"),
                testing.code_interpreter_image("data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="),
            ],
        ),
        testing.function_call_item(
            "fc_1", call_id="call_1", name=MARKUP, arguments=json.dumps({"q": MARKUP})
        ),
        testing.mcp_call_item(
            "mcp_1", server_label=MARKUP, name="tool", arguments="{}", output=MARKUP
        ),
        testing.file_search_call_item(
            "fs_1",
            queries=[MARKUP],
            results=[testing.file_search_result("file-1", MARKUP, MARKUP, score=0.5)],
        ),
        testing.message_item(
            "msg_1",
            [
                testing.output_text_part(
                    text,
                    annotations=[
                        testing.url_citation(
                            "javascript:window.__pwned=7",
                            MARKUP,
                            start_index=8,
                            end_index=8 + len(MARKUP),
                        )
                    ],
                )
            ],
        ),
        {"id": "x_1", "type": "x_future_item", "status": "completed", "note": MARKUP},
    ]
    final = testing.response("resp_1", output, model=MARKUP)
    return testing.encode_sse(testing.response_events(final, rng=random.Random(3)))


@pytest.mark.parametrize(
    "stream",
    [_hostile_assistants_stream, _hostile_responses_stream],
    ids=["assistants", "responses"],
)
def test_stream_text_is_escaped(browser: Any, stream: Any) -> None:
    """Markup in any stream text is shown as text: no element, no script, no javascript: link."""
    data = stream()
    assert streamkit.replay(data, strict=False).anomalies == []
    with serving() as (_, feed, url):
        for chunk in _chunks(data):
            feed.put(chunk)
        feed.close()
        view = Page(browser, url)
        view.ended()
        page = view.page
        assert page.evaluate("() => window.__pwned") is None
        assert 1 == page.evaluate("() => document.scripts.length")  # app.js alone
        assert 0 == page.evaluate("() => document.querySelectorAll('#injected, i, b').length")
        assert 0 == page.evaluate("() => document.querySelectorAll('#main img').length")
        hrefs = page.eval_on_selector_all("a", "links => links.map(a => a.getAttribute('href'))")
        assert not [href for href in hrefs if not href.startswith(("#", "http", "snapshot"))]
        shown = page.inner_text("#main")
        assert shown.count(MARKUP) >= 5
        view.close()


def test_the_page_keeps_its_content_security_policy(browser: Any) -> None:
    """Under its CSP (as a user gets it) the page works and nothing is refused."""
    with serving(title="demo-responses") as (_, feed, url):
        for chunk in _chunks((RECORDINGS / "demo-responses.sse").read_bytes()):
            feed.put(chunk)
        feed.close()
        view = Page(browser, url, csp=True)
        sync_api.expect(view.page.locator("body")).to_have_attribute(
            "data-state", "ended", timeout=TIMEOUT
        )
        sync_api.expect(view.page.locator(".kind-message .citations li")).to_have_count(2)
        view.close()  # no console error: no CSP violation either


def test_landmarks_live_region_and_phone_width(browser: Any) -> None:
    with serving(title="demo-code-interpreter") as (_, feed, url):
        for chunk in _chunks((RECORDINGS / "demo-code-interpreter.sse").read_bytes()):
            feed.put(chunk)
        feed.close()
        view = Page(browser, url, width=360)
        view.ended()
        page = view.page
        for role in ("banner", "main", "contentinfo", "status"):
            assert 1 == page.get_by_role(role).count(), role
        output = page.locator("#output")
        assert "polite" == output.get_attribute("aria-live")
        assert "Output" == page.get_by_role("region", name="Output").locator("h2").text_content()
        assert 3 == page.get_by_role("article").count()  # one card a step
        assert page.get_by_role("article", name="Tool calls step_sk7CodeInterpreter000").count()
        assert page.get_by_role("list", name="Citations").count() == 1
        assert page.evaluate("() => document.documentElement.lang") == "en"
        # Nothing wider than the phone: long code scrolls inside its block.
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
        view.close()


# A 1x1 PNG.
PIXEL = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kg"
    "AAAABJRU5ErkJggg=="
)


def test_images_the_stream_holds_are_shown(browser: Any) -> None:
    """A partial image while the image generates, then the final one; a code output image."""
    output = [
        testing.code_interpreter_call_item(
            "ci_1",
            code="plot()",
            container_id="cntr_1",
            outputs=[testing.code_interpreter_image(f"data:image/png;base64,{PIXEL}")],
        ),
        testing.image_generation_call_item(
            "ig_1", result=PIXEL, output_format="png", revised_prompt="a single pixel"
        ),
    ]
    payloads = testing.response_events(testing.response("resp_1", output), rng=random.Random(5))
    partial = next(
        index
        for index, payload in enumerate(payloads)
        if payload["type"] == "response.image_generation_call.partial_image"
    )
    with serving() as (_, feed, url):
        feed.put(testing.encode_sse(payloads[: partial + 1]))
        view = Page(browser, url)
        loaded = (
            "alt => [...document.querySelectorAll('img')]"
            ".some(i => i.alt === alt && i.complete && i.naturalWidth === 1)"
        )
        view.wait(loaded, "partial image")
        view.wait(loaded, "image output 1")
        feed.put(testing.encode_sse(payloads[partial + 1 :]))
        feed.close()
        view.ended()
        view.wait(loaded, "generated image")
        assert 0 == view.page.locator("img[alt='partial image']").count()
        assert ["a single pixel"] == view.text(
            ".kind-image_generation_call .field span:not(.label)"
        )
        view.close()
