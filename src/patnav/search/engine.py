"""Evaluate an expert query on the store, narrowed by the full-text index when it is current.

The compiled SQL (:mod:`patnav.search.compile`) is always what decides a match. Scanning
every title, abstract and claim of a million documents with substring and word patterns
takes hundreds of milliseconds, so when the side index is current the engine first asks
it which documents *can* match each text term (a superset, from CJK characters and pairs
and Latin words; exactly the matches when one gram decides the term):

1. Each text term gets its candidate documents from the gram index (or "all" when its
   grams narrow nothing: a lone wildcard, a very broad prefix, or more candidates than
   scanning the term's columns would cost — see :func:`narrow_limit`).
2. Candidates combine through the tree: AND intersects, OR unites, NOT and other fields
   give "all". If the whole query is narrowed, its WHERE clause runs on the candidate
   rows only ("narrowed"): terms the index decides exactly become flags of the staged
   candidates, and only the ``patents`` columns the other conditions name are read, by
   rowid (the index's locations hints, each checked against its doc_id) or by doc_id.
3. Otherwise each narrowed text term is decided on its own candidates, the matching ids
   are staged in a temporary table, and the query runs with ``doc_id IN (staged)`` in
   place of those terms ("staged").

Both paths give exactly the documents the plain SQL gives; tests check this on real data.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import count

import pyarrow as pa
import pyarrow.compute as pc

from patnav.search import rowindex
from patnav.search.compile import Fragment, Plan, compile_tree, plan_tree
from patnav.search.fields import FIELDS, Kind
from patnav.search.fulltext import Candidates, FullTextIndex
from patnav.search.query import And, Leaf, Node, Not, Or, Term, leaves
from patnav.storage.store import PatentStore
from patnav.text.matching import matcher

NARROW_FRACTION = 0.25
"""Candidate sets above this share of the corpus are not worth staging: scan instead."""

STAGED_TITLE_FRACTION = 0.001
"""In a staged plan, the share of the corpus above which a title term (``TI``) the SQL
decides with a plain substring test is left to the SQL: titles are short, and scanning
all of them costs about what staging this share of the corpus does (measured at 1 M
documents, docs/search.md)."""

MIN_NARROW = 1000
"""Below this many documents the candidates are always used, whatever the corpus size."""

_ALL = None
_names = count()


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The matching documents and how they were found."""

    doc_ids: list[str]
    plan: str  # sql | index | narrowed | staged


def _is_text(leaf: Leaf) -> bool:
    return isinstance(leaf, Term) and FIELDS[leaf.field].kind is Kind.TEXT


def narrow_limit(term: Term, documents: int, *, staged: bool = False) -> int:
    """The most candidates of ``term`` worth using in a corpus of ``documents``: beyond
    it, the SQL scan costs less than staging the candidates. In a staged plan the rest
    of the query reads every row anyway, so a cheap term (a substring in titles) is
    staged only when it has few candidates."""
    cheap = term.field == "TI" and matcher(term.text).literal is not None
    fraction = STAGED_TITLE_FRACTION if staged and cheap else NARROW_FRACTION
    return max(int(documents * fraction), MIN_NARROW)


def evaluate(
    store: PatentStore, tree: Node, index: FullTextIndex | None = None
) -> Evaluation:
    """The doc_ids of every document matching ``tree``.

    ``index`` must be current (``index.is_current(store)``) to be used; otherwise pass
    None and the query runs as plain SQL.
    """
    terms = [
        leaf
        for leaf in dict.fromkeys(leaves(tree))
        if isinstance(leaf, Term) and _is_text(leaf)
    ]
    if index is None or not terms:
        compiled = compile_tree(tree)
        return Evaluation(_run(store, compiled.sql, compiled.params), "sql")
    total = max(index.documents, 1)
    # Whether no candidates can narrow the whole tree (an OR or NOT with other fields):
    # then the plan is staged whatever the index says.
    staged_only = _propagate(tree, {term: set() for term in terms}) is _ALL
    candidates: dict[Leaf, Candidates | None] = {}
    for term in terms:
        limit = narrow_limit(term, total, staged=staged_only)
        candidates[term] = index.candidates(term.field, term.text, max_documents=limit)
    sets = {
        leaf: None if c is None else set(c.doc_ids) for leaf, c in candidates.items()
    }
    root = _propagate(tree, sets)
    with ExitStack() as stack:
        if root is not _ALL:
            if _decided_by_index(tree, candidates):
                return Evaluation(sorted(root), "index")
            if not root:
                return Evaluation([], "narrowed")
            decided = {
                leaf: c.doc_ids
                for leaf, c in candidates.items()
                if c is not None and c.exact
            }
            ids = pa.array(list(root), pa.string())
            keys = _keys_of(ids, candidates.values())
            found_ids = _run_on(store, index, stack, ids, keys, tree, decided)
            return Evaluation(found_ids, "narrowed")
        for term in terms:
            found = candidates[term]
            if found is not None and len(found.doc_ids) > narrow_limit(
                term, total, staged=True
            ):
                candidates[term] = None
        if all(found is None for found in candidates.values()):
            compiled = compile_tree(tree)
            return Evaluation(_run(store, compiled.sql, compiled.params), "sql")
        # Decide each narrowed term on its own candidates, stage the matches as
        # (doc_id, term number) rows, and let the query read them as flags.
        numbers: dict[Leaf, int] = {}
        rows_id: list[str] = []
        rows_leaf: list[int] = []
        for leaf, found in candidates.items():
            if found is None:
                continue
            exact = (
                found.doc_ids
                if found.exact
                else _run_on(
                    store,
                    index,
                    stack,
                    pa.array(found.doc_ids, pa.string()),
                    pa.array(found.keys, pa.int32()),
                    leaf,
                    {},
                )
            )
            numbers[leaf] = len(numbers)
            rows_id.extend(exact)
            rows_leaf.extend([numbers[leaf]] * len(exact))
        staged = stack.enter_context(
            store.staged(
                f"_search_terms_{next(_names)}",
                pa.table(
                    {
                        "doc_id": pa.array(rows_id, pa.string()),
                        "leaf": pa.array(rows_leaf, pa.int32()),
                    }
                ),
            )
        )

        def replace(leaf: Leaf, plan: Plan) -> Fragment | None:
            number = numbers.get(leaf)
            if number is None:
                return None
            return Fragment(plan.flag(staged, Fragment("leaf = ?", (number,))))

        compiled = compile_tree(tree, replace=replace)
        return Evaluation(_run(store, compiled.sql, compiled.params), "staged")


def _decided_by_index(tree: Node, candidates: dict[Leaf, Candidates | None]) -> bool:
    """Whether the index alone answers the tree: only text terms whose grams decide
    exactly, combined by AND and OR."""
    stack: list[Node] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, And | Or):
            stack.extend(node.items)
        elif isinstance(node, Not):
            return False
        else:
            found = candidates.get(node)
            if found is None or not found.exact:
                return False
    return True


def _propagate(node: Node, candidates: dict[Leaf, set[str] | None]) -> set[str] | None:
    """The documents the tree can match, from its narrowed terms (None: any document)."""
    if isinstance(node, And):
        sets = [
            s for s in (_propagate(i, candidates) for i in node.items) if s is not _ALL
        ]
        if not sets:
            return _ALL
        sets.sort(key=len)
        out = set(sets[0])
        for other in sets[1:]:
            out &= other
        return out
    if isinstance(node, Or):
        union: set[str] = set()
        for item in node.items:
            found = _propagate(item, candidates)
            if found is _ALL:
                return _ALL
            union |= found
        return union
    if isinstance(node, Not):
        return _ALL
    return candidates.get(node, _ALL)


def _keys_of(ids: pa.Array, candidates: Iterable[Candidates | None]) -> pa.Array:
    """The index key of each of ``ids``, from the candidates it came from."""
    have = [c for c in candidates if c is not None and c.doc_ids]
    if not have:
        return pa.nulls(len(ids), pa.int32())
    known = pa.concat_arrays([pa.array(c.doc_ids, pa.string()) for c in have])
    keys = pa.concat_arrays([pa.array(c.keys, pa.int32()) for c in have])
    return pc.take(keys, pc.index_in(ids, value_set=known))


def _run(
    store: PatentStore, sql: str, params: list[object] | tuple[object, ...]
) -> list[str]:
    return [str(r[0]) for r in store.rows(sql, list(params))]


def _run_on(
    store: PatentStore,
    index: FullTextIndex,
    stack: ExitStack,
    ids: pa.Array,
    keys: pa.Array,
    tree: Node,
    decided: dict[Leaf, list[str]],
) -> list[str]:
    """The documents among ``ids`` that match ``tree``; ``keys`` their keys in the
    index (to read their rows where the locations hints say they lie); ``decided`` the
    exact matches of some text terms, read as flags of the staged candidates so that
    their texts are never read."""
    numbers = {leaf: i for i, leaf in enumerate(decided)}

    def replace(leaf: Leaf, plan: Plan) -> Fragment | None:
        number = numbers.get(leaf)
        return None if number is None else Fragment(f"c._m{number}")

    plan = plan_tree(tree, replace=replace)
    columns = plan.patent_columns()
    data: dict[str, pa.Array] = {"doc_id": ids}
    prows = index.rows_of(store, keys) if columns and len(ids) else None
    if prows is not None:
        data["r"] = prows
    for leaf, number in numbers.items():
        members = pa.array(decided[leaf], pa.string())
        data[f"_m{number}"] = pc.fill_null(pc.is_in(ids, value_set=members), False)
    table = stack.enter_context(
        store.staged(f"_search_ids_{next(_names)}", pa.table(data))
    )
    # ``table`` is a name made in this module, the columns are names from the compiler.
    joins = plan.joins(
        restrict=f"SELECT doc_id FROM {table}",
        sources=_located_sources(store, index, stack, ids, plan),
    )
    params = joins.params + plan.where.params
    where = plan.where.sql
    if not columns:
        # Every condition is a flag: the patents table is not read at all.
        return _run(
            store, f"SELECT c.doc_id FROM {table} AS c{joins.sql} WHERE {where}", params
        )
    wanted = ", ".join(columns)
    if "r" in data and _hints_hold(store, table, len(ids)):
        rowids = f"SELECT r FROM {table}"
    else:
        # Fetch the candidates' rowids first: a WHERE on the patents scan itself would
        # be pushed down and evaluated on every row.
        rowids = (
            f"SELECT rowid FROM patents WHERE doc_id IN (SELECT doc_id FROM {table})"
        )
    return _run(
        store,
        f"""
        WITH ids AS MATERIALIZED ({rowids}),
        candidate_rows AS MATERIALIZED (
            SELECT doc_id AS _d, {wanted} FROM patents WHERE rowid IN (SELECT * FROM ids)
        )
        SELECT c.doc_id FROM {table} AS c JOIN candidate_rows AS cr ON cr._d = c.doc_id
        {joins.sql} WHERE {where}
        """,
        params,
    )


def _located_sources(
    store: PatentStore,
    index: FullTextIndex,
    stack: ExitStack,
    ids: pa.Array,
    plan: Plan,
) -> dict[str, Fragment]:
    """The candidates' ``parties`` and ``classifications`` rows read by the row index
    (:mod:`patnav.search.rowindex`) for the tables the plan joins, instead of a scan of
    each by doc_id; none without a row index."""
    wanted = [t for t in ("parties", "classifications") if t in plan.flags]
    if not wanted or not len(ids):
        return {}
    doc_ids = [str(d) for d in ids.to_pylist()]
    hints = rowindex.row_hints(index, store, doc_ids)
    if hints is None:
        return {}
    build = {
        "parties": rowindex.parties_source,
        "classifications": rowindex.classes_source,
    }
    out: dict[str, Fragment] = {}
    for table in wanted:
        source = build[table](store, stack, hints, doc_ids)
        if source is not None:
            out[table] = Fragment(source.sql, source.params)
    return out


def _hints_hold(store: PatentStore, table: str, expected: int) -> bool:
    """Whether every staged document's hint (``r``) is the rowid of its own row."""
    held = store.scalar(
        f"""
        WITH located AS MATERIALIZED (
            SELECT rowid AS _r, doc_id AS _d FROM patents
            WHERE rowid IN (SELECT r FROM {table})
        )
        SELECT count(*) FROM {table} AS c JOIN located AS p
            ON p._r = c.r AND p._d = c.doc_id
        """
    )
    return int(held) == expected
