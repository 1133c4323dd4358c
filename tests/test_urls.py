"""URL sources through fsspec (memory://, file://, a local http:// server) wherever paths go."""

from __future__ import annotations

import gzip
import http.server
import re
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

import streamkit
import streamkit.io
from streamkit import recordings
from streamkit._bulk import expand_paths, replay_file, replay_many
from streamkit._sources import is_url
from streamkit.cli import main

fsspec = pytest.importorskip("fsspec")

RECORDINGS = Path(recordings.__file__).parent
TEXT_RUN = recordings.read_bytes("text-run")
RESPONSES = (RECORDINGS / "responses" / "responses-reasoning-function-call.sse").read_bytes()
SECRET = "SECRET-7f3a"


def wire(accumulator: object) -> object:
    """What an accumulator of either protocol ends with, as wire JSON."""
    if isinstance(accumulator, streamkit.ResponseAccumulator):
        return [streamkit.to_dict(r) for r in accumulator.responses.values()]
    assert isinstance(accumulator, streamkit.Accumulator)
    return [streamkit.to_dict(r) for r in accumulator.runs.values()]


@pytest.fixture
def memory() -> Iterator[str]:
    """A fresh memory:// folder holding a plain run, a gzip run without .gz, a Responses stream."""
    fs = fsspec.filesystem("memory")
    root = f"/t-{uuid.uuid4().hex}"
    fs.pipe(f"{root}/run.sse", TEXT_RUN)
    fs.pipe(f"{root}/packed-run", gzip.compress(TEXT_RUN))
    fs.pipe(f"{root}/sub/response.sse.gz", gzip.compress(RESPONSES))
    fs.pipe(f"{root}/notes.txt", b"not a stream")
    yield f"memory://{root}"
    fs.rm(root, recursive=True)


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Files of the served folder; /forbidden/... is a 403."""

    def do_GET(self) -> None:
        if self.path.startswith("/forbidden"):
            self.send_error(403)
            return
        super().do_GET()

    def do_HEAD(self) -> None:
        if self.path.startswith("/forbidden"):
            self.send_error(403)
            return
        super().do_HEAD()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A local HTTP server (loopback only) over a folder with a plain and a gzip stream."""
    folder = tmp_path_factory.mktemp("served")
    (folder / "run.sse").write_bytes(TEXT_RUN)
    (folder / "response.bin").write_bytes(gzip.compress(RESPONSES))

    def handler(*args: object) -> _Handler:
        return _Handler(*args, directory=str(folder))  # type: ignore[arg-type]

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("s3://bucket/key.sse", True),
        ("gs://b/k", True),
        ("az://c/k", True),
        ("https://host/x.sse?sig=1", True),
        ("memory://x", True),
        ("file:///tmp/x.sse", True),
        ("/tmp/x.sse", False),
        ("run.sse", False),
        ("C://x.sse", False),  # one letter: a Windows drive, not a scheme
        ("-", False),
        ("s3:/bucket/key", False),
    ],
)
def test_is_url(name: str, expected: bool) -> None:
    """Strings with a scheme of two or more characters and :// are URLs; Paths never are."""
    assert expected == is_url(name)
    assert not is_url(Path(name))


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("memory:///runs/a.sse?x=1", "memory:///runs/a.sse"),
        ("file:///tmp/x.sse", "file:///tmp/x.sse"),
        ("s3://key:secret@bucket/k.sse?X-Amz-Signature=abc#f", "s3://bucket/k.sse"),
        ("https://u:p@host:8443/v1?api-key=K", "https://host:8443/v1"),
        ("memory://u:p@/x", "memory:///x"),
        ("mailto:someone?subject=x", "mailto:someone"),
        ("http://[::1", "(an unreadable URL)"),
    ],
)
def test_a_url_is_shown_without_credentials_and_keeps_its_slashes(url: str, shown: str) -> None:
    """Userinfo, query and fragment go; an empty host keeps its ``//`` (``memory:///x``)."""
    assert shown == streamkit.io.redact_url(url)


def test_replay_memory_url_plain_and_gzip_by_content(memory: str) -> None:
    """replay() reads a memory:// URL; gzip is told by content (no .gz in the name)."""
    expected = wire(streamkit.replay(TEXT_RUN))
    assert expected == wire(streamkit.replay(f"{memory}/run.sse"))
    assert expected == wire(streamkit.replay(f"{memory}/packed-run"))
    response = streamkit.replay(f"{memory}/sub/response.sse.gz")
    assert isinstance(response, streamkit.ResponseAccumulator)
    assert wire(streamkit.replay(RESPONSES)) == wire(response)


def test_replay_file_urls_of_both_protocols() -> None:
    """file:// URLs of the bundled recordings replay as their paths do."""
    for path in [*sorted(RECORDINGS.glob("*.sse")), *sorted(RECORDINGS.glob("responses/*.sse"))]:
        by_url = replay_file(path.as_uri(), strict=False)
        by_path = replay_file(path, strict=False)
        assert by_path.events > 0
        assert (by_path.snapshots, by_path.events) == (by_url.snapshots, by_url.events)


def test_iter_sse_reads_a_url(memory: str) -> None:
    """The HTTP edge's iter_sse takes a URL where it takes a path."""
    events = list(streamkit.io.iter_sse(f"{memory}/packed-run"))
    assert 44 == len(events)
    assert "done" == events[-1].event


def test_http_url_plain_and_gzip(served: str) -> None:
    """An http:// URL of a local server: plain, and gzip told by content."""
    assert wire(streamkit.replay(TEXT_RUN)) == wire(streamkit.replay(f"{served}/run.sse"))
    assert wire(streamkit.replay(RESPONSES)) == wire(streamkit.replay(f"{served}/response.bin"))


def test_http_errors_are_one_line_without_secrets(served: str) -> None:
    """A 404 is FileNotFoundError, a 403 an OSError naming the status; neither shows the
    URL's query or userinfo."""
    host = served.removeprefix("http://")
    with pytest.raises(FileNotFoundError) as missing:
        streamkit.replay(f"http://user:{SECRET}@{host}/nope.sse?token={SECRET}")
    assert "No such file or directory" == missing.value.strerror
    assert f"http://{host}/nope.sse" == missing.value.filename
    with pytest.raises(OSError, match=r"HTTP 403") as forbidden:
        streamkit.replay(f"{served}/forbidden/run.sse?sig={SECRET}")
    assert "cannot read it (ClientResponseError, HTTP 403)" == forbidden.value.strerror
    for error in (missing.value, forbidden.value):
        assert SECRET not in str(error)
        assert "\n" not in str(error)
        # Nothing chained that would print the URL in a traceback.
        assert error.__cause__ is None
        assert error.__suppress_context__


def test_refused_connection_is_not_not_found() -> None:
    """fsspec calls any failed HEAD and GET "not found"; a refused connection is told as such."""
    import socket

    with socket.socket() as probe:  # a free port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = replay_file(f"http://127.0.0.1:{port}/run.sse")
    assert result.error is not None
    assert re.fullmatch(r"cannot read it \(\w+\)", result.error), result.error
    assert "No such file" not in result.error


def test_replay_file_result_for_missing_url(memory: str) -> None:
    """replay_file reports a missing URL in the result, as a missing path."""
    result = replay_file(f"{memory}/missing.sse?x={SECRET}")
    assert (result.snapshots, result.error) == (None, "No such file or directory")


def test_unknown_scheme_and_missing_backend() -> None:
    """A scheme no filesystem reads, and one whose package is missing, are one-line OSErrors."""
    with pytest.raises(OSError, match=r"^\[Errno \d+\] no fsspec filesystem reads nope:// URLs"):
        streamkit.replay("nope://bucket/x.sse")
    result = replay_file(f"zzfs://bucket/x.sse?sig={SECRET}")
    assert "no fsspec filesystem reads zzfs:// URLs" == result.error


def test_without_fsspec(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Without fsspec a URL is a one-line error naming the extra; paths still work."""
    monkeypatch.setitem(sys.modules, "fsspec", None)
    monkeypatch.setitem(sys.modules, "fsspec.core", None)
    result = replay_file("s3://bucket/run.sse")
    assert "reading URLs needs fsspec: pip install 'streamkit[url]'" == result.error
    path = tmp_path / "run.sse"
    path.write_bytes(TEXT_RUN)
    assert replay_file(path).ok


def test_expand_paths_urls(memory: str) -> None:
    """A URL directory gives its .sse/.sse.gz files (recursive: below it too), a pattern its
    matches, a file URL itself."""
    assert [f"{memory}/run.sse"] == expand_paths([f"{memory}/"])
    assert [f"{memory}/run.sse"] == expand_paths([memory])
    assert [f"{memory}/run.sse", f"{memory}/sub/response.sse.gz"] == expand_paths(
        [memory], recursive=True
    )
    assert [f"{memory}/packed-run"] == expand_paths([f"{memory}/packed-*"])
    assert [f"{memory}/run.sse"] == expand_paths([f"{memory}/run.sse"])


def test_replay_many_over_urls_and_paths(memory: str, tmp_path: Path) -> None:
    """URLs and paths mixed, replayed here and by a process pool: the same results, in order."""
    from concurrent.futures import ProcessPoolExecutor

    path = tmp_path / "run.sse"
    path.write_bytes(TEXT_RUN)
    names = [str(path), (RECORDINGS / "responses" / "responses-background.sse").as_uri()]
    here = list(replay_many(names))
    assert [r.path for r in here] == names
    assert all(r.ok for r in here)
    with ProcessPoolExecutor(2) as pool:
        assert here == list(replay_many(names, pool, chunksize=1))
    # memory:// is per process: read here it works, in a worker it would not exist.
    assert [r.ok for r in replay_many([f"{memory}/run.sse"])] == [True]


class TestCommandLine:
    def test_replay_url_directory_and_pattern(
        self, memory: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """replay takes URL directories and patterns; the table names the URLs."""
        code = main(["replay", "--recursive", memory])
        out, err = capsys.readouterr()
        assert (0, "") == (code, err)
        assert re.search(r"run\.sse\s+44\s+completed", out)
        assert re.search(r"sub/response\.sse\.gz\s+14\s+completed", out)
        assert "2 file(s), 58 events, 0 failed" in out

    def test_replay_url_error_lines_hide_secrets(
        self, served: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A missing and a forbidden URL: one line each, without query or userinfo; the
        readable one is in the table by its URL without the query."""
        host = served.removeprefix("http://")
        code = main(
            [
                "replay",
                f"http://me:{SECRET}@{host}/nope.sse",
                f"{served}/forbidden/x.sse?sig={SECRET}",
                f"{served}/run.sse?token={SECRET}",
            ]
        )
        out, err = capsys.readouterr()
        assert 1 == code
        assert [
            f"streamkit: error: http://{host}/nope.sse: No such file or directory",
            f"streamkit: error: {served}/forbidden/x.sse: cannot read it"
            " (ClientResponseError, HTTP 403)",
        ] == err.splitlines()
        assert re.search(rf"{re.escape(served)}/run\.sse\s+44\s+completed", out)
        assert SECRET not in out + err

    def test_unlistable_url_is_one_line(
        self, memory: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A URL folder that does not exist: its one error line, the others still replayed."""
        code = main(["replay", f"{memory}/absent/", f"{memory}/run.sse"])
        out, err = capsys.readouterr()
        assert 1 == code
        assert [f"streamkit: error: {memory}/absent/: No such file or directory"] == (
            err.splitlines()
        )
        assert out.startswith(f"{memory}/run.sse: 44 events; final run: run_")

    def test_watch_url(self, served: str, capsys: pytest.CaptureFixture[str]) -> None:
        """watch shows a URL's stream (plain lines off a terminal), and a missing one is a
        line without secrets."""
        pytest.importorskip("rich")
        assert 0 == main(["watch", f"{served}/response.bin"])
        out, _ = capsys.readouterr()
        assert "resp_0050471a34b36ae60068c97b94a480819587a9d70cf2979b33" in out
        assert 1 == main(["watch", f"{served}/nope.sse?token={SECRET}"])
        _, err = capsys.readouterr()
        assert [f"streamkit: error: {served}/nope.sse: No such file or directory"] == (
            err.splitlines()
        )


def test_sans_io_layers_never_import_fsspec() -> None:
    """Only streamkit/_urls.py imports fsspec, and importing streamkit does not load it."""
    package = Path(streamkit.__file__).parent
    importers = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if re.search(r"import fsspec|import_module\(\"fsspec", path.read_text(encoding="utf-8"))
    )
    assert ["_urls.py"] == importers
    import subprocess

    probe = (
        "import sys, streamkit; streamkit.replay(open(sys.argv[1], 'rb').read());"
        " print(sorted(m for m in sys.modules if m.startswith(('fsspec', 'streamkit._urls'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(RECORDINGS / "text-run.sse")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "[]" == done.stdout.strip()
