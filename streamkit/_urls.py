"""Bytes from URLs, through fsspec: ``s3://``, ``gs://``, ``az://``, ``http(s)://``, ``memory://``,
``file://`` and every other scheme an installed fsspec filesystem reads.

The remote end of the byte sources. :func:`streamkit._sources.open_path` hands every string
that :func:`~streamkit._sources.is_url` takes for a URL to :func:`open_url`, so a URL is
accepted wherever a path is (``replay``, ``iter_sse``, ``replay_many``, the command line).
fsspec is optional (the ``url`` extra): it is imported here only, and this module only when a
URL is met, so nothing below the byte sources ever needs it.

Errors are ``OSError`` with a one-line ``strerror``: a missing object is a
``FileNotFoundError`` as for a path, a refused one a ``PermissionError``, anything else an
``OSError`` naming the kind of failure (``ClientResponseError, HTTP 403``) but never the
library's own message, which may quote the URL with its query string or credentials. The
``filename`` they carry is the URL without userinfo, query or fragment.
"""

from __future__ import annotations

import errno
import gzip
import importlib
import io
import os
import urllib.parse
import urllib.request
from typing import Any

from streamkit._sources import DEFAULT_CHUNK_SIZE, GZIP_MAGIC, STREAM_SUFFIXES
from streamkit.io import redact_url

__all__ = ["expand_url", "local_path", "open_url", "shown_url", "url_error"]

#: What a user reads when fsspec is missing.
NEEDS_FSSPEC = "reading URLs needs fsspec: pip install 'streamkit[url]'"
#: fsspec's glob characters: a URL with one of them is a pattern, expanded by ``expand_url``.
_GLOB = frozenset("*?[")


def shown_url(url: str) -> str:
    """``url`` fit for a message or a table (:func:`streamkit.io.redact_url`): no userinfo,
    query or fragment (they can carry credentials: a signed URL's signature, a password)."""
    return redact_url(url)


def _scheme(url: str) -> str:
    return url.partition("://")[0].lower()


def url_error(error: BaseException, url: str) -> OSError:
    """The one-line ``OSError`` told for ``error``, raised by fsspec while reading ``url``.

    The library's message is never used (it may quote the URL with its secrets): only the
    error's kind, and an HTTP status when the error carries one.
    """
    shown = shown_url(url)
    cause = error.__cause__
    if isinstance(error, FileNotFoundError) and cause is not None and _status(cause) != 404:
        # fsspec's HTTP filesystem says "not found" for any failure of its HEAD and GET
        # (a refused connection, a 403): the cause tells which.
        error = cause
    for kind, number in (
        (FileNotFoundError, errno.ENOENT),
        (PermissionError, errno.EACCES),
        (IsADirectoryError, errno.EISDIR),
    ):
        if isinstance(error, kind):
            return kind(number, os.strerror(number), shown)
    scheme = _scheme(url)
    if isinstance(error, ImportError):
        # fsspec's hint names the package of the scheme ("Install s3fs to access S3"); a
        # module's name is all an ImportError holds, so it is safe to show.
        hint = " ".join(str(error).split()) or "a package is missing"
        return OSError(errno.EPROTONOSUPPORT, f"reading {scheme}:// URLs: {hint}", shown)
    if isinstance(error, ValueError) and "protocol" in str(error).lower():
        return OSError(errno.EPROTONOSUPPORT, f"no fsspec filesystem reads {scheme}:// URLs", shown)
    what = type(error).__name__
    status = _status(error)
    if status is not None:
        what += f", HTTP {status}"
    return OSError(errno.EIO, f"cannot read it ({what})", shown)


def _status(error: BaseException) -> int | None:
    """The HTTP status an error carries (aiohttp's ``status``), if any."""
    status = getattr(error, "status", None)
    return status if isinstance(status, int) and not isinstance(status, bool) else None


def _filesystem(url: str) -> tuple[Any, str]:
    """fsspec's filesystem for ``url`` and the path in it."""
    try:
        # By name: fsspec ships no type information, and is optional.
        core = importlib.import_module("fsspec.core")
    except ImportError:
        raise OSError(errno.EPROTONOSUPPORT, NEEDS_FSSPEC, shown_url(url)) from None
    try:
        filesystem, path = core.url_to_fs(url)
    except Exception as exc:
        raise url_error(exc, url) from None
    return filesystem, str(path)


def _is_http(filesystem: Any) -> bool:
    protocol = filesystem.protocol
    names = (protocol,) if isinstance(protocol, str) else tuple(protocol)
    return "http" in names or "https" in names


class _URLReader(io.RawIOBase):
    """An fsspec file as a raw binary stream whose every failure is a one-line ``OSError``.

    Bytes read ahead (to look for gzip's magic number) are given back with :meth:`unread`.
    """

    def __init__(self, file: Any, url: str) -> None:
        super().__init__()
        self._file = file
        self._url = url
        self._head = b""

    def readable(self) -> bool:
        return True

    def unread(self, head: bytes) -> None:
        """Serve ``head`` (bytes read ahead) before the rest of the file."""
        self._head = head + self._head

    def read_raw(self, size: int) -> bytes:
        """At most ``size`` bytes from the file (``b""`` at the end), errors told as ``OSError``."""
        try:
            data = self._file.read(size)
        except Exception as exc:
            raise url_error(exc, self._url) from None
        return bytes(data)

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._head:
            data, self._head = self._head[: len(view)], self._head[len(view) :]
        else:
            data = self.read_raw(len(view))
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            try:
                self._file.close()
            except Exception:
                pass  # closing after the reads: nothing is left to tell
            finally:
                super().close()


class _GzipURL(gzip.GzipFile):
    """A gzip stream over a URL's reader that closes the reader with itself."""

    def __init__(self, source: io.BufferedIOBase) -> None:
        super().__init__(fileobj=source, mode="rb")
        self._source = source

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._source.close()


def open_url(url: str) -> io.BufferedIOBase:
    """Open ``url`` for reading, decompressed when its bytes are gzip's (told by content).

    Raises:
        OSError: fsspec or the scheme's filesystem is missing, or the object cannot be
            opened (one line; see the module's docstring).
    """
    filesystem, path = _filesystem(url)
    # Over HTTP, one streamed GET: no HEAD or range requests, which plain servers and
    # signed URLs may refuse, and nothing cached beyond a read.
    options = {"block_size": 0} if _is_http(filesystem) else {}
    try:
        file = filesystem.open(path, "rb", **options)
    except Exception as exc:
        raise url_error(exc, url) from None
    reader = _URLReader(file, url)
    try:
        # A read may return fewer bytes than asked (a network stream): read up to the two
        # bytes of gzip's magic number, or the end.
        head = b""
        while len(head) < len(GZIP_MAGIC):
            more = reader.read_raw(DEFAULT_CHUNK_SIZE)
            if not more:
                break
            head += more
    except BaseException:
        reader.close()
        raise
    reader.unread(head)
    buffered = io.BufferedReader(reader, buffer_size=DEFAULT_CHUNK_SIZE)
    if head.startswith(GZIP_MAGIC):
        return _GzipURL(buffered)
    return buffered


def _stream_files(entries: Any) -> list[str]:
    """The paths of the ``.sse`` / ``.sse.gz`` files in fsspec's detailed listing."""
    if isinstance(entries, dict):
        entries = entries.values()
    return [
        entry["name"]
        for entry in entries
        if entry.get("type") == "file" and str(entry["name"]).endswith(STREAM_SUFFIXES)
    ]


def expand_url(url: str, *, recursive: bool = False) -> list[str]:
    """A URL as the stream files it names, as :func:`streamkit.expand_paths` does for paths.

    A pattern (``s3://bucket/2025-*/*.sse``) gives the files it matches; a directory (a URL
    ending with ``/``, or, except over HTTP, one that the filesystem lists as a directory)
    gives its own ``.sse`` / ``.sse.gz`` files (with ``recursive``, also those below it); any
    other URL is given back as it is. Sorted, as full URLs.

    Raises:
        OSError: the listing failed (one line).
    """
    filesystem, path = _filesystem(url)
    http = _is_http(filesystem)
    try:
        # Over HTTP a "?" starts the query: no patterns there.
        if not http and _GLOB.intersection(path):
            found = [
                name
                for name, entry in filesystem.glob(path, detail=True).items()
                if entry.get("type") == "file"
            ]
        elif url.endswith("/") or (not http and filesystem.isdir(path)):
            if recursive:
                found = _stream_files(filesystem.find(path, detail=True))
            else:
                found = _stream_files(filesystem.ls(path, detail=True))
        else:
            return [url]
    except Exception as exc:
        raise url_error(exc, url) from None
    return sorted(filesystem.unstrip_protocol(name) for name in found)


def local_path(url: str) -> str | None:
    """The path of a ``file://`` URL on this machine, else None."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    return urllib.request.url2pathname(parts.path)
