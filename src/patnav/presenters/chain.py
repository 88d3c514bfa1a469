"""The chain positioning's presenter (产业链定位): its sections — the chain, the region's
position (区域定位) and the development path (发展路径与建议: 补链招商, 强链, 引才, white
spaces, risks) —, its rules and its charts. The dashboard draws none of them: the chain
needs a navigation spec, which a patent set has not.

The outlines place the chain section by ``present(builder, "chain", findings)`` and the
other two by their part (``part="position"``, ``part="path"``, or ``"talent_path"``: the
path without candidates to attract, for talent reports); the path is written without a
chain too (then it lists the white spaces, recommendations and risks).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from patnav.analyses.chain import ChainPositioning
from patnav.presenters.base import ChartSpec, Presenter, figures_of, say, specs_of
from patnav.presenters.geography import home_figure
from patnav.presenters.trend import unit_of
from patnav.reports import labels as L
from patnav.reports.conclusions import landscape_rule
from patnav.reports.context import Builder
from patnav.reports.model import (
    Block,
    Chart,
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
    specs = specs_of(chain_charts, chart_data(b, ch), b.lang)
    if any(n.home for n in ch.nodes):
        overview.add(*figures_of(b, specs, "chain.home", "chain.share", "chain.rta"))
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
    overview.add(*figures_of(b, specs, "chain.growth"))
    overview.add(
        *pick(found, "chain.gap", "chain.weak", "chain.strong", "chain.momentum")
    )
    if "chain.nodes.years" in specs:
        trend = s.sub(b.t("sec.chain.trend"), "chain.trend")
        trend.add(*figures_of(b, specs, "chain.nodes.years"))
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


def chart_data(b: Builder, ch: Any) -> dict[str, Any]:
    """The chain's dict with the region's name (``region_label``) and the home units
    per year of the top-level nodes (``node_years``: node -> [[year, units], …]) the
    report counted (``Results.nodes``)."""
    years = {
        n.node: [[r.year, r.home] for r in n.comparison.by_year]
        for n in b.results.nodes
        if n.depth == 0 and n.comparison is not None and n.comparison.by_year
    }
    data: dict[str, Any] = ch.to_dict()
    return data | {"region_label": b.results.region_label, "node_years": years}


def chain_charts(data: dict[str, Any], lang: str) -> list[ChartSpec]:
    """Every node's home units, share and RTA, the recent growth, the top-level nodes per
    year, and each top-level node's leading local applicants."""
    specs = [
        home_units_spec(data, lang),
        share_spec(data, lang),
        rta_spec(data, lang),
        growth_spec(data, lang),
        nodes_years_spec(data, lang),
        *players_specs(data, lang),
    ]
    return [spec for spec in specs if spec is not None]


def _region(data: dict[str, Any]) -> str:
    return str(data.get("region_label") or data.get("region") or "")


def _basis(data: dict[str, Any]) -> str:
    nodes = data.get("nodes") or []
    return str(nodes[0]["rta_basis"]) if nodes else "national"


def _names(data: dict[str, Any]) -> tuple[str, ...]:
    return tuple(node_label(n["node"], n["depth"]) for n in data.get("nodes") or [])


def _values(data: dict[str, Any], field: str) -> tuple[float, ...]:
    return tuple(float(n[field] or 0) for n in data.get("nodes") or [])


def home_units_spec(data: dict[str, Any], lang: str) -> ChartSpec:
    """The home units of every node."""
    unit = unit_of(data, lang)
    chart = Chart(
        "barh",
        _names(data),
        (Series(L.t("col.home", lang), _values(data, "home")),),
        x_label=L.count_header(str(data["count_by"]), lang),
    )
    title = say(lang, f"{_region(data)}各环节数量", f"{_region(data)}'s units per node")
    return ChartSpec("chain.home", title, unit, chart)


def share_spec(data: dict[str, Any], lang: str) -> ChartSpec:
    """Every node's home share of the comparator (the nation, or the world)."""
    national = _basis(data) == "national"
    cmp_label = L.t("col.national" if national else "col.world", lang)
    share_col = L.t("col.share_national" if national else "col.share_world", lang)
    field = "share_of_national" if national else "share_of_world"
    chart = Chart(
        "barh",
        _names(data),
        (Series(share_col, _values(data, field)),),
        x_label=L.t("axis.share", lang),
        percent=True,
    )
    title = say(
        lang,
        f"{_region(data)}各环节占{cmp_label}比重",
        f"{_region(data)}'s share of {cmp_label.lower()} per node",
    )
    return ChartSpec("chain.share", title, "%", chart)


def rta_spec(data: dict[str, Any], lang: str) -> ChartSpec:
    """Every node's RTA, with the strong and weak thresholds as dashed lines."""
    rules = data.get("rules") or {}
    strong, weak = rules["strong_rta"], rules["weak_rta"]
    chart = Chart(
        "barh",
        _names(data),
        (Series("RTA", _values(data, "rta")),),
        x_label="RTA",
        references=(
            (strong, say(lang, "强链", "strong")),
            (weak, say(lang, "弱链", "weak")),
        ),
    )
    return ChartSpec(
        "chain.rta",
        say(lang, "各环节显示性技术优势指数 RTA", "RTA per node"),
        say(lang, "指数", "index"),
        chart,
        subtitle=say(
            lang,
            f"虚线：强链 {strong:g}、弱链 {weak:g}",
            f"dashed: strong {strong:g}, weak {weak:g}",
        ),
    )


def _window(value: Any) -> tuple[int, int] | None:
    return (int(value[0]), int(value[1])) if value else None


def growth_spec(data: dict[str, Any], lang: str) -> ChartSpec | None:
    """Recent growth per node, at home and in the comparator (None: fewer than
    :data:`MIN_GROWTH_NODES` nodes have a growth rate)."""
    grown = [n for n in data.get("nodes") or [] if n.get("home_growth") is not None]
    if len(grown) < MIN_GROWTH_NODES:
        return None
    recent = L.span(_window(data.get("recent_window")))
    previous = L.span(_window(data.get("previous_window")))
    home = tuple(float(n["home_growth"]) for n in grown)
    chart = Chart(
        "barh",
        tuple(node_label(n["node"], n["depth"]) for n in grown),
        (
            Series(L.t("series.home", lang), home),
            Series(
                L.t("series.comparator", lang),
                tuple(float(n["comparator_growth"] or 0) for n in grown),
            ),
        ),
        x_label=L.t("axis.growth", lang),
        percent=True,
    )
    return ChartSpec(
        "chain.growth",
        say(
            lang,
            "各环节近三年增长率：本地与对比基准",
            "Recent growth per node: home against comparator",
        ),
        "%",
        chart,
        subtitle=say(
            lang, f"近三年 {recent} 对前三年 {previous}", f"{recent} against {previous}"
        ),
    )


def nodes_years_spec(data: dict[str, Any], lang: str) -> ChartSpec | None:
    """The home units of the top-level nodes per year (None: none, or all zero — a
    chart of zeros says nothing)."""
    per = {
        node: {int(y): int(n) for y, n in rows}
        for node, rows in (data.get("node_years") or {}).items()
    }
    years = sorted({y for p in per.values() for y in p})[-YEARS_SHOWN:]
    series = tuple(
        Series(node, tuple(float(p.get(y, 0)) for y in years))
        for node, p in per.items()
    )
    if not any(v for line in series for v in line.values):
        return None
    chart = Chart(
        "line",
        tuple(str(y) for y in years),
        series,
        x_label=L.t("axis.year", lang),
        y_label=L.count_header(str(data["count_by"]), lang),
    )
    title = say(
        lang,
        f"{_region(data)}一级环节申请趋势",
        f"{_region(data)}: top-level nodes per year",
    )
    return ChartSpec("chain.nodes.years", title, unit_of(data, lang), chart, years=True)


def players_specs(data: dict[str, Any], lang: str) -> list[ChartSpec]:
    """Each top-level node's leading local applicants (eight at most)."""
    unit = unit_of(data, lang)
    out = []
    for n in data.get("nodes") or []:
        top = (n.get("local_players") or [])[:8]
        if n["depth"] or not top:
            continue
        title = say(
            lang,
            f"{n['node']}：{_region(data)}主要创新主体",
            f"{n['node']}: leading local applicants",
        )
        chart = unit_bars(
            L.count_header(str(data["count_by"]), lang),
            (str(p["name"]) for p in top),
            (int(p["units"]) for p in top),
        )
        out.append(ChartSpec(f"chain.players.{n['node']}", title, unit, chart))
    return out


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
    specs = specs_of(chain_charts, chart_data(b, ch), b.lang)
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
        players.add(*figures_of(b, specs, f"chain.players.{n.node}"))
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
    charts=chain_charts,
    chart_data=chart_data,
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
