"""Conclusions computed by explicit rules over the analysis results.

Each rule reads result fields only, and says something only when the data gives it
something to say: a rule whose condition does not hold returns nothing, so no paragraph
reads the same for any data. Every :class:`~patnav.reports.model.Finding` names its rule,
the numbers its sentence cites (``numbers``) and a sentence built from exactly those
numbers. The thresholds (:mod:`patnav.reports.conclusions.thresholds`) are listed with the
rules in the report's method section and in ``docs/reports.md``.
"""

from __future__ import annotations

from collections.abc import Callable

from patnav.analyses.hotspots import WHITE_SPACE_MAX_RATIO, WHITE_SPACE_MIN_EXPECTED
from patnav.reports import labels as L
from patnav.reports.conclusions.base import Rule
from patnav.reports.conclusions.chain import (
    chain_attract,
    chain_dependence,
    chain_momentum,
    chain_partner,
    chain_position,
    chain_strengthen,
    chain_strong,
    chain_summary,
    chain_talent,
    chain_weak,
)
from patnav.reports.conclusions.data import (
    data_drop,
    data_few_inventors,
    data_thin_comparator,
)
from patnav.reports.conclusions.landscape import (
    applicants_concentration,
    applicants_fading,
    applicants_leader,
    applicants_rising,
    applicants_type_mix,
    citations_core,
    geography_home,
    geography_origins,
    technology_focus,
    trend_lifecycle,
)
from patnav.reports.conclusions.legal import (
    data_unknown_status,
    legal_lapse,
    legal_operations,
)
from patnav.reports.conclusions.thresholds import (
    ACADEMIC_HIGH,
    DECLINING_GROWTH,
    DECLINING_MIN_PREVIOUS,
    DEPENDENCE_MIN_HOME,
    DEPENDENCE_SHARE,
    DROP_RATIO,
    DROP_RECENT_PEAK,
    EMERGING_MIN_RECENT,
    FEW_INVENTORS,
    IN_FORCE_HIGH,
    INDIVIDUAL_HIGH,
    LAPSE_HIGH,
    LEADER_LEAD,
    MOMENTUM_GAP,
    MOMENTUM_MIN_PREVIOUS,
    RISING_GROWTH,
    RISING_MIN_RECENT,
    SHOWN,
    STATUS_COVERAGE_MIN,
    STATUS_KNOWN_MIN,
    THIN_COMPARATOR,
    UNKNOWN_STATUS_HIGH,
)
from patnav.reports.conclusions.topics import (
    competitors_position,
    emerging_terms,
    inventors_core,
    white_spaces,
)
from patnav.reports.context import Results
from patnav.reports.model import Finding


def _rule(
    name: str,
    meaning: tuple[str, str],
    thresholds: tuple[str, str],
    func: Callable[[Results], list[Finding]],
) -> Rule:
    return Rule(name, meaning[0], meaning[1], thresholds[0], thresholds[1], func)


_RULES: tuple[Rule, ...] = (
    _rule(
        "data.drop",
        ("申请量骤降提示数据不完整", "A steep drop flags incomplete data"),
        (
            f"末个完整年 < 峰值 × {DROP_RATIO:g}，峰值在最近 {DROP_RECENT_PEAK + 1} 个完整年内",
            f"last complete year < peak × {DROP_RATIO:g}, peak within the last "
            f"{DROP_RECENT_PEAK + 1} complete years",
        ),
        data_drop,
    ),
    _rule(
        "data.thin_comparator",
        ("对比基准过薄", "The comparator is too thin"),
        (
            f"本地 ≥ 对比基准的 {THIN_COMPARATOR:.0%}",
            f"home ≥ {THIN_COMPARATOR:.0%} of the comparator",
        ),
        data_thin_comparator,
    ),
    _rule(
        "data.unknown_status",
        ("法律状态覆盖不足或缺失", "Legal status coverage too low, or missing"),
        (
            f"已知状态 < {STATUS_COVERAGE_MIN:.0%} 或 < {STATUS_KNOWN_MIN} 件：不下结论；"
            f"无已知状态 ≥ {UNKNOWN_STATUS_HIGH:.0%}：提示",
            f"known < {STATUS_COVERAGE_MIN:.0%} or < {STATUS_KNOWN_MIN} units: no "
            f"conclusion; no known status ≥ {UNKNOWN_STATUS_HIGH:.0%}: caveat",
        ),
        data_unknown_status,
    ),
    _rule(
        "data.few_inventors",
        ("发明人信息缺失", "Inventors missing"),
        (
            f"发明人数 < 件数 × {FEW_INVENTORS:g}",
            f"inventors < units × {FEW_INVENTORS:g}",
        ),
        data_few_inventors,
    ),
    _rule(
        "trend.lifecycle",
        ("技术生命周期", "Lifecycle phase"),
        (
            "近三年对前三年：> +20% 且申请人增加为成长，< −20% 且申请人减少为衰退",
            "recent against previous three years: > +20% with more applicants is growth, "
            "< −20% with fewer is decline",
        ),
        trend_lifecycle,
    ),
    _rule(
        "chain.summary",
        ("产业链定位总览", "Chain overview"),
        ("各定位的环节数", "nodes per position"),
        chain_summary,
    ),
    _rule(
        "chain.position",
        ("所问环节的定位", "The position of the node asked about"),
        ("仅一个一级环节时（微导航）", "when the spec has one top-level node (micro)"),
        chain_position,
    ),
    _rule(
        "chain.gap",
        ("缺链环节", "Missing nodes"),
        (
            "本地 ≤ gap_max 且对比基准 ≥ min_market",
            "home ≤ gap_max and comparator ≥ min_market",
        ),
        chain_weak,
    ),
    _rule(
        "chain.weak",
        ("弱链环节", "Weak nodes"),
        ("RTA < weak_rta（非缺链）", "RTA < weak_rta (not a gap)"),
        chain_weak,
    ),
    _rule(
        "chain.strong",
        ("强链环节", "Strong nodes"),
        (
            "RTA ≥ strong_rta 且本地 ≥ min_units",
            "RTA ≥ strong_rta and home ≥ min_units",
        ),
        chain_strong,
    ),
    _rule(
        "chain.momentum",
        ("环节增速对比", "Node momentum"),
        (
            f"|本地增长 − 基准增长| ≥ {MOMENTUM_GAP:.0%}，本地前三年 ≥ {MOMENTUM_MIN_PREVIOUS}",
            f"|home growth − comparator growth| ≥ {MOMENTUM_GAP:.0%}, home previous ≥ "
            f"{MOMENTUM_MIN_PREVIOUS}",
        ),
        chain_momentum,
    ),
    _rule(
        "chain.dependence",
        ("环节依赖单一主体", "Dependence on one player"),
        (
            f"一级环节本地 ≥ {DEPENDENCE_MIN_HOME}，首位本地申请人占 ≥ {DEPENDENCE_SHARE:.0%}",
            f"top-level node with home ≥ {DEPENDENCE_MIN_HOME}, first local applicant ≥ "
            f"{DEPENDENCE_SHARE:.0%}",
        ),
        chain_dependence,
    ),
    _rule(
        "chain.attract",
        ("补链招商对象", "Organisations to attract"),
        (
            f"弱链、缺链环节；近期仍有申请、按地址或首次申请国位于区外的机构，按件数、近三年、"
            f"授权排序，列前 {SHOWN} 位",
            f"weak and missing nodes; organisations placed outside the region by address or "
            f"country of first filing, filing recently; by units, recent units, grants; "
            f"top {SHOWN}",
        ),
        chain_attract,
    ),
    _rule(
        "chain.partner",
        ("强链延链合作对象", "Partners to strengthen or extend"),
        (
            f"强链、一般环节；候选条件同补链招商，列前 {SHOWN} 位",
            f"strong and average nodes; candidates chosen as for filling gaps; top {SHOWN}",
        ),
        chain_partner,
    ),
    _rule(
        "chain.strengthen",
        ("强链龙头", "Leaders to build on"),
        (
            "强链环节的前两位本地申请人",
            "the first two local applicants of strong nodes",
        ),
        chain_strengthen,
    ),
    _rule(
        "chain.talent",
        ("引才对象", "Talent to recruit"),
        (
            f"各环节（弱链、缺链优先）；近期仍有申请、按本人或申请人地址位于区外的发明人，"
            f"按件数排序，列前 {SHOWN} 位",
            f"every node, weak and missing first; inventors placed outside the region by "
            f"their own or their applicant's address, filing recently; by units; top {SHOWN}",
        ),
        chain_talent,
    ),
    _rule(
        "geography.home",
        ("区域地位", "The region's standing"),
        ("本地占全国、全球比重及排名", "home share of nation and world, and rank"),
        geography_home,
    ),
    _rule(
        "geography.origins",
        ("技术来源", "Origins"),
        ("来源国前三位（首位 < 95% 时）", "top three origins (when the first < 95%)"),
        geography_origins,
    ),
    _rule(
        "applicants.leader",
        ("龙头申请人", "Leader"),
        (
            f"首位 ≥ 第二位 × {LEADER_LEAD:g} 为领先明显",
            f"first ≥ second × {LEADER_LEAD:g}: clear lead",
        ),
        applicants_leader,
    ),
    _rule(
        "applicants.concentration",
        ("竞争集中度", "Concentration"),
        (
            "HHI < 1,500 分散，1,500–2,500 适度集中，> 2,500 高度集中",
            "HHI < 1,500 unconcentrated, 1,500–2,500 moderate, > 2,500 high",
        ),
        applicants_concentration,
    ),
    _rule(
        "applicants.rising",
        ("崛起的申请人", "Rising applicants"),
        (
            f"近三年 ≥ {RISING_MIN_RECENT} 且增长 ≥ {RISING_GROWTH:.0%}（或此前为 0）",
            f"recent ≥ {RISING_MIN_RECENT} and growth ≥ {RISING_GROWTH:.0%} (or none before)",
        ),
        applicants_rising,
    ),
    _rule(
        "applicants.fading",
        ("活跃度下降的申请人", "Fading applicants"),
        (
            f"前三年 ≥ {DECLINING_MIN_PREVIOUS} 且增长 ≤ {DECLINING_GROWTH:.0%}",
            f"previous ≥ {DECLINING_MIN_PREVIOUS} and growth ≤ {DECLINING_GROWTH:.0%}",
        ),
        applicants_fading,
    ),
    _rule(
        "applicants.academic",
        ("创新主体类型", "Applicant types"),
        (
            f"高校院所 ≥ {ACADEMIC_HIGH:.0%}，或个人 ≥ {INDIVIDUAL_HIGH:.0%}",
            f"universities and institutes ≥ {ACADEMIC_HIGH:.0%}, or individuals ≥ "
            f"{INDIVIDUAL_HIGH:.0%}",
        ),
        applicants_type_mix,
    ),
    _rule(
        "technology.focus",
        ("技术重心", "Technology focus"),
        (
            f"IPC 小类前 {SHOWN} 位及合计占比",
            f"top {SHOWN} IPC subclasses and their share",
        ),
        technology_focus,
    ),
    _rule(
        "legal.lapse",
        ("失效风险与有效维持", "Lapse and maintenance"),
        (
            f"仅当已知状态 ≥ {STATUS_COVERAGE_MIN:.0%} 且 ≥ {STATUS_KNOWN_MIN} 件："
            f"终止 ≥ {LAPSE_HIGH:.0%} 为风险，有效 ≥ {IN_FORCE_HIGH:.0%} 为优势"
            "（按期限推算的届满不计入）",
            f"only with known status ≥ {STATUS_COVERAGE_MIN:.0%} and ≥ {STATUS_KNOWN_MIN} "
            f"units: ended ≥ {LAPSE_HIGH:.0%} risk, in force ≥ {IN_FORCE_HIGH:.0%} strength "
            "(term estimates not counted)",
        ),
        legal_lapse,
    ),
    _rule(
        "legal.operations",
        ("专利运营", "Operations"),
        (
            "转让、许可、质押等事件（有则列出）",
            "transfers, licences, pledges (when any)",
        ),
        legal_operations,
    ),
    _rule(
        "citations.core",
        ("核心专利", "Core patents"),
        ("核心度得分前三位且被引 > 0", "top three by core score, cited at least once"),
        citations_core,
    ),
    _rule(
        "hotspots.white_space",
        ("技术空白点", "White spaces"),
        (
            f"功效矩阵单元 ≤ 期望值 × {WHITE_SPACE_MAX_RATIO:.0%} 且期望 ≥ "
            f"{WHITE_SPACE_MIN_EXPECTED:g}（热点分析的规则）",
            f"matrix cell ≤ {WHITE_SPACE_MAX_RATIO:.0%} of its expected count, expected ≥ "
            f"{WHITE_SPACE_MIN_EXPECTED:g}",
        ),
        white_spaces,
    ),
    _rule(
        "hotspots.emerging",
        ("新兴技术词", "Emerging terms"),
        (
            f"占比增长最快且近三年 ≥ {EMERGING_MIN_RECENT}",
            f"fastest-growing share, ≥ {EMERGING_MIN_RECENT} recent units",
        ),
        emerging_terms,
    ),
    _rule(
        "inventors.core",
        ("核心发明人", "Core inventors"),
        (
            "件数最多且末次申请在最近 3 年内",
            "most units, last filing within the last 3 years",
        ),
        inventors_core,
    ),
    _rule(
        "competitors.position",
        ("对标定位与扩张对手", "Benchmark and expanding rivals"),
        (
            f"对手近三年 ≥ {RISING_MIN_RECENT} 且增长 ≥ {RISING_GROWTH:.0%}",
            f"rival's recent ≥ {RISING_MIN_RECENT} and growth ≥ {RISING_GROWTH:.0%}",
        ),
        competitors_position,
    ),
)
"""The landscape's conclusion rules, in the order their findings are listed (``RULES``
adds the rules of the slices' presenters)."""


ALIASES: dict[str, str] = {
    "legal.in_force": "legal.lapse",
    "applicants.individuals": "applicants.academic",
    "competitors.rising": "competitors.position",
}
"""Findings named apart from the listed rule whose function makes them."""


def landscape_rule(name: str) -> Rule:
    """The landscape rule ``name`` (a presenter lists the rules of its analysis).

    Raises:
        LookupError: no such rule.
    """
    for rule in _RULES:
        if rule.name == name:
            return rule
    raise LookupError(f"No conclusion rule '{name}'.")


def all_rules() -> tuple[Rule, ...]:
    """Every conclusion rule (``RULES``): the landscape's, then the rules of each
    slice's presenter (``patnav.presenters``) not listed there."""
    from patnav.presenters import PRESENTERS

    listed = {rule.name for rule in _RULES}
    extra = tuple(
        rule
        for presenter in PRESENTERS.values()
        for rule in presenter.rules
        if rule.name not in listed
    )
    return _RULES + extra


def __getattr__(name: str) -> tuple[Rule, ...]:
    # RULES is computed on first use: the presenters' rules join the landscape's, and
    # the presenters import this package
    if name == "RULES":
        return all_rules()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def rule_of(name: str) -> Rule | None:
    """The listed rule that makes findings named ``name`` (None: not a listed rule)."""
    name = ALIASES.get(name, name)
    return next((rule for rule in all_rules() if rule.name == name), None)


def conclude(results: Results) -> list[Finding]:
    """Apply every rule; findings sorted by priority (stable: rule order breaks ties)."""
    findings: list[Finding] = []
    seen: set[int] = set()
    for rule in all_rules():
        if id(rule.func) in seen:  # one function may serve two listed rules
            continue
        seen.add(id(rule.func))
        findings.extend(rule.func(results))
    for finding in findings:
        finding.text = L.tidy(finding.text, results.lang)
    return sorted(findings, key=lambda f: f.priority)


__all__ = [
    "ALIASES",
    "RULES",
    "Rule",
    "all_rules",
    "conclude",
    "landscape_rule",
    "rule_of",
]
