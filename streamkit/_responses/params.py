"""The typed request parameters of the Responses endpoints: TypedDicts and Literals.

The client's methods take these as ``**params: Unpack[...]``: a type checker
knows every parameter's name and type, and the body carries only the
parameters given (a TypedDict is a plain dict at run time: nothing is filled
in; the API answers a bad value with a 400). The shapes follow the API
reference's ``CreateResponse``; nested objects the client only passes
through (input items, tool definitions, JSON schemas) are ``Mapping[str, Any]``.

``tools`` is always the API's parameter (the tool definitions the model may
call). The streaming method also takes :class:`ResponseStreamOptions` -- the
tool loop's Python ``functions``, resume and polling bounds -- which the client
keeps to itself (:func:`split_options`) and never sends.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal, TypeAlias

from typing_extensions import TypedDict

from streamkit._engine.calls import split_params
from streamkit._engine.tools import ToolErrors, ToolFunction, UnknownFunctions

__all__ = [
    "MAX_RESUMES",
    "RESUME_BACKOFF",
    "STREAM_OPTIONS",
    "Include",
    "InputItemListParams",
    "Order",
    "ResponseCreateParams",
    "ResponseStreamOptions",
    "ResponseStreamParams",
    "split_options",
]

#: What ``include`` may ask for (the reference's ``Includable``).
Include: TypeAlias = Literal[
    "file_search_call.results",
    "web_search_call.results",
    "web_search_call.action.sources",
    "message.input_image.image_url",
    "computer_call_output.output.image_url",
    "code_interpreter_call.outputs",
    "reasoning.encrypted_content",
    "message.output_text.logprobs",
]
#: A list's sort order.
Order: TypeAlias = Literal["asc", "desc"]
#: The default bound of consecutive resumes that bring nothing new (``max_resumes``).
MAX_RESUMES: Final = 8
#: The default first wait before a resume is retried, in seconds, doubled each time (to 8 s).
RESUME_BACKOFF: Final = 0.5


class ResponseCreateParams(TypedDict, total=False):
    """``POST /responses``: the reference's ``CreateResponse`` (only what is given is sent)."""

    model: str
    input: str | Sequence[Mapping[str, Any]]
    instructions: str | None
    previous_response_id: str | None
    conversation: str | Mapping[str, Any] | None
    tools: Sequence[Mapping[str, Any]]
    tool_choice: str | Mapping[str, Any]
    parallel_tool_calls: bool | None
    max_output_tokens: int | None
    max_tool_calls: int | None
    temperature: float | None
    top_p: float | None
    top_logprobs: int | None
    reasoning: Mapping[str, Any] | None
    text: Mapping[str, Any]
    truncation: Literal["auto", "disabled"] | None
    store: bool | None
    background: bool | None
    include: Sequence[Include] | None
    metadata: Mapping[str, str] | None
    service_tier: str | None
    prompt: Mapping[str, Any] | None
    prompt_cache_key: str
    safety_identifier: str
    user: str
    stream_options: Mapping[str, Any] | None


class ResponseStreamOptions(TypedDict, total=False):
    """What ``responses.stream`` takes besides the API's parameters; never sent to the API.

    Attributes:
        functions: Python functions by the name the model calls them (the
            tool loop): when a response ends with ``function_call`` items,
            each call's function is called with its parsed JSON arguments and
            a new streamed response is created with ``previous_response_id``
            and the ``function_call_output`` items, into the same stream.
        tool_errors: a function that raises: ``"submit"`` (the default) its
            error text as the output, or ``"raise"`` it (nothing is sent).
        unknown_functions: a call naming a function not in ``functions``:
            ``"raise"`` (the default) :class:`~streamkit.errors.ToolError`,
            or ``"submit"`` an error output for it.
        max_tool_rounds: how many responses the tool loop continues
            (default 16); one more raises LimitExceededError.
        resume: when the connection drops or the body ends without a
            terminal event: resume a background response from the last
            applied sequence number, read another one back once it is done
            (default ``True``).
        max_resumes: consecutive resumes that bring no new event before
            LimitExceededError (default :data:`MAX_RESUMES`, 8).
        resume_backoff: the first wait before retrying a resume, doubled
            each time up to 8 s (default 0.5).
        poll_interval: seconds between reads of a response that is not done
            (default 1.0).
        max_polls: the most such reads (default 600).
        poll_deadline: the most seconds of resuming or polling per stream
            (default 600.0), on the client's clock.
    """

    functions: Mapping[str, ToolFunction] | None
    tool_errors: ToolErrors
    unknown_functions: UnknownFunctions
    max_tool_rounds: int
    resume: bool
    max_resumes: int
    resume_backoff: float
    poll_interval: float
    max_polls: int
    poll_deadline: float


class ResponseStreamParams(ResponseCreateParams, ResponseStreamOptions, total=False):
    """``responses.stream``: the API's parameters and streamkit's own."""


#: The keys of :class:`ResponseStreamOptions`.
STREAM_OPTIONS: frozenset[str] = frozenset(ResponseStreamOptions.__annotations__)


def split_options(params: Mapping[str, Any]) -> tuple[dict[str, Any], ResponseStreamOptions]:
    """``stream``'s parameters split: (the API's, to send; the :class:`ResponseStreamOptions`)."""
    sent, options = split_params(params, STREAM_OPTIONS)
    return sent, typing.cast(ResponseStreamOptions, options)


class InputItemListParams(TypedDict, total=False):
    """``input_items.list``'s query: page size, order, cursors, include. ``None`` is left out."""

    limit: int | None
    order: Order | None
    after: str | None
    before: str | None
    include: Sequence[Include] | None
