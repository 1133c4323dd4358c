"""Every Responses endpoint, described once, sans-IO: the request to send and how to read the reply.

As for the Runs endpoints (:mod:`streamkit._assistants.endpoints`), each is
a function returning a :class:`~streamkit._engine.calls.Call` (or, for a
stream, its :class:`~streamkit._engine.requests.Request`), sent by the sync
or the async client's transport. Bodies carry only the parameters given.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from typing_extensions import Unpack

from streamkit._engine.calls import (
    Call,
    Listing,
    list_query,
    listing_parser,
    make_call,
    next_page_params,
)
from streamkit._engine.convert import structurer
from streamkit._engine.requests import Request
from streamkit._responses.params import Include, InputItemListParams, ResponseCreateParams
from streamkit.errors import StreamkitError
from streamkit.models import responses as rm
from streamkit.models.base import UnknownObject

__all__ = [
    "cancel",
    "check_body",
    "create",
    "delete",
    "list_input_items",
    "resume_request",
    "retrieve",
    "stream_request",
]

_RESPONSE: Callable[[Any], rm.Response] = structurer(rm.Response)
_ITEM: Callable[[Any], rm.OutputItem] = structurer(rm.OutputItem)


def check_body(body: Mapping[str, Any]) -> None:
    """Refuse what would be sent wrong: a mapping as ``tools``, ``stream`` set by hand.

    Raises:
        TypeError: ``tools`` is a mapping (Python functions go in ``functions=``).
        ValueError: ``stream`` was given (``create`` never streams; ``stream`` always does).
    """
    if isinstance(body.get("tools"), Mapping):
        msg = (
            "tools= is the API's list of tool definitions, e.g. [{'type': 'web_search'}]; "
            "give the tool loop's Python functions as functions={'name': function}"
        )
        raise TypeError(msg)
    if "stream" in body:
        msg = "stream= is not a parameter here: responses.create returns the response, "
        raise ValueError(msg + "responses.stream streams it")


def create(**params: Unpack[ResponseCreateParams]) -> Call[rm.Response]:
    """``POST /responses``: create a response (not streamed)."""
    check_body(params)
    return make_call(_RESPONSE, "POST", "/responses", body=dict(params))


def stream_request(params: Mapping[str, Any]) -> Request:
    """``POST /responses`` with ``stream: true``: create a response and stream it."""
    check_body(params)
    body = {**params, "stream": True}
    return Request(method="POST", path="/responses", body=body, stream=True)


def _include(include: Sequence[Include] | None) -> dict[str, Any]:
    return list_query({"include": include})


def retrieve(response_id: str, *, include: Sequence[Include] | None = None) -> Call[rm.Response]:
    """``GET /responses/{response_id}``: the response as it is now."""
    path = f"/responses/{response_id}"
    return make_call(_RESPONSE, "GET", path, params=_include(include) or None)


def resume_request(
    response_id: str, *, starting_after: int | None, include: Sequence[Include] | None = None
) -> Request:
    """``GET /responses/{response_id}?stream=true&starting_after=N``: the events after ``N``.

    A background response replays its events with a sequence number above
    ``starting_after`` and then continues live (``None``: from the start).
    """
    query: dict[str, Any] = {"stream": "true", **_include(include)}
    if starting_after is not None:
        query["starting_after"] = starting_after
    return Request(method="GET", path=f"/responses/{response_id}", params=query, stream=True)


def cancel(response_id: str) -> Call[rm.Response]:
    """``POST /responses/{response_id}/cancel``: cancel a background response."""
    return make_call(_RESPONSE, "POST", f"/responses/{response_id}/cancel")


def _deleted(payload: Any) -> None:
    if not isinstance(payload, dict) or payload.get("deleted") is not True:
        msg = "the API did not confirm the deletion"
        raise StreamkitError(msg)


def delete(response_id: str) -> Call[None]:
    """``DELETE /responses/{response_id}``."""
    request = Request(method="DELETE", path=f"/responses/{response_id}")
    return Call(request=request, parse=_deleted)


def list_input_items(
    response_id: str, **params: Unpack[InputItemListParams]
) -> Call[Listing[rm.OutputItem | UnknownObject]]:
    """``GET /responses/{response_id}/input_items``: a page of the items the response was given.

    Items are read as output items where their type is one (messages, tool
    calls); others (``function_call_output`` ...) are kept as ``UnknownObject``.
    """
    following = functools.partial(_next_input_items, response_id, params)
    parse = listing_parser(_ITEM, following, backward=params.get("before") is not None)
    request = Request(
        method="GET", path=f"/responses/{response_id}/input_items", params=list_query(params)
    )
    return Call(request=request, parse=parse)


def _next_input_items(
    response_id: str, params: InputItemListParams, cursor: str
) -> Call[Listing[rm.OutputItem | UnknownObject]]:
    return list_input_items(response_id, **next_page_params(params, cursor))
