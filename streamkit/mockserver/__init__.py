"""A local mock of OpenAI's Assistants Runs and Responses endpoints, served over real HTTP.

:class:`MockServer` (formerly :class:`MockAssistantsServer`, still importable under that name) is
a Starlette app run by uvicorn in a background thread on ``127.0.0.1``. One server serves both
APIs from one script: :class:`Scene` objects for the Runs endpoints, :class:`ResponseScene`
objects for ``POST /v1/responses``. Faults -- a stream cut after N events (cleanly or abruptly),
a 500 or a 429 with ``Retry-After`` before the stream, slow chunks, failing JSON requests -- let
a client's retry, resume and recovery code be tested against real sockets. It needs the
``mock`` extra (``pip install "streamkit[mock]"``); ``import streamkit`` never imports it.

**The Runs endpoints.** The server streams scripted run streams (the bundled recordings of
:mod:`streamkit.recordings`, or streams built with :mod:`streamkit.testing`), remembers the runs
and run steps those streams produced, and answers the JSON endpoints (retrieve, list with cursor
pagination, modify, cancel, run steps with ``include[]``) from that state. Threads and messages
work as the official SDKs use them: ``POST /threads`` (with ``messages``), ``GET
/threads/{thread_id}``, ``POST``/``GET /threads/{thread_id}/messages`` (``run_id`` filter, the
same pagination) and ``GET .../messages/{message_id}``; the messages a run's stream creates join
the thread the run was started on.

A test uses it like this::

    from streamkit.mockserver import Fault, MockServer, Scene

    script = [Scene("text-run", status=500), Scene("function-call-requires-action")]
    with MockServer(script=script, api_key="sk-test") as server:
        client = streamkit.Client(api_key="sk-test", base_url=server.base_url)
        ...  # the first stream request gets a 500, its retry the text-run stream
        assert server.requests[-1].json["stream"] is True

How requests map to the script:

* Every request that creates a run -- ``POST /threads/{thread_id}/runs``,
  ``POST /threads/runs`` and ``POST /threads/{thread_id}/runs/{run_id}/submit_tool_outputs`` --
  takes the next :class:`Scene`, with ``stream: true`` as SSE, without it as JSON (the run as the
  scene's first run event has it, e.g. ``queued``, as the real API answers).
* Ids are never rewritten: the run, steps and thread a client sees are those inside the scene's
  stream. The run and its messages are also reachable under the thread id of the request's URL
  (e.g. a thread made with ``POST /threads``), and a run's ``additional_messages`` (or
  ``thread.messages`` of ``POST /threads/runs``) join that thread before them.
* A thread's messages are listed in the order the server learned them, not by ``created_at``:
  a recording's timestamps are those of the day it was recorded.
* The server knows the whole scene as soon as it starts sending it: retrieving or listing then
  gives the state at the end of the scene, even if a fault cut the stream short. After an
  ``error`` event, the scene's open runs are ``failed`` (their open steps too, their
  ``in_progress`` messages ``incomplete``).
* A stream is sent byte for byte, except that a last event lacking its closing blank line (as in
  some bundled recordings) gets one: a spec-compliant client would drop it.

**The Responses endpoints.** ``POST /responses`` takes the next :class:`ResponseScene`: a bundled
Responses recording (:data:`streamkit.recordings.RESPONSES_NAMES`) sent as recorded, or a built
response (``ResponseScene.text("Hi")``, ``ResponseScene(response=testing.response(...))``) with a
fresh id and the request's parameters echoed. With ``stream: true`` it streams the events (OpenAI
framing, sequence numbers), without it answers the final Response (``queued`` in background
mode). Then:

* ``GET /responses/{id}`` is the response as it stands (``in_progress`` while it runs);
  ``GET /responses/{id}?stream=true&starting_after=N`` replays a background response's events
  after sequence number N (all of them without ``starting_after``) and continues live while it
  runs; ``POST /responses/{id}/cancel`` (background only), ``DELETE /responses/{id}`` and
  ``GET /responses/{id}/input_items`` (``limit``, ``order``, ``after``, ``before``) work as the
  API's. Unknown ids are 404s in the API's error shape; ``store: false`` responses are not kept.
* A response runs on the server whatever happens to the connection: a stream cut by a fault
  (``drop_after_events``) leaves it to finish, to be read back with retrieve or, in background
  mode, resumed with ``starting_after``. ``hold_after_events`` keeps it running (``queued`` /
  ``in_progress``) until :meth:`MockServer.release`, so a test sees it mid-run without sleeping.
* Function calls: ``ResponseScene.function_call("get_weather", {"city": "Paris"})`` gives the
  scene whose response calls it and the scene answering the ``POST`` that sends its
  ``function_call_output`` with ``previous_response_id``; that answer quotes the outputs. An
  unknown ``previous_response_id``, a call left without output, or an output for no call is a
  400, as from the API.
* Stream faults for any request, e.g. a resume cut short: ``Fault("GET", "/responses/*",
  drop_after_events=3)``.

Paths are under ``/v1`` (``base_url`` ends with it). Assistants requests must carry
``OpenAI-Beta: assistants=v2`` (as every official SDK sends) unless ``require_beta_header`` is
off; with ``api_key`` set, every request must also carry ``Authorization: Bearer <api_key>``.

Run ``python -m streamkit.mockserver`` (or ``streamkit serve-mock``) to serve by hand: it prints
the base URL, ``http://127.0.0.1:8765/v1`` (:data:`DEFAULT_PORT`; ``--port 0`` picks a free
port), and repeats its script until Ctrl-C (``--once`` serves it once). ``--recording NAME``
picks the scenes of either API (a bundled name, or an ``.sse`` file of either protocol),
``--response-text TEXT`` adds a built answer, ``--function NAME --arguments JSON`` mocks a
function of yours in both APIs (:meth:`Scene.function_call`, :meth:`ResponseScene.function_call`),
and ``--drop-after``, ``--fail-status``/``--retry-after`` and ``--chunk-delay`` add faults to
every scene (see ``--help``). Request bodies over 1 MiB (``max_body_size``) get a 413.

Inside: ``_state`` (the Runs scenes, faults and recorded requests; the runs the server knows),
``_responses`` (the Responses scenes, the responses and their endpoints), ``_http`` (the request
checks both share), ``_routes`` (the Starlette app and the Runs endpoints), ``_server`` (uvicorn
in a thread) and ``_cli`` (the command line).
"""

from __future__ import annotations

from streamkit.mockserver._cli import DEFAULT_PORT, main
from streamkit.mockserver._responses import (
    FUNCTION_OUTPUTS_ANSWER,
    OUTPUTS_PLACEHOLDER,
    ResponseScene,
)
from streamkit.mockserver._routes import FILE_SEARCH_CONTENT
from streamkit.mockserver._server import MockAssistantsServer, MockServer
from streamkit.mockserver._state import Fault, RecordedRequest, Scene

__all__ = [
    "DEFAULT_PORT",
    "FILE_SEARCH_CONTENT",
    "FUNCTION_OUTPUTS_ANSWER",
    "OUTPUTS_PLACEHOLDER",
    "Fault",
    "MockAssistantsServer",
    "MockServer",
    "RecordedRequest",
    "ResponseScene",
    "Scene",
    "main",
]
