"""Offboarding a tenant: its data exported to a folder, then removed from the platform.

``patnav tenant offboard 泰安市 --export DIR`` (with the server stopped, or at least not
holding the tenant's stores) writes to ``DIR``:

```
manifest.json        what was exported: tenant, counts, every file with its SHA-256
platform/*.json      the tenant's rows: tenant, users (no password hashes), stores, patent
                     sets, specs (with their YAML), imports, reports, publications, API
                     tokens (names and dates, never secrets), navigation projects it
                     asked for or was asked (with their trails and usage records), and
                     its audit-log entries
files/               the tenant's folder as it was: stores (DuckDB, with search indexes),
                     uploads, reports, publications
```

and only when all of that is written and checked (every file's size and SHA-256 read
back) removes the tenant: its rows, its users' sessions and tokens, its users, and its
folder. Audit-log entries stay in the platform's log (they record what happened, and
retention removes them in time); an ``tenant.offboard`` entry records the removal.

A tenant with tenants beneath it is refused (offboard those first), as is one whose spec
another tenant's report was made from.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from patnav.errors import InputError
from patnav.platform import audit
from patnav.platform.db import Platform
from patnav.platform.models import (
    ApiToken,
    AuditEvent,
    Base,
    DataStore,
    ImportJob,
    LoginThrottle,
    NavProject,
    NavProjectEvent,
    NavProjectUsage,
    PatentSetLink,
    Publication,
    ReportJob,
    Spec,
    SpecVersion,
    Tenant,
    User,
    WebSession,
)
from patnav.storage.store import PatentStore

OWNED: tuple[tuple[str, type[Base]], ...] = (
    ("publications", Publication),
    ("reports", ReportJob),
    ("imports", ImportJob),
    ("sets", PatentSetLink),
    ("spec_versions", SpecVersion),
    ("specs", Spec),
    ("stores", DataStore),
)
"""The tenant's objects, in the order they are removed (what refers to others first)."""


@dataclass(frozen=True, slots=True)
class OffboardReport:
    """What was exported and removed."""

    tenant_id: int
    tenant: str
    export_dir: str
    rows: dict[str, int]
    files: int
    bytes: int
    removed: bool
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON."""
        return asdict(self)


def _plain(row: Base, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in row.__table__.columns:
        if column.key in skip:
            continue
        value = getattr(row, column.key)
        out[column.key] = (
            value.isoformat() if isinstance(value, datetime | date) else value
        )
    return out


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _check_removable(db: Session, tenant: Tenant) -> list[int]:
    children = list(
        db.scalars(select(Tenant.name).where(Tenant.parent_id == tenant.id))
    )
    if children:
        raise InputError(
            f"{tenant.name} has tenants beneath it ({', '.join(children)}): offboard "
            "those first."
        )
    specs = select(Spec.id).where(Spec.tenant_id == tenant.id)
    foreign = list(
        db.scalars(
            select(ReportJob.id).where(
                ReportJob.spec_id.in_(specs), ReportJob.tenant_id != tenant.id
            )
        )
    )
    if foreign:
        raise InputError(
            f"Reports of other tenants were made from {tenant.name}'s specs (report "
            f"ids {', '.join(map(str, foreign))}): delete those reports first."
        )
    return [
        int(u) for u in db.scalars(select(User.id).where(User.tenant_id == tenant.id))
    ]


def _lock_stores(platform: Platform, stores: list[DataStore]) -> list[PatentStore]:
    """Open every store read-only: fails when a running server (or import) holds one,
    and keeps any other process from writing while they are copied."""
    opened: list[PatentStore] = []
    try:
        for store in stores:
            path = platform.root / store.filename
            if path.exists():
                opened.append(PatentStore.open(path, read_only=True))
    except Exception:
        for handle in opened:
            handle.close()
        raise
    return opened


def offboard_tenant(
    platform: Platform, tenant_ref: Tenant | int, export_dir: Path
) -> OffboardReport:
    """Export a tenant's rows and files to ``export_dir`` (new or empty), verify the
    copy, then remove the tenant from the platform.

    Raises:
        InputError: the tenant has tenants beneath it, another tenant's report uses its
            spec, or ``export_dir`` is not empty.
        StoreError: one of its stores is in use by another process (stop the server).
    """
    export_dir = Path(export_dir)
    if export_dir.exists() and any(export_dir.iterdir()):
        raise InputError(
            f"The export folder {export_dir} is not empty: give a new or empty folder."
        )
    tenant_id = tenant_ref if isinstance(tenant_ref, int) else tenant_ref.id
    with platform.session() as db:
        tenant = db.get(Tenant, tenant_id)
        if tenant is None:
            raise InputError(f"No tenant {tenant_id}.")
        name = tenant.name
        users = _check_removable(db, tenant)
        stores = list(
            db.scalars(select(DataStore).where(DataStore.tenant_id == tenant_id))
        )
        rows: dict[str, list[dict[str, Any]]] = {
            "tenant": [_plain(tenant)],
            "users": [
                _plain(u, skip=("password_hash",))
                for u in db.scalars(select(User).where(User.tenant_id == tenant_id))
            ],
            "api_tokens": [
                _plain(t, skip=("token_hash",))
                for t in db.scalars(select(ApiToken).where(ApiToken.user_id.in_(users)))
            ],
            "audit": [
                _plain(e)
                for e in db.scalars(
                    select(AuditEvent)
                    .where(AuditEvent.tenant_id == tenant_id)
                    .order_by(AuditEvent.id)
                )
            ],
        }
        for label, model in OWNED:
            rows[label] = [
                _plain(r)
                for r in db.scalars(
                    select(model).where(model.tenant_id == tenant_id)  # type: ignore[attr-defined]
                )
            ]
        rows.update(_project_rows(db, tenant_id))
    export_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    (export_dir / "platform").mkdir(mode=0o700)
    for label, items in rows.items():
        (export_dir / "platform" / f"{label}.json").write_text(
            json.dumps(items, ensure_ascii=False, indent=2, default=str), "utf-8"
        )
    folder = platform.root / "tenants" / str(tenant_id)
    target = export_dir / "files"
    manifest_files: list[dict[str, Any]] = []
    handles = _lock_stores(platform, stores)
    try:
        if folder.is_dir():
            shutil.copytree(folder, target)
        else:
            target.mkdir(mode=0o700)
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            copy = target / path.relative_to(folder)
            original, copied = _sha256(path), _sha256(copy)
            if original != copied or path.stat().st_size != copy.stat().st_size:
                raise InputError(
                    f"The copy of {path} in {copy} differs from the original: nothing "
                    "was removed. Check the export folder's disk and try again."
                )
            manifest_files.append(
                {
                    "path": copy.relative_to(export_dir).as_posix(),
                    "bytes": copy.stat().st_size,
                    "sha256": copied,
                }
            )
    finally:
        for handle in handles:
            handle.close()
    counts = {label: len(items) for label, items in rows.items()}
    manifest = {
        "tenant": {"id": tenant_id, "name": name},
        "exported_at": datetime.now().astimezone().isoformat(),
        "rows": counts,
        "files": manifest_files,
    }
    (export_dir / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8"
    )
    with platform.session() as db:
        _remove(db, tenant_id, users)
        audit.record(
            db,
            "tenant.offboard",
            username="cli",
            object_type="tenant",
            object_id=tenant_id,
            detail={"name": name, "export": str(export_dir), "rows": counts},
        )
    shutil.rmtree(folder, ignore_errors=True)
    return OffboardReport(
        tenant_id=tenant_id,
        tenant=name,
        export_dir=str(export_dir),
        rows=counts,
        files=len(manifest_files),
        bytes=sum(f["bytes"] for f in manifest_files),
        removed=True,
    )


def _projects_of(tenant_id: int) -> Any:
    """The ids of the navigation projects a tenant asked for or was asked."""
    return select(NavProject.id).where(
        or_(
            NavProject.tenant_id == tenant_id,
            NavProject.requester_tenant_id == tenant_id,
        )
    )


def _project_rows(db: Session, tenant_id: int) -> dict[str, list[dict[str, Any]]]:
    ids = _projects_of(tenant_id)
    return {
        "projects": [
            _plain(p)
            for p in db.scalars(select(NavProject).where(NavProject.id.in_(ids)))
        ],
        "project_events": [
            _plain(e)
            for e in db.scalars(
                select(NavProjectEvent)
                .where(NavProjectEvent.project_id.in_(ids))
                .order_by(NavProjectEvent.id)
            )
        ],
        "project_usages": [
            _plain(u)
            for u in db.scalars(
                select(NavProjectUsage)
                .where(NavProjectUsage.project_id.in_(ids))
                .order_by(NavProjectUsage.id)
            )
        ],
    }


def _remove(db: Session, tenant_id: int, users: list[int]) -> None:
    """Delete the tenant's rows (one transaction: the caller's)."""
    ids = _projects_of(tenant_id)
    for event in db.scalars(
        select(NavProjectEvent).where(NavProjectEvent.project_id.in_(ids))
    ):
        db.delete(event)
    for usage in db.scalars(
        select(NavProjectUsage).where(NavProjectUsage.project_id.in_(ids))
    ):
        db.delete(usage)
    for project in db.scalars(select(NavProject).where(NavProject.id.in_(ids))):
        db.delete(project)
    db.flush()
    reports = select(ReportJob.id).where(ReportJob.tenant_id == tenant_id)
    # another tenant's publication of one of these reports keeps its own file
    db.execute(
        update(Publication)
        .where(Publication.report_id.in_(reports), Publication.tenant_id != tenant_id)
        .values(report_id=None)
    )
    for _, model in OWNED:
        for row in db.scalars(select(model).where(model.tenant_id == tenant_id)):  # type: ignore[attr-defined]
            db.delete(row)
        db.flush()
    if users:
        for model in (
            DataStore,
            PatentSetLink,
            Spec,
            ImportJob,
            ReportJob,
            Publication,
        ):
            db.execute(
                update(model).where(model.created_by.in_(users)).values(created_by=None)
            )
        db.execute(
            update(Spec).where(Spec.updated_by.in_(users)).values(updated_by=None)
        )
        db.execute(
            update(SpecVersion)
            .where(SpecVersion.saved_by.in_(users))
            .values(saved_by=None)
        )
        for token in db.scalars(select(ApiToken).where(ApiToken.user_id.in_(users))):
            db.delete(token)
        for web_session in db.scalars(
            select(WebSession).where(WebSession.user_id.in_(users))
        ):
            db.delete(web_session)
        for username in db.scalars(select(User.username).where(User.id.in_(users))):
            lock = db.get(LoginThrottle, f"account:{username.lower()}")
            if lock is not None:
                db.delete(lock)
        for user in db.scalars(select(User).where(User.id.in_(users))):
            db.delete(user)
        db.flush()
    tenant = db.get(Tenant, tenant_id)
    if tenant is not None:
        db.delete(tenant)
    db.flush()
