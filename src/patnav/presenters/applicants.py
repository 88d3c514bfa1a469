"""The applicant ranking's presenter (创新主体与竞争格局): its report section (with the
co-applicant network's part, :mod:`patnav.presenters.network`), its rules, its dashboard
chart."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from patnav.analyses.applicants import ApplicantRanking
from patnav.analyses.network import CoApplicantNetwork
from patnav.presenters.base import (
    ChartSpec,
    Presenter,
    empty_spec,
    figures_of,
    pct,
    say,
    specs_of,
)
from patnav.presenters.network import network_blocks
from patnav.presenters.trend import unit_of
from patnav.reports import labels as L
from patnav.reports.conclusions import landscape_rule
from patnav.reports.context import Builder
from patnav.reports.model import (
    Chart,
    Finding,
    Paragraph,
    Section,
    Series,
    Table,
)
from patnav.reports.sections.common import TOP_TABLE, pick

TOP = 15
"""Applicants the dashboard's chart shows."""


def applicants_charts(data: dict[str, Any], lang: str) -> list[ChartSpec]:
    """The top applicants (report and dashboard) and the lead applicants by type
    (report)."""
    return [top_spec(data, lang), types_spec(data, lang)]


def _concentration_text(data: dict[str, Any], lang: str) -> str:
    conc = data.get("concentration") or {}
    if not conc.get("applicants"):
        return ""
    level = conc.get("level_zh") if lang == "zh" else conc.get("level")
    name = say(lang, "市场集中度", "Concentration")
    if lang == "zh":
        return (
            f"{name}：CR4 {pct(conc.get('cr4'))}，CR8 {pct(conc.get('cr8'))}，"
            f"HHI {conc.get('hhi') or 0:,.0f}（{level}）"
        )
    return (
        f"{name}: CR4 {pct(conc.get('cr4'))}, CR8 {pct(conc.get('cr8'))}, "
        f"HHI {conc.get('hhi') or 0:,.0f} ({level})"
    )


def top_spec(data: dict[str, Any], lang: str) -> ChartSpec:
    """The top applicants, with the concentration and how co-applicants count in the
    subtitle."""
    unit = unit_of(data, lang)
    title = say(lang, "主要申请人排名", "Top applicants")
    rows = (data.get("applicants") or [])[:TOP]
    if not rows:
        return empty_spec("applicants", title, unit, lang)
    parts = [
        _concentration_text(data, lang),
        say(lang, "共同申请时每个申请人各计一次", "co-applicants each count the unit"),
    ]
    chart = Chart(
        "barh",
        tuple(str(r["name"]) for r in rows),
        (Series(unit, tuple(float(r["units"]) for r in rows)),),
        x_label=unit,
    )
    return ChartSpec(
        "applicants",
        title,
        unit,
        chart,
        subtitle=say(lang, "；", "; ").join(p for p in parts if p),
        tooltips=tuple(
            f"{r['name']}: {r['units']:,} ({pct(r.get('share'))})" for r in rows
        ),
    )


def types_spec(data: dict[str, Any], lang: str) -> ChartSpec:
    """The lead (first) applicants by type: enterprise, university, institute …"""
    unit = unit_of(data, lang)
    title = say(lang, "第一申请人类型构成", "Lead applicants by type")
    mix = data.get("type_mix") or []
    if not mix:
        return empty_spec("applicants.types", title, unit, lang, kind="donut")
    chart = Chart(
        "donut",
        tuple(L.party_label(str(m["party_type"]), lang) for m in mix),
        (Series(unit, tuple(float(m["units"]) for m in mix)),),
    )
    return ChartSpec(
        "applicants.types",
        title,
        unit,
        chart,
        tooltips=tuple(
            f"{L.party_label(str(m['party_type']), lang)}: {m['units']:,} "
            f"({pct(m.get('share'))})"
            for m in mix
        ),
    )


def applicants_section(
    b: Builder, result: Any, found: Sequence[Finding], level: int
) -> Section | None:
    """创新主体与竞争格局: ranking, concentration, types, entrants, and the co-applicant
    groups when the report ran the network."""
    if not isinstance(result, ApplicantRanking):
        return None
    s = Section(b.t("sec.applicants"), level, key="applicants")
    s.add(*pick(found, "applicants."))
    specs = specs_of(applicants_charts, result, b.lang)
    if result.applicants:
        s.add(*figures_of(b, specs, "applicants"), _top_table(b, result))
    s.add(_concentration(b, result))
    s.add(*figures_of(b, specs, "applicants.types", least=2))
    s.add(_entrants_table(b, result))
    network = b.results.network
    if isinstance(network, CoApplicantNetwork):
        s.add(*network_blocks(b, network))
    return s


def _top_table(b: Builder, ap: ApplicantRanking) -> Table:
    window = L.span(ap.recent_window)
    return b.table(
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
            for a in ap.applicants[:TOP_TABLE]
        ],
        sort=b.say("数量降序，同数按名称", "units, descending; ties by name"),
        top=TOP_TABLE,
        total=ap.concentration.applicants,
        align="rllrrrrrrc",
        key="applicants.table",
    )


def _concentration(b: Builder, ap: ApplicantRanking) -> Paragraph:
    c = ap.concentration
    return Paragraph(
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


def _entrants_table(b: Builder, ap: ApplicantRanking) -> Table | None:
    if not ap.new_entrants:
        return None
    return b.table(
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
            for a in ap.new_entrants[:10]
        ],
        sort=b.say("数量降序", "units, descending"),
        top=10,
        total=len(ap.new_entrants),
        align="llrl",
        key="applicants.entrants",
    )


PRESENTER = Presenter(
    "applicants",
    section=applicants_section,
    charts=applicants_charts,
    rules=tuple(
        landscape_rule(name)
        for name in (
            "applicants.leader",
            "applicants.concentration",
            "applicants.rising",
            "applicants.fading",
            "applicants.academic",
        )
    ),
    dashboard=True,
    order=30,
    keys=("applicants",),
)
"""The applicant ranking's slice: section, rules, its charts (the dashboard draws the
top applicants)."""
