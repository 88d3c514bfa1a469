"""Retention: how long the platform keeps uploads, ended sessions, dead tokens and
audit entries (``PATNAV_RETENTION_*``), applied by :func:`prune`.

``patnav platform prune`` runs it by hand or from cron; ``patnav serve`` runs it every
``PATNAV_PRUNE_EVERY_HOURS``. What goes:

- **uploads**: the uploaded file of an import that finished (done or failed) more than
  ``retention_upload_days`` ago; the job and its import report stay (the patent data is
  in the store);
- **sessions**: sign-in sessions that ended (expired or signed out) more than
  ``retention_session_days`` ago; likewise API tokens expired or revoked that long ago,
  and sign-in locks that ended that long ago;
- **audit entries** older than ``retention_audit_days``.

0 keeps that kind for ever. Each run is itself recorded in the audit log (``prune``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, or_, select

from patnav.errors import UnsafeInputError
from patnav.platform import audit, files
from patnav.platform.db import Platform
from patnav.platform.models import (
    ApiToken,
    AuditEvent,
    ImportJob,
    LoginThrottle,
    WebSession,
    utcnow,
)


@dataclass(frozen=True, slots=True)
class PruneReport:
    """What one run removed (or, dry, would remove)."""

    uploads: int
    upload_bytes: int
    sessions: int
    tokens: int
    sign_in_locks: int
    audit_entries: int
    dry_run: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON."""
        return asdict(self)


def _before(now: datetime, days: int) -> datetime | None:
    return None if days <= 0 else now - timedelta(days=days)


def prune(
    platform: Platform, *, now: datetime | None = None, dry_run: bool = False
) -> PruneReport:
    """Apply the retention settings; what was (or would be) removed.

    Rows are deleted in one transaction; upload files are removed after it commits
    (a file that cannot be removed is counted as kept and retried next run).
    """
    settings = platform.settings
    now = now or utcnow()
    uploads_before = _before(now, settings.retention_upload_days)
    sessions_before = _before(now, settings.retention_session_days)
    audit_before = _before(now, settings.retention_audit_days)
    paths = []
    with platform.session() as db:
        if uploads_before is not None:
            for job in db.scalars(
                select(ImportJob).where(
                    ImportJob.status.in_(("done", "failed")),
                    ImportJob.finished_at < uploads_before,
                )
            ):
                try:
                    path = files.resolve(platform.root, job.filename)
                except UnsafeInputError:
                    continue
                if path.is_file():
                    paths.append(path)
        counts = {"sessions": 0, "tokens": 0, "sign_in_locks": 0, "audit_entries": 0}
        rules: list[tuple[str, Any, ColumnElement[bool]]] = []
        if sessions_before is not None:
            rules += [
                (
                    "sessions",
                    WebSession,
                    or_(
                        WebSession.expires_at < sessions_before,
                        and_(
                            WebSession.revoked.is_(True),
                            WebSession.created_at < sessions_before,
                        ),
                    ),
                ),
                (
                    "tokens",
                    ApiToken,
                    or_(
                        ApiToken.revoked_at < sessions_before,
                        ApiToken.expires_at < sessions_before,
                    ),
                ),
                (
                    "sign_in_locks",
                    LoginThrottle,
                    or_(
                        LoginThrottle.locked_until < sessions_before,
                        and_(
                            LoginThrottle.locked_until.is_(None),
                            LoginThrottle.first_failure_at < sessions_before,
                        ),
                    ),
                ),
            ]
        if audit_before is not None:
            rules.append(("audit_entries", AuditEvent, AuditEvent.at < audit_before))
        for name, model, condition in rules:
            counts[name] = int(
                db.scalar(select(func.count()).select_from(model).where(condition)) or 0
            )
            if not dry_run:
                db.execute(delete(model).where(condition))
    removed = size = 0
    for path in paths:
        try:
            length = path.stat().st_size
            if not dry_run:
                path.unlink()
        except OSError:
            continue
        removed += 1
        size += length
    report = PruneReport(
        uploads=removed,
        upload_bytes=size,
        dry_run=dry_run,
        **counts,
    )
    if not dry_run:
        with platform.session() as db:
            audit.record(db, "prune", username="system", detail=report.to_dict())
    return report
