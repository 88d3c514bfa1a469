"""The IPC suggester: TF-IDF text features, a centroid and a linear scorer per class,
combined and calibrated on documents held out by filing year.

**Features.** Chinese (and any CJK) text becomes its single characters and character
pairs; English text its lower-cased, Snowball-stemmed words without stop words (the
stemmer full-text search uses). Each feature is weighted by ``1 + log(tf)`` × smoothed
IDF and each text's vector is L2-normalised (TF-IDF). Character n-grams need no
dictionary and no segmentation pass over every abstract.

**Classes.** Each IPC subclass (and, for ``level="group"``, each main group) with at
least ``min_documents`` training documents is predicted; the others are listed in
``rare_`` with their counts. A document counts for **every** class it is classified in
(multi-label).

**Scorers** (``method``). ``centroid``: the cosine with the class's centroid (the
normalised sum of its documents' vectors, Rocchio). ``linear``: the margin of a linear
SVM per subclass, one against the rest (hinge loss, SGD), small weights dropped so the
model stays sparse. ``combined`` (default): both, for subclasses; main groups — thousands,
most with few documents — always use the centroid alone. The linear scorer is the better
one where classes have many documents, the centroid where they have few; ``python -m
bench ipc`` measures the three side by side (figures in ``docs/ipc.md``).

**Scores.** One logistic curve per level turns the raw scores into a probability (Platt
scaling): it is fitted on the titles of the latest fifth of the dated training documents,
scored by scorers learned from the earlier ones, over the ten best classes of each scorer.
For ``combined`` the same fit weighs the cosine against the margin, so the combination is
learned. ``score`` is the estimated probability that the class is among the IPC classes of
a document with this title; the final weights are folded into one sparse matrix and one
bias per class, so scoring is one sparse product and the order of the scores is the order
of the combined raw score. With too few dated documents the score is the cosine,
uncalibrated (``calibrated_`` is False).
"""

from __future__ import annotations

import math
import operator
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp
from scipy.special import expit

from patnav.errors import InputError
from patnav.models.base import check_fitted, invalid_parameter
from patnav.models.ipc.corpus import Sample, TrainingSet
from patnav.text.matching import CJK_RANGES, LATIN_RANGES
from patnav.text.segmentation import english_tokens

Level = Literal["subclass", "group"]
LEVELS: tuple[Level, ...] = ("subclass", "group")

_CJK_RUN = re.compile(f"[{CJK_RANGES}]+")
_LATIN = re.compile(f"[{LATIN_RANGES}]")
_LETTER = re.compile(r"[^\W\d_]")
METHODS = ("combined", "linear", "centroid")
SGD_ALPHA = 1e-5
SGD_EPOCHS = 5
PRUNE = 1e-3
"""Linear weights smaller than this are dropped (measured: no change in top-3)."""
CALIBRATION_SHARE = 0.2
"""Share of the dated training documents (the latest) held out to fit the score curve."""
CALIBRATION_CANDIDATES = 10
"""Classes per held-out title whose (cosine, is-a-label) pairs fit the score curve."""


def text_features(text: str) -> list[str]:
    """The features of a text: CJK characters and character pairs, English stems."""
    out: list[str] = []
    for run in _CJK_RUN.findall(text):
        out.extend(run)
        out.extend(map(operator.add, run, run[1:]))
    out.extend(english_tokens(text))
    return out


def check_script(text: str) -> None:
    """Refuse a text the model cannot read: empty, or with no Chinese or Latin letters.

    Raises:
        InputError: what was wrong and what to give instead.
    """
    if not text or not text.strip():
        raise InputError(
            "文本为空：请给出一段中文或英文文本（标题、摘要或产品描述）。"
            "(The text is empty: give a Chinese or English title, abstract or product "
            "description.)"
        )
    if not _CJK_RUN.search(text) and not any(
        _LATIN.match(c) and _LETTER.match(c) for c in text
    ):
        raise InputError(
            f"无法识别文本的文字：{text[:40]!r} 中既没有汉字也没有拉丁字母，IPC 推荐只读中文和"
            "英文。(The text has neither Chinese characters nor Latin letters: IPC "
            "suggestion reads Chinese and English text.)"
        )


@dataclass(frozen=True, slots=True)
class _Parts:
    """One level's classes and scorers before they are combined into one matrix."""

    classes: tuple[str, ...]
    documents: tuple[int, ...]
    rare: dict[str, int]
    centroids: sp.csr_matrix
    linear: tuple[sp.csr_matrix, np.ndarray] | None

    def inputs(self, x: sp.csr_matrix, method: str) -> list[np.ndarray]:
        """The raw scores the method combines, for vectors ``x`` (each texts × classes):
        the cosine with the centroids and/or the linear margin."""
        cosine = np.asarray((x @ self.centroids.T).toarray(), dtype=np.float64)
        if self.linear is None or method == "centroid":
            return [cosine]
        w, b = self.linear
        margin = np.asarray((x @ w.T).toarray() + b, dtype=np.float64)
        return [margin] if method == "linear" else [cosine, margin]


class IpcSuggester:
    """Suggests IPC subclasses and main groups for a text, learned from a store's own
    classified documents (scikit-learn conventions: :mod:`patnav.models.base`).

    Args:
        min_documents: a class is predicted only when at least this many training
            documents carry it; the others are reported in ``rare_``.
        min_df: a feature is kept only when at least this many samples hold it.
        method: ``combined`` (default), ``linear`` or ``centroid`` (module docstring).
        max_negatives: each linear scorer learns from its class's samples and at most
            this many others, drawn at random and weighted up (measured on the exports:
            30,000 instead of all ~48,000 cost 1 point of top-1 and saved a third of
            the training time).
        calibrate: fit the score curve on documents held out by year (else the score
            is the cosine itself, still monotone but no probability).
    """

    def __init__(
        self,
        *,
        min_documents: int = 5,
        min_df: int = 2,
        method: str = "combined",
        max_negatives: int = 100_000,
        calibrate: bool = True,
    ) -> None:
        self.min_documents = min_documents
        self.min_df = min_df
        self.method = method
        self.max_negatives = max_negatives
        self.calibrate = calibrate

    # -- fitting ---------------------------------------------------------------------

    def fit(self, training: TrainingSet) -> IpcSuggester:
        """Learn the vocabulary, IDF, class profiles and score curves; returns self."""
        if not isinstance(self.min_documents, int) or self.min_documents < 1:
            raise invalid_parameter(
                self, "min_documents", "an int >= 1", self.min_documents
            )
        if not isinstance(self.min_df, int) or self.min_df < 1:
            raise invalid_parameter(self, "min_df", "an int >= 1", self.min_df)
        if not isinstance(self.max_negatives, int) or self.max_negatives < 1:
            raise invalid_parameter(
                self, "max_negatives", "an int >= 1", self.max_negatives
            )
        if self.method not in METHODS:
            raise invalid_parameter(
                self, "method", f"one of {', '.join(METHODS)}", self.method
            )
        if not training.samples:
            raise InputError(
                "没有可学习的文献：训练集中没有带标题或摘要且带 IPC 分类号的文献。"
                "(No training documents: none has a title or abstract and IPC codes.)"
            )
        x = self._fit_features(training)
        parts = self._parts(x, training.samples)
        fitted = self._held_out_fit(training, x) if self.calibrate else None
        self.calibrated_ = fitted is not None
        self._assemble(parts, fitted)
        return self

    def _fit_features(self, training: TrainingSet) -> sp.csr_matrix:
        """Vocabulary and IDF; returns the samples' TF-IDF vectors."""
        from sklearn.feature_extraction.text import CountVectorizer

        samples = training.samples
        counter = CountVectorizer(
            analyzer=text_features, min_df=self.min_df, dtype=np.float32
        )
        counts = sp.csr_matrix(counter.fit_transform([s.text for s in samples]))
        self.vocabulary_ = {str(t): int(i) for t, i in counter.vocabulary_.items()}
        n = len(samples)
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        self.idf_ = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)
        counts.data = 1.0 + np.log(counts.data)
        self.documents_ = training.documents
        self.samples_ = n
        return _normalize_rows(sp.csr_matrix(counts @ sp.diags(self.idf_)))

    def _parts(
        self, x: sp.csr_matrix, samples: Sequence[Sample]
    ) -> dict[Level, _Parts]:
        """Each level's classes and the scorers the method needs, from vectors ``x``."""
        out: dict[Level, _Parts] = {}
        for level in LEVELS:
            labels = [
                s.subclasses if level == "subclass" else s.groups for s in samples
            ]
            docs: dict[str, set[str]] = {}
            for s, codes in zip(samples, labels, strict=True):
                for code in codes:
                    docs.setdefault(code, set()).add(s.doc_id)
            kept = sorted(c for c, d in docs.items() if len(d) >= self.min_documents)
            membership = _membership(labels, kept)
            centroids = _normalize_rows(sp.csr_matrix(membership @ x))
            linear = None
            if self.method != "centroid" and level == "subclass":
                linear = _linear(x, membership, self.max_negatives)
            out[level] = _Parts(
                classes=tuple(kept),
                documents=tuple(len(docs[c]) for c in kept),
                rare={
                    c: len(d)
                    for c, d in sorted(docs.items())
                    if len(d) < self.min_documents
                },
                centroids=centroids,
                linear=linear,
            )
        return out

    def _held_out_fit(
        self, training: TrainingSet, x: sp.csr_matrix
    ) -> dict[Level, tuple[np.ndarray, float]] | None:
        """Per level, the logistic curve P(class is a label | raw scores) fitted on the
        titles of the latest dated documents, scored by scorers learned from the earlier
        ones (None: too few dated documents to hold out). Its inputs are the cosine
        (centroid), the margin (linear) or both (combined)."""
        dated = sorted({(s.year, s.doc_id) for s in training.samples if s.year})
        if len(dated) < 200:
            return None
        cut = dated[int(len(dated) * (1 - CALIBRATION_SHARE))][0]
        rows = [
            i
            for i, s in enumerate(training.samples)
            if s.year is not None and s.year < cut
        ]
        earlier = [training.samples[i] for i in rows]
        later = [
            s
            for s in training.samples
            if s.year is not None and s.year >= cut and s.title
        ]
        if len({s.doc_id for s in earlier}) < 100 or not later:
            return None
        # the probe shares the full vocabulary and IDF (no label crosses the cut)
        parts = self._parts(sp.csr_matrix(x[rows]), earlier)
        probe_x = self._matrix([text_features(s.title or s.text) for s in later])
        fitted: dict[Level, tuple[np.ndarray, float]] = {}
        for level in LEVELS:
            part = parts[level]
            if not part.classes:
                fitted[level] = (np.ones(1), 0.0)
                continue
            inputs = part.inputs(probe_x, self.method)
            k = min(CALIBRATION_CANDIDATES, len(part.classes))
            chosen = np.concatenate(
                [np.argpartition(-m, k - 1, axis=1)[:, :k] for m in inputs], axis=1
            )
            values, hits = [], []
            for i, (row, s) in enumerate(zip(chosen, later, strict=True)):
                truth = set(s.subclasses if level == "subclass" else s.groups)
                for j in dict.fromkeys(row.tolist()):
                    values.append([m[i, j] for m in inputs])
                    hits.append(part.classes[j] in truth)
            fitted[level] = _logistic(
                np.array(values, dtype=np.float64), np.array(hits, dtype=bool)
            )
        return fitted

    def _assemble(
        self,
        parts: dict[Level, _Parts],
        fitted: dict[Level, tuple[np.ndarray, float]] | None,
    ) -> None:
        """One sparse weight matrix and bias per level: the fitted combination of the
        level's scorers, so that scoring is one product and one logistic curve."""
        self.classes_: dict[Level, tuple[str, ...]] = {}
        self.class_documents_: dict[Level, tuple[int, ...]] = {}
        self.profiles_: dict[Level, sp.csr_matrix] = {}
        self.biases_: dict[Level, np.ndarray] = {}
        self.rare_: dict[Level, dict[str, int]] = {}
        self.curves_: dict[Level, tuple[float, float]] = {}
        self.__dict__.pop("_by_feature_cache", None)  # built from the old weights
        for level in LEVELS:
            part = parts[level]
            self.classes_[level] = part.classes
            self.class_documents_[level] = part.documents
            self.rare_[level] = part.rare
            zeros = np.zeros(len(part.classes), dtype=np.float32)
            bias: np.ndarray
            if fitted is not None:
                coefs, intercept = fitted[level]
            elif part.linear is not None and self.method == "linear":
                coefs, intercept = np.ones(1), 0.0
            else:  # uncalibrated: the cosine alone (combined needs held-out weights)
                coefs, intercept = np.array([1.0, 0.0]), 0.0
            if part.linear is None or self.method == "centroid":
                weights, bias = part.centroids * float(coefs[0]), zeros
            elif self.method == "linear":
                w, b = part.linear
                weights, bias = w * float(coefs[0]), b * float(coefs[0])
            else:
                w, b = part.linear
                weights = part.centroids * float(coefs[0]) + w * float(coefs[1])
                bias = b * float(coefs[1])
            self.profiles_[level] = sp.csr_matrix(weights, dtype=np.float32)
            self.biases_[level] = np.asarray(bias, dtype=np.float32)
            self.curves_[level] = (1.0, float(intercept))

    # -- scoring ---------------------------------------------------------------------

    def _matrix(self, features: Sequence[Sequence[str]]) -> sp.csr_matrix:
        vocabulary = self.vocabulary_
        indptr = [0]
        indices: list[int] = []
        data: list[float] = []
        for f in features:
            counts = Counter(vocabulary[t] for t in f if t in vocabulary)
            indices.extend(counts)
            data.extend(1.0 + math.log(c) for c in counts.values())
            indptr.append(len(indices))
        x = sp.csr_matrix(
            (
                np.array(data, dtype=np.float32),
                np.array(indices, dtype=np.int64),
                np.array(indptr, dtype=np.int64),
            ),
            shape=(len(features), len(vocabulary)),
        )
        x = x @ sp.diags(self.idf_)
        return _normalize_rows(sp.csr_matrix(x))

    def known_features(self, text: str) -> int:
        """How many of the text's features the model has seen in training."""
        check_fitted(self, "vocabulary_")
        return sum(1 for t in text_features(text) if t in self.vocabulary_)

    def _by_feature(self, level: Level) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """The level's weights transposed (features × classes) and their non-zero
        pattern, built once: a text's product then reads only its own features' rows,
        not the whole matrix (a few milliseconds, not hundreds)."""
        cache: dict[Level, tuple[sp.csr_matrix, sp.csr_matrix]] = (
            self.__dict__.setdefault("_by_feature_cache", {})
        )
        if level not in cache:
            weights = sp.csr_matrix(self.profiles_[level].T)
            weights.eliminate_zeros()
            pattern = weights.copy()
            pattern.data = np.ones_like(pattern.data)
            cache[level] = (weights, pattern)
        return cache[level]

    def raw_scores(self, texts: Sequence[str], level: Level) -> np.ndarray:
        """The raw score of each class of ``level`` for each text (texts × classes):
        the weighted combination of cosine and margin the level's weights hold."""
        check_fitted(self, "profiles_")
        x = self._matrix([text_features(t) for t in texts])
        weights, _ = self._by_feature(level)
        raw = (x @ weights).toarray() + self.biases_[level]
        return np.asarray(raw, dtype=np.float64)

    def probabilities(self, texts: Sequence[str], level: Level) -> np.ndarray:
        """The calibrated score of each class for each text (texts × classes)."""
        a, b = self.curves_[level]
        return np.asarray(expit(a * self.raw_scores(texts, level) + b))

    def top(
        self, texts: Sequence[str], level: Level, k: int
    ) -> list[list[tuple[str, float]]]:
        """The ``k`` best classes of each text with their scores, best first. A class
        whose weights share no feature with the text is never listed: nothing in the
        text speaks for it."""
        check_fitted(self, "profiles_")
        classes = self.classes_[level]
        x = self._matrix([text_features(t) for t in texts])
        weights, pattern = self._by_feature(level)
        raw = np.asarray(
            (x @ weights).toarray() + self.biases_[level], dtype=np.float64
        )
        present = x.copy()
        present.data = np.ones_like(present.data)
        shared = np.asarray((present @ pattern).toarray()) > 0
        a, b = self.curves_[level]
        out = []
        for row, ok in zip(raw, shared, strict=True):
            masked = np.where(ok, row, -np.inf)
            order = [j for j in np.argsort(-masked, kind="stable")[:k] if ok[j]]
            out.append([(classes[j], float(expit(a * row[j] + b))) for j in order])
        return out


def _normalize_rows(x: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ x, dtype=np.float32)


def _membership(
    labels: Sequence[Iterable[str]], classes: Sequence[str]
) -> sp.csr_matrix:
    """Which samples carry each class (classes × samples, 1 where they do)."""
    index = {c: i for i, c in enumerate(classes)}
    rows, cols = [], []
    for i, codes in enumerate(labels):
        for code in codes:
            j = index.get(code)
            if j is not None:
                rows.append(j)
                cols.append(i)
    return sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)),
        shape=(len(classes), len(labels)),
    )


def _linear(
    x: sp.csr_matrix, membership: sp.csr_matrix, max_negatives: int
) -> tuple[sp.csr_matrix, np.ndarray]:
    """One linear SVM per class against all others (hinge loss, SGD), its weights
    below :data:`PRUNE` dropped so the model stays sparse. A class learns from all its
    samples and at most ``max_negatives`` others drawn at random (fixed seed),
    weighted up to stand for all of them: past that size, the cost per class stops
    growing with the store."""
    from sklearn.linear_model import SGDClassifier

    rows = []
    bias = np.zeros(membership.shape[0], dtype=np.float32)
    member = membership.tocsr()
    n = x.shape[0]
    rng = np.random.default_rng(0)
    for j in range(membership.shape[0]):
        positives = member.indices[member.indptr[j] : member.indptr[j + 1]]
        if len(positives) >= n:  # a class every sample carries: always first
            rows.append(sp.csr_matrix((1, x.shape[1]), dtype=np.float32))
            bias[j] = 1.0
            continue
        negatives = np.setdiff1d(np.arange(n), positives, assume_unique=True)
        weight = 1.0
        if len(negatives) > max_negatives:
            weight = len(negatives) / max_negatives
            negatives = np.sort(rng.choice(negatives, max_negatives, replace=False))
        chosen = np.concatenate([positives, negatives])
        y = np.zeros(len(chosen), dtype=np.int8)
        y[: len(positives)] = 1
        weights = np.ones(len(chosen))
        weights[len(positives) :] = weight
        fit = SGDClassifier(
            loss="hinge", alpha=SGD_ALPHA, max_iter=SGD_EPOCHS, tol=None, random_state=0
        ).fit(x[chosen], y, sample_weight=weights)
        w = fit.coef_[0].astype(np.float32)
        w[np.abs(w) < PRUNE] = 0.0
        rows.append(sp.csr_matrix(w))
        bias[j] = float(fit.intercept_[0])
    weights_ = sp.vstack(rows, format="csr") if rows else sp.csr_matrix((0, x.shape[1]))
    return sp.csr_matrix(weights_, dtype=np.float32), bias


def _logistic(values: np.ndarray, hits: np.ndarray) -> tuple[np.ndarray, float]:
    """Coefficients and intercept of the logistic curve P(hit | raw scores) (``values``:
    one row per candidate, one column per raw score), fitted by Newton's method with
    backtracking on the log-loss — Platt scaling, with Platt's smoothed targets so that
    a perfectly separated sample still gives a finite curve."""
    values = values.reshape(len(hits), -1)
    positives = int(hits.sum())
    negatives = len(hits) - positives
    if positives == 0 or negatives == 0:
        return np.ones(values.shape[1]), 0.0
    target = np.where(hits, (positives + 1) / (positives + 2), 1 / (negatives + 2))
    design = np.hstack([values, np.ones((len(hits), 1))])

    def loss(theta: np.ndarray) -> float:
        z = design @ theta
        # log(1 + e^z) - t z, computed without overflow
        return float(np.sum(np.logaddexp(0.0, z) - target * z))

    theta = np.zeros(design.shape[1])
    theta[-1] = np.log((positives + 1) / (negatives + 1))
    current = loss(theta)
    for _ in range(100):
        p = expit(design @ theta)
        w = np.maximum(p * (1 - p), 1e-12)
        g = design.T @ (p - target)
        h = design.T @ (design * w[:, None]) + 1e-9 * np.eye(design.shape[1])
        step = np.linalg.solve(h, g)
        t = 1.0
        while t > 1e-10:
            candidate_theta = theta - t * step
            candidate = loss(candidate_theta)
            if candidate <= current - 1e-4 * t * float(g @ step):
                break
            t /= 2
        else:
            break
        converged = abs(current - candidate) < 1e-10 * max(1.0, abs(current))
        theta, current = candidate_theta, candidate
        if converged:
            break
    return theta[:-1], float(theta[-1])
