"""E-mail over SMTP: alerts arrive at a local SMTP server in Chinese, once; the password
signs in but is never logged, stored or sent without TLS when TLS is asked for."""

from __future__ import annotations

import logging
import re

import pytest

from patnav.config import Settings
from patnav.errors import DeliveryError, InvalidParameterError
from patnav.notify import Alert, Channels, dispatch, retry_failed
from patnav.notify.channels.email import (
    SmtpConfig,
    SmtpMailer,
    alert_message,
    check_address,
)
from patnav.notify.channels.webhook import WebhookSender
from patnav.notify.subscriptions import subscribe
from patnav.platform.models import Delivery


def _mailer(box, **extra) -> SmtpMailer:
    return SmtpMailer(
        SmtpConfig(
            host=box.host,
            port=box.port,
            starttls=False,
            from_address="预警 <alerts@patnav.example.cn>",
            timeout_s=5,
            **extra,
        )
    )


def _channels(box, **extra) -> Channels:
    return Channels(_mailer(box, **extra), WebhookSender(attempts=1))


def test_one_alert_arrives_with_a_chinese_subject_and_body(smtp_server, alerts):
    alert = Alert.from_dict(alerts[0])
    message = alert_message(
        alert, sender="alerts@patnav.example.cn", to=["analyst@taian.example.cn"]
    )
    _mailer(smtp_server).send(message)

    assert len(smtp_server.messages) == 1
    got = smtp_server.messages[0]
    assert got.mail_from == "alerts@patnav.example.cn"
    assert got.rcpt_to == ["analyst@taian.example.cn"]
    # on the wire the headers are 7-bit: the Chinese subject is RFC 2047-encoded
    head = got.data.split(b"\r\n\r\n", 1)[0]
    assert head.isascii()
    assert re.search(rb"^Subject: =\?utf-8\?", head, re.MULTILINE | re.IGNORECASE)
    parsed = got.message()
    assert (
        parsed["Subject"]
        == f"【专利导航预警】{alerts[0]['monitor']}：{alerts[0]['pub_number']}"
    )
    assert parsed.get_content_type() == "text/plain"
    assert parsed.get_content_charset() == "utf-8"
    assert parsed["Auto-Submitted"] == "auto-generated"
    body = parsed.get_content()
    assert alerts[0]["pub_number"] in body
    assert alerts[0]["message"] in body
    assert "监控：轨枕竞争对手" in body
    assert "规则：新增文献" in body
    # 2026-12-01T00:30Z is 08:30 in Beijing
    assert "2026-12-01 08:30（北京时间）" in body


def test_dispatch_mails_each_alert_once_to_each_address(network, smtp_server, alerts):
    ta = network.tenants["泰安市"]
    with network.platform.session() as db:
        subscribe(
            db,
            tenant_id=ta,
            channel="email",
            address="Analyst@Taian.example.cn",
            user_id=network.users["ta_a"],
        )
        # the same mailbox twice (another case) and a subscription to one monitor only
        subscribe(db, tenant_id=ta, channel="email", address="analyst@taian.example.cn")
        subscribe(
            db,
            tenant_id=ta,
            channel="email",
            address="bank@loans.example.cn",
            monitors=["混凝土质押组合"],
        )
        # another tenant's subscription receives nothing of 泰安市's alerts
        subscribe(
            db,
            tenant_id=network.tenants["济南市"],
            channel="email",
            address="jn@jinan.example.cn",
        )
    channels = _channels(smtp_server)
    with network.platform.sessions() as db:
        first = dispatch(db, alerts, tenant_id=ta, channels=channels)
    pledge = [a for a in alerts if a["monitor"] == "混凝土质押组合"]
    assert first.email == len(alerts) + len(pledge)
    assert not first.failures
    by_rcpt: dict[str, list[str]] = {}
    for got in smtp_server.messages:
        # the From header's display name is Chinese; the envelope has the address
        assert got.mail_from == "alerts@patnav.example.cn"
        assert got.message()["From"].addresses[0].display_name == "预警"
        assert re.fullmatch(
            r"<[^<>@\s]+@patnav\.example\.cn>", got.message()["Message-ID"]
        )
        (rcpt,) = got.rcpt_to
        by_rcpt.setdefault(rcpt, []).append(got.message().get_content())
    assert sorted(by_rcpt) == ["Analyst@Taian.example.cn", "bank@loans.example.cn"]
    assert len(by_rcpt["Analyst@Taian.example.cn"]) == len(alerts)
    for alert in alerts:
        assert (
            sum(
                alert["pub_number"] in b and alert["message"] in b
                for b in by_rcpt["Analyst@Taian.example.cn"]
            )
            == 1
        )
    assert sorted(
        next(a["pub_number"] for a in pledge if a["pub_number"] in b)
        for b in by_rcpt["bank@loans.example.cn"]
    ) == sorted(a["pub_number"] for a in pledge)

    with network.platform.sessions() as db:
        second = dispatch(db, alerts, tenant_id=ta, channels=channels)
    assert second.email == 0 and second.new_alerts == 0
    assert len(smtp_server.messages) == len(alerts) + len(pledge)
    # the second mailbox's subscription is the first one's address: skipped at once
    assert first.skipped == len(alerts)
    assert second.skipped == first.sent + first.skipped


def test_the_password_signs_in_and_is_never_logged_or_stored(
    network, smtp_server, alerts, caplog, monkeypatch
):
    password = "Zx9-泰山-smtp-secret"
    smtp_server.users = {"mailer": password}
    monkeypatch.setenv("PATNAV_SMTP_PASSWORD", password)

    def settings() -> Settings:  # the password comes from the environment
        return Settings(
            smtp_host=smtp_server.host,
            smtp_port=smtp_server.port,
            smtp_user="mailer",
            smtp_starttls=False,
            smtp_from="alerts@patnav.example.cn",
        )

    channels = Channels.from_settings(settings())
    assert password not in repr(settings()) and password not in repr(channels)
    ta = network.tenants["泰安市"]
    with network.platform.session() as db:
        subscribe(db, tenant_id=ta, channel="email", address="a@taian.example.cn")
    caplog.set_level(logging.DEBUG)
    with network.platform.sessions() as db:
        report = dispatch(db, alerts[:2], tenant_id=ta, channels=channels)
    assert report.email == 2
    assert [m.auth for m in smtp_server.messages] == [("mailer", password)] * 2

    # a wrong password: the failure says what to check, and holds no secret
    wrong = "wrong-" + password
    monkeypatch.setenv("PATNAV_SMTP_PASSWORD", wrong)
    bad = Channels.from_settings(settings())
    with network.platform.sessions() as db:
        failed = dispatch(db, alerts[2:3], tenant_id=ta, channels=bad)
        errors = [d.error for d in db.query(Delivery).all() if d.error]
    assert len(failed.failures) == 1
    assert "PATNAV_SMTP_PASSWORD" in failed.failures[0].reason
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "refused the sign-in" in logged
    for secret in (password, wrong):
        assert secret not in logged
        assert all(secret not in e for e in errors)
        assert secret not in str(failed.to_dict())


def test_starttls_asked_for_but_not_offered_sends_nothing_and_no_password(
    smtp_server, alerts
):
    smtp_server.users = {"mailer": "pw-never-in-clear"}
    mailer = SmtpMailer(
        SmtpConfig(
            host=smtp_server.host,
            port=smtp_server.port,
            user="mailer",
            password="pw-never-in-clear",
            starttls=True,
            timeout_s=5,
        )
    )
    message = alert_message(
        Alert.from_dict(alerts[0]), sender="a@patnav.example.cn", to=["b@x.example.cn"]
    )
    with pytest.raises(DeliveryError, match="STARTTLS") as caught:
        mailer.send(message)
    assert not caught.value.retryable
    assert smtp_server.messages == []
    assert not any(line.upper().startswith(b"AUTH") for line in smtp_server.lines)


def test_without_an_smtp_server_mail_fails_saying_so_and_a_retry_sends_it(
    network, smtp_server, alerts
):
    ta = network.tenants["泰安市"]
    with network.platform.session() as db:
        subscribe(db, tenant_id=ta, channel="email", address="a@taian.example.cn")
    unconfigured = Channels(None, WebhookSender(attempts=1))
    with network.platform.sessions() as db:
        report = dispatch(db, alerts[:2], tenant_id=ta, channels=unconfigured)
    assert report.email == 0 and len(report.failures) == 2
    assert all("PATNAV_SMTP_HOST" in f.reason for f in report.failures)
    assert report.inbox == 2 * 2  # the inbox works without SMTP

    channels = _channels(smtp_server)
    with network.platform.sessions() as db:
        retried = retry_failed(db, channels=channels, tenant_id=ta)
        again = retry_failed(db, channels=channels, tenant_id=ta)
        attempts = sorted(
            d.attempts for d in db.query(Delivery).filter_by(channel="email")
        )
    assert retried.email == 2 and again.email == 0
    assert attempts == [2, 2]
    assert len(smtp_server.messages) == 2


@pytest.mark.parametrize(
    "address",
    ["", "analyst", "analyst@localhost", "a@b.cn\r\nBcc: x@y.cn", "a@b.cn, c@d.cn"],
)
def test_an_address_that_is_not_one_mailbox_is_refused(address):
    with pytest.raises(InvalidParameterError, match="no e-mail address"):
        check_address(address)


def test_starttls_protects_the_sign_in_and_the_message(
    tls_smtp_server, tls_files, alerts
):
    password = "pw-only-inside-tls"
    tls_smtp_server.users = {"mailer": password}
    settings = Settings(
        smtp_host=tls_smtp_server.host,
        smtp_port=tls_smtp_server.port,
        smtp_user="mailer",
        smtp_password=password,
        smtp_from="alerts@patnav.example.cn",
        smtp_ca_file=tls_files[0],
        smtp_timeout_s=5,
    )
    assert settings.smtp_starttls  # the default
    channels = Channels.from_settings(settings)
    assert channels.mailer is not None
    channels.mailer.send(
        alert_message(
            Alert.from_dict(alerts[0]),
            sender=channels.mailer.sender,
            to=["analyst@taian.example.cn"],
        )
    )
    (got,) = tls_smtp_server.messages
    assert got.tls and got.auth == ("mailer", password)
    assert alerts[0]["message"] in got.message().get_content()
    clear = b"".join(tls_smtp_server.clear_lines).upper()
    assert b"STARTTLS" in clear
    assert b"AUTH" not in clear and b"MAIL FROM" not in clear


def test_an_untrusted_certificate_stops_before_the_password(tls_smtp_server, alerts):
    tls_smtp_server.users = {"mailer": "pw-never-sent"}
    mailer = SmtpMailer(
        SmtpConfig(
            host=tls_smtp_server.host,
            port=tls_smtp_server.port,
            user="mailer",
            password="pw-never-sent",
            timeout_s=5,
        )
    )
    message = alert_message(
        Alert.from_dict(alerts[0]), sender="a@patnav.example.cn", to=["b@x.example.cn"]
    )
    with pytest.raises(DeliveryError, match="PATNAV_SMTP_CA_FILE") as caught:
        mailer.send(message)
    assert not caught.value.retryable
    assert tls_smtp_server.messages == []
    assert not any(b"AUTH" in line.upper() for line in tls_smtp_server.lines)


def test_dispatches_running_at_once_send_each_mail_once(network, smtp_server, alerts):
    """A scheduler and a cron job may dispatch the same alerts at the same moment."""
    import threading

    ta = network.tenants["泰安市"]
    with network.platform.session() as db:
        subscribe(db, tenant_id=ta, channel="email", address="a@taian.example.cn")
    channels = _channels(smtp_server)
    errors: list[str] = []
    reports = []
    start = threading.Barrier(3)

    def run() -> None:
        start.wait()
        try:
            with network.platform.sessions() as db:
                reports.append(dispatch(db, alerts, tenant_id=ta, channels=channels))
        except Exception as exc:
            errors.append(repr(exc))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert len(smtp_server.messages) == len(alerts)
    assert sorted(
        next(
            a["pub_number"] for a in alerts if a["pub_number"] in m.message()["Subject"]
        )
        for m in smtp_server.messages
    ) == sorted(a["pub_number"] for a in alerts)
    assert sum(r.email for r in reports) == len(alerts)
    assert sum(r.inbox for r in reports) == 2 * len(alerts)
    assert sum(r.new_alerts for r in reports) == len(alerts)
    with network.platform.sessions() as db:
        assert db.query(Delivery).count() == 3 * len(alerts)


def test_retries_running_at_once_send_each_failed_mail_once(
    network, smtp_server, alerts
):
    import threading

    ta = network.tenants["泰安市"]
    with network.platform.session() as db:
        subscribe(db, tenant_id=ta, channel="email", address="a@taian.example.cn")
    with network.platform.sessions() as db:
        failed = dispatch(
            db, alerts, tenant_id=ta, channels=Channels(None, WebhookSender())
        )
    assert len(failed.failures) == len(alerts)
    channels = _channels(smtp_server)
    start = threading.Barrier(3)
    errors: list[str] = []

    def run() -> None:
        start.wait()
        try:
            with network.platform.sessions() as db:
                if threading.current_thread().name.endswith("0"):
                    dispatch(db, alerts, tenant_id=ta, channels=channels)
                else:
                    retry_failed(db, channels=channels)
        except Exception as exc:
            errors.append(repr(exc))

    threads = [threading.Thread(target=run, name=f"t{i}") for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert len(smtp_server.messages) == len(alerts)
    with network.platform.sessions() as db:
        rows = db.query(Delivery).filter_by(channel="email").all()
    assert {r.status for r in rows} == {"sent"}
    assert sorted(r.attempts for r in rows) == [2] * len(alerts)


def test_a_send_interrupted_midway_is_retried_once_its_claim_is_stale(
    network, smtp_server, alerts
):
    from datetime import timedelta

    from patnav.platform.models import utcnow

    ta = network.tenants["泰安市"]
    with network.platform.session() as db:
        subscribe(db, tenant_id=ta, channel="email", address="a@taian.example.cn")
    with network.platform.sessions() as db:
        dispatch(db, alerts[:2], tenant_id=ta, channels=Channels(None, WebhookSender()))
        # as a dispatch that died while sending leaves them: claimed, never finished
        old, fresh = db.query(Delivery).filter_by(channel="email").order_by(Delivery.id)
        for row, minutes in ((old, 20), (fresh, 1)):
            row.status, row.claimed_at = (
                "sending",
                utcnow() - timedelta(minutes=minutes),
            )
        db.commit()
        channels = _channels(smtp_server)
        # the next dispatch (or retry) takes over the stale claim, not the fresh one
        assert dispatch(db, alerts[:2], tenant_id=ta, channels=channels).email == 1
        assert retry_failed(db, channels=channels).email == 0
        db.expire_all()
        assert (old.status, fresh.status) == ("sent", "sending")
        assert old.attempts == 2
    assert len(smtp_server.messages) == 1
    assert alerts[0]["pub_number"] in smtp_server.messages[0].message()["Subject"]


def test_a_mail_on_no_single_patent_names_the_rule(smtp_server):
    alert = Alert.from_dict(
        {
            "alert_id": 7,
            "monitor": "轨枕竞争对手",
            "rule": "new-applicants",
            "pub_number": None,
            "message": "新申请人进入：海安县建莲商品混凝土有限公司",
            "evidence": {},
            "created_at": "2026-12-07T08:00:00",
        }
    )
    _mailer(smtp_server).send(
        alert_message(alert, sender="a@patnav.example.cn", to=["b@x.example.cn"])
    )
    message = smtp_server.messages[0].message()
    assert message["Subject"] == "【专利导航预警】轨枕竞争对手：新申请人"
    body = message.get_content()
    assert "新申请人进入：海安县建莲商品混凝土有限公司" in body
    assert "专利：" not in body and "None" not in body
