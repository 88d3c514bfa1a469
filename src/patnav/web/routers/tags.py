"""The tagging page (标引): schemes and the review queue of the stores a user sees, and
the buttons that tag a document (``features/tags.py``)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from patnav.web.deps import Ctx, page_ctx, verify_csrf
from patnav.web.features import tags
from patnav.web.render import page

router = APIRouter(
    prefix="/tags", dependencies=[Depends(verify_csrf)], include_in_schema=False
)


@router.get("", response_class=HTMLResponse)
def tags_page(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    store: Annotated[int | None, Query()] = None,
    scheme: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    return page(
        ctx,
        "tags.html",
        nav="tags",
        stores=tags.tags_page(ctx, store_id=store, scheme=scheme),
    )


@router.post("/{store_id}/tag")
def tag_document(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    store_id: int,
    scheme: Annotated[str, Form(max_length=200)],
    number: Annotated[str, Form(max_length=200)],
    node: Annotated[str, Form(max_length=200)],
) -> Response:
    tags.tag_document(ctx, store_id, scheme, number, node)
    query = urlencode({"store": store_id, "scheme": scheme})
    return RedirectResponse(f"/tags?{query}#store-{store_id}", status_code=303)
