"""IPC suggestion quality and speed (``python -m bench ipc``), on real, unaltered data.

A store is built under /tmp from the real files (deleted afterwards): the Tai'an city
corpus (with its mapping), the CNIPA-style Excel exports, the seven Chinese database
exports (incoPat, Patentics, PatSnap) and the Lens drone export (English titles with
IPC). Every classified document's title and abstract are training material, all its
IPC codes its labels.

Held out **by application year**: the suggester is trained on the documents filed before
``SPLIT_YEAR`` and tested on the titles (title only, no abstract) of the documents filed
in or after it — Chinese titles, and English titles where the store has them. A hit is a
suggested subclass among the document's IPC subclasses. In the same run:

* the most-frequent-subclass baseline (top-1: the training documents' most frequent
  subclass; top-3: the three most frequent);
* patnav's default model (``combined``: both raw scores in one logistic curve fitted on
  documents held out by year) with its training time by stage and its per-text latency
  (one title at a time, median of ``LATENCY_TEXTS``), and the two scorers it combines
  ranking alone: the nearest centroid and the linear model (one hinge-loss SVM per
  subclass, SGD) — the very scorers of the same fit, so the run trains once;
* the calibration of the score: the mean score of the first suggestion against how often
  the first suggestion is right, in five bins of score.

``PATNAV_BENCH_IPC_STORE=/tmp/…/ipc.duckdb`` reuses a store built by an earlier run (the
import takes minutes); it is left in place.
"""

from __future__ import annotations

import itertools
import os
import shutil
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

from bench.common import DATA_DIR, REPO, print_table, save

SPLIT_YEAR = 2021
LATENCY_TEXTS = 200
SOURCES = (
    "corpora/cn-taian-7384",
    "formats/cn-excel",
    "formats/cn-db-exports",
    "formats/lens-csv/lens_drones_5884.csv",
)


def _build(folder: Path) -> Path:
    from patnav.ingest.pipeline import import_paths
    from patnav.ingest.tabular.columns import load_mapping
    from patnav.storage.store import PatentStore

    path = folder / "ipc.duckdb"
    started = time.perf_counter()
    with PatentStore.open(path) as store:
        taian = import_paths(
            store,
            [DATA_DIR / SOURCES[0]],
            mapping=load_mapping(REPO / "specs" / "taian-import.yaml"),
        )
        rest = import_paths(store, [DATA_DIR / p for p in SOURCES[1:]])
        if not (taian.ok and rest.ok):
            raise RuntimeError(f"import failed: {taian.totals} {rest.totals}")
    print(f"  store built in {time.perf_counter() - started:.0f} s from {SOURCES}")
    return path


def _accuracy(
    ranked: list[list[str]], truth: list[tuple[str, ...]]
) -> tuple[float, float]:
    n = len(truth)
    top1 = sum(bool(r) and r[0] in t for r, t in zip(ranked, truth, strict=True))
    top3 = sum(any(c in t for c in r[:3]) for r, t in zip(ranked, truth, strict=True))
    return top1 / n, top3 / n


def _reliability(
    firsts: list[tuple[float, bool]],
) -> list[dict[str, float]]:
    bins = []
    edges = [0.0, 0.2, 0.4, 0.6, 0.8, 1.01]
    for lo, hi in itertools.pairwise(edges):
        inside = [(p, h) for p, h in firsts if lo <= p < hi]
        if inside:
            bins.append(
                {
                    "from": lo,
                    "to": min(hi, 1.0),
                    "texts": len(inside),
                    "mean_score": statistics.fmean(p for p, _ in inside),
                    "hit_rate": sum(h for _, h in inside) / len(inside),
                }
            )
    return bins


def main() -> None:
    from patnav.models.ipc.corpus import read_training_set
    from patnav.models.ipc.model import IpcSuggester, text_features
    from patnav.storage.store import PatentStore

    given = os.environ.get("PATNAV_BENCH_IPC_STORE")
    folder = Path(tempfile.mkdtemp(prefix="patnav-bench-ipc-", dir="/tmp"))
    try:
        path = Path(given) if given else _build(folder)
        if given:
            print(f"  store {path} (PATNAV_BENCH_IPC_STORE: built before, kept)")
        with PatentStore.open(path) as store:
            everything = read_training_set(store)
        train = everything.before(SPLIT_YEAR)
        held = [
            s
            for s in everything.samples
            if s.year is not None and s.year >= SPLIT_YEAR and s.title
        ]
        undated = sum(1 for s in everything.samples if s.year is None)
        tests = {
            "zh": [s for s in held if s.lang == "zh"],
            "en": [s for s in held if s.lang == "en"],
        }
        print(
            f"  classified documents: {everything.documents:,} "
            f"({len(everything.samples):,} samples; {undated:,} samples without a "
            f"filing year, left out); trained on {train.documents:,} documents filed "
            f"before {SPLIT_YEAR}; tested on {len(tests['zh']):,} Chinese and "
            f"{len(tests['en']):,} English titles filed in {SPLIT_YEAR} or later"
        )
        counts = Counter(c for s in _documents(train) for c in s)
        common = [c for c, _ in counts.most_common(3)]
        rows = []
        payload: dict[str, object] = {
            "split_year": SPLIT_YEAR,
            "sources": list(SOURCES),
            "classified_documents": everything.documents,
            "training_documents": train.documents,
            "test_titles": {k: len(v) for k, v in tests.items()},
        }
        for lang, test in tests.items():
            if not test:
                continue
            truth = [s.subclasses for s in test]
            b1, b3 = _accuracy([common] * len(test), truth)
            rows.append(
                [lang, "most frequent subclass", f"{b1:.3f}", f"{b3:.3f}", "", ""]
            )
            payload[f"baseline_{lang}"] = {"top1": b1, "top3": b3, "classes": common}
        # One fit of the default (combined) model, its stages timed; the centroid and
        # the linear scorer alone rank with the very scorers it combines (their order
        # does not depend on a calibration curve, which is monotone).
        model = IpcSuggester(method="combined")
        started = time.perf_counter()
        x = model._fit_features(train)
        features_s = time.perf_counter() - started
        parts = model._parts(x, train.samples)
        scorers_s = time.perf_counter() - started - features_s
        fitted = model._held_out_fit(train, x)
        model.calibrated_ = fitted is not None
        model._assemble(parts, fitted)
        fit_s = time.perf_counter() - started
        held_s = fit_s - features_s - scorers_s
        coefs = fitted["subclass"] if fitted else None
        print(
            f"  training (combined): {fit_s:.0f} s — features {features_s:.0f} s, "
            f"centroid and linear scorers {scorers_s:.0f} s, held-out fit (the same "
            f"again on the earlier 80 % + the curve) {held_s:.0f} s; "
            f"{len(model.classes_['subclass'])} subclasses suggested, "
            f"{len(model.rare_['subclass'])} too rare; curve weights "
            f"{coefs[0].round(3).tolist() if coefs else None} (cosine, margin), "
            f"intercept {round(coefs[1], 3) if coefs else None}"
        )
        payload["training"] = {
            "fit_s": fit_s,
            "features_s": features_s,
            "scorers_s": scorers_s,
            "held_out_s": held_s,
            "classes": len(model.classes_["subclass"]),
            "rare": len(model.rare_["subclass"]),
            "curve": [coefs[0].tolist(), coefs[1]] if coefs else None,
        }
        part = parts["subclass"]
        for lang, test in tests.items():
            if not test:
                continue
            titles = [s.title or "" for s in test]
            truth = [s.subclasses for s in test]
            xt = model._matrix([text_features(t) for t in titles])
            cosine, margin = part.inputs(xt, "combined")
            for method, raw in (("centroid", cosine), ("linear", margin)):
                top = np.argsort(-raw, axis=1)[:, :3]
                ranked = [[part.classes[j] for j in row] for row in top]
                a1, a3 = _accuracy(ranked, truth)
                payload.setdefault(method, {})[lang] = {"top1": a1, "top3": a3}  # type: ignore[union-attr]
                rows.append([lang, method, f"{a1:.3f}", f"{a3:.3f}", "", ""])
            best = model.top(titles, "subclass", 3)
            ranked = [[c for c, _ in r] for r in best]
            a1, a3 = _accuracy(ranked, truth)
            firsts = [
                (r[0][1], r[0][0] in t) for r, t in zip(best, truth, strict=True) if r
            ]
            latency = []
            for title in titles[:LATENCY_TEXTS]:
                t0 = time.perf_counter()
                model.top([title], "subclass", 5)
                latency.append((time.perf_counter() - t0) * 1000)
            ms = statistics.median(latency)
            payload.setdefault("combined", {})[lang] = {  # type: ignore[union-attr]
                "top1": a1,
                "top3": a3,
                "latency_ms": ms,
                "reliability": _reliability(firsts),
            }
            rows.append(
                [
                    lang,
                    "combined (default)",
                    f"{a1:.3f}",
                    f"{a3:.3f}",
                    f"{fit_s:.0f}",
                    f"{ms:.1f}",
                ]
            )
        print_table(
            f"IPC subclass suggestion, titles filed ≥ {SPLIT_YEAR}, trained on "
            f"{train.documents:,} documents filed before",
            ["lang", "method", "top-1", "top-3", "train s", "ms/text"],
            rows,
        )
        for method in ("combined",):
            result = payload[method]
            assert isinstance(result, dict)
            zh = result.get("zh")
            if isinstance(zh, dict):
                print_table(
                    f"calibration ({method}, Chinese titles): score of the first "
                    "suggestion against how often it is right",
                    ["score", "titles", "mean score", "right"],
                    [
                        [
                            f"{b['from']:.1f}–{b['to']:.1f}",
                            f"{b['texts']:,}",
                            f"{b['mean_score']:.3f}",
                            f"{b['hit_rate']:.3f}",
                        ]
                        for b in zh["reliability"]
                    ],
                )
        save("ipc", payload)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _documents(training: object) -> list[tuple[str, ...]]:
    """Each training document's subclasses, once per document."""
    from patnav.models.ipc.corpus import TrainingSet

    assert isinstance(training, TrainingSet)
    seen: dict[str, tuple[str, ...]] = {}
    for s in training.samples:
        seen.setdefault(s.doc_id, s.subclasses)
    return list(seen.values())
