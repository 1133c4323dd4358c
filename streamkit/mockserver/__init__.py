"""A local mock of the Assistants-API Runs endpoints, served over real HTTP.

:class:`MockAssistantsServer` is a Starlette app run by uvicorn in a background thread on
``127.0.0.1``. It streams scripted run streams (the bundled recordings of
:mod:`streamkit.recordings`, or streams built with :mod:`streamkit.testing`), remembers the runs
and run steps those streams produced, and answers the JSON endpoints (retrieve, list with cursor
pagination, modify, cancel, run steps with ``include[]``) from that state. Threads and messages
work as the official SDKs use them: ``POST /threads`` (with ``messages``), ``GET
/threads/{thread_id}``, ``POST``/``GET /threads/{thread_id}/messages`` (``run_id`` filter, the
same pagination) and ``GET .../messages/{message_id}``; the messages a run's stream creates join
the thread the run was started on. Faults -- a stream cut after N events, a 500 or a 429 with
``Retry-After`` before the stream, failing JSON requests -- let a client's retry and recovery
code be tested against real sockets. It needs the ``mock`` extra (``pip install
"streamkit[mock]"``); ``import streamkit`` never imports it.

A test uses it like this::

    from streamkit.mockserver import Fault, MockAssistantsServer, Scene

    script = [Scene("text-run", status=500), Scene("function-call-requires-action")]
    with MockAssistantsServer(script=script, api_key="sk-test") as server:
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

Paths are under ``/v1`` (``base_url`` ends with it). Requests must carry
``OpenAI-Beta: assistants=v2`` (as every official SDK sends) unless ``require_beta_header`` is
off; with ``api_key`` set, they must also carry ``Authorization: Bearer <api_key>``.

Run ``python -m streamkit.mockserver`` (or ``streamkit serve-mock``) to serve by hand: it prints
the base URL, ``http://127.0.0.1:8765/v1`` (:data:`DEFAULT_PORT`; ``--port 0`` picks a free
port), and repeats its script until Ctrl-C (``--once`` serves it once). ``--recording NAME``
picks the scenes, ``--function NAME --arguments JSON`` mocks a function of yours
(:meth:`Scene.function_call`), and ``--drop-after``, ``--fail-status``/``--retry-after`` and
``--chunk-delay`` add faults to every scene (see ``--help``). Request bodies over 1 MiB
(``max_body_size``) get a 413.

Inside: ``_state`` (the scenes, faults and recorded requests; the runs the server knows),
``_routes`` (the Starlette app and its endpoints), ``_server`` (uvicorn in a thread) and ``_cli``
(the command line).
"""

from __future__ import annotations

from streamkit.mockserver._cli import DEFAULT_PORT, main
from streamkit.mockserver._routes import FILE_SEARCH_CONTENT
from streamkit.mockserver._server import MockAssistantsServer
from streamkit.mockserver._state import Fault, RecordedRequest, Scene

__all__ = [
    "DEFAULT_PORT",
    "FILE_SEARCH_CONTENT",
    "Fault",
    "MockAssistantsServer",
    "RecordedRequest",
    "Scene",
    "main",
]
