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
        if not self.uses_:
            return pa.table({})
        return self.engine_.fetch(*scores_statement(self.weights_, self.uses_, doc_ids))

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
    table, and its parameters: :func:`scores_statement` for the one use."""
    return scores_statement(weights, [use], doc_ids)


def scores_statement(
    weights: Weights, uses: Sequence[str], doc_ids: Sequence[str] | None = None
) -> tuple[str, dict[str, Any]]:
    """The SQL scoring every use of ``uses`` in one pass over the percentile table (one row
    per document × use, the columns of :func:`score_statement`), and its parameters.

    The weights are a small table joined to every document (one row per use, a column per
    indicator), so the percentile table is read once for all uses; an indicator weighted 0
    in a use adds exactly 0 to its sums, so each use's figures are those of
    :func:`score_statement`. The ``missing`` lists are built once per pattern of missing
    indicators × use (a few dozen), not per document, and joined back by the pattern's
    bit mask."""
    params: dict[str, Any] = {"model": weights.model}
    used = [i for i in INDICATORS if any(weights.weight(u, i.name) > 0 for u in uses)]
    for grade, cut in weights.cut_points.items():
        params[f"cut_{grade}"] = cut
    rows = []
    for k, use in enumerate(uses):
        params[f"use_{k}"] = use
        cells = [f"$use_{k} AS w_use"]
        cells += [
            f"CAST({float(weights.weight(use, i.name))!r} AS DOUBLE) AS w_{i.name}"
            for i in used
        ]
        total = sum(weights.weight(use, i.name) for i in used)
        cells.append(f"CAST({float(total)!r} AS DOUBLE) AS w_sum")
        rows.append("SELECT " + ", ".join(cells))
    table = "\n    UNION ALL ".join(rows)

    bit = {i.name: 1 << k for k, i in enumerate(used)}

    def known(inds: Sequence[Any]) -> str:
        # from the pattern of missing indicators: computed per pattern, not per document
        terms = [
            f"CASE WHEN (m.nullmask & {bit[i.name]}) <> 0 THEN 0 ELSE w.w_{i.name} END"
            for i in inds
        ]
        return " + ".join(terms) if terms else "0"

    def total_(inds: Sequence[Any]) -> str:
        terms = [f"coalesce(p_{i.name} * w_{i.name}, 0)" for i in inds]
        return " + ".join(terms) if terms else "0"

    bits = [
        f"CASE WHEN p_{i.name} IS NULL THEN {1 << k} ELSE 0 END"
        for k, i in enumerate(used)
    ]
    mask = "CAST(" + (" + ".join(bits) if bits else "0") + " AS BIGINT)"
    inner = ["doc_id", "cohort", "w_use", "nullmask"]
    known_cols = []
    for dim in (*DIMENSIONS, "all"):
        inds = [i for i in used if dim in ("all", i.dimension)]
        known_cols.append(f"CAST({known(inds)} AS DOUBLE) AS k_{dim}")
        inner.append(f"CAST({total_(inds)} AS DOUBLE) AS s_{dim}")
    flags = ", ".join(
        f"CASE WHEN (m.nullmask & {1 << k}) <> 0 AND w.w_{i.name} > 0"
        f" THEN '{i.name}' END"
        for k, i in enumerate(used)
    )
    where = ""
    if doc_ids is not None:
        where = " WHERE list_contains($ids, doc_id)"
        params["ids"] = list(doc_ids)
    dims = ",\n       ".join(
        f"CASE WHEN k_{d} > 0 THEN s_{d} / k_{d} END AS {d}" for d in DIMENSIONS
    )
    sql = f"""
WITH w AS (
    {table}
),
pm AS (SELECT *, {mask} AS nullmask FROM {PCT_TABLE}{where}),
ms AS (
    SELECT m.nullmask, w.w_use, w.w_sum, {", ".join(known_cols)},
           list_filter([{flags}], lambda x: x IS NOT NULL) AS missing
    FROM (SELECT DISTINCT nullmask FROM pm) m CROSS JOIN w
)
SELECT doc_id, use, score,
       CASE WHEN score IS NULL THEN NULL WHEN score >= $cut_A THEN 'A'
            WHEN score >= $cut_B THEN 'B' WHEN score >= $cut_C THEN 'C'
            WHEN score >= $cut_D THEN 'D' ELSE 'E' END AS grade,
       legal, technical, economic, coverage, missing, cohort, $model AS model
FROM (
SELECT s.doc_id, s.w_use AS use,
       CASE WHEN k_all > 0 THEN s_all / k_all END AS score,
       {dims},
       k_all / w_sum AS coverage, ms.missing, s.cohort
FROM (SELECT {", ".join(inner)} FROM pm CROSS JOIN w) s
JOIN ms ON ms.nullmask = s.nullmask AND ms.w_use = s.w_use
)"""
    return sql, params
