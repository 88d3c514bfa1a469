"""Vector indexes over the stored embeddings, kept in files next to the store.

Three indexes answer "the k vectors with the highest inner product with q" (cosine, for
unit vectors):

- :class:`ExactIndex` — numpy, a matrix product over every vector. Exact; about 1.5 GB
  and a few hundred milliseconds at a million 384-dimensional vectors.
- :class:`IVFIndex` — faiss ``IndexIVFFlat``: k-means cells, only the ``nprobe`` cells
  nearest the query are scanned. Approximate.
- :class:`HNSWIndex` — usearch HNSW graph with half-precision vectors. Approximate.

``bench/search_speed.py`` measures recall@20 against the exact answer and latency at a
million vectors for each; :func:`build_index` uses the exact index up to
:data:`EXACT_LIMIT` vectors and the benchmark's choice above it.

:class:`VectorStore` mirrors one model's rows of the store's ``embeddings`` table into
``<store>.search/vectors/<model>/`` (a matrix, the doc_ids, the index), checks a cheap
checksum of the table on every use and refreshes itself: new vectors are added to the
index, changed or removed ones make it rebuild.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from patnav.errors import InvalidParameterError
from patnav.search.semantic import load_vectors
from patnav.storage.store import PatentStore

EXACT_LIMIT = 200_000
"""Up to this many vectors the exact index answers within the semantic budget."""
ANN_KIND = "ivf"
"""The approximate index used above EXACT_LIMIT (chosen by bench/search_speed.py)."""


class VectorIndex(Protocol):
    """Top-k inner-product search over vectors numbered 0 … n-1 in insertion order."""

    kind: str

    def __len__(self) -> int: ...

    def add(self, vectors: np.ndarray) -> None:
        """Append vectors (numbered after the existing ones)."""

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Positions and scores of the best ``k``, best first."""
        ...


def _top(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    k = min(k, scores.shape[0])
    if k <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    part = np.argpartition(-scores, k - 1)[:k]
    cut = scores[part].min()
    if not np.isnan(cut):
        # every position tied with the k-th: which of them argpartition keeps is
        # arbitrary, so the best k are cut by score then position, a prefix of one order
        part = np.flatnonzero(scores >= cut)
    order = part[np.lexsort((part, -scores[part]))][:k]
    return order.astype(np.int64), scores[order].astype(np.float32)


def _ordered(
    positions: np.ndarray, scores: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """An approximate index's answer in one order: score (best first), then position.
    Its own order among equal scores is the graph's or the lists' (half-precision
    vectors make ties common), not the documents'."""
    order = np.lexsort((positions, -scores))
    return positions[order].astype(np.int64), scores[order].astype(np.float32)


class ExactIndex:
    """Exact search by one matrix product (numpy BLAS)."""

    kind = "exact"

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._chunks: list[np.ndarray] = []
        self._matrix: np.ndarray | None = np.zeros((0, dim), dtype=np.float32)

    @property
    def matrix(self) -> np.ndarray:
        if self._matrix is None:
            self._matrix = (
                np.concatenate(self._chunks)
                if self._chunks
                else np.zeros((0, self.dim), np.float32)
            )
            self._chunks = [self._matrix]
        return self._matrix

    def __len__(self) -> int:
        return int(self.matrix.shape[0])

    def add(self, vectors: np.ndarray) -> None:
        if self._matrix is not None and len(self._matrix):
            self._chunks = [self._matrix]
        self._chunks.append(np.ascontiguousarray(vectors, dtype=np.float32))
        self._matrix = None

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        return _top(self.matrix @ query.astype(np.float32), k)

    def search_subset(
        self, query: np.ndarray, positions: np.ndarray, k: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Exact search among the given positions only."""
        if positions.size == 0:
            return _top(np.zeros(0, np.float32), k)
        local, scores = _top(self.matrix[positions] @ query.astype(np.float32), k)
        return positions[local], scores


class IVFIndex:
    """faiss IndexIVFFlat with inner product; trained on (a sample of) the first vectors."""

    kind = "ivf"

    def __init__(self, dim: int, *, nlist: int | None = None, nprobe: int = 16) -> None:
        self.dim = dim
        self.nlist = nlist
        self.nprobe = nprobe
        self._index: Any = None

    def __len__(self) -> int:
        return 0 if self._index is None else int(self._index.ntotal)

    def add(self, vectors: np.ndarray) -> None:
        import faiss

        data = np.ascontiguousarray(vectors, dtype=np.float32)
        if self._index is None:
            n = data.shape[0]
            nlist = self.nlist or max(1, min(4096, int(4 * np.sqrt(n))))
            quantizer = faiss.IndexFlatIP(self.dim)
            index = faiss.IndexIVFFlat(
                quantizer, self.dim, nlist, faiss.METRIC_INNER_PRODUCT
            )
            rng = np.random.default_rng(0)
            sample = (
                data
                if n <= 64 * nlist
                else data[rng.choice(n, 64 * nlist, replace=False)]
            )
            index.train(sample)
            self._index = index
        self._index.nprobe = self.nprobe
        self._index.add(data)

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        if self._index is None or k <= 0:
            return _top(np.zeros(0, np.float32), 0)
        scores, positions = self._index.search(
            query.reshape(1, -1).astype(np.float32), k
        )
        keep = positions[0] >= 0
        return _ordered(positions[0][keep], scores[0][keep])

    def save(self, path: Path) -> None:
        import faiss

        if self._index is not None:
            faiss.write_index(self._index, str(path))

    def load(self, path: Path) -> None:
        import faiss

        self._index = faiss.read_index(str(path))
        self._index.nprobe = self.nprobe


class HNSWIndex:
    """usearch HNSW graph, cosine metric, half-precision vectors."""

    kind = "hnsw"

    def __init__(
        self,
        dim: int,
        *,
        connectivity: int = 16,
        expansion_add: int = 128,
        expansion_search: int = 64,
    ) -> None:
        from usearch.index import Index

        self.dim = dim
        self._index = Index(
            ndim=dim,
            metric="ip",
            dtype="f16",
            connectivity=connectivity,
            expansion_add=expansion_add,
            expansion_search=expansion_search,
        )

    def __len__(self) -> int:
        return len(self._index)

    def add(self, vectors: np.ndarray) -> None:
        start = len(self._index)
        keys = np.arange(start, start + vectors.shape[0], dtype=np.uint64)
        self._index.add(
            keys, np.ascontiguousarray(vectors, dtype=np.float32), threads=0
        )

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        if k <= 0 or len(self._index) == 0:
            return _top(np.zeros(0, np.float32), 0)
        matches = self._index.search(query.astype(np.float32), k)
        # usearch's "ip" distance is 1 - inner product
        return _ordered(
            matches.keys.astype(np.int64), (1.0 - matches.distances).astype(np.float32)
        )

    def save(self, path: Path) -> None:
        self._index.save(str(path))

    def load(self, path: Path) -> None:
        self._index.load(str(path))


def build_index(vectors: np.ndarray, kind: str = "auto") -> VectorIndex:
    """An index over ``vectors``: ``exact``, ``ivf``, ``hnsw``, or ``auto`` (exact up to
    :data:`EXACT_LIMIT` vectors, then :data:`ANN_KIND`)."""
    n, dim = vectors.shape if vectors.ndim == 2 else (0, 0)
    if kind == "auto":
        kind = "exact" if n <= EXACT_LIMIT else ANN_KIND
    index: VectorIndex
    if kind == "exact":
        index = ExactIndex(dim)
    elif kind == "ivf":
        index = IVFIndex(dim)
    elif kind == "hnsw":
        index = HNSWIndex(dim)
    else:
        raise InvalidParameterError(
            f"Unknown vector index '{kind}': use auto, exact, ivf or hnsw."
        )
    if n:
        index.add(vectors)
    return index


def _slug(model: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", model)[:80]


class VectorStore:
    """One model's stored vectors, mirrored into files and indexed for search.

    With ``folder`` None everything stays in memory (in-memory stores, tests).
    """

    def __init__(self, folder: Path | None, model: str, *, kind: str = "auto") -> None:
        self.folder = None if folder is None else folder / _slug(model)
        self.model = model
        self.kind = kind
        self.doc_ids: list[str] = []
        self.hashes: list[str] = []
        self.exact: ExactIndex | None = None
        self.index: VectorIndex | None = None
        self._checksum: str | None = None
        self._position: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.doc_ids)

    @staticmethod
    def checksum(store: PatentStore, model: str) -> str:
        """A cheap summary of the model's stored vectors that changes when any changes."""
        row = store.rows(
            "SELECT count(*), sum(hash(doc_id, text_hash) % 1000000007) FROM embeddings "
            "WHERE model = ?",
            [model],
        )[0]
        return f"{row[0]}:{row[1]}"

    def sync(self, store: PatentStore) -> bool:
        """Refresh from the store when its vectors changed; True when anything changed."""
        checksum = self.checksum(store, self.model)
        if checksum == self._checksum:
            return False
        if self._checksum is None and self._load_files(checksum):
            return False
        ids, hashes, matrix = load_vectors(store, self.model)
        old = dict(zip(self.doc_ids, self.hashes, strict=True))
        current = dict(zip(ids, hashes, strict=True))
        appended_only = bool(old) and all(current.get(d) == h for d, h in old.items())
        if appended_only and self.exact is not None and self.index is not None:
            new = [i for i, d in enumerate(ids) if d not in old]
            if new:
                rows = matrix[new]
                self.doc_ids.extend(ids[i] for i in new)
                self.hashes.extend(hashes[i] for i in new)
                self.exact.add(rows)
                if self.index is not self.exact:
                    self.index.add(rows)
        else:
            self.doc_ids, self.hashes = ids, hashes
            dim = matrix.shape[1] if matrix.size else 0
            self.exact = ExactIndex(dim)
            if matrix.size:
                self.exact.add(matrix)
            self.index = (
                self.exact
                if self._kind() == "exact"
                else build_index(matrix, self._kind())
            )
        self._position = {d: i for i, d in enumerate(self.doc_ids)}
        self._checksum = checksum
        self._save_files()
        return True

    def _kind(self) -> str:
        if self.kind != "auto":
            return self.kind
        return "exact" if len(self.doc_ids) <= EXACT_LIMIT else ANN_KIND

    def _save_files(self) -> None:
        if self.folder is None or self.exact is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        np.save(self.folder / "vectors.npy", self.exact.matrix)
        (self.folder / "doc_ids.json").write_text(
            json.dumps({"doc_ids": self.doc_ids, "hashes": self.hashes}), "utf-8"
        )
        saver = getattr(self.index, "save", None)
        if saver is not None and self.index is not self.exact:
            saver(self.folder / f"index.{self._kind()}")
        manifest = {
            "model": self.model,
            "checksum": self._checksum,
            "kind": self._kind(),
        }
        (self.folder / "manifest.json").write_text(json.dumps(manifest), "utf-8")

    def _load_files(self, checksum: str) -> bool:
        if self.folder is None or not (self.folder / "manifest.json").exists():
            return False
        try:
            manifest = json.loads((self.folder / "manifest.json").read_text("utf-8"))
            if manifest.get("checksum") != checksum or manifest.get("kind") not in (
                "exact",
                "ivf",
                "hnsw",
            ):
                return False
            ids = json.loads((self.folder / "doc_ids.json").read_text("utf-8"))
            matrix = np.load(self.folder / "vectors.npy")
        except (OSError, ValueError, json.JSONDecodeError):
            return False
        self.doc_ids, self.hashes = list(ids["doc_ids"]), list(ids["hashes"])
        self.exact = ExactIndex(matrix.shape[1] if matrix.ndim == 2 else 0)
        if matrix.size:
            self.exact.add(matrix)
        kind = manifest["kind"]
        if kind == "exact":
            self.index = self.exact
        else:
            index = (
                IVFIndex(self.exact.dim) if kind == "ivf" else HNSWIndex(self.exact.dim)
            )
            try:
                index.load(self.folder / f"index.{kind}")
            except Exception:  # a damaged index file: rebuild from the vectors
                index = build_index(matrix, kind)  # type: ignore[assignment]
            self.index = index
        self._position = {d: i for i, d in enumerate(self.doc_ids)}
        self._checksum = checksum
        return True

    def vector(self, doc_id: str) -> np.ndarray | None:
        """The stored vector of a document, or None."""
        position = self._position.get(doc_id)
        if position is None or self.exact is None:
            return None
        return np.asarray(self.exact.matrix[position])

    def search(
        self, query: np.ndarray, k: int, *, within: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        """The ``k`` documents whose vectors are most similar to ``query``: (doc_id,
        cosine), best first. ``within`` restricts the search to those documents (exact)."""
        if self.exact is None or self.index is None or not self.doc_ids:
            return []
        if within is not None:
            positions = np.array(
                sorted(
                    p for p in (self._position.get(d) for d in within) if p is not None
                ),
                dtype=np.int64,
            )
            found, scores = self.exact.search_subset(query, positions, k)
        else:
            found, scores = self.index.search(query, k)
        return [
            (self.doc_ids[int(p)], float(s)) for p, s in zip(found, scores, strict=True)
        ]
