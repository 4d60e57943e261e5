"""Bar chart geometry (open_data.charts): pure, no database."""

from __future__ import annotations

import pytest

from open_data.charts import HEIGHT, Label, Series, bar_chart, nice_step


def _chart(values_a: list[float], values_b: list[float] | None = None):
    labels = [Label(name=f"mes {i}", lines=(f"m{i}",)) for i in range(len(values_a))]
    series = [Series("Recibidos", values_a)]
    if values_b is not None:
        series.append(Series("Decididos", values_b))
    return bar_chart(
        slug="c",
        title="T",
        description="D",
        categories=labels,
        series=series,
        number=lambda v: f"{v:g}",
    )


@pytest.mark.parametrize(
    ("maximum", "step"), [(0, 1), (6, 2), (7, 2), (10, 2), (11, 5), (480, 100), (12345, 5000)]
)
def test_ticks_step_by_one_two_or_five_times_a_power_of_ten(maximum, step) -> None:
    assert nice_step(maximum) == step


def test_bars_are_proportional_to_their_values_and_start_at_the_axis() -> None:
    chart = _chart([10, 40], [5, 0])

    assert len(chart.bars) == 4
    received, decided = chart.bars[2], chart.bars[3]  # the second month
    assert received.height == pytest.approx(chart.plot_bottom - chart.plot_top)  # 40 = top tick
    assert decided.height == 0
    first = chart.bars[0]
    assert first.height == pytest.approx(received.height / 4)
    for bar in chart.bars:
        assert bar.y + bar.height == pytest.approx(chart.plot_bottom)
        assert chart.plot_left <= bar.x and bar.x + bar.width <= chart.plot_right
    assert [tick.label for tick in chart.ticks] == ["0", "10", "20", "30", "40"]
    assert chart.ticks[0].y == chart.plot_bottom < HEIGHT
    assert first.tooltip == "Recibidos, mes 0: 10"
    assert (first.series, decided.series) == (0, 1)


def test_groups_do_not_overlap() -> None:
    chart = _chart([1, 2, 3], [3, 2, 1])

    edges = sorted((bar.x, bar.x + bar.width) for bar in chart.bars)
    for (_start, end), (next_start, _end) in zip(edges, edges[1:], strict=False):
        assert end <= next_start + 0.011  # coordinates are rounded to 0.01


def test_small_counts_get_whole_number_ticks() -> None:
    chart = _chart([1, 2])

    assert [tick.label for tick in chart.ticks] == ["0", "1", "2"]


def test_a_series_must_have_one_value_per_category() -> None:
    with pytest.raises(ValueError, match="has 1 values"):
        _chart([1, 2], [1])
