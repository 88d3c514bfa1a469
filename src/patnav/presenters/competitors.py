"""The competitor benchmark's presenter (竞争对手对标): its report section and its rule.

The benchmark shows in enterprise reports only (their outline runs it over the spec's
entities, and per top-level node); the dashboard does not run it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from patnav.analyses.competitors import CompetitorBenchmark, CompetitorProfile
from patnav.presenters.base import Presenter
from patnav.reports import labels as L
from patnav.reports.conclusions import landscape_rule
from patnav.reports.context import Builder
from patnav.reports.model import Chart, Figure, Finding, Section, Series, Table
from patnav.reports.sections.common import YEARS_SHOWN, num, pick


def competitors_section(
    b: Builder, result: Any, found: Sequence[Finding], level: int
) -> Section | None:
    """竞争对手对标: side by side, filings per year, technologies, per node (the
    benchmarks per node the report ran, ``Results.node_competitors``)."""
    if not isinstance(result, CompetitorBenchmark):
        return None
    s = Section(b.t("sec.benchmark"), level, key="competitors")
    s.add(*pick(found, "competitors."))
    s.add(
        _table(b, result),
        _years_figure(b, result),
        _units_figure(b, result),
        _tech_table(b, result),
        _nodes_figure(b, result, b.results.node_competitors),
    )
    return s


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


def _years_figure(b: Builder, cb: CompetitorBenchmark) -> Figure | None:
    years = sorted({y for c in cb.competitors for y, _ in c.by_year})[-YEARS_SHOWN:]
    if not years:
        return None
    return b.figure(
        b.say("对标对象申请趋势", "Filings per year of each competitor"),
        Chart(
            "line",
            tuple(str(y) for y in years),
            tuple(
                Series(c.name, tuple(num(dict(c.by_year).get(y, 0)) for y in years))
                for c in cb.competitors
            ),
            x_label=b.t("axis.year"),
            y_label=b.count_header,
        ),
        years=True,
        key="competitors.years",
    )


def _units_figure(b: Builder, cb: CompetitorBenchmark) -> Figure:
    window = L.span(cb.recent_window)
    return b.figure(
        b.say("对标对象数量与近三年数量", "Units and recent units of each competitor"),
        Chart(
            "bar",
            tuple(c.name for c in cb.competitors),
            (
                Series(
                    b.say("总量", "All"),
                    tuple(num(c.units) for c in cb.competitors),
                ),
                Series(
                    b.say(f"近三年（{window}）", f"Recent ({window})"),
                    tuple(num(c.recent) for c in cb.competitors),
                ),
            ),
            y_label=b.count_header,
        ),
        key="competitors.units",
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


def _nodes_figure(
    b: Builder, cb: CompetitorBenchmark, node_cb: dict[str, CompetitorBenchmark]
) -> Figure | None:
    if not node_cb:
        return None
    nodes = list(node_cb)
    return b.figure(
        b.say(
            "对标对象在各技术分支的布局",
            "Competitors across the technology branches",
        ),
        Chart(
            "heatmap",
            tuple(c.name for c in cb.competitors),
            (),
            rows=tuple(nodes),
            matrix=tuple(
                tuple(num(c.units) for c in node_cb[n].competitors) for n in nodes
            ),
        ),
        key="competitors.nodes",
    )


PRESENTER = Presenter(
    "competitors",
    section=competitors_section,
    rules=(landscape_rule("competitors.position"),),
    order=110,
)
"""The competitor benchmark's slice: section and rule, in enterprise reports."""
