"""The mock server's command line, for ``python -m streamkit.mockserver`` and ``serve-mock``.

:func:`build_parser` and :func:`build_server` turn the arguments into a server (not started);
:func:`main` starts it, prints its base URL and serves until interrupted. Errors are one line,
``PROG: error: ...``: exit status 2 for bad arguments (argparse's), 1 for a recording that cannot
be read or an address that cannot be listened on (as ``streamkit replay`` for unreadable files).
"""

from __future__ import annotations

import argparse
import errno
import json
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from streamkit import recordings
from streamkit.mockserver._responses import FUNCTION_OUTPUTS_ANSWER, ResponseScene
from streamkit.mockserver._server import MockServer
from streamkit.mockserver._state import DEFAULT_MAX_BODY_SIZE, Scene

__all__ = ["DEFAULT_PORT", "PROG", "build_parser", "build_server", "main"]

#: The port the command line listens on unless ``--port`` says otherwise (``0``: a free one).
DEFAULT_PORT = 8765

#: The command's name when run as ``python -m streamkit.mockserver``.
PROG = "python -m streamkit.mockserver"

_DESCRIPTION = """\
Serve a local mock of OpenAI's Assistants Runs, Threads and Messages endpoints
and of the Responses endpoints (/v1/responses: create, retrieve, background
resume with starting_after, cancel, delete, input_items), both at once. Prints
the base URL (http://HOST:PORT/v1), then serves until Ctrl-C. Each API has its
script of scenes (each --recording of that API, each --response-text, then the
two of --function), which starts over when done, unless --once; an API given no
scene plays a bundled recording (text-run, responses-text-logprobs).
"""

_EPILOG = """\
examples:
  %(prog)s
      text-run on http://127.0.0.1:8765/v1, again and again
  %(prog)s --function get_weather --arguments '{"city": "Paris"}'
      a run (and a response) that calls get_weather, then the answer once the
      output is submitted (POST /responses with previous_response_id)
  %(prog)s --recording responses-background --response-text 'Hello!'
      a recorded response, then a built one (fresh ids), again and again
  %(prog)s --recording parallel-function-calls --drop-after 5
      every stream cut after 5 events
  %(prog)s --fail-status 429 --retry-after 2
      a 429 before every stream; the retry gets the stream
"""


class SourceError(Exception):
    """A scene's recording or file cannot be read (a one-line message for the user)."""


# --- argparse types --------------------------------------------------------------------------


def _bounded_int(low: int, high: int | None = None) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            msg = f"expected an integer, not {text!r}"
            raise argparse.ArgumentTypeError(msg) from None
        if value < low or (high is not None and value > high):
            limits = f"{low} to {high}" if high is not None else f"{low} or more"
            msg = f"expected {limits}, not {value}"
            raise argparse.ArgumentTypeError(msg)
        return value

    return parse


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        msg = f"expected a number of seconds, not {text!r}"
        raise argparse.ArgumentTypeError(msg) from None
    if not value >= 0:  # also NaN
        msg = f"expected 0 seconds or more, not {text}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _json_text(text: str) -> str:
    try:
        json.loads(text)
    except ValueError:
        msg = 'expected JSON text, e.g. \'{"city": "Paris"}\''
        raise argparse.ArgumentTypeError(msg) from None
    return text


# --- building ------------------------------------------------------------------------------------


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    """The command line's parser; ``prog`` is the command's name in usage and error lines."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    scenes = parser.add_argument_group("scenes")
    scenes.add_argument(
        "--recording",
        action="append",
        metavar="NAME_OR_PATH",
        help=(
            "a scene: a bundled recording of a run ("
            + ", ".join(recordings.NAMES)
            + ") or of a response ("
            + ", ".join(recordings.RESPONSES_NAMES)
            + "), or an .sse file of either API; repeat for several, served in order by "
            "their API's endpoints"
        ),
    )
    scenes.add_argument(
        "--response-text",
        action="append",
        metavar="TEXT",
        help="a Responses scene answering TEXT, with fresh ids each time; repeatable",
    )
    scenes.add_argument(
        "--function",
        metavar="NAME",
        help=(
            "two scenes per API after the others: a run (a response) calling your function "
            "NAME, then, once the output is sent, a text answer"
        ),
    )
    scenes.add_argument(
        "--arguments",
        type=_json_text,
        metavar="JSON",
        help="the arguments of --function's call (default: {})",
    )
    scenes.add_argument(
        "--answer",
        metavar="TEXT",
        help=(
            "the answer after --function's call; in the response's, {outputs} is replaced by "
            "the outputs sent (default: '" + FUNCTION_OUTPUTS_ANSWER + "')"
        ),
    )
    repeat = scenes.add_mutually_exclusive_group()
    repeat.add_argument(
        "--once", action="store_true", help="serve the script once, then answer 400"
    )
    # The default now; still accepted for the scripts that passed it.
    repeat.add_argument("--repeat", action="store_true", help=argparse.SUPPRESS)

    faults = parser.add_argument_group("faults (for every scene)")
    faults.add_argument(
        "--drop-after",
        type=_bounded_int(0),
        metavar="N",
        help="end each stream after N events, without done",
    )
    faults.add_argument(
        "--abrupt",
        action="store_true",
        help="with --drop-after, also break the HTTP framing (the connection resets)",
    )
    faults.add_argument(
        "--fail-status",
        type=_bounded_int(400, 599),
        metavar="STATUS",
        help="answer each scene's first request with this HTTP error (e.g. 500, 429); "
        "the retry gets the stream",
    )
    faults.add_argument(
        "--fail-times",
        type=_bounded_int(1),
        metavar="N",
        help="with --fail-status, answer N requests with it (default: 1)",
    )
    faults.add_argument(
        "--retry-after",
        type=_seconds,
        metavar="SECONDS",
        help="with --fail-status, the Retry-After header",
    )
    faults.add_argument(
        "--chunk-delay",
        type=_seconds,
        default=0.0,
        metavar="SECONDS",
        help="slow chunks: seconds between the chunks of a stream (default: 0)",
    )
    faults.add_argument(
        "--chunk-size",
        type=_bounded_int(1),
        default=64,
        metavar="BYTES",
        help="bytes per chunk (default: 64)",
    )

    server = parser.add_argument_group("server")
    server.add_argument("--host", default="127.0.0.1", help="interface (default: 127.0.0.1)")
    server.add_argument(
        "--port",
        type=_bounded_int(0, 65535),
        default=DEFAULT_PORT,
        help=f"port (default: {DEFAULT_PORT}); 0 picks a free one",
    )
    server.add_argument("--api-key", help="require 'Authorization: Bearer API_KEY'")
    server.add_argument(
        "--max-body-size",
        type=_bounded_int(1),
        default=DEFAULT_MAX_BODY_SIZE,
        metavar="BYTES",
        help=f"larger request bodies get a 413 (default: {DEFAULT_MAX_BODY_SIZE})",
    )
    server.add_argument(
        "--no-beta-header",
        action="store_true",
        help="do not require 'OpenAI-Beta: assistants=v2' (on the Assistants endpoints)",
    )
    return parser


def _check(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """The flags that only make sense with another one (argparse's usage error otherwise)."""
    needs = [
        ("--arguments", args.arguments, "--function", args.function),
        ("--answer", args.answer, "--function", args.function),
        ("--abrupt", args.abrupt or None, "--drop-after", args.drop_after),
        ("--fail-times", args.fail_times, "--fail-status", args.fail_status),
        ("--retry-after", args.retry_after, "--fail-status", args.fail_status),
    ]
    for flag, value, needed, needed_value in needs:
        if value is not None and needed_value is None:
            parser.error(f"{flag} needs {needed}")


def _scene(name: str) -> Scene | ResponseScene:
    """The scene of a bundled name or a file, of whichever API its stream speaks."""
    if name in recordings.NAMES:
        return Scene(name)
    if name in recordings.RESPONSES_NAMES:
        return ResponseScene(name)
    try:
        data = Path(name).read_bytes()
    except OSError as error:
        # One line, without the errno: what the name is not, and the names that exist.
        reason = error.strerror or "cannot be read"
        known = ", ".join((*recordings.NAMES, *recordings.RESPONSES_NAMES))
        msg = f"{name}: {reason}; the bundled recordings are {known}"
        raise SourceError(msg) from None
    try:
        return ResponseScene(data)
    except ValueError as error:
        if "Assistants" in str(error):
            return Scene(data)  # a run stream
        msg = f"{name}: not a stream of Server-Sent Events ({error})"
        raise SourceError(msg) from None


def build_server(args: argparse.Namespace) -> MockServer:
    """The server (not started) that parsed arguments describe.

    Raises:
        SourceError: a ``--recording`` is neither a bundled recording nor a readable file.
    """
    given = [_scene(name) for name in args.recording or ()]
    runs = [scene for scene in given if isinstance(scene, Scene)]
    responses = [scene for scene in given if isinstance(scene, ResponseScene)]
    responses += [ResponseScene.text(text) for text in args.response_text or ()]
    if args.function is not None:
        arguments = args.arguments or "{}"
        answer = {} if args.answer is None else {"answer": args.answer}
        runs += Scene.function_call(args.function, arguments, **answer)
        responses += ResponseScene.function_call(args.function, arguments, **answer)
    # An API given no scene plays a bundled recording.
    runs = runs or [Scene("text-run")]
    responses = responses or [ResponseScene("responses-text-logprobs")]
    options: dict[str, Any] = {}
    if args.drop_after is not None:
        options.update(drop_after_events=args.drop_after, abrupt=args.abrupt)
    if args.fail_status is not None:
        options.update(
            status=args.fail_status, retry_after=args.retry_after, fail_times=args.fail_times or 1
        )
    script: list[Scene | ResponseScene] = [attrs.evolve(scene, **options) for scene in runs]
    script += [attrs.evolve(scene, **options) for scene in responses]
    return MockServer(
        script=script,
        api_key=args.api_key,
        chunk_size=args.chunk_size,
        chunk_delay=args.chunk_delay,
        require_beta_header=not args.no_beta_header,
        repeat=not args.once,
        max_body_size=args.max_body_size,
        host=args.host,
        port=args.port,
    )


def main(argv: Sequence[str] | None = None, *, prog: str = PROG) -> int:
    """Serve until interrupted: ``python -m streamkit.mockserver --recording text-run``.

    Prints the base URL (``http://127.0.0.1:8765/v1``) on its own line first.

    Args:
        argv: the arguments (default: ``sys.argv[1:]``).
        prog: the command's name in usage and error lines (``streamkit serve-mock`` from
            ``streamkit``'s command line).

    Returns:
        The exit status: 0 after Ctrl-C, 1 when a recording or the address is unusable (argparse
        exits with 2 on bad arguments).
    """
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    _check(parser, args)
    try:
        server = build_server(args)
    except SourceError as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return 1
    try:
        base_url = server.start()
    except OSError as error:
        hint = " (--port 0 picks a free one)" if error.errno == errno.EADDRINUSE else ""
        reason = error.strerror or "cannot listen"
        print(
            f"{prog}: error: cannot listen on {args.host}:{args.port}: {reason}{hint}",
            file=sys.stderr,
        )
        return 1
    except RuntimeError as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return 1
    try:
        print(base_url, flush=True)  # inside: Ctrl-C may come as soon as the URL is out
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0
