"""Date arithmetic of fee and term rules: anniversaries, months, "the day before".

Offices count periods in calendar years and months from a start date. When the target
month has no such day (29 February in a common year, 31 in a 30-day month) the last day
of that month counts — the rule the issue states for CN, and what USPTO and EPO apply.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(start: date, months: int) -> date:
    """``start`` moved by ``months`` calendar months, clamped to the month's last day."""
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    if start.day <= 28:  # every month has the day: no calendar lookup
        return date(year, month0 + 1, start.day)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(start.day, last))


def add_years(start: date, years: int) -> date:
    """The ``years``-th anniversary of ``start``; 29 February becomes 28 February in a
    common year (the last day of the month)."""
    return add_months(start, 12 * years)


def day_before(day: date) -> date:
    """The day before ``day``: where a term runs "to the day before the anniversary"."""
    return day - timedelta(days=1)


def whole_years(start: date, end: date) -> int:
    """Whole years from ``start`` to ``end``: the largest n with the n-th anniversary of
    ``start`` on or before ``end`` (0 when ``end`` is before the first anniversary)."""
    if end < start:
        return 0
    years = end.year - start.year
    while years > 0 and add_years(start, years) > end:
        years -= 1
    return years


def whole_months(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (``add_months`` counted the same way)."""
    if end < start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return months


def year_containing(start: date, day: date) -> int:
    """The 1-based year counted from ``start`` that ``day`` falls in: year n runs from
    the (n-1)-th anniversary up to the day before the n-th."""
    return whole_years(start, day) + 1
