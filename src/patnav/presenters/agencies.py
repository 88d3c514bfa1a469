"""The agency-quality presenter (代理机构质量): chart specifications of
:class:`patnav.analyses.agencies.AgencyQuality`, from its ``to_dict`` (so the report, the
CLI and a dashboard draw the same charts).

* ``agencies.units`` — units per agency (horizontal bars, ranked);
* ``agencies.rates`` — grant, rejection and withdrawal rates over the decided invention
  applications of each agency with any (agencies with none are left out and said so);
* ``agencies.years`` — filings per year of each listed agency.
"""

from __future__ import annotations

from typing import Any

from patnav.presenters.base import ChartSpec, say
from patnav.reports.model import Chart, Series

SHOWN = 10
"""Agencies drawn in a chart."""


def agencies_charts(data: dict[str, Any], lang: str = "zh") -> list[ChartSpec]:
    """The charts of an agency-quality result's ``to_dict``."""
    specs = [units_spec(data, lang), rates_spec(data, lang), years_spec(data, lang)]
    return [s for s in specs if s is not None]


def _who(data: dict[str, Any], lang: str) -> str:
    return say(
        lang,
        "代理人" if data.get("role") == "agent" else "代理机构",
        "Agent" if data.get("role") == "agent" else "Agency",
    )


def units_spec(data: dict[str, Any], lang: str) -> ChartSpec | None:
    """Units per agency, the largest first (None: no agency ranked)."""
    rows = (data.get("rows") or [])[:SHOWN]
    if not rows:
        return None
    unit = str(data.get("unit_zh") or "")
    chart = Chart(
        "barh",
        tuple(str(r["name"]) for r in rows),
        (Series(say(lang, "数量", "Units"), tuple(float(r["units"]) for r in rows)),),
        y_label=unit,
    )
    title = say(lang, f"{_who(data, lang)}申请量排名", f"Units per {_who(data, lang)}")
    return ChartSpec("agencies.units", title, unit, chart)


def rates_spec(data: dict[str, Any], lang: str) -> ChartSpec | None:
    """Grant, rejection and withdrawal rates of each listed agency with a decided
    invention application (None: none has one)."""
    rows = [r for r in (data.get("rows") or [])[:SHOWN] if r["outcomes"]["decided"]]
    if not rows:
        return None
    left = len((data.get("rows") or [])[:SHOWN]) - len(rows)
    names = tuple(str(r["name"]) for r in rows)
    series = tuple(
        Series(label, tuple(float(r["outcomes"][key] or 0.0) for r in rows))
        for key, label in (
            ("grant_rate", say(lang, "授权率", "Grant rate")),
            ("rejection_rate", say(lang, "驳回率", "Rejection rate")),
            ("withdrawal_rate", say(lang, "撤回率", "Withdrawal rate")),
        )
    )
    chart = Chart("bar", names, series, y_label="%", percent=True)
    subtitle = say(
        lang,
        "分母为已审结（授权、驳回或撤回）的发明申请；审中与状态未知者不计入",
        "Of the decided invention applications; pending and unknown left out",
    )
    if left:
        subtitle += say(
            lang,
            f"；另有 {left} 个无已审结发明申请，未列",
            f"; {left} with no decided invention left out",
        )
    title = say(lang, "发明申请审查结局", "Outcomes of invention applications")
    return ChartSpec("agencies.rates", title, "%", chart, subtitle=subtitle)


def years_spec(data: dict[str, Any], lang: str) -> ChartSpec | None:
    """Filings per year of the five largest agencies (None: no year known)."""
    rows = (data.get("rows") or [])[:5]
    per = [{int(y): int(n) for y, n in r["by_year"]} for r in rows]
    years = sorted({y for p in per for y in p})
    if not years:
        return None
    unit = str(data.get("unit_zh") or "")
    chart = Chart(
        "line",
        tuple(str(y) for y in years),
        tuple(
            Series(str(r["name"]), tuple(float(p.get(y, 0)) for y in years))
            for r, p in zip(rows, per, strict=True)
        ),
        x_label=say(lang, "申请年", "Filing year"),
        y_label=unit,
    )
    title = say(lang, f"{_who(data, lang)}申请趋势", "Filings per year")
    return ChartSpec("agencies.years", title, unit, chart, years=True)
