"""Thomson Innovation export: original and cleaned names, INPADOC family, citations."""

from __future__ import annotations

import csv
import io
import warnings
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from patnav.ingest.base import Read, ReadOptions, file_source
from patnav.ingest.pipeline import detect_reader, import_paths
from patnav.ingest.readers import thomson
from patnav.schema.numbers import normalize_pub_number

REL = "formats/thomson-innovation/synbio.xlsx"


def _sheet(path: Path) -> list[dict[str, object]]:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Unknown extension", UserWarning)
        book = openpyxl.load_workbook(path, read_only=True)
        try:
            rows = list(book.worksheets[0].iter_rows(values_only=True))
        finally:
            book.close()
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def _split(value: object) -> list[str]:
    if value in (None, "NA"):
        return []
    return [p.strip() for p in str(value).split(";") if p.strip() not in ("", "NA")]


@pytest.fixture(scope="module")
def rows(data_dir: Path) -> list[dict[str, object]]:
    return _sheet(data_dir / REL)


@pytest.fixture(scope="module")
def records(data_dir: Path) -> list[Read]:
    return [
        i
        for i in thomson.read(file_source(data_dir / REL), ReadOptions())
        if isinstance(i, Read)
    ]


def test_the_export_is_recognised_before_the_general_xlsx_reader(data_dir):
    reader = detect_reader(file_source(data_dir / REL))
    assert reader is not None and reader.FORMAT == "thomson"
    other = data_dir / "formats/cn-excel/cnipa_export_199.xlsx"
    assert not thomson.sniff(file_source(other))


def test_every_row_becomes_one_record_with_its_counts(rows, records):
    assert len(records) == len(rows) == 644
    for row, item in zip(rows, records, strict=True):
        r = item.record
        assert r.pub_number == normalize_pub_number(str(row["publication_number"]))
        assert r.cited_by_count == row["citing_patent_count"]
        assert len(r.citations) == row["cited_patent_count"]
        inventors = [p for p in r.parties if p.role.value == "inventor"]
        assert len(inventors) == len(_split(row["inventors_original"]))
        applicants = [p for p in r.parties if p.role.value == "applicant"]
        expected = _split(row["patent_assignees_original_no_address"]) or _split(
            row["patent_assignees_cleaned"]
        )
        assert len(applicants) == len(expected)
        assert r.pub_date == row["publication_date"].date()
        assert r.app_date == row["application_dates"].date()
        assert r.priority_date == row["priority_date_earliest"].date()


def test_first_row_field_by_field(records):
    r = records[0].record
    assert (r.pub_number, r.office, r.kind) == ("EP0784692A1", "EP", "A1")
    assert r.title == "Attenuated Viruses And Method Of Making The Same"
    assert r.lang == "en"
    assert {(t.lang, t.text) for t in r.texts} == {
        ("de", "Abgeschwaechtes Virus Und Dessen Herstellungsverfahren"),
        ("fr", "Virus Attenues Et Procede D'Obtention"),
    }
    assert (r.app_number, r.app_number_raw) == ("EP95936339", "EP1995936339A")
    assert r.family_id == "INPADOC:CA2201487A1"
    assert [(p.country, p.number, p.date) for p in r.priorities] == [
        ("US", "US1994319974", date(1994, 10, 7)),
        ("WO", "PCT/US1995/013219", date(1995, 10, 5)),
    ]
    (applicant,) = [p for p in r.parties if p.role.value == "applicant"]
    assert (applicant.name, applicant.country, applicant.party_type.value) == (
        "EAST CAROLINA UNIVERSITY",
        "US",
        "university",
    )
    assert applicant.address == "Greenville, NC 27858 4353"
    (inventor,) = [p for p in r.parties if p.role.value == "inventor"]
    assert (inventor.name, inventor.raw_name, inventor.country) == (
        "Nyce, Jonathan, W.",
        "Nyce, Jonathan, W.",
        "US",
    )
    assert [p.name for p in r.parties if p.role.value == "agent"] == [
        "Horner, Martin Grenville"
    ]
    (claim,) = r.claim_items
    assert claim.text.startswith("An attenuated virus, not naturally occurring")
    assert r.claims.startswith("THAT WHICH IS CLAIMED IS: 1. An attenuated virus")
    assert r.claims_count is None
    extras = dict(r.extras)
    assert extras["patent_assignees_cleaned"] == "UNIV EAST CAROLINA"
    assert extras["patent_assignees_cleaned_sector"] == "Academic"
    assert "CA2201487A1" in extras["inpadoc_family_member_numbers"]
    ipc = [c.code for c in r.classifications if c.scheme == "IPC"]
    assert ipc[0] == "A61K31/12" and len(ipc) == 9
    assert r.ipc_main is None  # nine symbols sorted by code: none is marked main


def test_second_row_has_inventors_with_countries_and_citing_data(records):
    r = records[1].record
    assert r.pub_number == "US5824316A"
    assert r.cited_by_count == 9
    inventors = [p for p in r.parties if p.role.value == "inventor"]
    assert [(p.name, p.country) for p in inventors] == [
        ("Grubman, Marvin J.", "US"),
        ("Mason, Peter W.", "US"),
        ("Piccone, Maria Elisa", "AR"),
        ("Rieder, Elizabeth", "US"),
    ]
    assert inventors[0].address == "Southold, NY"
    (applicant,) = [p for p in r.parties if p.role.value == "applicant"]
    assert applicant.party_type.value == "government"
    citing = dict(r.extras)["citing_patent_numbers"].split("; ")
    assert len(citing) == 9 and citing[0] == "ES2344875A1"


def test_mis_decoded_names_are_repaired_and_applicants_keep_inventor_applicants(
    records,
):
    (r,) = [i.record for i in records if i.record.pub_number == "WO2008009365A2"]
    applicants = [p.name for p in r.parties if p.role.value == "applicant"]
    assert applicants == [
        "DIETRICH Dimo",
        "EPIGENOMICS AG",
        "LESCHE Ralf",
        "LEWIN Jörn",
        "SCHUSTER Matthias",
    ]
    assert {p.country for p in r.parties if p.role.value == "applicant"} == {"DE"}
    # inventors: the cleaned name (accents removed by the dataset's author), and the
    # original, repaired, as raw_name
    lewin = [p for p in r.parties if p.role.value == "inventor"][2]
    assert (lewin.name, lewin.raw_name) == ("Lewin, Jorn", "Lewin, Jörn")
    # five originals, one cleaned name: no sector is pinned on a person
    assert all(p.party_type is None for p in r.parties if p.role.value == "applicant")


def test_cited_patents_become_citations_in_canonical_form(rows, records):
    for row, item in zip(rows, records, strict=True):
        cited = _split(row["cited_patent_numbers"])
        got = [c.cited_pub_number or c.cited_npl for c in item.record.citations]
        assert len(got) == len(cited)
        for raw, citation in zip(cited, item.record.citations, strict=True):
            assert citation.cited_raw == raw


def test_no_mojibake_is_left_in_names_titles_or_abstracts(records):
    for item in records:
        r = item.record
        texts = [r.title or "", r.abstract or ""] + [p.name for p in r.parties]
        assert not any("Ã©" in t or "Ã¶" in t for t in texts), r.pub_number


# -- csv and hostile input -----------------------------------------------------------


def _csv_of(rows: list[dict[str, object]], n: int) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    for row in rows[:n]:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return out.getvalue()


def test_the_csv_form_of_the_export_reads_the_same(tmp_path, rows, records):
    path = tmp_path / "synbio.csv"
    path.write_text(_csv_of(rows, 5), "utf-8")
    assert detect_reader(file_source(path)).FORMAT == "thomson"
    got = [
        i.record
        for i in thomson.read(file_source(path), ReadOptions())
        if isinstance(i, Read)
    ]
    assert [r.pub_number for r in got] == [i.record.pub_number for i in records[:5]]
    assert [r.parties for r in got] == [i.record.parties for i in records[:5]]


def test_a_bad_publication_number_quarantines_that_row_only(tmp_path, store, rows):
    broken = [dict(row) for row in rows[:3]]
    broken[1]["publication_number"] = "not a number"
    text = _csv_of(broken, 3)
    path = tmp_path / "synbio.csv"
    path.write_text(text, "utf-8")
    report = import_paths(store, [path])
    (f,) = report.files
    assert (f.format, f.new, f.quarantined) == ("thomson", 2, 1)
    assert f.quarantine[0].position == "row 3"
    assert "is not a patent number" in f.quarantine[0].reason


def test_a_truncated_workbook_fails_clearly(tmp_path, store, data_dir):
    data = (data_dir / REL).read_bytes()
    path = tmp_path / "synbio.xlsx"
    path.write_bytes(data[: len(data) // 2])
    report = import_paths(store, [path, data_dir / REL])
    bad, good = report.files
    assert bad.status == "failed" and "truncated" in bad.message
    assert good.status == "ok" and good.new == 644
