"""Sans-IO descriptions of HTTP requests: what to send, not how.

Endpoints and stream flows describe each request as a :class:`Request`; the
sync and async transports (the I/O shells) are the only code that sends
them. That is how one description of every endpoint serves both clients.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

__all__ = ["RETRY_STATUSES", "Request"]

#: HTTP statuses after which sending the same request again may succeed
#: (timeouts, conflicts, rate limits, server errors).
RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})


@attrs.frozen(kw_only=True)
class Request:
    """One HTTP request, relative to the client's base URL.

    Attributes:
        method: ``GET``, ``POST`` or ``DELETE``.
        path: the path under the base URL, e.g. ``/threads/thread_1/runs``.
        params: the query parameters (a list value repeats the key), or None.
        body: the JSON body, or None for none.
        stream: whether the response is an event stream (sent with
            ``Accept: text/event-stream``, never retried: a run must not be
            created twice).
    """

    method: str
    path: str
    params: Mapping[str, Any] | None = None
    body: Any = None
    stream: bool = False
