"""Monitors on real data: a store built from real exports, a second real file
imported, exactly the expected alerts once, computed with pandas over the raw files."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest

from patnav.errors import InvalidParameterError, NotFoundError, QuerySyntaxError
from patnav.ingest.pipeline import import_paths
from patnav.monitors import (
    ack_alert,
    add_monitor,
    list_alerts,
    mute_alert,
    mute_pair,
    remove_monitor,
    run_history,
    run_monitors,
)
from patnav.storage.store import PatentStore
from tests.monitors.data import STATUS, patentics_parts, patsnap_parts
from tests.patsnap import parts

DAY = date(2022, 6, 1)
DEAD = {"lapsed", "withdrawn", "rejected", "invalidated"}


def _import(store: PatentStore, path) -> None:
    assert import_paths(store, [path], raise_unexpected=True).ok


def _names(frame: pd.DataFrame) -> set[str]:
    out = set()
    for cell in frame["申请人"].dropna():
        for name in re.split(r"[;；|]", cell):
            name = " ".join(name.split())
            if name:
                out.add(name)
    return out


def _by_rule(alerts, rule):
    return [a for a in alerts if a.rule == rule]


@pytest.fixture
def patentics(data_dir, tmp_path):
    one, two = patentics_parts(data_dir, tmp_path)
    with PatentStore.open(tmp_path / "s.duckdb") as store:
        _import(store, tmp_path / "vr.csv")
        yield store, one, two, tmp_path


def test_new_data_alerts_exactly_once(patentics):
    store, one, two, folder = patentics
    rules = ["new-documents", "new-applicants", "status-change", "annuity-due"]
    add_monitor(store, "ar", target_kind="set", target="TI=增强现实", rules=rules)
    first = run_monitors(store, today=DAY)
    # the first run records the baseline: no change alert
    assert first.alerts == ()
    (run,) = first.runs
    assert all(run.counts[r].get("baseline") for r in rules[:3])

    _import(store, folder / "ar.csv")
    second = run_monitors(store, today=DAY)
    in1 = one[one["标题"].str.contains("增强现实", na=False)]
    in2 = two[two["标题"].str.contains("增强现实", na=False)]
    assert second.runs[0].documents == len(set(in1["公开号"]) | set(in2["公开号"]))

    new_docs = _by_rule(second.alerts, "new-documents")
    expected = set(in2["公开号"]) - set(in1["公开号"])
    assert len(new_docs) == len(expected) > 0
    assert {a.pub_number for a in new_docs} == expected

    new_names = {
        a.evidence["applicant"] for a in _by_rule(second.alerts, "new-applicants")
    }
    assert len(_by_rule(second.alerts, "new-applicants")) == len(new_names)
    assert new_names == _names(in2) - _names(in1)

    # legal status: known in both exports and different (公开 → 有效); 公开 → 其他 is
    # the status becoming unknown, never a change
    both = in1.merge(in2, on="公开号", suffixes=("_1", "_2"))
    before = both["法律状态_1"].map(STATUS)
    after = both["法律状态_2"].map(STATUS)
    changed = both[before.notna() & after.notna() & (before != after)]
    changes = _by_rule(second.alerts, "status-change")
    assert {a.pub_number for a in changes} == set(changed["公开号"])
    assert len(changes) == len(changed) > 0
    for alert in changes:
        row = changed[changed["公开号"] == alert.pub_number].iloc[0]
        assert alert.evidence["old"] == STATUS[row["法律状态_1"]]
        assert alert.evidence["new"] == STATUS[row["法律状态_2"]]
        assert "法律状态变化" in alert.message and "有效" in alert.message
    became_unknown = both[before.notna() & after.isna()]
    assert len(became_unknown) > 0

    # no maintenance state in this store: every document that may be in force (in force
    # or of unknown status; an import that says 其他 keeps the status known before) has
    # an unknown due date: counted, not alerted
    status = pd.concat(
        [
            in2.set_index("公开号")["法律状态"].map(STATUS),
            in1.set_index("公开号")["法律状态"].map(STATUS),
        ]
    )
    status = status.dropna().groupby(level=0).first()
    target = set(in1["公开号"]) | set(in2["公开号"])
    maybe_in_force = sum(1 for n in target if status.get(n) in (None, "active"))
    assert second.runs[0].counts["annuity-due"] == {
        "alerts": 0,
        "unknown": maybe_in_force,
    }
    assert second.runs[0].alerts == len(second.alerts)

    # idempotent: the same data again gives nothing new, however often
    for _ in range(2):
        again = run_monitors(store, today=DAY)
        assert again.alerts == ()
        assert all(c["alerts"] == 0 for c in again.runs[0].counts.values())
    # re-importing the same file changes nothing either
    _import(store, folder / "ar.csv")
    assert run_monitors(store, today=DAY).alerts == ()
    history = run_history(store, monitor="ar")
    assert [r.alerts for r in reversed(history)] == [0, len(second.alerts), 0, 0, 0]


def test_alert_dicts_carry_the_promised_keys(patentics):
    store, _one, _two, folder = patentics
    add_monitor(
        store, "ar", target_kind="set", target="TI=增强现实", rules=["new-documents"]
    )
    run_monitors(store)
    _import(store, folder / "ar.csv")
    alert = run_monitors(store).alerts[0]
    data = alert.to_dict()
    for key in (
        "monitor",
        "rule",
        "pub_number",
        "message",
        "evidence",
        "created_at",
        "alert_id",
    ):
        assert key in data
    assert data["monitor"] == "ar" and data["rule"] == "new-documents"
    assert data["message"].startswith("新增文献：")
    assert isinstance(data["evidence"], dict) and data["evidence"]["title"]


def test_ack_mute_and_muted_pairs(patentics):
    store, _one, _two, folder = patentics
    add_monitor(
        store, "ar", target_kind="set", target="TI=增强现实", rules=["new-documents"]
    )
    run_monitors(store)
    _import(store, folder / "ar.csv")
    alerts = list(run_monitors(store).alerts)
    assert len(list_alerts(store, unread=True)) == len(alerts)
    acked = ack_alert(store, alerts[0].alert_id, user="张三")
    assert acked.acked_by == "张三" and acked.acked_at is not None
    assert ack_alert(store, alerts[0].alert_id, user="李四").acked_by == "张三"
    muted = mute_alert(store, alerts[1].alert_id, user="李四")
    assert muted.muted_by == "李四"
    assert len(list_alerts(store, unread=True)) == len(alerts) - 2
    assert mute_pair(store, "ar", alerts[2].pub_number, user="王五") == 1
    assert len(list_alerts(store, unread=True)) == len(alerts) - 3
    with pytest.raises(NotFoundError, match="没有编号为 999999"):
        ack_alert(store, 999999, user="张三")
    remove_monitor(store, "ar")
    assert list_alerts(store) == [] and run_history(store) == []


def test_events_of_new_documents_alert_once(data_dir, tmp_path):
    """A portfolio of the PatSnap rows' numbers: the second part's documents and their
    lapse (未缴年费), pledge (质押) and transfer (权利转移) events alert once."""
    one, two = patsnap_parts(data_dir, tmp_path)
    numbers = list(one["公开公告号"]) + list(two["公开公告号"])
    with PatentStore.open(tmp_path / "s.duckdb") as store:
        _import(store, tmp_path / "ps1.csv")
        add_monitor(
            store,
            "贷后",
            target_kind="numbers",
            numbers=numbers,
            rules=["new-documents", "event"],
        )
        first = run_monitors(store)
        assert first.alerts == ()
        assert first.runs[0].documents == len(one)
        assert first.runs[0].counts["target"] == {"missing_numbers": len(two)}

        _import(store, tmp_path / "ps2.csv")
        second = run_monitors(store)
        assert {a.pub_number for a in _by_rule(second.alerts, "new-documents")} == set(
            two["公开公告号"]
        )
        kinds = {"未缴年费": "lapse", "质押": "pledge", "权利转移": "transfer"}
        expected = sorted(
            (number, kinds[p])
            for number, cell in zip(two["公开公告号"], two["法律状态事件"], strict=True)
            for p in set(parts(cell))
            if p in kinds
        )
        events = _by_rule(second.alerts, "event")
        assert sorted((a.pub_number, a.evidence["type"]) for a in events) == expected
        assert {t for _, t in expected} == {"lapse", "pledge", "transfer"}
        for alert in events:
            assert alert.evidence["date"] is None
            assert "来源未载明日期" in alert.message

        only_pledges = add_monitor(
            store,
            "质押",
            target_kind="numbers",
            numbers=numbers,
            rules=["event"],
            event_types=["pledge"],
        )
        assert only_pledges.event_types == ("pledge",)
        run_monitors(store, ["质押"])  # baseline
        assert run_monitors(store).alerts == ()


def test_add_refuses_bad_input(patentics):
    store = patentics[0]
    with pytest.raises(QuerySyntaxError):
        add_monitor(store, "x", target_kind="set", target="TI=(", rules=["event"])
    with pytest.raises(InvalidParameterError, match="未知规则"):
        add_monitor(store, "x", target_kind="set", target="TI=现实", rules=["nope"])
    with pytest.raises(InvalidParameterError, match="监控周期"):
        add_monitor(
            store,
            "x",
            target_kind="set",
            target="TI=现实",
            rules=["event"],
            schedule="hourly",
        )
    with pytest.raises(InvalidParameterError, match="--days"):
        add_monitor(
            store,
            "x",
            target_kind="set",
            target="TI=现实",
            rules=["annuity-due"],
            days=0,
        )
    add_monitor(store, "x", target_kind="set", target="TI=现实", rules=["event"])
    with pytest.raises(InvalidParameterError, match="已有名为"):
        add_monitor(store, "x", target_kind="set", target="TI=现实", rules=["event"])
    with pytest.raises(NotFoundError, match="没有名为"):
        run_monitors(store, ["y"])


def test_unknown_status_is_never_a_change(patentics):
    """Statuses that become known (as an enrichment would infer them) are a baseline,
    not a change; a status that becomes unknown keeps the last known one."""
    store, one, _two, _folder = patentics
    add_monitor(
        store, "vr", target_kind="set", target="TI=虚拟现实", rules=["status-change"]
    )
    rows = one[one["标题"].str.contains("虚拟现实", na=False)]
    active = [
        n for n, s in zip(rows["公开号"], rows["法律状态"], strict=True) if s == "有效"
    ]
    hidden, lost = active[:5], active[5:8]
    marks = ", ".join("?" for _ in hidden)
    store.execute(
        f"UPDATE patents SET legal_status = NULL WHERE pub_number IN ({marks})", hidden
    )
    assert run_monitors(store).alerts == ()
    store.execute(
        f"UPDATE patents SET legal_status = 'active' WHERE pub_number IN ({marks})",
        hidden,
    )
    lost_marks = ", ".join("?" for _ in lost)
    store.execute(
        f"UPDATE patents SET legal_status = NULL WHERE pub_number IN ({lost_marks})",
        lost,
    )
    quiet = run_monitors(store)
    assert quiet.alerts == ()
    assert quiet.runs[0].counts["status-change"]["unknown"] == len(lost)
    # back to known and different from the last known: that is a change
    store.execute(
        f"UPDATE patents SET legal_status = 'lapsed' WHERE pub_number IN ({lost_marks})",
        lost,
    )
    changed = run_monitors(store).alerts
    assert sorted(a.pub_number for a in changed) == sorted(lost)
    assert all(
        a.evidence["old"] == "active" and a.evidence["new"] == "lapsed" for a in changed
    )
    assert all("由「有效」变为「失效」" in a.message for a in changed)
