"""The technology branches side by side (the competitor benchmark's section is its
presenter's, ``patnav.presenters.competitors``)."""

from __future__ import annotations

from collections.abc import Sequence

from patnav.reports import labels as L
from patnav.reports.context import Builder, NodeFigures
from patnav.reports.model import Chart, Section, Series
from patnav.reports.sections.common import (
    YEARS_SHOWN,
    indent,
    node_label,
    num,
    unit_bars,
)


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
