"""Chinese database exports, Lens, Patentscope and the CCF corpus, read field by field.

Expected values come from the files themselves: a few records picked by opening the
files, and whole-file comparisons against an independent read with openpyxl, xlrd and
the csv module.
"""

from __future__ import annotations

import csv
import json
import zipfile
from datetime import date

import openpyxl
import pytest
import xlrd

from patnav.ingest.pipeline import import_paths
from patnav.storage.store import PatentStore


def one(store: PatentStore, sql: str, params=()):
    rows = store.query(sql, list(params)).to_pylist()
    assert len(rows) == 1, rows
    return rows[0]


def parties(store, doc_id, role):
    return [
        r[0]
        for r in store.rows(
            "SELECT name FROM parties WHERE doc_id = ? AND role = ? ORDER BY seq",
            [doc_id, role],
        )
    ]


# -- CNIPA export
# ------------------------------------------------------------------------


def test_cnipa_export_record_field_by_field(loaded_store):
    row = one(loaded_store, "SELECT * FROM patents WHERE doc_id = 'CN202644312U'")
    assert row["app_number"] == "CN201220249767"
    assert row["app_number_raw"] == "CN201220249767.4"
    assert row["app_date"] == date(2012, 5, 31)
    assert row["pub_date"] == date(2013, 1, 2)
    assert row["kind"] == "U" and row["office"] == "CN"
    assert row["patent_type"] == "utility_model"
    assert row["title"] == "一种钢筋混凝土轨枕"
    assert row["ipc_main"] == "E01B3/32"
    assert row["lang"] == "zh"
    assert row["claims"].startswith("一种钢筋混凝土轨枕，包括轨枕本体")
    assert json.loads(row["extras"])["光盘号"] == "D1301"
    applicant = one(
        loaded_store,
        "SELECT * FROM parties WHERE doc_id = 'CN202644312U' AND role = 'applicant'",
    )
    assert applicant["name"] == "海安县建莲商品混凝土有限公司"
    assert applicant["address"] == "江苏省南通市海安县老坝港镇海港村16组"
    assert applicant["postcode"] == "226634"
    assert parties(loaded_store, "CN202644312U", "inventor") == ["顾国生"]
    agency = one(
        loaded_store,
        "SELECT * FROM parties WHERE doc_id = 'CN202644312U' AND role = 'agency'",
    )
    assert (agency["name"], agency["ext_id"]) == (
        "南京正联知识产权代理有限公司",
        "32243",
    )
    assert parties(loaded_store, "CN202644312U", "agent") == ["胡定华"]
    ipc = loaded_store.rows(
        "SELECT code, is_main, raw FROM classifications WHERE doc_id = 'CN202644313U' "
        "ORDER BY seq"
    )
    assert ipc == [
        ("E01B3/32", True, "E01B3/32(2006.01)I"),
        ("E01B9/10", False, "E01B9/10(2006.01)I"),
    ]
    claim = one(loaded_store, "SELECT * FROM claims WHERE doc_id = 'CN202644312U'")
    assert (claim["num"], claim["is_independent"]) == (1, True)


def test_cnipa_export_priority_claim(loaded_store):
    (doc_id,) = loaded_store.rows(
        "SELECT doc_id FROM priorities WHERE raw = '2012.01.16 DE 202012000389.5'"
    )[0]
    p = one(loaded_store, "SELECT * FROM priorities WHERE doc_id = ?", [doc_id])
    assert (p["country"], p["number"], p["date"]) == (
        "DE",
        "DE202012000389",
        date(2012, 1, 16),
    )
    assert loaded_store.scalar(
        "SELECT priority_date FROM patents WHERE doc_id = ?", [doc_id]
    ) == (date(2012, 1, 16))


def test_cnipa_export_matches_an_independent_read(loaded_store, data_dir):
    wb = openpyxl.load_workbook(
        data_dir / "formats/cn-excel/cnipa_export_199.xlsx", read_only=True
    )
    rows = list(wb.active.iter_rows(values_only=True))
    wb.close()
    header = rows[0]
    col = {h: i for i, h in enumerate(header) if h}
    expected = {
        r[col["公开（公告）号"]]: (
            r[col["名称"]],
            r[col["申请（专利权）人"]],
            r[col["申请日"]].replace(".", "-"),
            r[col["主分类号"]].split("(")[0],
        )
        for r in rows[1:]
    }
    got = {
        r[0]: (r[1], r[2], r[3].isoformat(), r[4])
        for r in loaded_store.rows(
            "SELECT p.doc_id, p.title, string_agg(a.name, ';' ORDER BY a.seq), p.app_date, "
            "p.ipc_main FROM patents p "
            "JOIN parties a ON a.doc_id = p.doc_id AND a.role = 'applicant' "
            "WHERE p.doc_id IN (SELECT doc_id FROM provenance WHERE file LIKE "
            "'%cnipa_export_199.xlsx') GROUP BY ALL"
        )
    }
    assert got == expected
    assert len(got) == 199
    # the file's own description: 12 of them from Hubei
    hubei = loaded_store.scalar(
        "SELECT count(*) FROM parties WHERE role = 'applicant' AND address LIKE '湖北%' "
        "AND doc_id IN (SELECT doc_id FROM provenance WHERE file LIKE '%cnipa_export_199%')"
    )
    assert hubei == sum(1 for r in rows[1:] if "湖北" in (r[col["地址"]] or ""))
    assert hubei == 12


# -- CNKI export
# ---------------------------------------------------------------------------


def test_cnki_export_uses_its_profile(loaded_store):
    row = one(loaded_store, "SELECT * FROM patents WHERE doc_id = 'CN108982325A'")
    assert row["title"] == "地下防污屏障材料化学相容性测试装置及方法"
    assert (row["app_date"], row["pub_date"]) == (date(2018, 7, 30), date(2018, 12, 11))
    assert row["patent_type"] == "invention"
    assert parties(loaded_store, "CN108982325A", "inventor") == [
        "李育超",
        "于泽溪",
        "魏璐璐",
        "黄根清",
    ]
    assert parties(loaded_store, "CN108982325A", "applicant") == ["浙江大学"]
    assert row["claims"].startswith("1.一种地下防污屏障材料化学相容性测试装置")
    extras = json.loads(row["extras"])
    assert extras["href"].endswith("filename=CN108982325A")
    assert "public" not in extras  # ignored by the profile: the database's name
    n = loaded_store.scalar(
        "SELECT count(*) FROM provenance WHERE file LIKE '%cnki_export_33.xlsx'"
    )
    assert n == 33


# -- Tai'an corpus
# -------------------------------------------------------------------------


def test_taian_corpus(loaded_store, data_dir):
    row = one(loaded_store, "SELECT * FROM patents WHERE doc_id = 'AN:CN85102475'")
    assert row["title"] == "新型绕线式异步电动机"
    assert row["app_date"] == date(1985, 4, 1)
    assert row["ipc_main"] == "H02K17/02"
    assert row["patent_type"] == "invention"
    assert parties(loaded_store, "AN:CN85102475", "applicant") == ["山东省矿业学院"]
    counts = dict(
        loaded_store.rows(
            "SELECT patent_type, count(*) FROM patents WHERE doc_id IN (SELECT doc_id FROM "
            "provenance WHERE file LIKE '%taian_patents.xlsx') GROUP BY 1"
        )
    )
    # SOURCES.md: 5,335 utility models, 1,909 inventions, 140 designs by application
    # number
    assert counts == {"utility_model": 5335, "invention": 1909, "design": 140}
    designs = loaded_store.scalar(
        "SELECT count(*) FROM classifications WHERE scheme = 'LOC' AND doc_id IN "
        "(SELECT doc_id FROM provenance WHERE file LIKE '%taian_patents.xlsx')"
    )
    assert designs == 140  # design patents carry Locarno classes in 主分类号


# -- CCF BDCI JSON lines
# -------------------------------------------------------------------


def test_ccf_corpus(loaded_store, data_dir):
    first = json.loads(
        (data_dir / "corpora/cn-ccf-bdci-4097/train.json")
        .read_text("utf-8")
        .splitlines()[0]
    )
    row = one(
        loaded_store,
        "SELECT * FROM patents WHERE doc_id = ?",
        [f"ID:ccf-bdci:{first['id']}"],
    )
    assert row["title"] == first["title"] and row["abstract"] == first["abstract"]
    assert row["office"] == "CN" and row["lang"] == "zh"
    assert parties(loaded_store, row["doc_id"], "applicant") == [first["assignee"]]
    label = loaded_store.rows(
        "SELECT code FROM classifications WHERE doc_id = ? AND scheme = 'label'",
        [row["doc_id"]],
    )
    assert label == [(str(first["label_id"]),)]
    with (data_dir / "corpora/cn-ccf-bdci-4097/expand_train_1.json").open(
        encoding="utf-8"
    ) as f:
        ids = {json.loads(line)["id"] for line in f}
    assert (
        loaded_store.scalar(
            "SELECT count(*) FROM patents WHERE doc_id LIKE 'ID:ccf-bdci:%'"
        )
        == len(ids)
        == 4097
    )


# -- Lens
# ----------------------------------------------------------------------------------


def test_lens_drones_record(loaded_store):
    row = one(loaded_store, "SELECT * FROM patents WHERE doc_id = 'AT399980B'")
    assert row["app_number"] == "AT33585"
    assert (row["app_date"], row["pub_date"]) == (date(1985, 2, 6), date(1995, 8, 25))
    assert row["title"].startswith("Double-storey Trough Beehive")
    assert row["cited_by_count"] == 6
    assert parties(loaded_store, "AT399980B", "applicant") == ["MARKOWETZ FRANZ"]
    assert loaded_store.rows(
        "SELECT scheme, code FROM classifications WHERE doc_id = 'AT399980B' ORDER BY scheme"
    ) == [("CPC", "A01K47/00"), ("IPC", "A01K47/00")]
    row = one(loaded_store, "SELECT * FROM patents WHERE doc_id = 'AT556755T'")
    assert row["lang"] == "de"
    assert parties(loaded_store, "AT556755T", "inventor") == [
        "SEYDOUX HENRI",
        "D HAEYER FREDERIC",
    ]
    assert loaded_store.rows(
        "SELECT number, date FROM priorities WHERE doc_id = 'AT556755T' ORDER BY seq"
    ) == [("FR1051751", date(2010, 3, 11)), ("FR1054449", date(2010, 6, 7))]


def test_lens_drones_matches_the_csv(loaded_store, data_dir):
    with (data_dir / "formats/lens-csv/lens_drones_5884.csv").open(
        encoding="utf-8"
    ) as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 5884
    expected = {r["Publication Number"].replace(" ", "") for r in rows}
    got = {
        r[0]
        for r in loaded_store.rows(
            "SELECT pub_number_raw FROM patents WHERE doc_id IN (SELECT doc_id FROM "
            "provenance WHERE file LIKE '%lens_drones_5884.csv')"
        )
    }
    assert {g.replace(" ", "") for g in got} == expected
    by_office = dict(
        loaded_store.rows(
            "SELECT office, count(*) FROM patents WHERE doc_id IN (SELECT doc_id FROM "
            "provenance WHERE file LIKE '%lens_drones_5884.csv') GROUP BY 1"
        )
    )
    from collections import Counter

    assert by_office == dict(Counter(r["Jurisdiction"] for r in rows))


@pytest.fixture(scope="module")
def world_store(tmp_path_factory, data_dir):
    path = tmp_path_factory.mktemp("world") / "w.duckdb"
    with PatentStore.open(path) as s:
        report = import_paths(
            s,
            [
                data_dir / "formats/lens-csv/lens_pizza_1000.csv",
                data_dir / "formats/patentscope",
            ],
            raise_unexpected=True,
        )
    with PatentStore.open(path, read_only=True) as s:
        yield s, report


def test_lens_pizza_mac_excel_export(world_store):
    store, report = world_store
    lens = next(f for f in report.files if f.file.endswith("lens_pizza_1000.csv"))
    assert (lens.status, lens.read, lens.quarantined) == ("ok", 1000, 0)
    assert any("mac_roman" in n for n in lens.notices)
    assert any("day/month/year" in n for n in lens.notices)
    row = one(store, "SELECT * FROM patents WHERE doc_id = 'US20130101709A1'")
    assert (row["pub_date"], row["app_date"]) == (date(2013, 4, 25), date(2012, 10, 22))
    assert row["app_number"] == "US13657122"
    assert row["title"] == "METHOD AND SYSTEM FOR ASSEMBLING A PIZZA"


def test_patentscope_zip_and_csv(world_store, data_dir):
    store, report = world_store
    by_name = {f.file.rsplit("/", 1)[-1]: f for f in report.files}
    assert by_name["patentscope_pizza_1940_2005_9659.xls"].read == 9659
    assert by_name["patentscope_pizza_2006_2011_8458.xls"].read == 8458
    assert by_name["patentscope_pizza_2012_2015_6177.xls"].read == 6177
    assert by_name["pizza_medium_10000.csv"].read == 10000
    assert by_name["pizza_all_codebook_09022016.txt"].status == "skipped"
    # independent: the distinct publication numbers across the three XLS files
    numbers = set()
    with zipfile.ZipFile(
        data_dir / "formats/patentscope/pizza_all_24294_raw.zip"
    ) as zf:
        for name in zf.namelist():
            if name.endswith(".xls") and "__MACOSX" not in name:
                sheet = xlrd.open_workbook(file_contents=zf.read(name)).sheet_by_index(
                    0
                )
                # the export writes some numbers in lower case (es2127808 and ES2127808)
                numbers |= {
                    sheet.cell_value(r, 0).upper() for r in range(3, sheet.nrows)
                }
    xls_docs = store.scalar(
        "SELECT count(DISTINCT doc_id) FROM provenance WHERE format = 'xls'"
    )
    assert xls_docs == len(numbers)
    row = one(store, "SELECT * FROM patents WHERE doc_id = 'US20090208610'")
    assert row["pub_date"] == date(2009, 8, 21) and row["title"] == "PIZZA"
    assert row["kind"] is None  # Patentscope gives no kind code; none is invented
    p = one(store, "SELECT * FROM priorities WHERE doc_id = 'US20090208610'")
    assert (p["country"], p["date"]) == ("ES", date(2004, 10, 1))
    assert store.rows(
        "SELECT code FROM classifications WHERE doc_id = 'US20090208610' ORDER BY seq"
    ) == [("A21D13/00",), ("A23L1/16",)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Lens: a serial that looks like a date (20442001) must not be taken for one
        ("CH 20442001 A 20011106", [("CH", "CH20442001", date(2001, 11, 6))]),
        ("2012.01.16 DE 202012000389.5", [("DE", "DE202012000389", date(2012, 1, 16))]),
        ("[60/225,166 14.08.2000 US]", [("US", "US60225166", date(2000, 8, 14))]),
        (
            "[200402236U 2004-10-01T23:59:59.000Z ES, 2005070132 2005-09-23T23:59:59.000Z ES]",
            [
                ("ES", "ES200402236", date(2004, 10, 1)),
                ("ES", "ES2005070132", date(2005, 9, 23)),
            ],
        ),
        (
            "FR 1051751 A 20100311;;FR 1054449 A 20100607",
            [
                ("FR", "FR1051751", date(2010, 3, 11)),
                ("FR", "FR1054449", date(2010, 6, 7)),
            ],
        ),
    ],
)
def test_priority_forms_of_the_real_exports(text, expected):
    from patnav.ingest.values import parse_priorities

    assert [(p.country, p.number, p.date) for p in parse_priorities(text)] == expected
