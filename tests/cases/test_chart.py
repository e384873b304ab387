"""Cases by state over time, replayed day by day."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

from consular.cases.chart import DAYS, HEIGHT, _chart


def test_each_day_shows_the_states_at_its_end_including_changes_before_the_window() -> None:
    last = date(2025, 9, 11)
    first = last - timedelta(days=DAYS - 1)
    changes = [
        (first - timedelta(days=3), "c1", "reported"),  # before the window: still counted
        (date(2025, 9, 4), "c2", "reported"),
        (date(2025, 9, 4), "c3", "reported"),
        (date(2025, 9, 5), "c2", "located"),
        (date(2025, 9, 8), "c2", "consular_access"),
        (date(2025, 9, 10), "c3", "released"),
    ]
    chart = _chart(changes, first, last)
    by_day = {bar.day: {s.state: s.count for s in bar.segments} for bar in chart.bars}
    assert len(chart.bars) == DAYS and chart.peak == 3
    assert by_day[first] == {"reported": 1}
    assert by_day[date(2025, 9, 4)] == {"reported": 3}
    assert by_day[date(2025, 9, 5)] == {"reported": 2, "located": 1}
    assert by_day[date(2025, 9, 9)] == {"reported": 2, "consular_access": 1}
    assert by_day[last] == {"reported": 1, "consular_access": 1, "released": 1}
    # The tallest bar fills the height; segments stack without overlapping.
    tallest = next(bar for bar in chart.bars if bar.day == last)
    assert round(sum(s.height for s in tallest.segments), 2) == HEIGHT
    tops = sorted((s.y, s.y + s.height) for s in tallest.segments)
    assert all(a[1] <= b[0] + 0.01 for a, b in pairwise(tops))


def test_an_incident_without_cases_draws_no_bars() -> None:
    chart = _chart([], date(2025, 9, 1), date(2025, 9, 14))
    assert chart.peak == 0 and all(not bar.segments for bar in chart.bars)
