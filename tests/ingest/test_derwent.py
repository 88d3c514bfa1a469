"""Derwent Innovations Index .ciw: one document per family member, every field kept."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pytest

from patnav.ingest.base import Read, ReadOptions, Rejected, file_source
from patnav.ingest.pipeline import detect_reader, import_paths
from patnav.ingest.readers import derwent
from patnav.schema.numbers import normalize_app_number, normalize_pub_number

FOLDER = "formats/derwent"


def _records(path: Path) -> dict[str, Read]:
    return {
        item.record.pub_number: item
        for item in derwent.read(file_source(path), ReadOptions())
        if isinstance(item, Read)
    }


@pytest.fixture(scope="module")
def docs(data_dir: Path) -> dict[str, Read]:
    out: dict[str, Read] = {}
    for path in sorted((data_dir / FOLDER).glob("*.ciw")):
        out.update(_records(path))
    return out


def _plain_fields(path: Path) -> list[dict[str, list[str]]]:
    """An independent plain parser: every record as tag → raw lines (``XX `` removed)."""
    records: list[dict[str, list[str]]] = []
    current: dict[str, list[str]] | None = None
    tag = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("PT "):
            current = {}
            records.append(current)
        if line[:2] == "ER" or line[:2] == "EF":
            current, tag = None, None
            continue
        if current is None:
            continue
        if line[:2].strip() and line[2:3] in (" ", ""):
            tag = line[:2]
            current.setdefault(tag, []).append(line[3:])
        elif tag:
            current[tag].append(line)
    return records


def test_every_ciw_file_is_recognised_without_being_told(data_dir):
    for path in sorted((data_dir / FOLDER).glob("*.ciw")):
        reader = detect_reader(file_source(path))
        assert reader is not None and reader.FORMAT == "derwent", path.name


def test_one_document_per_pn_member_and_one_family_per_record(data_dir):
    for path in sorted((data_dir / FOLDER).glob("*.ciw")):
        plain = _plain_fields(path)
        members = [
            (r["GA"][0].strip(), m.strip())
            for r in plain
            for m in " ".join(r["PN"]).split(";")
            if m.strip()
        ]
        read = [
            i
            for i in derwent.read(file_source(path), ReadOptions())
            if isinstance(i, Read)
        ]
        assert len(read) == len(members), path.name
        assert [(i.record.family_id, i.record.pub_number_raw) for i in read] == [
            (f"DWPI:{ga}", pn) for ga, pn in members
        ]
        assert {r.record.pub_number for r in read} == {
            normalize_pub_number(pn) for _, pn in members
        }


def test_cited_patents_and_papers_are_attached_to_the_citing_member(data_dir):
    for path in sorted((data_dir / FOLDER).glob("*.ciw")):
        # plain recount: CP/CR lines indented by six are the cited items
        expected: dict[str, int] = {}
        for record in _plain_fields(path):
            for tag in ("CP", "CR"):
                owner = None
                for i, line in enumerate(record.get(tag, [])):
                    indent = len(line) - len(line.lstrip(" "))
                    if i == 0 or indent < 6:
                        owner = line.split()[0]
                    elif line.strip():
                        expected[owner] = expected.get(owner, 0) + 1
        got = {
            i.record.pub_number_raw: len(i.record.citations)
            for i in derwent.read(file_source(path), ReadOptions())
            if isinstance(i, Read) and i.record.citations
        }
        assert got == expected, path.name


def test_first_record_of_the_first_file_field_by_field(docs):
    r = docs["JP2017071285A"].record
    assert r.title.startswith(
        "Control apparatus of flight vehicle has power transmission"
    )
    assert r.abstract.startswith("NOVELTY - The apparatus has a taking-off-and-landing")
    assert "\nUSE - Control apparatus of flight vehicle (claimed)." in r.abstract
    assert (r.office, r.kind, r.lang) == ("JP", "A", "en")
    assert r.pub_date == date(2017, 4, 13)
    assert (r.app_number_raw, r.app_date) == ("JP198782", date(2015, 10, 6))
    assert r.app_number == "JP2015198782"
    assert r.family_id == "DWPI:201729614T"
    assert r.ipc_main == "B64C39/02"
    (applicant,) = [p for p in r.parties if p.role.value == "applicant"]
    assert (applicant.name, applicant.ext_id) == ("TABUCHI DENKI KK", "TABU")
    assert applicant.raw_name == "TABUCHI DENKI KK (TABU-Non-standard)"
    assert [p.name for p in r.parties if p.role.value == "inventor"] == [
        "YAMAGUCHI Y",
        "KANO T",
        "NAKAMURA H",
        "NISHIDA T",
        "OGAWA T",
    ]
    by_scheme: dict[str, list[str]] = {}
    for c in r.classifications:
        by_scheme.setdefault(c.scheme, []).append(c.code)
    assert by_scheme["DWPI-DC"] == ["T06", "W06"]
    assert by_scheme["DWPI-MC"] == [
        "T06-B01",
        "W06-B01A",
        "W06-B01C3",
        "W06-B02",
        "W06-B15B",
        "W06-B15X",
    ]
    assert by_scheme["IPC"][:2] == ["B64C39/02", "B64C13/20"]
    assert len(by_scheme["IPC"]) == 7
    (priority,) = r.priorities
    assert (priority.number, priority.date) == ("JP2015198782", date(2015, 10, 6))
    extras = dict(r.extras)
    assert extras["publication_language"] == "Japanese"
    assert extras["pages"] == "10"
    assert extras["wos_id"] == "DIIDW:201729614T"


def test_a_two_member_family_keeps_each_members_own_details(docs):
    us = docs["US20170104972A1"].record
    wo = docs["WO2017062725A1"].record
    assert us.family_id == wo.family_id == "DWPI:201728877S"
    assert us.title == wo.title
    assert (us.pub_date, wo.pub_date) == (date(2017, 4, 13), date(2017, 4, 13))
    # a US serial without its series code cannot be rebuilt: raw form only
    assert (us.app_number, us.app_number_raw) == (None, "US878676")
    assert (wo.app_number, wo.app_number_raw) == ("PCT/US2016/055920", "WOUS055920")
    assert (us.app_date, wo.app_date) == (date(2015, 10, 8), date(2016, 10, 7))
    assert "designated_states" in dict(wo.extras)
    assert "designated_states" not in dict(us.extras)
    assert dict(wo.extras)["dwpi_family_members"] == "US20170104972A1; WO2017062725A1"


def test_further_details_give_pct_numbers_and_divisional_parents(docs):
    ca = docs["CA2757582A1"].record
    assert ca.family_id == "DWPI:2010M82586"
    assert ca.pct_pub_number == "WO2010112780A1"
    assert ca.pct_app_number == "PCT/FR2010/050625"
    assert len(dict(ca.extras)["dwpi_family_members"].split("; ")) == 26
    divisional = docs["EP1734333A1"].record
    # Derwent gives a divisional its parent's filing date: the number's year is unknown
    assert divisional.app_number is None and divisional.app_number_raw == "EP019954"
    assert divisional.parent_app_number == "EP05292311"


def test_cited_patents_of_a_member_in_source_order(docs):
    r = docs["RU2583868C2"].record
    assert [c.cited_pub_number for c in r.citations] == [
        "RU2208217C2",
        "RU126846U1",
        "US6003810A",
        "WO2006134050A1",
    ]
    assert r.citations[2].cited_raw.startswith("US6003810-A   SOC NAT IND AEROSPATIALE")


def test_rebuilt_application_numbers_agree_with_lens_for_the_same_documents(
    docs, data_dir
):
    lens = {}
    path = data_dir / "formats/lens-csv/lens_drones_5884.csv"
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        for row in csv.DictReader(f):
            try:
                lens[normalize_pub_number(row["Publication Number"])] = row
            except ValueError:
                continue
    compared = 0
    for pub, item in docs.items():
        app = item.record.app_number
        if app is None or pub not in lens:
            continue
        assert app == normalize_app_number(lens[pub]["Application Number"]), pub
        compared += 1
    assert compared >= 700  # CN, EP, WO, JP, KR, RU, AU, DE, FR, GB … all checked


def test_every_member_has_its_publication_date_and_one_main_ipc(docs):
    with_date = sum(1 for i in docs.values() if i.record.pub_date)
    assert with_date / len(docs) > 0.98
    for item in docs.values():
        mains = [c for c in item.record.classifications if c.is_main]
        assert len(mains) == 1 and mains[0].code == item.record.ipc_main


def test_impossible_dates_in_the_data_become_no_date(data_dir):
    # RU2424657-C1 is filed on "20 Sep 1225" in the export
    docs = _records(data_dir / FOLDER / "derwent_drone_drones_2001_2500.ciw")
    hits = [i.record for i in docs.values() if i.record.app_number_raw == "RU0148524"]
    assert hits and all(r.app_date is None for r in hits)
    assert all(
        p.date is None and p.raw == "RU0148524    20 Sep 1225"
        for p in hits[0].priorities
    )


# -- hostile input -------------------------------------------------------------------


def _head_records(data_dir: Path, n: int) -> str:
    text = (data_dir / FOLDER / "derwent_drone_drones_1_500.ciw").read_text("utf-8")
    parts = text.split("\nER\n")
    return "\nER\n".join(parts[:n]) + "\nER\n\nEF"


def test_a_truncated_ciw_quarantines_the_cut_record_and_keeps_the_rest(
    tmp_path, store, data_dir
):
    text = _head_records(data_dir, 4)
    cut = text[: text.index("PN US2017104972-A1") + 400]  # mid-record
    path = tmp_path / "cut.ciw"
    path.write_text(cut, "utf-8")
    report = import_paths(store, [path])
    (f,) = report.files
    assert (f.status, f.format, f.new, f.quarantined) == ("ok", "derwent", 2, 1)
    (entry,) = f.quarantine
    assert entry.position == "record 3 (line 48)"
    assert "not closed by an ER" in entry.reason and "truncated" in entry.reason
    raw = store.scalar("SELECT raw FROM quarantine")
    assert raw.startswith("PT P\nPN US2017104972-A1")


def test_a_record_missing_its_er_is_quarantined_and_the_next_imports(
    tmp_path, store, data_dir
):
    text = _head_records(data_dir, 4)
    broken = text.replace("UT DIIDW:2017291601\nER\n", "UT DIIDW:2017291601\n", 1)
    path = tmp_path / "no_er.ciw"
    path.write_text(broken, "utf-8")
    report = import_paths(store, [path])
    (f,) = report.files
    assert f.status == "ok" and f.quarantined == 1
    assert "TW536742-U" in f.quarantine[0].reason
    assert "a new record starts at line" in f.quarantine[0].reason
    assert (
        store.scalar("SELECT count(*) FROM patents WHERE pub_number = 'TW536742U'") == 0
    )
    assert (
        store.scalar(
            "SELECT count(*) FROM patents WHERE pub_number = 'US20170104972A1'"
        )
        == 1
    )


def test_a_record_without_a_readable_pn_is_quarantined(tmp_path, store, data_dir):
    text = _head_records(data_dir, 2).replace("PN TW536742-U", "PN not-a-number", 1)
    path = tmp_path / "bad_pn.ciw"
    path.write_text(text, "utf-8")
    report = import_paths(store, [path])
    (f,) = report.files
    assert (f.new, f.quarantined) == (1, 1)
    assert "no readable publication number in PN" in f.quarantine[0].reason


def test_a_mis_encoded_ciw_imports_with_an_encoding_warning(tmp_path, store, data_dir):
    text = _head_records(data_dir, 2).replace("Target drone.", "Target drône.", 1)
    text = text.replace("™", "")
    path = tmp_path / "latin.ciw"
    path.write_bytes(text.encode("cp1252"))
    report = import_paths(store, [path])
    (f,) = report.files
    assert f.status == "ok" and f.new == 2
    assert any("cp1252" in w for w in f.warnings)
    assert store.scalar("SELECT title FROM patents WHERE pub_number = 'TW536742U'") == (
        "Target drône."
    )


def test_not_a_ciw_is_not_sniffed(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("FN is not a field here\nJust text.\n", "utf-8")
    assert derwent.sniff(file_source(path)) is False


def test_the_abbreviated_application_numbers_rules():
    filed = date(2010, 4, 1)
    assert derwent.derwent_app_number("CN80017500", filed) == "CN201080017500"
    assert derwent.derwent_app_number("EP723181", filed) == "EP10723181"
    assert derwent.derwent_app_number("WOFR050625", filed) == "PCT/FR2010/050625"
    assert derwent.derwent_app_number("KR725890", filed) == "KR20100725890"
    assert derwent.derwent_app_number("US13262248", filed) == "US13262248"
    assert derwent.derwent_app_number("US932490", filed) is None  # no series code
    assert derwent.derwent_app_number("US076293P", filed) is None  # provisional
    assert derwent.derwent_app_number("EP723181", None) is None


def test_rejected_items_carry_their_raw_record(tmp_path, data_dir):
    text = _head_records(data_dir, 2)
    path = tmp_path / "cut.ciw"
    path.write_text(text[: re.search(r"PN TW536742-U", text).end() + 5], "utf-8")
    items = list(derwent.read(file_source(path), ReadOptions()))
    (rejected,) = [i for i in items if isinstance(i, Rejected)]
    assert rejected.raw.startswith("PT P\nPN TW536742-U")
    assert rejected.row_number == 34


def test_a_gzipped_ciw_and_a_zip_of_ciw_files_import_the_same(
    tmp_path, store, data_dir
):
    import gzip
    import zipfile

    path = data_dir / FOLDER / "derwent_drone_drones_2501_2691.ciw"
    gz = tmp_path / "drones.ciw.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    archive = tmp_path / "drones.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(path, "export/part5.txt")  # an export renamed: found by its content
    report = import_paths(store, [gz, archive])
    first, second = report.files
    assert (first.format, first.new) == ("derwent", 570)
    assert (second.format, second.new, second.unchanged) == ("derwent", 0, 570)
    assert first.file == f"{gz}!drones.ciw"
