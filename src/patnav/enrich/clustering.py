"""Grouping name keys into entities: fuzzy attachment, evidence links, connected components.

The keys of :mod:`patnav.enrich.names` already merge spellings that differ in case,
punctuation, company form or abbreviation. What is left are typos (``motorla``,
``eastman kodal``) and transpositions. :func:`cluster_keys` finds them without comparing
every key with every other:

* **blocking** by sorted neighbourhood: keys are sorted by their *pattern* (the generic
  words in place, every other word a ``*``: ``university *``) and then by the other
  words forwards and backwards; each key is compared with its next ``window`` keys in both
  orders, so a typo at either end still lands next to its correct spelling;
* **scoring** with rapidfuzz's normalised Levenshtein ratio of the distinctive words only
  (``iowa`` vs ``ohio`` in *state university research foundation* scores 50, not 90),
  between keys of the same pattern, with equal numbers and roman numerals (*Paris VI* is
  not *Paris VII*);
* **attaching** each key to its best-scoring heavier neighbour (more documents) above the
  threshold. Because a key only ever attaches to a heavier one, typos gather around the
  dominant spelling and two large, distinct entities never chain together through a
  series of small steps.

Chinese keys take part only through exact keys and evidence: a one-character difference
between two Chinese company names is more often two companies than a typo.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from patnav.enrich.names import GENERIC_WORDS, has_cjk

FUZZY_THRESHOLD = 92.0
"""Similarity (0–100) of the distinctive words at or above which a key joins another.
On the NBER assignee benchmark 92 keeps B-cubed precision high while catching typos."""

WINDOW = 10
"""How many following keys each key is compared with, in each sort order."""

MIN_DISTINCTIVE = 5
"""Keys whose distinctive words are shorter than this match only exactly (``nsa``/``nasa``)."""

_ROMAN = re.compile(r"\b(?:[ivx]{1,4}|\d+)\b")


@dataclass(frozen=True, slots=True)
class Clustering:
    """Each key's cluster (the index of its root key) and its score against its parent."""

    root: np.ndarray
    parent: np.ndarray
    score: np.ndarray


def _pattern(key: str) -> tuple[str, str]:
    tokens = key.split()
    shape = " ".join(t if t in GENERIC_WORDS else "*" for t in tokens)
    distinctive = " ".join(t for t in tokens if t not in GENERIC_WORDS)
    return shape, distinctive


# Chinese places whose pinyin differ by a letter or two: never a typo of each other.
_PINYIN_PLACES = frozenset(
    """
    beijing tianjin shanghai chongqing hebei shanxi shaanxi liaoning jilin heilongjiang
    jiangsu zhejiang anhui fujian jiangxi shandong henan hubei hunan guangdong guangxi
    hainan sichuan guizhou yunnan xizang tibet gansu qinghai ningxia xinjiang taiwan
    zhenjiang zhengzhou wuhan wuhu wuxi xian xiamen changsha changzhou changchun chengdu
    hangzhou huangzhou nanjing nanchang nanning nantong jinan jining jinhua yantai
    taian taiyuan dalian dali harbin shenzhen shenyang suzhou xuzhou fuzhou guangzhou
    hefei hengyang heyuan jiaxing jiaozuo luoyang liuzhou lanzhou qingdao qingyuan
    """.split()  # noqa: SIM905  (a word list reads better as text)
)


def _typo_apart(left: str, right: str) -> bool:
    """True when the words two keys do not share differ by a typo, not a different word.

    ``eastman kodal``/``eastman kodak`` differ by one letter; the Russian university names
    truncated at ``… obrazovanija stavr``/``… obrazovanija balti`` share a long prefix but
    differ entirely in the words that tell them apart.
    """
    a, b = left.split(), right.split()
    common = set(a) & set(b)
    rest_a = [t for t in a if t not in common]
    rest_b = [t for t in b if t not in common]
    if _PINYIN_PLACES.intersection(rest_a) or _PINYIN_PLACES.intersection(rest_b):
        return False
    x, y = " ".join(rest_a), " ".join(rest_b)
    if min(len(x), len(y)) < MIN_DISTINCTIVE:  # nsa/nasa: too short to call a typo
        return x == y
    limit = 2 if min(len(x), len(y)) >= 8 else 1
    return OSA.distance(x, y, score_cutoff=limit) <= limit


def _jump(parent: np.ndarray) -> np.ndarray:
    """Follow parent pointers to the roots (pointer jumping; the pointers form a forest)."""
    while True:
        grand = parent[parent]
        if np.array_equal(grand, parent):
            return parent
        parent = grand


def cluster_keys(
    keys: Sequence[str],
    weights: Sequence[int],
    *,
    fuzzy: Sequence[bool] | None = None,
    threshold: float = FUZZY_THRESHOLD,
    window: int = WINDOW,
) -> Clustering:
    """Attach misspelt keys to their dominant spelling.

    Args:
        keys: distinct name keys.
        weights: how many documents each key has; a key attaches only to heavier ones.
        fuzzy: which keys may be matched fuzzily (default: every Latin-script key).
        threshold: minimum similarity of the distinctive words.
        window: neighbours compared in each sort order.

    Returns:
        For every key the index of its root key (itself if it attached to none), its
        direct parent, and the similarity score to that parent (100 for roots).
    """
    n = len(keys)
    parent = np.arange(n)
    score = np.full(n, 100.0)
    if n < 2:
        return Clustering(parent.copy(), parent, score)
    key_arr = np.array(keys, dtype=object)
    w = np.asarray(weights, dtype=np.int64)
    shapes, distinct = zip(*(_pattern(k) for k in keys), strict=True)
    shape_arr = np.array(shapes, dtype=object)
    dist_arr = np.array(distinct, dtype=object)
    allowed = np.array(
        [
            (fuzzy[i] if fuzzy is not None else True)
            and len(d) >= MIN_DISTINCTIVE
            and not has_cjk(k)
            for i, (k, d) in enumerate(zip(keys, distinct, strict=True))
        ],
        dtype=bool,
    )
    idx = np.flatnonzero(allowed)
    if len(idx) < 2:
        return Clustering(parent.copy(), parent, score)
    forward = np.array([f"{shape_arr[i]}|{dist_arr[i]}" for i in idx], dtype=object)
    backward = np.array(
        [f"{shape_arr[i]}|{dist_arr[i][::-1]}" for i in idx], dtype=object
    )
    firsts, seconds = [], []
    for order in (
        np.argsort(forward, kind="stable"),
        np.argsort(backward, kind="stable"),
    ):
        ordered = idx[order]
        for k in range(1, min(window, len(ordered) - 1) + 1):
            firsts.append(ordered[:-k])
            seconds.append(ordered[k:])
    a = np.concatenate(firsts)
    b = np.concatenate(seconds)
    pairs = np.unique(np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1), axis=0)
    a, b = pairs[:, 0], pairs[:, 1]
    same = shape_arr[a] == shape_arr[b]
    a, b = a[same], b[same]
    if len(a) == 0:
        return Clustering(parent.copy(), parent, score)
    numbers = np.array([" ".join(_ROMAN.findall(k)) for k in keys], dtype=object)
    s = np.asarray(
        process.cpdist(
            list(dist_arr[a]), list(dist_arr[b]), scorer=fuzz.ratio, workers=-1
        ),
        dtype=np.float64,
    )
    keep = (s >= threshold) & (numbers[a] == numbers[b])
    a, b, s = a[keep], b[keep], s[keep]
    typo = np.array(
        [_typo_apart(dist_arr[i], dist_arr[j]) for i, j in zip(a, b, strict=True)],
        dtype=bool,
    )
    a, b, s = a[typo], b[typo], s[typo]
    if len(a) == 0:
        return Clustering(parent.copy(), parent, score)
    # rank: heavier first, then the key itself, so ties break the same way every run
    rank_order = np.lexsort((key_arr, -w))
    rank = np.empty(n, dtype=np.int64)
    rank[rank_order] = np.arange(n)
    child = np.where(rank[a] > rank[b], a, b)
    par = np.where(rank[a] > rank[b], b, a)
    # best parent per child: highest score, then the heaviest parent
    order = np.lexsort((rank[par], -s, child))
    child, par, s = child[order], par[order], s[order]
    first = np.ones(len(child), dtype=bool)
    first[1:] = child[1:] != child[:-1]
    parent[child[first]] = par[first]
    score[child[first]] = s[first]
    return Clustering(_jump(parent.copy()), parent, score)


def components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected components of ``n`` nodes joined by edges ``a[i]``–``b[i]``.

    Returns each node's component as the smallest node index in it.
    """
    label = np.arange(n)
    if len(a) == 0:
        return label
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    while True:
        low = np.minimum(label[a], label[b])
        before = label.copy()
        np.minimum.at(label, a, low)
        np.minimum.at(label, b, low)
        label = label[label]  # shortcut chains
        label = _jump(label)
        if np.array_equal(label, before):
            return label
