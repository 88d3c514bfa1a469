"""patnav backup and restore: one consistent state of every table, restored whole."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap
import threading
import zipfile

import pandas as pd
import pytest
from click.testing import CliRunner

from patnav.cli import cli
from patnav.errors import InputError, StoreError
from patnav.ingest.pipeline import import_paths
from patnav.schema import tables as t
from patnav.storage.backup import backup_store, restore_store
from patnav.storage.health import check_store
from patnav.storage.store import PatentStore

LENS = "formats/lens-csv/lens_drones_5884.csv"


@pytest.fixture
def filled(tmp_path, data_dir):
    """A store with real records, a quarantined row, a failed file and an import log."""
    path = tmp_path / "source.duckdb"
    bad = tmp_path / "bad.csv"
    bad.write_text("公开号,名称\nCN202644312U,一\n坏号码,二\n", "utf-8")
    notes = tmp_path / "notes.txt"
    notes.write_text("说明\n", "utf-8")
    with PatentStore.open(path) as store:
        import_paths(
            store,
            [
                data_dir / "formats/cn-excel/cnki_export_33.xlsx",
                data_dir / LENS,
                bad,
                notes,
            ],
        )
        counts = store.counts()
    assert counts["patents"] > 5000 and counts["quarantine"] == 2
    return path, counts


def test_backup_and_restore_give_every_table_its_rows(tmp_path, filled):
    path, counts = filled
    out = tmp_path / "source.patnav-backup"
    with PatentStore.open(path, read_only=True) as store:
        saved = backup_store(store, out)
    assert saved.tables == counts
    target = tmp_path / "restored.duckdb"
    restored = restore_store(out, target)
    assert restored.tables == counts
    with (
        PatentStore.open(path, read_only=True) as a,
        PatentStore.open(target, read_only=True) as b,
    ):
        assert b.counts() == a.counts() == counts
        for table in t.ALL_TABLES:  # the rows themselves, not only how many
            order = ", ".join(table.column_names)
            sql = f"SELECT * FROM {table.name} ORDER BY {order}"
            if table is t.CLAIMS:  # a list column: ordered by the others
                sql = f"SELECT * FROM {table.name} ORDER BY doc_id, num, lang"
            assert a.query(sql) == b.query(sql), table.name
    assert check_store(target, deep=True).status == "ok"
    assert any("patnav index" in note for note in restored.notes)


def test_a_backup_is_readable_as_parquet_with_its_manifest(tmp_path, filled, data_dir):
    path, counts = filled
    out = tmp_path / "b.zip"
    with PatentStore.open(path, read_only=True) as store:
        backup_store(store, out)
    with zipfile.ZipFile(out) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        assert manifest["format"] == "patnav-backup"
        assert manifest["tables"] == counts
        zf.extract("patents.parquet", tmp_path)
    frame = pd.read_parquet(tmp_path / "patents.parquet")
    lens = pd.read_csv(data_dir / LENS, dtype=str)
    assert set(lens["Publication Number"]) <= set(frame["pub_number_raw"])


def test_restore_never_overwrites_and_leaves_nothing_when_it_fails(tmp_path, filled):
    path, _ = filled
    out = tmp_path / "b.zip"
    with PatentStore.open(path, read_only=True) as store:
        backup_store(store, out)
    with pytest.raises(StoreError, match="never overwrites"):
        restore_store(out, path)
    # a damaged backup: a table file that no longer matches its checksum
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(damaged, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "parties.parquet":
                data = data[: len(data) // 2] + bytes(len(data) - len(data) // 2)
            dst.writestr(item, data)
    target = tmp_path / "new.duckdb"
    with pytest.raises(InputError, match=r"parties\.parquet does not match"):
        restore_store(damaged, target)
    assert not any(p.name.startswith("new.duckdb") for p in tmp_path.iterdir())
    not_backup = tmp_path / "x.zip"
    with zipfile.ZipFile(not_backup, "w") as zf:
        zf.writestr("a.csv", "a,b\n")
    with pytest.raises(InputError, match="not a patnav backup"):
        restore_store(not_backup, target)


def test_a_backup_taken_while_an_import_writes_is_one_consistent_state(
    tmp_path, data_dir
):
    path = tmp_path / "busy.duckdb"
    frame = pd.read_csv(data_dir / LENS, dtype=str)
    parts = []
    for n in range(4):
        part = tmp_path / f"p{n}.csv"
        frame[n * 1400 : (n + 1) * 1400].to_csv(part, index=False)
        parts.append(part)
    out = tmp_path / "during.zip"
    with PatentStore.open(path) as store:
        import_paths(store, parts[:1])
        writer = threading.Thread(
            target=lambda: import_paths(store.cursor(), parts[1:])
        )
        writer.start()
        with store.cursor() as reader:
            saved = backup_store(reader, out)
        writer.join()
        final = store.counts()
    target = tmp_path / "restored.duckdb"
    restore_store(out, target)
    with PatentStore.open(target, read_only=True) as restored:
        # whole files only: every document has its provenance and a logged import
        documents = restored.count("patents")
        assert documents == saved.tables["patents"]
        assert documents % 1400 == 0 and documents <= final["patents"]
        assert restored.scalar("SELECT count(DISTINCT doc_id) FROM provenance") == (
            documents
        )
        assert restored.scalar("SELECT sum(new) FROM imports") == documents


def test_backup_while_another_process_reads_the_store(tmp_path, filled):
    path, counts = filled
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, duckdb
                con = duckdb.connect({str(path)!r}, read_only=True)
                print(con.execute("SELECT count(*) FROM patents").fetchall()[0][0])
                sys.stdout.flush()
                sys.stdin.readline()  # hold the store open until told
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert int(reader.stdout.readline()) == counts["patents"]
        out = tmp_path / "online.zip"
        result = CliRunner().invoke(
            cli, ["--store", str(path), "backup", "--out", str(out), "--json"]
        )
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["tables"] == counts
    finally:
        reader.communicate("done\n", timeout=60)
    target = tmp_path / "restored.duckdb"
    result = CliRunner().invoke(
        cli, ["restore", str(out), "--store", str(target), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["tables"] == counts
    again = CliRunner().invoke(cli, ["restore", str(out), "--store", str(target)])
    assert again.exit_code == 1 and "never overwrites" in again.output


def test_a_backup_of_an_older_schema_is_brought_to_the_current_one(tmp_path, filled):
    path, counts = filled
    out = tmp_path / "b.zip"
    with PatentStore.open(path, read_only=True) as store:
        backup_store(store, out)
    # the same backup as schema 2 wrote it: no file_hash column, and the copies of
    # quarantine entries its re-imports appended
    old = tmp_path / "v2.zip"
    work = tmp_path / "v2"
    work.mkdir()
    with zipfile.ZipFile(out) as src:
        src.extractall(work)
    manifest = json.loads((work / "manifest.json").read_text("utf-8"))
    quarantine = pd.read_parquet(work / "quarantine.parquet").drop(columns="file_hash")
    twice = pd.concat(
        [quarantine.assign(import_id=quarantine.import_id - 10), quarantine]
    )
    twice.to_parquet(work / "quarantine.parquet", index=False)
    manifest["schema_version"] = 2
    manifest["tables"]["quarantine"] = len(twice)
    manifest["sha256"]["quarantine.parquet"] = hashlib.sha256(
        (work / "quarantine.parquet").read_bytes()
    ).hexdigest()
    (work / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    with zipfile.ZipFile(old, "w") as dst:
        for file in work.iterdir():
            dst.write(file, file.name)
    restored = restore_store(old, tmp_path / "from-v2.duckdb")
    assert restored.schema_version == t.SCHEMA_VERSION
    assert restored.tables == counts  # the copies removed by migration 3
    assert any("schema version 2" in note for note in restored.notes)
