"""`make bench`: measure Samla against baselines taken in the same run, and write docs/benchmarks.md.

Each suite returns rows (what, figure, baseline, ratio, target). Absolute times drift with the machine;
the ratio to a baseline measured moments before on the same machine does not, so targets are read from
ratios where the issue states one.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
from pathlib import Path

from benchmarks import cite, downloads, exports, import_throughput, load, oai, record_page, search, stats

ROOT = Path(__file__).resolve().parents[1]
SUITES = [record_page, import_throughput, search, oai, stats, downloads, exports, cite, load]


def main() -> None:
    wanted = set(sys.argv[1:])
    sections = []
    for suite in SUITES:
        name = suite.__name__.rsplit(".", 1)[-1]
        if wanted and name not in wanted:
            continue
        print(f"== {name}", flush=True)
        sections.append(suite.run())
    write_report(sections)


def merged(sections: list[str]) -> list[str]:
    """The report's sections with these replacing the ones of the same heading, so running one suite
    (`make bench SUITES=record_page`) keeps the figures of the others."""
    path = ROOT / "docs" / "benchmarks.md"
    kept: dict[str, str] = {}
    if path.exists():
        for chunk in path.read_text(encoding="utf-8").split("\n## ")[1:]:
            kept[chunk.split("\n", 1)[0]] = "## " + chunk.rstrip() + "\n"
    for section in sections:
        kept[section.split("\n", 1)[0].removeprefix("## ")] = section
    return list(kept.values())


def write_report(sections: list[str]) -> None:
    sections = merged(sections)
    header = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.",
        "Every figure is measured in the same run as its baseline; quote ratios rather than absolute times.",
        "",
    ]
    report = "\n".join(header + sections) + "\n"
    (ROOT / "docs" / "benchmarks.md").write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
