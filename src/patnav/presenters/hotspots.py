"""The hot-spot analysis's presenter (技术热点与空白点): its report section and its rules
(white spaces, emerging terms), its charts. The dashboard draws none of them: a set's
dashboard does not run the text analysis."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from patnav.analyses.hotspots import HotSpots, term_label
from patnav.presenters.base import ChartSpec, Presenter, figures_of, say, specs_of
from patnav.presenters.trend import measure_of, unit_of
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
from patnav.reports.sections.common import TOP_CHART, pick


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


def hotspots_charts(data: dict[str, Any], lang: str) -> list[ChartSpec]:
    """The hot terms, the emerging terms and the technology–effect matrix."""
    specs = [terms_spec(data, lang), emerging_spec(data, lang), matrix_spec(data, lang)]
    return [spec for spec in specs if spec is not None]


def _labelled(
    terms: list[dict[str, Any]], lang: str
) -> list[tuple[dict[str, Any], str]]:
    """The terms that have a name in ``lang`` (an English term with no Chinese form has
    none in a Chinese report), with it."""
    out = []
    for t in terms:
        label = term_label(t["term"], t.get("zh"), t.get("en"), lang)
        if label is not None:
            out.append((t, label))
    return out


def _mentions(data: dict[str, Any], lang: str) -> str:
    unit = unit_of(data, lang)
    return say(lang, f"提及数（{unit}）", "Units mentioning")


def terms_spec(data: dict[str, Any], lang: str) -> ChartSpec | None:
    """The hot terms that have a name in ``lang`` (None: none has)."""
    shown = _labelled(data.get("terms") or [], lang)[:TOP_CHART]
    if not shown:
        return None
    analysed, total = data["analysed_units"], data["total_units"]
    measure = measure_of(data, lang)
    chart = Chart(
        "barh",
        tuple(label for _, label in shown),
        (Series(_mentions(data, lang), tuple(float(t["units"]) for t, _ in shown)),),
        x_label=_mentions(data, lang),
    )
    return ChartSpec(
        "hotspots.terms",
        say(lang, "技术热点词", "Hot terms"),
        unit_of(data, lang),
        chart,
        subtitle=say(
            lang, f"样本 {analysed:,} {measure}", f"sample of {analysed:,} {measure}"
        )
        if analysed < total
        else "",
    )


def emerging_spec(data: dict[str, Any], lang: str) -> ChartSpec | None:
    """The emerging terms: their units in the recent and the previous window (None:
    none, or no windows)."""
    rising = _labelled(data.get("emerging") or [], lang)[:10]
    recent, previous = data.get("recent_window"), data.get("previous_window")
    if not rising or not recent:
        return None
    chart = Chart(
        "barh",
        tuple(label for _, label in rising),
        (
            Series(L.span(tuple(recent)), tuple(float(t["recent"]) for t, _ in rising)),
            Series(
                L.span(tuple(previous) if previous else None),
                tuple(float(t["previous"]) for t, _ in rising),
            ),
        ),
        x_label=_mentions(data, lang),
    )
    return ChartSpec(
        "hotspots.emerging",
        say(
            lang,
            "新兴技术词（近三年与前三年）",
            "Emerging terms (recent against previous window)",
        ),
        unit_of(data, lang),
        chart,
    )


def matrix_spec(data: dict[str, Any], lang: str) -> ChartSpec | None:
    """The technology–effect matrix: main IPC groups against the effects stated (None:
    no group or no effect)."""
    m = data.get("matrix") or {}
    if not (m.get("rows") and m.get("columns")):
        return None
    chart = Chart(
        "heatmap",
        tuple(L.effect_label(str(c), lang) for c in m["columns"]),
        (),
        rows=tuple(
            f"{r} {L.short_title(lbl, 16)}" if lbl != r else str(r)
            for r, lbl in zip(m["rows"], m["row_labels"], strict=True)
        ),
        matrix=tuple(tuple(float(v or 0) for v in row) for row in m["values"]),
        x_label=L.t("col.effect", lang),
    )
    return ChartSpec(
        "hotspots.matrix",
        say(lang, "技术功效矩阵", "Technology–effect matrix"),
        unit_of(data, lang),
        chart,
        subtitle=say(
            lang,
            "行：主分类号大组；列：摘要所述功效",
            "rows: main IPC groups; columns: effects the abstracts state",
        ),
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
    specs = specs_of(hotspots_charts, hs, b.lang)
    s.add(
        *figures_of(b, specs, "hotspots.terms", "hotspots.emerging", "hotspots.matrix")
    )
    if hs.white_spaces:
        s.add(_white_table(b, hs))
    if hs.topics:
        s.add(_topics_table(b, hs))
    return s


PRESENTER = Presenter(
    "hotspots",
    section=hotspots_section,
    charts=hotspots_charts,
    rules=(
        landscape_rule("hotspots.white_space"),
        landscape_rule("hotspots.emerging"),
    ),
    order=90,
)
"""The hot-spot analysis's slice: section, rules and charts (not on the dashboard)."""
