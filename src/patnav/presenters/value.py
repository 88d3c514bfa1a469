"""The value slice's presenter: the set dashboard's value distribution chart, and the
专利价值评估 section of enterprise and region reports (grades, top patents, what was
missing) — or, when the store holds no scores, a sentence saying so."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from patnav.analyses.value import ValueDistribution, value_distribution
from patnav.presenters.base import ChartSpec, Presenter, empty_spec, figure_of, say
from patnav.reports.context import Builder
from patnav.reports.model import Chart, Finding, Paragraph, Section, Series

TOP_MISSING = 5
"""Indicators the section names as most often missing."""


def value_charts(data: dict[str, Any], lang: str) -> list[ChartSpec]:
    """Documents per value grade (A–E), with the unscored ones apart."""
    unit = say(lang, "件", "documents")
    title = say(lang, "专利价值等级分布", "Patents by value grade")
    scored = int(data.get("scored") or 0)
    if not scored:
        spec = empty_spec("value", title, unit, lang, kind="bar")
        return [
            ChartSpec(
                spec.key,
                spec.title,
                spec.unit,
                spec.chart,
                empty=say(
                    lang,
                    "库中尚无价值评分，完成价值评分计算后显示。",
                    "No value scores in the store yet: run patnav value score.",
                ),
            )
        ]
    grades = [(str(g), int(n)) for g, n in data.get("grades") or []]
    unscored = int(data.get("documents") or 0) - scored
    categories = [*(g for g, _ in grades), say(lang, "未评分", "unscored")]
    values = [*(float(n) for _, n in grades), float(unscored)]
    use = str(data.get("use_label") or data.get("use") or "")
    return [
        ChartSpec(
            "value",
            title,
            unit,
            Chart("bar", tuple(categories), (Series(unit, tuple(values)),)),
            subtitle=say(
                lang,
                f"{use}用途；等级按模型分界；未评分：无任何指标数据或未计算",
                f"{data.get('use')} use; grades by the model's cut points; unscored: "
                "no indicator known, or not computed",
            ),
            tooltips=tuple(
                f"{c}: {int(v):,}" for c, v in zip(categories, values, strict=True)
            ),
            unknown=categories[-1],
        )
    ]


def value_section(
    b: Builder, result: ValueDistribution, found: Sequence[Finding], level: int
) -> Section | None:
    """专利价值评估: grades and histogram, top patents, the inputs most often missing."""
    s = Section(b.say("专利价值评估", "Patent value"), level, key="value")
    if not result.scored:
        s.add(
            Paragraph(
                b.say(
                    f"本报告范围内的 {result.documents:,} 件文献尚未评分（库中没有"
                    f"“{result.use_label}”用途的价值评分，完成价值评分计算后可生成本节）。"
                    "未评分不代表价值为零。",
                    f"The {result.documents:,} documents in scope are not scored (the "
                    f"store holds no value scores for the {result.use} use; run "
                    "patnav value score). Unscored does not mean worthless.",
                )
            )
        )
        return s
    grades = dict(result.grades)
    share_ab = (grades.get("A", 0) + grades.get("B", 0)) / result.scored
    s.add(
        Paragraph(
            b.say(
                f"按 GB/T 42748 指标体系（法律、技术、经济三个维度）对范围内 "
                f"{result.documents:,} 件文献评分（{result.use_label}用途，模型 "
                f"{result.model}）：已评分 {result.scored:,} 件，未评分 "
                f"{result.unscored:,} 件；平均分 {result.mean_score:.1f}，中位数 "
                f"{result.median_score:.1f}，A、B 级合计占 {share_ab:.1%}。"
                f"平均数据覆盖率 {result.mean_coverage:.0%}：分数只在已知指标上计算，"
                "缺失的指标不计为零。",
                f"Scored on the GB/T 42748 indicator tree (legal, technical, economic) for "
                f"the {result.use} use (model {result.model}): {result.scored:,} of "
                f"{result.documents:,} documents scored; mean {result.mean_score:.1f}, "
                f"median {result.median_score:.1f}; grades A and B {share_ab:.1%}. Mean "
                f"coverage {result.mean_coverage:.0%}: scores use the known indicators "
                "only; a missing one never counts as zero.",
            )
        )
    )
    for spec in value_charts(result.to_dict(), b.lang):
        s.add(figure_of(b, spec))
    rows = [
        [p.pub_number, p.title[:40], f"{p.score:.1f}", p.grade, f"{p.coverage:.0%}"]
        for p in result.top
    ]
    s.add(
        b.table(
            b.say("价值评分最高的专利", "Top patents by value score"),
            [
                b.say("公开号", "Publication"),
                b.say("名称", "Title"),
                b.say("价值分", "Score"),
                b.say("等级", "Grade"),
                b.say("覆盖率", "Coverage"),
            ],
            rows,
            sort=b.say("价值分降序", "score, descending"),
            top=len(rows),
            total=result.scored,
            align="llrlr",
            key="value.top",
        )
    )
    if result.missing:
        gaps = "、".join(
            f"{m.label_zh}（{m.documents:,} 件）" for m in result.missing[:TOP_MISSING]
        )
        s.add(
            Paragraph(
                b.say(
                    f"数据缺失最多的指标：{gaps}。补充这些数据（如法律事件、权利要求全文、"
                    "企业登记信息）可提高评分的覆盖率。",
                    "Indicators most often missing: "
                    + ", ".join(
                        f"{m.name} ({m.documents:,})"
                        for m in result.missing[:TOP_MISSING]
                    )
                    + ". Adding those data raises the coverage.",
                )
            )
        )
    return s


def run(b: Builder) -> ValueDistribution:
    """The value distribution of the report's scope (documents)."""
    return value_distribution(b.engine, b.base_scope())


PRESENTER = Presenter(
    "value",
    section=value_section,
    charts=value_charts,
    run=run,
    reports=("region",),
    dashboard=True,
    order=96,
    keys=("value",),
)
"""The value slice: the dashboard's grade chart; a section in region reports (the
enterprise outline places it in its portfolio chapter itself)."""
