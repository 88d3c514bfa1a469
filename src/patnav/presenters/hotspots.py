"""The hot-spot analysis's presenter (技术热点与空白点): its report section and its rules
(white spaces, emerging terms). It draws no dashboard chart: a set's dashboard does not run
the text analysis."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from patnav.analyses.hotspots import HotSpots
from patnav.presenters.base import Presenter
from patnav.reports import labels as L
from patnav.reports.conclusions import landscape_rule
from patnav.reports.context import Builder
from patnav.reports.model import (
    Chart,
    Figure,
    Finding,
    Paragraph,
    Section,
    Series,
    Table,
)
from patnav.reports.sections.common import TOP_CHART, num, pick


def _method(b: Builder, hs: HotSpots) -> Paragraph:
    """How the terms were found: segmentation, what was left out, the sample."""
    sampled = hs.analysed_units < hs.total_units
    return Paragraph(
        b.say(
            "对标题与摘要进行分词（技术词典）与功效短语抽取，"
            + (
                f"从 {b.qty(hs.total_units)}中均匀抽取 {b.qty(hs.analysed_units)}分析。"
                if sampled
                else f"分析全部 {b.qty(hs.analysed_units)}。"
            )
            + "专利撰写套语（所述、其特征在于、附图、装置、方法等，中英文停用词表）不计为"
            f"技术词；在全部或某一数据来源 {hs.max_share:.0%} 以上文献中出现的词视为该语料"
            "的主题或模板用语，亦不计入"
            + (f"（{len(hs.common)} 个）" if hs.common else "")
            + "。外文术语按双语词表译为中文，括注原文"
            + (
                f"；另有 {hs.untranslated} 个外文高频词无中文对照，未列入图表"
                if hs.untranslated
                else ""
            )
            + "。",
            "Titles and abstracts segmented with the technical vocabularies, effect phrases "
            "extracted; patent-drafting words (stoplists in both languages) and terms in "
            f"more than {hs.max_share:.0%} of the units of the scope or of one source are "
            "not counted as terms; "
            + (
                f"{L.num(hs.analysed_units)} of {L.num(hs.total_units)} units read, evenly "
                "sampled."
                if sampled
                else f"all {L.num(hs.analysed_units)} units read."
            ),
        ),
        "note",
    )


def _terms_figure(b: Builder, hs: HotSpots, unit: str) -> Figure | None:
    """The hot terms that have a label in the report's language."""
    shown = [(t, label) for t in hs.terms if (label := t.label(b.lang)) is not None][
        :TOP_CHART
    ]
    if not shown:
        return None
    sampled = hs.analysed_units < hs.total_units
    return b.figure(
        b.say("技术热点词", "Hot terms"),
        Chart(
            "barh",
            tuple(label for _, label in shown),
            (Series(unit, tuple(num(t.units) for t, _ in shown)),),
            x_label=unit,
        ),
        extra=b.say(
            f"样本 {b.qty(hs.analysed_units)}",
            f"sample of {b.qty(hs.analysed_units)}",
        )
        if sampled
        else "",
        key="hotspots.terms",
    )


def _emerging_figure(b: Builder, hs: HotSpots, unit: str) -> Figure | None:
    """The emerging terms: their units in the recent and the previous window."""
    rising = [
        (t, label) for t in hs.emerging if (label := t.label(b.lang)) is not None
    ][:10]
    if not rising or not hs.recent_window:
        return None
    top = [t for t, _ in rising]
    return b.figure(
        b.say(
            "新兴技术词（近三年与前三年）",
            "Emerging terms (recent against previous window)",
        ),
        Chart(
            "barh",
            tuple(label for _, label in rising),
            (
                Series(L.span(hs.recent_window), tuple(num(t.recent) for t in top)),
                Series(
                    L.span(hs.previous_window),
                    tuple(num(t.previous) for t in top),
                ),
            ),
            x_label=unit,
        ),
        key="hotspots.emerging",
    )


def _matrix_figure(b: Builder, hs: HotSpots) -> Figure | None:
    """The technology–effect matrix: main IPC groups against the effects stated."""
    m = hs.matrix
    if not (m.rows and m.columns):
        return None
    return b.figure(
        b.say("技术功效矩阵", "Technology–effect matrix"),
        Chart(
            "heatmap",
            tuple(L.effect_label(c, b.lang) for c in m.columns),
            (),
            rows=tuple(
                f"{r} {L.short_title(lbl, 16)}" if lbl != r else r
                for r, lbl in zip(m.rows, m.row_labels, strict=True)
            ),
            matrix=tuple(tuple(num(v) for v in row) for row in m.values),
            x_label=b.t("col.effect"),
        ),
        extra=b.say(
            "行：主分类号大组；列：摘要所述功效",
            "rows: main IPC groups; columns: effects the abstracts state",
        ),
        key="hotspots.matrix",
    )


def _white_table(b: Builder, hs: HotSpots) -> Table:
    return b.table(
        b.say("技术空白点", "White spaces"),
        [
            b.t("col.means"),
            b.t("col.effect"),
            b.t("col.observed"),
            b.t("col.expected"),
        ],
        [
            [
                f"{w.means} {L.short_title(w.means_label, 30)}",
                L.effect_label(w.effect, b.lang),
                L.num(w.observed),
                L.dec(w.expected, 1),
            ]
            for w in hs.white_spaces[:10]
        ],
        sort=b.say("期望与实际之差降序", "shortfall against expected, descending"),
        align="llrr",
        key="hotspots.white",
    )


def _topics_table(b: Builder, hs: HotSpots) -> Table:
    return b.table(
        b.say("技术主题（共现词群）", "Topics (co-occurring terms)"),
        [b.t("col.topic"), b.t("col.terms"), b.count_header],
        [
            [
                str(t.id),
                ("、" if b.lang != "en" else ", ").join(
                    (t.labels_en if b.lang == "en" else t.labels_zh)[:8]
                ),
                L.num(t.units),
            ]
            for t in hs.topics
            if (t.labels_en if b.lang == "en" else t.labels_zh)
        ],
        sort=b.say("词频合计降序", "term frequency, descending"),
        align="rlr",
        key="hotspots.topics",
    )


def hotspots_section(
    b: Builder, hs: Any, found: Sequence[Finding], level: int = 2
) -> Section | None:
    """技术热点与空白点: terms, emerging terms, technology–effect matrix, white spaces."""
    if not isinstance(hs, HotSpots):
        return None
    s = Section(b.t("sec.hotspots"), level, key="hotspots")
    s.add(_method(b, hs))
    s.add(*pick(found, "hotspots."))
    unit = b.say("提及数（件）", "Units mentioning")
    s.add(_terms_figure(b, hs, unit), _emerging_figure(b, hs, unit))
    s.add(_matrix_figure(b, hs))
    if hs.white_spaces:
        s.add(_white_table(b, hs))
    if hs.topics:
        s.add(_topics_table(b, hs))
    return s


PRESENTER = Presenter(
    "hotspots",
    section=hotspots_section,
    rules=(
        landscape_rule("hotspots.white_space"),
        landscape_rule("hotspots.emerging"),
    ),
    order=90,
)
"""The hot-spot analysis's slice: section and rules (not on the dashboard)."""
