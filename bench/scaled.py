"""Scaled corpora for benchmarks: real records resampled to 1 M or 10 M documents.

The demo corpus (Tai'an, the Chinese exports, the CCF corpus, the Lens drone export — about
17,600 real documents) is imported once, then copied ``k`` times inside DuckDB with every
identifier suffixed by the copy number (``CN101025382A#17``), filing years shifted by up to
±2 years per copy so trends are not flat copies, and applicant names kept (so concentration
looks like a real market's, not like 17,600 × k distinct firms). Quality is never measured on
these: they exist to measure speed. Every benchmark that uses one says so in its output.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import duckdb

from bench.common import DATA_DIR, OUT
from patnav.schema import tables as t

DEMO_INPUTS = (
    "corpora/cn-taian-7384",
    "formats/cn-excel",
    "corpora/cn-ccf-bdci-4097",
    "formats/lens-csv/lens_drones_5884.csv",
)

COPIED = (
    "patents",
    "parties",
    "classifications",
    "priorities",
    "citations",
    "claims",
    "texts",
    "events",
)
SHARED = ("entities", "entity_aliases", "class_titles")


VERSION = 2
"""Bumped when the demo store is built differently, so stale bench-output stores are rebuilt
(2: enriched — entities, locations, families — as a user's store is before analysis). The
store's schema version is part of the names too: a new schema rebuilds them (13: with the
store's unit relations built, as enrich leaves them)."""


def demo_store() -> Path:
    """The demo corpus imported and enriched into bench-output (built once)."""
    from patnav.config import Settings
    from patnav.enrich import enrich
    from patnav.ingest.pipeline import import_paths
    from patnav.storage.store import PatentStore

    path = OUT / f"demo-v{VERSION}-s{t.SCHEMA_VERSION}.duckdb"
    if path.exists():
        return path
    OUT.mkdir(exist_ok=True)
    building = path.with_suffix(".building")
    building.unlink(missing_ok=True)
    with PatentStore.open(building) as store:
        report = import_paths(store, [DATA_DIR / p for p in DEMO_INPUTS])
        if not report.ok:
            raise RuntimeError(f"demo import failed: {report.totals}")
        enrich(store, Settings(data_dir=DATA_DIR))
    building.rename(path)
    return path


def _suffix(expr: str) -> str:
    return f"CASE WHEN {expr} IS NULL THEN NULL ELSE {expr} || '#' || k END"


def scaled_store(
    target_docs: int,
    *,
    source: Path | None = None,
    name: str = "scaled",
    skip: dict[str, str] | None = None,
) -> Path:
    """A store of about ``target_docs`` documents resampled from the demo corpus.

    Args:
        target_docs: documents wanted (whole copies of the source: at least this many).
        source: the store to copy (default: the demo corpus).
        name: the cached store's name prefix (``bench-output/NAME-N-vV-sS.duckdb``).
        skip: per table, an SQL condition on the source's rows *not* to copy (e.g. the
            descriptions of ``texts``, which no timed path reads).
    """

    from patnav.storage.store import PatentStore

    if source is None:
        source = demo_store()
    path = OUT / f"{name}-{target_docs}-v{VERSION}-s{t.SCHEMA_VERSION}.duckdb"
    if path.exists():
        return path
    building = path.with_suffix(".building")
    building.unlink(missing_ok=True)
    PatentStore.open(building).close()  # an empty store of the current schema
    con = duckdb.connect(str(building))
    base = con.execute(f"ATTACH '{source}' AS demo (READ_ONLY)").fetchall()
    del base
    n = con.execute("SELECT count(*) FROM demo.patents").fetchall()[0][0]
    copies = max(1, math.ceil(target_docs / n))
    started = time.perf_counter()
    con.execute(f"CREATE TEMP TABLE copies AS SELECT range AS k FROM range({copies})")
    shift = "((k % 5) - 2)"
    for copied in COPIED:
        table = t.table(copied)
        cols = []
        for c in table.column_names:
            if c in ("doc_id", "app_number", "family_id") or (
                copied == "patents" and c == "pub_number"
            ):
                cols.append(f"{_suffix(c)} AS {c}")
            elif copied == "patents" and c in (
                "app_date",
                "pub_date",
                "grant_date",
                "priority_date",
            ):
                cols.append(f"{c} + INTERVAL ({shift}) YEAR AS {c}")
            elif copied == "citations" and c == "cited_pub_number":
                cols.append(f"{_suffix(c)} AS {c}")
            elif copied == "priorities" and c == "date":
                cols.append(f"date + INTERVAL ({shift}) YEAR AS date")
            else:
                cols.append(c)
        rows = f"demo.{table.name}"
        if skip and table.name in skip:
            rows = f"(SELECT * FROM {rows} WHERE NOT ({skip[table.name]}))"
        con.execute(
            f"INSERT INTO {table.name} SELECT {', '.join(cols)} "
            f"FROM {rows} CROSS JOIN copies"
        )
    for shared in SHARED:  # entities are the same firms in every copy
        con.execute(f"INSERT INTO {shared} SELECT * FROM demo.{shared}")
    con.execute("CHECKPOINT")
    con.close()
    took = time.perf_counter() - started
    # the store's unit relations, as 'patnav enrich' leaves them in a user's store
    from patnav.analyses.relations import build

    with PatentStore.open(building) as store, store.memory_limit("8GB"):
        built = build(store)
    building.rename(path)
    print(
        f"  built {path.name}: {copies} copies of {n:,} real documents in {took:.0f} s, "
        f"its unit relations in {built['seconds']:.0f} s"
    )
    return path
