"""Typed results of the value model: a scoring run, and one patent's explained score."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd


@dataclass(frozen=True, slots=True)
class ScoreRun:
    """What ``patnav value score`` did: documents scored per use, grade counts, mean
    coverage, the model and the time taken."""

    model: str
    documents: int
    cohorts: int
    uses: tuple[str, ...]
    grades: dict[str, dict[str, int]]  # use -> grade ("" for no score) -> documents
    coverage: dict[str, float | None]  # use -> mean coverage
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "documents": self.documents,
            "cohorts": self.cohorts,
            "uses": list(self.uses),
            "grades": {u: dict(g) for u, g in self.grades.items()},
            "coverage": dict(self.coverage),
            "seconds": round(self.seconds, 3),
        }

    def to_frame(self) -> pd.DataFrame:
        rows = [
            {"use": use, "grade": grade or None, "documents": n}
            for use, grades in self.grades.items()
            for grade, n in grades.items()
        ]
        return pd.DataFrame(rows, columns=["use", "grade", "documents"])


@dataclass(frozen=True, slots=True)
class IndicatorValue:
    """One indicator of one patent: its raw value, its cohort percentile (0–100, higher
    better), its weight in the use, and whether its input was missing."""

    name: str
    label_zh: str
    dimension: str
    value: float | None
    percentile: float | None
    weight: float
    direction: str
    missing: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label_zh": self.label_zh,
            "dimension": self.dimension,
            "value": self.value,
            "percentile": self.percentile,
            "weight": self.weight,
            "direction": self.direction,
            "missing": self.missing,
        }


@dataclass(frozen=True, slots=True)
class ValueExplanation:
    """One patent's value score for one use, explained: every indicator with its value,
    percentile and weight; the dimension scores; what was missing; grade and cut points."""

    pub_number: str
    doc_id: str
    use: str
    use_label: str
    score: float | None
    grade: str | None
    cut_points: dict[str, float]
    dimensions: dict[str, float | None]
    indicators: tuple[IndicatorValue, ...]
    missing: tuple[str, ...]
    coverage: float
    cohort: str
    model: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "pub_number": self.pub_number,
            "use": self.use,
            "score": self.score,
            "grade": self.grade,
            "cut_points": dict(self.cut_points),
            "dimensions": dict(self.dimensions),
            "indicators": [i.to_dict() for i in self.indicators],
            "missing": list(self.missing),
            "coverage": self.coverage,
            "cohort": self.cohort,
            "model": self.model,
        }

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([i.to_dict() for i in self.indicators])
