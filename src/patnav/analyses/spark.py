"""The Spark engine: the same analyses on a corpus that outgrows one machine.

Spark reads a Parquet snapshot of the store (``patnav export --parquet DIR``) as temporary
views named like the store's tables. An analysis's SQL — DuckDB dialect with ``$name``
parameters — is transpiled to Spark SQL by sqlglot, its parameters inlined as syntax-tree
literals (never pasted text), and run; results come back as Arrow. The analyses compute
ratios in Python from integer counts, so Spark and DuckDB agree exactly (tested).
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa

from patnav.analyses.base import inline_params
from patnav.errors import InputError, StoreError
from patnav.schema import tables as t


class SparkEngine:
    """Runs analyses on Spark over a Parquet snapshot."""

    name = "spark"

    def __init__(
        self,
        snapshot: Path,
        *,
        session: Any = None,
        master: str = "local[2]",
        memory: str = "2g",
    ) -> None:
        manifest = snapshot / "manifest.json"
        if not manifest.is_file():
            raise InputError(
                f"{snapshot} is not a patnav snapshot (no manifest.json). Write one with "
                f"'patnav export --parquet {snapshot}'."
            )
        version = int(json.loads(manifest.read_text("utf-8")).get("schema_version", 0))
        if version != t.SCHEMA_VERSION:
            raise StoreError(
                f"The snapshot {snapshot} has schema version {version}; this patnav reads "
                f"{t.SCHEMA_VERSION}. Export it again with this patnav."
            )
        self.snapshot = snapshot
        self._owns_session = session is None
        self.spark = session or _session(master, memory)
        for table in t.ALL_TABLES:
            path = snapshot / f"{table.name}.parquet"
            if path.is_file():
                self.spark.read.parquet(str(path)).createOrReplaceTempView(table.name)

    def fetch(self, sql: str, params: Mapping[str, Any] | None = None) -> pa.Table:
        statement = inline_params(sql, params, dialect="spark")
        with warnings.catch_warnings():
            # pyspark 4.3 warns about pandas 3 on toArrow(); no pandas object is involved
            warnings.filterwarnings(
                "ignore", message="PySpark does not yet fully support"
            )
            result: pa.Table = self.spark.sql(statement).toArrow()
        return result

    def materialize(
        self, name: str, sql: str, params: Mapping[str, Any], *, view: bool = False
    ) -> None:
        statement = inline_params(sql, params, dialect="spark")
        self.spark.sql(f"CREATE OR REPLACE TEMPORARY VIEW {name} AS {statement}")
        if not view:
            self.spark.catalog.cacheTable(name)

    def drop(self, name: str) -> None:
        if self.spark.catalog.tableExists(name):
            if self.spark.catalog.isCached(name):
                self.spark.catalog.uncacheTable(name)
            self.spark.catalog.dropTempView(name)

    def close(self) -> None:
        """Stop the Spark session if this engine started it."""
        if self._owns_session:
            self.spark.stop()

    def __enter__(self) -> SparkEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _session(master: str, memory: str) -> Any:
    from pyspark.sql import SparkSession

    # Spark's Python workers must run this interpreter, not whatever 'python3' is on PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    return (
        SparkSession.builder.master(master)
        .appName("patnav")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.driver.memory", memory)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "false")
        .getOrCreate()
    )
