"""Stream builders for the Responses API: the events that stream a final Response, as wire JSON.

Give :func:`response_events` the Response a stream should end with (wire JSON, e.g. from
:func:`response`) and it returns the events a server could have sent to produce it, in the order
OpenAI sends them:

1. ``response.created`` (status ``in_progress``, ``output: []``, no usage; ``queued`` in
   background mode, followed by ``response.queued``), then ``response.in_progress``;
2. per output item: ``response.output_item.added`` with the item's skeleton (status
   ``in_progress``, streamed fields empty, ``content`` / ``summary`` ``[]``, results absent as in
   the recordings), the item's status events (``…in_progress``, ``…searching``,
   ``…interpreting``, ``…generating``), each content or summary part (``content_part.added`` /
   ``reasoning_summary_part.added`` with the empty part, the text in ``*.delta`` fragments,
   annotations as ``output_text.annotation.added``, the ``*.done`` event with the whole text,
   ``content_part.done`` / ``reasoning_summary_part.done`` with the final part), the streamed
   field of a tool call (``arguments``, ``input``, ``code``) in fragments and its ``*.done``, the
   closing status event (``…completed`` / ``…failed``), and ``response.output_item.done`` with
   the final item;
3. ``response.completed`` / ``response.incomplete`` / ``response.failed`` with the final response.

A correct accumulator fed these events ends with exactly that Response. The options stress what
servers and proxies do: fragment sizes, sequence numbers or none (streams before mid-2025), a
starting number, parallel items whose events interleave, items introduced out of order (each event
still carries its own ``output_index``), the ``*.done`` and terminal events left out, background
mode, the ``obfuscation`` padding of deltas. :func:`encode_sse` writes the events as OpenAI does
(``event: <type>`` + ``data: <json>``) or as OpenRouter does (no ``event:`` lines, ``:`` comment
lines, ``data: [DONE]`` at the end).

The item, part and envelope builders (:func:`message_item`, :func:`reasoning_item`, ...,
:func:`response`) write wire JSON with the keys and key order of the recorded streams.
:func:`example_response` is a realistic final Response (reasoning, web search, code interpreter,
function call, an answer with citations), the bundled demo's.

Everything is a pure function of its arguments: the same ``random.Random`` state gives the same
events. Nothing here needs the models, the converter or Hypothesis (stdlib and
:mod:`streamkit.sse`), except that :func:`response_events` converts a model it is given with
:func:`streamkit.to_dict`.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from streamkit.sse import ServerSentEvent
from streamkit.testing._wire import dumps, intro_order, weave

__all__ = [
    "RESPONSE_DELTA_TYPES",
    "RESPONSE_DONE_TYPES",
    "RESPONSE_TERMINAL_TYPES",
    "code_interpreter_call_item",
    "code_interpreter_image",
    "code_interpreter_logs",
    "compaction_item",
    "container_file_citation",
    "custom_tool_call_item",
    "encode_sse",
    "example_response",
    "file_citation",
    "file_path_annotation",
    "file_search_call_item",
    "file_search_result",
    "function_call_item",
    "image_generation_call_item",
    "logprob",
    "mcp_call_item",
    "mcp_list_tools_item",
    "message_item",
    "output_text_part",
    "reasoning_item",
    "reasoning_text_part",
    "refusal_part",
    "response",
    "response_events",
    "response_usage",
    "sse_events",
    "summary_text_part",
    "url_citation",
    "web_search_action",
    "web_search_call_item",
]

JSON = dict[str, Any]

#: The event types whose payload is a fragment of a streamed string (``delta``).
RESPONSE_DELTA_TYPES = frozenset(
    {
        "response.output_text.delta",
        "response.refusal.delta",
        "response.reasoning_text.delta",
        "response.reasoning_summary_text.delta",
        "response.function_call_arguments.delta",
        "response.custom_tool_call_input.delta",
        "response.mcp_call_arguments.delta",
        "response.code_interpreter_call_code.delta",
    }
)

#: The event types that carry a final value: a whole string, part or item. ``include_done=False``
#: leaves them out.
RESPONSE_DONE_TYPES = frozenset(
    {
        "response.output_text.done",
        "response.refusal.done",
        "response.reasoning_text.done",
        "response.reasoning_summary_text.done",
        "response.function_call_arguments.done",
        "response.custom_tool_call_input.done",
        "response.mcp_call_arguments.done",
        "response.code_interpreter_call_code.done",
        "response.content_part.done",
        "response.reasoning_summary_part.done",
        "response.output_item.done",
    }
)

#: The event that ends a response whose final status is the key. Other statuses (``queued``,
#: ``in_progress``, ``cancelled``) have none: such a stream just stops.
_TERMINAL = {
    "completed": "response.completed",
    "incomplete": "response.incomplete",
    "failed": "response.failed",
}
#: The event types that end a response (:data:`_TERMINAL`'s values).
RESPONSE_TERMINAL_TYPES = frozenset(_TERMINAL.values())

_CREATED_AT = 1_735_732_800  # 2025-01-01T12:00:00Z, as the Assistants examples
_MODEL = "gpt-5-2025-08-07"

# OpenRouter's keep-alive comment, and how many events apart encode_sse(comments=True) sends it.
_COMMENT = ": OPENROUTER PROCESSING\n\n"
_COMMENT_EVERY = 16
# The `obfuscation` padding: recorded deltas are padded to about this many characters in all.
_OBFUSCATION_TARGET = 16
_PAD_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


# --- Content parts, annotations, log probabilities -----------------------------------------------


def output_text_part(
    text: str,
    *,
    annotations: Sequence[Mapping[str, Any]] = (),
    logprobs: Sequence[Mapping[str, Any]] | None = (),
) -> JSON:
    """An ``output_text`` content part of a message.

    Args:
        text: the text.
        annotations: its annotations (:func:`url_citation`, :func:`file_citation`, ...).
        logprobs: its token log probabilities (:func:`logprob`); ``None`` leaves the key out,
            as some servers do (OpenRouter).

    Returns:
        ``{"type": "output_text", "annotations", "logprobs", "text"}``.
    """
    part: JSON = {"type": "output_text", "annotations": [dict(a) for a in annotations]}
    if logprobs is not None:
        part["logprobs"] = [dict(p) for p in logprobs]
    part["text"] = text
    return part


def refusal_part(refusal: str) -> JSON:
    """A ``refusal`` content part of a message: ``{"type": "refusal", "refusal"}``."""
    return {"type": "refusal", "refusal": refusal}


def reasoning_text_part(text: str) -> JSON:
    """A ``reasoning_text`` content part of a reasoning item (raw reasoning, not a summary)."""
    return {"type": "reasoning_text", "text": text}


def summary_text_part(text: str) -> JSON:
    """A ``summary_text`` part of a reasoning item's ``summary``."""
    return {"type": "summary_text", "text": text}


def url_citation(url: str, title: str, *, start_index: int, end_index: int) -> JSON:
    """A ``url_citation`` annotation of the text between ``start_index`` and ``end_index``."""
    return {
        "type": "url_citation",
        "end_index": end_index,
        "start_index": start_index,
        "title": title,
        "url": url,
    }


def file_citation(file_id: str, filename: str, *, index: int) -> JSON:
    """A ``file_citation`` annotation (a file-search result cited at character ``index``)."""
    return {"type": "file_citation", "file_id": file_id, "filename": filename, "index": index}


def container_file_citation(
    container_id: str, file_id: str, filename: str, *, start_index: int, end_index: int
) -> JSON:
    """A ``container_file_citation`` annotation (a file the code interpreter wrote)."""
    return {
        "type": "container_file_citation",
        "container_id": container_id,
        "end_index": end_index,
        "file_id": file_id,
        "filename": filename,
        "start_index": start_index,
    }


def file_path_annotation(file_id: str, *, index: int) -> JSON:
    """A ``file_path`` annotation: ``{"type": "file_path", "file_id", "index"}``."""
    return {"type": "file_path", "file_id": file_id, "index": index}


def logprob(token: str, value: float, *, top_logprobs: Sequence[tuple[str, float]] = ()) -> JSON:
    """The log probability of one token, with its UTF-8 ``bytes``, as the API sends it.

    Args:
        token: the token.
        value: its log probability.
        top_logprobs: the most likely alternatives, as ``(token, log probability)`` pairs.

    Returns:
        ``{"bytes", "logprob", "token", "top_logprobs": [{"bytes", "logprob", "token"}, ...]}``.
    """
    return {
        "bytes": list(token.encode("utf-8")),
        "logprob": value,
        "token": token,
        "top_logprobs": [
            {"bytes": list(alt.encode("utf-8")), "logprob": alt_value, "token": alt}
            for alt, alt_value in top_logprobs
        ],
    }


# --- Output items --------------------------------------------------------------------------------
# Keys in the order of the recorded streams (tests/data/responses); `None` arguments leave
# optional keys out, as the API does for fields a model or tool does not use.


def message_item(
    item_id: str,
    content: Sequence[Mapping[str, Any]],
    *,
    status: str = "completed",
    phase: str | None = None,
) -> JSON:
    """An assistant ``message`` output item.

    Args:
        item_id: its id (``msg_...``).
        content: its parts (:func:`output_text_part`, :func:`refusal_part`, or any part).
        status: ``completed``, ``incomplete`` or ``in_progress``.
        phase: its ``phase`` (``commentary``, ``final_answer``), left out when ``None``.

    Returns:
        ``{"id", "type": "message", "status", "content", ["phase"], "role": "assistant"}``.
    """
    item: JSON = {
        "id": item_id,
        "type": "message",
        "status": status,
        "content": [dict(part) for part in content],
    }
    if phase is not None:
        item["phase"] = phase
    item["role"] = "assistant"
    return item


def reasoning_item(
    item_id: str,
    *,
    summary: Sequence[str] = (),
    content: Sequence[str] | None = None,
    encrypted_content: str | None = None,
    status: str | None = None,
) -> JSON:
    """A ``reasoning`` output item.

    Args:
        item_id: its id (``rs_...``).
        summary: the texts of its ``summary_text`` parts (streamed as reasoning summary parts).
        content: the texts of its ``reasoning_text`` parts (raw reasoning, as DeepSeek,
            OpenRouter and gpt-oss send it); ``None`` leaves ``content`` out.
        encrypted_content: its ``encrypted_content``; ``None`` leaves it out.
        status: its ``status``; ``None`` leaves it out (OpenAI sends none on reasoning items).

    Returns:
        ``{"id", "type": "reasoning", ["status"], ["content"], ["encrypted_content"], "summary"}``.
    """
    item: JSON = {"id": item_id, "type": "reasoning"}
    if status is not None:
        item["status"] = status
    if content is not None:
        item["content"] = [reasoning_text_part(text) for text in content]
    if encrypted_content is not None:
        item["encrypted_content"] = encrypted_content
    item["summary"] = [summary_text_part(text) for text in summary]
    return item


def function_call_item(
    item_id: str, *, call_id: str, name: str, arguments: str, status: str = "completed"
) -> JSON:
    """A ``function_call`` output item (a call of one of the caller's functions).

    Args:
        item_id: its id (``fc_...``).
        call_id: the id its output is submitted with (``call_...``).
        name: the function's name.
        arguments: the arguments, as JSON text (streamed).
        status: its status.

    Returns:
        ``{"id", "type": "function_call", "status", "arguments", "call_id", "name"}``.
    """
    return {
        "id": item_id,
        "type": "function_call",
        "status": status,
        "arguments": arguments,
        "call_id": call_id,
        "name": name,
    }


def custom_tool_call_item(item_id: str, *, call_id: str, name: str, tool_input: str) -> JSON:
    """A ``custom_tool_call`` output item; ``tool_input`` is its streamed ``input``.

    Returns:
        ``{"id", "type": "custom_tool_call", "call_id", "input", "name"}`` (the schema has no
        ``status`` for it).
    """
    return {
        "id": item_id,
        "type": "custom_tool_call",
        "call_id": call_id,
        "input": tool_input,
        "name": name,
    }


def code_interpreter_logs(logs: str) -> JSON:
    """A ``logs`` output of a code-interpreter call."""
    return {"type": "logs", "logs": logs}


def code_interpreter_image(url: str) -> JSON:
    """An ``image`` output of a code-interpreter call (a URL, often a ``data:`` URL)."""
    return {"type": "image", "url": url}


def code_interpreter_call_item(
    item_id: str,
    *,
    code: str | None,
    container_id: str,
    outputs: Sequence[Mapping[str, Any]] | None = None,
    status: str = "completed",
) -> JSON:
    """A ``code_interpreter_call`` output item.

    Args:
        item_id: its id (``ci_...``).
        code: the code it ran (streamed), or ``None``.
        container_id: the container it ran in (``cntr_...``).
        outputs: its outputs (:func:`code_interpreter_logs`, :func:`code_interpreter_image`);
            ``None`` unless the request included ``code_interpreter_call.outputs``.
        status: its status.

    Returns:
        ``{"id", "type": "code_interpreter_call", "status", "code", "container_id", "outputs"}``.
    """
    return {
        "id": item_id,
        "type": "code_interpreter_call",
        "status": status,
        "code": code,
        "container_id": container_id,
        "outputs": None if outputs is None else [dict(output) for output in outputs],
    }


def file_search_result(
    file_id: str,
    filename: str,
    text: str,
    *,
    score: float,
    attributes: Mapping[str, Any] | None = None,
) -> JSON:
    """One file-search result: ``{"attributes", "file_id", "filename", "score", "text"}``."""
    return {
        "attributes": dict(attributes or {}),
        "file_id": file_id,
        "filename": filename,
        "score": score,
        "text": text,
    }


def file_search_call_item(
    item_id: str,
    *,
    queries: Sequence[str],
    results: Sequence[Mapping[str, Any]] | None = None,
    status: str = "completed",
) -> JSON:
    """A ``file_search_call`` output item; ``results`` (:func:`file_search_result`) or ``None``.

    Returns:
        ``{"id", "type": "file_search_call", "status", "queries", "results"}``.
    """
    return {
        "id": item_id,
        "type": "file_search_call",
        "status": status,
        "queries": list(queries),
        "results": None if results is None else [dict(result) for result in results],
    }


def web_search_action(
    query: str,
    *,
    queries: Sequence[str] | None = None,
    sources: Sequence[Mapping[str, Any]] | None = None,
) -> JSON:
    """A web search's action: ``{"type": "search", "query", ["queries"], ["sources"]}``."""
    action: JSON = {"type": "search", "query": query}
    if queries is not None:
        action["queries"] = list(queries)
    if sources is not None:
        action["sources"] = [dict(source) for source in sources]
    return action


def web_search_call_item(
    item_id: str, *, action: Mapping[str, Any], status: str = "completed"
) -> JSON:
    """A ``web_search_call`` output item with its ``action`` (:func:`web_search_action`)."""
    return {"id": item_id, "type": "web_search_call", "status": status, "action": dict(action)}


def image_generation_call_item(
    item_id: str,
    *,
    result: str | None,
    status: str = "completed",
    background: str | None = None,
    output_format: str | None = None,
    quality: str | None = None,
    revised_prompt: str | None = None,
    size: str | None = None,
) -> JSON:
    """An ``image_generation_call`` output item; ``result`` is the image in base64.

    The optional fields are left out when ``None``.

    Returns:
        ``{"id", "type": "image_generation_call", "status", ["background"], ["output_format"],
        ["quality"], "result", ["revised_prompt"], ["size"]}``.
    """
    item: JSON = {"id": item_id, "type": "image_generation_call", "status": status}
    for key, value in (
        ("background", background),
        ("output_format", output_format),
        ("quality", quality),
    ):
        if value is not None:
            item[key] = value
    item["result"] = result
    for key, value in (("revised_prompt", revised_prompt), ("size", size)):
        if value is not None:
            item[key] = value
    return item


def mcp_call_item(
    item_id: str,
    *,
    server_label: str,
    name: str,
    arguments: str,
    output: str | None = None,
    error: Mapping[str, Any] | None = None,
    status: str = "completed",
    approval_request_id: str | None = None,
) -> JSON:
    """An ``mcp_call`` output item (a tool of a remote MCP server, run by the API).

    ``error`` is the spec's error object (``{"type": "mcp_protocol_error" | "http_error",
    "code", "message"}`` or ``{"type": "mcp_tool_execution_error", "content"}``), or ``None``.

    Returns:
        ``{"id", "type": "mcp_call", "status", "approval_request_id", "arguments", "error",
        "name", "output", "server_label"}``.
    """
    return {
        "id": item_id,
        "type": "mcp_call",
        "status": status,
        "approval_request_id": approval_request_id,
        "arguments": arguments,
        "error": None if error is None else dict(error),
        "name": name,
        "output": output,
        "server_label": server_label,
    }


def mcp_list_tools_item(
    item_id: str,
    *,
    server_label: str,
    tools: Sequence[Mapping[str, Any]],
    error: str | None = None,
) -> JSON:
    """An ``mcp_list_tools`` output item; ``error`` is left out when ``None``.

    Returns:
        ``{"id", "type": "mcp_list_tools", "server_label", "tools", ["error"]}``.
    """
    item: JSON = {
        "id": item_id,
        "type": "mcp_list_tools",
        "server_label": server_label,
        "tools": [dict(tool) for tool in tools],
    }
    if error is not None:
        item["error"] = error
    return item


def compaction_item(item_id: str, *, encrypted_content: str) -> JSON:
    """A ``compaction`` output item (seen on the wire; older SDKs do not know the type)."""
    return {"id": item_id, "type": "compaction", "encrypted_content": encrypted_content}


# --- The response envelope -----------------------------------------------------------------------


def response_usage(
    input_tokens: int, output_tokens: int, *, cached_tokens: int = 0, reasoning_tokens: int = 0
) -> JSON:
    """A response's ``usage``; ``total_tokens`` is the sum of input and output tokens."""
    return {
        "input_tokens": input_tokens,
        "input_tokens_details": {"cached_tokens": cached_tokens},
        "output_tokens": output_tokens,
        "output_tokens_details": {"reasoning_tokens": reasoning_tokens},
        "total_tokens": input_tokens + output_tokens,
    }


def response(
    response_id: str,
    output: Sequence[Mapping[str, Any]] = (),
    *,
    status: str = "completed",
    created_at: int = _CREATED_AT,
    completed_at: int | None = None,
    model: str = _MODEL,
    usage: Mapping[str, Any] | None = None,
    **fields: Any,
) -> JSON:
    """A whole Response as wire JSON, with every key of the recorded 2025-2026 streams.

    Args:
        response_id: its id (``resp_...``).
        output: its output items (:func:`message_item`, :func:`reasoning_item`, ...).
        status: ``completed``, ``incomplete``, ``failed``, ``in_progress``, ``queued`` or
            ``cancelled``.
        created_at: its creation time (Unix seconds).
        completed_at: its completion time, ``None`` until completed.
        model: the model that answered.
        usage: its token usage (:func:`response_usage`), ``None`` until it ends.
        **fields: values for other keys (``error=...``, ``incomplete_details=...``,
            ``tools=[...]``, ``background=True``, ``previous_response_id=...``), or extra keys.

    Returns:
        The response's dict, keys in the API's order.
    """
    envelope: JSON = {
        "id": response_id,
        "object": "response",
        "created_at": created_at,
        "status": status,
        "background": False,
        "completed_at": completed_at,
        "error": None,
        "frequency_penalty": 0.0,
        "incomplete_details": None,
        "instructions": None,
        "max_output_tokens": None,
        "max_tool_calls": None,
        "model": model,
        "output": [dict(item) for item in output],
        "parallel_tool_calls": True,
        "presence_penalty": 0.0,
        "previous_response_id": None,
        "prompt_cache_key": None,
        "prompt_cache_retention": None,
        "reasoning": {"effort": "medium", "summary": "auto"},
        "safety_identifier": None,
        "service_tier": "default",
        "store": True,
        "temperature": 1.0,
        "text": {"format": {"type": "text"}, "verbosity": "medium"},
        "tool_choice": "auto",
        "tools": [],
        "top_logprobs": 0,
        "top_p": 1.0,
        "truncation": "disabled",
        "usage": None if usage is None else dict(usage),
        "user": None,
        "metadata": {},
    }
    envelope.update(fields)
    return envelope


# --- Streams -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Options:
    rng: random.Random
    min_fragment: int
    max_fragment: int
    obfuscation: bool


def _fragments(text: str, options: _Options) -> list[str]:
    """``text`` in pieces of ``min_fragment``..``max_fragment`` characters; ``[]`` for ``""``."""
    randint = options.rng.randint
    low, high = options.min_fragment, options.max_fragment
    pieces = []
    position = 0
    while position < len(text):
        size = randint(low, high)
        pieces.append(text[position : position + size])
        position += size
    return pieces


def _groups(values: Sequence[Any], count: int, rng: random.Random) -> list[list[Any]]:
    """``values`` cut into ``count`` consecutive groups (some may be empty); ``count >= 1``."""
    cuts = sorted(rng.randint(0, len(values)) for _ in range(count - 1))
    bounds = [0, *cuts, len(values)]
    return [list(values[bounds[k] : bounds[k + 1]]) for k in range(count)]


def _padding(delta: str, options: _Options) -> str:
    """The ``obfuscation`` of a delta: random characters that pad it to about 16 in all."""
    size = max(_OBFUSCATION_TARGET - len(delta), 2)
    return "".join(options.rng.choices(_PAD_ALPHABET, k=size))


def _delta_event(kind: str, base: JSON, delta: str, options: _Options, **extra: Any) -> JSON:
    event: JSON = {"type": kind, **base, "delta": delta, **extra}
    if options.obfuscation:
        event["obfuscation"] = _padding(delta, options)
    return event


def _provisional(ciphertext: str, rng: random.Random) -> str:
    """Another ciphertext of the same length: ``output_item.added`` carries a provisional one."""
    head = ciphertext[:7]
    body = "".join(rng.choices(_PAD_ALPHABET, k=max(len(ciphertext) - len(head), 8)))
    provisional = head + body
    return provisional if provisional != ciphertext else provisional + "x"


def _skeleton(item: JSON, rng: random.Random) -> JSON:
    """The item as ``output_item.added`` carries it: in progress, nothing streamed yet."""
    kind = item.get("type")
    if kind in ("web_search_call", "image_generation_call"):
        # As recorded: the added item has only id, type and status; the action, result and image
        # options arrive with output_item.done.
        skeleton: JSON = {key: item[key] for key in ("id", "type") if key in item}
        skeleton["status"] = "in_progress"
        return skeleton
    skeleton = dict(item)
    blanks: dict[str, Any] = {"status": "in_progress"}
    if kind == "message":
        blanks["content"] = []
    elif kind == "reasoning":
        blanks.update(summary=[], content=[])
    elif kind in ("function_call", "mcp_call"):
        blanks.update(arguments="", output=None, error=None)
    elif kind == "custom_tool_call":
        blanks["input"] = ""
    elif kind == "code_interpreter_call":
        if isinstance(item.get("code"), str):
            blanks["code"] = ""
        blanks["outputs"] = None if item.get("outputs") is None else []
    elif kind == "file_search_call":
        blanks.update(queries=[], results=None)
    elif kind == "mcp_list_tools":
        blanks["tools"] = []
        skeleton.pop("error", None)
    for key, value in blanks.items():
        if key in skeleton:
            skeleton[key] = value
    encrypted = item.get("encrypted_content")
    if isinstance(encrypted, str) and encrypted:
        skeleton["encrypted_content"] = _provisional(encrypted, rng)
    return skeleton


def _text_part_events(
    base: JSON,
    part: Any,
    *,
    streamed_type: str,
    field: str,
    added: str,
    delta: str,
    done: str,
    part_done: str,
    options: _Options,
) -> list[JSON]:
    """The events of one streamed text part: added (empty), deltas, the text's done, part done.

    A part of another type (one this version does not know) arrives whole, added and done.
    """
    text = part.get(field) if isinstance(part, dict) else None
    kind = part.get("type") if isinstance(part, dict) else None
    if kind != streamed_type or not isinstance(text, str):
        return [{"type": added, **base, "part": part}, {"type": part_done, **base, "part": part}]
    skeleton = dict(part)
    skeleton[field] = ""
    is_output_text = kind == "output_text"
    if is_output_text:
        for key in ("annotations", "logprobs"):
            if key in skeleton:
                skeleton[key] = []
    events: list[JSON] = [{"type": added, **base, "part": skeleton}]
    fragments = _fragments(text, options)
    if not is_output_text:
        events.extend(_delta_event(delta, base, fragment, options) for fragment in fragments)
        done_field = "refusal" if kind == "refusal" else "text"
        events.append({"type": done, **base, done_field: text})
        events.append({"type": part_done, **base, "part": part})
        return events

    logprobs = part.get("logprobs")
    logprobs = logprobs if isinstance(logprobs, list) else []
    groups = _groups(logprobs, len(fragments), options.rng) if fragments else []
    annotations = part.get("annotations")
    annotations = annotations if isinstance(annotations, list) else []
    # Each annotation follows the delta that completes the text it points at, or a later one;
    # annotation_index is an append position, so they stay in order. With no deltas: right away.
    ends = []
    offset = 0
    for fragment in fragments:
        offset += len(fragment)
        ends.append(offset)
    after: list[list[int]] = [[] for _ in range(len(fragments) + 1)]
    previous = 0
    for index, annotation in enumerate(annotations):
        anchor = 0
        if isinstance(annotation, dict):
            for key in ("end_index", "start_index", "index"):
                if isinstance(annotation.get(key), int):
                    anchor = annotation[key]
                    break
        slot = next((k + 1 for k, end in enumerate(ends) if end >= anchor), len(ends))
        slot = max(slot, previous)
        slot = options.rng.randint(slot, min(slot + 1, len(ends)))
        previous = slot
        after[slot].append(index)

    def annotation_events(slot: int) -> list[JSON]:
        return [
            {
                "type": "response.output_text.annotation.added",
                **base,
                "annotation_index": index,
                "annotation": annotations[index],
            }
            for index in after[slot]
        ]

    events.extend(annotation_events(0))
    for k, fragment in enumerate(fragments):
        events.append(_delta_event(delta, base, fragment, options, logprobs=groups[k]))
        events.extend(annotation_events(k + 1))
    events.append({"type": done, **base, "text": text, "logprobs": logprobs})
    events.append({"type": part_done, **base, "part": part})
    return events


def _message_events(base: JSON, item: JSON, options: _Options) -> list[JSON]:
    events: list[JSON] = []
    content = item.get("content")
    for index, part in enumerate(content if isinstance(content, list) else []):
        refusal = isinstance(part, dict) and part.get("type") == "refusal"
        events += _text_part_events(
            {**base, "content_index": index},
            part,
            streamed_type="refusal" if refusal else "output_text",
            field="refusal" if refusal else "text",
            added="response.content_part.added",
            delta="response.refusal.delta" if refusal else "response.output_text.delta",
            done="response.refusal.done" if refusal else "response.output_text.done",
            part_done="response.content_part.done",
            options=options,
        )
    return events


def _reasoning_events(base: JSON, item: JSON, options: _Options) -> list[JSON]:
    events: list[JSON] = []
    content = item.get("content")
    for index, part in enumerate(content if isinstance(content, list) else []):
        events += _text_part_events(
            {**base, "content_index": index},
            part,
            streamed_type="reasoning_text",
            field="text",
            added="response.content_part.added",
            delta="response.reasoning_text.delta",
            done="response.reasoning_text.done",
            part_done="response.content_part.done",
            options=options,
        )
    summary = item.get("summary")
    for index, part in enumerate(summary if isinstance(summary, list) else []):
        events += _text_part_events(
            {**base, "summary_index": index},
            part,
            streamed_type="summary_text",
            field="text",
            added="response.reasoning_summary_part.added",
            delta="response.reasoning_summary_text.delta",
            done="response.reasoning_summary_text.done",
            part_done="response.reasoning_summary_part.done",
            options=options,
        )
    return events


#: Item type -> (streamed field, its delta event, its done event).
_STREAMED_FIELDS = {
    "function_call": (
        "arguments",
        "response.function_call_arguments.delta",
        "response.function_call_arguments.done",
    ),
    "custom_tool_call": (
        "input",
        "response.custom_tool_call_input.delta",
        "response.custom_tool_call_input.done",
    ),
    "mcp_call": (
        "arguments",
        "response.mcp_call_arguments.delta",
        "response.mcp_call_arguments.done",
    ),
    "code_interpreter_call": (
        "code",
        "response.code_interpreter_call_code.delta",
        "response.code_interpreter_call_code.done",
    ),
}

#: Item type -> (status events before its streamed field, status events after it, final status ->
#: closing status event). The statuses are the suffixes of ``response.<item type>.<status>``.
_STATUS_EVENTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], dict[str, str]]] = {
    "code_interpreter_call": (("in_progress",), ("interpreting",), {"completed": "completed"}),
    "mcp_call": (("in_progress",), (), {"completed": "completed", "failed": "failed"}),
    "file_search_call": (("in_progress", "searching"), (), {"completed": "completed"}),
    "web_search_call": (("in_progress", "searching"), (), {"completed": "completed"}),
    "image_generation_call": (("in_progress", "generating"), (), {"completed": "completed"}),
}

_IMAGE_OPTIONS = ("size", "quality", "background", "output_format")


def _tool_events(base: JSON, item: JSON, options: _Options) -> list[JSON]:
    """The events between a tool call's added and done: statuses, its streamed field, images."""
    kind = str(item.get("type"))
    before, after, closing = _STATUS_EVENTS.get(kind, ((), (), {}))
    events: list[JSON] = [{"type": f"response.{kind}.{status}", **base} for status in before]
    streamed = _STREAMED_FIELDS.get(kind)
    if streamed is not None and isinstance(item.get(streamed[0]), str):
        field, delta, done = streamed
        text = item[field]
        events.extend(
            _delta_event(delta, base, piece, options) for piece in _fragments(text, options)
        )
        done_event: JSON = {"type": done, **base}
        if kind == "function_call" and "name" in item:
            done_event["name"] = item["name"]
        done_event[field] = text
        events.append(done_event)
    if kind == "image_generation_call" and isinstance(item.get("result"), str) and item["result"]:
        # One preview (the whole image: its prefix would not decode); the item keeps `result`.
        preview: JSON = {
            "type": "response.image_generation_call.partial_image",
            **base,
            "partial_image_index": 0,
            "partial_image_b64": item["result"],
        }
        preview.update((key, item[key]) for key in _IMAGE_OPTIONS if key in item)
        events.append(preview)
    events.extend({"type": f"response.{kind}.{status}", **base} for status in after)
    if kind == "mcp_list_tools":
        status = "failed" if item.get("error") else "completed"
        events.insert(0, {"type": "response.mcp_list_tools.in_progress", **base})
        events.append({"type": f"response.mcp_list_tools.{status}", **base})
    elif item.get("status") in closing:
        events.append({"type": f"response.{kind}.{closing[item['status']]}", **base})
    return events


def _item_events(output_index: int, item: Any, options: _Options) -> list[JSON]:
    """Every event of one output item, from output_item.added to output_item.done."""
    if not isinstance(item, dict):
        msg = f"output item {output_index} is not a JSON object"
        raise TypeError(msg)
    item_id = item.get("id")
    base: JSON = {
        "item_id": item_id if isinstance(item_id, str) else "",
        "output_index": output_index,
    }
    events: list[JSON] = [
        {
            "type": "response.output_item.added",
            "output_index": output_index,
            "item": _skeleton(item, options.rng),
        }
    ]
    kind = item.get("type")
    if kind == "message":
        events += _message_events(base, item, options)
    elif kind == "reasoning":
        events += _reasoning_events(base, item, options)
    else:
        events += _tool_events(base, item, options)
    events.append({"type": "response.output_item.done", "output_index": output_index, "item": item})
    return events


def _plain(final: Any) -> JSON:
    """A private deep copy of ``final`` as plain JSON (a model is converted with ``to_dict``)."""
    if not isinstance(final, Mapping):
        from streamkit import to_dict  # only for models: the wire builders need no converter

        final = to_dict(final)
    copy = json.loads(dumps(final))
    if not isinstance(copy, dict):
        msg = "the final response must be a JSON object"
        raise TypeError(msg)
    return copy


def _opening(final: JSON, status: str) -> JSON:
    """The response as ``response.created`` / ``queued`` / ``in_progress`` carry it."""
    envelope = dict(final)
    envelope["status"] = status
    envelope["output"] = []
    for key in ("usage", "error", "incomplete_details", "completed_at"):
        if key in envelope:
            envelope[key] = None
    return envelope


def response_events(
    final: Any,
    *,
    rng: random.Random,
    min_fragment: int = 1,
    max_fragment: int = 12,
    interleave: bool = False,
    out_of_order: bool = False,
    include_done: bool = True,
    include_terminal: bool = True,
    background: bool = False,
    sequence_numbers: bool = True,
    first_sequence_number: int = 0,
    obfuscation: bool = False,
) -> list[JSON]:
    """The wire events of a stream that ends with the Response ``final``.

    The order is OpenAI's (see :mod:`streamkit.testing._responses`): ``response.created`` and
    ``response.in_progress`` with the envelope in progress (``output: []``, ``usage``,
    ``error``, ``incomplete_details`` and ``completed_at`` null), each item from
    ``output_item.added`` to ``output_item.done``, then the terminal event for ``final``'s status
    with ``final`` itself (``completed``, ``incomplete`` or ``failed``; other statuses have none).
    Every streamed string (``output_text`` and ``refusal`` parts, ``reasoning_text`` and
    ``summary_text`` parts, ``arguments``, ``input``, ``code``) arrives in ``*.delta`` fragments
    and again whole in its ``*.done`` event; an empty one has no delta. An ``output_text``
    part's ``logprobs`` are spread over its deltas in order (an empty text's, in its done
    events only); its annotations arrive as
    ``output_text.annotation.added``, in order, after the delta that completes the text they
    point at (or the next one). Parts of unknown types, and items of types without streamed
    fields (``compaction``, ``computer_call``, ...), arrive whole in their added and done events
    (an ``encrypted_content`` differs in ``output_item.added``, as on the wire).

    Args:
        final: the final Response, as wire JSON (a mapping, e.g. from :func:`response`) or a
            model (converted with :func:`streamkit.to_dict`). It is copied: the events share
            objects with each other, not with ``final``.
        rng: the source of every random choice; the same state gives the same events.
        min_fragment: the shortest fragment of streamed text, in characters (at least 1).
        max_fragment: the longest fragment (at least ``min_fragment``).
        interleave: weave the events of the items together at random, each item's own events
            in order (parallel items); otherwise one item after another.
        out_of_order: introduce the items in a random order; each event keeps its own
            ``output_index``, so index 1 may come before index 0.
        include_done: keep the events that carry a final value (:data:`RESPONSE_DONE_TYPES`:
            the ``*.done`` of every string, ``content_part.done``,
            ``reasoning_summary_part.done``, ``output_item.done``).
        include_terminal: end with the terminal event.
        background: background mode: ``response.created`` carries status ``queued`` and
            ``response.queued`` follows it, before ``response.in_progress``.
        sequence_numbers: number the events (``sequence_number``); ``False`` writes none, as
            streams recorded before mid-2025.
        first_sequence_number: the number of the first event.
        obfuscation: add the ``obfuscation`` padding every delta carries on the wire.

    Returns:
        The events' payloads (each with its ``type``), in order, for :func:`encode_sse` or
        :func:`sse_events`.

    Raises:
        ValueError: ``min_fragment`` is less than 1 or more than ``max_fragment``.
        TypeError: ``final`` or one of its output items is not a JSON object.
    """
    if min_fragment < 1 or max_fragment < min_fragment:
        msg = (
            "need 1 <= min_fragment <= max_fragment, "
            f"not min_fragment={min_fragment}, max_fragment={max_fragment}"
        )
        raise ValueError(msg)
    final = _plain(final)
    options = _Options(rng, min_fragment, max_fragment, obfuscation)
    events: list[JSON] = []
    if background:
        queued = _opening(final, "queued")
        events.append({"type": "response.created", "response": queued})
        events.append({"type": "response.queued", "response": queued})
    else:
        events.append({"type": "response.created", "response": _opening(final, "in_progress")})
    events.append({"type": "response.in_progress", "response": _opening(final, "in_progress")})

    output = final.get("output")
    items = output if isinstance(output, list) else []
    per_item = [_item_events(index, item, options) for index, item in enumerate(items)]
    body = weave(per_item, intro_order(len(per_item), rng, out_of_order), rng, interleave)
    if not include_done:
        body = [event for event in body if event["type"] not in RESPONSE_DONE_TYPES]
    events += body

    terminal = _TERMINAL.get(str(final.get("status")))
    if include_terminal and terminal is not None:
        events.append({"type": terminal, "response": final})
    if not sequence_numbers:
        return events
    # `type` first, then `sequence_number`, as OpenAI wrote them in 2025.
    return [
        {"type": event["type"], "sequence_number": number, **event}
        for number, event in enumerate(events, first_sequence_number)
    ]


# --- Bytes ---------------------------------------------------------------------------------------


def sse_events(
    events: Sequence[Mapping[str, Any]], *, event_lines: bool = True
) -> list[ServerSentEvent]:
    """The events as :class:`~streamkit.ServerSentEvent`: name = ``type``, data = compact JSON.

    Args:
        events: event payloads, e.g. from :func:`response_events`.
        event_lines: name each event by its ``type``, as OpenAI's ``event:`` lines do; ``False``
            leaves the default name ``message``, as from a server that sends none (OpenRouter).

    Returns:
        One event per payload, for :meth:`streamkit.ResponseAccumulator.feed`.
    """
    if event_lines:
        return [ServerSentEvent(event=str(event["type"]), data=dumps(event)) for event in events]
    return [ServerSentEvent(data=dumps(event)) for event in events]


def encode_sse(
    events: Sequence[Mapping[str, Any]],
    *,
    event_lines: bool = True,
    done_marker: bool = False,
    comments: bool = False,
) -> bytes:
    """The SSE bytes of ``events``, framed as OpenAI or as OpenRouter frames them.

    OpenAI (the defaults): ``event: <type>\\ndata: <json>\\n\\n`` per event. OpenRouter
    (``event_lines=False, done_marker=True, comments=True``): ``data: <json>\\n\\n`` only, a
    ``: OPENROUTER PROCESSING`` comment first and every 16 events, ``data: [DONE]`` last. The JSON
    is compact raw UTF-8 (:func:`~streamkit.testing.dumps`), one line per event.

    Args:
        events: event payloads, e.g. from :func:`response_events`.
        event_lines: write an ``event:`` line naming each event's ``type``.
        done_marker: end with ``data: [DONE]``.
        comments: write keep-alive comment lines.

    Returns:
        The bytes a server would send, for :class:`streamkit.SSEDecoder` or
        :func:`streamkit.replay`.
    """
    parts: list[str] = []
    for index, event in enumerate(events):
        if comments and index % _COMMENT_EVERY == 0:
            parts.append(_COMMENT)
        if event_lines:
            parts.append(f"event: {event['type']}\n")
        parts.append(f"data: {dumps(event)}\n\n")
    if comments and not events:
        parts.append(_COMMENT)
    if done_marker:
        parts.append("data: [DONE]\n\n")
    return "".join(parts).encode("utf-8")


# --- An example ----------------------------------------------------------------------------------

_EXAMPLE_ID = "resp_sk7Example0000000000000000000000000000000000"
_EXAMPLE_CONTAINER = "cntr_sk7Example00000000000000000000000000000000"

_EXAMPLE_SUMMARY = (
    "**Planning the answer**\n\nThe user wants to know whether to pack an umbrella for Paris "
    "this weekend. I'll look up the forecast, chart the expected rainfall, and check the live "
    "conditions with their weather tool.",
    "**Checking the numbers**\n\nThe forecast gives daily rain chances; a quick plot will make "
    "the weekend's trend easy to read.",
)

_EXAMPLE_CODE = """\
import matplotlib.pyplot as plt

days = ["Fri", "Sat", "Sun", "Mon"]
rain = [0.20, 0.65, 0.80, 0.35]  # chance of rain, from the forecast
print("wettest:", days[rain.index(max(rain))], f"{max(rain):.0%}")

fig, ax = plt.subplots(figsize=(6, 3))
ax.bar(days, rain, color="#4c78a8")
ax.set_ylim(0, 1)
ax.set_title("Chance of rain in Paris")
fig.savefig("/mnt/data/paris_rain.png")
"""

_EXAMPLE_LOGS = "wettest: Sun 80%\n"

_EXAMPLE_ANSWER = (
    "Yes, pack an umbrella. Showers are likely on Saturday (65%) and Sunday (80%), according to "
    "Météo-France, with drier weather returning on Monday. It is 12 °C and cloudy in Paris right "
    "now. The chart of the rain chances is in paris_rain.png."
)


def example_response() -> JSON:
    """A realistic final Response: reasoning, web search, code interpreter, function call, answer.

    A travel assistant asked whether to pack an umbrella for Paris: a reasoning item with a
    two-part summary; a web search (a ``search`` action with its sources); a code-interpreter
    call plotting the rain chances (multi-line code, its logs); a ``get_weather`` function call;
    and the answer, citing the forecast (``url_citation``) and the chart
    (``container_file_citation``), with usage. Every id, timestamp and text is fixed: the same
    call gives the same dict.
    """
    answer = _EXAMPLE_ANSWER
    cited = "Météo-France"
    chart = "paris_rain.png"
    start, chart_start = answer.index(cited), answer.index(chart)
    output = [
        reasoning_item(
            "rs_sk7Example000000000000000000000000000000000000",
            summary=_EXAMPLE_SUMMARY,
            encrypted_content="gAAAAABsk7" + "ExampleCiphertext" * 4,
        ),
        web_search_call_item(
            "ws_sk7Example000000000000000000000000000000000000",
            action=web_search_action(
                "Paris weather forecast this weekend rain",
                queries=["Paris weather forecast this weekend rain"],
                sources=[
                    {
                        "type": "url",
                        "url": "https://meteofrance.com/previsions-meteo-france/paris/75000",
                    }
                ],
            ),
        ),
        code_interpreter_call_item(
            "ci_sk7Example000000000000000000000000000000000000",
            code=_EXAMPLE_CODE,
            container_id=_EXAMPLE_CONTAINER,
            outputs=[code_interpreter_logs(_EXAMPLE_LOGS)],
        ),
        function_call_item(
            "fc_sk7Example000000000000000000000000000000000000",
            call_id="call_sk7Weather0000000000",
            name="get_weather",
            arguments=json.dumps({"location": "Paris, France", "unit": "celsius"}),
        ),
        message_item(
            "msg_sk7Example00000000000000000000000000000000000",
            [
                output_text_part(
                    answer,
                    annotations=[
                        url_citation(
                            "https://meteofrance.com/previsions-meteo-france/paris/75000",
                            "Paris forecast - Météo-France",
                            start_index=start,
                            end_index=start + len(cited),
                        ),
                        container_file_citation(
                            _EXAMPLE_CONTAINER,
                            "cfile_sk7Example0000000000000000",
                            chart,
                            start_index=chart_start,
                            end_index=chart_start + len(chart),
                        ),
                    ],
                )
            ],
            phase="final_answer",
        ),
    ]
    return response(
        _EXAMPLE_ID,
        output,
        completed_at=_CREATED_AT + 9,
        instructions="You are a helpful travel assistant.",
        tools=[
            {"type": "web_search", "search_context_size": "medium"},
            {"type": "code_interpreter", "container": {"type": "auto"}},
            {
                "type": "function",
                "name": "get_weather",
                "description": "The current weather at a location.",
                "parameters": {
                    "type": "object",
                    "properties": {
                        "location": {"type": "string"},
                        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                    },
                    "required": ["location", "unit"],
                    "additionalProperties": False,
                },
                "strict": True,
            },
        ],
        usage=response_usage(2_184, 412, cached_tokens=1_024, reasoning_tokens=128),
    )
