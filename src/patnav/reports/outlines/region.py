"""区域规划类专利导航 (region planning): the region's own patents first, then where it stands
in the industries of its spec, then what to attract and whom to recruit.

Outline: 主要结论与建议 → 数据与方法 → 区域专利现状 (the landscape of the documents with an
applicant in the region: trend, applicants, technology, legal status, core patents,
inventors) → 产业链定位 (the region against its comparator, node by node) → 区域定位 (its
rank among provinces or cities, its units per year, its leading players per node) →
发展路径与建议.
"""

from __future__ import annotations

from collections.abc import Sequence

# the module, not its names: patnav.presenters imports the reports package
from patnav import presenters as P
from patnav.analyses.base import Scope
from patnav.analyses.value import value_distribution
from patnav.errors import InvalidParameterError
from patnav.reports import sections as S
from patnav.reports.context import Builder
from patnav.reports.model import Finding, Section
from patnav.reports.outlines.common import (
    Outline,
    base_scope,
    run_chain,
    run_landscape,
    run_nodes,
    run_sources,
)
from patnav.reports.outlines.industry import landscape_section
from patnav.reports.scope import state_region, state_spec

HOME = (
    "trend",
    "applicants",
    "network",
    "inventors",
    "technology",
    "legal",
    "citations",
)


def analyse(b: Builder) -> None:
    """The region's own landscape; geography and the chain over the spec's scope.

    The region's landscape covers its applicants' documents (within the base query when
    there is one): the region is the subject. The geography and the chain cover the
    spec's scope (the base query or the nodes' union) — or, when the spec defines neither,
    the region's documents themselves.
    """
    region = b.spec.region
    if region is None:
        raise InvalidParameterError(
            f"{b.spec.source}: a region navigation report needs 'region:' in its spec, e.g. "
            "'region: {city: 泰安市, province: 山东省}'."
        )
    scope = base_scope(b)
    if b.spec.scope().basis == "region":
        home = documents = scope
        state_spec(b, scope)
    else:
        home = b.spec.region_scope(b.store)
        state_region(b, home)
        state_spec(b, scope, key="chain")
        documents = Scope.union([home, scope], label=b.spec.title)
    run_sources(b, documents)
    run_landscape(b, home, HOME, lang=b.lang)
    with b.timed("analysis.value"):
        b.results.put("value", value_distribution(b.engine, home))
    run_landscape(b, scope, ("geography",), region=region, lang=b.lang)
    if b.spec.nodes:
        run_chain(b)
        run_nodes(b, every=False)
    P.run_slices(b)  # the slices (capability …): the landscape section shows them


def sections(b: Builder, found: Sequence[Finding]) -> list[Section]:
    """区域专利现状 → 产业链定位 → 区域定位 → 发展路径与建议."""
    # the landscape is the region's own documents; the geography (the region among the
    # provinces or cities of the spec's data) belongs to its position
    landscape = landscape_section(
        b, found, b.t("sec.landscape.region"), geography=False
    )
    out = [landscape]
    chain = P.present(b, "chain", found, level=1)
    position = P.present(b, "chain", found, level=1, part="position")
    if chain is not None and position is not None:
        out.append(chain)
        # the home region against the nation is the position's own figure
        geography = P.present(b, "geography", found)
        if geography is not None:
            position.blocks.insert(2, geography)
        out.append(position)
    else:
        landscape.add(P.present(b, "geography", found))
    out.extend(filter(None, [P.present(b, "chain", found, level=1, part="path")]))
    out.append(S.appendix_section(b, found))
    return out


OUTLINE = Outline(analyse, sections)
