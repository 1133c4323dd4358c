"""Messages as whole objects (``thread.message.created`` ... ``.completed``) and their content
blocks.

Generated from the schema extract, then kept by hand: see tests/test_models_schema.py,
which checks every object and field of the schema has its model and field here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Literal, TypeAlias

import attrs

from .base import Model, UnknownObject
from .enums import ImageDetail, MessageIncompleteReason, MessageRole, MessageStatus
from .run import CodeInterpreterTool

__all__ = [
    "Annotation",
    "FileCitation",
    "FileCitationAnnotation",
    "FilePath",
    "FilePathAnnotation",
    "ImageFile",
    "ImageFileContentBlock",
    "ImageURL",
    "ImageURLContentBlock",
    "Message",
    "MessageAttachment",
    "MessageAttachmentTool",
    "MessageAttachmentToolFileSearchTypeOnly",
    "MessageContent",
    "MessageIncompleteDetails",
    "RefusalContentBlock",
    "Text",
    "TextContentBlock",
]


@attrs.frozen(kw_only=True)
class Message(Model):
    """Represents a message within a thread.

    Spec schema ``MessageObject``; openai-python ``Message``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {
            "assistant_id",
            "attachments",
            "completed_at",
            "content",
            "created_at",
            "id",
            "incomplete_at",
            "incomplete_details",
            "metadata",
            "object",
            "role",
            "run_id",
            "status",
            "thread_id",
        }
    )

    id: str
    """The identifier, which can be referenced in API endpoints."""
    object: Literal["thread.message"] = "thread.message"
    """The object type, which is always `thread.message`."""
    created_at: int
    """The Unix timestamp (in seconds) for when the message was created. Unix time in seconds."""
    thread_id: str
    """The thread ID that this message belongs to."""
    status: MessageStatus
    """The status of the message, which can be either `in_progress`, `incomplete`, or `completed`.
    """
    incomplete_details: MessageIncompleteDetails | None = None
    """On an incomplete message, details about why the message is incomplete. Always sent, possibly
    as ``null``.
    """
    completed_at: int | None = None
    """The Unix timestamp (in seconds) for when the message was completed. Unix time in seconds.
    Always sent, possibly as ``null``.
    """
    incomplete_at: int | None = None
    """The Unix timestamp (in seconds) for when the message was marked as incomplete. Unix time in
    seconds. Always sent, possibly as ``null``.
    """
    role: MessageRole
    """The entity that produced the message. One of `user` or `assistant`."""
    content: tuple[MessageContent, ...]
    """The content of the message in array of text and/or images."""
    assistant_id: str | None = None
    """If applicable, the ID of the assistant that authored this message. Always sent, possibly as
    ``null``.
    """
    run_id: str | None = None
    """The ID of the run associated with the creation of this message. Value is `null` when
    messages are created manually using the create message or create thread endpoints. Always
    sent, possibly as ``null``.
    """
    attachments: tuple[MessageAttachment, ...] | None = None
    """A list of files attached to the message, and the tools they were added to. Always sent,
    possibly as ``null``.
    """
    metadata: Mapping[str, str] | None = None
    """Always sent, possibly as ``null``."""


@attrs.frozen(kw_only=True)
class MessageIncompleteDetails(Model):
    """On an incomplete message, details about why the message is incomplete.

    Spec schema ``MessageObject/properties/incomplete_details``; openai-python
    ``IncompleteDetails``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"reason"})

    reason: MessageIncompleteReason
    """The reason the message is incomplete."""


@attrs.frozen(kw_only=True)
class ImageFileContentBlock(Model):
    """References an image File in the content of a message.

    Spec schema ``MessageContentImageFileObject``; openai-python ``ImageFileContentBlock``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"image_file", "type"})

    type: Literal["image_file"] = "image_file"
    """Always `image_file`."""
    image_file: ImageFile


@attrs.frozen(kw_only=True)
class ImageFile(Model):
    """The ``ImageFile`` object.

    Spec schema ``MessageContentImageFileObject/properties/image_file``; openai-python
    ``ImageFile``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"file_id"})

    file_id: str
    """The File ID of the image in the message content. Set `purpose="vision"` when uploading the
    File if you need to later display the file content.
    """
    detail: ImageDetail | None = None
    """Specifies the detail level of the image if specified by the user. `low` uses fewer tokens,
    you can opt in to high resolution using `high`. Server default: ``"auto"``.
    """


@attrs.frozen(kw_only=True)
class ImageURLContentBlock(Model):
    """References an image URL in the content of a message.

    Spec schema ``MessageContentImageUrlObject``; openai-python ``ImageURLContentBlock``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"image_url", "type"})

    type: Literal["image_url"] = "image_url"
    """The type of the content part."""
    image_url: ImageURL


@attrs.frozen(kw_only=True)
class ImageURL(Model):
    """The ``ImageURL`` object.

    Spec schema ``MessageContentImageUrlObject/properties/image_url``; openai-python
    ``ImageURL``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"url"})

    url: str
    """The external URL of the image, must be a supported image types: jpeg, jpg, png, gif, webp."""
    detail: ImageDetail | None = None
    """Specifies the detail level of the image. `low` uses fewer tokens, you can opt in to high
    resolution using `high`. Default value is `auto` Server default: ``"auto"``.
    """


@attrs.frozen(kw_only=True)
class TextContentBlock(Model):
    """The text content that is part of a message.

    Spec schema ``MessageContentTextObject``; openai-python ``TextContentBlock``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"text", "type"})

    type: Literal["text"] = "text"
    """Always `text`."""
    text: Text


@attrs.frozen(kw_only=True)
class Text(Model):
    """The ``Text`` object.

    Spec schema ``MessageContentTextObject/properties/text``; openai-python ``Text``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"annotations", "value"})

    value: str
    """The data that makes up the text."""
    annotations: tuple[Annotation, ...]


@attrs.frozen(kw_only=True)
class FileCitationAnnotation(Model):
    """A citation within the message that points to a specific quote from a specific File
    associated with the assistant or the message. Generated when the assistant uses the
    "file_search" tool to search files.

    Spec schema ``MessageContentTextAnnotationsFileCitationObject``; openai-python
    ``FileCitationAnnotation``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"end_index", "file_citation", "start_index", "text", "type"}
    )

    type: Literal["file_citation"] = "file_citation"
    """Always `file_citation`."""
    text: str
    """The text in the message content that needs to be replaced."""
    file_citation: FileCitation
    start_index: int
    """Minimum 0."""
    end_index: int
    """Minimum 0."""


@attrs.frozen(kw_only=True)
class FileCitation(Model):
    """The ``FileCitation`` object.

    Spec schema ``MessageContentTextAnnotationsFileCitationObject/properties/file_citation``;
    openai-python ``FileCitation``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"file_id"})

    file_id: str
    """The ID of the specific File the citation is from."""


@attrs.frozen(kw_only=True)
class FilePathAnnotation(Model):
    """A URL for the file that's generated when the assistant used the `code_interpreter` tool to
    generate a file.

    Spec schema ``MessageContentTextAnnotationsFilePathObject``; openai-python
    ``FilePathAnnotation``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"end_index", "file_path", "start_index", "text", "type"}
    )

    type: Literal["file_path"] = "file_path"
    """Always `file_path`."""
    text: str
    """The text in the message content that needs to be replaced."""
    file_path: FilePath
    start_index: int
    """Minimum 0."""
    end_index: int
    """Minimum 0."""


@attrs.frozen(kw_only=True)
class FilePath(Model):
    """The ``FilePath`` object.

    Spec schema ``MessageContentTextAnnotationsFilePathObject/properties/file_path``;
    openai-python ``FilePath``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"file_id"})

    file_id: str
    """The ID of the file that was generated."""


@attrs.frozen(kw_only=True)
class RefusalContentBlock(Model):
    """The refusal content generated by the assistant.

    Spec schema ``MessageContentRefusalObject``; openai-python ``RefusalContentBlock``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"refusal", "type"})

    type: Literal["refusal"] = "refusal"
    """Always `refusal`."""
    refusal: str


@attrs.frozen(kw_only=True)
class MessageAttachment(Model):
    """The ``MessageAttachment`` object.

    Spec schema ``MessageObject/properties/attachments/items``; openai-python ``Attachment``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    file_id: str | None = None
    """The ID of the file to attach to the message."""
    tools: tuple[MessageAttachmentTool, ...] | None = None
    """The tools to add this file to."""


@attrs.frozen(kw_only=True)
class MessageAttachmentToolFileSearchTypeOnly(Model):
    """The ``MessageAttachmentToolFileSearchTypeOnly`` object.

    Spec schema ``AssistantToolsFileSearchTypeOnly``; openai-python
    ``AttachmentToolAssistantToolsFileSearchTypeOnly``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"type"})

    type: Literal["file_search"] = "file_search"
    """The type of tool being defined: `file_search`"""


MessageContent: TypeAlias = (
    ImageFileContentBlock
    | ImageURLContentBlock
    | TextContentBlock
    | RefusalContentBlock
    | UnknownObject
)
"""One of ``ImageFileContentBlock``, ``ImageURLContentBlock``, ``TextContentBlock``,
``RefusalContentBlock`` (told apart by ``type``); an object of an unknown ``type`` is kept as
:class:`UnknownObject`."""


Annotation: TypeAlias = FileCitationAnnotation | FilePathAnnotation | UnknownObject
"""One of ``FileCitationAnnotation``, ``FilePathAnnotation`` (told apart by ``type``); an object of
an unknown ``type`` is kept as :class:`UnknownObject`."""


MessageAttachmentTool: TypeAlias = (
    CodeInterpreterTool | MessageAttachmentToolFileSearchTypeOnly | UnknownObject
)
"""One of ``CodeInterpreterTool``, ``MessageAttachmentToolFileSearchTypeOnly`` (told apart by
``type``); an object of an unknown ``type`` is kept as :class:`UnknownObject`."""
