"""FTO candidate scope speed on real exports (issue 16).

Imports the PatSnap (13,086 CN) and incoPat GM (10,000 CN/US/WO/EP/JP/KR/DE …) exports
into a fresh store (cached in bench-output/), then times
:func:`patnav.analyses.fto_scope.fto_scope` for 100, 1,000 and every document against five
target countries, and prints the categories found for China. Real, unaltered data; no
resampling.
"""

from __future__ import annotations

import time
from datetime import date

from bench.common import DATA_DIR, OUT

FILES = (
    "formats/cn-db-exports/patsnap_zhongzhixin_2020_2022.xlsx",
    "formats/cn-db-exports/incopat_GM_autodriving_10000.xlsx",
)
COUNTRIES = ["CN", "US", "DE", "JP", "KR"]
AS_OF = date(2025, 6, 30)


def main() -> None:
    from patnav.analyses.fto_scope import fto_scope
    from patnav.ingest.pipeline import import_paths
    from patnav.storage.store import PatentStore

    path = OUT / "fto-scope.duckdb"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        with PatentStore.open(path) as store:
            assert import_paths(store, [DATA_DIR / f for f in FILES]).ok
        print(
            f"store: imported {len(FILES)} exports in {time.perf_counter() - started:.0f} s"
        )
    with PatentStore.open(path, read_only=True) as store:
        ids = [d for (d,) in store.rows("SELECT doc_id FROM patents ORDER BY doc_id")]
        for n in (100, 1000, len(ids)):
            started = time.perf_counter()
            result = fto_scope(store, ids[:n], COUNTRIES, AS_OF)
            seconds = time.perf_counter() - started
            print(
                f"fto_scope: {n:>6,} documents x {len(COUNTRIES)} countries "
                f"as of {AS_OF}: {seconds:.2f} s; CN {result.counts()['CN']}"
            )
