"""The filing trend's presenter: its report section, its rules, its dashboard chart."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from patnav.presenters.base import ChartSpec, Presenter, say
from patnav.reports import sections as S
from patnav.reports.conclusions import landscape_rule
from patnav.reports.context import Builder
from patnav.reports.model import Chart, Finding, Section, Series

MAX_YEARS = 40
"""The dashboard's trend shows this many years at most (the earlier units are counted in
its subtitle)."""
UNITS_EN = {
    "family": "families",
    "application": "applications",
    "document": "documents",
}
MEASURES_ZH = {"family": "族", "application": "件", "document": "篇"}


def unit_of(data: dict[str, Any], lang: str) -> str:
    """The unit of a result's counts: 篇文献 / documents …"""
    if lang == "en":
        return UNITS_EN.get(str(data.get("count_by")), "units")
    return str(data.get("unit_zh") or "件")


def measure_of(data: dict[str, Any], lang: str) -> str:
    """The measure word after a count in a sentence: 族 / 件 / 篇, families …"""
    if lang == "en":
        return unit_of(data, lang)
    return MEASURES_ZH.get(str(data.get("count_by")), "件")


def _continuous(years: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The years from the first to the last, the missing ones with zero counts (an axis
    that skips years would hide the gaps)."""
    by_year = {y["year"]: y for y in years}
    first, last = min(by_year), max(by_year)
    empty = {"filings": 0, "publications": 0, "grants": 0}
    return [
        by_year.get(year, {"year": year, **empty}) for year in range(first, last + 1)
    ]


def trend_charts(data: dict[str, Any], lang: str) -> list[ChartSpec]:
    """Filings (bars), first publications and grants (lines) per year, incomplete years
    marked; the lifecycle, growth and what was left out in the subtitle."""
    unit = unit_of(data, lang)
    title = say(lang, "申请趋势", "Filing trend")
    no_data = say(
        lang, "该项分析没有可显示的数据。", "No data to show for this analysis."
    )
    years = [y for y in data.get("years", []) if isinstance(y.get("year"), int)]
    if not years or not any(y["filings"] for y in years):
        return [ChartSpec("trend", title, unit, Chart("bar", (), ()), empty=no_data)]
    years = _continuous(years)
    omitted = 0
    if len(years) > MAX_YEARS:
        omitted = sum(y["filings"] for y in years[:-MAX_YEARS])
        years = years[-MAX_YEARS:]
    labels = tuple(str(y["year"]) for y in years)
    incomplete = data.get("incomplete_from")
    shaded: tuple[str, ...] = ()
    if incomplete is not None and str(incomplete) in labels:
        shaded = labels[labels.index(str(incomplete)) :]
    chart = Chart(
        "bar",
        labels,
        (
            Series(
                say(lang, "申请量", "Filings"),
                tuple(float(y["filings"]) for y in years),
            ),
            Series(
                say(lang, "首次公开", "First publications"),
                tuple(float(y["publications"]) for y in years),
                kind="line",
            ),
            Series(
                say(lang, "授权", "Grants"),
                tuple(float(y["grants"]) for y in years),
                kind="line",
            ),
        ),
        shaded=shaded,
        shaded_label=say(lang, "数据不完整", "Incomplete") if shaded else "",
    )
    colon = "：" if lang == "zh" else ": "
    parts = []
    lifecycle = data.get("lifecycle") or {}
    if lifecycle.get("phase"):
        phase = lifecycle.get("phase_zh") if lang == "zh" else lifecycle.get("phase")
        parts.append(f"{say(lang, '技术生命周期', 'Lifecycle')}{colon}{phase}")
    if data.get("cagr") is not None:
        cagr = f"{data['cagr'] * 100:.1f}%"
        parts.append(f"{say(lang, '年均复合增长率', 'CAGR')} {cagr}")
    if incomplete is not None:
        parts.append(
            say(
                lang,
                f"{incomplete} 年及以后的申请因公开滞后（约 18 个月）尚不完整",
                f"Filings from {incomplete} on are incomplete: applications publish "
                "~18 months after filing",
            )
        )
    if omitted:
        parts.append(
            f"更早年份的 {omitted:,} {measure_of(data, lang)}未显示"
            if lang == "zh"
            else f"{omitted:,} earlier {measure_of(data, lang)} not shown"
        )
    subtitle = "；".join(parts) + "。" if lang == "zh" else "; ".join(parts) + "."
    return [ChartSpec("trend", title, unit, chart, subtitle=subtitle, years=True)]


def trend_section(
    b: Builder, result: Any, found: Sequence[Finding], level: int
) -> Section | None:
    """申请趋势与技术生命周期 (see :func:`patnav.reports.sections.trend_section`)."""
    return S.trend_section(b, result, found, level=level)


PRESENTER = Presenter(
    "trend",
    section=trend_section,
    charts=trend_charts,
    rules=(landscape_rule("trend.lifecycle"), landscape_rule("data.drop")),
    dashboard=True,
    order=10,
    keys=("trend",),
)
"""The filing trend's slice: section, rules, the dashboard's trend chart."""
