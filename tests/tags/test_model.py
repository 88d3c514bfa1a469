"""The assisted-tagging model on the hand-labelled CCF patents: better than a keyword
baseline computed here, and calibrated on held-out documents."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score

from patnav.errors import InvalidParameterError, NotFittedError
from patnav.tags.model import TagSuggester, softmax

K = 10
MIN_CLASS = 30


@pytest.fixture(scope="module")
def ccf(data_dir):
    """The classes of train.json with at least 30 documents: K random training
    examples each (seed 0), every other document of those classes held out."""
    frame = pd.read_json(data_dir / "corpora/cn-ccf-bdci-4097/train.json", lines=True)
    sizes = frame.label_id.value_counts()
    frame = frame[frame.label_id.isin(sizes[sizes >= MIN_CLASS].index)].reset_index()
    frame["text"] = frame.title + "\n" + frame.abstract
    frame["label"] = frame.label_id.astype(str)
    rng = np.random.default_rng(0)
    train = np.concatenate(
        [
            rng.choice(np.flatnonzero(frame.label == c), size=K, replace=False)
            for c in sorted(frame.label.unique())
        ]
    )
    held = np.setdiff1d(np.arange(len(frame)), train)
    return frame.iloc[train], frame.iloc[held]


def _keyword_baseline(train: pd.DataFrame, test: pd.DataFrame) -> list[str]:
    """Each class's 10 character bigrams of highest mean TF-IDF over its examples, as
    an OR query; a document goes to the class with most of them (none: no class)."""
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(2, 2))
    x = vectorizer.fit_transform(train.text)
    words = np.array(vectorizer.get_feature_names_out())
    queries = {}
    for label in sorted(train.label.unique()):
        mean = np.asarray(x[(train.label == label).to_numpy()].mean(axis=0)).ravel()
        queries[label] = list(words[np.argsort(-mean)[:10]])
    out = []
    for text in test.text:
        hits = {label: sum(w in text for w in q) for label, q in queries.items()}
        best = max(hits, key=lambda label: hits[label])
        out.append(best if hits[best] else "none")
    return out


def _ece(confidence: np.ndarray, correct: np.ndarray) -> float:
    bins = np.minimum((confidence * 10).astype(int), 9)
    return sum(
        abs(confidence[bins == b].mean() - correct[bins == b].mean())
        * (bins == b).mean()
        for b in range(10)
        if (bins == b).any()
    )


def test_macro_f1_beats_the_keyword_baseline(ccf):
    train, test = ccf
    labels = sorted(train.label.unique())
    assert len(labels) >= 10 and len(test) > 300
    model = TagSuggester().fit(list(train.text), list(train.label))
    predicted = model.predict(list(test.text))
    ours = f1_score(test.label, predicted, labels=labels, average="macro")
    baseline = f1_score(
        test.label,
        _keyword_baseline(train, test),
        labels=labels,
        average="macro",
        zero_division=0,
    )
    assert ours > baseline + 0.1, (ours, baseline)


def test_scores_are_calibrated_on_held_out_documents(ccf):
    train, test = ccf
    model = TagSuggester().fit(list(train.text), list(train.label))
    assert model.calibration_.folds == 5
    assert model.calibration_.log_loss_after <= model.calibration_.log_loss_before
    logits = model.decision_function(list(test.text))
    classes = np.array(model.classes_)
    truth = test.label.to_numpy()
    calibrated = softmax(logits / model.calibration_.temperature)
    raw = softmax(logits)
    for proba in (calibrated, raw):
        assert np.allclose(proba.sum(axis=1), 1)
    ece = {
        name: _ece(p.max(axis=1), classes[p.argmax(axis=1)] == truth)
        for name, p in (("calibrated", calibrated), ("raw", raw))
    }
    assert ece["calibrated"] < ece["raw"], ece
    assert ece["calibrated"] < 0.15, ece
    assert np.allclose(model.predict_proba(list(test.text[:5])), calibrated[:5])


def test_parameters_are_checked_and_an_unfitted_model_refuses():
    with pytest.raises(InvalidParameterError, match="'C' parameter of TagSuggester"):
        TagSuggester(C=0).fit(["a", "b"], ["x", "y"])
    with pytest.raises(InvalidParameterError, match="two nodes"):
        TagSuggester().fit(["a", "b"], ["x", "x"])
    with pytest.raises(NotFittedError):
        TagSuggester().predict(["a"])
