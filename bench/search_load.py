"""Many users, distinct searches: the web's search service at 1 M documents, one search
and 50 at once, and the throughput ceiling.

Corpus: the real demo corpus resampled to 1 M documents (``bench/scaled.py``: identifiers
suffixed per copy, filing years shifted; speed only) with its full-text index resampled the
same way (``bench/search_speed.py``), copied into ``bench-output/search-load/`` and opened
as the web opens a store (:class:`patnav.web.services.StoreHandle`, writable, one process).

Work: the result list the search page and the search JSON ask for
(``StoreHandle.result_list``: a family-grouped page of 100 rows with its facets, Chinese),
for **distinct** queries — the eight base queries of the web latency bench, each with a
filing-date range never asked before — so no cached result answers. Users are threads of
this process, each a closed loop (its next search when the last answered), all at once.

Paths, in the same process on the same store, both concurrent (each search on a store
cursor and an index cursor of its own under the gate held shared):

- **baseline** — the search as it was before the row index
  (``patnav.search.fulltext.ROW_INDEX = False``): the Boolean match's conditions on
  parties and classifications and the IPC facet scan those tables by doc_id;
- **row-index** — they read the rows by rowid from the full-text index's row index
  (:mod:`patnav.search.rowindex`).

Both give the same results (checked here on every query; tests check it on real data).

Figures: one user's p50/p95 (each query on both paths, in alternating order); 50 users'
p50/p95 and searches/s; the throughput ceiling — searches/s at 1, 4, 16 and 50 users
(closed loops), the ceiling the most of them — with the process's CPU time per search
(mean); and the load average of the shared machine.
"""

from __future__ import annotations

import os
import resource
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench.common import DATA_DIR, OUT, print_table, save
from bench.scaled import demo_store, scaled_store
from bench.web_latency import SEARCHES, _copy_if_changed, _index_is_current

TARGET = 1_000_000
USERS = 50
SINGLE = 16
"""Searches one user sends, one after the other."""
PER_USER = 1
"""Searches each of the 50 users sends."""
LEVELS = (1, 4, 16, 50)
CEILING_SEARCHES = 32
"""Searches per concurrency level of the ceiling (spread over its users)."""
LIMIT = 100
"""Rows of the result list computed (the web's PREFETCH_ROWS)."""


def fresh_queries() -> Iterator[str]:
    """Queries never asked before in this process: each base query with a filing-date
    range of its own (the same scheme as the web latency bench, a different order)."""
    ranges = [(a, b) for a in range(1980, 2024) for b in range(a + 1, 2026)]
    for number, (first, last) in enumerate(ranges * len(SEARCHES)):
        base = SEARCHES[number % len(SEARCHES)]
        yield f"({base}) AND AD=[{first} TO {last}]"


def prepare() -> Path:
    """A writable copy of the 1 M store and its full-text index (copied once)."""
    from bench.search_speed import _locate, scaled_index

    scaled = scaled_store(TARGET)
    index = Path(f"{scaled}.search") / "fulltext.duckdb"
    if not _index_is_current(scaled, index):
        index = scaled_index(demo_store(), scaled) / "fulltext.duckdb"
    target = OUT / "search-load" / "scaled.duckdb"
    _copy_if_changed(scaled, target)
    _copy_if_changed(index, Path(f"{target}.search") / "fulltext.duckdb")
    # the copy's locations hints and row index, for the copy's layout (kept when they fit)
    _locate(target, Path(f"{target}.search"))
    return target


def _p95(ordered: list[float]) -> float:
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def closed_loops(
    run: Callable[[str], Any], queries: Iterator[str], users: int, per_user: int
) -> dict[str, float]:
    """``users`` threads at once, each sending ``per_user`` searches one after the
    other; latency percentiles, searches/s and the process's CPU per search."""
    samples: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(users + 1)
    errors: list[BaseException] = []

    def user() -> None:
        start.wait()
        for _ in range(per_user):
            with lock:
                query = next(queries)
            began = time.perf_counter()
            try:
                run(query)
            except BaseException as exc:  # reported after the run
                errors.append(exc)
                return
            with lock:
                samples.append(time.perf_counter() - began)

    threads = [threading.Thread(target=user) for _ in range(users)]
    for thread in threads:
        thread.start()
    cpu = _cpu()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    cpu = _cpu() - cpu
    if errors:
        raise errors[0]
    ordered = sorted(samples)
    return {
        "searches": len(ordered),
        "p50_ms": statistics.median(ordered) * 1000,
        "p95_ms": _p95(ordered) * 1000,
        "max_ms": ordered[-1] * 1000,
        "per_s": len(ordered) / wall,
        "cpu_ms": cpu / len(ordered) * 1000,
    }


def one_user(
    handle: Any, run: Callable[[str], Any], queries: Iterator[str]
) -> dict[str, dict[str, float]]:
    """One user: each distinct query searched on both paths (the result cache cleared
    before each, the order alternating), so the machine's changing load and the
    queries' costs fall on both alike."""
    from patnav.search import fulltext

    samples: dict[bool, tuple[list[float], list[float]]] = {
        False: ([], []),
        True: ([], []),
    }
    for number in range(SINGLE):
        query = next(queries)
        for row_index in (False, True) if number % 2 else (True, False):
            handle.lists.clear()
            fulltext.ROW_INDEX = row_index
            cpu = _cpu()
            began = time.perf_counter()
            run(query)
            samples[row_index][0].append(time.perf_counter() - began)
            samples[row_index][1].append(_cpu() - cpu)
    out = {}
    for row_index, (walls, cpus) in samples.items():
        ordered = sorted(walls)
        out[f"{'row-index' if row_index else 'baseline'}@1"] = {
            "searches": len(ordered),
            "p50_ms": statistics.median(ordered) * 1000,
            "p95_ms": _p95(ordered) * 1000,
            "max_ms": ordered[-1] * 1000,
            "per_s": len(ordered) / sum(walls),
            "cpu_ms": statistics.mean(cpus) * 1000,
        }
    return out


def main() -> None:
    from patnav.config import Settings
    from patnav.search import fulltext
    from patnav.web.services import StoreHandle

    path = prepare()
    settings = Settings(data_root=OUT / "search-load", data_dir=DATA_DIR)
    handle = StoreHandle(1, path, settings)
    try:
        queries = fresh_queries()

        def run(query: str) -> Any:
            return handle.result_list(query, limit=LIMIT, lang="zh")

        def path_named(row_index: bool) -> Callable[[str], Any]:
            def go(query: str) -> Any:
                fulltext.ROW_INDEX = row_index
                return run(query)

            return go

        # warm both paths (models, segmenter, the index's facts), and check that they
        # give the same result list for every base query
        unsettled: list[str] = []
        for query in SEARCHES:
            answers = []
            for row_index in (False, True, False, True):
                fulltext.ROW_INDEX = row_index
                answers.append(_plain(run(query)))
                handle.lists.clear()
            if len({repr(a) for a in answers}) > 1:
                # tell a path difference from a query that answers differently from one
                # run to the next whatever the path
                olds, news = answers[0::2], answers[1::2]
                if olds[0] == olds[1] and news[0] == news[1]:
                    raise AssertionError(
                        f"the paths differ on {query}: {_differing(olds[0], news[0])}"
                    )
                unsettled.append(f"{query} ({_differing(answers[0], answers[1])})")
        results: dict[str, Any] = one_user(handle, run, queries)
        for name, row_index in (("baseline", False), ("row-index", True)):
            go = path_named(row_index)
            results[f"{name}@{USERS}"] = closed_loops(go, queries, USERS, PER_USER)
        ceiling: dict[str, dict[str, float]] = {}
        for users in LEVELS:
            per_user = max(1, CEILING_SEARCHES // users)
            ceiling[str(users)] = closed_loops(
                path_named(True), queries, users, per_user
            )
        documents = handle.store.count("patents")
    finally:
        fulltext.ROW_INDEX = True
        handle.close()
    for query in unsettled:
        print(f"note: two runs of one path differed (not the paths): {query}")
    load = Path("/proc/loadavg").read_text().split()[:3] if os.name == "posix" else []
    print(
        f"corpus: the real demo corpus resampled to {documents:,} documents (speed "
        "only); work: StoreHandle.result_list (family groups, 100 rows, facets, zh) "
        "for distinct queries (base query + a filing-date range never asked before)"
    )
    rows = []
    for key, figures in results.items():
        name, crowd = key.split("@")
        base = results[f"baseline@{crowd}"]
        rows.append(
            [
                name,
                crowd,
                figures["searches"],
                f"{figures['p50_ms']:.0f}",
                f"{figures['p95_ms']:.0f}",
                f"{figures['per_s']:.1f}",
                f"{figures['cpu_ms']:.0f}",
                f"{base['p95_ms'] / figures['p95_ms']:.2f}×",
            ]
        )
    print_table(
        f"distinct searches at 1 M, {os.cpu_count()} cores, load average "
        f"{' '.join(load)} (baseline: concurrent, parties and classifications scanned "
        "by doc_id as before the row index)",
        [
            "path",
            "users",
            "searches",
            "p50 ms",
            "p95 ms",
            "searches/s",
            "CPU ms/search",
            "p95 speed-up",
        ],
        rows,
    )
    top = max(ceiling.items(), key=lambda item: item[1]["per_s"])
    print_table(
        "throughput by concurrency (row-index path, closed loops)",
        ["users", "searches", "p50 ms", "p95 ms", "searches/s", "CPU ms/search"],
        [
            [
                users,
                f["searches"],
                f"{f['p50_ms']:.0f}",
                f"{f['p95_ms']:.0f}",
                f"{f['per_s']:.1f}",
                f"{f['cpu_ms']:.0f}",
            ]
            for users, f in ceiling.items()
        ],
    )
    print(
        f"throughput ceiling: {top[1]['per_s']:.1f} distinct searches/s "
        f"(at {top[0]} users) on {os.cpu_count()} shared cores, load average "
        f"{' '.join(load)}"
    )
    save(
        "search_load",
        {
            "documents": documents,
            "load_average": load,
            "results": results,
            "ceiling": ceiling,
            "ceiling_per_s": top[1]["per_s"],
            "unsettled": unsettled,
        },
    )


def _plain(result: Any) -> dict[str, Any]:
    """A result list as a dict, without its timing."""
    out: dict[str, Any] = result.to_dict()
    out.pop("elapsed_ms", None)
    return out


def _differing(a: dict[str, Any], b: dict[str, Any]) -> str:
    """The keys two result lists differ in."""
    return ", ".join(k for k in a if a.get(k) != b.get(k)) or "none"


if __name__ == "__main__":
    main()
