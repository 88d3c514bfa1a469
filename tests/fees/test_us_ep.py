"""US maintenance stages and EP renewal years on hand-worked cases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from patnav.errors import InvalidParameterError
from patnav.fees import maintenance_due, parse_stages, renewal_due

DAY = timedelta(days=1)
GRANT = date(2019, 1, 1)


@pytest.mark.parametrize(
    ("paid", "stage", "opens", "due", "grace_end"),
    [
        ((), "3.5", date(2022, 1, 1), date(2022, 7, 1), date(2023, 1, 1)),
        (("3.5",), "7.5", date(2026, 1, 1), date(2026, 7, 1), date(2027, 1, 1)),
        (("3.5", "7.5"), "11.5", date(2030, 1, 1), date(2030, 7, 1), date(2031, 1, 1)),
    ],
)
def test_stages_are_due_3_5_7_5_11_5_years_after_grant(
    paid, stage, opens, due, grace_end
):
    result = maintenance_due(GRANT, paid, as_of=GRANT)
    assert result.next_stage == stage
    assert result.window_opens == opens  # payable from 6 months before
    assert result.due == due
    assert result.surcharge_grace_end == grace_end
    assert result.expiry_if_unpaid == grace_end  # 4, 8 or 12 years after grant


def test_a_month_end_grant_keeps_to_month_ends():
    result = maintenance_due(date(2016, 8, 31), as_of=date(2016, 9, 1))
    assert (result.window_opens, result.due, result.surcharge_grace_end) == (
        date(2019, 8, 31),
        date(2020, 2, 29),
        date(2020, 8, 31),
    )


@pytest.mark.parametrize(
    ("as_of", "status"),
    [
        (date(2022, 7, 1), "in_force"),  # the due date: no surcharge yet
        (date(2022, 7, 2), "in_grace"),
        (date(2023, 1, 1), "in_grace"),
        (date(2023, 1, 2), "lapsed"),
    ],
)
def test_us_status_through_the_surcharge_grace(as_of, status):
    result = maintenance_due(GRANT, (), as_of=as_of)
    assert result.status == status
    assert result.termination_date == (date(2023, 1, 1) if status == "lapsed" else None)


def test_us_amounts_come_from_the_table_in_force_on_the_due_date():
    assert maintenance_due(GRANT, (), as_of=GRANT).fee_usd == 2000  # due 2022-07-01
    later = maintenance_due(date(2022, 1, 3), (), as_of=date(2022, 1, 3))
    assert (later.due, later.fee_usd, later.surcharge_usd) == (
        date(2025, 7, 3),
        2150,
        540,
    )
    # due before the first encoded table: unknown
    assert maintenance_due(date(2010, 1, 1), (), as_of=date(2010, 1, 1)).fee_usd is None


def test_with_every_stage_paid_nothing_is_due():
    result = maintenance_due(GRANT, ("3.5", "7.5", "11.5"), as_of=date(2035, 1, 1))
    assert (result.next_stage, result.due, result.status) == (None, None, "in_force")


@pytest.mark.parametrize(
    ("text", "message"),
    [("7.5", "不连续"), ("3.5,11.5", "不连续"), ("4", "3.5")],
)
def test_stages_must_be_paid_in_order(text, message):
    with pytest.raises(InvalidParameterError, match=message):
        parse_stages(text)


def test_parse_stages_accepts_the_issue_s_spelling():
    assert parse_stages("3.5,7.5") == ("3.5", "7.5")
    assert parse_stages("") == ()


def test_design_patents_pay_no_maintenance_fee():
    with pytest.raises(InvalidParameterError, match="无需缴纳维持费"):
        maintenance_due(GRANT, as_of=GRANT, patent_type="design")


@pytest.mark.parametrize(
    ("app", "paid", "year", "due", "grace_end"),
    [
        (date(2019, 1, 15), 2, 3, date(2021, 1, 31), date(2021, 7, 31)),
        (date(2019, 8, 31), 2, 3, date(2021, 8, 31), date(2022, 2, 28)),
        (date(2020, 2, 29), 3, 4, date(2023, 2, 28), date(2023, 8, 31)),
    ],
)
def test_ep_renewal_is_due_at_the_end_of_the_anniversary_month(
    app, paid, year, due, grace_end
):
    result = renewal_due(app, paid)
    assert (result.next_year, result.next_due, result.grace_end) == (
        year,
        due,
        grace_end,
    )
    assert result.payable_to == "EPO"
    assert result.to_dict()["fee_eur"] is None  # amounts are not encoded


def test_ep_fees_go_to_national_offices_after_the_year_of_grant():
    app, grant = date(2019, 1, 15), date(2022, 3, 1)  # published in year 4
    assert renewal_due(app, 3, grant_date=grant).payable_to == "EPO"  # year 4
    assert renewal_due(app, 4, grant_date=grant).payable_to == "national"  # year 5
    with pytest.raises(InvalidParameterError, match="第 1、2 年无年费"):
        renewal_due(app, 1)
