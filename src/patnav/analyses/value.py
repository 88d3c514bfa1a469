"""Patent value of a set (专利价值分布): the stored value scores of its documents.

Reads ``value_scores`` (filled by ``patnav value score``, :mod:`patnav.models.value`) for one
use: documents per grade, the score histogram, the top patents, and which indicators the
scored documents lacked. Scores are per document, so this analysis counts documents
whatever the report's counting unit. A document without a score is *unscored* (未评分) —
counted apart, never as 0; a store never scored gives ``scored == 0``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from patnav.analyses.base import (
    CountBy,
    Engine,
    ResultMixin,
    Scope,
    as_engine,
    check_count_by,
    rows,
)
from patnav.analyses.registry import AnalysisInfo
from patnav.models.value import (
    DEFAULT_USE,
    GRADES,
    INDICATORS,
    USE_LABELS,
    check_use,
)
from patnav.storage.store import PatentStore

BINS = tuple(range(0, 100, 10))
"""Lower bounds of the histogram's bins: [0, 10) … [90, 100]."""


@dataclass(frozen=True, slots=True)
class ScoredPatent:
    """One of the top patents by value score."""

    doc_id: str
    pub_number: str
    title: str
    score: float
    grade: str
    coverage: float


@dataclass(frozen=True, slots=True)
class MissingInput:
    """An indicator the scored documents lacked, and how many lacked it."""

    name: str
    label_zh: str
    documents: int


@dataclass(frozen=True, slots=True)
class ValueDistribution(ResultMixin):
    """The value scores of a set's documents for one use."""

    scope: str
    use: str
    use_label: str
    documents: int
    scored: int
    grades: tuple[tuple[str, int], ...]
    bins: tuple[tuple[int, int], ...]
    mean_score: float | None
    median_score: float | None
    mean_coverage: float | None
    top: tuple[ScoredPatent, ...]
    missing: tuple[MissingInput, ...]
    model: str | None

    @property
    def unscored(self) -> int:
        """Documents of the set without a score (no row, or no indicator known)."""
        return self.documents - self.scored

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{"grade": g, "documents": n} for g, n in self.grades],
            columns=["grade", "documents"],
        )


def value_distribution(
    source: PatentStore | Engine,
    scope: Scope | None = None,
    *,
    use: str = DEFAULT_USE,
    top: int = 10,
    count_by: CountBy = "family",
) -> ValueDistribution:
    """How the set's documents score for a use: grades, histogram, top patents, gaps."""
    engine = as_engine(source)
    scope = scope or Scope.everything()
    check_count_by(count_by)  # accepted for the landscape; scores are per document
    check_use(use)
    where, params = scope.clause("p.doc_id")
    params = {**params, "use": use}
    docs = (
        "SELECT p.doc_id, p.pub_number, p.title, v.score, v.grade, v.coverage, "
        "v.missing, v.model FROM patents p LEFT JOIN value_scores v "
        f"ON v.doc_id = p.doc_id AND v.use = $use WHERE {where}"
    )
    bins = ", ".join(
        f"sum(CASE WHEN score >= {lo} AND score < {lo + 10 if lo < 90 else 101} "
        f"THEN 1 ELSE 0 END) AS b{lo}"
        for lo in BINS
    )
    grades = ", ".join(
        f"sum(CASE WHEN grade = '{g}' THEN 1 ELSE 0 END) AS g{g}" for g in GRADES
    )
    lacks = ", ".join(
        f"sum(CASE WHEN score IS NOT NULL AND list_contains(missing, '{i.name}') "
        f"THEN 1 ELSE 0 END) AS m_{i.name}"
        for i in INDICATORS
    )
    summary = rows(
        engine.fetch(
            f"SELECT count(*) AS documents, count(score) AS scored, avg(score) AS mean,"
            f" median(score) AS median, avg(coverage) FILTER (WHERE score IS NOT NULL)"
            f" AS coverage, max(model) AS model, {bins}, {grades}, {lacks} "
            f"FROM ({docs})",
            params,
        )
    )[0]
    best = rows(
        engine.fetch(
            f"SELECT doc_id, pub_number, coalesce(title, '') AS title, score, grade, "
            f"coverage FROM ({docs}) WHERE score IS NOT NULL "
            f"ORDER BY score DESC, pub_number LIMIT {int(top)}",
            params,
        )
    )
    missing = sorted(
        (
            MissingInput(i.name, i.label_zh, int(summary[f"m_{i.name}"] or 0))
            for i in INDICATORS
            if summary[f"m_{i.name}"]
        ),
        key=lambda m: (-m.documents, m.name),
    )
    return ValueDistribution(
        scope=scope.label,
        use=use,
        use_label=USE_LABELS[use],
        documents=int(summary["documents"]),
        scored=int(summary["scored"]),
        grades=tuple((g, int(summary[f"g{g}"] or 0)) for g in GRADES),
        bins=tuple((lo, int(summary[f"b{lo}"] or 0)) for lo in BINS),
        mean_score=summary["mean"],
        median_score=summary["median"],
        mean_coverage=summary["coverage"],
        top=tuple(ScoredPatent(**r) for r in best),
        missing=tuple(missing),
        model=summary["model"],
    )


ANALYSIS = AnalysisInfo(
    "value",
    value_distribution,
    "专利价值分布",
    "Patent value",
    order=96,
)
"""Registers :func:`value_distribution` as ``value``."""
