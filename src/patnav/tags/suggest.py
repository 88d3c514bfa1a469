"""Assisted tagging over the store: suggestions for untagged documents, the review queue,
and the explicit threshold that turns suggestions into tags.

The model (:class:`~patnav.tags.model.TagSuggester`) learns from the scheme's stored tags
— every analyst's, whatever the source — and scores the documents of the store (or of a
query) that carry **no** tag of the scheme yet. A suggestion is only ever written as a tag
by :func:`accept_suggestions`, with the threshold that accepted it and its score.

**The review queue** orders the untagged documents so that each review teaches the model
most: *margin sampling* (an active-learning rule) puts first the documents whose best two
nodes score closest — those the model is least sure how to tell apart, where a person's
decision moves the boundary most. A tagged example there is worth more than one the model
already scores at 0.99.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from patnav.errors import InputError, InvalidParameterError
from patnav.storage.store import PatentStore
from patnav.tags.model import TagSuggester
from patnav.tags.schemes import TagScheme, get_scheme
from patnav.tags.tagging import TagChange, TagRow, write_tags

MAX_CANDIDATES = 200_000
"""Untagged documents scored in one call at most: narrow a larger store with a query."""

_TEXT = (
    "SELECT p.doc_id, p.pub_number, p.title, "
    "concat_ws(chr(10), p.title, p.abstract) AS text FROM patents p"
)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A node suggested for an untagged document, with its calibrated score."""

    doc_id: str
    pub_number: str | None
    title: str | None
    node: str
    score: float
    rank: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "pub_number": self.pub_number,
            "doc_id": self.doc_id,
            "title": self.title,
            "tag": self.node,
            "score": round(self.score, 4),
            "rank": self.rank,
        }


@dataclass(frozen=True)
class Suggestions:
    """Suggestions for a scheme's untagged documents, and what the model learnt from."""

    scheme: str
    examples: int
    """Tagged documents the model learnt from."""
    nodes: tuple[str, ...]
    """Nodes with examples: the only ones ever suggested."""
    nodes_without_examples: tuple[str, ...]
    temperature: float
    candidates: int
    """Untagged documents scored."""
    rows: tuple[Suggestion, ...] = field(default_factory=tuple)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [r.to_dict() for r in self.rows],
            columns=["pub_number", "doc_id", "title", "tag", "score", "rank"],
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme,
            "examples": self.examples,
            "nodes": list(self.nodes),
            "nodes_without_examples": list(self.nodes_without_examples),
            "temperature": self.temperature,
            "candidates": self.candidates,
            "suggestions": [r.to_dict() for r in self.rows],
        }


@dataclass(frozen=True, slots=True)
class QueueItem:
    """A document of the review queue: its best two nodes and their margin."""

    doc_id: str
    pub_number: str | None
    title: str | None
    node: str
    score: float
    second: str | None
    second_score: float
    margin: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "pub_number": self.pub_number,
            "doc_id": self.doc_id,
            "title": self.title,
            "tag": self.node,
            "score": round(self.score, 4),
            "second": self.second,
            "second_score": round(self.second_score, 4),
            "margin": round(self.margin, 4),
        }


@dataclass(frozen=True)
class ReviewQueue:
    """Untagged documents in review order (smallest margin first)."""

    scheme: str
    candidates: int
    items: tuple[QueueItem, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([i.to_dict() for i in self.items])

    def to_dict(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme,
            "candidates": self.candidates,
            "method": "margin sampling",
            "queue": [i.to_dict() for i in self.items],
        }


@dataclass(frozen=True)
class _Scored:
    scheme: TagScheme
    model: TagSuggester
    examples: int
    frame: pd.DataFrame
    proba: np.ndarray


def _examples(
    store: PatentStore, scheme: TagScheme
) -> tuple[list[str], list[str], int]:
    """Texts and nodes of the scheme's tagged documents (one pair per distinct
    document × node), and the number of documents."""
    rows = store.rows(
        f"SELECT DISTINCT t.doc_id, t.node, x.text FROM tags t JOIN ({_TEXT}) x "
        "USING (doc_id) WHERE t.scheme = ? ORDER BY t.doc_id, t.node",
        [scheme.name],
    )
    texts = [r[2] or "" for r in rows]
    nodes = [r[1] for r in rows]
    return texts, nodes, len({r[0] for r in rows})


def _candidates(
    store: PatentStore, scheme: TagScheme, query: str | None
) -> pd.DataFrame:
    params: list[Any] = [scheme.name]
    within = ""
    if query:
        from patnav.search.sets import resolve_set

        compiled = resolve_set(store, query)
        within = f" AND x.doc_id IN ({compiled.sql})"
        params.extend(compiled.params)
    where = f"x.doc_id NOT IN (SELECT doc_id FROM tags WHERE scheme = ?){within}"
    count = int(store.scalar(f"SELECT count(*) FROM patents x WHERE {where}", params))
    if count > MAX_CANDIDATES:
        raise InputError(
            f"未标引的文献有 {count:,} 篇，超过一次建议的上限 {MAX_CANDIDATES:,} 篇："
            "请用 --query 缩小范围（例如 AD>=2020 或某个专利集）。"
        )
    sql = f"SELECT x.* FROM ({_TEXT}) x WHERE {where} ORDER BY x.doc_id"
    table = store.query(sql, params)
    return table.to_pandas()


class ScoreCache:
    """Fitted models and their scores over the whole store, kept while nothing they
    depend on changes: the scheme's nodes, its tags (every row: document, node,
    analyst, source, time) and the documents. The documents' side is the owner's
    business: it clears the cache when they change (the web's store handle does, on
    every import or enrichment). Only the default model and calls without a query are
    kept (a query may name a saved set that changes). Thread-safe; the ``size`` latest
    are kept."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._kept: OrderedDict[tuple[Any, ...], _Scored] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0

    def get(self, key: tuple[Any, ...]) -> _Scored | None:
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
                self.hits += 1
            return found

    def put(self, key: tuple[Any, ...], scored: _Scored) -> None:
        with self._lock:
            self._kept[key] = scored
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


def _tags_state(store: PatentStore, scheme: str) -> tuple[int, int]:
    """The number of the scheme's tag rows and a sum of their hashes: any tag added,
    removed or re-written changes it."""
    row = store.rows(
        "SELECT count(*), coalesce(sum(hash(doc_id, node, analyst, source, "
        "CAST(created_at AS VARCHAR))), 0) FROM tags WHERE scheme = ?",
        [scheme],
    )[0]
    return int(row[0]), int(row[1])


def _score(
    store: PatentStore,
    scheme_name: str,
    query: str | None,
    model: TagSuggester | None,
    cache: ScoreCache | None = None,
) -> _Scored:
    scheme = get_scheme(store, scheme_name)
    key = None
    if cache is not None and model is None and query is None:
        key = (scheme.name, tuple(scheme.nodes), _tags_state(store, scheme.name))
        kept = cache.get(key)
        if kept is not None:
            return kept
    texts, nodes, documents = _examples(store, scheme)
    if len(set(nodes)) < 2:
        raise InputError(
            f"标引体系 {scheme.name} 只有 {len(set(nodes))} 个节点有标引样例：建议标引至少"
            "需要两个节点各有样例（每个节点 5 至 20 篇为宜）。"
        )
    fitted = (model or TagSuggester()).fit(texts, nodes)
    frame = _candidates(store, scheme, query)
    proba = (
        fitted.predict_proba(frame["text"].fillna("").tolist())
        if len(frame)
        else np.zeros((0, len(fitted.classes_)))
    )
    scored = _Scored(scheme, fitted, documents, frame, proba)
    if key is not None and cache is not None:
        cache.put(key, scored)
    return scored


def suggest_tags(
    store: PatentStore,
    scheme: str,
    *,
    query: str | None = None,
    top: int = 1,
    min_score: float = 0.0,
    model: TagSuggester | None = None,
    cache: ScoreCache | None = None,
) -> Suggestions:
    """Suggest nodes for the documents with no tag of ``scheme`` (within ``query``):
    each document's ``top`` best nodes scoring at least ``min_score``. Nothing is
    written to the store. ``cache`` keeps the fitted model while its inputs are
    unchanged (:class:`ScoreCache`).

    Raises:
        InputError: fewer than two nodes have tagged examples.
        InvalidParameterError: ``top`` below 1, ``min_score`` outside [0, 1].
    """
    if top < 1:
        raise InvalidParameterError(f"--top 应为不小于 1 的整数，不是 {top}。")
    _check_score(min_score, "--min-score")
    scored = _score(store, scheme, query, model, cache)
    rows: list[Suggestion] = []
    classes = scored.model.classes_
    order = np.argsort(-scored.proba, axis=1)[:, :top]
    for i, rec in enumerate(scored.frame.itertuples(index=False)):
        for rank, j in enumerate(order[i], start=1):
            score = float(scored.proba[i, j])
            if score >= min_score:
                rows.append(
                    Suggestion(
                        rec.doc_id, rec.pub_number, rec.title, classes[j], score, rank
                    )
                )
    rows.sort(key=lambda s: (-s.score, s.doc_id, s.rank))
    return Suggestions(
        scored.scheme.name,
        scored.examples,
        tuple(classes),
        tuple(n for n in scored.scheme.nodes if n not in classes),
        scored.model.calibration_.temperature,
        len(scored.frame),
        tuple(rows),
    )


def review_queue(
    store: PatentStore,
    scheme: str,
    *,
    query: str | None = None,
    limit: int = 20,
    model: TagSuggester | None = None,
    cache: ScoreCache | None = None,
) -> ReviewQueue:
    """The untagged documents whose review teaches the model most, first (margin
    sampling: the smallest gap between the best two nodes' scores)."""
    if limit < 1:
        raise InvalidParameterError(f"--limit 应为不小于 1 的整数，不是 {limit}。")
    scored = _score(store, scheme, query, model, cache)
    classes = scored.model.classes_
    proba = scored.proba
    if not len(proba):
        return ReviewQueue(scored.scheme.name, 0)
    order = np.argsort(-proba, axis=1)
    best = proba[np.arange(len(proba)), order[:, 0]]
    second = proba[np.arange(len(proba)), order[:, 1]]
    margin = best - second
    ids = scored.frame["doc_id"].to_numpy()
    ranking = sorted(range(len(proba)), key=lambda i: (margin[i], str(ids[i])))[:limit]
    items = []
    for i in ranking:
        rec = scored.frame.iloc[i]
        items.append(
            QueueItem(
                str(rec["doc_id"]),
                rec["pub_number"],
                rec["title"],
                classes[order[i, 0]],
                float(best[i]),
                classes[order[i, 1]],
                float(second[i]),
                float(margin[i]),
            )
        )
    return ReviewQueue(scored.scheme.name, len(proba), tuple(items))


def _check_score(value: float, name: str) -> None:
    if not 0 <= value <= 1:
        raise InvalidParameterError(f"{name} 应在 0 到 1 之间，不是 {value}。")


def above_threshold(
    store: PatentStore,
    scheme: str,
    *,
    min_score: float,
    query: str | None = None,
    model: TagSuggester | None = None,
    cache: ScoreCache | None = None,
) -> Suggestions:
    """Every suggestion (any rank) scoring at least ``min_score``: exactly what
    :func:`accept_suggestions` would write, computed without writing.

    Raises:
        InvalidParameterError: ``min_score`` not in (0, 1].
    """
    if not 0 < min_score <= 1:
        raise InvalidParameterError(
            f"--min-score 应大于 0、不超过 1（采纳建议的明确阈值），不是 {min_score}。"
        )
    found = get_scheme(store, scheme)
    return suggest_tags(
        store,
        scheme,
        query=query,
        top=len(found.nodes),
        min_score=min_score,
        model=model,
        cache=cache,
    )


def accept_suggestions(
    store: PatentStore,
    scheme: str,
    *,
    min_score: float,
    analyst: str,
    query: str | None = None,
    model: TagSuggester | None = None,
    expect: int | None = None,
) -> tuple[TagChange, Suggestions]:
    """Turn every suggestion scoring at least ``min_score`` into a tag (source
    ``accepted-suggestion``, the threshold and the score recorded, ``analyst`` the
    person who set it). The explicit threshold is the only way a suggestion becomes a
    tag without a person choosing it. ``expect``: the number of suggestions the person
    was shown before confirming; when the suggestions have changed since (new tags,
    new documents), nothing is written.

    Raises:
        InvalidParameterError: ``min_score`` not in (0, 1].
        InputError: ``expect`` given and not the number of suggestions now.
    """
    found = get_scheme(store, scheme)
    suggestions = above_threshold(
        store, scheme, min_score=min_score, query=query, model=model
    )
    if expect is not None and expect != len(suggestions.rows):
        raise InputError(
            f"阈值 {min_score} 以上的建议现为 {len(suggestions.rows)} 条，不是确认时的 "
            f"{expect} 条（其间标引或文献有变）：未写入任何标引，请重新预览后再确认。"
        )
    rows = [
        TagRow(
            s.doc_id,
            s.node,
            analyst,
            "accepted-suggestion",
            threshold=min_score,
            score=s.score,
        )
        for s in suggestions.rows
    ]
    return write_tags(store, found, rows), suggestions
