"""The in-app inbox: alerts delivered to the users of a tenant, read or unread, open or
acknowledged.

Every function takes the acting user's id: a user reaches only their own inbox items,
and another user's item answers :class:`~patnav.errors.NotFoundError` like a missing one.
Functions work in the caller's session and flush; the caller commits.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from patnav.errors import NotFoundError
from patnav.notify.alert import Alert
from patnav.platform.access import is_valid_id
from patnav.platform.models import InboxItem, NotifyAlert, utcnow


def alert_of(row: NotifyAlert) -> Alert:
    """The :class:`Alert` a stored alert row holds."""
    try:
        evidence = json.loads(row.evidence_json or "{}")
    except ValueError:
        evidence = {}
    return Alert(
        alert_id=row.alert_id,
        monitor=row.monitor,
        rule=row.rule,
        pub_number=row.pub_number,
        message=row.message,
        created_at=row.created_at,
        evidence=evidence if isinstance(evidence, dict) else {},
    )


@dataclass(frozen=True, slots=True)
class InboxEntry:
    """One alert in a user's inbox, with its state."""

    id: int
    alert: Alert
    delivered_at: datetime
    read_at: datetime | None
    acknowledged_at: datetime | None

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    def to_dict(self) -> dict[str, Any]:
        """The entry as plain data (the alert in the monitors' dict shape)."""
        return {
            "id": self.id,
            "alert": self.alert.to_dict(),
            "delivered_at": self.delivered_at.isoformat(),
            "read_at": self.read_at.isoformat() if self.read_at else None,
            "acknowledged_at": (
                self.acknowledged_at.isoformat() if self.acknowledged_at else None
            ),
        }


def _entry(item: InboxItem, row: NotifyAlert) -> InboxEntry:
    return InboxEntry(
        item.id, alert_of(row), item.delivered_at, item.read_at, item.acknowledged_at
    )


def deliver_many(session: Session, pairs: list[tuple[int, int]]) -> int:
    """Put alerts in users' inboxes: ``pairs`` of (alert row id, user id); those there
    already are left as they are. Returns how many were put."""
    wanted = set(pairs)
    alert_ids = sorted({alert_pk for alert_pk, _ in wanted})
    for start in range(0, len(alert_ids), 500):
        chunk = alert_ids[start : start + 500]
        for alert_pk, user_id in session.execute(
            select(InboxItem.alert_pk, InboxItem.user_id).where(
                InboxItem.alert_pk.in_(chunk)
            )
        ):
            wanted.discard((alert_pk, user_id))
    if wanted:  # one multi-row INSERT, not an ORM object per item
        now = utcnow()
        session.execute(
            insert(InboxItem),
            [
                {"user_id": user_id, "alert_pk": alert_pk, "delivered_at": now}
                for alert_pk, user_id in sorted(wanted)
            ],
        )
    return len(wanted)


def entries(
    session: Session,
    user_id: int,
    *,
    unread_only: bool = False,
    open_only: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> list[InboxEntry]:
    """The user's inbox, newest alert first; only the unread, or only the not yet
    acknowledged, on request."""
    statement = (
        select(InboxItem, NotifyAlert)
        .join(NotifyAlert, NotifyAlert.id == InboxItem.alert_pk)
        .where(InboxItem.user_id == user_id)
    )
    if unread_only:
        statement = statement.where(InboxItem.read_at.is_(None))
    if open_only:
        statement = statement.where(InboxItem.acknowledged_at.is_(None))
    statement = (
        statement.order_by(NotifyAlert.created_at.desc(), InboxItem.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [_entry(item, row) for item, row in session.execute(statement).all()]


def unread_count(session: Session, user_id: int) -> int:
    """How many of the user's inbox items are unread."""
    return int(
        session.scalar(
            select(func.count(InboxItem.id)).where(
                InboxItem.user_id == user_id, InboxItem.read_at.is_(None)
            )
        )
        or 0
    )


def _item(
    session: Session, user_id: int, item_id: int
) -> tuple[InboxItem, NotifyAlert]:
    # an id past 64 bits (typed into a URL) is no row's: not found, not an overflow
    found = (
        session.execute(
            select(InboxItem, NotifyAlert)
            .join(NotifyAlert, NotifyAlert.id == InboxItem.alert_pk)
            .where(InboxItem.id == item_id, InboxItem.user_id == user_id)
        ).first()
        if is_valid_id(item_id)
        else None
    )
    if found is None:
        raise NotFoundError(
            f"No alert {item_id} in your inbox: it was never delivered to you. Open "
            "the inbox to see the alerts you have."
        )
    return found[0], found[1]


def entry(session: Session, user_id: int, item_id: int) -> InboxEntry:
    """One of the user's inbox items.

    Raises:
        NotFoundError: no such item, or another user's.
    """
    return _entry(*_item(session, user_id, item_id))


def mark_read(
    session: Session, user_id: int, item_id: int, *, read: bool = True
) -> InboxEntry:
    """Mark one of the user's items read (or unread again).

    Raises:
        NotFoundError: no such item, or another user's.
    """
    item, row = _item(session, user_id, item_id)
    if read and item.read_at is None:
        item.read_at = utcnow()
    elif not read:
        item.read_at = None
    session.flush()
    return _entry(item, row)


def mark_all_read(session: Session, user_id: int) -> int:
    """Mark every unread item of the user read; return how many were."""
    items = list(
        session.scalars(
            select(InboxItem).where(
                InboxItem.user_id == user_id, InboxItem.read_at.is_(None)
            )
        )
    )
    now = utcnow()
    for item in items:
        item.read_at = now
    session.flush()
    return len(items)


def acknowledge(session: Session, user_id: int, item_id: int) -> InboxEntry:
    """Acknowledge one of the user's items (it is then read too); acknowledging twice
    keeps the first time.

    Raises:
        NotFoundError: no such item, or another user's.
    """
    item, row = _item(session, user_id, item_id)
    now = utcnow()
    if item.acknowledged_at is None:
        item.acknowledged_at = now
    if item.read_at is None:
        item.read_at = now
    session.flush()
    return _entry(item, row)
