"""The mock server's command line, for ``python -m streamkit.mockserver`` and ``serve-mock``."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from streamkit import recordings
from streamkit.mockserver._server import MockAssistantsServer
from streamkit.mockserver._state import Scene

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Serve recordings until interrupted: ``python -m streamkit.mockserver --recording text-run``.

    Prints the base URL (``http://127.0.0.1:PORT/v1``) on its own line first.

    Args:
        argv: the arguments (default: ``sys.argv[1:]``).

    Returns:
        The exit status.
    """
    parser = argparse.ArgumentParser(
        prog="python -m streamkit.mockserver",
        description="Serve Assistants-API run streams on a local mock of the Runs endpoints.",
    )
    parser.add_argument(
        "--recording",
        action="append",
        metavar="NAME_OR_PATH",
        help=(
            "a scene: a bundled recording (" + ", ".join(recordings.NAMES) + ") or an .sse "
            "file; repeat for several, served in order (default: text-run)"
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port; 0 picks a free one")
    parser.add_argument("--api-key", help="require 'Authorization: Bearer API_KEY'")
    parser.add_argument("--chunk-size", type=int, default=64, help="bytes per chunk")
    parser.add_argument("--chunk-delay", type=float, default=0.0, help="seconds between chunks")
    parser.add_argument("--repeat", action="store_true", help="start the script over when done")
    parser.add_argument(
        "--no-beta-header",
        action="store_true",
        help="do not require 'OpenAI-Beta: assistants=v2'",
    )
    args = parser.parse_args(argv)
    names: list[str] = args.recording or ["text-run"]
    try:
        scenes = [Scene(name if name in recordings.NAMES else Path(name)) for name in names]
    except OSError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    server = MockAssistantsServer(
        script=scenes,
        api_key=args.api_key,
        chunk_size=args.chunk_size,
        chunk_delay=args.chunk_delay,
        require_beta_header=not args.no_beta_header,
        repeat=args.repeat,
        host=args.host,
        port=args.port,
    )
    try:
        print(server.start(), flush=True)
    except (OSError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0
