"""Engine parity: every analysis gives the same result on Spark (local mode) over the Parquet
snapshot as on DuckDB over the store."""

from __future__ import annotations

from pathlib import Path

import pytest

from patnav.analyses import LANDSCAPE, landscape, run_analysis
from patnav.analyses.base import Region
from patnav.analyses.spec import load_spec
from patnav.storage.parquet import export_snapshot
from patnav.storage.store import PatentStore

SPECS = Path(__file__).resolve().parents[2] / "specs"


@pytest.fixture(scope="module")
def engines(loaded_store_path, tmp_path_factory):
    from patnav.analyses.spark import SparkEngine

    snapshot = tmp_path_factory.mktemp("snapshot")
    with PatentStore.open(loaded_store_path, read_only=True) as store:
        export_snapshot(store, snapshot)
    spark = SparkEngine(snapshot)
    with PatentStore.open(loaded_store_path, read_only=True) as store:
        yield store, spark
    spark.close()


def test_the_landscape_is_identical_on_spark(engines, lens):
    store, spark = engines
    duck = landscape(store, lens, count_by="family", region=Region(country="CN"))
    other = landscape(spark, lens, count_by="family", region=Region(country="CN"))
    assert set(duck) == set(LANDSCAPE)
    for name in LANDSCAPE:
        assert duck[name].to_dict() == other[name].to_dict(), name
    assert duck["trend"].total == 5884  # Lens families: one per row of the export
    assert duck["geography"].home is not None


def test_chain_and_competitors_are_identical_on_spark(engines):
    store, spark = engines
    spec = load_spec(SPECS / "drones-industry.yaml")
    duck = run_analysis("chain", store, spec=spec, store=store)
    other = run_analysis("chain", spark, spec=spec, store=store)
    assert duck.to_dict() == other.to_dict()
    assert duck.world_total > 0 and len(duck.nodes) == len(spec.walk())
    names = ["THALES SA", "PARROT"]
    assert (
        run_analysis("competitors", store, competitors=names).to_dict()
        == run_analysis("competitors", spark, competitors=names).to_dict()
    )
