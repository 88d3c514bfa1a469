"""The monitors page (动态监测): the monitors of the stores a user sees, and the forms that
add, run and remove one (``features/monitors.py``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from patnav.monitors.model import RULES, RULES_ZH
from patnav.web.deps import Ctx, page_ctx, verify_csrf
from patnav.web.features import monitors
from patnav.web.render import page

router = APIRouter(
    prefix="/monitors", dependencies=[Depends(verify_csrf)], include_in_schema=False
)
TARGET_KINDS = ("set", "entity", "group", "numbers")


def _page(ctx: Ctx, *, notice: str | None = None) -> Response:
    return page(
        ctx,
        "monitors.html",
        nav="monitors",
        stores=monitors.monitors_page(ctx),
        rules=RULES,
        rule_zh=RULES_ZH,
        kinds=TARGET_KINDS,
        notice=notice,
    )


@router.get("", response_class=HTMLResponse)
def monitors_page(ctx: Annotated[Ctx, Depends(page_ctx)]) -> Response:
    return _page(ctx)


@router.post("/{store_id}")
def add_monitor(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    store_id: int,
    name: Annotated[str, Form(max_length=100)],
    target: Annotated[str, Form(max_length=4000)],
    target_kind: Annotated[str, Form(max_length=20)] = "set",
    rules: Annotated[list[str] | None, Form()] = None,
    days: Annotated[int, Form(ge=1, le=3650)] = 90,
    months: Annotated[int, Form(ge=1, le=600)] = 12,
    years: Annotated[int, Form(ge=1, le=30)] = 10,
    schedule: Annotated[str, Form(max_length=100)] = "daily",
) -> Response:
    monitors.add(
        ctx,
        store_id,
        monitors.MonitorForm(
            name=name,
            target_kind=target_kind,
            target=target,
            rules=tuple(rules or ()),
            days=days,
            months=months,
            years=years,
            schedule=schedule,
        ),
    )
    return RedirectResponse(f"/monitors#store-{store_id}", status_code=303)


@router.post("/{store_id}/run", response_class=HTMLResponse)
def run_monitor(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    store_id: int,
    name: Annotated[str, Form(max_length=100)],
) -> Response:
    _run, alerts = monitors.run_now(ctx, store_id, name)
    return _page(ctx, notice=ctx.t("monitors.ran", name=name, alerts=alerts))


@router.post("/{store_id}/remove")
def remove_monitor(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    store_id: int,
    name: Annotated[str, Form(max_length=100)],
) -> Response:
    monitors.remove(ctx, store_id, name)
    return RedirectResponse(f"/monitors#store-{store_id}", status_code=303)
