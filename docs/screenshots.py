"""Make the README's pictures of the live web view: the finished demo pages.

    python docs/screenshots.py

Serves each bundled demo with ``streamkit._web`` and photographs the page once the stream
ended, with the system's Chromium (``/usr/bin/chromium``) driven by Playwright. Needs the
``test`` extra.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import sync_playwright

from streamkit import recordings
from streamkit._web import server as web

DOCS = Path(__file__).resolve().parent
SHOTS = {
    "demo-code-interpreter": DOCS / "web-view.png",
    "demo-responses": DOCS / "web-view-responses.png",
}


def main() -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        for name, path in SHOTS.items():
            data = (Path(recordings.__file__).parent / f"{name}.sse").read_bytes()
            feed = web.ChunkFeed()
            feed.put(data)
            feed.close()
            with web.WebServer(lambda feed=feed: web.recording_events(feed), title=name) as server:
                assert server.url is not None
                page = browser.new_page(viewport={"width": 820, "height": 900})
                page.goto(server.url)
                page.locator("body[data-state='ended']").wait_for()
                page.screenshot(path=str(path), full_page=True)
                page.close()
            print(f"wrote {path.relative_to(DOCS.parent)}")
        browser.close()


if __name__ == "__main__":
    main()
