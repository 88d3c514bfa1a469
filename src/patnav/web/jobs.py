"""The job runner: the one place a background job (an import, a report) lives its life.

A job is a row of the platform database (:class:`~patnav.platform.models.ImportJob`,
:class:`~patnav.platform.models.ReportJob`) that the user follows on a page. Its kind
(:class:`Kind`) says only what is particular to it — which worker runs it and what the work
is; everything else happens here, the same for every kind:

1. :func:`admit` refuses a new job when the user has too many pending
   (:func:`patnav.web.limits.check_pending`); :func:`refuse` records a job refused before
   it was created (an upload over the limit) in the audit log;
2. :func:`create` adds the row, writes the audit entry and queues the job (:func:`queue`);
3. :func:`queue` puts the job on its kind's worker — or fails it at once, with the
   reason, when that worker cannot take it (its store has failed);
4. :func:`run` (on the worker) marks the job running, lets the kind read what the work
   needs, runs the work with a :class:`Progress` to report through, and records the
   outcome: done (with the kind's result columns) or failed with its message — an
   exception is logged and shown to the user as ``Type: message``;
5. :func:`resume` queues again, at start-up, the jobs a restart interrupted (every kind's
   work may run again from the start).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from patnav.errors import PatnavError
from patnav.platform import audit
from patnav.platform.db import Platform
from patnav.platform.models import ImportJob, ReportJob, utcnow
from patnav.web.deps import Ctx
from patnav.web.limits import check_pending
from patnav.web.services import StoreHub

log = logging.getLogger("patnav.web")

PROGRESS_EVERY_S = 0.5
"""At most one progress write to the platform database per this many seconds."""
MAX_ERROR = 2000
"""Characters of an error message kept on a job."""
PENDING = ("queued", "running")

Row = TypeVar("Row", ImportJob, ReportJob)


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a job's work ended: done or failed (with the message the user reads), and the
    kind's other columns to record (a report's file, an import's report)."""

    status: str = "done"
    error: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict)


class Progress:
    """Writes a running job's progress to its row, each write in its own session (the
    page polling the job reads it meanwhile)."""

    def __init__(self, platform: Platform, model: type[Row], job_id: int) -> None:
        self.platform = platform
        self.model: type[ImportJob] | type[ReportJob] = model
        self.job_id = job_id
        self._last = 0.0

    def note(self, **values: Any) -> None:
        """Record ``values`` (column: value) on the job now."""
        with self.platform.session() as db:
            row = db.get(self.model, self.job_id)
            if row is not None:
                for key, value in values.items():
                    setattr(row, key, value)

    def tick(self, **values: Any) -> None:
        """Record ``values`` unless progress was recorded less than
        :data:`PROGRESS_EVERY_S` ago (a job reports far more often than a page reads)."""
        now = time.monotonic()
        if now - self._last >= PROGRESS_EVERY_S:
            self._last = now
            self.note(**values)


Work = Callable[[Progress], Outcome]
"""A job's work, run on its worker without a database session: it reports through the
progress and returns its outcome (an exception fails the job with its message)."""
Submit = Callable[[Callable[[], None]], object]
"""Runs a callable on a worker thread (:meth:`StoreHub.submit_import`, …)."""


@dataclass(frozen=True, slots=True)
class Kind(Generic[Row]):
    """What is particular to one kind of job.

    ``name`` is the audit action, the audited object type and the pending-jobs limit's
    kind. ``worker`` picks the thread the job runs on (raising
    :class:`~patnav.errors.PatnavError` when none can take it now); ``prepare`` reads,
    in the job's session, what the work needs and returns the work (raising
    :class:`~patnav.errors.PatnavError` fails the job with its message). ``finished``
    are columns reset when the job ends, however it ends.
    """

    name: str
    model: type[Row]
    worker: Callable[[Platform, StoreHub, Session, Row], Submit]
    prepare: Callable[[Platform, StoreHub, Session, Row], Work]
    finished: Mapping[str, Any] = field(default_factory=dict)


def admit(ctx: Ctx, kind: Kind[Any], *, wanted: int = 1) -> None:
    """Refuse a new job of ``kind`` (``wanted`` jobs started together) when the user has
    the most pending already.

    Raises:
        TooManyPendingError: the limit is reached.
    """
    check_pending(ctx.db, ctx.settings, ctx.viewer.user_id, kind.name, wanted=wanted)


def refuse(
    ctx: Ctx,
    kind: Kind[Any],
    exc: BaseException,
    *,
    object_type: str,
    object_id: object,
    detail: dict[str, Any],
) -> None:
    """Record in the audit log a job refused before it was created, and why."""
    audit.record(
        ctx.db,
        kind.name,
        viewer=ctx.viewer,
        object_type=object_type,
        object_id=object_id,
        ip=ctx.ip,
        success=False,
        detail={**detail, "error": str(exc)},
    )
    ctx.db.commit()


def create(ctx: Ctx, kind: Kind[Row], row: Row, *, detail: dict[str, Any]) -> Row:
    """Add a job's row, record it in the audit log, commit, and queue the job."""
    ctx.db.add(row)
    ctx.db.flush()
    audit.record(
        ctx.db,
        kind.name,
        viewer=ctx.viewer,
        object_type=kind.name,
        object_id=row.id,
        ip=ctx.ip,
        detail=detail,
    )
    ctx.db.commit()
    queue(ctx.platform, ctx.hub, kind, row.id)
    return row


def queue(platform: Platform, hub: StoreHub, kind: Kind[Row], job_id: int) -> None:
    """Put a job on its kind's worker; a job no worker can take fails alone, with the
    reason (the server and other jobs go on)."""
    with platform.session() as db:
        row = db.get(kind.model, job_id)
        if row is None:
            return
        try:
            submit = kind.worker(platform, hub, db, row)
        except PatnavError as exc:
            _finish(row, kind, Outcome("failed", str(exc)[:MAX_ERROR]))
            return
    submit(lambda: run(platform, hub, kind, job_id))


def run(platform: Platform, hub: StoreHub, kind: Kind[Row], job_id: int) -> None:
    """Run one job (on its worker thread) from queued to done or failed."""
    with platform.session() as db:
        row = db.get(kind.model, job_id)
        if row is None:
            return
        try:
            work = kind.prepare(platform, hub, db, row)
        except Exception as exc:  # the job cannot start: recorded on it, with why
            _finish(row, kind, _failed(kind, job_id, exc))
            return
        row.status, row.started_at, row.error = "running", utcnow(), None
    progress = Progress(platform, kind.model, job_id)
    try:
        outcome = work(progress)
    except Exception as exc:  # recorded on the job: the user sees why
        log.exception("%s job %s failed", kind.name, job_id)
        outcome = Outcome("failed", f"{type(exc).__name__}: {exc}"[:MAX_ERROR])
    with platform.session() as db:
        row = db.get(kind.model, job_id)
        if row is not None:
            _finish(row, kind, outcome)


def _failed(kind: Kind[Any], job_id: int, exc: Exception) -> Outcome:
    """A job that could not start: a patnav error says why in its own words; anything
    else is logged and shown with its type."""
    if isinstance(exc, PatnavError):
        return Outcome("failed", str(exc)[:MAX_ERROR])
    log.exception("%s job %s failed", kind.name, job_id)
    return Outcome("failed", f"{type(exc).__name__}: {exc}"[:MAX_ERROR])


def _finish(row: ImportJob | ReportJob, kind: Kind[Any], outcome: Outcome) -> None:
    # in the caller's session
    for key, value in {**kind.finished, **outcome.values}.items():
        setattr(row, key, value)
    row.status, row.error, row.finished_at = outcome.status, outcome.error, utcnow()


def resume(platform: Platform, hub: StoreHub, kinds: Iterable[Kind[Any]]) -> int:
    """Queue again the jobs a restart interrupted (queued or running: every kind's work
    may run again from the start). Returns how many were queued."""
    count = 0
    for kind in kinds:
        with platform.session() as db:
            ids = list(
                db.scalars(select(kind.model.id).where(kind.model.status.in_(PENDING)))
            )
        for job_id in ids:
            queue(platform, hub, kind, job_id)
        count += len(ids)
    return count
