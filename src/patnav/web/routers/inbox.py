"""The inbox pages (消息): the signed-in user's alerts, one alert's detail, and the forms
that mark alerts read or unread and acknowledge them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from patnav.web.deps import Ctx, page_ctx, verify_csrf
from patnav.web.features import inbox
from patnav.web.render import page

router = APIRouter(
    prefix="/inbox", dependencies=[Depends(verify_csrf)], include_in_schema=False
)


def _texts(ctx: Ctx) -> dict[str, Any]:
    return {"nt": inbox.text(ctx.lang), "rule_name": inbox.rule_name(ctx.lang)}


@router.get("", response_class=HTMLResponse)
def inbox_page(
    ctx: Annotated[Ctx, Depends(page_ctx)], unread: bool = False, offset: int = 0
) -> Response:
    view = inbox.inbox_page(ctx, unread_only=unread, offset=offset)
    return page(
        ctx,
        "inbox.html",
        nav="inbox",
        view=view,
        page_size=inbox.PAGE_SIZE,
        **_texts(ctx),
    )


@router.post("/read-all")
def read_all(ctx: Annotated[Ctx, Depends(page_ctx)]) -> Response:
    inbox.mark_all_read(ctx)
    return RedirectResponse("/inbox", status_code=303)


@router.get("/{item_id}", response_class=HTMLResponse)
def alert_page(ctx: Annotated[Ctx, Depends(page_ctx)], item_id: int) -> Response:
    detail = inbox.alert_detail(ctx, item_id)
    return page(ctx, "inbox_alert.html", nav="inbox", detail=detail, **_texts(ctx))


@router.post("/{item_id}/read")
def mark_read(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    item_id: int,
    read: Annotated[bool, Form()] = True,
    back: Annotated[str, Form(max_length=20)] = "list",
) -> Response:
    inbox.mark_read(ctx, item_id, read=read)
    target = f"/inbox/{item_id}" if back == "detail" and read else "/inbox"
    return RedirectResponse(target, status_code=303)


@router.post("/{item_id}/ack")
def acknowledge(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    item_id: int,
    back: Annotated[str, Form(max_length=20)] = "list",
) -> Response:
    inbox.acknowledge(ctx, item_id)
    target = f"/inbox/{item_id}" if back == "detail" else "/inbox"
    return RedirectResponse(target, status_code=303)
