"""CN annual fees, grace and late fee, termination, reductions and terms: every rule of
issue 14 on hand-worked cases, boundaries included. Expected figures are worked out here
from the issue's text, never copied from the program."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from patnav.errors import InvalidParameterError
from patnav.fees import cn

DAY = timedelta(days=1)

# The issue's table of full annual fees (CNY), year ranges inclusive.
ISSUE_FEES = {
    "invention": [(1, 3, 900), (4, 6, 1200), (7, 9, 2000), (10, 12, 4000),
                  (13, 15, 6000), (16, 20, 8000)],
    "utility_model": [(1, 3, 600), (4, 5, 900), (6, 8, 1200), (9, 10, 2000)],
    "design": [(1, 3, 600), (4, 5, 900), (6, 8, 1200), (9, 10, 2000), (11, 15, 3000)],
}  # fmt: skip


def _issue_fee(ptype: str, year: int) -> int:
    return next(f for a, b, f in ISSUE_FEES[ptype] if a <= year <= b)


@pytest.mark.parametrize("ptype", list(ISSUE_FEES))
def test_every_year_of_the_term_costs_the_issue_s_full_fee(ptype):
    app = date(2021, 6, 1)  # a design filed on this day has a 15-year term
    years = {"invention": 20, "utility_model": 10, "design": 15}[ptype]
    assert cn.term_years(ptype, app) == years
    for year in range(1, years + 1):
        fee = cn.annual_fee(ptype, app, year)
        assert fee.full_cny == _issue_fee(ptype, year), (ptype, year)
        assert fee.payable_cny == fee.full_cny
        assert fee.due == date(2021 + year - 1, 6, 1)
    with pytest.raises(InvalidParameterError, match="没有第"):
        cn.annual_fee(ptype, app, years + 1)


def test_a_fee_due_before_the_first_encoded_schedule_is_unknown_not_guessed():
    result = cn.fees_due("invention", date(2010, 1, 1), 5, as_of=date(2014, 6, 1))
    assert result.next_due == date(2015, 1, 1)
    assert result.fee_cny is None and result.fee_full_cny is None


@pytest.mark.parametrize(
    ("app", "year", "due"),
    [
        (date(2015, 3, 10), 1, date(2015, 3, 10)),
        (date(2015, 3, 10), 6, date(2020, 3, 10)),
        (date(2016, 2, 29), 2, date(2017, 2, 28)),  # no 29 February: last day
        (date(2016, 2, 29), 5, date(2020, 2, 29)),
    ],
)
def test_each_year_is_due_on_the_anniversary_that_starts_it(app, year, due):
    assert cn.due_date(app, year) == due


@pytest.mark.parametrize(
    ("ptype", "app", "expiry"),
    [
        ("invention", date(2012, 5, 31), date(2032, 5, 30)),
        ("utility_model", date(2012, 5, 31), date(2022, 5, 30)),
        ("design", date(2021, 5, 31), date(2031, 5, 30)),  # before 2021-06-01: 10 y
        ("design", date(2021, 6, 1), date(2036, 5, 31)),  # from 2021-06-01: 15 y
        # 29 February: the anniversary is the last day of February, the term ends the
        # day before it
        ("utility_model", date(2012, 2, 29), date(2022, 2, 27)),
        ("invention", date(2004, 2, 29), date(2024, 2, 28)),
    ],
)
def test_terms_end_the_day_before_the_anniversary(ptype, app, expiry):
    assert cn.term_end(ptype, app) == expiry


APP = date(2015, 3, 10)
DUE6 = date(2020, 3, 10)  # the year-6 fee of APP
GRACE6 = date(2020, 9, 10)


@pytest.mark.parametrize(
    ("paid_on", "percent"),
    [
        (DUE6 - DAY, 0),
        (DUE6, 0),
        (date(2020, 4, 10), 0),  # last day of the first month
        (date(2020, 4, 11), 5),  # second month
        (date(2020, 5, 10), 5),
        (date(2020, 5, 11), 10),
        (date(2020, 6, 11), 15),
        (date(2020, 7, 11), 20),
        (date(2020, 8, 11), 25),  # sixth month
        (GRACE6, 25),  # last day of grace
    ],
)
def test_the_late_fee_is_5_percent_of_the_full_fee_per_month_beyond_the_first(
    paid_on, percent
):
    result = cn.fees_due("invention", APP, 5, as_of=paid_on, paid_on=paid_on)
    assert (result.next_year, result.next_due, result.grace_end) == (6, DUE6, GRACE6)
    assert result.fee_full_cny == 1200
    assert result.late_fee_cny == 1200 * percent // 100


def test_grace_months_count_from_a_month_end_due_date():
    # year 5 of a 2015-08-31 filing is due 2019-08-31; grace ends 2020-02-29
    due = cn.due_date(date(2015, 8, 31), 5)
    assert due == date(2019, 8, 31)
    assert cn.grace_end(due) == date(2020, 2, 29)
    assert cn.late_fee(1200, due, date(2019, 9, 30)) == 0
    assert cn.late_fee(1200, due, date(2019, 10, 1)) == 60
    assert cn.late_fee(1200, due, date(2020, 2, 29)) == 300


def test_paying_after_grace_is_refused_the_patent_has_terminated():
    with pytest.raises(InvalidParameterError, match="已过宽限期"):
        cn.fees_due("invention", APP, 5, as_of=GRACE6, paid_on=GRACE6 + DAY)


@pytest.mark.parametrize(
    ("as_of", "status", "termination", "years"),
    [
        (DUE6 - DAY, "in_force", None, 4),
        (DUE6, "in_force", None, 5),  # due today: paying today is on time
        (DUE6 + DAY, "in_grace", None, 5),
        (GRACE6, "in_grace", None, 5),
        # unpaid at the end of grace: terminated as of the due date
        (GRACE6 + DAY, "lapsed", DUE6, 5),
        (date(2036, 1, 1), "lapsed", DUE6, 5),  # lapse comes before the term's end
    ],
)
def test_status_in_force_in_grace_then_lapsed_as_of_the_due_date(
    as_of, status, termination, years
):
    result = cn.fees_due("invention", APP, 5, as_of=as_of)
    assert result.status == status
    assert result.termination_date == termination
    assert result.years_maintained_at_as_of == years
    assert ("termination_date" in result.to_dict()) == (termination is not None)


def test_a_fully_paid_patent_expires_at_the_end_of_its_term():
    expiry = date(2035, 3, 9)
    last = cn.fees_due("invention", APP, 20, as_of=expiry)
    assert (last.status, last.next_year, last.next_due, last.expiry) == (
        "in_force",
        None,
        None,
        expiry,
    )
    after = cn.fees_due("invention", APP, 20, as_of=expiry + DAY)
    assert after.status == "expired"
    assert after.years_maintained_at_as_of == 20


def test_year_20_is_due_on_the_19th_anniversary_and_can_lapse_before_expiry():
    result = cn.fees_due("invention", APP, 19, as_of=date(2034, 9, 11))
    assert (result.next_year, result.next_due, result.fee_cny) == (
        20,
        date(2034, 3, 10),
        8000,
    )
    assert result.status == "lapsed"
    assert result.termination_date == date(2034, 3, 10)


GRANT = date(2017, 5, 2)  # in year 3 of APP


@pytest.mark.parametrize(
    ("reduction", "year", "payable"),
    [
        (85, 3, 135),  # the year of grant: first year of the reduction
        (85, 6, 180),
        (85, 12, 600),  # the tenth year from the year of grant
        (85, 13, 6000),  # the eleventh: full fee
        (70, 6, 360),
        (70, 12, 1200),
    ],
)
def test_reductions_cover_ten_years_from_the_year_of_grant(reduction, year, payable):
    app, grant = date(2018, 3, 10), date(2020, 5, 2)  # granted in year 3
    fee = cn.annual_fee("invention", app, year, grant_date=grant, reduction=reduction)
    assert fee.payable_cny == payable
    assert fee.full_cny == _issue_fee("invention", year)


def test_before_2019_07_01_reductions_covered_six_years():
    app, grant = date(2012, 1, 10), date(2013, 6, 1)  # granted in year 2
    year8 = cn.annual_fee("invention", app, 8, grant_date=grant, reduction=85)
    assert year8.due == date(2019, 1, 10)  # sixth year after year 2 ends with year 7
    assert year8.reduction_percent is None and year8.payable_cny == 2000
    year9 = cn.annual_fee("invention", app, 9, grant_date=grant, reduction=85)
    assert year9.due == date(2020, 1, 10)  # ten years from 2019-07-01 on
    assert (year9.reduction_percent, year9.payable_cny) == (85, 300)


def test_the_late_fee_is_on_the_full_fee_even_when_reduced():
    result = cn.fees_due(
        "invention",
        APP,
        5,
        as_of=date(2020, 6, 1),
        grant_date=GRANT,
        reduction=85,
        paid_on=date(2020, 5, 11),
    )
    assert (result.fee_cny, result.fee_full_cny, result.late_fee_cny) == (
        180,
        1200,
        120,
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"paid_through_year": 0}, "已缴年度"),
        ({"paid_through_year": 21}, "1 至 20"),
        ({"paid_through_year": 2, "grant_date": GRANT}, "授权当年"),
        ({"as_of": date(2015, 3, 9)}, "早于申请日"),
        ({"grant_date": date(2015, 3, 9)}, "授权日"),
        ({"reduction": 85}, "授权日"),
        ({"reduction": 50, "grant_date": GRANT}, "减缴比例"),
        ({"paid_through_year": 20, "paid_on": date(2034, 1, 1)}, "最后一年"),
    ],
)
def test_impossible_inputs_are_clear_errors(kwargs, message):
    args = {"paid_through_year": 5, "as_of": date(2020, 1, 1), **kwargs}
    with pytest.raises(InvalidParameterError, match=message):
        cn.fees_due("invention", APP, **args)


def test_an_unknown_patent_type_is_refused():
    with pytest.raises(InvalidParameterError, match="专利类型"):
        cn.term_end("plant", APP)
