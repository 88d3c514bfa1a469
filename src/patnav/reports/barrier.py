"""The 专利壁垒预警报告: a country barrier view as a renderer-neutral report (Chinese).

One chapter states the scope (the product area's query, IPC classes or patent set, the
countries, the date, the documents considered, the data per office and its cut-off), then
one chapter per target country: the overview with the unknown statuses, the owners, the
expiry timeline, the families, the strongest claims, the pending rights (潜在壁垒（审中）)
and the rights of unknown status — each figure drawn from the chart specifications of
:mod:`patnav.presenters.barrier` —, and a chapter of limits. The DOCX, HTML and PDF
renderers of :mod:`patnav.reports` write it::

    report = barrier_report(store, view)
    render_report(report, "docx", out="reports/")
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from patnav.analyses.barrier import BarrierView, CountryBarrier
from patnav.presenters.barrier import barrier_charts
from patnav.presenters.base import ChartSpec
from patnav.reports.build import number
from patnav.reports.model import Figure, Paragraph, Report, Section, Table
from patnav.schema.countries import country_name
from patnav.storage.store import PatentStore

TITLE = "专利壁垒预警报告"

DISCLAIMER = (
    "本报告为专利壁垒的初步预警，依据库中数据的法律状态与同族信息，不构成法律意见；"
    "是否构成侵权须结合产品逐项比对权利要求，由专业人员判断。"
)

DETAIL_ZH = {
    "no_status": "数据未载法律状态",
    "term_ended_estimated": "按法定期限估算已届满，但无失效证据",
    "ep_no_state_evidence": "欧洲专利在该国无生效或缴费证据",
    "restored_later": "判断日后有恢复记录",
}


@dataclass(frozen=True, slots=True)
class BarrierReportFacts:
    """What the store holds, for the scope chapter: documents per office and the latest
    publication date (the data cut-off)."""

    offices: tuple[tuple[str, int], ...] = ()
    cutoff: date | None = None


def report_facts(store: PatentStore) -> BarrierReportFacts:
    """Documents per office and the data cut-off of the store."""
    offices = tuple(
        (str(o), int(n))
        for o, n in store.rows(
            "SELECT coalesce(office, '未知'), count(*) FROM patents GROUP BY 1 "
            "ORDER BY 2 DESC, 1"
        )
    )
    cutoff = store.scalar("SELECT max(pub_date) FROM patents")
    return BarrierReportFacts(offices, cutoff if isinstance(cutoff, date) else None)


class _Numbers:
    def __init__(self) -> None:
        self.tables = 0
        self.figures = 0

    def table(self, table: Table) -> Table:
        self.tables += 1
        table.number = self.tables
        return table

    def figure(self, spec: ChartSpec, note: str) -> Figure:
        self.figures += 1
        parts = [p for p in (spec.subtitle, note) if p]
        if spec.unknown:
            parts.append(f"灰色条为{spec.unknown}部分，单独列出")
        return Figure(
            spec.title,
            spec.unit,
            "；".join(parts),
            spec.chart,
            number=self.figures,
            key=spec.key,
        )


def _day(value: date | None) -> str:
    return value.isoformat() if value else "未知"


def _expiry(value: date | None, estimated: bool | None) -> str:
    if value is None:
        return "未知"
    return value.isoformat() + ("（估算）" if estimated else "")


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def build_barrier_report(
    view: BarrierView,
    facts: BarrierReportFacts | None = None,
    *,
    made_on: date | None = None,
    draw: bool = True,
) -> Report:
    """The report of a barrier view (Chinese).

    Args:
        view: the barrier view (:func:`patnav.analyses.barrier.country_barrier`).
        facts: the store's offices and cut-off (:func:`report_facts`); None: unknown.
        made_on: the report date (default: today).
        draw: draw the figures now (False leaves them for the renderer's caller).
    """
    facts = facts or BarrierReportFacts()
    n = _Numbers()
    today = made_on or date.today()
    countries = "、".join(f"{c.country_label}（{c.country}）" for c in view.countries)
    meta = [
        ("预警范围", view.scope_label),
        ("目标国家/地区", countries),
        ("判断日", view.as_of.isoformat()),
        ("数据截止日", f"{facts.cutoff}（库中最晚公开日）" if facts.cutoff else "未知"),
        ("报告日期", today.isoformat()),
        ("性质", "专利壁垒初步预警，非法律意见"),
    ]
    sections = [_scope(n, view, facts)]
    sections += [_country(n, view, c) for c in view.countries]
    sections.append(_limits(view))
    number(sections)
    report = Report(
        title=TITLE,
        subtitle="重点目的国专利壁垒预警（初步筛查）",
        type="barrier",
        lang="zh",
        meta=meta,
        sections=sections,
        source="patnav barrier",
    )
    if draw:
        from patnav.reports.charts import render_all

        render_all(report.figures())
    return report


def barrier_report(
    store: PatentStore,
    view: BarrierView,
    *,
    made_on: date | None = None,
    draw: bool = True,
) -> Report:
    """:func:`report_facts` and :func:`build_barrier_report` in one call."""
    return build_barrier_report(view, report_facts(store), made_on=made_on, draw=draw)


def _scope(n: _Numbers, view: BarrierView, facts: BarrierReportFacts) -> Section:
    s = Section("预警范围与数据", key="scope")
    area = []
    if view.patent_set:
        area.append(f"专利集“{view.patent_set}”")
    if view.query:
        area.append(f"检索式 {view.query}")
    if view.ipc:
        area.append("IPC 分类 " + "、".join(view.ipc))
    s.add(
        Paragraph(
            f"技术领域：{'；'.join(area)}。实际执行的检索式："
            f"{view.expert_query or '（专利集本身）'}；命中文献 {view.documents} 篇，"
            "逐篇判断其在各目标国的法律状态。"
        ),
        Paragraph(
            f"判断日 {view.as_of.isoformat()}：文献自身或其在目标国公开的同族成员在该日的"
            "法律状态（事件、来源所载状态及其日期、来源给出的届满日），判断日后公开的成员"
            "不计。同一申请的多次公开（如申请公开与授权公告）计为一件权利。"
        ),
    )
    if facts.offices:
        s.add(
            n.table(
                Table(
                    "库中数据（按受理局）",
                    ("受理局", "文献数"),
                    tuple(
                        (f"{country_name(o)}（{o}）", f"{k:,}")
                        for o, k in facts.offices[:15]
                    ),
                    align="lr",
                    top_note="列前 15 个受理局" if len(facts.offices) > 15 else "",
                    key="offices",
                )
            )
        )
    s.add(
        n.table(
            Table(
                "各目标国壁垒概况",
                (
                    "国家/地区",
                    "检索文献",
                    "未进入该国",
                    "有效",
                    "潜在壁垒（审中）",
                    "状态未知",
                    "已失效",
                    "有效专利族",
                ),
                tuple(
                    (
                        f"{c.country_label}（{c.country}）",
                        f"{c.documents:,}",
                        f"{c.not_in_country:,}",
                        f"{c.in_force:,}",
                        f"{c.pending:,}",
                        f"{c.unknown:,}",
                        f"{c.free:,}",
                        f"{c.families:,}",
                    )
                    for c in view.countries
                ),
                align="lrrrrrrr",
                unit="单位：篇（文献）、件（按申请计的权利）、族",
                key="overview",
            )
        )
    )
    return s


def _charts(view: BarrierView, c: CountryBarrier) -> dict[str, ChartSpec]:
    data: dict[str, Any] = view.to_dict()
    entry = next(x for x in data["countries"] if x["country"] == c.country)
    return {spec.key: spec for spec in barrier_charts(entry, "zh")}


def _scope_note(view: BarrierView, c: CountryBarrier) -> str:
    return (
        f"范围：{view.scope_label}；{c.country_label}；判断日 {view.as_of.isoformat()}；"
        f"检索文献 {c.documents} 篇；状态未知 {c.unknown} 件"
    )


def _country(n: _Numbers, view: BarrierView, c: CountryBarrier) -> Section:
    s = Section(f"{c.country_label}（{c.country}）专利壁垒", key=f"country.{c.country}")
    specs = _charts(view, c)
    note = _scope_note(view, c)
    unknown_why = "；".join(
        f"{DETAIL_ZH.get(d, d)} {k} 件" for d, k in c.unknown_details
    )
    overview = s.sub("概况", f"{c.country}.overview")
    overview.add(
        Paragraph(
            f"检索文献 {c.documents} 篇中，{c.not_in_country} 篇在{c.country_label}无公开的"
            f"同族成员（未进入该国）；其余归并为 {c.in_force + c.pending + c.unknown + c.free}"
            f" 件权利：有效 {c.in_force} 件（{c.families} 个专利族），潜在壁垒（审中）"
            f"{c.pending} 件"
            + (
                f"（其中 PCT 国际申请尚在进入该国期限内 {c.pct_pending} 件）"
                if c.pct_pending
                else ""
            )
            + f"，状态未知 {c.unknown} 件，已失效 {c.free} 件。"
        ),
        Paragraph(
            f"状态未知的 {c.unknown} 件单独列出，既不视为有效，也不视为已失效"
            + (f"（{unknown_why}）。" if unknown_why else "。")
        ),
    )

    owners = s.sub("主要权利人", f"{c.country}.owners")
    if c.owners:
        owners.add(
            n.table(
                Table(
                    f"{c.country_label}主要权利人",
                    (
                        "权利人",
                        "有效",
                        "审中",
                        "状态未知",
                        "有效占比",
                        "最早届满",
                        "最晚届满",
                    ),
                    tuple(
                        (
                            o.owner,
                            str(o.in_force),
                            str(o.pending),
                            str(o.unknown),
                            _pct(o.share),
                            _expiry(o.earliest_expiry, o.expiry_estimated),
                            _expiry(o.latest_expiry, o.expiry_estimated),
                        )
                        for o in c.owners
                    ),
                    sort_note="按有效件数降序",
                    top_note=f"列前 {view.top} 位",
                    unit="单位：件（按申请计）；共有专利计入每个权利人，占比之和可超过 100%",
                    source_note=note,
                    dash_note="“-”：该国无有效专利，占比无从计算。",
                    align="lrrrrll",
                    key=f"{c.country}.owners",
                )
            )
        )
        if "barrier.owners" in specs:
            owners.add(n.figure(specs["barrier.owners"], note))
    else:
        owners.add(Paragraph("该国无有效、审中或状态未知的权利。"))

    timeline = s.sub("届满时间分布", f"{c.country}.expiry")
    estimated = sum(e.estimated for e in c.expiry)
    known = sum(e.known for e in c.expiry)
    timeline.add(
        Paragraph("该国无有效专利，无届满时间可列。")
        if not c.in_force
        else Paragraph(
            f"有效的 {c.in_force} 件中，届满日来源所载或事件给出的 {known} 件，按法定期限"
            f"估算的 {estimated} 件（未计专利期限补偿与延长），届满日未知的 "
            f"{c.expiry_unknown} 件。"
        )
    )
    if c.expiry:
        timeline.add(
            n.table(
                Table(
                    f"{c.country_label}有效专利届满年份",
                    ("届满年", "已知", "估算", "合计"),
                    tuple(
                        (
                            str(e.year),
                            str(e.known),
                            str(e.estimated),
                            str(e.known + e.estimated),
                        )
                        for e in c.expiry
                    ),
                    unit="单位：件",
                    source_note=note,
                    align="lrrr",
                    key=f"{c.country}.expiry",
                )
            )
        )
    if "barrier.expiry" in specs:
        timeline.add(n.figure(specs["barrier.expiry"], note))

    families = s.sub("专利族布局", f"{c.country}.families")
    families.add(
        Paragraph(
            f"有效专利归属 {c.families} 个专利族（无同族数据的按申请各计一族）；覆盖国家数按"
            "库中同族成员在判断日前的公开国计，库外成员不计。"
        )
    )
    if c.top_families:
        families.add(
            n.table(
                Table(
                    f"{c.country_label}有效专利族",
                    ("专利族", "该国有效专利", "覆盖国家", "地区/国际公开"),
                    tuple(
                        (
                            f.family,
                            "、".join(f.rights),
                            "、".join(f.countries) or "-",
                            "、".join(f.regional) or "-",
                        )
                        for f in c.top_families
                    ),
                    sort_note="按覆盖国家数降序",
                    top_note=f"列前 {view.top} 个",
                    dash_note="“-”：无。",
                    source_note=note,
                    align="llll",
                    key=f"{c.country}.families",
                )
            )
        )
    if "barrier.families" in specs:
        families.add(n.figure(specs["barrier.families"], note))

    strong = s.sub("保护范围较宽的权利要求", f"{c.country}.claims")
    strong.add(
        Paragraph("该国无有效专利，无权利要求可比。")
        if not c.in_force
        else Paragraph(
            f"有效的 {c.in_force} 件中，库中有第一项独立权利要求文本的 {c.claims_known} 件，"
            f"有价值评分的 {c.value_scored} 件。按第一项独立权利要求的技术特征数（少者"
            "保护范围宽），同数按字符数排序；价值评分（用途：管理）仅供参考，不参与排序。"
        )
    )
    if c.strongest:
        strong.add(
            n.table(
                Table(
                    f"{c.country_label}保护范围较宽的有效专利",
                    (
                        "公开号",
                        "权利人",
                        "技术特征数",
                        "字符数",
                        "价值评分",
                        "第一项独立权利要求",
                    ),
                    tuple(
                        (
                            k.pub_number,
                            "、".join(k.owners) or "-",
                            str(k.elements),
                            str(k.characters),
                            "-" if k.value_score is None else f"{k.value_score:.1f}",
                            k.text if len(k.text) <= 300 else k.text[:300] + "……",
                        )
                        for k in c.strongest
                    ),
                    sort_note="按技术特征数、字符数升序",
                    source_note=note,
                    top_note=f"列前 {view.top} 件",
                    dash_note="“-”：数据未载或未评分。",
                    align="llrrrl",
                    key=f"{c.country}.claims",
                )
            )
        )

    pending = [r for r in c.rights if r.category == "pending"]
    watch = s.sub("潜在壁垒（审中）", f"{c.country}.pending")
    if pending:
        watch.add(
            n.table(
                Table(
                    f"{c.country_label}潜在壁垒（审中）",
                    ("公开号", "名称", "权利人", "依据"),
                    tuple(
                        (
                            r.pub_number,
                            (r.title or "-")[:40],
                            "、".join(r.owners) or "-",
                            "PCT 国家阶段期限内"
                            if r.detail == "pct_window_open"
                            else "审查中",
                        )
                        for r in pending
                    ),
                    source_note=note,
                    top_note=f"共 {c.pending} 件，列前 {len(pending)} 件"
                    if len(pending) < c.pending
                    else "",
                    dash_note="“-”：数据未载。",
                    align="llll",
                    key=f"{c.country}.pending",
                )
            )
        )
    else:
        watch.add(Paragraph("该国无审中的权利。"))

    unknown = [r for r in c.rights if r.category == "unknown"]
    if unknown:
        s.sub("法律状态未知", f"{c.country}.unknown").add(
            n.table(
                Table(
                    f"{c.country_label}法律状态未知的权利",
                    ("公开号", "名称", "权利人", "原因"),
                    tuple(
                        (
                            r.pub_number,
                            (r.title or "-")[:40],
                            "、".join(r.owners) or "-",
                            DETAIL_ZH.get(r.detail or "no_status", r.detail or "-"),
                        )
                        for r in unknown
                    ),
                    source_note=note,
                    top_note=f"共 {c.unknown} 件，列前 {len(unknown)} 件"
                    if len(unknown) < c.unknown
                    else "",
                    dash_note="“-”：数据未载。",
                    align="llll",
                    key=f"{c.country}.unknown",
                )
            )
        )
    return s


def _limits(view: BarrierView) -> Section:
    s = Section("局限与声明", key="limits")
    s.add(Paragraph(DISCLAIMER, "lead"))
    s.add(
        Paragraph(
            "法律状态以库中数据为准：来源未注明日期的状态按判断日有效处理；欧洲专利在某一"
            "成员国须有该国的生效或缴费证据才计为有效；状态未知者单独列出。"
        ),
        Paragraph(
            "届满日为估算者按法定期限推算，未计专利期限补偿、延长与补充保护；期限届满仅为"
            "估算而无失效证据者计为状态未知。"
        ),
        Paragraph("专利族与覆盖国家仅依据库中已导入的同族成员；未导入的同族成员不计。"),
    )
    for note in view.notes:
        s.add(Paragraph(note))
    return s
