"""The value range of a pledge portfolio and its suggested pledge ratio (预评估).

A range, never a point, by the three approaches of GB/T 42748:

* **income** (收益法): revenue attributable × royalty rate, discounted over the economic
  life capped by the portfolio's remaining term::

      V = R × r × [ Σ_{t=1..N} (1+d)^-t  +  f × (1+d)^-(N+1) ],  n = N + f

  low = (r_low, d_high), high = (r_high, d_low); a 3 × 3 sensitivity table of r × d.
  Without a stated revenue there is no income value (said so, never zero).
* **cost** (成本法): the annual fees paid for the years the data show maintained (the fee
  engine :mod:`patnav.fees`, full fees: reductions are not known) plus the R&D and filing
  costs the user states; high = that cost, low = it less the share of the term used up.
  Patents whose paid years are unknown are left out and counted.
* **market** (市场法): only where the store holds transactions with prices; otherwise it
  says "数据中无可比交易".

The pledge ratio starts from a range by patent type and moves with the value grade
(``value_scores``, use ``pledge``; "未评分" when absent: no move, said so), unknown
blocking checks, failed non-blocking checks and a short remaining term; a failed blocking
check makes it zero. Defaults come from ``defaults.yaml`` with their sources.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from patnav.errors import InvalidParameterError
from patnav.fees.cn import annual_fee, grant_year, term_years
from patnav.models.prevalue.checks import (
    TYPE_ZH,
    PatentChecks,
    PortfolioChecks,
)
from patnav.storage.store import PatentStore
from patnav.yamlsafe import load_yaml_file

# a folded YAML line break between two Chinese characters is no space
_CJK_GAP = re.compile(
    r"(?<=[\u3000-\u9fff\uff00-\uffef]) (?=[\u3000-\u9fff\uff00-\uffef])"
)

DEFAULTS_FILE = Path(__file__).resolve().parent / "defaults.yaml"

CHECK_PENALTY_KEYS = ("co_owners", "licence", "invalidation", "litigation")
"""Non-blocking checks whose failure lowers the pledge ratio."""


@dataclass(frozen=True, slots=True)
class Defaults:
    """The default assumptions (``defaults.yaml`` or the user's file), with sources."""

    royalty_rate: tuple[float, float]
    discount_rate: tuple[float, float]
    economic_life_years: Mapping[str, float]
    pledge_ratio: Mapping[str, tuple[float, float]]
    grade_adjustment: Mapping[str, float]
    unknown_adjustment: float
    short_term_years: float
    sources: Mapping[str, str]
    path: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "royalty_rate": list(self.royalty_rate),
            "discount_rate": list(self.discount_rate),
            "economic_life_years": dict(self.economic_life_years),
            "pledge_ratio": {k: list(v) for k, v in self.pledge_ratio.items()},
            "grade_adjustment": dict(self.grade_adjustment),
            "unknown_adjustment": self.unknown_adjustment,
            "short_term_years": self.short_term_years,
            "sources": dict(self.sources),
            "path": self.path,
        }


def _bad(path: Path, what: str) -> InvalidParameterError:
    return InvalidParameterError(
        f"预评估参数文件 {path.name} 中 {what}。请对照 defaults.yaml 修改。"
    )


def _pair(path: Path, name: str, value: Any) -> tuple[float, float]:
    if isinstance(value, Mapping):
        value = [value.get("low"), value.get("high")]
    if (
        not isinstance(value, list | tuple)
        or len(value) != 2
        or not all(isinstance(v, int | float) for v in value)
        or not 0 <= value[0] <= value[1] <= 1
    ):
        raise _bad(
            path, f"{name} 应为 0–1 之间的下限、上限（下限不大于上限），实为 {value!r}"
        )
    return float(value[0]), float(value[1])


def load_defaults(path: Path | str | None = None) -> Defaults:
    """The default assumptions: ``defaults.yaml`` beside this module, or the user's file.

    Raises:
        InvalidParameterError: a figure missing or out of range.
        YamlError: the file is not valid YAML.
    """
    p = Path(path) if path else DEFAULTS_FILE
    raw = load_yaml_file(p)
    if not isinstance(raw, Mapping):
        raise _bad(p, "顶层应为键值表")
    for key in ("royalty_rate", "discount_rate", "economic_life_years", "pledge_ratio"):
        if key not in raw:
            raise _bad(p, f"缺少 {key}")
    lives = raw["economic_life_years"]
    ratios = raw["pledge_ratio"]
    grades = raw.get("grade_adjustment") or {}
    try:
        life = {k: float(lives[k]) for k in TYPE_ZH}
        ratio = {k: _pair(p, f"pledge_ratio.{k}", ratios[k]) for k in TYPE_ZH}
        grade = {k: float(v) for k, v in grades.items() if k != "source"}
    except (KeyError, TypeError, ValueError) as exc:
        raise _bad(
            p, f"economic_life_years / pledge_ratio / grade_adjustment 不完整：{exc}"
        ) from None
    sources = {
        k: _CJK_GAP.sub("", str(v.get("source")))
        for k, v in raw.items()
        if isinstance(v, Mapping) and v.get("source")
    }
    return Defaults(
        _pair(p, "royalty_rate", raw["royalty_rate"]),
        _pair(p, "discount_rate", raw["discount_rate"]),
        life,
        ratio,
        grade,
        float(raw.get("unknown_adjustment", -0.05)),
        float(raw.get("short_term_years", 3)),
        sources,
        str(p),
    )


@dataclass(frozen=True, slots=True)
class ValuationInputs:
    """The user's inputs; None takes the default (amounts in 万元, rates as shares)."""

    revenue_wan: float | None = None
    royalty_low: float | None = None
    royalty_high: float | None = None
    discount_low: float | None = None
    discount_high: float | None = None
    economic_life_years: float | None = None
    rd_cost_wan: float | None = None
    filing_cost_wan: float | None = None

    def validate(self) -> ValuationInputs:
        """The inputs, checked.

        Raises:
            InvalidParameterError: a negative amount, a rate outside [0, 1], a low above
                its high, a life outside (0, 30].
        """
        for name in ("revenue_wan", "rd_cost_wan", "filing_cost_wan"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise InvalidParameterError(f"{name} 不能为负，实为 {value}。")
        for name in ("royalty_low", "royalty_high", "discount_low", "discount_high"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= 1:
                raise InvalidParameterError(
                    f"{name} 应为 0–1 之间的比例（如 0.03 表示 3%），实为 {value}。"
                )
        for low, high in (
            ("royalty_low", "royalty_high"),
            ("discount_low", "discount_high"),
        ):
            a, b = getattr(self, low), getattr(self, high)
            if a is not None and b is not None and a > b:
                raise InvalidParameterError(f"{low}（{a}）不能大于 {high}（{b}）。")
        life = self.economic_life_years
        if life is not None and not 0 < life <= 30:
            raise InvalidParameterError(f"经济寿命应在 0–30 年之间，实为 {life}。")
        return self

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}


def present_value_factor(rate: float, years: float) -> float:
    """Σ_{t=1..N} (1+rate)^-t + f × (1+rate)^-(N+1) for ``years`` = N + f."""
    whole = math.floor(years)
    frac = years - whole
    factor = sum((1 + rate) ** -t for t in range(1, whole + 1))
    return factor + frac * (1 + rate) ** -(whole + 1)


def income_value(
    revenue_wan: float, royalty: float, discount: float, years: float
) -> float:
    """The income-approach value (万元) of ``revenue_wan`` a year for ``years``."""
    return revenue_wan * royalty * present_value_factor(discount, years)


@dataclass(frozen=True, slots=True)
class IncomeApproach:
    """收益法: the range, the life used, the sensitivity table (rows: royalty rates,
    columns: discount rates, cells: 万元)."""

    computed: bool
    note: str
    low_wan: float | None = None
    high_wan: float | None = None
    years: float | None = None
    royalty: tuple[float, float] = (0.0, 0.0)
    discount: tuple[float, float] = (0.0, 0.0)
    royalty_steps: tuple[float, ...] = ()
    discount_steps: tuple[float, ...] = ()
    sensitivity: tuple[tuple[float, ...], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "computed": self.computed,
            "note": self.note,
            "low_wan": self.low_wan,
            "high_wan": self.high_wan,
            "years": self.years,
            "royalty": list(self.royalty),
            "discount": list(self.discount),
            "sensitivity": {
                "royalty_rates": list(self.royalty_steps),
                "discount_rates": list(self.discount_steps),
                "values_wan": [list(r) for r in self.sensitivity],
            },
        }


@dataclass(frozen=True, slots=True)
class PatentCost:
    """The annual fees the data show paid for one patent (None: unknown), and why."""

    doc_id: str
    pub_number: str | None
    years: tuple[int, ...]
    fees_cny: int | None
    used_share: float | None
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "pub_number": self.pub_number,
            "years": list(self.years),
            "fees_cny": self.fees_cny,
            "used_share": self.used_share,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class CostApproach:
    """成本法: fees per patent, stated costs and the range (万元)."""

    patents: tuple[PatentCost, ...]
    fees_wan: float
    fees_unknown: int
    rd_cost_wan: float | None
    filing_cost_wan: float | None
    low_wan: float | None
    high_wan: float | None
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "patents": [p.to_dict() for p in self.patents],
            "fees_wan": self.fees_wan,
            "fees_unknown": self.fees_unknown,
            "rd_cost_wan": self.rd_cost_wan,
            "filing_cost_wan": self.filing_cost_wan,
            "low_wan": self.low_wan,
            "high_wan": self.high_wan,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class MarketApproach:
    """市场法: the comparable transactions with prices in the store (often none)."""

    transactions: tuple[dict[str, Any], ...]
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {"transactions": list(self.transactions), "note": self.note}


@dataclass(frozen=True, slots=True)
class PledgeRatio:
    """The suggested pledge ratio range of one patent, with its reasons."""

    doc_id: str
    pub_number: str | None
    low: float
    high: float
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "pub_number": self.pub_number,
            "low": self.low,
            "high": self.high,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True, slots=True)
class Valuation:
    """The value range of a portfolio, by approach, with the pledge ratios."""

    inputs: ValuationInputs
    defaults: Defaults
    income: IncomeApproach
    cost: CostApproach
    market: MarketApproach
    ratios: tuple[PledgeRatio, ...]
    ratio_low: float
    ratio_high: float
    ratio_note: str
    value_low_wan: float | None
    value_high_wan: float | None
    value_basis: str
    credit_low_wan: float | None
    credit_high_wan: float | None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "inputs": self.inputs.to_dict(),
            "defaults": self.defaults.to_dict(),
            "income": self.income.to_dict(),
            "cost": self.cost.to_dict(),
            "market": self.market.to_dict(),
            "pledge_ratios": [r.to_dict() for r in self.ratios],
            "pledge_ratio": {
                "low": self.ratio_low,
                "high": self.ratio_high,
                "note": self.ratio_note,
            },
            "value_range_wan": {
                "low": self.value_low_wan,
                "high": self.value_high_wan,
                "basis": self.value_basis,
            },
            "credit_range_wan": {
                "low": self.credit_low_wan,
                "high": self.credit_high_wan,
            },
            "notes": list(self.notes),
        }


def _r(value: float) -> float:
    return round(value, 4)


def _income(
    checks: PortfolioChecks, inputs: ValuationInputs, d: Defaults
) -> IncomeApproach:
    royalty = (
        inputs.royalty_low if inputs.royalty_low is not None else d.royalty_rate[0],
        inputs.royalty_high if inputs.royalty_high is not None else d.royalty_rate[1],
    )
    discount = (
        inputs.discount_low if inputs.discount_low is not None else d.discount_rate[0],
        inputs.discount_high
        if inputs.discount_high is not None
        else d.discount_rate[1],
    )
    if royalty[0] > royalty[1] or discount[0] > discount[1]:
        raise InvalidParameterError(
            f"提成率或折现率的下限大于上限：提成率 {royalty}，折现率 {discount}。"
        )
    live = [p for p in checks.found if p.check("in_force").status == "pass"]
    if not live:
        return IncomeApproach(
            False,
            "组合中没有确认有效的专利，收益法不适用。",
            royalty=royalty,
            discount=discount,
        )
    types = [p.patent_type for p in live if p.patent_type in TYPE_ZH]
    main_type = (
        "invention"
        if "invention" in types
        else (types[0] if types else "utility_model")
    )
    life = inputs.economic_life_years or d.economic_life_years[main_type]
    life_how = (
        "用户给定" if inputs.economic_life_years else f"默认（{TYPE_ZH[main_type]}）"
    )
    remaining = [p.remaining_years for p in live if p.remaining_years is not None]
    if remaining:
        cap = max(remaining)
        years = min(life, max(cap, 0.0))
        cap_note = f"以组合最长剩余保护期 {cap:.2f} 年封顶"
    else:
        years = life
        cap_note = "有效专利的剩余保护期均未知，未能以剩余期限封顶"
    if inputs.revenue_wan is None:
        return IncomeApproach(
            False,
            "未提供归属于专利的年收入，收益法未计算（不以零计）。",
            years=_r(years),
            royalty=royalty,
            discount=discount,
        )
    if years <= 0:
        return IncomeApproach(
            False,
            "剩余保护期已尽，收益法不适用。",
            years=0.0,
            royalty=royalty,
            discount=discount,
        )
    r_steps = (royalty[0], (royalty[0] + royalty[1]) / 2, royalty[1])
    d_steps = (discount[0], (discount[0] + discount[1]) / 2, discount[1])
    table = tuple(
        tuple(_r(income_value(inputs.revenue_wan, r, dd, years)) for dd in d_steps)
        for r in r_steps
    )
    return IncomeApproach(
        True,
        f"年收入 {inputs.revenue_wan:g} 万元，提成率 {royalty[0]:.2%}–{royalty[1]:.2%}，"
        f"折现率 {discount[0]:.2%}–{discount[1]:.2%}，收益期 {years:.2f} 年"
        f"（经济寿命 {life:g} 年，{life_how}；{cap_note}）。",
        _r(income_value(inputs.revenue_wan, royalty[0], discount[1], years)),
        _r(income_value(inputs.revenue_wan, royalty[1], discount[0], years)),
        _r(years),
        royalty,
        discount,
        tuple(_r(x) for x in r_steps),
        tuple(_r(x) for x in d_steps),
        table,
    )


def patent_fees(p: PatentChecks) -> PatentCost:
    """The CN annual fees paid for ``p``: from the year of grant through the last year
    the data show paid, at the full fee of the table in force on each due date."""
    doc = p.doc_id or ""
    if not p.pub_number or not p.pub_number.startswith("CN"):
        return PatentCost(
            doc, p.pub_number, (), None, None, "非中国专利，年费引擎不适用。"
        )
    if p.patent_type not in TYPE_ZH or p.app_date is None:
        return PatentCost(
            doc, p.pub_number, (), None, None, "无申请日或专利类型，年费未知。"
        )
    if p.grant_date is None or p.paid_through_year is None:
        return PatentCost(
            doc, p.pub_number, (), None, None, "数据未载授权日或已缴年度，年费未知。"
        )
    first = grant_year(p.app_date, p.grant_date)
    years = tuple(range(first, p.paid_through_year + 1))
    total = 0
    for year in years:
        fee = annual_fee(p.patent_type, p.app_date, year).full_cny
        if fee is None:
            return PatentCost(
                doc, p.pub_number, years, None, None, f"第 {year} 年度年费标准未知。"
            )
        total += fee
    term = term_years(p.patent_type, p.app_date)
    used = min(1.0, max(0.0, p.paid_through_year / term))
    return PatentCost(
        doc,
        p.pub_number,
        years,
        total,
        _r(used),
        f"第 {first}–{p.paid_through_year} 年度年费（全额，未计减缴）。"
        if years
        else "授权当年之前，无年费。",
    )


def _cost(checks: PortfolioChecks, inputs: ValuationInputs) -> CostApproach:
    costs = tuple(patent_fees(p) for p in checks.found)
    known = [c for c in costs if c.fees_cny is not None]
    fees_wan = sum(c.fees_cny or 0 for c in known) / 10_000
    unknown = len(costs) - len(known)
    stated = (inputs.rd_cost_wan or 0.0) + (inputs.filing_cost_wan or 0.0)
    if not known and inputs.rd_cost_wan is None and inputs.filing_cost_wan is None:
        return CostApproach(
            costs,
            0.0,
            unknown,
            None,
            None,
            None,
            None,
            "年费均未知，也未提供研发与申请成本，成本法未计算（不以零计）。",
        )
    high = fees_wan + stated
    shares = [c.used_share for c in known if c.used_share is not None]
    used = sum(shares) / len(shares) if shares else 0.0
    low = high * (1 - used)
    parts = [
        f"已缴年费 {fees_wan:.4f} 万元（{len(known)} 件）" if known else "年费均未知"
    ]
    if inputs.rd_cost_wan is not None:
        parts.append(f"研发成本 {inputs.rd_cost_wan:g} 万元（用户给定）")
    if inputs.filing_cost_wan is not None:
        parts.append(f"申请成本 {inputs.filing_cost_wan:g} 万元（用户给定）")
    note = "，".join(parts) + f"；下限扣除已用保护期比例 {used:.2%}。"
    if unknown:
        note += f"另有 {unknown} 件年费未知，未计入：成本法数值为下限估计。"
    return CostApproach(
        costs,
        _r(fees_wan),
        unknown,
        inputs.rd_cost_wan,
        inputs.filing_cost_wan,
        _r(low),
        _r(high),
        note,
    )


_PRICE_KEYS = ("amount", "price", "金额", "价格", "对价", "consideration")


def _market(store: PatentStore, checks: PortfolioChecks) -> MarketApproach:
    rows = store.query(
        "SELECT doc_id, type, date, details FROM events "
        "WHERE type IN ('transfer', 'licence', 'pledge') AND details IS NOT NULL"
    ).to_pylist()
    deals = []
    for row in rows:
        try:
            details = json.loads(row["details"])
        except (TypeError, ValueError):
            continue
        if not isinstance(details, dict):
            continue
        price = next(
            (details[k] for k in _PRICE_KEYS if details.get(k) not in (None, "")), None
        )
        if price is not None:
            deals.append(
                {
                    "doc_id": row["doc_id"],
                    "type": row["type"],
                    "date": row["date"].isoformat() if row["date"] else None,
                    "price": str(price),
                }
            )
    if not deals:
        return MarketApproach(
            (),
            "数据中无可比交易（库内转让、许可、质押记录均未载交易价格），市场法未采用。",
        )
    return MarketApproach(
        tuple(deals),
        f"库内有 {len(deals)} 条载明价格的交易记录，可作可比交易参考；可比性（技术领域、"
        "权利状态、交易条件）须由评估人员判断，本预评估未据此计算价值。",
    )


def pledge_ratio(p: PatentChecks, loan_years: float, d: Defaults) -> PledgeRatio:
    """The suggested pledge ratio range of one patent, with its reasons."""
    doc = p.doc_id or ""
    if p.blocked:
        why = tuple(f"{c.label}不通过：{c.reason}" for c in p.failed if c.blocking)
        return PledgeRatio(doc, p.pub_number, 0.0, 0.0, ("不宜质押。", *why))
    kind = p.patent_type if p.patent_type in TYPE_ZH else None
    base = d.pledge_ratio[kind or "design"]
    reasons = [
        f"{TYPE_ZH[kind]}基础区间 {base[0]:.0%}–{base[1]:.0%}"
        if kind
        else f"专利类型未知，按最低的外观设计区间 {base[0]:.0%}–{base[1]:.0%}"
    ]
    shift = 0.0
    if p.grade is None:
        reasons.append("未评分：未按价值等级调整")
    else:
        adj = d.grade_adjustment.get(p.grade, 0.0)
        shift += adj
        reasons.append(f"价值等级 {p.grade}：{adj:+.0%}")
    for c in p.unknown:
        if c.blocking:
            shift += d.unknown_adjustment
            reasons.append(f"{c.label}未知：{d.unknown_adjustment:+.0%}")
    for c in p.failed:
        if c.key in CHECK_PENALTY_KEYS:
            shift += d.unknown_adjustment
            reasons.append(f"{c.label}不通过：{d.unknown_adjustment:+.0%}")
    if (
        p.remaining_years is not None
        and p.remaining_years < loan_years + d.short_term_years
    ):
        shift += d.unknown_adjustment
        reasons.append(
            f"剩余保护期 {p.remaining_years:.1f} 年，短于贷款期加 {d.short_term_years:g} 年："
            f"{d.unknown_adjustment:+.0%}"
        )
    low = max(0.0, base[0] + shift)
    high = max(0.0, base[1] + shift)
    return PledgeRatio(doc, p.pub_number, _r(low), _r(high), tuple(reasons))


def value_portfolio(
    store: PatentStore,
    checks: PortfolioChecks,
    inputs: ValuationInputs | None = None,
    *,
    defaults: Defaults | None = None,
) -> Valuation:
    """The value range, sensitivity, costs, market evidence and pledge ratios of a
    checked portfolio.

    Args:
        store: the open store (for comparable transactions).
        checks: the portfolio's checks (:func:`~.checks.run_checks`).
        inputs: the user's figures; None: defaults only (no revenue: no income value).
        defaults: the assumptions (default: ``defaults.yaml``).
    """
    inputs = (inputs or ValuationInputs()).validate()
    d = defaults or load_defaults()
    income = _income(checks, inputs, d)
    cost = _cost(checks, inputs)
    market = _market(store, checks)
    loan_years = checks.loan.term_months / 12
    ratios = tuple(pledge_ratio(p, loan_years, d) for p in checks.found)
    fit = [r for r in ratios if r.high > 0]
    if fit:
        low = _r(sum(r.low for r in fit) / len(fit))
        high = _r(sum(r.high for r in fit) / len(fit))
        note = (
            f"{len(fit)} 件可质押专利质押率区间的平均值"
            f"（另 {len(ratios) - len(fit)} 件不宜质押）。"
        )
    else:
        low = high = 0.0
        note = "组合中没有可质押的专利。"
    if income.computed:
        v_low, v_high, basis = income.low_wan, income.high_wan, "收益法"
    elif cost.high_wan is not None:
        v_low, v_high, basis = (
            cost.low_wan,
            cost.high_wan,
            "成本法（未提供收入，收益法未计算）",
        )
    else:
        v_low = v_high = None
        basis = "收益法、成本法均无足够输入，价值区间未知"
    credit_low = _r(v_low * low) if v_low is not None else None
    credit_high = _r(v_high * high) if v_high is not None else None
    notes = []
    if checks.portfolio.not_found:
        notes.append(
            f"{len(checks.portfolio.not_found)} 个号码库中没有："
            f"{'、'.join(checks.portfolio.not_found)}，未纳入评估。"
        )
    unscored = sum(1 for p in checks.found if p.grade is None)
    if unscored:
        notes.append(f"{unscored} 件未评分（库中无质押用途的价值评分）。")
    return Valuation(
        inputs,
        d,
        income,
        cost,
        market,
        ratios,
        low,
        high,
        note,
        v_low,
        v_high,
        basis,
        credit_low,
        credit_high,
        tuple(notes),
    )
