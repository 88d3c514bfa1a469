"""Landscape sections: trend and lifecycle, geography, applicants, inventors."""

from __future__ import annotations

from collections.abc import Sequence

from patnav.analyses.applicants import ApplicantRanking
from patnav.analyses.geography import Geography
from patnav.analyses.inventors import InventorAnalysis
from patnav.analyses.network import CoApplicantNetwork
from patnav.analyses.trend import FilingTrend
from patnav.reports import labels as L
from patnav.reports.context import Builder
from patnav.reports.model import Chart, Figure, Finding, Paragraph, Section, Series
from patnav.reports.sections.common import (
    TOP_CHART,
    TOP_TABLE,
    YEARS_SHOWN,
    num,
    pick,
    unit_bars,
    year_span,
)


def trend_summary(b: Builder, tr: FilingTrend) -> str:
    """The trend in a few sentences; a value the data lack is said to be missing, never
    printed as a placeholder."""
    first = min((y.year for y in tr.years if y.filings), default=None)
    last = max((y.year for y in tr.years if y.filings), default=None)
    if not tr.total:
        return b.say(
            "分析范围内没有专利文献，无法分析申请趋势。",
            "The scope holds no patent documents: there is no trend to analyse.",
        )
    zh = [f"分析范围共 {b.qty(tr.total)}"]
    en = [f"The scope holds {b.qty(tr.total)}"]
    if first is None or last is None:
        zh.append("数据中没有申请日，申请年份未知")
        en.append("the data give no filing dates")
    elif first == last:
        zh.append(f"均为 {first} 年申请")
        en.append(f"all filed in {first}")
    else:
        zh.append(f"申请年份 {first}–{last}")
        en.append(f"filed {first}–{last}")
    if tr.cutoff is None:
        zh.append("数据中没有公开日与申请日，截止日未知")
        en.append("the data cut-off is unknown (no publication or filing dates)")
    else:
        zh.append(f"数据截止日 {tr.cutoff.isoformat()}")
        en.append(f"data cut-off {tr.cutoff.isoformat()}")
    text_zh = f"{zh[0]}，{zh[1]}；{zh[2]}"
    text_en = f"{en[0]}, {en[1]}; {en[2]}"
    incomplete = tr.incomplete_from
    if incomplete is not None and last is not None and incomplete <= last:
        text_zh += f"，{incomplete} 年及以后的申请尚未全部公开，为不完整年份"
        text_en += (
            f"; filings from {incomplete} on are not all published yet (incomplete)"
        )
    elif incomplete is not None and last is not None:
        text_zh += "，范围内各申请年份均已公开完整"
        text_en += "; every filing year in scope is fully published"
    text_zh += "。"
    text_en += "."
    lc = tr.lifecycle
    if lc.phase == "unknown":
        text_zh += "完整年份不足六年，无法判断技术生命周期。"
        text_en += " Fewer than six complete years: no lifecycle phase."
    else:
        phase = L.phase_label(lc.phase, b.lang)
        text_zh += f"技术生命周期判定为{phase}。"
        text_en += f" Lifecycle phase: {phase}."
    return b.say(text_zh, text_en)


def trend_section(
    b: Builder,
    tr: FilingTrend,
    found: Sequence[Finding],
    *,
    level: int = 2,
    heading: str = "",
) -> Section:
    """申请趋势与技术生命周期: filings and grants per year, types, offices, lifecycle."""
    s = Section(heading or b.t("sec.trend"), level, key="trend")
    years = year_span(tr)
    by_year = {y.year: y for y in tr.years}
    cats = tuple(str(y) for y in years)
    s.add(Paragraph(trend_summary(b, tr)))
    s.add(*pick(found, "trend.", "data.drop"))
    if not years:
        return s

    def series(values: list[float], name: str) -> Series:
        return Series(name, tuple(values))

    # no grant in any year: the data carry no grants (a source without publication
    # data), not zero grants — the series and the column are left out and that is said
    has_grants = any(y.grants for y in tr.years)
    lines = [
        series(
            [num(by_year[y].filings if y in by_year else 0) for y in years],
            b.t("series.filings"),
        )
    ]
    if has_grants:
        lines.append(
            series(
                [num(by_year[y].grants if y in by_year else 0) for y in years],
                b.t("series.grants"),
            )
        )
    s.add(
        b.figure(
            b.say("专利申请与授权趋势", "Filings and grants per year")
            if has_grants
            else b.say("专利申请趋势", "Filings per year"),
            Chart(
                "line",
                cats,
                tuple(lines),
                x_label=b.t("axis.year"),
                y_label=b.count_header,
            ),
            years=True,
            extra=""
            if has_grants
            else b.say(
                "数据中没有授权信息，未绘制授权趋势",
                "the data hold no grants: no grant trend is drawn",
            ),
            key="trend.years",
        )
    )
    type_totals: dict[str, int] = {}
    for row in tr.by_type:
        type_totals[row.key] = type_totals.get(row.key, 0) + row.filings
    if len(type_totals) > 1:
        cell = {(r.year, r.key): r.filings for r in tr.by_type}
        kinds = sorted(type_totals, key=lambda k: (-type_totals[k], k))
        s.add(
            b.figure(
                b.say("各类型专利申请趋势", "Filings per year by patent type"),
                Chart(
                    "stacked",
                    cats,
                    tuple(
                        series(
                            [num(cell.get((y, k), 0)) for y in years],
                            L.type_label(k, b.lang),
                        )
                        for k in kinds
                    ),
                    x_label=b.t("axis.year"),
                    y_label=b.count_header,
                ),
                years=True,
                key="trend.types",
            )
        )
    office_totals: dict[str, int] = {}
    for row in tr.by_office:
        office_totals[row.key] = office_totals.get(row.key, 0) + row.filings
    if len(office_totals) > 1:
        cell = {(r.year, r.key): r.filings for r in tr.by_office}
        offices = sorted(office_totals, key=lambda k: (-office_totals[k], k))[:6]
        s.add(
            b.figure(
                b.say("主要受理局申请趋势", "Filings per year at the main offices"),
                Chart(
                    "line",
                    cats,
                    tuple(
                        series(
                            [num(cell.get((y, k), 0)) for y in years],
                            L.place(k, b.lang),
                        )
                        for k in offices
                    ),
                    x_label=b.t("axis.year"),
                    y_label=b.count_header,
                ),
                years=True,
                key="trend.offices",
            )
        )
    filed = [y for y in years if y in by_year and by_year[y].filings]
    if len(filed) >= 3:
        s.add(
            b.figure(
                b.say(
                    "技术生命周期：申请人数与申请量",
                    "Lifecycle: applicants against filings",
                ),
                Chart(
                    "scatter",
                    tuple(str(y) for y in filed),
                    (
                        series(
                            [num(by_year[y].applicants) for y in filed],
                            b.t("axis.applicants"),
                        ),
                        series(
                            [num(by_year[y].filings) for y in filed], b.count_header
                        ),
                    ),
                    x_label=b.t("axis.applicants"),
                    y_label=b.count_header,
                ),
                years=True,
                extra=b.say("点旁数字为申请年", "points labelled by filing year"),
                key="trend.lifecycle",
            )
        )
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
    s.add(
        b.table(
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
    )
    return s


def geography_section(
    b: Builder,
    geo: Geography,
    found: Sequence[Finding],
    *,
    level: int = 2,
    with_home: bool = True,
) -> Section:
    """区域分布: origins, markets, provinces, cities, and (``with_home``) the home region."""
    s = Section(b.t("sec.geography"), level, key="geography")
    s.add(*pick(found, "geography." if with_home else "geography.origins"))
    origins = [o for o in geo.origins if o.key != "unknown"]
    if len(origins) > 1:
        top = origins[:TOP_CHART]
        s.add(
            b.figure(
                b.say("技术来源国家/地区分布", "Origins by country"),
                unit_bars(
                    b.count_header,
                    (o.label for o in top),
                    (o.units for o in top),
                ),
                key="geography.origins",
            )
        )
        s.add(
            b.table(
                b.say("技术来源国家/地区", "Origins"),
                [b.t("col.rank"), b.t("col.country"), b.count_header, b.t("col.share")],
                [
                    [str(i), o.label, L.num(o.units), L.pct(o.share)]
                    for i, o in enumerate(origins[:TOP_TABLE], 1)
                ],
                sort=b.say("数量降序", "units, descending"),
                top=TOP_TABLE,
                total=len(origins),
                align="rlrr",
                key="geography.origins.table",
            )
        )
    markets = [m for m in geo.markets if m.key != "unknown"]
    if len(markets) > 1:
        top = markets[:TOP_CHART]
        s.add(
            b.figure(
                b.say("目标市场（受理局）分布", "Markets by office"),
                unit_bars(
                    b.count_header,
                    (m.label for m in top),
                    (m.units for m in top),
                ),
                extra=b.say(
                    "一件可在多个受理局公开",
                    "a unit may be published at several offices",
                ),
                key="geography.markets",
            )
        )
    # provinces and cities are shares of the units of Chinese origin: the units that
    # cannot be placed (no applicant address) are a bar of their own and said in the note
    places = (
        (
            "provinces",
            geo.provinces,
            geo.unlocated_provinces,
            b.say("国内省份分布", "Chinese provinces"),
            b.say("省份", "province"),
        ),
        (
            "cities",
            geo.cities,
            geo.unlocated_cities,
            b.say("国内城市分布", "Chinese cities"),
            b.say("城市", "city"),
        ),
    )
    for key, shares, unlocated, title, level_name in places:
        if not geo.china:
            continue
        located = list(shares[:TOP_CHART])
        placed_note = b.say(
            f"中国来源 {b.qty(geo.china)}，其中 {b.qty(unlocated)}"
            f"（{L.pct(unlocated / geo.china)}）未能定位到{level_name}"
            "（无申请人地址或地址未能识别）",
            f"{b.qty(geo.china)} of Chinese origin, {b.qty(unlocated)} "
            f"({L.pct(unlocated / geo.china)}) not located to a {level_name} "
            "(no applicant address, or one not recognised)",
        )
        if not located:
            if key == "provinces":
                s.add(Paragraph(placed_note + b.say("。", "."), "note"))
            continue
        labels = [p.label for p in located]
        units: list[int | None] = [p.units for p in located]
        if unlocated:
            labels.append(b.say("未定位", "not located"))
            units.append(unlocated)
        s.add(
            b.figure(
                title,
                unit_bars(b.count_header, labels, units),
                extra=placed_note if unlocated else "",
                key=f"geography.{key}",
            )
        )
    if geo.cities:
        s.add(
            b.table(
                b.say("国内主要城市", "Main Chinese cities"),
                [b.t("col.rank"), b.t("col.city"), b.count_header, b.t("col.share")],
                [
                    [str(i), c.label, L.num(c.units), L.pct(c.share)]
                    for i, c in enumerate(geo.cities[:TOP_TABLE], 1)
                ],
                sort=b.say(
                    "数量降序；占比为占全部范围的比重",
                    "units, descending; share of the whole scope",
                ),
                align="rlrr",
                key="geography.cities.table",
            )
        )
    if with_home:
        s.add(home_figure(b, geo))
    return s


def home_figure(b: Builder, geo: Geography) -> Figure | None:
    """The home region's units per year against the nation (or the world)."""
    home = geo.home
    if home is not None and home.by_year:
        rows = [r for r in home.by_year if r.home or r.national][-YEARS_SHOWN:]
        country = b.results.region is not None and not (
            b.results.region.city or b.results.region.province
        )
        cats = tuple(str(r.year) for r in rows)
        second = (
            Series(b.t("col.world"), tuple(num(r.world) for r in rows))
            if country
            else Series(b.t("col.national"), tuple(num(r.national) for r in rows))
        )
        return b.figure(
            b.say(
                f"{b.results.region_label}与{'全球' if country else '全国'}申请趋势",
                f"{b.results.region_label} against {'the world' if country else 'the nation'}",
            ),
            Chart(
                "line",
                cats,
                (
                    Series(b.results.region_label, tuple(num(r.home) for r in rows)),
                    second,
                ),
                x_label=b.t("axis.year"),
                y_label=b.count_header,
            ),
            years=True,
            key="geography.home",
        )
    return None


def applicants_section(
    b: Builder,
    ap: ApplicantRanking,
    found: Sequence[Finding],
    *,
    network: CoApplicantNetwork | None = None,
    level: int = 2,
) -> Section:
    """创新主体与竞争格局: ranking, concentration, types, entrants, co-applicant groups."""
    s = Section(b.t("sec.applicants"), level, key="applicants")
    s.add(*pick(found, "applicants."))
    rows = ap.applicants[:TOP_TABLE]
    if rows:
        top = rows[:TOP_CHART]
        s.add(
            b.figure(
                b.say("主要申请人排名", "Top applicants"),
                unit_bars(
                    b.count_header,
                    (a.name for a in top),
                    (a.units for a in top),
                ),
                extra=b.say(
                    "共同申请时每个申请人各计一次", "co-applicants each count the unit"
                ),
                key="applicants.top",
            )
        )
        window = L.span(ap.recent_window)
        s.add(
            b.table(
                b.say("主要申请人", "Top applicants"),
                [
                    b.t("col.rank"),
                    b.t("col.applicant"),
                    b.t("col.applicant_type"),
                    b.count_header,
                    b.t("col.share"),
                    f"{b.t('col.recent')}（{window}）"
                    if b.lang != "en"
                    else f"{b.t('col.recent')} ({window})",
                    b.t("col.growth"),
                    b.t("col.grant_ratio"),
                    b.t("col.in_force"),
                    b.t("col.first_last"),
                ],
                [
                    [
                        str(a.rank),
                        a.name,
                        L.party_label(a.party_type, b.lang),
                        L.num(a.units),
                        L.pct(a.share),
                        L.num(a.recent),
                        L.signed_pct(a.growth),
                        L.pct(a.grant_ratio),
                        L.pct(a.in_force_share),
                        L.years(a.first_year, a.last_year),
                    ]
                    for a in rows
                ],
                sort=b.say("数量降序，同数按名称", "units, descending; ties by name"),
                top=TOP_TABLE,
                total=ap.concentration.applicants,
                align="rllrrrrrrc",
                key="applicants.table",
            )
        )
    c = ap.concentration
    s.add(
        Paragraph(
            b.say(
                f"集中度：CR4 = {L.pct(c.cr4)}，CR8 = {L.pct(c.cr8)}，HHI = {L.num(c.hhi)}"
                f"（{L.hhi_label(c.level, c.level_zh, b.lang)}；HHI < 1,500 分散竞争，1,500–2,500 "
                "适度集中，"
                "> 2,500 高度集中）。",
                f"Concentration: CR4 = {L.pct(c.cr4)}, CR8 = {L.pct(c.cr8)}, HHI = {L.num(c.hhi)} "
                f"({L.hhi_label(c.level, c.level_zh, b.lang)}; below 1,500 unconcentrated, "
                "1,500–2,500 moderately, above 2,500 highly concentrated).",
            )
        )
    )
    if len(ap.type_mix) > 1:
        s.add(
            b.figure(
                b.say("第一申请人类型构成", "Lead applicants by type"),
                Chart(
                    "donut",
                    tuple(L.party_label(m.party_type, b.lang) for m in ap.type_mix),
                    (Series(b.count_header, tuple(num(m.units) for m in ap.type_mix)),),
                ),
                key="applicants.types",
            )
        )
    if ap.new_entrants:
        entrants = ap.new_entrants[:10]
        s.add(
            b.table(
                b.say(
                    f"新进入申请人（首次申请在 {L.span(ap.recent_window)} 年）",
                    f"New entrants (first filing {L.span(ap.recent_window)})",
                ),
                [
                    b.t("col.applicant"),
                    b.t("col.applicant_type"),
                    b.count_header,
                    b.t("col.first_last"),
                ],
                [
                    [
                        a.name,
                        L.party_label(a.party_type, b.lang),
                        L.num(a.units),
                        L.years(a.first_year, a.last_year),
                    ]
                    for a in entrants
                ],
                sort=b.say("数量降序", "units, descending"),
                top=10,
                total=len(ap.new_entrants),
                align="llrl",
                key="applicants.entrants",
            )
        )
    if network is not None and network.communities:
        groups = [g for g in network.communities if g.size > 1][:8]
        if groups:
            s.add(
                Paragraph(
                    b.say(
                        f"合作网络：{b.qty(network.collaborative_units)}为共同申请，"
                        f"{len(network.nodes)} "
                        ""
                        "个申请人"
                        f"形成 {len(network.communities)} 个合作群（Leiden 算法，模块度 "
                        f"{L.dec(network.modularity)}）。",
                        f"Co-applicant network: {b.qty(network.collaborative_units)} are "
                        "joint filings; "
                        f"{len(network.nodes)} applicants form {len(network.communities)} "
                        "communities "
                        f"(Leiden, modularity {L.dec(network.modularity)}).",
                    )
                )
            )
            s.add(
                b.table(
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
            )
    return s


def inventors_section(
    b: Builder,
    inv: InventorAnalysis,
    found: Sequence[Finding],
    *,
    level: int = 2,
    heading: str = "",
) -> Section:
    """发明人与研发团队: productive inventors, teams, core inventors per applicant."""
    s = Section(heading or b.t("sec.inventors"), level, key="inventors")
    s.add(*pick(found, "inventors.", "data.few_inventors"))
    rows = inv.inventors[:TOP_TABLE]
    if not rows:
        s.add(
            Paragraph(
                b.say("数据中没有发明人信息。", "The data name no inventors."), "note"
            )
        )
        return s
    top = rows[:TOP_CHART]
    s.add(
        b.figure(
            b.say("主要发明人", "Top inventors"),
            Chart(
                "barh",
                tuple(
                    f"{i.name}（{i.applicant}）"
                    if b.lang != "en"
                    else f"{i.name} ({i.applicant})"
                    for i in top
                ),
                (Series(b.count_header, tuple(num(i.units) for i in top)),),
                x_label=b.count_header,
            ),
            extra=b.say(
                "发明人以“姓名@第一申请人”区分",
                "an inventor is a name at the lead applicant",
            ),
            key="inventors.top",
        )
    )
    s.add(
        b.table(
            b.say("主要发明人", "Top inventors"),
            [
                b.t("col.rank"),
                b.t("col.inventor"),
                b.t("col.applicant"),
                b.count_header,
                b.t("col.first_last"),
                b.t("col.productivity"),
                b.t("col.coinventors"),
            ],
            [
                [
                    str(i.rank),
                    i.name,
                    i.applicant,
                    L.num(i.units),
                    L.years(i.first_year, i.last_year),
                    L.dec(i.productivity, 1),
                    L.num(i.coinventors),
                ]
                for i in rows
            ],
            sort=b.say("数量降序", "units, descending"),
            top=TOP_TABLE,
            total=inv.inventors_total,
            align="rllrlrr",
            key="inventors.table",
        )
    )
    if inv.teams:
        teams = inv.teams[:10]
        s.add(
            b.table(
                b.say("主要研发团队", "Main R&D teams"),
                [
                    b.t("col.team"),
                    b.t("col.size"),
                    b.count_header,
                    b.t("col.applicant"),
                    b.t("col.members"),
                ],
                [
                    [
                        str(t.id),
                        L.num(t.size),
                        L.num(t.units),
                        t.applicant,
                        ("、" if b.lang != "en" else "; ").join(t.members[:6]),
                    ]
                    for t in teams
                ],
                sort=b.say("团队成员合计件数降序", "members' units, descending"),
                align="rrrll",
                key="inventors.teams",
            )
        )
    return s
