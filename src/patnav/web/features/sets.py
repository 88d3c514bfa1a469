"""Patent sets: saving a search as a set, listing, re-running, exporting and deleting
(``routers/sets.py``, the set form of ``routers/search.py``, the API's ``/sets``)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import select

from patnav.errors import InputError, InvalidParameterError
from patnav.platform import access, audit
from patnav.platform.models import DataStore, PatentSetLink
from patnav.search import delete_set as delete_store_set
from patnav.search import export_set, rerun_set, save_set
from patnav.web.deps import Ctx
from patnav.web.features.common import handle_of


def list_sets(ctx: Ctx, store: DataStore | None = None) -> list[PatentSetLink]:
    """The patent sets the user sees."""
    statement = access.scoped(select(PatentSetLink), ctx.viewer, PatentSetLink)
    if store is not None:
        statement = statement.where(PatentSetLink.store_id == store.id)
    return list(ctx.db.scalars(statement.order_by(PatentSetLink.id.desc())))


def get_set(ctx: Ctx, set_id: int) -> PatentSetLink:
    """A patent set the user sees."""
    return access.visible(ctx.db, ctx.viewer, PatentSetLink, set_id)


def create_set(
    ctx: Ctx,
    store: DataStore,
    name: str,
    query: str,
    *,
    mode: str = "boolean",
    description: str | None = None,
    limit: int | None = None,
) -> PatentSetLink:
    """Save a search strategy as a patent set of the store (and run it once)."""
    access.require_write(ctx.db, ctx.viewer, store.tenant_id)
    name = name.strip()
    if (
        ctx.db.scalar(
            select(PatentSetLink.id).where(
                PatentSetLink.store_id == store.id, PatentSetLink.name == name
            )
        )
        is not None
    ):
        raise InvalidParameterError(
            f"The store has a patent set named {name} already: choose another name."
        )
    if mode != "boolean" and not limit:
        limit = 100
    handle = handle_of(ctx, store)
    with handle.indexed() as index:
        run = save_set(
            index.store,
            name,
            query,
            description=description,
            mode=mode,
            limit=limit if mode != "boolean" else None,
            index=index,
            embedder=handle.embedder if mode in ("semantic", "hybrid") else None,
            replace=True,
        )
    link = PatentSetLink(
        tenant_id=store.tenant_id,
        store_id=store.id,
        name=name,
        query=query.strip(),
        mode=mode,
        description=description or None,
        last_count=run.count,
        last_run_at=run.ran_at,
        created_by=ctx.viewer.user_id,
    )
    ctx.db.add(link)
    ctx.db.flush()
    audit.record(
        ctx.db,
        "set.save",
        viewer=ctx.viewer,
        object_type="set",
        object_id=link.id,
        ip=ctx.ip,
        detail={"name": name, "query": query, "count": run.count},
    )
    ctx.db.commit()
    return link


def set_store(ctx: Ctx, link: PatentSetLink) -> DataStore:
    """The store a set lives in (of the set's tenant, so visible with the set)."""
    return access.visible(ctx.db, ctx.viewer, DataStore, link.store_id)


def rerun(ctx: Ctx, set_id: int) -> Any:
    """Run a set again; returns the core's run report (new and dropped documents)."""
    link = access.writable(ctx.db, ctx.viewer, PatentSetLink, set_id)
    handle = handle_of(ctx, set_store(ctx, link))
    with handle.indexed() as index:
        report = rerun_set(
            index.store,
            link.name,
            index=index,
            embedder=handle.embedder if link.mode in ("semantic", "hybrid") else None,
        )
    link.last_count, link.last_run_at = report.count, report.ran_at
    ctx.db.commit()
    return report


def export_csv(ctx: Ctx, set_id: int) -> tuple[Path, str]:
    """The set's members as a CSV file (a temporary path, removed by the caller) and a
    download name."""
    link = get_set(ctx, set_id)
    handle = handle_of(ctx, set_store(ctx, link))
    fd, name = tempfile.mkstemp(suffix=".csv", prefix="patnav-export-")
    os.close(fd)
    path = Path(name)
    with handle.indexed() as index:
        count = export_set(index.store, link.name, path, fmt="csv", index=index)
    audit.record(
        ctx.db,
        "export",
        viewer=ctx.viewer,
        object_type="set",
        object_id=link.id,
        ip=ctx.ip,
        detail={"name": link.name, "rows": count},
    )
    ctx.db.commit()
    return path, f"{link.name}.csv"


def delete_set(ctx: Ctx, set_id: int) -> None:
    """Delete a set from its store and the platform."""
    link = access.writable(ctx.db, ctx.viewer, PatentSetLink, set_id)
    handle = handle_of(ctx, set_store(ctx, link))
    # a set already gone from the store is fine: it is being deleted
    with handle.indexed() as index, contextlib.suppress(InputError):
        delete_store_set(index.store, link.name)
    audit.record(
        ctx.db,
        "set.delete",
        viewer=ctx.viewer,
        object_type="set",
        object_id=link.id,
        ip=ctx.ip,
        detail={"name": link.name},
    )
    ctx.db.delete(link)
    ctx.db.commit()


def set_dict(link: PatentSetLink) -> dict[str, Any]:
    """A set as JSON."""
    return {
        "id": link.id,
        "store_id": link.store_id,
        "tenant_id": link.tenant_id,
        "name": link.name,
        "query": link.query,
        "mode": link.mode,
        "description": link.description,
        "count": link.last_count,
        "last_run_at": link.last_run_at.isoformat() if link.last_run_at else None,
    }
