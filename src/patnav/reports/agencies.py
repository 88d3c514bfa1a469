"""The 代理机构质量报告: an agency-quality result as a renderer-neutral report (Chinese).

Chapters: the scope and the definitions (the denominator of the rates, what is counted
apart), the ranking with the outcomes of the invention applications, each listed agency's
technology fields, the figures of :mod:`patnav.presenters.agencies`, and the limits. The
DOCX, HTML and PDF renderers of :mod:`patnav.reports` write it::

    report = agencies_report(result)
    render_report(report, "docx", out="reports/")
"""

from __future__ import annotations

from datetime import date

from patnav.analyses.agencies import (
    DENOMINATOR_ZH,
    ROLES_ZH,
    TYPES_ZH,
    AgencyQuality,
    Outcomes,
)
from patnav.presenters.agencies import agencies_charts
from patnav.presenters.base import ChartSpec
from patnav.reports.build import number
from patnav.reports.model import Figure, Paragraph, Report, Section, Table

TITLE = "代理机构质量报告"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


class _Numbers:
    def __init__(self) -> None:
        self.tables = 0
        self.figures = 0

    def table(self, table: Table) -> Table:
        self.tables += 1
        table.number = self.tables
        return table

    def figure(self, spec: ChartSpec) -> Figure:
        self.figures += 1
        return Figure(
            spec.title,
            spec.unit,
            spec.subtitle,
            spec.chart,
            number=self.figures,
            key=spec.key,
        )


def build_agencies_report(
    result: AgencyQuality, *, made_on: date | None = None, draw: bool = True
) -> Report:
    """The report of an agency-quality result (Chinese).

    Args:
        result: :func:`patnav.analyses.agencies.agency_quality`'s result.
        made_on: the report date (default: today).
        draw: draw the figures now (False leaves them for the renderer's caller).
    """
    n = _Numbers()
    who = ROLES_ZH.get(result.role, result.role)
    meta = [
        ("分析范围", result.scope),
        ("分析对象", who),
        ("计数单位", result.unit_zh),
        ("报告日期", (made_on or date.today()).isoformat()),
    ]
    sections = [
        _scope(n, result, who),
        _ranking(n, result, who),
        _fields(n, result, who),
        _figures(n, result),
        _limits(result),
    ]
    number(sections)
    report = Report(
        title=TITLE,
        subtitle=f"{who}申请量、技术领域与发明申请审查结局",
        type="agencies",
        lang="zh",
        meta=meta,
        sections=sections,
        source="patnav agencies",
    )
    if draw:
        from patnav.reports.charts import render_all

        render_all(report.figures())
    return report


agencies_report = build_agencies_report


def _outcome_text(o: Outcomes) -> str:
    return (
        f"发明申请 {o.inventions:,} 件，其中已审结 {o.decided:,} 件（授权 {o.granted:,}、"
        f"驳回 {o.rejected:,}、撤回 {o.withdrawn:,}），审中 {o.pending:,} 件，"
        f"失效但结局未载明 {o.unclear:,} 件，状态未知 {o.unknown:,} 件"
    )


def _scope(n: _Numbers, r: AgencyQuality, who: str) -> Section:
    s = Section("分析范围与口径", key="scope")
    o = r.overall
    s.add(
        Paragraph(
            f"分析范围：{r.scope}；共 {r.total:,} {r.unit_zh}，其中载有{who}的 "
            f"{r.with_party:,} 件，未载{who}的 {r.without_party:,} 件（{who}未知，不归入"
            f"任何{who}）。范围内共有{who} {r.parties:,} 个，申请量不少于 "
            f"{r.min_units} 件者参与排名，不足者 {r.below_minimum:,} 个，只计数不排名。"
        ),
        Paragraph(
            f"全部范围：{_outcome_text(o)}；"
            + (
                f"授权率 {_pct(o.grant_rate)}，驳回率 {_pct(o.rejection_rate)}，"
                f"撤回率 {_pct(o.withdrawal_rate)}。"
                if o.decided
                else "无已审结的发明申请，不计算比率。"
            )
        ),
        Paragraph(DENOMINATOR_ZH, "lead"),
        Paragraph(
            "授权依据授权日、授权公告文献、仅授权后才有的法律状态（有效、期限届满、无效）"
            "或授权事件；驳回、撤回依据法律状态或法律事件。实用新型与外观设计不经实质审查，"
            "不计授权率。"
        ),
    )
    return s


def _ranking(n: _Numbers, r: AgencyQuality, who: str) -> Section:
    s = Section(f"{who}排名与审查结局", key="ranking")
    if not r.rows:
        s.add(Paragraph(f"没有申请量达到 {r.min_units} 件的{who}，不作排名。"))
        return s
    agent = r.role == "agent"
    columns = [
        "排名",
        who,
        *(["所属代理机构"] if agent else []),
        "申请量",
        "发明",
        "已审结",
        "授权率",
        "驳回率",
        "撤回率",
        "审中",
        "状态未知",
        "权利要求数（均值/中位数）",
        "非正常申请",
    ]
    rows = []
    for row in r.rows:
        o = row.outcomes
        claims = (
            f"{_num(row.claims_mean)}/{_num(row.claims_median)}"
            if row.claims_units
            else "-"
        )
        rows.append(
            (
                str(row.rank),
                row.name,
                *([row.agency or "未知"] if agent else []),
                f"{row.units:,}",
                f"{o.inventions:,}",
                f"{o.decided:,}",
                _pct(o.grant_rate),
                _pct(o.rejection_rate),
                _pct(o.withdrawal_rate),
                f"{o.pending:,}",
                f"{row.status_unknown:,}",
                claims,
                "未知" if row.abnormal is None else f"{row.abnormal:,}",
            )
        )
    s.add(
        n.table(
            Table(
                f"{who}排名",
                tuple(columns),
                tuple(rows),
                sort_note="按申请量降序",
                unit=f"单位：{r.unit_zh}",
                top_note=f"列前 {len(r.rows)} 个（申请量不少于 {r.min_units} 件）",
                align="ll" + ("l" if agent else "") + "r" * (len(columns) - 2 - agent),
                dash_note="“-”：无已审结发明申请（比率），或无权利要求数",
                key="ranking",
            )
        ),
        Paragraph(
            "状态未知：法律状态未载明的申请（含各类型）；其不计入比率。"
            + "".join(r.notes)
        ),
    )
    return s


def _fields(n: _Numbers, r: AgencyQuality, who: str) -> Section:
    s = Section(f"{who}的类型与技术领域", key="fields")
    rows = []
    for row in r.rows:
        types = "、".join(f"{TYPES_ZH.get(t, t)} {k:,}" for t, k in row.by_type)
        sections = "、".join(
            f"{f.field if f.field != 'unknown' else '未分类'} {f.units:,}"
            + (
                f"（授权率 {_pct(f.outcomes.grant_rate)}）"
                if f.outcomes.decided
                else ""
            )
            for f in row.by_section[:4]
        )
        subs = "、".join(f"{c} {k:,}" for c, k in row.top_subclasses) or "-"
        rows.append((row.name, types or "-", sections or "-", subs))
    if rows:
        s.add(
            n.table(
                Table(
                    f"{who}的类型与技术领域分布",
                    (who, "专利类型", "IPC 部（前 4）", "IPC 小类（前 5）"),
                    tuple(rows),
                    unit=f"单位：{r.unit_zh}；技术领域按主分类号",
                    dash_note="“-”：主分类号未载明",
                    key="fields",
                )
            )
        )
    return s


def _figures(n: _Numbers, r: AgencyQuality) -> Section:
    s = Section("图示", key="figures")
    for spec in agencies_charts(r.to_dict(), "zh"):
        if spec.drawable:
            s.add(n.figure(spec))
    return s


def _limits(r: AgencyQuality) -> Section:
    s = Section("局限与说明", key="limits")
    s.add(
        Paragraph(
            "代理机构名称按库中清洗后的名称（已做实体归并者按实体）统计；一件申请有多个"
            "代理机构时各计一次。代理人按姓名与所属代理机构区分。"
        ),
        Paragraph(
            "法律状态以库中数据为准，审中与状态未知的申请结局未定，授权率会随审结而变化；"
            "申请量小的代理机构比率波动大，宜结合已审结件数阅读。"
        ),
    )
    for note in r.notes:
        s.add(Paragraph(note))
    return s
