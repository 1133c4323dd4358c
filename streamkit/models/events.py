"""Typed stream events: one class per event name, each with ``.event`` and ``.data``.

On the wire an event is an ``event:`` line naming it and a ``data:`` line with
the bare object (``[DONE]`` for ``done``); these classes are the client-side
wrapper the SDKs build, so a handler can ``match`` on them::

    match event:
        case ThreadRunStepDelta(data=delta):
            ...
        case ThreadRunCompleted(data=run):
            ...

``.event`` is a class constant on the known events and a field on
:class:`UnknownEvent`, which keeps an event name this version does not know,
with its payload, instead of failing the stream.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, TypeAlias

import attrs

from .error import ErrorEnvelope, ErrorObject
from .message import Message
from .message_delta import MessageDeltaEvent
from .run import Run
from .run_step import RunStep
from .run_step_delta import RunStepDeltaEvent
from .thread import Thread

__all__ = [
    "EVENT_CLASSES",
    "DoneEvent",
    "ErrorEvent",
    "StreamEvent",
    "ThreadCreated",
    "ThreadMessageCompleted",
    "ThreadMessageCreated",
    "ThreadMessageDelta",
    "ThreadMessageInProgress",
    "ThreadMessageIncomplete",
    "ThreadRunCancelled",
    "ThreadRunCancelling",
    "ThreadRunCompleted",
    "ThreadRunCreated",
    "ThreadRunExpired",
    "ThreadRunFailed",
    "ThreadRunInProgress",
    "ThreadRunIncomplete",
    "ThreadRunQueued",
    "ThreadRunRequiresAction",
    "ThreadRunStepCancelled",
    "ThreadRunStepCompleted",
    "ThreadRunStepCreated",
    "ThreadRunStepDelta",
    "ThreadRunStepExpired",
    "ThreadRunStepFailed",
    "ThreadRunStepInProgress",
    "UnknownEvent",
]


@attrs.frozen
class ThreadCreated:
    """A thread was created (create-thread-and-run streams only; always first).

    Spec schema ``ThreadStreamEvent/oneOf/0``; openai-python ``ThreadCreated``.
    """

    event: ClassVar[Literal["thread.created"]] = "thread.created"
    data: Thread
    """The ``Thread`` sent with the event."""


@attrs.frozen
class ThreadRunCreated:
    """A run was created.

    Spec schema ``RunStreamEvent/oneOf/0``; openai-python ``ThreadRunCreated``.
    """

    event: ClassVar[Literal["thread.run.created"]] = "thread.run.created"
    data: Run
    """The ``Run`` sent with the event."""


@attrs.frozen
class ThreadRunQueued:
    """A run moved to ``queued``.

    Spec schema ``RunStreamEvent/oneOf/1``; openai-python ``ThreadRunQueued``.
    """

    event: ClassVar[Literal["thread.run.queued"]] = "thread.run.queued"
    data: Run
    """The ``Run`` sent with the event."""


@attrs.frozen
class ThreadRunInProgress:
    """A run moved to ``in_progress``.

    Spec schema ``RunStreamEvent/oneOf/2``; openai-python ``ThreadRunInProgress``.
    """

    event: ClassVar[Literal["thread.run.in_progress"]] = "thread.run.in_progress"
    data: Run
    """The ``Run`` sent with the event."""


@attrs.frozen
class ThreadRunRequiresAction:
    """A run needs tool outputs (``required_action`` is set); the stream ends after it.

    Spec schema ``RunStreamEvent/oneOf/3``; openai-python ``ThreadRunRequiresAction``.
    """

    event: ClassVar[Literal["thread.run.requires_action"]] = "thread.run.requires_action"
    data: Run
    """The ``Run`` sent with the event."""


@attrs.frozen
class ThreadRunCompleted:
    """A run completed. Terminal.

    Spec schema ``RunStreamEvent/oneOf/4``; openai-python ``ThreadRunCompleted``.
    """

    event: ClassVar[Literal["thread.run.completed"]] = "thread.run.completed"
    data: Run
    """The ``Run`` sent with the event."""


@attrs.frozen
class ThreadRunIncomplete:
    """A run ended incomplete (``incomplete_details`` says why). Terminal.

    Spec schema ``RunStreamEvent/oneOf/5``; openai-python ``ThreadRunIncomplete``.
    """

    event: ClassVar[Literal["thread.run.incomplete"]] = "thread.run.incomplete"
    data: Run
    """The ``Run`` sent with the event."""


@attrs.frozen
class ThreadRunFailed:
    """A run failed (``last_error`` says why). Terminal.

    Spec schema ``RunStreamEvent/oneOf/6``; openai-python ``ThreadRunFailed``.
    """

    event: ClassVar[Literal["thread.run.failed"]] = "thread.run.failed"
    data: Run
    """The ``Run`` sent with the event."""


@attrs.frozen
class ThreadRunCancelling:
    """A run moved to ``cancelling``.

    Spec schema ``RunStreamEvent/oneOf/7``; openai-python ``ThreadRunCancelling``.
    """

    event: ClassVar[Literal["thread.run.cancelling"]] = "thread.run.cancelling"
    data: Run
    """The ``Run`` sent with the event."""


@attrs.frozen
class ThreadRunCancelled:
    """A run was cancelled. Terminal.

    Spec schema ``RunStreamEvent/oneOf/8``; openai-python ``ThreadRunCancelled``.
    """

    event: ClassVar[Literal["thread.run.cancelled"]] = "thread.run.cancelled"
    data: Run
    """The ``Run`` sent with the event."""


@attrs.frozen
class ThreadRunExpired:
    """A run expired before completing. Terminal.

    Spec schema ``RunStreamEvent/oneOf/9``; openai-python ``ThreadRunExpired``.
    """

    event: ClassVar[Literal["thread.run.expired"]] = "thread.run.expired"
    data: Run
    """The ``Run`` sent with the event."""


@attrs.frozen
class ThreadRunStepCreated:
    """A run step was created.

    Spec schema ``RunStepStreamEvent/oneOf/0``; openai-python ``ThreadRunStepCreated``.
    """

    event: ClassVar[Literal["thread.run.step.created"]] = "thread.run.step.created"
    data: RunStep
    """The ``RunStep`` sent with the event."""


@attrs.frozen
class ThreadRunStepInProgress:
    """A run step moved to ``in_progress``.

    Spec schema ``RunStepStreamEvent/oneOf/1``; openai-python ``ThreadRunStepInProgress``.
    """

    event: ClassVar[Literal["thread.run.step.in_progress"]] = "thread.run.step.in_progress"
    data: RunStep
    """The ``RunStep`` sent with the event."""


@attrs.frozen
class ThreadRunStepDelta:
    """Parts of a run step are being streamed (tool-call input, arguments, outputs).

    Spec schema ``RunStepStreamEvent/oneOf/2``; openai-python ``ThreadRunStepDelta``.
    """

    event: ClassVar[Literal["thread.run.step.delta"]] = "thread.run.step.delta"
    data: RunStepDeltaEvent
    """The ``RunStepDeltaEvent`` sent with the event."""


@attrs.frozen
class ThreadRunStepCompleted:
    """A run step completed. Terminal for the step; carries the complete step.

    Spec schema ``RunStepStreamEvent/oneOf/3``; openai-python ``ThreadRunStepCompleted``.
    """

    event: ClassVar[Literal["thread.run.step.completed"]] = "thread.run.step.completed"
    data: RunStep
    """The ``RunStep`` sent with the event."""


@attrs.frozen
class ThreadRunStepFailed:
    """A run step failed. Terminal for the step.

    Spec schema ``RunStepStreamEvent/oneOf/4``; openai-python ``ThreadRunStepFailed``.
    """

    event: ClassVar[Literal["thread.run.step.failed"]] = "thread.run.step.failed"
    data: RunStep
    """The ``RunStep`` sent with the event."""


@attrs.frozen
class ThreadRunStepCancelled:
    """A run step was cancelled. Terminal for the step.

    Spec schema ``RunStepStreamEvent/oneOf/5``; openai-python ``ThreadRunStepCancelled``.
    """

    event: ClassVar[Literal["thread.run.step.cancelled"]] = "thread.run.step.cancelled"
    data: RunStep
    """The ``RunStep`` sent with the event."""


@attrs.frozen
class ThreadRunStepExpired:
    """A run step expired. Terminal for the step.

    Spec schema ``RunStepStreamEvent/oneOf/6``; openai-python ``ThreadRunStepExpired``.
    """

    event: ClassVar[Literal["thread.run.step.expired"]] = "thread.run.step.expired"
    data: RunStep
    """The ``RunStep`` sent with the event."""


@attrs.frozen
class ThreadMessageCreated:
    """A message was created.

    Spec schema ``MessageStreamEvent/oneOf/0``; openai-python ``ThreadMessageCreated``.
    """

    event: ClassVar[Literal["thread.message.created"]] = "thread.message.created"
    data: Message
    """The ``Message`` sent with the event."""


@attrs.frozen
class ThreadMessageInProgress:
    """A message moved to ``in_progress``.

    Spec schema ``MessageStreamEvent/oneOf/1``; openai-python ``ThreadMessageInProgress``.
    """

    event: ClassVar[Literal["thread.message.in_progress"]] = "thread.message.in_progress"
    data: Message
    """The ``Message`` sent with the event."""


@attrs.frozen
class ThreadMessageDelta:
    """Parts of a message are being streamed (text, annotations, images).

    Spec schema ``MessageStreamEvent/oneOf/2``; openai-python ``ThreadMessageDelta``.
    """

    event: ClassVar[Literal["thread.message.delta"]] = "thread.message.delta"
    data: MessageDeltaEvent
    """The ``MessageDeltaEvent`` sent with the event."""


@attrs.frozen
class ThreadMessageCompleted:
    """A message completed. Terminal for the message; carries the whole message.

    Spec schema ``MessageStreamEvent/oneOf/3``; openai-python ``ThreadMessageCompleted``.
    """

    event: ClassVar[Literal["thread.message.completed"]] = "thread.message.completed"
    data: Message
    """The ``Message`` sent with the event."""


@attrs.frozen
class ThreadMessageIncomplete:
    """A message ended before it was completed. Terminal for the message.

    Spec schema ``MessageStreamEvent/oneOf/4``; openai-python ``ThreadMessageIncomplete``.
    """

    event: ClassVar[Literal["thread.message.incomplete"]] = "thread.message.incomplete"
    data: Message
    """The ``Message`` sent with the event."""


@attrs.frozen
class ErrorEvent:
    """The server reports an error (an internal error or a timeout) in the middle of the stream.

    Spec schema ``ErrorEvent``; openai-python ``ErrorEvent``. The payload is the
    bare error object (spec) or ``{"error": {...}}`` (observed); :attr:`error`
    gives the error object either way.
    """

    event: ClassVar[Literal["error"]] = "error"
    data: ErrorObject | ErrorEnvelope
    """The payload, in the shape it came in."""

    @property
    def error(self) -> ErrorObject:
        """The error object, whichever shape the payload had."""
        return self.data.error if isinstance(self.data, ErrorEnvelope) else self.data


@attrs.frozen
class DoneEvent:
    """The stream is over. Its data is the literal ``[DONE]``, which is not JSON.

    Spec schema ``DoneEvent`` (the SDKs have no class for it).
    """

    event: ClassVar[Literal["done"]] = "done"
    data: str = "[DONE]"
    """The raw data line, ``[DONE]``."""


@attrs.frozen
class UnknownEvent:
    """An event name this version of streamkit does not know, kept with its payload.

    Attributes:
        event: the event name as sent.
        data: the payload parsed as JSON, or the raw text when it is not JSON.
    """

    event: str
    data: Any


StreamEvent: TypeAlias = (
    ThreadCreated
    | ThreadRunCreated
    | ThreadRunQueued
    | ThreadRunInProgress
    | ThreadRunRequiresAction
    | ThreadRunCompleted
    | ThreadRunIncomplete
    | ThreadRunFailed
    | ThreadRunCancelling
    | ThreadRunCancelled
    | ThreadRunExpired
    | ThreadRunStepCreated
    | ThreadRunStepInProgress
    | ThreadRunStepDelta
    | ThreadRunStepCompleted
    | ThreadRunStepFailed
    | ThreadRunStepCancelled
    | ThreadRunStepExpired
    | ThreadMessageCreated
    | ThreadMessageInProgress
    | ThreadMessageDelta
    | ThreadMessageCompleted
    | ThreadMessageIncomplete
    | ErrorEvent
    | DoneEvent
    | UnknownEvent
)
"""Any typed event: one of the 25 the spec defines, or :class:`UnknownEvent`."""


#: The known event classes by event name.
EVENT_CLASSES: dict[str, type[StreamEvent]] = {
    ThreadCreated.event: ThreadCreated,
    ThreadRunCreated.event: ThreadRunCreated,
    ThreadRunQueued.event: ThreadRunQueued,
    ThreadRunInProgress.event: ThreadRunInProgress,
    ThreadRunRequiresAction.event: ThreadRunRequiresAction,
    ThreadRunCompleted.event: ThreadRunCompleted,
    ThreadRunIncomplete.event: ThreadRunIncomplete,
    ThreadRunFailed.event: ThreadRunFailed,
    ThreadRunCancelling.event: ThreadRunCancelling,
    ThreadRunCancelled.event: ThreadRunCancelled,
    ThreadRunExpired.event: ThreadRunExpired,
    ThreadRunStepCreated.event: ThreadRunStepCreated,
    ThreadRunStepInProgress.event: ThreadRunStepInProgress,
    ThreadRunStepDelta.event: ThreadRunStepDelta,
    ThreadRunStepCompleted.event: ThreadRunStepCompleted,
    ThreadRunStepFailed.event: ThreadRunStepFailed,
    ThreadRunStepCancelled.event: ThreadRunStepCancelled,
    ThreadRunStepExpired.event: ThreadRunStepExpired,
    ThreadMessageCreated.event: ThreadMessageCreated,
    ThreadMessageInProgress.event: ThreadMessageInProgress,
    ThreadMessageDelta.event: ThreadMessageDelta,
    ThreadMessageCompleted.event: ThreadMessageCompleted,
    ThreadMessageIncomplete.event: ThreadMessageIncomplete,
    ErrorEvent.event: ErrorEvent,
    DoneEvent.event: DoneEvent,
}
