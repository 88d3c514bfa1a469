"""PatentsView tables: joined on patent_id, read as a set, streamed with flat memory."""

from __future__ import annotations

import csv
import shutil
import zipfile
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from patnav.ingest.base import Read, ReadOptions, file_source
from patnav.ingest.pipeline import detect_reader, import_paths, set_folder
from patnav.ingest.readers import patentsview
from patnav.storage.store import PatentStore
from tests.ingest.test_conformance import check_record

FOLDER = "formats/patentsview-tables"
TABLES = ("assignee", "cpc", "inventor", "patent", "patent_abstract")


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def plain(data_dir: Path) -> dict[str, list[dict[str, str]]]:
    """The five tables read with the csv module, independently of the reader."""
    return {t: _csv(data_dir / FOLDER / f"nvidia_{t}.csv") for t in TABLES}


@pytest.fixture(scope="module")
def loaded(data_dir: Path, tmp_path_factory):
    path = tmp_path_factory.mktemp("pv") / "pv.duckdb"
    with PatentStore.open(path) as s:
        report = import_paths(s, [data_dir / FOLDER])
    with PatentStore.open(path, read_only=True) as s:
        yield s, report


def _by_patent(rows: list[dict[str, str]], seq: str) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r["patent_id"], int(r[seq]))):
        out[row["patent_id"]].append(row)
    return out


def test_every_table_is_recognised_by_its_columns(data_dir):
    for table in TABLES:
        source = file_source(data_dir / FOLDER / f"nvidia_{table}.csv")
        assert detect_reader(source).FORMAT == "patentsview", table
    kinds = [
        patentsview.table_of(
            (data_dir / FOLDER / f"nvidia_{t}.csv")
            .read_text()
            .split("\n", 1)[0]
            .split(",")
        ).kind
        for t in TABLES
    ]
    assert kinds == ["assignee", "cpc", "inventor", "patent", "abstract"]


def test_the_folder_imports_as_one_set_of_joined_records(loaded, plain):
    store, report = loaded
    (f,) = report.files
    assert (f.format, f.status, f.read, f.new, f.quarantined) == (
        "patentsview",
        "ok",
        len(plain["patent"]),
        5169,
        0,
    )
    assert f.file.endswith("patentsview-tables")
    assert store.count("patents") == 5169
    assert store.scalar(
        "SELECT count(*) FROM classifications WHERE scheme = 'CPC'"
    ) == (len({(r["patent_id"], r["cpc_group"]) for r in plain["cpc"]}))
    assert store.scalar("SELECT count(*) FROM parties WHERE role = 'inventor'") == len(
        plain["inventor"]
    )
    assert store.scalar("SELECT count(*) FROM parties WHERE role = 'assignee'") == len(
        plain["assignee"]
    )
    empty = sum(1 for r in plain["patent_abstract"] if not r["patent_abstract"].strip())
    assert store.scalar("SELECT count(*) FROM patents WHERE abstract IS NULL") == empty


def test_joined_records_follow_the_schema_rules(data_dir, tmp_path):
    sources = [file_source(p) for p in sorted((data_dir / FOLDER).glob("*.csv"))]
    records = [
        i.record
        for i in patentsview.read_set(sources, ReadOptions())
        if isinstance(i, Read)
    ]
    assert len(records) == 5169
    for record in records:
        check_record(record, office_data=False)
    bulk = [file_source(p) for p in sorted(_bulk(tmp_path / "bulk").iterdir())]
    for item in patentsview.read_set(bulk, ReadOptions()):
        if isinstance(item, Read):
            check_record(item.record)


def test_three_patents_field_by_field(loaded, plain):
    store, _ = loaded
    rows = store.query(
        "SELECT pub_number, kind, title, grant_date, claims_count, abstract "
        "FROM patents WHERE doc_id IN ('US10001996B2', 'US10002586B1', 'US10008034B2') "
        "ORDER BY doc_id"
    ).to_pylist()
    assert [
        (r["pub_number"], r["kind"], r["grant_date"], r["claims_count"]) for r in rows
    ] == [
        ("US10001996B2", "B2", date(2018, 6, 19), 8),
        ("US10002586B1", "B1", date(2018, 6, 19), 20),
        ("US10008034B2", "B2", date(2018, 6, 26), 7),
    ]
    assert rows[0]["title"] == "Selective poisoning of data during runahead"
    assert rows[2]["title"] == (
        "System, method, and computer program product for computing indirect lighting "
        "in a cloud network"
    )
    abstracts = {r["patent_id"]: r["patent_abstract"] for r in plain["patent_abstract"]}
    assert rows[1]["abstract"] == abstracts["10002586"]
    assert rows[0]["abstract"].startswith("Embodiments related to selecting a runahead")
    parties = store.rows(
        "SELECT role, seq, name, ext_id, party_type FROM parties "
        "WHERE doc_id = 'US10001996B2' ORDER BY role, seq"
    )
    assert parties == [
        (
            "assignee",
            1,
            "NVIDIA CORPORATION",
            "024bdad2-8995-48e5-859e-a578e0a7ad6d",
            "company",
        ),
        ("inventor", 1, "Magnus Ekman", "fl:ma_ln:ekman-6", "individual"),
        ("inventor", 2, "James van Zoeren", "fl:ja_ln:vanzoeren-1", "individual"),
        ("inventor", 3, "Paul Serris", "fl:pa_ln:serris-1", "individual"),
    ]


def test_every_patents_cpc_and_inventors_follow_the_table_sequence(loaded, plain):
    store, _ = loaded
    cpc = _by_patent(plain["cpc"], "cpc_sequence")
    got_cpc: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for doc_id, code, is_main in store.rows(
        "SELECT doc_id, code, is_main FROM classifications WHERE scheme = 'CPC' "
        "ORDER BY doc_id, seq"
    ):
        got_cpc[doc_id].append((code, is_main))
    for pid, rows in cpc.items():
        expected = list(dict.fromkeys(r["cpc_group"] for r in rows))
        got = got_cpc[f"US{pid}" + _kind(plain, pid)]
        assert [c for c, _ in got] == expected, pid
        assert [m for _, m in got] == [True] + [False] * (len(expected) - 1)
    inventors = _by_patent(plain["inventor"], "inventor_sequence")
    got_inv: dict[str, list[str]] = defaultdict(list)
    for doc_id, name in store.rows(
        "SELECT doc_id, raw_name FROM parties WHERE role = 'inventor' ORDER BY doc_id, seq"
    ):
        got_inv[doc_id].append(name)
    for pid, rows in inventors.items():
        expected = [
            f"{r['disambig_inventor_name_first']} {r['disambig_inventor_name_last']}"
            for r in rows
        ]
        assert got_inv[f"US{pid}" + _kind(plain, pid)] == expected, pid


_KINDS: dict[str, str] = {}


def _kind(plain, pid: str) -> str:
    if not _KINDS:
        _KINDS.update({r["patent_id"]: r["wipo_kind"] for r in plain["patent"]})
    return _KINDS[pid]


def test_a_zip_of_the_folder_gives_the_same_records(tmp_path, loaded, data_dir):
    store, _ = loaded
    archive = tmp_path / "nvidia.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for table in TABLES:
            zf.write(
                data_dir / FOLDER / f"nvidia_{table}.csv", f"pv/nvidia_{table}.csv"
            )
    with PatentStore.open(None) as other:
        report = import_paths(other, [archive])
        (f,) = report.files
        assert (f.file, f.format, f.new) == (f"{archive}!pv", "patentsview", 5169)
        for table in ("patents", "parties", "classifications"):
            query = (
                f"SELECT * EXCLUDE (imported_at, updated_at) FROM {table} ORDER BY ALL"
                if table == "patents"
                else f"SELECT * FROM {table} ORDER BY ALL"
            )
            assert other.query(query).to_pylist() == store.query(query).to_pylist()
        again = import_paths(other, [archive])
        assert (again.totals["new"], again.totals["unchanged"]) == (0, 5169)


def test_the_patent_table_alone_imports_what_it_has(store, data_dir):
    report = import_paths(store, [data_dir / FOLDER / "nvidia_patent.csv"])
    (f,) = report.files
    assert (f.status, f.new) == ("ok", 5169)
    assert any("no abstract, cpc, inventor, assignee table" in n for n in f.notices)
    assert store.scalar("SELECT count(*) FROM patents WHERE abstract IS NOT NULL") == 0


def test_another_table_alone_is_refused_with_what_is_missing(store, data_dir):
    path = data_dir / FOLDER / "nvidia_cpc.csv"
    report = import_paths(store, [path])
    (f,) = report.files
    assert (f.status, f.format) == ("failed", "patentsview")
    assert "g_patent" in f.message and "nvidia_cpc.csv (cpc)" in f.message
    assert store.count("patents") == 0
    assert (
        store.scalar("SELECT count(*) FROM quarantine WHERE position = 'whole file'")
        == 1
    )


def test_a_folder_missing_tables_imports_the_rest(tmp_path, store, data_dir, plain):
    folder = tmp_path / "pv"
    folder.mkdir()
    for table in ("patent", "cpc"):
        shutil.copy(data_dir / FOLDER / f"nvidia_{table}.csv", folder)
    report = import_paths(store, [folder])
    (f,) = report.files
    assert (f.status, f.new) == ("ok", 5169)
    assert any("no abstract, inventor, assignee table" in n for n in f.notices)
    assert store.scalar("SELECT count(*) FROM parties") == 0
    assert store.scalar("SELECT count(DISTINCT doc_id) FROM classifications") == len(
        {r["patent_id"] for r in plain["cpc"]}
    )


# -- bulk layout, other tables, hostile input -----------------------------------------

PATENT = (
    "patent_id\tpatent_type\tpatent_date\tpatent_title\twipo_kind\tnum_claims\t"
    "withdrawn\tfilename\n"
    '10000001\tutility\t2018-06-19\t"Widget with ""quotes"""\tB2\t3\t0\tipg180619.xml\n'
    "10000002\tutility\t2018-06-19\tGizmo\tB1\t1\t1\tipg180619.xml\n"
    "D800000\tdesign\t2017-10-17\tOrnamental lamp\tS1\t1\t0\tipg171017.xml\n"
)
APPLICATION = (
    "application_id\tpatent_id\tpatent_application_type\tfiling_date\tseries_code\t"
    "rule_47_flag\n"
    "15/123456\t10000001\t15\t2016-03-01\t15\t0\n"
    "29/555555\tD800000\t29\t2016-02-29\t29\t0\n"
)
CITATION = (
    "patent_id\tcitation_sequence\tcitation_patent_id\tcitation_date\trecord_name\t"
    "wipo_kind\tcitation_category\n"
    "10000001\t1\t6000000\t1999-12-01\tSmith\tA\tcited by applicant\n"
    "10000001\t0\t5000000\t1991-03-01\tJones\tA\tcited by examiner\n"
    "99999999\t0\t5000000\t1991-03-01\tJones\tA\tcited by examiner\n"
)
FOREIGN = (
    "patent_id\tcitation_sequence\tcitation_application_id\tcitation_date\t"
    "citation_category\tcitation_country\n"
    "10000001\t0\t102064808\t2011-05-01\tcited by examiner\tCN\n"
)
PRIORITY = (
    "patent_id\tpriority_claim_sequence\tpriority_claim_kind\tforeign_application_id\t"
    "filing_date\tforeign_country_filed\n"
    "10000001\t0\tnational\t2015-133232\t2015-06-10\tJP\n"
)
INVENTOR = (
    "patent_id\tinventor_sequence\tinventor_id\tdisambig_inventor_name_first\t"
    "disambig_inventor_name_last\tgender_code\tlocation_id\n"
    "10000001\t1\tinv-b\tBo\tLi\tM\tloc-2\n"
    "10000001\t0\tinv-a\tAnn\tLee\tF\tloc-1\n"
)
ASSIGNEE = (
    "patent_id\tassignee_sequence\tassignee_id\tdisambig_assignee_individual_name_first\t"
    "disambig_assignee_individual_name_last\tdisambig_assignee_organization\t"
    "assignee_type\tlocation_id\n"
    "10000001\t0\tas-1\t\t\tWidget Corp.\t3\tloc-2\n"
)
LOCATION = (
    "location_id\tdisambig_city\tdisambig_state\tdisambig_country\tlatitude\tlongitude\t"
    "county\tstate_fips\tcounty_fips\n"
    "loc-1\tAustin\tTX\tUS\t30.2\t-97.7\tTravis\t48\t453\n"
    "loc-2\tShenzhen\t\tCN\t22.5\t114.0\t\t\t\n"
)
CLAIMS = (
    "patent_id\tclaim_sequence\tclaim_text\tdependent\tclaim_number\texemplary\n"
    "10000001\t0\t1. A widget comprising a spring.\t\t1\t1\n"
    "10000001\t1\t2. The widget of claim 1, wherein the spring is steel.\tclaim 1\t2\t0\n"
    "10000001\t2\t3. The widget of claim 2, painted.\tclaim 2\t3\t0\n"
)


def _bulk(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    for name, text in {
        "g_patent.tsv": PATENT,
        "g_application.tsv": APPLICATION,
        "g_us_patent_citation.tsv": CITATION,
        "g_foreign_citation.tsv": FOREIGN,
        "g_foreign_priority.tsv": PRIORITY,
        "g_inventor_disambiguated.tsv": INVENTOR,
        "g_assignee_disambiguated.tsv": ASSIGNEE,
        "g_location_disambiguated.tsv": LOCATION,
        "g_claims_2018.tsv": CLAIMS,
    }.items():
        (folder / name).write_text(text, "utf-8")
    return folder


def test_bulk_tsv_tables_join_applications_citations_places_claims(tmp_path, store):
    report = import_paths(store, [_bulk(tmp_path / "bulk")])
    (f,) = report.files
    assert (f.format, f.new, f.quarantined) == ("patentsview", 3, 0)
    assert any(
        "1 row(s) of" in w and "g_us_patent_citation.tsv" in w for w in f.warnings
    )
    p = store.query("SELECT * FROM patents WHERE doc_id = 'US10000001B2'").to_pylist()[
        0
    ]
    assert p["title"] == 'Widget with "quotes"'
    assert (p["app_number"], p["app_date"], p["claims_count"]) == (
        "US15123456",
        date(2016, 3, 1),
        3,
    )
    assert p["priority_date"] == date(2015, 6, 10)
    assert store.rows(
        "SELECT seq, cited_pub_number, category, cited_date FROM citations "
        "WHERE doc_id = 'US10000001B2' ORDER BY seq"
    ) == [
        (1, "US5000000A", "examiner", date(1991, 3, 1)),
        (2, "US6000000A", "applicant", date(1999, 12, 1)),
        (3, "CN102064808", "examiner", date(2011, 5, 1)),  # no kind in the table
    ]
    assert store.rows(
        "SELECT role, name, city, country, party_type FROM parties "
        "WHERE doc_id = 'US10000001B2' ORDER BY role, seq"
    ) == [
        ("assignee", "Widget Corp.", "Shenzhen", "CN", "company"),
        ("inventor", "Ann Lee", "Austin", "US", "individual"),
        ("inventor", "Bo Li", "Shenzhen", "CN", "individual"),
    ]
    assert store.rows(
        "SELECT num, is_independent, depends_on, text FROM claims "
        "WHERE doc_id = 'US10000001B2' ORDER BY num"
    ) == [
        (1, True, [], "A widget comprising a spring."),
        (2, False, [1], "The widget of claim 1, wherein the spring is steel."),
        (3, False, [2], "The widget of claim 2, painted."),
    ]
    assert store.rows(
        "SELECT number, date FROM priorities WHERE doc_id = 'US10000001B2'"
    ) == [("JP2015133232", date(2015, 6, 10))]
    assert store.rows(
        "SELECT doc_id, patent_type, legal_status FROM patents ORDER BY doc_id"
    ) == [
        ("US10000001B2", "invention", None),
        ("US10000002B1", "invention", "withdrawn"),
        ("USD800000S1", "design", None),
    ]


def test_a_malformed_line_is_quarantined_with_its_line_and_the_rest_imports(
    tmp_path, store
):
    folder = _bulk(tmp_path / "bulk")
    broken = PATENT.replace("10000002\tutility", '10000002\t"utility', 1)
    (folder / "g_patent.tsv").write_text(broken, "utf-8")
    report = import_paths(store, [folder])
    (f,) = report.files
    assert f.status == "ok" and f.quarantined >= 1
    (entry,) = f.quarantine
    assert entry.position.endswith("g_patent.tsv line 3")
    assert "unterminated quote" in entry.reason
    assert store.rows("SELECT doc_id FROM patents") == [("US10000001B2",)]


def test_a_windows_1252_table_is_transcoded(tmp_path, store):
    folder = _bulk(tmp_path / "bulk")
    (folder / "g_patent.tsv").write_bytes(
        PATENT.replace("Gizmo", "Gizmo für Café").encode("cp1252")
    )
    report = import_paths(store, [folder])
    assert report.files[0].new == 3
    assert store.scalar("SELECT title FROM patents WHERE doc_id = 'US10000002B1'") == (
        "Gizmo für Café"
    )


def test_sets_group_by_folder_in_archives_and_on_disk():
    assert set_folder("/data/pv/g_patent.tsv") == "/data/pv"
    assert set_folder("pv.zip!pv/g_patent.tsv") == "pv.zip!pv"
    assert set_folder("pv.zip!g_patent.tsv") == "pv.zip"
    assert set_folder("a.zip!b.zip!x/y/g_cpc.tsv") == "a.zip!b.zip!x/y"
