"""Upload and import: the upload form's target, the job page, its HTMX progress fragment."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from patnav.errors import InputError
from patnav.web import features
from patnav.web.deps import Ctx, page_ctx, verify_csrf
from patnav.web.render import page

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)

MAX_MAPPING_BYTES = 100_000


def read_mapping(upload: UploadFile | None) -> str | None:
    """The text of an uploaded column-mapping file (YAML), or None when none was sent.

    Raises:
        InputError: the file is too large or not UTF-8 text.
    """
    if upload is None or not upload.filename:
        return None
    raw = upload.file.read(MAX_MAPPING_BYTES + 1)
    if len(raw) > MAX_MAPPING_BYTES:
        raise InputError(
            f"A mapping file is a short YAML text (at most {MAX_MAPPING_BYTES:,} bytes)."
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("The mapping file must be UTF-8 text (YAML).") from exc


@router.post("/stores/{store_id}/imports")
def upload(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    store_id: int,
    file: Annotated[UploadFile, File()],
    mapping: Annotated[UploadFile | None, File()] = None,
    enrich: Annotated[str | None, Form()] = None,
) -> Response:
    store = features.stores.get_store(ctx, store_id)
    job = features.imports.start_import(
        ctx,
        store,
        file.filename,
        file.file,
        mapping=read_mapping(mapping),
        enrich=enrich in ("1", "on", "true"),
    )
    return RedirectResponse(f"/imports/{job.id}", status_code=303)


def _context(ctx: Ctx, job_id: int) -> dict[str, Any]:
    job = features.imports.get_import(ctx, job_id)
    store = features.stores.get_store(ctx, job.store_id)
    return {"job": job, "store": store, "report": features.imports.import_report(job)}


@router.get("/imports/{job_id}", response_class=HTMLResponse)
def job_page(ctx: Annotated[Ctx, Depends(page_ctx)], job_id: int) -> Response:
    return page(ctx, "import.html", nav="stores", **_context(ctx, job_id))


@router.get("/imports/{job_id}/progress", response_class=HTMLResponse)
def progress(ctx: Annotated[Ctx, Depends(page_ctx)], job_id: int) -> Response:
    return page(ctx, "_import_status.html", **_context(ctx, job_id))
