"""The demo recordings behind ``streamkit demo``: realistic streams, built with the stream builders.

The Assistants run a user of ``streamkit demo`` watches: a code-interpreter step whose input
streams as Python, then its logs and an image output; a function call (``get_weather``) with its
output; a final assistant message citing a file. It is made by :mod:`streamkit.testing` from the
example objects with a fixed random seed, in the order the API sends events, and shipped as
``streamkit/recordings/demo-code-interpreter.sse`` so the demo replays bytes, as ``watch`` does.

The Responses stream (``streamkit/recordings/demo-responses.sse``): a reasoning item whose
two-part summary streams, a web search, a code-interpreter call whose code streams (with its
logs), a ``get_weather`` function call whose arguments stream, and the final answer citing the
forecast and the chart, with usage -- :func:`streamkit.testing.example_response` streamed by
:func:`streamkit.testing.response_events` with a fixed seed, framed as OpenAI frames it
(``event:`` lines, sequence numbers, ``obfuscation`` padding on the deltas).

Neither is one of :data:`streamkit.recordings.NAMES` (those are real API output). Regenerate the
files after changing the builders (tests check they agree)::

    python -m streamkit._demo_data
"""

from __future__ import annotations

import random
from importlib import resources
from pathlib import Path

from streamkit import testing

__all__ = [
    "DEMO_NAME",
    "RESPONSES_DEMO_NAME",
    "build_demo",
    "build_responses_demo",
    "read_demo",
    "read_responses_demo",
    "write_demo",
    "write_responses_demo",
]

#: The file name of the demo recording in ``streamkit/recordings/``.
DEMO_NAME = "demo-code-interpreter.sse"
#: The file name of the Responses demo recording in ``streamkit/recordings/``.
RESPONSES_DEMO_NAME = "demo-responses.sse"

_SEED = 20250101
_RESPONSES_SEED = 20250102
_CREATED_AT = 1_735_732_800  # 2025-01-01T12:00:00Z, as the example objects


def build_demo() -> bytes:
    """The demo recording's bytes, generated: the same bytes on every call and machine."""
    code = testing.example_code_interpreter_step(created_at=_CREATED_AT + 2)
    weather = testing.example_function_calls_step(
        calls=1, with_outputs=True, created_at=_CREATED_AT + 5
    )
    message = testing.example_message(created_at=_CREATED_AT + 8)
    answer = testing.example_message_creation_step(message)
    events = testing.run_events(
        testing.example_run(status="completed"),
        [code, weather, answer],
        [message],
        rng=random.Random(_SEED),
        max_fragment=8,
        interleave=False,
        out_of_order=False,
    )
    return testing.encode(events)


def read_demo() -> bytes:
    """The shipped demo recording's bytes (package data)."""
    return (resources.files("streamkit.recordings") / DEMO_NAME).read_bytes()


def write_demo(path: Path | None = None) -> Path:
    """Write :func:`build_demo` to ``path`` (default: the shipped file); return the path."""
    target = path or Path(__file__).parent / "recordings" / DEMO_NAME
    target.write_bytes(build_demo())
    return target


def build_responses_demo() -> bytes:
    """The Responses demo recording's bytes, generated: the same bytes on every call and machine."""
    events = testing.response_events(
        testing.example_response(),
        rng=random.Random(_RESPONSES_SEED),
        max_fragment=8,
        obfuscation=True,
    )
    return testing.encode_sse(events)


def read_responses_demo() -> bytes:
    """The shipped Responses demo recording's bytes (package data)."""
    return (resources.files("streamkit.recordings") / RESPONSES_DEMO_NAME).read_bytes()


def write_responses_demo(path: Path | None = None) -> Path:
    """Write :func:`build_responses_demo` to ``path`` (default: the shipped file); return it."""
    target = path or Path(__file__).parent / "recordings" / RESPONSES_DEMO_NAME
    target.write_bytes(build_responses_demo())
    return target


if __name__ == "__main__":
    print(write_demo())
    print(write_responses_demo())
