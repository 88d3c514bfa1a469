"""Monitors inside ``patnav serve`` (issue 17): the scheduler's work.

Every ``monitor_every_s`` seconds the app runs :func:`monitor_round`: for each store of
the platform that holds monitors, the monitors whose schedule makes them due
(:func:`patnav.monitors.run_monitors` with ``due_at``) run on the store's own worker
thread — the one that runs its imports, so a store is written by one thread at a time —
and their new alerts are delivered to the store's tenant (inbox, e-mail, webhooks;
:func:`patnav.notify.dispatch.dispatch`, once per alert, channel and recipient however
often a round runs); then the e-mail digests that are due are sent. ``patnav monitor run
--due`` from cron does the runs without the platform's deliveries.

A store that cannot be opened is skipped (and reported by the hub as it reports any
failed store); a monitor that fails is recorded by the runner with its error; a round
never raises for one store's sake.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from patnav.errors import PatnavError
from patnav.monitors import MonitorRun, run_monitors
from patnav.monitors.model import now
from patnav.notify.dispatch import Channels, dispatch, send_digests
from patnav.platform import files
from patnav.platform.db import Platform
from patnav.platform.models import DataStore
from patnav.web.services import StoreHandle, StoreHub

log = logging.getLogger(__name__)


@dataclass
class Round:
    """What one round did: per store, the monitors run, failed and the new alerts."""

    at: datetime
    stores: dict[int, dict[str, int]] = field(default_factory=dict)
    skipped: dict[int, str] = field(default_factory=dict)
    """Stores not looked at, and why (not found, cannot be opened)."""
    delivered: int = 0
    """Deliveries made now (inbox items, mails, webhooks); queued digests not counted."""
    digests: int = 0
    """Digest mails sent."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "stores": {str(k): v for k, v in self.stores.items()},
            "skipped": {str(k): v for k, v in self.skipped.items()},
            "delivered": self.delivered,
            "digests": self.digests,
        }


def _has_monitors(cursor: Any) -> bool:
    return bool(cursor.scalar("SELECT count(*) FROM monitors"))


def monitor_round(
    platform: Platform,
    hub: StoreHub,
    *,
    at: datetime | None = None,
    channels: Channels | None = None,
) -> Round:
    """Run every store's due monitors and deliver their new alerts (see the module)."""
    moment = at or now()
    result = Round(moment)
    mail = channels or Channels.from_settings(platform.settings)
    with platform.session() as db:
        rows = [(s.id, s.tenant_id, s.filename) for s in db.scalars(select(DataStore))]
    for store_id, tenant_id, filename in rows:
        path = files.resolve(platform.root, filename)
        if not path.exists():
            result.skipped[store_id] = "the store's file is missing"
            continue
        try:
            handle = hub.handle(store_id, path)
        except PatnavError as exc:
            result.skipped[store_id] = str(exc)[:300]
            continue

        ran: list[MonitorRun] = []
        errors: list[str] = []

        def work(
            handle: StoreHandle = handle,
            ran: list[MonitorRun] = ran,
            errors: list[str] = errors,
        ) -> None:
            try:
                with handle.reader() as cursor:
                    if _has_monitors(cursor):
                        ran.append(run_monitors(cursor, due_at=moment))
            except Exception as exc:  # the round goes on with the other stores
                log.exception("monitors of store %s failed", handle.store_id)
                errors.append(str(exc)[:300])

        # on the store's own worker: the store is written by one thread at a time
        hub.submit_import(handle, work).result()
        if errors:
            result.skipped[store_id] = errors[0]
            continue
        run = ran[0] if ran else None
        if run is None or not run.runs:
            continue
        failed = sum(1 for r in run.runs if r.status != "ok")
        result.stores[store_id] = {
            "monitors": len(run.runs),
            "failed": failed,
            "alerts": len(run.alerts),
        }
        if run.alerts:
            with platform.session() as db:
                report = dispatch(
                    db,
                    [a.to_dict() for a in run.alerts],
                    tenant_id=tenant_id,
                    channels=mail,
                    source=f"store:{store_id}",
                )
            result.delivered += report.sent
    with platform.session() as db:
        digests = send_digests(db, channels=mail, now=moment)
    result.digests = digests.email
    return result
