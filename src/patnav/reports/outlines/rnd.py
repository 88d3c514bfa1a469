"""研发活动类专利导航 (R&D activity): a topic's hot spots, white spaces, key patents and players.

The spec's base query is the topic; its nodes are the technology branches. Outline:
主要结论与建议 → 数据与方法 → 技术主题专利态势 (trend, applicants, technology, legal status,
inventors) → 各技术分支专利态势 → 技术热点与空白点 (terms, emerging terms, the
technology–effect matrix, white spaces) → 核心专利 (with the slices the presenters add to
R&D reports: 技术发展路线) → 发展路径与建议 (white spaces to enter,
rising players to watch).
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
    HOTSPOT_SAMPLE_RND,
    Outline,
    base_scope,
    run_landscape,
    run_nodes,
    run_sources,
)
from patnav.reports.scope import state_spec


def analyse(b: Builder) -> None:
    """The topic's landscape with a larger hot-spot sample, and its branches."""
    scope = base_scope(b)
    state_spec(b, scope)
    run_sources(b, scope)
    run_landscape(
        b,
        scope,
        FULL_LANDSCAPE,
        region=b.spec.region,
        lang=b.lang,
        sample=HOTSPOT_SAMPLE_RND,
    )
    if b.spec.nodes:
        run_nodes(b, every=True)
    P.run_slices(b)


def sections(b: Builder, found: Sequence[Finding]) -> list[Section]:
    """技术主题专利态势 → 技术分支 → 热点与空白点 → 核心专利 → 建议."""
    r = b.results
    topic = Section(b.t("sec.landscape.topic"), 1, key="landscape")
    topic.add(P.present(b, "trend", found))
    topic.add(P.present(b, "applicants", found))
    topic.add(P.present(b, "geography", found))
    if r.technology is not None:
        topic.add(P.present(b, "technology", found))
    if r.legal is not None:
        topic.add(P.present(b, "legal", found))
    topic.add(P.present(b, "inventors", found))
    out = [topic]
    if r.nodes:
        out.append(S.nodes_section(b, r.nodes, level=1))
    out.extend(filter(None, [P.present(b, "hotspots", found, level=1)]))
    # the slices of R&D reports (技术发展路线) follow the core patents, inside their
    # chapter: the key patents of each branch on a timeline
    core = P.present(b, "citations", found, level=1)
    slices = P.slice_sections(b, found, level=1 if core is None else 2)
    if core is not None:
        out.append(core.add(*slices))
    else:
        out.extend(slices)
    out.extend(filter(None, [P.present(b, "chain", found, level=1, part="path")]))
    out.append(S.appendix_section(b, found))
    return out


OUTLINE = Outline(analyse, sections)
