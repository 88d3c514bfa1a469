"""The competitor benchmark's presenter (竞争对手对标): its report section and its rule.

The benchmark shows in enterprise reports only (their outline runs it over the spec's
entities, and per top-level node); the dashboard does not run it, but its charts are
chart specifications all the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from patnav.analyses.competitors import CompetitorBenchmark, CompetitorProfile
from patnav.presenters.base import ChartSpec, Presenter, figures_of, say, specs_of
from patnav.presenters.trend import unit_of
from patnav.reports import labels as L
from patnav.reports.conclusions import landscape_rule
from patnav.reports.context import Builder
from patnav.reports.model import Chart, Finding, Section, Series, Table
from patnav.reports.sections.common import YEARS_SHOWN, pick


def competitors_section(
    b: Builder, result: Any, found: Sequence[Finding], level: int
) -> Section | None:
    """竞争对手对标: side by side, filings per year, technologies, per node (the
    benchmarks per node the report ran, ``Results.node_competitors``)."""
    if not isinstance(result, CompetitorBenchmark):
        return None
    s = Section(b.t("sec.benchmark"), level, key="competitors")
    s.add(*pick(found, "competitors."))
    specs = specs_of(competitors_charts, chart_data(b, result), b.lang)
    s.add(_table(b, result))
    s.add(*figures_of(b, specs, "competitors.years", "competitors.units"))
    s.add(_tech_table(b, result))
    s.add(*figures_of(b, specs, "competitors.nodes"))
    return s


def chart_data(b: Builder, cb: Any) -> dict[str, Any]:
    """The benchmark's dict with, under ``by_node``, the benchmarks per top-level node
    the report ran (``Results.node_competitors``)."""
    nodes = b.results.node_competitors
    data: dict[str, Any] = cb.to_dict()
    return data | {"by_node": {n: r.to_dict() for n, r in nodes.items()}}


def competitors_charts(data: dict[str, Any], lang: str) -> list[ChartSpec]:
    """Each competitor's filings per year, its units against its recent ones, and its
    units per technology branch (with the benchmarks per node under ``by_node``)."""
    specs = [years_spec(data, lang), units_spec(data, lang), nodes_spec(data, lang)]
    return [spec for spec in specs if spec is not None]


def years_spec(data: dict[str, Any], lang: str) -> ChartSpec | None:
    """Filings per year of each competitor (None: no year known)."""
    rows = data.get("competitors") or []
    per = [dict((int(y), int(n)) for y, n in c["by_year"]) for c in rows]
    years = sorted({y for p in per for y in p})[-YEARS_SHOWN:]
    if not years:
        return None
    unit = unit_of(data, lang)
    chart = Chart(
        "line",
        tuple(str(y) for y in years),
        tuple(
            Series(str(c["name"]), tuple(float(p.get(y, 0)) for y in years))
            for c, p in zip(rows, per, strict=True)
        ),
        x_label=say(lang, "申请年", "Filing year"),
        y_label=unit,
    )
    title = say(lang, "对标对象申请趋势", "Filings per year of each competitor")
    return ChartSpec("competitors.years", title, unit, chart, years=True)


def units_spec(data: dict[str, Any], lang: str) -> ChartSpec:
    """Each competitor's units, and those filed in the recent window."""
    rows = data.get("competitors") or []
    unit = unit_of(data, lang)
    window = L.span(tuple(data["recent_window"]) if data.get("recent_window") else None)
    chart = Chart(
        "bar",
        tuple(str(c["name"]) for c in rows),
        (
            Series(say(lang, "总量", "All"), tuple(float(c["units"]) for c in rows)),
            Series(
                say(lang, f"近三年（{window}）", f"Recent ({window})"),
                tuple(float(c["recent"]) for c in rows),
            ),
        ),
        y_label=unit,
    )
    title = say(
        lang, "对标对象数量与近三年数量", "Units and recent units of each competitor"
    )
    return ChartSpec("competitors.units", title, unit, chart)


def nodes_spec(data: dict[str, Any], lang: str) -> ChartSpec | None:
    """Each competitor's units in each top-level technology branch (None: the report
    ran no benchmark per node)."""
    by_node: dict[str, Any] = data.get("by_node") or {}
    if not by_node:
        return None
    names = tuple(str(c["name"]) for c in data.get("competitors") or [])
    chart = Chart(
        "heatmap",
        names,
        (),
        rows=tuple(by_node),
        matrix=tuple(
            tuple(float(c["units"]) for c in node["competitors"])
            for node in by_node.values()
        ),
    )
    title = say(
        lang,
        "对标对象在各技术分支的布局",
        "Competitors across the technology branches",
    )
    return ChartSpec("competitors.nodes", title, unit_of(data, lang), chart)


def _recent(b: Builder, cb: CompetitorBenchmark) -> str:
    window = L.span(cb.recent_window)
    if b.lang != "en":
        return f"{b.t('col.recent')}（{window}）"
    return f"{b.t('col.recent')} ({window})"


def _table(b: Builder, cb: CompetitorBenchmark) -> Table:
    return b.table(
        b.say("竞争对手对标", "Competitor benchmark"),
        [
            b.t("col.competitor"),
            b.count_header,
            b.t("col.share"),
            _recent(b, cb),
            b.t("col.growth"),
            b.t("col.grant_ratio"),
            b.t("col.in_force"),
            b.t("col.citations_per_unit"),
            b.t("col.partners"),
        ],
        [
            [
                c.name,
                L.num(c.units),
                L.pct(c.share),
                L.num(c.recent),
                L.signed_pct(c.growth),
                L.pct(c.grant_ratio),
                L.pct(c.in_force_share),
                L.dec(c.citations_per_unit, 1),
                L.num(c.partners),
            ]
            for c in cb.competitors
        ],
        sort=b.say(
            "按导航方案所列顺序（首位为本企业）",
            "in the order of the spec (the enterprise first)",
        ),
        key="competitors.table",
    )


def _tech_table(b: Builder, cb: CompetitorBenchmark) -> Table:
    def technologies(c: CompetitorProfile) -> str:
        if b.lang == "en":
            return "; ".join(f"{t.key} ({t.units})" for t in c.technologies[:3])
        return "；".join(
            f"{t.key} {t.label if t.label != t.key else ''}（{t.units}）".replace(
                " （", "（"
            )
            for t in c.technologies[:3]
        )

    return b.table(
        b.say("对标对象技术与市场布局", "Technologies and markets of each competitor"),
        [b.t("col.competitor"), b.t("col.technologies"), b.t("col.markets")],
        [
            [
                c.name,
                technologies(c),
                ("、" if b.lang != "en" else ", ").join(
                    f"{L.place(m.key, b.lang)} {m.units}" for m in c.markets[:5]
                ),
            ]
            for c in cb.competitors
        ],
        sort=b.say(
            "每个对象列前 3 个小类、前 5 个受理局",
            "top 3 subclasses and top 5 offices each",
        ),
        align="lll",
        key="competitors.tech",
    )


PRESENTER = Presenter(
    "competitors",
    section=competitors_section,
    charts=competitors_charts,
    chart_data=chart_data,
    rules=(landscape_rule("competitors.position"),),
    order=110,
)
"""The competitor benchmark's slice: section, rule and charts, in enterprise reports."""
