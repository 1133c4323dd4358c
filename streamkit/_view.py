"""The live terminal view of a stream (``streamkit watch``, ``streamkit demo``); needs rich.

Two views share one screen: :class:`LiveView` for the Assistants run stream (here) and
:class:`~streamkit._view_responses.ResponseLiveView` for the Responses stream. Both are event
handlers of their protocol, driven by :func:`streamkit.consume` (or :func:`watch`, which also
handles Ctrl-C), and both build on :class:`TerminalView`, which draws the panels.

:class:`LiveView` is an :class:`~streamkit.EventHandler` and shows

* one panel per run step: code-interpreter input highlighted as Python and growing as it
  streams, its logs and image outputs (as file ids) below it; function calls with their name
  and arguments (pretty JSON once the call is done) and output; file-search result counts;
* message text with its citations (annotation text -> file id), inside the panel of the
  ``message_creation`` step that wrote it;
* a footer with the run's status and token usage (``run.usage``) once known.

On a terminal it updates in place (:class:`rich.live.Live`, about ten times a second) and keeps
what is live in sight on any screen size: a finished panel shrinks to one line once a newer one
opens, the newest panel gets the room, and what does not fit scrolls away at the top (a panel
taller than the screen shows its title and its newest lines). When the display stops, the last
screen is left whole, not cut to the screen's height. When the console is not a terminal it prints
plain lines instead -- text, code and log fragments as they arrive, and a line for each step,
message and run that ends -- without ANSI escapes.

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

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.live import Live
from rich.panel import Panel
from rich.segment import Segment
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from streamkit import models as m
from streamkit._assistants.handlers import EventHandler
from streamkit._consume import consume

__all__ = [
    "STATUS_STYLE",
    "LiveView",
    "RenderedLines",
    "TerminalView",
    "clip",
    "count",
    "paced",
    "pretty_json",
    "watch",
]

#: The colour of a status (runs, steps, messages, responses, output items).
STATUS_STYLE = {
    "completed": "green",
    "in_progress": "cyan",
    "queued": "cyan",
    "searching": "cyan",
    "interpreting": "cyan",
    "generating": "cyan",
    "calling": "cyan",
    "requires_action": "yellow",
    "cancelling": "yellow",
    "incomplete": "yellow",
    "failed": "red",
    "cancelled": "red",
    "expired": "red",
}


def clip(text: str, size: int = 72) -> str:
    """``text`` on one line (whitespace runs made one space), at most ``size`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= size else flat[: size - 1] + "\N{HORIZONTAL ELLIPSIS}"


def pretty_json(text: str) -> str | None:
    """``text`` indented as JSON, or None when it is not JSON."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return json.dumps(value, indent=2, ensure_ascii=False)


def code_block(code: str | None) -> RenderableType:
    """Python code as it streams in, highlighted (or a dim note while there is none)."""
    if not code:
        return Text("(no code yet)", style="dim")
    return Syntax(
        code.rstrip("\n"), "python", theme="monokai", background_color="default", word_wrap=True
    )


def arguments_block(arguments: str, done: bool) -> RenderableType:
    """Arguments or input: as they stream, then pretty JSON once done (when they are JSON)."""
    pretty = pretty_json(arguments) if done else None
    if pretty is not None:
        return Syntax(pretty, "json", theme="monokai", background_color="default")
    return Text(arguments or "(no arguments yet)", "" if arguments else "dim")


def count(number: int, noun: str) -> str:
    """``number`` and ``noun``, the noun plural unless the number is 1."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


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


def _brief(call: m.ToolCall) -> str:
    """A tool call in a few words, for the one line of a finished step."""
    if isinstance(call, m.CodeInterpreterToolCall):
        interpreter = call.code_interpreter
        images = sum(isinstance(o, m.CodeInterpreterOutputImage) for o in interpreter.outputs)
        return (
            f"code_interpreter: {count(len(interpreter.input.splitlines()), 'line')},"
            f" {count(len(interpreter.outputs) - images, 'log')},"
            f" {count(images, 'image')}"
        )
    if isinstance(call, m.FunctionToolCall):
        output = call.function.output
        return f"{call.function.name}()" + ("" if output is None else f" -> {clip(output, 40)}")
    if isinstance(call, m.FileSearchToolCall):
        return f"file_search: {count(len(call.file_search.results or ()), 'result')}"
    return str(call.type)


Item = m.RunStep | m.Message


class RenderedLines:
    """Lines rendered beforehand, as a renderable (to put a cut body in its panel)."""

    def __init__(self, lines: list[list[Segment]]) -> None:
        self.lines = lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self.lines:
            yield from line
            yield Segment.line()


class _Screen:
    """A view's screen for rich: fitted to the height available, or whole."""

    def __init__(self, view: TerminalView, *, fit: bool) -> None:
        self.view = view
        self.fit = fit

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        height = (options.height or options.size.height) if self.fit else None
        yield RenderedLines(self.view.screen_lines(console, options, height))


class TerminalView:
    """The screen both protocols' views share: panels in order, a footer, plain or live.

    A subclass says what its panels are (:meth:`_items`), when one is finished
    (:meth:`_finished`), how it looks collapsed to one line (:meth:`_collapsed`) and
    open (:meth:`_panel_parts`), and what the footer says (:meth:`_footer`). This
    class fits them to the terminal, runs the live display and prints plain lines.
    Callbacks change the view's state only through :meth:`_update` (under the lock
    the live display's refresh thread reads it with).

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
        self._lock = threading.RLock()
        self._display: Live | None = None
        # Set when the display stops: its last screen is drawn whole, not fitted to the height.
        self._final = False
        # Plain mode: what has been printed of each streamed text, and where the cursor is.
        self._printed: dict[tuple[str, ...], int] = {}
        self._stream: tuple[str, ...] | None = None
        self._at_line_start = True
        self._last_status: dict[str, str] = {}

    # -- what a subclass says --

    def _items(self) -> list[Any]:
        """The panels' objects, oldest first: the last one is the newest panel."""
        raise NotImplementedError

    def _finished(self, item: Any) -> bool:
        """Whether ``item`` is over (then, unless it is the newest, it shrinks to one line)."""
        raise NotImplementedError

    def _collapsed(self, item: Any) -> Text:
        """A finished item on one line."""
        raise NotImplementedError

    def _panel_parts(self, item: Any) -> tuple[RenderableType, Text, str]:
        """An open item's panel: its body, its title and its status."""
        raise NotImplementedError

    def _footer(self) -> Text:
        """The line (or lines) under the panels."""
        raise NotImplementedError

    def summary(self) -> str:
        """What has been received so far, as plain text."""
        raise NotImplementedError

    # -- the screen --

    def render(self) -> RenderableType:
        """The whole current screen, whatever its height.

        A panel per item, in the order they came, finished ones but the newest
        as one line each; then the footer. The live display draws the view
        itself, which fits this to the terminal's height.
        """
        return _Screen(self, fit=False)

    def __rich__(self) -> RenderableType:
        # Fitted to the terminal while live; the last screen, left in place, is whole.
        return _Screen(self, fit=not self._final)

    def screen_lines(
        self, console: Console, options: ConsoleOptions, height: int | None
    ) -> list[list[Segment]]:
        """The screen's lines at ``options``' width, at most ``height`` of them (None: all).

        The newest panel is placed first, so it gets the room: when it is taller
        than what is left, its body keeps its newest lines under a note of how
        many scrolled away. Older items take what remains, newest first; those
        that do not fit scroll away at the top.
        """
        with self._lock:
            options = options.reset_height()
            footer = console.render_lines(self._footer(), options, pad=False)
            room = None if height is None else max(height - len(footer), 0)
            items = self._items()
            blocks: list[list[list[Segment]]] = []
            for index in range(len(items) - 1, -1, -1):
                item = items[index]
                if index < len(items) - 1 and self._finished(item):
                    block = console.render_lines(self._collapsed(item), options, pad=False)
                else:
                    block = self._panel_lines(console, options, item, room)
                if room is not None:
                    if not block or len(block) > room:
                        break  # this one and all older ones scrolled away
                    room -= len(block)
                blocks.append(block)
            lines = [line for block in reversed(blocks) for line in block] + footer
            # A screen too low even for the footer keeps the footer's end.
            return lines if height is None else lines[-height:] if height > 0 else []

    def _panel_lines(
        self, console: Console, options: ConsoleOptions, item: Any, limit: int | None
    ) -> list[list[Segment]]:
        """An item's panel as lines, at most ``limit`` of them (its body's end); [] if none fit."""
        body, title, status = self._panel_parts(item)
        # The panel's borders and padding take 4 columns; its borders take 2 lines.
        inner = options.update_width(max(options.max_width - 4, 1))
        lines = console.render_lines(body, inner, pad=False)
        if limit is not None and len(lines) + 2 > limit:
            keep = limit - 3  # the borders and the note
            if keep < 1:
                return []
            hidden = len(lines) - keep
            note = Text(f"({hidden} earlier lines)", style="dim", no_wrap=True, overflow="crop")
            lines = console.render_lines(note, inner, pad=False)[:1] + lines[-keep:]
        panel = Panel(
            RenderedLines(lines),
            title=title,
            title_align="left",
            subtitle=Text(status, style=STATUS_STYLE.get(status, "")),
            subtitle_align="right",
            border_style=STATUS_STYLE.get(status, "white"),
        )
        return console.render_lines(panel, options, pad=False)

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
            self._final = True  # the last screen stays in the scrollback: draw it whole
            display.stop()

    def _update(self, apply: Callable[[], None]) -> None:
        with self._lock:
            apply()
        self._start()

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

    def _once(self, key: tuple[str, ...], line: str) -> None:
        """Print ``line`` unless the line of ``key`` was printed."""
        if key not in self._printed:
            self._printed[key] = 1
            self._line(line)

    def on_end(self) -> None:
        """Stop the live display, leaving the last screen; end any open plain line."""
        self._stop()
        if not self.live and not self._at_line_start:
            self._write("\n")


class LiveView(TerminalView, EventHandler):
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
        super().__init__(console, live=live, refresh_per_second=refresh_per_second)
        self.run: m.Run | None = None
        self.steps: dict[str, m.RunStep] = {}
        self.messages: dict[str, m.Message] = {}
        self.errors: list[m.ErrorObject] = []
        self._done_calls: set[str] = set()
        # Steps and messages in the order they first came: the last one is the newest panel.
        self._arrival: dict[tuple[str, str], None] = {}

    def _items(self) -> list[Item]:
        """The steps, and the messages no step shows, in the order they came."""
        shown = {
            step.step_details.message_creation.message_id
            for step in self.steps.values()
            if isinstance(step.step_details, m.MessageCreationStepDetails)
        }
        items: list[Item] = []
        for kind, object_id in self._arrival:
            if kind == "step":
                items.append(self.steps[object_id])
            elif object_id not in shown:
                items.append(self.messages[object_id])
        return items

    def _collapsed(self, item: Item) -> Text:
        """A finished step or message on one line: status, id and what it did."""
        style = STATUS_STYLE.get(item.status, "")
        mark = "\N{CHECK MARK}" if item.status == "completed" else "\N{BALLOT X}"
        if isinstance(item, m.RunStep):
            details = item.step_details
            if isinstance(details, m.ToolCallsStepDetails):
                what = "; ".join(_brief(call) for call in details.tool_calls)
            elif isinstance(details, m.MessageCreationStepDetails):
                what = self._brief_message(details.message_creation.message_id)
            else:
                what = str(details.type)
        else:
            what = self._brief_message(item.id)
        # No "step tool_calls": the id and what it did say it, and 80 columns are few.
        head = Text(f"{item.id} ", style="bold")
        line = Text.assemble((f"{mark} ", style), head, (item.status, style))
        if what:
            line.append(f" \N{MIDDLE DOT} {what}", "dim")
        line.no_wrap = True
        line.overflow = "ellipsis"
        return line

    def _brief_message(self, message_id: str) -> str:
        message = self.messages.get(message_id)
        texts = [
            block.text.value
            for block in (message.content if message is not None else ())
            if isinstance(block, m.TextContentBlock)
        ]
        text = f" {clip(' '.join(texts), 50)!r}" if texts else ""
        return f"message {message_id}{text}"

    def _finished(self, item: Item) -> bool:
        return item.status != "in_progress"

    def _panel_parts(self, item: Item) -> tuple[RenderableType, Text, str]:
        if isinstance(item, m.RunStep):
            title = Text.assemble(("step ", "bold"), (item.type, "bold"), f" {item.id}")
            return self._step_body(item), title, item.status
        title = Text.assemble(("message", "bold"), f" {item.id}")
        return self._message_body(item), title, item.status

    def _step_body(self, step: m.RunStep) -> RenderableType:
        details = step.step_details
        if isinstance(details, m.ToolCallsStepDetails):
            calls = [self._tool_call(call, step) for call in details.tool_calls]
            return Group(*calls) if calls else Text("(no tool calls yet)", style="dim")
        if isinstance(details, m.MessageCreationStepDetails):
            message_id = details.message_creation.message_id
            message = self.messages.get(message_id)
            if message is None:
                return Text(f"message {message_id}", style="dim")
            return self._message_body(message)
        return Text(f"{details.type} (a step type this version does not know)")

    def _call_done(self, call: m.ToolCall, step: m.RunStep) -> bool:
        return step.status != "in_progress" or _call_id(call) in self._done_calls

    def _tool_call(self, call: m.ToolCall, step: m.RunStep) -> RenderableType:
        if isinstance(call, m.CodeInterpreterToolCall):
            interpreter = call.code_interpreter
            head = Text.assemble(("code_interpreter", "bold magenta"), f" {call.id}")
            code = code_block(interpreter.input)
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
            arguments = arguments_block(function.arguments, self._call_done(call, step))
            parts: list[RenderableType] = [head, arguments]
            if function.output is not None:
                parts.append(Text.assemble(("output ", "bold yellow"), function.output))
            return Group(*parts)
        if isinstance(call, m.FileSearchToolCall):
            results = call.file_search.results
            head = Text.assemble(("file_search", "bold magenta"), f" {call.id}")
            if results is None:
                state = "done" if self._call_done(call, step) else "searching"
                return Group(head, Text(state, style="dim"))
            lines = [Text(f"{len(results)} result(s)")]
            lines += [
                Text(f"  {result.file_name} ({result.file_id}) score {result.score:.2f}")
                for result in results
            ]
            return Group(head, *lines)
        return Text(f"{call.type} (a tool call type this version does not know)")

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
        return Group(*parts) if parts else Text("(no text yet)", style="dim")

    def _footer(self) -> Text:
        run = self.run
        if run is None:
            footer = Text("waiting for the run\N{HORIZONTAL ELLIPSIS}", style="dim")
        else:
            footer = Text.assemble(
                ("run ", "bold"),
                f"{run.id} ",
                (run.status, f"bold {STATUS_STYLE.get(run.status, '')}"),
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
                        lines.append(f"    {clip(block.text.value)!r}")
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
            output = "" if function.output is None else f" -> {clip(function.output, 40)}"
            return f"{function.name}({clip(function.arguments, 50)}){output}"
        if isinstance(call, m.FileSearchToolCall):
            return f"file_search {call.id}: {len(call.file_search.results or ())} result(s)"
        return f"{call.type} (a tool call type this version does not know)"

    # -- plain output --

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
            self._arrival.setdefault(("step", step.id))

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
            self._arrival.setdefault(("message", message.id))

        self._update(apply)

    def on_error(self, error: m.ErrorObject) -> None:
        """Show the server's error in the footer (plain mode: a line)."""
        self._update(lambda: self.errors.append(error))
        if not self.live:
            self._line(f"server error: {error.type}: {error.message}")


_EVENT_END = re.compile(rb"\r\n\r\n|\n\n|\r\r")
# A Responses event names itself in its JSON (OpenRouter sends no event: lines).
_TYPE = re.compile(rb'"type"\s*:\s*"([^"]{1,100})"')
_PAUSES = {
    b"thread.run.step.delta": 0.03,
    b"thread.message.delta": 0.04,
    b"thread.run.created": 0.1,
    b"thread.run.queued": 0.4,
    b"thread.run.in_progress": 0.5,
    b"response.output_text.delta": 0.04,
    b"response.created": 0.1,
    b"response.queued": 0.4,
    b"response.in_progress": 0.5,
    b"keepalive": 0.0,
}


def paced(
    data: bytes, speed: float = 1.0, *, sleep: Callable[[float], None] = time.sleep
) -> Iterator[bytes]:
    """Yield a recording's events one at a time, pausing before each as a live stream would.

    Deltas follow each other quickly (30-40 ms); a step, message, output item, run or response
    starting or ending takes a few hundred milliseconds, the end of a streamed text or part a
    few tens. ``speed`` scales that: 2 is twice as fast, 0 does not pause at all.

    Args:
        data: the recording's bytes (SSE, either protocol).
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
    name = next(
        (line[6:].strip() for line in chunk.splitlines() if line.startswith(b"event:")), None
    )
    if name is None:
        found = _TYPE.search(chunk)
        if found is None:
            return 0.0  # a comment or a keep-alive, not an event
        name = found.group(1)
    pause = _PAUSES.get(name)
    if pause is not None:
        return pause
    if name.endswith(b".delta"):
        return 0.03
    if name.startswith(b"response.") and name.endswith(b".done") and b"item" not in name:
        return 0.05  # a streamed text or part ends: its item goes on
    return 0.25


def watch(source: Any, view: TerminalView, *, strict: bool = False) -> Any:
    """Run ``source`` through ``view``; on Ctrl-C stop and print what was received.

    Args:
        source: any source :func:`streamkit.consume` takes (bytes, a path, a binary file, an
            iterable of bytes such as :func:`paced`, an httpx response).
        view: the view to drive: a :class:`LiveView` for an Assistants stream, a
            :class:`~streamkit._view_responses.ResponseLiveView` for a Responses stream.
        strict: passed to the accumulator; by default bad input is recorded, not raised, and
            a server ``error`` event is shown in the footer.

    Returns:
        The accumulator (:class:`~streamkit.Accumulator` or
        :class:`~streamkit.ResponseAccumulator`), or None when interrupted (after printing
        the summary).
    """
    try:
        return consume(source, view, strict=strict)  # type: ignore[call-overload]
    except KeyboardInterrupt:
        view.console.out("\ninterrupted; received so far:", highlight=False)
        view.console.out(view.summary(), end="", highlight=False)
        return None
