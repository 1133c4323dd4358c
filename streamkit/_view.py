"""The live terminal view of a run stream (``streamkit watch``, ``streamkit demo``); needs rich.

:class:`LiveView` is an :class:`~streamkit.EventHandler`: run a stream through it with
:func:`streamkit.consume` (or :func:`watch`, which also handles Ctrl-C) and it shows

* one panel per run step: code-interpreter input highlighted as Python and growing as it
  streams, its logs and image outputs (as file ids) below it; function calls with their name
  and arguments (pretty JSON once the call is done) and output; file-search result counts;
* message text with its citations (annotation text -> file id), inside the panel of the
  ``message_creation`` step that wrote it;
* a footer with the run's status and token usage (``run.usage``) once known.

On a terminal it updates in place (:class:`rich.live.Live`, about ten times a second); when the
console is not a terminal it prints plain lines instead -- text, code and log fragments as they
arrive, and a line for each step, message and run that ends -- without ANSI escapes.

The view keeps only the latest snapshot of each run, step and message (what the callbacks hand
it) and, in plain mode, how much of each streamed text it has printed. ``import streamkit`` does
not import this module; it needs the ``cli`` extra (``pip install 'streamkit[cli]'``).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.panel import Panel
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from streamkit import models as m
from streamkit._assistants.accumulator import Accumulator
from streamkit._assistants.handlers import EventHandler, consume

__all__ = ["LiveView", "paced", "watch"]

_STATUS_STYLE = {
    "completed": "green",
    "in_progress": "cyan",
    "queued": "cyan",
    "requires_action": "yellow",
    "cancelling": "yellow",
    "incomplete": "yellow",
    "failed": "red",
    "cancelled": "red",
    "expired": "red",
}


def _clip(text: str, size: int = 72) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= size else flat[: size - 1] + "\N{HORIZONTAL ELLIPSIS}"


def _pretty_json(text: str) -> str | None:
    """``text`` indented as JSON, or None when it is not JSON."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return json.dumps(value, indent=2, ensure_ascii=False)


def _usage(usage: m.RunUsage | m.RunStepUsage | None) -> str:
    if usage is None:
        return ""
    return (
        f"tokens: {usage.prompt_tokens:,} prompt + {usage.completion_tokens:,} completion"
        f" = {usage.total_tokens:,}"
    )


def _annotation(annotation: m.Annotation) -> tuple[str, str]:
    """An annotation's text and the file id it points to."""
    if isinstance(annotation, m.FileCitationAnnotation):
        return annotation.text, annotation.file_citation.file_id
    if isinstance(annotation, m.FilePathAnnotation):
        return annotation.text, annotation.file_path.file_id
    return str(annotation.raw.get("text", "")), str(annotation.type)


def _call_id(call: m.ToolCall) -> str:
    return call.raw.get("id", "?") if isinstance(call, m.UnknownObject) else call.id


class LiveView(EventHandler):
    """An :class:`~streamkit.EventHandler` that shows a run stream in the terminal with rich.

    ``streamkit.consume(source, LiveView(console))`` drives it; the live display starts with
    the first callback and stops at ``on_end`` (also after an exception or Ctrl-C), leaving the
    last screen in place.

    Args:
        console: where to draw (default: a new :class:`rich.console.Console` on stdout).
        live: update in place (True) or print plain lines (False); by default, whether the
            console is a terminal.
        refresh_per_second: how often the live display redraws.
    """

    def __init__(
        self,
        console: Console | None = None,
        *,
        live: bool | None = None,
        refresh_per_second: float = 10.0,
    ) -> None:
        self.console = console if console is not None else Console()
        self.live = self.console.is_terminal if live is None else live
        self.refresh_per_second = refresh_per_second
        self.run: m.Run | None = None
        self.steps: dict[str, m.RunStep] = {}
        self.messages: dict[str, m.Message] = {}
        self.errors: list[m.ErrorObject] = []
        self._done_calls: set[str] = set()
        self._lock = threading.RLock()
        self._display: Live | None = None
        # Plain mode: what has been printed of each streamed text, and where the cursor is.
        self._printed: dict[tuple[str, ...], int] = {}
        self._stream: tuple[str, ...] | None = None
        self._at_line_start = True
        self._last_status: dict[str, str] = {}

    # -- the screen --

    def render(self) -> RenderableType:
        """The current screen: a panel per step, messages no step shows, then the footer."""
        with self._lock:
            shown: set[str] = set()
            parts: list[RenderableType] = [
                self._step_panel(step, shown) for step in self.steps.values()
            ]
            parts += [
                self._message_panel(message)
                for message in self.messages.values()
                if message.id not in shown
            ]
            parts.append(self._footer())
            return Group(*parts)

    def __rich__(self) -> RenderableType:
        return self.render()

    def _step_panel(self, step: m.RunStep, shown: set[str]) -> Panel:
        details = step.step_details
        body: RenderableType
        if isinstance(details, m.ToolCallsStepDetails):
            calls = [self._tool_call(call, step) for call in details.tool_calls]
            body = Group(*calls) if calls else Text("(no tool calls yet)", style="dim")
        elif isinstance(details, m.MessageCreationStepDetails):
            message_id = details.message_creation.message_id
            message = self.messages.get(message_id)
            if message is None:
                body = Text(f"message {message_id}", style="dim")
            else:
                shown.add(message_id)
                body = self._message_body(message)
        else:
            body = Text(f"{details.type} (a step type this version does not know)")
        title = Text.assemble(("step ", "bold"), (step.type, "bold"), f" {step.id}")
        return Panel(
            body,
            title=title,
            title_align="left",
            subtitle=Text(step.status, style=_STATUS_STYLE.get(step.status, "")),
            subtitle_align="right",
            border_style=_STATUS_STYLE.get(step.status, "white"),
        )

    def _call_done(self, call: m.ToolCall, step: m.RunStep) -> bool:
        return step.status != "in_progress" or _call_id(call) in self._done_calls

    def _tool_call(self, call: m.ToolCall, step: m.RunStep) -> RenderableType:
        if isinstance(call, m.CodeInterpreterToolCall):
            interpreter = call.code_interpreter
            head = Text.assemble(("code_interpreter", "bold magenta"), f" {call.id}")
            code: RenderableType = (
                Syntax(
                    interpreter.input.rstrip("\n"),
                    "python",
                    theme="monokai",
                    background_color="default",
                    word_wrap=True,
                )
                if interpreter.input
                else Text("\N{HORIZONTAL ELLIPSIS}", style="dim")
            )
            outputs = Table.grid(padding=(0, 1))
            outputs.add_column(style="bold yellow", no_wrap=True, min_width=5)
            outputs.add_column()
            for output in interpreter.outputs:
                if isinstance(output, m.CodeInterpreterOutputLogs):
                    outputs.add_row("logs", Text(output.logs.rstrip("\n")))
                elif isinstance(output, m.CodeInterpreterOutputImage):
                    outputs.add_row("image", Text(output.image.file_id, style="bold cyan"))
                else:
                    outputs.add_row(str(output.type), Text(""))
            return Group(head, code, outputs) if interpreter.outputs else Group(head, code)
        if isinstance(call, m.FunctionToolCall):
            function = call.function
            head = Text.assemble(("function ", "bold magenta"), (function.name, "bold"))
            pretty = _pretty_json(function.arguments) if self._call_done(call, step) else None
            arguments: RenderableType = (
                Syntax(pretty, "json", theme="monokai", background_color="default")
                if pretty is not None
                else Text(function.arguments or "\N{HORIZONTAL ELLIPSIS}")
            )
            parts: list[RenderableType] = [head, arguments]
            if function.output is not None:
                parts.append(Text.assemble(("output ", "bold yellow"), function.output))
            return Group(*parts)
        if isinstance(call, m.FileSearchToolCall):
            results = call.file_search.results
            head = Text.assemble(("file_search", "bold magenta"), f" {call.id}")
            if results is None:
                state = (
                    "done" if self._call_done(call, step) else "searching\N{HORIZONTAL ELLIPSIS}"
                )
                return Group(head, Text(state, style="dim"))
            lines = [Text(f"{len(results)} result(s)")]
            lines += [
                Text(f"  {result.file_name} ({result.file_id}) score {result.score:.2f}")
                for result in results
            ]
            return Group(head, *lines)
        return Text(f"{call.type} (a tool call type this version does not know)")

    def _message_panel(self, message: m.Message) -> Panel:
        return Panel(
            self._message_body(message),
            title=Text.assemble(("message", "bold"), f" {message.id}"),
            title_align="left",
            subtitle=Text(message.status, style=_STATUS_STYLE.get(message.status, "")),
            subtitle_align="right",
            border_style=_STATUS_STYLE.get(message.status, "white"),
        )

    def _message_body(self, message: m.Message) -> RenderableType:
        parts: list[RenderableType] = []
        for block in message.content:
            if isinstance(block, m.TextContentBlock):
                parts.append(Text(block.text.value))
                for number, annotation in enumerate(block.text.annotations, 1):
                    text, file_id = _annotation(annotation)
                    parts.append(Text(f"[{number}] {text} \N{RIGHTWARDS ARROW} {file_id}", "dim"))
            elif isinstance(block, m.ImageFileContentBlock):
                parts.append(Text(f"image file: {block.image_file.file_id}", "bold cyan"))
            elif isinstance(block, m.ImageURLContentBlock):
                parts.append(Text(f"image url: {block.image_url.url}", "bold cyan"))
            elif isinstance(block, m.RefusalContentBlock):
                parts.append(Text(f"refusal: {block.refusal}", "red"))
            else:
                parts.append(Text(f"{block.type} (a content type this version does not know)"))
        return Group(*parts) if parts else Text("\N{HORIZONTAL ELLIPSIS}", style="dim")

    def _footer(self) -> Text:
        run = self.run
        if run is None:
            footer = Text("waiting for the run\N{HORIZONTAL ELLIPSIS}", style="dim")
        else:
            footer = Text.assemble(
                ("run ", "bold"),
                f"{run.id} ",
                (run.status, f"bold {_STATUS_STYLE.get(run.status, '')}"),
            )
            if run.usage is not None:
                footer.append(f" \N{MIDDLE DOT} {_usage(run.usage)}")
            if run.last_error is not None:
                footer.append(f" \N{MIDDLE DOT} {run.last_error.message}", "red")
        for error in self.errors:
            footer.append(f"\nserver error: {error.type}: {error.message}", "bold red")
        return footer

    def summary(self) -> str:
        """What has been received so far, as plain text: the run, each step, each message."""
        with self._lock:
            run = self.run
            lines = [f"run {run.id} {run.status}" if run else "run: none received"]
            if run is not None and run.usage is not None:
                lines[0] += f" ({_usage(run.usage)})"
            for step in self.steps.values():
                details = step.step_details
                line = f"  step {step.id} {step.type} {step.status}"
                if isinstance(details, m.ToolCallsStepDetails):
                    lines.append(line)
                    lines += [f"    {self._describe(call)}" for call in details.tool_calls]
                elif isinstance(details, m.MessageCreationStepDetails):
                    lines.append(f"{line}: message {details.message_creation.message_id}")
                else:
                    lines.append(line)
            for message in self.messages.values():
                lines.append(f"  message {message.id} {message.status}")
                for block in message.content:
                    if isinstance(block, m.TextContentBlock):
                        lines.append(f"    {_clip(block.text.value)!r}")
                        for annotation in block.text.annotations:
                            text, file_id = _annotation(annotation)
                            lines.append(f"    cites {text} -> {file_id}")
                    elif isinstance(block, m.ImageFileContentBlock):
                        lines.append(f"    image file {block.image_file.file_id}")
            lines += [f"  server error: {error.type}: {error.message}" for error in self.errors]
            return "\n".join(lines) + "\n"

    @staticmethod
    def _describe(call: m.ToolCall) -> str:
        if isinstance(call, m.CodeInterpreterToolCall):
            interpreter = call.code_interpreter
            lines = len(interpreter.input.splitlines())
            logs = sum(isinstance(o, m.CodeInterpreterOutputLogs) for o in interpreter.outputs)
            images = [
                o.image.file_id
                for o in interpreter.outputs
                if isinstance(o, m.CodeInterpreterOutputImage)
            ]
            shown = f", image {', '.join(images)}" if images else ""
            return f"code_interpreter {call.id}: {lines} line(s) of input, {logs} log(s){shown}"
        if isinstance(call, m.FunctionToolCall):
            function = call.function
            output = "" if function.output is None else f" -> {_clip(function.output, 40)}"
            return f"{function.name}({_clip(function.arguments, 50)}){output}"
        if isinstance(call, m.FileSearchToolCall):
            return f"file_search {call.id}: {len(call.file_search.results or ())} result(s)"
        return f"{call.type} (a tool call type this version does not know)"

    # -- live display --

    def _start(self) -> None:
        if self.live and self._display is None:
            self._display = Live(
                self,
                console=self.console,
                refresh_per_second=self.refresh_per_second,
                transient=False,
                redirect_stdout=False,
                redirect_stderr=False,
            )
            self._display.start()

    def _stop(self) -> None:
        display, self._display = self._display, None
        if display is not None:
            display.stop()

    # -- plain output --

    def _write(self, text: str) -> None:
        if text:
            self.console.out(text, end="", highlight=False)
            self._at_line_start = text.endswith("\n")

    def _line(self, text: str) -> None:
        """A whole line, after ending any fragment line still open."""
        if not self._at_line_start:
            self._write("\n")
        self._stream = None
        self._write(text + "\n")

    def _fragment(self, key: tuple[str, ...], header: str, text: str) -> None:
        """Print what ``text`` has beyond what was printed of it, under ``header`` when it opens."""
        done = self._printed.get(key, 0)
        new = text[done:]
        if not new:
            return
        self._printed[key] = len(text)
        if self._stream != key:
            self._line(header)
            self._stream = key
        self._write(new)

    def _plain_step(self, step: m.RunStep) -> None:
        details = step.step_details
        if not isinstance(details, m.ToolCallsStepDetails):
            return
        for call in details.tool_calls:
            call_id = _call_id(call)
            if isinstance(call, m.CodeInterpreterToolCall):
                interpreter = call.code_interpreter
                self._fragment((call_id, "input"), f"[code {call_id}]", interpreter.input)
                for index, output in enumerate(interpreter.outputs):
                    key: tuple[str, ...] = (call_id, "output", str(index))
                    if isinstance(output, m.CodeInterpreterOutputLogs):
                        self._fragment(key, f"[logs {call_id}]", output.logs)
                    elif (
                        isinstance(output, m.CodeInterpreterOutputImage)
                        and key not in self._printed
                    ):
                        self._printed[key] = 1
                        self._line(f"[image {call_id}] {output.image.file_id}")
            elif isinstance(call, m.FunctionToolCall):
                function = call.function
                header = f"[function {call_id}] {function.name}"
                self._fragment((call_id, "arguments"), header, function.arguments)
                key = (call_id, "output")
                done = self._call_done(call, step)
                if function.output is not None and done and key not in self._printed:
                    self._printed[key] = 1
                    self._line(f"[output {call_id}] {function.output}")
            elif isinstance(call, m.FileSearchToolCall):
                key = (call_id, "results")
                results = call.file_search.results
                if results is not None and key not in self._printed:
                    self._printed[key] = 1
                    self._line(f"[file_search {call_id}] {len(results)} result(s)")

    def _plain_message(self, message: m.Message) -> None:
        for index, block in enumerate(message.content):
            if isinstance(block, m.TextContentBlock):
                key = (message.id, "text", str(index))
                self._fragment(key, f"[message {message.id}]", block.text.value)
            elif isinstance(block, m.RefusalContentBlock):
                key = (message.id, "refusal", str(index))
                self._fragment(key, f"[refusal {message.id}]", block.refusal)

    def _plain_message_done(self, message: m.Message) -> None:
        for block in message.content:
            if isinstance(block, m.TextContentBlock):
                for annotation in block.text.annotations:
                    text, file_id = _annotation(annotation)
                    self._line(f"  cites {text} -> {file_id}")
            elif isinstance(block, m.ImageFileContentBlock):
                self._line(f"  image file {block.image_file.file_id}")
        self._line(f"message {message.id} {message.status}")

    # -- callbacks --

    def _update(self, apply: Callable[[], None]) -> None:
        with self._lock:
            apply()
        self._start()

    def on_run_created(self, run: m.Run) -> None:
        """Remember the run."""
        self._update(lambda: setattr(self, "run", run))

    def on_run_status(self, run: m.Run) -> None:
        """Remember the run; in plain mode, a line when its status changes."""
        self._update(lambda: setattr(self, "run", run))
        if not self.live and self._last_status.get(run.id) != run.status:
            self._last_status[run.id] = run.status
            usage = f" ({_usage(run.usage)})" if run.usage is not None else ""
            self._line(f"run {run.id} {run.status}{usage}")

    def on_run_step_created(self, run_step: m.RunStep) -> None:
        """Add the step's panel."""
        self._on_step(run_step)
        if not self.live:
            self._line(f"step {run_step.id} {run_step.type} created")
            self._plain_step(run_step)

    def on_run_step_delta(self, delta: m.RunStepDelta, snapshot: m.RunStep) -> None:
        """Show what the step has so far; in plain mode, print its new fragments."""
        self._on_step(snapshot)
        if not self.live:
            self._plain_step(snapshot)

    def on_run_step_done(self, run_step: m.RunStep) -> None:
        """Show the step as it ended; in plain mode, a line for it."""
        self._on_step(run_step)
        if not self.live:
            self._plain_step(run_step)
            usage = f" ({_usage(run_step.usage)})" if run_step.usage is not None else ""
            self._line(f"step {run_step.id} {run_step.status}{usage}")

    def _on_step(self, step: m.RunStep) -> None:
        def apply() -> None:
            self.steps[step.id] = step

        self._update(apply)

    def on_tool_call_done(self, tool_call: m.ToolCall) -> None:
        """Mark the call done (its arguments are shown as pretty JSON from now on)."""
        self._update(lambda: self._done_calls.add(_call_id(tool_call)))

    def on_message_created(self, message: m.Message) -> None:
        """Add the message."""
        self._on_message(message)

    def on_message_delta(self, delta: m.MessageDelta, snapshot: m.Message) -> None:
        """Show the message so far; in plain mode, print its new text."""
        self._on_message(snapshot)
        if not self.live:
            self._plain_message(snapshot)

    def on_message_done(self, message: m.Message) -> None:
        """Show the message as it ended; in plain mode, its citations and a line for it."""
        self._on_message(message)
        if not self.live:
            self._plain_message(message)
            self._plain_message_done(message)

    def _on_message(self, message: m.Message) -> None:
        def apply() -> None:
            self.messages[message.id] = message

        self._update(apply)

    def on_error(self, error: m.ErrorObject) -> None:
        """Show the server's error in the footer (plain mode: a line)."""
        self._update(lambda: self.errors.append(error))
        if not self.live:
            self._line(f"server error: {error.type}: {error.message}")

    def on_end(self) -> None:
        """Stop the live display, leaving the last screen; end any open plain line."""
        self._stop()
        if not self.live and not self._at_line_start:
            self._write("\n")


_EVENT_END = re.compile(rb"\r\n\r\n|\n\n|\r\r")
_PAUSES = {
    b"thread.run.step.delta": 0.03,
    b"thread.message.delta": 0.04,
    b"thread.run.created": 0.1,
    b"thread.run.queued": 0.4,
    b"thread.run.in_progress": 0.5,
}


def paced(
    data: bytes, speed: float = 1.0, *, sleep: Callable[[float], None] = time.sleep
) -> Iterator[bytes]:
    """Yield a recording's events one at a time, pausing before each as a live run would.

    Deltas follow each other quickly (30-40 ms); a step, message or run starting or ending
    takes a few hundred milliseconds. ``speed`` scales that: 2 is twice as fast, 0 does not
    pause at all.

    Args:
        data: the recording's bytes (SSE).
        speed: how much faster than the natural pace; 0 for no pauses.
        sleep: what pauses (for tests).
    """
    start = 0
    for match in _EVENT_END.finditer(data):
        chunk = data[start : match.end()]
        start = match.end()
        if speed > 0:
            sleep(_pause(chunk) / speed)
        yield chunk
    if start < len(data):
        yield data[start:]


def _pause(chunk: bytes) -> float:
    for line in chunk.splitlines():
        if line.startswith(b"event:"):
            return _PAUSES.get(line[6:].strip(), 0.25)
    return 0.0


def watch(source: Any, view: LiveView, *, strict: bool = False) -> Accumulator | None:
    """Run ``source`` through ``view``; on Ctrl-C stop and print what was received.

    Args:
        source: any source :func:`streamkit.consume` takes (bytes, a path, a binary file, an
            iterable of bytes such as :func:`paced`, an httpx response).
        view: the view to drive.
        strict: passed to the accumulator; by default bad input is recorded, not raised, and
            a server ``error`` event is shown in the footer.

    Returns:
        The accumulator, or None when interrupted (after printing the summary).
    """
    try:
        return consume(source, view, strict=strict)
    except KeyboardInterrupt:
        view.console.out("\ninterrupted; received so far:", highlight=False)
        view.console.out(view.summary(), end="", highlight=False)
        return None
