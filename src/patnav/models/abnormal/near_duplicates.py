"""Near-duplicate documents: MinHash over shingles, LSH banding for candidate pairs, exact
Jaccard on the candidates (numpy only).

- **Shingles.** A document's text (title, abstract, claims joined) is normalised (NFKC,
  lower case); its Chinese characters, in order without punctuation or spacing, give
  their character ``cjk_ngram``-grams,
  Latin words are stemmed without stop words (:func:`patnav.text.english_tokens`) and
  give word ``word_ngram``-grams. Punctuation and spacing do not count. Each shingle is
  hashed to 32 bits, stable between runs (character n-grams by a vectorised
  multiply-add of their code points, word n-grams by CRC-32).
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
    "shingle_array",
    "shingles",
    "signatures",
]

_CJK_RUN = re.compile(f"[{CJK_RANGES}]+")
MAX_BUCKET_PAIRS_AT = 40
"""A bucket with more members than this is paired as a star and a chain, not all pairs."""
_CHUNK = 20_000


_MIX = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
     0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9],
    dtype=np.uint64,
)  # fmt: skip
"""Odd 64-bit multipliers, one per position of a character n-gram (n ≤ 8)."""


def _cjk_hashes(run: str, n: int) -> np.ndarray:
    """32-bit hashes of the character n-grams of ``run`` (the run itself when shorter):
    Σ code point × multiplier of its position, mod 2^64, high 32 bits (vectorised)."""
    points = np.frombuffer(run.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(points) < n:
        n = len(points)
    if n == 0:
        return np.empty(0, dtype=np.uint32)
    count = len(points) - n + 1
    mixed = np.zeros(count, dtype=np.uint64)
    for k in range(n):
        mixed += points[k : k + count] * _MIX[k]  # uint64 arithmetic wraps: mod 2^64
    return (mixed >> np.uint64(32)).astype(np.uint32)


def shingle_array(text: str, *, cjk_ngram: int = 4, word_ngram: int = 3) -> np.ndarray:
    """The hashed shingles of ``text`` as a sorted array of distinct uint32: character
    n-grams of its Chinese characters and word n-grams of its (stemmed) English words."""
    if not 1 <= cjk_ngram <= len(_MIX):
        raise ValueError(f"cjk_ngram must be 1 to {len(_MIX)}, got {cjk_ngram}")
    norm = unicodedata.normalize("NFKC", text or "").lower()
    # the Chinese characters in order, punctuation and spacing dropped
    cjk = _cjk_hashes("".join(_CJK_RUN.findall(norm)), cjk_ngram)
    words = english_tokens(_CJK_RUN.sub(" ", norm))
    grams = [
        " ".join(words[i : i + word_ngram])
        for i in range(max(len(words) - word_ngram + 1, 1 if words else 0))
    ]
    latin = np.fromiter(
        (zlib.crc32(g.encode()) for g in grams), dtype=np.uint32, count=len(grams)
    )
    return np.unique(np.concatenate((cjk, latin)))


def shingles(text: str, *, cjk_ngram: int = 4, word_ngram: int = 3) -> frozenset[int]:
    """The hashed shingles of ``text`` as a set (see :func:`shingle_array`)."""
    return frozenset(
        int(h) for h in shingle_array(text, cjk_ngram=cjk_ngram, word_ngram=word_ngram)
    )


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
            [
                s.astype(np.uint64)
                if isinstance(s, np.ndarray)
                else np.fromiter(s, dtype=np.uint64, count=len(s))
                for s in chunk
            ]
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
        shingle_array(t or "", cjk_ngram=cjk_ngram, word_ngram=word_ngram)
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
