"""The live terminal view of a Responses stream (``streamkit watch``, ``streamkit demo``).

:class:`ResponseLiveView` is a :class:`~streamkit.ResponseEventHandler` on the screen the
Assistants view uses (:class:`streamkit._view.TerminalView`): run a stream through it with
:func:`streamkit.consume` (or :func:`streamkit._view.watch`, which also handles Ctrl-C) and
it shows one panel per output item, in the order they came:

* reasoning: its summary parts as they stream, and raw reasoning text (gpt-oss, DeepSeek ...);
* messages: the text as it streams, refusals, and the citations listed under the text (title
  -> URL, file name -> file id);
* code-interpreter calls: the code highlighted as Python and growing, its logs and images;
* web searches (queries, opened pages, sources) and file searches (queries, results);
* function and custom tool calls (name, arguments or input: pretty JSON once done), MCP calls
  (server, tool, arguments, output or error) and MCP tool lists, MCP approval requests;
* image generation (status, how many partial images came, the final image's size), apply_patch
  diffs, shell calls, compaction items; any other item by its type and status;
* a footer with the response's status and model, then its token usage (input, cached, output,
  reasoning) once the response ends, and any server ``error`` event.

A finished item shrinks to one line once a newer one opens; the newest gets the room (see
:class:`~streamkit._view.TerminalView`). Off a terminal it prints plain lines: streamed text as
it arrives under a header (``[message msg_1]``), a line when an item or the response changes
status, and an item's details (citations, logs, sources, results, outputs) when it is done.

The callbacks drive it: each stores the snapshot of the current response it was called for
(immutable, so the live display's refresh thread reads it safely) and, in plain mode, prints
what the callback brought. Nothing is polled.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from streamkit._responses.handlers import ResponseEventHandler
from streamkit._view import (
    STATUS_STYLE,
    TerminalView,
    arguments_block,
    clip,
    code_block,
    count,
)
from streamkit.models import UnknownObject
from streamkit.models import responses as rm

__all__ = ["ResponseLiveView", "describe_usage", "item_key"]

# A response in one of these is still streaming; any other status is its end.
_OPEN = frozenset({"in_progress", "queued", None})

_Entry = tuple[rm.Response, rm.OutputItem]


def _get(obj: Any, name: str, default: Any = None) -> Any:
    """A field of a model, or of an unknown object's JSON."""
    if isinstance(obj, UnknownObject):
        return obj.raw.get(name, default)
    return getattr(obj, name, default)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else "?"


def item_key(item: Any) -> str:
    """An output item's id (its ``call_id`` when it has no id; "" when it has neither)."""
    for name in ("id", "call_id"):
        value = _get(item, name)
        if isinstance(value, str) and value:
            return value
    return ""


def describe_usage(usage: Any) -> str:
    """A response's token usage in one line: input (cached), output (reasoning), total."""
    cached = _get(_get(usage, "input_tokens_details"), "cached_tokens")
    reasoning = _get(_get(usage, "output_tokens_details"), "reasoning_tokens")
    return (
        f"tokens: {_number(_get(usage, 'input_tokens'))} input"
        + (f" ({_number(cached)} cached)" if isinstance(cached, int) else "")
        + f" + {_number(_get(usage, 'output_tokens'))} output"
        + (f" ({_number(reasoning)} reasoning)" if isinstance(reasoning, int) else "")
        + f" = {_number(_get(usage, 'total_tokens'))}"
    )


def _kind(item: Any) -> str:
    return _get(item, "type") or "item"


def _annotation(annotation: Any) -> tuple[str, str]:
    """What an annotation cites: (its title or file name, its URL or file id)."""
    if isinstance(annotation, rm.UrlCitationBody):
        return annotation.title or annotation.url, annotation.url
    if isinstance(annotation, rm.FileCitationBody | rm.ContainerFileCitationBody):
        return annotation.filename, annotation.file_id
    if isinstance(annotation, rm.FilePath):
        return "file", annotation.file_id
    return str(_get(annotation, "type") or "annotation"), ""


def _annotations(item: Any) -> list[tuple[str, str]]:
    return [
        _annotation(annotation)
        for part in _get(item, "content") or ()
        if isinstance(part, rm.OutputTextContent)
        for annotation in part.annotations
    ]


def _message_text(item: Any) -> str:
    return "".join(
        part.text for part in _get(item, "content") or () if isinstance(part, rm.OutputTextContent)
    )


def _web_action(action: Any) -> list[str]:
    """A web search's action as lines: what it searched, opened or looked for."""
    if isinstance(action, rm.WebSearchActionSearch):
        queries = list(action.queries or ())
        if action.query and action.query not in queries:
            queries.insert(0, action.query)
        lines = [f"search: {query}" for query in queries] or ["search"]
        for source in action.sources or ():
            if isinstance(source, rm.WebSearchActionSearchSource):
                lines.append(f"source: {source.url}")
            else:
                lines.append(f"source: {_get(source, 'name') or _get(source, 'type')}")
        return lines
    if isinstance(action, rm.WebSearchActionOpenPage):
        return [f"open page: {action.url or '?'}"]
    if isinstance(action, rm.WebSearchActionFind):
        return [f"find {action.pattern!r} in {action.url}"]
    kind = _get(action, "type")
    return [str(kind)] if kind else []


def _code_outputs(item: rm.CodeInterpreterToolCall) -> tuple[list[str], list[str]]:
    """A code-interpreter call's logs and image URLs."""
    logs: list[str] = []
    images: list[str] = []
    for output in item.outputs or ():
        if isinstance(output, rm.CodeInterpreterOutputLogs):
            logs.append(output.logs)
        elif isinstance(output, rm.CodeInterpreterOutputImage):
            images.append(output.url)
    return logs, images


def _url(url: str) -> str:
    """A URL to show: a ``data:`` URL (an image inline) by its media type and size only."""
    if url.startswith("data:"):
        head = url[: url.find(",")] if "," in url else "data:"
        return f"{clip(head, 40)} ({len(url):,} characters)"
    return url


def _image_size(item: rm.ImageGenToolCall) -> str:
    """The final image's size, from its base64 length."""
    result = item.result or ""
    size = len(result) * 3 // 4 - result[-2:].count("=")
    what = ", ".join(str(v) for v in (item.output_format, item.size, item.quality) if v)
    return f"image: {size:,} bytes" + (f" ({what})" if what else "")


def _mcp_error(error: Any) -> str:
    if error is None:
        return ""
    message = _get(error, "message")
    return str(message) if isinstance(message, str) else str(_get(error, "type") or "error")


class ResponseLiveView(TerminalView, ResponseEventHandler):
    """A :class:`~streamkit.ResponseEventHandler` that shows a Responses stream with rich.

    ``streamkit.consume(source, ResponseLiveView(console))`` drives it; the live display
    starts with the first callback and stops at ``on_end`` (also after an exception or
    Ctrl-C), leaving the last screen in place.

    Args:
        console: where to draw (default: a new :class:`rich.console.Console` on stdout).
        live: update in place (True) or print plain lines (False); by default, whether the
            console is a terminal.
        refresh_per_second: how often the live display redraws.

    Attributes:
        responses: the latest snapshot of each response, by id, in the order they came.
        errors: the server's ``error`` events.
        partial_images: how many partial images each image-generation item sent, by item id.
    """

    def __init__(
        self,
        console: Console | None = None,
        *,
        live: bool | None = None,
        refresh_per_second: float = 10.0,
    ) -> None:
        super().__init__(console, live=live, refresh_per_second=refresh_per_second)
        self.responses: dict[str, rm.Response] = {}
        self.errors: list[rm.ResponseErrorEvent] = []
        self.partial_images: dict[str, int] = {}
        self._done_items: set[str] = set()

    # -- the screen --

    def _items(self) -> list[_Entry]:
        return [
            (response, item) for response in self.responses.values() for item in response.output
        ]

    def _finished(self, entry: _Entry) -> bool:
        response, item = entry
        return response.status not in _OPEN or item_key(item) in self._done_items

    def _status(self, entry: _Entry) -> str:
        status = _get(entry[1], "status")
        if isinstance(status, str):
            return status
        return "completed" if self._finished(entry) else "in_progress"

    def _collapsed(self, entry: _Entry) -> Text:
        item = entry[1]
        status = self._status(entry)
        style = STATUS_STYLE.get(status, "")
        mark = "\N{CHECK MARK}" if status == "completed" else "\N{BALLOT X}"
        # The type and what the item did first: OpenAI's ids are 50 characters, and 80
        # columns are few; the id comes last, where the line may be cut.
        line = Text.assemble((f"{mark} ", style), (f"{_kind(item)} ", "bold"), (status, style))
        what = self._brief(item)
        if what:
            line.append(f" \N{MIDDLE DOT} {what}")
        line.append(f" \N{MIDDLE DOT} {item_key(item)}", "dim")
        line.no_wrap = True
        line.overflow = "ellipsis"
        return line

    def _brief(self, item: Any) -> str:
        """What an item did, in a few words (its type and id are said beside it)."""
        if isinstance(item, rm.OutputMessage):
            refusals = [p.refusal for p in item.content if isinstance(p, rm.RefusalContent)]
            if refusals:
                return f"refusal {clip(' '.join(refusals), 50)!r}"
            cites = len(_annotations(item))
            text = repr(clip(_message_text(item), 50))
            return text + (f", {count(cites, 'citation')}" if cites else "")
        if isinstance(item, rm.ReasoningItem):
            summary = " ".join(part.text for part in item.summary)
            raw = " ".join(part.text for part in item.content or ())
            return repr(clip(summary or raw, 50)) if summary or raw else ""
        if isinstance(item, rm.CodeInterpreterToolCall):
            logs, images = _code_outputs(item)
            lines = len((item.code or "").splitlines())
            return (
                f"{count(lines, 'line')} of code, {count(len(logs), 'log')},"
                f" {count(len(images), 'image')}"
            )
        if isinstance(item, rm.FunctionToolCall):
            return f"{item.name}({clip(item.arguments, 40)})"
        if isinstance(item, rm.CustomToolCall):
            return f"{item.name}: {clip(item.input, 40)}"
        if isinstance(item, rm.MCPToolCall):
            error = _mcp_error(item.error)
            tail = f" error: {clip(error, 30)}" if error else ""
            if item.output is not None:
                tail = f" -> {clip(item.output, 30)}"
            return f"{item.server_label}.{item.name}({clip(item.arguments, 30)}){tail}"
        if isinstance(item, rm.MCPListTools):
            return f"{item.server_label}: {count(len(item.tools), 'tool')}"
        if isinstance(item, rm.WebSearchToolCall):
            return "; ".join(_web_action(item.action))
        if isinstance(item, rm.FileSearchToolCall):
            found = None if item.results is None else count(len(item.results), "result")
            return "; ".join(filter(None, (*item.queries, found)))
        if isinstance(item, rm.ImageGenToolCall):
            return count(self.partial_images.get(item.id, 0), "partial image")
        if isinstance(item, rm.ApplyPatchToolCall):
            operation = item.operation
            return f"{_get(operation, 'type')} {_text(_get(operation, 'path'))}".rstrip()
        if isinstance(item, rm.CompactionBody):
            return f"{len(item.encrypted_content or ''):,} characters encrypted"
        return ""

    def _panel_parts(self, entry: _Entry) -> tuple[RenderableType, Text, str]:
        item = entry[1]
        title = Text.assemble((_kind(item), "bold"), f" {item_key(item)}".rstrip())
        phase = _get(item, "phase")
        if isinstance(phase, str):
            title.append(f" ({phase})", "dim")
        return self._body(entry), title, self._status(entry)

    def _body(self, entry: _Entry) -> RenderableType:
        item = entry[1]
        done = self._finished(entry)
        if isinstance(item, rm.OutputMessage):
            return self._message_body(item)
        if isinstance(item, rm.ReasoningItem):
            parts: list[RenderableType] = [Text(p.text, style="italic") for p in item.summary]
            parts += [Text(p.text, style="dim") for p in item.content or ()]
            if not parts:
                hidden = len(item.encrypted_content or "")
                hint = f"(no summary; {hidden:,} characters encrypted)" if hidden else "(thinking)"
                parts.append(Text(hint, style="dim"))
            return Group(*parts)
        if isinstance(item, rm.CodeInterpreterToolCall):
            return self._code_body(item)
        if isinstance(item, rm.FunctionToolCall):
            head = Text.assemble((item.name, "bold magenta"), (f" {item.call_id}", "dim"))
            return Group(head, arguments_block(item.arguments, done))
        if isinstance(item, rm.CustomToolCall):
            head = Text.assemble((item.name, "bold magenta"), (f" {item.call_id}", "dim"))
            return Group(head, arguments_block(item.input, done))
        if isinstance(item, rm.MCPToolCall):
            head = Text.assemble(
                (item.server_label, "bold magenta"), " \N{RIGHTWARDS ARROW} ", (item.name, "bold")
            )
            lines: list[RenderableType] = [head, arguments_block(item.arguments, done)]
            if item.output is not None:
                lines.append(Text.assemble(("output ", "bold yellow"), item.output))
            error = _mcp_error(item.error)
            if error:
                lines.append(Text.assemble(("error ", "bold red"), error))
            return Group(*lines)
        if isinstance(item, rm.MCPListTools):
            head = Text.assemble(
                (item.server_label, "bold magenta"), f" {count(len(item.tools), 'tool')}"
            )
            tools = [
                Text.assemble(f"  {tool.name}", (f"  {clip(tool.description or '', 50)}", "dim"))
                for tool in item.tools
            ]
            if item.error:
                tools.append(Text.assemble(("error ", "bold red"), item.error))
            return Group(head, *tools)
        if isinstance(item, rm.MCPApprovalRequest):
            head = Text.assemble(
                (item.server_label, "bold magenta"), " \N{RIGHTWARDS ARROW} ", (item.name, "bold")
            )
            note = Text("waiting for approval", style="yellow")
            return Group(head, arguments_block(item.arguments, True), note)
        if isinstance(item, rm.WebSearchToolCall):
            return Group(*(Text(line) for line in _web_action(item.action)))
        if isinstance(item, rm.FileSearchToolCall):
            lines = [Text(f"query: {query}") for query in item.queries]
            if item.results is not None:
                lines.append(Text(count(len(item.results), "result")))
                for result in item.results:
                    score = f" score {result.score:.2f}" if result.score is not None else ""
                    name = result.filename or result.file_id or "?"
                    lines.append(Text(f"  {name} ({result.file_id}){score}"))
                    if result.text:
                        lines.append(Text(f"    {clip(result.text, 66)}", style="dim"))
            return Group(*lines) if lines else Text("searching", style="dim")
        if isinstance(item, rm.ImageGenToolCall):
            partials = self.partial_images.get(item.id, 0)
            lines = [Text(f"{item.status} \N{MIDDLE DOT} {count(partials, 'partial image')}")]
            if item.result:
                lines.append(Text(_image_size(item), style="bold cyan"))
            if item.revised_prompt:
                lines.append(Text(f"prompt: {clip(item.revised_prompt, 200)}", style="dim"))
            return Group(*lines)
        if isinstance(item, rm.ApplyPatchToolCall):
            operation = item.operation
            head = Text.assemble(
                (str(_get(operation, "type") or "patch"), "bold magenta"),
                f" {_text(_get(operation, 'path'))}",
            )
            diff = _text(_get(operation, "diff"))
            if not diff:
                return head
            return Group(head, Syntax(diff.rstrip("\n"), "diff", background_color="default"))
        if isinstance(item, rm.FunctionShellCall):
            return Group(*(Text(f"$ {command}") for command in item.action.commands))
        if isinstance(item, rm.FunctionShellCallOutput):
            lines = []
            for output in item.output:
                lines += [Text(output.stdout.rstrip("\n"))] if output.stdout else []
                lines += [Text(output.stderr.rstrip("\n"), style="red")] if output.stderr else []
            return Group(*lines) if lines else Text("(no output yet)", style="dim")
        if isinstance(item, rm.LocalShellToolCall):
            return Text("$ " + " ".join(item.action.command))
        if isinstance(item, rm.CompactionBody):
            size = len(item.encrypted_content or "")
            return Text(f"earlier turns compacted ({size:,} characters encrypted)", style="dim")
        return Text(f"{_kind(item)} (an item this view shows by its type only)", style="dim")

    @staticmethod
    def _code_body(item: rm.CodeInterpreterToolCall) -> RenderableType:
        code = code_block(item.code)
        logs, images = _code_outputs(item)
        if not logs and not images:
            return code
        outputs = Table.grid(padding=(0, 1))
        outputs.add_column(style="bold yellow", no_wrap=True, min_width=5)
        outputs.add_column()
        for log in logs:
            outputs.add_row("logs", Text(log.rstrip("\n")))
        for url in images:
            outputs.add_row("image", Text(_url(url), style="bold cyan"))
        return Group(code, outputs)

    @staticmethod
    def _message_body(item: rm.OutputMessage) -> RenderableType:
        parts: list[RenderableType] = []
        number = 0
        for part in item.content:
            if isinstance(part, rm.OutputTextContent):
                parts.append(Text(part.text) if part.text else Text("(no text)", style="dim"))
                for annotation in part.annotations:
                    number += 1
                    what, where = _annotation(annotation)
                    arrow = f" \N{RIGHTWARDS ARROW} {where}" if where else ""
                    parts.append(Text(f"[{number}] {what}{arrow}", "dim"))
            elif isinstance(part, rm.RefusalContent):
                parts.append(Text(f"refusal: {part.refusal}", "red"))
            else:
                parts.append(Text(f"{_kind(part)} (a content type this view does not show)"))
        return Group(*parts) if parts else Text("(no text yet)", style="dim")

    def _footer(self) -> Text:
        responses = list(self.responses.values())
        if not responses:
            footer = Text("waiting for the response\N{HORIZONTAL ELLIPSIS}", style="dim")
        else:
            response = responses[-1]
            status = response.status or "?"
            footer = Text.assemble(
                ("response ", "bold"),
                f"{response.id} ",
                (status, f"bold {STATUS_STYLE.get(status, '')}"),
            )
            details = response.incomplete_details
            if details is not None and details.reason:
                footer.append(f" \N{MIDDLE DOT} {details.reason}", "yellow")
            failure = response.error
            if failure is not None and not self._reported(failure):
                footer.append(f"\nerror: {failure.code}: {failure.message}", "red")
            if response.usage is not None:
                footer.append(f"\n{describe_usage(response.usage)}")
        for error in self.errors:
            footer.append(f"\nserver error: {error.error_code}: {error.error_message}", "bold red")
        return footer

    def _reported(self, failure: rm.ResponseError) -> bool:
        """Whether an error event said what the response's error says (said once, then)."""
        return any(
            (error.error_code, error.error_message) == (failure.code, failure.message)
            for error in self.errors
        )

    def summary(self) -> str:
        """What has been received so far, as plain text: each response and its items."""
        with self._lock:
            lines = [] if self.responses else ["response: none received"]
            for response in self.responses.values():
                line = f"response {response.id} {response.status}"
                if response.usage is not None:
                    line += f" ({describe_usage(response.usage)})"
                lines.append(line)
                for item in response.output:
                    entry = (response, item)
                    what = self._brief(item)
                    lines.append(
                        f"  {_kind(item)} {item_key(item)} {self._status(entry)}"
                        + (f": {what}" if what else "")
                    )
                    lines += [f"    cites {what} -> {where}" for what, where in _annotations(item)]
            lines += [
                f"  server error: {error.error_code}: {error.error_message}"
                for error in self.errors
            ]
            return "\n".join(lines) + "\n"

    # -- plain output --

    def _plain_stream(self, item: Any) -> None:
        """Print what the streamed texts of ``item`` have beyond what was printed of them."""
        key = item_key(item)
        if isinstance(item, rm.OutputMessage):
            for index, part in enumerate(item.content):
                if isinstance(part, rm.OutputTextContent):
                    self._fragment((key, "text", str(index)), f"[message {key}]", part.text)
                elif isinstance(part, rm.RefusalContent):
                    self._fragment((key, "refusal", str(index)), f"[refusal {key}]", part.refusal)
        elif isinstance(item, rm.ReasoningItem):
            for index, summary in enumerate(item.summary):
                self._fragment((key, "summary", str(index)), f"[summary {key}]", summary.text)
            for index, content in enumerate(item.content or ()):
                self._fragment((key, "reasoning", str(index)), f"[reasoning {key}]", content.text)
        elif isinstance(item, rm.FunctionToolCall):
            self._fragment((key, "arguments"), f"[function {key}] {item.name}", item.arguments)
        elif isinstance(item, rm.CustomToolCall):
            self._fragment((key, "input"), f"[custom {key}] {item.name}", item.input)
        elif isinstance(item, rm.MCPToolCall):
            header = f"[mcp {key}] {item.server_label}.{item.name}"
            self._fragment((key, "arguments"), header, item.arguments)
        elif isinstance(item, rm.CodeInterpreterToolCall):
            self._fragment((key, "code"), f"[code {key}]", item.code or "")
        elif isinstance(item, rm.ApplyPatchToolCall):
            path = _text(_get(item.operation, "path"))
            self._fragment(
                (key, "diff"), f"[patch {key}] {path}", _text(_get(item.operation, "diff"))
            )
        elif isinstance(item, rm.FunctionShellCall):
            self._fragment((key, "command"), f"[shell {key}]", "\n".join(item.action.commands))
        elif isinstance(item, rm.FunctionShellCallOutput):
            text = "".join(output.stdout + output.stderr for output in item.output)
            self._fragment((key, "output"), f"[shell output {key}]", text)

    def _plain_details(self, item: Any) -> None:
        """An item's details once it is done: citations, logs, sources, results, outputs."""
        key = item_key(item)
        lines: list[str] = []
        if isinstance(item, rm.OutputMessage):
            lines = [f"  cites {what} -> {where}" for what, where in _annotations(item)]
        elif isinstance(item, rm.CodeInterpreterToolCall):
            logs, images = _code_outputs(item)
            lines = [f"[logs {key}]\n{log.rstrip()}" for log in logs]
            lines += [f"[image {key}] {_url(url)}" for url in images]
        elif isinstance(item, rm.WebSearchToolCall):
            lines = [f"[web_search {key}] {line}" for line in _web_action(item.action)]
        elif isinstance(item, rm.FileSearchToolCall):
            lines = [f"[file_search {key}] query: {query}" for query in item.queries]
            lines += [
                f"[file_search {key}] {result.filename or '?'} ({result.file_id})"
                for result in item.results or ()
            ]
        elif isinstance(item, rm.MCPToolCall):
            if item.output is not None:
                lines.append(f"[output {key}] {item.output}")
            if item.error is not None:
                lines.append(f"[error {key}] {_mcp_error(item.error)}")
        elif isinstance(item, rm.MCPListTools):
            names = ", ".join(tool.name for tool in item.tools)
            lines.append(f"[mcp_list_tools {key}] {item.server_label}: {names}")
            if item.error:
                lines.append(f"[error {key}] {item.error}")
        elif isinstance(item, rm.MCPApprovalRequest):
            lines.append(f"[approval {key}] {item.server_label}.{item.name}({item.arguments})")
        elif isinstance(item, rm.ImageGenToolCall):
            partials = count(self.partial_images.get(item.id, 0), "partial image")
            lines.append(f"[image_generation {key}] {partials}")
            if item.result:
                lines.append(f"[image_generation {key}] {_image_size(item)}")
        elif isinstance(item, rm.CompactionBody):
            lines.append(f"[compaction {key}] {len(item.encrypted_content or ''):,} characters")
        for index, line in enumerate(lines):
            self._once((key, "detail", str(index)), line)

    def _plain_status(self, item: Any, status: str) -> None:
        key = item_key(item)
        if self._last_status.get(key) != status:
            self._last_status[key] = status
            self._line(" ".join(filter(None, (_kind(item), key, status))))

    # -- callbacks --

    def _refresh(self, also: Callable[[], None] | None = None) -> None:
        """Take the current response's snapshot (and apply ``also``) under the lock."""
        response = self.current_response

        def apply() -> None:
            if response is not None:
                self.responses[response.id] = response
            if also is not None:
                also()

        self._update(apply)

    def _event_item(self) -> Any:
        """The output item the current event is about (None if it is not in the response)."""
        response = self.current_response
        if response is None:
            return None
        item_id = getattr(self.current_event, "item_id", None)
        for item in response.output:
            if item_id is not None and item_key(item) == item_id:
                return item
        index = getattr(self.current_event, "output_index", None)
        if isinstance(index, int) and 0 <= index < len(response.output):
            return response.output[index]
        return None

    def _streamed(self, item: Any = None) -> None:
        """A callback that streamed text: show it; in plain mode, print its new text."""
        self._refresh()
        if not self.live:
            item = item if item is not None else self._event_item()
            if item is not None:
                self._plain_stream(item)

    def _on_response(self, response: rm.Response) -> None:
        self._refresh()
        status = response.status or "?"
        if not self.live and self._last_status.get(response.id) != status:
            self._last_status[response.id] = status
            usage = f" ({describe_usage(response.usage)})" if response.usage is not None else ""
            self._line(f"response {response.id} {status}{usage}")
            failure = response.error
            if failure is not None and not self._reported(failure):
                self._line(f"  error: {failure.code}: {failure.message}")

    def on_response_created(self, response: rm.Response) -> None:
        """Show the response; in plain mode, a line for it."""
        self._on_response(response)

    def on_response_updated(self, response: rm.Response) -> None:
        """Show the response's new status; in plain mode, a line when it changes."""
        self._on_response(response)

    def on_response_done(self, response: rm.Response) -> None:
        """Show how the response ended; in plain mode, a line with its usage."""
        if not self.live:
            # Items the terminal response holds whole (never streamed) are printed now.
            for item in response.output:
                self._plain_stream(item)
                self._plain_details(item)
                self._plain_status(item, str(_get(item, "status") or "completed"))
        self._on_response(response)

    def on_output_item_added(self, item: rm.OutputItem) -> None:
        """Add the item's panel; in plain mode, a line for it."""
        self._refresh()
        if not self.live:
            self._plain_status(item, str(_get(item, "status") or "in_progress"))
            self._plain_stream(item)

    def on_output_item_updated(self, item: rm.OutputItem) -> None:
        """Show the item's new status (searching, interpreting, generating ...)."""
        self._refresh()
        if not self.live:
            status = _get(item, "status")
            if isinstance(status, str):
                self._plain_status(item, status)

    def on_output_item_done(self, item: rm.OutputItem) -> None:
        """Mark the item done (it collapses once a newer one opens); in plain mode, its details."""
        self._refresh(lambda: self._done_items.add(item_key(item)))
        if not self.live:
            self._plain_stream(item)
            self._plain_details(item)
            self._plain_status(item, str(_get(item, "status") or "completed"))

    def on_content_part_added(self, part: rm.OutputContent) -> None:
        """Show the new part."""
        self._streamed()

    def on_content_part_done(self, part: rm.OutputContent) -> None:
        """Show the part as it ended."""
        self._streamed()

    def on_reasoning_summary_part_added(self, part: rm.SummaryTextContent) -> None:
        """Show the new summary part."""
        self._streamed()

    def on_reasoning_summary_part_done(self, part: rm.SummaryTextContent) -> None:
        """Show the summary part as it ended."""
        self._streamed()

    def on_output_text_delta(self, delta: str, snapshot: rm.OutputContent) -> None:
        """Show the text so far; in plain mode, print the new text."""
        self._streamed()

    def on_output_text_done(self, text: str, snapshot: rm.OutputContent) -> None:
        """Show the final text."""
        self._streamed()

    def on_output_text_annotation_added(
        self, annotation: rm.Annotation, snapshot: rm.OutputContent
    ) -> None:
        """List the citation under the text."""
        self._refresh()

    def on_refusal_delta(self, delta: str, snapshot: rm.OutputContent) -> None:
        """Show the refusal so far."""
        self._streamed()

    def on_refusal_done(self, refusal: str, snapshot: rm.OutputContent) -> None:
        """Show the final refusal."""
        self._streamed()

    def on_reasoning_text_delta(self, delta: str, snapshot: rm.OutputContent) -> None:
        """Show the raw reasoning so far."""
        self._streamed()

    def on_reasoning_text_done(self, text: str, snapshot: rm.OutputContent) -> None:
        """Show the final raw reasoning."""
        self._streamed()

    def on_reasoning_summary_text_delta(self, delta: str, snapshot: rm.SummaryTextContent) -> None:
        """Show the summary so far."""
        self._streamed()

    def on_reasoning_summary_text_done(self, text: str, snapshot: rm.SummaryTextContent) -> None:
        """Show the final summary part."""
        self._streamed()

    def on_function_call_arguments_delta(self, delta: str, snapshot: rm.OutputItem) -> None:
        """Show the arguments so far."""
        self._streamed(snapshot)

    def on_function_call_arguments_done(self, arguments: str, snapshot: rm.OutputItem) -> None:
        """Show the final arguments."""
        self._streamed(snapshot)

    def on_custom_tool_call_input_delta(self, delta: str, snapshot: rm.OutputItem) -> None:
        """Show the input so far."""
        self._streamed(snapshot)

    def on_custom_tool_call_input_done(self, text: str, snapshot: rm.OutputItem) -> None:
        """Show the final input."""
        self._streamed(snapshot)

    def on_mcp_call_arguments_delta(self, delta: str, snapshot: rm.OutputItem) -> None:
        """Show the MCP call's arguments so far."""
        self._streamed(snapshot)

    def on_mcp_call_arguments_done(self, arguments: str, snapshot: rm.OutputItem) -> None:
        """Show the MCP call's final arguments."""
        self._streamed(snapshot)

    def on_code_interpreter_call_code_delta(self, delta: str, snapshot: rm.OutputItem) -> None:
        """Show the code so far, as Python."""
        self._streamed(snapshot)

    def on_code_interpreter_call_code_done(self, code: str, snapshot: rm.OutputItem) -> None:
        """Show the final code."""
        self._streamed(snapshot)

    def on_apply_patch_call_operation_diff_delta(self, delta: str, snapshot: rm.OutputItem) -> None:
        """Show the diff so far."""
        self._streamed(snapshot)

    def on_apply_patch_call_operation_diff_done(self, diff: str, snapshot: rm.OutputItem) -> None:
        """Show the final diff."""
        self._streamed(snapshot)

    def on_image_generation_call_partial_image(
        self, image_b64: str, snapshot: rm.OutputItem
    ) -> None:
        """Count the partial image."""
        key = item_key(snapshot)

        def add() -> None:
            self.partial_images[key] = self.partial_images.get(key, 0) + 1

        self._refresh(add)

    def on_shell_call_command_added(self, snapshot: rm.OutputItem) -> None:
        """Show the shell call's command."""
        self._streamed(snapshot)

    def on_shell_call_command_delta(self, delta: str, snapshot: rm.OutputItem) -> None:
        """Show the shell call's command so far."""
        self._streamed(snapshot)

    def on_shell_call_command_done(self, snapshot: rm.OutputItem) -> None:
        """Show the shell call's final command."""
        self._streamed(snapshot)

    def on_shell_call_output_content_delta(
        self, delta: rm.ShellCallOutputDelta, snapshot: rm.OutputItem
    ) -> None:
        """Show the shell call's output so far."""
        self._streamed(snapshot)

    def on_shell_call_output_content_done(self, snapshot: rm.OutputItem) -> None:
        """Show the shell call's final output."""
        self._streamed(snapshot)

    def on_error(self, error: rm.ResponseErrorEvent) -> None:
        """Show the server's error in the footer (plain mode: a line)."""
        self._refresh(lambda: self.errors.append(error))
        if not self.live:
            self._line(f"server error: {error.error_code}: {error.error_message}")
