"""Live counts of a technology breakdown: each node's units within the spec's scope, and
how many of them its sibling nodes also claim (重叠).

A node's documents are those of :meth:`NavigationSpec.node_scope` — its query (or its
children's, joined by OR) within the spec's scope — counted in the spec's unit
(``count_by``). **Overlap with siblings** is the number of the node's units that at least
one other child of the same parent (for a top-level node: another top-level node) also
holds; a breakdown whose siblings overlap heavily double-counts in any per-node chart, and
the analyst sees it here while editing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd

from patnav.analyses.base import (
    UNIT_SQL,
    ResultMixin,
    Scope,
    as_engine,
    check_count_by,
    materialized,
    ratio,
)
from patnav.analyses.spec import NavigationSpec, SpecNode, node_query
from patnav.search import resolve_set
from patnav.storage.store import PatentStore


@dataclass(frozen=True, slots=True)
class NodeCount:
    """One node's counts: its units, documents, and the units its siblings share."""

    path: tuple[str, ...]
    query: str | None
    has_own_query: bool
    units: int
    documents: int
    overlap_units: int | None
    """Units also in a sibling node; None for a node without siblings."""
    seconds: float

    @property
    def depth(self) -> int:
        return len(self.path) - 1

    @property
    def overlap_share(self) -> float | None:
        """Share of the node's units a sibling also holds (None: no siblings or no units)."""
        if self.overlap_units is None:
            return None
        return ratio(self.overlap_units, self.units)


@dataclass(frozen=True, slots=True)
class BreakdownCounts(ResultMixin):
    """The counts of every node of a spec's tree, in tree order."""

    title: str
    count_by: str
    scope_units: int
    nodes: tuple[NodeCount, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row per node: path, depth, units, documents, overlap and its share."""
        return pd.DataFrame(
            [
                {
                    "node": " / ".join(n.path),
                    "depth": n.depth,
                    "units": n.units,
                    "documents": n.documents,
                    "overlap_units": n.overlap_units,
                    "overlap_share": n.overlap_share,
                    "own_query": n.has_own_query,
                    "seconds": n.seconds,
                }
                for n in self.nodes
            ]
        )


def _siblings(spec: NavigationSpec) -> Iterator[tuple[SpecNode, tuple[SpecNode, ...]]]:
    """Every node with its siblings (the other children of its parent)."""

    def visit(
        group: tuple[SpecNode, ...],
    ) -> Iterator[tuple[SpecNode, tuple[SpecNode, ...]]]:
        for node in group:
            yield node, tuple(n for n in group if n is not node)
            yield from visit(node.children)

    yield from visit(spec.nodes)


def breakdown_counts(store: PatentStore, spec: NavigationSpec) -> BreakdownCounts:
    """Count every node of ``spec`` in ``store`` (see the module docstring).

    Raises:
        SpecError: the spec defines no scope.
    """
    unit = UNIT_SQL[check_count_by(spec.count_by)]
    engine = as_engine(store)
    tables: dict[tuple[str, ...], str] = {}
    timings: dict[tuple[str, ...], float] = {}
    documents: dict[tuple[str, ...], int] = {}
    made: list[str] = []
    try:
        with materialized(engine, *spec.scope_parts(store)) as base:
            where, params = base.clause("p.doc_id")
            scope_units = int(
                engine.fetch(
                    f"SELECT count(DISTINCT {unit}) AS n FROM patents p WHERE {where}",
                    params,
                )
                .column("n")[0]
                .as_py()
                or 0
            )
            base_where, base_params = base.clause("p.doc_id")
            for i, node in enumerate(spec.walk()):
                started = time.perf_counter()
                name = f"_node_units{i}"
                _materialize_node(
                    store, name, unit, node, base_where, base_params, spec, base
                )
                made.append(name)
                tables[node.path] = name
                documents[node.path] = _scalar(engine, f"SELECT sum(docs) FROM {name}")
                timings[node.path] = time.perf_counter() - started
        out = []
        for node, siblings in _siblings(spec):
            name = tables[node.path]
            units = _scalar(engine, f"SELECT count(*) FROM {name}")
            overlap: int | None = None
            if siblings:
                union = " UNION ".join(
                    f"SELECT unit FROM {tables[s.path]}" for s in siblings
                )
                overlap = _scalar(
                    engine,
                    f"SELECT count(*) FROM {name} WHERE unit IN ({union})",
                )
            out.append(
                NodeCount(
                    path=node.path,
                    query=node_query(node),
                    has_own_query=bool(node.query),
                    units=units,
                    documents=documents[node.path],
                    overlap_units=overlap,
                    seconds=timings[node.path],
                )
            )
    finally:
        for name in made:
            engine.drop(name)
    return BreakdownCounts(spec.title, spec.count_by, scope_units, tuple(out))


def _materialize_node(
    store: PatentStore,
    name: str,
    unit: str,
    node: SpecNode,
    base_where: str,
    base_params: dict[str, Any],
    spec: NavigationSpec,
    base: Scope,
) -> None:
    """The node's units (and documents per unit) into the temporary table ``name``.

    The node's compiled query runs as it is, with its positional parameters, inside the
    materialised base: an analyst edits and re-counts a tree many times, and going through
    :meth:`Scope.narrow` would re-parse every node's SQL (two thirds of the time).
    """
    query = node_query(node)
    select = f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {unit} AS unit, count(*) AS docs"
    if query is None:
        store.execute(
            f"{select} FROM patents p WHERE {base_where} GROUP BY 1",
            base_params or None,
        )
        return
    if base_params:  # an unmaterialised base with parameters of its own: the slow path
        scope = spec.node_scope(node, store, base=base)
        where, params = scope.clause("p.doc_id")
        store.execute(f"{select} FROM patents p WHERE {where} GROUP BY 1", params)
        return
    compiled = resolve_set(store, query)
    store.execute(
        f"{select} FROM patents p WHERE {base_where} "
        f"AND p.doc_id IN ({compiled.sql}) GROUP BY 1",
        list(compiled.params),
    )


def _scalar(engine: Any, sql: str) -> int:
    table = engine.fetch(sql, None)
    value = table.column(0)[0].as_py()
    return int(value or 0)
