"""Engine parity: every analysis gives the same result on Spark (local mode) over the Parquet
snapshot as on DuckDB over the store."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from patnav.analyses import LANDSCAPE, landscape, run_analysis
from patnav.analyses.base import Region
from patnav.analyses.spec import parse_spec
from patnav.storage.parquet import export_snapshot
from patnav.storage.store import PatentStore

# The drone spec cut to one node with a child: a node that is the union of its children
# and one with its own query (text and IPC). Spark runs each node's queries as jobs of
# tens of seconds, so more nodes would only repeat the same SQL at more cost (four nodes
# took 5 minutes of the suite).
SMALL_DRONES = """
title: 无人机 (parity)
type: industry
region: {country: CN}
compare: [global]
base_query: TIAB=(drone OR drones OR UAV OR 无人机)
scope:
  - node: 行业应用
    children:
      - {node: 农业植保, query: "TIAB=(spraying OR crop OR 植保) OR IPC=(A01M OR B64D1)"}
"""


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


def _lens_applications(data_dir: Path) -> int:
    """Distinct application numbers of the Lens export, kind code stripped: an A and a B
    publication of one application are one family."""
    path = data_dir / "formats/lens-csv/lens_drones_5884.csv"
    with path.open(encoding="mac_roman", newline="") as handle:
        numbers = {
            re.sub(r"[A-Z][0-9]?$", "", row["Application Number"].replace(" ", ""))
            for row in csv.DictReader(handle)
        }
    return len(numbers)


def test_the_landscape_is_identical_on_spark(engines, lens, data_dir):
    store, spark = engines
    duck = landscape(store, lens, count_by="family", region=Region(country="CN"))
    other = landscape(spark, lens, count_by="family", region=Region(country="CN"))
    assert set(duck) == set(LANDSCAPE)
    for name in LANDSCAPE:
        assert duck[name].to_dict() == other[name].to_dict(), name
    assert duck["trend"].total == _lens_applications(data_dir)
    assert duck["geography"].home is not None


def test_chain_and_competitors_are_identical_on_spark(engines):
    store, spark = engines
    spec = parse_spec(SMALL_DRONES)
    duck = run_analysis("chain", store, spec=spec, store=store)
    other = run_analysis("chain", spark, spec=spec, store=store)
    assert duck.to_dict() == other.to_dict()
    assert duck.world_total > 0 and len(duck.nodes) == len(spec.walk())
    names = ["THALES SA", "PARROT"]
    assert (
        run_analysis("competitors", store, competitors=names).to_dict()
        == run_analysis("competitors", spark, competitors=names).to_dict()
    )


def test_spark_on_the_kept_relations_equals_a_fresh_duckdb_prepare(engines, lens):
    """The snapshot carries the store's unit relations: Spark reads them (the whole
    store) or derives a scope's from them; DuckDB prepares from the documents."""
    from patnav.analyses.base import Scope
    from patnav.analyses.prepared import _OPEN, prepare, release

    store, spark = engines
    for scope in (Scope.everything(), lens):
        ours = prepare(spark, scope, "family")
        fresh = prepare(store, scope, "family", kept=False)
        try:
            assert _OPEN[str(ours.prepared)].kept
            assert not _OPEN[str(fresh.prepared)].kept
            for name in ("trend", "legal"):
                assert (
                    run_analysis(name, spark, ours, count_by="family").to_dict()
                    == run_analysis(name, store, fresh, count_by="family").to_dict()
                ), (scope.label, name)
        finally:
            release(ours)
            release(fresh)
