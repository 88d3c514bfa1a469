"""The audit log: sign-ins (success and failure), sign-outs, imports, exports, report
generation, publications, downloads, changes to users, tenants and tokens, **refused
requests** (``denied``: an object not found or not the user's — a cross-tenant probe
answers 404 like a missing one —, a role's 403, a CSRF failure) with whoever sent them,
stores found failed, retention runs and tenants offboarded.

One row per event: when, who (id and name, kept even if the user is deleted later), their
tenant, the action, the object (type and id), the client address, success, and a JSON
detail. Rows are only ever added.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from patnav.platform.access import Viewer, tenant_condition
from patnav.platform.models import AuditEvent

ACTIONS: tuple[str, ...] = (
    "login",
    "logout",
    "import",
    "export",
    "report",
    "publish",
    "publication.update",
    "download",
    "set.save",
    "set.delete",
    "spec.save",
    "monitor.save",
    "monitor.delete",
    "monitor.run",
    "sme.transition",
    "sme.link",
    "project.submit",
    "project.transition",
    "match.save",
    "match.delete",
    "store.create",
    "user.create",
    "user.update",
    "tenant.create",
    "token.create",
    "token.revoke",
    "denied",
    "store.failed",
    "prune",
    "tenant.offboard",
)


def record(
    session: Session,
    action: str,
    *,
    viewer: Viewer | None = None,
    username: str | None = None,
    tenant_id: int | None = None,
    object_type: str | None = None,
    object_id: object = None,
    ip: str | None = None,
    success: bool = True,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an event to the log (in the caller's transaction)."""
    event = AuditEvent(
        user_id=viewer.user_id if viewer else None,
        username=(viewer.username if viewer else username),
        tenant_id=viewer.tenant_id if viewer else tenant_id,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id)[:200],
        ip=ip,
        success=success,
        detail=json.dumps(detail, ensure_ascii=False, default=str) if detail else None,
    )
    session.add(event)
    session.flush()
    return event


def events(
    session: Session,
    viewer: Viewer,
    *,
    action: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[AuditEvent]:
    """The newest events of the tenants an administrator sees (their users' events, and
    failed sign-ins, which have no tenant, for a root administrator)."""
    statement = select(AuditEvent)
    condition = tenant_condition(viewer, AuditEvent.tenant_id)
    if (
        viewer.tenant_path.count("/") == 2
    ):  # a root tenant's admin sees anonymous events
        condition = condition | AuditEvent.tenant_id.is_(None)
    statement = statement.where(condition)
    if action:
        statement = statement.where(AuditEvent.action == action)
    statement = statement.order_by(AuditEvent.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(statement))
