"""EPO DOCDB exchange XML: field values read from the real files."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import pytest

from patnav.ingest.base import Read, ReadOptions, file_source
from patnav.ingest.readers import epo_docdb
from patnav.ingest.xml.safe import resolve_entity
from patnav.schema.records import CitationCategory, Role

DOCDB = "formats/epo-docdb"


def read_records(path):
    items = list(epo_docdb.read(file_source(path), ReadOptions()))
    return [i.record for i in items if isinstance(i, Read)]


@pytest.fixture(scope="module")
def wo(data_dir):
    (r,) = read_records(data_dir / DOCDB / "WO-2022259205-A1_544370561.xml")
    return r


def test_single_record_without_namespace_declaration(wo):
    # the sample uses the exch: prefix without declaring it
    assert (wo.pub_number, wo.pub_date) == ("WO2022259205A1", date(2022, 12, 15))
    assert wo.family_id == "82558028"
    assert (wo.app_number, wo.app_date) == ("PCT/IB2022/055385", date(2022, 6, 9))
    (p,) = wo.priorities
    assert (p.country, p.number, p.date) == ("PT", "PT117283", date(2021, 6, 11))
    assert wo.lang == "en"
    assert (
        wo.title == "SELF-EMULSIFYING COMPOSITION, PRODUCTION METHODS AND USES THEREOF"
    )
    assert {t.lang for t in wo.texts} == {"fr"}
    assert wo.ipc_main == "A61K9/00"  # flagged AFI, though listed second
    cpc_main = [c.code for c in wo.classifications if c.scheme == "CPC" and c.is_main]
    assert cpc_main == ["A61K9/1075"]


def test_names_as_published_and_countries_from_docdb(wo):
    (applicant,) = [p for p in wo.parties if p.role == Role.APPLICANT]
    assert (applicant.name, applicant.country) == (
        "UNIVERSIDADE DA BEIRA INTERIOR",
        "PT",
    )
    inventors = [p.name for p in wo.parties if p.role == Role.INVENTOR]
    assert len(inventors) == 8
    assert inventors[0] == "OLIVEIRA DOS SANTOS, Adriana"
    assert inventors[6] == "DA SILVA FERREIRA GOMES, Maria De Fátima"


def test_citations_keep_phase_and_search_report_category(wo, data_dir):
    assert len(wo.citations) == 23
    first = wo.citations[0]
    assert (first.category, first.origin) == (CitationCategory.EXAMINER, "ISR EP: XY")
    assert first.cited_npl.startswith("BEZERRA-SOUZA ADRIANA ET AL")
    patents = [c.cited_pub_number for c in wo.citations if c.cited_pub_number]
    assert patents[:2] == ["CN102908333A", "WO2005013972A1"]
    # &SACUTE; from DOCDB's entity set, upper-case variant of Sacute
    assert any("CZAJKOWSKA-KOŚNIK" in (c.cited_npl or "") for c in wo.citations)
    (other,) = read_records(data_dir / DOCDB / "WO-2023012807-A1_507242069.xml")
    applicant_cited = [c for c in other.citations if c.origin == "APP"]
    assert len(applicant_cited) == 19
    assert {c.category for c in applicant_cited} == {CitationCategory.APPLICANT}
    assert applicant_cited[0].cited_pub_number == "US8343489B2"


def test_bulk_file_is_streamed_record_by_record(data_dir):
    recs = read_records(data_dir / DOCDB / "DE-backfile.xml")
    assert [r.pub_number for r in recs] == [f"DE{n}B" for n in range(1258188, 1258198)]
    third = recs[2]
    assert (third.family_id, third.app_number) == ("22421564", "DEG0034437")
    assert third.title == "Zuendanlage fuer Brennkraftmaschinen"
    assert [(c.cited_pub_number, c.origin) for c in third.citations] == [
        ("DE1786244U", "SEA"),
        ("FR1214795A", "SEA"),
    ]
    assert [p.name for p in third.parties] == [
        "GENERAL MOTORS CORPORATION",
        "KONOPA RICHARD LEO",
    ]


def test_original_priority_numbers_and_other_languages(data_dir):
    (yu,) = read_records(data_dir / DOCDB / "YU-6701-A_381353354.xml")
    assert (yu.pub_number, yu.lang) == ("YU6701A", "sh")
    assert yu.title.startswith("TRICIKLIČNI SULFONAMIDI")  # &ccaron;
    (p,) = yu.priorities
    assert (p.number, p.date) == (
        "US60095006",
        date(1998, 7, 30),
    )  # not DOCDB's 9500698
    assert [t.lang for t in yu.texts] == ["en", "en"]
    (ap,) = read_records(data_dir / DOCDB / "AP-1206-A_302101161.xml")
    assert (ap.pub_number, ap.family_id) == ("AP1206A", "22179393")
    assert ap.app_number == "AP2000001988"
    assert "CN1149075C" in dict(ap.extras)["family_members"].split()
    main = [c for c in ap.classifications if c.is_main and c.scheme == "IPC"]
    assert [(c.code, c.raw) for c in main] == [("A61K9/16", "7A 61K   9/16   A")]


def test_every_entity_of_the_docdb_entity_set_resolves(data_dir):
    """patnav never loads the DTD; its built-in table must know every name it declares
    and agree with it on every letter."""
    dtd = (data_dir / DOCDB / "docdb-entities.dtd").read_text("utf-8")
    declared = re.findall(r'<!ENTITY\s+(\S+)\s+"([^"]*)"', dtd)
    assert len(declared) > 2000
    assert [name for name, _ in declared if resolve_entity(name) is None] == []

    def same(a, b):  # bold maths letters, Å/Å, and letter case aside
        return unicodedata.normalize("NFKC", a).casefold() == (
            unicodedata.normalize("NFKC", b).casefold()
        )

    differ = set()
    for name, value in declared:
        codes = re.findall(r"&#x([0-9A-Fa-f]+);", value)
        letter = chr(int(codes[0], 16)) if len(codes) == 1 else ""
        if letter.isalpha() and not same(resolve_entity(name), letter):
            differ.add(name)
    # where HTML 5 revised the 2007 ISO tables the DTD copies
    assert differ == {"epsiv", "varepsilon", "imped"}
