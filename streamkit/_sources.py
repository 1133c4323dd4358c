"""Bytes from local sources: ``bytes``, paths (plain or gzip), binary files, iterables; and URLs.

The file end of streamkit's I/O edge (the HTTP end is :mod:`streamkit.io`).
Only the standard library: ``import streamkit`` never needs httpx. A string that is a URL
(``s3://bucket/run.sse``, see :func:`is_url`) is read through fsspec by
:mod:`streamkit._urls`, imported only then.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from io import BufferedIOBase
from typing import Protocol, TypeAlias, runtime_checkable

from streamkit.sse import ServerSentEvent, SSEDecoder

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "GZIP_MAGIC",
    "STREAM_SUFFIXES",
    "BinaryReadable",
    "LocalSource",
    "decode",
    "is_url",
    "iter_local_bytes",
]

#: Read size for files: large enough to amortise the per-read cost, small
#: enough that a live pipe (``curl ... | streamkit watch -``) shows events at
#: once, because reads return what is available rather than waiting to fill.
DEFAULT_CHUNK_SIZE = 64 * 1024

#: The first two bytes of gzip data: a compressed log is told by them, not by its name.
GZIP_MAGIC = b"\x1f\x8b"
#: The names of recorded streams in a directory: what ``replay DIR`` reads.
STREAM_SUFFIXES = (".sse", ".sse.gz")

# A scheme of two or more characters then "://": one letter would be a Windows drive.
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+://")


def is_url(source: object) -> bool:
    """Whether ``source`` is a URL (read through fsspec), not a path.

    Only a ``str`` can be one: ``pathlib.Path("s3://b/k")`` stays a path (and a local file
    whose name looks like a URL is read as ``./name`` or a ``Path``).
    """
    return isinstance(source, str) and _URL.match(source) is not None


@runtime_checkable
class BinaryReadable(Protocol):
    """A file-like object opened in binary mode: ``open(p, "rb")``, ``sys.stdin.buffer``."""

    def read(self, size: int = -1, /) -> bytes:
        """Read at most ``size`` bytes; ``b""`` at the end."""
        ...


#: A source of bytes read without an HTTP client of streamkit's. ``str`` and ``os.PathLike``
#: are paths, and a ``str`` that is a URL (:func:`is_url`) is read through fsspec.
LocalSource: TypeAlias = (
    bytes | bytearray | memoryview | str | os.PathLike[str] | BinaryReadable | Iterable[bytes]
)


def open_path(path: str | os.PathLike[str]) -> BufferedIOBase:
    """Open a path (or a URL: see :func:`is_url`) for reading, gzip decompressed.

    Raises:
        OSError: it cannot be opened (for a URL, one line without the URL's secrets).
    """
    if is_url(path):
        from streamkit._urls import open_url  # fsspec only when a URL is read

        return open_url(str(path))
    file = open(path, "rb")  # noqa: SIM115 -- the caller closes it
    try:
        # Gzip is recognised by its magic number, not the file name, so a
        # compressed log without the suffix works too.
        magic = file.read(2)
        if magic == GZIP_MAGIC:
            import gzip  # only when a gzip file is met: `import streamkit` stays lean

            file.close()
            # Opened by name, the GzipFile owns its file and closes it.
            return gzip.GzipFile(path, "rb")
        file.seek(0)
    except BaseException:
        file.close()
        raise
    return file


def _read_function(file: BinaryReadable, chunk_size: int) -> Callable[[], bytes]:
    # read1 returns what is available after at most one system call instead
    # of blocking until chunk_size bytes came: a live pipe stays live.
    read1 = getattr(file, "read1", None)
    if read1 is not None:
        return lambda: read1(chunk_size)
    return lambda: file.read(chunk_size)


def iter_file(file: BinaryReadable, chunk_size: int) -> Iterator[bytes]:
    read = _read_function(file, chunk_size)
    while True:
        chunk = read()
        if not chunk:
            return
        if isinstance(chunk, str):
            msg = "a text-mode file was given: open it with 'rb', or pass sys.stdin.buffer"
            raise TypeError(msg)
        yield chunk


def _iter_path(path: str | os.PathLike[str], chunk_size: int) -> Iterator[bytes]:
    with open_path(path) as file:
        yield from iter_file(file, chunk_size)


def iter_local_bytes(
    source: LocalSource, *, chunk_size: int = DEFAULT_CHUNK_SIZE
) -> Iterator[bytes]:
    """Yield the bytes of a :data:`LocalSource`, read by read.

    Lazy: nothing is opened or read before the first ``next()``. A path, or a
    URL read through fsspec, is opened (gzip is detected by its magic number and
    decompressed) and closed when the iterator ends; a file object is read but
    left open for its owner.
    Bytes in memory come in ``chunk_size`` slices, each copied only when it is
    reached, so reading a large buffer costs one chunk, not a copy of all of it.

    Raises:
        TypeError: an object that is none of the accepted sources.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        yield from _iter_buffer(source, chunk_size)
    elif isinstance(source, (str, os.PathLike)):
        yield from _iter_path(source, chunk_size)
    elif isinstance(source, BinaryReadable):
        yield from iter_file(source, chunk_size)
    elif isinstance(source, Iterable):
        yield from source
    else:
        msg = (
            f"cannot read Server-Sent Events from a {type(source).__name__}: expected bytes, "
            "a path, a binary file, an iterable of bytes or an httpx.Response"
        )
        raise TypeError(msg)


def _iter_buffer(buffer: bytes | bytearray | memoryview, chunk_size: int) -> Iterator[bytes]:
    if type(buffer) is bytes and len(buffer) <= chunk_size:
        yield buffer  # already a read: no copy
        return
    with memoryview(buffer) as view, view.cast("B") as octets:
        # Slices of a view share the buffer; only the bytes made of each are copies.
        for start in range(0, len(octets), chunk_size):
            yield bytes(octets[start : start + chunk_size])


def decode(chunks: Iterable[bytes], decoder: SSEDecoder) -> Iterator[ServerSentEvent]:
    """Feed ``chunks`` to ``decoder``; yield the events, then close it."""
    feed = decoder.feed
    for chunk in chunks:
        yield from feed(chunk)
    yield from decoder.close()
