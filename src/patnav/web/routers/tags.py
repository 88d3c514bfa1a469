"""The tagging pages (标引, ``features/tags.py``): schemes, bulk tagging from a search
with its undo, the explicit threshold that accepts suggestions, the review queue, the
review view with the agreement panel, and a patent's tags on its page."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from patnav.web.deps import Ctx, page_ctx, verify_csrf
from patnav.web.features import tags
from patnav.web.render import page

router = APIRouter(
    prefix="/tags", dependencies=[Depends(verify_csrf)], include_in_schema=False
)
Text = Annotated[str, Form(max_length=200)]


def _back(store_id: int, scheme: str, anchor: str = "") -> RedirectResponse:
    query = urlencode({"store": store_id, "scheme": scheme})
    return RedirectResponse(
        f"/tags?{query}#{anchor or f'store-{store_id}'}", status_code=303
    )


@router.get("", response_class=HTMLResponse)
def tags_page(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    store: Annotated[int | None, Query()] = None,
    scheme: Annotated[str | None, Query(max_length=200)] = None,
    query: Annotated[str, Query(max_length=4000)] = "",
) -> Response:
    return page(
        ctx,
        "tags.html",
        nav="tags",
        stores=tags.tags_page(ctx, store_id=store, scheme=scheme),
        specs=tags.spec_choices(ctx),
        prefill=query,
    )


@router.post("/{store_id}/schemes")
def create_scheme(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    store_id: int,
    name: Text,
    kind: Annotated[str, Form(max_length=20)],
    spec_id: Annotated[int | None, Form()] = None,
    effects: Annotated[str, Form(max_length=20_000)] = "",
    description: Annotated[str | None, Form(max_length=500)] = None,
) -> Response:
    saved = tags.create_scheme(
        ctx,
        store_id,
        name,
        kind=kind,
        spec_id=spec_id,
        effects=effects,
        description=description or None,
    )
    return _back(store_id, saved.name)


@router.get("/{store_id}/bulk", response_class=HTMLResponse)
def bulk_preview(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    store_id: int,
    scheme: Annotated[str, Query(max_length=200)],
    node: Annotated[str, Query(max_length=200)],
    query: Annotated[str, Query(max_length=4000)] = "",
    saved: Annotated[str, Query(max_length=200, alias="set")] = "",
) -> Response:
    preview = tags.bulk_preview(ctx, store_id, scheme, node, saved or query)
    return page(ctx, "tags_bulk.html", nav="tags", preview=preview, done=None)


@router.post("/{store_id}/bulk", response_class=HTMLResponse)
def bulk_tag(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    store_id: int,
    scheme: Text,
    node: Text,
    query: Annotated[str, Form(max_length=4000)],
) -> Response:
    change = tags.bulk_tag(ctx, store_id, scheme, node, query)
    return page(
        ctx,
        "tags_bulk.html",
        nav="tags",
        preview=None,
        done=change,
        store_id=store_id,
        node=node,
        query=query,
    )


@router.post("/{store_id}/bulk/undo", response_class=HTMLResponse)
def undo_bulk(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    store_id: int,
    scheme: Text,
    node: Text,
    created_at: Annotated[str, Form(max_length=40)],
) -> Response:
    change = tags.undo_bulk(ctx, store_id, scheme, node, created_at)
    return page(
        ctx,
        "tags_bulk.html",
        nav="tags",
        preview=None,
        done=None,
        undone=change,
        store_id=store_id,
        node=node,
    )


@router.get("/{store_id}/accept", response_class=HTMLResponse)
def accept_preview(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    store_id: int,
    scheme: Annotated[str, Query(max_length=200)],
    min_score: Annotated[float, Query()],
) -> Response:
    store, found = tags.threshold_preview(ctx, store_id, scheme, min_score)
    return page(
        ctx,
        "tags_accept.html",
        nav="tags",
        store=store,
        suggestions=found,
        min_score=min_score,
        done=None,
    )


@router.post("/{store_id}/accept", response_class=HTMLResponse)
def accept(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    store_id: int,
    scheme: Text,
    min_score: Annotated[float, Form()],
    expect: Annotated[int, Form()],
) -> Response:
    change = tags.accept_threshold(ctx, store_id, scheme, min_score, expect)
    return page(
        ctx,
        "tags_accept.html",
        nav="tags",
        store=None,
        store_id=store_id,
        suggestions=None,
        min_score=min_score,
        done=change,
    )


def _patent_or_queue(store_id: int, scheme: str, back: str | None) -> Response:
    """Back to the patent page a form came from (only a patent page of this store),
    else to the tagging page."""
    prefix = f"/stores/{store_id}/patents/"
    if back and back.startswith(prefix) and "//" not in back[len(prefix) :]:
        return RedirectResponse(
            prefix + quote(back[len(prefix) :]) + "#tags", status_code=303
        )
    return _back(store_id, scheme)


@router.post("/{store_id}/tag")
def tag_document(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    store_id: int,
    scheme: Text,
    number: Text,
    node: Text,
    back: Annotated[str | None, Form(max_length=400)] = None,
) -> Response:
    tags.tag_document(ctx, store_id, scheme, number, node)
    return _patent_or_queue(store_id, scheme, back)


@router.post("/{store_id}/untag")
def untag_document(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    store_id: int,
    scheme: Text,
    number: Text,
    node: Text,
    back: Annotated[str | None, Form(max_length=400)] = None,
) -> Response:
    tags.untag_document(ctx, store_id, scheme, number, node)
    return _patent_or_queue(store_id, scheme, back)


@router.get("/{store_id}/doc/{doc_id:path}", response_class=HTMLResponse)
def document_tags(
    ctx: Annotated[Ctx, Depends(page_ctx)], store_id: int, doc_id: str
) -> Response:
    return page(ctx, "_patent_tags.html", doc=tags.document_tags(ctx, store_id, doc_id))


@router.get("/{store_id}/review", response_class=HTMLResponse)
def review_page(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    store_id: int,
    scheme: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    return page(
        ctx,
        "tags_review.html",
        nav="tags",
        review=tags.review_page(ctx, store_id, scheme),
    )


@router.post("/{store_id}/review")
def review(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    store_id: int,
    scheme: Text,
    number: Text,
    node: Text,
    analyst: Text,
    verdict: Annotated[str, Form(max_length=20)],
) -> Response:
    tags.review(ctx, store_id, scheme, number, node, analyst, verdict)
    query = urlencode({"scheme": scheme})
    return RedirectResponse(f"/tags/{store_id}/review?{query}", status_code=303)
