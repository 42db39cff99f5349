"""citeproc-js, the reference CSL processor, run in-process in embedded V8 (mini-racer).

What was measured shapes this module (docs/benchmarks.md has the numbers): a built engine renders an
entry far faster than one is built, APA's engine costs the most time and V8 heap by far (IEEE, MLA and
Vancouver a small part of it), a mini-racer context is not thread-safe, and an unbounded set of engines
once ran V8 out of memory and killed the process. So:

- each worker process has one context, created on first use with a hard memory limit, so running out of
  heap raises `JSOOMException` instead of aborting the process; its lock lets one thread use it at a time,
  so threads of a worker (and the warm-up thread) share the engines instead of each paying APA's heap;
- a context holds a bounded LRU of engines keyed by (independent style, locale), each built with the
  locale forced over the style's `default-locale`; evicted engines are dropped and their heap collected.
  The bound is a count and a byte budget: engines differ fifty-fold in size (a small style against APA),
  so after a build takes the heap past CITATION_ENGINE_BUDGET_MB the least recently used engines are
  dropped until it fits again;
- every call into V8 has a time limit. An engine that throws or hangs is dropped (the next request builds
  it again); a context that ran out of memory or stopped answering is replaced whole. The request gets
  `EngineFailed` (503), except a style citeproc-js cannot build, which is the reader's `StyleNotUsable`
  (400); the engines already built are unharmed.
"""

from __future__ import annotations

import atexit
import functools
import logging
import os
import re
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.utils.translation import gettext
from py_mini_racer import JSEvalException, JSOOMException, JSTimeoutException, MiniRacer

from . import locales
from .errors import EngineFailed, StyleNotUsable
from .styles import Style

log = logging.getLogger(__name__)
T = TypeVar("T")

JS_DIR = Path(__file__).resolve().parent / "js"
CITEPROC_JS = JS_DIR / "node_modules" / "citeproc" / "citeproc_commonjs.js"
GLUE_JS = JS_DIR / "samla-citeproc.js"

OUTPUT_FORMATS = ("html", "text", "asciidoc", "rtf")
STYLE_ERROR = "[CSL STYLE ERROR: "  # what citeproc-js prints for an entry a style cannot form
ENTRIES_PER_TIMEOUT = 10  # a call rendering many entries gets the render time limit per this many

# Defaults of the settings that tune the engine pool (docs/citations.md).
DEFAULTS = {
    "CITATION_ENGINES_PER_THREAD": 12,
    "CITATION_ENGINE_BUDGET_MB": 64,
    "CITATION_MEMORY_LIMIT_MB": 1024,
    "CITATION_BUILD_TIMEOUT": 20.0,
    "CITATION_RENDER_TIMEOUT": 5.0,
}


def option(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])


def _locked(method: Callable[..., T]) -> Callable[..., T]:
    """Run a Processor method holding its lock: one thread at a time in the V8 context."""

    @functools.wraps(method)
    def wrapper(self: Processor, *args: Any, **kwargs: Any) -> T:
        with self.lock:
            return method(self, *args, **kwargs)

    return wrapper


@dataclass
class Stats:
    """What a processor has done, for tests, benchmarks and operations."""

    contexts: int = 0
    builds: int = 0
    renders: int = 0
    evictions: int = 0
    failures: int = 0


class Processor:
    """One V8 context with citeproc-js loaded and a bounded LRU of engines. A mini-racer context is not
    thread-safe, so every public operation holds the processor's lock. `processor()` gives the worker's."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.lock = threading.RLock()
        self.stats = Stats()
        self._ctx: MiniRacer | None = None
        self._engines: OrderedDict[tuple[str, str], None] = OrderedDict()

    # -- the public operations --------------------------------------------------------------------------

    @_locked
    def render(self, style: Style, locale: str, item: dict, output: str) -> str:
        """`item` (CSL-JSON) as one bibliography entry of `style` in `locale`, in `output` format."""
        text = self._call_render(style, locale, "SAMLA.render", item, output)
        text = _tidy(text, output)
        if STYLE_ERROR in text:
            raise StyleNotUsable(
                gettext("Citation style %(style)s printed nothing for this record (citeproc-js: %(detail)s)")
                % {"style": repr(style.id), "detail": text.split(STYLE_ERROR, 1)[1].split("]")[0]},
                style=style.id,
            )
        return text

    @_locked
    def render_many(
        self, style: Style, locale: str, items: list[dict], output: str, *, first_number: int = 0
    ) -> list[str]:
        """Each item as its own entry, in one call into V8 (a bibliography is rendered chunk by chunk).
        A numbered style numbers the entries from `first_number` when it is > 0. An entry the style cannot
        form keeps citeproc-js's `[CSL STYLE ERROR: …]` text, so one odd record does not end a download."""
        if not items:
            return []
        timeout = option("CITATION_RENDER_TIMEOUT") * max(1.0, len(items) / ENTRIES_PER_TIMEOUT)
        texts = self._call_render(
            style, locale, "SAMLA.renderEach", items, output, first_number, timeout=timeout
        )
        return [_tidy(text, output) for text in texts]

    @_locked
    def is_numbered(self, style: Style, locale: str) -> bool:
        """Whether the style's entries carry a citation number ([1], 1.), which depends on the position."""
        key = self.ensure_engine(style, locale)
        return bool(self._context().call("SAMLA.numbered", _key(key)))

    @_locked
    def ensure_engine(self, style: Style, locale: str) -> tuple[str, str]:
        """Build the engine for (style, locale) unless this processor has it; returns its key."""
        key = (style.engine_id, locale)
        if key in self._engines:
            self._engines.move_to_end(key)
            return key
        ctx = self._context()
        try:
            ctx.call(
                "SAMLA.build", _key(key), style.xml, locale, timeout_sec=option("CITATION_BUILD_TIMEOUT")
            )
        except (JSOOMException, JSTimeoutException) as exc:
            self._fail(key, exc)
            raise EngineFailed(
                f"Building the citation engine for style {style.id!r} ({locale}) failed and the engine "
                f"pool has been restarted: {_reason(exc)}",
                style=style.id,
                locale=locale,
            ) from exc
        except JSEvalException as exc:
            self._drop(key)
            raise StyleNotUsable(
                f"Citation style {style.id!r} could not be used: {_reason(exc)}", style=style.id
            ) from exc
        self.stats.builds += 1
        self._engines[key] = None
        self._make_room(key)
        return key

    def _make_room(self, built: tuple[str, str]) -> None:
        """Drop the least recently used engines past the pool's size, then past its heap budget. Dropping
        runs JavaScript too, and a heap that earlier renders filled can run out there: the context is then
        replaced as after a failed build, and EngineFailed says so (the warm-up builds again in the fresh
        context)."""
        try:
            while len(self._engines) > option("CITATION_ENGINES_PER_THREAD"):
                self._drop(next(iter(self._engines)))
                self.stats.evictions += 1
            self._fit_budget()
        except JSOOMException as exc:
            self._fail(built, exc)
            raise EngineFailed(
                f"Making room for another citation engine failed and the engine pool has been "
                f"restarted: {_reason(exc)}"
            ) from exc

    def engine_keys(self) -> list[tuple[str, str]]:
        """The (style, locale) engines this processor holds, least recently used first."""
        return list(self._engines)

    @_locked
    def heap_used(self) -> int:
        return _heap_used(self._context())

    @_locked
    def close(self) -> None:
        if self._ctx is not None:
            self._ctx.close()
        self._ctx = None
        self._engines.clear()

    # -- the context and its failures ---------------------------------------------------------------------

    def _call_render(
        self,
        style: Style,
        locale: str,
        function: str,
        items: Any,
        output: str,
        *extra: Any,
        timeout: float | None = None,
    ) -> Any:
        """Call a rendering function of the glue with the engine for (style, locale); an engine that throws
        or hangs is replaced and the caller gets EngineFailed."""
        if output not in OUTPUT_FORMATS:
            raise ValueError(f"unknown output format {output!r}")
        key = self.ensure_engine(style, locale)
        try:
            result = self._context().call(
                function,
                _key(key),
                items,
                output,
                *extra,
                timeout_sec=timeout or option("CITATION_RENDER_TIMEOUT"),
            )
        except JSEvalException as exc:
            self._fail(key, exc)
            raise EngineFailed(
                f"The citation engine failed on style {style.id!r} ({locale}) and has been restarted: "
                f"{_reason(exc)}",
                style=style.id,
                locale=locale,
            ) from exc
        self.stats.renders += 1
        return result

    def _context(self) -> MiniRacer:
        if self._ctx is None:
            if not CITEPROC_JS.is_file():
                raise EngineFailed(
                    "citeproc-js is not installed: run `make` (npm ci --prefix src/samla/citations/js)."
                )
            ctx = MiniRacer()
            limit = option("CITATION_MEMORY_LIMIT_MB") * 1024 * 1024
            ctx.set_hard_memory_limit(limit)
            ctx.set_soft_memory_limit(limit * 3 // 4)
            ctx.eval(
                "var module = {exports: {}}; var exports = module.exports;\n"
                + CITEPROC_JS.read_text("utf-8")
                + "\nvar CSL = module.exports;"
            )
            ctx.eval(GLUE_JS.read_text("utf-8"))
            ctx.call("SAMLA.addLocales", locales.locale_xml())
            self._ctx = ctx
            self.stats.contexts += 1
            _open.add(self)
        return self._ctx

    def _fit_budget(self) -> None:
        """Drop the least recently used engines while the heap holds more than CITATION_ENGINE_BUDGET_MB
        (the engine just built is kept). The heap is measured after a full collection, so the figure is
        what the engines hold, not garbage; the collection is paid only when the heap is over budget."""
        budget = option("CITATION_ENGINE_BUDGET_MB") * 1024 * 1024
        ctx = self._context()
        if _heap_used(ctx) <= budget:
            return
        ctx.low_memory_notification()
        while len(self._engines) > 1 and _heap_used(ctx) > budget:
            self._drop(next(iter(self._engines)))
            self.stats.evictions += 1
            ctx.low_memory_notification()

    def _drop(self, key: tuple[str, str]) -> None:
        self._engines.pop(key, None)
        if self._ctx is not None:
            self._ctx.call("SAMLA.drop", _key(key), timeout_sec=option("CITATION_RENDER_TIMEOUT"))

    def _fail(self, key: tuple[str, str], exc: Exception) -> None:
        """Replace what failed: the engine, or the whole context when it is out of memory or unresponsive."""
        self.stats.failures += 1
        log.warning("citation engine %s failed: %s", key, _reason(exc))
        if isinstance(exc, JSOOMException) or (self._ctx and self._ctx.was_hard_memory_limit_reached()):
            self.close()
            return
        try:
            self._drop(key)
        except JSEvalException:
            self.close()


_worker: Processor | None = None
_worker_lock = threading.Lock()
_open: weakref.WeakSet[Processor] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    """Close every context before the interpreter exits: a V8 context left to be collected during
    interpreter teardown hangs the exit (a server worker would then ignore its shutdown)."""
    for proc in list(_open):
        if proc.pid == os.getpid():  # a forked child leaves its parent's context alone
            proc.close()


def processor() -> Processor:
    """This worker process's processor (created on first use). A process forked after building one (a
    server preloading the app) gets its own: V8's threads do not survive a fork."""
    global _worker
    with _worker_lock:
        if _worker is None or _worker.pid != os.getpid():
            _worker = Processor()
        return _worker


def render(style: Style, locale: str, item: dict, output: str) -> str:
    return processor().render(style, locale, item, output)


def render_many(
    style: Style, locale: str, items: list[dict], output: str, *, first_number: int = 0
) -> list[str]:
    return processor().render_many(style, locale, items, output, first_number=first_number)


def is_numbered(style: Style, locale: str) -> bool:
    return processor().is_numbered(style, locale)


def warm_up(styles: list[Style], locale_codes: list[str]) -> None:
    """Build the engines for these styles × locales now (e.g. at worker start), so the first reader does
    not wait for APA's build. The lock is taken per engine, so requests are served between builds. A
    build that fails for lack of memory (many engines of other styles already built) restarts the pool,
    and the builds are done once more in the fresh one."""
    try:
        _build_all(styles, locale_codes)
    except EngineFailed:  # out of memory or time with the engines already built: the pool restarted
        _build_all(styles, locale_codes)  # with a fresh heap; one more try, which raises if it fails too


def _build_all(styles: list[Style], locale_codes: list[str]) -> None:
    proc = processor()
    for style in styles:
        for code in locale_codes:
            proc.ensure_engine(style, code)


def _heap_used(ctx: MiniRacer) -> int:
    return int(ctx.heap_stats()["used_heap_size"])


def _key(key: tuple[str, str]) -> str:
    return f"{key[0]}|{key[1]}"


def _reason(exc: Exception) -> str:
    if isinstance(exc, JSTimeoutException):
        return "it did not finish in time"
    if isinstance(exc, JSOOMException):
        return "it ran out of memory"
    lines = str(exc).strip().splitlines()
    return re.sub(r"^(<anonymous>|undefined):\d+: ", "", lines[0])[:300] if lines else type(exc).__name__


def _tidy(text: Any, output: str) -> str:
    """The bare entry: citeproc-js's indentation and trailing line break removed."""
    if not isinstance(text, str):
        return ""
    return text.strip() if output != "rtf" else text.strip("\r\n ")
