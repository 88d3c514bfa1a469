"""FTO screening pages (``/fto``: the product and its target countries → the screening in
the background → the claim charts side by side with editable verdicts → the report) and
the REST API (``/api/v1/fto``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from patnav.analyses.fto_scope import CATEGORY_ZH
from patnav.errors import InvalidParameterError
from patnav.models.fto.charts import MET, POSSIBLE, RISK_ZH, VERDICT_ZH, VERDICTS
from patnav.reports.fto import STATUS_ZH
from patnav.web import features
from patnav.web.deps import Ctx, api_ctx, page_ctx, verify_csrf
from patnav.web.features import fto as feature
from patnav.web.features.fto import FTO_ROLES, MAX_TOP, FtoInput
from patnav.web.render import page

router = APIRouter(
    prefix="/fto", dependencies=[Depends(verify_csrf)], include_in_schema=False
)
api_router = APIRouter(prefix="/api/v1/fto", dependencies=[Depends(verify_csrf)])
Context = Annotated[Ctx, Depends(api_ctx)]


def _lines(value: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in value.replace("；", "\n").splitlines() if x.strip())


def _claim(value: str) -> int | None:
    text = value.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise InvalidParameterError(
            f"权利要求编号应为整数，实为 {text!r}（claim must be a number）。"
        ) from None


@router.get("", response_class=HTMLResponse)
def fto_page(ctx: Annotated[Ctx, Depends(page_ctx)]) -> Response:
    history = feature.list_ftos(ctx)
    return page(
        ctx,
        "fto.html",
        nav="fto",
        history=history,
        stores=features.stores.list_stores(ctx),
        tenants=features.common.tenant_names(ctx),
        can_screen=ctx.viewer.can_write and ctx.viewer.role in FTO_ROLES,
        max_top=MAX_TOP,
        risk_zh=RISK_ZH,
        names=features.common.user_names(ctx, [r.created_by for r in history]),
    )


@router.post("")
def create(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    store_id: Annotated[int, Form()],
    countries: Annotated[str, Form()],
    product: Annotated[str, Form()] = "",
    product_file: Annotated[UploadFile | None, File()] = None,
    as_of: Annotated[str, Form()] = "",
    ipc: Annotated[str, Form()] = "",
    applicants: Annotated[str, Form()] = "",
    query: Annotated[str, Form()] = "",
    top: Annotated[int, Form()] = 10,
    lexical: Annotated[bool, Form()] = False,
    pdf: Annotated[bool, Form()] = False,
) -> Response:
    has_file = product_file is not None and bool(product_file.filename)
    record = feature.start_fto(
        ctx,
        store_id,
        FtoInput(
            countries=(countries,),
            text=product.strip() or None,
            file_name=product_file.filename if has_file and product_file else None,
            file=product_file.file if has_file and product_file else None,
            as_of=as_of or None,
            ipc=_lines(ipc),
            applicants=_lines(applicants),
            query=query.strip() or None,
            top=top,
            semantic=not lexical,
            formats=("docx", "pdf") if pdf else ("docx",),
        ),
    )
    return RedirectResponse(f"/fto/{record.id}", status_code=303)


def _result_page(ctx: Ctx, fid: str, template: str) -> Response:
    record, result, corrections = feature.get_fto(ctx, fid)
    return page(
        ctx,
        template,
        nav="fto",
        record=record,
        result=result,
        corrections=corrections,
        can_correct=ctx.viewer.can_write and ctx.viewer.role in FTO_ROLES,
        verdicts=VERDICTS,
        verdict_zh=VERDICT_ZH,
        risk_zh=RISK_ZH,
        status_zh=STATUS_ZH,
        category_zh=CATEGORY_ZH,
        met=MET,
        possible=POSSIBLE,
    )


@router.get("/{fid}", response_class=HTMLResponse)
def result_page(ctx: Annotated[Ctx, Depends(page_ctx)], fid: str) -> Response:
    return _result_page(ctx, fid, "fto_result.html")


@router.get("/{fid}/status", response_class=HTMLResponse)
def status(ctx: Annotated[Ctx, Depends(page_ctx)], fid: str) -> Response:
    record, _, _ = feature.get_fto(ctx, fid)
    return page(ctx, "_fto_status.html", record=record)


@router.post("/{fid}/corrections")
def correct(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    fid: str,
    pub_number: Annotated[str, Form()],
    element: Annotated[int, Form()],
    verdict: Annotated[str, Form()],
    claim: Annotated[str, Form()] = "",
    comment: Annotated[str, Form()] = "",
) -> Response:
    fix = feature.correct_verdict(
        ctx, fid, pub_number, _claim(claim), element, verdict, comment
    )
    anchor = f"chart-{fix.pub_number}-{fix.claim}"
    return RedirectResponse(f"/fto/{fid}#{anchor}", status_code=303)


@router.get("/{fid}/download/{fmt}")
def download(ctx: Annotated[Ctx, Depends(page_ctx)], fid: str, fmt: str) -> Response:
    path, name, media_type = feature.fto_file(ctx, fid, fmt)
    return FileResponse(path, media_type=media_type, filename=name)


# -- REST API ------------------------------------------------------------------------


class FtoIn(BaseModel):
    store_id: int
    product: str | None = Field(
        default=None,
        max_length=20_000,
        description="the product: free text, or features one a line",
    )
    features: list[str] | None = Field(
        default=None, max_length=500, description="or the product as a feature list"
    )
    countries: list[str] = Field(min_length=1, max_length=20, examples=[["CN", "US"]])
    as_of: str | None = Field(default=None, description="YYYY-MM-DD; default today")
    ipc: list[str] = Field(default_factory=list, max_length=50)
    applicants: list[str] = Field(default_factory=list, max_length=50)
    query: str | None = Field(default=None, max_length=2000)
    top: int = Field(default=10, ge=1, le=MAX_TOP)
    lexical: bool = Field(
        default=False, description="compare by shared terms only (no embedder; faster)"
    )
    formats: list[str] = Field(default_factory=lambda: ["docx"])


class CorrectionIn(BaseModel):
    pub_number: str = Field(max_length=100)
    claim: int | None = Field(default=None, description="the claim's number")
    element: int = Field(ge=0, description="the element's index in the claim chart")
    verdict: str = Field(description="met, possibly_met, not_met or unclear")
    comment: str | None = Field(default=None, max_length=2000)


def _out(
    record: Any, result: dict[str, Any] | None, corrections: list[Any]
) -> dict[str, Any]:
    done = record.status == "done"
    return {
        "ok": True,
        **record.header(),
        "downloads": (
            {f: f"/api/v1/fto/{record.id}/download/{f}" for f in record.formats}
            if done
            else {}
        ),
        "result": result,
    }


@api_router.post(
    "",
    tags=["fto"],
    status_code=202,
    summary="Start an FTO screening of a product in its target countries (background)",
)
def api_create(ctx: Context, body: FtoIn) -> dict[str, Any]:
    text = body.product
    if body.features:
        if text:
            raise InvalidParameterError(
                "请给出 product 或 features 之一（give product or features, not both）。"
            )
        text = "\n".join(f.strip() for f in body.features if f.strip())
    record = feature.start_fto(
        ctx,
        body.store_id,
        FtoInput(
            countries=tuple(body.countries),
            text=text,
            as_of=body.as_of,
            ipc=tuple(body.ipc),
            applicants=tuple(body.applicants),
            query=body.query,
            top=body.top,
            semantic=not body.lexical,
            formats=tuple(body.formats),
        ),
    )
    return {"ok": True, "id": record.id, "status": record.status, **record.header()}


@api_router.get("", tags=["fto"], summary="Your tenants' FTO screenings")
def api_list(ctx: Context) -> list[dict[str, Any]]:
    return [r.header() for r in feature.list_ftos(ctx)]


@api_router.get(
    "/{fid}",
    tags=["fto"],
    summary="One FTO screening: its status and, when done, the result with the "
    "corrections applied and listed",
)
def api_get(ctx: Context, fid: str) -> dict[str, Any]:
    return _out(*feature.get_fto(ctx, fid))


@api_router.post(
    "/{fid}/corrections",
    tags=["fto"],
    status_code=201,
    summary="Correct one claim element's verdict (an analyst's correction, kept with "
    "who, when, the verdict before and the comment)",
)
def api_correct(ctx: Context, fid: str, body: CorrectionIn) -> dict[str, Any]:
    fix = feature.correct_verdict(
        ctx, fid, body.pub_number, body.claim, body.element, body.verdict, body.comment
    )
    out = _out(*feature.get_fto(ctx, fid))
    out["correction"] = fix.to_dict()
    return out


@api_router.get(
    "/{fid}/download/{fmt}",
    tags=["fto"],
    summary="An FTO screening's report (docx or pdf), with the corrections",
    response_class=FileResponse,
)
def api_download(ctx: Context, fid: str, fmt: str) -> Response:
    path, name, media_type = feature.fto_file(ctx, fid, fmt)
    return FileResponse(path, media_type=media_type, filename=name)
