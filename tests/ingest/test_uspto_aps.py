"""USPTO APS greenbook and BRS text: claims one by one, references, priorities, PCT."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from patnav.ingest.base import Read, ReadOptions, file_source
from patnav.ingest.pipeline import detect_reader, import_paths
from patnav.ingest.readers import uspto_aps
from patnav.schema.records import CitationCategory

SAMPLES = "formats/uspto-xml/samples"
GREENBOOKS = ("US03932709", "US03937375", "US04347903")


def _read(path: Path) -> list[Read]:
    return [
        i
        for i in uspto_aps.read(file_source(path), ReadOptions())
        if isinstance(i, Read)
    ]


@pytest.fixture(scope="module")
def green(data_dir: Path) -> dict[str, Read]:
    out = {}
    for stem in GREENBOOKS:
        (item,) = _read(data_dir / SAMPLES / "greenbook" / f"{stem}.greenbook")
        out[stem] = item
    return out


@pytest.fixture(scope="module")
def brs(data_dir: Path) -> list[Read]:
    return _read(data_dir / SAMPLES / "css_brs" / "css_brs_sample.txt")


def _joined(path: Path) -> list[str]:
    """Plain recount helper: the file's lines with continuation lines joined on."""
    lines: list[str] = []
    for line in path.read_text("utf-8").splitlines():
        if line.startswith(" ") and lines:
            lines[-1] += " " + line.strip()
        else:
            lines.append(line)
    return lines


def test_greenbook_and_brs_files_are_recognised_without_being_told(data_dir):
    paths = [data_dir / SAMPLES / "greenbook" / f"{s}.greenbook" for s in GREENBOOKS]
    paths.append(data_dir / SAMPLES / "css_brs" / "css_brs_sample.txt")
    for path in paths:
        reader = detect_reader(file_source(path))
        assert reader is not None and reader.FORMAT == "uspto-aps", path.name
    for other in ("xml2004", "sgml", "pap"):
        for path in (data_dir / SAMPLES / other).iterdir():
            assert not uspto_aps.sniff(file_source(path)), path


def test_boat_loader_patent_field_by_field(green):
    r = green["US03937375"].record
    assert (r.pub_number, r.kind, r.patent_type.value) == (
        "US3937375A",
        "A",
        "invention",
    )
    assert r.title == "Bumper support for a boat loader"
    assert (r.app_number, r.app_number_raw) == ("US05518454", "5184541")
    assert (r.app_date, r.grant_date, r.pub_date) == (
        date(1974, 10, 29),
        date(1976, 2, 10),
        date(1976, 2, 10),
    )
    assert r.abstract.startswith("A unit mountable on a rear bumper of a vehicle")
    assert [(c.num, c.depends_on, c.is_independent) for c in r.claim_items] == [
        (1, (), True),
        (2, (1,), False),
        (3, (2,), False),
    ]
    assert r.claim_items[0].text.startswith("In a bumper support for a boat loader")
    assert r.claims_count == 3
    (inventor,) = [p for p in r.parties if p.role.value == "inventor"]
    assert (inventor.name, inventor.city, inventor.postcode, inventor.country) == (
        "Daniels; Everette E.",
        "Des Moines",
        "50309",
        "US",
    )
    assert inventor.address == "221 Locust St., Des Moines, IA"
    assert [(c.scheme, c.code, c.is_main) for c in r.classifications] == [
        ("USPC", "224/42.07", True),
        ("USPC", "214/450", False),
        ("IPC", "B60R9/00", True),
    ]
    assert [c.cited_pub_number for c in r.citations] == [
        "US2542907A",
        "US2762542A",
        "US2772799A",
        "US3113789A",
        "US3702197A",
    ]
    assert r.citations[0].cited_raw == "2542907 19510200 Dayton et al. 280502"
    (description,) = r.texts
    assert description.section == "description"
    assert description.text.startswith("This invention relates generally to automotive")


def test_balance_patent_has_pct_data_priority_and_its_assignee(green):
    r = green["US04347903"].record
    assert r.pct_app_number == "PCT/JP1979/000178"
    assert r.pct_pub_number == "WO1980000272"
    assert r.pct_entry_date == date(1980, 3, 10)
    (priority,) = r.priorities
    assert (priority.country, priority.date) == ("JP", date(1978, 7, 10))
    assert r.priority_date == date(1978, 7, 10)
    (assignee,) = [p for p in r.parties if p.role.value == "assignee"]
    assert (assignee.name, assignee.country, assignee.party_type.value) == (
        "Shimadzu Corporation",
        "JP",
        "company",
    )
    inventors = [p for p in r.parties if p.role.value == "inventor"]
    assert len(inventors) == 8 and {p.country for p in inventors} == {"JP"}
    assert [c.code for c in r.classifications if c.scheme == "IPC"] == [
        "G01G19/04",
        "G01G23/10",
        "G06F7/28",
    ]
    # claim 1 is a list of lettered elements on PA1 lines: one claim, not eleven
    assert len(r.claim_items) == 3
    assert "(l) utilization means (14)" in r.claim_items[0].text


def test_telephone_patent_has_all_17_claims_and_its_related_application(green):
    r = green["US03932709"].record
    assert r.claims_count == 17 == len(r.claim_items)
    assert [c.num for c in r.claim_items] == list(range(1, 18))
    independent = [c.num for c in r.claim_items if c.is_independent]
    assert independent[0] == 1 and len(independent) < 17
    assert (
        dict(r.extras)["related_applications"]
        == "COD 72 APN 351745 APD 19730416 PSC 03"
    )
    roles = [(p.role.value, p.name) for p in r.parties]
    assert ("agency", "Flehr, Hohbach, Test, Albritton & Herbert") in roles
    assert ("examiner", "Claffy; Kathleen H.") in roles
    assert "TABLE 1" in r.texts[0].text


@pytest.mark.parametrize("stem", GREENBOOKS)
def test_greenbook_claims_match_a_plain_count_of_num_lines(green, data_dir, stem):
    text = (data_dir / SAMPLES / "greenbook" / f"{stem}.greenbook").read_text("utf-8")
    nums = re.findall(r"^NUM  (\d+)\.", text, re.M)
    ncl = re.search(r"^NCL  (\d+)", text, re.M)
    record = green[stem].record
    assert [c.num for c in record.claim_items] == [int(n) for n in nums]
    assert record.claims_count == int(ncl[1])
    urefs = len(re.findall(r"^UREF$", text, re.M))
    assert len(record.citations) == urefs


def test_brs_documents_field_by_field(brs):
    assert [i.record.pub_number for i in brs] == [f"US920458{n}B2" for n in range(1, 7)]
    first = brs[0].record
    assert first.title == (
        "Method for performing chip level electromagnetic interference reduction, "
        "and associated apparatus"
    )
    assert (first.app_number, first.app_date, first.grant_date) == (
        "US13676098",
        date(2012, 11, 14),
        date(2015, 12, 1),
    )
    assert first.ipc_main == "H05K9/00"
    assert ("CPC", "H05K9/0066", True) in [
        (c.scheme, c.code, c.is_main) for c in first.classifications
    ]
    assert [(p.role.value, p.name, p.country) for p in first.parties[:3]] == [
        ("applicant", "MEDIATEK INC.", "TW"),
        ("inventor", "Yu; Long-Kun", "TW"),
        ("inventor", "Deng; Kuo-Liang", "TW"),
    ]
    assert first.citations[0].cited_pub_number == "US20030169838A1"
    assert first.citations[0].category is CitationCategory.EXAMINER
    cn = [c for c in first.citations if (c.cited_pub_number or "").startswith("CN")]
    assert [c.cited_pub_number for c in cn] == [
        "CN1402605A",
        "CN1760783A",
        "CN1845666A",
        "CN102064808A",
    ]
    assert [c.category.value for c in cn] == [
        "examiner",
        "applicant",
        "applicant",
        "applicant",
    ]
    assert dict(first.extras)["prior_publication"] == "US 20130120958 A1"
    last = brs[5].record
    (priority,) = last.priorities
    assert (priority.country, priority.number, priority.date) == (
        "JP",
        "JP2010133232",
        date(2010, 6, 10),
    )


def test_brs_claims_and_references_match_a_plain_recount(brs, data_dir):
    path = data_dir / SAMPLES / "css_brs" / "css_brs_sample.txt"
    docs = "\n".join(_joined(path)).split("*** BRS DOCUMENT BOUNDARY ***")[1:]
    assert len(docs) == len(brs)
    checked = 0
    for text, item in zip(docs, brs, strict=True):
        record = item.record
        claims = re.findall(r"^CLPR  (\d+)\. ", text, re.M)
        assert [c.num for c in record.claim_items] == [int(n) for n in claims]
        assert record.claims_count == int(re.search(r"^NCL (\d+)", text, re.M)[1])
        references = re.findall(r"^(?:URGP|FRGP|ORPL) (.*)$", text, re.M)
        assert len(record.citations) == len(references)
        by_examiner = sum(r.strip().endswith("cited by examiner") for r in references)
        assert by_examiner == sum(
            c.category is CitationCategory.EXAMINER for c in record.citations
        )
        pattern = r"^CLPR  (\d+)\. [^\n]{0,120}?\b(?:of|to|in) claim (\d+)"
        depends = [(int(n), int(m)) for n, m in re.findall(pattern, text, re.M)]
        got = {c.num: c.depends_on for c in record.claim_items}
        assert all(got[n][0] == m for n, m in depends)
        checked += len(depends)
    assert checked > 80


# -- hostile input -------------------------------------------------------------------


def test_a_greenbook_cut_mid_record_is_quarantined_and_the_first_imports(
    tmp_path, store, data_dir
):
    first = (data_dir / SAMPLES / "greenbook" / "US03937375.greenbook").read_text()
    second = (data_dir / SAMPLES / "greenbook" / "US03932709.greenbook").read_text()
    cut = second[: second.index("NUM  9.")]
    path = tmp_path / "week.txt"
    path.write_text(first + cut, "utf-8")
    report = import_paths(store, [path])
    (f,) = report.files
    assert (f.format, f.status, f.new, f.quarantined) == ("uspto-aps", "ok", 1, 1)
    (entry,) = f.quarantine
    assert entry.position == "patent 2 (line 167)"
    assert "8 of the 17 claims NCL announces" in entry.reason
    assert "truncated" in entry.reason
    assert store.rows("SELECT pub_number FROM patents") == [("US3937375A",)]


def test_a_brs_file_cut_in_its_last_document_keeps_the_other_five(
    tmp_path, store, data_dir
):
    text = (data_dir / SAMPLES / "css_brs" / "css_brs_sample.txt").read_text()
    path = tmp_path / "brs.txt"
    path.write_text(text[: text.index("CLPR  3. The electronic-circuit")], "utf-8")
    report = import_paths(store, [path])
    (f,) = report.files
    assert (f.new, f.quarantined) == (5, 1)
    assert "2 of the 16 claims" in f.quarantine[0].reason


def test_a_header_line_before_patn_is_skipped(tmp_path, data_dir):
    text = (data_dir / SAMPLES / "greenbook" / "US03937375.greenbook").read_text()
    path = tmp_path / "pftaps19760210_wk06.txt"
    path.write_text("HHHHHT APS1  ISSUE  760210\n" + text, "utf-8")
    assert uspto_aps.sniff(file_source(path))
    (item,) = _read(path)
    assert item.record.pub_number == "US3937375A"


def test_a_bad_patent_number_is_quarantined_not_a_crash(tmp_path, store, data_dir):
    text = (data_dir / SAMPLES / "greenbook" / "US03937375.greenbook").read_text()
    path = tmp_path / "bad.txt"
    path.write_text(text.replace("WKU  039373754", "WKU  ?????????") + text, "utf-8")
    report = import_paths(store, [path])
    (f,) = report.files
    assert (f.new, f.quarantined) == (1, 1)
    assert "is not a US patent number" in f.quarantine[0].reason


def test_a_zip_of_greenbook_and_brs_files_imports_every_patent(
    tmp_path, store, data_dir
):
    import zipfile

    archive = tmp_path / "aps.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for stem in GREENBOOKS:
            zf.write(
                data_dir / SAMPLES / "greenbook" / f"{stem}.greenbook", f"{stem}.txt"
            )
        zf.write(data_dir / SAMPLES / "css_brs" / "css_brs_sample.txt", "brs.txt")
    report = import_paths(store, [archive])
    assert [(f.format, f.new) for f in report.files] == [
        ("uspto-aps", 1),
        ("uspto-aps", 1),
        ("uspto-aps", 1),
        ("uspto-aps", 6),
    ]
