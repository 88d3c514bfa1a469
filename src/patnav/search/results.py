"""Result lists: a search's hits grouped by family, sorted, counted by facets, exported.

:func:`search_results` is what the search page, the REST API and ``patnav search`` show.
It runs a search (:mod:`patnav.search.api`), then works on the **whole hit set** — every
document an expert query matches, or the first :data:`RANKED_WINDOW` of a ranked search:

**Grouping** (``group``). ``family`` (the default) shows one row per invention: documents
are grouped when they share a family id or an application number — a DWPI, DOCDB or
priority family, and the A and B publications and the number-less record of one
application — followed through two links (a document whose application belongs to another
family joins it). ``document`` shows every document. A row's ``members`` are the documents
of its group *in the hit set*, with their offices.

**The representative** of a family row, whose number, dates and applicants are shown, is
chosen by one rule: a member of the page's preferred office first (CN for Chinese pages),
then a member with a publication number, then one written in the page's language, then
the earliest publication, then the smallest doc_id. Its **title** is the one in the page's
language when the store holds one: its own, its other-language title in ``texts``, else
the title of another document of its application, then of its family; otherwise its own
title as it is.

**Numbers**: ``pub_number`` is shown where the document has one; otherwise the row carries
its application number with ``number_kind = "application"``, to be labelled 申请号 — never
passed off as a publication number.

**Sorting** (``sort``): ``relevance`` (BM25 of the query's text terms, best member of a
family; for the ranked modes the ranking; with no text terms, newest filing first),
``app_date``, ``pub_date`` (the representative's), ``applicant`` (its first applicant, in
pinyin order for Chinese), ``citations`` (the most citations of a member, as the sources
report them; unknown last). Ties are broken by the group key, so the order is total.

**Facets** count, for each value of applicant, filing year, patent type, province of the
first applicant, IPC subclass and legal status, the rows (families or documents) having a
document with that value; documents without a value count under ``None`` (未知). So a
facet's count is exactly the number of rows left after narrowing to it (``filters``): the
filter keeps the hit documents with that value, and the rows they form. Province is the
first applicant's: the one enrichment placed it in, else the province its address starts
with (as the ``PROV`` field reads it), else ``abroad`` when its country is known and not
China. Legal status counts only evidence (a source's status field, legal events): a status
estimated from term rules is not evidence and counts as unknown.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import count
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa

from patnav.errors import InputError, InvalidParameterError
from patnav.schema.vocabulary import PROVINCES
from patnav.search import rowindex
from patnav.search.api import (
    MAX_LIMIT,
    MODES,
    Mode,
    _match,
    _ranked,
    _Session,
    _within,
    positive_text,
    translated_query,
)
from patnav.search.crosslingual import CrossLingual
from patnav.search.fulltext import MAX_PARTY_SPAN, FullTextIndex
from patnav.search.hits import Note
from patnav.search.index import SearchIndex
from patnav.search.query import parse, to_text
from patnav.search.semantic import Embedder
from patnav.search.titles import choose_titles
from patnav.storage.store import PatentStore

Group = Literal["family", "document"]
GROUPS: tuple[str, ...] = ("family", "document")
SORTS: tuple[str, ...] = ("relevance", "app_date", "pub_date", "applicant", "citations")
FACETS: tuple[str, ...] = ("applicant", "year", "type", "province", "ipc", "status")
DESCENDING: dict[str, bool] = {
    "relevance": True,
    "app_date": True,
    "pub_date": True,
    "applicant": False,
    "citations": True,
}
"""The direction each sort takes unless told: newest, most cited, best first; A to Z."""
ABROAD = "abroad"
"""The province facet's value for a first applicant located outside China."""
RANKED_WINDOW = 1000
"""How many documents of a ranked search (text, semantic, hybrid) form its hit set."""
PREFERRED_OFFICES: dict[str, tuple[str, ...]] = {"zh": ("CN",), "en": ()}
"""Offices whose member represents a family, by page language."""
FACET_SIZE = 10
"""Values listed for the open-ended facets (applicant, IPC); the rest are counted."""
LISTED_MEMBERS = 20
"""At most this many member documents are listed per row."""

_APPLICANT_ROLES = "('applicant', 'assignee')"
_STATUS = (
    "CASE WHEN p.status_source = 'rule' OR p.legal_status = 'unknown' "
    "THEN NULL ELSE p.legal_status END"
)


def _address_province() -> str:
    """A CASE expression naming the province an address starts with (the way the PROV
    field reads an address that enrichment has not placed). Its names are the
    vocabulary's constants, never user text."""
    cases = " ".join(
        f"WHEN starts_with(address, '{short}') THEN '{name}'"
        for short, name in sorted(PROVINCE_PREFIXES.items())
    )
    return f"CASE {cases} END"


PROVINCE_PREFIXES: dict[str, str] = {
    (
        "内蒙古"
        if name.startswith("内蒙古")
        else "黑龙江"
        if name.startswith("黑龙江")
        else name[:2]
    ): name
    for name in PROVINCES.values()
}
"""A province's name by how an address starts (湖北 → 湖北省)."""

# The first applicant's province: the placed one, else the one its address starts with,
# else ABROAD when its country is known and not China (over the hits' applicant rows).
_FIRST_PROVINCE = f"""
SELECT doc_id, arg_min_null(
        CASE WHEN province IS NOT NULL THEN province
            WHEN address IS NOT NULL AND {_address_province()} IS NOT NULL
            THEN {_address_province()}
            WHEN country IS NOT NULL AND country NOT IN ('CN', 'HK', 'MO', 'TW')
            THEN '{ABROAD}' END,
        (CASE WHEN role = 'applicant' THEN 0 ELSE 1 END) * 1000000 + coalesce(seq, 0)
    ) AS province
FROM {{parties}} GROUP BY doc_id
"""
_ROW_COLUMNS = (
    "doc_id, pub_number, app_number, family_id, office, lang, app_date, pub_date, "
    "cited_by_count, patent_type, legal_status, status_source, title, ipc_main"
)
_PARTY_COLUMNS = "doc_id, role, seq, name, province, country, address"
# Per-document values of the single-valued facets, as columns of the docs table.
_SINGLE = {"year": "year", "type": "ptype", "status": "status", "province": "province"}

_names = count()


@dataclass(frozen=True, slots=True)
class FacetCount:
    """One value of a facet and how many rows have it (``value`` None: unknown, 未知);
    ``label`` what the value stands for where the store knows it (an IPC subclass's
    title in the list's language, without its notes)."""

    value: str | None
    count: int
    label: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "count": self.count, "label": self.label}


@dataclass(frozen=True, slots=True)
class Facet:
    """The counts of one facet over the whole hit set, most first (years newest first);
    ``unknown`` rows have a document without a value; ``more`` values are not listed."""

    name: str
    counts: tuple[FacetCount, ...]
    unknown: int
    more: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "counts": [c.to_dict() for c in self.counts],
            "unknown": self.unknown,
            "more": self.more,
        }


@dataclass(frozen=True, slots=True)
class ResultRow:
    """One row of a result list: a family (its representative's data) or a document.

    ``number_kind`` says what ``number`` is: ``publication`` or ``application`` (a
    document with no publication number in the store); ``title_lang`` the language of
    ``title``; ``members`` the documents of the row in the hit set (``member_ids``, the
    first :data:`LISTED_MEMBERS` of them, representative first) and ``offices`` theirs.
    ``cited_by`` is the most citations a member has, as its source reports (None:
    unknown). ``score`` (and ``bm25``, ``similarity``, ``fused`` where that ranking took
    part) are those of the row's best-ranked member.
    """

    rank: int
    doc_id: str
    family: str
    pub_number: str | None
    app_number: str | None
    title: str | None
    title_lang: str | None
    app_date: date | None
    pub_date: date | None
    applicants: tuple[str, ...]
    ipc_main: str | None
    patent_type: str | None
    legal_status: str | None
    office: str | None
    cited_by: int | None
    members: int
    offices: tuple[str, ...]
    member_ids: tuple[str, ...]
    score: float | None = None
    bm25: float | None = None
    similarity: float | None = None
    fused: float | None = None

    @property
    def number(self) -> str:
        """The publication number, else the application number, else the doc_id."""
        return self.pub_number or self.app_number or self.doc_id

    @property
    def number_kind(self) -> str | None:
        """``publication``, ``application`` or None: what :attr:`number` is."""
        if self.pub_number:
            return "publication"
        return "application" if self.app_number else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "doc_id": self.doc_id,
            "family": self.family,
            "number": self.number,
            "number_kind": self.number_kind,
            "pub_number": self.pub_number,
            "app_number": self.app_number,
            "title": self.title,
            "title_lang": self.title_lang,
            "app_date": self.app_date.isoformat() if self.app_date else None,
            "pub_date": self.pub_date.isoformat() if self.pub_date else None,
            "applicants": list(self.applicants),
            "ipc_main": self.ipc_main,
            "patent_type": self.patent_type,
            "legal_status": self.legal_status,
            "office": self.office,
            "cited_by": self.cited_by,
            "members": self.members,
            "offices": list(self.offices),
            "member_ids": list(self.member_ids),
            "score": self.score,
            "bm25": self.bm25,
            "similarity": self.similarity,
            "fused": self.fused,
        }


@dataclass(frozen=True, slots=True)
class ResultList:
    """A page of a result list, with the facets of the whole hit set.

    ``total`` rows (families or documents) in the list; ``documents`` the hit documents
    they hold; ``rows`` those from ``offset`` on, ranked from ``offset + 1``.
    """

    query: str
    mode: str
    group: str
    sort: str
    descending: bool
    lang: str
    total: int
    documents: int
    offset: int
    rows: tuple[ResultRow, ...]
    facets: tuple[Facet, ...]
    filters: tuple[tuple[str, tuple[str | None, ...]], ...]
    elapsed_ms: float
    notes: tuple[str, ...] = ()
    citations_known: bool = False
    coverage: dict[str, Any] | None = None
    """Semantic and hybrid modes: the vectors' coverage of the scope (see
    :func:`patnav.search.api.scope_coverage`)."""

    def facet(self, name: str) -> Facet | None:
        """The facet named ``name``, if it was counted."""
        return next((f for f in self.facets if f.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "mode": self.mode,
            "group": self.group,
            "sort": self.sort,
            "descending": self.descending,
            "lang": self.lang,
            "total": self.total,
            "documents": self.documents,
            "offset": self.offset,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "notes": list(self.notes),
            "coverage": self.coverage,
            "filters": {name: list(values) for name, values in self.filters},
            "facets": {f.name: f.to_dict() for f in self.facets},
            "citations_known": self.citations_known,
            "rows": [r.to_dict() for r in self.rows],
        }

    def to_frame(self) -> Any:
        """The rows as a pandas DataFrame, one row each."""
        import pandas as pd

        columns = [f for f in ResultRow.__dataclass_fields__]
        return pd.DataFrame(
            [{c: getattr(r, c) for c in columns} for r in self.rows], columns=columns
        )


@dataclass(slots=True)
class _Hits:
    """The hit set of a search: its documents, how they were ranked, its notes."""

    query: str
    ids: list[str]
    scores: dict[str, float] = field(default_factory=dict)
    details: dict[str, dict[str, float | None]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    text: str = ""  # the text terms ranking a Boolean result, if any
    ranked: bool = False  # a ranked mode: ``order`` is the whole ranking


def check_options(
    *,
    mode: str,
    group: str,
    sort: str,
    filters: Mapping[str, Sequence[str | None]] | None,
    facets: Sequence[str],
    lang: str,
) -> None:
    """Refuse an unknown mode, grouping, sort, facet or language with what to use."""
    for name, value, allowed in (
        ("mode", mode, MODES),
        ("group", group, GROUPS),
        ("sort", sort, SORTS),
        ("lang", lang, tuple(PREFERRED_OFFICES)),
    ):
        if value not in allowed:
            raise InvalidParameterError(
                f"Unknown {name} '{value}': use one of {', '.join(allowed)}."
            )
    for name in [*facets, *(filters or {})]:
        if name not in FACETS:
            raise InvalidParameterError(
                f"Unknown facet '{name}': use one of {', '.join(FACETS)}."
            )


def search_results(
    store: PatentStore,
    query: str,
    *,
    mode: Mode = "boolean",
    group: Group = "family",
    sort: str = "relevance",
    descending: bool | None = None,
    filters: Mapping[str, Sequence[str | None]] | None = None,
    facets: Sequence[str] = FACETS,
    lang: str = "zh",
    offset: int = 0,
    limit: int | None = 20,
    within: str | None = None,
    index: SearchIndex | None = None,
    embedder: Embedder | None = None,
    update_index: bool = True,
    facet_size: int = FACET_SIZE,
    cross_lingual: bool = False,
    data_dir: Path | None = None,
) -> ResultList:
    """A page of the result list of a search; see the module docstring for the rules.

    Args:
        store: the store to search.
        query: an expert query (``boolean``) or free text (the ranked modes).
        mode: ``boolean``, ``text``, ``semantic`` or ``hybrid``.
        group: ``family`` (one row per family) or ``document``.
        sort: one of :data:`SORTS`; ``descending`` overrides its direction.
        filters: facet name → the values to keep (None: unknown), as the facets name
            them; values of one facet are alternatives, facets combine.
        facets: the facets to count (none: no counting).
        lang: the page's language (``zh`` or ``en``): representative and title.
        offset, limit: the rows wanted (``limit`` None: every row, for an export).
        within: a patent set's name or an expert query restricting the hits.
        index, embedder, update_index: as for :func:`patnav.search.search`.
        facet_size: values listed for the applicant and IPC facets.
        cross_lingual, data_dir: OR the translations of the query's text terms into
            it, as for :func:`patnav.search.search`.

    Raises:
        QuerySyntaxError: an expert query that does not parse.
        InputError: an empty query, a ranked mode without its index or vectors.
        InvalidParameterError: an unknown mode, grouping, sort, facet or language.
    """
    check_options(
        mode=mode, group=group, sort=sort, filters=filters, facets=facets, lang=lang
    )
    if offset < 0 or (limit is not None and not 1 <= limit <= MAX_LIMIT):
        raise InvalidParameterError(
            f"The 'limit' parameter must be an int in [1, {MAX_LIMIT}] and 'offset' at "
            f"least 0. Got limit={limit}, offset={offset} instead."
        )
    if not query or not query.strip():
        raise InputError(
            "The query is empty: type an expert query, or words to search for."
        )
    started = time.perf_counter()
    down = DESCENDING[sort] if descending is None else descending
    kept = _clean_filters(filters)
    crossed = translated_query(query, mode, cross_lingual, data_dir)
    if crossed is not None:
        query = crossed.query
    with ExitStack() as stack:
        session = _Session(store, index, stack)
        if crossed is not None:
            session.notes.append(crossed.note())
        hits = _hit_set(
            store, query, mode, within, session, embedder, update_index, crossed
        )
        notes: list[str] = list(session.notes)
        if hits.ranked and len(hits.ids) >= RANKED_WINDOW:
            notes.append(
                Note(
                    "ranked_window",
                    f"groups and facets count the first {RANKED_WINDOW:,} ranked "
                    "documents",
                    f"分组与分面统计基于排序前 {RANKED_WINDOW:,} 篇文献",
                    n=RANKED_WINDOW,
                )
            )
        wanted = None if limit is None else offset + limit
        work = _Work(store, stack, group, lang)
        located = session.located_index(store)
        work.stage_hits(
            hits,
            None if located is None else located.hints_of(store, hits.ids),
            located,
        )
        work.build_docs(kept)
        if sort == "relevance" and not hits.ranked:
            _score_boolean(work, hits, session, wanted)
        work.build_groups(sort)
        total, documents, citations_known = work.sizes()
        if sort == "citations" and not citations_known and total:
            notes.append(
                Note(
                    "citations_unknown",
                    "no document in the result has a citation count from its "
                    "source: sorting by citations leaves the rows in group order",
                    "结果中没有文献带有来源数据提供的被引次数，按被引次数排序不改变顺序",
                )
            )
        rows = work.page(sort, down, offset, limit)
        counted = tuple(work.facet(name, facet_size) for name in facets)
    return ResultList(
        query=hits.query,
        mode=mode,
        group=group,
        sort=sort,
        descending=down,
        lang=lang,
        total=total,
        documents=documents,
        offset=offset,
        rows=rows,
        facets=counted,
        filters=tuple(kept.items()),
        elapsed_ms=(time.perf_counter() - started) * 1000,
        notes=tuple(notes),
        citations_known=citations_known,
        coverage=session.coverage,
    )


def _clean_filters(
    filters: Mapping[str, Sequence[str | None]] | None,
) -> dict[str, tuple[str | None, ...]]:
    out: dict[str, tuple[str | None, ...]] = {}
    for name in FACETS:  # a fixed order, so equal filters give equal results and keys
        values = (filters or {}).get(name)
        if values:
            out[name] = tuple(
                dict.fromkeys(None if v is None else str(v) for v in values)
            )
    return out


def _hit_set(
    store: PatentStore,
    query: str,
    mode: str,
    within: str | None,
    session: _Session,
    embedder: Embedder | None,
    update_index: bool,
    crossed: CrossLingual | None = None,
) -> _Hits:
    allowed = (
        None
        if within is None
        else _within(store, within, session, update_index=update_index)
    )
    if mode == "boolean":
        tree = parse(query)
        ids = _match(store, tree, session, update_index=update_index)
        if allowed is not None:
            keep = set(allowed)
            ids = [d for d in ids if d in keep]
        return _Hits(to_text(tree), ids, text=positive_text(tree))
    ranked, _ = _ranked(
        store,
        query,
        mode,
        RANKED_WINDOW,
        allowed,
        session,
        embedder,
        update_index,
        crossed,
    )
    order = [d for d, _ in ranked]
    scores = {d: float(v) for d, s in ranked if (v := s.get("score")) is not None}
    return _Hits(
        query, order, scores=scores, details=dict(ranked), order=order, ranked=True
    )


def _score_boolean(
    work: _Work, hits: _Hits, session: _Session, wanted: int | None
) -> None:
    """BM25 scores for the Boolean hits, deep enough that the first ``wanted`` rows are
    ordered exactly: rows are ordered by their best member, so it is enough that the
    top-K documents hold ``wanted`` distinct rows (or that K covers every scored one)."""
    if not hits.text.strip() or not hits.ids:
        return
    fulltext = session.text_index(work.store, update=False)
    if fulltext is None:
        return
    depth = max(100, 3 * (wanted or len(hits.ids)))
    while True:
        depth = min(depth, len(hits.ids))
        ranked = fulltext.rank_located(
            hits.text, limit=depth, within=hits.ids, store=work.store
        )
        work.set_scores([(d, s) for d, s, _ in ranked])
        if len(ranked) < depth or depth >= len(hits.ids):
            return
        if wanted is not None and work.scored_rows() >= wanted:
            return
        depth *= 4


class _Work:
    """The temporary tables of one result list on one store connection."""

    def __init__(
        self, store: PatentStore, stack: ExitStack, group: str, lang: str
    ) -> None:
        self.store = store
        self.stack = stack
        self.group = group
        self.lang = lang
        self.details: dict[str, dict[str, float | None]] = {}
        number = next(_names)
        self.hits = f"_results_hits_{number}"
        self.rows = f"_results_rows_{number}"
        self.parties = f"_results_parties_{number}"
        self.docs = f"_results_docs_{number}"
        self.groups = f"_results_groups_{number}"
        self.classes = f"_results_classes_{number}"
        self.hit_ids: list[str] = []
        self.located: FullTextIndex | None = None
        self._ipc: str | None = None

    # -- tables -----------------------------------------------------------------------

    def _temp(
        self, name: str, sql: str, params: Mapping[str, Any] | None = None
    ) -> None:
        self.stack.enter_context(_temporary(self.store, name, sql, params))

    def stage_hits(
        self,
        hits: _Hits,
        hints: Mapping[str, tuple[int, int | None, int | None]] | None,
        indexed: FullTextIndex | None = None,
    ) -> None:
        """Stage the hits, then read their ``patents`` rows and applicant rows into
        temporary tables: by rowid where the index's locations hints say they lie (each
        checked against its doc_id), else by doc_id — a million-row store is then not
        scanned for a page of results. ``indexed``: the index whose row index gives
        the hits' classifications rows (:meth:`ipc_rows`)."""
        self.details = dict(hits.details)
        self.hit_ids = hits.ids
        self.located = indexed
        position = {d: i for i, d in enumerate(hits.order)} if hits.ranked else {}
        where = hints or {}
        none: tuple[None, None, None] = (None, None, None)
        located = [where.get(d, none) for d in hits.ids]
        table = pa.table(
            {
                "doc_id": pa.array(hits.ids, pa.string()),
                "score": pa.array([hits.scores.get(d) for d in hits.ids], pa.float64()),
                "ord": pa.array([position.get(d) for d in hits.ids], pa.int64()),
                "prow": pa.array([h[0] for h in located], pa.int64()),
                "plo": pa.array([h[1] for h in located], pa.int64()),
                "phi": pa.array([h[2] for h in located], pa.int64()),
            }
        )
        self.stack.enter_context(self.store.staged(self.hits, table))
        self._read_rows()
        self._read_parties()

    def _read_rows(self) -> None:
        self._temp(
            self.rows,
            f"""
            WITH wanted AS MATERIALIZED (
                SELECT prow FROM {self.hits} WHERE prow IS NOT NULL
            ),
            found AS MATERIALIZED (
                SELECT rowid AS _r, {_ROW_COLUMNS} FROM patents
                WHERE rowid IN (SELECT prow FROM wanted)
            )
            SELECT f.* EXCLUDE (_r) FROM found f
            JOIN {self.hits} h ON h.prow = f._r AND h.doc_id = f.doc_id
            """,
        )
        missing = self.store.scalar(
            f"SELECT count(*) FROM {self.hits} WHERE doc_id NOT IN "
            f"(SELECT doc_id FROM {self.rows})"
        )
        if missing:  # no hint, or a hint that no longer holds: find them by doc_id
            self.store.execute(
                f"INSERT INTO {self.rows} SELECT {_ROW_COLUMNS} FROM patents "
                f"WHERE doc_id IN (SELECT doc_id FROM {self.hits} WHERE doc_id NOT IN "
                f"(SELECT doc_id FROM {self.rows}))"
            )

    def _read_parties(self) -> None:
        # a located document's parties lie in one short span of rowids (plo … phi); a
        # document located without a span has none
        self._temp(
            self.parties,
            f"""
            WITH spans AS MATERIALIZED (
                SELECT unnest(range(plo, phi + 1)) AS r FROM {self.hits}
                WHERE prow IS NOT NULL AND plo IS NOT NULL
                    AND phi - plo < {MAX_PARTY_SPAN}
            ),
            found AS MATERIALIZED (
                SELECT rowid AS _r, {_PARTY_COLUMNS} FROM parties
                WHERE rowid IN (SELECT r FROM spans)
            )
            SELECT f.* EXCLUDE (_r) FROM found f
            JOIN {self.hits} h ON h.doc_id = f.doc_id
                AND f._r BETWEEN h.plo AND h.phi
            WHERE f.role IN {_APPLICANT_ROLES} AND f.name IS NOT NULL
            """,
        )
        unplaced = self.store.scalar(
            f"SELECT count(*) FROM {self.hits} WHERE prow IS NULL "
            f"OR (plo IS NOT NULL AND phi - plo >= {MAX_PARTY_SPAN})"
        )
        if unplaced:
            self.store.execute(
                f"INSERT INTO {self.parties} SELECT {_PARTY_COLUMNS} FROM parties "
                f"WHERE role IN {_APPLICANT_ROLES} AND name IS NOT NULL "
                f"AND doc_id IN (SELECT doc_id FROM {self.hits} WHERE prow IS NULL "
                f"OR (plo IS NOT NULL AND phi - plo >= {MAX_PARTY_SPAN}))"
            )

    def ipc_rows(self) -> str:
        """A relation of the hits' IPC classifications (``doc_id``, ``code``; codes
        known): read once by the row index into a temporary table when there is one
        (:mod:`patnav.search.rowindex`), else the ``classifications`` table filtered
        (the facet and the filter restrict it to their documents)."""
        if self._ipc is not None:
            return self._ipc
        plain = (
            "(SELECT doc_id, code FROM classifications "
            "WHERE scheme = 'IPC' AND code IS NOT NULL)"
        )
        hints = rowindex.row_hints(self.located, self.store, self.hit_ids)
        source = (
            None
            if hints is None
            else rowindex.classes_source(self.store, self.stack, hints, self.hit_ids)
        )
        if source is None:
            self._ipc = plain
            return plain
        # ``self.classes`` is a name made in this module; every value a parameter
        self.store.execute(
            f"CREATE OR REPLACE TEMP TABLE {self.classes} AS SELECT doc_id, code "
            f"FROM {source.sql} AS c WHERE scheme = 'IPC' AND code IS NOT NULL",
            list(source.params),
        )
        self.stack.callback(self.store.execute, f"DROP TABLE IF EXISTS {self.classes}")
        self._ipc = self.classes
        return self._ipc

    def build_docs(self, filters: Mapping[str, tuple[str | None, ...]]) -> None:
        """One row per hit document passing the filters, with its row key ``gk`` and
        the values the facets, the representative rule and the sorts need."""
        where, params = _filter_sql(
            filters, self.parties, self.ipc_rows() if "ipc" in filters else ""
        )
        if self.group == "family":
            keyed = (
                "SELECT * EXCLUDE (k1), min(k1) OVER (PARTITION BY k0) AS gk FROM ("
                "SELECT *, min(k0) OVER (PARTITION BY coalesce(app_number, doc_id)) "
                "AS k1 FROM d)"
            )
        else:
            keyed = "SELECT *, doc_id AS gk FROM d"
        self._temp(
            self.docs,
            f"""
            WITH d AS (
                SELECT h.doc_id, h.score, h.ord, p.pub_number, p.app_number,
                    p.family_id, p.office, p.lang, p.app_date, p.pub_date,
                    p.cited_by_count AS cited, p.patent_type AS ptype,
                    {_STATUS} AS status, CAST(year(p.app_date) AS VARCHAR) AS year,
                    fa.province AS province, p.title, p.ipc_main,
                    coalesce(p.family_id, p.app_number, p.doc_id) AS k0
                FROM {self.hits} h JOIN {self.rows} p USING (doc_id)
                LEFT JOIN ({_FIRST_PROVINCE.format(parties=self.parties)}) fa
                    USING (doc_id)
                WHERE {where}
            )
            {keyed}
            """,
            params,
        )

    def set_scores(self, scored: Sequence[tuple[str, float]]) -> None:
        self.details = {d: {"bm25": s} for d, s in scored}
        table = pa.table(
            {
                "doc_id": pa.array([d for d, _ in scored], pa.string()),
                "s": pa.array([s for _, s in scored], pa.float64()),
                "o": pa.array(range(len(scored)), pa.int64()),
            }
        )
        with self.store.staged(f"{self.hits}_scored", table) as name:
            self.store.execute(
                f"UPDATE {self.docs} SET score = s.s, ord = s.o FROM {name} s "
                f"WHERE {self.docs}.doc_id = s.doc_id"
            )

    def scored_rows(self) -> int:
        return int(
            self.store.scalar(
                f"SELECT count(DISTINCT gk) FROM {self.docs} WHERE score IS NOT NULL"
            )
        )

    def build_groups(self, sort: str) -> None:
        """One row per group: its representative document and the group's figures."""
        preferred = list(PREFERRED_OFFICES[self.lang])
        applicant = ""
        if sort == "applicant":
            applicant = f"""
                , (SELECT arg_min(a.name, (CASE WHEN a.role = 'applicant' THEN 0
                        ELSE 1 END) * 1000000 + coalesce(a.seq, 0))
                   FROM {self.parties} a WHERE a.doc_id = r.doc_id) AS applicant
            """
        if self.group == "document":  # every document is its own row
            self._temp(
                self.groups,
                f"""
                SELECT r.*, 1 AS members, score AS best, doc_id AS best_doc,
                    ord AS first_ord, cited AS cited_max {applicant}
                FROM {self.docs} r
                """,
            )
            return
        # the representative: the first member by the documented rule
        rule = (
            "struct_pack(a := NOT coalesce(list_contains($preferred, office), false), "
            "b := pub_number IS NULL, c := NOT coalesce(lang = $lang, false), "
            "d := coalesce(pub_date, DATE '9999-12-31'), e := doc_id)"
        )
        self._temp(
            self.groups,
            f"""
            WITH g AS (
                SELECT gk, arg_min(doc_id, {rule}) AS rep, count(*) AS members,
                    max(score) AS best,
                    arg_min(doc_id, struct_pack(s := -score, d := doc_id))
                        FILTER (WHERE score IS NOT NULL) AS best_doc,
                    min(ord) AS first_ord, max(cited) AS cited_max
                FROM {self.docs} GROUP BY gk
            )
            SELECT r.*, g.members, g.best, g.best_doc, g.first_ord, g.cited_max
                {applicant}
            FROM g JOIN {self.docs} r ON r.doc_id = g.rep
            """,
            {"preferred": preferred, "lang": self.lang},
        )

    def sizes(self) -> tuple[int, int, bool]:
        total, documents, cited = self.store.rows(
            f"SELECT (SELECT count(*) FROM {self.groups}), count(*), "
            f"count(cited) > 0 FROM {self.docs}"
        )[0]
        return int(total), int(documents), bool(cited)

    # -- the page ---------------------------------------------------------------------

    def page(
        self, sort: str, descending: bool, offset: int, limit: int | None
    ) -> tuple[ResultRow, ...]:
        way = "DESC" if descending else "ASC"
        order = {
            "relevance": "best DESC NULLS LAST, first_ord NULLS LAST, "
            "app_date DESC NULLS LAST",
            "app_date": f"app_date {way} NULLS LAST",
            "pub_date": f"pub_date {way} NULLS LAST",
            "applicant": f"applicant COLLATE {'zh' if self.lang == 'zh' else 'nocase'} "
            f"{way} NULLS LAST",
            "citations": f"cited_max {way} NULLS LAST",
        }[sort]
        if sort == "relevance" and not descending:
            order = (
                "best ASC NULLS LAST, first_ord DESC NULLS LAST, app_date NULLS LAST"
            )
        cut = "" if limit is None else "LIMIT $limit"
        params: dict[str, Any] = {"offset": offset}
        if limit is not None:
            params["limit"] = limit
        picked = self.store.query(
            f"SELECT gk, doc_id, pub_number, app_number, family_id, app_date, "
            f"pub_date, office, lang, ptype, status, members, best, best_doc, "
            f"cited_max "
            f"FROM {self.groups} ORDER BY {order}, gk {cut} OFFSET $offset",
            params,
        ).to_pylist()
        if not picked:
            return ()
        details = self._details([r["doc_id"] for r in picked])
        members = self._members([r["gk"] for r in picked])
        titles = choose_titles(
            self.store,
            [(r["doc_id"], r["app_number"], r["family_id"]) for r in picked],
            {r["doc_id"]: details[r["doc_id"]] for r in picked},
            self.lang,
        )
        rows = []
        for rank, r in enumerate(picked, offset + 1):
            info = details[r["doc_id"]]
            listed, offices = members.get(r["gk"], ([r["doc_id"]], ()))
            title, title_lang = titles[r["doc_id"]]
            scores = self.details.get(r["best_doc"] or "", {})
            rows.append(
                ResultRow(
                    rank=rank,
                    doc_id=r["doc_id"],
                    family=r["gk"],
                    pub_number=r["pub_number"],
                    app_number=r["app_number"],
                    title=title,
                    title_lang=title_lang,
                    app_date=r["app_date"],
                    pub_date=r["pub_date"],
                    applicants=tuple(info["applicants"] or ()),
                    ipc_main=info["ipc_main"],
                    patent_type=r["ptype"],
                    legal_status=r["status"],
                    office=r["office"],
                    cited_by=r["cited_max"],
                    members=int(r["members"]),
                    offices=tuple(offices),
                    member_ids=tuple(listed),
                    score=r["best"],
                    bm25=scores.get("bm25"),
                    similarity=scores.get("similarity"),
                    fused=scores.get("fused"),
                )
            )
        return tuple(rows)

    def _details(self, doc_ids: list[str]) -> dict[str, dict[str, Any]]:
        rows = self.store.query(
            f"""
            SELECT d.doc_id, d.title, d.lang, d.ipc_main, a.names AS applicants
            FROM {self.docs} d
            LEFT JOIN (
                SELECT doc_id, list(name ORDER BY CASE WHEN role = 'applicant' THEN 0
                    ELSE 1 END, seq) AS names
                FROM {self.parties}
                WHERE doc_id IN (SELECT unnest($ids::VARCHAR[]))
                GROUP BY doc_id
            ) a USING (doc_id)
            WHERE d.doc_id IN (SELECT unnest($ids::VARCHAR[]))
            """,
            {"ids": doc_ids},
        ).to_pylist()
        return {r["doc_id"]: r for r in rows}

    def _members(self, keys: list[str]) -> dict[str, tuple[list[str], list[str]]]:
        if self.group != "family":
            return {}
        preferred = list(PREFERRED_OFFICES[self.lang])
        rows = self.store.rows(
            f"""
            SELECT gk,
                list(doc_id ORDER BY list_contains(?, office) DESC NULLS LAST,
                    pub_number IS NULL, (lang = ?) DESC NULLS LAST,
                    pub_date NULLS LAST, doc_id),
                list(DISTINCT office ORDER BY office) FILTER (WHERE office IS NOT NULL)
            FROM {self.docs} WHERE gk IN (SELECT unnest(?::VARCHAR[])) GROUP BY gk
            """,
            [preferred, self.lang, keys],
        )
        return {
            str(gk): (list(ids)[:LISTED_MEMBERS], list(offices or ()))
            for gk, ids, offices in rows
        }

    # -- facets -----------------------------------------------------------------------

    def facet(self, name: str, size: int) -> Facet:
        if name in _SINGLE:
            column = _SINGLE[name]
            rows = self.store.rows(
                f"SELECT {column}, count(DISTINCT gk) FROM {self.docs} GROUP BY {column}"
            )
        elif name == "applicant":
            rows = self.store.rows(
                f"""
                SELECT a.name, count(DISTINCT d.gk) FROM {self.docs} d
                LEFT JOIN {self.parties} a ON a.doc_id = d.doc_id
                GROUP BY a.name
                """
            )
        else:  # ipc: the subclasses of every IPC symbol of a document
            rows = self.store.rows(
                f"""
                SELECT c.sub, count(DISTINCT d.gk) FROM {self.docs} d
                LEFT JOIN (
                    SELECT DISTINCT doc_id, left(code, 4) AS sub FROM {self.ipc_rows()}
                    WHERE doc_id IN (SELECT doc_id FROM {self.docs})
                ) c ON c.doc_id = d.doc_id
                GROUP BY c.sub
                """
            )
        unknown = sum(int(n) for v, n in rows if v is None)
        known = [FacetCount(str(v), int(n)) for v, n in rows if v is not None]
        if name == "year":
            known.sort(key=lambda c: c.value or "", reverse=True)
        else:
            known.sort(key=lambda c: (-c.count, c.value or ""))
        listed = known if name in _SINGLE else known[:size]
        if name == "ipc" and listed:
            titles = class_titles(
                self.store, [c.value or "" for c in listed], self.lang
            )
            listed = [replace(c, label=titles.get(c.value or "")) for c in listed]
        return Facet(name, tuple(listed), unknown, len(known) - len(listed))


@contextmanager
def _temporary(
    store: PatentStore, name: str, sql: str, params: Mapping[str, Any] | None
) -> Iterator[str]:
    # ``name`` is made in this module; every value is a parameter
    store.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}", dict(params or {}))
    try:
        yield name
    finally:
        store.execute(f"DROP TABLE IF EXISTS {name}")


def _filter_sql(
    filters: Mapping[str, tuple[str | None, ...]], parties: str, ipc: str
) -> tuple[str, dict[str, Any]]:
    """The WHERE condition (on ``h`` the hits, ``p`` their rows, ``parties`` their
    applicant rows and ``ipc`` their IPC codes, :meth:`_Work.ipc_rows`) keeping the
    documents with the filters' values, and its parameters."""
    single = {
        "year": "CAST(year(p.app_date) AS VARCHAR)",
        "type": "p.patent_type",
        "status": _STATUS,
        "province": "fa.province",
    }
    parts = ["true"]
    params: dict[str, Any] = {}
    for i, (name, values) in enumerate(filters.items()):
        known = [v for v in values if v is not None]
        unknown = len(known) < len(values)
        key = f"f{i}"
        params[key] = known
        if name in single:
            expr = single[name]
            test = f"{expr} IN (SELECT unnest(${key}::VARCHAR[]))"
            if unknown:
                test = f"({test} OR {expr} IS NULL)"
        elif name == "applicant":
            test = (
                f"h.doc_id IN (SELECT doc_id FROM {parties} "
                f"WHERE name IN (SELECT unnest(${key}::VARCHAR[])))"
            )
            if unknown:
                test = f"({test} OR h.doc_id NOT IN (SELECT doc_id FROM {parties}))"
        else:  # ipc
            test = (
                f"h.doc_id IN (SELECT doc_id FROM {ipc} AS c "
                f"WHERE left(code, 4) IN (SELECT unnest(${key}::VARCHAR[])))"
            )
            if unknown:
                test = (
                    f"({test} OR NOT EXISTS (SELECT 1 FROM {ipc} AS c WHERE "
                    "c.doc_id = h.doc_id))"
                )
        parts.append(test)
    return " AND ".join(parts), params


# -- titles ---------------------------------------------------------------------------

_NOTE = re.compile(r"[（(][^（）()]*[）)]")


def without_notes(title: str) -> str:
    """A classification title without its bracketed notes (references such as
    "（……入B61K）" that tell where other matter goes)."""
    previous = None
    while previous != title:  # notes may nest
        previous, title = title, _NOTE.sub("", title)
    return re.sub(r"\s+", " ", title).strip(" ；;，,")


def class_titles(store: PatentStore, codes: Sequence[str], lang: str) -> dict[str, str]:
    """The IPC titles of ``codes`` the store holds (``class_titles``), in ``lang``
    (else the other language), without their notes."""
    rows = store.rows(
        "SELECT code, title_zh, title_en FROM class_titles WHERE scheme = 'IPC' "
        "AND level = 'subclass' AND code IN (SELECT unnest(?::VARCHAR[]))",
        [list(codes)],
    )
    out = {}
    for code, zh, en in rows:
        title = (zh or en) if lang == "zh" else (en or zh)
        if title:
            out[str(code)] = without_notes(str(title))
    return out


# -- export ---------------------------------------------------------------------------

EXPORT_HEADERS_ZH: dict[str, str] = {
    "rank": "序号",
    "doc_id": "文献标识",
    "pub_number": "公开（公告）号",
    "app_number": "申请号",
    "app_date": "申请日",
    "pub_date": "公开（公告）日",
    "grant_date": "授权公告日",
    "patent_type": "专利类型",
    "title": "标题",
    "applicants": "申请（专利权）人",
    "inventors": "发明（设计）人",
    "ipc_main": "主分类号",
    "legal_status": "法律状态",
    "abstract": "摘要",
    "cited_by": "被引次数",
    "family_members": "同族命中文献数",
    "family_offices": "同族受理局",
    "family_documents": "同族命中文献",
}
"""Column headers of a Chinese export (an English export uses the column names)."""

TYPE_LABELS_ZH: dict[str, str] = {
    "invention": "发明",
    "utility_model": "实用新型",
    "design": "外观设计",
    "plant": "植物专利",
}
STATUS_LABELS_ZH: dict[str, str] = {
    "pending": "审中",
    "active": "有效",
    "lapsed": "失效",
    "expired": "期限届满",
    "withdrawn": "撤回",
    "rejected": "驳回",
    "invalidated": "无效",
}
UNKNOWN_ZH = "未知"


def export_columns(group: str) -> tuple[str, ...]:
    """The columns of an exported result list: rank, the patent-set export's columns,
    the citations, and for families their members."""
    from patnav.search.sets import EXPORT_COLUMNS

    family = ("family_members", "family_offices", "family_documents")
    return ("rank", *EXPORT_COLUMNS, "cited_by", *(family if group == "family" else ()))


def export_results(
    store: PatentStore,
    query: str,
    path: Path,
    *,
    fmt: str | None = None,
    mode: Mode = "boolean",
    group: Group = "family",
    sort: str = "relevance",
    descending: bool | None = None,
    filters: Mapping[str, Sequence[str | None]] | None = None,
    lang: str = "zh",
    within: str | None = None,
    index: SearchIndex | None = None,
    embedder: Embedder | None = None,
    cross_lingual: bool = False,
    data_dir: Path | None = None,
) -> int:
    """Write the whole result list (every row, in its order, with the titles it shows)
    to ``path`` as CSV (UTF-8 with BOM) or XLSX, formula-safe like a patent-set export;
    Chinese headers and values when ``lang`` is ``zh``. Returns the rows written.

    Raises:
        InvalidParameterError: a format other than csv or xlsx, or a bad option.
    """
    from patnav.search.sets import check_export_format, export_rows, write_table

    fmt = check_export_format(path, fmt)
    result = search_results(
        store,
        query,
        mode=mode,
        group=group,
        sort=sort,
        descending=descending,
        filters=filters,
        facets=(),
        lang=lang,
        limit=None,
        within=within,
        index=index,
        embedder=embedder,
        cross_lingual=cross_lingual,
        data_dir=data_dir,
    )
    columns = export_columns(group)
    base = {r["doc_id"]: r for r in export_rows(store, [r.doc_id for r in result.rows])}
    zh = lang == "zh"
    table: list[list[object]] = []
    for row in result.rows:
        data = dict(base.get(row.doc_id, {}))
        data.update(
            rank=row.rank,
            title=row.title,
            legal_status=row.legal_status,
            cited_by=row.cited_by,
            family_members=row.members,
            family_offices=" ".join(row.offices),
            family_documents="; ".join(row.member_ids),
        )
        if zh:
            data["patent_type"] = TYPE_LABELS_ZH.get(
                str(data.get("patent_type")), data.get("patent_type")
            )
            data["legal_status"] = (
                STATUS_LABELS_ZH.get(row.legal_status, row.legal_status)
                if row.legal_status
                else UNKNOWN_ZH
            )
        table.append([data.get(c) for c in columns])
    headers = [EXPORT_HEADERS_ZH[c] if zh else c for c in columns]
    write_table(path, fmt, headers, table, sheet="检索结果" if zh else "results")
    return len(table)
