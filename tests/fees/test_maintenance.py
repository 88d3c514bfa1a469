"""Maintenance state from evidence: what is known paid, what is due, what is estimated,
and what stays unknown."""

from __future__ import annotations

from datetime import date

import pytest

from patnav.fees.maintenance import Evidence, maintenance_state

APP = date(2015, 3, 10)
GRANT = date(2017, 5, 2)  # year 3


def _cn(status=None, when=None, basis="grant", ptype="invention", grant=GRANT):
    return Evidence("CN", ptype, APP, grant, status, when, basis)


def test_from_the_grant_alone_the_year_of_grant_is_known_paid():
    s = maintenance_state(_cn(), as_of=date(2018, 1, 1))
    assert s is not None
    assert (s.paid_through_year, s.next_year, s.next_due, s.grace_end) == (
        3,
        4,
        date(2018, 3, 10),
        date(2018, 9, 10),
    )
    assert (s.state, s.estimated, s.in_grace, s.basis) == (
        "in_force",
        True,
        False,
        "grant",
    )
    assert s.estimated_lapse == date(2018, 3, 10)  # terminates as of the due date
    assert s.years_maintained == 2  # in force on the grant day: 2 whole years


@pytest.mark.parametrize(
    ("as_of", "state", "in_grace"),
    [
        (date(2018, 3, 10), "in_force", False),
        (date(2018, 3, 11), "in_grace", True),
        (date(2018, 9, 10), "in_grace", True),
        # after grace only the data could tell whether the fee was paid: unknown
        (date(2018, 9, 11), None, None),
    ],
)
def test_past_the_evidence_the_state_is_estimated_then_unknown(as_of, state, in_grace):
    s = maintenance_state(_cn(), as_of=as_of)
    assert s is not None
    assert (s.state, s.in_grace) == (state, in_grace)
    assert s.estimated == (state is not None)
    assert s.next_due == date(2018, 3, 10)


@pytest.mark.parametrize(
    ("seen", "paid"),
    [
        # in force on a day within year 6's grace: only year 5 is certainly paid
        (date(2020, 9, 10), 5),
        # in force after year 6's grace ended: year 6 was paid
        (date(2020, 9, 11), 6),
        (date(2021, 3, 9), 6),
        (date(2021, 3, 10), 6),  # year 7 due today: not yet shown paid
    ],
)
def test_a_status_in_force_on_a_day_shows_every_fee_whose_grace_ended(seen, paid):
    s = maintenance_state(_cn("active", seen, "source"), as_of=seen)
    assert s is not None
    assert (s.paid_through_year, s.next_year, s.evidence_date) == (paid, paid + 1, seen)
    assert s.basis == "source"


def test_a_dated_lapse_estimates_its_termination_as_of_a_due_date():
    # lapse announced 2021-01-15: year 6 (due 2020-03-10) had its grace end 2020-09-10
    s = maintenance_state(
        _cn("lapsed", date(2021, 1, 15), "events"), as_of=date(2026, 1, 1)
    )
    assert s is not None
    assert (s.state, s.estimated, s.estimated_lapse) == (
        "lapsed",
        False,
        date(2020, 3, 10),
    )
    assert (s.paid_through_year, s.years_maintained) == (5, 5)


def test_an_undated_lapse_keeps_its_termination_unknown():
    s = maintenance_state(_cn("lapsed", None, "source"), as_of=date(2026, 1, 1))
    assert s is not None
    assert (s.state, s.estimated_lapse, s.paid_through_year, s.years_maintained) == (
        "lapsed",
        None,
        None,
        None,
    )


def test_a_term_that_ended_makes_the_state_expired_estimated():
    s = maintenance_state(_cn(), as_of=date(2035, 3, 10))
    assert s is not None
    assert (s.state, s.estimated) == ("expired", True)
    s = maintenance_state(_cn("expired", None, "source"), as_of=date(2035, 3, 10))
    assert s is not None
    assert (s.state, s.estimated, s.years_maintained) == ("expired", False, 20)


@pytest.mark.parametrize("status", ["invalidated", "withdrawn", "rejected"])
def test_rights_that_are_gone_get_no_state(status):
    assert (
        maintenance_state(_cn(status, None, "source"), as_of=date(2020, 1, 1)) is None
    )


def test_no_grant_date_no_state():
    assert maintenance_state(_cn(grant=None), as_of=date(2020, 1, 1)) is None


def test_us_stages_from_evidence():
    grant = date(2015, 6, 2)
    ev = Evidence(
        "US", "invention", date(2013, 1, 1), grant, "active", date(2020, 1, 1), "source"
    )
    s = maintenance_state(ev, as_of=date(2022, 12, 10))
    assert s is not None
    # 3.5's grace ended 2019-06-02, before the evidence: paid; 7.5 is next
    assert (s.paid_stages, s.next_stage, s.next_due, s.grace_end) == (
        ("3.5",),
        "7.5",
        date(2022, 12, 2),
        date(2023, 6, 2),
    )
    assert (s.state, s.estimated, s.in_grace) == ("in_grace", True, True)
    assert s.estimated_lapse == date(2023, 6, 2)  # expires at the end of grace
    # no fees: a design patent; an application filed before 1980-12-12; an unknown filing
    for ptype, filed in (
        ("design", date(2013, 1, 1)),
        ("invention", date(1980, 12, 11)),
        ("invention", None),
    ):
        ev = Evidence("US", ptype, filed, grant, None, None, "grant")
        assert maintenance_state(ev, as_of=grant) is None


@pytest.mark.parametrize(
    ("paid_on", "paid", "next_due"),
    [
        # a payment within year 6's grace: year 6 paid (late)
        (date(2020, 5, 1), 6, date(2021, 3, 10)),
        # a payment late in year 6, before year 7 is due: year 6 at least
        (date(2021, 2, 1), 6, date(2021, 3, 10)),
    ],
)
def test_a_recorded_fee_payment_shows_the_year_in_progress_paid(
    paid_on, paid, next_due
):
    ev = Evidence(
        "CN", "invention", APP, GRANT, None, None, "grant", fee_paid_on=paid_on
    )
    s = maintenance_state(ev, as_of=date(2021, 3, 1))
    assert s is not None
    assert (s.paid_through_year, s.next_due, s.evidence_date, s.basis) == (
        paid,
        next_due,
        paid_on,
        "events",
    )
    assert (s.state, s.estimated) == ("in_force", True)


def test_a_recorded_us_payment_pays_the_stage_whose_window_holds_it():
    grant = date(2015, 6, 2)
    ev = Evidence(
        "US", "invention", date(2013, 1, 1), grant, None, None, "grant",
        fee_paid_on=date(2022, 8, 1),  # in the 7.5 window (2022-06-02 … 2023-06-02)
    )  # fmt: skip
    s = maintenance_state(ev, as_of=date(2023, 1, 1))
    assert s is not None
    assert (s.paid_stages, s.next_stage, s.next_due) == (
        ("3.5", "7.5"),
        "11.5",
        date(2026, 12, 2),
    )
