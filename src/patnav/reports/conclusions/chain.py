"""Rules over the industry chain: strong, weak and missing nodes, momentum, dependence,
and the 补链/强链/引才 recommendations."""

from __future__ import annotations

from patnav.i18n import say
from patnav.reports import labels as L
from patnav.reports.conclusions.base import (
    _cmp,
    _comparator_growth,
    _player,
    _q,
    _share_text,
)
from patnav.reports.conclusions.thresholds import (
    DEPENDENCE_MIN_HOME,
    DEPENDENCE_SHARE,
    MOMENTUM_GAP,
    MOMENTUM_MIN_PREVIOUS,
    SHOWN,
)
from patnav.reports.context import Results
from patnav.reports.model import Finding


def chain_summary(r: Results) -> list[Finding]:
    """How many nodes are strong, average, weak or missing."""
    ch = r.chain
    if ch is None or not ch.nodes:
        return []
    counts = {
        p: sum(1 for n in ch.nodes if n.position == p)
        for p in ("strong", "average", "weak", "gap")
    }
    items = [f"{L.position_label(p, r.lang)} {counts[p]}" for p in counts if counts[p]]
    return [
        Finding(
            "chain.summary",
            "structure",
            say(
                r.lang,
                f"{r.region_label}在 {len(ch.nodes)} 个技术环节中："
                + "、".join(
                    f"{L.position_label(p, r.lang)} {counts[p]} 个"
                    for p in counts
                    if counts[p]
                )
                + "。",
                f"Of {len(ch.nodes)} nodes, {r.region_label} has "
                + ", ".join(items)
                + ".",
            ),
            {p: n for p, n in counts.items() if n},
            priority=12,
        )
    ]


def chain_strong(r: Results) -> list[Finding]:
    """Strong nodes: RTA at or above the threshold, with their local leaders."""
    ch = r.chain
    if ch is None:
        return []
    strong = sorted(
        (n for n in ch.nodes if n.position == "strong"),
        key=lambda n: (-(n.rta or 0), n.node),
    )
    out = []
    for n in strong[:5]:
        leaders = [
            f"{p.name}（{_q(r, p.units)}）"
            if r.lang != "en"
            else f"{p.name} ({_q(r, p.units)})"
            for p in n.local_players[:2]
        ]
        out.append(
            Finding(
                "chain.strong",
                "strength",
                say(
                    r.lang,
                    f"强链“{n.node}”：{r.region_label}拥有 {_q(r, n.home)}，"
                    f"占{_cmp(r, n.rta_basis)} "
                    ""
                    ""
                    f"{_share_text(r, n)}，RTA={L.dec(n.rta)}（≥ {ch.rules['strong_rta']:g}）"
                    + (f"；本地龙头 {L.join(leaders, r.lang)}" if leaders else "")
                    + "。",
                    f"Strong node {n.node}: {r.region_label} has {_q(r, n.home)}, "
                    f"{_share_text(r, n)} of {_cmp(r, n.rta_basis)}, RTA={L.dec(n.rta)} "
                    f"(≥ {ch.rules['strong_rta']:g})"
                    + (f"; local leaders {L.join(leaders, r.lang)}" if leaders else "")
                    + ".",
                ),
                {
                    "home": n.home,
                    "rta": n.rta,
                    "share": n.share_of_national
                    if n.rta_basis == "national"
                    else n.share_of_world,
                },
                n.node,
                13,
                basis=n.home,
                min_basis=ch.rules["min_units"],
            )
        )
    return out


def chain_weak(r: Results) -> list[Finding]:
    """Weak and missing nodes, and why."""
    ch = r.chain
    if ch is None:
        return []
    out = []
    gaps = [n for n in ch.nodes if n.position == "gap"]
    weak = sorted(
        (n for n in ch.nodes if n.position == "weak"),
        key=lambda n: (n.rta or 0, n.node),
    )
    for n in gaps:
        cmp_units = n.national if n.rta_basis == "national" else n.world
        out.append(
            Finding(
                "chain.gap",
                "weakness",
                say(
                    r.lang,
                    f"缺链“{n.node}”：{r.region_label}"
                    + (
                        f"尚无{L.unit_noun(r.count_by, r.lang)}（{_q(r, n.home)}）"
                        if not n.home
                        else f"仅 {_q(r, n.home)}"
                    )
                    + f"，而{_cmp(r, n.rta_basis)}有 {_q(r, cmp_units)}，本地尚未布局。",
                    f"Gap {n.node}: {r.region_label} has {_q(r, n.home)} while "
                    f"{_cmp(r, n.rta_basis)} "
                    f"has {_q(r, cmp_units)}: no local presence yet.",
                ),
                {"home": n.home, "comparator": cmp_units},
                n.node,
                11,
                basis=cmp_units,
                min_basis=ch.rules["min_market"],
            )
        )
    for n in weak:
        growth = ""
        numbers: dict[str, float | int | str | None] = {
            "home": n.home,
            "rta": n.rta,
            "share": n.share_of_national
            if n.rta_basis == "national"
            else n.share_of_world,
        }
        if n.home_growth is not None and _comparator_growth(n) is not None:
            growth = say(
                r.lang,
                f"；近三年本地增长 {L.signed_pct(n.home_growth)}，{_cmp(r, n.rta_basis)}增长 "
                f"{L.signed_pct(n.comparator_growth)}",
                f"; recent growth {L.signed_pct(n.home_growth)} at home against "
                f"{L.signed_pct(n.comparator_growth)} in {_cmp(r, n.rta_basis)}",
            )
            numbers.update(
                home_growth=n.home_growth, comparator_growth=n.comparator_growth
            )
        out.append(
            Finding(
                "chain.weak",
                "weakness",
                say(
                    r.lang,
                    f"弱链“{n.node}”：{r.region_label}拥有 {_q(r, n.home)}，"
                    f"占{_cmp(r, n.rta_basis)} "
                    ""
                    ""
                    f"{_share_text(r, n)}，RTA={L.dec(n.rta)}（< {ch.rules['weak_rta']:g}，"
                    f"本地占比低于{_cmp(r, n.rta_basis)}平均）" + growth + "。",
                    f"Weak node {n.node}: {r.region_label} has {_q(r, n.home)}, "
                    f"{_share_text(r, n)} of "
                    f"{_cmp(r, n.rta_basis)}, RTA={L.dec(n.rta)} (< {ch.rules['weak_rta']:g}: "
                    "below its average weight)" + growth + ".",
                ),
                numbers,
                n.node,
                11,
            )
        )
    return out


def chain_momentum(r: Results) -> list[Finding]:
    """Nodes whose home growth lags or outpaces the comparator's by a wide margin."""
    ch = r.chain
    if ch is None:
        return []
    moving = [
        n
        for n in ch.nodes
        if n.position != "gap"
        and n.home_previous >= MOMENTUM_MIN_PREVIOUS
        and n.home_growth is not None
        and _comparator_growth(n) is not None
        and abs(n.home_growth - (_comparator_growth(n) or 0.0)) >= MOMENTUM_GAP
    ]
    moving.sort(
        key=lambda n: (-abs((n.home_growth or 0) - (n.comparator_growth or 0)), n.node)
    )
    out = []
    for n in moving[:SHOWN]:
        assert n.home_growth is not None and n.comparator_growth is not None
        ahead = n.home_growth > n.comparator_growth
        out.append(
            Finding(
                "chain.momentum",
                "strength" if ahead else "weakness",
                say(
                    r.lang,
                    f"“{n.node}”：{r.region_label}近三年 {_q(r, n.home_recent)}，前三年 "
                    f"{_q(r, n.home_previous)}"
                    f"（{L.signed_pct(n.home_growth)}），"
                    f"{'快于' if ahead else '慢于'}{_cmp(r, n.rta_basis)}的 "
                    f"{L.signed_pct(n.comparator_growth)}"
                    + ("，正在追赶。" if ahead else "，差距在拉大。"),
                    f"{n.node}: {r.region_label} filed {_q(r, n.home_recent)} recently against "
                    f"{_q(r, n.home_previous)} before ({L.signed_pct(n.home_growth)}), "
                    f"{'faster' if ahead else 'slower'} than {_cmp(r, n.rta_basis)} "
                    f"({L.signed_pct(n.comparator_growth)})"
                    + (": catching up." if ahead else ": falling behind."),
                ),
                {
                    "recent": n.home_recent,
                    "previous": n.home_previous,
                    "home_growth": n.home_growth,
                    "comparator_growth": n.comparator_growth,
                },
                n.node,
                14,
                basis=n.home_previous,
                min_basis=MOMENTUM_MIN_PREVIOUS,
            )
        )
    return out


def chain_dependence(r: Results) -> list[Finding]:
    """Top-level nodes where one local applicant holds most of the home units."""
    ch = r.chain
    if ch is None:
        return []
    out = []
    for n in ch.nodes:
        if n.depth or n.home < DEPENDENCE_MIN_HOME or not n.local_players:
            continue
        lead = n.local_players[0]
        share = lead.units / n.home
        if share < DEPENDENCE_SHARE:
            continue
        out.append(
            Finding(
                "chain.dependence",
                "risk",
                say(
                    r.lang,
                    f"“{n.node}”：本地 {_q(r, n.home)} 中 {lead.name} 占 {_q(r, lead.units)}"
                    f"（{L.pct(share)}），环节依赖单一主体，需培育更多本地创新主体。",
                    f"{n.node}: {lead.name} holds {_q(r, lead.units)} of the region's "
                    f"{_q(r, n.home)} ({L.pct(share)}): the node depends on one player.",
                ),
                {"home": n.home, "units": lead.units, "share": share},
                n.node,
                35,
                basis=n.home,
                min_basis=DEPENDENCE_MIN_HOME,
            )
        )
    return out


def _active(r: Results) -> str:
    """Who the candidates are, in a few words: organisations outside the region still
    filing in the node since the start of the activity window."""
    ch = r.chain
    if ch is None or ch.active_window is None:
        return say(r.lang, "区外机构", "organisations outside the region")
    return say(
        r.lang,
        f"{ch.active_window[0]} 年以来仍在该环节申请的区外机构",
        f"organisations outside the region still filing in the node since "
        f"{ch.active_window[0]}",
    )


def chain_attract(r: Results) -> list[Finding]:
    """招商: for weak and missing nodes, the strongest active organisations outside the
    region."""
    ch = r.chain
    if ch is None:
        return []
    nodes = [n for n in ch.nodes if n.position in ("gap", "weak") and n.candidates]
    nodes.sort(key=lambda n: (n.position != "gap", n.rta or 0, n.node))
    out = []
    for n in nodes[:5]:
        shown = n.candidates[:SHOWN]
        out.append(
            Finding(
                "chain.attract",
                "recommendation",
                say(
                    r.lang,
                    f"补链“{n.node}”（{L.position_label(n.position, r.lang)}）：建议对接"
                    + _active(r)
                    + " "
                    + L.join([_player(r, p) for p in shown], r.lang)
                    + "，通过招商、技术许可或合作研发引入。",
                    f"Fill {n.node} ({L.position_label(n.position, r.lang)}): approach "
                    + _active(r)
                    + ", "
                    + L.join([_player(r, p) for p in shown], r.lang)
                    + ", to attract, license or co-develop.",
                ),
                {f"{p.name}.units": p.units for p in shown},
                n.node,
                60,
            )
        )
    return out


def chain_partner(r: Results) -> list[Finding]:
    """强链/延链: for strong and average nodes, active organisations outside the region to
    partner with."""
    ch = r.chain
    if ch is None:
        return []
    nodes = [
        n for n in ch.nodes if n.position in ("strong", "average") and n.candidates
    ]
    nodes.sort(key=lambda n: (n.position != "strong", -(n.rta or 0), n.node))
    out = []
    for n in nodes[:SHOWN]:
        shown = n.candidates[:SHOWN]
        purpose = L.purpose_label(n.purpose, r.lang)
        out.append(
            Finding(
                "chain.partner",
                "recommendation",
                say(
                    r.lang,
                    f"{purpose}“{n.node}”（{L.position_label(n.position, r.lang)}）：可与"
                    + _active(r)
                    + " "
                    + L.join([_player(r, p) for p in shown], r.lang)
                    + " 开展技术合作、许可或联合研发，补强上下游。",
                    f"{purpose.capitalize()} {n.node} ({L.position_label(n.position, r.lang)}): "
                    "partner with "
                    + _active(r)
                    + ", "
                    + L.join([_player(r, p) for p in shown], r.lang)
                    + ", through co-development or licensing.",
                ),
                {f"{p.name}.units": p.units for p in shown},
                n.node,
                61,
            )
        )
    return out


def chain_talent(r: Results) -> list[Finding]:
    """人才: the most productive active inventors outside the region, weak and missing
    nodes first."""
    ch = r.chain
    if ch is None:
        return []
    nodes = [n for n in ch.nodes if n.talents]
    nodes.sort(
        key=lambda n: (
            n.position not in ("gap", "weak"),
            n.position != "gap",
            n.rta or 0,
            n.node,
        )
    )
    out = []
    for n in nodes[:SHOWN]:
        shown = n.talents[:SHOWN]
        items = [
            f"{p.name}（{p.applicant}，{_q(r, p.units)}，{L.years(p.first_year, p.last_year)}）"
            if r.lang != "en"
            else f"{p.name} ({p.applicant}, {_q(r, p.units)}, {L.years(p.first_year, p.last_year)})"
            for p in shown
        ]
        out.append(
            Finding(
                "chain.talent",
                "recommendation",
                say(r.lang, f"引才“{n.node}”：", f"Recruit for {n.node}: ")
                + L.join(items, r.lang)
                + say(r.lang, "。", "."),
                {f"{p.name}.units": p.units for p in shown},
                n.node,
                62,
            )
        )
    return out


def chain_strengthen(r: Results) -> list[Finding]:
    """强链: build on the strong nodes' local leaders."""
    ch = r.chain
    if ch is None:
        return []
    strong = sorted(
        (n for n in ch.nodes if n.position == "strong" and n.local_players),
        key=lambda n: (-(n.rta or 0), n.node),
    )
    out = []
    for n in strong[:SHOWN]:
        leaders = n.local_players[:2]
        names = [
            f"{p.name}（{_q(r, p.units)}）"
            if r.lang != "en"
            else f"{p.name} ({_q(r, p.units)})"
            for p in leaders
        ]
        out.append(
            Finding(
                "chain.strengthen",
                "recommendation",
                say(
                    r.lang,
                    f"强链“{n.node}”（RTA={L.dec(n.rta)}）：以 {L.join(names, r.lang)} 为龙头，"
                    "围绕其核心专利培育高价值专利组合、向上下游延伸。",
                    f"Strengthen {n.node} (RTA={L.dec(n.rta)}): build on {L.join(names, r.lang)} "
                    "to grow high-value portfolios up and down the chain.",
                ),
                {"rta": n.rta} | {f"{p.name}.units": p.units for p in leaders},
                n.node,
                61,
            )
        )
    return out


def chain_position(r: Results) -> list[Finding]:
    """The position of the one top-level node a focused (micro) navigation asks about."""
    ch = r.chain
    if ch is None or sum(1 for n in ch.nodes if n.depth == 0) != 1:
        return []
    n = ch.nodes[0]
    cmp_units = n.national if n.rta_basis == "national" else n.world
    # RTA needs units at home and in the comparator; without them it is said so, not "-"
    rta_zh = "RTA 无法计算" if n.rta is None else f"RTA={L.dec(n.rta)}"
    rta_en = "RTA cannot be computed" if n.rta is None else f"RTA={L.dec(n.rta)}"
    return [
        Finding(
            "chain.position",
            "structure",
            say(
                r.lang,
                f"“{n.node}”：{r.region_label}拥有 {_q(r, n.home)}，占{_cmp(r, n.rta_basis)} "
                f"{_q(r, cmp_units)}的 {_share_text(r, n)}，{rta_zh}，定位为"
                f"{L.position_label(n.position, r.lang)}（{n.reason}）。",
                f"{n.node}: {r.region_label} has {_q(r, n.home)} of {_cmp(r, n.rta_basis)}'s "
                f"{_q(r, cmp_units)} ({_share_text(r, n)}), {rta_en}: "
                f"{L.position_label(n.position, r.lang)}.",
            ),
            {"home": n.home, "comparator": cmp_units, "rta": n.rta},
            n.node,
            10,
        )
    ]
