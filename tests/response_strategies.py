"""Hypothesis strategies for the Responses stream builders and the property tests built on them.

:func:`final_responses` draws the Response a stream may end with, as wire JSON, with output
items of every kind the builders know (and one type unknown to the spec); :func:`stream_options`
draws the options of :func:`streamkit.testing.response_events` and :func:`framings` those of
:func:`streamkit.testing.encode_sse`. :func:`build_events` applies drawn options. Sizes are
bounded so that a property runs in milliseconds per example.
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Callable, Sequence
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from streamkit import testing

__all__ = [
    "ITEM_DELTAS",
    "ITEM_KINDS",
    "build_events",
    "final_responses",
    "framings",
    "part_field",
    "stream_options",
    "streamed_fields",
]

JSON = dict[str, Any]

#: Every output item kind :func:`final_responses` draws (``x_future_item``: a type the spec lacks).
ITEM_KINDS = (
    "message",
    "reasoning",
    "function_call",
    "custom_tool_call",
    "code_interpreter_call",
    "file_search_call",
    "web_search_call",
    "image_generation_call",
    "mcp_call",
    "mcp_list_tools",
    "compaction",
    "x_future_item",
)

# Any Unicode but surrogates (Hypothesis' default), short: texts stream in fragments.
_TEXTS = st.text(max_size=40)
_SHORT = st.text(max_size=12)
_IDENT = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=12)
_B64 = st.text(alphabet=string.ascii_letters + string.digits + "+/=", max_size=40)
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-1000, 1000), _SHORT)
_JSON_ARGS = st.dictionaries(_IDENT, _SCALARS, max_size=3).map(
    lambda d: json.dumps(d, ensure_ascii=False)
)
_LOGPROB = st.floats(min_value=-20.0, max_value=0.0, allow_nan=False)


@st.composite
def _annotation(draw: st.DrawFn, text_length: int) -> JSON:
    start = draw(st.integers(0, text_length))
    end = draw(st.integers(start, text_length))
    kind = draw(st.sampled_from(("url", "file", "container", "path")))
    if kind == "url":
        return testing.url_citation(
            "https://example.com/" + draw(_IDENT), draw(_SHORT), start_index=start, end_index=end
        )
    if kind == "file":
        return testing.file_citation("file-" + draw(_IDENT), draw(_SHORT), index=end)
    if kind == "container":
        return testing.container_file_citation(
            "cntr_" + draw(_IDENT),
            "cfile_" + draw(_IDENT),
            draw(_SHORT),
            start_index=start,
            end_index=end,
        )
    return testing.file_path_annotation("file-" + draw(_IDENT), index=end)


@st.composite
def _content_part(draw: st.DrawFn) -> JSON:
    kind = draw(st.sampled_from(("output_text", "output_text", "refusal", "x_future_part")))
    if kind == "refusal":
        return testing.refusal_part(draw(_TEXTS))
    if kind == "x_future_part":
        return {"type": "x_future_part", "payload": draw(st.lists(_SCALARS, max_size=2))}
    text = draw(_TEXTS)
    annotations = draw(st.lists(_annotation(len(text)), max_size=3))
    # Tokens come with text: an empty text has no logprobs (they would stream in no delta).
    logprobs: list[JSON] | None = draw(
        st.one_of(
            st.none(),
            st.lists(
                st.builds(
                    testing.logprob,
                    _SHORT,
                    _LOGPROB,
                    top_logprobs=st.lists(st.tuples(_SHORT, _LOGPROB), max_size=2),
                ),
                max_size=3 if text else 0,
            ),
        )
    )
    return testing.output_text_part(text, annotations=annotations, logprobs=logprobs)


def _message(item_id: str) -> SearchStrategy[JSON]:
    return st.builds(
        testing.message_item,
        st.just(item_id),
        st.lists(_content_part(), max_size=3),
        status=st.sampled_from(("completed", "incomplete")),
        phase=st.sampled_from((None, "commentary", "final_answer")),
    )


def _reasoning(item_id: str) -> SearchStrategy[JSON]:
    return st.builds(
        testing.reasoning_item,
        st.just(item_id),
        summary=st.lists(_TEXTS, max_size=3),
        content=st.one_of(st.none(), st.lists(_TEXTS, max_size=2)),
        encrypted_content=st.one_of(st.none(), _B64.map(lambda s: "gAAAAAB" + s)),
        status=st.sampled_from((None, "completed")),
    )


def _function_call(item_id: str) -> SearchStrategy[JSON]:
    return st.builds(
        testing.function_call_item,
        st.just(item_id),
        call_id=_IDENT.map(lambda s: "call_" + s),
        name=_IDENT,
        arguments=st.one_of(_JSON_ARGS, _TEXTS),
        status=st.sampled_from(("completed", "incomplete")),
    )


def _custom_tool_call(item_id: str) -> SearchStrategy[JSON]:
    return st.builds(
        testing.custom_tool_call_item,
        st.just(item_id),
        call_id=_IDENT.map(lambda s: "call_" + s),
        name=_IDENT,
        tool_input=_TEXTS,
    )


def _code_interpreter_call(item_id: str) -> SearchStrategy[JSON]:
    output = st.one_of(
        st.builds(testing.code_interpreter_logs, _TEXTS),
        st.builds(testing.code_interpreter_image, _B64.map(lambda s: "data:image/png;base64," + s)),
    )
    return st.builds(
        testing.code_interpreter_call_item,
        st.just(item_id),
        code=st.one_of(_TEXTS, _TEXTS, st.none()),
        container_id=_IDENT.map(lambda s: "cntr_" + s),
        outputs=st.one_of(st.none(), st.lists(output, max_size=2)),
        status=st.sampled_from(("completed", "failed", "incomplete")),
    )


def _file_search_call(item_id: str) -> SearchStrategy[JSON]:
    result = st.builds(
        testing.file_search_result,
        _IDENT.map(lambda s: "file-" + s),
        _SHORT,
        _TEXTS,
        score=st.floats(min_value=0.0, max_value=1.0, allow_nan=False),
        attributes=st.one_of(st.none(), st.dictionaries(_IDENT, _SCALARS, max_size=2)),
    )
    return st.builds(
        testing.file_search_call_item,
        st.just(item_id),
        queries=st.lists(_SHORT, max_size=2),
        results=st.one_of(st.none(), st.lists(result, max_size=2)),
        status=st.sampled_from(("completed", "failed")),
    )


def _web_search_call(item_id: str) -> SearchStrategy[JSON]:
    source = st.builds(lambda s: {"type": "url", "url": "https://example.com/" + s}, _IDENT)
    action = st.builds(
        testing.web_search_action,
        _SHORT,
        queries=st.one_of(st.none(), st.lists(_SHORT, max_size=2)),
        sources=st.one_of(st.none(), st.lists(source, max_size=2)),
    )
    return st.builds(
        testing.web_search_call_item,
        st.just(item_id),
        action=action,
        status=st.sampled_from(("completed", "failed")),
    )


def _image_generation_call(item_id: str) -> SearchStrategy[JSON]:
    return st.builds(
        testing.image_generation_call_item,
        st.just(item_id),
        result=st.one_of(st.none(), _B64),
        status=st.sampled_from(("completed", "failed")),
        background=st.sampled_from((None, "opaque")),
        output_format=st.sampled_from((None, "png", "webp")),
        quality=st.sampled_from((None, "low")),
        revised_prompt=st.one_of(st.none(), _SHORT),
        size=st.sampled_from((None, "1024x1024")),
    )


def _mcp_call(item_id: str) -> SearchStrategy[JSON]:
    return st.builds(
        testing.mcp_call_item,
        st.just(item_id),
        server_label=_IDENT,
        name=_IDENT,
        arguments=st.one_of(_JSON_ARGS, _TEXTS),
        output=st.one_of(st.none(), _TEXTS),
        error=st.one_of(
            st.none(),
            st.builds(
                lambda kind, code, message: {"type": kind, "code": code, "message": message},
                st.sampled_from(("mcp_protocol_error", "http_error")),
                st.integers(400, 599),
                _SHORT,
            ),
        ),
        status=st.sampled_from(("completed", "failed")),
    )


def _mcp_list_tools(item_id: str) -> SearchStrategy[JSON]:
    tool = st.builds(
        lambda name, description: {
            "annotations": {"read_only": False},
            "description": description,
            "input_schema": {"type": "object", "properties": {}},
            "name": name,
        },
        _IDENT,
        _SHORT,
    )
    return st.builds(
        testing.mcp_list_tools_item,
        st.just(item_id),
        server_label=_IDENT,
        tools=st.lists(tool, max_size=2),
        error=st.one_of(st.none(), _SHORT),
    )


def _compaction(item_id: str) -> SearchStrategy[JSON]:
    return st.builds(
        testing.compaction_item,
        st.just(item_id),
        encrypted_content=_B64.map(lambda s: "gAAAAAB" + s),
    )


def _future_item(item_id: str) -> SearchStrategy[JSON]:
    return st.builds(
        lambda status, payload: {
            "id": item_id,
            "type": "x_future_item",
            "status": status,
            "payload": payload,
        },
        st.sampled_from(("completed", "incomplete")),
        st.dictionaries(_IDENT, _SCALARS, max_size=2),
    )


#: Item kind -> (id prefix, strategy of the final item given its id).
_ITEMS: dict[str, tuple[str, Callable[[str], SearchStrategy[JSON]]]] = {
    "message": ("msg_", _message),
    "reasoning": ("rs_", _reasoning),
    "function_call": ("fc_", _function_call),
    "custom_tool_call": ("ctc_", _custom_tool_call),
    "code_interpreter_call": ("ci_", _code_interpreter_call),
    "file_search_call": ("fs_", _file_search_call),
    "web_search_call": ("ws_", _web_search_call),
    "image_generation_call": ("ig_", _image_generation_call),
    "mcp_call": ("mcp_", _mcp_call),
    "mcp_list_tools": ("mcpl_", _mcp_list_tools),
    "compaction": ("cmp_", _compaction),
    "x_future_item": ("xf_", _future_item),
}


@st.composite
def final_responses(
    draw: st.DrawFn,
    *,
    kinds: Sequence[str] | None = None,
    min_items: int = 0,
    max_items: int = 4,
    statuses: Sequence[str] = ("completed", "completed", "incomplete", "failed"),
) -> JSON:
    """A final Response (wire JSON) whose items are drawn from ``ITEM_KINDS``.

    Args:
        draw: Hypothesis' draw function (supplied by ``st.composite``).
        kinds: the kinds of the items, in any order (all of them, shuffled); ``None`` draws
            ``min_items`` to ``max_items`` items of any kinds.
        min_items: the fewest items when ``kinds`` is ``None``.
        max_items: the most items when ``kinds`` is ``None``.
        statuses: the final statuses to draw from (``failed`` gets an ``error``,
            ``incomplete`` its ``incomplete_details``).

    Returns:
        The response's dict, from :func:`streamkit.testing.response`. Item ids are unique.
    """
    if kinds is None:
        chosen = draw(st.lists(st.sampled_from(ITEM_KINDS), min_size=min_items, max_size=max_items))
    else:
        chosen = draw(st.permutations(list(kinds)))
    tag = draw(_IDENT)
    output = []
    for index, kind in enumerate(chosen):
        prefix, strategy = _ITEMS[kind]
        output.append(draw(strategy(f"{prefix}{index}_{tag}")))
    status = draw(st.sampled_from(tuple(statuses)))
    fields: JSON = {}
    if status == "failed":
        fields["error"] = {"code": "server_error", "message": draw(_SHORT)}
    elif status == "incomplete":
        fields["incomplete_details"] = {"reason": "max_output_tokens"}
    usage = draw(
        st.one_of(
            st.none(),
            st.builds(
                testing.response_usage,
                st.integers(0, 5000),
                st.integers(0, 5000),
                cached_tokens=st.integers(0, 100),
                reasoning_tokens=st.integers(0, 100),
            ),
        )
    )
    return testing.response(
        "resp_" + tag,
        output,
        status=status,
        completed_at=1_735_732_809 if status == "completed" else None,
        usage=usage,
        **fields,
    )


@st.composite
def stream_options(draw: st.DrawFn) -> JSON:
    """Keyword arguments of :func:`build_events`: a ``seed`` and the builder's options.

    Fragments of 1-12 characters, interleaved or not, items out of order or not, background
    mode, sequence numbers or none (from 0, or a later first number), obfuscation padding.
    """
    low = draw(st.integers(1, 4))
    return {
        "seed": draw(st.integers(0, 2**32 - 1)),
        "min_fragment": low,
        "max_fragment": draw(st.integers(low, 12)),
        "interleave": draw(st.booleans()),
        "out_of_order": draw(st.booleans()),
        "background": draw(st.booleans()),
        "sequence_numbers": draw(st.booleans()),
        "first_sequence_number": draw(st.sampled_from((0, 0, 0, 1, 7))),
        "obfuscation": draw(st.booleans()),
    }


def framings() -> SearchStrategy[JSON]:
    """Keyword arguments of :func:`streamkit.testing.encode_sse`: OpenAI's, OpenRouter's, mixes."""
    return st.fixed_dictionaries(
        {"event_lines": st.booleans(), "done_marker": st.booleans(), "comments": st.booleans()}
    )


def build_events(final: JSON, *, seed: int, **options: Any) -> list[JSON]:
    """:func:`streamkit.testing.response_events` of ``final`` with ``random.Random(seed)``."""
    return testing.response_events(final, rng=random.Random(seed), **options)


# --- What streams as deltas ----------------------------------------------------------------------

#: Item-level delta events: type -> (item type, the field the fragments build).
ITEM_DELTAS = {
    "response.function_call_arguments.delta": ("function_call", "arguments"),
    "response.custom_tool_call_input.delta": ("custom_tool_call", "input"),
    "response.mcp_call_arguments.delta": ("mcp_call", "arguments"),
    "response.code_interpreter_call_code.delta": ("code_interpreter_call", "code"),
}


def part_field(item_type: Any, list_name: str, part: Any) -> str | None:
    """The field of a part that streams as deltas (``None``: the part arrives whole)."""
    kind = part.get("type") if isinstance(part, dict) else None
    if item_type == "message" and list_name == "content":
        name = {"output_text": "text", "refusal": "refusal"}.get(str(kind))
    elif item_type == "reasoning":
        wanted = "summary_text" if list_name == "summary" else "reasoning_text"
        name = "text" if kind == wanted else None
    else:
        name = None
    return name if name is not None and isinstance(part.get(name), str) else None


def streamed_fields(output: Sequence[Any]) -> dict[tuple[Any, ...], str]:
    """Every string of ``output`` that streams as deltas (text, refusal, summary and reasoning
    text, arguments, input, code), keyed ``(output index, name)`` for an item's own field and
    ``(output index, "content" | "summary", part index, name)`` for a part's.
    """
    fields: dict[tuple[Any, ...], str] = {}
    for index, item in enumerate(output):
        kind = item.get("type")
        for list_name in ("content", "summary"):
            parts = item.get(list_name) if kind in ("message", "reasoning") else None
            for k, part in enumerate(parts or []):
                name = part_field(kind, list_name, part)
                if name is not None:
                    fields[index, list_name, k, name] = part[name]
        for item_kind, name in ITEM_DELTAS.values():
            if kind == item_kind and isinstance(item.get(name), str):
                fields[index, name] = item[name]
    return fields
