"""USPTO full-text XML, every layout: field values read from the real files."""

from __future__ import annotations

from datetime import date

import pytest

from patnav.ingest.base import Notice, Read, ReadOptions, Rejected, file_source
from patnav.ingest.readers import uspto_xml
from patnav.schema.records import (
    CitationCategory,
    EventType,
    PartyType,
    PatentType,
    Role,
)

USPTO = "formats/uspto-xml"


def read_all(path):
    return list(uspto_xml.read(file_source(path), ReadOptions()))


def records(items):
    return [i.record for i in items if isinstance(i, Read)]


def read_one(path):
    (record,) = records(read_all(path))
    return record


def parties(record, role):
    return [p for p in record.parties if p.role == role]


@pytest.fixture(scope="module")
def grant_2013(data_dir):
    return read_one(data_dir / USPTO / "samples/xml2013/US08613112-20131224.XML")


def test_red_book_grant_bibliographic_data(grant_2013):
    r = grant_2013
    assert (r.pub_number, r.kind, r.pub_number_raw) == (
        "US8613112B2",
        "B2",
        "US 08613112 B2",
    )
    assert (r.app_number, r.app_date) == ("US12994775", date(2009, 5, 25))
    assert r.pub_date == r.grant_date == date(2013, 12, 24)
    assert r.patent_type == PatentType.INVENTION
    assert r.title == (
        "Article of clothing particularly intended to be used along with electronic devices"
    )
    (p,) = r.priorities
    assert (p.country, p.date) == ("IT", date(2008, 5, 28)) and "BO2008A0338" in p.raw
    assert r.priority_date == date(2008, 5, 28)
    codes = [(c.scheme, c.code, c.is_main) for c in r.classifications]
    assert codes == [
        ("IPC", "A41D1/04", True),
        ("IPC", "A41D27/20", False),
        ("USPC", "2/69", True),
        ("USPC", "2/115", False),
        ("USPC", "2/247", False),
    ]
    assert r.pct_app_number == "PCT/EP2009/056266"
    assert r.pct_entry_date == date(2011, 1, 31)  # the 371(c)(1),(2),(4) date
    assert r.pct_pub_number == "WO2009150026A"
    extras = dict(r.extras)
    assert extras["term_extension_days"] == "183"
    assert extras["related"] == "published as US20110185469A1"
    assert [e.type for e in r.events] == [EventType.GRANT]


def test_red_book_citations_keep_who_cited(grant_2013):
    cites = grant_2013.citations
    assert len(cites) == 20
    first, second = cites[0], cites[1]
    assert (first.cited_pub_number, first.category, first.cited_date) == (
        "US6324053B1",
        CitationCategory.APPLICANT,
        date(2001, 11, 1),  # the source gives the month: 20011100
    )
    assert first.origin == "cited by applicant"
    assert (second.cited_pub_number, second.category) == (
        "US6561814B2",
        CitationCategory.EXAMINER,
    )
    numbers = [c.cited_pub_number for c in cites]
    assert numbers[7] == "US20020197960A1"  # written 2002/0197960
    assert numbers[17] == "JP2003013317A"  # written "2003 013317"
    assert numbers[18] == "WO2008133856A"
    assert cites[19].cited_npl == "International Search Report, Oct. 1, 2009."
    assert sum(c.category == CitationCategory.EXAMINER for c in cites) == 12


def test_red_book_parties_and_claims(grant_2013):
    r = grant_2013
    applicants = parties(r, Role.APPLICANT)
    assert [p.name for p in applicants] == [
        "Massimiliano Santucci",
        "Domenico Santucci",
    ]
    assert (applicants[0].raw_name, applicants[0].city, applicants[0].country) == (
        "Santucci, Massimiliano",
        "Argelato",
        "IT",
    )
    assert [p.name for p in parties(r, Role.INVENTOR)] == [
        "Massimiliano Santucci",
        "Domenico Santucci",
    ]
    (assignee,) = parties(r, Role.ASSIGNEE)
    assert (assignee.name, assignee.party_type) == (
        "Massimiliano Santuccio",
        PartyType.INDIVIDUAL,  # role 05: a foreign individual
    )
    assert [p.name for p in parties(r, Role.AGENT)] == ["William J. Sapone"]
    assert [p.name for p in parties(r, Role.AGENCY)] == [
        "Ware Fressola Maguire & Barber LLP"  # &#x26; in the source
    ]
    (examiner,) = parties(r, Role.EXAMINER)
    assert (examiner.name, examiner.ext_id) == ("Amy Vanatta", "3765")
    assert r.claims_count == 5
    assert [c.depends_on for c in r.claim_items] == [(), (1,), (1,), (1,), (1,)]
    assert r.claim_items[0].text.startswith(
        "An article of clothing comprising: a garment (11)"
    )
    (description,) = r.texts
    assert description.section == "description"
    assert description.text.startswith("TECHNICAL FIELD\nThe present invention relates")


def test_st32_sgml_grant_of_2001(data_dir):
    r = read_one(data_dir / USPTO / "samples/sgml/US06336130.xml")
    assert (r.pub_number, r.pub_date) == ("US6336130B1", date(2002, 1, 1))
    assert (r.app_number, r.app_date) == ("US09413215", date(1999, 10, 5))
    (p,) = r.priorities
    assert (p.country, p.number, p.date) == ("NO", "NO971605", date(1997, 4, 8))
    codes = [(c.scheme, c.code, c.is_main) for c in r.classifications]
    assert codes == [
        ("IPC", "G06F15/16", True),  # written "G06F 1516"
        ("IPC", "G06F13/00", False),
        ("USPC", "709/202", True),
        ("USPC", "709/201", False),
    ]
    assert len(r.citations) == 9
    assert [c.category for c in r.citations[:5]] == [CitationCategory.EXAMINER] * 5
    assert r.citations[5].cited_pub_number == "WO1996025012"  # 96/25012, country WO
    npl = r.citations[6].cited_npl
    assert "Mobile Service Agents Enabling ‘Intelligence on Demand’" in npl  # &lsquo;
    assert "Handegåard" in r.citations[8].cited_npl  # &aring;
    assert [p.name for p in parties(r, Role.INVENTOR)] == ["Thanh Van Do"]
    (assignee,) = parties(r, Role.ASSIGNEE)
    assert (assignee.name, assignee.country, assignee.party_type) == (
        "Telefonaktiebolaget LM Ericsson (publ)",
        "SE",
        PartyType.COMPANY,
    )
    assert [p.name for p in parties(r, Role.AGENCY)] == ["Nixon & Vanderhye P.C."]
    (examiner,) = parties(r, Role.EXAMINER)
    assert (examiner.name, examiner.ext_id) == ("Kenneth R. Coulter", "2154")
    assert r.claims_count == 22
    assert r.claim_items[4].depends_on == (4,)  # CLREF ID="CLM-00004"


def test_st32_design_patent_has_locarno_class(data_dir):
    r = read_one(data_dir / USPTO / "samples/sgml/USD435854S1.xml")
    assert (r.pub_number, r.patent_type) == ("USD435854S", PatentType.DESIGN)
    assert [(c.scheme, c.code) for c in r.classifications] == [
        ("LOC", "14-02"),
        ("USPC", "D14/480"),
    ]
    assert r.citations[0].cited_pub_number == "USD271298"  # written "D. 271298"
    assert r.claims_count == 1 and r.abstract is None


def test_st32_iso_greek_entities_are_resolved(data_dir):
    r = read_one(data_dir / USPTO / "samples/sgml/US06337117.xml")
    text = r.claims + " ".join(t.text for t in r.texts)
    assert "Φ" in text and "&PHgr;" not in text


def test_pre_grant_publication_v15(data_dir):
    r = read_one(data_dir / USPTO / "samples/pap/US20010009014A1.xml")
    assert (r.pub_number, r.pub_date) == ("US20010009014A1", date(2001, 7, 19))
    assert (r.app_number, r.app_date) == ("US09777392", date(2001, 2, 5))
    assert r.parent_app_number == "US09432885"  # division-of
    assert dict(r.extras)["related"] == (
        "continuation-in-part of US09312927; division of US09432885"
    )
    assert [p.name for p in parties(r, Role.INVENTOR)] == [
        "James A. Savage III",
        "Sophie Muller",
    ]
    savage = parties(r, Role.INVENTOR)[0]
    assert (savage.city, savage.province, savage.country) == ("San Jose", "CA", "US")
    assert [(c.scheme, c.code, c.is_main) for c in r.classifications] == [
        ("IPC", "G06F15/16", True),
        ("USPC", "709/204", True),
        ("USPC", "709/227", False),
    ]
    assert r.claims_count == 55
    assert r.claim_items[2].depends_on == (2,)  # dependent-claim-reference
    assert r.grant_date is None and r.events == ()


def test_pre_grant_publication_v16_and_its_assignee(data_dir):
    r = read_one(data_dir / USPTO / "patentsview-weekly/pa040101.two.xml")
    assert r.pub_number == "US20040000002A1"
    assert r.title == "Garment for preventing muscle strain"
    (assignee,) = parties(r, Role.ASSIGNEE)
    assert (assignee.name, assignee.party_type) == (
        "Hill-Rom Services, Inc.",
        PartyType.COMPANY,
    )
    assert dict(r.extras)["related"] == "continuation of US09919271"
    assert [(c.scheme, c.code) for c in r.classifications] == [
        ("IPC", "A41B1/00"),
        ("USPC", "2/69"),
    ]


def test_weekly_file_is_split_into_its_documents(data_dir):
    items = read_all(data_dir / USPTO / "patentsview-weekly/ipg060103.small.xml")
    recs = records(items)
    assert len(recs) == 25
    assert recs[0].pub_number == "USD513425S1"
    assert recs[0].patent_type == PatentType.DESIGN
    assert [(c.scheme, c.code) for c in recs[0].classifications][:1] == [
        ("LOC", "21-02")
    ]
    assert not [i for i in items if isinstance(i, Rejected)]
    notices = [i.message for i in items if isinstance(i, Notice)]
    assert "read as USPTO XML: grant us-patent-grant-v41-2005-08-25.dtd × 25" in notices
    assert any("skipped 2 sequence listings" in n for n in notices)
    positions = [i.position for i in items if isinstance(i, Read)]
    assert positions[0] == "document 1 (byte 0)"
    assert positions[1].startswith("document 2 (byte ")


def test_v40_grant_reads_the_old_ipc_columns(data_dir):
    recs = records(
        read_all(data_dir / USPTO / "patentsview-weekly/ipg050104.small.xml")
    )
    first = recs[0]
    assert first.pub_number == "US6836899B1"
    (ipc,) = [c for c in first.classifications if c.scheme == "IPC"]
    assert (ipc.code, ipc.raw, ipc.is_main) == ("A45F5/04", "A45F  504", True)
    # before 2013 inventors are applicants too (app-type applicant-inventor)
    assert [p.name for p in parties(first, Role.INVENTOR)] == [
        p.name for p in parties(first, Role.APPLICANT)
    ]


def test_application_file_with_two_documents(data_dir):
    recs = records(read_all(data_dir / USPTO / "patentsview-weekly/ipa130117.one.xml"))
    assert [r.pub_number for r in recs] == ["US20130014308A1", "US20130014306A1"]
    assert recs[0].title == "TYPING-MATE"
    assert recs[1].app_number == "US13353293"
    assert all(r.grant_date is None for r in recs)
    assert dict(recs[1].extras)["related"] == (
        "provisional US61433841; provisional US61473378; provisional US61526999"
    )


def test_cpc_and_cited_by_other(data_dir):
    r = read_one(data_dir / USPTO / "samples/xml2014/US08926509.xml")
    cpc = [c for c in r.classifications if c.scheme == "CPC"]
    assert (cpc[0].code, cpc[0].is_main) == ("A61B5/0205", True)
    assert cpc[1].code == "A61B5/0024"
    older = read_one(data_dir / USPTO / "patentsview-weekly/ipg100824-hyphenated.xml")
    assert older.citations[0].cited_pub_number == "US4240445A"
    # "cited by other" (before 2013) says only that the examiner did not cite it
    assert older.citations[0].category == CitationCategory.UNKNOWN
    assert older.citations[0].origin == "cited by other"


def test_malformed_samples_get_clear_reasons(data_dir):
    folder = data_dir / USPTO / "malformed"
    unsupported = read_all(folder / "US08613112-notSupportedDTD.XML")
    (rejected,) = [i for i in unsupported if isinstance(i, Rejected)]
    assert not records(unsupported)
    assert rejected.reason.startswith("unsupported DTD")
    assert "us-patent-grant-v44-2013-05-16test.dtd" in rejected.reason
    assert rejected.raw.startswith('<?xml version="1.0"')

    no_dtd = read_all(folder / "US08613112-noDTDFile.XML")
    assert records(no_dtd)[0].pub_number == "US8613112B2"
    warnings = [
        i.message for i in no_dtd if isinstance(i, Notice) and i.level == "warning"
    ]
    assert any("without a document type declaration" in w for w in warnings)

    lacking = read_all(folder / "US08613112-lackofnode.XML")
    r = records(lacking)[0]
    assert r.abstract is None and r.claims_count == 5
    warnings = [
        i.message for i in lacking if isinstance(i, Notice) and i.level == "warning"
    ]
    assert any("without an abstract" in w and "US8613112B2" in w for w in warnings)
