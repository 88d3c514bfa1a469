"""``SearchHit`` and ``SearchResult``: what every kind of search returns.

Expert (Boolean), full-text, semantic and hybrid searches all return the same types, so a
caller — the CLI, the web app, a report — need not care which one ran. A hit carries the
document's key bibliographic data and the scores that ranked it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from patnav.storage.store import PatentStore


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One document found, with its rank (from 1) and scores.

    ``score`` is the score the result was ordered by; ``bm25`` (full-text relevance),
    ``similarity`` (cosine of the embeddings, -1 … 1) and ``fused`` (reciprocal-rank
    fusion) are filled where that kind of ranking took part.
    """

    doc_id: str
    rank: int
    score: float | None = None
    title: str | None = None
    pub_number: str | None = None
    app_number: str | None = None
    app_date: date | None = None
    applicants: tuple[str, ...] = ()
    ipc_main: str | None = None
    patent_type: str | None = None
    lang: str | None = None
    bm25: float | None = None
    similarity: float | None = None
    fused: float | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["app_date"] = self.app_date.isoformat() if self.app_date else None
        data["applicants"] = list(self.applicants)
        return data


@dataclass(frozen=True, slots=True)
class SearchResult:
    """The outcome of a search.

    ``total`` is the number of documents matching (Boolean) or ranked (other modes);
    ``hits`` the first ``limit`` of them in order; ``query`` the canonical query text
    (Boolean) or the text searched; ``notes`` say what the user should know (an index
    that was updated or is missing, vectors that cover part of the store …).
    """

    query: str
    mode: str
    total: int
    hits: tuple[SearchHit, ...]
    elapsed_ms: float
    notes: tuple[str, ...] = ()

    @property
    def doc_ids(self) -> list[str]:
        """The doc_ids of the hits, in order."""
        return [h.doc_id for h in self.hits]

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "mode": self.mode,
            "total": self.total,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "notes": list(self.notes),
            "hits": [h.to_dict() for h in self.hits],
        }

    def to_frame(self) -> Any:
        """The hits as a pandas DataFrame, one row each."""
        import pandas as pd

        columns = [f for f in SearchHit.__dataclass_fields__]
        return pd.DataFrame([h.to_dict() for h in self.hits], columns=columns)


def describe(
    store: PatentStore, ranked: Sequence[tuple[str, dict[str, float | None]]]
) -> tuple[SearchHit, ...]:
    """Hits for ranked documents, with their bibliographic data read from the store.

    ``ranked`` holds (doc_id, scores) pairs in order; the scores may name ``score``,
    ``bm25``, ``similarity`` and ``fused``.
    """
    if not ranked:
        return ()
    ids = [doc_id for doc_id, _ in ranked]
    rows = store.query(
        """
        SELECT p.doc_id, p.title, p.pub_number, p.app_number, p.app_date, p.ipc_main,
            p.patent_type, p.lang, a.names
        FROM patents p
        LEFT JOIN (
            SELECT doc_id, list(name ORDER BY seq) AS names FROM parties
            WHERE role IN ('applicant', 'assignee') AND doc_id IN (SELECT unnest(?::VARCHAR[]))
            GROUP BY doc_id
        ) a USING (doc_id)
        WHERE p.doc_id IN (SELECT unnest(?::VARCHAR[]))
        """,
        [ids, ids],
    ).to_pylist()
    by_id = {r["doc_id"]: r for r in rows}
    hits = []
    for rank, (doc_id, scores) in enumerate(ranked, 1):
        row = by_id.get(doc_id, {})
        hit = SearchHit(
            doc_id=doc_id,
            rank=rank,
            title=row.get("title"),
            pub_number=row.get("pub_number"),
            app_number=row.get("app_number"),
            app_date=row.get("app_date"),
            applicants=tuple(row.get("names") or ()),
            ipc_main=row.get("ipc_main"),
            patent_type=row.get("patent_type"),
            lang=row.get("lang"),
            score=scores.get("score"),
            bm25=scores.get("bm25"),
            similarity=scores.get("similarity"),
            fused=scores.get("fused"),
        )
        hits.append(hit)
    return tuple(hits)
