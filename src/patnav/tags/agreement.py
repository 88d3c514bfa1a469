"""Agreement between analysts (标引一致性): Cohen's kappa for two, Fleiss' kappa for more.

Only documents **every** compared analyst tagged in the scheme count (a document one of
them never looked at says nothing about agreement). Per node, each analyst's decision on
each such document is binary — tagged into the node or not — and the kappa is computed
over those decisions. Overall: when every analyst gave every shared document exactly one
node, the kappa over the node chosen (categorical); otherwise over all document × node
decisions pooled (``overall_basis`` says which). A kappa is undefined (None) when chance
agreement is already perfect (everybody always said the same one thing).

Reviews are counted beside: per node, tags confirmed and disputed by a second analyst.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from patnav.errors import InputError
from patnav.storage.store import PatentStore
from patnav.tags.schemes import get_scheme


def cohen_kappa(a: Sequence[Any], b: Sequence[Any]) -> float | None:
    """Cohen's kappa of two raters' labels of the same items; None when undefined."""
    if len(a) != len(b) or not a:
        return None
    categories = sorted({*a, *b}, key=str)
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    expected = sum(
        (sum(x == c for x in a) / n) * (sum(y == c for y in b) / n) for c in categories
    )
    if expected >= 1:
        return None
    return float((observed - expected) / (1 - expected))


def fleiss_kappa(counts: np.ndarray) -> float | None:
    """Fleiss' kappa of an items × categories matrix of rater counts (every item rated
    by the same number of raters); None when undefined."""
    counts = np.asarray(counts, float)
    if counts.ndim != 2 or counts.shape[0] == 0:
        return None
    raters = counts.sum(axis=1)
    if raters.min() < 2 or raters.min() != raters.max():
        return None
    r = raters[0]
    n_items = counts.shape[0]
    p_items = (np.sum(counts * counts, axis=1) - r) / (r * (r - 1))
    p_bar = p_items.mean()
    shares = counts.sum(axis=0) / (n_items * r)
    p_e = float(np.sum(shares * shares))
    if p_e >= 1:
        return None
    return float((p_bar - p_e) / (1 - p_e))


def _kappa(labels: list[list[Any]]) -> tuple[float | None, str]:
    """The kappa of raters' label lists (one list per rater, same items)."""
    if len(labels) == 2:
        return cohen_kappa(labels[0], labels[1]), "cohen"
    categories = sorted({x for rater in labels for x in rater}, key=str)
    matrix = np.array(
        [
            [sum(rater[i] == c for rater in labels) for c in categories]
            for i in range(len(labels[0]))
        ]
    )
    return fleiss_kappa(matrix), "fleiss"


@dataclass(frozen=True, slots=True)
class NodeAgreement:
    """Agreement on one node over the shared documents."""

    node: str
    kappa: float | None
    tagged: dict[str, int]
    """Per analyst: shared documents they tagged into the node."""
    both: int
    """Shared documents every analyst tagged into the node."""
    confirmed: int
    disputed: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "kappa": self.kappa,
            "tagged": dict(self.tagged),
            "all_agree_tagged": self.both,
            "confirmed": self.confirmed,
            "disputed": self.disputed,
        }


@dataclass(frozen=True)
class Agreement:
    """Agreement between analysts on a scheme."""

    scheme: str
    analysts: tuple[str, ...]
    documents: int
    """Documents every analyst tagged (the basis of every kappa)."""
    method: str
    """cohen (two analysts) | fleiss (three or more)."""
    overall: float | None
    overall_basis: str
    """categorical (one node per document) | pooled (document × node decisions)."""
    nodes: tuple[NodeAgreement, ...] = ()
    pairs: tuple[tuple[str, str, float | None], ...] = field(default_factory=tuple)
    """Cohen's kappa of each pair of analysts (overall basis), for three or more."""

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "node": n.node,
                    "kappa": n.kappa,
                    **{f"tagged:{a}": n.tagged.get(a, 0) for a in self.analysts},
                    "all_agree_tagged": n.both,
                    "confirmed": n.confirmed,
                    "disputed": n.disputed,
                }
                for n in self.nodes
            ]
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme,
            "analysts": list(self.analysts),
            "documents": self.documents,
            "method": self.method,
            "overall": self.overall,
            "overall_basis": self.overall_basis,
            "nodes": [n.to_dict() for n in self.nodes],
            "pairs": [{"analysts": [a, b], "kappa": k} for a, b, k in self.pairs],
        }


def agreement(
    store: PatentStore, scheme: str, *, analysts: Sequence[str] | None = None
) -> Agreement:
    """Agreement between the analysts of a scheme (all of them, or ``analysts``).

    Raises:
        InputError: fewer than two analysts have tagged in the scheme.
        NotFoundError: no such scheme.
    """
    found = get_scheme(store, scheme)
    rows = store.rows(
        "SELECT doc_id, node, analyst FROM tags WHERE scheme = ?", [found.name]
    )
    chosen = sorted({a for _, _, a in rows}) if not analysts else sorted(set(analysts))
    if len(chosen) < 2:
        raise InputError(
            f"标引体系 {found.name} 只有 {len(chosen)} 位标引人的标引：一致性至少需要两位"
            "标引人标引同一批文献。"
        )
    by_analyst: dict[str, dict[str, set[str]]] = {a: {} for a in chosen}
    for doc_id, node, analyst in rows:
        if analyst in by_analyst:
            by_analyst[analyst].setdefault(doc_id, set()).add(node)
    shared = sorted(set.intersection(*(set(d) for d in by_analyst.values())))
    reviews = dict(
        ((node, verdict), count)
        for node, verdict, count in store.rows(
            "SELECT node, verdict, count(*) FROM (SELECT * FROM tag_reviews "
            "WHERE scheme = ? QUALIFY row_number() OVER (PARTITION BY doc_id, node, "
            "analyst, reviewer ORDER BY created_at DESC) = 1) GROUP BY node, verdict",
            [found.name],
        )
    )
    nodes: list[NodeAgreement] = []
    for node in found.nodes:
        decisions = [[node in by_analyst[a][d] for d in shared] for a in chosen]
        kappa, _ = _kappa(decisions) if shared else (None, "")
        nodes.append(
            NodeAgreement(
                node,
                kappa,
                {a: sum(dec) for a, dec in zip(chosen, decisions, strict=True)},
                sum(all(col) for col in zip(*decisions, strict=True)) if shared else 0,
                int(reviews.get((node, "confirm"), 0)),
                int(reviews.get((node, "dispute"), 0)),
            )
        )
    single = all(len(by_analyst[a][d]) == 1 for a in chosen for d in shared)
    labels: list[list[Any]]
    if single:
        labels = [[next(iter(by_analyst[a][d])) for d in shared] for a in chosen]
        basis = "categorical"
    else:
        labels = [
            [n in by_analyst[a][d] for d in shared for n in found.nodes] for a in chosen
        ]
        basis = "pooled"
    overall, method = _kappa(labels) if shared else (None, "cohen")
    method = "cohen" if len(chosen) == 2 else "fleiss"
    pairs: list[tuple[str, str, float | None]] = []
    if len(chosen) > 2 and shared:
        for i, j in combinations(range(len(chosen)), 2):
            pairs.append((chosen[i], chosen[j], cohen_kappa(labels[i], labels[j])))
    return Agreement(
        found.name,
        tuple(chosen),
        len(shared),
        method,
        overall,
        basis,
        tuple(nodes),
        tuple(pairs),
    )


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A document analysts tagged into different nodes: each analyst's nodes."""

    doc_id: str
    pub_number: str | None
    title: str | None
    nodes: dict[str, tuple[str, ...]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "pub_number": self.pub_number,
            "title": self.title,
            "nodes": {a: list(n) for a, n in self.nodes.items()},
        }


@dataclass(frozen=True)
class ReviewItems:
    """What awaits a reviewer in a scheme: documents analysts disagree on, and tags no
    one has reviewed yet (each with its document's number and title)."""

    scheme: str
    disagreements: tuple[Disagreement, ...]
    disagreement_count: int
    pending: tuple[dict[str, Any], ...]
    pending_count: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme,
            "disagreements": [d.to_dict() for d in self.disagreements],
            "disagreement_count": self.disagreement_count,
            "pending": [dict(p) for p in self.pending],
            "pending_count": self.pending_count,
        }


def review_items(store: PatentStore, scheme: str, *, limit: int = 100) -> ReviewItems:
    """The documents two or more analysts tagged into different sets of nodes, and
    the tags without any review, of a scheme (``limit`` of each, by publication number;
    the counts are of all)."""
    found = get_scheme(store, scheme)
    per_doc = (
        "SELECT doc_id, analyst, list_sort(list(DISTINCT node)) AS nodes FROM tags "
        "WHERE scheme = ? GROUP BY doc_id, analyst"
    )
    split = (
        f"SELECT doc_id FROM ({per_doc}) GROUP BY doc_id "
        "HAVING count(*) >= 2 AND count(DISTINCT nodes) >= 2"
    )
    disagreement_count = int(
        store.scalar(f"SELECT count(*) FROM ({split})", [found.name])
    )
    docs = [
        r[0]
        for r in store.rows(
            f"SELECT x.doc_id FROM ({split}) x LEFT JOIN patents q USING (doc_id) "
            "ORDER BY q.pub_number NULLS LAST, x.doc_id LIMIT ?",
            [found.name, limit],
        )
    ]
    rows = store.rows(
        "SELECT d.doc_id, p.pub_number, p.title, d.analyst, d.nodes "
        f"FROM ({per_doc}) d LEFT JOIN patents p USING (doc_id) "
        "WHERE list_contains(?, d.doc_id) "
        "ORDER BY p.pub_number NULLS LAST, d.doc_id, d.analyst",
        [found.name, docs],
    )
    grouped: dict[str, Disagreement] = {}
    for doc_id, number, title, analyst, nodes in rows:
        item = grouped.setdefault(doc_id, Disagreement(doc_id, number, title, {}))
        item.nodes[analyst] = tuple(nodes)
    unreviewed = (
        "FROM tags g LEFT JOIN patents p USING (doc_id) WHERE g.scheme = ? AND NOT "
        "EXISTS (SELECT 1 FROM tag_reviews r WHERE r.doc_id = g.doc_id AND "
        "r.scheme = g.scheme AND r.node = g.node AND r.analyst = g.analyst)"
    )
    pending_count = int(store.scalar(f"SELECT count(*) {unreviewed}", [found.name]))
    columns = (
        "doc_id",
        "pub_number",
        "title",
        "node",
        "analyst",
        "source",
        "created_at",
    )
    pending = tuple(
        dict(zip(columns, row, strict=True))
        for row in store.rows(
            "SELECT g.doc_id, p.pub_number, p.title, g.node, g.analyst, g.source, "
            f"g.created_at {unreviewed} ORDER BY p.pub_number NULLS LAST, g.doc_id, "
            "g.node, g.analyst LIMIT ?",
            [found.name, limit],
        )
    )
    return ReviewItems(
        found.name,
        tuple(grouped.values()),
        disagreement_count,
        pending,
        pending_count,
    )
