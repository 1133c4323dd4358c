"""SSE decoding benchmark: streamkit's ``SSEDecoder`` against its peers and a pure-Python floor.

Usage::

    python benchmarks/bench_sse.py [--repeat 5] [--only NAME,...] [--json FILE] [--quick]
                                   [--scenario all|main|large]

Methodology (``sse-spec.md`` section 5): every reader consumes the same list of byte reads
(16 KiB for the Assistants-like stream, 4 KiB for the large events), touches ``.event`` and
``.data`` of every event it yields, and is timed with ``time.perf_counter`` after one warm-up;
the median of ``--repeat`` runs is reported. The garbage collector stays enabled. MB/s is
10**6 bytes of wire input per second.

Before anything is timed, every selected reader must yield the expected number of events and
streamkit's ``(event, data)`` list must equal httpx-sse's and the floor's, or the run aborts.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import httpx_sse
from openai._streaming import SSEDecoder as OpenAISSEDecoder

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import cpu_model, markdown_table, repeat_arg, version
from streams import (
    BlockSplitter,
    assistants_stream,
    large_stream,
    split_reads,
    stream_stats,
)

ORJSON_LOADS: Callable[[str], Any] | None
try:
    import orjson

    ORJSON_LOADS = orjson.loads
except ImportError:  # optional peer
    ORJSON_LOADS = None

StreamkitDecoder: type[Any] | None
STREAMKIT_ERROR: str | None = None
try:
    from streamkit import SSEDecoder as _StreamkitDecoder

    StreamkitDecoder = _StreamkitDecoder
except Exception as exc:  # the decoder may be missing or broken while it is being written
    StreamkitDecoder = None
    STREAMKIT_ERROR = f"{type(exc).__name__}: {exc}"

TIMES = "\u00d7"  # multiplication sign, for ratios
KiB = 1024
MiB = 1024 * 1024
MAIN_TARGET_BYTES = 20 * MiB
QUICK_TARGET_BYTES = 2 * MiB
MAIN_READ = 16 * KiB
LARGE_READ = 4 * KiB
# A single timed run longer than this (or projected to be, if the cost were quadratic) is not
# attempted in the linearity table.
LINEARITY_BUDGET_S = 30.0

Pairs = list[tuple[str | None, str]]
Chunks = Sequence[bytes]


# --------------------------------------------------------------------------------------------
# Readers. Each ``count_*`` returns (events, characters of event name + data) and is what gets
# timed; each ``pairs_*`` returns the (event, data) list for the correctness check.
# --------------------------------------------------------------------------------------------

_HEADERS = {"content-type": "text/event-stream"}


def _response(chunks: Chunks) -> httpx.Response:
    return httpx.Response(200, headers=_HEADERS, content=iter(chunks))


def count_streamkit(chunks: Chunks) -> tuple[int, int]:
    assert StreamkitDecoder is not None
    dec = StreamkitDecoder()
    feed = dec.feed
    n = 0
    size = 0
    for chunk in chunks:
        for ev in feed(chunk):
            n += 1
            size += len(ev.data) + len(ev.event or "message")
    for ev in dec.close():
        n += 1
        size += len(ev.data) + len(ev.event or "message")
    return n, size


def pairs_streamkit(chunks: Chunks) -> Pairs:
    assert StreamkitDecoder is not None
    dec = StreamkitDecoder()
    out: Pairs = []
    for chunk in chunks:
        out.extend((ev.event or "message", ev.data) for ev in dec.feed(chunk))
    out.extend((ev.event or "message", ev.data) for ev in dec.close())
    return out


def count_httpx_sse(chunks: Chunks) -> tuple[int, int]:
    n = 0
    size = 0
    for sse in httpx_sse.EventSource(_response(chunks)).iter_sse():
        n += 1
        size += len(sse.data) + len(sse.event or "message")
    return n, size


def pairs_httpx_sse(chunks: Chunks) -> Pairs:
    return [
        (sse.event or "message", sse.data)
        for sse in httpx_sse.EventSource(_response(chunks)).iter_sse()
    ]


def count_openai(chunks: Chunks) -> tuple[int, int]:
    n = 0
    size = 0
    for sse in OpenAISSEDecoder().iter_bytes(iter(chunks)):
        n += 1
        size += len(sse.data) + len(sse.event or "message")
    return n, size


def pairs_openai(chunks: Chunks) -> Pairs:
    return [
        (sse.event or "message", sse.data) for sse in OpenAISSEDecoder().iter_bytes(iter(chunks))
    ]


def count_iter_text(chunks: Chunks) -> tuple[int, int]:
    size = 0
    for text in _response(chunks).iter_text():
        size += len(text)
    return 0, size


def _floor_parse(block: bytes) -> tuple[str | None, str] | None:
    """The ``event`` and ``data`` fields of one block; ``None`` if it has no data."""
    event: bytes | None = None
    data: list[bytes] = []
    for line in block.split(b"\n"):
        name, _, value = line.partition(b":")
        if value[:1] == b" ":
            value = value[1:]
        if name == b"data":
            data.append(value)
        elif name == b"event":
            event = value
    if not data:
        return None
    text = data[0].decode() if len(data) == 1 else b"\n".join(data).decode()
    return ("message" if not event else event.decode()), text


def _make_floor(loads: Callable[[str], Any] | None) -> Callable[[Chunks], tuple[int, int]]:
    def count_floor(chunks: Chunks) -> tuple[int, int]:
        splitter = BlockSplitter()
        feed = splitter.feed
        n = 0
        size = 0
        for chunk in chunks:
            for block in feed(chunk):
                # Inline copy of _floor_parse: this loop is the floor being measured.
                event: bytes | None = None
                lines: list[bytes] = []
                for line in block.split(b"\n"):
                    name, _, value = line.partition(b":")
                    if value[:1] == b" ":
                        value = value[1:]
                    if name == b"data":
                        lines.append(value)
                    elif name == b"event":
                        event = value
                if not lines:
                    continue
                data = lines[0].decode() if len(lines) == 1 else b"\n".join(lines).decode()
                name_s = "message" if not event else event.decode()
                if loads is not None and data != "[DONE]":
                    loads(data)
                n += 1
                size += len(data) + len(name_s)
        return n, size

    return count_floor


def pairs_floor(chunks: Chunks) -> Pairs:
    splitter = BlockSplitter()
    out: Pairs = []
    for chunk in chunks:
        for block in splitter.feed(chunk):
            parsed = _floor_parse(block)
            if parsed is not None:
                out.append(parsed)
    return out


@dataclass(frozen=True)
class Reader:
    name: str
    description: str
    count: Callable[[Chunks], tuple[int, int]]
    pairs: Callable[[Chunks], Pairs] | None
    yields_events: bool = True


def _readers() -> list[Reader]:
    readers = [
        Reader(
            "streamkit", "SSEDecoder().feed per read + close()", count_streamkit, pairs_streamkit
        ),
        Reader(
            "httpx-sse",
            "EventSource(httpx.Response(...)).iter_sse()",
            count_httpx_sse,
            pairs_httpx_sse,
        ),
        Reader(
            "openai-3.x", "openai._streaming.SSEDecoder().iter_bytes", count_openai, pairs_openai
        ),
        Reader(
            "floor",
            "bytes.split(b'\\n\\n') + event/data fields, pure Python",
            _make_floor(None),
            pairs_floor,
        ),
        Reader("floor+json", "floor + json.loads(data)", _make_floor(json.loads), None),
    ]
    if ORJSON_LOADS is not None:
        readers.append(
            Reader("floor+orjson", "floor + orjson.loads(data)", _make_floor(ORJSON_LOADS), None)
        )
    readers.append(
        Reader(
            "httpx iter_text only",
            "context: httpx.Response.iter_text(), no SSE parsing",
            count_iter_text,
            None,
            yields_events=False,
        )
    )
    return readers


LARGE_READERS = (
    "streamkit",
    "httpx-sse",
    "openai-3.x",
    "floor",
    "floor+json",
    "floor+orjson",
    "httpx iter_text only",
)


# --------------------------------------------------------------------------------------------
# Correctness check
# --------------------------------------------------------------------------------------------


class CheckFailed(Exception):
    pass


def _snippet(text: str | None, pos: int) -> str:
    if text is None:
        return "None"
    lo = max(0, pos - 20)
    return f"{'…' if lo else ''}{text[lo : pos + 20]!r}{'…' if pos + 20 < len(text) else ''}"


def _first_difference(a_name: str, a: Pairs, b_name: str, b: Pairs, context: str) -> str | None:
    for i, (pa, pb) in enumerate(zip(a, b, strict=False)):
        if pa == pb:
            continue
        for field_index, field_name in enumerate(("event", "data")):
            va, vb = pa[field_index], pb[field_index]
            if va == vb:
                continue
            if va is None or vb is None:
                pos = 0
            else:
                pos = next(
                    (k for k, (x, y) in enumerate(zip(va, vb, strict=False)) if x != y),
                    min(len(va), len(vb)),
                )
            la = "None" if va is None else f"len {len(va)}"
            lb = "None" if vb is None else f"len {len(vb)}"
            return (
                f"{context}: event #{i}: {a_name} and {b_name} differ in field {field_name!r} "
                f"at character {pos} ({a_name}: {la}, {b_name}: {lb}); "
                f"{a_name}: {_snippet(va, pos)} vs {b_name}: {_snippet(vb, pos)}"
            )
    if len(a) != len(b):
        return (
            f"{context}: {a_name} yields {len(a)} events, {b_name} yields {len(b)} "
            f"(the first {min(len(a), len(b))} agree)"
        )
    return None


def check_pairs(
    data: bytes,
    read_sizes: Iterable[int],
    names: Sequence[str],
    readers: dict[str, Reader],
    label: str,
) -> None:
    """``(event, data)`` of every named reader equals httpx-sse's at every read size."""
    for size in read_sizes:
        chunks = split_reads(data, size)
        context = f"{label}, {size} B reads"
        reference = pairs_httpx_sse(chunks)
        for name in names:
            if name == "httpx-sse":
                continue
            pairs_fn = readers[name].pairs
            assert pairs_fn is not None
            try:
                pairs = pairs_fn(chunks)
            except Exception as exc:
                raise CheckFailed(f"{context}: {name} raised {type(exc).__name__}: {exc}") from exc
            diff = _first_difference(name, pairs, "httpx-sse", reference, context)
            if diff:
                raise CheckFailed(diff)


def check_counts(
    chunks: Chunks, expected: int, selected: Sequence[Reader], label: str
) -> dict[str, str]:
    """Every selected reader yields ``expected`` events. Returns reader -> error for crashes."""
    errors: dict[str, str] = {}
    sizes: dict[str, int] = {}
    for reader in selected:
        try:
            n, size = reader.count(chunks)
        except Exception as exc:
            errors[reader.name] = f"{type(exc).__name__}: {exc}"
            continue
        if reader.yields_events:
            if n != expected:
                raise CheckFailed(f"{label}: {reader.name} yields {n} events, expected {expected}")
            sizes[reader.name] = size
    if len(set(sizes.values())) > 1:
        raise CheckFailed(f"{label}: event+data character totals differ: {sizes}")
    return errors


# --------------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------------


@dataclass
class Row:
    reader: str
    median_s: float | None = None
    runs_s: list[float] = field(default_factory=list)
    events: int = 0
    nbytes: int = 0
    error: str | None = None

    @property
    def mb_s(self) -> float | None:
        return self.nbytes / self.median_s / 1e6 if self.median_s else None

    @property
    def events_s(self) -> float | None:
        return self.events / self.median_s if self.median_s and self.events else None

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["mb_s"] = self.mb_s
        d["events_s"] = self.events_s
        return d


def time_reader(
    fn: Callable[[Chunks], tuple[int, int]],
    chunks: Chunks,
    repeat: int,
    nbytes: int,
    name: str,
    warmup: bool = True,
) -> Row:
    row = Row(name, nbytes=nbytes)
    try:
        if warmup:
            row.events = fn(chunks)[0]
        for _ in range(repeat):
            t0 = time.perf_counter()
            n, _size = fn(chunks)
            row.runs_s.append(time.perf_counter() - t0)
            row.events = n
    except Exception as exc:
        row.error = f"{type(exc).__name__}: {exc}"
        return row
    row.median_s = statistics.median(row.runs_s)
    return row


def _fmt_ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}{TIMES}" if a and b else "—"


def _row_cells(row: Row, ref: Row | None, floor: Row | None, events: bool) -> list[str]:
    if row.error:
        return [row.reader, "error", *(["—"] * (4 if events else 3))]
    ms = f"{row.median_s * 1e3:.1f}" if row.median_s else "—"
    cells = [row.reader, ms]
    if events:
        cells.append(f"{row.events_s:,.0f}" if row.events_s else "—")
    cells += [
        f"{row.mb_s:.1f}" if row.mb_s else "—",
        _fmt_ratio(row.mb_s, ref.mb_s if ref else None),
        _fmt_ratio(row.mb_s, floor.mb_s if floor else None),
    ]
    return cells


def print_rows(rows: Sequence[Row], events: bool) -> None:
    by = {r.reader: r for r in rows}
    ref, floor = by.get("httpx-sse"), by.get("floor")
    headers = ["reader", "median ms"]
    if events:
        headers.append("events/s")
    headers += ["MB/s", "vs httpx-sse", "vs floor"]
    print(markdown_table(headers, [_row_cells(r, ref, floor, events) for r in rows]))
    for r in rows:
        if r.error:
            print(f"  {r.reader}: {r.error}")


# --------------------------------------------------------------------------------------------
# Scenarios
# --------------------------------------------------------------------------------------------


def run_main(
    args: argparse.Namespace,
    selected: list[Reader],
    readers: dict[str, Reader],
    results: dict[str, Any],
) -> None:
    target = QUICK_TARGET_BYTES if args.quick else MAIN_TARGET_BYTES
    t0 = time.perf_counter()
    data = assistants_stream(target)
    stats = stream_stats(data)
    chunks = split_reads(data, MAIN_READ)
    print(
        f"\n## Assistants-like stream: {stats.total_bytes:,} bytes, {stats.events:,} events, "
        f"{len(chunks):,} reads of {MAIN_READ // KiB} KiB "
        f"(generated in {time.perf_counter() - t0:.1f} s)"
    )
    print(
        f"   small JSON {stats.small_json_min}-{stats.small_json_max} B, median small event "
        f"{stats.small_event_median} B; {stats.completed_events} thread.message.completed "
        f"= {stats.completed_bytes / stats.total_bytes:.0%} of the bytes"
    )
    results["main_stream"] = asdict(stats) | {"reads": len(chunks), "read_size": MAIN_READ}

    # Correctness: counts of every selected reader; (event, data) of streamkit, openai-3.x
    # and the floor against httpx-sse (always, whatever --only says), at several read sizes.
    names = [n for n in ("streamkit", "openai-3.x", "floor") if n in readers]
    if StreamkitDecoder is None:
        names.remove("streamkit")
    prefix = data[: data.index(b"\n\n", 256 * KiB) + 2]
    check_pairs(data, [MAIN_READ], names, readers, "main stream")
    check_pairs(prefix, [7], names, readers, "main stream prefix (256 KiB)")
    check_pairs(data, [1000, 64 * KiB], names, readers, "main stream")
    errors = check_counts(chunks, stats.events, selected, "main stream")
    print(
        f"   check: every reader yields {stats.events:,} events; (event, data) of "
        f"{', '.join(names)} == httpx-sse at 7 B (prefix), 1000 B, 16 KiB, 64 KiB reads"
    )

    rows: list[Row] = []
    for reader in selected:
        if reader.name in errors:
            rows.append(Row(reader.name, error=errors[reader.name]))
            continue
        gc.collect()
        row = time_reader(reader.count, chunks, args.repeat, len(data), reader.name)
        rows.append(row)
        print(
            f"   {reader.name}: {row.median_s * 1e3 if row.median_s else float('nan'):.1f} ms",
            file=sys.stderr,
        )
    print()
    print_rows(rows, events=True)
    results["main"] = [r.as_dict() for r in rows]

    by = {r.reader: r for r in rows}
    sk, hs, fl = by.get("streamkit"), by.get("httpx-sse"), by.get("floor")
    verdict: dict[str, Any] = {}
    if sk and sk.mb_s and hs and hs.mb_s and sk.events_s and hs.events_s:
        mb, ev = sk.mb_s / hs.mb_s, sk.events_s / hs.events_s
        print(
            f"\nstreamkit vs httpx-sse: {mb:.2f}{TIMES} MB/s, {ev:.2f}{TIMES} events/s "
            f"(target > 1.00{TIMES})"
        )
        verdict["vs_httpx_sse_mb_s"] = mb
        verdict["vs_httpx_sse_events_s"] = ev
    if sk and sk.mb_s and fl and fl.mb_s and sk.events_s and fl.events_s:
        mb, ev = sk.mb_s / fl.mb_s, sk.events_s / fl.events_s
        print(
            f"streamkit vs floor: {mb:.2f}{TIMES} MB/s, {ev:.2f}{TIMES} events/s "
            f"(aim >= 1.00{TIMES})"
        )
        verdict["vs_floor_mb_s"] = mb
        verdict["vs_floor_events_s"] = ev
    results["main_verdict"] = verdict


def run_large(
    args: argparse.Namespace,
    selected: list[Reader],
    readers: dict[str, Reader],
    results: dict[str, Any],
) -> None:
    count, size = 4, 2 * MiB
    data = large_stream(count, size)
    chunks = split_reads(data, LARGE_READ)
    print(
        f"\n## Large: {count} x {size // MiB} MiB single-line events ({len(data):,} bytes) "
        f"in {len(chunks):,} reads of {LARGE_READ // KiB} KiB"
    )
    sel = [r for r in selected if r.name in LARGE_READERS]
    names = [n for n in ("streamkit", "openai-3.x", "floor") if n in readers]
    if StreamkitDecoder is None:
        names.remove("streamkit")
    check_pairs(data, [LARGE_READ], names, readers, "large")
    errors = check_counts(chunks, count, sel, "large")
    rows: list[Row] = []
    for reader in sel:
        if reader.name in errors:
            rows.append(Row(reader.name, error=errors[reader.name]))
            continue
        gc.collect()
        rows.append(time_reader(reader.count, chunks, args.repeat, len(data), reader.name))
    print()
    print_rows(rows, events=False)
    results["large"] = [r.as_dict() for r in rows]
    sk = next((r for r in rows if r.reader == "streamkit"), None)
    if sk and sk.mb_s:
        print(f"\nstreamkit on large events: {sk.mb_s:.0f} MB/s (target >= 600 MB/s)")
        results["large_verdict"] = {"streamkit_mb_s": sk.mb_s}


def _linearity_series(
    reader: Reader, sizes: Sequence[int], read_size: int, repeat: int
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    prev: tuple[int, float] | None = None
    for size in sizes:
        if prev is not None:
            prev_size, prev_time = prev
            projected = prev_time * (size / prev_size) ** 2
            if projected > LINEARITY_BUDGET_S:
                out.append({"size": size, "skipped": f"projected {projected:.0f} s if quadratic"})
                continue
        data = large_stream(1, size)
        chunks = split_reads(data, read_size)
        gc.collect()
        row = time_reader(
            reader.count, chunks, repeat, len(data), reader.name, warmup=size * 4 <= 64 * MiB
        )
        del chunks
        if row.error or row.median_s is None:
            out.append({"size": size, "error": row.error})
            break
        if row.events != 1:
            out.append({"size": size, "error": f"{row.events} events, expected 1"})
            break
        out.append(
            {
                "size": size,
                "wire_bytes": len(data),
                "median_s": row.median_s,
                "ns_per_byte": row.median_s / len(data) * 1e9,
                "mb_s": row.mb_s,
            }
        )
        prev = (size, max(row.runs_s))
    return out


def _fmt_size(size: int) -> str:
    return f"{size // MiB} MiB" if size >= MiB else f"{size // KiB} KiB"


def _ratio(series: list[dict[str, Any]]) -> float | None:
    done = [p for p in series if "ns_per_byte" in p]
    if len(done) < 2:
        return None
    return float(done[-1]["ns_per_byte"] / done[0]["ns_per_byte"])


def run_linearity(
    args: argparse.Namespace, selected: list[Reader], results: dict[str, Any]
) -> None:
    sel = {r.name: r for r in selected}
    big = (
        [1 * MiB, 2 * MiB, 4 * MiB]
        if args.quick
        else [1 * MiB, 2 * MiB, 4 * MiB, 8 * MiB, 16 * MiB]
    )
    tiny = [256 * KiB, 512 * KiB] if args.quick else [256 * KiB, 512 * KiB, 1 * MiB, 2 * MiB]
    plans: list[tuple[str, int, list[int]]] = []
    if "streamkit" in sel:
        plans.append(("streamkit", LARGE_READ, big))
        plans.append(("streamkit", 1, tiny))
    plans += [(n, LARGE_READ, big) for n in ("openai-3.x", "httpx-sse") if n in sel]
    if not plans:
        return
    print(
        "\n## Linearity: one single-line event, ns per wire byte (median of "
        f"{args.repeat}; ratio = ns/B of largest / smallest size: ~1.00 linear; "
        "'if quadratic' = what a quadratic decoder would show)"
    )
    sizes = sorted({s for _, _, ss in plans for s in ss})
    headers = ["reader", "reads", *(_fmt_size(s) for s in sizes), "ratio", "if quadratic"]
    table: list[list[str]] = []
    out: list[dict[str, Any]] = []
    for name, read_size, ss in plans:
        series = _linearity_series(sel[name], ss, read_size, args.repeat)
        by_size = {p["size"]: p for p in series}
        cells = [name, f"{read_size} B" if read_size < KiB else f"{read_size // KiB} KiB"]
        notes: list[str] = []
        for s in sizes:
            p = by_size.get(s)
            if p is None:
                cells.append("")
            elif "ns_per_byte" in p:
                cells.append(f"{p['ns_per_byte']:.2f}")
            else:
                cells.append("skip" if "skipped" in p else "error")
                notes.append(f"{_fmt_size(s)}: {p.get('skipped') or p.get('error')}")
        ratio = _ratio(series)
        cells.append(f"{ratio:.2f}" if ratio is not None else "—")
        done = [p["size"] for p in series if "ns_per_byte" in p]
        cells.append(f"{done[-1] / done[0]:.2f}" if len(done) > 1 else "—")
        table.append(cells)
        out.append({"reader": name, "read_size": read_size, "series": series, "ratio": ratio})
        for note in notes:
            print(f"  {name} ({cells[1]} reads) {note}")
    print(markdown_table(headers, table, right_from=2))
    results["linearity"] = out


# --------------------------------------------------------------------------------------------


def header() -> dict[str, Any]:
    packages = {d: version(d) for d in ("streamkit", "httpx", "httpx-sse", "openai", "orjson")}
    info: dict[str, Any] = {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "gc_enabled": gc.isenabled(),
        "packages": packages,
    }
    print(f"Python {info['python']} ({info['implementation']}) on {info['platform']}")
    print(
        f"CPU: {info['cpu']}, {info['cpu_count']} logical CPUs; gc enabled: "
        f"{info['gc_enabled']}; timer: time.perf_counter, 1 warm-up + median of runs"
    )
    print("Packages: " + ", ".join(f"{k} {v}" for k, v in packages.items()))
    return info


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--repeat", type=int, default=None, help="timed runs per row (default 5)")
    p.add_argument(
        "--only",
        default=None,
        help="comma-separated readers: " + ", ".join(r.name for r in _readers()),
    )
    p.add_argument("--json", type=Path, default=None, help="write all results to this file")
    p.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 2 MiB stream, repeat 3, smaller linearity sizes",
    )
    p.add_argument(
        "--scenario",
        choices=("all", "main", "large"),
        default="all",
        help="main: Assistants-like stream; large: big events + linearity",
    )
    args = p.parse_args(argv)
    args.repeat = repeat_arg(p, args.repeat, 3 if args.quick else 5)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    all_readers = _readers()
    readers = {r.name: r for r in all_readers}
    if args.only:
        wanted = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = [n for n in wanted if n not in readers]
        if unknown:
            print(
                f"unknown reader(s): {', '.join(unknown)}; known: {', '.join(readers)}",
                file=sys.stderr,
            )
            return 2
        selected = [r for r in all_readers if r.name in wanted]
    else:
        selected = list(all_readers)

    results: dict[str, Any] = {"header": header(), "repeat": args.repeat, "quick": args.quick}
    status = 0
    if StreamkitDecoder is None:
        print(
            f"\nWARNING: streamkit.SSEDecoder is not importable ({STREAMKIT_ERROR}); "
            "streamkit rows are skipped."
        )
        results["streamkit_error"] = STREAMKIT_ERROR
        if any(r.name == "streamkit" for r in selected):
            status = 1
        selected = [r for r in selected if r.name != "streamkit"]

    try:
        if args.scenario in ("all", "main"):
            run_main(args, selected, readers, results)
        if args.scenario in ("all", "large"):
            run_large(args, selected, readers, results)
            run_linearity(args, selected, results)
    except CheckFailed as exc:
        print(f"\nCORRECTNESS CHECK FAILED, nothing more is timed:\n  {exc}", file=sys.stderr)
        results["check_failed"] = str(exc)
        status = 3
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
        print(f"\nresults written to {args.json}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
