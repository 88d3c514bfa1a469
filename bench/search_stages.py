"""Where a result list's CPU goes at 1 M documents, per stage, with and without the row
index.

Corpus and store: those of ``bench search-load`` (the real demo corpus resampled to 1 M
documents, speed only; a writable copy opened as the web opens it). Work: the result list
the search page asks for (``StoreHandle.result_list``: family groups, 100 rows, facets,
Chinese) for the eight base queries of the web latency bench, each with four filing-date
ranges, one search at a time, the result cache cleared before each.

Paths, interleaved query by query in the same process: **baseline** — the search before
the row index (``patnav.search.fulltext.ROW_INDEX = False``); **row-index** — parties and
classifications rows read by rowid, hints looked up in memory.

Figures: the process's CPU time (every DuckDB thread included) per search, median and
mean, and per stage (mean ms per search), measured around the stages of
:mod:`patnav.search.results` and :func:`patnav.search.engine._run_on`; and the load
average of the shared machine.
"""

from __future__ import annotations

import os
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import DATA_DIR, OUT, print_table, save
from bench.search_load import LIMIT, prepare
from bench.web_latency import SEARCHES

RANGES = ((1990, 2011), (1995, 2013), (2001, 2020), (1985, 2009))
STAGES = {
    "_hit_set": "the Boolean match",
    "_run_on": "  of it: the candidates' rows and joins",
    "stage_hits": "reading the hits' rows",
    "facet ipc": "IPC facet",
    "facet others": "other facets",
    "page": "the page",
    "choose_titles": "  of it: titles in the page's language",
    "build_docs": "the documents table",
    "_score_boolean": "BM25 of the Boolean hits",
    "build_groups": "the groups table",
}


def main() -> None:
    import patnav.search.engine as engine
    import patnav.search.results as results
    from patnav.config import Settings
    from patnav.search import fulltext
    from patnav.web.services import StoreHandle

    path = prepare()
    spent: dict[bool, dict[str, float]] = {
        False: defaultdict(float),
        True: defaultdict(float),
    }
    current = {"row_index": True}

    def timed(owner: Any, name: str, label: Callable[..., str]) -> None:
        original = getattr(owner, name)

        def run(*args: Any, **kwargs: Any) -> Any:
            began = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                stage = label(*args, **kwargs)
                spent[current["row_index"]][stage] += time.process_time() - began

        setattr(owner, name, run)

    def named(stage: str) -> Callable[..., str]:
        return lambda *a, **k: stage

    patched = [
        (results._Work, "stage_hits", named("stage_hits")),
        (results._Work, "build_docs", named("build_docs")),
        (results._Work, "build_groups", named("build_groups")),
        (results._Work, "page", named("page")),
        (
            results._Work,
            "facet",
            lambda self, name, size: "facet ipc" if name == "ipc" else "facet others",
        ),
        (results, "_hit_set", named("_hit_set")),
        (results, "_score_boolean", named("_score_boolean")),
        (results, "choose_titles", named("choose_titles")),
        (engine, "_run_on", named("_run_on")),
    ]
    originals = [(owner, name, getattr(owner, name)) for owner, name, _ in patched]
    for owner, name, label in patched:
        timed(owner, name, label)
    settings = Settings(data_root=OUT / "search-load", data_dir=DATA_DIR)
    handle = StoreHandle(1, path, settings)
    cpu: dict[bool, list[float]] = {False: [], True: []}
    try:
        for query in SEARCHES:  # warm both paths
            for row_index in (False, True):
                fulltext.ROW_INDEX = row_index
                handle.lists.clear()
                handle.result_list(query, limit=LIMIT, lang="zh")
        for paths in spent.values():
            paths.clear()
        number = 0
        for first, last in RANGES:
            for base in SEARCHES:
                query = f"({base}) AND AD=[{first} TO {last}]"
                for row_index in (False, True) if number % 2 else (True, False):
                    fulltext.ROW_INDEX = row_index
                    current["row_index"] = row_index
                    handle.lists.clear()
                    began = time.process_time()
                    handle.result_list(query, limit=LIMIT, lang="zh")
                    cpu[row_index].append(time.process_time() - began)
                number += 1
    finally:
        fulltext.ROW_INDEX = True
        for owner, name, original in originals:
            setattr(owner, name, original)
        handle.close()
    load = Path("/proc/loadavg").read_text().split()[:3] if os.name == "posix" else []
    searches = len(cpu[True])
    rows = [
        [
            text,
            f"{spent[False].get(stage, 0.0) / searches * 1000:.1f}",
            f"{spent[True].get(stage, 0.0) / searches * 1000:.1f}",
        ]
        for stage, text in STAGES.items()
    ]
    figures = {
        name: {
            "median_ms": statistics.median(cpu[row_index]) * 1000,
            "mean_ms": statistics.mean(cpu[row_index]) * 1000,
        }
        for name, row_index in (("baseline", False), ("row-index", True))
    }
    for kind in ("median", "mean"):
        rows.append(
            [
                f"per search, {kind}",
                f"{figures['baseline'][f'{kind}_ms']:.0f}",
                f"{figures['row-index'][f'{kind}_ms']:.0f}",
            ]
        )
    print_table(
        f"process CPU ms per search at 1 M, {searches} searches per path, "
        f"{os.cpu_count()} cores, load average {' '.join(load)}",
        ["stage", "baseline", "row-index"],
        rows,
    )
    ratio = figures["baseline"]["median_ms"] / figures["row-index"]["median_ms"]
    print(f"median CPU per search: row index {ratio:.2f}× faster than the baseline")
    save(
        "search_stages",
        {
            "load_average": load,
            "searches": searches,
            "per_search": figures,
            "stages_ms": {
                name: {s: v / searches * 1000 for s, v in spent[row_index].items()}
                for name, row_index in (("baseline", False), ("row-index", True))
            },
        },
    )


if __name__ == "__main__":
    main()
