"""微导航 (micro-navigation): one page that answers one question in seconds.

The question is about the spec's first top-level node (the others are ignored; the spec's
``description`` is used as the question when it is one, ending in ？ or ?):

* with a home region — "where does the region stand in this node, and whom should it
  attract?": the chain positioning of the node and its sub-nodes, the region's leading
  players and, for a weak or missing node, the applicants outside it to attract;
* without one — "who leads this topic?": the top applicants, the trend and the lifecycle.

One section: the question, at most five findings, one table, one chart, and a data line
(sources, cut-off, counting unit, the node's query, incomplete years).
"""

from __future__ import annotations

from collections.abc import Sequence

from patnav.analyses.applicants import ApplicantRanking
from patnav.analyses.chain import ChainPositioning, NodePosition
from patnav.analyses.geography import RegionYear
from patnav.analyses.spec import node_query
from patnav.reports import labels as L
from patnav.reports.context import Builder
from patnav.reports.model import Chart, Figure, Finding, Paragraph, Section, Series
from patnav.reports.outlines.common import (
    Outline,
    base_scope,
    run_chain,
    run_landscape,
    run_nodes,
    run_sources,
)
from patnav.reports.scope import limits, state, state_spec
from patnav.reports.sections.chain import candidate_rules, where

MAX_FINDINGS = 4
TABLE_ROWS = 3
FIGURE_HEIGHT_IN = 2.4
PREFERRED = (
    "chain.position",
    "data.",
    "chain.attract",
    "chain.momentum",
    "chain.dependence",
    "applicants.leader",
    "applicants.rising",
    "trend.lifecycle",
    "applicants.concentration",
)


def analyse(b: Builder) -> None:
    """The node's chain positioning (with a region) or its applicants and trend."""
    node = b.spec.nodes[0] if b.spec.nodes else None
    if node is None:
        scope = base_scope(b)
        state_spec(b, scope)
    else:
        scope = b.node_scope(node)
        words = b.say(
            f"“{node.name}”环节检索式命中的专利", f"the documents of “{node.name}”"
        )
        if b.spec.base_query:
            words += b.say("（基础检索式之内）", " (within the base query)")
        state(
            b,
            "node",
            b.t("meta.scope.node"),
            scope,
            words + limits(b.spec, b.spec.scope().national, b.lang),
            node_query(node) or "",
        )
    run_sources(b, scope)
    run_landscape(b, scope, ("trend", "applicants"), top=10)
    if node is not None:
        b.results.micro_node = node.name
        if b.spec.region is not None:
            run_chain(b)
            run_nodes(b, every=False)


def question(b: Builder) -> str:
    """The question the page answers."""
    if b.spec.description and b.spec.description.rstrip().endswith(("？", "?")):
        return b.spec.description.strip()
    topic = b.results.micro_node or b.spec.title
    if b.spec.region is not None:
        region = b.results.region_label
        return b.say(
            f"{region}在“{topic}”环节处于什么位置？应引进谁？",
            f"Where does {region} stand in {topic}, and whom should it attract?",
        )
    return b.say(f"谁在引领“{topic}”？", f"Who leads {topic}?")


def _chosen(found: Sequence[Finding]) -> list[Finding]:
    ranked = sorted(
        found,
        key=lambda f: (
            next((i for i, p in enumerate(PREFERRED) if f.rule.startswith(p)), 99),
            f.priority,
        ),
    )
    return [f for f in ranked if any(f.rule.startswith(p) for p in PREFERRED)][
        :MAX_FINDINGS
    ]


def sections(b: Builder, found: Sequence[Finding]) -> list[Section]:
    """The one page."""
    r = b.results
    s = Section(question(b), 1, key="micro")
    s.add(*_chosen(found))
    ch = r.chain
    node = ch.nodes[0] if ch is not None and ch.nodes else None
    if ch is not None and node is not None:
        _players_table(b, s, ch, node)
        _region_figure(b, s, node)
    elif r.applicants is not None:
        _landscape_part(b, s, r.applicants)
    stated = b.results.scopes[0]
    strategy = b.say(
        f"检索式：{stated.query}；范围：{stated.definition}，共 {b.qty(stated.units)}",
        f"query: {stated.query}; scope: {stated.definition}, {b.qty(stated.units)}",
    )
    figures = [blk for blk in s.blocks if isinstance(blk, Figure)]
    if figures:
        figures[0].note += b.say("；", "; ") + strategy
        figures[0].height_in = FIGURE_HEIGHT_IN
    else:
        s.add(Paragraph(b.note(years=True, extra=strategy), "note"))
    return [s]


def _players_table(
    b: Builder, s: Section, ch: ChainPositioning, node: NodePosition
) -> None:
    """The first node's local leaders and the organisations to attract or partner."""
    role = (
        b.say("招商对象", "to attract")
        if node.purpose in ("fill", "")
        else b.say("合作对象", "partner")
    )
    rows = [
        [
            b.say("本地龙头", "local leader"),
            p.name,
            where(b, p.location, p.location_basis),
            L.num(p.units),
            L.num(p.recent),
            L.years(p.last_year, None),
        ]
        for p in node.local_players[:TABLE_ROWS]
    ] + [
        [
            role,
            p.name,
            where(b, p.location, p.location_basis),
            L.num(p.units),
            L.num(p.recent),
            L.years(p.last_year, None),
        ]
        for p in node.candidates[:TABLE_ROWS]
    ]
    if rows:
        s.add(
            b.table(
                b.say(
                    f"{node.node}：本地龙头与{role}",
                    f"{node.node}: local leaders and organisations ({role})",
                ),
                [
                    b.say("角色", "Role"),
                    b.t("col.applicant"),
                    b.t("col.location"),
                    b.count_header,
                    b.t("col.recent"),
                    b.t("col.last_year"),
                ],
                rows,
                sort=b.say("各角色内按数量降序", "by units within each role"),
                source=False,
                align="lllrrr",
                key="micro.table",
            )
        )
        none = (
            b.say(
                f"按以下规则，区外没有可提出的{role}。",
                f"By the rules below, no organisation outside the region is {role}. ",
            )
            if not node.candidates
            else ""
        )
        s.add(Paragraph(none + candidate_rules(b, ch), "note"))


def _region_figure(b: Builder, s: Section, node: NodePosition) -> None:
    """The region's filings per year in the node beside its comparator's."""
    r = b.results
    top = next((n for n in r.nodes if n.comparison is not None), None)
    national = node.rta_basis == "national"
    per_year = (
        {y.year: y for y in top.comparison.by_year}
        if top is not None and top.comparison is not None
        else {}
    )
    # the years either series has filings in: a region with none of its own still
    # has a comparator to show (an empty chart is never drawn)
    filed = [
        y
        for y, v in per_year.items()
        if v.home or (v.national if national else v.world)
    ]
    if filed:
        span = range(max(min(filed), max(filed) - 14), max(filed) + 1)
        rows_y = [per_year.get(y) or RegionYear(y, 0, 0, 0) for y in span]
        s.add(
            b.figure(
                b.say(
                    f"{r.region_label}在{node.node}的申请趋势",
                    f"{r.region_label} in {node.node} per year",
                ),
                Chart(
                    "line",
                    tuple(str(y.year) for y in rows_y),
                    (
                        Series(r.region_label, tuple(float(y.home) for y in rows_y)),
                        Series(
                            b.t("col.national")
                            if node.rta_basis == "national"
                            else b.t("col.world"),
                            tuple(
                                float(
                                    y.national
                                    if node.rta_basis == "national"
                                    else y.world
                                )
                                for y in rows_y
                            ),
                        ),
                    ),
                    x_label=b.t("axis.year"),
                    y_label=b.count_header,
                ),
                years=True,
                key="micro.figure",
            )
        )


def _landscape_part(b: Builder, s: Section, applicants: ApplicantRanking) -> None:
    """Without a chain: the top applicants and the filing trend."""
    r = b.results
    s.add(
        b.table(
            b.say("主要申请人", "Top applicants"),
            [
                b.t("col.rank"),
                b.t("col.applicant"),
                b.count_header,
                b.t("col.share"),
                b.t("col.growth"),
            ],
            [
                [
                    str(a.rank),
                    a.name,
                    L.num(a.units),
                    L.pct(a.share),
                    L.signed_pct(a.growth),
                ]
                for a in applicants.applicants[: 2 * TABLE_ROWS]
            ],
            sort=b.say("数量降序", "units, descending"),
            source=False,
            align="rlrrr",
            key="micro.table",
        )
    )
    if r.trend is not None:
        years = [y for y in r.trend.years if y.filings][-15:]
        s.add(
            b.figure(
                b.say("申请趋势", "Filings per year"),
                Chart(
                    "bar",
                    tuple(str(y.year) for y in years),
                    (
                        Series(
                            b.t("series.filings"),
                            tuple(float(y.filings) for y in years),
                        ),
                    ),
                    x_label=b.t("axis.year"),
                    y_label=b.count_header,
                ),
                years=True,
                key="micro.figure",
            )
        )


OUTLINE = Outline(analyse, sections, full=False)
