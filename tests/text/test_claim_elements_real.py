"""Claim elements on every real claim of the CNIPA, EPO and USPTO XML files (issue 16).

The claims are read here with lxml, not through patnav's readers, and the structural truths
are checked on patnav's split: parts tile the claim, a 其特征在于 claim has a preamble and a
characterising part, elements never overlap and leave only punctuation and joints between
them, and a dependent claim's parents are the numbers its text (or, for USPTO, its
``<claim-ref idref>`` markup) names.
"""

from __future__ import annotations

import itertools
import random
import re
from functools import lru_cache
from pathlib import Path

import pytest
from lxml import etree

from patnav.text.claim_elements import ClaimElements, split_claim

_LEAD_NUMBER = re.compile(r"^\s*\d{1,3}\s*[.、．]\s*")
_PARSER = etree.XMLParser(
    resolve_entities=False,
    load_dtd=False,
    no_network=True,
    recover=True,
    huge_tree=True,
)


def _clean_zh(text: str) -> str:
    # the old CNIPA standard breaks lines inside words; a line break is not a space
    text = re.sub(r"\s*\n\s*", "", text)
    return _LEAD_NUMBER.sub("", re.sub(r"\s+", " ", text).strip(), count=1)


def _clean_en(text: str) -> str:
    return _LEAD_NUMBER.sub("", re.sub(r"\s+", " ", text).strip(), count=1)


@lru_cache(maxsize=1)
def _cn_claims(data: Path) -> list[tuple[str, int, str]]:
    out = []
    for path in sorted((data / "formats" / "cnipa-xml").iterdir()):
        if path.suffix.lower() != ".xml":
            continue
        root = etree.parse(str(path), _PARSER).getroot()
        claims = root.findall(".//{*}Claim") or root.findall(".//claims/claim")
        for claim in claims:
            texts = claim.findall("{*}ClaimText") or claim.findall("claim-text")
            text = _clean_zh("".join("".join(t.itertext()) for t in texts))
            out.append((path.name, int(claim.get("num")), text))
    return out


@lru_cache(maxsize=1)
def _ep_claims(data: Path) -> list[tuple[str, int, str]]:
    out = []
    for path in sorted((data / "formats" / "epo-xml").glob("*.xml")):
        root = etree.parse(str(path), _PARSER).getroot()
        for block in root.iter("claims"):
            if block.get("lang") != "en":
                continue
            for i, claim in enumerate(block.findall("claim"), start=1):
                text = _clean_en(" ".join(claim.itertext()))
                out.append((path.name, int(claim.get("num") or i), text))
    return out


@lru_cache(maxsize=1)
def _us_claims(data: Path) -> list[tuple[str, int, str, tuple[int, ...]]]:
    """USPTO grant claims with the claim numbers their claim-ref markup points to."""
    out = []
    for path in sorted(
        (data / "formats" / "uspto-xml" / "patentsview-weekly").glob("ipg*.xml")
    ):
        raw = path.read_bytes()
        for doc in re.split(rb"(?=<\?xml )", raw):
            if b"<claims" not in doc:
                continue
            root = etree.fromstring(doc.strip(), _PARSER)
            if root is None:
                continue
            for claim in root.iter("claim"):
                refs = tuple(
                    int(m.group(1))
                    for r in claim.iter("claim-ref")
                    if (m := re.search(r"(\d+)$", r.get("idref") or ""))
                )
                text = _clean_en(" ".join(claim.itertext()))
                out.append((path.name, int(claim.get("num")), text, refs))
    return out


@pytest.fixture(scope="module")
def cn(data_dir):
    claims = _cn_claims(data_dir)
    assert len(claims) >= 85  # 6 documents, 3–43 claims each
    return claims


@pytest.fixture(scope="module")
def ep(data_dir):
    claims = _ep_claims(data_dir)
    assert len(claims) >= 100
    return claims


@pytest.fixture(scope="module")
def us(data_dir):
    claims = _us_claims(data_dir)
    assert len(claims) >= 2000
    return claims


_JOINT = re.compile(
    r"^[\s,;，；。.:：、]*(?:(?:\band\b|\bor\b|\bthen\b|以及|并且)[\s,;，；。.:：、]*)?$",
    re.IGNORECASE,
)


def _check_structure(ce: ClaimElements, where: str) -> None:
    text = ce.text
    # parts tile the text
    assert ce.parts[0].start == 0, where
    assert ce.parts[-1].end == len(text), where
    for a, b in itertools.pairwise(ce.parts):
        assert a.end == b.start, where
    # elements are in order, never overlap, and hold their own text
    for a, b in itertools.pairwise(ce.elements):
        assert a.end <= b.start, (where, a.text, b.text)
    for e in ce.elements:
        assert text[e.start : e.end] == e.text and e.text.strip(), where
    # between elements (and lead-ins) only punctuation, joints and transitions remain
    covered = sorted(
        [(e.start, e.end) for e in ce.elements]
        + list(ce.lead_ins)
        + [(p.start, p.end) for p in ce.parts if p.kind == "transition"]
    )
    lead = _LEAD_NUMBER.match(text)
    pos = lead.end() if lead else 0
    for s, e in covered:
        if s > pos:
            assert _JOINT.match(text[pos:s]), (where, text[pos:s])
        pos = max(pos, e)
    assert _JOINT.match(text[pos:]), (where, text[pos:])


def test_every_real_claim_splits_into_parts_that_tile_it_and_disjoint_elements(
    cn, ep, us
):
    for name, num, text in cn:
        _check_structure(split_claim(text, "zh", num=num), f"{name} claim {num}")
    for name, num, text in ep:
        _check_structure(split_claim(text, "en", num=num), f"{name} claim {num}")
    for name, num, text, _ in us:
        _check_structure(split_claim(text, "en", num=num), f"{name} claim {num}")


def test_cn_independent_claims_with_a_characterising_clause_split_in_two(cn):
    checked = 0
    for name, num, text in cn:
        if "其特征在于" not in text or re.search(r"权利要求\s*\d", text):
            continue
        ce = split_claim(text, "zh", num=num)
        kinds = [p.kind for p in ce.parts]
        assert kinds == ["preamble", "transition", "body"], (name, num, kinds)
        pre, trans, body = ce.parts
        # preamble + 其特征在于 + characterising part is the claim, nothing lost
        assert (
            text[pre.start : pre.end]
            + text[trans.start : trans.end]
            + text[body.start : body.end]
            == text
        )
        assert "其特征在于" in text[trans.start : trans.end]
        assert "其特征在于" not in text[pre.start : pre.end]
        assert ce.form == "two_part"
        assert ce.preamble and ce.characterising, (name, num)
        assert ce.elements[0].role == "preamble"
        assert ce.features, (name, num)
        checked += 1
    assert checked >= 4  # the independent claims of the CN documents


def _named_numbers(text: str, pattern: re.Pattern[str]) -> set[int]:
    m = pattern.search(text)
    if m is None:
        return set()
    fragment = m.group(0)
    numbers = {int(n) for n in re.findall(r"\d+", fragment)}
    for lo, hi in re.findall(
        r"(\d+)\s*(?:至|～|~|-|–|到|to|through)\s*(?:权利要求|claim\s+)?(\d+)", fragment
    ):
        numbers |= set(range(int(lo), int(hi) + 1))
    return numbers


_ZH_NAMED = re.compile(
    r"权利要求\s*\d+(?:\s*(?:至|～|~|-|到|或|和|、|，)\s*(?:权利要求)?\s*\d+)*"
)
_EN_NAMED = re.compile(
    r"\bclaims?\s+\d+(?:\s*(?:,|or|and|to|through|-|–)\s*(?:claim\s+)?\d+)*", re.I
)


def test_cn_dependent_claims_name_their_parents(cn):
    checked = 0
    for name, num, text in cn:
        named = _named_numbers(text[:80], _ZH_NAMED)
        if not named:
            continue
        ce = split_claim(text, "zh", num=num)
        assert set(ce.parents) == named, (name, num, ce.parents, named)
        assert ce.is_dependent
        checked += 1
    assert checked >= 70  # 90 claims, 6 independent … and a few use claims


def test_ep_dependent_claims_name_their_parents(ep):
    checked = 0
    for name, num, text in ep:
        named = _named_numbers(text[:200], _EN_NAMED)
        ce = split_claim(text, "en", num=num)
        if re.search(r"\bpreceding claims?\b", text[:200], re.I):
            assert ce.parents == tuple(range(1, num)), (name, num)
            checked += 1
        elif named:
            assert set(ce.parents) == named, (name, num, ce.parents, named)
            checked += 1
    assert checked >= 60


def test_us_dependent_claims_point_where_their_claim_ref_markup_points(us):
    checked = 0
    for name, num, text, refs in us:
        # a claim-ref to the claim itself or a later claim is an error of the markup
        # (ipg060103: claim 3 "according to claim 3"): no parent can be named that way
        refs = tuple(r for r in refs if r < num)
        if not refs:
            continue
        ce = split_claim(text, "en", num=num)
        # the markup marks each number written ("claims 2 or 3"; of a range "2 through
        # 4" only its first number): every marked number is a parent, the first is the
        # lowest, and no parent lies at or after the claim itself
        assert set(refs) <= set(ce.parents), (name, num, ce.parents, refs)
        assert min(ce.parents) == min(refs), (name, num, ce.parents, refs)
        assert max(ce.parents) < num, (name, num)
        checked += 1
    assert checked >= 1500


def test_cn_references_resolve_to_an_element_that_holds_their_term(cn):
    resolved = 0
    for _name, num, text in cn:
        ce = split_claim(text, "zh", num=num)
        for ref in ce.references:
            if ref.antecedent is None:
                continue
            holder = ce.elements[ref.antecedent]
            assert ref.antecedent_start is not None
            assert holder.start <= ref.antecedent_start < holder.end
            assert text.startswith(ref.term, ref.antecedent_start)
            assert ref.antecedent_start < ref.start
            resolved += 1
    assert resolved >= 150


@pytest.fixture(scope="module")
def xml_store(tmp_path_factory, data_dir):
    """A store imported from every format that carries claims (SOURCES.md)."""
    from patnav.ingest.pipeline import import_paths
    from patnav.storage.store import PatentStore

    formats = data_dir / "formats"
    path = tmp_path_factory.mktemp("claims") / "claims.duckdb"
    with PatentStore.open(path) as s:
        report = import_paths(
            s,
            [
                *(
                    p
                    for p in (formats / "cnipa-xml").iterdir()
                    if p.suffix.lower() == ".xml"
                ),
                *sorted((formats / "epo-xml").glob("*.xml")),
                formats / "uspto-xml" / "patentsview-weekly" / "ipg120327.196.xml",
                # main claims of spreadsheet exports (主权项), Thomson Innovation's first
                # claim, and one sample of every historic USPTO format (APS, SGML, PAP …)
                formats / "cn-excel",
                formats / "thomson-innovation",
                formats / "uspto-xml" / "samples",
            ],
        )
        assert report.ok, report.to_dict()
    with PatentStore.open(path, read_only=True) as s:
        yield s


def test_the_claims_table_of_a_store_splits_and_agrees_with_its_dependencies(xml_store):
    rows = xml_store.query(
        "SELECT doc_id, num, lang, text, depends_on FROM claims ORDER BY doc_id, num"
    ).to_pylist()
    assert (
        len(rows) >= 1700
    )  # 196 USPTO grants of ipg120327 give their first claim only
    found_more = 0
    for row in rows:
        where = f"{row['doc_id']} claim {row['num']}"
        ce = split_claim(row["text"], row["lang"], num=row["num"])
        _check_structure(ce, where)
        stored = set(row["depends_on"] or ())
        # every parent the import recorded is a parent here too
        assert stored <= set(ce.parents), (where, stored, ce.parents)
        found_more += bool(set(ce.parents) - stored)
    # the import misses "according to any one of the preceding claims" (EPO v1-5-B1):
    # the split names those parents
    assert found_more >= 1


def test_fragments_of_real_claims_keep_the_structure(cn, ep, us):
    # truncated or cut claims (an export's first 500 characters, a pasted piece) still
    # split into tiling parts and disjoint elements; empty and degenerate texts too
    for text in (
        "",
        " ",
        "1.",
        "其特征在于",
        "comprising:",
        "；；",
        "said the",
        "所述",
        "(1)",
    ):
        for lang in ("zh", "en", None):
            _check_structure(split_claim(text, lang), repr(text))
    pool = [(t, "zh", n) for _, n, t in cn] + [(t, "en", n) for _, n, t in ep]
    pool += [(t, "en", n) for _, n, t, _ in us[:600]]
    rng = random.Random(16)
    for _ in range(2000):
        text, lang, num = rng.choice(pool)
        a = rng.randint(0, len(text))
        b = rng.randint(a, len(text))
        _check_structure(split_claim(text[a:b], lang, num=num), text[a : a + 60])
