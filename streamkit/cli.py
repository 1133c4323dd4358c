"""The ``streamkit`` command line.

``main(argv) -> int`` on argparse, installed as the ``streamkit`` console
script and as ``python -m streamkit``. Each subcommand is one function taking
the parsed arguments and returning the exit code.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from itertools import chain
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs

from streamkit import __version__, models, recordings
from streamkit._assistants.accumulator import Accumulator
from streamkit._bulk import (
    NO_EVENTS,
    TABLE_SUFFIXES,
    ReplayResult,
    TableWriter,
    expand_paths,
    open_table,
    read_local,
    replay_many,
    result_rows,
    stdin_bytes,
    usage_tokens,
)
from streamkit._demo_data import DEMO_NAME, RESPONSES_DEMO_NAME
from streamkit._protocols import PROTOCOLS, Protocol, accumulator_for, protocol_of
from streamkit._responses.accumulator import ResponseAccumulator
from streamkit._sources import LocalSource, is_url
from streamkit.errors import StreamkitError
from streamkit.models import responses as rm
from streamkit.sse import SSEDecoder

__all__ = ["main"]

#: The demo streams, built with the stream builders and shipped beside the recordings: the
#: Assistants run ``demo`` plays by default, and the Responses stream (``demo responses``).
_ASSISTANTS_DEMO = DEMO_NAME.removesuffix(".sse")
_RESPONSES_DEMO = RESPONSES_DEMO_NAME.removesuffix(".sse")
_DEMOS = (_ASSISTANTS_DEMO, _RESPONSES_DEMO)
#: What ``demo NAME`` takes besides the bundled names: ``responses`` is the Responses demo.
_DEMO_ALIASES = {"responses": _RESPONSES_DEMO, "assistants": _ASSISTANTS_DEMO}
#: How many bytes ``watch`` reads to find the first event (and so the protocol); past this,
#: the stream is shown as an Assistants one (its first event decides nothing then).
_SNIFF_BYTES = 4 << 20


def _error(name: str, message: str) -> None:
    """The one error line of a source: the name as given (a URL without its userinfo, query
    or fragment, which can hold credentials), then what is wrong (and where)."""
    print(f"streamkit: error: {_shown(name)}: {message}", file=sys.stderr)


def _bundled(name: str) -> Path | None:
    """The file of the bundled recording or demo ``name``, unless a path has that name."""
    if name not in (*recordings.NAMES, *_DEMOS) or Path(name).exists():
        return None  # a real path wins over a bundled name
    return Path(recordings.__file__).parent / f"{name}.sse"


def _read_bundled(name: str) -> bytes:
    """The bytes of a bundled recording or demo."""
    return (Path(recordings.__file__).parent / f"{name}.sse").read_bytes()


def _first_protocol(data: bytes) -> Protocol:
    """The protocol of a recording in memory, from its first event (Assistants if none)."""
    decoder = SSEDecoder(dispatch_at_close=True)
    for start in range(0, len(data), 1 << 16):
        events = decoder.feed(data[start : start + (1 << 16)])
        if events:
            return protocol_of(events[0])
    events = decoder.close()
    return protocol_of(events[0]) if events else "assistants"


def _reraise_after(chunks: list[bytes], error: Exception) -> Iterator[bytes]:
    """``chunks``, then ``error``: a source's error raised where the reader meets it."""
    yield from chunks
    raise error


def _sniff(chunks: Iterator[bytes]) -> tuple[Protocol | None, Iterator[bytes]]:
    """The protocol of a byte stream, from its first event, and the stream again, whole.

    The chunks read to find the first event are kept and given back before the
    rest. None when there is no event (in the first few MiB): the caller's default.
    An error of the source (a missing file, a cut-off .gz) is raised again when the
    returned iterator reaches it, and a decoding error is left to the real reader,
    so both are reported as they are without sniffing.
    """
    decoder = SSEDecoder(dispatch_at_close=True)
    seen: list[bytes] = []
    size = 0
    while True:
        if size > _SNIFF_BYTES:
            return None, chain(seen, chunks)  # no event so far: the caller's default
        try:
            chunk = next(chunks)
        except StopIteration:
            break
        except Exception as exc:  # the source's error, raised again in its place
            return None, _reraise_after(seen, exc)
        seen.append(chunk)
        size += len(chunk)
        try:
            events = decoder.feed(chunk)
        except StreamkitError:
            return None, chain(seen, chunks)  # the reader's decoder says what is wrong
        if events:
            return protocol_of(events[0]), chain(seen, chunks)
    try:
        events = decoder.close()
    except StreamkitError:
        events = []
    return (protocol_of(events[0]) if events else None), iter(seen)


def _demo(args: argparse.Namespace) -> int:
    """A stream through the live view, then what each bundled recording holds and ends with.

    Without a RECORDING, the Assistants demo run, then every recording's summary;
    with one (``responses`` for the Responses demo), that stream live, then its summary.
    """
    name = _DEMO_ALIASES.get(args.recording, args.recording)
    if not _live_demo(name, args.speed):
        return 130  # Ctrl-C: what was received is printed
    names = [name] if name else list(recordings.NAMES)
    out = sys.stdout
    for each in names:
        data = _read_bundled(each)
        accumulator, counts, cut_off = _decode(data)
        out.write(f"{each}: {len(data):,} bytes, {sum(counts.values())} events\n")
        width = max(map(len, counts))
        for event_name, count in counts.most_common():
            out.write(f"  {event_name:<{width}}  {count:>4}\n")
        if cut_off:
            out.write("  (the last event lacks its closing blank line; kept, as for a log file)\n")
        if isinstance(accumulator, ResponseAccumulator):
            out.write(_response_outcome(accumulator))
        else:
            out.write(_outcome(accumulator or Accumulator(strict=False)))
        out.write("\n")
    if name is None:
        out.write("streamkit demo responses: the same for a Responses-API stream\n")
    return 0


def _decode(data: bytes) -> tuple[Any, Counter[str], bool]:
    """A recording's accumulator (lenient, of the first event's protocol; None without
    events), its events by name, and whether its last event lacks its blank line.

    The bytes go through the decoder in 512-byte reads, as a network would deliver
    them, not as one block.
    """
    decoder = SSEDecoder(dispatch_at_close=True)
    accumulator: Any = None
    counts: Counter[str] = Counter()

    def feed(events: Iterable[Any]) -> None:
        nonlocal accumulator
        for event in events:
            if accumulator is None:
                accumulator = accumulator_for(protocol_of(event), strict=False)
            counts[event.event] += 1
            accumulator.feed(event)

    for start in range(0, len(data), 512):
        feed(decoder.feed(data[start : start + 512]))
    cut_off = decoder.has_partial_event
    feed(decoder.close())
    return accumulator, counts, cut_off


def _live_demo(name: str | None, speed: float) -> bool:
    """Replay a stream through the live view at ``speed``; False if interrupted.

    ``name`` is a bundled recording or demo, or None for the Assistants demo run.
    """
    try:
        from streamkit import _view as view
    except ImportError:
        print("(the live view needs rich: pip install 'streamkit[cli]'; the recordings follow)\n")
        return True

    name = name or _ASSISTANTS_DEMO
    data = _read_bundled(name)
    if name == _ASSISTANTS_DEMO:
        about = f"{DEMO_NAME}: a code-interpreter run built with streamkit.testing"
    elif name == _RESPONSES_DEMO:
        about = f"{RESPONSES_DEMO_NAME}: a Responses-API stream built with streamkit.testing"
    else:
        about = f"{name}: a recorded API stream"
    live = _view_for(_first_protocol(data))
    live.console.out(f"{about}, {len(data):,} bytes, replayed live", highlight=False)
    if view.watch(view.paced(data, speed), live) is None:
        return False
    live.console.out("\nfinal snapshots:", highlight=False)
    live.console.out(live.summary(), highlight=False)
    return True


def _view_for(protocol: Protocol | None) -> Any:
    """A new live view for ``protocol`` (the Assistants one by default); needs rich."""
    if protocol == "responses":
        from streamkit._view_responses import ResponseLiveView

        return ResponseLiveView()
    from streamkit._view import LiveView

    return LiveView()


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

    The view is the first event's protocol's; with ``--protocol`` a stream of the
    other one is an error. Bad input is reported as ``replay`` reports it: one line
    naming the source and the event, exit 1 (after a summary of what was received
    before it).
    """
    try:
        from streamkit import _view as view
    except ImportError:
        print("streamkit: error: watch needs rich: pip install 'streamkit[cli]'", file=sys.stderr)
        return 1

    if args.thread is not None:
        return _watch_run(args, view)
    if args.response is not None:
        return _watch_response(args)
    name = args.source
    if name is None:
        print(
            "streamkit: error: watch takes a SOURCE, --thread and --assistant, or --response",
            file=sys.stderr,
        )
        return 2
    try:
        source: LocalSource = stdin_bytes() if name == "-" else (_bundled(name) or name)
    except OSError as exc:
        _error(name, exc.strerror or str(exc))
        return 1
    try:
        found, chunks = _sniff(read_local(source))
    except KeyboardInterrupt:
        return 130  # nothing came yet: nothing to show
    forced: Protocol | None = args.protocol
    if forced is not None and found is not None and forced != found:
        # The views refuse the other protocol's stream; said here in the command's words.
        _error(name, f"{_STREAMS[found]}, not {_STREAMS[forced]} (--protocol {forced})")
        return 1
    protocol = forced or found
    if args.speed > 0:
        chunks = _paced(chunks, args.speed, view)
    live = _view_for(protocol)
    try:
        accumulator = view.watch(chunks, live, strict=not args.lenient)
    except OSError as exc:
        _error(name, exc.strerror or str(exc))
        return 1
    except StreamkitError as exc:
        _show_received(live, "received before the error:")
        _error(name, str(exc))
        return 1
    if accumulator is None:
        return 130
    if accumulator.position == 0:
        # Bytes without an event (an HTTP error body, a wrong file): replay's error.
        _error(name, NO_EVENTS)
        return 1
    return 0


#: What a stream of each protocol builds, for the note on one that built nothing.
_OBJECTS = {"assistants": "run, step or message", "responses": "response"}
_STREAMS = {"assistants": "an Assistants run stream", "responses": "a Responses stream"}


def _show_received(live: Any, heading: str) -> None:
    """After an interruption or an error: ``heading``, then what the live view received."""
    live.console.out(heading, highlight=False)
    live.console.out(live.summary(), end="", highlight=False)


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
        _show_received(live, "\ninterrupted; received so far:")
        return 130
    except ValueError as exc:  # no API key
        print(f"streamkit: error: {exc}", file=sys.stderr)
        return 1
    return 0


def _watch_response(args: argparse.Namespace) -> int:
    """Attach to a background response and show it live (``--response``).

    Its events are streamed from the start (``GET /responses/{id}?stream=true``),
    then live; a dropped connection is resumed after the last event shown.
    """
    from streamkit._assistants.client import Client
    from streamkit._view_responses import ResponseLiveView

    live = ResponseLiveView()
    try:
        with Client(api_key=args.api_key, base_url=args.base_url) as client:
            stream = client.responses.resume(args.response, starting_after=None, handler=live)
            stream.until_done()
    except KeyboardInterrupt:
        _show_received(live, "\ninterrupted; received so far:")
        return 130
    except ValueError as exc:  # no API key
        print(f"streamkit: error: {exc}", file=sys.stderr)
        return 1
    except StreamkitError as exc:
        _show_received(live, "received before the error:")
        _error(f"response {args.response}", str(exc))
        return 1
    return 0


def _web_command() -> ModuleType | None:
    """streamkit._web.command, or None (with the error line) without the 'web' extra."""
    try:
        from streamkit._web import command
    except ImportError:
        print(
            "streamkit: error: the web view needs the 'web' extra: pip install 'streamkit[web]'",
            file=sys.stderr,
        )
        return None
    return command


def _serve(args: argparse.Namespace) -> int:
    """Serve a stream's live web view: a recording, a live run or a live response.

    The page is at ``/``, the state at ``/snapshot``, the patches at ``/events``; the
    server runs until Ctrl-C, also after the stream ended.
    """
    command = _web_command()
    if command is None:
        return 1
    live = (args.thread, args.model, args.response)
    if sum(value is not None for value in (args.source, *live)) != 1:
        print(
            "streamkit: error: serve takes one of SOURCE, --thread (with --assistant),"
            " --model (with --input) or --response",
            file=sys.stderr,
        )
        return 2
    if args.source is None and args.api_key is None and not os.environ.get("OPENAI_API_KEY"):
        print("streamkit: error: no API key: pass --api-key or set OPENAI_API_KEY", file=sys.stderr)
        return 1
    keys = {"api_key": args.api_key, "base_url": args.base_url}
    if args.thread is not None:
        if args.assistant is None:
            print("streamkit: error: --thread needs --assistant", file=sys.stderr)
            return 2
        events = command.run_source(thread=args.thread, assistant=args.assistant, **keys)
        title, name = "live run", f"run on {args.thread}"
    elif args.model is not None or args.response is not None:
        if args.model is not None and args.input is None:
            print("streamkit: error: --model needs --input", file=sys.stderr)
            return 2
        events = command.response_source(
            model=args.model, input=args.input, response=args.response, **keys
        )
        title = "live response"
        name = f"response {args.response}" if args.response else "new response"
    else:
        name = args.source
        source: LocalSource
        if name == "-":
            source, title = stdin_bytes(), "standard input"
        else:
            bundled = _bundled(name)
            source = bundled or name
            if bundled is None and not is_url(name) and not Path(name).is_file():
                _error(name, "no such file")
                return 1
            title = name if bundled else Path(name).name
        # stdin is live unless asked: pacing would hold back what a pipe already paces.
        speed = args.speed if args.speed is not None else (0.0 if name == "-" else 1.0)
        events = command.recording_source(lambda: read_local(source), speed)
    return int(
        command.serve(
            events,
            title=title,
            name=name,
            host=args.host,
            port=args.port,
            open_browser=args.open,
        )
    )


def _demo_command(args: argparse.Namespace) -> int:
    """``streamkit demo``: in the terminal, or with ``--web`` in the browser."""
    if not args.web:
        return _demo(args)
    command = _web_command()
    if command is None:
        return 1
    name = _DEMO_ALIASES.get(args.recording, args.recording) or _ASSISTANTS_DEMO
    data = _read_bundled(name)
    events = command.recording_source(lambda: [data], args.speed)
    return int(command.serve(events, title=name, name=name, port=0, open_browser=True))


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


def _response_outcome(accumulator: ResponseAccumulator) -> str:
    """What a consumer of a Responses stream ends with: final response, items, errors."""
    final = accumulator.final_response
    response = final or accumulator.response
    state = f"{final.status}" if final else "none (no terminal response event)"
    lines = [f"  ends with: final response {state}"]
    lines += [f"    {_describe_item(item)}" for item in response.output] if response else []
    lines += [f"    server error: {error.error_code}" for error in accumulator.errors]
    return "\n".join(lines) + "\n"


def _describe_item(item: rm.OutputItem) -> str:
    """An output item in a few words."""
    if isinstance(item, rm.OutputMessage):
        texts = "".join(p.text for p in item.content if isinstance(p, rm.OutputTextContent))
        return f"message {item.status}: {_clip(texts)!r}"
    if isinstance(item, rm.ReasoningItem):
        summary = " ".join(p.text for p in item.summary)
        raw = " ".join(p.text for p in item.content or ())
        return f"reasoning: {_clip(summary or raw, 60)!r}" if summary or raw else "reasoning"
    if isinstance(item, rm.FunctionToolCall):
        return f"function_call: {item.name}({_clip(item.arguments, 40)})"
    if isinstance(item, rm.CodeInterpreterToolCall):
        return f"code_interpreter_call: {_clip(item.code or '', 50)}"
    if isinstance(item, rm.WebSearchToolCall):
        query = getattr(item.action, "query", None)
        return "web_search_call" + (f": {_clip(query, 50)}" if isinstance(query, str) else "")
    if isinstance(item, rm.MCPToolCall):
        return f"mcp_call: {item.server_label}.{item.name}({_clip(item.arguments, 40)})"
    return f"{item.type or '?'} (status {getattr(item, 'status', None) or '-'})"


def _summary(result: ReplayResult) -> str:
    """One file's outcome, for people: final run, steps, messages, anomalies."""
    if result.snapshots is not None and "responses" in result.snapshots:
        return _responses_summary(result)
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
    if not (runs or snapshots["run_steps"] or snapshots["messages"]) and result.events:
        lines.append(f"  (no {_OBJECTS['assistants']} in {result.events} events)")
    lines += _anomaly_lines(result)
    return "\n".join(lines)


def _anomaly_lines(result: ReplayResult) -> list[str]:
    return [
        f"  anomaly: event {anomaly['position']} ({anomaly['event']}): {anomaly['message']}"
        for anomaly in result.anomalies
    ]


def _chars(text: Any) -> int:
    return len(text) if isinstance(text, str) else 0


def _item_lines(item: Mapping[str, Any]) -> list[str]:
    """An output item (wire JSON) for the summary: what it holds, in sizes."""
    kind = item.get("type")
    head = f"    {kind} {item.get('id') or item.get('call_id') or '?'}"
    status = item.get("status")
    head += f" {status}" if isinstance(status, str) else ""
    parts = [part for part in item.get("content") or () if isinstance(part, Mapping)]
    if kind == "message":
        texts = [p for p in parts if p.get("type") == "output_text"]
        text = sum(_chars(p.get("text")) for p in texts)
        notes = sum(len(p.get("annotations") or ()) for p in texts)
        what = f"{text:,} characters of text, {notes} annotation(s)"
        refusal = sum(_chars(p.get("refusal")) for p in parts if p.get("type") == "refusal")
        what += f", {refusal:,} characters of refusal" if refusal else ""
    elif kind == "reasoning":
        summary = [p for p in item.get("summary") or () if isinstance(p, Mapping)]
        what = (
            f"{len(summary)} summary part(s), {sum(_chars(p.get('text')) for p in summary):,}"
            " characters"
        )
        raw = sum(_chars(p.get("text")) for p in parts)
        what += f", {raw:,} characters of raw reasoning" if raw else ""
    elif kind in ("function_call", "mcp_call", "custom_tool_call"):
        field = "input" if kind == "custom_tool_call" else "arguments"
        server = f"{item.get('server_label')}." if kind == "mcp_call" else ""
        what = f"{server}{item.get('name')}, {_chars(item.get(field)):,} characters of {field}"
        if kind == "mcp_call" and item.get("output") is not None:
            what += f", {_chars(item.get('output')):,} characters of output"
        if kind == "mcp_call" and item.get("error") is not None:
            what += ", an error"
    elif kind == "code_interpreter_call":
        outputs = [o for o in item.get("outputs") or () if isinstance(o, Mapping)]
        logs = sum(1 for o in outputs if o.get("type") == "logs")
        images = sum(1 for o in outputs if o.get("type") == "image")
        what = f"{_chars(item.get('code')):,} characters of code, {logs} log(s), {images} image(s)"
    elif kind == "mcp_list_tools":
        what = f"{item.get('server_label')}, {len(item.get('tools') or ())} tool(s)"
    elif kind == "web_search_call":
        action = item.get("action")
        query = action.get("query") if isinstance(action, Mapping) else None
        if not isinstance(query, str):
            return [head]
        what = f"{_clip(query, 50)!r}"
    elif kind == "file_search_call":
        results = item.get("results")
        found = "not included" if results is None else len(results)
        what = f"{len(item.get('queries') or ())} query(ies), results: {found}"
    else:
        return [head]
    return [f"{head}: {what}"]


def _usage_line(usage: Any) -> str:
    """A response's usage (wire JSON): input (cached), output (reasoning), total tokens."""
    if not isinstance(usage, Mapping):
        return "  usage: none"

    def number(value: Any) -> str:
        return f"{value:,}" if isinstance(value, int) else "?"

    cached = (usage.get("input_tokens_details") or {}).get("cached_tokens")
    reasoning = (usage.get("output_tokens_details") or {}).get("reasoning_tokens")
    return (
        f"  usage: {number(usage.get('input_tokens'))} input"
        + (f" ({number(cached)} cached)" if isinstance(cached, int) else "")
        + f" + {number(usage.get('output_tokens'))} output"
        + (f" ({number(reasoning)} reasoning)" if isinstance(reasoning, int) else "")
        + f" = {number(usage.get('total_tokens'))} tokens"
    )


def _responses_summary(result: ReplayResult) -> str:
    """One Responses stream's outcome: each response, its items by type and size, usage."""
    responses = (result.snapshots or {}).get("responses") or []
    last = responses[-1] if responses else None
    final = f"{last['id']} {result.final_status}" if last and result.final_status else "none"
    lines = [f"{result.path}: {result.events} events; final response: {final}"]
    for response in responses:
        output = [item for item in response.get("output") or () if isinstance(item, Mapping)]
        kinds = Counter(str(item.get("type")) for item in output)
        by_type = ", ".join(f"{kind} {number}" for kind, number in kinds.items()) or "none"
        lines.append(f"  response {response.get('id')} {response.get('status')}; items: {by_type}")
        for item in output:
            lines += _item_lines(item)
        details = response.get("incomplete_details")
        if isinstance(details, Mapping) and details.get("reason"):
            lines.append(f"  incomplete: {details['reason']}")
        error = response.get("error")
        if isinstance(error, Mapping):
            lines.append(f"  error: {error.get('code')}")
        lines.append(_usage_line(response.get("usage")))
    if not responses and result.events:
        lines.append(f"  (no {_OBJECTS['responses']} in {result.events} events)")
    lines += _anomaly_lines(result)
    return "\n".join(lines)


class _Table:
    """The summary table of a bulk replay: one row a file, one a run or response, the totals.

    Built as results come (only the cells are kept, not the snapshots). A Responses
    stream's row counts output items under steps/items and its message items under
    messages; its tool calls are its ``*_call`` items. Tokens are the final usage of the
    file's runs or responses, added up.
    """

    HEADER = (
        "file",
        "events",
        "final status",
        "steps/items",
        "tool calls",
        "messages",
        "anomalies",
        "tokens",
    )

    def __init__(self) -> None:
        self.files: list[tuple[str, ...]] = []
        self.parents: list[tuple[str, ...]] = []
        self.events = 0
        self.failed = 0
        self.tokens = 0

    def add(self, r: ReplayResult) -> None:
        """Add a file's row and its runs' or responses' rows."""
        steps, messages = _sizes(r.snapshots)
        calls = ", ".join(f"{kind} {count}" for kind, count in sorted(r.tool_calls.items()))
        totals = [usage_tokens(parent.get("usage"))[2] for parent in _parents(r.snapshots)]
        counted = [total for total in totals if total is not None]
        self.tokens += sum(counted)
        self.events += r.events
        self.failed += r.error is not None
        self.files.append(
            (
                r.path,
                str(r.events),
                "error" if r.error else (r.final_status or "none"),
                str(steps),
                calls or "-",
                str(messages),
                str(len(r.anomalies)),
                f"{sum(counted):,}" if counted else "-",
            )
        )
        self.parents += _parent_rows(r)

    def render(self) -> str:
        """The table, then the runs and responses, then the totals."""
        lines = _columns([self.HEADER, *self.files])
        if self.parents:
            header = ("file", "run/response", "status", "kinds", "tokens")
            lines += ["", *_columns([header, *self.parents])]
        lines.append(
            f"{len(self.files)} file(s), {self.events} events, {self.failed} failed"
            + (f", {self.tokens:,} tokens" if self.tokens else "")
        )
        return "\n".join(lines)


def _columns(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows of cells as left-aligned columns two spaces apart."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def _parents(snapshots: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    """The runs or responses of a file's snapshots (wire JSON)."""
    if not snapshots:
        return []
    return list(snapshots.get("responses") or snapshots.get("runs") or [])


def _parent_rows(r: ReplayResult) -> list[tuple[str, ...]]:
    """A file's runs or responses: status, steps or output items by type, tokens."""
    snapshots = r.snapshots or {}
    children: dict[Any, list[Any]] = {}
    if "responses" in snapshots:
        for response in snapshots["responses"]:
            children[response.get("id")] = list(response.get("output") or ())
    else:
        for step in snapshots.get("run_steps") or ():
            children.setdefault(step.get("run_id"), []).append(step)
    rows: list[tuple[str, ...]] = []
    for parent in _parents(snapshots):
        kinds = Counter(
            str(child.get("type"))
            for child in children.get(parent.get("id"), ())
            if isinstance(child, Mapping)
        )
        given, made, total = usage_tokens(parent.get("usage"))
        tokens = "-" if total is None else f"{total:,}"
        if total is not None and given is not None and made is not None:
            tokens += f" ({given:,} in, {made:,} out)"
        rows.append(
            (
                r.path,
                str(parent.get("id")),
                str(parent.get("status") or "none"),
                ", ".join(f"{kind} {count}" for kind, count in kinds.items()) or "-",
                tokens,
            )
        )
    return rows


def _sizes(snapshots: Mapping[str, Any] | None) -> tuple[int, int]:
    """(steps or output items, messages) of a file's snapshots."""
    if not snapshots:
        return 0, 0
    if "responses" in snapshots:
        items = [
            item
            for response in snapshots["responses"]
            for item in response.get("output") or ()
            if isinstance(item, Mapping)
        ]
        return len(items), sum(1 for item in items if item.get("type") == "message")
    return len(snapshots["run_steps"]), len(snapshots["messages"])


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


def _shown(name: str) -> str:
    """A file's name for messages and tables: a URL without its userinfo, query or fragment."""
    if not is_url(name):
        return name
    from streamkit._urls import shown_url  # only for a URL: it loads the HTTP edge

    return shown_url(name)


def _expand(names: Sequence[str], *, recursive: bool) -> tuple[list[str], dict[str, str], bool]:
    """The files to replay, the names to show for some of them, and whether any failed.

    A bundled recording is shown by the name given, a URL without its secrets. A
    directory with no stream file in it, or a URL that cannot be listed, is an error
    (its line is printed here).
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
        try:
            found = expand_paths([name], recursive=recursive)
        except OSError as exc:
            _error(name, exc.strerror or str(exc))
            failed = True
            continue
        if not found:
            where = "below it" if recursive else "in it"
            _error(name, f"no .sse or .sse.gz files {where}")
            failed = True
        paths += found
    given.update((path, _shown(path)) for path in paths if is_url(path))
    return paths, given, failed


def _open_out(name: str | None) -> TableWriter | int | None:
    """The writer of ``--out`` (None without it), or the exit code of its error line."""
    if name is None:
        return None
    try:
        return open_table(name)
    except ImportError as exc:
        _error(name, str(exc))
    except OSError as exc:
        _error(name, exc.strerror or str(exc))
    return 1


def _replay(args: argparse.Namespace) -> int:
    """Accumulate each file (in parallel with --jobs) and print its final snapshots.

    With ``--out``, every run step or output item of the files that replayed (and of
    those --lenient read part of) is also written to a JSON Lines or Parquet table.
    """
    out = _open_out(args.out)
    if isinstance(out, int):
        return out
    try:
        return _replay_into(args, out)
    finally:
        if out is not None:
            out.close()


def _replay_into(args: argparse.Namespace, out: TableWriter | None) -> int:
    paths, given, failed = _expand(args.files, recursive=args.recursive)
    strict = not args.lenient
    parallel = args.jobs > 1 and len(paths) > 1 and "-" not in paths
    advance = _progress(len(paths)) if sys.stderr.isatty() and len(paths) > 1 else None
    table = _Table()
    with ProcessPoolExecutor(max_workers=args.jobs) if parallel else nullcontext() as pool:
        for replayed in replay_many(paths, pool, strict=strict, protocol=args.protocol):
            # A bundled recording is shown by the name given, a URL without its secrets.
            result = attrs.evolve(replayed, path=given.get(replayed.path, replayed.path))
            if advance is not None:
                advance()
            table.add(result)
            if result.error is not None:
                # One line naming the file; the message names the event position. An error
                # even --lenient could not go past (an unreadable or cut-off file) fails too.
                _error(result.path, result.error)
                failed = True
                if strict or result.events == 0:
                    continue
            if result.snapshots is None:
                continue  # unreadable: reported above (only then are there no snapshots)
            if out is not None:
                out.write(result_rows(result))
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
        print(table.render())
    return 1 if failed else 0


def _out_file(text: str) -> str:
    """An argparse type: a table file, ``.jsonl`` or ``.parquet``."""
    if not text.endswith(TABLE_SUFFIXES):
        msg = f"must end in {' or '.join(TABLE_SUFFIXES)}: {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return text


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


def _protocol_option(command: argparse.ArgumentParser, help_text: str) -> None:
    command.add_argument("--protocol", choices=PROTOCOLS, default=None, help=help_text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="streamkit",
        description="Consume Assistants-API run streams and Responses-API streams"
        " (Server-Sent Events).",
    )
    parser.add_argument("--version", action="version", version=f"streamkit {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="play a code-interpreter run (or RECORDING; 'responses' for a Responses-API"
        " stream) through the live view, then decode the bundled recorded streams"
        " (offline, no API key)",
    )
    demo_names = (*_DEMO_ALIASES, *_DEMOS, *recordings.NAMES)
    demo.add_argument(
        "recording",
        nargs="?",
        choices=demo_names,
        metavar="RECORDING",
        help="play this stream live and summarise it alone: responses or assistants (the"
        f" demos), or a bundled stream: {', '.join(demo_names[2:])}",
    )
    demo.add_argument(
        "--speed",
        type=_speed,
        default=1.0,
        metavar="X",
        help="pace of the live demo: 2 is twice as fast, 0 does not pause (default: 1)",
    )
    demo.add_argument(
        "--web",
        action="store_true",
        help="show it in the browser instead (the live web view of 'streamkit serve'; needs the"
        " 'web' extra), until Ctrl-C",
    )
    demo.set_defaults(run=_demo_command)

    watch = commands.add_parser(
        "watch",
        help="show a run or Responses stream live (a file, .gz, - for stdin); needs the 'cli'"
        " extra",
    )
    watch.add_argument(
        "source",
        nargs="?",
        metavar="SOURCE",
        help="a recorded stream (a file, .gz, a URL read with fsspec, or a bundled"
        " recording's name), or - for stdin",
    )
    watch.add_argument(
        "--thread", help="start a run on this thread and watch it (with --assistant)"
    )
    watch.add_argument("--assistant", help="the assistant for --thread")
    watch.add_argument(
        "--response",
        metavar="ID",
        help="attach to this background response and watch it (from its start, then live)",
    )
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
    _protocol_option(
        watch,
        "the protocol the stream must be (default: the first event's; the other is an error)",
    )
    watch.set_defaults(run=_watch)

    serve_command = commands.add_parser(
        "serve",
        help="show a run or Responses stream live in the browser (a recording, or a live run or"
        " response through the client) and serve it as JSON patches; needs the 'web' extra",
    )
    serve_command.add_argument(
        "source",
        nargs="?",
        metavar="SOURCE",
        help="a recorded stream of either API (a file, .gz, a URL read with fsspec, or a bundled"
        " recording's name), or - for stdin",
    )
    serve_command.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to listen on (default: 127.0.0.1, this machine only; any other is"
        " warned about: whoever reaches it reads the stream)",
    )
    serve_command.add_argument(
        "--port", type=int, default=8766, help="the port (default: 8766; 0 picks a free one)"
    )
    serve_command.add_argument(
        "--speed",
        type=_speed,
        default=None,
        metavar="X",
        help="replay a recording at the demo's pace times X (default: 1; stdin: 0, as it comes)",
    )
    serve_command.add_argument(
        "--open", action="store_true", help="open the page in the default browser"
    )
    serve_command.add_argument(
        "--thread", help="start a run on this thread and serve it (with --assistant)"
    )
    serve_command.add_argument("--assistant", help="the assistant for --thread")
    serve_command.add_argument(
        "--model", help="create a response with this model and serve it (with --input)"
    )
    serve_command.add_argument("--input", help="the input text for --model")
    serve_command.add_argument(
        "--response",
        metavar="ID",
        help="attach to this background response and serve it (from its start, then live)",
    )
    serve_command.add_argument(
        "--base-url",
        help="the API's URL (default: OPENAI_BASE_URL, else OpenAI); e.g. streamkit serve-mock's",
    )
    serve_command.add_argument(
        "--api-key", help="the API key (default: OPENAI_API_KEY); never sent to the page"
    )
    serve_command.set_defaults(run=_serve)

    replay_command = commands.add_parser(
        "replay", help="accumulate recorded streams (files, .gz, - for stdin) into final snapshots"
    )
    replay_command.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="a recorded stream (a file, .gz, a URL such as s3://... or https://... read with"
        " fsspec, - for stdin, or a bundled recording's name), or a directory (a path or a"
        " URL ending in /) or URL pattern: its .sse and .sse.gz files",
    )
    replay_command.add_argument(
        "--json",
        action="store_true",
        help='print {"runs": [...], "run_steps": [...], "messages": [...]} per file'
        ' ({"responses": [...]} for a Responses stream)',
    )
    replay_command.add_argument(
        "--out",
        type=_out_file,
        metavar="FILE",
        help="also write one row per run step or output item to FILE.jsonl, or FILE.parquet"
        " (needs pyarrow): its run or response, type, status, tool, times and tokens",
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
    _protocol_option(
        replay_command,
        "read every file as this protocol (default: told from each file's first event)",
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
