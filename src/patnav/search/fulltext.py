"""The full-text side index: BM25 ranking and the gram index that narrows Boolean terms.

The index is a DuckDB database of its own, next to the store (``<store>.search/
fulltext.duckdb``), built from the store and updated incrementally:

```
meta           key → value: analyzer signature, store identity, watermark, statistics
docs           doc_key, doc_id, fp (fingerprint of the texts), dl (tokens)
terms          term, term_id                   the ranking vocabulary
postings       term_id, doc_key, tf, dl        sorted by term_id: row groups are skipped
grams          gram, gram_id                   CJK characters and pairs, Latin words
gram_postings  gram_id, doc_key, fields        fields: 1 title, 2 abstract, 4 claims
locations      doc_key, h, prow, plo, phi      where each document lies in the store
```

A document's fingerprint hashes its title, abstract and claims (and their other-language
versions and claim items). :meth:`FullTextIndex.update` compares fingerprints with the
store, drops the changed and removed documents and analyses the new and changed ones, so
an update costs time in proportion to what changed. Term ids are 64-bit hashes of the
term (``blake2b``), so no vocabulary has to be loaded to add documents.

``locations`` is a hint, rebuilt by every update: ``h`` is DuckDB's ``hash(doc_id)``
(so a list of doc_ids maps to doc_keys without comparing strings), ``prow`` the rowid of
the document's ``patents`` row and ``plo``…``phi`` the rowids of its ``parties`` rows, so
a page of hits is read without scanning a million doc_ids. It is used only while the
store's layout (row counts and last rowids of both tables, the DuckDB version) is the one
it was built for; whatever it finds is checked against the doc_ids it stands for.

Ranking is Okapi BM25 (k1 = 1.2, b = 0.75) over title, abstract and claims, the title
counted twice; the scores are computed in SQL at query time, so they always reflect the
live documents.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import multiprocessing
import time
import weakref
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from patnav.errors import StoreError
from patnav.storage.store import MEMORY, PatentStore
from patnav.text.matching import (
    MAX_PATTERN_EXPANSION,
    exact_gram,
    requirements,
    text_grams,
)
from patnav.text.segmentation import Analyzer, Segmenter

log = logging.getLogger("patnav.search")

INDEX_FORMAT = "1"
SEGMENTER_FOLDER = "segmenter"
"""The folder beside ``fulltext.duckdb`` holding the dictionary the index was built with."""
K1 = 1.2
B = 0.75
TITLE_WEIGHT = 2
FIELD_BITS = {"title": 1, "abstract": 2, "claims": 4}
TEXT_FIELD_MASK = {"TI": 1, "AB": 2, "CL": 4, "TIAB": 3, "TIABC": 7}
PARALLEL_MIN_DOCUMENTS = 20_000
"""Fewer documents than this are analysed in the calling process (workers cost a start)."""
COMPACT_FRACTION = 0.15
"""Re-sort the postings once this share of them was appended since the last sort."""

Progress = Callable[[str, int, int | None], None]

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    "CREATE TABLE IF NOT EXISTS docs (doc_key INTEGER, doc_id VARCHAR, fp UBIGINT, dl INTEGER)",
    "CREATE TABLE IF NOT EXISTS terms (term VARCHAR, term_id BIGINT)",
    "CREATE TABLE IF NOT EXISTS postings (term_id BIGINT, doc_key INTEGER, tf INTEGER, dl INTEGER)",
    "CREATE TABLE IF NOT EXISTS grams (gram VARCHAR, gram_id BIGINT)",
    "CREATE TABLE IF NOT EXISTS gram_postings (gram_id BIGINT, doc_key INTEGER, fields UTINYINT)",
    "CREATE TABLE IF NOT EXISTS locations "
    "(doc_key INTEGER, h UBIGINT, prow BIGINT, plo BIGINT, phi BIGINT)",
    "CREATE TABLE IF NOT EXISTS class_rows (doc_key INTEGER, crow BIGINT)",
)

# The store's state in one statement: the watermark's parts (documents and their texts),
# then the layout the locations hints depend on (row counts and last rowids of patents
# and parties, and a canary of DuckDB's hash function), then that of classifications
# (for the row index's classification rowids).
_STORE_STATE = """
SELECT count(*), max(updated_at), max(imported_at),
    (SELECT count(*) FROM texts), (SELECT count(*) FROM claims),
    (SELECT value FROM meta WHERE key = 'created_at'),
    max(rowid), (SELECT count(*) FROM parties), (SELECT max(rowid) FROM parties),
    hash('patnav'),
    (SELECT count(*) FROM classifications), (SELECT max(rowid) FROM classifications)
FROM patents
"""

_LOCATE = """
SELECT p.doc_id, p.prow, g.plo, g.phi
FROM (SELECT doc_id, min(rowid) AS prow FROM patents GROUP BY doc_id) p
LEFT JOIN (
    SELECT doc_id, min(rowid) AS plo, max(rowid) AS phi FROM parties GROUP BY doc_id
) g USING (doc_id)
"""

_FIXED = 1 << 40
"""A BM25 term weight's unit in the sum of a document's score (2^-40): an integer sum
is the same in any order, where a float sum depends on the order of its rows."""

MAX_PARTY_SPAN = 64
"""A document whose parties rows lie further apart than this has no parties hint."""

_CLASS_ROWS = "SELECT doc_id, rowid AS crow FROM classifications"

ROW_INDEX = True
"""Whether searches use the row index: the locations hints and the classifications rows'
rowids held in memory as arrays (:meth:`FullTextIndex._row_arrays`), looked up there
instead of joined in the index, and used to read the ``parties`` and
``classifications`` rows of candidates and hits by rowid (:mod:`patnav.search.rowindex`)
instead of scanning those tables by doc_id; the page's titles found by three semi-joins.
False: the path before the row index, kept for the benchmarks' baseline
(``bench search-load``); both give the same results."""


@dataclass(frozen=True, slots=True)
class StoreState:
    """What the index compares with the store: ``watermark`` (its documents' texts),
    ``layout`` (where rows lie, for the locations hints) and ``classes`` (where
    classifications rows lie, for the row index)."""

    watermark: str
    layout: str
    classes: str = ""


# A read-only store cannot change while it is open: DuckDB lets no process write a
# database some process reads read-only. Its state is read once per store object. A
# caller that knows a writable store's state cannot change while it uses a cursor (the
# web's store handle, whose own workers are the only writers) tells it here.
_KNOWN_STATES: weakref.WeakKeyDictionary[PatentStore, StoreState] = (
    weakref.WeakKeyDictionary()
)


def assume_state(store: PatentStore, state: StoreState) -> None:
    """Take ``state`` as the store's for as long as this store object (a cursor) lives:
    only for a caller that knows no one writes the store meanwhile."""
    _KNOWN_STATES[store] = state


def store_state(store: PatentStore) -> StoreState:
    """The store's watermark and layout (one query; remembered for a read-only store,
    or as :func:`assume_state` said)."""
    known = _KNOWN_STATES.get(store)
    if known is not None:
        return known
    row = store.rows(_STORE_STATE)[0]
    state = StoreState(
        watermark=json.dumps([str(x) for x in row[:6]]),
        layout=json.dumps([str(x) for x in row[6:10]] + [duckdb.__version__]),
        classes=json.dumps([str(x) for x in row[10:]]),
    )
    if store.read_only:
        _KNOWN_STATES[store] = state
    return state


@dataclass(frozen=True, slots=True)
class Location:
    """Where a document's rows lie in the store: the rowid of its ``patents`` row and
    the first and last rowid of its ``parties`` rows (None: it has none)."""

    prow: int
    parties: tuple[int, int] | None


# The texts of each document, gathered from patents, texts and claims.
_DOC_TEXTS = """
SELECT p.doc_id, p.title, p.abstract, p.claims, t.title_x, t.abstract_x, t.claims_x, c.items
FROM patents p
LEFT JOIN (
    SELECT doc_id,
        string_agg(CASE WHEN section = 'title' THEN text END, chr(10)) AS title_x,
        string_agg(CASE WHEN section = 'abstract' THEN text END, chr(10)) AS abstract_x,
        string_agg(CASE WHEN section = 'claims' THEN text END, chr(10)) AS claims_x
    FROM texts WHERE section IN ('title', 'abstract', 'claims') {texts_filter}
    GROUP BY doc_id
) t USING (doc_id)
LEFT JOIN (
    SELECT doc_id, string_agg(text, chr(10) ORDER BY num) AS items
    FROM claims {claims_filter} GROUP BY doc_id
) c USING (doc_id)
WHERE {where}
"""

_FINGERPRINTS = """
SELECT p.doc_id, hash(p.title, p.abstract, p.claims, t.h, c.h) AS fp
FROM patents p
LEFT JOIN (
    SELECT doc_id,
        hash(list(section || ':' || coalesce(text, '') ORDER BY section, lang, text)) AS h
    FROM texts WHERE section IN ('title', 'abstract', 'claims') GROUP BY doc_id
) t USING (doc_id)
LEFT JOIN (SELECT doc_id, hash(list(text ORDER BY num)) AS h FROM claims GROUP BY doc_id) c
USING (doc_id)
"""


def term_id(term: str) -> int:
    """The 64-bit id of a term or gram: a stable hash, so ids need no vocabulary lookup."""
    return int.from_bytes(
        hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest(),
        "little",
        signed=True,
    )


def document_fields(
    title: str | None,
    title_x: str | None,
    abstract: str | None,
    abstract_x: str | None,
    claims: str | None,
    claims_x: str | None,
    items: str | None,
) -> tuple[str, str, str, str]:
    """A document's title, abstract, claims for ranking, and the claims the SQL
    predicates search (other-language versions joined in)."""
    # Every reader that splits claims also writes them all to patents.claims, so claim
    # items only rank a document that has no claims text; the gram index holds exactly
    # the texts the SQL predicates look at.
    ranked_claims = _join(claims or items, claims_x)
    searched_claims = _join(claims, claims_x)
    return (
        _join(title, title_x),
        _join(abstract, abstract_x),
        ranked_claims,
        searched_claims,
    )


def analyse(
    analyzer: Analyzer, fields: tuple[str, str, str, str]
) -> tuple[dict[str, int], int, dict[str, int]]:
    """A document's term frequencies (title counted twice), its length, and its grams
    with the bit mask of the fields holding each."""
    title, abstract, claims, every_claim = fields
    counts: dict[str, int] = {}
    dl = 0
    for weight, text in ((TITLE_WEIGHT, title), (1, abstract), (1, claims)):
        for token in analyzer.tokens(text):
            counts[token] = counts.get(token, 0) + weight
            dl += weight
    masks: dict[str, int] = {}
    for name, text in (
        ("title", title),
        ("abstract", abstract),
        ("claims", every_claim),
    ):
        if text:
            bit = FIELD_BITS[name]
            for gram in text_grams(text):
                masks[gram] = masks.get(gram, 0) | bit
    return counts, dl, masks


_WORKER_ANALYZER: Analyzer | None = None


def _start_worker(
    dictionaries: tuple[Path, ...],
    cache_dir: Path,
    pinned: tuple[str, tuple[str, ...]] | None,
) -> None:
    global _WORKER_ANALYZER
    _WORKER_ANALYZER = Analyzer(
        Segmenter(dictionaries, cache_dir=cache_dir, pinned=pinned)
    )


def _analyse_chunk(
    chunk: list[tuple[str, str, str, str]],
) -> list[tuple[dict[str, int], int, dict[str, int]]]:
    assert _WORKER_ANALYZER is not None
    return [analyse(_WORKER_ANALYZER, fields) for fields in chunk]


@dataclass(frozen=True, slots=True)
class UpdateReport:
    """What an index update did."""

    added: int
    changed: int
    removed: int
    documents: int
    seconds: float
    compacted: bool = False
    rebuilt: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class IndexStatus:
    """How the index stands against the store."""

    documents: int
    postings: int
    gram_postings: int
    is_current: bool
    analyzer: str
    built_at: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class FullTextIndex:
    """The side index of one store; in memory when ``path`` is None.

    The index holds its own DuckDB connection: it is not the store, and never writes to
    the store.
    """

    def __init__(self, path: Path | None, analyzer: Analyzer) -> None:
        self.path = path
        self.analyzer = analyzer
        self._term_cache: dict[str, int] = {}
        # Facts about the index itself (meta values, document count, average length):
        # only this object writes the index while it is open, and every write forgets them.
        self._facts: dict[str, Any] = {}
        # An existing index opens read-only, so any number of processes can search it;
        # an update reopens it for writing (one process at a time).
        self.read_only = path is not None and path.exists()
        self._conn = self._connect(read_only=self.read_only)
        self._view = False
        if not self.read_only:
            for statement in _SCHEMA:
                self._exec(statement)

    def reader(self) -> FullTextIndex:
        """A view of this index on a DuckDB cursor of its own, for another thread.

        Views read the same index concurrently (DuckDB cursors may be used from
        different threads; one connection may not) and share this index's analyzer and
        remembered facts. A view never writes: bring the index up to date through this
        object, with no view in use. Close the view when done (its cursor only).
        """
        view = copy.copy(self)
        view._conn = self._conn.cursor()
        view._conn.execute("SET enable_progress_bar = false").fetchall()
        view._view = True
        return view

    def _connect(self, *, read_only: bool) -> duckdb.DuckDBPyConnection:
        if self.path is None:
            return duckdb.connect(MEMORY)
        try:
            if not read_only:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = duckdb.connect(str(self.path), read_only=read_only)
        except (duckdb.Error, OSError) as exc:
            busy = "lock" in str(exc).lower()
            raise StoreError(
                f"Cannot open the search index {self.path}"
                + (
                    " for writing: another patnav process is using it. "
                    if busy
                    else f": {exc}. "
                )
                + "Wait for it to finish (or close it), or delete the folder to rebuild it."
            ) from exc
        conn.execute("SET enable_progress_bar = false").fetchall()
        return conn

    def _refuse_view(self) -> None:
        if self._view:
            raise StoreError(
                "A reader view of the search index cannot update it: update the index "
                "it was made from."
            )

    def _writable(self) -> None:
        self._refuse_view()
        self._facts.clear()
        if self.read_only:
            self._conn.close()
            self._conn = self._connect(read_only=False)
            self.read_only = False
            for statement in _SCHEMA:
                self._exec(statement)

    def close(self) -> None:
        """Close the index's connection (a view's cursor only)."""
        if not self._view:
            self._facts.clear()
        self._conn.close()

    def _exec(self, sql: str, params: list[Any] | None = None) -> None:
        # DuckDB wants every result consumed before the connection's next statement.
        self._facts.clear()
        self._conn.execute(sql, params or []).fetchall()

    def _one(self, sql: str, params: list[Any] | None = None) -> tuple[Any, ...] | None:
        rows = self._conn.execute(sql, params or []).fetchall()
        return rows[0] if rows else None

    def _count(self, sql: str) -> int:
        row = self._one(sql)
        return int(row[0]) if row else 0

    # -- bookkeeping ------------------------------------------------------------------

    def _meta(self, key: str) -> str | None:
        fact = "meta:" + key
        if fact in self._facts:
            return self._facts[fact]  # type: ignore[no-any-return]
        try:
            row = self._one("SELECT value FROM meta WHERE key = ?", [key])
        except duckdb.CatalogException:
            return None
        value = None if row is None else str(row[0])
        self._facts[fact] = value
        return value

    def _set_meta(self, values: dict[str, str]) -> None:
        for key, value in values.items():
            # delete, then insert: a copied index's meta may lack its primary key
            self._exec("DELETE FROM meta WHERE key = ?", [key])
            self._exec("INSERT INTO meta VALUES (?, ?)", [key, value])

    @staticmethod
    def watermark(store: PatentStore) -> str:
        """A cheap summary of the store's texts that changes when any document changes."""
        return store_state(store).watermark

    def is_current(self, store: PatentStore) -> bool:
        """Whether the index reflects the store's documents as they are now."""
        return (
            self._meta("watermark") == self.watermark(store)
            and self._analyzer_matches()
            and self._meta("format") == INDEX_FORMAT
        )

    def _analyzer_matches(self) -> bool:
        """Whether the index was built by this analyzer (recorded under its signature,
        or under the signature an earlier patnav gave it)."""
        recorded = self._meta("analyzer")
        if recorded is None:
            return False
        if "analyzer_matches" not in self._facts:
            self._facts["analyzer_matches"] = (
                recorded == self.analyzer.signature()
                or recorded == self.analyzer.legacy_signature()
            )
        return bool(self._facts["analyzer_matches"])

    def _record_analyzer(self) -> None:
        """Record the analyzer's current signature (an index recorded under its legacy
        one is rewritten once, never rebuilt)."""
        if self._meta("analyzer") != self.analyzer.signature():
            self._writable()
            self._set_meta(
                {
                    "analyzer": self.analyzer.signature(),
                    "analyzer_config": json.dumps(
                        self.analyzer.describe(), ensure_ascii=False
                    ),
                }
            )

    def located(self, store: PatentStore) -> bool:
        """Whether the locations hints fit the store as it is now (the index being
        current is a separate question: :meth:`is_current`)."""
        state = store_state(store)
        return self._meta("locations") == json.dumps([state.watermark, state.layout])

    def class_located(self, store: PatentStore) -> bool:
        """Whether the row index's classifications rowids fit the store as it is now
        (besides :meth:`located`)."""
        state = store_state(store)
        return self._meta("class_rows") == json.dumps(
            [state.watermark, state.layout, state.classes]
        )

    def _locate(self, store: PatentStore) -> None:
        """Rebuild the locations hints and the classifications rowids from the store (in
        the update's writable connection)."""
        state = store_state(store)
        if self.located(store) and self.class_located(store):
            return
        self._conn.register("store_rows", store.query(_LOCATE))
        self._conn.register("store_class_rows", store.query(_CLASS_ROWS))
        try:
            self._exec("BEGIN TRANSACTION")
            try:
                self._exec("DELETE FROM locations")
                self._exec(
                    "INSERT INTO locations SELECT d.doc_key, hash(d.doc_id), s.prow, "
                    "s.plo, s.phi FROM docs d JOIN store_rows s USING (doc_id) "
                    "ORDER BY d.doc_key"
                )
                # every classifications row of a document, by its key (the rows of
                # one document need not lie together)
                self._exec("DELETE FROM class_rows")
                self._exec(
                    "INSERT INTO class_rows SELECT d.doc_key, c.crow FROM docs d "
                    "JOIN store_class_rows c USING (doc_id) ORDER BY d.doc_key, c.crow"
                )
                self._set_meta(
                    {
                        "locations": json.dumps([state.watermark, state.layout]),
                        "class_rows": json.dumps(
                            [state.watermark, state.layout, state.classes]
                        ),
                    }
                )
                self._exec("COMMIT")
            except BaseException:
                self._exec("ROLLBACK")
                raise
        finally:
            self._conn.unregister("store_rows")
            self._conn.unregister("store_class_rows")

    def status(self, store: PatentStore) -> IndexStatus:
        """Sizes of the index and whether it is current."""
        return IndexStatus(
            documents=self._count("SELECT count(*) FROM docs"),
            postings=self._count("SELECT count(*) FROM postings"),
            gram_postings=self._count("SELECT count(*) FROM gram_postings"),
            is_current=self.is_current(store),
            analyzer=self._meta("analyzer") or "",
            built_at=self._meta("built_at"),
        )

    @property
    def documents(self) -> int:
        """How many documents the index holds."""
        if "documents" not in self._facts:
            self._facts["documents"] = self._count("SELECT count(*) FROM docs")
        return int(self._facts["documents"])

    # -- updating ---------------------------------------------------------------------

    def update(
        self,
        store: PatentStore,
        *,
        progress: Progress | None = None,
        batch_size: int = 2000,
        workers: int = 1,
    ) -> UpdateReport:
        """Bring the index up to date with the store: analyse new and changed documents,
        drop removed ones. A changed analyzer or index format rebuilds from scratch.
        ``workers`` > 1 analyses large updates in that many processes."""
        self._refuse_view()
        started = time.perf_counter()
        watermark = self.watermark(store)
        if self.is_current(store):
            self._record_analyzer()
            if not (self.located(store) and self.class_located(store)):
                self._writable()
                self._locate(store)
            self._keep_analyzer()
            return UpdateReport(0, 0, 0, self.documents, time.perf_counter() - started)
        self._writable()
        rebuilt = False
        if not self._analyzer_matches() or self._meta("format") != INDEX_FORMAT:
            rebuilt = self.documents > 0 or self._meta("format") is not None
            self._clear()
        elif self._meta("watermark") == watermark:
            self._locate(store)
            self._keep_analyzer()
            return UpdateReport(0, 0, 0, self.documents, time.perf_counter() - started)

        todo, stale, fp_of = self._differences(store)
        changed = sum(1 for _, still in stale if still)
        removed = len(stale) - changed
        self._exec("BEGIN TRANSACTION")
        try:
            self._drop(stale)
            self._analyse(store, todo, fp_of, progress, batch_size, workers)
            self._set_meta(
                {
                    "format": INDEX_FORMAT,
                    "analyzer": self.analyzer.signature(),
                    "analyzer_config": json.dumps(
                        self.analyzer.describe(), ensure_ascii=False
                    ),
                    "watermark": watermark,
                    "built_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
                }
            )
            self._exec("COMMIT")
        except BaseException:
            self._exec("ROLLBACK")
            raise
        compacted = self._maybe_compact()
        self._locate(store)
        self._keep_analyzer()
        if rebuilt:
            log.info("full-text index %s rebuilt for a new analyzer", self.path)
        return UpdateReport(
            added=len(todo) - changed,
            changed=changed,
            removed=removed,
            documents=self.documents,
            seconds=time.perf_counter() - started,
            compacted=compacted,
            rebuilt=rebuilt,
        )

    def _clear(self) -> None:
        """Empty the index (a changed analyzer or format rebuilds it from scratch)."""
        for table in ("docs", "terms", "postings", "grams", "gram_postings", "meta"):
            self._exec(f"DELETE FROM {table}")
        self._term_cache.clear()  # the vocabularies are empty again

    def _differences(
        self, store: PatentStore
    ) -> tuple[list[str], list[tuple[int, bool]], dict[str, int]]:
        """What an update must do, from the store's fingerprints: the documents to
        analyse (new or changed, by id), the indexed ones to drop (key, and whether the
        document is still in the store: changed, not removed), and the fingerprint of
        each document to analyse."""
        fingerprints = store.query(_FINGERPRINTS)
        self._conn.register("store_fp", fingerprints)
        try:
            todo = [
                r[0]
                for r in self._conn.execute(
                    "SELECT f.doc_id FROM store_fp f LEFT JOIN docs d USING (doc_id) "
                    "WHERE d.doc_id IS NULL OR d.fp <> f.fp ORDER BY f.doc_id"
                ).fetchall()
            ]
            stale = self._conn.execute(
                "SELECT d.doc_key, f.doc_id IS NOT NULL FROM docs d "
                "LEFT JOIN store_fp f USING (doc_id) WHERE f.doc_id IS NULL OR d.fp <> f.fp"
            ).fetchall()
            fp_of = (
                dict(
                    self._conn.execute(
                        "SELECT doc_id, fp FROM store_fp "
                        "WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))",
                        [todo],
                    ).fetchall()
                )
                if todo
                else {}
            )
        finally:
            self._conn.unregister("store_fp")
        return todo, stale, fp_of

    def _drop(self, stale: list[tuple[int, bool]]) -> None:
        """Delete the postings and rows of the stale documents (in the update's
        transaction)."""
        if not stale:
            return
        keys = pa.table({"doc_key": pa.array([k for k, _ in stale], pa.int32())})
        self._conn.register("stale_keys", keys)
        for table in ("postings", "gram_postings", "docs"):
            self._exec(
                f"DELETE FROM {table} WHERE doc_key IN (SELECT doc_key FROM stale_keys)"
            )
        self._conn.unregister("stale_keys")

    def _analyse(
        self,
        store: PatentStore,
        todo: list[str],
        fp_of: dict[str, int],
        progress: Progress | None,
        batch_size: int,
        workers: int,
    ) -> None:
        """Analyse and add the documents ``todo`` in batches (in the update's
        transaction), in ``workers`` processes when there are enough of them."""
        next_key = self._count("SELECT coalesce(max(doc_key), 0) + 1 FROM docs")
        done = 0
        with ExitStack() as stack:
            pool = None
            if workers > 1 and len(todo) >= PARALLEL_MIN_DOCUMENTS:
                segmenter = self.analyzer.segmenter
                pool = stack.enter_context(
                    ProcessPoolExecutor(
                        max_workers=workers,
                        # spawn, not fork: the parent holds DuckDB connections
                        mp_context=multiprocessing.get_context("spawn"),
                        initializer=_start_worker,
                        initargs=(
                            segmenter.dictionaries,
                            segmenter.cache_dir,
                            segmenter.pinned,
                        ),
                    )
                )
            for start in range(0, len(todo), batch_size):
                batch = todo[start : start + batch_size]
                rows = store.query(
                    _DOC_TEXTS.format(
                        texts_filter="AND doc_id IN (SELECT unnest(?::VARCHAR[]))",
                        claims_filter="WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))",
                        where="p.doc_id IN (SELECT unnest(?::VARCHAR[]))",
                    ),
                    [batch, batch, batch],
                )
                next_key = self._add(rows, fp_of, next_key, pool, workers)
                done += len(batch)
                if progress:
                    progress("full-text index", done, len(todo))

    def _keep_analyzer(self) -> None:
        """Keep the analyzer's dictionary beside the index, so that a process without
        the word lists (another machine, no data folder) searches it as built instead of
        rebuilding it with another analyzer. A cache: failing to write it costs nothing."""
        if self.path is None:
            return
        try:
            self.analyzer.segmenter.keep_in(self.path.parent / SEGMENTER_FOLDER)
        except OSError as exc:
            log.warning("cannot keep the segmenter table beside %s: %s", self.path, exc)

    def _id(self, term: str, new_terms: dict[str, int]) -> int:
        tid = self._term_cache.get(term)
        if tid is None:
            tid = term_id(term)
            if len(self._term_cache) < 4_000_000:
                self._term_cache[term] = tid
            new_terms[term] = tid
        return tid

    def _add(
        self,
        rows: pa.Table,
        fp_of: dict[str, int],
        next_key: int,
        pool: ProcessPoolExecutor | None = None,
        workers: int = 1,
    ) -> int:
        doc_keys: list[int] = []
        doc_ids: list[str] = []
        fps: list[int] = []
        dls: list[int] = []
        p_term: list[int] = []
        p_doc: list[int] = []
        p_tf: list[int] = []
        p_dl: list[int] = []
        g_gram: list[int] = []
        g_doc: list[int] = []
        g_fields: list[int] = []
        new_terms: dict[str, int] = {}
        new_grams: dict[str, int] = {}
        columns = rows.to_pydict()
        texts = [
            document_fields(
                *(
                    columns[c][i]
                    for c in ("title", "title_x", "abstract", "abstract_x")
                ),
                *(columns[c][i] for c in ("claims", "claims_x", "items")),
            )
            for i in range(len(columns["doc_id"]))
        ]
        if pool is None:
            analysed = [analyse(self.analyzer, t) for t in texts]
        else:
            size = max(1, len(texts) // (4 * workers))
            chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
            analysed = [a for part in pool.map(_analyse_chunk, chunks) for a in part]
        for doc_id, (counts, dl, masks) in zip(
            columns["doc_id"], analysed, strict=True
        ):
            key = next_key
            next_key += 1
            for token, tf in counts.items():
                p_term.append(self._id(token, new_terms))
                p_doc.append(key)
                p_tf.append(tf)
                p_dl.append(dl)
            for gram, mask in masks.items():
                g_gram.append(self._id("\x00" + gram, new_grams))
                g_doc.append(key)
                g_fields.append(mask)
            doc_keys.append(key)
            doc_ids.append(doc_id)
            fps.append(fp_of[doc_id])
            dls.append(dl)
        conn = self._conn
        conn.from_arrow(
            pa.table(
                {
                    "doc_key": pa.array(doc_keys, pa.int32()),
                    "doc_id": pa.array(doc_ids, pa.string()),
                    "fp": pa.array(fps, pa.uint64()),
                    "dl": pa.array(dls, pa.int32()),
                }
            )
        ).insert_into("docs")
        conn.from_arrow(
            pa.table(
                {
                    "term_id": pa.array(p_term, pa.int64()),
                    "doc_key": pa.array(p_doc, pa.int32()),
                    "tf": pa.array(p_tf, pa.int32()),
                    "dl": pa.array(p_dl, pa.int32()),
                }
            )
        ).insert_into("postings")
        conn.from_arrow(
            pa.table(
                {
                    "gram_id": pa.array(g_gram, pa.int64()),
                    "doc_key": pa.array(g_doc, pa.int32()),
                    "fields": pa.array(g_fields, pa.uint8()),
                }
            )
        ).insert_into("gram_postings")
        self._insert_vocabulary("terms", "term", "term_id", new_terms)
        self._insert_vocabulary(
            "grams", "gram", "gram_id", {g[1:]: i for g, i in new_grams.items()}
        )
        return next_key

    def _insert_vocabulary(
        self, table: str, name: str, key: str, entries: dict[str, int]
    ) -> None:
        if not entries:
            return
        data = pa.table(
            {
                name: pa.array(list(entries), pa.string()),
                key: pa.array(list(entries.values()), pa.int64()),
            }
        )
        self._conn.register("new_vocabulary", data)
        try:
            # names are this module's constants, never user text
            self._exec(
                f"INSERT INTO {table} SELECT n.{name}, n.{key} FROM new_vocabulary n "
                f"ANTI JOIN {table} t ON t.{key} = n.{key}"
            )
        finally:
            self._conn.unregister("new_vocabulary")

    def _maybe_compact(self) -> bool:
        total = self._count("SELECT count(*) FROM postings")
        sorted_rows = int(self._meta("sorted_postings") or 0)
        if total == 0 or (
            (total - sorted_rows) <= COMPACT_FRACTION * total and sorted_rows
        ):
            return False
        self.compact()
        return True

    def compact(self) -> None:
        """Rewrite the posting tables sorted by term, so queries skip row groups."""
        self._exec("BEGIN TRANSACTION")
        try:
            for table, key in (("postings", "term_id"), ("gram_postings", "gram_id")):
                # table and key are this module's constants
                self._exec(
                    f"CREATE TABLE {table}_sorted AS SELECT * FROM {table} ORDER BY {key}, doc_key"
                )
                self._exec(f"DROP TABLE {table}")
                self._exec(f"ALTER TABLE {table}_sorted RENAME TO {table}")
            total = self._count("SELECT count(*) FROM postings")
            self._set_meta({"sorted_postings": str(total)})
            self._exec("COMMIT")
        except BaseException:
            self._exec("ROLLBACK")
            raise
        self._exec("CHECKPOINT")

    # -- ranking ----------------------------------------------------------------------

    def rank(
        self,
        text: str,
        *,
        limit: int = 100,
        within: Sequence[str] | None = None,
        store: PatentStore | None = None,
    ) -> list[tuple[str, float]]:
        """The documents best matching ``text`` by BM25, best first, as (doc_id, score).

        ``within`` restricts the ranking to those documents (a Boolean result). With the
        ``store`` the index was built from, its locations hints make ``within`` cheaper.
        """
        return [
            (doc_id, score)
            for doc_id, score, _ in self.rank_located(
                text, limit=limit, within=within, store=store
            )
        ]

    def _stats(self) -> tuple[int, float]:
        if "stats" not in self._facts:
            row = self._one("SELECT count(*), coalesce(avg(dl), 0) FROM docs")
            self._facts["stats"] = (int(row[0]), float(row[1])) if row else (0, 0.0)
        return self._facts["stats"]  # type: ignore[no-any-return]

    def rank_located(
        self,
        text: str,
        *,
        limit: int = 100,
        within: Sequence[str] | None = None,
        store: PatentStore | None = None,
    ) -> list[tuple[str, float, Location | None]]:
        """:meth:`rank`, each hit with its :class:`Location` in ``store`` when the
        locations hints fit it (else None)."""
        tokens = self.analyzer.query_tokens(text)
        if not tokens or limit <= 0:
            return []
        ids = sorted({term_id(t) for t in tokens})
        n_docs, avgdl = self._stats()
        if not n_docs:
            return []
        located = store is not None and self.is_current(store) and self.located(store)
        if within is not None:
            self._conn.register(
                "within_ids", pa.table({"doc_id": pa.array(list(within), pa.string())})
            )
        try:
            rows = self._scored(ids, n_docs, avgdl, limit, within is not None, located)
            if located and within is not None and not all(r[-1] for r in rows):
                # a hash shared with a document outside ``within``: decide by doc_id
                rows = self._scored(ids, n_docs, avgdl, limit, True, False)
        finally:
            if within is not None:
                self._conn.unregister("within_ids")
        out: list[tuple[str, float, Location | None]] = []
        for doc_id, score, prow, plo, phi, _ in rows[:limit]:
            where = None
            if prow is not None:
                span = (
                    (int(plo), int(phi))
                    if plo is not None and phi - plo < MAX_PARTY_SPAN
                    else None
                )
                where = Location(int(prow), span) if plo is None or span else None
            out.append((str(doc_id), float(score), where))
        return out

    def _scored(
        self,
        ids: list[int],
        n_docs: int,
        avgdl: float,
        limit: int,
        restricted: bool,
        located: bool,
    ) -> list[tuple[Any, ...]]:
        # The ids are integers computed here, never user text: written as literals so
        # DuckDB skips the row groups of the sorted postings whose range excludes them.
        id_list = ", ".join(str(int(i)) for i in ids)
        restrict = ""
        if restricted and located:
            # integers, not strings: the hashes of the wanted doc_ids against the
            # stored ones; the doc_ids of what is found are checked below
            restrict = (
                "AND doc_key IN (SELECT doc_key FROM locations "
                "WHERE h IN (SELECT hash(doc_id) FROM within_ids))"
            )
        elif restricted:
            restrict = (
                "AND doc_key IN (SELECT d.doc_key FROM docs d SEMI JOIN within_ids w "
                "ON d.doc_id = w.doc_id)"
            )
        where = (
            "l.prow, l.plo, l.phi"
            if located
            else "NULL::BIGINT, NULL::BIGINT, NULL::BIGINT"
        )
        joins = " LEFT JOIN locations l USING (doc_key)" if located else ""
        check = (
            "d.doc_id IN (SELECT doc_id FROM within_ids)"
            if restricted and located
            else "true"
        )

        # The order is total and the same on every run: score rounded to 9 decimals
        # (descending), then doc_id. A document's terms are summed as integers (in
        # units of 2^-40, :data:`_FIXED`), exact in any order: a float sum in the order
        # the threads meet the rows differed in its last bit from run to run, and
        # reordered and cut documents of equal score (bench search-load's 无人机 AND
        # 电池). The documents are cut first by score and doc_key, with a margin; when
        # the ``limit``-th document's rounded score is the last kept one's, every
        # document of that rounded score or more is read again, so the first ``limit``
        # rows are a prefix of the one order whatever the limit.
        def scored(floor: float | None, cut: int) -> list[tuple[Any, ...]]:
            above = "" if floor is None else "HAVING round(score, 9) >= ?"
            return self._conn.execute(
                f"""
                WITH p AS (
                    SELECT term_id, doc_key, tf, dl FROM postings
                    WHERE term_id IN ({id_list})
                ),
                df AS (SELECT term_id, count(*) AS df FROM p GROUP BY term_id),
                scored AS (
                    SELECT doc_key,
                        sum(CAST(round(ln(1 + (? - df + 0.5) / (df + 0.5)) * tf
                            * ({K1} + 1) / (tf + {K1} * (1 - {B} + {B} * dl / ?))
                            * {_FIXED}) AS BIGINT)) / {_FIXED} AS score
                    FROM p JOIN df USING (term_id)
                    WHERE true {restrict}
                    GROUP BY doc_key {above} ORDER BY score DESC, doc_key LIMIT ?
                )
                SELECT d.doc_id, s.score, {where}, {check}, round(s.score, 9)
                FROM scored s JOIN docs d USING (doc_key){joins}
                ORDER BY round(s.score, 9) DESC, d.doc_id
                """,
                [n_docs, max(avgdl, 1.0), *([] if floor is None else [floor]), cut],
            ).fetchall()

        margin = limit * 2 + 20
        rows = scored(None, margin)
        if len(rows) >= margin and rows[limit - 1][-1] == rows[-1][-1]:
            rows = scored(rows[-1][-1], max(n_docs, margin))
        return [row[:-1] for row in rows]

    def locations_of(
        self, store: PatentStore, prows: Sequence[int]
    ) -> dict[int, Location]:
        """The locations of the documents whose ``patents`` rows have these rowids in
        ``store`` (none when the hints do not fit the store)."""
        if not prows or not (self.is_current(store) and self.located(store)):
            return {}
        rows = self._conn.execute(
            "SELECT prow, plo, phi FROM locations "
            "WHERE prow IN (SELECT unnest(?::BIGINT[]))",
            [list(prows)],
        ).fetchall()
        out: dict[int, Location] = {}
        for prow, plo, phi in rows:
            if plo is None:
                out[int(prow)] = Location(int(prow), None)
            elif phi - plo < MAX_PARTY_SPAN:
                out[int(prow)] = Location(int(prow), (int(plo), int(phi)))
        return out

    def hints_of(
        self, store: PatentStore, doc_ids: Sequence[str]
    ) -> dict[str, tuple[int, int | None, int | None]] | None:
        """Where each document's rows lie in ``store`` by the locations hints: its
        ``patents`` rowid and the first and last rowid of its ``parties`` rows (None:
        it has none), for the documents the index holds; None when the hints do not fit
        the store. Hints, found by ``hash(doc_id)``: check each against its doc_id."""
        if not doc_ids or not (self.is_current(store) and self.located(store)):
            return None
        if ROW_INDEX:
            arrays = self._row_arrays()
            which, at = self._hinted(arrays, doc_ids)
            out: dict[str, tuple[int, int | None, int | None]] = {}
            for i, prow, plo, phi in zip(
                which.tolist(),
                arrays["prow"][at].tolist(),
                arrays["plo"][at].tolist(),
                arrays["phi"][at].tolist(),
                strict=True,
            ):
                out.setdefault(
                    str(doc_ids[i]),
                    (prow, None if plo < 0 else plo, None if phi < 0 else phi),
                )
            return out
        self._conn.register(
            "hinted_ids", pa.table({"doc_id": pa.array(list(doc_ids), pa.string())})
        )
        try:
            rows = self._conn.execute(
                "SELECT w.doc_id, l.prow, l.plo, l.phi FROM hinted_ids w "
                "JOIN locations l ON l.h = hash(w.doc_id)"
            ).fetchall()
        finally:
            self._conn.unregister("hinted_ids")
        out = {}
        for doc_id, prow, plo, phi in rows:
            # a hash shared by two documents: the first hint stands, and is checked
            out.setdefault(
                str(doc_id),
                (
                    int(prow),
                    None if plo is None else int(plo),
                    None if phi is None else int(phi),
                ),
            )
        return out

    def row_hints(
        self, store: PatentStore, doc_ids: Sequence[str]
    ) -> tuple[pa.Table, pa.Table | None] | None:
        """The row index of ``doc_ids`` in ``store``: every locations hint whose hash
        matches a document (``doc_id``, ``prow``, ``plo``, ``phi``: its ``patents``
        rowid and its ``parties`` rows' first and last rowid, None when it has none),
        and the rowids of its ``classifications`` rows (``doc_id``, ``crow``: every one
        of a document the index holds — the rows of one document need not lie
        together). Hints, found by ``hash(doc_id)``, so perhaps another document's
        too: check each row against its doc_id. None when the hints do not fit the
        store; the rowids None when they do not (classifications rows added since).

        Looked up in arrays held in memory (:meth:`_row_arrays`, read once per open
        index and shared by its views): a lookup then costs microseconds per document
        instead of a join over the index's million-row tables."""
        if not doc_ids or not (self.is_current(store) and self.located(store)):
            return None
        arrays = self._row_arrays()
        which, at = self._hinted(arrays, doc_ids)
        ids = pa.array(list(doc_ids), pa.string())
        plo, phi = arrays["plo"][at], arrays["phi"][at]
        located = pa.table(
            {
                "doc_id": ids.take(pa.array(which, pa.int64())),
                "prow": pa.array(arrays["prow"][at], pa.int64()),
                "plo": pa.array(plo, pa.int64(), mask=plo < 0),
                "phi": pa.array(phi, pa.int64(), mask=phi < 0),
            }
        )
        if not self.class_located(store):
            return located, None
        keys = arrays["key"][at]
        starts, ends = arrays["starts"][keys], arrays["starts"][keys + 1]
        count = ends - starts
        rows = np.repeat(starts - np.cumsum(count) + count, count) + np.arange(
            int(count.sum())
        )
        classes = pa.table(
            {
                "doc_id": ids.take(pa.array(np.repeat(which, count), pa.int64())),
                "crow": pa.array(arrays["crow"][rows], pa.int64()),
            }
        )
        return located, classes

    def _hinted(
        self, arrays: dict[str, np.ndarray], doc_ids: Sequence[str]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Every locations hint whose hash matches one of ``doc_ids``: the document's
        position in ``doc_ids`` and the hint's position in the arrays."""
        hashes = np.asarray(
            self._conn.execute(
                "SELECT list_transform(?::VARCHAR[], lambda x: hash(x))",
                [list(doc_ids)],
            ).fetchall()[0][0],
            dtype=np.uint64,
        )
        first = np.searchsorted(arrays["h"], hashes, side="left")
        last = np.searchsorted(arrays["h"], hashes, side="right")
        per_doc = last - first
        which = np.repeat(np.arange(len(hashes)), per_doc)
        # the positions first[i] … last[i] - 1 of every document i, in one array
        at = np.repeat(first - np.cumsum(per_doc) + per_doc, per_doc) + np.arange(
            int(per_doc.sum())
        )
        return which, at

    def _row_arrays(self) -> dict[str, np.ndarray]:
        """The locations hints and the classifications rowids as arrays, read once
        per open index (forgotten with its other facts when it is written): the hints
        sorted by hash (``h``, ``key``, ``prow``, ``plo``, ``phi``; -1 for none), the
        rowids sorted by document key with each key's first position (``starts``, of
        length max key + 2, and ``crow``), the ``patents`` rowid by document key
        (``by_key``). About 90 MB at a million documents."""
        arrays = self._facts.get("row_arrays")
        if arrays is not None:
            return arrays  # type: ignore[no-any-return]
        located = self._conn.sql(
            "SELECT h, doc_key, prow, coalesce(plo, -1) AS plo, "
            "coalesce(phi, -1) AS phi FROM locations ORDER BY h"
        ).fetchnumpy()
        # an index built before the row index has no rowids (nor their table)
        classes = (
            self._conn.sql(
                "SELECT doc_key, crow FROM class_rows ORDER BY doc_key, crow"
            ).fetchnumpy()
            if self._meta("class_rows") is not None
            else {"doc_key": np.zeros(0, np.int64), "crow": np.zeros(0, np.int64)}
        )
        keys = np.asarray(classes["doc_key"], dtype=np.int64)
        top = max(
            int(keys.max()) if len(keys) else 0,
            int(np.max(located["doc_key"])) if len(located["doc_key"]) else 0,
        )
        by_key = np.full(top + 1, -1, dtype=np.int64)
        by_key[np.asarray(located["doc_key"], dtype=np.int64)] = located["prow"]
        arrays = {
            "by_key": by_key,
            "h": np.asarray(located["h"], dtype=np.uint64),
            "key": np.asarray(located["doc_key"], dtype=np.int64),
            "prow": np.asarray(located["prow"], dtype=np.int64),
            "plo": np.asarray(located["plo"], dtype=np.int64),
            "phi": np.asarray(located["phi"], dtype=np.int64),
            "starts": np.searchsorted(keys, np.arange(top + 2), side="left"),
            "crow": np.asarray(classes["crow"], dtype=np.int64),
        }
        self._facts["row_arrays"] = arrays
        return arrays

    def score(self, text: str, doc_ids: Sequence[str]) -> dict[str, float]:
        """BM25 scores of ``text`` for the given documents (absent: no query term)."""
        return dict(self.rank(text, limit=max(len(doc_ids), 1), within=doc_ids))

    # -- Boolean narrowing ------------------------------------------------------------

    def candidates(
        self, field: str, text: str, *, max_documents: int | None = None
    ) -> Candidates | None:
        """Documents that may match the text term ``text`` in ``field``, from the grams
        the term needs: a superset of the matches, or exactly the matches when one gram
        decides (``exact``). None when the grams narrow nothing, or when there would be
        more than ``max_documents``."""
        needs = requirements(text)
        if not needs:
            return None
        exact = exact_gram(text) is not None
        mask = TEXT_FIELD_MASK[field]
        gram_ids: list[int] = []
        req_of: list[int] = []
        kept = 0
        for need in needs:
            if need.is_pattern:
                found = [
                    term_id("\x00" + r[0])
                    for r in self._conn.execute(
                        "SELECT gram FROM grams WHERE gram LIKE ? ESCAPE '\\' LIMIT ?",
                        [need.gram, MAX_PATTERN_EXPANSION + 1],
                    ).fetchall()
                ]
                if len(found) > MAX_PATTERN_EXPANSION:
                    continue  # too broad to narrow anything
                if not found:
                    return Candidates([], exact=True)
            else:
                found = [term_id("\x00" + need.gram)]
            gram_ids.extend(found)
            req_of.extend([kept] * len(found))
            kept += 1
        if not kept:
            return None
        # The ids are integers computed here, never user text: written as literals so
        # DuckDB skips the row groups of the sorted postings whose range excludes them.
        id_list = ", ".join(str(int(i)) for i in sorted(set(gram_ids)))
        limit = "" if max_documents is None else f"LIMIT {int(max_documents) + 1}"
        if kept == 1:
            # one gram has one posting per document: no DISTINCT, so LIMIT stops early
            distinct = "DISTINCT " if len(set(gram_ids)) > 1 else ""
            sql = f"""
                WITH hits AS (
                    SELECT {distinct}doc_key FROM gram_postings
                    WHERE gram_id IN ({id_list}) AND (fields & {int(mask)}) <> 0 {limit}
                )
                SELECT d.doc_id, h.doc_key FROM hits h JOIN docs d USING (doc_key)
            """
            found_rows = self._conn.sql(sql).to_arrow_table()
        else:
            mapping = pa.table(
                {
                    "gram_id": pa.array(gram_ids, pa.int64()),
                    "req": pa.array(req_of, pa.int32()),
                }
            )
            self._conn.register("req_map", mapping)
            try:
                found_rows = self._conn.sql(
                    f"""
                    WITH hits AS (
                        SELECT g.doc_key FROM gram_postings g JOIN req_map r USING (gram_id)
                        WHERE g.gram_id IN ({id_list}) AND (g.fields & {int(mask)}) <> 0
                        GROUP BY g.doc_key HAVING count(DISTINCT r.req) = {kept}
                        {limit}
                    )
                    SELECT d.doc_id, h.doc_key FROM hits h JOIN docs d USING (doc_key)
                    """
                ).to_arrow_table()
            finally:
                self._conn.unregister("req_map")
        if max_documents is not None and found_rows.num_rows > max_documents:
            return None
        return Candidates(
            found_rows.column("doc_id").to_pylist(),
            exact=exact,
            keys=found_rows.column("doc_key").to_pylist(),
        )

    def rows_of(self, store: PatentStore, keys: pa.Array) -> pa.Array | None:
        """The rowid of each document's ``patents`` row in ``store``, by the locations
        hints, for documents given by their keys in the index (:attr:`Candidates.keys`),
        in the same order (null where there is none); None when the hints do not fit the
        store. A hint, to be checked against the doc_id it stands for."""
        if not self.located(store):
            return None
        if ROW_INDEX:
            by_key = self._row_arrays()["by_key"]
            want = keys.cast(pa.int64()).fill_null(-1).to_numpy(zero_copy_only=False)
            inside = (want >= 0) & (want < len(by_key))
            prow = np.full(len(want), -1, dtype=np.int64)
            prow[inside] = by_key[want[inside]]
            return pa.array(prow, pa.int64(), mask=prow < 0)
        wanted = pa.table(
            {
                "i": pa.array(range(len(keys)), pa.int64()),
                "doc_key": keys.cast(pa.int32()),
            }
        )
        self._conn.register("wanted_keys", wanted)
        try:
            found = self._conn.sql(
                "SELECT w.i, l.prow FROM wanted_keys w "
                "LEFT JOIN locations l USING (doc_key) ORDER BY w.i"
            ).to_arrow_table()
        finally:
            self._conn.unregister("wanted_keys")
        return found.column("prow").combine_chunks()


@dataclass(frozen=True, slots=True)
class Candidates:
    """The documents a text term may match; ``exact`` when they are exactly its matches.
    ``keys``: their keys in the index, in the same order (for :meth:`FullTextIndex.
    rows_of`)."""

    doc_ids: list[str]
    exact: bool
    keys: list[int] = field(default_factory=list)


def _join(*parts: str | None) -> str:
    return "\n".join(p for p in parts if p)


def documents_text(store: PatentStore, doc_ids: Iterable[str]) -> dict[str, str]:
    """Title, abstract and claims of documents joined (for display and tests)."""
    ids = list(doc_ids)
    rows = store.query(
        _DOC_TEXTS.format(
            texts_filter="AND doc_id IN (SELECT unnest(?::VARCHAR[]))",
            claims_filter="WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))",
            where="p.doc_id IN (SELECT unnest(?::VARCHAR[]))",
        ),
        [ids, ids, ids],
    ).to_pylist()
    return {
        r["doc_id"]: _join(
            r["title"],
            r["title_x"],
            r["abstract"],
            r["abstract_x"],
            r["claims"],
            r["claims_x"],
            r["items"],
        )
        for r in rows
    }
