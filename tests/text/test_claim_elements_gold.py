"""Claim elements against the hand-segmented gold set (issue 16).

The gold (tests/data/claim_elements/gold.jsonl, see its README) was segmented by hand from
real claims; these tests check that it is what it says (real text of the named files) and
that patnav's segmenter beats the split-at-every-comma baseline on it, then pin a few
behaviours on named gold claims.
"""

from __future__ import annotations

import html
import itertools
import json
import re
from pathlib import Path

import pytest
from bench.claim_elements import (
    GOLD,
    gold_spans,
    load_gold,
    predict_baseline,
    predict_patnav,
    score,
)

from patnav.text.claim_elements import split_claim


@pytest.fixture(scope="module")
def gold():
    return load_gold()


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_gold_is_at_least_40_real_claims_of_three_offices(gold, data_dir):
    assert len(gold) >= 40
    offices = {item["pub_number"][:2] for item in gold}
    assert offices == {"CN", "EP", "US"}
    assert sum(item["pub_number"].startswith("CN") for item in gold) >= 15
    assert sum(item["pub_number"].startswith("US") for item in gold) >= 15
    assert sum(item["pub_number"].startswith("EP") for item in gold) >= 10
    raw_cache: dict[Path, str] = {}
    for item in gold:
        path = data_dir / item["source"]
        if path not in raw_cache:
            raw = path.read_text("utf-8", errors="replace")
            raw_cache[path] = _squash(html.unescape(re.sub(r"<[^>]+>", "", raw)))
        # the claim text is in the named file (tags and line breaks aside)
        assert _squash(item["text"]) in raw_cache[path], item["id"]
        # every gold element is a piece of the claim, in order, never overlapping
        spans = gold_spans(item)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
        if item["preamble"] is not None:
            assert item["elements"][0] == item["preamble"] or item["text"].startswith(
                item["elements"][0]
            )


def test_segmenter_beats_the_comma_baseline_on_the_gold(gold):
    ours = score(gold, predict_patnav)
    base = score(gold, predict_baseline)
    assert ours.boundary_f1 > base.boundary_f1 + 0.1
    assert ours.span_f1 > base.span_f1 + 0.2
    assert ours.preamble_acc > base.preamble_acc
    assert ours.reference_acc > base.reference_acc + 0.3
    assert ours.parents_acc is not None and ours.parents_acc >= 0.9


def test_each_office_beats_the_baseline_on_its_own(gold):
    for prefix in ("cn", "ep", "us"):
        part = [g for g in gold if g["id"].startswith(prefix)]
        assert (
            score(part, predict_patnav).boundary_f1
            > score(part, predict_baseline).boundary_f1
        ), prefix


def _item(gold, key):
    return next(g for g in gold if g["id"] == key)


def test_enumerated_steps_become_elements_with_their_markers(gold):
    item = _item(gold, "cn-15")  # (ⅰ)～(ⅲ) steps of CN104245682A claim 1
    ce = split_claim(item["text"], "zh", num=1)
    assert [e.marker for e in ce.features] == ["(ⅰ)", "(ⅱ)", "(ⅲ)"]
    assert ce.form == "two_part" and ce.preamble == item["preamble"]
    us = _item(gold, "us-07")  # a) b) of USH2140H1 claim 1
    ce = split_claim(us["text"], "en", num=1)
    assert [e.marker for e in ce.features] == ["a)", "b)"]


def test_a_lead_in_that_restates_the_subject_is_not_an_element(gold):
    item = _item(gold, "cn-03")  # …其特征在于，还包括：连接于所述机体(1)的第三驱动机构…
    ce = split_claim(item["text"], "zh", num=7)
    assert all(not e.text.startswith("还包括") for e in ce.elements)
    assert [item["text"][s:e] for s, e in ce.lead_ins] == ["还包括："]
    assert ce.parents == (6,)


def test_a_claim_named_inside_an_element_is_a_parent_but_keeps_its_form(gold):
    item = _item(
        gold, "ep-02"
    )  # A composition comprising an NTP-peptide according to claim 1
    ce = split_claim(item["text"], "en", num=3)
    assert ce.parents == (1,)
    assert ce.form == "open" and ce.preamble == "A composition"


def test_references_point_at_the_introducing_element(gold):
    item = _item(gold, "cn-01")
    ce = split_claim(item["text"], "zh", num=1)
    ref = next(r for r in ce.references if r.mention.startswith("所述第一驱动机构"))
    assert ce.elements[ref.antecedent].text == "连接于所述机架(2)上的第一驱动机构"
    dep = _item(gold, "cn-02")
    ce = split_claim(dep["text"], "zh", num=4)
    first = ce.references[0]
    assert first.term == "第一驱动机构" and first.antecedent is None and first.in_parent


def test_result_serialises_to_plain_json(gold):
    item = _item(gold, "us-05")
    d = split_claim(item["text"], "en", num=1).to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["preamble"] == "A cooking device" and d["form"] == "open"
    assert {"index", "role", "start", "end", "text", "marker"} <= set(d["elements"][1])


def test_gold_file_lives_where_the_benchmark_reads_it():
    assert GOLD.is_file() and GOLD.parent.name == "claim_elements"
