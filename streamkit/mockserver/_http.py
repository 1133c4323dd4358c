"""HTTP pieces both APIs of the mock server share: error answers, request checks, list pages.

Every check raises :class:`~streamkit.mockserver._state.ApiError` with the message, ``param`` and
``code`` the real API uses, so that a client sees the same 400s as from OpenAI.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Generic, Protocol, TypeVar

import attrs
from starlette.responses import JSONResponse, Response

from streamkit.mockserver._state import ApiError, error_body

__all__ = [
    "Call",
    "Script",
    "check_body",
    "check_query",
    "error_response",
    "metadata_of",
    "object_body",
    "paginate",
    "single",
    "stream_flag",
]

_METADATA_MAX_PAIRS = 16
_METADATA_MAX_KEY = 64
_METADATA_MAX_VALUE = 512


@attrs.frozen
class Call:
    """One routed request: method, path after ``/v1``, path parameters, query and JSON body."""

    method: str
    path: str
    params: dict[str, str]
    query: dict[str, list[str]]
    json: Any
    raw: bytes


class _Scripted(Protocol):
    """What a script needs of a scene: the error its first requests get, if any."""

    @property
    def status(self) -> int | None: ...
    @property
    def error(self) -> Mapping[str, Any] | None: ...
    @property
    def retry_after(self) -> float | None: ...
    @property
    def fail_times(self) -> int: ...


SceneT = TypeVar("SceneT", bound=_Scripted)


class Script(Generic[SceneT]):
    """An API's scenes, consumed in order by the requests that take one (either API's).

    A scene with ``status`` answers its first ``fail_times`` requests with that error and
    stays at the head; with ``repeat``, a consumed scene goes back to the end. Not locked:
    the server calls it under its own lock.
    """

    def __init__(self, scenes: Iterable[SceneT], repeat: bool) -> None:
        self._scenes: deque[SceneT] = deque(scenes)
        #: How many scenes the script was given in all (for the message once it is empty).
        self.length = len(self._scenes)
        self._repeat = repeat
        self._head_failures = 0

    def add(self, scene: SceneT) -> None:
        """Append ``scene`` (consumed after the ones already there)."""
        self._scenes.append(scene)
        self.length += 1

    def __len__(self) -> int:
        """How many scenes have not been consumed yet."""
        return len(self._scenes)

    def take(self) -> SceneT | Response | None:
        """The next scene; the error answer while the head scene still fails; None when empty."""
        if not self._scenes:
            return None
        scene = self._scenes[0]
        if scene.status is not None and self._head_failures < scene.fail_times:
            self._head_failures += 1
            return error_response(scene.status, scene.error, scene.retry_after)
        self._scenes.popleft()
        self._head_failures = 0
        if self._repeat:
            self._scenes.append(scene)
        return scene


def error_response(
    status: int, error: Mapping[str, Any] | None, retry_after: float | None
) -> Response:
    """The JSON error answer for ``status``, with ``Retry-After`` / ``retry-after-ms`` if given."""
    headers: dict[str, str] = {}
    if retry_after is not None:
        seconds = int(retry_after) if float(retry_after).is_integer() else retry_after
        headers["retry-after"] = str(seconds)
        headers["retry-after-ms"] = str(round(retry_after * 1000))
    return JSONResponse(error_body(status, error), status_code=status, headers=headers)


def check_query(query: Mapping[str, list[str]], allowed: frozenset[str]) -> None:
    """400 for a query parameter the endpoint does not take."""
    for name in query:
        if name not in allowed:
            hint = " (the API names it 'include[]')" if name == "include" else ""
            raise ApiError(400, f"Unknown parameter: '{name}'{hint}.", param=name)


def check_body(body: Mapping[str, Any], allowed: frozenset[str]) -> None:
    """400 ``unknown_parameter`` for a body key the endpoint does not take."""
    for key in body:
        if key not in allowed:
            raise ApiError(
                400,
                f"Unrecognized request argument supplied: {key}",
                param=key,
                code="unknown_parameter",
            )


def object_body(request_json: Any, raw: bytes) -> dict[str, Any]:
    """The request's JSON object (``{}`` for an empty body; 400 for anything but an object)."""
    if not raw.strip():
        return {}
    if not isinstance(request_json, dict):
        msg = (
            "We could not parse the JSON body of your request. (HINT: This likely means you "
            "aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, "
            "but what was sent was not valid JSON.)"
        )
        raise ApiError(400, msg)
    return request_json


def metadata_of(body: Mapping[str, Any]) -> dict[str, str] | None:
    """The ``metadata`` of a request body, checked as the API checks it (``None`` if absent)."""
    metadata = body.get("metadata")
    if metadata is None:
        return None
    if not isinstance(metadata, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in metadata.items()
    ):
        msg = "Invalid type for 'metadata': expected an object of string values."
        raise ApiError(400, msg, param="metadata", code="invalid_type")
    too_long = any(
        len(key) > _METADATA_MAX_KEY or len(value) > _METADATA_MAX_VALUE
        for key, value in metadata.items()
    )
    if len(metadata) > _METADATA_MAX_PAIRS or too_long:
        msg = "Invalid 'metadata': at most 16 pairs, keys up to 64 and values up to 512 characters."
        raise ApiError(400, msg, param="metadata", code="invalid_value")
    return dict(metadata)


def stream_flag(body: Mapping[str, Any]) -> bool:
    """The body's ``stream`` (400 unless a boolean or absent)."""
    value = body.get("stream")
    if value is not None and not isinstance(value, bool):
        msg = f"Invalid type for 'stream': expected a boolean, but got {type(value).__name__}."
        raise ApiError(400, msg, param="stream", code="invalid_type")
    return value is True


def single(query: Mapping[str, list[str]], name: str) -> str | None:
    """The last value of the query parameter ``name``, or ``None``."""
    values = query.get(name)
    return values[-1] if values else None


def paginate(items: Sequence[dict[str, Any]], query: Mapping[str, list[str]]) -> dict[str, Any]:
    """The list response for ``items`` (ascending order) under ``limit``/``order``/cursors."""
    raw_limit = single(query, "limit")
    limit = 20
    if raw_limit is not None:
        try:
            limit = int(raw_limit)
        except ValueError:
            msg = f"Invalid 'limit': expected an integer, but got '{raw_limit}' instead."
            raise ApiError(400, msg, param="limit", code="invalid_type") from None
        if not 1 <= limit <= 100:
            msg = f"Invalid 'limit': expected a value from 1 to 100, but got {limit} instead."
            raise ApiError(400, msg, param="limit", code="integer_out_of_range")
    order = single(query, "order") or "desc"
    if order not in ("asc", "desc"):
        msg = f"Invalid value for 'order': expected 'asc' or 'desc', but got '{order}'."
        raise ApiError(400, msg, param="order", code="invalid_value")
    ordered = list(items) if order == "asc" else list(reversed(items))
    ids = [item["id"] for item in ordered]
    start, end = 0, len(ordered)
    after, before = single(query, "after"), single(query, "before")
    for name, cursor in (("after", after), ("before", before)):
        if cursor is not None and cursor not in ids:
            msg = f"Invalid '{name}': no object with id '{cursor}' in this list."
            raise ApiError(400, msg, param=name)
    if after is not None:
        start = ids.index(after) + 1
    if before is not None:
        end = ids.index(before)
    window = ordered[start:end] if start < end else []
    page = window[-limit:] if before is not None and after is None else window[:limit]
    return {
        "object": "list",
        "data": page,
        "first_id": page[0]["id"] if page else None,
        "last_id": page[-1]["id"] if page else None,
        "has_more": len(window) > len(page),
    }
