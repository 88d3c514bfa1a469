"""The filing trend's presenter: its report section (申请趋势与技术生命周期), its rules, its
dashboard chart."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from patnav.analyses.trend import FilingTrend
from patnav.presenters.base import (
    ChartSpec,
    Presenter,
    empty_spec,
    figures_of,
    say,
    specs_of,
)
from patnav.reports import labels as L
from patnav.reports.conclusions import landscape_rule
from patnav.reports.context import Builder
from patnav.reports.model import (
    Chart,
    Finding,
    Paragraph,
    Section,
    Series,
    Table,
)
from patnav.reports.sections.common import pick, year_span
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
PUBLISHED_MIN = 0.5
"""The trend draws first publications per year when at least this share of the units
filed have a publication date (the others would be drawn as zeros)."""


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
    empty = {"filings": 0, "publications": 0, "grants": 0, "applicants": 0}
    return [
        by_year.get(year, {"year": year, **empty}) for year in range(first, last + 1)
    ]


def shown_years(data: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """The years every trend chart draws — from the first to the last filed in, at
    most :data:`MAX_YEARS` — and the units filed in the earlier years left out."""
    years = [
        y
        for y in data.get("years", [])
        if isinstance(y.get("year"), int) and y["filings"]
    ]
    if not years:
        return [], 0
    years = _continuous(years)
    omitted = sum(y["filings"] for y in years[:-MAX_YEARS])
    return years[-MAX_YEARS:], omitted


def trend_charts(data: dict[str, Any], lang: str) -> list[ChartSpec]:
    """The filing trend (report and dashboard), filings by patent type (report and
    dashboard), at the main offices and against applicants (report)."""
    specs = [
        trend_spec(data, lang),
        types_spec(data, lang),
        offices_spec(data, lang),
        lifecycle_spec(data, lang),
    ]
    return [spec for spec in specs if spec is not None]


def _subtitle(
    data: dict[str, Any], lang: str, omitted: int, grants: bool, published: str | None
) -> str:
    """The lifecycle, the growth, what is not drawn and why (the incomplete years are
    each renderer's own note: the report's data note, the dashboard's shaded band)."""
    colon = "：" if lang == "zh" else ": "
    parts = []
    lifecycle = data.get("lifecycle") or {}
    if lifecycle.get("phase"):
        phase = lifecycle.get("phase_zh") if lang == "zh" else lifecycle.get("phase")
        parts.append(f"{say(lang, '技术生命周期', 'Lifecycle')}{colon}{phase}")
    if data.get("cagr") is not None:
        cagr = f"{data['cagr'] * 100:.1f}%"
        parts.append(f"{say(lang, '年均复合增长率', 'CAGR')} {cagr}")
    if published is not None:
        parts.append(published)
    if not grants:
        parts.append(
            say(
                lang,
                "数据中没有授权信息，未绘制授权趋势",
                "the data hold no grants: no grant trend is drawn",
            )
        )
    if omitted:
        parts.append(
            f"更早年份的 {omitted:,} {measure_of(data, lang)}未显示"
            if lang == "zh"
            else f"{omitted:,} earlier {measure_of(data, lang)} not shown"
        )
    return "；".join(parts) + "。" if lang == "zh" else "; ".join(parts) + "."


def _published(data: dict[str, Any], lang: str) -> str | None:
    """Why the first publications are not drawn — most units have no publication date
    in the data, so a yearly count would show the gaps as zeros —, or None to draw
    them. Every unit was published once: the units counted in some publication year
    are those whose date is known."""
    years = data.get("years") or []
    known = sum(int(y.get("publications") or 0) for y in years)
    total = sum(int(y.get("filings") or 0) for y in years)
    if total and known >= PUBLISHED_MIN * total:
        return None
    measure = measure_of(data, lang)
    return say(
        lang,
        f"数据中仅 {known:,} / {total:,} {measure}有公开日，未绘制首次公开趋势",
        f"only {known:,} of {total:,} {measure} have a publication date in the data: "
        "no first-publication trend is drawn",
    )


def _shaded(data: dict[str, Any], labels: tuple[str, ...]) -> tuple[str, ...]:
    incomplete = data.get("incomplete_from")
    if incomplete is not None and str(incomplete) in labels:
        return labels[labels.index(str(incomplete)) :]
    return ()


def trend_spec(data: dict[str, Any], lang: str) -> ChartSpec:
    """Filings (bars), first publications and grants (lines; grants only when the data
    have any — none at all is no grant data, not zero grants) per year, incomplete years
    marked; the lifecycle, growth and what was left out in the subtitle."""
    unit = unit_of(data, lang)
    title = say(lang, "专利申请趋势", "Filing trend")
    years, omitted = shown_years(data)
    if not years:
        return empty_spec("trend", title, unit, lang, kind="bar")
    grants = any(y.get("grants") for y in data.get("years", []))
    published = _published(data, lang)
    series = [
        Series(
            say(lang, "申请量", "Filings"), tuple(float(y["filings"]) for y in years)
        )
    ]
    if published is None:
        series.append(
            Series(
                say(lang, "首次公开", "First publications"),
                tuple(float(y["publications"]) for y in years),
                kind="line",
            )
        )
    if grants:
        series.append(
            Series(
                say(lang, "授权", "Grants"),
                tuple(float(y["grants"]) for y in years),
                kind="line",
            )
        )
    labels = tuple(str(y["year"]) for y in years)
    shaded = _shaded(data, labels)
    chart = Chart(
        "bar",
        labels,
        tuple(series),
        x_label=say(lang, "申请年", "Filing year"),
        y_label=unit,
        shaded=shaded,
        shaded_label=say(lang, "数据不完整", "Incomplete") if shaded else "",
    )
    subtitle = _subtitle(data, lang, omitted, grants, published)
    return ChartSpec("trend", title, unit, chart, subtitle=subtitle, years=True)


TYPES = {
    "invention": ("发明", "Invention"),
    "utility_model": ("实用新型", "Utility model"),
    "design": ("外观设计", "Design"),
    "plant": ("植物专利", "Plant"),
    "unknown": ("类型未知", "Type unknown"),
}
"""A patent type's name in a legend: the page's vocabulary (``ptype.*``)."""


def type_name(kind: Any, lang: str) -> str:
    """A patent type's name; one the table lacks as it is, a missing one as 未知."""
    if kind is None:
        return say(lang, "未知", "Unknown")
    names = TYPES.get(str(kind))
    return str(kind) if names is None else say(lang, *names)


def _split_spec(
    data: dict[str, Any],
    lang: str,
    rows: list[dict[str, Any]],
    *,
    kind: str,
    name: Callable[[str], str],
    most: int | None = None,
) -> tuple[Chart, int] | None:
    """Filings per year of each key of a split (type, office), the busiest first, over
    the years the trend draws; with the number of keys (None: no year or no key)."""
    years, _ = shown_years(data)
    totals: dict[str, int] = {}
    for row in rows:
        totals[row["key"]] = totals.get(row["key"], 0) + row["filings"]
    if not years or not totals:
        return None
    cell = {(r["year"], r["key"]): r["filings"] for r in rows}
    keys = sorted(totals, key=lambda k: (-totals[k], k))[:most]
    labels = tuple(str(y["year"]) for y in years)
    chart = Chart(
        kind,
        labels,
        tuple(
            Series(name(k), tuple(float(cell.get((y["year"], k), 0)) for y in years))
            for k in keys
        ),
        x_label=say(lang, "申请年", "Filing year"),
        y_label=unit_of(data, lang),
        shaded=_shaded(data, labels),
    )
    return chart, len(totals)


def types_spec(data: dict[str, Any], lang: str) -> ChartSpec | None:
    """Filings per year stacked by patent type (None: no type known by year)."""
    split = _split_spec(
        data,
        lang,
        data.get("by_type") or [],
        kind="stacked",
        name=lambda k: type_name(k, lang),
    )
    if split is None:
        return None
    title = say(lang, "各类型专利申请趋势", "Filings per year by patent type")
    return ChartSpec("trend_type", title, unit_of(data, lang), split[0], years=True)


def offices_spec(data: dict[str, Any], lang: str) -> ChartSpec | None:
    """Filings per year at the six busiest offices (None: no office by year)."""
    split = _split_spec(
        data,
        lang,
        data.get("by_office") or [],
        kind="line",
        name=lambda k: L.place(k, lang),
        most=6,
    )
    if split is None:
        return None
    title = say(lang, "主要受理局申请趋势", "Filings per year at the main offices")
    subtitle = say(
        lang,
        f"{split[1]} 个受理局中申请最多的 {min(split[1], 6)} 个",
        f"the {min(split[1], 6)} busiest of {split[1]} offices",
    )
    return ChartSpec(
        "trend.offices",
        title,
        unit_of(data, lang),
        split[0],
        subtitle=subtitle,
        years=True,
    )


def lifecycle_spec(data: dict[str, Any], lang: str) -> ChartSpec | None:
    """Applicants against filings, a point per year filed in (None: fewer than three
    such years — no path to read)."""
    years, _ = shown_years(data)
    filed = [y for y in years if y["filings"]]
    if len(filed) < 3:
        return None
    unit = unit_of(data, lang)
    applicants = say(lang, "申请人数", "Applicants")
    chart = Chart(
        "scatter",
        tuple(str(y["year"]) for y in filed),
        (
            Series(applicants, tuple(float(y["applicants"]) for y in filed)),
            Series(
                say(lang, "申请量", "Filings"),
                tuple(float(y["filings"]) for y in filed),
            ),
        ),
        x_label=applicants,
        y_label=unit,
    )
    return ChartSpec(
        "trend.lifecycle",
        say(
            lang,
            "技术生命周期：申请人数与申请量",
            "Lifecycle: applicants against filings",
        ),
        unit,
        chart,
        subtitle=say(lang, "点旁数字为申请年", "points labelled by filing year"),
        years=True,
    )


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
    specs = specs_of(trend_charts, result, b.lang)
    # a split with a single type or office says nothing the trend does not
    for key in ("trend_type", "trend.offices"):
        if key in specs and len(specs[key].chart.series) <= 1:
            del specs[key]
    s.add(
        *figures_of(
            b, specs, "trend", "trend_type", "trend.offices", "trend.lifecycle"
        ),
        _years_table(b, result, years, has_grants),
    )
    return s


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
    keys=("trend", "trend_type"),
)
"""The filing trend's slice: section, rules, its charts (the dashboard draws the trend
and the trend by type)."""
