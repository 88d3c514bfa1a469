"""EP renewal fees to the EPO while the application is pending (EPC Art. 86, Rule 51).

Computed: which patent year is next, its due date (the last day of the month containing
the anniversary of filing that starts the year, from year 3), the end of the 6-month
grace (the last day of the sixth month after the due date; with a 50 % additional fee),
and whether that year's fee is paid to the EPO (years up to and including the year in
which the mention of grant is published) or to national offices. Not computed: amounts
(RFees Art. 2(1) item 4 is not encoded), national renewal fees after grant, and the
exceptions of Rule 51(3)–(4) (divisionals, re-established rights).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from patnav.errors import InvalidParameterError
from patnav.fees.dates import add_months, add_years, year_containing
from patnav.fees.schedules import EpSchedule, ep_schedule

PayableTo = Literal["EPO", "national"]


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True, slots=True)
class EpRenewalDue:
    """The next EP renewal year after ``paid_through_year`` and where it is paid."""

    app_date: date
    grant_date: date | None
    paid_through_year: int
    next_year: int
    next_due: date
    grace_end: date
    payable_to: PayableTo
    source: str

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready values (no amounts: they are not encoded)."""
        return {
            "office": "EP",
            "app_date": self.app_date.isoformat(),
            "grant_date": self.grant_date.isoformat() if self.grant_date else None,
            "paid_through_year": self.paid_through_year,
            "next_year": self.next_year,
            "next_due": self.next_due.isoformat(),
            "grace_end": self.grace_end.isoformat(),
            "payable_to": self.payable_to,
            "fee_eur": None,
            "sources": [self.source],
        }


def renewal_due(
    app_date: date,
    paid_through_year: int,
    *,
    grant_date: date | None = None,
    schedule: EpSchedule | None = None,
) -> EpRenewalDue:
    """The next renewal year of an EP application or patent paid through
    ``paid_through_year`` (use 2 when none is paid yet: years 1 and 2 carry no fee).

    Raises:
        InvalidParameterError: a paid-through year below 2 or beyond 20, or a grant
            before filing.
    """
    sched = schedule or ep_schedule()
    if not sched.first_year - 1 <= paid_through_year < 20:
        raise InvalidParameterError(
            f"EP 已缴年度应在 {sched.first_year - 1} 至 19 之间（第 1、2 年无年费），"
            f"实为 {paid_through_year}。"
        )
    if grant_date is not None and grant_date < app_date:
        raise InvalidParameterError(f"授权日 {grant_date} 早于申请日 {app_date}。")
    year = paid_through_year + 1
    due = _month_end(add_years(app_date, year - 1))
    last = _month_end(add_months(due, sched.grace_months))
    to_epo = grant_date is None or year <= year_containing(app_date, grant_date)
    return EpRenewalDue(
        app_date,
        grant_date,
        paid_through_year,
        year,
        due,
        last,
        "EPO" if to_epo else "national",
        sched.source,
    )
