"""Signed webhooks: alerts arrive at a local receiver with a valid HMAC-SHA256
signature; a tampered body, another secret or an old timestamp fail verification; 5xx
answers and timeouts are tried again with back-off, 4xx answers and redirects are not;
neither the secret nor a URL's token is logged."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import socket

import pytest

from patnav.errors import DeliveryError, InvalidParameterError
from patnav.notify import Alert, Channels, dispatch, retry_failed
from patnav.notify.channels.webhook import (
    SIGNATURE_HEADER,
    WebhookSender,
    check_url,
    payload,
    verify_signature,
)
from patnav.notify.subscriptions import subscribe

SECRET = "whsec-泰安-0123456789abcdef"


class Sleeps:
    """Records the back-off waits instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def _sender(sleeps: Sleeps | None = None, **extra) -> WebhookSender:
    """A sender to the local receiver (127.0.0.1: a private address, allowed here)."""
    return WebhookSender(
        timeout_s=extra.pop("timeout_s", 5),
        sleep=sleeps or Sleeps(),
        allow_private=True,
        **extra,
    )


def test_dispatched_alerts_arrive_signed_and_the_signature_verifies(
    network, receiver, alerts
):
    ta = network.tenants["泰安市"]
    with network.platform.session() as db:
        made = subscribe(
            db, tenant_id=ta, channel="webhook", address=receiver.url, secret=SECRET
        )
    assert made.secret == SECRET
    channels = Channels(None, _sender())
    with network.platform.sessions() as db:
        report = dispatch(db, alerts, tenant_id=ta, channels=channels)
        again = dispatch(db, alerts, tenant_id=ta, channels=channels)
    assert report.webhook == len(alerts) and not report.failures
    assert again.webhook == 0  # idempotent: nothing is posted twice
    assert len(receiver.requests) == len(alerts)

    for hook, alert in zip(receiver.requests, alerts, strict=True):
        assert hook.path == "/hooks/patnav"
        assert hook.headers["content-type"] == "application/json; charset=utf-8"
        assert hook.headers["x-patnav-delivery"] == alert["alert_id"]
        header = hook.headers[SIGNATURE_HEADER.lower()]
        assert verify_signature(SECRET, hook.body, header)
        # the signature, computed here independently: HMAC-SHA256 of "<t>." + body
        fields = dict(part.split("=", 1) for part in header.split(","))
        expected = hmac.new(
            SECRET.encode(), fields["t"].encode() + b"." + hook.body, hashlib.sha256
        ).hexdigest()
        assert fields["v1"] == expected
        body = json.loads(hook.body.decode("utf-8"))
        assert body["type"] == "patnav.alert"
        sent = body["alert"]
        assert {k: sent[k] for k in ("alert_id", "monitor", "rule", "pub_number")} == {
            k: alert[k] for k in ("alert_id", "monitor", "rule", "pub_number")
        }
        assert sent["message"] == alert["message"]  # Chinese, not \u-escaped
        assert alert["message"].encode("utf-8") in hook.body
        assert sent["evidence"] == alert["evidence"]

        tampered = hook.body.replace(alert["pub_number"].encode(), b"CN000000000A", 1)
        assert tampered != hook.body
        assert not verify_signature(SECRET, tampered, header)
        assert not verify_signature("another-secret-0000", hook.body, header)


def test_a_signature_too_old_or_malformed_fails_verification():
    body = payload(
        Alert.from_dict(
            {
                "alert_id": "x",
                "monitor": "m",
                "rule": "expiry",
                "pub_number": "CN202644312U",
                "message": "保护期即将届满",
                "evidence": {},
                "created_at": "2026-12-07T00:00:00Z",
            }
        )
    )
    sent_at = 1_765_000_000
    mac = hmac.new(
        SECRET.encode(), f"{sent_at}.".encode() + body, hashlib.sha256
    ).hexdigest()
    header = f"t={sent_at},v1={mac}"
    assert verify_signature(SECRET, body, header, now=sent_at + 299)
    assert not verify_signature(SECRET, body, header, now=sent_at + 301)
    assert not verify_signature(SECRET, body, header, now=sent_at - 301)
    # a rotated secret: either v1 may match
    assert verify_signature(SECRET, body, f"t={sent_at},v1=00ff,v1={mac}", now=sent_at)
    for broken in (None, "", f"v1={mac}", f"t={sent_at}", f"t=abc,v1={mac}"):
        assert not verify_signature(SECRET, body, broken, now=sent_at)
    assert not verify_signature("", body, header, now=sent_at)


def test_5xx_answers_are_tried_again_with_back_off(receiver):
    receiver.statuses = [500, 503, 200]
    sleeps = Sleeps()
    result = _sender(sleeps, attempts=4, backoff_s=1.0).post(
        receiver.url, SECRET, b'{"a":1}'
    )
    assert (result.status, result.attempts) == (200, 3)
    assert sleeps.waits == [1.0, 2.0]
    assert len(receiver.requests) == 3
    # each attempt is signed afresh, each signature valid
    assert all(
        verify_signature(SECRET, h.body, h.headers[SIGNATURE_HEADER.lower()])
        for h in receiver.requests
    )


def test_the_last_5xx_fails_after_every_attempt(receiver):
    receiver.statuses = [502]
    sleeps = Sleeps()
    with pytest.raises(DeliveryError, match="after 3 attempts") as caught:
        _sender(sleeps, attempts=3).post(receiver.url, SECRET, b"{}")
    assert caught.value.retryable
    assert len(receiver.requests) == 3
    assert sleeps.waits == [1.0, 2.0]


@pytest.mark.parametrize("status", [400, 401, 404, 410, 302])
def test_4xx_answers_and_redirects_are_not_tried_again(receiver, status):
    receiver.statuses = [status]
    sleeps = Sleeps()
    with pytest.raises(DeliveryError, match=f"answered {status}") as caught:
        _sender(sleeps, attempts=4).post(receiver.url, SECRET, b"{}")
    assert not caught.value.retryable
    assert len(receiver.requests) == 1
    assert sleeps.waits == []


def test_a_timeout_is_tried_again(receiver):
    receiver.delay_s = 1.0
    sleeps = Sleeps()
    with pytest.raises(DeliveryError, match="could not be reached") as caught:
        _sender(sleeps, attempts=2, timeout_s=0.2).post(receiver.url, SECRET, b"{}")
    assert caught.value.retryable
    assert len(receiver.requests) == 2
    assert sleeps.waits == [1.0]


def test_a_refused_connection_is_tried_again():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeps = Sleeps()
    with pytest.raises(DeliveryError, match="could not be reached"):
        _sender(sleeps, attempts=3).post(f"http://127.0.0.1:{port}/x", SECRET, b"{}")
    assert sleeps.waits == [1.0, 2.0]


def test_a_failed_webhook_is_retried_later_and_no_secret_is_logged(
    network, receiver, alerts, caplog
):
    token_url = receiver.url + "/T0123/B0456/tok-abcdef-secret?key=qs-secret"
    ta = network.tenants["泰安市"]
    with network.platform.session() as db:
        subscribe(db, tenant_id=ta, channel="webhook", address=token_url, secret=SECRET)
    receiver.statuses = [404]
    caplog.set_level(logging.DEBUG)
    channels = Channels(None, _sender())
    with network.platform.sessions() as db:
        failed = dispatch(db, alerts[:1], tenant_id=ta, channels=channels)
    assert failed.webhook == 0 and len(failed.failures) == 1
    reported = json.dumps(failed.to_dict(), ensure_ascii=False)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "answered 404" in logged
    for secret in (SECRET, "tok-abcdef-secret", "qs-secret"):
        assert secret not in logged and secret not in reported
    assert failed.failures[0].recipient.startswith("http://127.0.0.1:")

    receiver.statuses = [404, 200]
    with network.platform.sessions() as db:
        retried = retry_failed(db, channels=channels, tenant_id=ta)
    assert retried.webhook == 1
    hook = receiver.requests[-1]
    assert verify_signature(SECRET, hook.body, hook.headers[SIGNATURE_HEADER.lower()])


def test_a_generated_secret_is_long_and_returned_once(network, receiver):
    with network.platform.session() as db:
        made = subscribe(
            db,
            tenant_id=network.tenants["泰安市"],
            channel="webhook",
            address=receiver.url,
        )
        assert made.secret is not None and len(made.secret) >= 40
        assert made.subscription.secret == made.secret


@pytest.mark.parametrize(
    "url",
    [
        "",
        "ftp://x.cn/a",
        "file:///etc/passwd",
        "https://",
        "http://a.cn/x y",
        "http://a.cn:port/x",
        "javascript:alert(1)",
    ],
)
def test_a_url_that_is_no_http_address_is_refused(url):
    with pytest.raises(InvalidParameterError, match="no webhook URL"):
        check_url(url)


def test_a_short_secret_and_a_webhook_digest_are_refused(network, receiver):
    with network.platform.session() as db:
        with pytest.raises(InvalidParameterError, match="16 characters"):
            subscribe(
                db,
                tenant_id=network.tenants["泰安市"],
                channel="webhook",
                address=receiver.url,
                secret="short",
            )
        with pytest.raises(InvalidParameterError, match="Digests are for e-mail"):
            subscribe(
                db,
                tenant_id=network.tenants["泰安市"],
                channel="webhook",
                address=receiver.url,
                digest="daily",
            )


def test_the_receiver_code_in_the_docs_verifies_what_arrives(network, receiver, alerts):
    """docs/notifications.md shows a receiver how to verify; that code must work."""
    from pathlib import Path

    docs = Path(__file__).resolve().parents[2] / "docs" / "notifications.md"
    block = next(
        b.split("\n", 1)[1]
        for b in docs.read_text("utf-8").split("```")
        if b.startswith("python") and "def verify(" in b
    )
    namespace: dict[str, object] = {}
    exec(block, namespace)
    verify = namespace["verify"]
    ta = network.tenants["泰安市"]
    with network.platform.session() as db:
        subscribe(
            db, tenant_id=ta, channel="webhook", address=receiver.url, secret=SECRET
        )
    with network.platform.sessions() as db:
        dispatch(db, alerts[:2], tenant_id=ta, channels=Channels(None, _sender()))
    assert len(receiver.requests) == 2
    for hook in receiver.requests:
        header = hook.headers[SIGNATURE_HEADER.lower()]
        assert verify(SECRET, hook.body, header)
        assert not verify(SECRET, hook.body + b" ", header)
        assert not verify("another-secret-0000", hook.body, header)


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "localhost",
        "10.1.2.3",
        "192.168.0.10",
        "169.254.169.254",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "0.0.0.0",
    ],
)
def test_private_addresses_are_refused_unless_allowed(receiver, host):
    sleeps = Sleeps()
    port = receiver.url.split(":")[2].split("/")[0]
    url = f"http://{host}:{port}/hooks/patnav"
    with pytest.raises(
        DeliveryError, match="PATNAV_WEBHOOK_PRIVATE_ADDRESSES"
    ) as caught:
        WebhookSender(sleep=sleeps, attempts=3).post(url, SECRET, b"{}")
    assert not caught.value.retryable
    assert sleeps.waits == [] and receiver.requests == []


def test_the_setting_allows_a_receiver_on_the_internal_network(receiver, monkeypatch):
    from patnav.config import Settings

    assert WebhookSender.from_settings(Settings()).allow_private is False
    monkeypatch.setenv("PATNAV_WEBHOOK_PRIVATE_ADDRESSES", "true")
    sender = WebhookSender.from_settings(Settings())
    assert sender.post(receiver.url, SECRET, b"{}").status == 200
    assert len(receiver.requests) == 1


def test_which_addresses_count_as_public():
    from patnav.notify.channels.webhook import _is_public

    assert _is_public("8.8.8.8") and _is_public("2001:4860:4860::8888")
    for address in (
        "127.0.0.1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "::1",
        "fe80::1%eth0",
        "fc00::1",
        "::ffff:10.0.0.1",
        "224.0.0.1",
        "0.0.0.0",
    ):
        assert not _is_public(address), address
