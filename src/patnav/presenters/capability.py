"""The capability slice's presenter: 企业创新能力 in the enterprise report (the enterprise's
index and its indicators against its peers) and in the region report (the region's leading
enterprises, and its high-value invention patents)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from patnav.analyses.capability import CapabilitySlice, capability_slice
from patnav.models.capability import EnterpriseCapability
from patnav.models.high_value import HighValueIndicator, read_population
from patnav.presenters.base import Presenter
from patnav.reports.context import Builder
from patnav.reports.model import Finding, Paragraph, Section

TOP = 10
"""Enterprises the region report lists."""

_SHARES = frozenset(
    {
        "invention_share",
        "grant_rate",
        "team_stability",
        "rd_intensity",
        "rd_staff_share",
    }
)


def capability_run(b: Builder) -> CapabilitySlice:
    """The region report: its region's leaders (peers: the province's) and high-value
    patents; the enterprise
    report: its enterprise (the spec's first entity) explained."""
    province = city = enterprise = None
    if b.spec.type == "region" and b.spec.region is not None:
        province, city = b.spec.region.province, b.spec.region.city
    if b.spec.type == "enterprise" and b.spec.entities:
        enterprise = b.spec.entities[0]
    path = b.spec.population_path() if b.spec.type == "region" else None
    return capability_slice(
        b.store,
        None,
        province=province,
        city=city,
        enterprise=enterprise,
        top=TOP,
        population=read_population(path) if path is not None else None,
    )


def _value(key: str, value: float | None) -> str:
    if value is None:
        return "-"
    if key in _SHARES:
        return f"{value * 100:.1f}%"
    if key == "growth":
        return f"{value * 100:+.0f}%"
    if key == "citations":
        return f"{value:.2f}"
    return f"{value:,.0f}"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _enterprise_part(b: Builder, s: Section, e: EnterpriseCapability) -> None:
    basis = b.say(
        "企业库行业代码" if e.industry_basis == "industry_code" else "主IPC部",
        "register industry code" if e.industry_basis == "industry_code" else "main IPC",
    )
    region = e.province or b.say("地区未知", "unknown region")
    s.add(
        Paragraph(
            b.say(
                f"{e.name}的企业创新能力指数为 {_num(e.index)}（0–100），在{region}、"
                f"行业 {e.industry or '未知'}（{basis}）的 {e.peers} 家同行中列第 "
                f"{e.rank} 位；已知指标占权重的 {e.coverage * 100:.0f}%。",
                f"{e.name} has a capability index of {_num(e.index)} (0–100), rank "
                f"{e.rank} of {e.peers} peers in {region}, industry "
                f"{e.industry or 'unknown'} ({basis}); known indicators carry "
                f"{e.coverage * 100:.0f}% of the weight.",
            )
            if e.rank is not None
            else b.say(
                f"{e.name}的企业创新能力指数为 {_num(e.index)}（0–100）；其行业未知，"
                f"没有可比的同组，不排名；已知指标占权重的 {e.coverage * 100:.0f}%。",
                f"{e.name} has a capability index of {_num(e.index)} (0–100); its industry "
                "is unknown, so it has no peers and no rank; known indicators "
                f"carry {e.coverage * 100:.0f}% of the weight.",
            )
        )
    )
    s.add(
        b.table(
            b.say(
                "企业创新能力指标与同行百分位", "Capability indicators against peers"
            ),
            [
                b.say("指标", "Indicator"),
                b.say("数值", "Value"),
                b.say("同行百分位", "Percentile"),
                b.say("权重", "Weight"),
                b.say("有值同行数", "Peers known"),
                b.say("缺失原因", "Why missing"),
            ],
            [
                [
                    i.label,
                    _value(i.key, i.value),
                    _num(i.percentile),
                    f"{i.weight:g}",
                    f"{i.peers_known:,}",
                    i.reason or "-",
                ]
                for i in e.indicators
            ],
            align="lrrrrl",
            key="capability.indicators",
        )
    )
    missing = [i.label for i in e.indicators if i.value is None]
    if missing:
        s.add(
            Paragraph(
                b.say(
                    "缺失指标（" + "、".join(missing) + "）不计为 0，不参与加权，指数按"
                    "已知指标的权重重新归一。",
                    f"{len(missing)} indicators are missing: they count as unknown, "
                    "not 0, and the index reweights the known ones.",
                ),
                "note",
            )
        )


def _region_part(b: Builder, s: Section, r: CapabilitySlice) -> None:
    where = r.city or r.province or b.say("全库", "the store")
    if not r.leaders:
        s.add(
            Paragraph(
                b.say(
                    f"{where}没有可评价创新能力的企业。",
                    f"No enterprise of {where} to rate.",
                )
            )
        )
        return
    s.add(
        Paragraph(
            b.say(
                f"{where}共有 {r.total:,} 家{r.subject_zh}参与企业创新能力评价，"
                f"按创新能力指数排列，前 {len(r.leaders)} 位如下。",
                f"{r.total:,} enterprises of {where} are rated; the first "
                f"{len(r.leaders)} by capability index follow.",
            )
        )
    )
    s.add(
        b.table(
            b.say("领先企业创新能力", "Leading enterprises by capability"),
            [
                b.say("企业", "Enterprise"),
                b.say("行业", "Industry"),
                b.say("创新能力指数", "Index"),
                b.say("同行排名", "Peer rank"),
                b.say("指标覆盖", "Coverage"),
                b.say("缺失指标", "Missing"),
            ],
            [
                [
                    e.name,
                    e.industry or "-",
                    _num(e.index),
                    f"{e.rank}/{e.peers}" if e.rank is not None else "-",
                    f"{e.coverage * 100:.0f}%",
                    "、".join(i.label for i in e.indicators if i.value is None) or "-",
                ]
                for e in r.leaders
            ],
            sort=b.say("创新能力指数降序", "capability index, descending"),
            top=len(r.leaders),
            total=r.total,
            align="llrrrl",
            key="capability.leaders",
        )
    )
    if r.high_value:
        _high_value_part(b, s, r.high_value[0], where)


def _high_value_part(
    b: Builder, s: Section, hv: HighValueIndicator, where: str
) -> None:
    lacking = [c.label for c in hv.criteria if not c.evaluable]
    text = b.say(
        f"{where}在效国内发明专利 {hv.in_force:,} 件，其中符合高价值发明专利标准的 "
        f"{hv.high_value:,} 件",
        f"{where} holds {hv.in_force:,} domestic invention patents in force, "
        f"{hv.high_value:,} of them high-value",
    )
    if lacking:
        text += b.say(
            "（" + "、".join(lacking) + "不可评估，为下限）",
            f" (a lower bound: {len(lacking)} criteria not evaluable)",
        )
    population = [r.population_wan for r in hv.regions]
    if hv.has_population and population and None not in population:
        ratio = hv.high_value / sum(p or 0.0 for p in population)
        text += b.say(
            f"，每万人口高价值发明专利拥有量 {ratio:.2f} 件（人口 "
            f"{sum(p or 0.0 for p in population):,.1f} 万人，取自报告方案的人口表）。",
            f"; {ratio:.2f} per 10,000 people (population from the spec's table).",
        )
    elif hv.has_population:
        text += b.say(
            f"。人口表中没有{where}，未计算每万人口拥有量。",
            f". The population table lacks {where}: no ratio per 10,000 people.",
        )
    else:
        text += b.say(
            "。每万人口高价值发明专利拥有量需要人口表（在报告方案中指定），"
            "本报告只给出件数。",
            ". The ratio per 10,000 people needs a population table (the spec's "
            "population); this report gives counts only.",
        )
    s.add(Paragraph(text))
    s.add(
        b.table(
            b.say("高价值发明专利标准", "High-value criteria"),
            [b.say("标准", "Criterion"), b.say("件数或原因", "Count or reason")],
            [
                [
                    c.label,
                    f"{c.met:,}"
                    if c.met is not None
                    else b.say("不可评估：", "not evaluable: ") + (c.reason or ""),
                ]
                for c in hv.criteria
            ],
            align="ll",
            key="capability.high_value",
        )
    )


def capability_section(
    b: Builder, result: Any, found: Sequence[Finding], level: int
) -> Section | None:
    """企业创新能力: the enterprise explained, or the region's leaders."""
    if not isinstance(result, CapabilitySlice):
        return None
    s = Section(b.say("企业创新能力", "Innovation capability"), level, key="capability")
    if result.enterprise is not None:
        if result.focus:
            _enterprise_part(b, s, result.focus[0])
        else:
            s.add(
                Paragraph(
                    b.say(
                        f"库中没有可评价创新能力的“{result.enterprise}”（需为公司类申请人或"
                        "企业库企业）。",
                        f"No enterprise '{result.enterprise}' to rate in the store.",
                    )
                )
            )
    else:
        _region_part(b, s, result)
    if result.notes and b.lang == "zh":  # the model's notes are Chinese
        s.add(Paragraph("；".join(result.notes) + "。", "note"))
    return s


PRESENTER = Presenter(
    "capability",
    section=capability_section,
    run=capability_run,
    reports=("enterprise", "region"),
    order=95,
)
"""The capability slice: a section of the enterprise and region reports."""
