"""What the chain's sections share with the other outlines (the micro report): where a
holder is, and how candidates were chosen. The sections themselves are the chain's
presenter's (:mod:`patnav.presenters.chain`)."""

from __future__ import annotations

from patnav.analyses.chain import ChainPositioning
from patnav.reports import labels as L
from patnav.reports.context import Builder


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
