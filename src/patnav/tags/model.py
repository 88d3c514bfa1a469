"""The assisted-tagging model: a few tagged examples per node → a calibrated score per
node for every other document.

Features are TF-IDF weights of the document's title and abstract, two views side by side:
jieba words (patnav's analyzer: stop words and patent boilerplate dropped, English words
stemmed) and character bigrams and trigrams (which catch technical terms jieba splits
wrongly, and need no dictionary). A linear support-vector classifier (one node against
the rest, ``LinearSVC``) gives each node a margin; a softmax over the margins, divided
by a learnt temperature, turns them into scores that sum to 1 over the scheme's nodes.
(A multinomial logistic regression, tried first, scored no better on the CCF patents —
0.278 against 0.293 macro-F1 with 10 examples per class, seed 0, capped at 50
iterations — and took 29 s to fit against 0.9 s on two busy cores.)

**What a score means.** The score of a node is the estimated probability that the node
is the right one, *given that the document belongs to one of the scheme's nodes*. The
temperature is learnt on the model's own training examples, cross-validated (each
example is scored by a model that did not see it), by minimising the log-loss of the
true node; so a score of 0.8 is right about 80 % of the time on documents like the
examples. ``python -m bench tagging`` measures how well that holds (expected calibration
error on held-out documents). With fewer than two examples of some node there is
nothing to cross-validate: the temperature stays 1 and the scores are uncalibrated
(``calibration_.folds == 0`` says so).

Follows scikit-learn's conventions (:mod:`patnav.models.base`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from patnav.models.base import check_fitted, invalid_parameter

_TEMPERATURES = np.exp(np.linspace(np.log(0.002), np.log(5.0), 79))
"""The temperatures the calibration tries (a grid: one dimension, no optimiser needed)."""


@lru_cache(maxsize=100_000)
def _cached_words(text: str) -> tuple[str, ...]:
    return tuple(_analyzer().tokens(text))


def _words(text: str) -> list[str]:
    # cross-validation segments the same texts many times: jieba once per text
    return list(_cached_words(text))


_ANALYZER: Any = None


def _analyzer() -> Any:
    global _ANALYZER
    if _ANALYZER is None:
        from patnav.text.segmentation import Analyzer

        _ANALYZER = Analyzer()
    return _ANALYZER


def features(views: str = "words+chars") -> Any:
    """The TF-IDF feature maker of a view: ``words`` (jieba words), ``chars`` (character
    2–3-grams) or ``words+chars`` (both, side by side)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    parts: list[tuple[str, Any]] = []
    if "words" in views:
        parts.append(
            (
                "words",
                TfidfVectorizer(
                    analyzer=_words, sublinear_tf=True, min_df=1, dtype=np.float32
                ),
            )
        )
    if "chars" in views:
        parts.append(
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char",
                    ngram_range=(2, 3),
                    sublinear_tf=True,
                    min_df=1,
                    dtype=np.float32,
                ),
            )
        )
    return FeatureUnion(parts)


@dataclass(frozen=True, slots=True)
class Calibration:
    """How the temperature was chosen: the training examples' cross-validated
    log-loss before and after scaling."""

    temperature: float
    folds: int
    log_loss_before: float
    log_loss_after: float


class TagSuggester:
    """Suggests a node of a tag scheme for a text, with a calibrated score.

    Args:
        C: inverse regularisation strength of the linear classifier.
        views: ``words+chars`` (default), ``words`` or ``chars``.
        calibrate: learn a temperature on cross-validated training scores.
        folds: folds of that cross-validation (fewer when a node has fewer examples).
        seed: the seed of the folds.
    """

    def __init__(
        self,
        *,
        C: float = 1.0,
        views: str = "words+chars",
        calibrate: bool = True,
        folds: int = 5,
        seed: int = 0,
    ) -> None:
        self.C = C
        self.views = views
        self.calibrate = calibrate
        self.folds = folds
        self.seed = seed

    def _check_params(self) -> None:
        if not isinstance(self.C, int | float) or self.C <= 0:
            raise invalid_parameter(self, "C", "a positive float", self.C)
        if self.views not in ("words", "chars", "words+chars"):
            raise invalid_parameter(
                self, "views", "one of 'words', 'chars', 'words+chars'", self.views
            )
        if not isinstance(self.folds, int) or self.folds < 2:
            raise invalid_parameter(self, "folds", "an int of at least 2", self.folds)

    def _classifier(self) -> Any:
        from sklearn.svm import LinearSVC

        return LinearSVC(C=self.C, random_state=self.seed)

    def _fit_raw(self, texts: Sequence[str], labels: Sequence[str]) -> Any:
        from sklearn.pipeline import make_pipeline

        pipeline = make_pipeline(features(self.views), self._classifier())
        pipeline.fit(list(texts), list(labels))
        return pipeline

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> TagSuggester:
        """Learn from tagged examples: ``texts[i]`` is tagged ``labels[i]``.

        Raises:
            InvalidParameterError: a bad hyper-parameter, fewer than two nodes with
                examples, or texts and labels of different lengths.
        """
        self._check_params()
        if len(texts) != len(labels):
            raise invalid_parameter(
                self, "labels", f"a sequence of {len(texts)} labels", len(labels)
            )
        nodes = sorted(set(labels))
        if len(nodes) < 2:
            raise invalid_parameter(
                self, "labels", "examples of at least two nodes", nodes
            )
        self.pipeline_ = self._fit_raw(texts, labels)
        self.classes_ = [str(c) for c in self.pipeline_.classes_]
        self.calibration_ = (
            self._calibrate(texts, labels)
            if self.calibrate
            else Calibration(1.0, 0, float("nan"), float("nan"))
        )
        return self

    def _calibrate(self, texts: Sequence[str], labels: Sequence[str]) -> Calibration:
        """The temperature minimising the log-loss of cross-validated training logits.

        Folds are stratified when every node has at least ``folds`` examples; otherwise
        plain shuffled folds, and a held-out example whose node its fold's model never
        saw is left out of the loss (nothing could have scored it). Fewer folds would
        train each fold's model on too little: its margins come out weaker than the
        final model's, and the temperature learnt from them over-confident.
        """
        from sklearn.model_selection import KFold, StratifiedKFold

        y = np.asarray(labels)
        smallest = min(int((y == c).sum()) for c in self.classes_)
        folds = min(self.folds, len(y))
        splitter: Any = (
            StratifiedKFold(n_splits=folds, shuffle=True, random_state=self.seed)
            if smallest >= folds
            else KFold(n_splits=folds, shuffle=True, random_state=self.seed)
        )
        logits = np.zeros((len(y), len(self.classes_)), dtype=np.float64)
        scored = np.zeros(len(y), dtype=bool)
        # the fitted TF-IDF is reused across folds: its document frequencies see the
        # held-out texts but never their labels, and the folds cost one fit each
        x = self.pipeline_[0].transform(list(texts))
        for train, test in splitter.split(np.zeros(len(y)), y):
            seen = set(y[train].tolist())
            if len(seen) < 2:
                continue
            model = self._classifier().fit(x[train], y[train])
            columns = [self.classes_.index(str(c)) for c in model.classes_]
            block = np.full((len(test), len(self.classes_)), -1e3)
            block[:, columns] = _logits(model, x[test])
            logits[test] = block
            scored[test] = [label in seen for label in y[test]]
        if scored.sum() < 2:
            return Calibration(1.0, 0, float("nan"), float("nan"))
        truth = np.array([self.classes_.index(str(c)) for c in y[scored]])
        held = logits[scored]

        def loss(temperature: float) -> float:
            p = softmax(held / temperature)
            return float(
                -np.mean(np.log(np.clip(p[np.arange(len(truth)), truth], 1e-12, 1)))
            )

        losses = [loss(t) for t in _TEMPERATURES]
        best = int(np.argmin(losses))
        return Calibration(float(_TEMPERATURES[best]), folds, loss(1.0), losses[best])

    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        """The logits before calibration: one row per text, one column per node."""
        check_fitted(self, "pipeline_")
        return _logits(self.pipeline_, list(texts))

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated scores: one row per text, one column per node of ``classes_``."""
        logits = self.decision_function(texts)
        return softmax(logits / self.calibration_.temperature)

    def predict(self, texts: Sequence[str]) -> list[str]:
        """The best node of each text."""
        proba = self.predict_proba(texts)
        return [self.classes_[i] for i in proba.argmax(axis=1)]


def _logits(model: Any, texts: Any) -> np.ndarray:
    """One logit per class (a two-class model gives one for the second: split it)."""
    logits = np.asarray(model.decision_function(texts), float)
    if logits.ndim == 1:
        logits = np.column_stack([-logits / 2, logits / 2])
    return logits


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax of logits."""
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return out


def expected_calibration_error(
    confidence: np.ndarray, correct: np.ndarray, *, bins: int = 10
) -> float:
    """ECE of top-1 confidences: the mean gap between confidence and accuracy over
    equal-width bins, weighted by the bin's share of predictions."""
    confidence = np.asarray(confidence, float)
    correct = np.asarray(correct, float)
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for i in range(bins):
        low, high = edges[i], edges[i + 1]
        inside = (confidence > low) & (confidence <= high)
        if i == 0:
            inside |= confidence == 0
        if inside.any():
            gap = abs(confidence[inside].mean() - correct[inside].mean())
            total += gap * inside.mean()
    return total
