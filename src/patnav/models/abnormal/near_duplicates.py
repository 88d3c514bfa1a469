"""Near-duplicate documents: MinHash over shingles, LSH banding for candidate pairs, exact
Jaccard on the candidates (numpy only).

- **Shingles.** A document's text (title, abstract, claims joined) is normalised (NFKC,
  lower case); its Chinese characters, in order without punctuation or spacing, give
  their character ``cjk_ngram``-grams,
  Latin words are stemmed without stop words (:func:`patnav.text.english_tokens`) and
  give word ``word_ngram``-grams. Punctuation and spacing do not count. Each shingle is
  hashed to 32 bits (CRC-32, stable between runs).
- **MinHash.** ``permutations`` multiply-shift hash functions ``(a·x + b) mod 2^64 >> 32``
  (odd ``a``, fixed seed); a
  document's signature is the minimum of each over its shingles. Two signatures agree in
  a position with probability equal to the Jaccard similarity of the shingle sets.
- **LSH.** The signature is cut into ``bands`` bands; documents whose band agrees
  exactly become candidates (with 16 bands of 4 rows a pair at Jaccard 0.8 is a
  candidate with probability 0.9998, at 0.5 about 0.64, at 0.3 about 0.12). A bucket
  larger than :data:`MAX_BUCKET_PAIRS_AT` is paired as a star around its first member
  and along its order (not all pairs), which keeps identical boilerplate linear.
- **Verification.** Each candidate pair's exact Jaccard on the shingle sets; pairs at or
  above ``similarity`` are near-duplicates.

A document with fewer than ``min_shingles`` shingles (no abstract or claims: a title
alone) is not compared: it is neither a duplicate nor unique, and is counted as such.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from patnav.text.matching import CJK_RANGES
from patnav.text.segmentation import english_tokens

__all__ = [
    "MAX_BUCKET_PAIRS_AT",
    "NearDuplicates",
    "Pair",
    "jaccard",
    "near_duplicates",
    "shingles",
    "signatures",
]

_CJK_RUN = re.compile(f"[{CJK_RANGES}]+")
MAX_BUCKET_PAIRS_AT = 40
"""A bucket with more members than this is paired as a star and a chain, not all pairs."""
_CHUNK = 20_000


def shingles(text: str, *, cjk_ngram: int = 4, word_ngram: int = 3) -> frozenset[int]:
    """The hashed shingles of ``text``: character n-grams of its Chinese runs and word
    n-grams of its (stemmed) English words."""
    norm = unicodedata.normalize("NFKC", text or "").lower()
    out: set[int] = set()
    # the Chinese characters in order, punctuation and spacing dropped
    run = "".join(_CJK_RUN.findall(norm))
    if 0 < len(run) < cjk_ngram:
        out.add(zlib.crc32(run.encode()))
    out.update(
        zlib.crc32(run[i : i + cjk_ngram].encode())
        for i in range(len(run) - cjk_ngram + 1)
    )
    words = english_tokens(_CJK_RUN.sub(" ", norm))
    if 0 < len(words) < word_ngram:
        out.add(zlib.crc32(" ".join(words).encode()))
    out.update(
        zlib.crc32(" ".join(words[i : i + word_ngram]).encode())
        for i in range(len(words) - word_ngram + 1)
    )
    return frozenset(out)


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    """Exact Jaccard similarity of two shingle sets (0 when both are empty)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def signatures(
    sets: Sequence[frozenset[int] | np.ndarray], permutations: int = 64
) -> np.ndarray:
    """The MinHash signatures (``len(sets)`` × ``permutations``, uint64) of non-empty
    shingle sets (frozensets or arrays of distinct hashes)."""
    rng = np.random.default_rng(20260601)
    top = np.iinfo(np.uint64).max
    a = rng.integers(0, top, size=permutations, dtype=np.uint64, endpoint=True)
    a |= np.uint64(1)
    b = rng.integers(0, top, size=permutations, dtype=np.uint64, endpoint=True)
    shift = np.uint64(32)
    out = np.empty((len(sets), permutations), dtype=np.uint64)
    for start in range(0, len(sets), _CHUNK):
        chunk = sets[start : start + _CHUNK]
        sizes = np.fromiter((len(s) for s in chunk), dtype=np.int64, count=len(chunk))
        values = np.concatenate(
            [np.fromiter(s, dtype=np.uint64, count=len(s)) for s in chunk]
        )
        offsets = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        for j in range(permutations):
            h = (a[j] * values + b[j]) >> shift  # uint64 arithmetic wraps: mod 2^64
            out[start : start + len(chunk), j] = np.minimum.reduceat(h, offsets)
    return out


@dataclass(frozen=True, slots=True)
class Pair:
    """Two near-duplicate documents (indexes into the input) and their exact Jaccard."""

    left: int
    right: int
    similarity: float


@dataclass(frozen=True, slots=True)
class NearDuplicates:
    """The near-duplicate pairs of a collection, and what was not compared."""

    pairs: tuple[Pair, ...]
    candidates: int
    """Candidate pairs LSH proposed (each verified by exact Jaccard)."""
    compared: int
    """Documents with enough text to compare."""
    too_short: tuple[int, ...]
    """Indexes of documents not compared: fewer than ``min_shingles`` shingles."""


def _bucket_pairs(members: np.ndarray) -> Iterable[tuple[int, int]]:
    if len(members) <= MAX_BUCKET_PAIRS_AT:
        for i in range(len(members)):
            for j in range(i + 1, len(members)):
                yield int(members[i]), int(members[j])
        return
    first = int(members[0])
    for k in range(1, len(members)):
        yield first, int(members[k])
        if k > 1:
            yield int(members[k - 1]), int(members[k])


def near_duplicates(
    texts: Sequence[str | None],
    *,
    cjk_ngram: int = 4,
    word_ngram: int = 3,
    min_shingles: int = 30,
    similarity: float = 0.8,
    permutations: int = 64,
    bands: int = 16,
) -> NearDuplicates:
    """The pairs of ``texts`` whose shingle sets have Jaccard ≥ ``similarity``."""
    # sorted uint32 arrays: a tenth of a frozenset's memory (a million documents fit)
    sets = [
        np.sort(
            np.fromiter(
                shingles(t or "", cjk_ngram=cjk_ngram, word_ngram=word_ngram),
                dtype=np.uint32,
            )
        )
        for t in texts
    ]
    keep = [i for i, s in enumerate(sets) if len(s) >= max(min_shingles, 1)]
    kept = set(keep)
    too_short = tuple(i for i in range(len(sets)) if i not in kept)
    if len(keep) < 2:
        return NearDuplicates((), 0, len(keep), too_short)
    sig = signatures([sets[i] for i in keep], permutations)
    rows = permutations // bands
    index = np.asarray(keep, dtype=np.int64)
    candidates: set[tuple[int, int]] = set()
    for band in range(bands):
        block = np.ascontiguousarray(sig[:, band * rows : (band + 1) * rows])
        keys = block.view(np.dtype((np.void, block.dtype.itemsize * rows))).ravel()
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        starts = np.flatnonzero(
            np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1]))
        )
        ends = np.concatenate((starts[1:], [len(order)]))
        for s, e in zip(starts, ends, strict=True):
            if e - s > 1:
                members = np.sort(index[order[s:e]])
                candidates.update(_bucket_pairs(members))
    pairs = []
    for left, right in sorted(candidates):
        a, b = sets[left], sets[right]
        common = np.intersect1d(a, b, assume_unique=True).size
        sim = common / (a.size + b.size - common)
        if sim >= similarity:
            pairs.append(Pair(left, right, sim))
    return NearDuplicates(tuple(pairs), len(candidates), len(keep), too_short)
