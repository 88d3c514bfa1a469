"""企业经营类专利导航 (enterprise operations): the enterprise's portfolio, its competitors side
by side, the opportunities of its industry.

The spec's ``entities`` name the enterprise first, then its competitors (``%`` wildcards
allowed). Outline: 主要结论与建议 → 数据与方法 → 企业专利组合画像 (the first entity's documents
within the spec's data: trend, technology, legal status, markets, inventors, core patents)
→ 竞争对手对标 (all entities side by side, and across the top-level technology branches)
→ 技术热点与空白点 (of the industry) → 发展路径与建议.
"""

from __future__ import annotations

from collections.abc import Sequence

# the module, not its names: patnav.presenters imports the reports package
from patnav import presenters as P
from patnav.analyses.base import Scope
from patnav.analyses.competitors import competitor_benchmark
from patnav.analyses.spec import entity_query
from patnav.analyses.value import value_distribution
from patnav.reports import sections as S
from patnav.reports.context import Builder
from patnav.reports.model import Finding, Section
from patnav.reports.outlines.common import (
    HOTSPOT_SAMPLE,
    Outline,
    base_scope,
    run_landscape,
    run_sources,
)
from patnav.reports.scope import state, state_spec

PORTFOLIO = ("trend", "geography", "inventors", "technology", "legal", "citations")


def analyse(b: Builder) -> None:
    """The focal entity's portfolio, the benchmark, the industry's hot spots."""
    scope = base_scope(b)
    state_spec(b, scope)
    run_sources(b, scope)
    focal = b.spec.entities[0]
    own = scope.narrow(Scope.of_query(entity_query(focal), store=b.store), label=focal)
    state(
        b,
        "portfolio",
        b.t("meta.scope.portfolio"),
        own,
        b.say(f"{focal}在分析范围内的专利", f"the patents of {focal} within the scope"),
        entity_query(focal),
    )
    run_landscape(b, own, PORTFOLIO, lang=b.lang)
    with b.timed("analysis.value"):
        b.results.put("value", value_distribution(b.engine, own))
    run_landscape(b, scope, ("hotspots",), sample=HOTSPOT_SAMPLE)
    with b.timed("analysis.competitors"):
        b.results.competitors = competitor_benchmark(
            b.engine,
            list(b.spec.entities),
            scope,
            count_by=b.count_by,
        )
        for node in b.spec.nodes:
            b.results.node_competitors[node.name] = competitor_benchmark(
                b.engine,
                list(b.spec.entities),
                b.node_scope(node),
                count_by=b.count_by,
                top=1,
            )
    P.run_slices(b)  # the slices of enterprise reports (capability …)


def sections(b: Builder, found: Sequence[Finding]) -> list[Section]:
    """企业专利组合画像 → 竞争对手对标 → 技术热点与空白点 → 发展路径与建议."""
    r = b.results
    portfolio = Section(b.t("sec.portfolio"), 1, key="portfolio")
    portfolio.add(P.present(b, "trend", found))
    if r.technology is not None:
        portfolio.add(P.present(b, "technology", found))
    if r.legal is not None:
        portfolio.add(P.present(b, "legal", found))
    # the portfolio's geography has no home region: the enterprise is its subject
    portfolio.add(P.present(b, "geography", found))
    portfolio.add(P.present(b, "inventors", found))
    portfolio.add(P.present(b, "citations", found))
    portfolio.add(P.present(b, "value", found))
    out = [portfolio]
    benchmark = P.present(b, "competitors", found, level=1)
    if benchmark is not None:
        out.append(benchmark)
    out.extend(filter(None, [P.present(b, "hotspots", found, level=1)]))
    out.extend(P.slice_sections(b, found, level=1))
    out.extend(filter(None, [P.present(b, "chain", found, level=1, part="path")]))
    out.append(S.appendix_section(b, found))
    return out


OUTLINE = Outline(analyse, sections)
