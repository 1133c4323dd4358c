"""Content parts of output items, their annotations and log probabilities.

Generated from tests/data/responses-stream-schema.json, then kept by hand: see
tests/test_responses_models.py, which checks every object and field of the extract has its
model here.
"""

from __future__ import annotations

from typing import ClassVar, Literal, TypeAlias

import attrs

from streamkit.models.base import STREAMED, Model, UnknownObject

__all__ = [
    "Annotation",
    "ContainerFileCitationBody",
    "FileCitationBody",
    "FilePath",
    "LogProb",
    "OutputContent",
    "OutputMessageContent",
    "OutputTextContent",
    "ReasoningTextContent",
    "RefusalContent",
    "ResponseLogProb",
    "ResponseLogProbTopLogprob",
    "SummaryTextContent",
    "TopLogProb",
    "UrlCitationBody",
]


@attrs.frozen(kw_only=True)
class OutputTextContent(Model):
    """A text output from the model.

    Spec schema ``OutputTextContent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"annotations", "logprobs", "text", "type"})

    type: Literal["output_text"] = "output_text"
    """The type of the output text. Always `output_text`."""
    text: str = attrs.field(metadata={STREAMED: True})
    """The text output from the model. Streamed: deltas append to it."""
    annotations: tuple[Annotation, ...]
    """The annotations of the text output."""
    logprobs: tuple[LogProb, ...]


@attrs.frozen(kw_only=True)
class FileCitationBody(Model):
    """A citation to a file.

    Spec schema ``FileCitationBody``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"file_id", "filename", "index", "type"})

    type: Literal["file_citation"] = "file_citation"
    """The type of the file citation. Always `file_citation`."""
    file_id: str
    """The ID of the file."""
    index: int
    """The index of the file in the list of files."""
    filename: str
    """The filename of the file cited."""


@attrs.frozen(kw_only=True)
class UrlCitationBody(Model):
    """A citation for a web resource used to generate a model response.

    Spec schema ``UrlCitationBody``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"end_index", "start_index", "title", "type", "url"}
    )

    type: Literal["url_citation"] = "url_citation"
    """The type of the URL citation. Always `url_citation`."""
    url: str
    """The URL of the web resource."""
    start_index: int
    """The index of the first character of the URL citation in the message."""
    end_index: int
    """The index of the last character of the URL citation in the message."""
    title: str
    """The title of the web resource."""


@attrs.frozen(kw_only=True)
class ContainerFileCitationBody(Model):
    """A citation for a container file used to generate a model response.

    Spec schema ``ContainerFileCitationBody``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"container_id", "end_index", "file_id", "filename", "start_index", "type"}
    )

    type: Literal["container_file_citation"] = "container_file_citation"
    """The type of the container file citation. Always `container_file_citation`."""
    container_id: str
    """The ID of the container file."""
    file_id: str
    """The ID of the file."""
    start_index: int
    """The index of the first character of the container file citation in the message."""
    end_index: int
    """The index of the last character of the container file citation in the message."""
    filename: str
    """The filename of the container file cited."""


@attrs.frozen(kw_only=True)
class FilePath(Model):
    """A path to a file.

    Spec schema ``FilePath``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"file_id", "index", "type"})

    type: Literal["file_path"] = "file_path"
    """The type of the file path. Always `file_path`."""
    file_id: str
    """The ID of the file."""
    index: int
    """The index of the file in the list of files."""


@attrs.frozen(kw_only=True)
class LogProb(Model):
    """The log probability of a token.

    Spec schema ``LogProb``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"bytes", "logprob", "token", "top_logprobs"})

    token: str
    logprob: float
    bytes: tuple[int, ...]
    top_logprobs: tuple[TopLogProb, ...]


@attrs.frozen(kw_only=True)
class TopLogProb(Model):
    """The top log probability of a token.

    Spec schema ``TopLogProb``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"bytes", "logprob", "token"})

    token: str
    logprob: float
    bytes: tuple[int, ...]


@attrs.frozen(kw_only=True)
class RefusalContent(Model):
    """A refusal from the model.

    Spec schema ``RefusalContent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"refusal", "type"})

    type: Literal["refusal"] = "refusal"
    """The type of the refusal. Always `refusal`."""
    refusal: str = attrs.field(metadata={STREAMED: True})
    """The refusal explanation from the model. Streamed: deltas append to it."""


@attrs.frozen(kw_only=True)
class SummaryTextContent(Model):
    """A summary text from the model.

    Spec schema ``SummaryTextContent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"text", "type"})

    type: Literal["summary_text"] = "summary_text"
    """The type of the object. Always `summary_text`."""
    text: str = attrs.field(metadata={STREAMED: True})
    """A summary of the reasoning output from the model so far. Streamed: deltas append to it."""


@attrs.frozen(kw_only=True)
class ReasoningTextContent(Model):
    """Reasoning text from the model.

    Spec schema ``ReasoningTextContent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"text", "type"})

    type: Literal["reasoning_text"] = "reasoning_text"
    """The type of the reasoning text. Always `reasoning_text`."""
    text: str = attrs.field(metadata={STREAMED: True})
    """The reasoning text from the model. Streamed: deltas append to it."""


@attrs.frozen(kw_only=True)
class ResponseLogProb(Model):
    """A logprob is the logarithmic probability that the model assigns to producing a particular
    token at a given position in the sequence. Less-negative (higher) logprob values indicate
    greater model confidence in that token choice.

    Spec schema ``ResponseLogProb``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"logprob", "token"})

    token: str
    """A possible text token."""
    logprob: float
    """The log probability of this token."""
    top_logprobs: tuple[ResponseLogProbTopLogprob, ...] | None = None
    """The log probabilities of up to 20 of the most likely tokens."""
    bytes: tuple[int, ...] | None = None
    """The token's UTF-8 bytes. Not in the spec's ``ResponseLogProb``; sent by OpenAI, as in
    :class:`LogProb`."""


@attrs.frozen(kw_only=True)
class ResponseLogProbTopLogprob(Model):
    """One of the most likely tokens at a position, in a text event's log probabilities.

    Spec schema ``ResponseLogProb.top_logprobs[]``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    token: str | None = None
    """A possible text token."""
    logprob: float | None = None
    """The log probability of this token."""
    bytes: tuple[int, ...] | None = None
    """The token's UTF-8 bytes. Not in the spec; sent by OpenAI, as in :class:`TopLogProb`."""


Annotation: TypeAlias = (
    FileCitationBody | UrlCitationBody | ContainerFileCitationBody | FilePath | UnknownObject
)
"""An annotation that applies to a span of output text. Spec schema ``Annotation``; an object of an
unknown ``type`` is kept as :class:`UnknownObject`.
"""


OutputMessageContent: TypeAlias = OutputTextContent | RefusalContent | UnknownObject
"""One of ``OutputTextContent``, ``RefusalContent``. Spec schema ``OutputMessageContent``; an object
of an unknown ``type`` is kept as :class:`UnknownObject`.
"""


OutputContent: TypeAlias = OutputTextContent | RefusalContent | ReasoningTextContent | UnknownObject
"""One of ``OutputTextContent``, ``RefusalContent``, ``ReasoningTextContent``. Spec schema
``OutputContent``; an object of an unknown ``type`` is kept as :class:`UnknownObject`.
"""
