"""Stores: the list, creating a store, a store's overview, its semantic coverage and
embedding more of it (``routers/stores.py``, the API's ``/stores``)."""

from __future__ import annotations

from sqlalchemy import select

from patnav.analyses.overview import StoreOverview, store_overview
from patnav.errors import InvalidParameterError, StoreUnavailableError
from patnav.platform import access, audit, files
from patnav.platform.models import DataStore
from patnav.search.semantic import embed_store, embedding_coverage
from patnav.web.deps import Ctx
from patnav.web.features.common import handle_of

EMBED_BATCH = 2000


def list_stores(ctx: Ctx) -> list[DataStore]:
    """The stores the user sees."""
    statement = access.scoped(select(DataStore), ctx.viewer, DataStore)
    return list(ctx.db.scalars(statement.order_by(DataStore.tenant_id, DataStore.name)))


def get_store(ctx: Ctx, store_id: int) -> DataStore:
    """A store the user sees (NotFoundError otherwise)."""
    return access.visible(ctx.db, ctx.viewer, DataStore, store_id)


def document_count(ctx: Ctx, store: DataStore) -> int | None:
    """How many documents a store holds; None when the store has failed (lists show
    it as out of service instead of failing as a whole)."""
    try:
        with handle_of(ctx, store).reader() as cursor:
            return cursor.count("patents")
    except StoreUnavailableError:
        return None


def failed_stores(ctx: Ctx) -> set[int]:
    """Ids of the stores that have failed (out of service)."""
    return set(ctx.hub.failures)


def create_store(
    ctx: Ctx, tenant_id: int, name: str, description: str | None = None
) -> DataStore:
    """Create an empty store for a tenant, under the data root."""
    tenant = access.require_write(ctx.db, ctx.viewer, tenant_id)
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidParameterError(
            "A store name is 1–200 characters, such as 泰安专利库."
        )
    clash = ctx.db.scalar(
        select(DataStore.id).where(
            DataStore.tenant_id == tenant.id, DataStore.name == name
        )
    )
    if clash is not None:
        raise InvalidParameterError(f"{tenant.name} has a store named {name} already.")
    path, relative = files.new_file(ctx.platform.root, tenant.id, "stores", ".duckdb")
    from patnav.storage.store import PatentStore

    PatentStore.open(path).close()
    path.chmod(0o600)  # whatever the umask: a tenant's patent data
    store = DataStore(
        tenant_id=tenant.id,
        name=name,
        description=description or None,
        filename=relative,
        created_by=ctx.viewer.user_id,
    )
    ctx.db.add(store)
    ctx.db.flush()
    audit.record(
        ctx.db,
        "store.create",
        viewer=ctx.viewer,
        object_type="store",
        object_id=store.id,
        ip=ctx.ip,
        detail={"name": name, "tenant": tenant.name},
    )
    ctx.db.commit()
    return store


def overview(ctx: Ctx, store: DataStore) -> StoreOverview:
    """The store's first look: counts by office, type, year, applicants."""
    with handle_of(ctx, store).reader() as cursor:
        return store_overview(cursor, top=10)


def semantic_coverage(ctx: Ctx, store: DataStore) -> tuple[int, int]:
    """(documents with a vector of the default model, documents)."""
    handle = handle_of(ctx, store)
    with handle.reader() as cursor:
        return embedding_coverage(cursor, handle.embedder.name)


def start_embedding(ctx: Ctx, store: DataStore, limit: int = EMBED_BATCH) -> None:
    """Embed up to ``limit`` more documents of the store, in its worker thread."""
    access.require_write(ctx.db, ctx.viewer, store.tenant_id)
    handle = handle_of(ctx, store)

    def work() -> None:
        with handle.reader() as cursor:
            embed_store(cursor, handle.embedder, limit=limit)
        handle.changed()

    ctx.hub.submit_import(handle, work)
