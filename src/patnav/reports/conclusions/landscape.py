"""Rules over the landscape: lifecycle, applicants, geography, technology, core patents
(legal status: :mod:`patnav.reports.conclusions.legal`)."""

from __future__ import annotations

from patnav.i18n import say
from patnav.reports import labels as L
from patnav.reports.conclusions.base import _q
from patnav.reports.conclusions.thresholds import (
    ACADEMIC_HIGH,
    DECLINING_GROWTH,
    DECLINING_MIN_PREVIOUS,
    INDIVIDUAL_HIGH,
    LEADER_LEAD,
    LIFECYCLE_MIN_YEARS,
    RISING_GROWTH,
    RISING_MIN_RECENT,
    SHOWN,
)
from patnav.reports.context import Results
from patnav.reports.model import Finding


def trend_lifecycle(r: Results) -> list[Finding]:
    """The lifecycle phase, with the filings and applicants of the two windows behind it."""
    tr = r.trend
    if tr is None or tr.lifecycle.phase == "unknown" or tr.lifecycle.window is None:
        return []
    lc = tr.lifecycle
    last_filing = max((y.year for y in tr.years if y.filings), default=None)
    complete = [
        y
        for y in tr.years
        if not y.incomplete and last_filing is not None and y.year <= last_filing
    ][-6:]
    before, after = complete[:3], complete[3:]
    fb, fa = sum(y.filings for y in before), sum(y.filings for y in after)
    ab, aa = sum(y.applicants for y in before), sum(y.applicants for y in after)
    w1 = f"{before[0].year}–{before[-1].year}"
    w2 = f"{after[0].year}–{after[-1].year}"
    phase = L.phase_label(lc.phase, r.lang)
    cagr = ""
    numbers: dict[str, float | int | str | None] = {
        "phase": lc.phase,
        "filings_before": fb,
        "filings_after": fa,
        "filings_growth": lc.filings_growth,
        "applicants_before": ab,
        "applicants_after": aa,
        "applicants_growth": lc.applicants_growth,
    }
    if tr.cagr is not None and tr.cagr_window is not None:
        cagr = say(
            r.lang,
            f"{L.span(tr.cagr_window)} 年申请量年均复合增长 {L.signed_pct(tr.cagr, 1)}。",
            f" Filings grew {L.signed_pct(tr.cagr, 1)} a year over {L.span(tr.cagr_window)}.",
        )
        numbers["cagr"] = tr.cagr
    return [
        Finding(
            "trend.lifecycle",
            "trend",
            say(
                r.lang,
                f"技术处于{phase}：{w2} 年申请 {_q(r, fa)}，较 {w1} 年的 {_q(r, fb)} "
                f"变化 {L.signed_pct(lc.filings_growth)}；活跃申请人由 {L.num(ab)} 人次变为 "
                f"{L.num(aa)} 人次（{L.signed_pct(lc.applicants_growth)}）。" + cagr,
                f"The technology is in its {phase} phase: {_q(r, fa)} filed in {w2} against "
                f"{_q(r, fb)} in {w1} ({L.signed_pct(lc.filings_growth)}); active applicants "
                f"went from {L.num(ab)} to {L.num(aa)} applicant-years "
                f"({L.signed_pct(lc.applicants_growth)})." + cagr,
            ),
            numbers,
            priority=10,
            basis=len([y for y in tr.years if not y.incomplete and y.filings]),
            min_basis=LIFECYCLE_MIN_YEARS,
        )
    ]


def applicants_leader(r: Results) -> list[Finding]:
    """The leading applicant, and whether it leads clearly."""
    ap = r.applicants
    if ap is None or not ap.applicants:
        return []
    top = ap.applicants[0]
    numbers: dict[str, float | int | str | None] = {
        "leader": top.name,
        "units": top.units,
        "share": top.share,
    }
    text = say(
        r.lang,
        f"{top.name} 以 {_q(r, top.units)}（占 {L.pct(top.share)}）居申请人首位",
        f"{top.name} leads with {_q(r, top.units)} ({L.pct(top.share)})",
    )
    if len(ap.applicants) > 1:
        second = ap.applicants[1]
        numbers.update(second=second.name, second_units=second.units)
        if second.units and top.units >= LEADER_LEAD * second.units:
            lead = top.units / second.units
            numbers["lead"] = lead
            text += say(
                r.lang,
                f"，是第二位 {second.name}（{_q(r, second.units)}）的 {lead:.1f} 倍，领先优势明显。"
                "",
                f", {lead:.1f} times the runner-up {second.name} ({_q(r, second.units)}): a "
                "clear lead.",
            )
        else:
            text += say(
                r.lang,
                f"，第二位为 {second.name}（{_q(r, second.units)}）。",
                f"; the runner-up is {second.name} ({_q(r, second.units)}).",
            )
    else:
        text += say(r.lang, "。", ".")
    return [Finding("applicants.leader", "structure", text, numbers, top.name, 20)]


def applicants_concentration(r: Results) -> list[Finding]:
    """CR4 and HHI, and what the market structure means for an entrant."""
    ap = r.applicants
    if ap is None or ap.concentration.hhi is None:
        return []
    c = ap.concentration
    level = L.hhi_label(c.level, c.level_zh, r.lang)
    reading = {
        "unconcentrated": say(
            r.lang,
            "竞争格局分散，尚无主导者，新进入者有布局空间。",
            "Competition is fragmented with no dominant player: room for newcomers.",
        ),
        "moderately concentrated": say(
            r.lang,
            "少数申请人占有较大份额，进入需避开其核心专利。",
            "A few applicants hold large shares: entrants must design around their patents.",
        ),
        "highly concentrated": say(
            r.lang,
            "市场由少数申请人主导，专利壁垒较高。",
            "A few applicants dominate: patent barriers are high.",
        ),
    }.get(c.level, "")
    return [
        Finding(
            "applicants.concentration",
            "structure",
            say(
                r.lang,
                f"{L.num(c.applicants)} 个申请人中，前四位合计占 {L.pct(c.cr4)}（CR4），HHI 为 "
                f"{L.num(c.hhi)}，属于{level}：" + reading,
                f"Among {L.num(c.applicants)} applicants the top four hold {L.pct(c.cr4)} "
                f"(CR4) and the HHI is {L.num(c.hhi)}, {level}. " + reading,
            ),
            {"applicants": c.applicants, "cr4": c.cr4, "hhi": c.hhi, "level": c.level},
            priority=22,
        )
    ]


def applicants_rising(r: Results) -> list[Finding]:
    """Applicants whose recent filings grew fast: rising competitors or partners."""
    ap = r.applicants
    if ap is None or ap.recent_window is None:
        return []
    rising = [
        a
        for a in ap.applicants
        if a.recent >= RISING_MIN_RECENT
        and (a.previous == 0 or (a.growth is not None and a.growth >= RISING_GROWTH))
    ]
    rising.sort(key=lambda a: (-a.recent, a.name))
    if not rising:
        return []
    shown = rising[:SHOWN]
    items = [
        say(
            r.lang,
            f"{a.name}（{L.span(ap.recent_window)} 年 {_q(r, a.recent)}，"
            + (
                f"此前三年 {_q(r, a.previous)}，{L.signed_pct(a.growth)}）"
                if a.previous and a.growth is not None
                else "此前三年无申请）"
            ),
            f"{a.name} ({_q(r, a.recent)} in {L.span(ap.recent_window)} "
            + (
                f"against {_q(r, a.previous)} before, {L.signed_pct(a.growth)})"
                if a.previous and a.growth is not None
                else "with none before)"
            ),
        )
        for a in shown
    ]
    return [
        Finding(
            "applicants.rising",
            "trend",
            say(r.lang, "快速崛起的申请人：", "Rising applicants: ")
            + L.join(items, r.lang)
            + say(r.lang, "。", "."),
            {f"{a.name}.recent": a.recent for a in shown}
            | {f"{a.name}.previous": a.previous for a in shown},
            priority=24,
            basis=min(a.recent for a in shown),
            min_basis=RISING_MIN_RECENT,
        )
    ]


def applicants_fading(r: Results) -> list[Finding]:
    """Former leaders whose filings fell sharply."""
    ap = r.applicants
    if ap is None or ap.recent_window is None:
        return []
    fading = [
        a
        for a in ap.applicants
        if a.previous >= DECLINING_MIN_PREVIOUS
        and a.growth is not None
        and a.growth <= DECLINING_GROWTH
    ]
    fading.sort(key=lambda a: (-a.previous, a.name))
    if not fading:
        return []
    shown = fading[:SHOWN]
    items = [
        f"{a.name}（{_q(r, a.previous)} → {_q(r, a.recent)}，{L.signed_pct(a.growth)}）"
        if r.lang != "en"
        else f"{a.name} ({_q(r, a.previous)} → {_q(r, a.recent)}, {L.signed_pct(a.growth)})"
        for a in shown
    ]
    return [
        Finding(
            "applicants.fading",
            "trend",
            say(
                r.lang,
                f"活跃度明显下降的主要申请人（{L.span(ap.previous_window)} → "
                f"{L.span(ap.recent_window)}）：",
                f"Leading applicants filing much less ({L.span(ap.previous_window)} → "
                f"{L.span(ap.recent_window)}): ",
            )
            + L.join(items, r.lang)
            + say(r.lang, "。", "."),
            {f"{a.name}.previous": a.previous for a in shown}
            | {f"{a.name}.recent": a.recent for a in shown},
            priority=26,
            basis=min(a.previous for a in shown),
            min_basis=DECLINING_MIN_PREVIOUS,
        )
    ]


def applicants_type_mix(r: Results) -> list[Finding]:
    """Who innovates: universities and institutes, or individuals, when they dominate."""
    ap = r.applicants
    if ap is None or not ap.type_mix:
        return []
    shares = {m.party_type: m.share or 0.0 for m in ap.type_mix}
    units = {m.party_type: m.units for m in ap.type_mix}
    out = []
    academic = shares.get("university", 0.0) + shares.get("institute", 0.0)
    if academic >= ACADEMIC_HIGH:
        n = units.get("university", 0) + units.get("institute", 0)
        out.append(
            Finding(
                "applicants.academic",
                "structure",
                say(
                    r.lang,
                    f"高校和科研院所作为第一申请人的占 {L.pct(academic)}（{_q(r, n)}）："
                    "创新以研究机构为主，"
                    ""
                    ""
                    "成果转化与产学研合作是关键。",
                    f"Universities and institutes lead {L.pct(academic)} of units ({_q(r, n)}): "
                    "research drives the field; technology transfer is the lever.",
                ),
                {"share": academic, "units": n},
                priority=28,
            )
        )
    individual = shares.get("individual", 0.0)
    if individual >= INDIVIDUAL_HIGH:
        out.append(
            Finding(
                "applicants.individuals",
                "structure",
                say(
                    r.lang,
                    "个人作为第一申请人的占 "
                    f"{L.pct(individual)}（{_q(r, units.get('individual', 0))}）："
                    ""
                    ""
                    "创新主体分散，企业研发能力有待加强。",
                    f"Individuals lead {L.pct(individual)} of units "
                    f"({_q(r, units.get('individual', 0))}): innovators are fragmented; company "
                    "R&D is thin.",
                ),
                {"share": individual, "units": units.get("individual", 0)},
                priority=29,
            )
        )
    return out


def geography_home(r: Results) -> list[Finding]:
    """The home region's units, shares and rank."""
    geo = r.geography
    if geo is None or geo.home is None:
        return []
    h = geo.home
    region = r.region
    label = r.region_label
    rank_text = ""
    numbers: dict[str, float | int | str | None] = {
        "home": h.home,
        "share_of_national": h.share_of_national,
        "share_of_world": h.share_of_world,
    }
    if region is not None and not (region.city or region.province):
        ranked = [s for s in geo.origins if s.key != "unknown"]
        keys = [s.key for s in ranked]
        if region.country in keys:
            rank = keys.index(region.country) + 1
            numbers["rank"] = rank
            if rank == 1:
                rank_text = say(r.lang, "，居各来源国首位。", ", the largest origin.")
            else:
                lead = ranked[0]
                numbers.update(leader=lead.key, leader_units=lead.units)
                rank_text = say(
                    r.lang,
                    f"，居各来源国第 {rank} 位（{lead.label} {_q(r, lead.units)}，占 "
                    f"{L.pct(lead.share)}，居首）。",
                    f", origin number {rank} ({lead.label} leads with {_q(r, lead.units)}, "
                    f"{L.pct(lead.share)}).",
                )
        return [
            Finding(
                "geography.home",
                "structure",
                say(
                    r.lang,
                    f"{label}作为技术来源国共有 {_q(r, h.home)}，占全球 "
                    f"{L.pct(h.share_of_world)}" + (rank_text or "。"),
                    f"{label} is the origin of {_q(r, h.home)}, {L.pct(h.share_of_world)} of the "
                    "world" + (rank_text or "."),
                ),
                numbers,
                priority=15,
            )
        ]
    places = geo.cities if region is not None and region.city else geo.provinces
    rank_text = ""
    keys = [s.key for s in places]
    target = (
        region.city if region and region.city else region.province if region else None
    ) or ""
    match = next(
        (
            i
            for i, k in enumerate(keys)
            if k
            and (
                k == target
                or target.startswith(k)
                or k.startswith(target.rstrip("市省"))
            )
        ),
        None,
    )
    if match is not None:
        numbers["rank"] = match + 1
        rank_text = say(
            r.lang,
            f"，在各{'城市' if region and region.city else '省份'}中居第 {match + 1} 位",
            f", rank {match + 1} among {'cities' if region and region.city else 'provinces'}",
        )
    return [
        Finding(
            "geography.home",
            "structure",
            say(
                r.lang,
                f"{label}拥有 {_q(r, h.home)}，占全国 {L.pct(h.share_of_national)}、全球 "
                f"{L.pct(h.share_of_world)}" + rank_text + "。",
                f"{label} has {_q(r, h.home)}, {L.pct(h.share_of_national)} of the nation and "
                f"{L.pct(h.share_of_world)} of the world" + rank_text + ".",
            ),
            numbers,
            priority=15,
        )
    ]


def geography_origins(r: Results) -> list[Finding]:
    """Where the technology comes from, when several countries contribute."""
    geo = r.geography
    if geo is None:
        return []
    origins = [s for s in geo.origins if s.key != "unknown"]
    if len(origins) < 2 or (origins[0].share or 0) >= 0.95:
        return []
    if r.region is not None and not (r.region.city or r.region.province):
        return []  # geography.home already ranks the home country among the origins
    top = origins[:SHOWN]
    items = [
        f"{s.label} {_q(r, s.units)}（{L.pct(s.share)}）"
        if r.lang != "en"
        else f"{s.label} {_q(r, s.units)} ({L.pct(s.share)})"
        for s in top
    ]
    return [
        Finding(
            "geography.origins",
            "structure",
            say(r.lang, "主要技术来源国/地区：", "Main origins: ")
            + L.join(items, r.lang)
            + say(r.lang, "。", "."),
            {f"{s.key}.units": s.units for s in top},
            priority=16,
        )
    ]


def technology_focus(r: Results) -> list[Finding]:
    """The subclasses the field concentrates on."""
    te = r.technology
    if te is None or not te.levels.get("subclass"):
        return []
    top = te.levels["subclass"][:SHOWN]
    share = sum(c.share or 0.0 for c in top)
    items = [
        f"{c.code}（{L.short_title(c.title_zh) or c.code}，{_q(r, c.units)}）"
        if r.lang != "en"
        else f"{c.code} ({L.short_title(c.title_en) or c.code}, {_q(r, c.units)})"
        for c in top
    ]
    return [
        Finding(
            "technology.focus",
            "structure",
            say(
                r.lang,
                f"技术集中于 {L.join(items, r.lang)}，"
                f"合计占已分类{L.unit_noun(r.count_by, r.lang)}的 "
                ""
                ""
                f"{L.pct(share)}。",
                f"Technology concentrates in {L.join(items, r.lang)}: together {L.pct(share)} "
                "of the "
                "classified units.",
            ),
            {f"{c.code}.units": c.units for c in top} | {"share": share},
            priority=30,
        )
    ]


def citations_core(r: Results) -> list[Finding]:
    """The core patents by the stated score."""
    ci = r.citations
    if ci is None or not ci.core:
        return []
    top = [u for u in ci.core if u.cited_by_source or u.cited_in_store][:SHOWN]
    if not top:
        return []
    items = [
        f"{u.doc_id}（{u.applicant or '-'}，{u.filing_year or '-'} 年，被引 "
        f"{L.num(max(u.cited_by_source, u.cited_in_store))} 次）"
        if r.lang != "en"
        else f"{u.doc_id} ({u.applicant or '-'}, {u.filing_year or '-'}, cited "
        f"{L.num(max(u.cited_by_source, u.cited_in_store))} times)"
        for u in top
    ]
    return [
        Finding(
            "citations.core",
            "structure",
            say(r.lang, "核心专利：", "Core patents: ")
            + L.join(items, r.lang)
            + say(r.lang, "。", "."),
            {u.doc_id: max(u.cited_by_source, u.cited_in_store) for u in top},
            priority=45,
        )
    ]
