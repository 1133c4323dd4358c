"""The enum values of the run stream, as ``Literal`` types.

Each is documented with the values the spec lists. Values outside these sets
are kept as received at run time (the API adds values over time); the types
say what the spec promises, not what the parser enforces.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

__all__ = [
    "FileSearchRanker",
    "ImageDetail",
    "MessageIncompleteReason",
    "MessageRole",
    "MessageStatus",
    "RunErrorCode",
    "RunIncompleteReason",
    "RunStatus",
    "RunStepErrorCode",
    "RunStepStatus",
    "RunStepType",
    "ToolChoiceType",
    "TruncationType",
]


RunStatus: TypeAlias = Literal[
    "queued",
    "in_progress",
    "requires_action",
    "cancelling",
    "cancelled",
    "failed",
    "completed",
    "incomplete",
    "expired",
]
"""The status of a run. Terminal: ``completed``, ``incomplete``, ``failed``, ``cancelled``,
``expired``; ``requires_action`` ends a stream until tool outputs are submitted."""

RunErrorCode: TypeAlias = Literal["server_error", "rate_limit_exceeded", "invalid_prompt"]
"""Why a run failed (``Run.last_error.code``)."""

RunIncompleteReason: TypeAlias = Literal["max_completion_tokens", "max_prompt_tokens"]
"""Why a run ended ``incomplete``: the token limit that was reached."""

FileSearchRanker: TypeAlias = Literal["auto", "default_2024_08_21"]
"""The ranker used by file search."""

TruncationType: TypeAlias = Literal["auto", "last_messages"]
"""How the thread is truncated before a run: ``auto`` or the ``last_messages`` count."""

ToolChoiceType: TypeAlias = Literal["function", "code_interpreter", "file_search"]
"""The kind of tool a tool choice forces."""

RunStepType: TypeAlias = Literal["message_creation", "tool_calls"]
"""The kind of a run step."""

RunStepStatus: TypeAlias = Literal["in_progress", "cancelled", "failed", "completed", "expired"]
"""The status of a run step. Terminal: ``completed``, ``failed``, ``cancelled``, ``expired``."""

RunStepErrorCode: TypeAlias = Literal["server_error", "rate_limit_exceeded"]
"""Why a run step failed (``RunStep.last_error.code``)."""

MessageStatus: TypeAlias = Literal["in_progress", "incomplete", "completed"]
"""The status of a message."""

MessageRole: TypeAlias = Literal["user", "assistant"]
"""Who wrote a message."""

MessageIncompleteReason: TypeAlias = Literal[
    "content_filter", "max_tokens", "run_cancelled", "run_expired", "run_failed"
]
"""Why a message ended ``incomplete``."""

ImageDetail: TypeAlias = Literal["auto", "low", "high"]
"""The detail level of an image."""
