"""Threads, as ``thread.created`` (create-thread-and-run) sends them.

Generated from the schema extract, then kept by hand: see tests/test_models_schema.py,
which checks every object and field of the schema has its model and field here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Literal

import attrs

from .base import Model

__all__ = [
    "Thread",
    "ThreadToolResources",
    "ThreadToolResourcesCodeInterpreter",
    "ThreadToolResourcesFileSearch",
]


@attrs.frozen(kw_only=True)
class Thread(Model):
    """Represents a thread that contains messages.

    Spec schema ``ThreadObject``; openai-python ``Thread``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"created_at", "id", "metadata", "object", "tool_resources"}
    )

    id: str
    """The identifier, which can be referenced in API endpoints."""
    object: Literal["thread"] = "thread"
    """The object type, which is always `thread`."""
    created_at: int
    """The Unix timestamp (in seconds) for when the thread was created. Unix time in seconds."""
    tool_resources: ThreadToolResources | None = None
    """A set of resources that are made available to the assistant's tools in this thread. The
    resources are specific to the type of tool. For example, the `code_interpreter` tool
    requires a list of file IDs, while the `file_search` tool requires a list of vector store
    IDs. Always sent, possibly as ``null``.
    """
    metadata: Mapping[str, str] | None = None
    """Always sent, possibly as ``null``."""


@attrs.frozen(kw_only=True)
class ThreadToolResources(Model):
    """A set of resources that are made available to the assistant's tools in this thread. The
    resources are specific to the type of tool. For example, the `code_interpreter` tool
    requires a list of file IDs, while the `file_search` tool requires a list of vector store
    IDs.

    Spec schema ``ThreadObject/properties/tool_resources``; openai-python ``ToolResources``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    code_interpreter: ThreadToolResourcesCodeInterpreter | None = None
    file_search: ThreadToolResourcesFileSearch | None = None


@attrs.frozen(kw_only=True)
class ThreadToolResourcesCodeInterpreter(Model):
    """The ``ThreadToolResourcesCodeInterpreter`` object.

    Spec schema ``ThreadObject/properties/tool_resources/properties/code_interpreter``;
    openai-python ``ToolResourcesCodeInterpreter``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    file_ids: tuple[str, ...] | None = None
    """A list of file IDs made available to the `code_interpreter` tool. There can be a maximum of
    20 files associated with the tool. At most 20 items. Server default: ``[]``.
    """


@attrs.frozen(kw_only=True)
class ThreadToolResourcesFileSearch(Model):
    """The ``ThreadToolResourcesFileSearch`` object.

    Spec schema ``ThreadObject/properties/tool_resources/properties/file_search``; openai-python
    ``ToolResourcesFileSearch``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    vector_store_ids: tuple[str, ...] | None = None
    """The vector store attached to this thread. There can be a maximum of 1 vector store attached
    to the thread. At most 1 items.
    """
