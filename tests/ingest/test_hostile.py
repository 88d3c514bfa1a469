"""Broken, hostile and mis-encoded inputs: a clear message, quarantine, nothing else lost."""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import zipfile

import openpyxl
import pandas as pd
import pytest

from patnav.config import Settings
from patnav.errors import MappingError
from patnav.ingest.pipeline import import_paths
from patnav.ingest.tabular.columns import load_mapping
from patnav.storage.health import check_store
from patnav.storage.store import PatentStore
from tests.ingest.bombs import MEMBER_JUST_UNDER_1_MIB, repeated_member_zip


def _good_csv(tmp_path):
    path = tmp_path / "good.csv"
    path.write_text("公开号,名称\nCN202644312U,一种钢筋混凝土轨枕\n", "utf-8")
    return path


def test_truncated_xlsx_fails_clearly_and_the_next_file_imports(
    tmp_path, store, data_dir
):
    data = (data_dir / "formats/cn-excel/cnipa_export_199.xlsx").read_bytes()
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(data[: len(data) // 2])
    report = import_paths(store, [truncated, _good_csv(tmp_path)])
    bad, good = report.files
    assert bad.status == "failed"
    assert "truncated" in bad.message and "again" in bad.message
    assert good.status == "ok" and good.new == 1
    assert store.rows("SELECT file, position, reason FROM quarantine") == [
        (str(truncated), "whole file", bad.message)
    ]
    assert store.count("patents") == 1


def test_csv_with_a_10_mb_cell_quarantines_that_row_only(tmp_path, store):
    path = tmp_path / "huge.csv"
    path.write_text(
        "公开号,名称,摘要\n"
        "CN202644312U,第一行,短摘要\n"
        f"CN202644313U,第二行,{'很' * (10 * 1024 * 1024 // 3 + 10)}\n"
        "CN202644314U,第三行,短摘要\n",
        "utf-8",
    )
    report = import_paths(
        store, [path], settings=Settings(max_cell_bytes=4 * 1024 * 1024)
    )
    f = report.files[0]
    assert (f.status, f.read, f.new, f.quarantined) == ("ok", 3, 2, 1)
    (entry,) = f.quarantine
    assert entry.position == "line 3"
    assert "limit" in entry.reason and "PATNAV_MAX_CELL_BYTES" in entry.reason
    assert sorted(r[0] for r in store.rows("SELECT title FROM patents")) == [
        "第一行",
        "第三行",
    ]


def test_gbk_mislabelled_as_utf8_imports_correctly_with_a_warning(tmp_path, store):
    path = tmp_path / "gbk.csv"
    text = "公开号,名称,申请人\nCN202644312U,一种钢筋混凝土轨枕,海安县建莲商品混凝土有限公司\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("gbk"))  # a UTF-8 BOM on GBK content
    report = import_paths(store, [path], encoding="utf-8")
    f = report.files[0]
    assert f.new == 1
    assert any("gb18030" in n for n in f.notices)
    assert any("not valid utf-8" in w or "byte-order mark" in w for w in f.warnings)
    assert store.scalar("SELECT name FROM parties") == "海安县建莲商品混凝土有限公司"


def test_formulas_are_stored_as_text_never_evaluated(tmp_path, store):
    path = tmp_path / "formulas.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["公开号", "名称", "摘要", "被引次数"])
    ws.append(["CN202644312U", "=1+1", "=cmd|' /C calc'!A0", "=SUM(1,2)"])
    ws.append(["CN202644313U", '=HYPERLINK("http://evil.example","点我")', "正常", 3])
    wb.save(path)
    report = import_paths(store, [path])
    assert report.files[0].new == 2
    rows = dict(store.rows("SELECT doc_id, title FROM patents"))
    assert rows["CN202644312U"] == "=1+1"
    assert rows["CN202644313U"].startswith("=HYPERLINK(")
    assert store.scalar(
        "SELECT abstract FROM patents WHERE doc_id = 'CN202644312U'"
    ) == ("=cmd|' /C calc'!A0")
    # a formula where a number belongs is not a number: kept as text in extras
    assert (
        store.scalar("SELECT cited_by_count FROM patents WHERE doc_id = 'CN202644312U'")
        is None
    )
    assert "=SUM(1,2)" in store.scalar(
        "SELECT extras FROM patents WHERE doc_id = 'CN202644312U'"
    )


def test_zip_bomb_is_refused_and_the_archive_rest_imports(tmp_path, store):
    path = tmp_path / "exports.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("bomb.csv", b"0" * 300_000_000)
        zf.writestr("good.csv", "公开号,名称\nCN202644312U,轨枕\n".encode())
    report = import_paths(store, [path])
    by_name = {f.file.rsplit("!", 1)[1]: f for f in report.files}
    assert by_name["bomb.csv"].status == "failed"
    assert "zip bomb" in by_name["bomb.csv"].message
    assert by_name["good.csv"].new == 1


def test_xlsx_that_is_itself_a_bomb_is_refused(tmp_path, store):
    wb = openpyxl.Workbook()
    wb.active.append(["公开号", "名称"])
    buffer = io.BytesIO()
    wb.save(buffer)
    path = tmp_path / "bomb.xlsx"
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/media/padding.bin", b"\0" * 300_000_000)
    report = import_paths(store, [path])
    assert report.files[0].status == "failed"
    assert "zip bomb" in report.files[0].message


def test_xlsx_with_an_external_entity_does_not_resolve_it(tmp_path, store):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", "utf-8")
    wb = openpyxl.Workbook()
    wb.active.append(["公开号", "名称"])
    wb.active.append(["CN202644312U", "PLACEHOLDER"])
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    hostile = tmp_path / "xxe.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(hostile, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                text = text.replace(
                    "<worksheet",
                    f'<!DOCTYPE w [<!ENTITY x SYSTEM "file://{secret}">]><worksheet',
                    1,
                ).replace("PLACEHOLDER", "&x;")
                data = text.encode()
            dst.writestr(item, data)
    report = import_paths(store, [hostile])
    f = report.files[0]
    assert f.status == "failed"  # defusedxml refuses the DTD outright
    assert "TOP-SECRET" not in (f.message or "")
    assert store.count("patents") == 0


def test_an_empty_file_and_a_binary_file_are_reported_not_crashed(tmp_path, store):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    binary = tmp_path / "image.csv"
    binary.write_bytes(bytes(range(256)) * 100)
    report = import_paths(store, [empty, binary])
    assert [f.status for f in report.files] == ["failed", "failed"]
    assert all("--mapping" in f.message for f in report.files)


def test_a_folder_mixing_good_bad_and_foreign_files(tmp_path, store, data_dir):
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(data_dir / "formats/cn-excel/cnki_export_33.xlsx", folder)
    (folder / "notes.txt").write_text("这是一份说明，不是专利数据。\n", "utf-8")
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 not really")
    report = import_paths(store, [folder])
    status = {f.file.rsplit("/", 1)[1]: f.status for f in report.files}
    assert status == {
        "broken.xlsx": "failed",
        "cnki_export_33.xlsx": "ok",
        "notes.txt": "skipped",
    }
    assert store.count("patents") == 33


# -- issue 12 -------------------------------------------------------------------------


def _lens_1000(data_dir, folder):
    """A good 1,000-record CSV: the first 1,000 rows of the real Lens drone export."""
    frame = pd.read_csv(data_dir / "formats/lens-csv/lens_drones_5884.csv", dtype=str)
    path = folder / "lens_1000.csv"
    frame.head(1000).to_csv(path, index=False)
    return path, set(frame.head(1000)["Publication Number"])


def _stored_raw_numbers(store):
    return {r[0] for r in store.rows("SELECT pub_number_raw FROM patents")}


def test_the_reported_zip_bomb_fails_alone_and_leaves_the_store_usable(
    tmp_path, data_dir
):
    bomb = repeated_member_zip(
        tmp_path / "bomb.zip", members=3000, data=MEMBER_JUST_UNDER_1_MIB
    )
    good, numbers = _lens_1000(data_dir, tmp_path)
    path = tmp_path / "tenant.duckdb"
    with PatentStore.open(path) as store:
        report = import_paths(store, [bomb, good])
        refused, imported = report.files
        assert (refused.file, refused.status) == (str(bomb), "failed")
        assert "zip bomb" in refused.message and len(refused.message) < 400
        assert (imported.status, imported.new) == ("ok", 1000)
        assert _stored_raw_numbers(store) == numbers
        # one short entry for the whole archive, nothing per member
        assert store.rows(
            "SELECT file, position, length(reason) < 400 FROM quarantine"
        ) == [(str(bomb), "whole file", True)]
    health = check_store(path, deep=True)
    assert (health.status, health.tables["patents"]) == ("ok", 1000)


def test_a_member_without_header_quotes_a_short_excerpt_of_its_first_row(
    tmp_path, store
):
    path = tmp_path / "rows.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("m.csv", MEMBER_JUST_UNDER_1_MIB)
    (f,) = import_paths(store, [path]).files
    assert f.status == "failed" and "no header row" in f.message
    assert "(1,048,575 characters)" in f.message and len(f.message) < 1200
    (message,) = store.rows("SELECT message FROM imports")[0]
    (reason,) = store.rows("SELECT reason FROM quarantine")[0]
    assert message == reason == f.message


def test_a_bad_number_is_quoted_short_in_its_quarantine_reason(tmp_path, store):
    path = tmp_path / "long.csv"
    path.write_text(
        "公开号,名称\nCN202644312U,一\n" + "CN" + "9" * 500_000 + "A,二\n", "utf-8"
    )
    (f,) = import_paths(store, [path]).files
    assert (f.status, f.new, f.quarantined) == ("ok", 1, 1)
    (reason,) = store.rows("SELECT reason FROM quarantine")[0]
    assert "(500,003 characters)" in reason and len(reason) < 1000
    (raw,) = store.rows("SELECT length(raw) FROM quarantine")[0]
    assert raw == 65536  # the row itself is kept, up to its limit, beside the reason


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.txt", b"hello\rworld\r"),  # a bare carriage return
        ("noise.xml", random.Random(12).randbytes(5000)),  # random bytes named .xml
    ],
)
def test_a_file_no_reader_can_sniff_fails_alone(tmp_path, data_dir, name, content):
    bad = tmp_path / name
    bad.write_bytes(content)
    good, numbers = _lens_1000(data_dir, tmp_path)
    # named on the command line: it fails with a reason, the good file imports
    with PatentStore.open(None) as store:
        report = import_paths(store, [bad, good])
        failed, imported = report.files
        assert failed.status == "failed" and "no reader recognises" in failed.message
        assert (imported.status, imported.new) == ("ok", 1000)
        assert _stored_raw_numbers(store) == numbers
    # in a folder: it is skipped, the rest imports
    folder = tmp_path / "folder"
    folder.mkdir()
    shutil.copy(bad, folder)
    shutil.copy(good, folder)
    with PatentStore.open(None) as store:
        report = import_paths(store, [folder])
        assert {f.file.rsplit("/", 1)[1]: f.status for f in report.files} == {
            name: "skipped",
            "lens_1000.csv": "ok",
        }
        assert _stored_raw_numbers(store) == numbers
    # in a zip, as an upload would hold them: the same
    archive = tmp_path / "upload.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(bad, name)
        zf.write(good, "lens_1000.csv")
    with PatentStore.open(None) as store:
        report = import_paths(store, [archive])
        assert report.ok and report.totals["new"] == 1000
        assert _stored_raw_numbers(store) == numbers


def test_a_damaged_archive_member_fails_alone_with_a_clear_reason(tmp_path, store):
    text = os.urandom(50_000).hex().encode()  # compresses to about 50 KB
    good = "公开号,名称\nCN202644312U,轨枕\n".encode()
    path = tmp_path / "damaged.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.csv", b"\xe5\x85\xac\xe5\xbc\x80\xe5\x8f\xb7,x\n" + text)
        zf.writestr("b.csv", good)
    data = bytearray(path.read_bytes())
    start = data.index(b"a.csv") + 10_000  # inside a.csv's deflate stream
    data[start : start + 200] = bytes(200)
    path.write_bytes(bytes(data))
    report = import_paths(store, [path])
    status = {f.file.rsplit("!", 1)[1]: (f.status, f.message) for f in report.files}
    assert status["a.csv"][0] == "failed"
    assert "damaged or cut off" in status["a.csv"][1]
    assert status["b.csv"] == ("ok", None)
    assert store.count("patents") == 1


def test_a_csv_line_over_the_limit_is_quarantined_unread(tmp_path, store):
    path = tmp_path / "lines.csv"
    with path.open("w", encoding="utf-8") as f:
        f.write("公开号,名称\nCN202644312U,一\n")
        f.write("CN202644313U," + "长" * 3_000_000 + "\n")  # one line of 3 M characters
        f.write("CN202644314U,三\n")
    settings = Settings(max_line_bytes=1024 * 1024)
    (f,) = import_paths(store, [path], settings=settings).files
    assert (f.status, f.new, f.quarantined) == ("ok", 2, 1)
    (entry,) = f.quarantine
    assert entry.position == "line 3" and "PATNAV_MAX_LINE_BYTES" in entry.reason
    assert "3,000,014 characters" in entry.reason


def test_a_row_wider_than_the_column_limit_is_quarantined(tmp_path, store):
    path = tmp_path / "wide.csv"
    path.write_text(
        "公开号,名称\nCN202644312U,一\nCN202644313U,二," + ",".join("x" * 3000) + "\n",
        "utf-8",
    )
    (f,) = import_paths(store, [path], settings=Settings(max_columns=100)).files
    assert (f.new, f.quarantined) == (1, 1)
    assert "3,002 columns" in f.quarantine[0].reason
    assert "PATNAV_MAX_COLUMNS" in f.quarantine[0].reason


def test_json_lines_deep_wide_or_long_records_are_quarantined(tmp_path, store):
    good = {"公开号": "CN202644312U", "名称": "一"}
    lines = [
        json.dumps(good, ensure_ascii=False),
        "[" * 100_000 + "]" * 100_000,  # deeper than Python's own recursion limit
        json.dumps({"公开号": "CN202644313U", "x": [[[[[[[[[1]]]]]]]]]}),
        json.dumps({f"k{i}": i for i in range(3000)}),
        json.dumps({"公开号": "CN202644314U", "名称": "很" * 3_000_000}),
        json.dumps({"公开号": "CN202644315U", "名称": "五"}, ensure_ascii=False),
    ]
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    settings = Settings(max_json_depth=5, max_columns=100, max_cell_bytes=1024 * 1024)
    (f,) = import_paths(store, [path], settings=settings).files
    assert (f.new, f.quarantined) == (2, 4)
    reasons = {q.position: q.reason for q in f.quarantine}
    assert "PATNAV_MAX_LINE_BYTES" in reasons["line 2"] or "deeper" in reasons["line 2"]
    assert "PATNAV_MAX_JSON_DEPTH" in reasons["line 3"]
    assert "3,000 keys" in reasons["line 4"]
    assert "PATNAV_MAX_CELL_BYTES" in reasons["line 5"]


def _workbook(path, rows, sheets=1):
    wb = openpyxl.Workbook()
    for n in range(sheets):
        ws = wb.active if n == 0 else wb.create_sheet(f"S{n}")
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def test_a_workbook_over_its_expanded_size_limit_is_refused(tmp_path, store):
    # shared strings are held in memory by openpyxl: the workbook's size caps them
    chars = random.Random(7)
    rows = [["公开号", "名称"]] + [
        [
            f"CN2026443{i:02d}U",
            "".join(chr(chars.randrange(0x4E00, 0x5000)) for _ in range(20_000)),
        ]
        for i in range(60)
    ]
    path = _workbook(tmp_path / "big.xlsx", rows)
    (f,) = import_paths(
        store, [path], settings=Settings(max_workbook_bytes=1024 * 1024)
    ).files
    assert f.status == "failed" and "PATNAV_MAX_WORKBOOK_BYTES" in f.message
    (ok,) = import_paths(
        store, [path], settings=Settings(max_workbook_bytes=16 * 1024 * 1024)
    ).files
    assert (ok.status, ok.new) == ("ok", 60)


def test_a_workbook_of_too_many_sheets_is_refused(tmp_path, store):
    path = _workbook(tmp_path / "sheets.xlsx", [["公开号", "名称"]], sheets=101)
    (f,) = import_paths(store, [path]).files
    assert f.status == "failed" and "101 sheets" in f.message


def test_deeply_nested_xml_is_refused_by_its_document_only(tmp_path, store, data_dir):
    from tests.ingest.test_xml_hostile import DECLARATION, hostile_grant

    title = "<b>" * 20_000 + "x" + "</b>" * 20_000
    path = tmp_path / "deep.xml"
    path.write_bytes(hostile_grant(data_dir, DECLARATION, title))
    (f,) = import_paths(store, [path]).files
    assert (f.status, f.new, f.quarantined) == ("quarantined", 0, 1)
    assert "nests elements deeper than" in f.quarantine[0].reason


def test_a_mapping_file_over_its_size_limit_is_refused_unparsed(tmp_path):
    path = tmp_path / "huge.yaml"
    lines = "".join(f"  列{i}: title\n" for i in range(100_000))
    path.write_text("columns:\n" + lines, "utf-8")
    with pytest.raises(MappingError, match=r"over 1,048,576 bytes"):
        load_mapping(path)
