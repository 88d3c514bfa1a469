"""The maintenance step on a real export: every granted document's state, computed with
pandas over the raw Patentics file, is what the store holds."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from patnav.config import Settings
from patnav.enrich import enrich
from patnav.schema import tables as t
from patnav.storage.store import PatentStore

FILE = "formats/cn-db-exports/patentics_CN_TI-增强现实_20220530.csv"
TODAY = date(2022, 5, 30)  # the export's day
STATUS = {"有效": "active", "无效": "lapsed", "驳回": "rejected", "撤回": "withdrawn"}


@pytest.fixture(scope="module")
def store_path(tmp_path_factory, data_dir):
    from patnav.ingest.pipeline import import_paths

    path = tmp_path_factory.mktemp("maintenance") / "ar.duckdb"
    with PatentStore.open(path) as store:
        assert import_paths(store, [data_dir / FILE], raise_unexpected=True).ok
        first = enrich(
            store, Settings(data_dir=data_dir), ["legal", "maintenance"], today=TODAY
        )
        again = enrich(store, Settings(data_dir=data_dir), ["maintenance"], today=TODAY)
    assert first.steps[1].changed > 0
    assert again.steps[0].changed == 0  # idempotent
    return path


def _years(start: pd.Timestamp, n: int) -> pd.Timestamp:
    return start + pd.DateOffset(years=n)


def _whole_years(start: pd.Timestamp, end: pd.Timestamp) -> int:
    return max(n for n in range(0, 30) if _years(start, n) <= end)


def _expected(data_dir) -> dict[str, tuple[object, ...]]:
    raw = pd.read_csv(data_dir / FILE, encoding="utf-8-sig", dtype=str, index_col=False)
    kind = raw["公开号"].str.extract(r"([A-Z])\d?$", expand=False)
    pub = pd.to_datetime(raw["公开日"], format="%Y%m%d")
    grant = pd.to_datetime(raw["授权公告日"], format="%Y%m%d")
    filed = pd.to_datetime(raw["申请日"], format="%Y%m%d")
    # the export is no older than its newest publication or grant
    cutoff = max(pub.max(), grant.max())
    today = pd.Timestamp(TODAY)
    out: dict[str, tuple[object, ...]] = {}
    for i in raw.index:
        granted = pd.notna(grant[i]) or kind[i] in ("U", "Y")
        status = STATUS.get(raw.at[i, "法律状态"])
        if not granted or status in ("rejected", "withdrawn"):
            continue
        term = 20 if kind[i] in ("A", "B") else 10
        app = filed[i]
        day = grant[i] if pd.notna(grant[i]) else pub[i]
        if status == "lapsed":  # undated: termination unknown
            out[raw.at[i, "公开号"]] = (None, None, "lapsed", False, "source")
            continue
        seen, basis = (cutoff, "source") if status == "active" else (day, "grant")
        seen = max(seen, day)
        current = min(_whole_years(app, seen) + 1, term)
        current_due = _years(app, current - 1)
        paid = current if seen > current_due + pd.DateOffset(months=6) else current - 1
        paid = min(max(paid, _whole_years(app, day) + 1), term)
        next_due = None if paid >= term else _years(app, paid)
        if today > _years(app, term) - pd.Timedelta(days=1):
            state, estimated = "expired", True
        elif next_due is None or today <= next_due:
            state, estimated = "in_force", today > seen
        elif today <= next_due + pd.DateOffset(months=6):
            state, estimated = "in_grace", True
        else:
            state, estimated = None, False
        out[raw.at[i, "公开号"]] = (
            paid,
            next_due.date() if next_due is not None else None,
            state,
            estimated,
            basis,
        )
    return out


def test_every_granted_document_has_the_state_its_evidence_implies(
    store_path, data_dir
):
    expected = _expected(data_dir)
    with PatentStore.open(store_path, read_only=True) as store:
        rows = store.rows(
            "SELECT doc_id, paid_through_year, next_due, state, state_estimated, basis "
            "FROM maintenance"
        )
    got = {doc: rest for doc, *rest in rows}
    assert len(got) == len(expected)
    assert {k: tuple(v) for k, v in got.items()} == expected
    states = {v[2] for v in expected.values()}
    assert {"in_force", "in_grace", "lapsed", None} <= states


def test_an_undated_status_in_force_is_dated_by_the_file_s_newest_record(
    store_path, data_dir
):
    raw = pd.read_csv(data_dir / FILE, encoding="utf-8-sig", dtype=str, index_col=False)
    newest = max(
        pd.to_datetime(raw["公开日"], format="%Y%m%d").max(),
        pd.to_datetime(raw["授权公告日"], format="%Y%m%d").max(),
    ).date()
    with PatentStore.open(store_path, read_only=True) as store:
        dates = store.rows(
            "SELECT DISTINCT m.evidence_date FROM maintenance m JOIN patents p USING (doc_id) "
            "WHERE p.legal_status = 'active'"
        )
    assert dates == [(newest,)]


def test_a_schema_4_store_gains_the_maintenance_table(tmp_path):
    path = tmp_path / "v4.duckdb"
    with PatentStore.open(path):
        pass
    con = duckdb.connect(str(path))
    con.execute("DROP TABLE maintenance")
    con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    con.close()
    with PatentStore.open(path) as store:
        assert store.schema_version == t.SCHEMA_VERSION
        assert store.count("maintenance") == 0
        columns = [r[0] for r in store.rows("DESCRIBE maintenance")]
    assert tuple(columns) == t.MAINTENANCE.column_names


def test_a_fee_payment_event_moves_the_next_due_date(store, data_dir):
    """A dated annuity event (a fee paid) in the store: the year in progress that day is
    paid, the next fee is the following year's."""
    from patnav.schema.records import Event, EventType, PatentType
    from tests.enrich.records import record, write

    write(
        store,
        [
            record(
                "CN105000001B",
                "CN201510000001",
                kind="B",
                app_date=date(2015, 3, 10),
                grant_date=date(2017, 5, 2),
                patent_type=PatentType.INVENTION,
                events=(
                    Event(EventType.ANNUITY, date(2020, 5, 1), description="年费缴纳"),
                ),
            ),
            record(
                "CN105000002B",
                "CN201510000002",
                kind="B",
                app_date=date(2015, 3, 10),
                grant_date=date(2017, 5, 2),
            ),
        ],
    )
    enrich(
        store,
        Settings(data_dir=data_dir),
        ["legal", "maintenance"],
        today=date(2021, 1, 1),
    )
    rows = store.rows(
        "SELECT doc_id, paid_through_year, next_due, basis, state FROM maintenance "
        "ORDER BY doc_id"
    )
    assert rows == [
        ("CN105000001B", 6, date(2021, 3, 10), "events", "in_force"),
        # only the grant (year 3) is known: year 4's grace ended in 2018, state unknown
        ("CN105000002B", 3, date(2018, 3, 10), "grant", None),
    ]
