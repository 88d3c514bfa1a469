"""What the outlines share: running analyses with timings, and the summary section."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from patnav.analyses import ANALYSES, run_analysis
from patnav.analyses.base import Region, Scope
from patnav.analyses.chain import chain_positioning
from patnav.analyses.geography import home_comparison
from patnav.analyses.prepared import prepare, release
from patnav.analyses.spec import NavigationSpec
from patnav.analyses.spec import entity_query as entity_query
from patnav.analyses.spec import region_query as region_query
from patnav.reports.context import Builder, NodeFigures
from patnav.reports.data import scope_sources
from patnav.reports.model import Finding, Paragraph, Section

HOTSPOT_SAMPLE = 4000
"""Units read by the hot-spot analysis inside a report (stated in the report): jieba reads
about a thousand abstracts a second, so a larger sample would dominate the report's time."""
HOTSPOT_SAMPLE_RND = 10000
"""Units read by the hot-spot analysis of an R&D report, whose subject it is."""


@dataclass(frozen=True, slots=True)
class Outline:
    """A report type: which analyses it runs, and which sections it writes."""

    analyse: Callable[[Builder], None]
    sections: Callable[[Builder, Sequence[Finding]], list[Section]]
    full: bool = (
        True  # a summary and a data-and-method chapter (micro-navigation: none)
    )


def run_landscape(
    b: Builder,
    scope: Scope,
    names: Sequence[str],
    *,
    target: dict[str, Any] | None = None,
    **params: Any,
) -> dict[str, Any]:
    """Run ``names`` on ``scope`` prepared once; each analysis timed on its own.

    Results go onto ``b.results`` (or into ``target`` when given).
    """
    out: dict[str, Any] = {}
    with b.timed("analysis.prepare"):
        prepared = prepare(b.engine, scope, b.count_by)
    try:
        for name in names:
            accepted = {p.name for p in ANALYSES[name].parameters()}
            own = {k: v for k, v in params.items() if k in accepted}
            if "data_dir" in accepted:
                own.setdefault("data_dir", b.data_dir)
            with b.timed(f"analysis.{name}"):
                out[name] = run_analysis(
                    name, b.engine, prepared, count_by=b.count_by, **own
                )
    finally:
        release(prepared)
    for name, result in out.items():
        if target is not None:
            target[name] = result
        else:
            b.results.put(name, result)
    return out


def run_chain(b: Builder, spec: NavigationSpec | None = None) -> None:
    """The industry-chain positioning of the spec (or of a narrowed spec)."""
    with b.timed("analysis.chain"):
        b.results.chain = chain_positioning(b.engine, spec or b.spec, store=b.store)


def run_nodes(b: Builder, *, every: bool) -> None:
    """Units per node and, for top-level nodes, per year (home, national and world).

    ``every``: count every node (reports without a chain analysis, which counts them); else
    only the top-level nodes, for their trends.
    """
    region = b.spec.region or Region("CN")
    out = []
    with b.timed("analysis.nodes"):
        for node in b.spec.walk():
            if not every and node.depth:
                continue
            comparison = home_comparison(
                b.engine,
                b.node_scope(node),
                count_by=b.count_by,
                region=region,
            )
            out.append(
                NodeFigures(
                    node.name,
                    node.path,
                    node.depth,
                    node.query,
                    comparison.world,
                    comparison if node.depth == 0 else None,
                )
            )
    b.results.nodes = out


def run_sources(b: Builder, scope: Scope) -> None:
    """The files the report's documents came from."""
    with b.timed("analysis.sources"):
        b.results.sources = scope_sources(b.store, scope)


def base_scope(b: Builder) -> Scope:
    """The spec's documents (computed once per report)."""
    return b.base_scope()


def narrowed(spec: NavigationSpec, node_name: str) -> NavigationSpec:
    """The spec reduced to one top-level node (for micro-navigation); its scope stays the
    whole tree's, so the node is positioned against the industry it belongs to."""
    node = next(n for n in spec.nodes if n.name == node_name)
    return dataclasses.replace(
        spec, nodes=(node,), scope_nodes=spec.scope_nodes or spec.nodes
    )


KIND_ORDER = (
    "data",
    "strength",
    "weakness",
    "opportunity",
    "risk",
    "trend",
    "structure",
)


def summary_section(b: Builder, found: Sequence[Finding]) -> Section:
    """主要结论与建议: every finding by kind, then the recommendations."""
    s = Section(b.t("sec.summary"), 1, key="summary")
    conclusions = s.sub(b.t("sec.summary.findings"), "summary.findings")
    shown = [f for f in found if f.kind != "recommendation"]
    shown.sort(
        key=lambda f: (
            KIND_ORDER.index(f.kind) if f.kind in KIND_ORDER else 99,
            f.priority,
        )
    )
    if shown:
        conclusions.add(*[dataclasses.replace(f) for f in shown])
    else:
        conclusions.add(
            Paragraph(
                b.say("数据不足以得出结论。", "The data support no conclusion."), "note"
            )
        )
    actions = [f for f in found if f.kind == "recommendation"]
    if actions:
        s.sub(b.t("sec.summary.recommendations"), "summary.actions").add(
            *[dataclasses.replace(f) for f in actions]
        )
    return s
