"""The inventor analysis's presenter (发明人与研发团队): its report section, its rules, its
dashboard chart."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from patnav.analyses.inventors import InventorAnalysis
from patnav.presenters.base import (
    ChartSpec,
    Presenter,
    empty_spec,
    figures_of,
    say,
    short,
    specs_of,
)
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
"""Inventors the dashboard's chart shows."""
TEAMS = 10
"""R&D teams the report's table lists."""


def inventors_charts(data: dict[str, Any], lang: str) -> list[ChartSpec]:
    """The top inventors, each at their lead applicant (shortened: the table names it
    whole)."""
    unit = unit_of(data, lang)
    title = say(lang, "主要发明人", "Top inventors")
    rows = (data.get("inventors") or [])[:TOP]
    if not rows:
        return [empty_spec("inventors", title, unit, lang)]
    unknown = say(lang, "未知", "unknown")

    def label(r: dict[str, Any]) -> str:
        at = short(str(r.get("applicant") or unknown), 16)
        return f"{r['name']}（{at}）" if lang != "en" else f"{r['name']} ({at})"

    chart = Chart(
        "barh",
        tuple(label(r) for r in rows),
        (Series(unit, tuple(float(r["units"]) for r in rows)),),
        x_label=unit,
    )
    subtitle = say(
        lang,
        "发明人以“姓名@第一申请人”区分",
        "an inventor is a name at the lead applicant",
    )
    return [ChartSpec("inventors", title, unit, chart, subtitle=subtitle)]


def inventors_section(
    b: Builder, result: Any, found: Sequence[Finding], level: int
) -> Section | None:
    """发明人与研发团队: productive inventors, teams, core inventors per applicant."""
    if not isinstance(result, InventorAnalysis):
        return None
    s = Section(b.t("sec.inventors"), level, key="inventors")
    s.add(*pick(found, "inventors.", "data.few_inventors"))
    if not result.inventors:
        s.add(
            Paragraph(
                b.say("数据中没有发明人信息。", "The data name no inventors."), "note"
            )
        )
        return s
    s.add(
        *figures_of(b, specs_of(inventors_charts, result, b.lang), "inventors"),
        _top_table(b, result),
        _teams_table(b, result),
    )
    return s


def _applicant(b: Builder, name: str | None) -> str:
    """The inventor's lead applicant; 未知 where the data name none (a PatSnap row gives
    current owners only)."""
    return name or b.t("unknown")


def _top_table(b: Builder, inv: InventorAnalysis) -> Table:
    return b.table(
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
                _applicant(b, i.applicant),
                L.num(i.units),
                L.years(i.first_year, i.last_year),
                L.dec(i.productivity, 1),
                L.num(i.coinventors),
            ]
            for i in inv.inventors[:TOP_TABLE]
        ],
        sort=b.say("数量降序", "units, descending"),
        top=TOP_TABLE,
        total=inv.inventors_total,
        align="rllrlrr",
        key="inventors.table",
    )


def _teams_table(b: Builder, inv: InventorAnalysis) -> Table | None:
    if not inv.teams:
        return None
    return b.table(
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
                _applicant(b, t.applicant),
                ("、" if b.lang != "en" else "; ").join(t.members[:6]),
            ]
            for t in inv.teams[:TEAMS]
        ],
        sort=b.say("团队成员合计件数降序", "members' units, descending"),
        align="rrrll",
        key="inventors.teams",
    )


PRESENTER = Presenter(
    "inventors",
    section=inventors_section,
    charts=inventors_charts,
    rules=(landscape_rule("inventors.core"), landscape_rule("data.few_inventors")),
    dashboard=True,
    order=50,
    keys=("inventors",),
)
"""The inventor analysis's slice: section, rules, the dashboard's inventors chart."""
