"""Benchmark sections: competitors side by side, and the technology branches."""

from __future__ import annotations

from collections.abc import Sequence

from patnav.analyses.competitors import CompetitorBenchmark
from patnav.reports import labels as L
from patnav.reports.context import Builder, NodeFigures
from patnav.reports.model import Chart, Finding, Section, Series
from patnav.reports.sections.common import (
    YEARS_SHOWN,
    indent,
    node_label,
    num,
    pick,
    unit_bars,
)


def competitors_section(
    b: Builder,
    cb: CompetitorBenchmark,
    found: Sequence[Finding],
    node_cb: dict[str, CompetitorBenchmark],
    *,
    level: int = 1,
) -> Section:
    """竞争对手对标: side by side, filings per year, technologies, per node."""
    s = Section(b.t("sec.benchmark"), level, key="competitors")
    s.add(*pick(found, "competitors."))
    window = L.span(cb.recent_window)
    s.add(
        b.table(
            b.say("竞争对手对标", "Competitor benchmark"),
            [
                b.t("col.competitor"),
                b.count_header,
                b.t("col.share"),
                f"{b.t('col.recent')}（{window}）"
                if b.lang != "en"
                else f"{b.t('col.recent')} ({window})",
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
    )
    years = sorted({y for c in cb.competitors for y, _ in c.by_year})[-YEARS_SHOWN:]
    if years:
        s.add(
            b.figure(
                b.say("对标对象申请趋势", "Filings per year of each competitor"),
                Chart(
                    "line",
                    tuple(str(y) for y in years),
                    tuple(
                        Series(
                            c.name, tuple(num(dict(c.by_year).get(y, 0)) for y in years)
                        )
                        for c in cb.competitors
                    ),
                    x_label=b.t("axis.year"),
                    y_label=b.count_header,
                ),
                years=True,
                key="competitors.years",
            )
        )
    s.add(
        b.figure(
            b.say(
                "对标对象数量与近三年数量", "Units and recent units of each competitor"
            ),
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
    )
    s.add(
        b.table(
            b.say(
                "对标对象技术与市场布局", "Technologies and markets of each competitor"
            ),
            [b.t("col.competitor"), b.t("col.technologies"), b.t("col.markets")],
            [
                [
                    c.name,
                    "；".join(
                        f"{t.key} {t.label if t.label != t.key else ''}（{t.units}）".replace(
                            " （", "（"
                        )
                        for t in c.technologies[:3]
                    )
                    if b.lang != "en"
                    else "; ".join(f"{t.key} ({t.units})" for t in c.technologies[:3]),
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
    )
    if node_cb:
        nodes = list(node_cb)
        s.add(
            b.figure(
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
                        tuple(num(c.units) for c in node_cb[n].competitors)
                        for n in nodes
                    ),
                ),
                key="competitors.nodes",
            )
        )
    return s


def nodes_section(
    b: Builder, nodes: Sequence[NodeFigures], *, level: int = 2
) -> Section:
    """各技术分支: units per node and the trend of the top-level nodes (no home region)."""
    s = Section(b.t("sec.nodes"), level, key="nodes")
    s.add(
        b.table(
            b.say("各技术分支数量", "Units per technology branch"),
            [b.t("col.node"), b.count_header],
            [[indent(n.node, n.depth), L.num(n.units)] for n in nodes],
            sort=b.say("按技术分解表顺序", "in the order of the technology tree"),
            align="lr",
            key="nodes.table",
        )
    )
    s.add(
        b.figure(
            b.say("各技术分支数量", "Units per technology branch"),
            unit_bars(
                b.count_header,
                (node_label(n.node, n.depth) for n in nodes),
                (n.units for n in nodes),
            ),
            key="nodes.units",
        )
    )
    tops = [n for n in nodes if n.depth == 0 and n.comparison is not None]
    if tops:
        years = sorted(
            {r.year for n in tops if n.comparison for r in n.comparison.by_year}
        )[-YEARS_SHOWN:]
        series = []
        for n in tops:
            assert n.comparison is not None
            per = {r.year: r.world for r in n.comparison.by_year}
            series.append(Series(n.node, tuple(num(per.get(y, 0)) for y in years)))
        if years:
            s.add(
                b.figure(
                    b.say("一级技术分支申请趋势", "Top-level branches per year"),
                    Chart(
                        "line",
                        tuple(str(y) for y in years),
                        tuple(series),
                        x_label=b.t("axis.year"),
                        y_label=b.count_header,
                    ),
                    years=True,
                    key="nodes.years",
                )
            )
    return s
