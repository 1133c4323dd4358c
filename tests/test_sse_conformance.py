"""The SSE conformance table: every case of tests/sse_conformance.json, in every chunking.

The table is written from the WHATWG rules (R1-R13 as numbered in the
project's reference notes) and the known defects of other Python readers;
each case names its rule and why it is there. Every case is decoded whole,
one byte at a time, cut once at every position, in seeded random reads, and
with empty reads between bytes -- all must give the same events, the same
last-event-ID and the same reconnection time.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TypeAlias

import pytest

from streamkit import ServerSentEvent, SSEDecoder

TABLE_PATH = Path(__file__).with_name("sse_conformance.json")
RULES = [f"R{n}" for n in range(1, 14)]
TWO_WAY_EXHAUSTIVE_LIMIT = 300
TWO_WAY_RANDOM_CUTS = 50
RANDOM_SPLITTINGS = 20
EVENT_KEYS = {"event", "data", "id", "retry"}


def _load_table() -> list[dict[str, Any]]:
    with TABLE_PATH.open(encoding="utf-8") as f:
        table: list[dict[str, Any]] = json.load(f)
    return table


TABLE = _load_table()
IDS = [str(case["name"]) for case in TABLE]

Outcome: TypeAlias = tuple[list[ServerSentEvent], str | None, int | None]


def _raw(case: dict[str, Any]) -> bytes:
    if "input_hex" in case:
        return bytes.fromhex(str(case["input_hex"]).replace(" ", ""))
    return str(case["input"]).encode("utf-8")


def _expected(case: dict[str, Any]) -> Outcome:
    events = [ServerSentEvent(**e) for e in case["events"]]
    return events, case["last_event_id"], case["retry"]


def _run(chunks: Iterable[bytes]) -> Outcome:
    dec = SSEDecoder()
    events: list[ServerSentEvent] = []
    for chunk in chunks:
        events += dec.feed(chunk)
    events += dec.close()
    return events, dec.last_event_id, dec.retry


def _split(raw: bytes, cuts: Sequence[int]) -> list[bytes]:
    bounds = [0, *sorted(cuts), len(raw)]
    return [raw[a:b] for a, b in itertools.pairwise(bounds)]


def _rng(case: dict[str, Any], variant: str) -> random.Random:
    return random.Random(f"sse-conformance:{variant}:{case['name']}")


def _check(case: dict[str, Any], chunks: list[bytes], how: str) -> None:
    got = _run(chunks)
    assert got == _expected(case), f"{case['name']} fed {how}: {chunks!r}"


@pytest.mark.parametrize("case", TABLE, ids=IDS)
def test_whole(case: dict[str, Any]) -> None:
    """The whole input in one read decodes to the expected events and state."""
    _check(case, [_raw(case)], "whole")


@pytest.mark.parametrize("case", TABLE, ids=IDS)
def test_byte_by_byte(case: dict[str, Any]) -> None:
    """One byte per read decodes to the expected events and state."""
    raw = _raw(case)
    _check(case, [raw[i : i + 1] for i in range(len(raw))], "byte by byte")


@pytest.mark.parametrize("case", TABLE, ids=IDS)
def test_two_reads_every_cut(case: dict[str, Any]) -> None:
    """Any single cut into two reads decodes to the expected events and state."""
    raw = _raw(case)
    if len(raw) <= TWO_WAY_EXHAUSTIVE_LIMIT:
        cuts = list(range(len(raw) + 1))
    else:
        rng = _rng(case, "two-way")
        cuts = [rng.randint(1, len(raw) - 1) for _ in range(TWO_WAY_RANDOM_CUTS)]
    for cut in cuts:
        _check(case, _split(raw, [cut]), f"in two reads cut at {cut}")


@pytest.mark.parametrize("case", TABLE, ids=IDS)
def test_random_multi_way_splits(case: dict[str, Any]) -> None:
    """Seeded random splittings into many reads (empty reads included) decode identically."""
    raw = _raw(case)
    rng = _rng(case, "multi-way")
    for attempt in range(RANDOM_SPLITTINGS):
        n_cuts = rng.randint(1, max(1, min(len(raw), 24)))
        cuts = [rng.randint(0, len(raw)) for _ in range(n_cuts)]
        _check(case, _split(raw, cuts), f"random splitting #{attempt} at {sorted(cuts)}")


@pytest.mark.parametrize("case", TABLE, ids=IDS)
def test_byte_by_byte_with_empty_reads(case: dict[str, Any]) -> None:
    """An empty read before every byte (e.g. BOM after empty reads) changes nothing."""
    raw = _raw(case)
    chunks: list[bytes] = []
    for i in range(len(raw)):
        chunks += [b"", raw[i : i + 1]]
    _check(case, chunks, "byte by byte after empty reads")


def test_table_shape() -> None:
    """The table has >= 75 well-formed cases with unique names covering R1..R13."""
    assert len(TABLE) >= 75
    assert len(set(IDS)) == len(IDS)
    seen: set[str] = set()
    for case in TABLE:
        name = str(case["name"])
        assert re.fullmatch(r"[a-z0-9_]+", name), name
        assert ("input" in case) != ("input_hex" in case), name
        assert str(case["why"]).strip(), name
        rules = [r.strip() for r in str(case["rule"]).split(",")]
        assert all(r in RULES for r in rules), name
        seen.update(rules)
        assert all(set(e) == EVENT_KEYS for e in case["events"]), name
        assert {"last_event_id", "retry"} <= set(case), name
    assert seen == set(RULES)


@pytest.mark.parametrize(
    ("raw", "data"),
    [(b"data: x\n\r", "x"), (b"data: x\r\r", "x"), (b"data: a\r\ndata: b\r\n\r", "a\nb")],
)
def test_cr_dispatches_without_waiting(raw: bytes, data: str) -> None:
    """A CR that completes an event dispatches from feed() itself, not on the next read (R4)."""
    dec = SSEDecoder()
    assert dec.feed(raw) == [ServerSentEvent(data=data)]
    assert dec.close() == []


def test_default_decoder_accepts_large_event() -> None:
    """A valid 2 MiB event in 4 KiB reads is accepted with the default limit (httpx2 1 MiB cap)."""
    payload = "x" * (2 * 1024 * 1024)
    raw = b"data: " + payload.encode("ascii") + b"\n\n"
    chunks = [raw[i : i + 4096] for i in range(0, len(raw), 4096)]
    assert _run(chunks) == ([ServerSentEvent(data=payload)], None, None)
