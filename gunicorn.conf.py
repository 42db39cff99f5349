"""gunicorn's settings for Samla, read from the working directory by `make run` (and so by the end-to-end
tests and the benchmarks, which start gunicorn here). docs/operations.md explains the choice.

The worker model is threads (gthread): each of `workers` processes answers `threads` requests at once, so a
request that streams a long list, waits for the database or renders a bibliography holds one thread, not a
whole process. The routes whose work grows with a list or a search (searches, feeds, OAI-PMH, list exports
and bibliographies) have `SAMLA_HEAVY_THREADS` threads of their own in each process and queue for them
(samla.core.workers), so the record pages never wait behind them for a thread. Every list answer is
bounded (SAMLA_STREAM_MAX_RECORDS, SAMLA_CITE_MAX_RECORDS, SAMLA_STREAM_SECONDS); larger ones are
background jobs in `samla jobs worker`, a process of its own.
"""

import ctypes
import os

wsgi_app = "samla.wsgi"
worker_class = "samla.core.workers.RoutedThreadWorker"
workers = int(os.environ.get("SAMLA_WORKERS", "2"))
threads = int(os.environ.get("SAMLA_THREADS", "8"))
# A gthread worker's timeout watches the process's own loop, not a request: a stuck request is cut by the
# limits above, not by killing the worker and every request in it.
timeout = 60
graceful_timeout = 30
# The last guard for memory (the citation engines have a byte budget of their own): a worker is replaced,
# once it has finished its requests, after this many, give or take a tenth so they are not all replaced
# at once.
max_requests = int(os.environ.get("SAMLA_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
# glibc gives each thread that allocates at once an arena of its own (up to eight per core), and memory
# freed in one is not reused by another, so a threaded worker's resident memory creeps up with its
# threads; two arenas hold it while the GIL lets one thread run Python at a time anyway
# (docs/reliability.md). SAMLA_MALLOC_ARENAS=0 leaves glibc's default.
_MALLOC_ARENAS = int(os.environ.get("SAMLA_MALLOC_ARENAS", "2"))


def post_fork(server, worker) -> None:
    """Cap the worker's malloc arenas before its threads start (glibc only; elsewhere nothing to do)."""
    if _MALLOC_ARENAS <= 0:
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.mallopt(_M_ARENA_MAX, _MALLOC_ARENAS)


_M_ARENA_MAX = -8  # glibc's malloc.h
