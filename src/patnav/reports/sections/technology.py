"""Technology sections: IPC composition, legal status, core patents, hot spots."""

from __future__ import annotations

from collections.abc import Sequence

from patnav.analyses.citations import CitationAnalysis
from patnav.analyses.hotspots import HotSpots
from patnav.analyses.legal import LegalStatusSummary
from patnav.analyses.technology import TechnologyComposition
from patnav.analyses.trend import FilingTrend
from patnav.reports import labels as L
from patnav.reports.conclusions.legal import evidence_text
from patnav.reports.conclusions.thresholds import (
    STATUS_COVERAGE_MIN,
    STATUS_KNOWN_MIN,
    status_conclusive,
)
from patnav.reports.context import Builder
from patnav.reports.model import Chart, Finding, Paragraph, Section, Series
from patnav.reports.sections.common import (
    TOP_CHART,
    num,
    pick,
    unit_bars,
)


def _code_label(b: Builder, code: str, zh: str | None, en: str | None) -> str:
    title = L.short_title(en if b.lang == "en" else zh, 20)
    return f"{code} {title}" if title else code


def technology_section(
    b: Builder,
    te: TechnologyComposition,
    found: Sequence[Finding],
    tr: FilingTrend | None = None,
    *,
    level: int = 2,
) -> Section:
    """技术构成: IPC subclasses and groups, matrices against years and applicants, SEI."""
    s = Section(b.t("sec.technology"), level, key="technology")
    s.add(*pick(found, "technology."))
    subclasses = te.levels.get("subclass", ())
    if subclasses:
        s.add(
            b.figure(
                b.say("主要技术领域（IPC 小类）", "Main technologies (IPC subclasses)"),
                Chart(
                    "barh",
                    tuple(
                        _code_label(b, c.code, c.title_zh, c.title_en)
                        for c in subclasses[:TOP_CHART]
                    ),
                    (
                        Series(
                            b.count_header,
                            tuple(num(c.units) for c in subclasses[:TOP_CHART]),
                        ),
                    ),
                    x_label=b.count_header,
                ),
                extra=b.say("按主分类号计", "by main IPC"),
                key="technology.subclasses",
            )
        )
        s.add(
            b.table(
                b.say("主要技术领域（IPC 小类）", "Main IPC subclasses"),
                [b.t("col.code"), b.t("col.title"), b.count_header, b.t("col.share")],
                [
                    [
                        c.code,
                        L.short_title(c.title_en if b.lang == "en" else c.title_zh, 40)
                        or "-",
                        L.num(c.units),
                        L.pct(c.share),
                    ]
                    for c in subclasses
                ],
                sort=b.say(
                    "数量降序；占比为占已分类数量",
                    "units, descending; share of classified units",
                ),
                align="clrr",
                key="technology.table",
            )
        )
    groups = te.levels.get("main_group", ())
    if groups:
        s.add(
            b.table(
                b.say("主要技术分支（IPC 大组）", "Main IPC main groups"),
                [b.t("col.code"), b.t("col.title"), b.count_header, b.t("col.share")],
                [
                    [
                        c.code,
                        L.short_title(c.title_en if b.lang == "en" else c.title_zh, 40)
                        or "-",
                        L.num(c.units),
                        L.pct(c.share),
                    ]
                    for c in groups[:10]
                ],
                sort=b.say("数量降序", "units, descending"),
                align="clrr",
                key="technology.groups",
            )
        )
    m = te.by_year
    if m.rows and m.columns:
        keep = [j for j, c in enumerate(m.columns) if c.isdigit()][-15:]
        s.add(
            b.figure(
                b.say("技术领域年度分布", "Technologies per filing year"),
                Chart(
                    "heatmap",
                    tuple(m.column_labels[j] for j in keep),
                    (),
                    rows=tuple(f"{r}" for r in m.rows[:12]),
                    matrix=tuple(
                        tuple(num(row[j]) for j in keep) for row in m.values[:12]
                    ),
                    x_label=b.t("axis.year"),
                ),
                years=True,
                key="technology.years",
            )
        )
    m = te.by_applicant
    if m.rows and len(m.columns) > 1:
        cols = list(range(min(10, len(m.columns))))
        s.add(
            b.figure(
                b.say("主要申请人技术布局", "Technologies of the top applicants"),
                Chart(
                    "heatmap",
                    tuple(m.column_labels[j] for j in cols),
                    (),
                    rows=tuple(m.rows[:12]),
                    matrix=tuple(
                        tuple(num(row[j]) for j in cols) for row in m.values[:12]
                    ),
                ),
                key="technology.applicants",
            )
        )
    if te.industries:
        top = te.industries[:10]
        s.add(
            b.figure(
                b.say("战略性新兴产业分布", "Strategic emerging industries"),
                unit_bars(
                    b.count_header,
                    (_code_label(b, c.code, c.title_zh, c.title_en) for c in top),
                    (c.units for c in top),
                ),
                extra=b.say(
                    "战略性新兴产业分类与国际专利分类参照关系表（2021）",
                    "SEI–IPC concordance 2021",
                ),
                key="technology.sei",
            )
        )
    return s


def legal_section(
    b: Builder, lg: LegalStatusSummary, found: Sequence[Finding], *, level: int = 2
) -> Section:
    """法律状态与运营: where the statuses come from and their coverage, the status mix
    (charted only when enough units have a known status), operations per year."""
    s = Section(b.t("sec.legal"), level, key="legal")
    s.add(*pick(found, "legal.", "data.unknown_status"))
    if lg.total:
        s.add(Paragraph(_legal_basis(b, lg), "note"))
    if lg.statuses and status_conclusive(lg.known, lg.total):
        s.add(
            b.figure(
                b.say("法律状态构成", "Legal status"),
                Chart(
                    "donut",
                    tuple(L.status_label(x.status, b.lang) for x in lg.statuses),
                    (Series(b.count_header, tuple(num(x.units) for x in lg.statuses)),),
                ),
                extra=b.say(
                    "一件以其最有效的状态计；“期限届满（推算）”为估计，不计入已知状态",
                    "a unit counts by its most alive status; term ended (estimated) is "
                    "an estimate, not a known status",
                ),
                key="legal.status",
            )
        )
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
        years = sorted({o.year for o in lg.operations})
        ops = sorted({o.operation for o in lg.operations})
        cell = {(o.year, o.operation): o.events for o in lg.operations}
        s.add(
            b.figure(
                b.say("专利运营事件年度分布", "Operations per year"),
                Chart(
                    "stacked",
                    tuple(str(y) for y in years),
                    tuple(
                        Series(
                            L.operation_label(op, b.lang),
                            tuple(num(cell.get((y, op), 0)) for y in years),
                        )
                        for op in ops
                    ),
                    x_label=b.say("事件年", "Event year"),
                    y_label=b.say("事件（次）", "Events"),
                ),
                unit=b.say("次", "events"),
                key="legal.operations",
            )
        )
    return s


def _legal_basis(b: Builder, lg: LegalStatusSummary) -> str:
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


def citations_section(
    b: Builder, ci: CitationAnalysis, found: Sequence[Finding], *, level: int = 2
) -> Section:
    """核心专利: the core patents by the stated score."""
    s = Section(b.t("sec.citations"), level, key="citations")
    s.add(*pick(found, "citations."))
    core = [u for u in ci.core if u.cited_by_source or u.cited_in_store][:10]
    if not core:
        s.add(
            Paragraph(
                b.say(
                    f"数据中没有引证信息（{L.num(ci.with_citations)} 件有引证记录），"
                    "未评选核心专利。"
                    ""
                    "",
                    f"The data hold no citations ({L.num(ci.with_citations)} units cite "
                    "anything); no "
                    "core patents are named.",
                ),
                "note",
            )
        )
        return s
    s.add(
        b.table(
            b.say("核心专利", "Core patents"),
            [
                b.t("col.patent"),
                b.t("col.title"),
                b.t("col.applicant"),
                b.t("col.year"),
                b.t("col.cited_source"),
                b.t("col.cited_store"),
                b.t("col.score"),
            ],
            [
                [
                    u.doc_id,
                    u.title or "-",
                    u.applicant or "-",
                    str(u.filing_year or "-"),
                    L.num(u.cited_by_source),
                    L.num(u.cited_in_store),
                    L.dec(u.score, 1),
                ]
                for u in core
            ],
            sort=b.say("核心度得分降序", "core score, descending"),
            align="cllrrrr",
            key="citations.table",
        )
    )
    s.add(
        Paragraph(
            b.say(
                ci.score_rule_zh,
                "Core score: " + ci.score_rule,
            ),
            "note",
        )
    )
    return s


def hotspots_section(
    b: Builder, hs: HotSpots, found: Sequence[Finding], *, level: int = 2
) -> Section:
    """技术热点与空白点: terms, emerging terms, technology–effect matrix, white spaces."""
    s = Section(b.t("sec.hotspots"), level, key="hotspots")
    sampled = hs.analysed_units < hs.total_units
    s.add(
        Paragraph(
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
    )
    s.add(*pick(found, "hotspots."))
    unit = b.say("提及数（件）", "Units mentioning")
    shown = [(t, label) for t in hs.terms if (label := t.label(b.lang)) is not None][
        :TOP_CHART
    ]
    if shown:
        top = [t for t, _ in shown]
        s.add(
            b.figure(
                b.say("技术热点词", "Hot terms"),
                Chart(
                    "barh",
                    tuple(label for _, label in shown),
                    (Series(unit, tuple(num(t.units) for t in top)),),
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
        )
    rising = [
        (t, label) for t in hs.emerging if (label := t.label(b.lang)) is not None
    ][:10]
    if rising and hs.recent_window:
        top = [t for t, _ in rising]
        s.add(
            b.figure(
                b.say(
                    "新兴技术词（近三年与前三年）",
                    "Emerging terms (recent against previous window)",
                ),
                Chart(
                    "barh",
                    tuple(label for _, label in rising),
                    (
                        Series(
                            L.span(hs.recent_window), tuple(num(t.recent) for t in top)
                        ),
                        Series(
                            L.span(hs.previous_window),
                            tuple(num(t.previous) for t in top),
                        ),
                    ),
                    x_label=unit,
                ),
                key="hotspots.emerging",
            )
        )
    m = hs.matrix
    if m.rows and m.columns:
        s.add(
            b.figure(
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
        )
    if hs.white_spaces:
        s.add(
            b.table(
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
                sort=b.say(
                    "期望与实际之差降序", "shortfall against expected, descending"
                ),
                align="llrr",
                key="hotspots.white",
            )
        )
    if hs.topics:
        s.add(
            b.table(
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
        )
    return s
