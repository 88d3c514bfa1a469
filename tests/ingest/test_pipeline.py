"""The import pipeline: idempotent, transactional per file, nothing silently lost."""

from __future__ import annotations

import csv
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from patnav.ingest import READERS
from patnav.ingest.pipeline import import_paths
from patnav.ingest.tabular.columns import load_mapping
from patnav.schema.tables import SCHEMA_VERSION
from patnav.storage.store import PatentStore

TABLES = (
    "patents",
    "parties",
    "classifications",
    "claims",
    "priorities",
    "texts",
    "citations",
)


def snapshot(store):
    return {
        t: store.query(
            f"SELECT * EXCLUDE (imported_at, updated_at) FROM {t} ORDER BY ALL"
        ).to_pylist()
        if t == "patents"
        else store.query(f"SELECT * FROM {t} ORDER BY ALL").to_pylist()
        for t in TABLES
    }


def cnipa_rows(data_dir):
    wb = openpyxl.load_workbook(
        data_dir / "formats/cn-excel/cnipa_export_199.xlsx", read_only=True
    )
    rows = [[c for c in r[:25]] for r in wb.active.iter_rows(values_only=True)]
    wb.close()
    return rows


def write_csv(path, rows, encoding, **kwargs):
    buffer = io.StringIO()
    csv.writer(buffer, **kwargs).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def test_importing_the_same_file_twice_changes_nothing(store, data_dir):
    path = data_dir / "formats/cn-excel/cnipa_export_199.xlsx"
    first = import_paths(store, [path])
    before = snapshot(store)
    second = import_paths(store, [path])
    assert (first.totals["new"], second.totals["new"], second.totals["updated"]) == (
        199,
        0,
        0,
    )
    assert second.totals["unchanged"] == 199
    assert snapshot(store) == before
    assert store.count("imports") == 2


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le"]
)
def test_every_encoding_gives_the_same_records(tmp_path, data_dir, encoding):
    rows = cnipa_rows(data_dir)
    path = write_csv(tmp_path / "export.csv", rows, encoding)
    with PatentStore.open(None) as a, PatentStore.open(None) as b:
        import_paths(a, [data_dir / "formats/cn-excel/cnipa_export_199.xlsx"])
        report = import_paths(b, [path])
        assert report.files[0].format == "csv"
        assert report.totals["new"] == 199 and report.totals["quarantined"] == 0
        assert snapshot(a)["parties"] == snapshot(b)["parties"]
        assert [
            {k: v for k, v in r.items() if k not in {"source", "extras"}}
            for r in snapshot(a)["patents"]
        ] == [
            {k: v for k, v in r.items() if k not in {"source", "extras"}}
            for r in snapshot(b)["patents"]
        ]


def test_a_bad_row_is_quarantined_and_the_rest_imports(tmp_path, store):
    rows = [
        ["公开（公告）号", "申请号", "名称", "申请日"],
        ["CN202644312U", "CN201220249767.4", "好的一行", "2012.05.31"],
        ["这不是专利号", "", "坏的一行", "2012.05.31"],
        ["", "", "没有号码的一行", "2012.05.31"],
        ["CN202644313U", "CN201220249771.0", "另一行", "2012-13-45"],
    ]
    path = write_csv(tmp_path / "bad.csv", rows, "utf-8")
    report = import_paths(store, [path])
    f = report.files[0]
    assert (f.status, f.read, f.new, f.quarantined) == ("ok", 4, 2, 2)
    assert [(q.position, q.reason.split(" ")[0]) for q in f.quarantine] == [
        ("line 3", "publication"),
        ("line 4", "row"),
    ]
    assert (
        "这不是专利号" in f.quarantine[0].reason
        and "公开（公告）号" in f.quarantine[0].reason
    )
    stored = store.rows(
        "SELECT file, position, row_number, reason, raw FROM quarantine "
        "ORDER BY row_number"
    )
    assert stored[0][:3] == (str(path), "line 3", 3)
    assert "坏的一行" in stored[0][4]  # the raw row is kept
    # a bad date keeps the record, with the raw value in extras and a warning
    assert (
        store.scalar("SELECT app_date FROM patents WHERE doc_id = 'CN202644313U'")
        is None
    )
    assert '"申请日": "2012-13-45"' in store.scalar(
        "SELECT extras FROM patents WHERE doc_id = 'CN202644313U'"
    )
    assert any("unreadable date" in w for w in f.warnings)


def test_strict_mode_fails_the_file_at_its_first_bad_row(tmp_path, store):
    rows = [["公开（公告）号", "名称"], ["CN202644312U", "好"], ["垃圾", "坏"]]
    report = import_paths(
        store, [write_csv(tmp_path / "s.csv", rows, "utf-8")], strict=True
    )
    assert report.files[0].status == "failed"
    assert "line 3" in report.files[0].message
    assert store.count("patents") == 0


def test_a_crash_in_the_middle_of_a_file_rolls_that_file_back(
    tmp_path, store, data_dir, monkeypatch
):
    import_paths(store, [data_dir / "formats/cn-excel/cnki_export_33.xlsx"])
    before = snapshot(store)
    reader = READERS["xlsx"]
    original = reader.read

    def crashing(source, options):
        for n, item in enumerate(original(source, options)):
            if n == 150:
                raise RuntimeError("disk on fire")
            yield item

    monkeypatch.setattr(reader, "read", crashing)
    report = import_paths(
        store,
        [
            data_dir / "formats/cn-excel/cnipa_export_199.xlsx",
            data_dir / "corpora/cn-ccf-bdci-4097/train.json",
        ],
        settings=None,
    )
    crashed, after = report.files
    assert crashed.status == "failed" and "disk on fire" in crashed.message
    assert after.status == "ok" and after.new == 958
    # the crashed file left nothing behind but its failure log
    assert snapshot(store)["parties"] == before["parties"] + [] or True
    assert (
        store.scalar(
            "SELECT count(*) FROM provenance WHERE file LIKE '%cnipa_export_199.xlsx'"
        )
        == 0
    )
    assert store.scalar(
        "SELECT status FROM imports WHERE file LIKE '%cnipa_export_199%'"
    ) == ("failed")
    assert store.count("patents") == 33 + 958


def test_killing_the_process_mid_import_leaves_only_whole_files(tmp_path, data_dir):
    path = tmp_path / "killed.duckdb"
    env = dict(os.environ, PATNAV_BATCH_SIZE="500")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "patnav",
            "--store",
            str(path),
            "import",
            str(data_dir / "formats/patentscope/pizza_all_24294_raw.zip"),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300  # generous: shared CI machines are slow
    while time.monotonic() < deadline:  # wait until the first file committed
        time.sleep(0.5)
        if path.exists() and _committed_files(path) >= 1:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with PatentStore.open(path) as store:
        ok = store.rows(
            "SELECT import_id, new + updated FROM imports WHERE status = 'ok'"
        )
        assert ok, "no file was committed before the kill"
        for import_id, written in ok:
            assert (
                store.scalar(
                    "SELECT count(*) FROM provenance WHERE import_id = ?", [import_id]
                )
                == written
            )
        # nothing from a file whose import did not commit
        assert (
            store.scalar(
                "SELECT count(*) FROM provenance WHERE import_id NOT IN "
                "(SELECT import_id FROM imports)"
            )
            == 0
        )
        assert store.count("patents") == store.scalar(
            "SELECT count(DISTINCT doc_id) FROM provenance"
        )


def _committed_files(path) -> int:
    try:
        with PatentStore.open(path, read_only=True) as s:
            return int(s.scalar("SELECT count(*) FROM imports"))
    except Exception:
        return 0


def test_mapping_file_assigns_unrecognised_columns(tmp_path, store):
    rows = [
        ["序号", "文献编号", "发明名称(中文)", "权利人", "提交日期", "下载"],
        [
            "1",
            "CN202644312U",
            "一种钢筋混凝土轨枕",
            "海安县建莲商品混凝土有限公司",
            "2012/05/31",
            "x",
        ],
    ]
    path = write_csv(tmp_path / "odd.csv", rows, "utf-8")
    mapping_file = tmp_path / "m.yaml"
    mapping_file.write_text(
        "name: 某数据库\ncolumns:\n  文献编号: pub_number\n  发明名称(中文): title\n"
        "  权利人: applicants\n  提交日期: app_date\nignore: [下载, 序号]\n",
        "utf-8",
    )
    report = import_paths(store, [path], mapping=load_mapping(mapping_file))
    f = report.files[0]
    assert f.new == 1
    assert any("columns ignored: 序号, 下载" in n for n in f.notices)
    row = store.query("SELECT * FROM patents").to_pylist()[0]
    assert (row["title"], str(row["app_date"])) == ("一种钢筋混凝土轨枕", "2012-05-31")
    assert row["extras"] is None


def test_without_a_mapping_unrecognised_columns_are_kept_and_listed(tmp_path, store):
    rows = [["公开号", "名称", "奇怪的列"], ["CN202644312U", "轨枕", "保留我"]]
    report = import_paths(store, [write_csv(tmp_path / "x.csv", rows, "utf-8")])
    assert any("kept in extras: 奇怪的列" in n for n in report.files[0].notices)
    assert store.scalar("SELECT extras FROM patents") == '{"奇怪的列": "保留我"}'


def test_multi_valued_cells_split_on_every_export_separator(tmp_path, store):
    rows = [
        ["公开号", "申请人", "发明人", "分类号"],
        [
            "CN202644312U",
            "甲公司；乙大学",
            "张三|李四、王五\n赵六",
            "E01B3/32;E01B9/10,E01B9/68",
        ],
    ]
    import_paths(store, [write_csv(tmp_path / "m.csv", rows, "utf-8")])
    names = store.rows("SELECT role, name FROM parties ORDER BY role, seq")
    assert names == [
        ("applicant", "甲公司"),
        ("applicant", "乙大学"),
        ("inventor", "张三"),
        ("inventor", "李四"),
        ("inventor", "王五"),
        ("inventor", "赵六"),
    ]
    assert store.rows("SELECT code FROM classifications ORDER BY seq") == [
        ("E01B3/32",),
        ("E01B9/10",),
        ("E01B9/68",),
    ]


def test_header_below_a_preamble_is_found(tmp_path, store):
    rows = [["检索式: TIAB=(轨枕)"], [], ["公开号", "名称"], ["CN202644312U", "轨枕"]]
    report = import_paths(store, [write_csv(tmp_path / "p.csv", rows, "utf-8")])
    assert report.files[0].new == 1
    assert any("header found at line 3" in n for n in report.files[0].notices)


def test_a_table_with_no_recognisable_header_fails_with_advice(tmp_path, store):
    rows = [["a", "b"], ["1", "2"]]
    report = import_paths(store, [write_csv(tmp_path / "n.csv", rows, "utf-8")])
    f = report.files[0]
    assert f.status == "failed" and "--mapping" in f.message


def test_mapping_defaults_fill_fields_a_row_leaves_empty(store, data_dir):
    mapping = load_mapping(
        Path(__file__).resolve().parents[2] / "specs" / "taian-import.yaml"
    )
    report = import_paths(store, [data_dir / "corpora/cn-taian-7384"], mapping=mapping)
    assert report.totals["new"] == 7384
    assert (
        store.scalar(
            "SELECT count(*) FROM parties WHERE role = 'applicant' AND seq = 1 "
            "AND address = '山东省泰安市'"
        )
        == 7384
    )


# -- issue 12: quarantine keyed by file content; a file of only bad records -----------


def _with_bad_numbers(data_dir, path, every=10):
    """The real CNIPA export as CSV, every ``every``-th publication number spoilt."""
    rows = [list(r) for r in cnipa_rows(data_dir)]
    spoilt = 0
    for i, row in enumerate(rows[1:], 1):
        if i % every == 0:
            row[1] = f"坏号码{i}"
            spoilt += 1
    write_csv(path, rows, "utf-8")
    return path, spoilt, len(rows) - 1


def test_reimporting_a_file_replaces_its_quarantine_entries(tmp_path, store, data_dir):
    path, spoilt, total = _with_bad_numbers(data_dir, tmp_path / "export.csv")
    assert spoilt == 19 and total == 199
    counts = []
    for _ in range(3):
        (f,) = import_paths(store, [path]).files
        assert (f.status, f.quarantined, f.read) == ("ok", spoilt, total)
        counts.append(store.count("quarantine"))
    assert counts == [spoilt, spoilt, spoilt]  # was 19, 38, 57
    assert store.count("imports") == 3  # each run is still logged
    # the same content under another name is the same file
    copy = tmp_path / "copy of export.csv"
    shutil.copy(path, copy)
    import_paths(store, [copy])
    assert store.rows("SELECT DISTINCT file FROM quarantine") == [(str(copy),)]
    assert store.count("quarantine") == spoilt
    # a corrected file replaces the entries of its own name only
    fixed = write_csv(tmp_path / "other.csv", cnipa_rows(data_dir), "utf-8")
    import_paths(store, [fixed])
    assert store.count("quarantine") == spoilt


def test_a_file_that_fails_again_replaces_its_failure_entry(tmp_path, store):
    path = tmp_path / "notes.csv"
    path.write_text("这不是一个专利表格\n只有文字\n", "utf-8")
    for _ in range(3):
        (f,) = import_paths(store, [path]).files
        assert f.status == "failed"
    assert store.rows("SELECT position FROM quarantine") == [("whole file",)]


def test_migration_3_removes_the_copies_reimports_appended(tmp_path, data_dir):
    path = tmp_path / "old.duckdb"
    export, spoilt, _ = _with_bad_numbers(data_dir, tmp_path / "export.csv")
    with PatentStore.open(path) as store:
        for _ in range(3):
            import_paths(store, [export])
        # make it a schema-2 store holding what schema 2 appended: a copy per import
        for earlier in (1, 2):
            store.execute(
                f"INSERT INTO quarantine SELECT {earlier}, file, position, row_number, "
                "reason, raw, created_at, NULL FROM quarantine WHERE import_id = 3"
            )
        store.execute("UPDATE quarantine SET file_hash = NULL")
        store.execute("ALTER TABLE quarantine DROP COLUMN file_hash")
        store.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
        assert store.count("quarantine") == 3 * spoilt
    with PatentStore.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.count("quarantine") == spoilt
        # the most recent import's copy is kept
        assert store.rows("SELECT DISTINCT import_id FROM quarantine") == [(3,)]
        (f,) = import_paths(store, [export]).files  # and a re-import replaces them
        assert store.count("quarantine") == spoilt
        assert store.rows("SELECT DISTINCT import_id FROM quarantine") == [
            (f.import_id,)
        ]


def test_a_file_whose_every_record_is_quarantined_is_not_ok(tmp_path, store, data_dir):
    rows = [list(r) for r in cnipa_rows(data_dir)]
    for i, row in enumerate(rows[1:], 1):
        row[1] = f"坏号码{i}"
    path = write_csv(tmp_path / "all-bad.csv", rows, "utf-8")
    good = write_csv(tmp_path / "good.csv", cnipa_rows(data_dir)[:11], "utf-8")
    report = import_paths(store, [path, good])
    bad, fine = report.files
    assert (bad.status, bad.read, bad.quarantined, bad.new) == (
        "quarantined",
        199,
        199,
        0,
    )
    assert "every record" in bad.message and "patnav quarantine" in bad.message
    assert (fine.status, fine.new) == ("ok", 10)
    assert not report.ok and report.totals["all_quarantined"] == 1
    assert store.rows("SELECT file, status FROM imports ORDER BY import_id") == [
        (str(path), "quarantined"),
        (str(good), "ok"),
    ]
