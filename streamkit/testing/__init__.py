"""Stream builders: realistic Assistants-API run streams made from final objects.

Give :func:`step_events`, :func:`message_events` or :func:`run_events` the objects a run should
end with -- a :class:`~streamkit.models.RunStep`, a :class:`~streamkit.models.Message`, a whole
:class:`~streamkit.models.Run` -- and they build the Server-Sent Events a server could have sent
to produce them: ``*.created`` and ``*.in_progress`` with the content still empty, ``*.delta``
events carrying every streamed text in random fragments, and the terminal event with the final
object. A correct accumulator fed such a stream ends with exactly the objects the stream was
built from, which makes these builders the input of the property tests, the demo, the mock
server's scenes and the benchmarks. :func:`encode` turns events into the bytes a server sends;
:func:`split_points` cuts bytes into reads.

The streams follow what the real API sends (see the reference recordings in
:mod:`streamkit.recordings`) and stress what it may send:

* every streamed text (``code_interpreter.input``, ``function.arguments``, ``logs``,
  ``text.value``, ``refusal``) arrives in fragments of 1 to ``max_fragment`` characters;
* the first delta of a tool call carries ``index``, ``id``, ``type`` and the head of the call
  (``function``: ``name``, ``arguments`` = first fragment or ``""``, ``output``;
  ``code_interpreter``: ``input``, ``outputs: []``); later deltas carry ``index`` and only
  sometimes ``type`` (an entry without ``type`` parses as
  :class:`~streamkit.models.UnknownObject`; the accumulator keeps the slot's type);
* images arrive whole; ``file_search`` calls arrive as one ``{"file_search": {}}`` delta, their
  ``results`` and ``ranking_options`` only in the terminal step;
* ``interleave``: the fragments of parallel tool calls (and of one call's outputs) are woven
  together at random, each call's own fragments staying in order;
* ``out_of_order``: the order in which calls, outputs, content blocks and annotations are
  *introduced* is shuffled, so index 1 may come before index 0;
* now and then a delta carries two or three entries: two heads at once, or two fragments of the
  same index (in order).

Everything is a pure function of its arguments: the same ``random.Random`` state gives the same
events. Data is JSON written with ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))``
(:func:`dumps`; the API sends raw UTF-8, so byte-level splits fall inside multi-byte characters
too), from :func:`streamkit.to_dict` of real models or from dicts of the schema's delta shapes;
every event parses with :func:`streamkit.parse_event`. Texts must be valid Unicode (no lone
surrogates).

For hand-written streams, the same pieces one at a time: :func:`event` (a name and JSON data),
:data:`DONE`, the delta envelopes :func:`step_delta` and :func:`message_delta`, and whole wire
objects with every key the API sends, :func:`run_object`, :func:`step_object` and
:func:`message_object`. The ``example_*`` functions give the final objects of a realistic run
(code interpreter, parallel function calls, file search, an answer with citations).
:func:`function_call_events` gives the two streams of a run calling one function of yours (up to
``requires_action``, then the continuation after ``submit_tool_outputs``), as the mock server's
``Scene.function_call`` serves them.

Names are imported on first use (PEP 562): the wire pieces need neither the models nor the
converter, and nothing here needs Hypothesis.
"""

from __future__ import annotations

import typing as _typing

if _typing.TYPE_CHECKING:
    from streamkit.testing._builders import message_events, run_events, step_events
    from streamkit.testing._examples import (
        EXAMPLE_CODE_INPUT,
        EXAMPLE_MESSAGE_TEXT,
        example_code_interpreter_step,
        example_file_search_step,
        example_function_calls_step,
        example_message,
        example_message_creation_step,
        example_run,
        example_step,
    )
    from streamkit.testing._function_call import FUNCTION_CALL_ANSWER, function_call_events
    from streamkit.testing._responses import (
        RESPONSE_DELTA_TYPES,
        RESPONSE_DONE_TYPES,
        RESPONSE_TERMINAL_TYPES,
        code_interpreter_call_item,
        code_interpreter_image,
        code_interpreter_logs,
        compaction_item,
        container_file_citation,
        custom_tool_call_item,
        encode_sse,
        example_response,
        file_citation,
        file_path_annotation,
        file_search_call_item,
        file_search_result,
        function_call_item,
        image_generation_call_item,
        logprob,
        mcp_call_item,
        mcp_list_tools_item,
        message_item,
        output_text_part,
        reasoning_item,
        reasoning_text_part,
        refusal_part,
        response,
        response_events,
        response_usage,
        sse_events,
        summary_text_part,
        url_citation,
        web_search_action,
        web_search_call_item,
    )
    from streamkit.testing._wire import (
        DONE,
        dumps,
        encode,
        event,
        message_delta,
        message_object,
        random_id,
        run_object,
        split_points,
        step_delta,
        step_object,
    )

# The modules behind __all__, cheapest first: a name loads the modules up to its own, so the
# wire pieces never load the models.
_MODULES = (
    "streamkit.testing._wire",
    "streamkit.testing._responses",
    "streamkit.testing._builders",
    "streamkit.testing._examples",
    "streamkit.testing._function_call",
)


def __getattr__(name: str) -> _typing.Any:
    public = name
    if public in __all__:
        from importlib import import_module

        for module_name in _MODULES:
            module = import_module(module_name)
            if public in module.__all__:
                value = getattr(module, public)
                globals()[name] = value  # later reads skip __getattr__
                return value
    msg = f"module 'streamkit.testing' has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "DONE",
    "EXAMPLE_CODE_INPUT",
    "EXAMPLE_MESSAGE_TEXT",
    "FUNCTION_CALL_ANSWER",
    "RESPONSE_DELTA_TYPES",
    "RESPONSE_DONE_TYPES",
    "RESPONSE_TERMINAL_TYPES",
    "code_interpreter_call_item",
    "code_interpreter_image",
    "code_interpreter_logs",
    "compaction_item",
    "container_file_citation",
    "custom_tool_call_item",
    "dumps",
    "encode",
    "encode_sse",
    "event",
    "example_code_interpreter_step",
    "example_file_search_step",
    "example_function_calls_step",
    "example_message",
    "example_message_creation_step",
    "example_response",
    "example_run",
    "example_step",
    "file_citation",
    "file_path_annotation",
    "file_search_call_item",
    "file_search_result",
    "function_call_events",
    "function_call_item",
    "image_generation_call_item",
    "logprob",
    "mcp_call_item",
    "mcp_list_tools_item",
    "message_delta",
    "message_events",
    "message_item",
    "message_object",
    "output_text_part",
    "random_id",
    "reasoning_item",
    "reasoning_text_part",
    "refusal_part",
    "response",
    "response_events",
    "response_usage",
    "run_events",
    "run_object",
    "split_points",
    "sse_events",
    "step_delta",
    "step_events",
    "step_object",
    "summary_text_part",
    "url_citation",
    "web_search_action",
    "web_search_call_item",
]
