"""The record page's usage plot, laid out in Python and drawn by the template as inline SVG: downloads
and hits per month, no JavaScript. Pure geometry from a `RecordUsageSummary`'s months; no queries."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 240, 100
LEFT, RIGHT, TOP, BOTTOM = 24, 4, 6, 16


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    y_hits: float
    h_hits: float
    y_downloads: float
    h_downloads: float
    label: str
    downloads: int
    hits: int


@dataclass(frozen=True)
class UsagePlot:
    width: int
    height: int
    bars: list[Bar]
    top: int
    axis_y: float
    first_label: str
    last_label: str

    @classmethod
    def of(cls, months) -> UsagePlot | None:
        if not months:
            return None
        top = max(max(m.hits, m.downloads) for m in months) or 1
        inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
        step = inner_w / len(months)
        width = max(step * 0.8, 1.0)
        axis = TOP + inner_h
        bars = []
        for i, m in enumerate(months):
            h_hits = inner_h * m.hits / top
            h_down = inner_h * m.downloads / top
            bars.append(
                Bar(
                    x=round(LEFT + i * step + (step - width) / 2, 2),
                    width=round(width, 2),
                    y_hits=round(axis - h_hits, 2),
                    h_hits=round(h_hits, 2),
                    y_downloads=round(axis - h_down, 2),
                    h_downloads=round(h_down, 2),
                    label=f"{m.month:%Y-%m}",
                    downloads=m.downloads,
                    hits=m.hits,
                )
            )
        return cls(WIDTH, HEIGHT, bars, top, axis, bars[0].label, bars[-1].label)
