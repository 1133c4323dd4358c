"""The ``streamkit`` command line.

``main(argv) -> int`` on argparse, installed as the ``streamkit`` console
script and as ``python -m streamkit``. Each subcommand is one function taking
the parsed arguments and returning the exit code.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence

from . import __version__, recordings
from .errors import StreamkitError
from .sse import SSEDecoder

__all__ = ["main"]


def _demo(args: argparse.Namespace) -> int:
    """Decode bundled recordings and say what they hold: event counts by name."""
    names = [args.recording] if args.recording else list(recordings.NAMES)
    out = sys.stdout
    for name in names:
        data = recordings.read_bytes(name)
        # The recording goes through the decoder in 512-byte reads, as a
        # network would deliver it, not as one block.
        decoder = SSEDecoder(dispatch_at_close=True)
        events = []
        for start in range(0, len(data), 512):
            events += decoder.feed(data[start : start + 512])
        cut_off = decoder.has_partial_event
        events += decoder.close()
        counts = Counter(event.event for event in events)
        out.write(f"{name}: {len(data):,} bytes, {len(events)} events\n")
        width = max(map(len, counts))
        for event_name, count in counts.most_common():
            out.write(f"  {event_name:<{width}}  {count:>4}\n")
        if cut_off:
            out.write("  (the last event lacks its closing blank line; kept, as for a log file)\n")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="streamkit",
        description="Consume Assistants-API run streams (Server-Sent Events).",
    )
    parser.add_argument("--version", action="version", version=f"streamkit {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        "demo", help="decode the bundled recorded streams (offline, no API key)"
    )
    demo.add_argument(
        "recording",
        nargs="?",
        choices=recordings.NAMES,
        metavar="RECORDING",
        help=f"one bundled recording (default: all): {', '.join(recordings.NAMES)}",
    )
    demo.set_defaults(run=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except StreamkitError as exc:
        print(f"streamkit: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # `streamkit demo | head` closes the pipe early; that is not an error.
        return 0
