"""Subscriptions: who receives a tenant's alerts by e-mail or webhook, and how.

The inbox needs none: every active user of a tenant gets the tenant's alerts there. An
e-mail subscription names an address and a digest period (``none``: each alert at once;
``daily``, ``weekly``: one mail per period); a webhook subscription names a URL and the
secret that signs its requests (generated when none is given, shown once to whoever
subscribed, never logged). Either may be limited to some monitors.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from patnav.errors import InvalidParameterError, NotFoundError
from patnav.notify.channels.email import check_address
from patnav.notify.channels.webhook import check_url
from patnav.platform.models import DIGEST_PERIODS, Subscription

SUBSCRIBED_CHANNELS: tuple[str, ...] = ("email", "webhook")
"""The channels a subscription is for (the inbox needs none)."""
MIN_SECRET_CHARS = 16


@dataclass(frozen=True, slots=True)
class NewSubscription:
    """A subscription just made, with its webhook secret (shown this once)."""

    subscription: Subscription
    secret: str | None


def subscribe(
    session: Session,
    *,
    tenant_id: int,
    channel: str,
    address: str,
    user_id: int | None = None,
    digest: str = "none",
    monitors: Iterable[str] = (),
    secret: str | None = None,
    lang: str = "zh",
) -> NewSubscription:
    """Subscribe an address (e-mail) or URL (webhook) to a tenant's alerts.

    Args:
        session: the platform session (flushed, not committed).
        tenant_id: whose alerts.
        channel: ``email`` or ``webhook``.
        address: the e-mail address or the webhook URL.
        user_id: the subscriber; unset for the tenant's own subscription.
        digest: ``none``, ``daily`` or ``weekly`` (e-mail only).
        monitors: the monitors whose alerts it receives; empty: every monitor.
        secret: the webhook's signing secret (16 characters at least); generated
            when unset.
        lang: ``zh`` (default) or ``en``, the language of its mails.

    Raises:
        InvalidParameterError: an unknown channel or digest period, a digest for a
            webhook, an address or URL that is none, a secret too short.
    """
    if channel not in SUBSCRIBED_CHANNELS:
        raise InvalidParameterError(
            f"A subscription's channel is email or webhook; got {channel!r} (the inbox "
            "needs no subscription)."
        )
    if digest not in DIGEST_PERIODS:
        raise InvalidParameterError(
            f"A digest period is one of {', '.join(DIGEST_PERIODS)}; got {digest!r}."
        )
    if channel == "webhook" and digest != "none":
        raise InvalidParameterError(
            "Digests are for e-mail: a webhook receives each alert as it comes."
        )
    if channel == "email":
        address = check_address(address)
        secret = None
    else:
        address = check_url(address)
        if secret is None:
            secret = secrets.token_urlsafe(32)
        elif len(secret) < MIN_SECRET_CHARS:
            raise InvalidParameterError(
                f"A webhook secret needs {MIN_SECRET_CHARS} characters at least; the "
                f"one given has {len(secret)}. Leave it out to have one generated."
            )
    names = sorted({m.strip() for m in monitors if m.strip()})
    if any("," in m for m in names):
        raise InvalidParameterError("A monitor name in a subscription has no comma.")
    subscription = Subscription(
        tenant_id=tenant_id,
        user_id=user_id,
        channel=channel,
        address=address,
        secret=secret,
        digest=digest,
        monitors=",".join(names),
        lang="en" if lang == "en" else "zh",
    )
    session.add(subscription)
    session.flush()
    return NewSubscription(subscription, secret)


def monitor_names(subscription: Subscription) -> frozenset[str]:
    """The monitors a subscription is limited to; empty: every monitor."""
    return frozenset(m for m in subscription.monitors.split(",") if m)


def wants(subscription: Subscription, monitor: str) -> bool:
    """Whether a subscription receives the alerts of ``monitor``."""
    names = monitor_names(subscription)
    return not names or monitor in names


def active(session: Session, tenant_id: int) -> list[Subscription]:
    """The tenant's active subscriptions, oldest first."""
    return list(
        session.scalars(
            select(Subscription)
            .where(Subscription.tenant_id == tenant_id, Subscription.is_active)
            .order_by(Subscription.id)
        )
    )


def unsubscribe(session: Session, tenant_id: int, subscription_id: int) -> None:
    """End one of the tenant's subscriptions (kept, inactive: its deliveries stay).

    Raises:
        NotFoundError: no such subscription of this tenant.
    """
    subscription = session.get(Subscription, subscription_id)
    if subscription is None or subscription.tenant_id != tenant_id:
        raise NotFoundError(f"No subscription {subscription_id} in this tenant.")
    subscription.is_active = False
    session.flush()
