"""The patent detail page: bibliographic data, abstract, claims, citations, legal events,
family, and similar patents."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, Response

from patnav.web import features
from patnav.web.deps import Ctx, page_ctx
from patnav.web.render import page

router = APIRouter(include_in_schema=False)


@router.get("/stores/{store_id}/patents/{doc_id:path}", response_class=HTMLResponse)
def patent_page(
    ctx: Annotated[Ctx, Depends(page_ctx)], store_id: int, doc_id: str
) -> Response:
    store = features.stores.get_store(ctx, store_id)
    document = features.patents.document(ctx, store, doc_id)
    similar = features.patents.similar(ctx, store, document.patent["doc_id"])
    value = features.patents.value(ctx, store, document.patent["doc_id"])
    return page(
        ctx,
        "patent.html",
        nav="search",
        store=store,
        doc=document,
        similar=similar,
        value=value,
    )
