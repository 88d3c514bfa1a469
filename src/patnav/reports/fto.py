"""The 专利侵权风险排查（FTO）报告: an FTO screening as a renderer-neutral report (Chinese).

Built from the result of :func:`patnav.models.fto.screen` (what ``patnav fto --json``
prints) and a few facts of the store the screening does not carry (owners, expiry dates,
the data sources and their cut-off, :func:`report_facts`)::

    facts = report_facts(store, result)
    report = build_fto_report(result, facts, top=10)
    render_report(report, "docx", out="reports/")

Its chapters: 排查对象与范围 (the product's features, target countries, as-of date, data
sources and cut-off, the search strategy), 候选专利一览, 权利要求对比 (a claim chart per
independent claim of every candidate not at low risk and of the first three, the
all-elements conclusion, the unmet elements as design-around room, the dependent claims as
fall-backs), 各国法律状态与期限, 可自由实施（已失效）清单 and 需关注（审中）清单, 局限与声明.
An unknown status is printed as 未知 and never listed as free. A screening, not a legal
opinion.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import pyarrow as pa

from patnav.models.fto.charts import MET, POSSIBLE, RISK_ZH, VERDICT_ZH, ClaimChart
from patnav.models.fto.corrections import (
    VerdictCorrection,
    apply_corrections,
    number_of,
)
from patnav.models.fto.screening import DISCLAIMER, FtoScreening, ScreenedCandidate
from patnav.reports.build import number
from patnav.reports.model import Paragraph, Report, Section, Table
from patnav.storage.store import PatentStore

TITLE = "专利侵权风险排查（FTO）报告"
SHOWN_LOW = 3
"""Claim charts are given for every candidate not at low risk and for the first
:data:`SHOWN_LOW` candidates whatever their risk (their design-around room)."""

STATUS_ZH = {
    "in_force": "有效",
    "pending": "审中（需关注）",
    "free": "已失效（可自由实施）",
    "unknown": "未知",
    "not_in_country": "未进入该国",
}
"""A candidate's status in a country; ``unknown`` is 未知, never free."""

_METHOD_ZH = {
    "hybrid": "全文检索（BM25）与多语种语义检索融合排序",
    "fulltext": "全文检索（BM25）排序，未使用语义检索",
    "lexical": "仅按分词后的共有词比对（未使用语义模型）",
    "lexical+semantic": "分词共有词比对与多语种语义相似度结合",
}

_FIELD_ZH = {
    "legal_status": "法律状态字段",
    "expiry_date": "届满日",
    "maintenance.next_due": "年费应缴日",
    "priority_date": "优先权日",
    "app_date": "申请日",
    "grant_date": "授权日",
    "pub_date": "公开日",
}
_EVENT_ZH = {
    "grant": "授权",
    "restoration": "恢复",
    "lapse": "失效",
    "expiry": "届满",
    "invalidation": "无效宣告",
    "withdrawal": "撤回",
    "rejection": "驳回",
    "annuity": "缴纳年费",
    "transfer": "转让",
    "licence": "许可",
    "pledge": "质押",
}
_DETAIL_ZH = {
    "in_force": "有效",
    "lapsed": "失效",
    "expired": "保护期届满",
    "invalidated": "被宣告无效",
    "withdrawn": "撤回",
    "rejected": "驳回",
    "restored_later": "判断日后恢复",
    "alive_later": "判断日后在该国仍有效",
    "granted_later": "判断日后授权",
    "grant_later": "判断日后授权",
    "term_ended_estimated": "估算的保护期已届满，但无失效证据",
    "ep_no_state_evidence": "欧洲专利在该国无生效证据",
    "pct_window_open": "国际申请进入该国国家阶段的期限未届满",
    "in_grace": "年费宽限期内",
    "fee_due_unconfirmed": "年费已到期、缴纳情况未确认，按有效处理",
    "pending": "审查中",
    "no_status": "数据未载法律状态",
}


@dataclass(frozen=True, slots=True)
class Expiry:
    """A publication's expiry date and whether it is estimated (None: not known)."""

    day: date | None
    estimated: bool | None


@dataclass(frozen=True, slots=True)
class SourceRow:
    """Documents of one office in the store and the latest publication date."""

    office: str
    documents: int
    latest: date | None


@dataclass(frozen=True, slots=True)
class FtoReportFacts:
    """What the report states that the screening does not carry: the candidates' owners,
    the expiry dates of the candidates and of the members that decide their status, the
    store's documents per office and the imported files (the data cut-off)."""

    owners: dict[str, tuple[str, ...]] = field(default_factory=dict)
    expiry: dict[str, Expiry] = field(default_factory=dict)
    """By publication number (and by doc_id)."""
    sources: tuple[SourceRow, ...] = ()
    formats: tuple[tuple[str, int], ...] = ()
    """Imported files per source format."""
    imported: date | None = None
    """The day of the last finished import."""

    @property
    def cutoff(self) -> date | None:
        """The latest publication date the store holds (None: not known)."""
        days = [s.latest for s in self.sources if s.latest is not None]
        return max(days) if days else None


def _day(value: object) -> date | None:
    if value is None:
        return None
    if hasattr(value, "date") and callable(value.date):
        out = value.date()
        return out if isinstance(out, date) else None
    return value if isinstance(value, date) else None


def report_facts(store: PatentStore, result: FtoScreening) -> FtoReportFacts:
    """Read the facts the report needs beyond the screening from the store."""
    ids = [c.candidate.doc_id for c in result.candidates]
    numbers = sorted(
        {
            r.evidence.member
            for c in result.candidates
            for r in c.status.countries
            if r.evidence is not None and r.evidence.member
        }
        | {c.candidate.pub_number for c in result.candidates if c.candidate.pub_number}
    )
    owners: dict[str, tuple[str, ...]] = {}
    expiry: dict[str, Expiry] = {}
    if ids:
        with store.staged(
            "_fto_report_ids", pa.table({"doc_id": pa.array(ids, pa.string())})
        ) as name:
            rows = store.rows(
                "SELECT doc_id, role, name FROM parties "
                f"WHERE doc_id IN (SELECT doc_id FROM {name}) "
                "AND role IN ('current_owner', 'applicant') AND name IS NOT NULL "
                "ORDER BY doc_id, role DESC, seq"
            )
        by_role: dict[str, dict[str, list[str]]] = {}
        for doc_id, role, person in rows:
            names = by_role.setdefault(str(doc_id), {}).setdefault(str(role), [])
            if person not in names:
                names.append(str(person))
        for doc_id, roles in by_role.items():
            owners[doc_id] = tuple(roles.get("current_owner") or roles["applicant"])
    if numbers:
        with store.staged(
            "_fto_report_numbers",
            pa.table({"pub_number": pa.array(numbers, pa.string())}),
        ) as name:
            rows = store.rows(
                "SELECT doc_id, pub_number, expiry_date, expiry_estimated FROM patents "
                f"WHERE pub_number IN (SELECT pub_number FROM {name}) "
                f"OR doc_id IN (SELECT pub_number FROM {name})"
            )
        for doc_id, number, day, estimated in rows:
            e = Expiry(_day(day), None if estimated is None else bool(estimated))
            expiry[str(doc_id)] = e
            if number:
                expiry[str(number)] = e
    sources = tuple(
        SourceRow(str(office or "未载"), int(n), _day(latest))
        for office, n, latest in store.rows(
            "SELECT office, count(*), max(pub_date) FROM patents "
            "GROUP BY office ORDER BY count(*) DESC, office"
        )
    )
    formats = tuple(
        (str(fmt or "未载"), int(n))
        for fmt, n in store.rows(
            "SELECT format, count(DISTINCT file) FROM imports "
            "WHERE status IS NULL OR status <> 'failed' GROUP BY format ORDER BY format"
        )
    )
    imported = _day(store.scalar("SELECT max(finished_at) FROM imports"))
    return FtoReportFacts(owners, expiry, sources, formats, imported)


class _Numbers:
    def __init__(self) -> None:
        self.tables = 0

    def table(self, table: Table) -> Table:
        self.tables += 1
        table.number = self.tables
        return table


def _number(c: ScreenedCandidate) -> str:
    return c.candidate.pub_number or c.candidate.doc_id


def _similarity(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _evidence(c: ScreenedCandidate, country: str) -> tuple[str, str, str]:
    """The member, what the status rests on (in Chinese) and its date."""
    row = next((r for r in c.status.countries if r.country == country), None)
    if row is None or row.evidence is None:
        return "-", "无可依据的成员或数据", "未载"
    ev = row.evidence
    parts = []
    if ev.field:
        parts.append(_FIELD_ZH.get(ev.field, "数据字段"))
    if ev.event:
        kind, _, state = ev.event.partition("@")
        parts.append(
            f"事件：{_EVENT_ZH.get(kind, '法律事件')}"
            + (f"（{state}）" if state else "")
        )
    detail = ev.detail or ""
    if detail in _DETAIL_ZH:
        parts.append(_DETAIL_ZH[detail])
    elif detail.endswith("_undated"):
        parts.append("已终止，来源未载日期")
    elif detail.endswith("_later"):
        parts.append("判断日后才发生变化")
    return (
        ev.member or "-",
        "；".join(parts) or "数据未载依据",
        ev.date.isoformat() if ev.date else "未载",
    )


def _expiry(facts: FtoReportFacts, *numbers: str | None) -> str:
    for n in numbers:
        if n and n in facts.expiry and facts.expiry[n].day is not None:
            e = facts.expiry[n]
            assert e.day is not None
            return e.day.isoformat() + ("（估算）" if e.estimated else "")
    return "未知"


_Latest = dict[tuple[str, int | None, int], VerdictCorrection]


def _verdict_cell(
    c: ScreenedCandidate,
    claim: ClaimChart,
    index: int,
    verdict: str,
    machine: dict[tuple[int | None, int], str],
    latest: _Latest,
) -> str:
    """The element's verdict; a corrected one marked 分析师修正 with the machine's verdict
    and the comment."""
    fix = latest.get((number_of(c).upper(), claim.num, index))
    if fix is None:
        return VERDICT_ZH[verdict]
    was = machine.get((claim.num, index))
    return (
        f"{VERDICT_ZH[verdict]}（分析师修正；机器结论："
        + (VERDICT_ZH[was] if was else "未对比")
        + (f"；说明：{fix.comment}" if fix.comment else "")
        + "）"
    )


def _chart_table(
    n: _Numbers,
    c: ScreenedCandidate,
    claim: ClaimChart,
    machine: dict[tuple[int | None, int], str] | None = None,
    latest: _Latest | None = None,
) -> Table:
    return n.table(
        Table(
            f"{_number(c)} 权利要求{claim.num}的技术特征对比",
            ("序号", "技术特征", "对应产品特征", "相似度", "结论"),
            tuple(
                (
                    str(e.index),
                    e.text,
                    (
                        f"特征{e.feature_index}：{e.matched_feature}"
                        if e.matched_feature and e.feature_index is not None
                        else e.matched_feature or "-"
                    ),
                    _similarity(e.similarity),
                    _verdict_cell(c, claim, e.index, e.verdict, machine or {}, latest)
                    if latest
                    else VERDICT_ZH[e.verdict],
                )
                for e in claim.elements
            ),
            align="lllrl",
            dash_note="“-”：产品中没有可比对的特征，或无法计算相似度。",
            source_note=(
                f"相似度 ≥ {MET:g} 为满足，≥ {POSSIBLE:g} 为可能满足；"
                "“无法判断”：语言不同且无语义比对，或无可比对的词。"
                + (
                    "标“分析师修正”者为分析师修正后的结论，相似度仍为机器计算值。"
                    if latest
                    and any(
                        k[0] == number_of(c).upper() and k[1] == claim.num
                        for k in latest
                    )
                    else ""
                )
            ),
            key=f"chart_{c.candidate.doc_id}_{claim.num}",
        )
    )


def _conclusion(claim: ClaimChart) -> str:
    label = f"权利要求{claim.num}"
    verdict = VERDICT_ZH[claim.verdict]
    if claim.verdict == "met":
        return f"{label}：全部技术特征均在产品中找到对应（全面覆盖），结论为{verdict}。"
    if claim.verdict == "not_met":
        return (
            f"{label}：有 {len(claim.not_met)} 项技术特征不满足，按全面覆盖原则不构成"
            f"字面侵权，结论为{verdict}。"
        )
    if claim.verdict == "possibly_met":
        return f"{label}：无不满足的技术特征，但有技术特征仅可能满足，需人工核对，结论为{verdict}。"
    return f"{label}：有技术特征无法判断，结论为{verdict}。"


def _design_around(claim: ClaimChart) -> Paragraph | None:
    if not claim.not_met:
        return None
    by_index = {e.index: e for e in claim.elements}
    items = [f"（{i}）“{by_index[i].text}”" for i in claim.not_met if i in by_index]
    return Paragraph(
        f"规避设计空间（权利要求{claim.num}中产品不具备的技术特征）："
        + "；".join(items)
        + "。"
    )


def _fallbacks(
    n: _Numbers, c: ScreenedCandidate, uncharted: frozenset[int | None] = frozenset()
) -> Table | None:
    """The dependent claims; ``uncharted``: those the machine did not chart (their claim
    was not met) that corrections have made live again."""
    if not c.chart.fallbacks:
        return None
    rows = []
    for f in c.chart.fallbacks:
        if f.inherited_from is not None:
            note = f"所引独立权利要求{f.inherited_from}不满足，按同一原则不满足，未逐项对比"
        elif f.num in uncharted:
            note = (
                "所引独立权利要求经分析师修正后不再不满足；本权利要求的附加技术特征未逐项"
                "对比，结论为无法判断"
            )
        elif f.elements:
            own = [e for e in f.elements if e.verdict != "met"]
            note = f"附加技术特征 {len(f.elements)} 项，" + (
                "均满足"
                if not own
                else f"{len(own)} 项未满足或待核对：序号 "
                + "、".join(str(e.index) for e in own)
            )
        else:
            note = "无附加技术特征文本"
        rows.append(
            (
                f"权利要求{f.num}" if f.num is not None else "从属权利要求",
                "、".join(str(p) for p in f.parents) or "-",
                VERDICT_ZH[f.verdict],
                note,
            )
        )
    return n.table(
        Table(
            f"{_number(c)} 从属权利要求（退守位置）",
            ("从属权利要求", "引用", "结论", "说明"),
            tuple(rows),
            dash_note="“-”：数据未载引用关系。",
            key=f"fallbacks_{c.candidate.doc_id}",
        )
    )


def build_fto_report(
    result: FtoScreening,
    facts: FtoReportFacts | None = None,
    *,
    top: int | None = None,
    made_on: date | None = None,
    corrections: Sequence[VerdictCorrection] = (),
) -> Report:
    """The report of an FTO screening (Chinese).

    Args:
        result: the screening (:func:`patnav.models.fto.screen`).
        facts: owners, expiry dates, sources (:func:`report_facts`); None: said unknown.
        top: the number of candidates asked for (default: as many as were found).
        made_on: the report date (default: today).
        corrections: an analyst's corrections of element verdicts
            (:mod:`patnav.models.fto.corrections`), in the order made: the charts show
            the corrected verdicts marked 分析师修正 with the machine's, the candidate
            table and the lists the conclusions and risks decided again from them, and a
            section lists every correction. None: the machine's screening as it is.
    """
    facts = facts or FtoReportFacts()
    machine_of = {
        c.candidate.doc_id: {
            (ch.num, e.index): e.verdict
            for ch in (*c.chart.claims, *c.chart.fallbacks)
            for e in ch.elements
        }
        for c in result.candidates
    }
    inherited = {
        c.candidate.doc_id: frozenset(
            f.num for f in c.chart.fallbacks if f.inherited_from is not None
        )
        for c in result.candidates
    }
    latest: _Latest = {
        (x.pub_number.upper(), x.claim, x.element): x for x in corrections
    }
    result = apply_corrections(result, corrections)
    n = _Numbers()
    today = made_on or date.today()
    countries = "、".join(result.countries)
    cands = result.candidates
    cutoff = facts.cutoff
    cutoff_text = cutoff.isoformat() if cutoff else "未知"
    lexical = result.method == "lexical"
    meta = [
        ("排查对象", f"产品技术特征 {len(result.product.features)} 项"),
        ("目标国家/地区", countries),
        ("判断日", result.as_of.isoformat()),
        ("数据截止日", f"{cutoff}（库中最晚公开日）" if cutoff else "未知"),
        ("报告日期", today.isoformat()),
        ("性质", "侵权风险初步筛查，非法律意见"),
    ]
    if corrections:
        meta.append(
            (
                "分析师修正",
                f"{len(latest)} 项技术特征的结论（{len(corrections)} 次修正）",
            )
        )
    sections: list[Section] = []

    # 1 -----------------------------------------------------------------------------
    s1 = Section("排查对象与范围", key="scope")
    product = s1.sub("排查对象", "product")
    product.add(
        Paragraph(
            f"排查对象为用户给出的产品说明，按句子与列举拆分为 {len(result.product.features)} 项"
            "技术特征（下表），逐项与候选专利独立权利要求的技术特征比对。"
            + (
                f"产品说明文件：“{result.product.name}”。"
                if result.product.name
                else ""
            )
        ),
        n.table(
            Table(
                "产品技术特征",
                ("序号", "技术特征"),
                tuple((str(f.index), f.text) for f in result.product.features),
                key="features",
            )
        ),
    )
    scope = s1.sub("目标国家与判断日", "countries")
    scope.add(
        Paragraph(
            f"目标国家/地区：{countries}。判断日 {result.as_of.isoformat()}：各候选专利及其"
            "同族成员在目标国的法律状态按该日判断。"
        )
    )
    src = s1.sub("数据来源与截止日", "sources")
    if facts.sources:
        src.add(
            n.table(
                Table(
                    "库中数据",
                    ("受理局", "文献数", "最晚公开日"),
                    tuple(
                        (
                            s.office,
                            str(s.documents),
                            s.latest.isoformat() if s.latest else "未载",
                        )
                        for s in facts.sources
                    ),
                    unit="单位：件",
                    align="lrl",
                    key="sources",
                )
            )
        )
    if facts.formats:
        src.add(
            Paragraph(
                "导入的数据文件："
                + "、".join(f"“{fmt}” {k} 个" for fmt, k in facts.formats)
                + (
                    f"；最近一次导入完成于 {facts.imported.isoformat()}。"
                    if facts.imported
                    else "。"
                )
            )
        )
    src.add(
        Paragraph(
            f"数据截止日：{cutoff_text}（库中文献的最晚公开日）。此后公开的专利、"
            "此后发生的法律状态变化未纳入排查。"
            if cutoff
            else "数据截止日未知：库中未载公开日。"
        )
    )
    how = s1.sub("检索策略", "strategy")
    retrieval = result.retrieval
    strategy = [
        ("候选检索", _METHOD_ZH.get(retrieval.method, "未载")),
        ("检索式（限定范围）", retrieval.prefilter or "无（全库）"),
        (
            "限定后文献数",
            "全库" if retrieval.searched is None else f"{retrieval.searched} 件",
        ),
        (
            "取候选数",
            f"前 {top} 件（实得 {len(cands)} 件）"
            if top is not None
            else f"{len(cands)} 件",
        ),
        ("技术特征比对", _METHOD_ZH.get(result.method, "未载")),
    ]
    how.add(
        Paragraph(
            "以产品说明全文为查询，在载有权利要求的文献中检索候选专利；检索式中的 IPC= 限定"
            "分类号，PA= 限定申请人（含其别名）。"
        ),
        n.table(
            Table(
                "检索策略",
                ("项目", "内容"),
                tuple(strategy),
                key="strategy",
            )
        ),
    )
    sections.append(s1)

    # 2 -----------------------------------------------------------------------------
    s2 = Section("候选专利一览", key="candidates")
    if not cands:
        s2.add(Paragraph("未检索到候选专利。"))
    else:
        rows = []
        for c in cands:
            by_country = {r.country: r.category for r in c.status.countries}
            best = c.chart.best
            rows.append(
                (
                    _number(c),
                    c.candidate.title or "-",
                    "、".join(facts.owners.get(c.candidate.doc_id, ())) or "未载",
                    *(
                        STATUS_ZH[by_country.get(k, "unknown")]
                        for k in result.countries
                    ),
                    RISK_ZH[c.risk],
                    "-" if best is None else VERDICT_ZH[best.verdict],
                )
            )
        s2.add(
            Paragraph(
                f"共 {len(cands)} 件候选专利，按风险（高、中、未知、低）排序，同一风险内按"
                "目标国状态与权利要求对比的接近程度排序。"
            ),
            n.table(
                Table(
                    "候选专利",
                    (
                        "公开号",
                        "名称",
                        "权利人",
                        *(f"{k} 状态" for k in result.countries),
                        "风险",
                        "全部技术特征",
                    ),
                    tuple(rows),
                    dash_note="“-”：数据未载名称，或无可比对的权利要求。",
                    source_note="“全部技术特征”：最接近产品的独立权利要求按全面覆盖原则的"
                    "结论；状态“未知”：数据未载，不视为已失效。",
                    key="candidates",
                )
            ),
        )
    sections.append(s2)

    # 3 -----------------------------------------------------------------------------
    s3 = Section("权利要求对比", key="charts")
    charted = [c for i, c in enumerate(cands) if c.risk != "low" or i < SHOWN_LOW]
    s3.add(
        Paragraph(
            f"对风险不为低的候选专利及排序前 {SHOWN_LOW} 件，逐项对比其独立权利要求的技术特征"
            "与产品特征（全面覆盖原则：全部技术特征均满足方落入保护范围）。"
        )
    )
    if not charted:
        s3.add(Paragraph("无候选专利，无权利要求对比。"))
    for c in charted:
        title = (c.candidate.title or "").strip()
        sub = s3.sub(
            _number(c) + (f"  “{title[:40]}”" if title else ""),
            f"chart_{c.candidate.doc_id}",
        )
        sub.add(
            Paragraph(f"风险：{RISK_ZH[c.risk]}。理由：" + "；".join(c.reasons) + "。")
        )
        if not c.chart.claims:
            sub.add(Paragraph("库中无可比对的权利要求文本，未作对比，风险未知。"))
        for claim in c.chart.claims:
            sub.add(
                _chart_table(n, c, claim, machine_of.get(c.candidate.doc_id), latest),
                Paragraph(_conclusion(claim)),
                _design_around(claim),
            )
        sub.add(_fallbacks(n, c, inherited.get(c.candidate.doc_id, frozenset())))
    sections.append(s3)

    # 4 -----------------------------------------------------------------------------
    s4 = Section("各国法律状态与期限", key="status")
    status_rows = []
    for c in cands:
        for country in result.countries:
            row = next((r for r in c.status.countries if r.country == country), None)
            member, basis, when = _evidence(c, country)
            status_rows.append(
                (
                    _number(c),
                    country,
                    STATUS_ZH[row.category if row else "unknown"],
                    member,
                    basis,
                    when,
                    _expiry(
                        facts, member if member != "-" else None, c.candidate.pub_number
                    ),
                )
            )
    if status_rows:
        s4.add(
            n.table(
                Table(
                    "各国法律状态与期限",
                    (
                        "公开号",
                        "国家/地区",
                        "状态",
                        "依据成员",
                        "依据",
                        "依据日期",
                        "届满日",
                    ),
                    tuple(status_rows),
                    dash_note="“-”：该国无同族成员，无可依据的成员。",
                    source_note=f"按判断日 {result.as_of.isoformat()} 判断；“未知”：数据未载"
                    "法律状态或失效证据，不视为已失效；“未载”：来源未载日期；"
                    "届满日标“估算”者按法定期限推算，非来源所载。",
                    key="status",
                )
            )
        )
    else:
        s4.add(Paragraph("无候选专利。"))
    sections.append(s4)

    # 5 -----------------------------------------------------------------------------
    s5 = Section("可自由实施与需关注清单", key="lists")
    for status, heading, empty, key in (
        (
            "free",
            "可自由实施（已失效）清单",
            "无在全部目标国均已失效的候选专利。",
            "free",
        ),
        ("pending", "需关注（审中）清单", "无审中的候选专利。", "pending"),
    ):
        sub = s5.sub(heading, key)
        found = result.of(status)
        if not found:
            sub.add(Paragraph(empty))
            continue
        sub.add(
            n.table(
                Table(
                    heading,
                    ("公开号", "名称", "风险", "依据"),
                    tuple(
                        (
                            _number(c),
                            c.candidate.title or "-",
                            RISK_ZH[c.risk],
                            "；".join(
                                f"{k}：{_evidence(c, k)[1]}（{_evidence(c, k)[2]}）"
                                for k in result.countries
                            ),
                        )
                        for c in found
                    ),
                    dash_note="“-”：数据未载名称。",
                    key=f"list_{key}",
                )
            )
        )
    unknown = result.of("unknown")
    if unknown:
        s5.add(
            Paragraph(
                f"法律状态未知的候选专利 {len(unknown)} 件（"
                + "、".join(_number(c) for c in unknown)
                + "）未列入可自由实施清单：未知不等于已失效，实施前须核实。"
            )
        )
    sections.append(s5)

    if corrections:
        sections.append(_corrections_section(n, corrections, machine_of, result))

    # 6 -----------------------------------------------------------------------------
    s6 = Section("局限与声明", key="limits")
    s6.add(
        Paragraph(DISCLAIMER, "lead"),
        Paragraph(
            "本报告为侵权风险初步筛查：按字面比对权利要求的技术特征与产品说明，未考虑等同"
            "侵权、权利要求解释、现有技术抗辩与许可等；风险等级是筛查工具的约定，不是法律"
            "结论。"
        ),
        Paragraph(
            f"相似度阈值：技术特征与产品特征的相似度 ≥ {MET:g} 判为满足，≥ {POSSIBLE:g} "
            "判为可能满足，其余为不满足；无可比对的词、或语言不同且无语义比对时为无法判断。"
        ),
        Paragraph(
            "本次比对仅按共有词进行，未使用语义模型：与产品说明语言不同的权利要求无法比对，"
            "其技术特征记为无法判断。"
            if lexical
            else "本次比对结合了共有词与多语种语义相似度。"
        ),
    )
    if retrieval.method != "hybrid":
        s6.add(
            Paragraph(
                "候选检索仅用全文检索（库中无语义向量或未启用）：与产品说明语言不同、"
                "用词不同的专利可能未被检出。"
            )
        )
    s6.add(
        Paragraph(
            f"数据截止日 {cutoff_text}：此后公开的专利与法律状态变化未纳入；检索仅覆盖库中"
            f"载有权利要求的文献，候选只取排序前 {top if top is not None else len(cands)} 件。"
        )
    )
    n_unknown = sum(
        1 for c in cands for r in c.status.countries if r.category == "unknown"
    )
    s6.add(
        Paragraph(
            f"法律状态未知：{n_unknown} 个候选专利与目标国组合数据未载状态或失效证据，按未知"
            "列出，不视为已失效。"
            if n_unknown
            else "全部候选专利在目标国的法律状态均有数据依据。"
        )
    )
    if result.term_unchecked:
        s6.add(
            Paragraph(
                f"保护期限未核对：{len(result.term_unchecked)} 件有效候选专利库中无保护期限"
                "届满日（未运行数据清洗“patnav enrich”或来源未载），其“有效”仅依据授权，未按法定"
                "期限核对（" + "、".join(result.term_unchecked) + "）。"
            )
        )
    sections.append(s6)

    number(sections)
    return Report(
        title=TITLE,
        subtitle="侵权风险初步筛查（非法律意见）",
        type="fto",
        lang="zh",
        meta=meta,
        sections=sections,
        source="patnav fto",
    )


def _corrections_section(
    n: _Numbers,
    corrections: Sequence[VerdictCorrection],
    machine_of: dict[str, dict[tuple[int | None, int], str]],
    result: FtoScreening,
) -> Section:
    """Every correction, in the order made: who, when, what, the verdict before and
    after, the machine's verdict and the comment."""
    doc_of = {number_of(c).upper(): c.candidate.doc_id for c in result.candidates}
    rows = []
    for x in corrections:
        machine = machine_of.get(doc_of.get(x.pub_number.upper(), ""), {})
        was = machine.get((x.claim, x.element))
        rows.append(
            (
                x.at.strftime("%Y-%m-%d %H:%M"),
                x.by,
                x.pub_number,
                "-" if x.claim is None else str(x.claim),
                str(x.element),
                VERDICT_ZH[was] if was else "-",
                VERDICT_ZH[x.old_verdict],
                VERDICT_ZH[x.verdict],
                x.comment or "-",
            )
        )
    section = Section("分析师修正记录", key="corrections")
    section.add(
        Paragraph(
            f"分析师对 {len({(x.pub_number, x.claim, x.element) for x in corrections})} "
            f"项技术特征的结论作了 {len(corrections)} 次修正（下表，按时间先后）。机器的"
            "比对结论保留不变；权利要求对比表与候选专利一览中的结论和风险按修正后的结论、"
            "以同一全面覆盖原则与风险规则重新判定。"
        ),
        n.table(
            Table(
                "分析师修正记录",
                (
                    "时间（UTC）",
                    "修正人",
                    "公开号",
                    "权利要求",
                    "技术特征序号",
                    "机器结论",
                    "修正前",
                    "修正后",
                    "说明",
                ),
                tuple(rows),
                dash_note="“-”：未编号的权利要求、无机器结论或无说明。",
                key="corrections",
            )
        ),
    )
    return section


def fto_report(
    store: PatentStore,
    result: FtoScreening,
    *,
    top: int | None = None,
    made_on: date | None = None,
    corrections: Sequence[VerdictCorrection] = (),
) -> Report:
    """:func:`report_facts` and :func:`build_fto_report` in one call."""
    return build_fto_report(
        result,
        report_facts(store, result),
        top=top,
        made_on=made_on,
        corrections=corrections,
    )
