"""Broken, hostile and mis-encoded inputs: a clear message, quarantine, nothing else lost."""

from __future__ import annotations

import io
import shutil
import zipfile

import openpyxl

from patnav.config import Settings
from patnav.ingest.pipeline import import_paths


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
