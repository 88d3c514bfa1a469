"""Evaluate an expert query on the store, narrowed by the full-text index when it is current.

The compiled SQL (:mod:`patnav.search.compile`) is always what decides a match. Scanning
every title, abstract and claim of a million documents with substring and word patterns
takes hundreds of milliseconds, so when the side index is current the engine first asks
it which documents *can* match each text term (a superset, from CJK characters and pairs
and Latin words) and evaluates the SQL on those rows only:

1. Each text term gets its candidate documents from the gram index (or "all" when its
   grams narrow nothing: a lone wildcard, a very broad prefix).
2. Candidates combine through the tree: AND intersects, OR unites, NOT and other fields
   give "all". If the whole query is narrowed, its full WHERE clause runs on the
   candidate rows only.
3. Otherwise each narrowed text term is decided on its own candidates, the matching ids
   are staged in a temporary table, and the query runs with ``doc_id IN (staged)`` in
   place of those terms.

Both paths give exactly the documents the plain SQL gives; tests check this on real data.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from itertools import count

import pyarrow as pa

from patnav.search.compile import (
    PATENT_COLUMNS,
    Fragment,
    Plan,
    compile_tree,
    plan_tree,
)
from patnav.search.fields import FIELDS, Kind
from patnav.search.fulltext import Candidates, FullTextIndex
from patnav.search.query import And, Leaf, Node, Not, Or, Term, leaves
from patnav.storage.store import PatentStore

NARROW_FRACTION = 0.25
"""Candidate sets above this share of the corpus are not worth staging: scan instead."""

_ALL = None
_names = count()


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The matching documents and how they were found."""

    doc_ids: list[str]
    plan: str  # sql | index | narrowed | staged


def _is_text(leaf: Leaf) -> bool:
    return isinstance(leaf, Term) and FIELDS[leaf.field].kind is Kind.TEXT


def evaluate(
    store: PatentStore, tree: Node, index: FullTextIndex | None = None
) -> Evaluation:
    """The doc_ids of every document matching ``tree``.

    ``index`` must be current (``index.is_current(store)``) to be used; otherwise pass
    None and the query runs as plain SQL.
    """
    text_leaves = list(dict.fromkeys(leaf for leaf in leaves(tree) if _is_text(leaf)))
    if index is None or not text_leaves:
        compiled = compile_tree(tree)
        return Evaluation(_run(store, compiled.sql, compiled.params), "sql")
    total = max(index.documents, 1)
    limit = max(int(total * NARROW_FRACTION), 1000)
    candidates: dict[Leaf, Candidates | None] = {}
    for leaf in text_leaves:
        assert isinstance(leaf, Term)
        candidates[leaf] = index.candidates(leaf.field, leaf.text, max_documents=limit)
    sets = {
        leaf: None if c is None else set(c.doc_ids) for leaf, c in candidates.items()
    }
    root = _propagate(tree, sets)
    with ExitStack() as stack:
        if root is not _ALL:
            if _decided_by_index(tree, candidates):
                return Evaluation(sorted(root), "index")
            table = _stage(stack, store, root)
            return Evaluation(_run_on(store, table, tree), "narrowed")
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
                else _run_on(store, _stage(stack, store, found.doc_ids), leaf)
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


def _stage(stack: ExitStack, store: PatentStore, doc_ids: set[str] | list[str]) -> str:
    name = f"_search_ids_{next(_names)}"
    data = pa.table({"doc_id": pa.array(sorted(doc_ids), pa.string())})
    return stack.enter_context(store.staged(name, data))


def _run(
    store: PatentStore, sql: str, params: list[object] | tuple[object, ...]
) -> list[str]:
    return [str(r[0]) for r in store.rows(sql, list(params))]


def _run_on(store: PatentStore, table: str, tree: Node) -> list[str]:
    """The documents among those in ``table`` that match ``tree``."""
    plan = plan_tree(tree)
    joins = plan.joins(restrict=f"SELECT doc_id FROM {table}")
    # Fetch the candidate rows by rowid first: a WHERE on the patents scan itself would be
    # pushed down and evaluated on every row. ``table`` is a name made in this module.
    sql = f"""
        WITH ids AS MATERIALIZED (
            SELECT rowid AS r FROM patents WHERE doc_id IN (SELECT doc_id FROM {table})
        ),
        candidate_rows AS MATERIALIZED (
            SELECT {", ".join(PATENT_COLUMNS)} FROM patents
            WHERE rowid IN (SELECT r FROM ids)
        )
        SELECT doc_id FROM candidate_rows{joins.sql} WHERE {plan.where.sql}
    """
    return _run(store, sql, joins.params + plan.where.params)
