"""Chain sections: positioning along the technology tree, the region's position, the
development path (补链, 强链, 引才, white spaces, risks)."""

from __future__ import annotations

from collections.abc import Sequence

from patnav.analyses.chain import ChainPositioning
from patnav.analyses.geography import Geography
from patnav.reports import labels as L
from patnav.reports.context import Builder, NodeFigures
from patnav.reports.model import (
    Chart,
    Figure,
    Finding,
    Paragraph,
    Section,
    Series,
    Table,
)
from patnav.reports.sections.common import (
    YEARS_SHOWN,
    indent,
    node_label,
    num,
    pick,
    unit_bars,
)
from patnav.reports.sections.landscape import home_figure

MIN_GROWTH_NODES = 3
"""A growth chart needs this many nodes with a growth rate (a node needs filings in the
previous window to have one)."""


def chain_section(
    b: Builder,
    ch: ChainPositioning,
    nodes: Sequence[NodeFigures],
    found: Sequence[Finding],
    *,
    level: int = 1,
) -> Section:
    """产业链定位: every node's home units, share, RTA, growth and position."""
    s = Section(b.t("sec.chain"), level, key="chain")
    basis = ch.nodes[0].rta_basis if ch.nodes else "national"
    cmp_label = b.t("col.national") if basis == "national" else b.t("col.world")
    rules = ch.rules
    s.add(
        Paragraph(
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
    )
    s.add(*pick(found, "chain.summary", "data.thin_comparator"))
    overview = s.sub(b.t("sec.chain.overview"), "chain.overview")
    share_col = (
        b.t("col.share_national") if basis == "national" else b.t("col.share_world")
    )
    overview.add(
        b.table(
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
                    L.pct(
                        n.share_of_national if basis == "national" else n.share_of_world
                    ),
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
    )
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
    grown = [n for n in ch.nodes if n.home_growth is not None]
    if len(grown) >= MIN_GROWTH_NODES:
        overview.add(
            b.figure(
                b.say(
                    "各环节近三年增长率：本地与对比基准",
                    "Recent growth per node: home against comparator",
                ),
                Chart(
                    "barh",
                    tuple(node_label(n.node, n.depth) for n in grown),
                    (
                        Series(
                            b.t("series.home"), tuple(num(n.home_growth) for n in grown)
                        ),
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
        )
    overview.add(
        *pick(found, "chain.gap", "chain.weak", "chain.strong", "chain.momentum")
    )
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
    return s


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
    b: Builder,
    ch: ChainPositioning,
    geo: Geography | None,
    found: Sequence[Finding],
    *,
    level: int = 1,
) -> Section:
    """区域定位: the region's standing, its units per year, its leading players per node."""
    s = Section(b.t("sec.position"), level, key="position")
    s.add(*pick(found, "geography.home"))
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


def where(b: Builder, location: str, basis: str) -> str:
    """A holder's place; ``*`` marks a place known only from its first filings."""
    text = L.location(location, b.lang)
    return f"{text}*" if basis == "priority" else text


def candidate_rules(
    b: Builder, ch: ChainPositioning, *, local: bool = False, talent: bool = False
) -> str:
    """What a table of players, candidates or talents lists, and how they were chosen:
    the activity window, the kinds of holder, how places are known, the exclusions."""
    window = ch.active_window
    if window is None:
        return b.say(
            "数据无截止日期，无法判定近期是否活跃，因此不列出候选对象。",
            "The data have no cut-off date, so recent activity cannot be told and no "
            "candidate is listed.",
        )
    if talent:
        who_zh, who_en = "发明人", "inventors"
    elif ch.individuals:
        who_zh, who_en = "机构和个人", "organisations and individuals"
    else:
        who_zh, who_en = "机构（不含个人）", "organisations (no individuals)"
    zh = (
        f"仅列 {window[0]} 年以来（近 {window[1] - window[0] + 1} 个完整申请年度 "
        f"{L.span(window)} 及其后）在该环节有申请的{who_zh}"
    )
    en = (
        f"Only {who_en} that filed in the node in or after {window[0]} (the last "
        f"{window[1] - window[0] + 1} complete filing years, {L.span(window)}, or later)"
    )
    if not local and not talent:
        zh += "，机关团体不作为招商对象"
        en += "; government bodies are not candidates"
    zh += (
        "；所在地依据申请人自己的地址，无地址时依据其首次申请（优先权）国家（标 *），"
        "不依据公开局或名称推断"
        if ch.by_priority
        else "；所在地依据申请人自己的地址，不依据公开局或名称推断"
    )
    en += (
        "; places from the applicant's own address, else the country of its first "
        "filings (marked *), never from the publishing office or the look of a name"
        if ch.by_priority
        else "; places from the applicant's own address only, never from the publishing "
        "office or the look of a name"
    )
    if talent:
        zh += "（发明人无地址时取其申请人的所在地）"
        en += " (an inventor without an address takes their applicant's place)"
    if not local:
        if ch.max_weapons_share is not None:
            zh += f"；武器弹药类（IPC F41、F42）专利占 ≥ {ch.max_weapons_share:.0%} 的防务供应商"
            en += (
                f"; defence suppliers (≥ {ch.max_weapons_share:.0%} of their units in "
                "IPC F41, F42)"
            )
            if ch.excluded_applicants:
                zh += "和方案排除的申请人（" + "、".join(ch.excluded_applicants) + "）"
                en += " and the applicants the spec excludes"
            zh += "不列入"
            en += " are left out"
        elif ch.excluded_applicants:
            zh += (
                "；方案排除的申请人（" + "、".join(ch.excluded_applicants) + "）不列入"
            )
            en += "; the applicants the spec excludes are left out"
        unlocated = [(n.node, n.unlocated) for n in ch.nodes if n.unlocated]
        if unlocated and not talent:
            zh += "；所在地不明、未能判定是否区外而未列入的活跃机构：" + "、".join(
                f"{node} {k} 个" for node, k in unlocated
            )
            en += "; active organisations left out because their place is unknown: " + (
                ", ".join(f"{node} {k}" for node, k in unlocated)
            )
    return b.say(zh + "。", en + ".")


def attract_table(
    b: Builder, ch: ChainPositioning, purposes: tuple[str, ...] = ("fill",)
) -> list[list[str]]:
    """Rows of a candidates table: the nodes whose candidates serve ``purposes`` (补链招商
    for weak and missing nodes; 延链/强链合作 for average and strong ones), in rank order."""
    rows = []
    for n in ch.nodes:
        if (n.purpose or "fill") not in purposes:
            continue
        for p in n.candidates[:5]:
            rows.append(
                [
                    n.node,
                    L.position_label(n.position, b.lang),
                    p.name,
                    where(b, p.location, p.location_basis),
                    L.num(p.units),
                    L.num(p.recent),
                    L.signed_pct(p.growth),
                    L.pct(p.grant_ratio),
                    L.years(p.last_year, None),
                ]
            )
    return rows


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


def path_section(
    b: Builder,
    ch: ChainPositioning | None,
    found: Sequence[Finding],
    *,
    level: int = 1,
    attract: bool = True,
) -> Section:
    """发展路径与建议: 补链 candidates (``attract``), 强链 leaders, talents, white spaces,
    risks, and the other recommendations."""
    s = Section(b.t("sec.path"), level, key="path")
    if ch is not None and attract:
        block = s.sub(b.t("sec.path.attract"), "path.attract")
        block.add(*pick(found, "chain.attract"))
        rows = attract_table(b, ch)
        weak = [n for n in ch.nodes if n.purpose == "fill"]
        if rows:
            block.add(
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
            )
        elif weak:
            block.add(
                Paragraph(
                    b.say(
                        "弱链、缺链环节中没有符合条件的区外机构。",
                        "No organisation outside the region meets the rules in the weak "
                        "and missing nodes. ",
                    )
                    + candidate_rules(b, ch),
                    "note",
                )
            )
        elif pick(found, "data.thin_comparator"):
            # no weak node because the comparator is the region itself: say so, not "fine"
            block.add(
                Paragraph(
                    b.say(
                        "对比基准数据不足，无法判定弱链与缺链，暂不能提出招商对象：",
                        "The comparator is too thin to tell weak or missing nodes, so no "
                        "company to attract can be named:",
                    ),
                    "note",
                ),
                *pick(found, "data.thin_comparator"),
            )
        else:
            block.add(
                Paragraph(
                    b.say(
                        "按判定规则没有弱链或缺链环节，无需补链招商。",
                        "By the rules no node is weak or missing: nothing to fill.",
                    ),
                    "note",
                )
            )
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
    if ch is not None:
        talents = [(n, t) for n in ch.nodes for t in n.talents[:5]]
        if talents:
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
                    sort=b.say(
                        "环节内按数量降序，每环节前 5 位", "per node by units, top 5"
                    ),
                    align="ccllcrc",
                    key="path.talent.table",
                ),
                Paragraph(candidate_rules(b, ch, talent=True), "note"),
            )
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
