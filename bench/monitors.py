"""A monitor run over the 1 M-document store (``python -m bench monitors``).

Input: the resampled 1 M-document store (``bench.scaled``; ``PATNAV_BENCH_STORE`` names
another), **copied** to a temporary folder first — monitors write their tables, and
opening the copy migrates it to the current schema. The copy gets the maintenance state
(``patnav enrich --step maintenance`` as of DAY: its statuses are unknown, so the
state rests on the grant) so the fee rules have due dates to read; its legal events
and statuses are what the scaled corpus holds (none), so those rules find nothing.

100 monitors, their queries drawn (seed 17) from the store's real titles (a 4-character
run of Chinese of a random document's title: ``TI=…``) and main IPC groups
(``IPC=A61B5``), half each, and their rules mixed (every rule in 25 to 50 monitors).

Measured, each in a fresh process, median of REPEAT:

- monitors: one ``run_monitors`` of the 100 after their first (baseline) run — what a
  cron run does on unchanged data (0 new alerts);
- baseline: the same 100 queries matched (``search(…, limit=1).total``, what ``patnav
  search`` counts) in one process with the same index (none: matching scans).

The first run (baselines recorded, date alerts created) is measured once.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import time
from datetime import date
from pathlib import Path

from bench.common import DATA_DIR, print_table, run_child, save

MONITORS = 100
REPEAT = 3
DAY = date(2026, 12, 7)
WORK = Path(os.environ.get("PATNAV_BENCH_TMP", "/tmp")) / "patnav-bench-monitors"
RULE_SETS = (
    ("new-documents", "new-applicants"),
    ("status-change", "event"),
    ("annuity-due", "grace", "high-maintenance"),
    ("new-documents", "expiry", "annuity-due"),
)
_HAN = re.compile(r"[\u4e00-\u9fff]{4,}")


def _source() -> Path:
    named = os.environ.get("PATNAV_BENCH_STORE")
    if named:
        return Path(named)
    from bench.scaled import scaled_store

    return scaled_store(1_000_000)


def _queries(path: Path) -> list[str]:
    from patnav.storage.store import PatentStore

    rng = random.Random(17)
    with PatentStore.open(path, read_only=True) as store:
        rows = store.rows(
            "SELECT title, ipc_main FROM patents USING SAMPLE 4000 ROWS "
            "(reservoir, 17) ORDER BY doc_id"
        )
    titles, groups = [], []
    for title, ipc in rows:
        runs = _HAN.findall(title or "")
        if runs:
            run = rng.choice(runs)
            start = rng.randrange(len(run) - 3)
            titles.append(f"TI={run[start : start + 4]}")
        if ipc and "/" in ipc:
            groups.append(f"IPC={ipc.split('/')[0]}")
    titles = sorted(set(titles))
    groups = sorted(set(groups))
    return rng.sample(titles, MONITORS // 2) + rng.sample(
        groups, MONITORS - MONITORS // 2
    )


def _prepare() -> tuple[Path, list[str], float]:
    from patnav.config import Settings
    from patnav.enrich.run import enrich
    from patnav.monitors import add_monitor
    from patnav.storage.store import PatentStore

    source = _source()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    path = WORK / "store.duckdb"
    shutil.copyfile(source, path)
    started = time.perf_counter()
    with PatentStore.open(path) as store:
        enrich(store, Settings(data_dir=DATA_DIR), ["maintenance"], today=DAY)
    enrich_s = time.perf_counter() - started
    queries = _queries(path)
    with PatentStore.open(path) as store:
        for i, query in enumerate(queries):
            add_monitor(
                store,
                f"m{i:03d}",
                target_kind="set",
                target=query,
                rules=RULE_SETS[i % len(RULE_SETS)],
            )
    return path, queries, enrich_s


RUN = """
from datetime import date
from patnav.monitors import run_monitors
from patnav.storage.store import PatentStore
from patnav.search.index import SearchIndex
with PatentStore.open({path!r}) as store, SearchIndex(store) as index:
    started = time.perf_counter()
    result = run_monitors(store, today=date({y}, {m}, {d}), index=index)
    __result["seconds"] = time.perf_counter() - started
    __result["alerts"] = len(result.alerts)
    __result["documents"] = sum(r.documents for r in result.runs)
    __result["failed"] = sum(r.status != "ok" for r in result.runs)
    __result["unknown_fees"] = sum(
        r.counts.get("annuity-due", {{}}).get("unknown", 0) for r in result.runs
    )
"""

SEARCH = """
from patnav.search.api import search
from patnav.search.index import SearchIndex
from patnav.storage.store import PatentStore
with PatentStore.open({path!r}, read_only=True) as store, SearchIndex(store) as index:
    started = time.perf_counter()
    total = 0
    for query in {queries!r}:
        total += search(store, query, limit=1, index=index, update_index=False).total
    __result["seconds"] = time.perf_counter() - started
    __result["documents"] = total
"""


def main() -> None:
    path, queries, enrich_s = _prepare()
    day = dict(y=DAY.year, m=DAY.month, d=DAY.day)
    first = run_child(RUN.format(path=str(path), **day))
    runs = [run_child(RUN.format(path=str(path), **day)) for _ in range(REPEAT)]
    searches = [
        run_child(SEARCH.format(path=str(path), queries=queries)) for _ in range(REPEAT)
    ]

    def median(items, key):
        values = sorted(key(r) for r in items)
        return values[len(values) // 2]

    rows = [
        ["first run (baselines)", f"{first.seconds:.1f}", f"{first.peak_mb:.0f}",
         f"{first.result['documents']:,}", f"{first.result['alerts']:,}"],
        [f"run, median of {REPEAT}", f"{median(runs, lambda r: r.seconds):.1f}",
         f"{median(runs, lambda r: r.peak_mb):.0f}",
         f"{runs[-1].result['documents']:,}", f"{runs[-1].result['alerts']:,}"],
        [f"search counts, median of {REPEAT}",
         f"{median(searches, lambda r: r.seconds):.1f}",
         f"{median(searches, lambda r: r.peak_mb):.0f}",
         f"{searches[-1].result['documents']:,}", "-"],
    ]  # fmt: skip
    print(
        f"store: copy of {_source()} at {path}; maintenance enriched in {enrich_s:.0f} s"
    )
    print_table(
        f"{MONITORS} monitors over 1 M documents",
        ["what", "seconds", "peak MB", "documents", "new alerts"],
        rows,
    )
    save(
        "monitors",
        {
            "monitors": MONITORS,
            "first_run_s": round(first.seconds, 2),
            "first_run_alerts": first.result["alerts"],
            "run_s": round(median(runs, lambda r: r.seconds), 2),
            "run_peak_mb": round(median(runs, lambda r: r.peak_mb)),
            "run_alerts": runs[-1].result["alerts"],
            "failed": runs[-1].result["failed"],
            "documents": runs[-1].result["documents"],
            "unknown_fees": runs[-1].result["unknown_fees"],
            "search_s": round(median(searches, lambda r: r.seconds), 2),
            "search_peak_mb": round(median(searches, lambda r: r.peak_mb)),
            "search_documents": searches[-1].result["documents"],
            "maintenance_enrich_s": round(enrich_s, 1),
        },
    )
    shutil.rmtree(WORK, ignore_errors=True)
