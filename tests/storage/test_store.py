"""The store: schema, migrations, idempotent writes, transactions, snapshots."""

from __future__ import annotations

import json
from datetime import date

import duckdb
import pytest

from patnav.errors import StoreError
from patnav.schema import tables as t
from patnav.schema.records import (
    Classification,
    Party,
    PatentRecord,
    PatentType,
    Role,
)
from patnav.storage.parquet import export_snapshot, import_snapshot
from patnav.storage.store import PatentStore
from patnav.storage.writer import DocumentWriter


def _record(n: int, **changes: object) -> PatentRecord:
    base = {
        "pub_number": f"CN10000{n:04d}A",
        "office": "CN",
        "kind": "A",
        "app_number": f"CN20181000{n:04d}",
        "app_date": date(2018, 1, 1 + n % 28),
        "patent_type": PatentType.INVENTION,
        "title": f"一种装置{n}",
        "parties": (Party(Role.APPLICANT, f"公司{n}", raw_name=f"公司{n}"),),
        "classifications": (Classification("IPC", "H02K17/02", True, "H02K17/02"),),
    }
    base.update(changes)
    return PatentRecord(**base)  # type: ignore[arg-type]


def _write(store: PatentStore, records: list[PatentRecord], import_id: int = 1):
    with store.transaction():
        writer = DocumentWriter(
            store, import_id=import_id, file="f.xlsx", fmt="xlsx", batch_size=3
        )
        for i, r in enumerate(records):
            writer.add(r, f"row {i + 2}")
        return writer.finish()


def test_new_store_has_every_table_and_the_schema_version(store):
    assert store.schema_version == t.SCHEMA_VERSION
    names = {
        r[0] for r in store.rows("SELECT table_name FROM information_schema.tables")
    }
    assert {table.name for table in t.ALL_TABLES} <= names
    for table in t.ALL_TABLES:
        cols = [
            r[0]
            for r in store.rows(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position",
                [table.name],
            )
        ]
        assert cols == list(table.column_names)


def test_writing_twice_is_idempotent(store):
    records = [_record(i) for i in range(7)]
    first = _write(store, records)
    assert (first.read, first.new, first.updated, first.unchanged) == (7, 7, 0, 0)
    before = {
        name: store.query(f"SELECT * FROM {name} ORDER BY ALL").to_pylist()
        for name in ("patents", "parties", "classifications")
    }
    second = _write(store, records, import_id=2)
    assert (second.new, second.updated, second.unchanged) == (0, 0, 7)
    after = {
        name: store.query(f"SELECT * FROM {name} ORDER BY ALL").to_pylist()
        for name in ("patents", "parties", "classifications")
    }
    assert after == before


def test_update_keeps_fields_the_new_version_lacks(store):
    _write(store, [_record(1, abstract="原摘要", extras=(("光盘号", "D1301"),))])
    counts = _write(
        store,
        [
            PatentRecord(
                pub_number="CN100000001A",
                office="CN",
                title="新标题",
                extras=(("URL", "https://x"),),
            )
        ],
        import_id=2,
    )
    assert counts.updated == 1
    row = store.query("SELECT * FROM patents").to_pylist()[0]
    assert row["title"] == "新标题"
    assert row["abstract"] == "原摘要"
    assert row["app_number"] == "CN201810000001"
    assert json.loads(row["extras"]) == {"URL": "https://x", "光盘号": "D1301"}
    # child sections absent from the new version are kept
    assert store.count("parties") == 1


def test_duplicates_within_a_batch_merge(store):
    a = _record(5, abstract=None)
    b = PatentRecord(pub_number=a.pub_number, abstract="后来的摘要")
    counts = _write(store, [a, b])
    assert (counts.new, counts.updated) == (1, 1)
    assert store.rows("SELECT title, abstract FROM patents") == [
        ("一种装置5", "后来的摘要")
    ]


def test_a_failed_transaction_leaves_the_store_unchanged(store):
    _write(store, [_record(1)])
    with pytest.raises(RuntimeError), store.transaction():
        writer = DocumentWriter(store, import_id=2, file="g", fmt="csv", batch_size=2)
        for i in range(2, 6):
            writer.add(_record(i), f"line {i}")  # flushes two batches to the store
        raise RuntimeError("crash in the middle of the file")
    assert store.count("patents") == 1
    assert store.count("provenance") == 1


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "s.duckdb"
    PatentStore.open(path).close()
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(StoreError, match="schema version 999"):
        PatentStore.open(path)


def test_read_only_open_of_a_missing_store_says_how_to_create_one(tmp_path):
    with pytest.raises(StoreError, match="patnav init"):
        PatentStore.open(tmp_path / "missing.duckdb", read_only=True)


def test_snapshot_round_trip(tmp_path, store):
    _write(store, [_record(i) for i in range(5)])
    store.execute(
        "INSERT INTO quarantine VALUES (1, 'f.xlsx', 'row 9', 9, 'bad', '{}', now(), NULL)"
    )
    store.execute(
        "INSERT INTO imports VALUES (1, 'f.xlsx', 'xlsx', 'ok', now(), now(), 6, 5, 0, 0, 1, "
        "NULL)"
    )
    counts = export_snapshot(store, tmp_path / "snap")
    assert counts["patents"] == 5
    with PatentStore.open(tmp_path / "other.duckdb") as other:
        _write(other, [_record(1, title="旧")])  # one overlapping document, one import
        other.execute(
            "INSERT INTO imports VALUES (1, 'x', 'csv', 'ok', now(), now(), 1, 1, 0, 0, 0, "
            "NULL)"
        )
        report = import_snapshot(other, tmp_path / "snap")
        assert (report.documents, report.new, report.updated) == (5, 4, 1)
        assert other.count("patents") == 5
        assert other.scalar(
            "SELECT title FROM patents WHERE doc_id = 'CN100000001A'"
        ) == ("一种装置1")
        assert other.count("parties") == 5
        # import ids were renumbered past the target's own
        ids = sorted(r[0] for r in other.rows("SELECT import_id FROM imports"))
        assert ids == [1, 2, 3]
        assert other.scalar("SELECT import_id FROM quarantine") == 2


def test_a_schema_1_store_is_migrated_to_the_current_schema(tmp_path):
    """A store written by schema 1 opens, migrates, keeps its rows and matches a fresh one."""
    from patnav.storage import migrations

    path = tmp_path / "v1.duckdb"
    con = duckdb.connect(str(path))
    v1 = {
        "patents": t.PATENTS.ddl().replace(
            ",\n  expiry_estimated BOOLEAN,\n  status_source VARCHAR,\n  status_as_of DATE"
            ",\n  status_detail VARCHAR",
            "",
        ),
        "events": t.EVENTS.ddl().replace(",\n  source VARCHAR", ""),
        "parties": t.PARTIES.ddl().replace(
            ",\n  norm_name VARCHAR,\n  region_code VARCHAR,\n  location_source VARCHAR",
            "",
        ),
    }
    assert "status_source" not in v1["patents"] and "norm_name" not in v1["parties"]
    assert "status_as_of" not in v1["patents"]
    assert "status_detail" not in v1["patents"] and "source" not in v1["events"]
    for table in t.ALL_TABLES:
        if table.name in v1:
            con.execute(v1[table.name])
        elif table.name in {
            "meta",
            "imports",
            "quarantine",
            "provenance",
            *(c.name for c in t.CHILD_TABLES),
        }:
            con.execute(table.ddl())
    con.execute("CREATE TABLE entities (entity_id VARCHAR, name_zh VARCHAR)")
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.execute("INSERT INTO patents (doc_id, title) VALUES ('CN1A', '旧文献')")
    con.close()

    with PatentStore.open(path) as store:
        assert store.schema_version == migrations.MIGRATIONS[-1].version
        assert store.scalar("SELECT title FROM patents") == "旧文献"
        with PatentStore.open(None) as fresh:
            for table in t.ALL_TABLES:
                sql = (
                    "SELECT column_name, data_type FROM information_schema.columns "
                    "WHERE table_name = ? ORDER BY ordinal_position"
                )
                assert store.rows(sql, [table.name]) == fresh.rows(sql, [table.name]), (
                    table.name
                )
        _write(store, [_record(1)], import_id=1)  # the writer works on a migrated store
        assert store.count("patents") == 2


def test_a_schema_2_store_gives_back_its_term_rule_statuses(tmp_path):
    """Schema 2 wrote 'expired' by term rule and estimated expiries for applications:
    schema 4 restores the source's own status, drops the estimates (the next enrich
    recomputes them for granted rights) and adds status_as_of."""
    path = tmp_path / "v2.duckdb"
    with PatentStore.open(path) as store:
        _write(store, [_record(1), _record(2), _record(3)])
    con = duckdb.connect(str(path))
    con.execute("ALTER TABLE patents DROP COLUMN status_as_of")
    con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    con.execute(
        "UPDATE patents SET legal_status = 'expired', status_source = 'rule', "
        "expiry_date = DATE '2038-01-01', expiry_estimated = TRUE, "
        "legal_status_raw = CASE doc_id WHEN 'CN100000001A' THEN '有权-审定授权' "
        "WHEN 'CN100000002A' THEN '其他' END"
    )
    con.close()
    with PatentStore.open(path) as store:
        assert store.schema_version == t.SCHEMA_VERSION
        rows = store.rows(
            "SELECT doc_id, legal_status, status_source, expiry_date, expiry_estimated, "
            "status_as_of FROM patents ORDER BY doc_id"
        )
    assert rows == [
        ("CN100000001A", "active", "source", None, None, None),
        ("CN100000002A", None, None, None, None, None),
        ("CN100000003A", None, None, None, None, None),
    ]


def test_cursors_read_the_same_database_concurrently(tmp_path):
    import threading

    path = tmp_path / "c.duckdb"
    with PatentStore.open(path) as store:
        _write(store, [_record(i) for i in range(50)])
    with PatentStore.open(path, read_only=True) as store:
        counts = []

        def work():
            with store.cursor() as handle:
                counts.append(handle.count("patents"))

        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert counts == [50] * 8


def test_a_schema_7_store_gets_status_detail_and_the_new_event_types(tmp_path):
    """Schema 8: status_detail and events.source are added; a lapse that says the term
    ended becomes an expiry, 保全 and 复审 that were ``other`` get their own types."""
    from patnav.schema.records import Event, EventType

    path = tmp_path / "v7.duckdb"
    with PatentStore.open(path) as store:
        events = (
            Event(EventType.GRANT, date(2019, 1, 1)),
            Event(EventType.LAPSE, date(2028, 1, 1), code="期限届满"),
            Event(EventType.LAPSE, date(2021, 1, 1), code="未缴年费"),
            Event(EventType.OTHER, None, code="保全"),
            Event(EventType.OTHER, None, code="复审"),
            Event(EventType.OTHER, None, code="一案双申"),
        )
        _write(store, [_record(1, events=events)])
    con = duckdb.connect(str(path))
    con.execute("ALTER TABLE patents DROP COLUMN status_detail")
    con.execute("ALTER TABLE events DROP COLUMN source")
    con.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    con.close()
    with PatentStore.open(path) as store:
        assert store.schema_version == t.SCHEMA_VERSION
        rows = store.rows("SELECT code, type, date, source FROM events ORDER BY seq")
        assert store.scalar("SELECT count(status_detail) FROM patents") == 0
    assert rows == [
        (None, "grant", date(2019, 1, 1), None),
        ("期限届满", "expiry", date(2028, 1, 1), None),
        ("未缴年费", "lapse", date(2021, 1, 1), None),
        ("保全", "preservation", None, None),
        ("复审", "reexamination", None, None),
        ("一案双申", "other", None, None),
    ]
