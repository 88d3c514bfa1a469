"""The legal status analysis's presenter (法律状态与运营): its report section, its rules, and
its dashboard charts (the status mix, and the operations per year)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from patnav.analyses.legal import LegalStatusSummary
from patnav.presenters.base import ChartSpec, Presenter, figures_of, say, specs_of
from patnav.presenters.trend import measure_of, unit_of
from patnav.reports import labels as L
from patnav.reports.conclusions import landscape_rule
from patnav.reports.conclusions.legal import evidence_text
from patnav.reports.conclusions.thresholds import (
    STATUS_COVERAGE_MIN,
    STATUS_KNOWN_MIN,
    status_conclusive,
)
from patnav.reports.context import Builder
from patnav.reports.model import Chart, Finding, Paragraph, Section, Series
from patnav.reports.sections.common import pick

STATUS_EN = {
    "active": "Active",
    "pending": "Pending",
    "lapsed": "Lapsed",
    "expired": "Expired",
    "withdrawn": "Withdrawn",
    "rejected": "Rejected",
    "invalidated": "Invalidated",
    "unknown": "Unknown",
    "term_ended": "Term ended (estimated)",
}
"""A status's name in the dashboard's English legend."""
OPERATIONS = {
    "transfer": ("转让", "Transfer"),
    "licence": ("许可", "Licence"),
    "pledge": ("质押", "Pledge"),
    "pledge_release": ("质押解除", "Pledge release"),
    "invalidation": ("无效宣告", "Invalidation"),
    "litigation": ("诉讼", "Litigation"),
}
"""An operation's name in the dashboard's legend (Chinese, English)."""
NO_STATUS = (
    "来源数据没有法律状态（既无法律状态字段，也无法律事件），不作推定。"
    "请导入含法律状态或法律事件的数据。",
    "The source data gives no legal status (no status field, no legal events), and "
    "none is guessed. Import data that has legal status or legal events.",
)
"""Why the dashboard draws no status mix when no unit has a known status."""


# -- the dashboard's charts -------------------------------------------------------------


UNKNOWN_VALUES = frozenset({"", "unknown", "(unknown)", "none", "null"})
"""How data and analyses spell a missing value."""


def operation_name(kind: Any, lang: str) -> str:
    """An operation's name; one the table lacks as it is, a missing one as 未知."""
    names = OPERATIONS.get(str(kind))
    if names is not None:
        return names[1] if lang == "en" else names[0]
    if kind is None or str(kind).strip().lower() in UNKNOWN_VALUES:
        return say(lang, "未知", "Unknown")
    return str(kind)


def status_name(status: Any, lang: str) -> str:
    """A legal status's name: the page's vocabulary (有效, Term ended (estimated) …)."""
    if lang == "en":
        return STATUS_EN.get(str(status), str(status))
    return L.status_label(str(status), lang)


def status_chart(data: dict[str, Any], lang: str) -> ChartSpec:
    """Units by legal status (a donut, every status and the units of none), how a unit
    counts and the statuses known in the subtitle; nothing drawn, and why, when no unit
    has a known status."""
    unit = unit_of(data, lang)
    title = say(lang, "法律状态构成", "Legal status")
    statuses = data.get("statuses") or []
    if statuses and not data.get("known"):
        return ChartSpec(
            "legal", title, unit, Chart("donut", (), ()), empty=say(lang, *NO_STATUS)
        )
    if not statuses:
        return ChartSpec("legal", title, unit, Chart("donut", (), ()))
    known, total = data.get("known") or 0, data.get("total", 0)
    subtitle = say(
        lang,
        f"法律状态已知 {known:,} / {total:,}；一{measure_of(data, lang)}以其最有效的"
        "状态计；“期限届满（推算）”为估计，不计入已知状态",
        f"status known for {known:,} of {total:,}; a unit counts by its most alive "
        "status; term ended (estimated) is an estimate, not a known status",
    )
    return ChartSpec(
        "legal",
        title,
        unit,
        Chart(
            "donut",
            tuple(status_name(s["status"], lang) for s in statuses),
            (Series(unit, tuple(float(s["units"]) for s in statuses)),),
        ),
        subtitle=subtitle,
    )


def operations_chart(data: dict[str, Any], lang: str) -> ChartSpec:
    """Units in each operation per year, stacked: the report's counting unit, each
    unit once a year per kind of operation however many events it had."""
    unit = unit_of(data, lang)
    operations = data.get("operations") or []
    years = sorted({o["year"] for o in operations if o.get("year") is not None})
    kinds = sorted({o["operation"] for o in operations})
    counts = {(o["year"], o["operation"]): o["units"] for o in operations}
    return ChartSpec(
        "operations",
        say(
            lang,
            "专利运营年度分布（转让、许可、质押等）",
            "Operations per year (transfers, licences, pledges …)",
        ),
        unit,
        Chart(
            "stacked",
            tuple(str(y) for y in years),
            tuple(
                Series(
                    operation_name(kind, lang),
                    tuple(float(counts.get((y, kind), 0)) for y in years),
                )
                for kind in kinds
            ),
            x_label=say(lang, "事件年", "Event year"),
            y_label=unit,
        ),
        subtitle=say(
            lang,
            f"按涉及的{measure_of(data, lang)}数计：同一{measure_of(data, lang)}"
            "一年内同类运营多次只计一次",
            "units involved: a unit counts once a year per kind of operation, "
            "however many events",
        ),
    )


def legal_charts(data: dict[str, Any], lang: str) -> list[ChartSpec]:
    """Units by legal status, and operations per year (when there are any)."""
    charts = [status_chart(data, lang)]
    if data.get("operations"):
        charts.append(operations_chart(data, lang))
    return charts


# -- the report section -----------------------------------------------------------------


def legal_section(
    b: Builder, lg: Any, found: Sequence[Finding], level: int = 2
) -> Section | None:
    """法律状态与运营: where the statuses come from and their coverage, the status mix
    (charted only when enough units have a known status), operations per year."""
    if not isinstance(lg, LegalStatusSummary):
        return None
    s = Section(b.t("sec.legal"), level, key="legal")
    s.add(*pick(found, "legal.", "data.unknown_status"))
    if lg.total:
        s.add(Paragraph(legal_basis(b, lg), "note"))
    specs = specs_of(legal_charts, lg, b.lang)
    if lg.statuses and status_conclusive(lg.known, lg.total):
        s.add(*figures_of(b, specs, "legal"))
    if lg.statuses:
        s.add(
            b.table(
                b.say("法律状态", "Legal status"),
                [
                    b.t("col.status"),
                    b.count_header,
                    b.say("占全部", "Share of all"),
                    b.say("占已知状态", "Share of known"),
                ],
                [
                    [
                        L.status_label(x.status, b.lang),
                        L.num(x.units),
                        L.pct(x.share_of_all),
                        L.pct(x.share),
                    ]
                    for x in lg.statuses
                ],
                sort=b.say(
                    "由有效到终止，无已知状态的在后", "most alive first, not known last"
                ),
                align="lrrr",
                key="legal.table",
            )
        )
    if lg.operations:
        s.add(*figures_of(b, specs, "operations"))
    return s


def legal_basis(b: Builder, lg: LegalStatusSummary) -> str:
    """Where the known statuses come from, the coverage, and what is only estimated."""
    coverage = L.pct(lg.coverage)
    if lg.known:
        basis = b.say(
            f"法律状态依据：{evidence_text(lg, b.count_by, b.lang)}；"
            f"覆盖率 {coverage}（已知 {b.qty(lg.known)}，共 {b.qty(lg.total)}）。",
            f"Legal status from {evidence_text(lg, b.count_by, b.lang)}; coverage "
            f"{coverage} ({b.qty(lg.known)} known of {b.qty(lg.total)}).",
        )
    else:
        basis = b.say(
            f"来源数据没有法律状态字段或法律事件：法律状态覆盖率 {coverage}"
            f"（共 {b.qty(lg.total)} 均无已知状态）。",
            f"The sources give no legal status field or legal events: coverage {coverage} "
            f"(none of {b.qty(lg.total)} has a known status).",
        )
    if lg.term_ended:
        basis += b.say(
            f"{'另有' if lg.known else '其中'} {b.qty(lg.term_ended)} 为已授权专利、"
            "按法定期限（自申请日起发明 20 年、实用新型 10 年等）推算已届满，"
            "列为“期限届满（推算）”：这是估计，"
            "未考虑期限补偿、延长或提前终止，不计入已知状态；"
            "未授权的申请不推算期限。",
            f" {'A further' if lg.known else 'Of them,'} {b.qty(lg.term_ended)} are "
            "granted rights whose statutory term (20 "
            "years from filing for inventions, 10 for utility models …) has ended by "
            "estimate, listed as term ended (estimated): an estimate that ignores "
            "adjustments, extensions and earlier lapses, not a known status; applications "
            "not granted get no term estimate.",
        )
    if not status_conclusive(lg.known, lg.total):
        basis += b.say(
            f"已知状态不足（需占 {STATUS_COVERAGE_MIN:.0%} 且不少于 {STATUS_KNOWN_MIN} 件），"
            "本节只列出数量，不作有效、失效或公有领域的判断。",
            f" Too few known statuses (at least {STATUS_COVERAGE_MIN:.0%} and "
            f"{STATUS_KNOWN_MIN} units are needed): this section lists counts only and "
            "draws no conclusion on what is in force, lapsed or free to use.",
        )
    return basis


PRESENTER = Presenter(
    "legal",
    section=legal_section,
    charts=legal_charts,
    rules=(
        landscape_rule("legal.lapse"),
        landscape_rule("legal.operations"),
        landscape_rule("data.unknown_status"),
    ),
    dashboard=True,
    order=70,
    keys=("legal", "operations"),
)
"""The legal status analysis's slice: section, rules, the dashboard's status mix and
operations."""
