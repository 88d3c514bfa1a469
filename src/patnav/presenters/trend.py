"""The filing trend's presenter: its report section (申请趋势与技术生命周期), its rules, its
dashboard chart."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from patnav.analyses.trend import FilingTrend, SplitRow
from patnav.presenters.base import ChartSpec, Presenter, empty_spec, say
from patnav.reports import labels as L
from patnav.reports.conclusions import landscape_rule
from patnav.reports.context import Builder
from patnav.reports.model import (
    Chart,
    Figure,
    Finding,
    Paragraph,
    Section,
    Series,
    Table,
)
from patnav.reports.sections.common import num, pick, year_span
from patnav.reports.sections.landscape import trend_summary

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
    years = [y for y in data.get("years", []) if isinstance(y.get("year"), int)]
    if not years or not any(y["filings"] for y in years):
        return [empty_spec("trend", title, unit, lang, kind="bar")]
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
    """申请趋势与技术生命周期: filings and grants per year, types, offices, lifecycle."""
    if not isinstance(result, FilingTrend):
        return None
    s = Section(b.t("sec.trend"), level, key="trend")
    years = year_span(result)
    s.add(Paragraph(trend_summary(b, result)))
    s.add(*pick(found, "trend.", "data.drop"))
    if not years:
        return s
    # no grant in any year: the data carry no grants (a source without publication
    # data), not zero grants — the series and the column are left out and that is said
    has_grants = any(y.grants for y in result.years)
    s.add(
        _years_figure(b, result, years, has_grants),
        _types_figure(b, result, years),
        _offices_figure(b, result, years),
        _lifecycle_figure(b, result, years),
        _years_table(b, result, years, has_grants),
    )
    return s


def _series(values: list[float], name: str) -> Series:
    return Series(name, tuple(values))


def _years_figure(
    b: Builder, tr: FilingTrend, years: list[int], has_grants: bool
) -> Figure:
    """Filings (and grants, when the data have any) per year."""
    by_year = {y.year: y for y in tr.years}
    lines = [
        _series(
            [num(by_year[y].filings if y in by_year else 0) for y in years],
            b.t("series.filings"),
        )
    ]
    if has_grants:
        lines.append(
            _series(
                [num(by_year[y].grants if y in by_year else 0) for y in years],
                b.t("series.grants"),
            )
        )
    return b.figure(
        b.say("专利申请与授权趋势", "Filings and grants per year")
        if has_grants
        else b.say("专利申请趋势", "Filings per year"),
        Chart(
            "line",
            tuple(str(y) for y in years),
            tuple(lines),
            x_label=b.t("axis.year"),
            y_label=b.count_header,
        ),
        years=True,
        extra=""
        if has_grants
        else b.say(
            "数据中没有授权信息，未绘制授权趋势",
            "the data hold no grants: no grant trend is drawn",
        ),
        key="trend.years",
    )


def _totals(rows: Sequence[SplitRow]) -> dict[str, int]:
    """Filings per key (type, office) over every year."""
    totals: dict[str, int] = {}
    for row in rows:
        totals[row.key] = totals.get(row.key, 0) + row.filings
    return totals


def _split_figure(
    b: Builder,
    rows: Sequence[SplitRow],
    years: list[int],
    *,
    kind: str,
    title: str,
    name: Callable[[str], str],
    key: str,
    most: int | None = None,
) -> Figure | None:
    """Filings per year of each key of a split (type, office), the busiest first; None
    with a single key."""
    totals = _totals(rows)
    if len(totals) <= 1:
        return None
    cell = {(r.year, r.key): r.filings for r in rows}
    keys = sorted(totals, key=lambda k: (-totals[k], k))[:most]
    return b.figure(
        title,
        Chart(
            kind,
            tuple(str(y) for y in years),
            tuple(
                _series([num(cell.get((y, k), 0)) for y in years], name(k))
                for k in keys
            ),
            x_label=b.t("axis.year"),
            y_label=b.count_header,
        ),
        years=True,
        key=key,
    )


def _types_figure(b: Builder, tr: FilingTrend, years: list[int]) -> Figure | None:
    """Filings per year stacked by patent type (with more than one type)."""
    return _split_figure(
        b,
        tr.by_type,
        years,
        kind="stacked",
        title=b.say("各类型专利申请趋势", "Filings per year by patent type"),
        name=lambda k: L.type_label(k, b.lang),
        key="trend.types",
    )


def _offices_figure(b: Builder, tr: FilingTrend, years: list[int]) -> Figure | None:
    """Filings per year at the six busiest offices (with more than one office)."""
    return _split_figure(
        b,
        tr.by_office,
        years,
        kind="line",
        title=b.say("主要受理局申请趋势", "Filings per year at the main offices"),
        name=lambda k: L.place(k, b.lang),
        key="trend.offices",
        most=6,
    )


def _lifecycle_figure(b: Builder, tr: FilingTrend, years: list[int]) -> Figure | None:
    """Applicants against filings, a point per year (with three years filed in)."""
    by_year = {y.year: y for y in tr.years}
    filed = [y for y in years if y in by_year and by_year[y].filings]
    if len(filed) < 3:
        return None
    return b.figure(
        b.say(
            "技术生命周期：申请人数与申请量",
            "Lifecycle: applicants against filings",
        ),
        Chart(
            "scatter",
            tuple(str(y) for y in filed),
            (
                _series(
                    [num(by_year[y].applicants) for y in filed],
                    b.t("axis.applicants"),
                ),
                _series([num(by_year[y].filings) for y in filed], b.count_header),
            ),
            x_label=b.t("axis.applicants"),
            y_label=b.count_header,
        ),
        years=True,
        extra=b.say("点旁数字为申请年", "points labelled by filing year"),
        key="trend.lifecycle",
    )


def _years_table(
    b: Builder, tr: FilingTrend, years: list[int], has_grants: bool
) -> Table:
    """Filings, grants, applicants and growth per year (completeness when some year
    shown is incomplete)."""
    by_year = {y.year: y for y in tr.years}
    shown = [y for y in years if y in by_year]
    # the completeness column only when some year shown is incomplete
    flagged = any(by_year[y].incomplete for y in shown)
    columns = [
        b.t("col.year"),
        b.count_header,
        b.t("col.grants"),
        b.t("col.applicants"),
        b.t("col.growth"),
    ]
    if not has_grants:
        columns.remove(b.t("col.grants"))
    if flagged:
        columns.append(b.t("col.incomplete"))
    table_rows: list[list[str]] = []
    for y in shown:
        cells = [
            str(y),
            L.num(by_year[y].filings),
            L.num(by_year[y].grants),
            L.num(by_year[y].applicants),
            L.signed_pct(by_year[y].growth),
        ]
        if not has_grants:
            del cells[2]
        if flagged:
            cells.append(
                b.t(
                    "col.incomplete.yes"
                    if by_year[y].incomplete
                    else "col.incomplete.no"
                )
            )
        table_rows.append(cells)
    return b.table(
        b.say(
            "历年专利申请、授权与申请人数",
            "Filings, grants and applicants per year",
        )
        if has_grants
        else b.say(
            "历年专利申请与申请人数",
            "Filings and applicants per year",
        ),
        columns,
        table_rows,
        sort=b.say(
            f"申请年升序（最近 {len(shown)} 年）；增长率为较上年变化",
            f"filing year (last {len(shown)} years); growth on the year before",
        ),
        align="l" + "r" * (len(columns) - 1 - flagged) + ("l" if flagged else ""),
        key="trend.table",
    )


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
