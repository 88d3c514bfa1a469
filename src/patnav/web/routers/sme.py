"""The SME cultivation library's pages (培育库): the office's page, the per-enterprise view,
the transition form and the workbook (``features/sme.py``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from patnav.errors import InvalidParameterError
from patnav.models.sme.library import ACTION_ZH, STATE_ZH
from patnav.models.sme.rules import RULE_RESULT_ZH, RULE_ZH
from patnav.web.deps import Ctx, page_ctx, verify_csrf
from patnav.web.features import sme
from patnav.web.render import page

router = APIRouter(
    prefix="/sme", dependencies=[Depends(verify_csrf)], include_in_schema=False
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _day(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidParameterError(
            f"{field} 应为日期 YYYY-MM-DD，实为 {value!r}。"
        ) from None


@router.get("", response_class=HTMLResponse)
def sme_page(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    province: Annotated[str | None, Query(max_length=50)] = None,
    as_of: Annotated[str | None, Query(max_length=10)] = None,
) -> Response:
    return page(
        ctx,
        "sme.html",
        nav="sme",
        stores=sme.sme_page(ctx, province=province, as_of=_day(as_of, "as_of")),
        actions=sme.ACTIONS,
        action_zh=ACTION_ZH,
        state_zh=STATE_ZH,
        rule_zh=RULE_ZH,
        rule_result_zh=RULE_RESULT_ZH,
        as_of=as_of or "",
    )


@router.get("/mine", response_class=HTMLResponse)
def mine_page(ctx: Annotated[Ctx, Depends(page_ctx)], applied: int = 0) -> Response:
    return page(
        ctx,
        "sme_mine.html",
        nav="sme_mine",
        applications=sme.own_applications(ctx),
        state_zh=STATE_ZH,
        applied=bool(applied),
    )


@router.post("/mine/{link_id}/apply")
def mine_apply(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    link_id: int,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    sme.apply_own(ctx, link_id, reason or None)
    return RedirectResponse("/sme/mine?applied=1", status_code=303)


@router.post("/{store_id}/link")
def link(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    store_id: int,
    province: Annotated[str, Form(max_length=50)],
    enterprise: Annotated[str, Form(max_length=200)],
    username: Annotated[str, Form(max_length=100)],
) -> Response:
    made = sme.link_user(ctx, store_id, province, enterprise, username)
    return RedirectResponse(
        f"/sme/{store_id}/enterprise?province={quote(made.province)}"
        f"&enterprise={quote(made.enterprise_id)}",
        status_code=303,
    )


@router.get("/{store_id}/enterprise", response_class=HTMLResponse)
def enterprise_page(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    store_id: int,
    province: Annotated[str, Query(max_length=50)] = "",
    enterprise: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    store, status = sme.enterprise_view(ctx, store_id, province, enterprise)
    return page(
        ctx,
        "sme_enterprise.html",
        nav="sme",
        store=store,
        status=status,
        data=status.to_dict(),
        state_zh=STATE_ZH,
        accounts=sme.links_of(ctx, store_id, status.province, status.enterprise_id),
        writable=sme.writable(ctx, store),
    )


@router.post("/{store_id}/transition")
def transition(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    store_id: int,
    province: Annotated[str, Form(max_length=50)],
    enterprise: Annotated[str, Form(max_length=200)],
    action: Annotated[str, Form(max_length=20)],
    effective: Annotated[str, Form(max_length=10)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    event = sme.transition(
        ctx,
        store_id,
        province=province,
        enterprise=enterprise,
        action=action,
        effective=_day(effective, "生效日期"),
        reason=reason or None,
    )
    return RedirectResponse(
        f"/sme/{store_id}/enterprise?province={quote(event.province)}"
        f"&enterprise={quote(event.enterprise_id)}",
        status_code=303,
    )


@router.get("/{store_id}/export")
def export(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    store_id: int,
    province: Annotated[str, Query(max_length=50)] = "",
    as_of: Annotated[str | None, Query(max_length=10)] = None,
) -> Response:
    name, data = sme.export(ctx, store_id, province, _day(as_of, "as_of"))
    return Response(
        data,
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )
