"""The 专利资产预评估报告: a pre-valuation as a renderer-neutral report (Chinese).

Its structure follows GB/T 42748《专利评估指引》: 委托方与评估对象, 评估目的 (质押融资), 价值
类型, 评估基准日 (the data cut-off), 评估假设, 评估方法及其选择理由, 法律/技术/经济分析 per
patent, 核查结果及依据, 价值区间与敏感性分析, 质押率建议, 特别事项说明 — which states the
inputs, the assumptions, the data cut-off and that it is a pre-valuation, not an appraisal
opinion. The DOCX, HTML and PDF renderers of :mod:`patnav.reports` write it::

    report = build_prevalue_report(result)
    render_report(report, "docx", out="reports/")
"""

from __future__ import annotations

from datetime import date

from patnav.models.prevalue import DISCLAIMER, PreValuation
from patnav.models.prevalue.checks import (
    CHECKS,
    STATUS_TEXT,
    STATUS_ZH,
    TYPE_ZH,
    PatentChecks,
)
from patnav.reports.build import number
from patnav.reports.model import Paragraph, Report, Section, Table

TITLE = "专利资产预评估报告"


def _wan(value: float | None) -> str:
    return "未计算" if value is None else f"{value:,.2f}"


def _pct(value: float) -> str:
    return (
        f"{value:.0%}"
        if abs(value * 100 - round(value * 100)) < 1e-9
        else f"{value:.1%}"
    )


def _day(value: date | None) -> str:
    return value.isoformat() if value else "未知"


class _Numbers:
    def __init__(self) -> None:
        self.tables = 0

    def table(self, table: Table) -> Table:
        self.tables += 1
        table.number = self.tables
        return table


def _legal(p: PatentChecks) -> str:
    parts = [f"法律状态：{STATUS_TEXT.get(p.legal_status or '', '未知')}"]
    if p.expiry_date:
        est = "（估算）" if p.expiry_estimated else ""
        parts.append(f"保护期至 {p.expiry_date}{est}，剩余 {p.remaining_years:.1f} 年")
    else:
        parts.append("剩余保护期未知")
    flags = [
        c.label
        for c in p.checks
        if c.key in ("pledge", "licence", "preservation", "invalidation", "litigation")
        and c.status == "fail"
    ]
    parts.append("权利负担/争议：" + ("、".join(flags) if flags else "未见记录或未知"))
    return "；".join(parts)


def _technical(p: PatentChecks) -> str:
    kind = TYPE_ZH.get(p.patent_type or "", "类型未知")
    dims = p.score_dims
    tech = dims.get("technical") if dims else None
    score = f"技术维度得分 {tech:.1f}" if tech is not None else "技术维度未评分"
    claims = (
        f"权利要求 {p.claims_count} 项"
        if p.claims_count is not None
        else "权利要求数未载"
    )
    cited = (
        f"被引用 {p.cited_by_count} 次（来源所载）"
        if p.cited_by_count is not None
        else "被引用次数未载"
    )
    return f"{kind}；{claims}；{cited}；{score}"


def _economic(p: PatentChecks) -> str:
    dims = p.score_dims
    eco = dims.get("economic") if dims else None
    parts = [f"经济维度得分 {eco:.1f}" if eco is not None else "经济维度未评分"]
    parts += [
        f"{e.field} {e.value}（{e.source or '来源未载'}，参考值，非交易价格）"
        for e in p.peer_values
    ]
    return "；".join(parts)


def build_prevalue_report(
    result: PreValuation, *, made_on: date | None = None
) -> Report:
    """The report of a pre-valuation (Chinese)."""
    checks = result.checks
    val = result.valuation
    loan = checks.loan
    n = _Numbers()
    found = checks.found
    borrower = checks.borrower.name if checks.borrower else (loan.borrower or "未给出")
    today = made_on or date.today()
    meta = [
        ("委托方（借款人）", borrower),
        (
            "评估对象",
            f"{checks.portfolio.label}，库内 {len(found)} 件"
            + (
                f"，库中无 {len(checks.portfolio.not_found)} 件"
                if checks.portfolio.not_found
                else ""
            ),
        ),
        ("评估目的", "专利权质押融资授信初筛"),
        ("评估基准日", f"{_day(checks.data_cutoff)}（数据截止日）"),
        ("报告日期", today.isoformat()),
        ("性质", "预评估，非资产评估报告"),
    ]
    sections: list[Section] = []

    s1 = Section("委托方与评估对象", key="object")
    s1.add(
        Paragraph(
            f"委托方（借款人）：{borrower}。"
            + (f"识别方式：{checks.borrower.how}。" if checks.borrower else "")
            + f"贷款起始日 {loan.start}，期限 {loan.term_months} 个月（至 {loan.end}）"
            + (
                f"，金额 {loan.amount_wan:g} 万元。"
                if loan.amount_wan is not None
                else "，金额未给出。"
            )
        ),
        Paragraph(
            f"评估对象：{checks.portfolio.label}。" + "".join(checks.portfolio.notes)
        ),
        n.table(
            Table(
                "评估对象清单",
                ("序号", "输入号码", "公开号", "名称", "类型", "法律状态", "权利人"),
                tuple(
                    (
                        str(i),
                        p.given,
                        p.pub_number or "-",
                        (p.title or "-")[:40],
                        TYPE_ZH.get(p.patent_type or "", "-") if p.found else "-",
                        STATUS_TEXT.get(p.legal_status or "", "未知")
                        if p.found
                        else "库中无此专利",
                        "、".join(p.owners) or "-",
                    )
                    for i, p in enumerate(checks.patents, 1)
                ),
                dash_note="“-”：库中无此专利或数据未载。",
                key="objects",
            )
        ),
    )
    sections.append(s1)

    # short GB/T 42748 parts share a chapter (each chapter starts a page in print)
    basis = Section("评估目的、价值类型与评估基准日", key="basis")
    sections.append(basis)
    basis.blocks.append(
        Section("评估目的", 2, key="purpose").add(
            Paragraph(
                "为借款人以专利权出质申请质押融资提供授信初筛参考：核查专利权的有效性、权属、"
                "权利负担与剩余期限，估算价值区间并建议质押率。"
            )
        )
    )
    basis.blocks.append(
        Section("价值类型", 2, key="value_type").add(
            Paragraph(
                "市场价值以外的价值类型：质押价值的预估区间，即在持续使用、权属清晰的假设下，"
                "专利资产可为贷款提供担保的价值区间；不是交易价格或清算价值。"
            )
        )
    )
    basis.blocks.append(
        Section("评估基准日", 2, key="base_date").add(
            Paragraph(
                f"评估基准日为数据截止日 {_day(checks.data_cutoff)}：{checks.cutoff_note}"
            ),
            Paragraph(f"剩余保护期按 {checks.as_of} 起算。", "note"),
        )
    )
    d = val.defaults
    income = val.income
    method = Section("评估假设与评估方法", key="method")
    sections.append(method)
    method.blocks.append(
        Section("评估假设", 2, key="assumptions").add(
            Paragraph(
                "1. 专利权在评估基准日后按现有用途持续使用，权利人按期缴纳年费。"
            ),
            Paragraph(
                "2. 数据库所载法律状态、权利人与法律事件真实、完整；"
                "数据未载的事项视为未知，不视为不存在。"
            ),
            Paragraph(
                f"3. 收益法参数：提成率 {_pct(income.royalty[0])}–{_pct(income.royalty[1])}，"
                f"折现率 {_pct(income.discount[0])}–{_pct(income.discount[1])}"
                + (f"，收益期 {income.years:g} 年" if income.years is not None else "")
                + "（来源见特别事项说明）。"
            ),
            Paragraph("4. 年费按各年度应缴日有效的收费标准全额计算，未计减缴。"),
        )
    )
    method.blocks.append(
        Section("评估方法及其选择理由", 2, key="methods").add(
            Paragraph(
                "收益法：质押价值取决于专利未来可带来的收益，借款人给出归属于专利的年收入时采用；"
                f"{income.note}"
            ),
            Paragraph(
                f"成本法：以已缴年费和用户给出的研发、申请成本为重置成本参考。{val.cost.note}"
            ),
            Paragraph(f"市场法：{val.market.note}"),
            Paragraph(f"价值区间依据：{val.value_basis}。"),
        )
    )

    s7 = Section("法律、技术、经济分析", key="analysis")
    s7.add(
        n.table(
            Table(
                "逐件分析",
                ("公开号", "法律", "技术", "经济", "价值等级"),
                tuple(
                    (
                        p.pub_number or p.given,
                        _legal(p),
                        _technical(p),
                        _economic(p),
                        p.grade_label,
                    )
                    for p in found
                ),
                source_note="价值等级取自专利价值评分（质押融资用途）；“未评分”：库中无评分，不以零计。",
                key="analysis",
            )
        )
    )
    sections.append(s7)

    s8 = Section("核查结果及依据", key="checks")
    counts = checks.counts()
    s8.add(
        n.table(
            Table(
                "核查汇总",
                ("核查项", "通过", "不通过", "未知", "否决项"),
                tuple(
                    (
                        label,
                        str(counts[k]["pass"]),
                        str(counts[k]["fail"]),
                        str(counts[k]["unknown"]),
                        "是" if blocking else "否",
                    )
                    for k, (label, blocking) in CHECKS.items()
                ),
                unit="单位：件",
                align="lrrrl",
                source_note="“未知”：数据未载，不视为通过或不通过。否决项不通过时不宜质押。",
                key="check_counts",
            )
        )
    )
    for p in found:
        sub = s8.sub(f"{p.pub_number}  {(p.title or '')[:30]}")
        sub.add(
            n.table(
                Table(
                    f"{p.pub_number} 核查明细",
                    ("核查项", "结果", "理由", "依据"),
                    tuple(
                        (
                            c.label,
                            STATUS_ZH[c.status],
                            c.reason,
                            "；".join(e.text() for e in c.evidence) or "-",
                        )
                        for c in p.checks
                    ),
                    dash_note="“-”：无可引用的字段或事件。",
                    key=f"checks_{p.doc_id}",
                )
            )
        )
    if checks.portfolio.not_found:
        s8.add(
            Paragraph(
                "库中没有以下号码，未作核查："
                + "、".join(checks.portfolio.not_found)
                + "。"
            )
        )
    sections.append(s8)

    s9 = Section("价值区间与敏感性分析", key="value")
    s9.add(
        Paragraph(
            f"预估价值区间：{_wan(val.value_low_wan)}–{_wan(val.value_high_wan)} 万元"
            f"（{val.value_basis}）。"
        ),
        n.table(
            Table(
                "各方法结果",
                ("方法", "下限", "上限", "说明"),
                (
                    (
                        "收益法",
                        _wan(income.low_wan),
                        _wan(income.high_wan),
                        income.note,
                    ),
                    (
                        "成本法",
                        _wan(val.cost.low_wan),
                        _wan(val.cost.high_wan),
                        val.cost.note,
                    ),
                    ("市场法", "未计算", "未计算", val.market.note),
                ),
                unit="单位：万元",
                align="lrrl",
                key="approaches",
            )
        ),
    )
    if income.computed:
        s9.add(
            n.table(
                Table(
                    "收益法敏感性分析（提成率 × 折现率）",
                    ("提成率 \\ 折现率", *(_pct(x) for x in income.discount_steps)),
                    tuple(
                        (_pct(r), *(f"{v:,.2f}" for v in row))
                        for r, row in zip(
                            income.royalty_steps, income.sensitivity, strict=True
                        )
                    ),
                    unit="单位：万元",
                    align="l" + "r" * len(income.discount_steps),
                    key="sensitivity",
                )
            )
        )
    else:
        s9.add(Paragraph("收益法未计算，无敏感性分析。", "note"))
    sections.append(s9)

    s10 = Section("质押率建议", key="ratio")
    s10.add(
        Paragraph(
            f"建议质押率区间：{_pct(val.ratio_low)}–{_pct(val.ratio_high)}（{val.ratio_note}）"
            + (
                f"对应授信额度参考区间 {_wan(val.credit_low_wan)}–"
                f"{_wan(val.credit_high_wan)} 万元。"
                if val.credit_low_wan is not None
                else "价值区间未知，未给出授信额度参考。"
            )
        ),
        n.table(
            Table(
                "逐件质押率",
                ("公开号", "下限", "上限", "理由"),
                tuple(
                    (
                        r.pub_number or r.doc_id,
                        _pct(r.low),
                        _pct(r.high),
                        "；".join(r.reasons),
                    )
                    for r in val.ratios
                ),
                align="lrrl",
                key="ratios",
            )
        ),
    )
    sections.append(s10)

    s11 = Section("特别事项说明", key="special")
    s11.add(Paragraph(DISCLAIMER, "lead"))
    s11.add(Paragraph(f"数据截止日：{_day(checks.data_cutoff)}。{checks.cutoff_note}"))
    given = {k: v for k, v in val.inputs.to_dict().items() if v is not None}
    s11.add(
        Paragraph(
            "用户输入："
            + (
                "；".join(f"{_INPUT_ZH.get(k, k)} {v:g}" for k, v in given.items())
                or "无（全部采用默认值）"
            )
            + "。"
        )
    )
    for key, text in d.sources.items():
        s11.add(Paragraph(f"默认参数“{_DEFAULT_ZH.get(key, key)}”来源：{text}", "note"))
    s11.add(Paragraph(f"默认参数文件：{d.path}。", "note"))
    for note in val.notes:
        s11.add(Paragraph(note))
    sections.append(s11)

    number(sections)
    return Report(
        title=TITLE,
        subtitle="质押融资预评估（非资产评估报告）",
        type="prevalue",
        lang="zh",
        meta=meta,
        sections=sections,
        source="patnav prevalue",
    )


_INPUT_ZH = {
    "revenue_wan": "归属于专利的年收入（万元）",
    "royalty_low": "提成率下限",
    "royalty_high": "提成率上限",
    "discount_low": "折现率下限",
    "discount_high": "折现率上限",
    "economic_life_years": "经济寿命（年）",
    "rd_cost_wan": "研发成本（万元）",
    "filing_cost_wan": "申请成本（万元）",
}

_DEFAULT_ZH = {
    "royalty_rate": "提成率",
    "discount_rate": "折现率",
    "economic_life_years": "经济寿命",
    "pledge_ratio": "质押率基础区间",
    "grade_adjustment": "价值等级调整",
}
