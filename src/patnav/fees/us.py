"""US maintenance fees: stages 3.5, 7.5 and 11.5 years after grant (35 U.S.C. 41(b)).

Each stage's fee is payable from 6 months before its due date (the window opens 3, 7 or
11 years after grant), due 3.5, 7.5 or 11.5 years after grant, and payable with a
surcharge in the 6-month grace that follows; unpaid, the patent expires at the end of
grace, 4, 8 or 12 years after grant. Design and plant patents pay none. Amounts are the
undiscounted ones of the table in force on the due date (None before the first table).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from patnav.errors import InvalidParameterError
from patnav.fees.dates import add_months
from patnav.fees.schedules import UsSchedule, us_schedule

UsStatus = Literal["in_force", "in_grace", "lapsed"]


def parse_stages(
    text: str | None, schedule: UsSchedule | None = None
) -> tuple[str, ...]:
    """``"3.5,7.5"`` as a tuple of stage names, checked against the schedule."""
    sched = schedule or us_schedule()
    known = [s.stage for s in sched.stages]
    if not text or not text.strip():
        return ()
    stages = []
    for part in text.split(","):
        name = part.strip()
        try:
            canon = next(k for k in known if float(k) == float(name))
        except (ValueError, StopIteration):
            raise InvalidParameterError(
                f"美国维持费阶段应为 {', '.join(known)}，实为 {name!r}。"
            ) from None
        stages.append(canon)
    paid = tuple(dict.fromkeys(stages))
    if paid != tuple(known[: len(paid)]):
        raise InvalidParameterError(
            f"已缴阶段 {', '.join(paid)} 不连续：维持费须依次缴纳（{', '.join(known)}），"
            "未缴前一阶段的专利已经失效。"
        )
    return paid


@dataclass(frozen=True, slots=True)
class UsFeesDue:
    """The next US maintenance-fee stage of a patent and its state on ``as_of``."""

    grant_date: date
    paid_stages: tuple[str, ...]
    as_of: date
    next_stage: str | None
    window_opens: date | None
    due: date | None
    surcharge_grace_end: date | None
    expiry_if_unpaid: date | None
    status: UsStatus
    termination_date: date | None
    fee_usd: int | None
    surcharge_usd: int | None
    sources: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The result with the keys ``patnav fees due --office US --json`` prints."""

        def iso(d: date | None) -> str | None:
            return d.isoformat() if d else None

        out: dict[str, Any] = {
            "office": "US",
            "grant_date": iso(self.grant_date),
            "paid_stages": list(self.paid_stages),
            "as_of": iso(self.as_of),
            "next_stage": self.next_stage,
            "window_opens": iso(self.window_opens),
            "due": iso(self.due),
            "surcharge_grace_end": iso(self.surcharge_grace_end),
            "expiry_if_unpaid": iso(self.expiry_if_unpaid),
            "status": self.status,
            "fee_usd": self.fee_usd,
            "surcharge_usd": self.surcharge_usd,
            "sources": list(self.sources),
        }
        if self.termination_date is not None:
            out["termination_date"] = iso(self.termination_date)
        return out


def maintenance_due(
    grant_date: date,
    paid_stages: tuple[str, ...] = (),
    *,
    as_of: date,
    patent_type: str = "invention",
    schedule: UsSchedule | None = None,
) -> UsFeesDue:
    """The next maintenance-fee stage after ``paid_stages`` and the state on ``as_of``.

    Status: ``in_force`` up to and including the due date (payable without surcharge
    from ``window_opens``), ``in_grace`` after it to the end of grace, ``lapsed`` after
    (``termination_date``: the patent expired at the end of grace). With every stage
    paid, nothing is due and the patent stays in force to the end of its term (not
    computed here: it needs the filing date and any term adjustment).

    Raises:
        InvalidParameterError: a design or plant patent (no maintenance fees), stages out
            of order, ``as_of`` before grant.
    """
    sched = schedule or us_schedule()
    if patent_type not in sched.applies_to:
        raise InvalidParameterError(
            "美国外观设计专利和植物专利无需缴纳维持费（35 U.S.C. 41(b)(3)）；"
            f"维持费只适用于 {', '.join(sched.applies_to)}。"
        )
    if as_of < grant_date:
        raise InvalidParameterError(f"查询日 {as_of} 早于授权日 {grant_date}。")
    paid = parse_stages(",".join(paid_stages), sched)
    sources = [sched.rules_source]
    nxt = next((s for s in sched.stages if s.stage not in paid), None)
    if nxt is None:
        return UsFeesDue(
            grant_date,
            paid,
            as_of,
            None,
            None,
            None,
            None,
            None,
            "in_force",
            None,
            None,
            None,
            tuple(sources),
        )
    opens = add_months(grant_date, nxt.window_opens_months)
    due = add_months(grant_date, nxt.due_months)
    last = add_months(grant_date, nxt.grace_end_months)
    table = sched.fee_table(due)
    if table:
        sources.append(table.source)
    status: UsStatus
    if as_of > last:
        status = "lapsed"
    elif as_of > due:
        status = "in_grace"
    else:
        status = "in_force"
    return UsFeesDue(
        grant_date=grant_date,
        paid_stages=paid,
        as_of=as_of,
        next_stage=nxt.stage,
        window_opens=opens,
        due=due,
        surcharge_grace_end=last,
        expiry_if_unpaid=last,
        status=status,
        termination_date=last if status == "lapsed" else None,
        fee_usd=table.amounts[nxt.stage] if table else None,
        surcharge_usd=table.surcharge if table else None,
        sources=tuple(sources),
    )
