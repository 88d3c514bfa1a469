"""What every feature shares: the open store behind a store row, and display names of
tenants and users."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from patnav.errors import NotFoundError
from patnav.platform import access, audit, files
from patnav.platform.models import DataStore, User
from patnav.web.deps import Ctx
from patnav.web.services import StoreHandle, StoreHub


def open_handle(store: DataStore, hub: StoreHub, root: Path) -> StoreHandle:
    """The open store behind a store row, for background workers (no request)."""
    return hub.handle(store.id, files.resolve(root, store.filename))


def audit_store(ctx: Ctx, action: str, store: DataStore, **detail: Any) -> None:
    """Record ``action`` on ``store`` in the audit log, committed at once: the request's
    session is closed, never committed, when the request ends."""
    audit.record(
        ctx.db,
        action,
        viewer=ctx.viewer,
        object_type="store",
        object_id=store.id,
        ip=ctx.ip,
        detail={"store": store.name, **detail},
    )
    ctx.db.commit()


def handle_of(ctx: Ctx, store: DataStore) -> StoreHandle:
    """The open store behind a platform store row.

    Store work can take long (or wait for another search of the store), so the request's
    database connection goes back to the pool first; the session takes one again when it
    next needs it.
    """
    ctx.db.commit()
    return open_handle(store, ctx.hub, ctx.platform.root)


def tenant_names(ctx: Ctx) -> dict[int, str]:
    """Names of the tenants the user sees, by id."""
    return {t.id: t.name for t in access.visible_tenants(ctx.db, ctx.viewer)}


def user_names(ctx: Ctx, ids: list[int | None]) -> dict[int, str]:
    """Display names of users by id."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {
        u.id: u.display_name or u.username
        for u in ctx.db.scalars(select(User).where(User.id.in_(wanted)))
    }


def report_folders(ctx: Ctx) -> list[Path]:
    """The ``reports`` folders of the tenants the user sees (those that exist)."""
    root = ctx.platform.root / "tenants"
    return [
        root / str(t.id) / "reports"
        for t in access.visible_tenants(ctx.db, ctx.viewer)
        if (root / str(t.id) / "reports").is_dir()
    ]


def newest_files(ctx: Ctx, suffix: str, limit: int) -> list[Path]:
    """The files ending in ``suffix`` of the user's tenants' reports folders, newest
    first, at most ``limit``."""
    return sorted(
        (p for folder in report_folders(ctx) for p in folder.glob(f"*{suffix}")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )[:limit]


def tenant_report_file(ctx: Ctx, name: str, missing: str) -> Path:
    """The file ``name`` in a reports folder of the user's tenants; NotFoundError with
    ``missing`` when no tenant the user sees holds it."""
    for folder in report_folders(ctx):
        path = folder / name
        if path.is_file():
            return path
    raise NotFoundError(missing)
