"""Document vectors as Parquet files: the texts still to embed, written out to be embedded
elsewhere (a Spark cluster, a GPU machine), and the vectors that come back, checked and
imported into the store's ``embeddings`` table.

The two files:

- **texts** (:func:`export_pending`): ``doc_id``, ``text``, ``text_hash``, ``model`` — the
  documents whose vector for the model is missing or stale, with the exact text
  :func:`~patnav.search.semantic.embed_store` would embed and the hash it would store.
- **vectors** (:func:`write_vectors`, :func:`import_vectors`): ``doc_id``, ``model``,
  ``dim``, ``vector`` (list of float), and optionally ``text_hash`` — the hash of the text
  the vector was computed from, copied from the texts file.

Importing checks the file's model and dimension against the store's model (a whole file of
another model or dimension is refused with a message), then each row: a known document,
a vector of the right length with finite, not all-zero values, one row per document, and —
when the row carries a ``text_hash`` — that the document's text has not changed since
(stale vectors are refused: the text they describe is gone). Refused rows are written to a
quarantine Parquet file with their reasons; accepted vectors are normalised to unit length
and replace the document's stored vector. Importing the same file twice changes nothing.
A row without ``text_hash`` is accepted as describing the current text (counted as
``unverified``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from patnav.errors import InputError
from patnav.search.semantic import (
    TEXT_RECIPE,
    Embedder,
    current_hashes,
    pending_documents,
    store_vectors,
)
from patnav.storage.store import PatentStore

TEXTS_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("text", pa.string()),
        ("text_hash", pa.string()),
        ("model", pa.string()),
    ]
)
VECTORS_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("model", pa.string()),
        ("dim", pa.int32()),
        ("vector", pa.list_(pa.float32())),
        ("text_hash", pa.string()),
    ]
)
QUARANTINE_SCHEMA = pa.schema(
    [
        ("row", pa.int64()),
        ("doc_id", pa.string()),
        ("reason", pa.string()),
        ("detail", pa.string()),
    ]
)
REASONS = {
    "no_doc_id": "no doc_id",
    "unknown_document": "no such document in the store",
    "duplicate": "a second row for the same document (the first one counts)",
    "wrong_model": "vector of another model",
    "wrong_dim": "vector of another dimension",
    "no_vector": "no vector",
    "not_finite": "vector holds NaN or infinite values",
    "zero_vector": "vector is all zeros",
    "stale": "the document's text changed since the vector was computed",
}
"""Why a row is quarantined, by reason key."""


def export_pending(
    store: PatentStore,
    embedder: Embedder,
    path: Path,
    *,
    limit: int | None = None,
) -> int:
    """Write the documents still to embed for ``embedder`` (their text and its hash) to
    a Parquet file; returns how many."""
    todo, _, _, _ = pending_documents(store, embedder, limit=limit)
    table = pa.table(
        {
            "doc_id": [d for d, _, _ in todo],
            "text": [x for _, x, _ in todo],
            "text_hash": [h for _, _, h in todo],
            "model": [embedder.name] * len(todo),
        },
        schema=TEXTS_SCHEMA,
    ).replace_schema_metadata({"patnav.text_recipe": TEXT_RECIPE})
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    return len(todo)


def vectors_table(
    doc_ids: list[str],
    vectors: np.ndarray,
    model: str,
    hashes: list[str | None] | None = None,
) -> pa.Table:
    """Vectors as a table of the vectors file's layout."""
    n, dim = vectors.shape if vectors.ndim == 2 else (len(doc_ids), 0)
    return pa.table(
        {
            "doc_id": doc_ids,
            "model": [model] * n,
            "dim": pa.array([dim] * n, pa.int32()),
            "vector": pa.array(
                list(np.asarray(vectors, np.float32)), pa.list_(pa.float32())
            ),
            "text_hash": hashes if hashes is not None else [None] * n,
        },
        schema=VECTORS_SCHEMA,
    )


def write_vectors(
    path: Path,
    doc_ids: list[str],
    vectors: np.ndarray,
    model: str,
    hashes: list[str | None] | None = None,
) -> None:
    """Write vectors to a Parquet file that :func:`import_vectors` reads."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(vectors_table(doc_ids, vectors, model, hashes), path)


@dataclass(frozen=True, slots=True)
class VectorImport:
    """What importing a vectors file did."""

    file: str
    model: str
    dim: int
    rows: int
    imported: int
    unchanged: int
    unverified: int
    quarantined: int
    reasons: dict[str, int] = field(default_factory=dict)
    quarantine_file: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "model": self.model,
            "dim": self.dim,
            "rows": self.rows,
            "imported": self.imported,
            "unchanged": self.unchanged,
            "unverified": self.unverified,
            "quarantined": self.quarantined,
            "reasons": dict(self.reasons),
            "quarantine_file": self.quarantine_file,
        }


def _read(path: Path) -> pa.Table:
    if not path.exists():
        raise InputError(
            f"No vectors file at {path}: give the path of a Parquet file (or of a folder "
            "of them, as Spark writes)."
        )
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(
            f"{path} is not a readable Parquet file ({exc}). Write the vectors as Parquet "
            "with the columns doc_id, model, dim, vector and optionally text_hash."
        ) from exc
    missing = [c for c in ("doc_id", "model", "vector") if c not in table.column_names]
    if missing:
        raise InputError(
            f"{path} lacks the column(s) {', '.join(missing)}: a vectors file has "
            f"doc_id, model, dim, vector and optionally text_hash (it has "
            f"{', '.join(table.column_names)})."
        )
    return table


def import_vectors(
    store: PatentStore,
    path: Path,
    *,
    model: str,
    dim: int,
    quarantine: Path | None = None,
) -> VectorImport:
    """Check the vectors of a Parquet file against the store and its model; store the
    good ones, write the refused ones (row, doc_id, reason, detail) to ``quarantine``
    (default: ``FILE.rejected.parquet`` beside the file) when there are any.

    Raises:
        InputError: the file is missing, unreadable, lacks a column, or holds only
            vectors of another model or dimension.
    """
    table = _read(path)
    n = table.num_rows
    ids = [None if x is None else str(x) for x in table.column("doc_id").to_pylist()]
    models = [None if x is None else str(x) for x in table.column("model").to_pylist()]
    vectors = table.column("vector").to_pylist()
    dims = (
        table.column("dim").to_pylist()
        if "dim" in table.column_names
        else [None if v is None else len(v) for v in vectors]
    )
    hashes = (
        table.column("text_hash").to_pylist()
        if "text_hash" in table.column_names
        else [None] * n
    )
    if n and all(m != model for m in models):
        found = Counter(models).most_common(1)[0][0]
        raise InputError(
            f"{path} holds vectors of the model {found}; this store searches with {model}. "
            "Vectors of different models are not comparable: compute them with "
            f"{model} (see 'patnav embed export'), or search with the other model."
        )
    if n and all(d != dim for d in dims):
        found = Counter(dims).most_common(1)[0][0]
        raise InputError(
            f"{path} holds vectors of dimension {found}; the model {model} has {dim}."
        )
    known = current_hashes(store, model, [i for i in ids if i is not None])
    stored = {
        str(d): (h, v)
        for d, h, v in store.rows(
            "SELECT doc_id, text_hash, vector FROM embeddings WHERE model = ? "
            "AND doc_id IN (SELECT unnest(?::VARCHAR[]))",
            [model, [i for i in ids if i is not None]],
        )
    }
    rejected: list[tuple[int, str | None, str, str]] = []
    good: list[tuple[str, np.ndarray, str]] = []
    seen: set[str] = set()
    unchanged = unverified = 0
    for row, (doc_id, m, d, vector, h) in enumerate(
        zip(ids, models, dims, vectors, hashes, strict=True)
    ):
        reason, detail = _check(doc_id, m, d, vector, h, model, dim, known, seen)
        if reason is not None:
            rejected.append((row, doc_id, reason, detail))
            continue
        assert doc_id is not None
        seen.add(doc_id)
        current = known[doc_id]
        if h is None:
            unverified += 1
        array = np.asarray(vector, np.float32)
        array = array / np.linalg.norm(array)
        before = stored.get(doc_id)
        if (
            before is not None
            and before[0] == current
            and np.allclose(np.asarray(before[1], np.float32), array, atol=1e-6)
        ):
            unchanged += 1
            continue
        good.append((doc_id, array, current))
    if good:
        _store(store, model, good)
    written: str | None = None
    if rejected:
        target = quarantine or path.with_name(path.stem + ".rejected.parquet")
        target.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(
            pa.table(
                {
                    "row": [r for r, _, _, _ in rejected],
                    "doc_id": [d for _, d, _, _ in rejected],
                    "reason": [x for _, _, x, _ in rejected],
                    "detail": [x for _, _, _, x in rejected],
                },
                schema=QUARANTINE_SCHEMA,
            ),
            target,
        )
        written = str(target)
    return VectorImport(
        file=str(path),
        model=model,
        dim=dim,
        rows=n,
        imported=len(good),
        unchanged=unchanged,
        unverified=unverified,
        quarantined=len(rejected),
        reasons=dict(Counter(x for _, _, x, _ in rejected)),
        quarantine_file=written,
    )


def _check(
    doc_id: str | None,
    model_of_row: str | None,
    dim_of_row: Any,
    vector: Any,
    text_hash: str | None,
    model: str,
    dim: int,
    known: dict[str, str],
    seen: set[str],
) -> tuple[str | None, str]:
    """(reason, detail) when the row is refused, else (None, '')."""
    if not doc_id:
        return "no_doc_id", REASONS["no_doc_id"]
    if doc_id not in known:
        return "unknown_document", f"{doc_id}: {REASONS['unknown_document']}"
    if doc_id in seen:
        return "duplicate", REASONS["duplicate"]
    if model_of_row != model:
        return "wrong_model", f"model {model_of_row}, the store's is {model}"
    if vector is None:
        return "no_vector", REASONS["no_vector"]
    if dim_of_row != dim or len(vector) != dim:
        return (
            "wrong_dim",
            f"dim {dim_of_row}, {len(vector)} values; the model has {dim}",
        )
    array = np.asarray([np.nan if v is None else v for v in vector], np.float64)
    if not np.all(np.isfinite(array)):
        return "not_finite", REASONS["not_finite"]
    if not np.any(array):
        return "zero_vector", REASONS["zero_vector"]
    if text_hash is not None and text_hash != known[doc_id]:
        return "stale", f"{REASONS['stale']} (embed it again)"
    return None, ""


def _store(
    store: PatentStore, model: str, good: list[tuple[str, np.ndarray, str]]
) -> None:
    store_vectors(
        store,
        model,
        [d for d, _, _ in good],
        [h for _, _, h in good],
        [v for _, v, _ in good],
    )
