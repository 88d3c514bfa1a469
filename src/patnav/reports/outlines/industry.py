"""产业规划类专利导航 (industry planning): the industry's patent landscape, the home region's
position along its chain, and the path to strengthen and complete it.

Outline (GB/T 39551 parts): 主要结论与建议 → 数据与方法 → 产业专利态势 (trend and lifecycle,
geography, applicants, technology, legal status, core patents, inventors, hot spots, and
the slices the presenters add to industry reports: 技术发展路线) →
产业链定位 → 区域定位 → 发展路径与建议.
"""

from __future__ import annotations

from collections.abc import Sequence

# the module, not its names: patnav.presenters imports the reports package
from patnav import presenters as P
from patnav.analyses import FULL_LANDSCAPE
from patnav.reports import sections as S
from patnav.reports.context import Builder
from patnav.reports.model import Finding, Section
from patnav.reports.outlines.common import (
    HOTSPOT_SAMPLE,
    Outline,
    base_scope,
    run_chain,
    run_landscape,
    run_nodes,
    run_sources,
)
from patnav.reports.scope import state_spec


def analyse(b: Builder) -> None:
    """The landscape of the spec's data, the chain, the top-level nodes' trends."""
    scope = base_scope(b)
    state_spec(b, scope)
    run_sources(b, scope)
    run_landscape(
        b,
        scope,
        FULL_LANDSCAPE,
        region=b.spec.region,
        lang=b.lang,
        sample=HOTSPOT_SAMPLE,
    )
    if b.spec.nodes and b.spec.region is not None:
        run_chain(b)
        run_nodes(b, every=False)
    P.run_slices(b)


def landscape_section(
    b: Builder,
    found: Sequence[Finding],
    heading: str,
    *,
    geography: bool = True,
) -> Section:
    """The landscape chapter shared by the industry and region outlines (``geography``:
    with the geography of its documents; the home region shows there unless the report
    positions its chain)."""
    r = b.results
    s = Section(heading, 1, key="landscape")
    s.add(P.present(b, "trend", found))
    if geography:
        s.add(P.present(b, "geography", found))
    s.add(P.present(b, "applicants", found))
    if r.technology is not None:
        s.add(P.present(b, "technology", found))
    if r.legal is not None:
        s.add(P.present(b, "legal", found))
    if r.citations is not None:
        s.add(P.present(b, "citations", found))
    s.add(P.present(b, "inventors", found))
    if r.hotspots is not None:
        s.add(P.present(b, "hotspots", found))
    s.add(*P.slice_sections(b, found, level=2))
    return s


def sections(b: Builder, found: Sequence[Finding]) -> list[Section]:
    """产业专利态势 → 产业链定位 → 区域定位 → 发展路径与建议."""
    out = [landscape_section(b, found, b.t("sec.landscape"))]
    out.extend(
        filter(
            None,
            (
                P.present(b, "chain", found, level=1),
                P.present(b, "chain", found, level=1, part="position"),
                P.present(b, "chain", found, level=1, part="path"),
            ),
        )
    )
    out.append(S.appendix_section(b, found))
    return out


OUTLINE = Outline(analyse, sections)
