"""Claim elements against a hand-segmented gold set, and throughput (issue 16).

Quality: ``tests/data/claim_elements/gold.jsonl`` — 41 real claims (16 CNIPA, 15 USPTO,
10 EPO) segmented by hand (see the README there). For patnav's segmenter
(:func:`patnav.text.claim_elements.split_claim`) and a baseline that splits at every
``；`` ``;`` ``，`` ``,`` (its preamble is the first piece; its antecedent for a mention is
the piece before the mention's piece), in the same run:

- element boundaries: precision / recall / F1 of element start and end offsets (micro, over
  all claims), and of exact element spans;
- preamble split accuracy: the text before the transition (a dependent claim's reference and
  subject) equals the gold preamble, after stripping punctuation;
- parent accuracy (dependent claims' numbers; the baseline has none);
- reference resolution accuracy: for each gold mention (所述X / said X / the X), the
  predicted antecedent lies in the same gold element as the gold antecedent; a mention
  whose antecedent is in a parent claim is right when nothing in the claim is chosen.

Speed: every claim of the real CNIPA, EPO and USPTO XML files (read by patnav's readers),
split repeatedly; claims per second on one core.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.common import DATA_DIR, REPO

GOLD = REPO / "tests" / "data" / "claim_elements" / "gold.jsonl"
_STRIP = " \t\r\n　，,；;。.：:、"


def load_gold(path: Path = GOLD) -> list[dict]:
    """The gold claims, one dict per line."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _nth(text: str, s: str, n: int) -> int:
    pos = -1
    for _ in range(n):
        pos = text.find(s, pos + 1)
        if pos < 0:
            raise ValueError(f"{s!r} occurs fewer than {n} times")
    return pos


def gold_spans(item: dict) -> list[tuple[int, int]]:
    """The gold elements as (start, end) offsets, found in order in the text."""
    spans, cur = [], 0
    for element in item["elements"]:
        p = item["text"].find(element, cur)
        if p < 0:
            raise ValueError(f"{item['id']}: {element!r} not in the text")
        spans.append((p, p + len(element)))
        cur = p + len(element)
    return spans


@dataclass(frozen=True)
class Prediction:
    """What a segmenter says about one claim."""

    spans: list[tuple[int, int]]
    preamble: str | None
    parents: list[int] | None
    antecedent_at: Callable[[int], int | None]
    """Mention start -> the start of the antecedent the segmenter chose, or None."""


def predict_patnav(item: dict) -> Prediction:
    from patnav.text.claim_elements import split_claim

    ce = split_claim(item["text"], item["lang"], num=item["claim"])
    head = ce.part("preamble") or ce.part("reference")
    preamble = ce.text[head.start : head.end].strip(_STRIP) if head else None
    chosen = {r.start: r.antecedent_start for r in ce.references}
    return Prediction(
        [(e.start, e.end) for e in ce.elements],
        preamble or None,
        list(ce.parents),
        lambda p: chosen.get(p),
    )


def predict_baseline(item: dict) -> Prediction:
    text = item["text"]
    spans = []
    prev = 0
    for m in re.finditer(r"[；;，,]", text + "；"):
        s, e = prev, m.start()
        while s < e and text[s] in _STRIP:
            s += 1
        while e > s and text[e - 1] in _STRIP:
            e -= 1
        if e > s:
            spans.append((s, e))
        prev = m.end()

    def antecedent(p: int) -> int | None:
        for i, (s, e) in enumerate(spans):
            if s <= p < e:
                return spans[i - 1][0] if i > 0 else None
        return None

    preamble = text[spans[0][0] : spans[0][1]] if len(spans) > 1 else None
    return Prediction(spans, preamble, None, antecedent)


@dataclass(frozen=True)
class Scores:
    """Quality of one segmenter on the gold set."""

    claims: int
    boundary_p: float
    boundary_r: float
    boundary_f1: float
    span_f1: float
    preamble_acc: float
    parents_acc: float | None
    reference_acc: float
    references: int

    def row(self, name: str) -> str:
        parents = "-" if self.parents_acc is None else f"{self.parents_acc:.3f}"
        return (
            f"{name:<10} {self.boundary_p:6.3f} {self.boundary_r:6.3f} "
            f"{self.boundary_f1:6.3f} {self.span_f1:6.3f} {self.preamble_acc:8.3f} "
            f"{parents:>7} {self.reference_acc:6.3f} ({self.references})"
        )


def _f1(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(gold: list[dict], predict: Callable[[dict], Prediction]) -> Scores:
    """Score one segmenter on the gold claims."""
    tp = n_pred = n_gold = 0
    span_tp = span_pred = span_gold = 0
    preamble_ok = parents_ok = parents_n = 0
    ref_ok = ref_n = 0
    for item in gold:
        text = item["text"]
        g = gold_spans(item)
        pred = predict(item)
        gb = {x for s in g for x in s}
        pb = {x for s in pred.spans for x in s}
        tp += len(gb & pb)
        n_pred += len(pb)
        n_gold += len(gb)
        span_tp += len(set(g) & set(pred.spans))
        span_pred += len(pred.spans)
        span_gold += len(g)
        gp = (item["preamble"] or "").strip(_STRIP) or None
        preamble_ok += (pred.preamble or None) == gp
        if pred.parents is not None:
            parents_n += 1
            parents_ok += sorted(pred.parents) == sorted(item["parents"])

        def gold_element(pos: int, spans: list[tuple[int, int]] = g) -> int | None:
            return next((i for i, (s, e) in enumerate(spans) if s <= pos < e), None)

        for ref in item["references"]:
            ref_n += 1
            at = _nth(text, ref["mention"], ref["nth"])
            chosen = pred.antecedent_at(at)
            if ref["antecedent"] is None:
                ref_ok += chosen is None
                continue
            want = gold_element(_nth(text, ref["antecedent"], ref["antecedent_nth"]))
            ref_ok += chosen is not None and gold_element(chosen) == want
    p, r, f = _f1(tp, n_pred, n_gold)
    return Scores(
        claims=len(gold),
        boundary_p=p,
        boundary_r=r,
        boundary_f1=f,
        span_f1=_f1(span_tp, span_pred, span_gold)[2],
        preamble_acc=preamble_ok / len(gold),
        parents_acc=parents_ok / parents_n if parents_n else None,
        reference_acc=ref_ok / ref_n if ref_n else 0.0,
        references=ref_n,
    )


def real_claims() -> list[tuple[str, str | None, int]]:
    """Every claim of the real CNIPA, EPO and USPTO XML files, through patnav's readers."""
    from patnav.ingest.base import ReadOptions, file_source
    from patnav.ingest.readers import cnipa_xml, epo_xml, uspto_xml

    formats = DATA_DIR / "formats"
    files = [
        (cnipa_xml, sorted((formats / "cnipa-xml").glob("*.[xX][mM][lL]"))),
        (epo_xml, sorted((formats / "epo-xml").glob("*.xml"))),
        (
            uspto_xml,
            sorted((formats / "uspto-xml" / "patentsview-weekly").glob("ip*.xml")),
        ),
    ]
    out = []
    for reader, paths in files:
        for path in paths:
            for item in reader.read(file_source(path), ReadOptions()):
                record = getattr(item, "record", item)
                for claim in getattr(record, "claim_items", ()):
                    out.append((claim.text, claim.lang, claim.num))
    return out


def main() -> None:
    from patnav.text.claim_elements import split_claim

    gold = load_gold()
    langs: dict[str, int] = {}
    for item in gold:
        langs[item["id"][:2]] = langs.get(item["id"][:2], 0) + 1
    print(
        f"gold: {len(gold)} hand-segmented real claims "
        + ", ".join(f"{k.upper()} {v}" for k, v in sorted(langs.items()))
    )
    print(
        f"{'':<10} {'bnd P':>6} {'bnd R':>6} {'bnd F1':>6} {'spanF1':>6} "
        f"{'preamble':>8} {'parents':>7} {'refs':>6}"
    )
    for name, fn in (("patnav", predict_patnav), ("baseline", predict_baseline)):
        print(score(gold, fn).row(name))
    for lang in ("cn", "ep", "us"):
        part = [g for g in gold if g["id"].startswith(lang)]
        print(score(part, predict_patnav).row(f"  {lang}"))

    claims = real_claims()
    split_claim(claims[0][0], claims[0][1], num=claims[0][2])  # warm the regexes
    rounds = 3
    started = time.perf_counter()
    chars = 0
    for _ in range(rounds):
        for text, lang, num in claims:
            split_claim(text, lang, num=num)
            chars += len(text)
    seconds = time.perf_counter() - started
    n = len(claims) * rounds
    print(
        f"throughput: {len(claims):,} real claims (CNIPA, EPO, USPTO XML) x {rounds}: "
        f"{n / seconds:,.0f} claims/s, {chars / seconds / 1e6:.2f} M chars/s on one core; "
        f"1 M claims ~ {1e6 / (n / seconds) / 60:.1f} min"
    )
