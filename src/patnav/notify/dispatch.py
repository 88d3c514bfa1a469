"""Dispatch: deliver a tenant's alerts to its users' inboxes and its subscriptions, each
alert once per channel and recipient, and send the digests that are due.

```
dispatch(session, alerts, tenant_id=, channels=)
  ├─ record the alerts (notify_alerts; an alert seen before is the same row)
  ├─ inbox:   every active user of the tenant                  (recipient user:<id>)
  ├─ email:   each active e-mail subscription wanting the monitor (recipient address)
  │           digest none: sent now · daily/weekly: queued for send_digests
  └─ webhook: each active webhook subscription wanting the monitor (recipient URL)
send_digests(session, channels=)   one mail per due subscription, its queued alerts
retry_failed(session, channels=)   the failed deliveries again
```

Every delivery is a ``notify_deliveries`` row keyed by alert × channel × recipient: a
delivery sent or queued is never made again, so dispatching the same alerts twice sends
nothing the second time; a failed one is tried again by the next dispatch of that alert
or by :func:`retry_failed`. The functions commit after every mail or webhook sent, so a
crash never forgets what went out.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from patnav.config import Settings
from patnav.errors import DeliveryError, clip
from patnav.notify import subscriptions
from patnav.notify.alert import Alert
from patnav.notify.channels import inbox
from patnav.notify.channels.email import (
    Mailer,
    SmtpConfig,
    SmtpMailer,
    alert_message,
    digest_message,
)
from patnav.notify.channels.webhook import WebhookSender, payload, redact_url
from patnav.notify.digest import build_digest, is_due
from patnav.platform.models import (
    Delivery,
    NotifyAlert,
    Subscription,
    User,
    utcnow,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Channels:
    """The outbound channels: a mailer (``None``: no SMTP server configured, e-mail
    deliveries fail saying so) and a webhook sender."""

    mailer: Mailer | None
    webhooks: WebhookSender

    @classmethod
    def from_settings(cls, settings: Settings) -> Channels:
        """The channels the settings configure."""
        config = SmtpConfig.from_settings(settings)
        return cls(
            SmtpMailer(config) if config else None,
            WebhookSender.from_settings(settings),
        )


@dataclass(frozen=True, slots=True)
class Failure:
    """A delivery that failed, and why (never a secret: URLs are cut to their host)."""

    alert_id: str
    channel: str
    recipient: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {
            "alert_id": self.alert_id,
            "channel": self.channel,
            "recipient": self.recipient,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class DispatchReport:
    """What a dispatch (or a retry, or a digest run) did.

    ``alerts``: alerts handled; ``new_alerts``: of them, first seen; ``inbox``,
    ``email``, ``webhook``: deliveries made on each channel (for digests: mails sent);
    ``queued``: alerts queued for a digest; ``skipped``: deliveries made before (sent
    or queued), not made again; ``failures``: deliveries that failed.
    """

    alerts: int = 0
    new_alerts: int = 0
    inbox: int = 0
    email: int = 0
    webhook: int = 0
    queued: int = 0
    skipped: int = 0
    failures: tuple[Failure, ...] = ()

    @property
    def sent(self) -> int:
        """Deliveries made, on every channel."""
        return self.inbox + self.email + self.webhook

    def to_dict(self) -> dict[str, Any]:
        return {
            "alerts": self.alerts,
            "new_alerts": self.new_alerts,
            "inbox": self.inbox,
            "email": self.email,
            "webhook": self.webhook,
            "queued": self.queued,
            "skipped": self.skipped,
            "failures": [f.to_dict() for f in self.failures],
        }


@dataclass
class _Tally:
    counts: dict[str, int] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    mine: dict[tuple[int, str, str], int] = field(default_factory=dict)
    """Deliveries this call made (sent, queued or failed): not counted twice, nor
    tried twice, when a conflict with another dispatch makes it start over."""
    new_alerts: int = 0
    inbox_done: bool = False
    attempt: int = 1

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def report(self, alerts: int, new_alerts: int) -> DispatchReport:
        c = self.counts
        return DispatchReport(
            alerts=alerts,
            new_alerts=new_alerts,
            inbox=c.get("inbox", 0),
            email=c.get("email", 0),
            webhook=c.get("webhook", 0),
            queued=c.get("queued", 0),
            skipped=c.get("skipped", 0),
            failures=tuple(self.failures),
        )


CHUNK = 500
"""Ids per ``IN (...)`` lookup (well below every database's parameter limit)."""


def _chunks(values: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def record_alerts(
    session: Session,
    tenant_id: int,
    alerts: Iterable[Alert | Mapping[str, Any]],
    *,
    source: str = "",
) -> tuple[list[NotifyAlert], int]:
    """Store the tenant's alerts from ``source`` (an alert id seen before from there
    keeps its row); return the rows, in the order given (each alert id once), and how
    many were new.

    Raises:
        InvalidParameterError: an alert dict is malformed (nothing is stored then).
    """
    parsed = [a if isinstance(a, Alert) else Alert.from_dict(a) for a in alerts]
    unique = list({a.alert_id: a for a in reversed(parsed)}.values())[::-1]
    known: dict[str, NotifyAlert] = {}
    for ids in _chunks([a.alert_id for a in unique]):
        for row in session.scalars(
            select(NotifyAlert).where(
                NotifyAlert.tenant_id == tenant_id,
                NotifyAlert.source == source,
                NotifyAlert.alert_id.in_(ids),
            )
        ):
            known[row.alert_id] = row
    fresh = [
        NotifyAlert(
            tenant_id=tenant_id,
            source=source,
            alert_id=alert.alert_id,
            monitor=alert.monitor,
            rule=alert.rule,
            pub_number=alert.pub_number,
            message=alert.message,
            evidence_json=alert.evidence_json(),
            created_at=alert.created_at,
        )
        for alert in unique
        if alert.alert_id not in known
    ]
    session.add_all(fresh)
    session.flush()
    known.update((row.alert_id, row) for row in fresh)
    return [known[a.alert_id] for a in unique], len(fresh)


DeliveryKey = tuple[int, str, str]
"""(alert row id, channel, recipient): what makes a delivery unique."""


def _deliveries(
    session: Session, rows: list[NotifyAlert]
) -> tuple[set[tuple[int, str]], dict[DeliveryKey, Delivery]]:
    """The deliveries already made of these alerts: the inbox ones as (alert row id,
    recipient) pairs (there may be many thousands; they are never changed), the others
    as rows by key (a failed one is tried again)."""
    inboxed: set[tuple[int, str]] = set()
    others: dict[DeliveryKey, Delivery] = {}
    for pks in _chunks([row.id for row in rows]):
        inboxed.update(
            (alert_pk, recipient)
            for alert_pk, recipient in session.execute(
                select(Delivery.alert_pk, Delivery.recipient).where(
                    Delivery.alert_pk.in_(pks), Delivery.channel == "inbox"
                )
            )
        )
        for delivery in session.scalars(
            select(Delivery).where(
                Delivery.alert_pk.in_(pks), Delivery.channel != "inbox"
            )
        ):
            others[(delivery.alert_pk, delivery.channel, delivery.recipient)] = delivery
    return inboxed, others


def _email_key(address: str) -> str:
    return address.strip().lower()


def _send(
    session: Session,
    delivery: Delivery,
    alert: NotifyAlert,
    subscription: Subscription,
    channels: Channels,
    tally: _Tally,
) -> None:
    """Send one alert on the delivery's channel (claimed by :func:`_claim`); record the
    outcome and commit."""
    try:
        if delivery.channel == "email":
            if channels.mailer is None:
                raise DeliveryError(
                    "email",
                    "no SMTP server is configured: set PATNAV_SMTP_HOST (and "
                    "PATNAV_SMTP_PORT, PATNAV_SMTP_USER, PATNAV_SMTP_PASSWORD, "
                    "PATNAV_SMTP_FROM)",
                )
            channels.mailer.send(
                alert_message(
                    inbox.alert_of(alert),
                    sender=channels.mailer.sender,
                    to=[subscription.address],
                    lang=subscription.lang,
                )
            )
        else:
            channels.webhooks.post(
                subscription.address,
                subscription.secret or "",
                payload(inbox.alert_of(alert)),
                delivery=alert.alert_id,
            )
    except DeliveryError as exc:
        delivery.status = "failed"
        delivery.error = clip(exc.reason, 1000)
        shown = (
            redact_url(delivery.recipient)
            if delivery.channel == "webhook"
            else delivery.recipient
        )
        tally.failures.append(
            Failure(alert.alert_id, delivery.channel, shown, delivery.error)
        )
        log.warning(
            "alert %s not delivered by %s to %s: %s",
            alert.alert_id,
            delivery.channel,
            shown,
            delivery.error,
        )
    else:
        delivery.status = "sent"
        delivery.error = None
        delivery.sent_at = utcnow()
        tally.add(delivery.channel)
    session.commit()


STALE_CLAIM = timedelta(minutes=15)
"""A delivery left ``sending`` this long was claimed by a dispatch that died while
sending it (a mail or webhook attempt takes a minute at most): it is tried again."""


def _claim(session: Session, delivery: Delivery) -> bool:
    """Take a delivery to send it: ``sending``, the attempt counted, committed — only
    if it is failed (or its claim is stale) and nobody else took it since it was read
    (a dispatch or retry running at the same moment); false when somebody did."""
    now = utcnow()
    taken = session.execute(
        update(Delivery)
        .where(
            Delivery.id == delivery.id,
            Delivery.attempts == delivery.attempts,
            (Delivery.status == "failed")
            | (
                (Delivery.status == "sending")
                & (Delivery.claimed_at < now - STALE_CLAIM)
            ),
        )
        .values(status="sending", attempts=delivery.attempts + 1, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if getattr(taken, "rowcount", 0) != 1:
        return False
    session.refresh(delivery)
    return True


def _deliver(
    session: Session,
    alert: NotifyAlert,
    subscription: Subscription,
    channels: Channels,
    tally: _Tally,
    made: dict[DeliveryKey, Delivery],
) -> None:
    channel = subscription.channel
    recipient = (
        _email_key(subscription.address) if channel == "email" else subscription.address
    )
    key = (alert.id, channel, recipient)
    if key in tally.mine:
        if tally.mine[key] == tally.attempt:  # two subscriptions of one recipient
            tally.add("skipped")
        return
    tally.mine[key] = tally.attempt
    delivery = made.get(key)
    if delivery is not None and delivery.status in ("sent", "queued"):
        tally.add("skipped")
        return
    digest = channel == "email" and subscription.digest != "none"
    if delivery is None:
        # Recording the delivery, committed, before anything is sent is what keeps a
        # dispatch running at the same moment from sending it too: its own record of
        # it is refused by the unique key, and it counts it as made.
        delivery = Delivery(
            alert_pk=alert.id,
            channel=channel,
            recipient=recipient,
            subscription_id=subscription.id,
            status="queued" if digest else "sending",
            attempts=0 if digest else 1,
            claimed_at=None if digest else utcnow(),
        )
        session.add(delivery)
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            tally.add("skipped")
            return
        made[key] = delivery
    elif digest and delivery.status == "failed":  # now waits for its digest
        delivery.status = "queued"
        delivery.subscription_id = subscription.id
        session.commit()
    elif digest or not _claim(session, delivery):  # another dispatch is sending it
        tally.add("skipped")
        return
    if digest:
        tally.add("queued")
        return
    _send(session, delivery, alert, subscription, channels, tally)


ATTEMPTS = 3
"""Times a dispatch starts over when another one, running at the same moment, recorded
the same alerts or inbox items first (the unique keys refuse the second)."""


def dispatch(
    session: Session,
    alerts: Iterable[Alert | Mapping[str, Any]],
    *,
    tenant_id: int,
    channels: Channels,
    source: str = "",
) -> DispatchReport:
    """Deliver a tenant's alerts: to every active user's inbox, and to each active
    subscription that wants the alert's monitor (e-mail now or queued for its digest;
    webhook now). Each alert reaches each recipient on each channel once, however
    often it is dispatched — also by two dispatches at once (a scheduler and a cron
    job): the one that records a delivery second starts over and finds it made.

    ``source`` says where the alerts come from — ``store:<id>`` for the monitors of a
    platform store, which number their alerts per store: an alert id is one alert
    within its source (and the inbox links its patent in that store).

    Commits (after the inbox, after every mail or webhook, and at the end).

    Raises:
        InvalidParameterError: an alert dict is malformed (nothing is delivered then).
    """
    parsed = [a if isinstance(a, Alert) else Alert.from_dict(a) for a in alerts]
    tally = _Tally()
    for attempt in range(1, ATTEMPTS + 1):
        tally.attempt = attempt
        try:
            count = _dispatch_once(session, parsed, tenant_id, channels, tally, source)
        except IntegrityError:
            session.rollback()
            if attempt == ATTEMPTS:
                raise
            log.info("dispatch met another one at work; starting over")
        else:
            return tally.report(count, tally.new_alerts)
    raise AssertionError("unreachable")  # pragma: no cover


def _dispatch_once(
    session: Session,
    alerts: list[Alert],
    tenant_id: int,
    channels: Channels,
    tally: _Tally,
    source: str,
) -> int:
    rows, new = record_alerts(session, tenant_id, alerts, source=source)
    users = list(
        session.scalars(
            select(User.id)
            .where(User.tenant_id == tenant_id, User.is_active)
            .order_by(User.id)
        )
    )
    inboxed, made = _deliveries(session, rows)
    pending = [
        (row, user_id)
        for row in rows
        for user_id in users
        if (row.id, f"user:{user_id}") not in inboxed
    ]
    placed = inbox.deliver_many(
        session, [(row.id, user_id) for row, user_id in pending]
    )
    now = utcnow()
    if pending:  # one multi-row INSERT: a first run may deliver many thousands
        session.execute(
            insert(Delivery),
            [
                {
                    "alert_pk": row.id,
                    "channel": "inbox",
                    "recipient": f"user:{user_id}",
                    "status": "sent",
                    "attempts": 1,
                    "created_at": now,
                    "sent_at": now,
                }
                for row, user_id in pending
            ],
        )
    session.commit()
    # counted once committed (a conflict above rolls all of it back), and once: when
    # a conflict later makes this call start over, its inbox is found made
    tally.add("inbox", placed)
    if not tally.inbox_done:
        tally.new_alerts += new
        # already there, or put in the inbox by other means
        tally.add("skipped", len(rows) * len(users) - placed)
        tally.inbox_done = True
    subs = subscriptions.active(session, tenant_id)
    for row in rows:
        for subscription in subs:
            if subscriptions.wants(subscription, row.monitor):
                _deliver(session, row, subscription, channels, tally, made)
    session.commit()
    return len(rows)


def retry_failed(
    session: Session, *, channels: Channels, tenant_id: int | None = None
) -> DispatchReport:
    """Try the failed deliveries again (of one tenant, or of all), through the
    subscription each was made for; one whose subscription has ended stays failed. A
    delivery a dispatch claimed and never finished (it died while sending) is tried
    again once its claim is :data:`STALE_CLAIM` old.

    Commits.
    """
    statement = (
        select(Delivery, NotifyAlert, Subscription)
        .join(NotifyAlert, NotifyAlert.id == Delivery.alert_pk)
        .join(Subscription, Subscription.id == Delivery.subscription_id)
        .where(
            (Delivery.status == "failed")
            | (
                (Delivery.status == "sending")
                & (Delivery.claimed_at < utcnow() - STALE_CLAIM)
            ),
            Subscription.is_active,
        )
        .order_by(Delivery.id)
    )
    if tenant_id is not None:
        statement = statement.where(NotifyAlert.tenant_id == tenant_id)
    tally = _Tally()
    found = list(session.execute(statement).all())
    for delivery, alert, subscription in found:
        if delivery.channel == "email" and subscription.digest != "none":
            delivery.status = "queued"
            session.commit()
            tally.add("queued")
            continue
        if _claim(session, delivery):
            _send(session, delivery, alert, subscription, channels, tally)
    session.commit()
    return tally.report(len({a.id for _, a, _ in found}), 0)


def _claim_digest(
    session: Session,
    subscription_id: int,
    last: datetime | None,
    new: datetime | None,
) -> bool:
    """Move a subscription's ``last_digest_at`` from ``last`` to ``new``, committed,
    only if nobody moved it since it was read: a run that claims a digest this way is
    the only one sending it."""
    was = (
        Subscription.last_digest_at.is_(None)
        if last is None
        else Subscription.last_digest_at == last
    )
    moved = session.execute(
        update(Subscription)
        .where(Subscription.id == subscription_id, was)
        .values(last_digest_at=new)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return getattr(moved, "rowcount", 0) == 1


def send_digests(
    session: Session,
    *,
    channels: Channels,
    now: datetime | None = None,
    tenant_id: int | None = None,
) -> DispatchReport:
    """Send every digest that is due: for each active daily or weekly e-mail
    subscription whose last digest is a period old (or that has had none), one mail
    with the alerts queued for it, grouped by monitor and rule. A subscription with
    nothing queued gets no mail. A failed mail leaves its alerts queued for the next
    run. Runs at once (a scheduler and a cron job) send each digest once: a run claims
    a subscription's digest (its ``last_digest_at``, committed) before sending it.

    Commits after each mail.
    """
    current = now or utcnow()
    statement = select(Subscription).where(
        Subscription.channel == "email",
        Subscription.is_active,
        Subscription.digest != "none",
    )
    if tenant_id is not None:
        statement = statement.where(Subscription.tenant_id == tenant_id)
    tally = _Tally()
    alerts_sent = 0
    # populate_existing: the rows as stored now, not as this session last saw them
    # (another run may have sent a digest since)
    rows = session.scalars(
        statement.order_by(Subscription.id).execution_options(populate_existing=True)
    ).all()
    for subscription in rows:
        previous = subscription.last_digest_at
        if not is_due(subscription.digest, previous, current):
            continue
        if not _claim_digest(session, subscription.id, previous, current):
            continue  # another run is sending this digest
        queued = list(
            session.execute(
                select(Delivery, NotifyAlert)
                .join(NotifyAlert, NotifyAlert.id == Delivery.alert_pk)
                .where(
                    Delivery.subscription_id == subscription.id,
                    Delivery.channel == "email",
                    Delivery.status == "queued",
                )
                .order_by(Delivery.id)
            ).all()
        )
        if not queued:  # no mail, and the period goes on from the last one
            _claim_digest(session, subscription.id, current, previous)
            continue
        digest = build_digest(
            (inbox.alert_of(row) for _, row in queued),
            period=subscription.digest,
            start=previous,
            end=current,
        )
        for delivery, _ in queued:
            delivery.attempts += 1
        try:
            if channels.mailer is None:
                raise DeliveryError(
                    "email",
                    "no SMTP server is configured: set PATNAV_SMTP_HOST",
                )
            channels.mailer.send(
                digest_message(
                    digest,
                    sender=channels.mailer.sender,
                    to=[subscription.address],
                    lang=subscription.lang,
                )
            )
        except DeliveryError as exc:
            reason = clip(exc.reason, 1000)
            for delivery, _ in queued:
                delivery.error = reason
            tally.failures.append(
                Failure(
                    clip(",".join(row.alert_id for _, row in queued), 500),
                    "email",
                    subscription.address,
                    reason,
                )
            )
            log.warning(
                "digest for subscription %s not sent: %s", subscription.id, reason
            )
            session.commit()
            _claim_digest(session, subscription.id, current, previous)  # due again
        else:
            sent_at = utcnow()
            for delivery, _ in queued:
                delivery.status = "sent"
                delivery.sent_at = sent_at
                delivery.error = None
            tally.add("email")
            alerts_sent += digest.count
        session.commit()
    return tally.report(alerts_sent, 0)
