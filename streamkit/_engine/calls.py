"""Sans-IO JSON calls and paging, shared by every protocol's endpoints.

An endpoint is described once as a :class:`Call` -- the
:class:`~streamkit._engine.requests.Request` to send and the parser of its
JSON reply -- and sent by either flavour's transport. A list reply parses to
a :class:`Listing` that carries the :class:`Call` of its next page;
:class:`PageWalk` decides whether to follow it, so a server cannot keep a
walk going with pages that make no progress.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

import attrs

from streamkit._engine.requests import Request
from streamkit.errors import StreamkitError

__all__ = [
    "Call",
    "Listing",
    "PageWalk",
    "list_query",
    "listing_parser",
    "make_call",
    "next_page_params",
    "parse_as",
    "split_params",
]

T = TypeVar("T")
P = TypeVar("P", bound=Mapping[str, Any])


@attrs.frozen(kw_only=True)
class Call(Generic[T]):
    """A JSON endpoint's call: the request, and the parser of its reply's JSON.

    Attributes:
        request: what to send.
        parse: turns the reply's JSON into the result; raises
            :class:`~streamkit.StreamkitError` on a shape it does not expect.
    """

    request: Request
    parse: Callable[[Any], T]


@attrs.frozen(kw_only=True)
class Listing(Generic[T]):
    """One page of a list endpoint's reply.

    Attributes:
        data: the items of this page.
        has_more: whether the server has more after this page.
        first_id: the first item's id, if any.
        last_id: the last item's id, if any.
        next_page: the call for the next page (``after`` the last id; or,
            when listing with ``before``, ``before`` the first id), or
            ``None`` if this is the last.
        cursor: the id ``next_page`` asks from, if any.
    """

    data: list[T]
    has_more: bool
    first_id: str | None
    last_id: str | None
    next_page: Call[Listing[T]] | None
    cursor: str | None = None


class PageWalk:
    """Follows a list's pages; a page that makes no progress ends the walk.

    No progress: a page with ``has_more`` but no data, or one whose cursor
    was already followed (the server answering the same page again, or
    going in a circle) -- such a page's items were seen and are not given
    again. So a server cannot keep a walk going with pages that move
    nowhere. ``Page``, ``AsyncPage`` and the run flow's recovery walk pages
    with it::

        walk = PageWalk()
        call = walk.next_call(first)
        while call is not None:
            listing = send(call)
            if not walk.fresh(listing):
                break
            ...  # listing.data
            call = walk.next_call(listing)
    """

    def __init__(self) -> None:
        self._followed: set[str] = set()

    def next_call(self, listing: Listing[T]) -> Call[Listing[T]] | None:
        """The call of the page after ``listing``, or None: the walk ends here."""
        call, cursor = listing.next_page, listing.cursor
        if call is None or cursor is None or not listing.data or cursor in self._followed:
            return None
        self._followed.add(cursor)
        return call

    def fresh(self, listing: Listing[T]) -> bool:
        """Whether a page fetched made progress: its cursor is none already followed."""
        return listing.cursor is None or listing.cursor not in self._followed


def parse_as(hook: Callable[[Any], T], payload: Any) -> T:
    """``hook(payload)``, its shape error turned into a :class:`~streamkit.StreamkitError`.

    The message says what went wrong, never the payload (it may be private).
    """
    try:
        return hook(payload)
    except Exception as exc:  # the converter's shape error
        msg = f"the API returned an object of an unexpected shape ({type(exc).__name__})"
        raise StreamkitError(msg) from None


def make_call(hook: Callable[[Any], T], method: str, path: str, **request: Any) -> Call[T]:
    parse: Callable[[Any], T] = functools.partial(parse_as, hook)
    return Call(request=Request(method=method, path=path, **request), parse=parse)


def next_page_params(params: P, cursor: str) -> P:
    """The query of the page that follows the one asked for with ``params``.

    Listing with ``before`` walks backwards: the next page is ``before=cursor``
    (the current page's first id). Otherwise it is ``after=cursor`` (its last
    id). The other cursor is dropped (``None``, which the query leaves out).
    """
    following: dict[str, Any] = dict(params)
    if params.get("before") is not None:
        following["before"] = cursor
        following["after"] = None
    else:
        following["after"] = cursor
        following["before"] = None
    return typing.cast(P, following)


def list_query(params: Mapping[str, Any]) -> dict[str, Any]:
    """A list's query: ``None`` left out, ``include`` sent as repeated ``include[]``."""
    query = {key: value for key, value in params.items() if value is not None}
    include = query.pop("include", None)
    if include:
        query["include[]"] = list(include)
    return query


def listing_parser(
    hook: Callable[[Any], T],
    following: Callable[[str], Call[Listing[T]]],
    *,
    backward: bool = False,
) -> Callable[[Any], Listing[T]]:
    """The parser of a list reply whose next page ``following(cursor)`` describes.

    The cursor is the page's last id, or its first id when ``backward``
    (listing with ``before``). A page without data has no next page.
    """

    def parse(payload: Any) -> Listing[T]:
        if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
            msg = "the API returned a list of an unexpected shape"
            raise StreamkitError(msg)
        first_id, last_id = payload.get("first_id"), payload.get("last_id")
        cursor = first_id if backward else last_id
        if not isinstance(cursor, str):
            cursor = None
        data = [parse_as(hook, item) for item in payload["data"]]
        more = bool(payload.get("has_more"))
        follows = more and data and cursor is not None
        return Listing(
            data=data,
            has_more=more,
            first_id=first_id,
            last_id=last_id,
            next_page=following(cursor) if follows and cursor is not None else None,
            cursor=cursor,
        )

    return parse


def split_params(
    params: Mapping[str, Any], own: frozenset[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Keyword parameters split: (the API's, to send; streamkit's ``own``, never sent)."""
    sent = {key: value for key, value in params.items() if key not in own}
    kept = {key: value for key, value in params.items() if key in own}
    return sent, kept
