"""The chain positioning's presenter (产业链定位): its sections — the chain, the region's
position (区域定位) and the development path (发展路径与建议: 补链招商, 强链, 引才, white
spaces, risks) — and its rules. It draws no dashboard chart: the chain needs a navigation
spec, which a patent set has not.

The outlines place the chain section by ``present(builder, "chain", findings)`` and the
other two by their part (``part="position"``, ``part="path"``, or ``"talent_path"``: the
path without candidates to attract, for talent reports); the path is written without a
chain too (then it lists the white spaces, recommendations and risks).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from patnav.analyses.chain import ChainPositioning
from patnav.presenters.base import Presenter
from patnav.presenters.geography import home_figure
from patnav.reports import labels as L
from patnav.reports.conclusions import landscape_rule
from patnav.reports.context import Builder, NodeFigures
from patnav.reports.model import (
    Block,
    Chart,
    Figure,
    Finding,
    Paragraph,
    Section,
    Series,
    Table,
)
from patnav.reports.sections.chain import attract_table, candidate_rules, where
from patnav.reports.sections.common import (
    YEARS_SHOWN,
    indent,
    node_label,
    num,
    pick,
    unit_bars,
)

MIN_GROWTH_NODES = 3
"""A growth chart needs this many nodes with a growth rate (a node needs filings in the
previous window to have one)."""


def chain_section(
    b: Builder, ch: Any, found: Sequence[Finding], level: int = 1
) -> Section | None:
    """产业链定位: every node's home units, share, RTA, growth and position."""
    if not isinstance(ch, ChainPositioning):
        return None
    s = Section(b.t("sec.chain"), level, key="chain")
    basis = ch.nodes[0].rta_basis if ch.nodes else "national"
    cmp_label = b.t("col.national") if basis == "national" else b.t("col.world")
    s.add(_method(b, ch, cmp_label))
    s.add(*pick(found, "chain.summary", "data.thin_comparator"))
    overview = s.sub(b.t("sec.chain.overview"), "chain.overview")
    share_col = (
        b.t("col.share_national") if basis == "national" else b.t("col.share_world")
    )
    overview.add(_overview_table(b, ch, cmp_label, share_col, basis))
    names = tuple(node_label(n.node, n.depth) for n in ch.nodes)
    if any(n.home for n in ch.nodes):
        overview.add(*_overview_figures(b, ch, names, cmp_label, share_col, basis))
    else:
        # nothing at home in any node: bars of zeros would be empty charts — say it
        overview.add(
            Paragraph(
                b.say(
                    f"{b.results.region_label}在各环节均无"
                    f"{L.unit_noun(b.count_by, b.lang)}，不绘制各环节数量、比重与 RTA 图；"
                    "各环节定位见上表。",
                    f"{b.results.region_label} has no {L.unit_noun(b.count_by, b.lang)} "
                    "in any node: no charts of units, shares or RTA; see the table for "
                    "every node's position.",
                ),
                "note",
            )
        )
    overview.add(_growth_figure(b, ch))
    overview.add(
        *pick(found, "chain.gap", "chain.weak", "chain.strong", "chain.momentum")
    )
    _nodes_trend(b, s, b.results.nodes)
    return s


def _method(b: Builder, ch: ChainPositioning, cmp_label: str) -> Paragraph:
    """How each node's position is told: the comparator, RTA and the rules."""
    rules = ch.rules
    return Paragraph(
        b.say(
            f"以{cmp_label}为对比基准，计算{b.results.region_label}在各技术环节的数量、"
            "占比与显示性技术优势指数 "
            ""
            "RTA"
            f"（本地该环节占本地总量之比 ÷ {cmp_label}该环节占{cmp_label}总量之比）。"
            "判定规则：本地 ≤ "
            ""
            f"{rules['gap_max']:g} "
            f"且{cmp_label} ≥ {rules['min_market']:g} 为缺链；RTA ≥ "
            f"{rules['strong_rta']:g} 且本地 "
            ""
            f"≥ {rules['min_units']:g} 为强链；"
            f"RTA < {rules['weak_rta']:g} 为弱链；其余为一般。",
            f"Against {cmp_label.lower()} as comparator: {b.results.region_label}'s units, "
            "share and revealed "
            f"technological advantage (RTA: the node's weight at home over its weight in the "
            f"comparator) per node. Rules: gap when home ≤ {rules['gap_max']:g} and the "
            "comparator "
            f"≥ {rules['min_market']:g}; strong when RTA ≥ {rules['strong_rta']:g} with ≥ "
            f"{rules['min_units']:g} units; weak when RTA < {rules['weak_rta']:g}; average "
            "otherwise.",
        )
    )


def _overview_table(
    b: Builder, ch: ChainPositioning, cmp_label: str, share_col: str, basis: str
) -> Table:
    """Every node's home units, comparator, share, RTA, growth and position."""
    return b.table(
        b.say("产业链各环节定位", "Position of every node"),
        [
            b.t("col.node"),
            f"{b.t('col.home')}（{b.unit}）" if b.lang != "en" else b.t("col.home"),
            f"{cmp_label}（{b.unit}）" if b.lang != "en" else cmp_label,
            share_col,
            "RTA",
            b.t("col.growth_home"),
            b.t("col.growth_cmp"),
            b.t("col.position"),
        ],
        [
            [
                indent(n.node, n.depth),
                L.num(n.home),
                L.num(n.national if basis == "national" else n.world),
                L.pct(n.share_of_national if basis == "national" else n.share_of_world),
                L.dec(n.rta),
                L.signed_pct(n.home_growth),
                L.signed_pct(n.comparator_growth),
                L.position_label(n.position, b.lang),
            ]
            for n in ch.nodes
        ],
        sort=b.say(
            "按技术分解表顺序（缩进为下级环节）；增长率为近三年对前三年",
            "in the order of the technology tree (indented: sub-nodes); growth: recent "
            "against previous three years",
        ),
        align="crrrrrrl",
        key="chain.table",
    )


def _growth_figure(b: Builder, ch: ChainPositioning) -> Figure | None:
    """Recent growth per node, at home and in the comparator (enough nodes grown)."""
    grown = [n for n in ch.nodes if n.home_growth is not None]
    if len(grown) < MIN_GROWTH_NODES:
        return None
    return b.figure(
        b.say(
            "各环节近三年增长率：本地与对比基准",
            "Recent growth per node: home against comparator",
        ),
        Chart(
            "barh",
            tuple(node_label(n.node, n.depth) for n in grown),
            (
                Series(b.t("series.home"), tuple(num(n.home_growth) for n in grown)),
                Series(
                    b.t("series.comparator"),
                    tuple(num(n.comparator_growth) for n in grown),
                ),
            ),
            x_label=b.t("axis.growth"),
            percent=True,
        ),
        unit="%",
        extra=b.say(
            f"近三年 {L.span(ch.recent_window)} 对前三年 {L.span(ch.previous_window)}",
            f"{L.span(ch.recent_window)} against {L.span(ch.previous_window)}",
        ),
        key="chain.growth",
    )


def _nodes_trend(b: Builder, s: Section, nodes: Sequence[NodeFigures]) -> None:
    """The home units of the top-level nodes per year (a sub-section, when any)."""
    tops = [
        n
        for n in nodes
        if n.depth == 0 and n.comparison is not None and n.comparison.by_year
    ]
    years = sorted(
        {r.year for n in tops if n.comparison for r in n.comparison.by_year}
    )[-YEARS_SHOWN:]
    series = []
    for n in tops:
        assert n.comparison is not None
        per = {r.year: r.home for r in n.comparison.by_year}
        series.append(Series(n.node, tuple(num(per.get(y, 0)) for y in years)))
    if any(v for line in series for v in line.values):  # a chart of zeros says nothing
        trend = s.sub(b.t("sec.chain.trend"), "chain.trend")
        trend.add(
            b.figure(
                b.say(
                    f"{b.results.region_label}一级环节申请趋势",
                    f"{b.results.region_label}: top-level nodes per year",
                ),
                Chart(
                    "line",
                    tuple(str(y) for y in years),
                    tuple(series),
                    x_label=b.t("axis.year"),
                    y_label=b.count_header,
                ),
                years=True,
                key="chain.nodes.years",
            )
        )


def _overview_figures(
    b: Builder,
    ch: ChainPositioning,
    names: tuple[str, ...],
    cmp_label: str,
    share_col: str,
    basis: str,
) -> list[Figure]:
    """The home units, share and RTA of every node, as bars."""
    rules = ch.rules
    return [
        b.figure(
            b.say(
                f"{b.results.region_label}各环节数量",
                f"{b.results.region_label}'s units per node",
            ),
            Chart(
                "barh",
                names,
                (Series(b.t("col.home"), tuple(num(n.home) for n in ch.nodes)),),
                x_label=b.count_header,
            ),
            key="chain.home",
        ),
        b.figure(
            b.say(
                f"{b.results.region_label}各环节占{cmp_label}比重",
                f"{b.results.region_label}'s share of {cmp_label.lower()} per node",
            ),
            Chart(
                "barh",
                names,
                (
                    Series(
                        share_col,
                        tuple(
                            num(
                                n.share_of_national
                                if basis == "national"
                                else n.share_of_world
                            )
                            for n in ch.nodes
                        ),
                    ),
                ),
                x_label=b.t("axis.share"),
                percent=True,
            ),
            unit="%",
            key="chain.share",
        ),
        b.figure(
            b.say("各环节显示性技术优势指数 RTA", "RTA per node"),
            Chart(
                "barh",
                names,
                (Series("RTA", tuple(num(n.rta) for n in ch.nodes)),),
                x_label="RTA",
                references=(
                    (rules["strong_rta"], b.say("强链", "strong")),
                    (rules["weak_rta"], b.say("弱链", "weak")),
                ),
            ),
            unit=b.say("指数", "index"),
            extra=b.say(
                f"虚线：强链 {rules['strong_rta']:g}、弱链 {rules['weak_rta']:g}",
                f"dashed: strong {rules['strong_rta']:g}, weak {rules['weak_rta']:g}",
            ),
            key="chain.rta",
        ),
    ]


def position_section(
    b: Builder, ch: Any, found: Sequence[Finding], level: int = 1
) -> Section | None:
    """区域定位: the region's standing, its units per year (from the report's geography),
    its leading players per node."""
    if not isinstance(ch, ChainPositioning):
        return None
    s = Section(b.t("sec.position"), level, key="position")
    s.add(*pick(found, "geography.home"))
    geo = b.results.geography
    if geo is not None:
        s.add(home_figure(b, geo))
    players = s.sub(b.t("sec.chain.players"), "chain.players")
    players.add(*pick(found, "chain.dependence"))
    rows = []
    for n in ch.nodes:
        if n.depth:
            continue
        for p in n.local_players[:5]:
            rows.append(
                [
                    n.node,
                    p.name,
                    where(b, p.location, p.location_basis),
                    L.num(p.units),
                    L.num(p.recent),
                    L.signed_pct(p.growth),
                    L.pct(p.grant_ratio),
                    L.years(p.last_year, None),
                ]
            )
        if n.local_players:
            top = n.local_players[:8]
            players.add(
                b.figure(
                    b.say(
                        f"{n.node}：{b.results.region_label}主要创新主体",
                        f"{n.node}: leading local applicants",
                    ),
                    unit_bars(
                        b.count_header,
                        (p.name for p in top),
                        (p.units for p in top),
                    ),
                    key=f"chain.players.{n.node}",
                )
            )
    if rows:
        players.add(
            b.table(
                b.say(
                    "一级环节本地主要创新主体",
                    "Leading local applicants of the top-level nodes",
                ),
                [
                    b.t("col.node"),
                    b.t("col.applicant"),
                    b.t("col.location"),
                    b.count_header,
                    b.t("col.recent"),
                    b.t("col.growth"),
                    b.t("col.grant_ratio"),
                    b.t("col.last_year"),
                ],
                rows,
                sort=b.say(
                    "环节内按数量降序，每环节前 5 位", "per node by units, top 5"
                ),
                align="clcrrrrr",
                key="chain.players.table",
            ),
            Paragraph(candidate_rules(b, ch, local=True), "note"),
        )
    elif any(n.depth == 0 for n in ch.nodes):
        players.add(
            Paragraph(
                b.say(
                    f"一级环节中没有符合条件的{b.results.region_label}本地创新主体。",
                    f"No local player of {b.results.region_label} meets the rules in the "
                    "top-level nodes. ",
                )
                + candidate_rules(b, ch, local=True),
                "note",
            )
        )
    return s


def _candidate_table(
    b: Builder, ch: ChainPositioning, rows: list[list[str]], caption: str, key: str
) -> list[Table | Paragraph]:
    return [
        b.table(
            caption,
            [
                b.t("col.node"),
                b.t("col.position"),
                b.t("col.applicant"),
                b.t("col.location"),
                b.count_header,
                b.t("col.recent"),
                b.t("col.growth"),
                b.t("col.grant_ratio"),
                b.t("col.last_year"),
            ],
            rows,
            sort=b.say(
                "环节内按数量、近三年、授权数降序，每环节前 5 位",
                "per node by units, recent units, grants; top 5",
            ),
            align="cllcrrrrr",
            key=key,
        ),
        Paragraph(candidate_rules(b, ch), "note"),
    ]


def _attract_block(
    b: Builder, ch: ChainPositioning, found: Sequence[Finding]
) -> list[Block]:
    """补链招商: the candidates for weak and missing nodes, or why there are none."""
    rows = attract_table(b, ch)
    if rows:
        return [
            *_candidate_table(
                b,
                ch,
                rows,
                b.say(
                    "补链招商对象（弱链、缺链环节的区外机构）",
                    "Organisations to attract for weak and missing nodes (outside "
                    "the region)",
                ),
                "path.attract.table",
            )
        ]
    if any(n.purpose == "fill" for n in ch.nodes):
        return [
            Paragraph(
                b.say(
                    "弱链、缺链环节中没有符合条件的区外机构。",
                    "No organisation outside the region meets the rules in the weak "
                    "and missing nodes. ",
                )
                + candidate_rules(b, ch),
                "note",
            )
        ]
    if pick(found, "data.thin_comparator"):
        # no weak node because the comparator is the region itself: say so, not "fine"
        return [
            Paragraph(
                b.say(
                    "对比基准数据不足，无法判定弱链与缺链，暂不能提出招商对象：",
                    "The comparator is too thin to tell weak or missing nodes, so no "
                    "company to attract can be named:",
                ),
                "note",
            ),
            *pick(found, "data.thin_comparator"),
        ]
    return [
        Paragraph(
            b.say(
                "按判定规则没有弱链或缺链环节，无需补链招商。",
                "By the rules no node is weak or missing: nothing to fill.",
            ),
            "note",
        )
    ]


def _attract(
    b: Builder, s: Section, ch: ChainPositioning, found: Sequence[Finding]
) -> None:
    """补链招商, 强链 leaders and 延链/强链 partners, as sub-sections of ``s``."""
    block = s.sub(b.t("sec.path.attract"), "path.attract")
    block.add(*pick(found, "chain.attract"))
    block.add(*_attract_block(b, ch, found))
    strengthen = pick(found, "chain.strengthen")
    if strengthen:
        s.sub(b.t("sec.path.strengthen"), "path.strengthen").add(*strengthen)
    partners = attract_table(b, ch, ("strengthen", "extend"))
    if partners:
        sec = s.sub(b.t("sec.path.partner"), "path.partner")
        sec.add(*pick(found, "chain.partner"))
        sec.add(
            *_candidate_table(
                b,
                ch,
                partners,
                b.say(
                    "强链延链合作对象（强链、一般环节的区外机构）",
                    "Partners for strong and average nodes (outside the region)",
                ),
                "path.partner.table",
            )
        )


def _talents(
    b: Builder, s: Section, ch: ChainPositioning, found: Sequence[Finding]
) -> None:
    """引才: the inventors outside the region to recruit, node by node (when any)."""
    talents = [(n, t) for n in ch.nodes for t in n.talents[:5]]
    if not talents:
        return
    sec = s.sub(b.t("sec.path.talent"), "path.talent")
    sec.add(*pick(found, "chain.talent"))
    sec.add(
        b.table(
            b.say(
                "引才对象（区外发明人）",
                "Talent to recruit (outside the region)",
            ),
            [
                b.t("col.node"),
                b.t("col.purpose"),
                b.t("col.inventor"),
                b.t("col.applicant"),
                b.t("col.location"),
                b.count_header,
                b.t("col.first_last"),
            ],
            [
                [
                    n.node,
                    L.purpose_label(n.purpose, b.lang),
                    t.name,
                    t.applicant,
                    where(b, t.location, t.location_basis),
                    L.num(t.units),
                    L.years(t.first_year, t.last_year),
                ]
                for n, t in talents
            ],
            sort=b.say("环节内按数量降序，每环节前 5 位", "per node by units, top 5"),
            align="ccllcrc",
            key="path.talent.table",
        ),
        Paragraph(candidate_rules(b, ch, talent=True), "note"),
    )


def path_section(
    b: Builder,
    ch: ChainPositioning | None,
    found: Sequence[Finding],
    level: int = 1,
    *,
    attract: bool = True,
) -> Section:
    """发展路径与建议: 补链 candidates (``attract``), 强链 leaders, talents, white spaces,
    risks, and the other recommendations."""
    s = Section(b.t("sec.path"), level, key="path")
    if ch is not None and attract:
        _attract(b, s, ch, found)
    if ch is not None:
        _talents(b, s, ch, found)
    white = pick(found, "hotspots.white_space")
    if white:
        s.sub(b.t("sec.path.whitespace"), "path.whitespace").add(*white)
    placed = ("chain.attract", "chain.strengthen", "chain.partner", "chain.talent")
    others = [
        f for f in found if f.kind == "recommendation" and not f.rule.startswith(placed)
    ]
    if others:
        s.add(*others)
    risks = [f for f in found if f.kind == "risk"]
    if risks:
        s.sub(b.t("sec.path.risks"), "path.risks").add(*risks)
    return s


def path_part(b: Builder, ch: Any, found: Sequence[Finding], level: int = 1) -> Section:
    """发展路径与建议, with the candidates to attract (the chain's, when there is one)."""
    return path_section(
        b, ch if isinstance(ch, ChainPositioning) else None, found, level
    )


def talent_path_part(
    b: Builder, ch: Any, found: Sequence[Finding], level: int = 1
) -> Section:
    """发展路径与建议 without candidates to attract: talents, white spaces, risks."""
    return path_section(
        b,
        ch if isinstance(ch, ChainPositioning) else None,
        found,
        level,
        attract=False,
    )


PRESENTER = Presenter(
    "chain",
    section=chain_section,
    parts=(
        ("position", position_section),
        ("path", path_part),
        ("talent_path", talent_path_part),
    ),
    rules=tuple(
        landscape_rule(name)
        for name in (
            "chain.summary",
            "chain.position",
            "chain.gap",
            "chain.weak",
            "chain.strong",
            "chain.momentum",
            "chain.dependence",
            "chain.attract",
            "chain.partner",
            "chain.strengthen",
            "chain.talent",
            "data.thin_comparator",
        )
    ),
    order=100,
)
"""The chain positioning's slice: its three sections and its rules (not on the
dashboard)."""
