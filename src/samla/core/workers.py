"""The gunicorn worker Samla runs (gunicorn.conf.py): gthread with a thread pool of its own for heavy routes.

In a plain gthread worker every request waits in one first-come queue for one pool of threads, so under
load a record page waits behind every search, OAI-PMH page and list export that arrived before it, and
while they run, their threads take the process's interpreter lock from it. This worker reads the request
line before a thread is chosen (a peek: the bytes stay on the socket for gunicorn's parser) and sends the
routes whose work grows with a list or a search — searches, feeds, OAI-PMH, list exports and
bibliographies — to a small pool of their own (SAMLA_HEAVY_THREADS). They queue there, holding no thread,
and the other threads stay free for pages, single records and static files, which are answered at once.

A new connection whose request has not arrived yet is parked in gunicorn's poller until it has, so its
route is known too; a request that cannot be peeked (TLS at gunicorn, bytes already read by the parser)
goes to the page pool, as in plain gthread.
"""

from __future__ import annotations

import os
import re
import selectors
import socket
import time
from concurrent import futures
from functools import partial

from gunicorn.workers.gthread import ThreadWorker

# Routes whose work grows with a list or a search; everything else is a page of one thing or a file.
HEAVY_ROUTES = re.compile(
    rb"^(?:/api)?/search(?:/|$|\?)|^/oai(?:/|$|\?)|^/(?:person|organisation|journal)/[^/?]+/(?:export|cite)"
)
REQUEST_LINE = re.compile(rb"^[A-Z]+ ([^ ?]*)")
PEEK_BYTES = 512


def heavy_threads() -> int:
    """The threads a worker gives heavy routes (SAMLA_HEAVY_THREADS)."""
    return max(1, int(os.environ.get("SAMLA_HEAVY_THREADS", "2")))


def is_heavy(head: bytes) -> bool:
    """Whether the request that starts with `head` (its request line at least) is for a heavy route."""
    line = REQUEST_LINE.match(head)
    return bool(line and HEAVY_ROUTES.match(line.group(1)))


def peek(sock: socket.socket) -> bytes | None:
    """The first bytes waiting on `sock`, left there; None while none have arrived, b"" when the client
    has closed it."""
    try:
        return sock.recv(PEEK_BYTES, socket.MSG_PEEK | socket.MSG_DONTWAIT)
    except (BlockingIOError, InterruptedError):
        return None
    except OSError:
        return b""  # a broken connection: the page pool's thread reads the error and closes it


class RoutedThreadWorker(ThreadWorker):
    """gthread, with heavy routes answered by a thread pool of their own (see the module's docstring)."""

    def init_process(self) -> None:
        self.heavy_pool = futures.ThreadPoolExecutor(heavy_threads(), thread_name_prefix="heavy")
        super().init_process()

    def enqueue_req(self, conn) -> None:
        head = b"" if conn.parser and conn.parser.unreader.buf.getvalue() else peek(conn.sock)
        if head is None and not conn.initialized and not conn.data_ready and self.alive:
            self._park(conn)
            return
        pool = self.heavy_pool if head and is_heavy(head) else self.tpool
        future = pool.submit(self.handle, conn)
        future.add_done_callback(lambda f: self.method_queue.defer(self.finish_request, conn, f))

    def _park(self, conn) -> None:
        """Wait in the poller for the new connection's first bytes, as gunicorn waits for a slow client."""
        conn.sock.setblocking(False)
        conn.timeout = time.monotonic() + self.cfg.keepalive
        self.pending_conns.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn))

    def handle_quit(self, sig, frame) -> None:
        self.heavy_pool.shutdown(wait=False)
        super().handle_quit(sig, frame)

    def run(self) -> None:
        try:
            super().run()
        finally:
            self.heavy_pool.shutdown(wait=False)
