"""The technology development route's presenter (技术发展路线): how it runs in a report,
its section, its rule, and its timeline chart (report figure and dashboard chart alike).

The worked example of a slice (``docs/architecture.md``): the analysis is
:mod:`patnav.analyses.route`, this module shows it, and neither the outlines nor the web
name it — they find it in ``PRESENTERS``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from patnav.analyses.hotspots import HotSpots
from patnav.analyses.route import DevelopmentRoute, development_route
from patnav.presenters.base import ChartSpec, Presenter, figure_of, say
from patnav.reports import labels as L
from patnav.reports.conclusions.base import Rule
from patnav.reports.context import Builder, Results
from patnav.reports.model import Chart, Finding, Paragraph, Section, Series

MIN_LINKS = 5
"""The main-path finding needs at least this many citations between a branch's units."""
MIN_PATH = 3
"""… and a main path of at least this many units."""
SHOWN_BRANCHES = 3
"""… for the three branches with the most citations between their units."""
TABLE_ROWS = 40
"""Key patents listed in the report's table (the timeline shows them all)."""


def run(b: Builder) -> DevelopmentRoute:
    """The route over the report's scope, branch by top-level node, tracing the emerging
    terms the report's hot-spot analysis found (when a branch has no citations)."""
    hot = b.results.hotspots
    terms = tuple(t.term for t in hot.emerging) if isinstance(hot, HotSpots) else None
    return development_route(
        b.engine,
        b.base_scope(),
        count_by=b.count_by,
        spec=b.spec,
        terms=terms if terms is not None else (),
        data_dir=b.data_dir,
    )


def route_charts(data: dict[str, Any], lang: str) -> list[ChartSpec]:
    """The timeline: each branch a lane, each key patent a point at its filing year."""
    patents = data.get("patents") or []
    lanes = [b["name"] for b in data.get("branches") or []]
    lanes = [name for name in lanes if any(p["branch"] == name for p in patents)]
    title = say(lang, "技术发展路线", "Technology development route")
    unit = say(lang, "申请年", "filing year")
    shown = [p for p in patents if p.get("filing_year") is not None]
    if not shown:
        return [
            ChartSpec(
                "development_route",
                title,
                unit,
                Chart("timeline", (), ()),
                empty=say(
                    lang,
                    "没有可列出的关键专利：数据中既无引证信息，也未找到新兴技术词的首次申请。",
                    "No key patent to show: the data hold no citations and no first "
                    "filing of an emerging term.",
                ),
            )
        ]
    chart = Chart(
        "timeline",
        tuple(str(p["doc_id"]) for p in shown),
        (
            Series(unit, tuple(float(p["filing_year"]) for p in shown)),
            Series(
                say(lang, "技术分支", "branch"),
                tuple(float(lanes.index(p["branch"])) for p in shown),
            ),
        ),
        x_label=unit,
        rows=tuple(lanes),
    )
    periods = [_span(w) for w in data.get("periods") or []]
    subtitle = say(
        lang,
        "点为各技术分支每个时间段的关键专利（高被引、引证主路径或新兴技术词首次申请）；"
        f"时间段：{'、'.join(periods)}",
        "points: the key patents of each branch and period (most cited, citation main "
        f"path, or first filing of an emerging term); periods: {', '.join(periods)}",
    )
    return [
        ChartSpec(
            "development_route",
            title,
            unit,
            chart,
            subtitle=subtitle,
            tooltips=tuple(_tooltip(p, lang) for p in shown),
        )
    ]


def _span(window: Sequence[int]) -> str:
    start, end = window
    return str(start) if start == end else f"{start}–{end}"


def _basis(p: dict[str, Any], lang: str) -> str:
    if lang != "en":
        return str(p["basis_zh"])
    return {
        "cited": "most cited",
        "main_path": "citation main path",
        "emerging": "first filing of an emerging term",
    }.get(str(p["basis"]), str(p["basis"]))


def _tooltip(p: dict[str, Any], lang: str) -> str:
    title = p.get("title") or ""
    detail = _basis(p, lang)
    if p["basis"] == "emerging" and p.get("term"):
        detail += f"「{p['term']}」" if lang != "en" else f" '{p['term']}'"
    elif p.get("cited"):
        detail += say(
            lang, f"，被引 {p['cited']:,} 次", f", cited {p['cited']:,} times"
        )
    return (
        f"{p['doc_id']} {title}（{detail}）"
        if lang != "en"
        else (f"{p['doc_id']} {title} ({detail})")
    )


def route_section(
    b: Builder, result: Any, found: Sequence[Finding], level: int
) -> Section | None:
    """技术发展路线: the method, each branch's basis and main path, the timeline, the key
    patents."""
    if not isinstance(result, DevelopmentRoute):
        return None
    s = Section(say(b.lang, "技术发展路线", "Technology development route"), level)
    s.key = "development_route"
    s.add(*[f for f in found if f.rule.startswith("route.")])
    periods = "、".join(L.span(w) for w in result.periods) or "-"
    s.add(
        Paragraph(
            b.say(
                f"本节按技术分支梳理各时间段（{periods}）的关键专利：{result.method_zh}。"
                "每件关键专利注明其入选依据。",
                f"Key patents of each branch in each period ({periods}); {result.method}. "
                "Each key "
                "patent states why it is one.",
            )
        )
    )
    for branch in result.branches:
        if branch.method == "citations":
            path = " → ".join(branch.main_path)
            text = b.say(
                f"「{branch.name}」：{b.qty(branch.units)}，其中 {L.num(branch.with_citations)} "
                f"{L.unit_measure(b.count_by, 'zh')}有引证数据，分支内相互引证 "
                f"{L.num(branch.links)} 条；引证主路径：{path}。",
                f"{branch.name}: {b.qty(branch.units)}, {L.num(branch.with_citations)} with "
                f"citation data, {L.num(branch.links)} citations between them; main path: "
                f"{path}.",
            )
        elif branch.method == "cited":
            text = b.say(
                f"「{branch.name}」：{b.qty(branch.units)}，其中 {L.num(branch.with_citations)} "
                f"{L.unit_measure(b.count_by, 'zh')}有被引数据，分支内无相互引证，按被引次数选取。",
                f"{branch.name}: {b.qty(branch.units)}, {L.num(branch.with_citations)} "
                "cited; no citations between them, so chosen by times cited.",
            )
        elif branch.method == "emerging":
            text = b.say(
                f"「{branch.name}」：{b.qty(branch.units)}，数据中无引证信息，"
                "取各新兴技术词在各时间段内的首次申请。",
                f"{branch.name}: {b.qty(branch.units)} without citation data; the first "
                "filings of the emerging terms in each period.",
            )
        else:
            text = b.say(
                f"「{branch.name}」：分析范围内没有该分支的专利。",
                f"{branch.name}: no patents of this branch in the scope.",
            )
        s.add(Paragraph(text))
    for spec in route_charts(result.to_dict(), b.lang):
        if spec.drawable:
            s.add(figure_of(b, spec))
    if result.patents:
        rows = [
            [
                p.branch,
                p.period,
                p.doc_id,
                L.short_title(p.title, 40) if p.title else "-",
                p.applicant or "-",
                str(p.filing_year) if p.filing_year is not None else "-",
                (p.basis_zh if b.lang != "en" else _basis({"basis": p.basis}, "en"))
                + (f"「{p.term}」" if p.term and b.lang != "en" else "")
                + (f" '{p.term}'" if p.term and b.lang == "en" else ""),
                L.num(p.cited) if p.basis != "emerging" else "-",
            ]
            for p in result.patents[:TABLE_ROWS]
        ]
        s.add(
            b.table(
                b.say("技术发展路线关键专利", "Key patents of the development route"),
                [
                    b.say("技术分支", "Branch"),
                    b.say("时间段", "Period"),
                    b.t("col.patent"),
                    b.say("名称", "Title"),
                    b.t("col.applicant"),
                    b.t("col.year"),
                    b.say("入选依据", "Basis"),
                    b.say("被引次数", "Times cited"),
                ],
                rows,
                sort=b.say(
                    "按技术分支、时间段；段内按被引次数降序，其后为主路径专利",
                    "by branch and period; within a period by times cited, then the "
                    "main-path patents",
                ),
                top=TABLE_ROWS,
                total=len(result.patents),
                align="llllllll",
                key="development_route.table",
            )
        )
    return s


def main_path_rule(r: Results) -> list[Finding]:
    """A branch whose units cite each other enough: its main path, oldest to newest."""
    route = r.of("development_route", DevelopmentRoute)
    if route is None:
        return []
    out = []
    ranked = sorted(route.branches, key=lambda br: (-br.links, br.name))
    for branch in ranked[:SHOWN_BRANCHES]:
        path = branch.main_path
        if branch.links < MIN_LINKS or len(path) < MIN_PATH:
            continue
        years = {
            p.doc_id: p.filing_year for p in route.patents if p.branch == branch.name
        }
        first, last = path[0], path[-1]
        when = (
            f"（{years[first]} 年）" if years.get(first) else "",
            f"（{years[last]} 年）" if years.get(last) else "",
        )
        out.append(
            Finding(
                rule="route.main_path",
                kind="trend",
                text=say(
                    r.lang,
                    f"「{branch.name}」的技术发展主线清晰：分支内 {L.num(branch.links)} 条相互引证"
                    f"构成的引证主路径由 {first}{when[0]} 延伸至 {last}{when[1]}，"
                    f"共 {L.num(len(path))} 件，是该分支技术演进的骨干专利。",
                    f"{branch.name} has a clear line of development: its main path over "
                    f"{L.num(branch.links)} citations between its units runs from {first} to "
                    f"{last}, {L.num(len(path))} patents that carry its evolution.",
                ),
                numbers={"links": branch.links, "path": len(path)},
                subject=branch.name,
                priority=60,
                basis=float(branch.links),
                min_basis=float(MIN_LINKS),
            )
        )
    return out


PRESENTER = Presenter(
    "development_route",
    section=route_section,
    charts=route_charts,
    rules=(
        Rule(
            "route.main_path",
            "技术分支的引证主路径",
            "A branch's citation main path",
            f"分支内相互引证 ≥ {MIN_LINKS} 条且主路径 ≥ {MIN_PATH} 件；"
            f"取相互引证最多的 {SHOWN_BRANCHES} 个分支",
            f"≥ {MIN_LINKS} citations between the branch's units and a main path of "
            f"≥ {MIN_PATH} units; the {SHOWN_BRANCHES} branches with the most citations",
            main_path_rule,
        ),
    ),
    run=run,
    reports=("industry", "rnd"),
    dashboard=True,
    order=95,
    keys=("development_route",),
)
"""The development route's slice: in industry and R&D reports and on the dashboard."""
