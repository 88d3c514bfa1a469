"""EPO publication-server XML: field values read from the real files."""

from __future__ import annotations

from datetime import date

import pytest

from patnav.ingest.base import Notice, Read, ReadOptions, file_source
from patnav.ingest.readers import epo_xml
from patnav.schema.records import CitationCategory, EventType, Role

EPO = "formats/epo-xml"


def read_all(path):
    return list(epo_xml.read(file_source(path), ReadOptions()))


def read_one(path):
    (record,) = [i.record for i in read_all(path) if isinstance(i, Read)]
    return record


def texts(record, section):
    return {t.lang: t.text for t in record.texts if t.section == section}


@pytest.fixture(scope="module")
def a1(data_dir):
    return read_one(data_dir / EPO / "v1-5-A1.xml")


@pytest.fixture(scope="module")
def b1(data_dir):
    return read_one(data_dir / EPO / "v1-2-B1.xml")


def test_application_bibliographic_data(a1):
    r = a1
    assert (r.pub_number, r.kind, r.pub_date) == (
        "EP3782854A1",
        "A1",
        date(2021, 2, 24),
    )
    assert (r.app_number, r.app_number_raw) == ("EP18877305", "18877305.5")
    assert r.app_date == date(2018, 10, 29)
    (p,) = r.priorities
    assert (p.country, p.number, p.date) == ("CN", "CN201810358967", date(2018, 4, 20))
    assert r.lang == "en"
    assert r.title == "VEHICLE-MOUNTED DISPLAY ASSEMBLY AND VEHICLE"
    titles = texts(r, "title")
    assert titles["de"] == "FAHRZEUGMONTIERTE ANZEIGEANORDNUNG UND FAHRZEUG"
    assert titles["fr"] == "ENSEMBLE D'AFFICHAGE MONTÉ SUR VÉHICULE ET VÉHICULE"
    assert [(c.code, c.is_main) for c in r.classifications] == [
        ("B60R7/06", True),  # AFI: first position
        ("B60N3/12", False),
    ]
    assert r.pct_app_number == "PCT/CN2018/112487"
    assert r.pct_pub_number == "WO2019200885"
    assert r.grant_date is None
    assert [(e.type, e.date) for e in r.events] == [
        (EventType.EXAMINATION, date(2019, 5, 22))
    ]


def test_application_parties_with_epo_ids(a1):
    applicants = [p for p in a1.parties if p.role == Role.APPLICANT]
    assert [p.name for p in applicants] == [
        "BOE TECHNOLOGY GROUP CO., LTD.",
        "Chengdu BOE Optoelectronics Technology Co., Ltd.",
    ]
    assert (applicants[0].ext_id, applicants[0].country, applicants[0].city) == (
        "101799773",
        "CN",
        "Beijing 100015",
    )
    assert [p.name for p in a1.parties if p.role == Role.INVENTOR] == [
        "FENG, Yuhsiung",
        "GAO, Wenbao",
        "ZENG, Jia",
    ]
    (agent,) = [p for p in a1.parties if p.role == Role.AGENT]
    assert (agent.name, agent.country) == ("Cohausz & Florack", "DE")


def test_application_claims_refer_back_in_words(a1):
    assert a1.claims_count == 12
    deps = {c.num: c.depends_on for c in a1.claim_items}
    assert deps[1] == () and deps[2] == (1,)
    assert deps[11] == tuple(range(1, 11))  # "according to any one of claims 1 to 10"
    assert deps[12] == (11,)
    (cited,) = a1.citations  # the reference list of the description
    assert (cited.category, cited.origin) == (
        CitationCategory.APPLICANT,
        "cited in the description",
    )
    assert cited.cited_raw == "CN 201810358967"  # an application number, kept raw
    assert texts(a1, "description")["en"].startswith(
        "This application claims the priority of Chinese Patent Application No. "
        "201810358967.5"
    )


def test_granted_patent(b1):
    r = b1
    assert (r.pub_number, r.grant_date) == ("EP0610335B1", date(2008, 1, 2))
    assert [(p.number, p.date) for p in r.priorities] == [
        ("US777859", date(1991, 10, 16)),
        ("US807529", date(1991, 12, 13)),
    ]
    (proprietor,) = [p for p in r.parties if p.role == Role.APPLICANT]
    assert (proprietor.name, proprietor.ext_id) == ("Merck Patent GmbH", "07257080")
    assert [(e.type, e.code, e.date) for e in r.events] == [
        (EventType.EXAMINATION, "B241", date(1994, 4, 26)),
        (EventType.EXAMINATION, "B242", date(1996, 6, 19)),
        (EventType.OTHER, "B452EP", date(2007, 8, 29)),
        (EventType.GRANT, "B450", date(2008, 1, 2)),
    ]
    assert r.claims_count == 14 and r.claim_items[1].depends_on == (1,)
    claims = texts(r, "claims")
    assert set(claims) == {"de", "fr"}
    assert claims["de"].startswith(
        "1. Verfahren zum Entwerfen eines isolierten Peptids"
    )


def test_granted_patent_citations_from_search_and_examination(b1):
    cites = b1.citations
    b560 = [c for c in cites if c.origin == "EPO search and examination (B560)"]
    assert [c.cited_pub_number for c in b560[:3]] == [
        "EP0367306A",  # EP-A- 0 367 306
        "WO1991006571A",  # WO-A-91/06571
        "WO1992004445A",
    ]
    assert all(c.category == CitationCategory.EXAMINER for c in b560)
    assert b560[3].cited_npl.startswith("CELL vol. 52, 26 February 1988")
    assert len(b560) == 11


def test_german_application_of_1978(data_dir):
    r = read_one(data_dir / EPO / "v1-1-A1.xml")
    assert (r.pub_number, r.lang) == ("EP0000002A1", "de")
    assert r.title.startswith(
        "Tetrahydrofuran-Derivate, Verfahren zu ihrer Herstellung"
    )
    assert texts(r, "title")["en"].startswith("Tetrahydrofurane derivatives")
    (p,) = r.priorities
    assert (p.number, p.date) == ("DE2724675", date(1977, 6, 1))
    # "1.) Tetrahydrofuran-Derivate …"; claim 3: "… gemäß Anspruch 1."
    assert r.claim_items[0].text.startswith("Tetrahydrofuran-Derivate der Formel")
    assert r.claim_items[2].depends_on == (1,)


def test_divisionals_of_a_parent_are_listed(data_dir):
    r = read_one(data_dir / EPO / "v1-4-B1.xml")
    assert r.pub_number == "EP0449582B1"
    assert r.parent_app_number is None  # it is the parent, not a divisional
    assert dict(r.extras)["divisional_applications"] == "EP94202942"


def test_browser_saved_file_is_repaired_with_a_warning(data_dir):
    items = read_all(data_dir / EPO / "v1-2-A1.xml")
    (record,) = [i.record for i in items if isinstance(i, Read)]
    assert record.pub_number == "EP1921219A1"
    agents = [p for p in record.parties if p.role == Role.AGENT]
    assert "UDAPI & ASOCIADOS Explanada, 8" in agents[0].address  # a bare & in the file
    (warning,) = [i for i in items if isinstance(i, Notice) and i.level == "warning"]
    assert "not well-formed" in warning.message and "line 93" in warning.message
