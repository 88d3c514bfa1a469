"""The inbox: a tenant's alerts reach its active users (and nobody else), once; read,
unread and acknowledged per user; another user's item is not found."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from patnav.errors import InvalidParameterError, NotFoundError
from patnav.notify import Channels, dispatch
from patnav.notify.channels import inbox
from patnav.notify.channels.webhook import WebhookSender
from patnav.platform.models import Delivery, InboxItem, NotifyAlert

CHANNELS = Channels(None, WebhookSender(attempts=1))


def test_alerts_reach_every_active_user_of_the_tenant_once(network, alerts):
    ta = network.tenants["泰安市"]
    with network.platform.sessions() as db:
        report = dispatch(db, alerts, tenant_id=ta, channels=CHANNELS)
        assert report.inbox == 2 * len(alerts)  # ta_a and ta_b; ta_off is inactive
        assert report.new_alerts == len(alerts)
        again = dispatch(db, alerts + alerts[:2], tenant_id=ta, channels=CHANNELS)
        assert again.inbox == 0 and again.new_alerts == 0
        assert again.skipped == 2 * len(alerts)
        for name, expected in (("ta_a", len(alerts)), ("ta_b", len(alerts))):
            assert inbox.unread_count(db, network.users[name]) == expected
        for name in ("ta_off", "jn_a"):
            assert inbox.entries(db, network.users[name]) == []
        assert db.scalar(select(func.count(InboxItem.id))) == 2 * len(alerts)
        assert db.scalar(select(func.count(NotifyAlert.id))) == len(alerts)

        listed = inbox.entries(db, network.users["ta_a"])
    # newest first, each alert as given
    assert [e.alert.alert_id for e in listed] == [
        a["alert_id"]
        for a in sorted(alerts, key=lambda a: a["created_at"], reverse=True)
    ]
    by_id = {a["alert_id"]: a for a in alerts}
    for e in listed:
        given = by_id[e.alert.alert_id]
        assert e.alert.to_dict()["message"] == given["message"]
        assert e.alert.pub_number == given["pub_number"]
        assert dict(e.alert.evidence) == given["evidence"]
        assert not e.is_read and not e.is_acknowledged


def test_read_unread_and_acknowledge_are_per_user(network, alerts):
    ta = network.tenants["泰安市"]
    a, b = network.users["ta_a"], network.users["ta_b"]
    with network.platform.sessions() as db:
        dispatch(db, alerts, tenant_id=ta, channels=CHANNELS)
        first, second = inbox.entries(db, a)[:2]
        read = inbox.mark_read(db, a, first.id)
        assert read.is_read and not read.is_acknowledged
        assert inbox.unread_count(db, a) == len(alerts) - 1
        assert inbox.unread_count(db, b) == len(alerts)  # b's copy is untouched
        assert [e.id for e in inbox.entries(db, a, unread_only=True)] == [
            e.id for e in inbox.entries(db, a)[1:]
        ]
        unread = inbox.mark_read(db, a, first.id, read=False)
        assert not unread.is_read

        acked = inbox.acknowledge(db, a, second.id)
        assert acked.is_acknowledged and acked.is_read
        when = acked.acknowledged_at
        assert inbox.acknowledge(db, a, second.id).acknowledged_at == when
        assert second.id not in [e.id for e in inbox.entries(db, a, open_only=True)]
        assert inbox.entry(db, a, second.id).to_dict()["acknowledged_at"] == (
            when.isoformat()
        )

        # b may not see, read or acknowledge a's items
        for action in (inbox.entry, inbox.mark_read, inbox.acknowledge):
            with pytest.raises(NotFoundError):
                action(db, b, first.id)
            for beyond in (0, -1, 2**63, 10**30):  # no row's id; no overflow either
                with pytest.raises(NotFoundError):
                    action(db, a, beyond)
        assert inbox.mark_all_read(db, b) == len(alerts)
        assert inbox.unread_count(db, b) == 0
        db.commit()


def test_the_same_alert_id_in_two_tenants_is_two_alerts(network, alerts):
    with network.platform.sessions() as db:
        ta = dispatch(
            db, alerts[:1], tenant_id=network.tenants["泰安市"], channels=CHANNELS
        )
        jn = dispatch(
            db, alerts[:1], tenant_id=network.tenants["济南市"], channels=CHANNELS
        )
        assert (ta.inbox, jn.inbox) == (2, 1)
        assert [e.alert.alert_id for e in inbox.entries(db, network.users["jn_a"])] == [
            alerts[0]["alert_id"]
        ]


@pytest.mark.parametrize(
    "broken",
    [
        {"message": None},
        {"monitor": ""},
        {"created_at": "yesterday"},
        {"evidence": ["not", "an", "object"]},
    ],
)
def test_a_malformed_alert_is_refused_and_nothing_is_delivered(network, alerts, broken):
    bad = {**alerts[1], **broken}
    with network.platform.sessions() as db:
        with pytest.raises(InvalidParameterError, match=r"(?i)alert"):
            dispatch(
                db,
                [alerts[0], bad],
                tenant_id=network.tenants["泰安市"],
                channels=CHANNELS,
            )
        db.rollback()
        assert db.scalar(select(func.count(NotifyAlert.id))) == 0
        assert db.scalar(select(func.count(Delivery.id))) == 0


def test_removing_a_user_removes_their_inbox(network, alerts):
    from patnav.platform.models import User

    with network.platform.sessions() as db:
        dispatch(db, alerts, tenant_id=network.tenants["泰安市"], channels=CHANNELS)
        db.delete(db.get(User, network.users["ta_b"]))
        db.commit()
        assert db.scalar(select(func.count(InboxItem.id))) == len(alerts)


def test_offboarding_a_tenant_removes_its_notifications_only(network, alerts, tmp_path):
    from patnav.notify.subscriptions import subscribe
    from patnav.platform.models import Subscription
    from patnav.platform.offboard import offboard_tenant

    ta, jn = network.tenants["泰安市"], network.tenants["济南市"]
    with network.platform.session() as db:
        for tenant in (ta, jn):
            subscribe(
                db,
                tenant_id=tenant,
                channel="webhook",
                address="http://127.0.0.1:9/hook",
            )
    quiet = Channels(None, WebhookSender(attempts=1))
    with network.platform.sessions() as db:
        dispatch(db, alerts, tenant_id=ta, channels=quiet)
        dispatch(db, alerts[:2], tenant_id=jn, channels=quiet)
    report = offboard_tenant(network.platform, ta, tmp_path / "export")
    assert report.removed
    with network.platform.sessions() as db:
        assert db.scalars(select(NotifyAlert.tenant_id)).all() == [jn, jn]
        assert db.scalars(select(Subscription.tenant_id)).all() == [jn]
        assert db.scalars(select(InboxItem.user_id).distinct()).all() == [
            network.users["jn_a"]
        ]
        # jn's inbox (1 user) and its failed webhook deliveries (2 alerts) remain
        assert db.scalar(select(func.count(Delivery.id))) == 2 + 2


def test_an_alert_on_no_single_patent_and_per_store_ids(network, alerts):
    """As patnav.monitors writes them: integer ids numbered per store, and no
    pub_number for a new applicant entering."""
    applicant = {
        "alert_id": 1,
        "monitor": "轨枕竞争对手",
        "rule": "new-applicants",
        "pub_number": None,
        "doc_id": None,
        "message": "新申请人进入：海安县建莲商品混凝土有限公司",
        "evidence": {"applicant": "海安县建莲商品混凝土有限公司"},
        "created_at": "2026-12-07T08:00:00",
        "run_id": 3,
        "acked_by": None,
    }
    ta = network.tenants["泰安市"]
    with network.platform.sessions() as db:
        first = dispatch(
            db, [applicant], tenant_id=ta, channels=CHANNELS, source="store:1"
        )
        # alert 1 of another store is another alert; of the same store, the same one
        other = dispatch(
            db, [applicant], tenant_id=ta, channels=CHANNELS, source="store:2"
        )
        again = dispatch(
            db, [applicant], tenant_id=ta, channels=CHANNELS, source="store:1"
        )
        assert (first.new_alerts, other.new_alerts, again.new_alerts) == (1, 1, 0)
        (entry, _) = inbox.entries(db, network.users["ta_a"])
    assert entry.alert.pub_number is None and entry.alert.alert_id == "1"
    assert entry.alert.to_dict()["pub_number"] is None
