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
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from pathlib import Path
from types import ModuleType

import attrs

from streamkit import __version__, models, recordings
from streamkit._assistants.accumulator import Accumulator
from streamkit._bulk import (
    NO_EVENTS,
    ReplayResult,
    expand_paths,
    read_local,
    replay_many,
    stdin_bytes,
)
from streamkit._sources import LocalSource
from streamkit.errors import StreamkitError
from streamkit.sse import SSEDecoder

__all__ = ["main"]


def _error(name: str, message: str) -> None:
    """The one error line of a source: the name as given, then what is wrong (and where)."""
    print(f"streamkit: error: {name}: {message}", file=sys.stderr)


def _bundled(name: str) -> Path | None:
    """The file of the bundled recording ``name``, unless a file or directory has that name."""
    if name not in recordings.NAMES or Path(name).exists():
        return None  # a real path wins over a bundled name
    return Path(recordings.__file__).parent / f"{name}.sse"


def _demo(args: argparse.Namespace) -> int:
    """A run through the live view, then what each bundled recording holds and ends with.

    Without a RECORDING, the demo run, then every recording's summary; with
    one, that recording live, then its summary.
    """
    if not _live_demo(args.recording, args.speed):
        return 130  # Ctrl-C: what was received is printed
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


def _live_demo(name: str | None, speed: float) -> bool:
    """Replay a recording through the live view at ``speed``; False if interrupted.

    ``name`` is a bundled recording, or None for the demo run.
    """
    try:
        from streamkit import _view as view
    except ImportError:
        print("(the live view needs rich: pip install 'streamkit[cli]'; the recordings follow)\n")
        return True
    from streamkit._demo_data import DEMO_NAME, read_demo

    if name is None:
        data = read_demo()
        about = f"{DEMO_NAME}: a code-interpreter run built with streamkit.testing"
    else:
        data = recordings.read_bytes(name)
        about = f"{name}: a recorded API stream"
    live = view.LiveView()
    live.console.out(f"{about}, {len(data):,} bytes, replayed live", highlight=False)
    if view.watch(view.paced(data, speed), live) is None:
        return False
    live.console.out("\nfinal snapshots:", highlight=False)
    live.console.out(live.summary(), highlight=False)
    return True


def _speed(text: str) -> float:
    """An argparse type: a pace factor, 0 or more."""
    value = float(text)
    if not value >= 0:
        msg = f"speed must be 0 or more, not {text}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _paced(chunks: Iterable[bytes], speed: float, view: ModuleType) -> Iterator[bytes]:
    """``chunks`` read whole, then yielded at the demo's pace times ``speed``.

    A cut-off gzip file is played up to the break, then its error raised, so
    the error names the events read as without ``--speed``.
    """
    data = bytearray()
    error: StreamkitError | None = None
    try:
        for chunk in chunks:
            data += chunk
    except StreamkitError as exc:
        error = exc
    yield from view.paced(bytes(data), speed)
    if error is not None:
        raise error


def _watch(args: argparse.Namespace) -> int:
    """Show a recorded or piped stream in the live view (plain lines when not a terminal).

    Bad input is reported as ``replay`` reports it: one line naming the source
    and the event, exit 1 (after a summary of what was received before it).
    """
    try:
        from streamkit import _view as view
    except ImportError:
        print("streamkit: error: watch needs rich: pip install 'streamkit[cli]'", file=sys.stderr)
        return 1

    if args.thread is not None:
        return _watch_run(args, view)
    name = args.source
    if name is None:
        print(
            "streamkit: error: watch takes a SOURCE, or --thread and --assistant", file=sys.stderr
        )
        return 2
    try:
        source: LocalSource = stdin_bytes() if name == "-" else (_bundled(name) or name)
    except OSError as exc:
        _error(name, exc.strerror or str(exc))
        return 1
    chunks = read_local(source)
    if args.speed > 0:
        chunks = _paced(chunks, args.speed, view)
    live = view.LiveView()
    try:
        accumulator = view.watch(chunks, live, strict=not args.lenient)
    except OSError as exc:
        _error(name, exc.strerror or str(exc))
        return 1
    except StreamkitError as exc:
        live.console.out("received before the error:", highlight=False)
        live.console.out(live.summary(), end="", highlight=False)
        _error(name, str(exc))
        return 1
    if accumulator is None:
        return 130
    if accumulator.position == 0:
        # Bytes without an event (an HTTP error body, a wrong file): replay's error.
        _error(name, NO_EVENTS)
        return 1
    return 0


def _watch_run(args: argparse.Namespace, view: ModuleType) -> int:
    """Start a run through the client and show it live (``--thread``/``--assistant``)."""
    from streamkit._assistants.client import Client

    if args.assistant is None:
        print("streamkit: error: --thread needs --assistant", file=sys.stderr)
        return 2
    live = view.LiveView()
    try:
        with Client(api_key=args.api_key, base_url=args.base_url) as client:
            stream = client.runs.stream(args.thread, assistant_id=args.assistant, handler=live)
            stream.until_done()
    except KeyboardInterrupt:
        live.console.out("\ninterrupted; received so far:", highlight=False)
        live.console.out(live.summary(), end="", highlight=False)
        return 130
    except ValueError as exc:  # no API key
        print(f"streamkit: error: {exc}", file=sys.stderr)
        return 1
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


def _summary(result: ReplayResult) -> str:
    """One file's outcome, for people: final run, steps, messages, anomalies."""
    snapshots = result.snapshots or {"runs": [], "run_steps": [], "messages": []}
    runs = snapshots["runs"]
    final = f"{runs[-1]['id']} {result.final_status}" if runs and result.final_status else "none"
    lines = [f"{result.path}: {result.events} events; final run: {final}"]
    lines += [
        f"  step {step.get('id')} {step.get('type')} {step.get('status')}"
        for step in snapshots["run_steps"]
    ]
    lines += [
        f"  message {message.get('id')} {message.get('status')}, "
        f"{len(message.get('content') or [])} block(s)"
        for message in snapshots["messages"]
    ]
    lines += [
        f"  anomaly: event {anomaly['position']} ({anomaly['event']}): {anomaly['message']}"
        for anomaly in result.anomalies
    ]
    return "\n".join(lines)


def _table(results: list[ReplayResult]) -> str:
    """The summary table of a bulk replay: one row a file, then the totals."""
    header = ("file", "events", "final run", "steps", "tool calls", "messages", "anomalies")
    rows = []
    for r in results:
        snapshots = r.snapshots or {"run_steps": [], "messages": []}
        calls = ", ".join(f"{kind} {count}" for kind, count in sorted(r.tool_calls.items()))
        rows.append(
            (
                r.path,
                str(r.events),
                "error" if r.error else (r.final_status or "none"),
                str(len(snapshots["run_steps"])),
                calls or "-",
                str(len(snapshots["messages"])),
                str(len(r.anomalies)),
            )
        )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    failed = sum(1 for r in results if r.error)
    lines.append(
        f"{len(results)} file(s), {sum(r.events for r in results)} events, {failed} failed"
    )
    return "\n".join(lines)


def _progress(total: int) -> Callable[..., None]:
    """A progress bar on stderr for a long bulk replay: rich's if installed, else a counter."""
    try:
        from rich.console import Console
        from rich.progress import Progress
    except ImportError:
        count = [0]

        def tick(*, finish: bool = False) -> None:
            if finish:
                print(file=sys.stderr)
                return
            count[0] += 1
            print(f"\rreplayed {count[0]}/{total}", end="", file=sys.stderr, flush=True)

        return tick
    progress = Progress(console=Console(stderr=True), transient=True)
    task = progress.add_task("replaying", total=total)
    progress.start()

    def advance(*, finish: bool = False) -> None:
        if finish:
            progress.stop()
        else:
            progress.advance(task)

    return advance


def _expand(names: Sequence[str], *, recursive: bool) -> tuple[list[str], dict[str, str], bool]:
    """The files to replay, the names given for bundled recordings' files, and whether any failed.

    A directory with no stream file in it is an error (its line is printed here).
    """
    paths: list[str] = []
    given: dict[str, str] = {}
    failed = False
    for name in names:
        bundled = None if name == "-" else _bundled(name)
        if bundled is not None:
            paths.append(str(bundled))
            given[str(bundled)] = name
            continue
        found = expand_paths([name], recursive=recursive)
        if not found:
            where = "below it" if recursive else "in it"
            _error(name, f"no .sse or .sse.gz files {where}")
            failed = True
        paths += found
    return paths, given, failed


def _replay(args: argparse.Namespace) -> int:
    """Accumulate each file (in parallel with --jobs) and print its final snapshots."""
    paths, given, failed = _expand(args.files, recursive=args.recursive)
    strict = not args.lenient
    parallel = args.jobs > 1 and len(paths) > 1 and "-" not in paths
    advance = _progress(len(paths)) if sys.stderr.isatty() and len(paths) > 1 else None
    results: list[ReplayResult] = []
    with ProcessPoolExecutor(max_workers=args.jobs) if parallel else nullcontext() as pool:
        for replayed in replay_many(paths, pool, strict=strict):
            # A bundled recording is shown by the name given, not its file's path.
            result = attrs.evolve(replayed, path=given.get(replayed.path, replayed.path))
            if advance is not None:
                advance()
            results.append(result)
            if result.error is not None:
                # One line naming the file; the message names the event position. An error
                # even --lenient could not go past (an unreadable or cut-off file) fails too.
                _error(result.path, result.error)
                failed = True
                if strict or result.events == 0:
                    continue
            if result.snapshots is None:
                continue  # unreadable: reported above (only then are there no snapshots)
            if args.json:
                line = dict(result.snapshots)
                if args.lenient:
                    line["anomalies"] = result.anomalies
                print(json.dumps(line, ensure_ascii=False))
            elif len(paths) == 1:
                print(_summary(result))
    if advance is not None:
        advance(finish=True)
    if not args.json and len(paths) > 1:
        print(_table(results))
    return 1 if failed else 0


def _jobs(text: str) -> int:
    """An argparse type: how many processes, 1 or more."""
    try:
        value = int(text)
    except ValueError:
        msg = f"not a whole number: {text!r}"
        raise argparse.ArgumentTypeError(msg) from None
    if value < 1:
        msg = f"must be 1 or more, not {text}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="streamkit",
        description="Consume Assistants-API run streams (Server-Sent Events).",
    )
    parser.add_argument("--version", action="version", version=f"streamkit {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="play a code-interpreter run (or RECORDING) through the live view, then decode"
        " the bundled recorded streams (offline, no API key)",
    )
    demo.add_argument(
        "recording",
        nargs="?",
        choices=recordings.NAMES,
        metavar="RECORDING",
        help="play this bundled recording live and summarise it alone:"
        f" {', '.join(recordings.NAMES)}",
    )
    demo.add_argument(
        "--speed",
        type=_speed,
        default=1.0,
        metavar="X",
        help="pace of the live demo: 2 is twice as fast, 0 does not pause (default: 1)",
    )
    demo.set_defaults(run=_demo)

    watch = commands.add_parser(
        "watch", help="show a run stream live (a file, .gz, - for stdin); needs the 'cli' extra"
    )
    watch.add_argument(
        "source",
        nargs="?",
        metavar="SOURCE",
        help="a recorded stream (a file, .gz, or a bundled recording's name), or - for stdin",
    )
    watch.add_argument(
        "--thread", help="start a run on this thread and watch it (with --assistant)"
    )
    watch.add_argument("--assistant", help="the assistant for --thread")
    watch.add_argument("--base-url", help="the API's URL (default: OPENAI_BASE_URL, else OpenAI)")
    watch.add_argument("--api-key", help="the API key (default: OPENAI_API_KEY)")
    watch.add_argument(
        "--speed",
        type=_speed,
        default=0.0,
        metavar="X",
        help="replay at the demo's pace times X (default: 0, as fast as it reads)",
    )
    watch.add_argument(
        "--lenient",
        action="store_true",
        help="record bad events as anomalies and go on, instead of stopping at the first",
    )
    watch.set_defaults(run=_watch)

    replay_command = commands.add_parser(
        "replay", help="accumulate recorded streams (files, .gz, - for stdin) into final snapshots"
    )
    replay_command.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="a recorded stream (a file, .gz, - for stdin, or a bundled recording's name),"
        " or a directory: its .sse and .sse.gz files",
    )
    replay_command.add_argument(
        "--json",
        action="store_true",
        help='print {"runs": [...], "run_steps": [...], "messages": [...]} per file',
    )
    replay_command.add_argument(
        "--recursive",
        "-r",
        action="store_true",
        help="in a directory, also read the files of its subdirectories",
    )
    replay_command.add_argument(
        "--jobs", type=_jobs, default=1, metavar="N", help="replay N files at a time (processes)"
    )
    replay_command.add_argument(
        "--lenient",
        action="store_true",
        help="record bad input as anomalies and go on; print the partial result",
    )
    replay_command.set_defaults(run=_replay)

    serve = commands.add_parser(
        "serve-mock",
        help="serve the Runs, Threads and Messages endpoints on loopback (port 8765) from"
        " recordings or --function (needs the 'mock' extra)",
        add_help=False,
    )
    serve.set_defaults(run=None)
    return parser


def _serve_mock(argv: Sequence[str]) -> int:
    """``streamkit serve-mock ...``: the mock server's own command line."""
    try:
        from streamkit.mockserver import main as serve
    except ImportError:
        print(
            "streamkit: error: serve-mock needs the 'mock' extra: pip install 'streamkit[mock]'",
            file=sys.stderr,
        )
        return 1
    return serve(argv, prog="streamkit serve-mock")


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
