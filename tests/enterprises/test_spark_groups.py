"""Counting by corporate group gives the same ranking on Spark (local mode) over the
Parquet snapshot as on DuckDB over the store. About three minutes on two cores (Spark's
start and the Tai'an corpus): marked slow, run with ``-m slow``."""

from __future__ import annotations

import dataclasses

import pytest

from patnav.analyses.applicants import applicant_ranking
from patnav.enterprises.groups import import_groups
from patnav.storage.parquet import export_snapshot
from tests.enterprises.conftest import GROUPS


@pytest.mark.slow
def test_the_group_ranking_is_identical_on_spark(taian, tmp_path):
    from patnav.analyses.spark import SparkEngine

    import_groups(taian, GROUPS)
    taian.checkpoint()
    export_snapshot(taian, tmp_path / "snapshot")
    on_duckdb = applicant_ranking(
        taian, count_by="application", group_by="group", top=30
    )
    spark = SparkEngine(tmp_path / "snapshot")
    try:
        on_spark = applicant_ranking(
            spark, count_by="application", group_by="group", top=30
        )
    finally:
        spark.close()
    assert any(r.key.startswith("group:") for r in on_duckdb.applicants)
    assert dataclasses.asdict(on_spark) == dataclasses.asdict(on_duckdb)
