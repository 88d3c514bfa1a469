"""The value scorer: fit computes every indicator's cohort percentile for the whole store,
score turns them into per-use scores, dimension scores, coverage, missing list and grade.

All of it is SQL run by an engine (DuckDB over the store, or Spark over its snapshot): two
statements materialise the indicators (:mod:`~patnav.models.value.indicators`), one per use
scores them. A use's score is the weighted mean of the percentiles of its known
indicators; a dimension score is the same over that dimension's indicators; ``coverage`` is
the known share of the use's weight; ``missing`` the weighted indicators without input.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from patnav.models.base import check_fitted, invalid_parameter
from patnav.models.value.indicators import (
    DIMENSIONS,
    INDICATORS,
    RAW_SQL,
    percentile_sql,
)
from patnav.models.value.weights import Weights, load_weights
from patnav.storage.store import PatentStore

if TYPE_CHECKING:
    # patnav.analyses registers its modules on import, the value analysis among them,
    # which imports this package: the engine helpers are imported where used
    from patnav.analyses.base import Engine

RAW_TABLE = "value_raw"
PCT_TABLE = "value_pct"


class ValueScorer:
    """Patent value on the GB/T 42748 indicator tree, per use.

    Args:
        weights: a :class:`Weights`, a weights file, or None for the shipped one.
        uses: the uses to score (default: every use of the weights).
        event_free: leave out every indicator computed from legal status, events,
            maintenance or the term (the variant validated against those outcomes).
        min_cohort: the fewest documents a cohort (IPC subclass × filing year) needs;
            smaller ones fall back to the IPC section × year, then to the year.
        as_of: the day remaining terms are counted from (default: today).
    """

    def __init__(
        self,
        *,
        weights: Weights | Path | str | None = None,
        uses: Sequence[str] | None = None,
        event_free: bool = False,
        min_cohort: int = 30,
        as_of: date | None = None,
    ) -> None:
        self.weights = weights
        self.uses = uses
        self.event_free = event_free
        self.min_cohort = min_cohort
        self.as_of = as_of

    def fit(self, source: PatentStore | Engine) -> ValueScorer:
        """Compute every indicator and its cohort percentile for the whole store."""
        weights = (
            self.weights
            if isinstance(self.weights, Weights)
            else load_weights(self.weights)
        )
        if self.event_free:
            weights = weights.without_events()
        uses = list(self.uses) if self.uses is not None else list(weights.uses)
        for use in uses:
            if use not in weights.uses:
                have = ", ".join(weights.uses)
                raise invalid_parameter(
                    self, "uses", f"uses of the weights ({have})", use
                )
        if isinstance(self.min_cohort, bool) or not isinstance(self.min_cohort, int):
            raise invalid_parameter(self, "min_cohort", "an int >= 1", self.min_cohort)
        if self.min_cohort < 1:
            raise invalid_parameter(self, "min_cohort", "an int >= 1", self.min_cohort)
        from patnav.analyses.base import as_engine

        engine = as_engine(source)
        as_of = self.as_of or date.today()
        engine.materialize(
            RAW_TABLE,
            RAW_SQL,
            {"min_cohort": self.min_cohort, "as_of": as_of.isoformat()},
        )
        engine.materialize(PCT_TABLE, percentile_sql(RAW_TABLE), {})
        counts = engine.fetch(
            f"SELECT count(*) AS n, count(DISTINCT cohort) AS c FROM {PCT_TABLE}"
        ).to_pylist()[0]
        self.weights_ = weights
        self.uses_ = uses
        self.as_of_ = as_of
        self.n_documents_ = int(counts["n"])
        self.n_cohorts_ = int(counts["c"])
        self.engine_ = engine
        return self

    def score(self, *, doc_ids: Sequence[str] | None = None) -> pa.Table:
        """Scores of every fitted use, one row per document × use (``value_scores``'s
        columns but ``computed_at``); only ``doc_ids`` when given."""
        check_fitted(self, "weights_")
        parts = [
            self.engine_.fetch(*score_statement(self.weights_, use, doc_ids))
            for use in self.uses_
        ]
        return pa.concat_tables(parts) if parts else pa.table({})

    def percentiles(self, doc_ids: Sequence[str]) -> list[dict[str, Any]]:
        """The raw values and cohort percentiles of ``doc_ids`` (``v_*``, ``p_*``)."""
        check_fitted(self, "weights_")
        rows: list[dict[str, Any]] = self.engine_.fetch(
            f"SELECT * FROM {PCT_TABLE} WHERE list_contains($ids, doc_id)",
            {"ids": list(doc_ids)},
        ).to_pylist()
        return rows

    def close(self) -> None:
        """Drop the temporary tables ``fit`` made."""
        if getattr(self, "engine_", None) is not None:
            self.engine_.drop(PCT_TABLE)
            self.engine_.drop(RAW_TABLE)


def score_statement(
    weights: Weights, use: str, doc_ids: Sequence[str] | None = None
) -> tuple[str, dict[str, Any]]:
    """The SQL (DuckDB dialect, ``$name`` parameters) scoring ``use`` over the percentile
    table, and its parameters. Indicator names come from the code's tree, never input."""
    params: dict[str, Any] = {"use": use, "model": weights.model}
    used = [i for i in INDICATORS if weights.weight(use, i.name) > 0]
    for ind in used:
        params[f"w_{ind.name}"] = weights.weight(use, ind.name)
    for grade, cut in weights.cut_points.items():
        params[f"cut_{grade}"] = cut

    def known(inds: Sequence[Any]) -> str:
        terms = [
            f"CASE WHEN p_{i.name} IS NULL THEN 0 ELSE $w_{i.name} END" for i in inds
        ]
        return " + ".join(terms) if terms else "0"

    def total(inds: Sequence[Any]) -> str:
        terms = [f"coalesce(p_{i.name} * $w_{i.name}, 0)" for i in inds]
        return " + ".join(terms) if terms else "0"

    inner = ["doc_id", "cohort"]
    for dim in (*DIMENSIONS, "all"):
        inds = [i for i in used if dim in ("all", i.dimension)]
        inner.append(f"CAST({known(inds)} AS DOUBLE) AS k_{dim}")
        inner.append(f"CAST({total(inds)} AS DOUBLE) AS s_{dim}")
    flags = ", ".join(f"CASE WHEN p_{i.name} IS NULL THEN '{i.name}' END" for i in used)
    inner.append(f"list_filter([{flags}], lambda x: x IS NOT NULL) AS missing")
    where = ""
    if doc_ids is not None:
        where = " WHERE list_contains($ids, doc_id)"
        params["ids"] = list(doc_ids)
    weight_sum = sum(weights.weight(use, i.name) for i in used)
    params["weight_sum"] = weight_sum
    dims = ",\n       ".join(
        f"CASE WHEN k_{d} > 0 THEN s_{d} / k_{d} END AS {d}" for d in DIMENSIONS
    )
    sql = f"""
SELECT doc_id, $use AS use, score,
       CASE WHEN score IS NULL THEN NULL WHEN score >= $cut_A THEN 'A'
            WHEN score >= $cut_B THEN 'B' WHEN score >= $cut_C THEN 'C'
            WHEN score >= $cut_D THEN 'D' ELSE 'E' END AS grade,
       legal, technical, economic, coverage, missing, cohort, $model AS model
FROM (
SELECT doc_id, cohort, CASE WHEN k_all > 0 THEN s_all / k_all END AS score,
       {dims},
       k_all / $weight_sum AS coverage, missing
FROM (SELECT {", ".join(inner)} FROM {PCT_TABLE}{where})
)"""
    return sql, params
