"""The data and method section: sources, cut-off, search strategy per node, counting unit,
incomplete years, comparators, and the thresholds of every rule.

GB/T 39551 asks every navigation report to state its data and method; this section is
built from the store's provenance (which file each document came from) and from the
results themselves, never typed by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from patnav.analyses.base import Scope
from patnav.analyses.hotspots import WHITE_SPACE_MAX_RATIO, WHITE_SPACE_MIN_EXPECTED
from patnav.analyses.spec import node_query
from patnav.analyses.strategy_quality import load_quality
from patnav.analyses.trend import GROWING, SHRINKING
from patnav.reports import labels as L
from patnav.reports.conclusions import all_rules
from patnav.reports.context import Builder, Source
from patnav.reports.model import Paragraph, Section
from patnav.reports.scope import scope_facts
from patnav.storage.store import PatentStore


def scope_sources(store: PatentStore, scope: Scope) -> list[Source]:
    """The files the scope's documents were imported from, largest first."""
    where, params = scope.clause("pr.doc_id")
    used = {k: v for k, v in params.items() if f"${k}" in where}
    table = store.query(
        f"""
        SELECT pr.file, min(pr.format) AS format, count(DISTINCT pr.doc_id) AS documents,
               max(i.finished_at) AS imported
        FROM provenance pr LEFT JOIN imports i ON i.import_id = pr.import_id
        WHERE {where}
        GROUP BY pr.file ORDER BY documents DESC, pr.file
        """,
        used or None,
    )
    out = []
    for row in table.to_pylist():
        imported = row["imported"]
        out.append(
            Source(
                file=_short_path(str(row["file"])),
                format=str(row["format"] or ""),
                documents=int(row["documents"]),
                imported=imported.date() if isinstance(imported, datetime) else None,
            )
        )
    return out


def _short_path(path: str) -> str:
    """The file's name and its folder: never a machine's whole path in a report."""
    parts = [p for p in path.replace("\\", "/").split("/") if p]
    return "/".join(parts[-2:]) if parts else path


def _fmt_date(value: date | None) -> str:
    return value.isoformat() if value else "-"


def data_section(b: Builder, *, level: int = 1) -> Section:
    """数据与方法."""
    s = Section(b.t("sec.data"), level, key="data")
    _sources_part(b, s)
    _scope_part(b, s)
    if b.spec.nodes:
        _nodes_part(b, s)
        _quality_part(b, s)
    _method_part(b, s)
    return s


def _sources_part(b: Builder, s: Section) -> None:
    """数据来源: the files the scope's documents came from."""
    r = b.results
    sources = s.sub(b.t("sec.data.sources"), "data.sources")
    if r.sources:
        sources.add(
            b.table(
                b.say("数据来源", "Sources"),
                [
                    b.t("col.file"),
                    b.t("col.format"),
                    b.t("col.documents"),
                    b.t("col.imported"),
                ],
                [
                    [x.file, x.format, L.num(x.documents), _fmt_date(x.imported)]
                    for x in r.sources
                ],
                sort=b.say(
                    "文献数降序；仅计入本报告范围内的文献",
                    "documents in the report's scope, descending",
                ),
                source=False,
                align="llrl",
                key="data.sources.table",
            )
        )
    else:
        sources.add(
            Paragraph(
                b.say(
                    "库中没有本范围文献的来源记录。",
                    "The store records no source for these documents.",
                ),
                "note",
            )
        )


def _scope_part(b: Builder, s: Section) -> None:
    """检索范围与计数规则: the spec, scope, period, unit, cut-off, comparators."""
    r = b.results
    spec = b.spec
    scope = s.sub(b.t("sec.data.scope"), "data.scope")
    tr = r.trend or r.portfolio.get("trend")
    unit = spec.count_by
    unit_rule = {
        "family": b.say(
            "同族专利计为一族（无同族号时按申请号）",
            "documents of one family count once (no family id: one application)",
        ),
        "application": b.say(
            "同一申请的公开与授权文本计为一件",
            "the publications of one application count once",
        ),
        "document": b.say("每篇公开文本各计一次", "every publication counts"),
    }[unit]
    period = spec.period
    by_zh = {
        "application_date": "申请日",
        "priority_date": "优先权日",
        "publication_date": "公开日",
    }
    span_text = f"{period.start or '…'}–{period.end or '…'}"
    if not (period.start or period.end):
        period_text = b.say("不限", "all years")
    elif b.lang == "en":
        period_text = f"{span_text} (by {period.by.replace('_', ' ')})"
    else:
        period_text = f"{span_text}（{by_zh[period.by]}）"
    compare = {
        "national": b.t("col.national"),
        "global": b.t("col.world"),
    }
    items: list[tuple[str, str]] = [
        (
            b.t("meta.spec"),
            f"{spec.title}（{spec.source.rsplit('/', 1)[-1]}）"
            if b.lang != "en"
            else f"{spec.title} ({spec.source.rsplit('/', 1)[-1]})",
        ),
        *scope_facts(b, full_query=True),
        (b.t("meta.period"), period_text),
        (
            b.t("meta.unit"),
            f"{L.unit_noun(unit, b.lang)}：{unit_rule}"
            if b.lang != "en"
            else f"{L.unit_noun(unit, b.lang)}: {unit_rule}",
        ),
        (
            b.t("meta.cutoff"),
            _cutoff_text(b),
        ),
        (
            b.say("不完整年份", "Incomplete years"),
            b.say(
                f"{r.incomplete_from} 年及以后（截止日前 18 个月内的申请尚未全部公开）",
                f"{r.incomplete_from} onwards (applications publish about 18 months after filing)",
            )
            if r.incomplete_from
            else "-",
        ),
        (
            b.say("对比基准", "Comparators"),
            ("、" if b.lang != "en" else ", ").join(
                compare.get(c, c) for c in spec.compare
            ),
        ),
    ]
    if spec.region is not None:
        items.insert(1, (b.t("meta.region"), r.region_label))
    if spec.entities:
        items.insert(
            1,
            (
                b.t("meta.entities"),
                ("、" if b.lang != "en" else "; ").join(spec.entities),
            ),
        )
    if tr is not None:
        recent, previous = _windows(tr.incomplete_from)
        items.append(
            (
                b.say("近三年/前三年", "Recent / previous window"),
                f"{L.span(recent)} / {L.span(previous)}",
            )
        )
    scope.add(
        b.table(
            b.say("检索范围与计数规则", "Scope and counting rules"),
            [b.t("col.item"), b.t("col.value")],
            [[k, v] for k, v in items],
            source=False,
            align="ll",
            key="data.scope.table",
        )
    )


def _nodes_part(b: Builder, s: Section) -> None:
    """技术分解表: every node's search strategy and count."""
    r = b.results
    spec = b.spec
    nodes = s.sub(b.t("sec.data.nodes"), "data.nodes")
    counts = {n.path: n.units for n in r.nodes}
    chain = {tuple(n.path): n for n in r.chain.nodes} if r.chain else {}
    header = [b.t("col.node"), b.t("col.query"), b.count_header]
    rows = []
    for node in spec.walk():
        query = node.query or b.say(
            f"（下级环节之并）{node_query(node) or ''}",
            f"(union of its children) {node_query(node) or ''}",
        )
        units = chain[node.path].world if node.path in chain else counts.get(node.path)
        rows.append(["　" * node.depth + node.name, query, L.num(units)])
    nodes.add(
        b.table(
            b.say(
                "技术分解表与各环节检索式",
                "Technology breakdown and the search strategy of every node",
            ),
            header,
            rows,
            sort=b.say(
                "按技术分解表顺序；数量为分析范围内命中数",
                "in the order of the tree; units within the report's scope",
            ),
            source=False,
            align="clr",
            key="data.nodes.table",
        )
    )


def _quality_part(b: Builder, s: Section) -> None:
    """检索策略与查全查准: every node's stored precision and recall (the spec's quality block,
    ``patnav spec judge``), with sample size, interval and date; 未评估 where not measured."""
    quality = load_quality(b.spec)
    part = s.sub(
        b.say("检索策略与查全查准", "Search strategy: precision and recall"),
        "data.quality",
    )
    part.add(
        Paragraph(
            b.say(
                "查准率：从该环节命中文献中简单随机抽样，由分析人员逐篇判断是否相关，查准率 = "
                "相关篇数 / 已判断篇数；查全率：以已核实相关的文献集合（如重点申请人的已知专利、"
                "已标引样本）为基准，查全率 = 该环节检出篇数 / 库中已知相关篇数。区间为威尔逊得分"
                "置信区间（查准率按命中总数作有限总体校正）；未评估的环节如实标注，检索式修改后的旧结果不再采用。",
                "Precision: a simple random sample of the node's hits, each judged relevant or "
                "not by an analyst; precision = relevant / judged. Recall: on a verified-"
                "relevant set (a key applicant's known patents, a tagged sample); recall = "
                "found / known in the store. Intervals are Wilson score intervals (precision's "
                "corrected for the finite number of hits); nodes not "
                "measured say so, and a figure measured for an earlier query is not used.",
            ),
            "body",
        )
    )
    rows = []
    for node in quality.nodes:
        cells = ["　" * (len(node.path) - 1) + node.path[-1]]
        cells += _quality_cells(
            b, node.status("precision"), node.precision, "precision"
        )
        cells += _quality_cells(b, node.status("recall"), node.recall, "recall")
        rows.append(cells)
    part.add(
        b.table(
            b.say(
                "各环节检索式的查准率与查全率",
                "Precision and recall of every node's query",
            ),
            [
                b.t("col.node"),
                b.say("查准率（置信区间）", "Precision (interval)"),
                b.say("相关/判断", "Relevant / judged"),
                b.say("评估日期", "Judged on"),
                b.say("查全率（置信区间）", "Recall (interval)"),
                b.say("检出/已知", "Found / known"),
                b.say("评估日期", "Measured on"),
            ],
            rows,
            sort=b.say("按技术分解表顺序", "in the order of the tree"),
            source=False,
            align="llrllrl",
            key="data.quality.table",
        )
    )


def _quality_cells(
    b: Builder, status: str, record: Mapping[str, Any] | None, kind: str
) -> list[str]:
    """The three cells of one measure: value with interval, counts, date and judge."""
    if status == "stale":
        return [
            b.say("需重新评估（检索式已修改）", "stale (the query changed)"),
            "-",
            "-",
        ]
    if record is None or record.get("value") is None:
        return [b.say("未评估", "not measured"), "-", "-"]
    level = float(record.get("confidence", 0.95))
    value = (
        f"{record['value']:.1%}（{level:.0%} 区间 {record['low']:.1%}–{record['high']:.1%}）"
        if b.lang != "en"
        else f"{record['value']:.1%} ({level:.0%} interval {record['low']:.1%}–"
        f"{record['high']:.1%})"
    )
    if kind == "precision":
        counts = f"{record.get('relevant')}/{record.get('judged')}"
        day = record.get("judged_on")
    else:
        counts = f"{record.get('found')}/{record.get('in_store')}"
        day = record.get("measured_on")
    who = record.get("judge")
    return [
        value,
        counts,
        f"{day}（{who}）" if who and b.lang != "en" else str(day or "-"),
    ]


def _method_part(b: Builder, s: Section) -> None:
    """方法: the method text and every conclusion rule with its thresholds."""
    method = s.sub(b.t("sec.data.method"), "data.method")
    method.add(Paragraph(_method_text(b), "body"))
    method.add(
        b.table(
            b.say("结论规则与阈值", "Conclusion rules and thresholds"),
            [b.t("col.rule"), b.say("含义", "Meaning"), b.t("col.threshold")],
            [
                [rule.name, rule.meaning(b.lang), rule.thresholds(b.lang)]
                for rule in all_rules()
            ],
            sort=b.say("按结论列出顺序", "in the order findings are listed"),
            source=False,
            align="lll",
            key="data.rules.table",
        )
    )


def _cutoff_text(b: Builder) -> str:
    """The cut-off and what set it: the scope's latest date, or the earliest of its
    major sources' own latest dates."""
    r = b.results
    tr = r.trend or r.portfolio.get("trend")
    source = getattr(tr, "cutoff_source", None)
    if source:
        name = _short_path(source).rsplit("/", 1)[-1]
        return b.say(
            f"{_fmt_date(r.cutoff)}（范围内文献来自多个来源文件，占 25% 以上者各按其最晚"
            f"公开日或申请日截止，取最早者：{name}）",
            f"{_fmt_date(r.cutoff)} (the scope's documents come from several files; each "
            f"holding 25% or more is cut off at its own latest date, and the earliest counts: "
            f"{name})",
        )
    return b.say(
        f"{_fmt_date(r.cutoff)}（范围内最晚公开日；无公开日时为最晚申请日）",
        f"{_fmt_date(r.cutoff)} (latest publication date in scope; latest filing date "
        "without one)",
    )


def _windows(
    first_incomplete: int | None,
) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """The last three complete filing years and the three before (as the analyses use)."""
    if first_incomplete is None:
        return None, None
    last = first_incomplete - 1
    return (last - 2, last), (last - 5, last - 3)


def _method_text(b: Builder) -> str:
    ch = b.results.chain
    chain_rules: Mapping[str, Any] = ch.rules if ch is not None else {}
    text = b.say(
        "申请年按最早优先权日（无则申请日）计；技术来源按第一个有地址的申请人所在地（无则最早优先权国家，"
        "再无则首次公开受理局；PCT 申请以其受理局计，中国 PCT 国家阶段申请不作为来源）；"
        "申请人以实体归并后的名称计，共同申请人各计一次。"
        f"生命周期：近三年对前三年申请量增长 > {GROWING:.0%} "
        "且申请人增加为成长期（此前三年平均每年不足 10 件为萌芽期），"
        ""
        ""
        f"下降 > {-SHRINKING:.0%} 且申请人减少为衰退期，前一窗口衰退后回升为复苏期，其余为成熟期。"
        "集中度：CR4/CR8 为前四/八位申请人占比，HHI 按申请人数量份额平方和（< 1,500 分散竞争，"
        "1,500–2,500 适度集中，> 2,500 高度集中）。"
        ""
        ""
        f"技术功效矩阵：行取主分类号大组，列为摘要中“提高/降低/改善……”短语归入的功效类别；"
        f"单元实际数量 ≤ 期望数量 × {WHITE_SPACE_MAX_RATIO:.0%} 且期望 ≥ "
        f"{WHITE_SPACE_MIN_EXPECTED:g} "
        ""
        "为技术空白点。",
        "Filing year: earliest priority date, else filing date. Origin: the first located "
        "applicant, else the earliest priority country (a PCT application by its receiving "
        "office; a Chinese PCT national phase is no origin), else the first office. "
        "Applicants: "
        "resolved entities; co-applicants each count the unit. Lifecycle: recent against "
        f"previous three complete years; growth > {GROWING:.0%} with more applicants is growth "
        "(emerging when the earlier window averaged under 10 a year), a fall > "
        f"{-SHRINKING:.0%} with fewer applicants is decline, a rise after a declining window "
        "is recovery, otherwise maturity. Concentration: CR4/CR8 shares of the top four/eight; "
        "HHI from applicant shares (< 1,500 unconcentrated, 1,500–2,500 moderate, > 2,500 "
        "high). Technology–effect matrix: rows main IPC groups, columns effect categories of "
        "the abstracts' improve/reduce phrases; a white space is a cell at most "
        f"{WHITE_SPACE_MAX_RATIO:.0%} of its expected count, with at least "
        f"{WHITE_SPACE_MIN_EXPECTED:g} expected.",
    )
    if chain_rules:
        text += b.say(
            f"产业链定位：RTA ≥ {chain_rules['strong_rta']:g} 且本地 ≥ "
            f"{chain_rules['min_units']:g} 为强链，"
            ""
            ""
            f"RTA < {chain_rules['weak_rta']:g} 为弱链，本地 ≤ {chain_rules['gap_max']:g} "
            "且对比基准 ≥ "
            ""
            ""
            f"{chain_rules['min_market']:g} 为缺链；招商对象为弱链、缺链环节中区外申请人"
            "（按数量、近三年数量、授权数排序），引才对象为区外发明人（按数量排序）。",
            f" Chain: strong when RTA ≥ {chain_rules['strong_rta']:g} with ≥ "
            f"{chain_rules['min_units']:g} home units; weak when RTA < "
            f"{chain_rules['weak_rta']:g}; "
            f"gap when home ≤ {chain_rules['gap_max']:g} and the comparator ≥ "
            f"{chain_rules['min_market']:g}; companies to attract are applicants outside the "
            "region "
            "in weak and missing nodes (by units, recent units, grants), talents the inventors "
            "outside it (by units).",
        )
    return text
