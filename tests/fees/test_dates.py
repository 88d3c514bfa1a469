"""Calendar arithmetic of fee and term rules: anniversaries, months, whole years."""

from __future__ import annotations

from datetime import date

import pytest

from patnav.fees.dates import (
    add_months,
    add_years,
    day_before,
    whole_months,
    whole_years,
    year_containing,
)


@pytest.mark.parametrize(
    ("start", "years", "expected"),
    [
        (date(2015, 3, 10), 5, date(2020, 3, 10)),
        # 29 February: the last day of the month where the year has none
        (date(2016, 2, 29), 1, date(2017, 2, 28)),
        (date(2016, 2, 29), 4, date(2020, 2, 29)),
        (date(2012, 2, 29), 10, date(2022, 2, 28)),
    ],
)
def test_anniversaries_fall_on_the_last_day_when_the_day_is_missing(
    start, years, expected
):
    assert add_years(start, years) == expected


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2020, 1, 31), 1, date(2020, 2, 29)),
        (date(2021, 1, 31), 1, date(2021, 2, 28)),
        (date(2019, 8, 31), 6, date(2020, 2, 29)),
        (date(2020, 3, 10), 6, date(2020, 9, 10)),
        (date(2020, 11, 30), 3, date(2021, 2, 28)),
    ],
)
def test_months_clamp_to_the_end_of_the_month(start, months, expected):
    assert add_months(start, months) == expected


def test_whole_years_and_months_count_completed_periods():
    assert day_before(date(2022, 3, 1)) == date(2022, 2, 28)
    assert whole_years(date(2016, 2, 29), date(2017, 2, 27)) == 0
    assert whole_years(date(2016, 2, 29), date(2017, 2, 28)) == 1
    assert whole_years(date(2015, 3, 10), date(2015, 3, 9)) == 0
    assert whole_months(date(2020, 3, 10), date(2020, 4, 9)) == 0
    assert whole_months(date(2020, 3, 10), date(2020, 4, 10)) == 1


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2015, 3, 10), 1),
        (date(2016, 3, 9), 1),
        (date(2016, 3, 10), 2),
        (date(2034, 3, 10), 20),
    ],
)
def test_patent_years_start_on_the_filing_anniversaries(day, year):
    assert year_containing(date(2015, 3, 10), day) == year
