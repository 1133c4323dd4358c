"""The mock server's life: a :class:`MockApp` served by uvicorn in a background thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

import uvicorn

from streamkit._uvicorn import listening_socket, serve_in_thread, server_config
from streamkit.mockserver._responses import ResponseScene
from streamkit.mockserver._routes import MockApp
from streamkit.mockserver._state import DEFAULT_MAX_BODY_SIZE, Fault, RecordedRequest, Scene

__all__ = ["MockAssistantsServer", "MockServer", "listening_socket"]

_ABORT_MESSAGE = "ASGI callable returned without completing response."


class _AbortFilter(logging.Filter):
    """Hides uvicorn's log line for the deliberately unfinished responses of ``abrupt``."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != _ABORT_MESSAGE


class MockServer:
    """A local OpenAI server over real HTTP for both APIs, scripted with scenes.

    The Assistants Runs endpoints play :class:`Scene`\\ s, ``POST /responses`` plays
    :class:`ResponseScene`\\ s; one script holds both kinds, each consumed in order by its own
    endpoints.

    Args:
        script: the scenes (:class:`Scene` and :class:`ResponseScene`, in any mix).
        api_key: when set, every request must send ``Authorization: Bearer <api_key>`` or gets
            a 401 ``invalid_api_key``.
        chunk_size: the size of the chunks a stream is sent in.
        chunk_delay: seconds between the chunks of a stream.
        faults: HTTP errors for matching requests (:class:`Fault`), in order.
        require_beta_header: answer 400, as the API does, to Assistants requests without
            ``OpenAI-Beta: assistants=v2`` (the Responses endpoints never need it).
        repeat: when the script runs out, start it again (for a demo server).
        max_body_size: the largest request body read (default 1 MiB); a larger one is not
            buffered but answered 413 in the API's error shape (and the connection closed).
        host: the interface to listen on.
        port: the port; ``0`` picks a free one.

    Attributes:
        requests: every request received, in order (also those answered with an error).
        base_url: ``"http://HOST:PORT/v1"`` once started.
        app: the Starlette app, for use without the background thread.
    """

    def __init__(
        self,
        *,
        script: Sequence[Scene | ResponseScene] = (),
        api_key: str | None = None,
        chunk_size: int = 64,
        chunk_delay: float = 0.0,
        faults: Sequence[Fault] = (),
        require_beta_header: bool = True,
        repeat: bool = False,
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self._api = MockApp(
            script=script,
            api_key=api_key,
            chunk_size=chunk_size,
            chunk_delay=chunk_delay,
            faults=faults,
            require_beta_header=require_beta_header,
            repeat=repeat,
            max_body_size=max_body_size,
        )
        self.requests: list[RecordedRequest] = self._api.requests
        self.base_url: str | None = None
        self.app = self._api.app
        self._host = host
        self._port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._log_filter = _AbortFilter()

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> str:
        """Start serving in a background thread; returns the base URL (``http://…/v1``).

        Raises:
            OSError: the address cannot be listened on (e.g. the port is in use).
            RuntimeError: the server is already running or did not come up.
        """
        if self._thread is not None:
            msg = "the mock server is already running"
            raise RuntimeError(msg)
        sock = listening_socket(self._host, self._port)
        port = sock.getsockname()[1]
        config = server_config(self.app, "off")
        server = uvicorn.Server(config)
        self._api.open_streams()
        logging.getLogger("uvicorn.error").addFilter(self._log_filter)
        try:
            thread = serve_in_thread(server, sock, f"streamkit-mockserver-{port}", "mock server")
        except RuntimeError:
            logging.getLogger("uvicorn.error").removeFilter(self._log_filter)
            raise
        self._server, self._thread = server, thread
        self.base_url = f"http://{self._host}:{port}/v1"
        return self.base_url

    def stop(self) -> None:
        """Stop serving and join the thread (open streams are cut). Does nothing if stopped."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._api.close_streams()  # first, so that no task is left to cancel at shutdown
        server.should_exit = True
        server.force_exit = True
        thread.join(10)
        self._server = self._thread = None
        logging.getLogger("uvicorn.error").removeFilter(self._log_filter)

    def __enter__(self) -> MockServer:
        self.start()
        return self

    def __exit__(self, *_exc_info: object) -> None:
        self.stop()

    # --- scripting ---------------------------------------------------------------------------

    def add_scene(self, scene: Scene | ResponseScene) -> None:
        """Append ``scene`` to its API's script (consumed after the ones already there)."""
        self._api.add_scene(scene)

    def add_fault(self, fault: Fault) -> None:
        """Add ``fault`` after the faults already there."""
        self._api.add_fault(fault)

    def load(self, scene: Scene, *, thread_id: str | None = None) -> None:
        """Know the state at the end of ``scene`` without anyone requesting it.

        For runs that started before the test: e.g. load a stream ending in
        ``requires_action`` so that a ``submit_tool_outputs`` request finds its run. (For a
        response, see :meth:`load_response`.)

        Args:
            scene: the stream whose final runs and steps to keep.
            thread_id: a further thread id its runs are reachable under.
        """
        self._api.load(scene, thread_id=thread_id)

    @property
    def scenes_left(self) -> int:
        """How many :class:`Scene`\\ s (Runs) of the script have not been consumed yet."""
        return self._api.scenes_left

    @property
    def response_scenes_left(self) -> int:
        """How many :class:`ResponseScene`\\ s of the script have not been consumed yet."""
        return self._api.responses.scenes_left

    # --- responses ---------------------------------------------------------------------------

    def load_response(
        self, scene: ResponseScene, *, background: bool = False, store: bool = True
    ) -> str:
        """Make the response of ``scene`` as if a create had asked for it, without a request.

        For responses that started before the test: retrieve, resume, cancel, delete and
        ``previous_response_id`` find it. Returns its id.

        Args:
            scene: the response to make (its faults do not apply; ``hold_after_events`` does).
            background: as if created with ``background: true`` (resumable with
                ``starting_after``, cancellable).
            store: as if created with ``store`` (``False``: not retrievable, unless background).

        Raises:
            ValueError: the scene's stream has no event carrying a response (no id to use).
        """
        return self._api.responses.load(scene, background=background, store=store)

    @property
    def response_ids(self) -> list[str]:
        """The ids of every response made so far (deleted ones too), oldest first."""
        return self._api.responses.response_ids

    def response(self, response_id: str) -> dict[str, Any]:
        """The response ``response_id`` as ``GET /responses/{id}`` would show it now.

        Raises:
            KeyError: no response has that id.
        """
        return self._api.responses.stored(response_id)

    def release(self, response_id: str | None = None, *, events: int | None = None) -> None:
        """Let responses held by ``hold_after_events`` run on (streams waiting get the rest).

        Call it from any thread, e.g. the test's, while a client reads a stream.

        Args:
            response_id: the response to release (default: every held one).
            events: produce only this many more events, then hold again (default: the rest).

        Raises:
            KeyError: no response has that id.
        """
        self._api.responses.release(response_id, events=events)


#: The former name of :class:`MockServer`, from when it served the Assistants API only.
MockAssistantsServer = MockServer
