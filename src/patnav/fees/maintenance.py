"""A patent's maintenance state from what the data say: fees paid, next due, grace, lapse.

The data rarely record fee payments. What they do give — the grant date, a legal status
and the date it is known as of, a lapse or expiry — bounds what must have been paid:

* the year of grant (CN) is paid at registration;
* a patent still in force on day *D* has paid every fee whose grace ended before *D*
  (CN: the year containing *D* when its grace has ended, else the year before; US: every
  stage whose grace ended before *D*).

From that known payment the engine gives the next fee (year or stage), its due date and
grace end, and the state on ``as_of``: ``in_force`` up to the due date, ``in_grace``
within grace — both **estimated** (derived by rule: the data do not show a payment made
after the evidence date) — and unknown (``None``) after grace, when only the data could
say whether the fee was paid; ``estimated_lapse`` is then the day the patent terminated
if it was not. A status the data give (lapsed, expired) is a fact (``estimated`` false);
its termination date, when only the status date is known, is estimated as the last due
date whose grace had ended by then. A term that has ended makes the state ``expired``
(estimated when the data do not say so). Invalidated, withdrawn and rejected rights get
no state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from patnav.fees import cn
from patnav.fees.dates import add_months, whole_years, year_containing
from patnav.fees.schedules import PATENT_TYPES, us_schedule

Basis = Literal["events", "source", "grant"]
State = Literal["in_force", "in_grace", "lapsed", "expired"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the store knows of one granted patent.

    ``status`` is the legal status (None: unknown) and ``status_date`` the day it is
    known as of (None: undated); ``basis`` says where it comes from. ``term_end`` is the
    last day of the term when known (required for US, which needs term adjustments the
    engine does not know; CN computes it). ``fee_paid_on`` is the day of the latest fee
    payment the data record (an ``annuity`` event): it pays the year in progress that day
    (CN) or the stage whose window contains it (US).
    """

    office: str
    patent_type: str | None
    app_date: date | None
    grant_date: date | None
    status: str | None
    status_date: date | None
    basis: Basis
    term_end: date | None = None
    fee_paid_on: date | None = None


@dataclass(frozen=True, slots=True)
class MaintenanceState:
    """The maintenance state of one patent on ``as_of`` (see the module docstring)."""

    office: str
    as_of: date
    evidence_date: date | None
    basis: Basis
    paid_through_year: int | None
    paid_stages: tuple[str, ...] | None
    years_maintained: int | None
    next_year: int | None
    next_stage: str | None
    next_due: date | None
    grace_end: date | None
    in_grace: bool | None
    estimated_lapse: date | None
    state: State | None
    estimated: bool

    def to_dict(self) -> dict[str, Any]:
        """The state as JSON-ready values."""

        def iso(d: date | None) -> str | None:
            return d.isoformat() if d else None

        return {
            "office": self.office,
            "as_of": iso(self.as_of),
            "evidence_date": iso(self.evidence_date),
            "basis": self.basis,
            "paid_through_year": self.paid_through_year,
            "paid_stages": list(self.paid_stages)
            if self.paid_stages is not None
            else None,
            "years_maintained": self.years_maintained,
            "next_year": self.next_year,
            "next_stage": self.next_stage,
            "next_due": iso(self.next_due),
            "grace_end": iso(self.grace_end),
            "in_grace": self.in_grace,
            "estimated_lapse": iso(self.estimated_lapse),
            "state": self.state,
            "estimated": self.estimated,
        }


_NO_STATE = ("invalidated", "withdrawn", "rejected")


def maintenance_state(ev: Evidence, *, as_of: date) -> MaintenanceState | None:
    """The maintenance state of a granted CN or US patent on ``as_of``; None when the
    engine has nothing to say (another office, no grant or filing date, a design or plant
    US patent, an invalidated, withdrawn or rejected right)."""
    if ev.grant_date is None or ev.status in _NO_STATE:
        return None
    if ev.office == "CN":
        return _cn(ev, as_of)
    us = us_schedule()
    if (
        ev.office == "US"
        and ev.patent_type in us.applies_to
        # only filings from 1980-12-12 pay maintenance fees: unknown filing, no state
        and ev.app_date is not None
        and ev.app_date >= us.filed_from
    ):
        return _us(ev, as_of)
    return None


def _cn(ev: Evidence, as_of: date) -> MaintenanceState | None:
    if ev.app_date is None or ev.patent_type not in PATENT_TYPES:
        return None
    ptype, app, grant = ev.patent_type, ev.app_date, ev.grant_date
    assert grant is not None
    years = cn.term_years(ptype, app)
    end = cn.term_end(ptype, app)
    if not app <= grant <= end:
        return None
    first = cn.grant_year(app, grant)

    def state(**kw: Any) -> MaintenanceState:
        return _make("CN", as_of, ev, **kw)

    if ev.status == "expired":
        return state(paid_through_year=years, years_maintained=years, state="expired")
    if ev.status == "lapsed":
        if ev.status_date is None:
            return state(state="lapsed", in_grace=False)
        # the last due date after grant whose grace had ended by the status date
        year = next(
            (
                k
                for k in range(years, first, -1)
                if cn.grace_end(cn.due_date(app, k)) < ev.status_date
            ),
            None,
        )
        if year is None:
            return state(state="lapsed", in_grace=False)
        return state(
            paid_through_year=year - 1,
            years_maintained=year - 1,
            estimated_lapse=cn.due_date(app, year),
            state="lapsed",
            in_grace=False,
        )
    # in force (or unknown) as of the evidence date: what must have been paid by then
    dated = ev.status == "active" and ev.status_date is not None
    seen = max(ev.status_date, grant) if dated and ev.status_date else grant
    current = min(year_containing(app, seen), years)
    paid = current if seen > cn.grace_end(cn.due_date(app, current)) else current - 1
    paid = min(max(paid, first), years)
    basis = ev.basis if dated else "grant"
    if ev.fee_paid_on is not None and grant <= ev.fee_paid_on <= end:
        # a payment that day: the year in progress is paid (late, or paid before)
        paid = max(paid, min(year_containing(app, ev.fee_paid_on), years))
        if ev.fee_paid_on > seen:
            seen, basis = ev.fee_paid_on, "events"
    kw: dict[str, Any] = {
        "evidence_date": seen,
        "basis": basis,
        "paid_through_year": paid,
        "years_maintained": whole_years(app, min(seen, end)),
    }
    if as_of > end:
        return state(**kw, state="expired", estimated=True, in_grace=False)
    if paid >= years:
        return state(**kw, state="in_force", estimated=as_of > seen, in_grace=False)
    due = cn.due_date(app, paid + 1)
    last = cn.grace_end(due)
    kw.update(next_year=paid + 1, next_due=due, grace_end=last, estimated_lapse=due)
    if as_of <= due:
        return state(**kw, state="in_force", estimated=as_of > seen, in_grace=False)
    if as_of <= last:
        return state(**kw, state="in_grace", estimated=True, in_grace=True)
    return state(**kw)


def _us(ev: Evidence, as_of: date) -> MaintenanceState | None:
    grant = ev.grant_date
    assert grant is not None
    stages = us_schedule().stages

    def at(months: int) -> date:
        return add_months(grant, months)

    def state(**kw: Any) -> MaintenanceState:
        return _make("US", as_of, ev, **kw)

    if ev.status == "expired":
        return state(state="expired", in_grace=False)
    if ev.status == "lapsed":
        if ev.status_date is None:
            return state(state="lapsed", in_grace=False)
        ended = [s for s in stages if at(s.grace_end_months) < ev.status_date]
        if not ended:
            return state(state="lapsed", in_grace=False)
        last_stage = ended[-1]
        return state(
            paid_stages=tuple(s.stage for s in ended[:-1]),
            estimated_lapse=at(last_stage.grace_end_months),
            years_maintained=whole_years(grant, at(last_stage.grace_end_months)),
            state="lapsed",
            in_grace=False,
        )
    dated = ev.status == "active" and ev.status_date is not None
    seen = max(ev.status_date, grant) if dated and ev.status_date else grant
    paid = tuple(s.stage for s in stages if at(s.grace_end_months) < seen)
    basis = ev.basis if dated else "grant"
    fee_day = ev.fee_paid_on
    if fee_day is not None and fee_day >= grant:
        # a payment that day: the stage whose window contains it, and those before
        windows = [s for s in stages if at(s.window_opens_months) <= fee_day]
        if windows and fee_day <= at(windows[-1].grace_end_months):
            through = [s.stage for s in windows]
            paid = tuple(through) if len(through) > len(paid) else paid
            if fee_day > seen:
                seen, basis = fee_day, "events"
    kw: dict[str, Any] = {
        "evidence_date": seen,
        "basis": basis,
        "paid_stages": paid,
        "years_maintained": whole_years(grant, seen),
    }
    if ev.term_end is not None and as_of > ev.term_end:
        return state(**kw, state="expired", estimated=True, in_grace=False)
    nxt = next((s for s in stages if s.stage not in paid), None)
    if nxt is None:
        return state(**kw, state="in_force", estimated=as_of > seen, in_grace=False)
    due, last = at(nxt.due_months), at(nxt.grace_end_months)
    kw.update(next_stage=nxt.stage, next_due=due, grace_end=last, estimated_lapse=last)
    if as_of <= due:
        return state(**kw, state="in_force", estimated=as_of > seen, in_grace=False)
    if as_of <= last:
        return state(**kw, state="in_grace", estimated=True, in_grace=True)
    return state(**kw)


_EMPTY: dict[str, Any] = {
    "paid_through_year": None,
    "paid_stages": None,
    "years_maintained": None,
    "next_year": None,
    "next_stage": None,
    "next_due": None,
    "grace_end": None,
    "in_grace": None,
    "estimated_lapse": None,
    "state": None,
    "estimated": False,
}


def _make(office: str, as_of: date, ev: Evidence, **kw: Any) -> MaintenanceState:
    values = {
        **_EMPTY,
        "office": office,
        "as_of": as_of,
        "evidence_date": ev.status_date,
        "basis": ev.basis,
        **kw,
    }
    return MaintenanceState(**values)
