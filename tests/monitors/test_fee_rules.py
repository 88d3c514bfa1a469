"""annuity-due, grace, high-maintenance and expiry on real granted patents: the
Patentics 虚拟现实 rows in force and granted since 2018 and those in force filed before
2013 (maintained ten years or more), enriched (maintenance state by the fee engine) as
of the export's day; the due dates checked against the statutory rule applied here by
hand: the fee of patent year k is due on the (k−1)-th anniversary of filing, for the
years of the term (utility model 10, invention 20); 6 months' grace; the year of grant
is paid at registration; a right in force on a day has paid every fee whose grace ended
before it."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from dateutil.relativedelta import relativedelta

from patnav.config import Settings
from patnav.enrich.run import enrich
from patnav.ingest.pipeline import import_paths
from patnav.monitors import add_monitor, run_monitors
from patnav.storage.store import PatentStore
from tests.models.prevalue_data import EXPORT_DAY, STEPS, granted_recent, patentics

DAYS = 120


def _day(text: str) -> date:
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def _by_hand(rows: pd.DataFrame) -> pd.DataFrame:
    """Next due date, grace end and years maintained of each row, by the statutory
    rule, for a right the export (its newest record's day) shows in force."""
    newest = max(
        max(_day(p), _day(g))
        for p, g in zip(rows["公开日"], rows["授权公告日"], strict=True)
    )
    out = []
    for number, app_text, grant_text in zip(
        rows["公开号"], rows["申请日"], rows["授权公告日"], strict=True
    ):
        app, grant = _day(app_text), _day(grant_text)
        seen = max(newest, grant)
        years = relativedelta(seen, app).years
        year = years + 1  # the patent year containing `seen`
        due = app + relativedelta(years=year - 1)
        paid = year if seen > due + relativedelta(months=6) else year - 1
        paid = max(paid, relativedelta(grant, app).years + 1)
        if paid >= (10 if number.endswith("U") else 20):  # every year of the term paid
            continue
        next_due = app + relativedelta(years=paid)
        out.append((number, next_due, next_due + relativedelta(months=6), years))
    return pd.DataFrame(out, columns=["number", "next_due", "grace_end", "years"])


@pytest.fixture(scope="module")
def fee_store(data_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fees")
    frame = patentics(data_dir)
    old = frame[
        (frame["法律状态"] == "有效")
        & frame["授权公告日"].notna()
        & (frame["申请日"] < "20130101")
    ]
    rows = pd.concat([granted_recent(frame), old])
    rows.to_csv(folder / "granted.csv", index=False)
    path = folder / "s.duckdb"
    with PatentStore.open(path) as store:
        assert import_paths(store, [folder / "granted.csv"], raise_unexpected=True).ok
        enrich(store, Settings(data_dir=data_dir), STEPS, today=EXPORT_DAY)
    return rows, path


def test_fees_due_and_grace_alert_each_due_date_once(fee_store, tmp_path):
    rows, path = fee_store
    expected = _by_hand(rows)
    copy = tmp_path / "s.duckdb"
    copy.write_bytes(path.read_bytes())
    with PatentStore.open(copy) as store:
        add_monitor(
            store,
            "年费",
            target_kind="numbers",
            numbers=list(rows["公开号"]),
            rules=["annuity-due", "grace"],
            days=DAYS,
        )
        first = run_monitors(store, today=EXPORT_DAY)
        # a date rule alerts on its first run: a due date near is actionable
        due = {
            a.pub_number: date.fromisoformat(a.evidence["next_due"])
            for a in first.alerts
            if a.rule == "annuity-due"
        }
        window = expected[
            (expected["next_due"] >= EXPORT_DAY)
            & (expected["next_due"] <= EXPORT_DAY + timedelta(days=DAYS))
        ]
        assert len(window) > 0
        assert due == dict(zip(window["number"], window["next_due"], strict=True))
        in_grace = expected[
            (expected["next_due"] < EXPORT_DAY) & (expected["grace_end"] >= EXPORT_DAY)
        ]
        first_graces = {a.pub_number for a in first.alerts if a.rule == "grace"}
        assert first_graces == set(in_grace["number"])
        assert len(first.alerts) == len(window) + len(in_grace)
        # grace over before the run's day: only the data could say whether it was paid
        unknown = expected[expected["grace_end"] < EXPORT_DAY]
        assert first.runs[0].counts["annuity-due"]["unknown"] == len(unknown)
        for alert in first.alerts:
            if alert.rule == "grace":
                continue
            assert alert.message.startswith("年费到期：")
            assert alert.evidence["grace_end"] == (
                window.set_index("number")
                .loc[alert.pub_number, "grace_end"]
                .isoformat()
            )
        assert run_monitors(store, today=EXPORT_DAY).alerts == ()

        # 150 days on: dues of the next window alert, those past due are in grace;
        # nothing alerted before alerts again
        later = EXPORT_DAY + timedelta(days=150)
        second = run_monitors(store, today=later)
        dues = {a.pub_number for a in second.alerts if a.rule == "annuity-due"}
        graces = {a.pub_number for a in second.alerts if a.rule == "grace"}
        assert dues == set(
            expected[
                (expected["next_due"] > EXPORT_DAY + timedelta(days=DAYS))
                & (expected["next_due"] >= later)
                & (expected["next_due"] <= later + timedelta(days=DAYS))
            ]["number"]
        )
        grace_then = expected[
            (expected["next_due"] < later) & (later <= expected["grace_end"])
        ]
        # a grace alerted at the first run (same due date) is not alerted again
        assert graces == set(grace_then["number"]) - first_graces
        assert graces and graces >= set(window["number"])
        for alert in second.alerts:
            if alert.rule == "grace":
                assert alert.message.startswith("进入宽限期：")


def test_high_maintenance_and_expiry(fee_store, tmp_path):
    rows, path = fee_store
    expected = _by_hand(rows)
    copy = tmp_path / "s.duckdb"
    copy.write_bytes(path.read_bytes())
    with PatentStore.open(copy) as store:
        add_monitor(
            store,
            "高维持",
            target_kind="numbers",
            numbers=list(rows["公开号"]),
            rules=["high-maintenance", "expiry"],
            days=365,
        )
        run = run_monitors(store, today=EXPORT_DAY)
        high = {a.pub_number for a in run.alerts if a.rule == "high-maintenance"}
        due_soon = (expected["next_due"] >= EXPORT_DAY) & (
            expected["next_due"] <= EXPORT_DAY + timedelta(days=365)
        )
        in_grace = (expected["next_due"] < EXPORT_DAY) & (
            expected["grace_end"] >= EXPORT_DAY
        )
        want = expected[(expected["years"] >= 10) & (due_soon | in_grace)]
        assert (expected["years"] >= 10).sum() > len(want) > 0
        assert len(want) > 0
        assert high == set(want["number"])
        for alert in run.alerts:
            if alert.rule == "high-maintenance":
                assert alert.evidence["years_maintained"] >= 10
                assert alert.message.startswith("高维持年限专利：")
                assert "已维持" in alert.message

        # the term by hand: utility model 10 years, invention 20, to the day before the
        # anniversary; every expiry here is an estimate of the term rules and says so
        ends = {
            n: _day(a)
            + relativedelta(years=10 if n.endswith("U") else 20)
            - timedelta(1)
            for n, a in zip(rows["公开号"], rows["申请日"], strict=True)
        }
        in_window = {
            n
            for n, end in ends.items()
            if EXPORT_DAY <= end <= EXPORT_DAY + relativedelta(months=12)
        }
        expiring = [a for a in run.alerts if a.rule == "expiry"]
        assert in_window and {a.pub_number for a in expiring} == in_window
        assert run.runs[0].counts["expiry"] == {"alerts": len(in_window), "unknown": 0}
        for alert in expiring:
            assert alert.evidence["estimated"] is True
            assert "（按法定期限估算）" in alert.message
            assert alert.evidence["expiry_date"] == ends[alert.pub_number].isoformat()
        assert run_monitors(store, today=EXPORT_DAY).alerts == ()
