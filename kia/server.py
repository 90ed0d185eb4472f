"""gunicorn's threaded worker, with a deadline for reading each request.

A thread of gunicorn's ``gthread`` worker reads a request until it is whole; a client that
sends a byte every few seconds holds that thread as long as it likes, and ``timeout`` does
not cut it (that is the worker's heartbeat, which the main thread keeps beating). Twenty
such clients hold every thread of every process.

Here a thread is given only to a request whose line and headers have all arrived: the
main thread gathers heads with its poller, as it already waits for kept connections, and
closes a connection whose head has not come within ``header_timeout`` (20 s). A byte every
two seconds thus holds no thread at all, and is cut after 20 s.

The body is read by the thread, at a minimum pace, as Apache's mod_reqtimeout asks: it may
take ``grace`` seconds, plus one second for every ``min_rate`` bytes it has sent. A form
(a few kilobytes) thus has about 20 s; a 50 MB upload at 1 Mbit/s has all the time it
needs; a body trickled in a byte at a time is cut after about 20 s. The connection is then
closed (a ``NoMoreData``, as when the client goes away; while Django reads a body the view
sees an unreadable body and answers 400). Writing the answer has its own limit:
``send_timeout`` seconds for each chunk the client does not take.

Behind nginx (``deploy/nginx.conf``) the proxy reads whole requests first and none of this
comes into play; it is the app's own defence when it is reached directly.
"""

from __future__ import annotations

import contextlib
import errno
import math
import os
import selectors
import socket
import time
from collections import deque
from collections.abc import Callable
from functools import partial
from typing import Any

from gunicorn.http.errors import NoMoreData
from gunicorn.workers.gthread import TConn, ThreadWorker

HEAD_END = b"\r\n\r\n"


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


class Deadline:
    """How long the request being read may still take."""

    def __init__(self, grace: float, min_rate: float, clock: Callable[[], float]) -> None:
        self.grace, self.min_rate, self.clock = grace, min_rate, clock
        self.restart()

    def restart(self) -> None:
        """A new request on the connection: its own allowance."""
        self.started, self.received = self.clock(), 0

    def remaining(self) -> float:
        return self.started + self.grace + self.received / self.min_rate - self.clock()


class DeadlineSocket:
    """A client socket whose reads stop at the request's deadline; everything else is the
    socket's own."""

    def __init__(self, sock: socket.socket, deadline: Deadline, send_timeout: float) -> None:
        self._sock, self.deadline, self.send_timeout = sock, deadline, send_timeout

    def recv(self, size: int, *flags: int) -> bytes:
        remaining = self.deadline.remaining()
        if remaining <= 0:
            raise NoMoreData(b"")  # too slow: closed like a client that left
        self._sock.settimeout(remaining)
        try:
            data = self._sock.recv(size, *flags)
        except TimeoutError:
            raise NoMoreData(b"") from None
        self.deadline.received += len(data)
        return data

    def sendall(self, data: Any, *flags: int) -> None:
        self._sock.settimeout(self.send_timeout)
        self._sock.sendall(data, *flags)

    def send(self, data: Any, *flags: int) -> int:
        self._sock.settimeout(self.send_timeout)
        return self._sock.send(data, *flags)

    def sendfile(self, file: Any, offset: int = 0, count: int | None = None) -> int:
        self._sock.settimeout(self.send_timeout)
        return self._sock.sendfile(file, offset, count)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class DeadlineThreadWorker(ThreadWorker):
    """``gthread``, but a thread is given only to a request whose head has arrived.

    The main thread's poller gathers the request line and headers of every new connection
    (and of the next request on a kept connection) without blocking; a head that is not
    complete within ``GUNICORN_HEADER_TIMEOUT`` seconds is closed there. The thread then
    reads the body under the reading deadline (``GUNICORN_REQUEST_GRACE`` seconds plus a
    second per ``GUNICORN_REQUEST_MIN_RATE`` bytes) and writes the answer with
    ``GUNICORN_SEND_TIMEOUT`` seconds for each chunk. TLS served by gunicorn itself keeps
    gunicorn's own way (the handshake needs a thread); TLS belongs to the proxy.
    """

    header_timeout = _float("GUNICORN_HEADER_TIMEOUT", 20.0)
    grace = _float("GUNICORN_REQUEST_GRACE", 20.0)
    min_rate = _float("GUNICORN_REQUEST_MIN_RATE", 500.0)
    send_timeout = _float("GUNICORN_SEND_TIMEOUT", 30.0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.gathering: deque[Any] = deque()  # connections whose head is on its way

    # --- the main thread: gather heads ------------------------------------------------------

    def accept(self, listener: socket.socket) -> None:
        if self.cfg.is_ssl:
            return super().accept(listener)
        try:
            client, address = listener.accept()
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return None
        self.nr_conns += 1
        self._gather(TConn(self.cfg, client, address, listener.getsockname()))
        return None

    def on_client_socket_readable(self, conn: Any, client: Any) -> None:
        """The next request on a kept connection: its head is gathered like a new one's."""
        if self.cfg.is_ssl:
            return super().on_client_socket_readable(conn, client)
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._gather(conn)
        return None

    def _gather(self, conn: Any) -> None:
        conn.head = bytearray()
        conn.timeout = time.monotonic() + self.header_timeout
        _raw(conn.sock).setblocking(False)
        self.gathering.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_head_data, conn))

    def _on_head_data(self, conn: Any, _fileobj: Any) -> None:
        try:
            data = _raw(conn.sock).recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        conn.head += data
        if data and HEAD_END not in conn.head and len(conn.head) <= self._largest_head():
            return  # more to come
        self.poller.unregister(conn.sock)
        self.gathering.remove(conn)
        if not data:  # the client left
            self.nr_conns -= 1
            conn.close()
            return
        conn.data_ready = True
        self.enqueue_req(conn)

    def _largest_head(self) -> int:
        cfg = self.cfg
        return cfg.limit_request_line + cfg.limit_request_fields * cfg.limit_request_field_size

    def murder_pending(self) -> None:
        """Also close the connections whose head did not come in time."""
        super().murder_pending()
        self._close_gathering(time.monotonic())

    def murder_keepalived(self, force: bool = False) -> None:
        super().murder_keepalived(force)
        if force:
            self._close_gathering(math.inf)

    def _close_gathering(self, now: float) -> None:
        while self.gathering and self.gathering[0].timeout <= now:
            conn = self.gathering.popleft()
            with contextlib.suppress(OSError, KeyError, ValueError):
                self.poller.unregister(conn.sock)
            self.nr_conns -= 1
            conn.close()

    # --- a thread: the request whose head is here -------------------------------------------

    def handle(self, conn: Any) -> Any:
        if self.cfg.is_ssl:
            return super().handle(conn)
        if not isinstance(conn.sock, DeadlineSocket):
            deadline = Deadline(self.grace, self.min_rate, time.monotonic)
            conn.sock = DeadlineSocket(conn.sock, deadline, self.send_timeout)
        conn.sock.deadline.restart()
        head, conn.head = getattr(conn, "head", None), None
        if head:
            conn.sock.setblocking(True)
            conn.init()  # the parser, reading from the deadline socket
            conn.parser.unreader.unread(bytes(head))
        return super().handle(conn)


def _raw(sock: Any) -> socket.socket:
    return sock._sock if isinstance(sock, DeadlineSocket) else sock
