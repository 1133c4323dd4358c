"""Hypothesis strategies of final objects, for the property tests of the stream builders.

:func:`final_steps` and :func:`final_messages` draw the objects a run may end with; the builders
of :mod:`streamkit.testing` turn them into streams, and the accumulator must give them back.
"""

from __future__ import annotations

import json

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from streamkit.models import (
    CodeInterpreterOutputImage,
    CodeInterpreterOutputImageImage,
    CodeInterpreterOutputLogs,
    CodeInterpreterToolCall,
    CodeInterpreterToolCallCodeInterpreter,
    FileCitation,
    FileCitationAnnotation,
    FilePath,
    FilePathAnnotation,
    FileSearchResult,
    FileSearchResultContent,
    FileSearchToolCall,
    FileSearchToolCallFileSearch,
    FileSearchToolCallRankingOptions,
    FunctionToolCall,
    FunctionToolCallFunction,
    ImageFile,
    ImageFileContentBlock,
    ImageURL,
    ImageURLContentBlock,
    Message,
    MessageContent,
    MessageCreation,
    MessageCreationStepDetails,
    RefusalContentBlock,
    RunStep,
    RunStepUsage,
    Text,
    TextContentBlock,
    ToolCall,
    ToolCallsStepDetails,
)
from streamkit.testing import example_step

__all__ = ["final_messages", "final_steps"]

# The random part of ids (`step_` + this) and file ids.
_IDENT = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    min_size=1,
    max_size=24,
)
_FILE_IDS = _IDENT.map(lambda s: f"file-{s}")


def final_steps() -> SearchStrategy[RunStep]:
    """Random final run steps, for property tests.

    Completed steps of every kind: ``tool_calls`` steps with 1-4 parallel calls (code
    interpreter with logs and image outputs, functions with JSON-ish or arbitrary arguments and
    an output or none, file search with or without ranking options, results and content) and
    ``message_creation`` steps. Texts are any Unicode, including empty.

    Returns:
        A Hypothesis strategy.
    """
    texts = st.text(max_size=80)
    unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
    json_args = st.dictionaries(
        _IDENT, st.one_of(st.integers(), st.text(max_size=20), st.booleans(), st.none()), max_size=4
    ).map(lambda d: json.dumps(d, ensure_ascii=False))

    @st.composite
    def code_interpreter(draw: st.DrawFn, call_id: str) -> ToolCall:
        outputs = draw(
            st.lists(
                st.one_of(
                    texts.map(lambda logs: CodeInterpreterOutputLogs(logs=logs)),
                    _FILE_IDS.map(
                        lambda f: CodeInterpreterOutputImage(
                            image=CodeInterpreterOutputImageImage(file_id=f)
                        )
                    ),
                ),
                max_size=4,
            )
        )
        code = CodeInterpreterToolCallCodeInterpreter(input=draw(texts), outputs=tuple(outputs))
        return CodeInterpreterToolCall(id=call_id, code_interpreter=code)

    @st.composite
    def function_call(draw: st.DrawFn, call_id: str) -> ToolCall:
        definition = FunctionToolCallFunction(
            name=draw(_IDENT),
            arguments=draw(st.one_of(json_args, texts)),
            output=draw(st.none() | texts),
        )
        return FunctionToolCall(id=call_id, function=definition)

    @st.composite
    def file_search(draw: st.DrawFn, call_id: str) -> ToolCall:
        ranking = draw(
            st.none()
            | st.builds(
                FileSearchToolCallRankingOptions,
                ranker=st.sampled_from(["auto", "default_2024_08_21"]),
                score_threshold=unit,
            )
        )
        content = st.lists(texts.map(lambda t: FileSearchResultContent(text=t)), max_size=2)
        result = st.builds(
            FileSearchResult,
            file_id=_FILE_IDS,
            file_name=_IDENT.map(lambda s: f"{s}.txt"),
            score=unit,
            content=st.none() | content.map(tuple),
        )
        results = draw(st.none() | st.lists(result, max_size=3).map(tuple))
        details = FileSearchToolCallFileSearch(ranking_options=ranking, results=results)
        return FileSearchToolCall(id=call_id, file_search=details)

    @st.composite
    def step(draw: st.DrawFn) -> RunStep:
        created_at = draw(st.integers(min_value=1_600_000_000, max_value=1_900_000_000))
        details: MessageCreationStepDetails | ToolCallsStepDetails
        if draw(st.integers(min_value=0, max_value=4)) == 0:
            message_id = "msg_" + draw(_IDENT)
            details = MessageCreationStepDetails(
                message_creation=MessageCreation(message_id=message_id)
            )
        else:
            call_ids = draw(st.lists(_IDENT, min_size=1, max_size=4, unique=True))
            kinds = st.sampled_from([code_interpreter, function_call, file_search])
            calls = [draw(draw(kinds)(f"call_{c}")) for c in call_ids]
            details = ToolCallsStepDetails(tool_calls=tuple(calls))
        tokens = draw(st.tuples(st.integers(0, 5000), st.integers(0, 5000)))
        return example_step(
            "step_" + draw(_IDENT),
            details,
            status="completed",
            run_id="run_" + draw(_IDENT),
            thread_id="thread_" + draw(_IDENT),
            assistant_id="asst_" + draw(_IDENT),
            created_at=created_at,
            usage=RunStepUsage(
                prompt_tokens=tokens[0], completion_tokens=tokens[1], total_tokens=sum(tokens)
            ),
        )

    strategy: SearchStrategy[RunStep] = step()
    return strategy


def final_messages() -> SearchStrategy[Message]:
    """Random final messages, for property tests.

    Completed assistant messages of 1-4 content blocks: text (any Unicode, with 0-3
    ``file_citation`` / ``file_path`` annotations whose offsets lie inside the text and whose
    ``text`` is the span they cover), ``image_file``, ``image_url`` and ``refusal``.

    Returns:
        A Hypothesis strategy.
    """
    details = st.none() | st.sampled_from(["auto", "low", "high"])

    @st.composite
    def text_block(draw: st.DrawFn) -> MessageContent:
        value = draw(st.text(max_size=120))
        annotations: list[FileCitationAnnotation | FilePathAnnotation] = []
        for _ in range(draw(st.integers(min_value=0, max_value=3))):
            start = draw(st.integers(min_value=0, max_value=len(value)))
            end = draw(st.integers(min_value=start, max_value=len(value)))
            file_id = draw(_FILE_IDS)
            if draw(st.booleans()):
                annotations.append(
                    FileCitationAnnotation(
                        text=value[start:end],
                        file_citation=FileCitation(file_id=file_id),
                        start_index=start,
                        end_index=end,
                    )
                )
            else:
                annotations.append(
                    FilePathAnnotation(
                        text=value[start:end],
                        file_path=FilePath(file_id=file_id),
                        start_index=start,
                        end_index=end,
                    )
                )
        annotations.sort(key=lambda a: a.start_index)
        return TextContentBlock(text=Text(value=value, annotations=tuple(annotations)))

    image_file = st.builds(
        lambda f, d: ImageFileContentBlock(image_file=ImageFile(file_id=f, detail=d)),
        _FILE_IDS,
        details,
    )
    image_url = st.builds(
        lambda u, d: ImageURLContentBlock(image_url=ImageURL(url=u, detail=d)),
        _IDENT.map(lambda s: f"https://example.com/{s}.png"),
        details,
    )
    refusal = st.text(max_size=80).map(lambda r: RefusalContentBlock(refusal=r))
    block: SearchStrategy[MessageContent] = st.one_of(text_block(), image_file, image_url, refusal)

    @st.composite
    def message(draw: st.DrawFn) -> Message:
        created_at = draw(st.integers(min_value=1_600_000_000, max_value=1_900_000_000))
        return Message(
            id="msg_" + draw(_IDENT),
            created_at=created_at,
            thread_id="thread_" + draw(_IDENT),
            status="completed",
            completed_at=created_at + draw(st.integers(min_value=0, max_value=60)),
            role="assistant",
            content=tuple(draw(st.lists(block, min_size=1, max_size=4))),
            assistant_id="asst_" + draw(_IDENT),
            run_id="run_" + draw(_IDENT),
            attachments=(),
            metadata={},
        )

    strategy: SearchStrategy[Message] = message()
    return strategy
