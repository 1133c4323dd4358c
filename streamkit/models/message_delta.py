"""Message deltas (``thread.message.delta``): content blocks and annotations as they stream, placed
by ``index``.

Generated from the schema extract, then kept by hand: see tests/test_models_schema.py,
which checks every object and field of the schema has its model and field here.
"""

from __future__ import annotations

from typing import ClassVar, Literal, TypeAlias

import attrs

from .base import STREAMED, Model, UnknownObject
from .enums import ImageDetail, MessageRole

__all__ = [
    "AnnotationDelta",
    "FileCitationDelta",
    "FileCitationDeltaAnnotation",
    "FilePathDelta",
    "FilePathDeltaAnnotation",
    "ImageFileDelta",
    "ImageFileDeltaBlock",
    "ImageURLDelta",
    "ImageURLDeltaBlock",
    "MessageContentDelta",
    "MessageDelta",
    "MessageDeltaEvent",
    "RefusalDeltaBlock",
    "TextDelta",
    "TextDeltaBlock",
]


@attrs.frozen(kw_only=True)
class MessageDeltaEvent(Model):
    """Represents a message delta i.e. any changed fields on a message during streaming.

    Spec schema ``MessageDeltaObject``; openai-python ``MessageDeltaEvent``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"delta", "id", "object"})

    id: str
    """The identifier of the message, which can be referenced in API endpoints."""
    object: Literal["thread.message.delta"] = "thread.message.delta"
    """The object type, which is always `thread.message.delta`."""
    delta: MessageDelta
    """The delta containing the fields that have changed on the Message."""


@attrs.frozen(kw_only=True)
class MessageDelta(Model):
    """The delta containing the fields that have changed on the Message.

    Spec schema ``MessageDeltaObject/properties/delta``; openai-python ``MessageDelta``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    role: MessageRole | None = None
    """The entity that produced the message. One of `user` or `assistant`."""
    content: tuple[MessageContentDelta, ...] | None = None
    """The content of the message in array of text and/or images."""


@attrs.frozen(kw_only=True)
class ImageFileDeltaBlock(Model):
    """References an image File in the content of a message.

    Spec schema ``MessageDeltaContentImageFileObject``; openai-python ``ImageFileDeltaBlock``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"index", "type"})

    index: int
    """The index of the content part in the message."""
    type: Literal["image_file"] = "image_file"
    """Always `image_file`."""
    image_file: ImageFileDelta | None = None


@attrs.frozen(kw_only=True)
class ImageFileDelta(Model):
    """The ``ImageFileDelta`` object.

    Spec schema ``MessageDeltaContentImageFileObject/properties/image_file``; openai-python
    ``ImageFileDelta``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    file_id: str | None = None
    """The File ID of the image in the message content. Set `purpose="vision"` when uploading the
    File if you need to later display the file content.
    """
    detail: ImageDetail | None = None
    """Specifies the detail level of the image if specified by the user. `low` uses fewer tokens,
    you can opt in to high resolution using `high`. Server default: ``"auto"``.
    """


@attrs.frozen(kw_only=True)
class TextDeltaBlock(Model):
    """The text content that is part of a message.

    Spec schema ``MessageDeltaContentTextObject``; openai-python ``TextDeltaBlock``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"index", "type"})

    index: int
    """The index of the content part in the message."""
    type: Literal["text"] = "text"
    """Always `text`."""
    text: TextDelta | None = None


@attrs.frozen(kw_only=True)
class TextDelta(Model):
    """The ``TextDelta`` object.

    Spec schema ``MessageDeltaContentTextObject/properties/text``; openai-python ``TextDelta``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    value: str | None = attrs.field(default=None, metadata={STREAMED: True})
    """The data that makes up the text."""
    annotations: tuple[AnnotationDelta, ...] | None = None


@attrs.frozen(kw_only=True)
class FileCitationDeltaAnnotation(Model):
    """A citation within the message that points to a specific quote from a specific File
    associated with the assistant or the message. Generated when the assistant uses the
    "file_search" tool to search files.

    Spec schema ``MessageDeltaContentTextAnnotationsFileCitationObject``; openai-python
    ``FileCitationDeltaAnnotation``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"index", "type"})

    index: int
    """The index of the annotation in the text content part."""
    type: Literal["file_citation"] = "file_citation"
    """Always `file_citation`."""
    text: str | None = None
    """The text in the message content that needs to be replaced."""
    file_citation: FileCitationDelta | None = None
    start_index: int | None = None
    """Minimum 0."""
    end_index: int | None = None
    """Minimum 0."""


@attrs.frozen(kw_only=True)
class FileCitationDelta(Model):
    """The ``FileCitationDelta`` object.

    Spec schema
    ``MessageDeltaContentTextAnnotationsFileCitationObject/properties/file_citation``;
    openai-python ``FileCitation``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    file_id: str | None = None
    """The ID of the specific File the citation is from."""
    quote: str | None = None
    """The specific quote in the file."""


@attrs.frozen(kw_only=True)
class FilePathDeltaAnnotation(Model):
    """A URL for the file that's generated when the assistant used the `code_interpreter` tool to
    generate a file.

    Spec schema ``MessageDeltaContentTextAnnotationsFilePathObject``; openai-python
    ``FilePathDeltaAnnotation``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"index", "type"})

    index: int
    """The index of the annotation in the text content part."""
    type: Literal["file_path"] = "file_path"
    """Always `file_path`."""
    text: str | None = None
    """The text in the message content that needs to be replaced."""
    file_path: FilePathDelta | None = None
    start_index: int | None = None
    """Minimum 0."""
    end_index: int | None = None
    """Minimum 0."""


@attrs.frozen(kw_only=True)
class FilePathDelta(Model):
    """The ``FilePathDelta`` object.

    Spec schema ``MessageDeltaContentTextAnnotationsFilePathObject/properties/file_path``;
    openai-python ``FilePath``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    file_id: str | None = None
    """The ID of the file that was generated."""


@attrs.frozen(kw_only=True)
class RefusalDeltaBlock(Model):
    """The refusal content that is part of a message.

    Spec schema ``MessageDeltaContentRefusalObject``; openai-python ``RefusalDeltaBlock``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"index", "type"})

    index: int
    """The index of the refusal part in the message."""
    type: Literal["refusal"] = "refusal"
    """Always `refusal`."""
    refusal: str | None = attrs.field(default=None, metadata={STREAMED: True})


@attrs.frozen(kw_only=True)
class ImageURLDeltaBlock(Model):
    """References an image URL in the content of a message.

    Spec schema ``MessageDeltaContentImageUrlObject``; openai-python ``ImageURLDeltaBlock``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"index", "type"})

    index: int
    """The index of the content part in the message."""
    type: Literal["image_url"] = "image_url"
    """Always `image_url`."""
    image_url: ImageURLDelta | None = None


@attrs.frozen(kw_only=True)
class ImageURLDelta(Model):
    """The ``ImageURLDelta`` object.

    Spec schema ``MessageDeltaContentImageUrlObject/properties/image_url``; openai-python
    ``ImageURLDelta``.
    """

    _REQUIRED: ClassVar[frozenset[str]] = frozenset()

    url: str | None = None
    """The URL of the image, must be a supported image types: jpeg, jpg, png, gif, webp."""
    detail: ImageDetail | None = None
    """Specifies the detail level of the image. `low` uses fewer tokens, you can opt in to high
    resolution using `high`. Server default: ``"auto"``.
    """


MessageContentDelta: TypeAlias = (
    ImageFileDeltaBlock | TextDeltaBlock | RefusalDeltaBlock | ImageURLDeltaBlock | UnknownObject
)
"""One of ``ImageFileDeltaBlock``, ``TextDeltaBlock``, ``RefusalDeltaBlock``,
``ImageURLDeltaBlock`` (told apart by ``type``); an object of an unknown ``type`` is kept as
:class:`UnknownObject`."""


AnnotationDelta: TypeAlias = FileCitationDeltaAnnotation | FilePathDeltaAnnotation | UnknownObject
"""One of ``FileCitationDeltaAnnotation``, ``FilePathDeltaAnnotation`` (told apart by ``type``); an
object of an unknown ``type`` is kept as :class:`UnknownObject`."""
