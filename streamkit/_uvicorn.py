"""uvicorn on a socket of our own, in a background thread: the mock server's and the web view's.

Both bind their socket first (so that a port in use is an ``OSError`` before any thread
starts, and port 0 gives a free one whose number is known), then hand it to uvicorn. Only
those two import this module (the ``mock`` and ``web`` extras bring uvicorn).
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any, Literal

import uvicorn

__all__ = ["listening_socket", "serve_in_thread", "server_config"]

#: How long :func:`serve_in_thread` waits for uvicorn to start, in seconds.
START_TIMEOUT = 10.0


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket listening on ``host``:``port`` (``0``: a free port), for uvicorn to serve.

    Raises:
        OSError: the address cannot be bound (e.g. the port is in use).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio turns Nagle off (TCP_NODELAY) on the connections it accepts
    # only for a socket that names its protocol. With Nagle on, a response's body write waits
    # for the ACK of its header write, which the client delays: 40 ms per request on Linux.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        # Listening now: a client that connects before uvicorn runs waits in the backlog.
        sock.listen(128)
    except OSError:
        sock.close()  # e.g. the port is in use: no socket is left to the GC
        raise
    return sock


def server_config(app: Any, lifespan: Literal["on", "off"]) -> uvicorn.Config:
    """uvicorn's configuration for ``app``: h11, no websockets, no logging set-up of its own
    (the program's stays), no access log, and one second of graceful shutdown."""
    return uvicorn.Config(
        app,
        log_config=None,
        access_log=False,
        lifespan=lifespan,
        http="h11",
        ws="none",
        timeout_graceful_shutdown=1,
    )


def serve_in_thread(
    server: uvicorn.Server, sock: socket.socket, name: str, what: str
) -> threading.Thread:
    """Run ``server`` on ``sock`` in a daemon thread named ``name``; the thread, once started.

    Raises:
        RuntimeError: "the ``what`` did not start" (the thread died, or START_TIMEOUT passed);
            the server is told to exit and the socket is closed.
    """
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=name, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            thread.join(5)
            sock.close()
            msg = f"the {what} did not start"
            raise RuntimeError(msg)
        time.sleep(0.005)
    return thread
