"""Store pages: the list, creating a store, a store's overview with its upload form."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from patnav.platform import access
from patnav.web import features
from patnav.web.deps import Ctx, page_ctx, verify_csrf
from patnav.web.render import filesize, page

router = APIRouter(
    prefix="/stores", dependencies=[Depends(verify_csrf)], include_in_schema=False
)


@router.get("", response_class=HTMLResponse)
def stores_page(ctx: Annotated[Ctx, Depends(page_ctx)]) -> Response:
    stores = features.stores.list_stores(ctx)
    return page(
        ctx,
        "stores.html",
        nav="stores",
        stores=stores,
        counts={s.id: features.stores.document_count(ctx, s) for s in stores},
        failed=features.stores.failed_stores(ctx),
        tenants=features.common.tenant_names(ctx),
        writable=access.writable_tenants(ctx.db, ctx.viewer),
    )


@router.post("")
def create(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    name: Annotated[str, Form(max_length=200)],
    tenant_id: Annotated[int, Form()],
    description: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    store = features.stores.create_store(ctx, tenant_id, name, description)
    return RedirectResponse(f"/stores/{store.id}?msg=created", status_code=303)


@router.get("/{store_id}", response_class=HTMLResponse)
def store_page(
    ctx: Annotated[Ctx, Depends(page_ctx)], store_id: int, msg: str | None = None
) -> Response:
    store = features.stores.get_store(ctx, store_id)
    if msg == "created":
        ctx.notices.append(ctx.t("stores.created"))
    have, total = features.stores.semantic_coverage(ctx, store)
    return page(
        ctx,
        "store.html",
        nav="stores",
        store=store,
        overview=features.stores.overview(ctx, store),
        imports=features.imports.list_imports(ctx, store),
        sets=features.sets.list_sets(ctx, store),
        tenants=features.common.tenant_names(ctx),
        can_write=ctx.viewer.can_write,
        limit=filesize(ctx.settings.upload_max_bytes),
        embedded=have,
        embed_total=total,
        embed_batch=features.stores.EMBED_BATCH,
    )


@router.post("/{store_id}/embed")
def embed(ctx: Annotated[Ctx, Depends(page_ctx)], store_id: int) -> Response:
    store = features.stores.get_store(ctx, store_id)
    features.stores.start_embedding(ctx, store)
    return RedirectResponse(f"/stores/{store.id}", status_code=303)
