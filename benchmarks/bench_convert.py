"""parse_event benchmark: typed events from SSE payloads, against json.loads and openai-python.

Usage::

    python benchmarks/bench_convert.py [--number 100000] [--repeat 5]

For each payload -- a code-interpreter step delta and a text message delta of
about 250 bytes (the hot path: one per streamed token), and a whole Run and
RunStep from the bundled recordings -- it times, per event:

* ``json.loads`` of the data (the reference: the target is parse_event within
  3x of it for the deltas) and ``orjson.loads``;
* ``streamkit.parse_event`` as installed (orjson when present) and with the
  stdlib JSON parser forced;
* openai-python's path for the same event: ``json.loads`` then
  ``construct_type(type_=AssistantStreamEvent, value={"event", "data"})``, as
  its ``Stream`` does, and the validating ``validate_type``.

Best of ``--repeat`` runs of ``--number`` calls each (timeit), in microseconds.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import timeit
from collections.abc import Callable
from importlib import metadata
from typing import Any

import streamkit._engine.convert as convert
from streamkit import ServerSentEvent, SSEDecoder, parse_event, recordings

try:
    import orjson
except ImportError:  # optional peer
    orjson = None

try:
    from openai._models import construct_type, validate_type
    from openai.types.beta.assistant_stream_event import AssistantStreamEvent
except ImportError:  # optional peer
    construct_type = validate_type = None

STEP_DELTA = {
    "id": "step_abc123XYZ",
    "object": "thread.run.step.delta",
    "delta": {
        "step_details": {
            "type": "tool_calls",
            "tool_calls": [
                {
                    "index": 0,
                    "type": "code_interpreter",
                    "code_interpreter": {
                        "input": "import pandas as pd\ndf = pd.read_csv('x.csv')\nprint(df.head())"
                    },
                }
            ],
        }
    },
}
MESSAGE_DELTA = {
    "id": "msg_abc123XYZ",
    "object": "thread.message.delta",
    "delta": {
        "content": [
            {
                "index": 0,
                "type": "text",
                "text": {"value": " the quick brown fox jumps over the lazy dog, and then some"},
            }
        ]
    },
}


def recorded(name: str, event: str) -> ServerSentEvent:
    decoder = SSEDecoder(dispatch_at_close=True)
    events = decoder.feed(recordings.read_bytes(name)) + decoder.close()
    return next(e for e in events if e.event == event)


def payloads() -> list[tuple[str, ServerSentEvent]]:
    return [
        ("step delta", ServerSentEvent("thread.run.step.delta", json.dumps(STEP_DELTA))),
        ("message delta", ServerSentEvent("thread.message.delta", json.dumps(MESSAGE_DELTA))),
        ("run (recorded)", recorded("parallel-function-calls", "thread.run.requires_action")),
        ("run step (recorded)", recorded("file-search-with-citation", "thread.run.step.completed")),
    ]


def readers(event: ServerSentEvent) -> dict[str, Callable[[], Any]]:
    text = event.data
    found: dict[str, Callable[[], Any]] = {"json.loads": lambda: json.loads(text)}
    if orjson is not None:
        found["orjson.loads"] = lambda: orjson.loads(text)
    found["streamkit parse_event"] = lambda: parse_event(event)

    def stdlib_parse() -> Any:
        saved = convert.loads
        convert.loads = convert._json_loads_stdlib
        try:
            return parse_event(event)
        finally:
            convert.loads = saved

    found["streamkit (stdlib json)"] = stdlib_parse
    if construct_type is not None and validate_type is not None:
        name = event.event
        found["openai construct_type"] = lambda: construct_type(
            type_=AssistantStreamEvent, value={"data": json.loads(text), "event": name}
        )
        found["openai validate_type"] = lambda: validate_type(
            type_=AssistantStreamEvent, value={"data": json.loads(text), "event": name}
        )
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--number", type=int, default=100_000, help="calls per timed run")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs; the best is kept")
    args = parser.parse_args(argv)

    versions = ", ".join(
        f"{dist} {metadata.version(dist)}"
        for dist in ("streamkit", "cattrs", "attrs", "orjson", "openai", "pydantic")
        if _installed(dist)
    )
    print(f"Python {platform.python_version()} on {platform.platform()}; {versions}")
    print(f"best of {args.repeat} x {args.number:,} calls; microseconds per event\n")
    for label, event in payloads():
        print(f"## {label}: {event.event}, {len(event.data.encode()):,} bytes of JSON")
        print(f"| {'reader':<26} | {'us/event':>9} | {'vs json.loads':>13} |")
        print(f"|{'-' * 28}|{'-' * 10}:|{'-' * 14}:|")
        base = None
        for name, call in readers(event).items():
            number = args.number if len(event.data) < 2000 else max(1, args.number // 20)
            best = min(timeit.repeat(call, number=number, repeat=args.repeat)) / number * 1e6
            base = base or best
            print(f"| {name:<26} | {best:>9.2f} | {best / base:>12.2f}x |")
        print()
    return 0


def _installed(dist: str) -> bool:
    try:
        metadata.version(dist)
    except metadata.PackageNotFoundError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
