"""The ``streamkit`` command line.

``main(argv) -> int`` on argparse, installed as the ``streamkit`` console
script and as ``python -m streamkit``. Each subcommand is one function taking
the parsed arguments and returning the exit code.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from typing import Any

from . import __version__, models, recordings
from .accumulate import Accumulator
from .convert import to_dict
from .errors import StreamkitError
from .replay import replay
from .sse import SSEDecoder

__all__ = ["main"]


def _demo(args: argparse.Namespace) -> int:
    """Decode and accumulate bundled recordings; say what they hold and end with."""
    names = [args.recording] if args.recording else list(recordings.NAMES)
    out = sys.stdout
    for name in names:
        data = recordings.read_bytes(name)
        # The recording goes through the decoder in 512-byte reads, as a
        # network would deliver it, not as one block.
        decoder = SSEDecoder(dispatch_at_close=True)
        accumulator = Accumulator(strict=False)
        counts: Counter[str] = Counter()
        for start in range(0, len(data), 512):
            for event in decoder.feed(data[start : start + 512]):
                counts[event.event] += 1
                accumulator.feed(event)
        cut_off = decoder.has_partial_event
        for event in decoder.close():
            counts[event.event] += 1
            accumulator.feed(event)
        out.write(f"{name}: {len(data):,} bytes, {sum(counts.values())} events\n")
        width = max(map(len, counts))
        for event_name, count in counts.most_common():
            out.write(f"  {event_name:<{width}}  {count:>4}\n")
        if cut_off:
            out.write("  (the last event lacks its closing blank line; kept, as for a log file)\n")
        out.write(_outcome(accumulator))
        out.write("\n")
    return 0


def _clip(text: str, size: int = 72) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= size else flat[: size - 1] + "\N{HORIZONTAL ELLIPSIS}"


def _describe_call(call: models.ToolCall) -> str:
    if isinstance(call, models.FunctionToolCall):
        function = call.function
        output = "" if function.output is None else f" -> {_clip(function.output, 30)}"
        return f"{function.name}({_clip(function.arguments, 40)}){output}"
    if isinstance(call, models.FileSearchToolCall):
        return f"file_search, {len(call.file_search.results or ())} result(s)"
    if isinstance(call, models.CodeInterpreterToolCall):
        return f"code_interpreter: {_clip(call.code_interpreter.input, 50)}"
    return f"{call.type} (a tool call type this version does not know)"


def _outcome(accumulator: Accumulator) -> str:
    """What a consumer ends with: final run, tool calls, message texts, errors."""
    final = accumulator.final_run
    lines = [
        "  ends with: final run " + (f"{final.status}" if final else "none (no terminal run event)")
    ]
    for step in accumulator.run_steps.values():
        details = step.step_details
        calls = details.tool_calls if isinstance(details, models.ToolCallsStepDetails) else ()
        lines += [f"    step {step.status}: {_describe_call(call)}" for call in calls]
    for message in accumulator.messages.values():
        lines += [
            f"    message {message.status}: {_clip(block.text.value)!r}"
            for block in message.content
            if isinstance(block, models.TextContentBlock)
        ]
    lines += [f"    server error: {error.type}" for error in accumulator.errors]
    return "\n".join(lines) + "\n"


def _snapshots(accumulator: Accumulator, *, lenient: bool) -> dict[str, Any]:
    """The final snapshots in wire form, as ``streamkit replay --json`` prints them."""
    result: dict[str, Any] = {
        "runs": [to_dict(run) for run in accumulator.runs.values()],
        "run_steps": [to_dict(step) for step in accumulator.run_steps.values()],
        "messages": [to_dict(message) for message in accumulator.messages.values()],
    }
    if lenient:
        result["anomalies"] = [
            {
                "kind": a.kind,
                "position": a.position,
                "event": a.event,
                "object_id": a.object_id,
                "path": a.path,
                "message": a.message,
            }
            for a in accumulator.anomalies
        ]
    return result


def _summary(name: str, accumulator: Accumulator) -> str:
    final = accumulator.final_run
    lines = [
        f"{name}: {accumulator.position} events; final run: "
        + (f"{final.id} {final.status}" if final is not None else "none"),
    ]
    lines += [
        f"  step {step.id} {step.type} {step.status}" for step in accumulator.run_steps.values()
    ]
    lines += [
        f"  message {message.id} {message.status}, {len(message.content)} block(s)"
        for message in accumulator.messages.values()
    ]
    lines += [
        f"  anomaly: event {anomaly.position} ({anomaly.event}): {anomaly.message}"
        for anomaly in accumulator.anomalies
    ]
    return "\n".join(lines)


def _replay(args: argparse.Namespace) -> int:
    """Accumulate each file and print its final snapshots."""
    status = 0
    for name in args.files:
        source: Any = sys.stdin.buffer if name == "-" else name
        try:
            accumulator = replay(source, strict=not args.lenient)
        except StreamkitError as error:
            # One line naming the file; the message names the event position.
            print(f"streamkit: error: {name}: {error}", file=sys.stderr)
            status = 1
            continue
        except OSError as error:
            print(f"streamkit: error: {name}: {error.strerror or error}", file=sys.stderr)
            status = 1
            continue
        if args.json:
            print(json.dumps(_snapshots(accumulator, lenient=args.lenient), ensure_ascii=False))
        else:
            print(_summary(name, accumulator))
    return status


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

    replay_command = commands.add_parser(
        "replay", help="accumulate recorded streams (files, .gz, - for stdin) into final snapshots"
    )
    replay_command.add_argument("files", nargs="+", metavar="FILE", help="a recorded stream")
    replay_command.add_argument(
        "--json",
        action="store_true",
        help='print {"runs": [...], "run_steps": [...], "messages": [...]} per file',
    )
    replay_command.add_argument(
        "--lenient",
        action="store_true",
        help="record bad input as anomalies and go on; print the partial result",
    )
    replay_command.set_defaults(run=_replay)

    serve = commands.add_parser(
        "serve-mock",
        help="serve the Runs endpoints on loopback from recordings (needs the 'mock' extra)",
        add_help=False,
    )
    serve.set_defaults(run=None)
    return parser


def _serve_mock(argv: Sequence[str]) -> int:
    """``streamkit serve-mock ...``: the mock server's own command line."""
    try:
        from .mockserver import main as serve
    except ImportError:
        print(
            "streamkit: error: serve-mock needs the 'mock' extra: pip install 'streamkit[mock]'",
            file=sys.stderr,
        )
        return 1
    return serve(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["serve-mock"]:
        return _serve_mock(arguments[1:])
    args = _parser().parse_args(arguments)
    try:
        return int(args.run(args))
    except StreamkitError as exc:
        print(f"streamkit: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # `streamkit demo | head` closes the pipe early; that is not an error.
        return 0
