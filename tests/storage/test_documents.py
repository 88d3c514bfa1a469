"""One document with every section, read back from a store: checked against the XML file."""

from __future__ import annotations

import pytest
from lxml import etree

from patnav.errors import InputError
from patnav.ingest.pipeline import import_paths
from patnav.storage.documents import read_document

SAMPLE = "formats/uspto-xml/samples/xml2013/US08613112-20131224.XML"


@pytest.fixture
def grant(store, data_dir):
    report = import_paths(store, [data_dir / SAMPLE], raise_unexpected=True)
    assert report.ok
    root = etree.parse(
        str(data_dir / SAMPLE), etree.XMLParser(load_dtd=False)
    ).getroot()
    return store, root


def test_a_grant_reads_back_with_its_claims_citations_and_parties(grant):
    store, root = grant
    number = root.findtext(".//publication-reference/document-id/doc-number")
    kind = root.findtext(".//publication-reference/document-id/kind")
    doc = read_document(store, f"US{int(number)}{kind}")

    assert doc.patent["title"] == "".join(root.find(".//invention-title").itertext())
    claims = root.findall(".//claims/claim")
    assert [c["num"] for c in doc.claims] == list(range(1, len(claims) + 1))
    dependent = [c for c in claims if c.find(".//claim-ref") is not None]
    assert sum(1 for c in doc.claims if not c["is_independent"]) == len(dependent)
    first_dep = dependent[0]
    refs = [r.get("idref") for r in first_dep.iter("claim-ref")]
    claim_ids = {c.get("id"): i for i, c in enumerate(claims, 1)}
    own = doc.claims[claim_ids[first_dep.get("id")] - 1]
    assert list(own["depends_on"]) == [claim_ids[r] for r in refs]

    cited = root.findall(".//us-references-cited/us-citation")
    assert len(doc.citations) == len(cited)
    inventors = root.findall(".//inventors/inventor") or root.findall(
        ".//applicants/applicant[@app-type='applicant-inventor']"
    )
    assert len(doc.parties["inventor"]) == len(inventors)
    assert doc.to_dict()["patent"]["pub_date"] == "2013-12-24"


def test_unknown_numbers_say_what_to_give(store):
    with pytest.raises(InputError, match="publication or application number"):
        read_document(store, "CN000000000A")
