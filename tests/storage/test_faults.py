"""Fault injection: each fault ends with the store usable and a clear message (issue 12).

kill -9 in the middle of a file, a full disk (a file-size limit in a child process, and
write errors injected), the memory cap reached, a damaged store file, concurrent imports
into one store. Each case builds what it needs and takes a few seconds.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import textwrap
import threading
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from patnav.cli import cli
from patnav.config import Settings
from patnav.errors import StoreError, StoreFailedError
from patnav.ingest.pipeline import import_paths
from patnav.storage.backup import backup_store
from patnav.storage.health import check_store
from patnav.storage.store import PatentStore

LENS = "formats/lens-csv/lens_drones_5884.csv"
PATNAV = [sys.executable, "-m", "patnav"]


@pytest.fixture
def lens_parts(data_dir, tmp_path):
    """The first 2,000 rows of the real Lens drone export cut into three CSV files (400,
    400 and 1,200 rows), and the publication numbers of each, read with pandas."""
    frame = pd.read_csv(data_dir / LENS, dtype=str)
    folder = tmp_path / "parts"
    folder.mkdir()
    parts, numbers = [], {}
    for name, rows in (
        ("a", frame[:400]),
        ("b", frame[400:800]),
        ("c", frame[800:2000]),
    ):
        path = folder / f"{name}.csv"
        rows.to_csv(path, index=False)
        parts.append(path)
        numbers[path.name] = set(rows["Publication Number"])
    return parts, numbers


def _consistent(store: PatentStore) -> None:
    """Nothing half-written: every document came from a logged, committed import."""
    assert store.count("patents") == store.scalar(
        "SELECT count(DISTINCT doc_id) FROM provenance"
    )
    assert (
        store.scalar(
            "SELECT count(*) FROM provenance WHERE import_id NOT IN "
            "(SELECT import_id FROM imports WHERE status = 'ok')"
        )
        == 0
    )


def _numbers(store: PatentStore) -> set[str]:
    return {r[0] for r in store.rows("SELECT pub_number_raw FROM patents")}


# A child process that imports, and at the first batch written from the file named by
# PAUSE_IN announces it (PAUSED file) and waits for GO (or to be killed).
CHILD = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from patnav.storage import writer

    pause_in = os.environ["PAUSE_IN"]
    paused, go = Path(os.environ["PAUSED"]), Path(os.environ["GO"])
    flush = writer.DocumentWriter.flush

    def pausing(self):
        flush(self)
        if pause_in in self.file and self.counts.new and not paused.exists():
            paused.write_text("mid-file")
            while not go.exists():
                time.sleep(0.05)

    writer.DocumentWriter.flush = pausing
    from patnav.cli import main
    sys.argv = ["patnav", *sys.argv[1:]]
    main()
    """
)


def _paused_import(tmp_path, store, paths, pause_in):
    env = dict(
        os.environ,
        PATNAV_BATCH_SIZE="200",
        PAUSE_IN=pause_in,
        PAUSED=str(tmp_path / "paused"),
        GO=str(tmp_path / "go"),
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            CHILD,
            "--store",
            str(store),
            "import",
            "--json",
            *map(str, paths),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not (tmp_path / "paused").exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the child never reached the file"
        time.sleep(0.05)
    return proc


def test_kill_9_in_the_middle_of_a_file_leaves_the_files_before_it(
    tmp_path, lens_parts
):
    parts, numbers = lens_parts
    path = tmp_path / "killed.duckdb"
    proc = _paused_import(tmp_path, path, parts, pause_in="b.csv")
    proc.send_signal(signal.SIGKILL)  # batches of b.csv written, not committed
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    assert check_store(path).status == "ok"
    with PatentStore.open(path) as store:
        assert _numbers(store) == numbers["a.csv"]
        _consistent(store)
        report = import_paths(store, parts)  # the import is simply run again
        assert report.ok
        assert [(f.new, f.unchanged) for f in report.files] == [
            (0, 400),
            (400, 0),
            (1200, 0),
        ]
        assert _numbers(store) == set().union(*numbers.values())
        _consistent(store)


def test_a_full_disk_fails_the_file_clearly_and_keeps_the_store(tmp_path, lens_parts):
    parts, numbers = lens_parts
    path = tmp_path / "full.duckdb"
    with PatentStore.open(path) as store:
        import_paths(store, parts[:1])

    def small_disk():  # the child can write no file beyond 256 KB: its WAL fills it
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))

    child = subprocess.run(
        [
            sys.executable,
            "-m",
            "patnav",
            "--store",
            str(path),
            "import",
            "--json",
            str(parts[2]),
        ],
        preexec_fn=small_disk,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert child.returncode == 1, child.stderr
    report = json.loads(child.stdout)
    (f,) = report["files"]
    assert f["status"] == "failed" and report["ok"] is False
    assert "the disk is full or a file-size limit was reached" in f["message"]
    assert "rolled back" in f["message"] and "internal error" not in f["message"]
    health = check_store(path, deep=True)
    assert health.status == "ok" and health.tables["patents"] == 400
    with PatentStore.open(path) as store:
        assert _numbers(store) == numbers["a.csv"]
        _consistent(store)
        (again,) = import_paths(store, parts[2:]).files  # with room, it imports
        assert (again.status, again.new) == ("ok", 1200)


def test_a_backup_on_a_full_disk_leaves_no_partial_file(
    tmp_path, lens_parts, monkeypatch
):
    parts, _ = lens_parts
    with PatentStore.open(tmp_path / "s.duckdb") as store:
        import_paths(store, parts[:1])

        def no_space(self, *args, **kwargs):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(zipfile.ZipFile, "write", no_space)
        out = tmp_path / "backup.zip"
        with pytest.raises(StoreError, match="No space left on device") as error:
            backup_store(store, out)
        assert "Free disk space" in str(error.value)
        left = {p.name for p in tmp_path.iterdir()} - {
            "parts",
            "s.duckdb",
            "s.duckdb.wal",
        }
        assert left == set()  # no backup, no partial file, no temporary folder
        assert store.count("patents") == 400  # the store itself is untouched


def test_the_memory_cap_at_a_checkpoint_reopens_the_store_instead_of_losing_it(
    tmp_path,
):
    # the report's failure: under the memory cap DuckDB's automatic checkpoint after a
    # commit runs out of memory and invalidates the database; every later statement
    # failed until the process restarted
    path = tmp_path / "capped.duckdb"
    big = "y" * (1024 * 1024 - 1)
    committed = 0
    with PatentStore.open(path) as store:
        store.execute("CREATE TABLE q (a VARCHAR)")
        store.execute("SET memory_limit = '20MB'")  # forced, as the import cap was
        for n in range(40):
            try:
                with store.transaction():
                    store.execute("INSERT INTO q VALUES (?), (?)", [big, f"{big}{n}"])
                committed += 1
            except StoreFailedError as exc:  # rolled back, and the store reopened
                assert exc.recovered and "reopened" in str(exc)
        assert store.recoveries >= 1, "the cap never reached a checkpoint"
        # every commit DuckDB called durable is there, and the store still answers
        assert store.scalar("SELECT count(*) FROM q") == 2 * committed
        assert store.count("patents") == 0
    assert check_store(path, deep=True).status == "ok"
    with PatentStore.open(path, read_only=True) as again:
        assert again.scalar("SELECT count(*) FROM q") == 2 * committed


def test_a_file_too_big_for_the_memory_cap_fails_clearly_and_the_rest_imports(
    tmp_path, lens_parts
):
    parts, numbers = lens_parts
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8") as f:  # 60 records of 900 KB each
        f.write("公开号,名称,摘要\n")
        for k in range(60):
            f.write(f"CN{100000000 + k}A,标题{k},{'很' * 300_000}\n")
    path = tmp_path / "capped.duckdb"
    with PatentStore.open(path) as store:
        settings = Settings(import_memory_limit="20MB")
        report = import_paths(store, [big, parts[0]], settings=settings)
        refused, imported = report.files
        assert refused.status == "failed"
        assert "ran out of memory" in refused.message
        assert "PATNAV_IMPORT_MEMORY_LIMIT" in refused.message
        assert "internal error" not in refused.message
        assert (imported.status, imported.new) == ("ok", 400)
        assert _numbers(store) == numbers["a.csv"]
        _consistent(store)
    assert check_store(path, deep=True).status == "ok"


def test_a_commit_starved_of_memory_costs_that_file_only(
    tmp_path, lens_parts, monkeypatch
):
    # the second file's commit meets what the import cap did before issue 12: no
    # memory to commit or checkpoint in. DuckDB fails that commit; and its memory is
    # then inconsistent: the next checkpoint finds "corrupted in-memory column data"
    # and invalidates the database, unless the store is reopened from its file first.
    parts, numbers = lens_parts
    frame = pd.read_csv(parts[1], dtype=str)
    one = tmp_path / "one.csv"
    frame[:1].to_csv(one, index=False)
    files = [parts[0], one, parts[2]]
    commit = PatentStore._commit
    calls = []

    def starved_commit(self):
        calls.append(self)
        if len(calls) != 2:
            return commit(self)
        self._conn.execute("SET checkpoint_threshold = '1KB'")
        self._conn.execute("SET memory_limit = '2MB'")
        self._conn.execute("COMMIT")  # as before: no memory lifted for the checkpoint

    monkeypatch.setattr(PatentStore, "_commit", starved_commit)
    path = tmp_path / "starved.duckdb"
    with PatentStore.open(path) as store:
        report = import_paths(store, files)
        assert store.recoveries == 1  # reopened after the failed commit
        assert report.error is None
        first, second, third = report.files
        assert (first.status, first.new) == ("ok", 400)
        assert second.status == "failed" and "ran out of memory" in second.message
        assert "internal error" not in second.message
        assert (third.status, third.new) == ("ok", 1200)
        assert _numbers(store) == numbers["a.csv"] | numbers["c.csv"]
        _consistent(store)
        (again,) = import_paths(store, [one]).files  # the failed file, again
        assert (again.status, again.new) == ("ok", 1)
    assert check_store(path, deep=True).status == "ok"


def _damaged_store(tmp_path, data_dir) -> Path:
    path = tmp_path / "damaged.duckdb"
    with PatentStore.open(path) as store:
        import_paths(store, [data_dir / LENS])
    data = bytearray(path.read_bytes())
    half = len(data) // 2
    data[half:] = bytes(range(256)) * ((len(data) - half) // 256) + bytes(
        (len(data) - half) % 256
    )
    path.write_bytes(bytes(data))
    return path


def test_a_damaged_store_file_is_reported_as_damaged(tmp_path, data_dir):
    path = _damaged_store(tmp_path, data_dir)
    assert check_store(path, deep=True).status == "damaged"
    for command in (["doctor", "--deep"], ["stats"]):
        result = CliRunner().invoke(cli, ["--store", str(path), *command])
        assert result.exit_code == 1, (command, result.output)
        assert "damaged" in result.output and "Traceback" not in result.output
        assert "patnav restore" in result.output
    with pytest.raises(StoreError, match="damaged"), PatentStore.open(path) as store:
        store.query("SELECT * FROM patents")


def test_a_file_that_is_not_a_store_is_reported_as_unreadable(tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_bytes(os.urandom(50_000))
    health = check_store(path)
    assert (health.status, health.ok) == ("unreadable", False)
    with pytest.raises(StoreError, match="Is it a DuckDB file"):
        PatentStore.open(path)
    result = CliRunner().invoke(
        cli, ["--store", str(path), "import", "--json", str(path)]
    )
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["ok"] is False and "Is it a DuckDB file" in report["error"]


def test_a_second_process_importing_into_a_busy_store_is_told_so(tmp_path, lens_parts):
    parts, numbers = lens_parts
    path = tmp_path / "shared.duckdb"
    first = _paused_import(tmp_path, path, parts[:2], pause_in="b.csv")
    try:
        second = subprocess.run(
            [
                sys.executable,
                "-m",
                "patnav",
                "--store",
                str(path),
                "import",
                "--json",
                str(parts[2]),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert second.returncode == 1
        report = json.loads(second.stdout)
        assert report["ok"] is False and report["files"] == []
        assert "in use by another process" in report["error"]
        assert check_store(path).status == "busy"
    finally:
        (tmp_path / "go").write_text("go")
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert json.loads(out)["ok"] is True
    with PatentStore.open(path) as store:
        assert _numbers(store) == numbers["a.csv"] | numbers["b.csv"]
        _consistent(store)


def test_concurrent_imports_from_threads_take_turns(tmp_path, lens_parts):
    parts, numbers = lens_parts
    path = tmp_path / "threads.duckdb"
    reports = {}
    with PatentStore.open(path) as store:

        def work(part):
            with store.cursor() as cursor:
                reports[part.name] = import_paths(cursor, [part])

        threads = [threading.Thread(target=work, args=(p,)) for p in parts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert all(r.ok for r in reports.values())
        ids = sorted(r.files[0].import_id for r in reports.values())
        assert ids == [1, 2, 3]
        assert _numbers(store) == set().union(*numbers.values())
        _consistent(store)
    assert check_store(path, deep=True).status == "ok"


def test_an_invalidated_store_held_by_this_process_is_reported_failed(tmp_path):
    # what the web platform's /healthz calls on the store it holds open
    path = tmp_path / "held.duckdb"
    with PatentStore.open(path) as store:
        assert check_store(store).status == "ok"
        cursor = store.cursor()
        cursor.execute("CREATE TABLE q (a VARCHAR)")
        cursor.execute("SET memory_limit = '20MB'")
        big = "y" * (1024 * 1024 - 1)
        with pytest.raises(StoreFailedError) as failed:
            for n in range(60):
                with cursor.transaction():
                    cursor.execute("INSERT INTO q VALUES (?), (?)", [big, f"{big}{n}"])
                cursor.count("patents")  # a commit called durable: the next use fails
        assert failed.value.recovered is False  # a cursor cannot reopen its owner
        cursor.close()
        health = check_store(store)
        assert (health.status, health.ok) == ("failed", False)
        assert "restart" in health.message
        # the store itself (the web's handle) reopens on its next use
        with pytest.raises(StoreFailedError) as reopened:
            store.count("patents")
        assert reopened.value.recovered is True
        assert check_store(store).status == "ok"
        assert store.count("patents") == 0
