"""Navigation-spec pages: the list, the editor (a textarea), validation with each problem
on its line (HTMX), saving a new version."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.background import BackgroundTask

from patnav.platform import access
from patnav.web import features
from patnav.web.deps import Ctx, page_ctx, verify_csrf
from patnav.web.render import page

router = APIRouter(
    prefix="/specs", dependencies=[Depends(verify_csrf)], include_in_schema=False
)

MAX_SPEC = 200_000


@router.get("", response_class=HTMLResponse)
def specs_page(ctx: Annotated[Ctx, Depends(page_ctx)]) -> Response:
    specs = features.specs.list_specs(ctx)
    return page(
        ctx,
        "specs.html",
        nav="specs",
        specs=specs,
        tenants=features.common.tenant_names(ctx),
        can_write=ctx.viewer.can_write,
    )


@router.get("/new", response_class=HTMLResponse)
def new_spec(ctx: Annotated[Ctx, Depends(page_ctx)]) -> Response:
    return page(
        ctx,
        "spec_edit.html",
        nav="specs",
        spec=None,
        text=features.specs.EXAMPLE_SPEC,
        problems=[],
        valid=None,
        writable=access.writable_tenants(ctx.db, ctx.viewer),
        can_write=ctx.viewer.can_write,
    )


@router.post("", response_class=HTMLResponse)
def create(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    yaml_text: Annotated[str, Form(max_length=MAX_SPEC)],
    name: Annotated[str, Form(max_length=200)] = "",
    tenant_id: Annotated[int | None, Form()] = None,
) -> Response:
    saved, problems = features.specs.save_spec(
        ctx, yaml_text, tenant_id=tenant_id, name=name or None
    )
    if saved is None:
        return page(
            ctx,
            "spec_edit.html",
            nav="specs",
            spec=None,
            text=yaml_text,
            problems=problems,
            valid=False,
            writable=access.writable_tenants(ctx.db, ctx.viewer),
            can_write=True,
            status_code=400,
            name=name,
        )
    return RedirectResponse(f"/specs/{saved.id}?msg=saved", status_code=303)


@router.post("/validate", response_class=HTMLResponse)
def validate(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    yaml_text: Annotated[str, Form(max_length=MAX_SPEC)],
) -> Response:
    parsed, problems = features.specs.validate_spec(yaml_text)
    return page(
        ctx,
        "_spec_problems.html",
        parsed=parsed,
        problems=problems,
        valid=parsed is not None,
    )


@router.post("/import", response_class=HTMLResponse)
def import_breakdown(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    table: Annotated[UploadFile, File()],
    title: Annotated[str, Form(max_length=300)] = "",
    nav_type: Annotated[str, Form(max_length=20)] = "",
    province: Annotated[str, Form(max_length=50)] = "",
    city: Annotated[str, Form(max_length=50)] = "",
    tenant_id: Annotated[int | None, Form()] = None,
) -> Response:
    """A new spec from an uploaded breakdown table (技术分解表, .xlsx)."""
    saved, problems = features.specs.import_breakdown(
        ctx,
        table.file,
        file_name=table.filename or "table.xlsx",
        title=title.strip() or None,
        nav_type=nav_type.strip() or None,
        province=province.strip() or None,
        city=city.strip() or None,
        tenant_id=tenant_id,
    )
    if saved is None:
        return page(
            ctx,
            "spec_edit.html",
            nav="specs",
            spec=None,
            text=features.specs.EXAMPLE_SPEC,
            problems=problems,
            valid=False,
            writable=access.writable_tenants(ctx.db, ctx.viewer),
            can_write=True,
            status_code=400,
        )
    return RedirectResponse(f"/specs/{saved.id}?msg=saved", status_code=303)


@router.get("/{spec_id}/breakdown.xlsx")
def export_breakdown(ctx: Annotated[Ctx, Depends(page_ctx)], spec_id: int) -> Response:
    """The spec's technology tree as a breakdown table (技术分解表, .xlsx)."""
    path, name = features.specs.breakdown_file(ctx, spec_id)
    return FileResponse(
        path,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename=name,
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


@router.get("/{spec_id}", response_class=HTMLResponse)
def edit(
    ctx: Annotated[Ctx, Depends(page_ctx)], spec_id: int, msg: str | None = None
) -> Response:
    spec = features.specs.get_spec(ctx, spec_id)
    if msg == "saved":
        ctx.notices.append(ctx.t("specs.saved"))
    return page(
        ctx,
        "spec_edit.html",
        nav="specs",
        spec=spec,
        text=spec.yaml_text,
        problems=[],
        valid=None,
        writable=[],
        can_write=ctx.viewer.can_write,
        name=spec.name,
    )


@router.post("/{spec_id}", response_class=HTMLResponse)
def update(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    spec_id: int,
    yaml_text: Annotated[str, Form(max_length=MAX_SPEC)],
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    saved, problems = features.specs.save_spec(
        ctx, yaml_text, spec_id=spec_id, name=name or None
    )
    if saved is None:
        spec = features.specs.get_spec(ctx, spec_id)
        return page(
            ctx,
            "spec_edit.html",
            nav="specs",
            spec=spec,
            text=yaml_text,
            problems=problems,
            valid=False,
            writable=[],
            can_write=True,
            status_code=400,
            name=name,
        )
    return RedirectResponse(f"/specs/{saved.id}?msg=saved", status_code=303)


# -- search-strategy quality: judge a node's sample in the browser -----------------------


@router.get("/{spec_id}/quality", response_class=HTMLResponse)
def quality_page(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    spec_id: int,
    msg: str | None = None,
    store_id: int | None = None,
) -> Response:
    spec, rows, scope_units = features.specs.spec_quality(ctx, spec_id, store_id)
    notice = {"judged": "quality.judged", "recall": "quality.recall_recorded"}.get(
        msg or ""
    )
    if notice:
        ctx.notices.append(ctx.t(notice))
    return page(
        ctx,
        "spec_quality.html",
        nav="specs",
        spec=spec,
        rows=rows,
        scope_units=scope_units,
        store_id=store_id,
        stores=features.stores.list_stores(ctx),
        can_write=ctx.viewer.can_write,
    )


@router.post("/{spec_id}/quality/sample", response_class=HTMLResponse)
def quality_sample(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    spec_id: int,
    node: Annotated[str, Form(max_length=1000)],
    store_id: Annotated[int, Form()],
    size: Annotated[int, Form()] = 50,
    seed: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    spec, sample = features.specs.draw_node_sample(
        ctx,
        spec_id,
        node,
        store_id,
        size,
        int(seed) if seed.strip().isdigit() else None,
    )
    return page(
        ctx,
        "spec_judge.html",
        nav="specs",
        spec=spec,
        sample=sample,
        node=node,
        store_id=store_id,
    )


@router.post("/{spec_id}/quality/judge", response_class=HTMLResponse)
def quality_judge(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    spec_id: int,
    node: Annotated[str, Form(max_length=1000)],
    store_id: Annotated[int, Form()],
    seed: Annotated[int, Form()],
    hits: Annotated[int, Form()],
    sampled_on: Annotated[str, Form(max_length=20)],
    query: Annotated[str, Form(max_length=20_000)],
    doc_id: Annotated[list[str], Form()],
    number: Annotated[list[str], Form()],
    verdict: Annotated[list[str], Form()],
) -> Response:
    features.specs.record_precision(
        ctx,
        spec_id,
        node=node,
        store_id=store_id,
        seed=seed,
        hits=hits,
        sampled_on=sampled_on,
        query=query,
        doc_ids=doc_id,
        numbers=number,
        verdicts=verdict,
    )
    return RedirectResponse(f"/specs/{spec_id}/quality?msg=judged", status_code=303)


@router.post("/{spec_id}/quality/recall", response_class=HTMLResponse)
def quality_recall(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    spec_id: int,
    node: Annotated[str, Form(max_length=1000)],
    store_id: Annotated[int, Form()],
    relevant: Annotated[UploadFile, File()],
) -> Response:
    features.specs.record_recall(
        ctx,
        spec_id,
        node=node,
        store_id=store_id,
        upload=relevant.file,
        file_name=relevant.filename or "relevant.txt",
    )
    return RedirectResponse(f"/specs/{spec_id}/quality?msg=recall", status_code=303)
