"""Co-applicant network (合作网络): who files together, and the communities they form.

Nodes are applicants (entities where resolved, else names) that share at least one unit with
another applicant; an edge's weight is the number of units they share. Communities are found
with the Leiden algorithm (modularity, fixed seed, nodes in sorted order) so the same data
always gives the same communities. The SQL returns only edges; the graph work happens here in
Python, so every engine gives the same result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import igraph as ig
import leidenalg
import pandas as pd

from patnav.analyses.base import (
    CountBy,
    Engine,
    ResultMixin,
    Scope,
    as_engine,
    check_count_by,
)
from patnav.analyses.prepared import based
from patnav.analyses.registry import AnalysisInfo
from patnav.storage.store import PatentStore

SEED = 42


@dataclass(frozen=True, slots=True)
class Node:
    """An applicant in the network."""

    key: str
    name: str
    units: int
    partners: int
    shared_units: int
    community: int


@dataclass(frozen=True, slots=True)
class Edge:
    """Two applicants and the units they filed together."""

    source: str
    target: str
    weight: int


@dataclass(frozen=True, slots=True)
class Community:
    """A group of applicants who file together."""

    id: int
    size: int
    units: int
    members: tuple[str, ...]  # names, biggest first


@dataclass(frozen=True, slots=True)
class CoApplicantNetwork(ResultMixin):
    """The co-applicant graph, its communities and its shape."""

    scope: str
    count_by: str
    collaborative_units: int
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    communities: tuple[Community, ...]
    components: int
    density: float | None
    modularity: float | None

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{f: getattr(n, f) for f in n.__slots__} for n in self.nodes]
        )


def coapplicant_network(
    source: PatentStore | Engine,
    scope: Scope | None = None,
    *,
    count_by: CountBy = "family",
    max_nodes: int = 300,
    min_weight: int = 1,
) -> CoApplicantNetwork:
    """The co-applicant network of the scope, limited to its ``max_nodes`` busiest applicants.

    Args:
        source: the store, or an engine.
        scope: the documents (default: everything).
        count_by: counting unit.
        max_nodes: keep the applicants with the most units (by all their units).
        min_weight: drop edges of fewer shared units.
    """
    engine = as_engine(source)
    scope = scope or Scope.everything()
    count_by = check_count_by(count_by)
    edges, names, collaborative = _read(engine, scope, count_by, min_weight, max_nodes)
    kept = set(names)
    edge_list = [
        Edge(str(e["source"]), str(e["target"]), int(e["weight"]))
        for e in edges
        if e["source"] in kept and e["target"] in kept
    ]
    order = sorted(kept)
    index = {k: i for i, k in enumerate(order)}
    graph = ig.Graph(
        n=len(order), edges=[(index[e.source], index[e.target]) for e in edge_list]
    )
    graph.es["weight"] = [e.weight for e in edge_list]
    ranked, modularity = _communities(graph, order, names, bool(edge_list))
    community_of = {m: i + 1 for i, members in enumerate(ranked) for m in members}
    degree = graph.degree() if len(order) else []
    strength = graph.strength(weights="weight") if len(order) else []
    nodes = sorted(
        (
            Node(
                key=k,
                name=names[k][0],
                units=names[k][1],
                partners=int(degree[index[k]]),
                shared_units=int(strength[index[k]]),
                community=community_of[k],
            )
            for k in order
        ),
        key=lambda n: (-n.units, n.key),
    )
    communities = tuple(
        Community(
            id=i + 1,
            size=len(members),
            units=sum(names[m][1] for m in members),
            members=tuple(
                names[m][0]
                for m in sorted(members, key=lambda m: (-names[m][1], m))[:10]
            ),
        )
        for i, members in enumerate(ranked)
    )
    n = len(order)
    return CoApplicantNetwork(
        scope=scope.label,
        count_by=count_by,
        collaborative_units=collaborative,
        nodes=tuple(nodes),
        edges=tuple(edge_list),
        communities=communities,
        components=len(graph.connected_components()) if n else 0,
        density=(2 * len(edge_list) / (n * (n - 1))) if n > 1 else None,
        modularity=modularity,
    )


def _read(
    engine: Engine, scope: Scope, count_by: CountBy, min_weight: int, max_nodes: int
) -> tuple[list[dict[str, Any]], dict[str, tuple[str, int]], int]:
    """The ``max_nodes`` co-applicants with the most units (by all their units; ties by
    key), each with its name and units; the edges among them (applicant pairs and the
    units they share, at least ``min_weight``); and the units filed jointly.

    Only the kept co-applicants' rows are paired: an edge's weight counts the units two
    applicants share, whoever else filed them, so pairing fewer rows changes no weight.
    """
    with based(engine, scope, count_by) as base:
        kept = base._make(
            "network_nodes",
            f"""
            SELECT a.akey, min(a.name) AS name, count(*) AS units FROM {base.apps} a
            WHERE a.akey IN (SELECT akey FROM {base.apps} WHERE unit_applicants > 1)
            GROUP BY a.akey ORDER BY units DESC, a.akey LIMIT {int(max_nodes)}
            """,
        )
        names = {
            r["akey"]: (str(r["name"]), int(r["units"]))
            for r in base.rows(f"SELECT akey, name, units FROM {kept}")
        }
        edges = base.rows(
            f"""
            WITH keyed AS (SELECT unit, akey FROM {base.apps}
                           WHERE unit_applicants > 1
                             AND akey IN (SELECT akey FROM {kept}))
            SELECT a.akey AS source, b.akey AS target, count(*) AS weight
            FROM keyed a JOIN keyed b ON a.unit = b.unit AND a.akey < b.akey
            GROUP BY a.akey, b.akey HAVING count(*) >= $min_weight
            ORDER BY source, target
            """,
            {"min_weight": int(min_weight)},
        )
        collaborative = int(
            base.one(f"SELECT count(*) AS n FROM {base.units} WHERE applicants > 1")[
                "n"
            ]
        )
    return edges, names, collaborative


def _communities(
    graph: ig.Graph,
    order: list[str],
    names: dict[str, tuple[str, int]],
    linked: bool,
) -> tuple[list[list[str]], float | None]:
    """The communities (Leiden, modularity, fixed seed; one community when nothing is
    linked), numbered by size, then by their biggest member, for stable ids; and the
    partition's modularity (None without edges)."""
    membership: list[int] = [0] * len(order)
    modularity = None
    if len(order) and linked:
        partition = leidenalg.find_partition(
            graph, leidenalg.ModularityVertexPartition, weights="weight", seed=SEED
        )
        membership = list(partition.membership)
        modularity = float(partition.modularity)
    groups: dict[int, list[str]] = {}
    for key, community in zip(order, membership, strict=True):
        groups.setdefault(community, []).append(key)
    ranked = sorted(
        groups.values(),
        key=lambda members: (
            -len(members),
            -max(names[m][1] for m in members),
            min(members),
        ),
    )
    return ranked, modularity


ANALYSIS = AnalysisInfo(
    "network", coapplicant_network, "申请人合作网络", "Co-applicant network", order=40
)
"""Registers :func:`coapplicant_network` as ``network``."""
