"""What ``streamkit serve`` and ``streamkit demo --web`` do once the command line is read.

:mod:`streamkit.cli` parses the arguments and finds the source (a bundled name, a path,
stdin); this module makes the source's events, serves them (:class:`WebServer`) and reports
in the terminal: the URL, a warning when listening beyond loopback, how the stream ended.
"""

from __future__ import annotations

import sys
import webbrowser
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any, TextIO

from streamkit._web.server import (
    LOOPBACK,
    ChunkFeed,
    WebServer,
    read_into,
    recording_events,
    response_events,
    run_events,
    summary,
)

__all__ = ["EventsFactory", "recording_source", "response_source", "run_source", "serve"]

#: Makes a source's events, on the server's loop, once it is serving.
EventsFactory = Callable[[], AsyncIterator[Any]]


def recording_source(chunks: Callable[[], Iterable[bytes]], speed: float) -> EventsFactory:
    """The events of recorded bytes (read in a thread of their own), at ``speed``.

    Args:
        chunks: opens the bytes (a file's reads, stdin's), called when serving starts.
        speed: the demo's pace times this; 0 for as fast as they are read.
    """

    def events() -> AsyncIterator[Any]:
        feed = ChunkFeed()
        read_into(feed, chunks())
        return recording_events(feed, speed=speed)

    return events


def run_source(
    *, thread: str, assistant: str, api_key: str | None, base_url: str | None
) -> EventsFactory:
    """A new run's events, streamed by the client."""
    return lambda: run_events(
        thread=thread, assistant=assistant, api_key=api_key, base_url=base_url
    )


def response_source(
    *,
    model: str | None,
    input: str | None,  # the API's parameter name
    response: str | None,
    api_key: str | None,
    base_url: str | None,
) -> EventsFactory:
    """A new response's events (``model``, ``input``), or a background one's (``response``)."""
    return lambda: response_events(
        model=model, input=input, response=response, api_key=api_key, base_url=base_url
    )


def serve(
    events: EventsFactory,
    *,
    title: str | None,
    name: str,
    host: str = LOOPBACK,
    port: int = 0,
    open_browser: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Serve a stream's live view until Ctrl-C; the command's exit code.

    Args:
        events: the source.
        title: what the page calls the stream.
        name: what the terminal calls it (in error lines).
        host, port: where to listen (another host than 127.0.0.1 is warned about).
        open_browser: open the page in the default browser once listening.
        out, err: the terminal (default: stdout, stderr).

    Returns:
        0, or 1 when the address cannot be listened on or the stream failed.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    if host != LOOPBACK:
        print(
            f"streamkit: warning: listening on {host}, not {LOOPBACK}: whoever can reach this"
            " machine can read the stream (its text, code and tool calls)",
            file=err,
        )
    server = WebServer(events, title=title, host=host, port=port)
    failed = False

    def over(document: dict[str, Any]) -> None:
        nonlocal failed
        error = server.channel.error
        if error is not None:
            failed = True
            print(f"streamkit: error: {name}: {error}", file=err, flush=True)
        else:
            print(f"streamkit: {summary(document)}", file=out, flush=True)

    server.channel.on_over = over

    def ready(url: str) -> None:
        print(f"streamkit: serving {name} at {url} (Ctrl-C to stop)", file=out, flush=True)
        if open_browser:
            webbrowser.open(url)

    try:
        server.serve(ready)
    except OSError as exc:
        print(f"streamkit: error: cannot listen on {host}:{port}: {exc.strerror or exc}", file=err)
        return 1
    except KeyboardInterrupt:
        pass
    return 1 if failed else 0
