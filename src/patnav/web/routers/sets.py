"""Patent-set pages: the list with counts, re-running, CSV export, deleting."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.background import BackgroundTask

from patnav.web import features
from patnav.web.deps import Ctx, page_ctx, verify_csrf
from patnav.web.render import page

router = APIRouter(
    prefix="/sets", dependencies=[Depends(verify_csrf)], include_in_schema=False
)


@router.get("", response_class=HTMLResponse)
def sets_page(
    ctx: Annotated[Ctx, Depends(page_ctx)], msg: str | None = None
) -> Response:
    if msg == "deleted":
        ctx.notices.append(ctx.t("sets.deleted"))
    sets = features.sets.list_sets(ctx)
    stores = {s.id: s for s in features.stores.list_stores(ctx)}
    return page(
        ctx,
        "sets.html",
        nav="sets",
        sets=sets,
        stores=stores,
        tenants=features.common.tenant_names(ctx),
        can_write=ctx.viewer.can_write,
    )


@router.post("/{set_id}/rerun")
def rerun(ctx: Annotated[Ctx, Depends(page_ctx)], set_id: int) -> Response:
    report = features.sets.rerun(ctx, set_id)
    return RedirectResponse(
        f"/sets/{set_id}?msg=rerun&count={report.count}&new={len(report.new)}"
        f"&removed={len(report.removed)}",
        status_code=303,
    )


@router.get("/{set_id}/export.csv")
def export(ctx: Annotated[Ctx, Depends(page_ctx)], set_id: int) -> Response:
    path, name = features.sets.export_csv(ctx, set_id)
    return FileResponse(
        path,
        media_type="text/csv; charset=utf-8",
        filename=name,
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


@router.post("/{set_id}/delete")
def delete(ctx: Annotated[Ctx, Depends(page_ctx)], set_id: int) -> Response:
    features.sets.delete_set(ctx, set_id)
    return RedirectResponse("/sets?msg=deleted", status_code=303)
