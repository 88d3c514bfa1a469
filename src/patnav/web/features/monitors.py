"""The monitors page (动态监测): the monitors of the stores a user sees, their last runs
and alerts, and the forms that add, run and remove a monitor (``routers/monitors.py``).

A monitor lives in its store (``patnav.monitors``; the same as ``patnav monitor add``), so
the stores a user sees are the monitors they see: a bank's tenant sees the monitors of its
own stores (its pledged portfolios), an enterprise's its own. Adding, running and removing
need write access to the store's tenant and a role that writes (:data:`MONITOR_ROLES`);
the work runs on the store's own worker thread, as imports do. Alerts are delivered by the
scheduler (:func:`monitor_round` below) to the tenant's inboxes; a run started here delivers
its new alerts the same way at once.

**The scheduler** (:func:`monitor_round`, run by ``patnav serve`` every
``monitor_every_s`` seconds): for each store of the platform that holds monitors, the
monitors whose schedule makes them due run on the store's own worker thread, and their
new alerts are delivered to the store's tenant (inbox, e-mail, webhooks;
:func:`patnav.notify.dispatch.dispatch`, once per alert, channel and recipient however
often a round runs); then the e-mail digests that are due are sent. A store that cannot
be opened is skipped, a monitor that fails is recorded by the runner with its error; a
round never raises for one store's sake. ``patnav monitor run --due`` from cron does the
runs without the platform's deliveries.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select

from patnav.errors import AccessDeniedError, InvalidParameterError, PatnavError
from patnav.monitors import (
    Alert,
    Monitor,
    MonitorRun,
    RunRecord,
    add_monitor,
    list_alerts,
    list_monitors,
    remove_monitor,
    run_history,
    run_monitors,
)
from patnav.monitors.model import RULES, now, parse_numbers
from patnav.notify.dispatch import Channels, dispatch, send_digests
from patnav.platform import access, files
from patnav.platform.db import Platform
from patnav.platform.models import DataStore
from patnav.web.deps import Ctx
from patnav.web.features.common import audit_store, handle_of
from patnav.web.features.stores import get_store, list_stores
from patnav.web.services import StoreHandle, StoreHub

log = logging.getLogger(__name__)

MONITOR_ROLES = frozenset({"admin", "analyst", "enterprise", "bank"})
"""Roles that add, run and remove monitors in a tenant they write; a department reads."""

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class StoreMonitors:
    """One store's monitors, recent runs and alerts, as the page shows them."""

    store: DataStore
    writable: bool
    monitors: tuple[Monitor, ...]
    runs: tuple[RunRecord, ...]
    alerts: tuple[Alert, ...]
    error: str | None = None
    """Why the store could not be read (out of service); None when it was."""


@dataclass(frozen=True, slots=True)
class MonitorForm:
    """What the add form gives."""

    name: str
    target_kind: str
    target: str
    rules: tuple[str, ...]
    days: int = 90
    months: int = 12
    years: int = 10
    schedule: str = "daily"


def _writable(ctx: Ctx, store: DataStore) -> bool:
    return ctx.viewer.role in MONITOR_ROLES and any(
        t.id == store.tenant_id for t in access.writable_tenants(ctx.db, ctx.viewer)
    )


def _on_worker(hub: StoreHub, handle: StoreHandle, work: Callable[[Any], T]) -> T:
    """Run ``work(cursor)`` on the store's own worker thread (the one its imports run
    on: the store is written by one thread at a time) and return what it returns; its
    exception is raised here."""
    out: list[T] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            with handle.reader() as cursor:
                out.append(work(cursor))
        except BaseException as exc:  # raised again in the caller
            failed.append(exc)

    hub.submit_import(handle, run).result()
    if failed:
        raise failed[0]
    return out[0]


def _on_store(ctx: Ctx, store: DataStore, work: Callable[[Any], T]) -> T:
    return _on_worker(ctx.hub, handle_of(ctx, store), work)


def monitors_page(ctx: Ctx, *, alerts: int = 20, runs: int = 10) -> list[StoreMonitors]:
    """Every store the user sees with its monitors, last ``runs`` runs and ``alerts``
    newest alerts."""
    out = []
    for store in list_stores(ctx):
        writable = _writable(ctx, store)
        try:
            with handle_of(ctx, store).reader() as cursor:
                found = StoreMonitors(
                    store,
                    writable,
                    tuple(list_monitors(cursor)),
                    tuple(run_history(cursor, limit=runs)),
                    tuple(list_alerts(cursor, limit=alerts)),
                )
        except PatnavError as exc:
            found = StoreMonitors(store, writable, (), (), (), str(exc)[:300])
        out.append(found)
    return out


def _require(ctx: Ctx, store: DataStore) -> None:
    access.require_write(ctx.db, ctx.viewer, store.tenant_id)
    if ctx.viewer.role not in MONITOR_ROLES:
        raise AccessDeniedError(
            "此角色只能查看监控（This role reads monitors only: adding, running and "
            "removing need the analyst, enterprise, bank or admin role）。"
        )


def _rules(given: Sequence[str]) -> tuple[str, ...]:
    rules = tuple(dict.fromkeys(r.strip() for r in given if r.strip()))
    unknown = [r for r in rules if r not in RULES]
    if not rules or unknown:
        raise InvalidParameterError(
            f"请选择监控规则（Choose at least one rule of {', '.join(RULES)}"
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
            + "）。"
        )
    return rules


def add(ctx: Ctx, store_id: int, form: MonitorForm) -> Monitor:
    """Add a monitor to a store the user writes.

    Raises:
        NotFoundError: the store is not one the user sees.
        AccessDeniedError: the user may not add monitors there.
        InvalidParameterError: a bad name, rule, target, schedule or number.
    """
    store = get_store(ctx, store_id)
    _require(ctx, store)
    rules = _rules(form.rules)
    numbers: tuple[str, ...] = ()
    target = form.target.strip()
    if form.target_kind == "numbers":
        numbers = parse_numbers([target])
        target = ""

    def work(cursor: Any) -> Monitor:
        return add_monitor(
            cursor,
            form.name.strip(),
            target_kind=form.target_kind,
            target=target,
            numbers=numbers,
            rules=rules,
            days=form.days,
            months=form.months,
            years=form.years,
            schedule=form.schedule.strip() or "daily",
        )

    monitor = _on_store(ctx, store, work)
    audit_store(ctx, "monitor.save", store, monitor=monitor.name, rules=list(rules))
    return monitor


def remove(ctx: Ctx, store_id: int, name: str) -> None:
    """Remove a monitor (its alerts and runs go with it) from a store the user writes."""
    store = get_store(ctx, store_id)
    _require(ctx, store)
    _on_store(ctx, store, lambda cursor: remove_monitor(cursor, name))
    audit_store(ctx, "monitor.delete", store, monitor=name)


def run_now(ctx: Ctx, store_id: int, name: str) -> tuple[RunRecord, int]:
    """Run one monitor now (whatever its schedule) and deliver its new alerts to the
    store's tenant; returns its run and how many alerts it raised."""
    store = get_store(ctx, store_id)
    _require(ctx, store)
    done = _on_store(ctx, store, lambda cursor: run_monitors(cursor, [name]))
    audit_store(ctx, "monitor.run", store, monitor=name, alerts=len(done.alerts))
    if done.alerts:
        dispatch(
            ctx.db,
            [a.to_dict() for a in done.alerts],
            tenant_id=store.tenant_id,
            channels=Channels.from_settings(ctx.platform.settings),
            source=f"store:{store.id}",
        )
    return done.runs[0], len(done.alerts)


# -- the scheduler (patnav serve) --------------------------------------------------------


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

        def due(cursor: Any) -> MonitorRun | None:
            return (
                run_monitors(cursor, due_at=moment) if _has_monitors(cursor) else None
            )

        try:
            run = _on_worker(hub, handle, due)
        except Exception as exc:  # the round goes on with the other stores
            log.exception("monitors of store %s failed", store_id)
            result.skipped[store_id] = str(exc)[:300]
            continue
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
