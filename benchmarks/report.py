"""Output and environment helpers shared by the benchmark scripts."""

from __future__ import annotations

import argparse
import platform
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

__all__ = ["cpu_model", "markdown_table", "repeat_arg", "sizes_arg", "version"]


def markdown_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], right_from: int = 1
) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        out = []
        for i, c in enumerate(cells):
            out.append(c.rjust(widths[i]) if i >= right_from else c.ljust(widths[i]))
        return "| " + " | ".join(out) + " |"

    sep = (
        "|"
        + "|".join(
            "-" * (w + 1) + ":" if i >= right_from else "-" * (w + 2) for i, w in enumerate(widths)
        )
        + "|"
    )
    return "\n".join([line(headers), sep, *(line(r) for r in rows)])


def version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def repeat_arg(p: argparse.ArgumentParser, repeat: int | None, default: int) -> int:
    """``--repeat``: ``default`` when not given; below 1 is a usage error."""
    if repeat is None:
        return default
    if repeat < 1:
        p.error("--repeat must be >= 1")
    return repeat


def sizes_arg(
    p: argparse.ArgumentParser, text: str | None, default: Sequence[int], least: int = 1
) -> list[int]:
    """``--sizes``: comma-separated integers (``_`` allowed), sorted, each once; ``default``
    when not given. Fewer than one, or one below ``least``, is a usage error."""
    if text is None:
        return list(default)
    try:
        sizes = sorted({int(s.replace("_", "")) for s in text.split(",") if s})
    except ValueError:
        p.error("--sizes must be comma-separated integers")
    if not sizes or min(sizes) < least:
        p.error("--sizes must be positive" if least == 1 else f"--sizes must be at least {least}")
    return sizes
