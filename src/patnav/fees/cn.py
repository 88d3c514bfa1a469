"""CN annual fees, grace, late fee, termination and term (issue 14).

The rules, with their sources in ``schedules/cn.yaml``:

* the fee of patent year *k* (year 1 starts on the filing date) is due on the filing-date
  anniversary that starts year *k*; the year of grant is paid at registration;
* a 6-month grace follows the due date; paid in its *m*-th month the late fee (滞纳金) is
  5 % of that year's **full** fee for each whole month beyond the first: 0 in the first
  month, 5 % in the second … 25 % in the sixth;
* unpaid at the end of grace, the patent terminates **as of the due date**;
* the term runs from the filing date and ends the day before the anniversary: invention
  20 years, utility model 10, design 10 (filed before 2021-06-01) or 15; an anniversary
  on a missing day (29 February) falls on the last day of the month;
* reductions (减缴, 85 % or 70 %) are a per-patent setting: they apply to the years from
  the year of grant on, ten years (six for fees due before 2019-07-01).

Amounts come from the fee table in force on the due date; a fee due before the first
table is unknown (``None``), never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from patnav.errors import InvalidParameterError
from patnav.fees.dates import (
    add_months,
    add_years,
    day_before,
    whole_years,
    year_containing,
)
from patnav.fees.schedules import PATENT_TYPES, CnSchedule, cn_schedule

Status = Literal["in_force", "in_grace", "lapsed", "expired"]

TYPE_NAMES = {"invention": "发明", "utility_model": "实用新型", "design": "外观设计"}


def _check_type(patent_type: str) -> None:
    if patent_type not in PATENT_TYPES:
        raise InvalidParameterError(
            f"专利类型应为 {' / '.join(PATENT_TYPES)} 之一，实为 {patent_type!r}。"
        )


def term_years(
    patent_type: str, app_date: date, schedule: CnSchedule | None = None
) -> int:
    """Years of term of a CN ``patent_type`` filed on ``app_date``."""
    _check_type(patent_type)
    return (schedule or cn_schedule()).term(patent_type, app_date).years


def term_end(
    patent_type: str, app_date: date, schedule: CnSchedule | None = None
) -> date:
    """The last day of the term: the day before the term's anniversary of filing."""
    return day_before(add_years(app_date, term_years(patent_type, app_date, schedule)))


def due_date(app_date: date, year: int) -> date:
    """The day the fee of patent ``year`` is due: the anniversary that starts it."""
    if year < 1:
        raise InvalidParameterError(f"专利年度从 1 起算，实为 {year}。")
    return add_years(app_date, year - 1)


def grace_end(due: date, schedule: CnSchedule | None = None) -> date:
    """The last day a fee due on ``due`` can still be paid (with the late fee)."""
    return add_months(due, (schedule or cn_schedule()).grace_months)


def grant_year(app_date: date, grant_date: date) -> int:
    """The patent year of grant (paid at registration)."""
    return year_containing(app_date, grant_date)


@dataclass(frozen=True, slots=True)
class AnnualFee:
    """The fee of one patent year: full amount, reduction applied, amount payable."""

    year: int
    due: date
    full_cny: int | None
    reduction_percent: int | None
    payable_cny: int | None
    source: str | None

    def to_dict(self) -> dict[str, Any]:
        """The fee as JSON-ready values."""
        return {
            "year": self.year,
            "due": self.due.isoformat(),
            "full_cny": self.full_cny,
            "reduction_percent": self.reduction_percent,
            "payable_cny": self.payable_cny,
            "source": self.source,
        }


def annual_fee(
    patent_type: str,
    app_date: date,
    year: int,
    *,
    grant_date: date | None = None,
    reduction: int | None = None,
    schedule: CnSchedule | None = None,
) -> AnnualFee:
    """The fee of patent ``year``, reduced when ``reduction`` (85 or 70) applies to it.

    Raises:
        InvalidParameterError: the year is beyond the term, the reduction is not one the
            schedule knows, or a reduction is asked without a grant date (its years are
            counted from the year of grant).
    """
    sched = schedule or cn_schedule()
    years = term_years(patent_type, app_date, sched)
    if not 1 <= year <= years:
        raise InvalidParameterError(
            f"{TYPE_NAMES[patent_type]}专利的保护期限为 {years} 年，没有第 {year} 年的年费。"
        )
    due = due_date(app_date, year)
    table = sched.fee_table(due)
    full = table.fee(patent_type, year) if table else None
    applied = None
    if reduction is not None:
        rule = sched.reduction(due)
        known = sorted({p for r in sched.reductions for p in r.percents})
        if reduction not in known:
            raise InvalidParameterError(
                f"减缴比例应为 {' / '.join(map(str, known))}（%），实为 {reduction}。"
            )
        if grant_date is None:
            raise InvalidParameterError(
                "减缴年限从授权当年起算：请同时给出授权日（--grant-date）。"
            )
        first = grant_year(app_date, grant_date)
        if (
            rule
            and reduction in rule.percents
            and first <= year < first + rule.years_from_grant_year
        ):
            applied = reduction
    payable = None if full is None else full * (100 - (applied or 0)) // 100
    return AnnualFee(year, due, full, applied, payable, table.source if table else None)


def late_fee(
    full_fee: int | None, due: date, paid_on: date, schedule: CnSchedule | None = None
) -> int | None:
    """The late fee (滞纳金) for paying a fee due on ``due`` on ``paid_on``.

    0 up to one month after the due date, then 5 % of the full fee for each whole month
    beyond the first (25 % in the sixth month). None when the full fee is unknown.

    Raises:
        InvalidParameterError: ``paid_on`` is after the end of grace (the patent has
            terminated as of the due date; restoration is outside this engine).
    """
    sched = schedule or cn_schedule()
    last = add_months(due, sched.grace_months)
    if paid_on > last:
        raise InvalidParameterError(
            f"缴费日 {paid_on} 已过宽限期（{last} 届满）：专利权自应缴日 {due} 起终止，"
            "不能再补缴年费（请求恢复权利不在本引擎范围内）。"
        )
    if full_fee is None:
        return None
    month = next(
        m for m in range(0, sched.grace_months + 1) if paid_on <= add_months(due, m)
    )
    beyond = max(0, month - sched.late_fee_free_months)
    return full_fee * sched.late_fee_percent_per_month * beyond // 100


@dataclass(frozen=True, slots=True)
class CnFeesDue:
    """What is due next on a CN patent paid through ``paid_through_year``, as of a day."""

    patent_type: str
    app_date: date
    grant_date: date | None
    paid_through_year: int
    as_of: date
    next_year: int | None
    next_due: date | None
    fee_cny: int | None
    fee_full_cny: int | None
    reduction_percent: int | None
    grace_end: date | None
    expiry: date
    status: Status
    termination_date: date | None
    years_maintained_at_as_of: int
    paid_on: date | None
    late_fee_cny: int | None
    sources: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The result with the keys ``patnav fees due --json`` prints."""

        def iso(d: date | None) -> str | None:
            return d.isoformat() if d else None

        out: dict[str, Any] = {
            "office": "CN",
            "type": self.patent_type,
            "app_date": iso(self.app_date),
            "grant_date": iso(self.grant_date),
            "paid_through_year": self.paid_through_year,
            "as_of": iso(self.as_of),
            "next_year": self.next_year,
            "next_due": iso(self.next_due),
            "fee_cny": self.fee_cny,
            "fee_full_cny": self.fee_full_cny,
            "reduction_percent": self.reduction_percent,
            "grace_end": iso(self.grace_end),
            "expiry": iso(self.expiry),
            "status": self.status,
            "years_maintained_at_as_of": self.years_maintained_at_as_of,
            "sources": list(self.sources),
        }
        if self.termination_date is not None:
            out["termination_date"] = iso(self.termination_date)
        if self.paid_on is not None:
            out["paid_on"] = iso(self.paid_on)
            out["late_fee_cny"] = self.late_fee_cny
        return out


def fees_due(
    patent_type: str,
    app_date: date,
    paid_through_year: int,
    *,
    as_of: date,
    grant_date: date | None = None,
    paid_on: date | None = None,
    reduction: int | None = None,
    schedule: CnSchedule | None = None,
) -> CnFeesDue:
    """The next annual fee of a CN patent whose fees are paid through
    ``paid_through_year``, and its state on ``as_of``.

    Status on ``as_of``: ``in_force`` up to and including the next due date; ``in_grace``
    after it, to the end of grace; ``lapsed`` after grace (``termination_date`` = the due
    date); ``expired`` after the term when every year was paid. ``paid_on`` prices the late
    fee of paying the next year's fee on that day; it does not change the status.
    ``years_maintained_at_as_of`` counts whole years from filing to ``as_of``, or to the
    termination or end of term when earlier.

    Raises:
        InvalidParameterError: dates out of order (grant before filing, ``as_of`` before
            filing), a paid-through year below 1, below the year of grant or beyond the
            term, or an impossible ``paid_on``.
    """
    sched = schedule or cn_schedule()
    years = term_years(patent_type, app_date, sched)
    expiry = term_end(patent_type, app_date, sched)
    if as_of < app_date:
        raise InvalidParameterError(f"查询日 {as_of} 早于申请日 {app_date}。")
    if grant_date is not None and not app_date <= grant_date <= expiry:
        raise InvalidParameterError(
            f"授权日 {grant_date} 应在申请日 {app_date} 与期限届满日 {expiry} 之间。"
        )
    if not 1 <= paid_through_year <= years:
        raise InvalidParameterError(
            f"已缴年度（--paid-through-year）应在 1 至 {years} 之间（{TYPE_NAMES[patent_type]}专利"
            f"保护期限 {years} 年），实为 {paid_through_year}。"
        )
    if grant_date is not None and paid_through_year < grant_year(app_date, grant_date):
        raise InvalidParameterError(
            f"授权当年（第 {grant_year(app_date, grant_date)} 年）的年费在办理登记时缴纳，"
            f"已缴年度不能小于它，实为 {paid_through_year}。"
        )
    sources = [sched.term(patent_type, app_date).source, sched.payment_source]
    next_year = paid_through_year + 1 if paid_through_year < years else None
    fee = None
    if next_year is not None:
        fee = annual_fee(
            patent_type,
            app_date,
            next_year,
            grant_date=grant_date,
            reduction=reduction,
            schedule=sched,
        )
        if fee.source:
            sources.append(fee.source)
        if fee.reduction_percent is not None:
            rule = sched.reduction(fee.due)
            if rule:
                sources.append(rule.source)
    elif reduction is not None:
        annual_fee(
            patent_type,
            app_date,
            years,
            grant_date=grant_date,
            reduction=reduction,
            schedule=sched,
        )
    next_due = fee.due if fee else None
    last_day = grace_end(fee.due, sched) if fee else None
    termination = None
    status: Status
    if fee is not None and last_day is not None and as_of > last_day:
        status, termination = "lapsed", fee.due
    elif fee is not None and as_of > fee.due:
        status = "in_grace"
    elif as_of > expiry:
        status = "expired"
    else:
        status = "in_force"
    if termination is not None:
        end = termination
    elif status == "expired":
        end = add_years(app_date, years)
    else:
        end = as_of
    late = None
    if paid_on is not None:
        if fee is None:
            raise InvalidParameterError(
                f"第 {years} 年（最后一年）的年费已缴，没有下一年度可缴：--paid-on 无意义。"
            )
        if paid_on < app_date:
            raise InvalidParameterError(f"缴费日 {paid_on} 早于申请日 {app_date}。")
        late = late_fee(fee.full_cny, fee.due, paid_on, sched)
    return CnFeesDue(
        patent_type=patent_type,
        app_date=app_date,
        grant_date=grant_date,
        paid_through_year=paid_through_year,
        as_of=as_of,
        next_year=next_year,
        next_due=next_due,
        fee_cny=fee.payable_cny if fee else None,
        fee_full_cny=fee.full_cny if fee else None,
        reduction_percent=fee.reduction_percent if fee else None,
        grace_end=last_day,
        expiry=expiry,
        status=status,
        termination_date=termination,
        years_maintained_at_as_of=whole_years(app_date, end),
        paid_on=paid_on,
        late_fee_cny=late,
        sources=tuple(dict.fromkeys(sources)),
    )
