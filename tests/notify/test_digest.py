"""Digests: a subscriber's queued alerts arrive in one Chinese mail per period, grouped
by monitor and rule; nothing twice, nothing before the period has passed."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta

import pytest

from patnav.errors import InvalidParameterError
from patnav.notify import Alert, Channels, dispatch, send_digests
from patnav.notify.channels.email import SmtpConfig, SmtpMailer
from patnav.notify.channels.webhook import WebhookSender
from patnav.notify.digest import RULES, build_digest, is_due
from patnav.notify.subscriptions import subscribe
from patnav.notify.templates import digest_text
from patnav.platform.models import Delivery

NOW = datetime(2026, 12, 7, 1, 0)


def _channels(box) -> Channels:
    return Channels(
        SmtpMailer(
            SmtpConfig(
                host=box.host,
                port=box.port,
                starttls=False,
                from_address="alerts@patnav.example.cn",
                timeout_s=5,
            )
        ),
        WebhookSender(attempts=1),
    )


def test_alerts_are_grouped_by_monitor_then_rule(alerts):
    digest = build_digest(
        [Alert.from_dict(a) for a in alerts + alerts[:1]],
        period="daily",
        start=None,
        end=NOW,
    )
    assert digest.count == len(alerts)  # an alert given twice counts once
    got = Counter(
        (g.monitor, r.rule) for g in digest.groups for r in g.rules for _ in r.alerts
    )
    assert got == Counter((a["monitor"], a["rule"]) for a in alerts)
    assert [g.monitor for g in digest.groups] == sorted({a["monitor"] for a in alerts})
    for group in digest.groups:
        rules = [r.rule for r in group.rules]
        assert rules == sorted(rules, key=RULES.index)
        for rule in group.rules:
            times = [a.created_at for a in rule.alerts]
            assert times == sorted(times)
    with pytest.raises(InvalidParameterError, match="daily, weekly"):
        build_digest([], period="monthly", start=None, end=NOW)


def test_a_daily_digest_arrives_once_a_day_with_every_queued_alert(
    network, smtp_server, alerts
):
    ta = network.tenants["泰安市"]
    with network.platform.session() as db:
        subscribe(
            db,
            tenant_id=ta,
            channel="email",
            address="lead@taian.example.cn",
            user_id=network.users["ta_a"],
            digest="daily",
        )
    channels = _channels(smtp_server)
    with network.platform.sessions() as db:
        report = dispatch(db, alerts, tenant_id=ta, channels=channels)
        assert report.queued == len(alerts) and report.email == 0
        assert smtp_server.messages == []  # a digest subscriber gets no single mails
        assert dispatch(db, alerts, tenant_id=ta, channels=channels).queued == 0

        sent = send_digests(db, channels=channels, now=NOW)
        assert (sent.email, sent.alerts) == (1, len(alerts))
        assert (
            send_digests(db, channels=channels, now=NOW + timedelta(days=2)).email == 0
        )

    (got,) = smtp_server.messages
    assert got.rcpt_to == ["lead@taian.example.cn"]
    message = got.message()
    subject = message["Subject"]
    assert subject.startswith("【专利导航预警日报】")
    assert f"{len(alerts)} 条预警" in subject
    body = message.get_content().replace("\r\n", "\n")
    assert body.startswith("专利导航预警日报\n")
    monitors = Counter(a["monitor"] for a in alerts)
    assert f"共 {len(alerts)} 条预警，来自 {len(monitors)} 个监控。" in body
    for monitor, count in monitors.items():
        assert f"监控：{monitor}（{count} 条）" in body
    for alert in alerts:
        line = next(line for line in body.splitlines() if alert["pub_number"] in line)
        assert alert["message"] in line
    # each rule heading of each monitor, with its count, in the body's order
    rules = Counter((a["monitor"], a["rule"]) for a in alerts)
    labels = {
        "new-documents": "新增文献",
        "status-change": "法律状态变化",
        "expiry": "即将届满",
    }
    for (monitor, rule), count in rules.items():
        section = body.split(f"监控：{monitor}")[1].split("监控：")[0]
        assert f"{labels[rule]}（{count} 条）" in section
    # the Chinese text has no English words beyond the data it quotes
    bare = body
    for alert in alerts:
        for value in (alert["pub_number"], alert["message"], alert["monitor"]):
            bare = bare.replace(value, "")
    assert not re.search(r"[A-Za-z]", bare), bare

    with network.platform.sessions() as db:
        assert {d.status for d in db.query(Delivery).filter_by(channel="email")} == {
            "sent"
        }


def test_the_next_digest_waits_a_full_period_and_holds_only_new_alerts(
    network, smtp_server, alerts
):
    ta = network.tenants["泰安市"]
    with network.platform.session() as db:
        subscribe(
            db,
            tenant_id=ta,
            channel="email",
            address="lead@taian.example.cn",
            digest="weekly",
            lang="en",
        )
    channels = _channels(smtp_server)
    with network.platform.sessions() as db:
        dispatch(db, alerts[:3], tenant_id=ta, channels=channels)
        assert send_digests(db, channels=channels, now=NOW).email == 1
        dispatch(db, alerts[:4], tenant_id=ta, channels=channels)  # one new alert
        assert (
            send_digests(db, channels=channels, now=NOW + timedelta(days=6)).email == 0
        )
        later = send_digests(db, channels=channels, now=NOW + timedelta(days=7))
        assert (later.email, later.alerts) == (1, 1)
    first, second = (m.message() for m in smtp_server.messages)
    assert first["Subject"].startswith("[Patent alerts, weekly] 3 alerts")
    body = second.get_content().replace("\r\n", "\n")
    assert alerts[3]["pub_number"] in body
    assert not any(a["pub_number"] in body for a in alerts[:3])
    assert "Period: 2026-12-07 01:00 UTC to 2026-12-14 01:00 UTC" in body


def test_a_failed_digest_keeps_its_alerts_queued(network, smtp_server, alerts):
    ta = network.tenants["泰安市"]
    with network.platform.session() as db:
        subscribe(
            db,
            tenant_id=ta,
            channel="email",
            address="a@taian.example.cn",
            digest="daily",
        )
    with network.platform.sessions() as db:
        dispatch(db, alerts, tenant_id=ta, channels=_channels(smtp_server))
        failed = send_digests(
            db, channels=Channels(None, WebhookSender(attempts=1)), now=NOW
        )
        assert failed.email == 0 and len(failed.failures) == 1
        assert {d.status for d in db.query(Delivery).filter_by(channel="email")} == {
            "queued"
        }
        sent = send_digests(db, channels=_channels(smtp_server), now=NOW)
        assert (sent.email, sent.alerts) == (1, len(alerts))


def test_when_a_digest_is_due():
    assert is_due("daily", None, NOW)
    assert not is_due("daily", NOW - timedelta(hours=23), NOW)
    assert is_due("daily", NOW - timedelta(hours=24), NOW)
    assert not is_due("weekly", NOW - timedelta(days=6, hours=23), NOW)
    assert is_due("weekly", NOW - timedelta(days=7), NOW)
    assert not is_due("none", None, NOW)


def test_an_unknown_rule_is_shown_as_it_is(alerts):
    odd = Alert.from_dict({**alerts[0], "rule": "pledge-watch"})
    text = digest_text(build_digest([odd], period="daily", start=None, end=NOW))
    assert "pledge-watch（1 条）" in text


def test_digest_runs_at_once_send_each_digest_once(network, smtp_server, alerts):
    import threading

    ta = network.tenants["泰安市"]
    with network.platform.session() as db:
        for address in ("a@taian.example.cn", "b@taian.example.cn"):
            subscribe(
                db, tenant_id=ta, channel="email", address=address, digest="daily"
            )
    with network.platform.sessions() as db:
        dispatch(db, alerts, tenant_id=ta, channels=_channels(smtp_server))
    start = threading.Barrier(3)
    errors: list[str] = []
    sent: list[int] = []

    def run() -> None:
        start.wait()
        try:
            with network.platform.sessions() as db:
                sent.append(
                    send_digests(db, channels=_channels(smtp_server), now=NOW).email
                )
        except Exception as exc:
            errors.append(repr(exc))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and sum(sent) == 2
    assert sorted(m.rcpt_to[0] for m in smtp_server.messages) == [
        "a@taian.example.cn",
        "b@taian.example.cn",
    ]
    # one session sending digests again and again sees its own last one
    with network.platform.sessions() as db:
        assert send_digests(db, channels=_channels(smtp_server), now=NOW).email == 0
        dispatch(
            db,
            [*alerts, {**alerts[0], "alert_id": "new"}],
            tenant_id=ta,
            channels=_channels(smtp_server),
        )
        later = NOW + timedelta(days=1)
        assert send_digests(db, channels=_channels(smtp_server), now=later).email == 2
        assert send_digests(db, channels=_channels(smtp_server), now=later).email == 0
    assert len(smtp_server.messages) == 4
