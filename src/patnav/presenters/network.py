"""The co-applicant network's presenter (申请人合作网络): its part of the applicants'
section (the communities), and its place on the dashboard.

The report shows the network inside 创新主体与竞争格局 (:mod:`patnav.presenters.applicants`
adds :func:`network_blocks`), so it has no section of its own. Its dashboard chart, a
force-directed graph, is drawn by :func:`patnav.web.charts.network_chart`: a graph's layout
is computed by ECharts in the browser and the report draws no graph, so a graph kind in
:class:`~patnav.reports.model.Chart` would have one renderer only.
"""

from __future__ import annotations

from patnav.analyses.network import CoApplicantNetwork
from patnav.presenters.base import Presenter
from patnav.reports import labels as L
from patnav.reports.context import Builder
from patnav.reports.model import Block, Paragraph

COMMUNITIES = 8
"""Communities of more than one applicant the report's table lists."""


def network_blocks(b: Builder, network: CoApplicantNetwork) -> list[Block]:
    """合作网络: the joint filings, the communities and their modularity, and the main
    communities (none when no community has two applicants)."""
    groups = [g for g in network.communities if g.size > 1][:COMMUNITIES]
    if not groups:
        return []
    summary = Paragraph(
        b.say(
            f"合作网络：{b.qty(network.collaborative_units)}为共同申请，"
            f"{len(network.nodes)} 个申请人"
            f"形成 {len(network.communities)} 个合作群（Leiden 算法，模块度 "
            f"{L.dec(network.modularity)}）。",
            f"Co-applicant network: {b.qty(network.collaborative_units)} are "
            f"joint filings; {len(network.nodes)} applicants form "
            f"{len(network.communities)} communities "
            f"(Leiden, modularity {L.dec(network.modularity)}).",
        )
    )
    table = b.table(
        b.say("主要合作群", "Main co-applicant communities"),
        [
            b.t("col.community"),
            b.t("col.size"),
            b.count_header,
            b.t("col.members"),
        ],
        [
            [
                str(g.id),
                L.num(g.size),
                L.num(g.units),
                "、".join(g.members[:5])
                if b.lang != "en"
                else "; ".join(g.members[:5]),
            ]
            for g in groups
        ],
        sort=b.say("成员数降序", "members, descending"),
        align="rrrl",
        key="network.table",
    )
    return [summary, table]


PRESENTER = Presenter(
    "network",
    dashboard=True,
    order=40,
    keys=("network",),
)
"""The co-applicant network's slice: on the dashboard (its graph drawn by the web), in
reports within the applicants' section."""
