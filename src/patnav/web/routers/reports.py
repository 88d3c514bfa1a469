"""Report pages: choose a spec, a store, a format and a language; the job runs in the
background (HTMX polls its status); download when done."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from patnav.platform.models import REPORT_FORMATS
from patnav.web import features
from patnav.web.deps import Ctx, page_ctx, verify_csrf
from patnav.web.render import page

router = APIRouter(
    prefix="/reports", dependencies=[Depends(verify_csrf)], include_in_schema=False
)


@router.get("", response_class=HTMLResponse)
def reports_page(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    spec: int | None = None,
    msg: str | None = None,
) -> Response:
    if msg == "updating":
        ctx.notices.append(ctx.t("cat.updating"))
    reports = features.reports.list_reports(ctx)
    return page(
        ctx,
        "reports.html",
        nav="reports",
        reports=reports,
        specs=features.specs.list_specs(ctx),
        stores=features.stores.list_stores(ctx),
        tenants=features.common.tenant_names(ctx),
        formats=REPORT_FORMATS,
        chosen_spec=spec,
        can_write=ctx.viewer.can_write,
        names=features.common.user_names(ctx, [r.created_by for r in reports]),
    )


@router.post("")
def create(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    spec_id: Annotated[int, Form()],
    store_id: Annotated[int, Form()],
    fmt: Annotated[str, Form()] = "docx",
    lang: Annotated[str, Form()] = "zh",
) -> Response:
    job = features.reports.start_report(ctx, spec_id, store_id, fmt, lang)
    return RedirectResponse(f"/reports/{job.id}", status_code=303)


@router.get("/{report_id}", response_class=HTMLResponse)
def report_page(ctx: Annotated[Ctx, Depends(page_ctx)], report_id: int) -> Response:
    job = features.reports.get_report(ctx, report_id)
    return page(
        ctx,
        "report.html",
        nav="reports",
        job=job,
        spec=features.specs.spec_if_visible(ctx, job.spec_id),
        store=features.stores.get_store(ctx, job.store_id),
        can_write=ctx.viewer.can_write,
    )


@router.get("/{report_id}/status", response_class=HTMLResponse)
def status(ctx: Annotated[Ctx, Depends(page_ctx)], report_id: int) -> Response:
    job = features.reports.get_report(ctx, report_id)
    return page(ctx, "_report_status.html", job=job, can_write=ctx.viewer.can_write)


@router.get("/{report_id}/download")
def download(ctx: Annotated[Ctx, Depends(page_ctx)], report_id: int) -> Response:
    path, name, media_type = features.reports.report_file(ctx, report_id)
    return FileResponse(path, media_type=media_type, filename=name)
