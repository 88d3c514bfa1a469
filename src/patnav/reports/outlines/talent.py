"""人才类专利导航 (talent): who invents in a field, in which teams, for whom — and whom to
recruit.

Outline: 主要结论与建议 → 数据与方法 → 人才态势 (trend; inventors, productivity, teams, core
inventors of the top applicants; the applicants they work for) → 各技术分支人才 (the top
inventors of every top-level branch) → 引才建议 (with a home region: the most productive
inventors outside it in the weak and missing nodes, from the chain analysis).
"""

from __future__ import annotations

from collections.abc import Sequence

# the module, not its names: patnav.presenters imports the reports package
from patnav import presenters as P
from patnav.analyses.inventors import inventor_analysis
from patnav.reports import labels as L
from patnav.reports import sections as S
from patnav.reports.context import Builder
from patnav.reports.model import Finding, Section
from patnav.reports.outlines.common import (
    Outline,
    base_scope,
    run_chain,
    run_landscape,
    run_sources,
)
from patnav.reports.scope import state_spec

TOP = 30


def analyse(b: Builder) -> None:
    """Trend, applicants and inventors of the field; inventors per branch; the chain's
    talents when the spec has a home region."""
    scope = base_scope(b)
    state_spec(b, scope)
    run_sources(b, scope)
    run_landscape(b, scope, ("trend", "applicants", "inventors"), top=TOP)
    with b.timed("analysis.node_inventors"):
        for node in b.spec.nodes:
            b.results.node_inventors[node.name] = inventor_analysis(
                b.engine,
                b.node_scope(node),
                count_by=b.count_by,
                top=10,
            )
    if b.spec.nodes and b.spec.region is not None:
        run_chain(b)


def sections(b: Builder, found: Sequence[Finding]) -> list[Section]:
    """人才态势 → 各技术分支人才 → 引才建议."""
    r = b.results
    pool = Section(b.t("sec.talent.pool"), 1, key="talent")
    pool.add(P.present(b, "trend", found))
    if r.inventors is not None:
        pool.add(P.present(b, "inventors", found))
        if r.inventors.core:
            rows = [
                [
                    c.applicant,
                    L.num(c.units),
                    ("、" if b.lang != "en" else "; ").join(
                        f"{i.name}（{i.units}）"
                        if b.lang != "en"
                        else f"{i.name} ({i.units})"
                        for i in c.inventors
                    ),
                ]
                for c in r.inventors.core
            ]
            pool.add(
                b.table(
                    b.say(
                        "主要申请人的核心发明人", "Core inventors of the top applicants"
                    ),
                    [b.t("col.applicant"), b.count_header, b.t("col.members")],
                    rows,
                    sort=b.say(
                        "申请人按数量降序；发明人按其数量降序",
                        "applicants by units; inventors by units",
                    ),
                    align="lrl",
                    key="talent.core",
                )
            )
    pool.add(P.present(b, "applicants", found))
    out = [pool]
    if r.node_inventors:
        branches = Section(
            b.say("各技术分支人才", "Talent per branch"), 1, key="talent.nodes"
        )
        rows = []
        for node, inv in r.node_inventors.items():
            for i in inv.inventors[:5]:
                rows.append(
                    [
                        node,
                        i.name,
                        i.applicant,
                        L.num(i.units),
                        L.years(i.first_year, i.last_year),
                        L.dec(i.productivity, 1),
                    ]
                )
        if rows:
            branches.add(
                b.table(
                    b.say("各技术分支主要发明人", "Top inventors of every branch"),
                    [
                        b.t("col.node"),
                        b.t("col.inventor"),
                        b.t("col.applicant"),
                        b.count_header,
                        b.t("col.first_last"),
                        b.t("col.productivity"),
                    ],
                    rows,
                    sort=b.say(
                        "分支内按数量降序，每分支前 5 位", "per branch by units, top 5"
                    ),
                    align="lllrlr",
                    key="talent.nodes.table",
                )
            )
            counts = [
                (node, inv.inventors_total) for node, inv in r.node_inventors.items()
            ]
            from patnav.reports.model import Chart, Series

            branches.add(
                b.figure(
                    b.say("各技术分支发明人数量", "Inventors per branch"),
                    Chart(
                        "barh",
                        tuple(n for n, _ in counts),
                        (
                            Series(
                                b.say("发明人（人）", "Inventors"),
                                tuple(float(c) for _, c in counts),
                            ),
                        ),
                        x_label=b.say("发明人（人）", "Inventors"),
                    ),
                    unit=b.say("人", "inventors"),
                    key="talent.nodes.counts",
                )
            )
        out.append(branches)
    out.extend(
        filter(None, [P.present(b, "chain", found, level=1, part="talent_path")])
    )
    out.append(S.appendix_section(b, found))
    return out


OUTLINE = Outline(analyse, sections)
