"""Tags (标引): analysts put documents into the nodes of a scheme, one by one or in bulk
from a search, and a second analyst reviews them.

A tag is one row per document × scheme × node × analyst, with its source — ``manual``
(typed or chosen by a person), ``import`` (from a file of tags) or
``accepted-suggestion`` (a model's suggestion turned into a tag by an explicit
threshold, which is recorded with the score). Adding the same tag again changes nothing.
A review (confirm or dispute) is kept beside the tag; the latest verdict of a reviewer
counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import pyarrow as pa

from patnav.errors import InputError, InvalidParameterError
from patnav.schema import tables as t
from patnav.schema.numbers import normalize_pub_number
from patnav.storage.store import PatentStore
from patnav.tags.schemes import TagScheme, get_scheme

SOURCES = ("manual", "import", "accepted-suggestion")
"""Where a tag comes from."""
SOURCES_ZH = {"manual": "人工", "import": "导入", "accepted-suggestion": "采纳建议"}
VERDICTS = ("confirm", "dispute")
VERDICTS_ZH = {"confirm": "确认", "dispute": "有异议"}


def now() -> datetime:
    """The time stamps of tags and reviews: UTC, without zone (as the store keeps)."""
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True, slots=True)
class TagRow:
    """One tag to write: the document, the node and what is recorded with it."""

    doc_id: str
    node: str
    analyst: str
    source: str = "manual"
    effect: str | None = None
    threshold: float | None = None
    score: float | None = None


@dataclass(frozen=True, slots=True)
class TagChange:
    """What a write did: tags added, already there (unchanged) and removed."""

    scheme: str
    added: int = 0
    unchanged: int = 0
    removed: int = 0
    created_at: datetime | None = None
    """The time stamp of the tags this write added (one per write; None when it added
    none): what :func:`undo_tags` names to take back exactly those tags."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme,
            "added": self.added,
            "unchanged": self.unchanged,
            "removed": self.removed,
        }


def write_tags(
    store: PatentStore, scheme: TagScheme, rows: Sequence[TagRow]
) -> TagChange:
    """Store tags, in one transaction; a tag already stored for the same document, node
    and analyst is left as it is (counted unchanged).

    Raises:
        InputError: a node the scheme lacks, an unknown source, or an empty analyst.
    """
    records: list[dict[str, Any]] = []
    stamp = now()
    for row in rows:
        if row.source not in SOURCES:
            raise InvalidParameterError(
                f"标引来源应为 {'、'.join(SOURCES)} 之一，不是 {row.source!r}。"
            )
        if not row.analyst.strip():
            raise InputError("标引人不能为空：请用 --analyst 给出标引人。")
        records.append(
            {
                "doc_id": row.doc_id,
                "scheme": scheme.name,
                "node": scheme.check_node(row.node),
                "analyst": row.analyst.strip(),
                "source": row.source,
                "threshold": row.threshold,
                "score": row.score,
                "effect": (row.effect or "").strip() or None,
                "created_at": stamp,
            }
        )
    if not records:
        return TagChange(scheme.name)
    data = pa.Table.from_pylist(records, schema=t.TAGS.arrow_schema())
    with store.transaction(), store.staged("tag_rows", data) as staged:
        before = store.count("tags")
        store.execute(
            f"INSERT INTO tags SELECT DISTINCT ON (s.doc_id, s.node, s.analyst) s.* "
            f"FROM {staged} s WHERE NOT EXISTS (SELECT 1 FROM tags x "
            "WHERE x.scheme = s.scheme AND x.doc_id = s.doc_id AND x.node = s.node "
            "AND x.analyst = s.analyst)"
        )
        added = store.count("tags") - before
    return TagChange(
        scheme.name,
        added=added,
        unchanged=len(records) - added,
        created_at=stamp if added else None,
    )


def resolve_numbers(
    store: PatentStore, numbers: Sequence[str]
) -> dict[str, str | None]:
    """The store key (``doc_id``) of each publication number as written: its canonical
    form matched against ``pub_number`` and ``grant_pub_number``, else the text taken as
    a ``doc_id`` (documents without a number, such as the CCF corpus's). None: not in
    the store (or not a number)."""
    wanted: dict[str, str] = {}
    for raw in numbers:
        text = str(raw).strip()
        try:
            canonical = normalize_pub_number(text)
        except InputError:
            canonical = None
        wanted[raw] = canonical or text
    keys = sorted(set(wanted.values()) | {str(r).strip() for r in numbers})
    if not keys:
        return {}
    frame = pa.table({"key": pa.array(keys, pa.string())})
    with store.staged("tag_numbers", frame) as staged:
        rows = store.rows(
            f"SELECT k.key, min(p.doc_id) FROM {staged} k JOIN patents p "
            "ON p.pub_number = k.key OR p.grant_pub_number = k.key OR p.doc_id = k.key "
            "GROUP BY k.key"
        )
    found = dict(rows)
    return {
        raw: found.get(wanted[raw]) or found.get(str(raw).strip()) for raw in numbers
    }


def _documents(store: PatentStore, numbers: Sequence[str]) -> list[str]:
    resolved = resolve_numbers(store, numbers)
    missing = [n for n, d in resolved.items() if d is None]
    if missing:
        raise InputError(
            f"库中没有这些公开号：{'、'.join(missing[:20])}"
            f"{' …' if len(missing) > 20 else ''}。请检查号码，或先导入这些文献。"
        )
    return [d for d in resolved.values() if d is not None]


def _query_documents(store: PatentStore, query: str) -> list[str]:
    from patnav.search.sets import resolve_set

    compiled = resolve_set(store, query)
    return [r[0] for r in store.rows(compiled.sql, compiled.params)]


def add_tags(
    store: PatentStore,
    scheme: str,
    node: str,
    *,
    analyst: str,
    numbers: Sequence[str] = (),
    query: str | None = None,
    effect: str | None = None,
) -> TagChange:
    """Tag documents into ``node`` by hand: those of ``numbers`` (publication numbers)
    and every document ``query`` (an expert query or a saved set's name) finds.

    Raises:
        InputError: a number not in the store, a node the scheme lacks, neither numbers
            nor a query.
        NotFoundError: no such scheme.
    """
    found = get_scheme(store, scheme)
    found.check_node(node)
    if not numbers and not query:
        raise InputError("请给出要标引的公开号，或用 --query 给出检索式。")
    docs = _documents(store, numbers) if numbers else []
    if query:
        docs.extend(_query_documents(store, query))
    rows = [TagRow(d, node, analyst, "manual", effect) for d in dict.fromkeys(docs)]
    return write_tags(store, found, rows)


def remove_tags(
    store: PatentStore,
    scheme: str,
    *,
    node: str | None = None,
    numbers: Sequence[str] = (),
    query: str | None = None,
    analyst: str | None = None,
) -> TagChange:
    """Remove tags of ``scheme`` from documents (numbers and/or the documents of a
    query), of one node or all, of one analyst or all; their reviews go with them.

    Raises:
        InputError: neither numbers nor a query, a number not in the store.
    """
    found = get_scheme(store, scheme)
    if node is not None:
        node = found.check_node(node)
    if not numbers and not query:
        raise InputError("请给出要移除标引的公开号，或用 --query 给出检索式。")
    docs = _documents(store, numbers) if numbers else []
    if query:
        docs.extend(_query_documents(store, query))
    docs = list(dict.fromkeys(docs))
    if not docs:
        return TagChange(found.name)
    conditions = ["scheme = ?", "list_contains(?, doc_id)"]
    params: list[Any] = [found.name, docs]
    if node is not None:
        conditions.append("node = ?")
        params.append(node)
    if analyst:
        conditions.append("analyst = ?")
        params.append(analyst)
    return TagChange(found.name, removed=_delete(store, conditions, params))


def _delete(store: PatentStore, conditions: list[str], params: list[Any]) -> int:
    """Delete the tags matching ``conditions`` and their reviews; the tags deleted."""
    where = " AND ".join(conditions)
    with store.transaction():
        before = store.count("tags")
        store.execute(
            "DELETE FROM tag_reviews WHERE (doc_id, scheme, node, analyst) IN "
            f"(SELECT (doc_id, scheme, node, analyst) FROM tags WHERE {where})",
            params,
        )
        store.execute(f"DELETE FROM tags WHERE {where}", params)
        return before - store.count("tags")


def undo_tags(
    store: PatentStore,
    scheme: str,
    *,
    node: str,
    analyst: str,
    created_at: datetime,
) -> TagChange:
    """Take back exactly the tags one write added (:attr:`TagChange.created_at`): the
    manual tags of ``analyst`` in ``node`` stamped ``created_at``, with their reviews.
    Tags that were already there before that write are left alone."""
    found = get_scheme(store, scheme)
    conditions = [
        "scheme = ?",
        "node = ?",
        "analyst = ?",
        "source = 'manual'",
        "created_at = ?",
    ]
    params: list[Any] = [found.name, found.check_node(node), analyst, created_at]
    return TagChange(found.name, removed=_delete(store, conditions, params))


@dataclass(frozen=True, slots=True)
class Coverage:
    """How many documents a query finds, and how many of them already carry a tag."""

    scheme: str
    node: str
    query: str
    hits: int
    tagged_by_analyst: int
    """Hits ``analyst`` already tagged into the node (a bulk tag leaves them as they
    are)."""
    tagged_by_anyone: int
    """Hits any analyst tagged into the node."""

    @property
    def to_add(self) -> int:
        return self.hits - self.tagged_by_analyst

    def to_dict(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme,
            "node": self.node,
            "query": self.query,
            "hits": self.hits,
            "tagged_by_analyst": self.tagged_by_analyst,
            "tagged_by_anyone": self.tagged_by_anyone,
            "to_add": self.to_add,
        }


def query_coverage(
    store: PatentStore, scheme: str, node: str, query: str, *, analyst: str
) -> Coverage:
    """What tagging every document of ``query`` (an expert query or a saved set's
    name) into ``node`` as ``analyst`` would do, without writing anything.

    Raises:
        QuerySyntaxError: the query does not parse.
        InputError: no such node.
    """
    from patnav.search.sets import resolve_set

    found = get_scheme(store, scheme)
    node = found.check_node(node)
    compiled = resolve_set(store, query)
    hits, mine, anyone = store.rows(
        f"WITH h AS (SELECT DISTINCT doc_id FROM ({compiled.sql})), "
        "g AS (SELECT doc_id, bool_or(analyst = ?) AS mine FROM tags "
        "WHERE scheme = ? AND node = ? GROUP BY doc_id) "
        "SELECT count(*), count(*) FILTER (WHERE g.mine), count(g.doc_id) "
        "FROM h LEFT JOIN g USING (doc_id)",
        [*compiled.params, analyst, found.name, node],
    )[0]
    return Coverage(found.name, node, query, int(hits), int(mine), int(anyone))


def review_tags(
    store: PatentStore,
    scheme: str,
    *,
    numbers: Sequence[str],
    node: str,
    reviewer: str,
    verdict: str,
    analyst: str | None = None,
    note: str | None = None,
) -> int:
    """A second analyst confirms or disputes the tags of ``node`` on documents (every
    analyst's, or ``analyst``'s); returns the tags reviewed.

    Raises:
        InputError: an unknown verdict, a reviewer reviewing their own tag, no such tag.
    """
    if verdict not in VERDICTS:
        raise InvalidParameterError(
            f"审核结论应为 confirm（确认）或 dispute（有异议），不是 {verdict!r}。"
        )
    found = get_scheme(store, scheme)
    node = found.check_node(node)
    docs = _documents(store, numbers)
    conditions = "scheme = ? AND node = ? AND list_contains(?, doc_id)"
    params: list[Any] = [found.name, node, docs]
    if analyst:
        conditions += " AND analyst = ?"
        params.append(analyst)
    tagged = store.rows(f"SELECT doc_id, analyst FROM tags WHERE {conditions}", params)
    if not tagged:
        raise InputError(f"这些文献没有节点 {node} 的标引可审核。")
    own = [a for _, a in tagged if a == reviewer]
    if own:
        raise InputError("审核须由另一位标引人进行：不能审核自己的标引。")
    stamp = now()
    with store.transaction():
        for doc_id, by in tagged:
            store.execute(
                "INSERT INTO tag_reviews VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [doc_id, found.name, node, by, reviewer, verdict, note, stamp],
            )
    return len(tagged)


@dataclass(frozen=True)
class TagList:
    """The tags of a scheme, with their reviews (latest verdict per reviewer)."""

    scheme: str
    rows: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.rows), columns=list(TAG_LIST_COLUMNS))

    def to_dict(self) -> dict[str, Any]:
        return {"scheme": self.scheme, "tags": [dict(r) for r in self.rows]}


TAG_LIST_COLUMNS = (
    "pub_number",
    "doc_id",
    "title",
    "node",
    "analyst",
    "source",
    "threshold",
    "score",
    "effect",
    "created_at",
    "confirmed_by",
    "disputed_by",
)


def list_tags(
    store: PatentStore,
    scheme: str,
    *,
    node: str | None = None,
    analyst: str | None = None,
    source: str | None = None,
    doc_id: str | None = None,
    limit: int | None = None,
) -> TagList:
    """The tags of a scheme, newest first, optionally of one node, analyst, source or
    document (its store key)."""
    found = get_scheme(store, scheme)
    conditions = ["g.scheme = ?"]
    params: list[Any] = [found.name]
    if doc_id is not None:
        conditions.append("g.doc_id = ?")
        params.append(doc_id)
    if node is not None:
        conditions.append("g.node = ?")
        params.append(found.check_node(node))
    if analyst:
        conditions.append("g.analyst = ?")
        params.append(analyst)
    if source:
        conditions.append("g.source = ?")
        params.append(source)
    sql = (
        "WITH r AS (SELECT doc_id, scheme, node, analyst, reviewer, verdict FROM "
        "tag_reviews QUALIFY row_number() OVER (PARTITION BY doc_id, scheme, node, "
        "analyst, reviewer ORDER BY created_at DESC) = 1) "
        "SELECT p.pub_number, g.doc_id, p.title, g.node, g.analyst, g.source, "
        "g.threshold, g.score, g.effect, g.created_at, "
        "list_sort(list(r.reviewer) FILTER (WHERE r.verdict = 'confirm')), "
        "list_sort(list(r.reviewer) FILTER (WHERE r.verdict = 'dispute')) "
        "FROM tags g LEFT JOIN patents p USING (doc_id) "
        "LEFT JOIN r ON r.doc_id = g.doc_id AND r.scheme = g.scheme "
        "AND r.node = g.node AND r.analyst = g.analyst "
        f"WHERE {' AND '.join(conditions)} "
        "GROUP BY ALL ORDER BY g.created_at DESC, p.pub_number, g.node, g.analyst"
    )
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    rows = [
        dict(zip(TAG_LIST_COLUMNS, row, strict=True)) for row in store.rows(sql, params)
    ]
    return TagList(found.name, tuple(rows))
