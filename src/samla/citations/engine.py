"""citeproc-js, the reference CSL processor, run in-process in embedded V8 (mini-racer).

What was measured shapes this module (docs/citations.md has the numbers): a built engine renders an entry in
a few milliseconds, building one costs up to ~2.5 s and ~45 MB of V8 heap (APA; 10–100 ms for IEEE, MLA,
Vancouver), a mini-racer context is not thread-safe, and an unbounded set of engines once ran V8 out of
memory and killed the process. So:

- each thread has its own context (`threading.local`), created on first use with a hard memory limit, so
  running out of heap raises `JSOOMException` instead of aborting the process;
- a context holds a bounded LRU of engines keyed by (independent style, locale), each built with the
  locale forced over the style's `default-locale`; evicted engines are dropped and their heap collected;
- every call into V8 has a time limit. An engine that throws or hangs is dropped (the next request builds
  it again); a context that ran out of memory or stopped answering is replaced whole. The request gets
  `EngineFailed` (503), except a style citeproc-js cannot build, which is the reader's `StyleNotUsable`
  (400); the engines already built are unharmed.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from py_mini_racer import JSEvalException, JSOOMException, JSTimeoutException, MiniRacer

from . import locales
from .errors import EngineFailed, StyleNotUsable
from .styles import Style

log = logging.getLogger(__name__)

JS_DIR = Path(__file__).resolve().parent / "js"
CITEPROC_JS = JS_DIR / "node_modules" / "citeproc" / "citeproc_commonjs.js"
GLUE_JS = JS_DIR / "samla-citeproc.js"

OUTPUT_FORMATS = ("html", "text", "asciidoc", "rtf")
STYLE_ERROR = "[CSL STYLE ERROR: "  # what citeproc-js prints for an entry a style cannot form

# Defaults of the settings that tune the engine pool (docs/citations.md).
DEFAULTS = {
    "CITATION_ENGINES_PER_THREAD": 12,
    "CITATION_MEMORY_LIMIT_MB": 1024,
    "CITATION_BUILD_TIMEOUT": 20.0,
    "CITATION_RENDER_TIMEOUT": 5.0,
}


def option(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])


@dataclass
class Stats:
    """What a thread's processor has done, for tests, benchmarks and operations."""

    contexts: int = 0
    builds: int = 0
    renders: int = 0
    evictions: int = 0
    failures: int = 0


class Processor:
    """One V8 context with citeproc-js loaded and a bounded LRU of engines. Not thread-safe: use
    `processor()`, which gives each thread its own."""

    def __init__(self) -> None:
        self.stats = Stats()
        self._ctx: MiniRacer | None = None
        self._engines: OrderedDict[tuple[str, str], None] = OrderedDict()

    # -- the public operations --------------------------------------------------------------------------

    def render(self, style: Style, locale: str, item: dict, output: str) -> str:
        """`item` (CSL-JSON) as one bibliography entry of `style` in `locale`, in `output` format."""
        if output not in OUTPUT_FORMATS:
            raise ValueError(f"unknown output format {output!r}")
        key = self.ensure_engine(style, locale)
        try:
            text = self._context().call(
                "SAMLA.render", _key(key), item, output, timeout_sec=option("CITATION_RENDER_TIMEOUT")
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
        text = _tidy(text, output)
        if STYLE_ERROR in text:
            raise StyleNotUsable(
                f"Citation style {style.id!r} printed nothing for this record "
                f"(citeproc-js: {text.split(STYLE_ERROR, 1)[1].split(']')[0]})",
                style=style.id,
            )
        return text

    def ensure_engine(self, style: Style, locale: str) -> tuple[str, str]:
        """Build the engine for (style, locale) unless this thread has it; returns its key."""
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
        while len(self._engines) > option("CITATION_ENGINES_PER_THREAD"):
            self._drop(next(iter(self._engines)))
            self.stats.evictions += 1
        return key

    def engine_keys(self) -> list[tuple[str, str]]:
        """The (style, locale) engines this thread holds, least recently used first."""
        return list(self._engines)

    def heap_used(self) -> int:
        return int(self._context().heap_stats()["used_heap_size"])

    def close(self) -> None:
        if self._ctx is not None:
            self._ctx.close()
        self._ctx = None
        self._engines.clear()

    # -- the context and its failures ---------------------------------------------------------------------

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
        return self._ctx

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


_local = threading.local()


def processor() -> Processor:
    """This thread's processor (created on first use)."""
    proc = getattr(_local, "processor", None)
    if proc is None:
        proc = _local.processor = Processor()
    return proc


def render(style: Style, locale: str, item: dict, output: str) -> str:
    return processor().render(style, locale, item, output)


def warm_up(styles: list[Style], locale_codes: list[str]) -> None:
    """Build the engines for these styles × locales in this thread now (e.g. at worker start), so the first
    reader does not wait for APA's build."""
    proc = processor()
    for style in styles:
        for code in locale_codes:
            proc.ensure_engine(style, code)


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
