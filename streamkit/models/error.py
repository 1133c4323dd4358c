"""The payload of ``error`` events, in both shapes seen on the wire.

The spec sends the bare error object (``{"code", "message", "param", "type"}``);
real streams have been recorded sending it wrapped, ``{"error": {...}}`` (the
``text-then-server-error`` recording). Both are modelled, and each is written
back in the shape it came in.
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from .base import Model

__all__ = ["ErrorEnvelope", "ErrorObject"]


@attrs.frozen(kw_only=True)
class ErrorObject(Model):
    """An error the server reports: an internal error or a timeout while streaming.

    Spec schema ``Error``; openai-python ``ErrorObject``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"code", "message", "param", "type"})

    code: str | None = None
    """A machine-readable error code. Always sent, possibly as ``null``."""
    message: str
    """A human-readable description of the error."""
    param: str | None = None
    """The request parameter the error is about. Always sent, possibly as ``null``."""
    type: str
    """The error's category, e.g. ``server_error``."""


@attrs.frozen(kw_only=True)
class ErrorEnvelope(Model):
    """The observed ``{"error": {...}}`` shape of an ``error`` event's payload.

    Not in the spec; recorded from the live API. openai-python raises
    ``APIError`` for this shape.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"error"})

    error: ErrorObject
    """The error itself."""
