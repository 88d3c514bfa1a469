"""Read a set of documents' ``parties`` and ``classifications`` rows by rowid, from the
full-text index's row index, instead of scanning those tables by doc_id.

A million-document store holds about two million parties rows and four million
classifications rows: a search that needs them for a few hundred documents (a ``PA`` or
``IPC`` condition on the candidates of a text term, the IPC facet of a result list) would
otherwise read every one of them to compare doc_ids. The index keeps where each
document's rows lie (:meth:`patnav.search.fulltext.FullTextIndex.row_hints`): its
parties rows lie in one short span of rowids, its classifications rows are listed. Both
are hints: every row read is checked against its doc_id, and a document the hints do not
place (no hint, or parties spread too far) is read by doc_id as before. So the rows are
exactly those of the scan.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import count

import pyarrow as pa
import pyarrow.compute as pc

from patnav.search import fulltext as ft
from patnav.storage.store import PatentStore

_names = count()

MAX_ROWS = 25_000
"""Beyond this many rows to read by rowid, a scan by doc_id costs less (rows spread over
the whole table: measured at 1 M documents, docs/search.md): the source is then the
table itself (None)."""


@dataclass(frozen=True, slots=True)
class Source:
    """SQL selecting some documents' rows of a table (every column, the table's own
    names), and its ``?`` parameters in order."""

    sql: str
    params: tuple[object, ...] = ()


def row_hints(
    index: ft.FullTextIndex | None, store: PatentStore, doc_ids: Sequence[str]
) -> tuple[pa.Table, pa.Table | None] | None:
    """The row index of ``doc_ids`` (:meth:`FullTextIndex.row_hints`), or None when
    there is none to use (no index, hints that do not fit the store, the row index
    switched off: :data:`patnav.search.fulltext.ROW_INDEX`)."""
    if index is None or not ft.ROW_INDEX or not doc_ids:
        return None
    return index.row_hints(store, doc_ids)


def _unplaced(doc_ids: pa.Array, placed: pa.Array) -> list[str]:
    """The documents of ``doc_ids`` not in ``placed``."""
    keep = pc.invert(pc.is_in(doc_ids, value_set=placed))
    return [str(d) for d in pc.filter(doc_ids, keep).to_pylist()]


def parties_source(
    store: PatentStore,
    stack: ExitStack,
    hints: tuple[pa.Table, pa.Table | None],
    doc_ids: Sequence[str],
) -> Source | None:
    """The ``parties`` rows of ``doc_ids``: by rowid within each document's span, each
    checked against its doc_id; the documents without a usable span by doc_id. None:
    more than :data:`MAX_ROWS` rows, scan the table."""
    located, _ = hints
    ids = pa.array(list(doc_ids), pa.string())
    narrow = pc.less(
        pc.subtract(located.column("phi"), located.column("plo")), ft.MAX_PARTY_SPAN
    )
    wide = located.filter(pc.invert(pc.fill_null(narrow, True)))
    wide = wide.filter(pc.is_valid(wide.column("plo")))
    spans = located.filter(pc.fill_null(narrow, False))
    # a document is placed when it has hints and none of them is spread too far (a
    # hint without parties rows says it has none)
    placed = pc.filter(
        located.column("doc_id"),
        pc.invert(pc.is_in(located.column("doc_id"), value_set=wide.column("doc_id"))),
    )
    rows = pc.sum(
        pc.add(pc.subtract(spans.column("phi"), spans.column("plo")), 1)
    ).as_py()
    if (rows or 0) > MAX_ROWS:
        return None
    table = stack.enter_context(
        store.staged(
            f"_row_spans_{next(_names)}",
            pa.table(
                {
                    "doc_id": spans.column("doc_id"),
                    "plo": spans.column("plo"),
                    "phi": spans.column("phi"),
                }
            ),
        )
    )
    # ``table`` is a name made in this module
    sql = (
        "WITH _f AS MATERIALIZED (SELECT rowid AS _r, * FROM parties WHERE rowid IN "
        f"(SELECT DISTINCT unnest(range(plo, phi + 1)) FROM {table})) "
        f"SELECT _f.* EXCLUDE (_r) FROM _f SEMI JOIN {table} s "
        "ON s.doc_id = _f.doc_id AND _f._r BETWEEN s.plo AND s.phi"
    )
    params: tuple[object, ...] = ()
    rest = _unplaced(ids, placed)
    if rest:
        sql += " UNION ALL SELECT * FROM parties WHERE doc_id = ANY(?::VARCHAR[])"
        params += (rest,)
    return Source(f"({sql})", params)


def classes_source(
    store: PatentStore,
    stack: ExitStack,
    hints: tuple[pa.Table, pa.Table | None],
    doc_ids: Sequence[str],
) -> Source | None:
    """The ``classifications`` rows of ``doc_ids``: by the rowids the row index lists,
    each checked against its doc_id; the documents it does not place by doc_id. None:
    no rowids that fit the store, or more than :data:`MAX_ROWS` rows: scan the table."""
    located, classes = hints
    if classes is None or classes.num_rows > MAX_ROWS:
        return None
    ids = pa.array(list(doc_ids), pa.string())
    table = stack.enter_context(store.staged(f"_row_classes_{next(_names)}", classes))
    # ``table`` is a name made in this module
    sql = (
        "WITH _f AS MATERIALIZED (SELECT rowid AS _r, * FROM classifications "
        f"WHERE rowid IN (SELECT crow FROM {table})) "
        f"SELECT _f.* EXCLUDE (_r) FROM _f SEMI JOIN {table} c "
        "ON c.crow = _f._r AND c.doc_id = _f.doc_id"
    )
    params: tuple[object, ...] = ()
    rest = _unplaced(ids, located.column("doc_id"))
    if rest:
        sql += (
            " UNION ALL SELECT * FROM classifications WHERE doc_id = ANY(?::VARCHAR[])"
        )
        params += (rest,)
    return Source(f"({sql})", params)
