"""Which monitors are due at a time, given their schedule and last run (pure)."""

from __future__ import annotations

from datetime import datetime

import pytest

from patnav.errors import InvalidParameterError
from patnav.monitors.schedule import due_monitors, is_due, parse_cron, previous_moment

MON_0930 = datetime(2026, 12, 7, 9, 30)  # a Monday


def test_daily_and_weekly():
    assert previous_moment("daily", MON_0930) == datetime(2026, 12, 7)
    assert previous_moment("weekly", datetime(2026, 12, 10, 15, 0)) == datetime(
        2026, 12, 7
    )
    assert is_due("daily", None, MON_0930)
    assert is_due("daily", datetime(2026, 12, 6, 23, 59), MON_0930)
    assert not is_due("daily", datetime(2026, 12, 7, 0, 5), MON_0930)
    assert not is_due(
        "weekly", datetime(2026, 12, 7, 0, 0), datetime(2026, 12, 13, 23, 59)
    )
    assert is_due("weekly", datetime(2026, 12, 7, 0, 0), datetime(2026, 12, 14, 0, 0))


def test_manual_is_never_due():
    assert not is_due("manual", None, MON_0930)
    assert previous_moment("manual", MON_0930) is None


def test_cron_moments():
    # every Monday at 08:00
    assert previous_moment("0 8 * * 1", MON_0930) == datetime(2026, 12, 7, 8, 0)
    assert previous_moment("0 8 * * 1", datetime(2026, 12, 7, 7, 59)) == datetime(
        2026, 11, 30, 8, 0
    )
    # every six hours on the quarter
    assert previous_moment("15 */6 * * *", MON_0930) == datetime(2026, 12, 7, 6, 15)
    # the 1st and 15th at 12:00, weekdays 1-5 or not (both restricted: either matches)
    assert previous_moment("0 12 1,15 * *", MON_0930) == datetime(2026, 12, 1, 12, 0)
    assert previous_moment("0 12 15 * 0", MON_0930) == datetime(2026, 12, 6, 12, 0)
    # Sunday is 0 or 7
    assert previous_moment("0 0 * * 7", MON_0930) == datetime(2026, 12, 6, 0, 0)
    # 29 February only
    assert previous_moment("0 0 29 2 *", MON_0930) == datetime(2024, 2, 29, 0, 0)
    assert is_due("30 9 * * *", datetime(2026, 12, 7, 9, 29), MON_0930)
    assert not is_due("30 9 * * *", datetime(2026, 12, 7, 9, 30), MON_0930)


def test_due_monitors_keeps_order_and_picks_the_due():
    monitors = [
        ("a", "daily", datetime(2026, 12, 7, 1, 0)),
        ("b", "daily", datetime(2026, 12, 6, 1, 0)),
        ("c", "manual", None),
        ("d", "0 9 * * *", datetime(2026, 12, 6, 9, 0)),
        ("e", "weekly", None),
    ]
    assert due_monitors(monitors, MON_0930) == ["b", "d", "e"]


@pytest.mark.parametrize(
    "text",
    [
        "hourly",
        "0 8 * *",
        "60 * * * *",
        "* 24 * * *",
        "0 0 0 * *",
        "*/0 * * * *",
        "a b c d e",
    ],
)
def test_bad_schedules_are_refused_in_chinese(text):
    with pytest.raises(InvalidParameterError, match="监控周期"):
        parse_cron(text)
