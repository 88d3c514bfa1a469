"""Result lists at a million documents: what grouping by family, the facets and the titles
add to an expert query (``python -m bench search-results``).

The corpus is the one ``bench/search_speed.py`` uses — 1 M documents resampled from the
real demo corpus, with its full-text index resampled the same way (built there once and
reused; say so in the output). For each of the benchmark's expert queries, medians of:

- ``search`` top 20 (what the search page ran before result lists);
- ``search_results`` top 20 rows grouped by family with every facet (what the search page,
  the API and ``patnav search`` run now), and the same with ``group=document``;
- ``search_results`` without facets, sorted by filing date (the rows alone).

Quality is not measured here (tests check the figures on real, unaltered data).
"""

from __future__ import annotations

import time

from bench.common import DATA_DIR, print_table, save
from bench.scaled import demo_store, scaled_store
from bench.search_speed import (
    EXPERT_QUERIES,
    TARGET,
    _percentiles,
    _time,
    build_demo_index,
    scaled_index,
)

REPEAT = 5


def measure(scaled, folder) -> dict:
    from patnav.search.api import search
    from patnav.search.index import SearchIndex
    from patnav.search.results import search_results
    from patnav.storage.store import PatentStore

    rows = []
    out = []
    with (
        PatentStore.open(scaled, read_only=True) as store,
        SearchIndex(store, data_dir=DATA_DIR, folder=folder) as index,
    ):
        docs = store.count("patents")
        assert index.fulltext.is_current(store), "resampled index is not current"
        for query in EXPERT_QUERIES:
            plain = _time(
                lambda q=query: search(
                    store, q, limit=20, index=index, update_index=False
                ),
                REPEAT,
            )
            family = _time(
                lambda q=query: search_results(
                    store, q, limit=20, index=index, update_index=False
                ),
                REPEAT,
            )
            document = _time(
                lambda q=query: search_results(
                    store,
                    q,
                    group="document",
                    limit=20,
                    index=index,
                    update_index=False,
                ),
                REPEAT,
            )
            bare = _time(
                lambda q=query: search_results(
                    store,
                    q,
                    sort="app_date",
                    facets=(),
                    limit=20,
                    index=index,
                    update_index=False,
                ),
                REPEAT,
            )
            listed = search_results(store, query, limit=20, index=index, facets=())
            p = [_percentiles(x) for x in (plain, family, document, bare)]
            out.append(
                {
                    "query": query,
                    "documents": listed.documents,
                    "families": listed.total,
                    "search_ms": p[0],
                    "family_facets_ms": p[1],
                    "document_facets_ms": p[2],
                    "family_no_facets_ms": p[3],
                }
            )
            rows.append(
                [
                    query[:40],
                    f"{listed.documents:,}",
                    f"{listed.total:,}",
                    *(f"{x[0]:.0f}" for x in p),
                ]
            )
    print_table(
        f"result lists at {docs:,} documents (resampled from the real demo corpus), "
        f"top 20, p50 ms of {REPEAT}",
        [
            "query",
            "documents",
            "families",
            "search",
            "families+facets",
            "documents+facets",
            "families, no facets",
        ],
        rows,
    )
    return {"documents": docs, "queries": out}


def main() -> None:
    started = time.perf_counter()
    demo = demo_store()
    from bench.common import OUT

    if not (OUT / "demo.duckdb.search" / "fulltext.duckdb").exists():
        build_demo_index(demo)
    scaled = scaled_store(TARGET)
    folder = scaled_index(demo, scaled)
    results = measure(scaled, folder)
    results["seconds"] = time.perf_counter() - started
    save("results_speed", results)


if __name__ == "__main__":
    main()
