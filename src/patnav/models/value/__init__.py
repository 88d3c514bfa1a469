"""Patent value on the GB/T 42748 indicator tree (法律 / 技术 / 经济), per use.

The Python API the CLI, the web app, reports and the other models use:

- :func:`score_store` — score the whole store and replace ``value_scores`` with the result;
- :func:`read_scores` — the stored scores of some documents for one use;
- :func:`has_scores` — whether the store holds scores;
- :func:`explain` — one patent's score with every indicator, percentile and weight;
- :class:`ValueScorer` — the model itself (fit on a store or a Spark engine, then score).

An absent row or a NULL score is *unknown* (未评分), never 0.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from patnav.errors import InvalidParameterError, NotFoundError
from patnav.models.value.indicators import (
    BY_NAME,
    DIMENSION_LABELS,
    DIMENSIONS,
    INDICATORS,
    Indicator,
)
from patnav.models.value.results import IndicatorValue, ScoreRun, ValueExplanation
from patnav.models.value.scorer import ValueScorer, score_statement, scores_statement
from patnav.models.value.weights import (
    GRADES,
    USE_LABELS,
    USES,
    Weights,
    load_weights,
    parse_weights,
)
from patnav.storage.store import PatentStore

DEFAULT_USE = "management"

__all__ = [
    "BY_NAME",
    "DEFAULT_USE",
    "DIMENSIONS",
    "DIMENSION_LABELS",
    "GRADES",
    "INDICATORS",
    "USES",
    "USE_LABELS",
    "Indicator",
    "IndicatorValue",
    "ScoreRun",
    "ValueExplanation",
    "ValueScorer",
    "Weights",
    "check_use",
    "explain",
    "find_document",
    "has_scores",
    "load_weights",
    "parse_weights",
    "read_scores",
    "score_statement",
    "score_store",
    "scores_statement",
    "stored_scores",
]

_COLUMNS = (
    "doc_id, use, score, grade, legal, technical, economic, coverage, missing, "
    "cohort, model, computed_at"
)


def check_use(use: str) -> str:
    """``use`` if the model knows it, else a clear error."""
    if use not in USES:
        raise InvalidParameterError(f"未知用途 {use!r}；可用：{', '.join(USES)}。")
    return use


def score_store(
    store: PatentStore,
    *,
    uses: Sequence[str] | None = None,
    weights: Weights | Path | str | None = None,
    as_of: date | None = None,
) -> ScoreRun:
    """Score every document of ``store`` for ``uses`` (default: all the weights' uses) and
    replace ``value_scores`` with the result, in one transaction."""
    started = time.perf_counter()
    for use in uses or ():
        check_use(use)
    scorer = ValueScorer(weights=weights, uses=uses, as_of=as_of).fit(store)
    computed_at = datetime.now().replace(microsecond=0)
    try:
        with store.transaction():
            store.execute("DELETE FROM value_scores")
            # every use in one INSERT … SELECT: the percentile table is read once
            if scorer.uses_:
                sql, params = scores_statement(scorer.weights_, scorer.uses_)
                store.execute(
                    f"INSERT INTO value_scores ({_COLUMNS}) "
                    f"SELECT *, $computed_at FROM ({sql})",
                    {**params, "computed_at": computed_at},
                )
    finally:
        scorer.close()
    grades: dict[str, dict[str, int]] = {use: {} for use in scorer.uses_}
    for row in store.query(
        "SELECT use, coalesce(grade, '') AS grade, count(*) AS n FROM value_scores "
        "GROUP BY ALL ORDER BY use, grade"
    ).to_pylist():
        grades[row["use"]][row["grade"]] = int(row["n"])
    coverage = {
        row["use"]: row["c"]
        for row in store.query(
            "SELECT use, avg(coverage) AS c FROM value_scores GROUP BY use"
        ).to_pylist()
    }
    return ScoreRun(
        model=scorer.weights_.model,
        documents=scorer.n_documents_,
        cohorts=scorer.n_cohorts_,
        uses=tuple(scorer.uses_),
        grades=grades,
        coverage={use: coverage.get(use) for use in scorer.uses_},
        seconds=time.perf_counter() - started,
    )


def has_scores(store: PatentStore, use: str | None = None) -> bool:
    """Whether ``value_scores`` holds any row (for ``use`` when given)."""
    if use is None:
        return bool(store.scalar("SELECT count(*) > 0 FROM value_scores"))
    return bool(
        store.scalar("SELECT count(*) > 0 FROM value_scores WHERE use = ?", [use])
    )


def read_scores(
    store: PatentStore, doc_ids: Sequence[str] | None = None, *, use: str = DEFAULT_USE
) -> pa.Table:
    """The stored scores for ``use`` (of ``doc_ids`` when given), joined to the
    publication number. A document without a row has no score: unknown, not 0."""
    check_use(use)
    sql = (
        "SELECT p.pub_number, v.* EXCLUDE (use) FROM value_scores v "
        "JOIN patents p USING (doc_id) WHERE v.use = $use"
    )
    params: dict[str, Any] = {"use": use}
    if doc_ids is not None:
        sql += " AND list_contains($ids, v.doc_id)"
        params["ids"] = list(doc_ids)
    return store.query(sql + " ORDER BY v.score DESC NULLS LAST, p.pub_number", params)


def stored_scores(store: PatentStore, doc_id: str) -> list[dict[str, Any]]:
    """The stored scores of one document, one dict per use (in :data:`USES` order), each
    with the use's Chinese label and its missing indicators' Chinese labels; empty when
    the document is not scored (unknown, not 0)."""
    rows = store.query(
        "SELECT use, score, grade, legal, technical, economic, coverage, missing, "
        "cohort, model, computed_at FROM value_scores WHERE doc_id = $d",
        {"d": doc_id},
    ).to_pylist()
    order = {use: i for i, use in enumerate(USES)}
    out = []
    for row in sorted(rows, key=lambda r: order.get(r["use"], len(order))):
        row["use_label"] = USE_LABELS.get(row["use"], row["use"])
        row["missing_labels"] = [
            BY_NAME[m].label_zh if m in BY_NAME else m for m in row["missing"] or ()
        ]
        out.append(row)
    return out


def find_document(store: PatentStore, number: str) -> tuple[str, str]:
    """The ``(doc_id, pub_number)`` of a publication (or grant, or application) number.

    Raises:
        NotFoundError: the store holds no such document.
    """
    key = "".join(number.split()).upper()
    rows = store.query(
        "SELECT doc_id, pub_number FROM patents WHERE pub_number = $k OR doc_id = $k "
        "OR grant_pub_number = $k OR app_number = $k ORDER BY pub_number LIMIT 1",
        {"k": key},
    ).to_pylist()
    if not rows:
        raise NotFoundError(
            f"库中没有专利 {number}：请检查公开号（如 CN114399933A）或先导入它。"
        )
    return str(rows[0]["doc_id"]), str(rows[0]["pub_number"])


def explain(
    store: PatentStore,
    number: str,
    *,
    use: str = DEFAULT_USE,
    weights: Weights | Path | str | None = None,
    as_of: date | None = None,
) -> ValueExplanation:
    """One patent's value score for ``use``, computed afresh with ``weights`` and
    explained indicator by indicator (the cohort percentiles need the whole store)."""
    check_use(use)
    doc_id, pub_number = find_document(store, number)
    scorer = ValueScorer(weights=weights, uses=[use], as_of=as_of).fit(store)
    try:
        row = scorer.score(doc_ids=[doc_id]).to_pylist()[0]
        pct = scorer.percentiles([doc_id])[0]
    finally:
        scorer.close()
    w = scorer.weights_
    indicators = tuple(
        IndicatorValue(
            name=i.name,
            label_zh=i.label_zh,
            dimension=i.dimension,
            value=pct[f"v_{i.name}"],
            percentile=pct[f"p_{i.name}"],
            weight=w.weight(use, i.name),
            direction=i.direction,
            missing=pct[f"p_{i.name}"] is None,
        )
        for i in INDICATORS
    )
    return ValueExplanation(
        pub_number=pub_number,
        doc_id=doc_id,
        use=use,
        use_label=w.labels.get(use, USE_LABELS[use]),
        score=row["score"],
        grade=row["grade"],
        cut_points=dict(w.cut_points),
        dimensions={d: row[d] for d in DIMENSIONS},
        indicators=indicators,
        missing=tuple(row["missing"] or ()),
        coverage=float(row["coverage"]),
        cohort=str(row["cohort"]),
        model=str(row["model"]),
    )
