"""Bar charts drawn by the portal: the geometry here, the SVG in templates/open_data/.

Pure functions (no database, no clock): the figures and their labels come in, coordinates come
out. Every chart has a title and a description for assistive technology, and the page shows
its data table next to it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 16, 52  # margins around the plot area


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    tooltip: str


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Category:
    x: float
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Label:
    """A category's name in full (for tooltips) and as the lines drawn under its bars."""

    name: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]


@dataclass(frozen=True)
class BarChart:
    slug: str
    title: str
    description: str
    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    series: tuple[str, ...]
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    categories: tuple[Category, ...]

    @property
    def tick_x(self) -> float:
        """Where the value labels end, just left of the plot."""
        return self.plot_left - 8


def nice_step(maximum: float, *, ticks: int = 5) -> float:
    """A round step (1, 2 or 5 times a power of ten) that covers `maximum` in about `ticks`."""
    if maximum <= 0:
        return 1.0
    raw = maximum / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return float(factor * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def bar_chart(
    *,
    slug: str,
    title: str,
    description: str,
    categories: Sequence[Label],
    series: Sequence[Series],
    number: Callable[[float], str],
) -> BarChart:
    """Grouped vertical bars: one group per category, one bar per series, from zero up."""
    for one in series:
        if len(one.values) != len(categories):
            raise ValueError(f"series {one.name!r} has {len(one.values)} values")
    plot_left, plot_right = float(LEFT), float(WIDTH - RIGHT)
    plot_top, plot_bottom = float(TOP), float(HEIGHT - BOTTOM)
    maximum = max((value for one in series for value in one.values), default=0)
    step = max(nice_step(maximum), 1.0)  # counts: no tick between two whole numbers
    top_value = max(step, math.ceil(maximum / step) * step)

    def y_of(value: float) -> float:
        return plot_bottom - (plot_bottom - plot_top) * value / top_value

    ticks = tuple(
        Tick(y=round(y_of(i * step), 2), label=number(i * step))
        for i in range(int(round(top_value / step)) + 1)
    )
    group = (plot_right - plot_left) / max(len(categories), 1)
    bar_width = group * 0.8 / max(len(series), 1)
    bars, labels = [], []
    for index, label in enumerate(categories):
        start = plot_left + group * index + group * 0.1
        labels.append(Category(x=round(plot_left + group * (index + 0.5), 2), lines=label.lines))
        for number_of_series, one in enumerate(series):
            value = one.values[index]
            y = y_of(value)
            bars.append(
                Bar(
                    x=round(start + bar_width * number_of_series, 2),
                    y=round(y, 2),
                    width=round(bar_width, 2),
                    height=round(plot_bottom - y, 2),
                    series=number_of_series,
                    tooltip=f"{one.name}, {label.name}: {number(value)}",
                )
            )
    return BarChart(
        slug=slug,
        title=title,
        description=description,
        width=WIDTH,
        height=HEIGHT,
        plot_left=plot_left,
        plot_right=plot_right,
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        series=tuple(one.name for one in series),
        bars=tuple(bars),
        ticks=ticks,
        categories=tuple(labels),
    )
