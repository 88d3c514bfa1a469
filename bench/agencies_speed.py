"""Agency quality speed (``python -m bench agencies``, issue 18).

Stores:

- the real PatSnap export (``patsnap_zhongzhixin_2020_2022.xlsx``: 13,086 CN applications
  through one agency, 37 agents, 简单法律状态 and 法律状态事件; real, unaltered), imported
  into ``bench-output/agencies-patsnap.duckdb``;
- 1 M documents resampled from it (``bench/scaled.py``: real documents copied with suffixed
  identifiers and shifted years; speed only, never quality — the agency and agent names are
  kept, so one agency holds every copy).

``PATNAV_BENCH_STORE`` names another store to time instead of the 1 M one (opened
read-only). Timed in this process, median of REPEAT runs: a plain ``COUNT`` of the
documents with an agency (what any ranking must read at least), then
:func:`patnav.analyses.agencies.agency_quality` per agency and per agent (``--agent``).
"""

from __future__ import annotations

import os
import statistics
import time
import warnings
from pathlib import Path

from bench.common import DATA_DIR, OUT, print_table, save

SPEED_DOCS = 1_000_000
REPEAT = 3
PATSNAP = "formats/cn-db-exports/patsnap_zhongzhixin_2020_2022.xlsx"


def patsnap_store() -> Path:
    """The PatSnap export imported (as CSV, its own columns), built once."""
    import pandas as pd

    from patnav.ingest.pipeline import import_paths
    from patnav.storage.store import PatentStore

    path = OUT / "agencies-patsnap.duckdb"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    building = path.with_suffix(".building")
    building.unlink(missing_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = pd.read_excel(DATA_DIR / PATSNAP, dtype=str)
    csv = OUT / "agencies-patsnap.csv"
    frame.to_csv(csv, index=False)
    with PatentStore.open(building) as store:
        if not import_paths(store, [csv]).ok:
            raise RuntimeError("the PatSnap import failed")
    building.rename(path)
    return path


def _time(path: Path) -> dict[str, object]:
    from patnav.analyses.agencies import agency_quality
    from patnav.storage.store import PatentStore

    runs: dict[str, list[float]] = {"count": [], "agency": [], "agent": []}
    with PatentStore.open(path, read_only=True) as store:
        docs = store.count("patents")
        for _ in range(REPEAT):
            started = time.perf_counter()
            store.query(
                "SELECT count(DISTINCT doc_id) AS n FROM parties WHERE role = 'agency'"
            )
            runs["count"].append(time.perf_counter() - started)
            for role in ("agency", "agent"):
                started = time.perf_counter()
                result = agency_quality(store, role=role)
                runs[role].append(time.perf_counter() - started)
                if role == "agency":
                    rows = len(result.rows)
                    decided = result.overall.decided
    medians = {k: statistics.median(v) for k, v in runs.items()}
    return {
        "store": str(path),
        "documents": docs,
        "agencies_listed": rows,
        "decided": decided,
        "runs": runs,
        **{f"{k}_s": v for k, v in medians.items()},
    }


def main() -> None:
    real = _time(patsnap_store())
    given = os.environ.get("PATNAV_BENCH_STORE")
    if given:
        big_path = Path(given)
    else:
        from bench.scaled import scaled_store

        big_path = scaled_store(SPEED_DOCS, source=patsnap_store(), name="agencies")
    big = _time(big_path)
    rows = []
    for label, r in (("PatSnap (real)", real), ("resampled (speed only)", big)):
        count = float(r["count_s"])  # type: ignore[arg-type]
        for role in ("agency", "agent"):
            took = float(r[f"{role}_s"])  # type: ignore[arg-type]
            rows.append(
                [
                    label,
                    f"{r['documents']:,}",
                    role,
                    f"{count:.2f}",
                    f"{took:.2f}",
                    f"{took / count:.0f}" if count else "-",
                ]
            )
    print_table(
        f"Agency quality, median of {REPEAT}",
        ["store", "documents", "role", "COUNT s", "agency_quality s", "ratio"],
        rows,
    )
    save("agencies", {"patsnap": real, "scaled": big})
