"""Engine parity: the value model's SQL gives the same scores on Spark (local mode, over
the Parquet snapshot) as on DuckDB, on a real-data store (Patentics + incoPat exports)."""

from __future__ import annotations

import pytest

from patnav.models.value import ValueScorer
from patnav.storage.parquet import export_snapshot
from patnav.storage.store import PatentStore
from tests import patentics

COLUMNS = ("score", "legal", "technical", "economic", "coverage")


@pytest.fixture(scope="module")
def engines(mixed_path, tmp_path_factory):
    from patnav.analyses.spark import SparkEngine

    snapshot = tmp_path_factory.mktemp("value-snapshot")
    with PatentStore.open(mixed_path, read_only=True) as store:
        export_snapshot(store, snapshot)
    spark = SparkEngine(snapshot)
    with PatentStore.open(mixed_path, read_only=True) as store:
        yield store, spark
    spark.close()


def _scores(source) -> dict[tuple[str, str], dict]:
    scorer = ValueScorer(as_of=patentics.TODAY, uses=["pledge", "management"])
    scorer.fit(source)
    try:
        rows = scorer.score().to_pylist()
    finally:
        scorer.close()
    return {(r["doc_id"], r["use"]): r for r in rows}


def test_value_scores_are_identical_on_spark(engines):
    store, spark = engines
    duck = _scores(store)
    other = _scores(spark)
    assert set(duck) == set(other)
    assert len(duck) == 2 * store.count("patents")
    for key, row in duck.items():
        twin = other[key]
        assert twin["grade"] == row["grade"], key
        assert twin["cohort"] == row["cohort"], key
        assert sorted(twin["missing"]) == sorted(row["missing"]), key
        for column in COLUMNS:
            if row[column] is None:
                assert twin[column] is None, (key, column)
            else:
                assert twin[column] == pytest.approx(row[column], abs=1e-9), key
