"""Country barrier view speed on 1 M documents (``python -m bench barrier``, issue 16).

Store: 1 M documents resampled from the demo corpus (``bench/scaled.py``: real documents
copied with suffixed identifiers and shifted years; speed only, never quality — the demo
corpus carries no legal status, so every right placed in the country is ``unknown`` and
the owner, expiry, family and claim parts run on the unknown rights' counts only).
``PATNAV_BENCH_STORE`` names another store to time (opened read-only, never written).

Timed in this process on the store opened read-only, median of REPEAT runs, for a broad
area (several IPC classes) and one country:

- baseline: a plain ``COUNT`` of the documents the same expert query selects (what any
  view of the area must read at least);
- :func:`patnav.analyses.barrier.country_barrier`: every document placed in the country
  (``fto_scope``: family members, events, fees), rights merged per application, owners,
  expiry years, families, claim breadth.

Then the same on real statuses: the incoPat Toyota CN export (5,048 rows, 专利有效性 and
当前法律状态; real, unaltered), imported into ``bench-output/barrier-toyota.duckdb`` with its
terms estimated (``patnav enrich`` legal step), area ``IPC=(B60)``, CN, 2026-12-31.
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import date
from pathlib import Path

from bench.common import DATA_DIR, OUT, print_table, save

SPEED_DOCS = 1_000_000
REPEAT = 3
AREA_IPC = ("B64", "G05D", "B60", "E01")
COUNTRY = "CN"
AS_OF = date(2025, 6, 30)
TOYOTA = "formats/cn-db-exports/incopat_toyota_autodriving_CN.xlsx"
TOYOTA_AS_OF = date(2026, 12, 31)


def main() -> None:
    from patnav.analyses.barrier import area_query, country_barrier
    from patnav.analyses.base import Scope
    from patnav.storage.store import PatentStore

    given = os.environ.get("PATNAV_BENCH_STORE")
    if given:
        path = Path(given)
    else:
        from bench.scaled import scaled_store

        path = scaled_store(SPEED_DOCS)
    query = area_query(None, AREA_IPC)
    assert query is not None
    scope = Scope.of_query(query)
    assert scope.sql is not None
    times: dict[str, list[float]] = {"count": [], "barrier": []}
    with PatentStore.open(path, read_only=True) as store:
        docs = store.count("patents")
        for _ in range(REPEAT):
            started = time.perf_counter()
            matched = (
                store.query(
                    f"SELECT count(DISTINCT doc_id) AS n FROM ({scope.sql})",
                    dict(scope.params),
                )
                .column("n")[0]
                .as_py()
            )
            times["count"].append(time.perf_counter() - started)
            started = time.perf_counter()
            view = country_barrier(store, [COUNTRY], AS_OF, ipc=AREA_IPC)
            times["barrier"].append(time.perf_counter() - started)
    c = view.country(COUNTRY)
    count = statistics.median(times["count"])
    barrier = statistics.median(times["barrier"])
    print_table(
        f"Country barrier view: {docs:,} documents resampled from the demo corpus "
        f"(bench/scaled.py; speed only), area {query} ({matched:,} documents), "
        f"country {COUNTRY}, as of {AS_OF}, median of {REPEAT}",
        ["work", "seconds", "ratio to count"],
        [
            ["baseline: COUNT over the same expert query", f"{count:.2f}", "1.0"],
            [
                f"country_barrier (in force {c.in_force:,}, pending {c.pending:,}, "
                f"unknown {c.unknown:,}, free {c.free:,}, not in {COUNTRY} "
                f"{c.not_in_country:,})",
                f"{barrier:.2f}",
                f"{barrier / count:.0f}" if count else "-",
            ],
        ],
    )
    real = _real_statuses()
    save(
        "barrier",
        {
            "documents": docs,
            "area": query,
            "matched": matched,
            "country": COUNTRY,
            "count_s": count,
            "barrier_s": barrier,
            "runs": times,
            "toyota": real,
        },
    )


def _real_statuses() -> dict[str, object]:
    from patnav.analyses.barrier import country_barrier
    from patnav.config import Settings
    from patnav.enrich import enrich
    from patnav.ingest.pipeline import import_paths
    from patnav.storage.store import PatentStore

    path = OUT / "barrier-toyota.duckdb"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        building = path.with_suffix(".building")
        building.unlink(missing_ok=True)
        with PatentStore.open(building) as store:
            assert import_paths(store, [DATA_DIR / TOYOTA]).ok
            enrich(
                store, Settings(data_dir=DATA_DIR), ["legal"], today=date(2023, 3, 17)
            )
        building.rename(path)
    runs = []
    with PatentStore.open(path, read_only=True) as store:
        docs = store.count("patents")
        for _ in range(REPEAT):
            started = time.perf_counter()
            view = country_barrier(store, ["CN"], TOYOTA_AS_OF, ipc=["B60"])
            runs.append(time.perf_counter() - started)
    c = view.country("CN")
    seconds = statistics.median(runs)
    print_table(
        f"Country barrier view on real statuses: incoPat Toyota CN export ({docs:,} "
        f"documents), area IPC=(B60) ({view.documents:,} documents), CN, as of "
        f"{TOYOTA_AS_OF}, median of {REPEAT}",
        ["work", "seconds"],
        [
            [
                f"country_barrier (in force {c.in_force:,}, pending {c.pending:,}, "
                f"unknown {c.unknown:,}, free {c.free:,}; {len(c.owners)} owners, "
                f"{len(c.expiry)} expiry years, {c.families:,} families)",
                f"{seconds:.2f}",
            ]
        ],
    )
    return {"documents": docs, "matched": view.documents, "seconds": seconds}
