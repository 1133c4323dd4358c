"""Every Runs endpoint, described once, sans-IO: the request to send and how to read the reply.

Why this shape: the sync and async clients used to be two copies of the same
methods with ``await`` added. The choice was httpx's pattern -- what does not
do I/O is written once and shared, and each flavour is a thin shell that only
sends -- over a generated twin: generated code is still two copies to read,
review and keep in step, while a description shared by both cannot drift.
So each endpoint is a function here returning a :class:`Call` (a
:class:`~streamkit._engine.requests.Request` plus the parser of its JSON
reply), or, for a streaming endpoint, the ``Request`` of the stream. The
client's methods are one line each:
``self._transport.call(endpoints.retrieve_run(thread_id, run_id))`` in
:mod:`~streamkit._assistants.client`, the same with ``await`` in
:mod:`~streamkit._assistants.async_client`. Paging is described here too: a
list reply parses to a :class:`Listing` that carries the :class:`Call` of the
next page, :class:`PageWalk` decides whether to follow it, and ``Page`` /
``AsyncPage`` only send it.

Bodies carry only the parameters given (``None`` included, sent as ``null``);
list queries leave out the parameters that are ``None``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from typing_extensions import Unpack

from streamkit import models as m
from streamkit._assistants.params import (
    RunCreateParams,
    RunListParams,
    RunStepInclude,
    RunStepListParams,
    ThreadCreateAndRunParams,
)
from streamkit._engine.calls import (
    Call,
    Listing,
    PageWalk,
    list_query,
    listing_parser,
    make_call,
    next_page_params,
    parse_as,
)
from streamkit._engine.convert import structurer
from streamkit._engine.requests import Request

__all__ = [
    "Call",
    "Listing",
    "PageWalk",
    "cancel_run",
    "check_tools",
    "create_run",
    "create_thread_and_run",
    "create_thread_and_run_stream",
    "list_run_steps",
    "list_runs",
    "next_page_params",
    "parse_as",
    "retrieve_message",
    "retrieve_run",
    "retrieve_run_step",
    "stream_run",
    "submit_tool_outputs",
    "submit_tool_outputs_stream",
    "update_run",
]

T = TypeVar("T")
L = TypeVar("L", RunListParams, RunStepListParams)

_RUN: Callable[[Any], m.Run] = structurer(m.Run)
_STEP: Callable[[Any], m.RunStep] = structurer(m.RunStep)
_MESSAGE: Callable[[Any], m.Message] = structurer(m.Message)


# --- Runs ---------------------------------------------------------------------------


def create_run(
    thread_id: str, *, assistant_id: str, **params: Unpack[RunCreateParams]
) -> Call[m.Run]:
    """``POST /threads/{thread_id}/runs``: create a run (``include`` goes in the query)."""
    body, query = _run_body(assistant_id, params)
    return make_call(_RUN, "POST", f"/threads/{thread_id}/runs", body=body, params=query)


def stream_run(thread_id: str, *, assistant_id: str, **params: Unpack[RunCreateParams]) -> Request:
    """``POST /threads/{thread_id}/runs`` with ``stream: true``: create a run and stream it."""
    body, query = _run_body(assistant_id, params)
    body["stream"] = True
    path = f"/threads/{thread_id}/runs"
    return Request(method="POST", path=path, params=query, body=body, stream=True)


def _run_body(
    assistant_id: str, params: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A create request's JSON body and query: ``include`` is the query's ``include[]``.

    The reference (``createRun``) takes ``include[]`` as a query parameter;
    in the body the API would reject it or ignore it.
    """
    body = {"assistant_id": assistant_id, **params}
    check_tools(body.get("tools"))
    include = body.pop("include", None)
    return body, list_query({"include": include}) or None


def check_tools(tools: Any) -> None:
    """Reject a mapping as the API's ``tools`` (a list of tool definitions).

    ``tools=`` once took the tool loop's Python functions; they are
    ``functions=`` now, and a mapping here would be sent as garbage.
    """
    if isinstance(tools, Mapping):
        msg = (
            "tools= is the API's list of tool definitions, e.g. [{'type': 'code_interpreter'}]; "
            "give the tool loop's Python functions as functions={'name': function}"
        )
        raise TypeError(msg)


def retrieve_run(thread_id: str, run_id: str) -> Call[m.Run]:
    """``GET /threads/{thread_id}/runs/{run_id}``."""
    return make_call(_RUN, "GET", f"/threads/{thread_id}/runs/{run_id}")


def update_run(thread_id: str, run_id: str, *, metadata: Mapping[str, str] | None) -> Call[m.Run]:
    """``POST /threads/{thread_id}/runs/{run_id}``: modify a run's metadata."""
    path = f"/threads/{thread_id}/runs/{run_id}"
    return make_call(_RUN, "POST", path, body={"metadata": metadata})


def list_runs(thread_id: str, **params: Unpack[RunListParams]) -> Call[Listing[m.Run]]:
    """``GET /threads/{thread_id}/runs``: a page of a thread's runs."""
    following = functools.partial(_next_runs, thread_id, params)
    parse = listing_parser(_RUN, following, backward=params.get("before") is not None)
    request = Request(method="GET", path=f"/threads/{thread_id}/runs", params=list_query(params))
    return Call(request=request, parse=parse)


def _next_runs(thread_id: str, params: RunListParams, cursor: str) -> Call[Listing[m.Run]]:
    return list_runs(thread_id, **next_page_params(params, cursor))


def cancel_run(thread_id: str, run_id: str) -> Call[m.Run]:
    """``POST /threads/{thread_id}/runs/{run_id}/cancel`` (the run goes to ``cancelling``)."""
    return make_call(_RUN, "POST", f"/threads/{thread_id}/runs/{run_id}/cancel")


def submit_tool_outputs(
    thread_id: str, run_id: str, *, tool_outputs: Sequence[Mapping[str, Any]]
) -> Call[m.Run]:
    """``POST .../submit_tool_outputs``: outputs ``[{"tool_call_id": ..., "output": ...}]``."""
    path = f"/threads/{thread_id}/runs/{run_id}/submit_tool_outputs"
    return make_call(_RUN, "POST", path, body={"tool_outputs": list(tool_outputs)})


def submit_tool_outputs_stream(
    thread_id: str, run_id: str, *, tool_outputs: Sequence[Mapping[str, Any]]
) -> Request:
    """``POST .../submit_tool_outputs`` with ``stream: true``: the run's continuation."""
    path = f"/threads/{thread_id}/runs/{run_id}/submit_tool_outputs"
    body = {"tool_outputs": list(tool_outputs), "stream": True}
    return Request(method="POST", path=path, body=body, stream=True)


# --- Run steps ----------------------------------------------------------------------


def list_run_steps(
    thread_id: str, run_id: str, **params: Unpack[RunStepListParams]
) -> Call[Listing[m.RunStep]]:
    """``GET /threads/{thread_id}/runs/{run_id}/steps``: a page of a run's steps."""
    following = functools.partial(_next_steps, thread_id, run_id, params)
    path = f"/threads/{thread_id}/runs/{run_id}/steps"
    request = Request(method="GET", path=path, params=list_query(params))
    parse = listing_parser(_STEP, following, backward=params.get("before") is not None)
    return Call(request=request, parse=parse)


def _next_steps(
    thread_id: str, run_id: str, params: RunStepListParams, cursor: str
) -> Call[Listing[m.RunStep]]:
    return list_run_steps(thread_id, run_id, **next_page_params(params, cursor))


def retrieve_run_step(
    thread_id: str, run_id: str, step_id: str, *, include: Sequence[RunStepInclude] | None = None
) -> Call[m.RunStep]:
    """``GET /threads/{thread_id}/runs/{run_id}/steps/{step_id}``."""
    path = f"/threads/{thread_id}/runs/{run_id}/steps/{step_id}"
    return make_call(_STEP, "GET", path, params=list_query({"include": include}) or None)


# --- Threads and messages -------------------------------------------------------------


def create_thread_and_run(
    *, assistant_id: str, **params: Unpack[ThreadCreateAndRunParams]
) -> Call[m.Run]:
    """``POST /threads/runs``: create a thread and run it in one request."""
    check_tools(params.get("tools"))
    return make_call(_RUN, "POST", "/threads/runs", body={"assistant_id": assistant_id, **params})


def create_thread_and_run_stream(
    *, assistant_id: str, **params: Unpack[ThreadCreateAndRunParams]
) -> Request:
    """``POST /threads/runs`` with ``stream: true`` (``thread.created`` comes first)."""
    check_tools(params.get("tools"))
    body = {"assistant_id": assistant_id, **params, "stream": True}
    return Request(method="POST", path="/threads/runs", body=body, stream=True)


def retrieve_message(thread_id: str, message_id: str) -> Call[m.Message]:
    """``GET /threads/{thread_id}/messages/{message_id}`` (what recovery reads back)."""
    return make_call(_MESSAGE, "GET", f"/threads/{thread_id}/messages/{message_id}")
