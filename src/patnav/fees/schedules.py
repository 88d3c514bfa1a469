"""Fee and term schedules: data files with their legal source and effective dates.

The rules live in ``schedules/*.yaml`` beside this module — one file per office — so a new
fee schedule is a data change: add an entry with its ``effective_from`` and ``source``. This
module loads them and checks them (ranges cover every year of the term, dates ascend,
percentages make sense) before any engine uses them; a malformed file is a
:class:`~patnav.errors.ScheduleError` naming the file and the entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Protocol, TypeVar

from patnav.errors import ScheduleError
from patnav.yamlsafe import load_yaml_file

SCHEDULE_DIR = Path(__file__).resolve().parent / "schedules"

PATENT_TYPES = ("invention", "utility_model", "design")


@dataclass(frozen=True, slots=True)
class TermRule:
    """The term of one patent type for filings in ``[filed_from, filed_before)``."""

    patent_type: str
    years: int
    source: str
    filed_from: date | None = None
    filed_before: date | None = None

    def covers(self, app_date: date) -> bool:
        """Whether a filing on ``app_date`` falls under this rule."""
        return (self.filed_from is None or app_date >= self.filed_from) and (
            self.filed_before is None or app_date < self.filed_before
        )


@dataclass(frozen=True, slots=True)
class FeeTable:
    """Full annual fees per patent type and year, in force from ``effective_from``."""

    effective_from: date
    source: str
    fees: dict[str, dict[int, int]]

    def fee(self, patent_type: str, year: int) -> int | None:
        """The full fee of ``year``; None when this table has none for it."""
        return self.fees.get(patent_type, {}).get(year)


@dataclass(frozen=True, slots=True)
class ReductionRule:
    """Fee reductions (减缴) in force from ``effective_from``."""

    effective_from: date
    percents: tuple[int, ...]
    years_from_grant_year: int
    source: str


@dataclass(frozen=True, slots=True)
class CnSchedule:
    """CN terms, annual fees, grace and late fee, reductions."""

    terms: tuple[TermRule, ...]
    annual_fees: tuple[FeeTable, ...]
    reductions: tuple[ReductionRule, ...]
    grace_months: int
    late_fee_percent_per_month: int
    late_fee_free_months: int
    payment_source: str

    def term(self, patent_type: str, app_date: date) -> TermRule:
        """The term rule for a ``patent_type`` filed on ``app_date``."""
        for rule in self.terms:
            if rule.patent_type == patent_type and rule.covers(app_date):
                return rule
        raise ScheduleError(
            f"中国专利期限规则中没有 {patent_type}（申请日 {app_date}）的条目；"
            "请检查 fees/schedules/cn.yaml。"
        )

    def fee_table(self, due: date) -> FeeTable | None:
        """The annual-fee table in force on ``due``; None before the first one."""
        return _in_force(self.annual_fees, due)

    def reduction(self, due: date) -> ReductionRule | None:
        """The reduction rule in force on ``due``; None before the first one."""
        return _in_force(self.reductions, due)


@dataclass(frozen=True, slots=True)
class UsStage:
    """One US maintenance-fee stage, in months after grant."""

    stage: str
    window_opens_months: int
    due_months: int
    grace_end_months: int


@dataclass(frozen=True, slots=True)
class UsFeeTable:
    """US maintenance fee amounts (undiscounted) in force from ``effective_from``."""

    effective_from: date
    source: str
    amounts: dict[str, int]
    surcharge: int


@dataclass(frozen=True, slots=True)
class UsSchedule:
    """US maintenance-fee stages and amounts."""

    applies_to: tuple[str, ...]
    stages: tuple[UsStage, ...]
    fees: tuple[UsFeeTable, ...]
    rules_source: str
    filed_from: date

    def fee_table(self, due: date) -> UsFeeTable | None:
        """The amounts in force on ``due``; None before the first table."""
        return _in_force(self.fees, due)


@dataclass(frozen=True, slots=True)
class EpSchedule:
    """EPO renewal-fee rules (amounts not encoded)."""

    first_year: int
    grace_months: int
    additional_fee_percent: int
    source: str


class _Dated(Protocol):
    @property
    def effective_from(self) -> date: ...


_D = TypeVar("_D", bound=_Dated)


def _in_force(entries: tuple[_D, ...], day: date) -> _D | None:
    found: _D | None = None
    for entry in entries:
        if entry.effective_from <= day:
            found = entry
    return found


def _fail(path: Path, where: str, what: str) -> ScheduleError:
    return ScheduleError(
        f"费用规则文件 {path.name} 有误（{where}）：{what}。请按 docs/fees.md 修正该文件。"
    )


def _date(path: Path, where: str, value: Any) -> date:
    if not isinstance(value, date):
        raise _fail(path, where, f"应为日期 YYYY-MM-DD，实为 {value!r}")
    return value


def _int(path: Path, where: str, value: Any, *, low: int = 0) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        raise _fail(path, where, f"应为不小于 {low} 的整数，实为 {value!r}")
    return value


def _text(path: Path, where: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, where, "缺少法律依据（source）")
    return value


def _mapping(path: Path, where: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(path, where, f"应为映射，实为 {type(value).__name__}")
    return value


def _list(path: Path, where: str, value: Any) -> list[Any]:
    if not isinstance(value, list) or not value:
        raise _fail(path, where, "应为非空列表")
    return value


def _ascending(path: Path, where: str, entries: list[Any]) -> None:
    days = [e.effective_from for e in entries]
    if days != sorted(days) or len(set(days)) != len(days):
        raise _fail(path, where, "effective_from 须严格递增")


_RANGE = re.compile(r"^(\d+)(?:-(\d+))?$")


def _year_fees(path: Path, where: str, raw: Any) -> dict[int, int]:
    fees: dict[int, int] = {}
    for key, amount in _mapping(path, where, raw).items():
        m = _RANGE.match(str(key))
        if not m:
            raise _fail(path, where, f"年度区间应写作 1-3，实为 {key!r}")
        first, last = int(m[1]), int(m[2] or m[1])
        for year in range(first, last + 1):
            if year in fees:
                raise _fail(path, where, f"第 {year} 年重复")
            fees[year] = _int(path, f"{where} {key}", amount, low=1)
    years = sorted(fees)
    if years != list(range(1, len(years) + 1)):
        raise _fail(path, where, "年度须从第 1 年起连续")
    return fees


def _load_cn(path: Path) -> CnSchedule:
    data = _mapping(path, "文件", load_yaml_file(path))
    terms = []
    for i, raw in enumerate(_list(path, "terms", data.get("terms"))):
        where = f"terms[{i}]"
        t = _mapping(path, where, raw)
        if t.get("patent_type") not in PATENT_TYPES:
            raise _fail(path, where, f"未知专利类型 {t.get('patent_type')!r}")
        terms.append(
            TermRule(
                t["patent_type"],
                _int(path, where, t.get("years"), low=1),
                _text(path, where, t.get("source")),
                _date(path, where, t["filed_from"]) if "filed_from" in t else None,
                _date(path, where, t["filed_before"]) if "filed_before" in t else None,
            )
        )
    tables = []
    for i, raw in enumerate(_list(path, "annual_fees", data.get("annual_fees"))):
        where = f"annual_fees[{i}]"
        f = _mapping(path, where, raw)
        fees = {
            ptype: _year_fees(path, f"{where}.{ptype}", amounts)
            for ptype, amounts in _mapping(path, where, f.get("fees")).items()
        }
        if set(fees) - set(PATENT_TYPES):
            raise _fail(
                path, where, f"未知专利类型 {sorted(set(fees) - set(PATENT_TYPES))}"
            )
        tables.append(
            FeeTable(
                _date(path, where, f.get("effective_from")),
                _text(path, where, f.get("source")),
                fees,
            )
        )
    _ascending(path, "annual_fees", tables)
    # every year of every term must be priced by the table in force when terms begin
    for rule in terms:
        table = tables[-1]
        if len(table.fees.get(rule.patent_type, {})) < rule.years:
            raise _fail(
                path,
                "annual_fees",
                f"最新年费表未覆盖 {rule.patent_type} 的 {rule.years} 年期限",
            )
    reductions = []
    for i, raw in enumerate(_list(path, "reductions", data.get("reductions"))):
        where = f"reductions[{i}]"
        r = _mapping(path, where, raw)
        percents = tuple(
            _int(path, where, p, low=1) for p in _list(path, where, r.get("percents"))
        )
        if any(p >= 100 for p in percents):
            raise _fail(path, where, "减缴比例须小于 100")
        reductions.append(
            ReductionRule(
                _date(path, where, r.get("effective_from")),
                percents,
                _int(path, where, r.get("years_from_grant_year"), low=1),
                _text(path, where, r.get("source")),
            )
        )
    _ascending(path, "reductions", reductions)
    pay = _mapping(path, "payment", data.get("payment"))
    if (
        pay.get("due") != "anniversary_starting_the_year"
        or pay.get("termination") != "due_date"
    ):
        raise _fail(path, "payment", "due/termination 只支持本引擎实现的规则")
    return CnSchedule(
        tuple(terms),
        tuple(tables),
        tuple(reductions),
        _int(path, "payment.grace_months", pay.get("grace_months"), low=1),
        _int(path, "payment", pay.get("late_fee_percent_per_month")),
        _int(path, "payment", pay.get("late_fee_free_months")),
        _text(path, "payment", pay.get("source")),
    )


def _load_us(path: Path) -> UsSchedule:
    data = _mapping(path, "文件", load_yaml_file(path))
    stages: list[UsStage] = []
    for i, raw in enumerate(_list(path, "stages", data.get("stages"))):
        where = f"stages[{i}]"
        s = _mapping(path, where, raw)
        stage = UsStage(
            str(s.get("stage")),
            _int(path, where, s.get("window_opens_months"), low=1),
            _int(path, where, s.get("due_months"), low=1),
            _int(path, where, s.get("grace_end_months"), low=1),
        )
        if not stage.window_opens_months < stage.due_months < stage.grace_end_months:
            raise _fail(path, where, "须满足 开始缴费 < 应缴日 < 宽限期届满")
        if stages and stage.window_opens_months <= stages[-1].grace_end_months:
            raise _fail(path, where, "各阶段须依次排列、互不重叠")
        stages.append(stage)
    tables = []
    names = {s.stage for s in stages}
    for i, raw in enumerate(_list(path, "fees", data.get("fees"))):
        where = f"fees[{i}]"
        f = _mapping(path, where, raw)
        amounts = {
            str(k): _int(path, where, v, low=1)
            for k, v in _mapping(path, where, f.get("amounts")).items()
        }
        if set(amounts) != names:
            raise _fail(path, where, f"金额须覆盖各阶段 {sorted(names)}")
        tables.append(
            UsFeeTable(
                _date(path, where, f.get("effective_from")),
                _text(path, where, f.get("source")),
                amounts,
                _int(path, where, f.get("surcharge"), low=0),
            )
        )
    _ascending(path, "fees", tables)
    applies = tuple(str(p) for p in _list(path, "applies_to", data.get("applies_to")))
    return UsSchedule(
        applies,
        tuple(stages),
        tuple(tables),
        _text(path, "rules_source", data.get("rules_source")),
        _date(path, "filed_from", data.get("filed_from")),
    )


def _load_ep(path: Path) -> EpSchedule:
    data = _mapping(path, "文件", load_yaml_file(path))
    if data.get("due") != "last_day_of_anniversary_month":
        raise _fail(path, "due", "只支持 last_day_of_anniversary_month")
    return EpSchedule(
        _int(path, "first_year", data.get("first_year"), low=1),
        _int(path, "grace_months", data.get("grace_months"), low=1),
        _int(path, "additional_fee_percent", data.get("additional_fee_percent")),
        _text(path, "source", data.get("source")),
    )


@cache
def cn_schedule(folder: Path = SCHEDULE_DIR) -> CnSchedule:
    """The CN schedule from ``folder/cn.yaml``, loaded and checked once."""
    return _load_cn(folder / "cn.yaml")


@cache
def us_schedule(folder: Path = SCHEDULE_DIR) -> UsSchedule:
    """The US schedule from ``folder/us.yaml``, loaded and checked once."""
    return _load_us(folder / "us.yaml")


@cache
def ep_schedule(folder: Path = SCHEDULE_DIR) -> EpSchedule:
    """The EP schedule from ``folder/ep.yaml``, loaded and checked once."""
    return _load_ep(folder / "ep.yaml")
