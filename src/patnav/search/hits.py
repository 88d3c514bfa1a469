"""``SearchHit`` and ``SearchResult``: what every kind of search returns.

Expert (Boolean), full-text, semantic and hybrid searches all return the same types, so a
caller — the CLI, the web app, a report — need not care which one ran. A hit carries the
document's key bibliographic data and the scores that ranked it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from patnav.search.fulltext import Location
from patnav.storage.store import PatentStore


class Note(str):
    """Something the user should know about a search, in English (what ``str`` gives, for
    logs and English outputs) and in Chinese (:meth:`text_in`), with a ``key`` and the
    ``values`` it was written from for a caller that words it its own way.

    A ``str``, so code that reads notes as text keeps working.
    """

    key: str
    zh: str
    values: dict[str, Any]

    def __new__(cls, key: str, text: str, zh: str, **values: Any) -> Note:
        note = super().__new__(cls, text)
        note.key = key
        note.zh = zh
        note.values = values
        return note

    def __reduce__(self) -> Any:
        return (_note, (self.key, str(self), self.zh, self.values))

    def text_in(self, lang: str) -> str:
        """The note in ``zh`` (Chinese) or any other language code (English)."""
        return self.zh if lang == "zh" else str(self)

    def to_dict(self) -> dict[str, Any]:
        """The note's key, values and texts."""
        return {
            "key": self.key,
            "values": dict(self.values),
            "text": str(self),
            "zh": self.zh,
        }


def _note(key: str, text: str, zh: str, values: dict[str, Any]) -> Note:
    return Note(key, text, zh, **values)


def note_text(note: str, lang: str) -> str:
    """A note in ``lang`` when patnav wrote it (:class:`Note`), else as it is."""
    return note.text_in(lang) if isinstance(note, Note) else str(note)


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
    that was updated or is missing, vectors that cover part of the store …), as
    :class:`Note` where patnav wrote them.
    """

    query: str
    mode: str
    total: int
    hits: tuple[SearchHit, ...]
    elapsed_ms: float
    notes: tuple[str, ...] = ()
    coverage: dict[str, Any] | None = None
    """Semantic and hybrid modes: the vectors' coverage of the scope (see
    :func:`patnav.search.api.scope_coverage`)."""

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
            "coverage": self.coverage,
            "hits": [h.to_dict() for h in self.hits],
        }

    def to_frame(self) -> Any:
        """The hits as a pandas DataFrame, one row each."""
        import pandas as pd

        columns = [f for f in SearchHit.__dataclass_fields__]
        return pd.DataFrame([h.to_dict() for h in self.hits], columns=columns)


_COLUMNS = "title, pub_number, app_number, app_date, ipc_main, patent_type, lang"


def describe(
    store: PatentStore,
    ranked: Sequence[tuple[str, dict[str, float | None]]],
    *,
    locations: Mapping[str, Location] | None = None,
) -> tuple[SearchHit, ...]:
    """Hits for ranked documents, with their bibliographic data read from the store.

    ``ranked`` holds (doc_id, scores) pairs in order; the scores may name ``score``,
    ``bm25``, ``similarity`` and ``fused``. ``locations`` (from the full-text index,
    fitting this store) let the rows be read by rowid; each is checked against its
    doc_id, and documents without one are looked up by doc_id.
    """
    if not ranked:
        return ()
    ids = list(dict.fromkeys(doc_id for doc_id, _ in ranked))
    by_id: dict[str, dict[str, Any]] = {}
    if locations:
        by_id = _read_located(store, {d: locations[d] for d in ids if d in locations})
    rest = [d for d in ids if d not in by_id]
    if rest:
        rows = store.query(
            f"""
            SELECT p.doc_id, {", ".join("p." + c for c in _COLUMNS.split(", "))}, a.names
            FROM patents p
            LEFT JOIN (
                SELECT doc_id, list(name ORDER BY seq, role) AS names FROM parties
                WHERE role IN ('applicant', 'assignee')
                    AND doc_id IN (SELECT unnest(?::VARCHAR[]))
                GROUP BY doc_id
            ) a USING (doc_id)
            WHERE p.doc_id IN (SELECT unnest(?::VARCHAR[]))
            """,
            [rest, rest],
        ).to_pylist()
        by_id.update((r["doc_id"], r) for r in rows)
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


def _read_located(
    store: PatentStore, located: Mapping[str, Location]
) -> dict[str, dict[str, Any]]:
    """The rows of located documents, read by rowid; a document whose ``patents`` row
    is no longer where the hint says is left out (the caller looks it up by doc_id)."""
    if not located:
        return {}
    rows = store.query(
        f"SELECT rowid AS _row, doc_id, {_COLUMNS} FROM patents "
        "WHERE rowid IN (SELECT unnest(?::BIGINT[]))",
        [[loc.prow for loc in located.values()]],
    ).to_pylist()
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        loc = located.get(row["doc_id"])
        if loc is not None and loc.prow == row.pop("_row"):
            row["names"] = None
            found[row["doc_id"]] = row
    spans = {d: located[d].parties for d in found}
    wanted = sorted(
        {r for span in spans.values() if span for r in range(span[0], span[1] + 1)}
    )
    if wanted:
        names: dict[str, list[Any]] = {}
        for doc_id, row_id, name in store.rows(
            "SELECT doc_id, rowid, name FROM parties "
            "WHERE rowid IN (SELECT unnest(?::BIGINT[])) "
            "AND role IN ('applicant', 'assignee') ORDER BY seq, role",
            [wanted],
        ):
            span = spans.get(doc_id)
            if span and span[0] <= row_id <= span[1]:
                names.setdefault(doc_id, []).append(name)
        for doc_id, listed in names.items():
            found[doc_id]["names"] = listed
    return found
