"""Pre-valuation pages for banks (``/prevalue``: portfolio upload with loan terms → the
checks table → the report) and the REST API (``/api/v1/prevalue``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from patnav.models.prevalue import ValuationInputs
from patnav.models.prevalue.checks import CHECKS, STATUS_ZH, TYPE_ZH
from patnav.web import features
from patnav.web.deps import Ctx, api_ctx, page_ctx, verify_csrf
from patnav.web.features.prevalue import PortfolioInput, loan_terms
from patnav.web.render import page

router = APIRouter(
    prefix="/prevalue", dependencies=[Depends(verify_csrf)], include_in_schema=False
)
api_router = APIRouter(prefix="/api/v1/prevalue", dependencies=[Depends(verify_csrf)])
Context = Annotated[Ctx, Depends(api_ctx)]


def _number(value: str | None) -> float | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        from patnav.errors import InvalidParameterError

        raise InvalidParameterError(f"应为数字，实为 {text!r}。") from None


@router.get("", response_class=HTMLResponse)
def prevalue_page(ctx: Annotated[Ctx, Depends(page_ctx)]) -> Response:
    history = features.prevalue.list_prevalues(ctx)
    return page(
        ctx,
        "prevalue.html",
        nav="prevalue",
        history=history,
        stores=features.stores.list_stores(ctx),
        tenants=features.common.tenant_names(ctx),
        can_write=ctx.viewer.can_write,
        names=features.common.user_names(ctx, [r.created_by for r in history]),
    )


@router.post("")
def create(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    store_id: Annotated[int, Form()],
    numbers: Annotated[str, Form()] = "",
    sheet: Annotated[UploadFile | None, File()] = None,
    enterprise: Annotated[str, Form()] = "",
    borrower: Annotated[str, Form()] = "",
    loan_start: Annotated[str, Form()] = "",
    term_months: Annotated[int, Form()] = 12,
    amount: Annotated[str, Form()] = "",
    revenue: Annotated[str, Form()] = "",
    pdf: Annotated[bool, Form()] = False,
) -> Response:
    has_sheet = sheet is not None and bool(sheet.filename)
    given = PortfolioInput(
        numbers=numbers.strip() or None,
        enterprise=enterprise.strip() or None,
        sheet_name=sheet.filename if has_sheet and sheet else None,
        sheet=sheet.file if has_sheet and sheet else None,
    )
    record = features.prevalue.run_prevalue(
        ctx,
        store_id,
        given,
        loan_terms(loan_start or None, term_months, borrower, _number(amount)),
        ValuationInputs(revenue_wan=_number(revenue)),
        formats=("docx", "pdf") if pdf else ("docx",),
    )
    return RedirectResponse(f"/prevalue/{record.id}", status_code=303)


@router.get("/{pid}", response_class=HTMLResponse)
def result_page(ctx: Annotated[Ctx, Depends(page_ctx)], pid: str) -> Response:
    record, result = features.prevalue.get_prevalue(ctx, pid)
    return page(
        ctx,
        "prevalue_result.html",
        nav="prevalue",
        record=record,
        result=result,
        checks=CHECKS,
        status_zh=STATUS_ZH,
        type_zh=TYPE_ZH,
    )


@router.get("/{pid}/download/{fmt}")
def download(ctx: Annotated[Ctx, Depends(page_ctx)], pid: str, fmt: str) -> Response:
    path, name, media_type = features.prevalue.prevalue_file(ctx, pid, fmt)
    return FileResponse(path, media_type=media_type, filename=name)


# -- REST API ------------------------------------------------------------------------


class LoanIn(BaseModel):
    start: str | None = Field(default=None, description="YYYY-MM-DD; default today")
    term_months: int = Field(default=12, ge=1, le=600)
    borrower: str | None = Field(default=None, description="name or 统一社会信用代码")
    amount_wan: float | None = Field(default=None, ge=0)


class ValuationIn(BaseModel):
    revenue_wan: float | None = Field(default=None, ge=0)
    royalty_low: float | None = Field(default=None, ge=0, le=1)
    royalty_high: float | None = Field(default=None, ge=0, le=1)
    discount_low: float | None = Field(default=None, ge=0, le=1)
    discount_high: float | None = Field(default=None, ge=0, le=1)
    economic_life_years: float | None = Field(default=None, gt=0, le=30)
    rd_cost_wan: float | None = Field(default=None, ge=0)
    filing_cost_wan: float | None = Field(default=None, ge=0)


class PreValueIn(BaseModel):
    store_id: int
    numbers: list[str] | None = Field(default=None, max_length=2000)
    set_name: str | None = None
    enterprise: str | None = None
    loan: LoanIn = Field(default_factory=lambda: LoanIn())
    valuation: ValuationIn = Field(default_factory=lambda: ValuationIn())
    formats: list[str] = Field(default_factory=lambda: ["docx"])


def _out(record: Any, result: dict[str, Any]) -> dict[str, Any]:
    return {
        "ok": True,
        **record.header(),
        "downloads": {f: f"/prevalue/{record.id}/download/{f}" for f in record.formats},
        "result": result,
    }


@api_router.post(
    "",
    tags=["prevalue"],
    status_code=201,
    summary="Pre-value a pledge portfolio: checks, value range, pledge ratio, report",
)
def api_create(ctx: Context, body: PreValueIn) -> dict[str, Any]:
    given = PortfolioInput(
        numbers=",".join(body.numbers) if body.numbers else None,
        set_name=body.set_name,
        enterprise=body.enterprise,
    )
    loan = loan_terms(
        body.loan.start, body.loan.term_months, body.loan.borrower, body.loan.amount_wan
    )
    record = features.prevalue.run_prevalue(
        ctx,
        body.store_id,
        given,
        loan,
        ValuationInputs(**body.valuation.model_dump()),
        formats=tuple(body.formats),
    )
    return _out(*features.prevalue.get_prevalue(ctx, record.id))


@api_router.get("", tags=["prevalue"], summary="Your tenants' pre-valuations")
def api_list(ctx: Context) -> list[dict[str, Any]]:
    return [r.header() for r in features.prevalue.list_prevalues(ctx)]


@api_router.get("/{pid}", tags=["prevalue"], summary="One pre-valuation")
def api_get(ctx: Context, pid: str) -> dict[str, Any]:
    return _out(*features.prevalue.get_prevalue(ctx, pid))


@api_router.get(
    "/{pid}/download/{fmt}",
    tags=["prevalue"],
    summary="A pre-valuation's report (docx or pdf)",
    response_class=FileResponse,
)
def api_download(ctx: Context, pid: str, fmt: str) -> Response:
    path, name, media_type = features.prevalue.prevalue_file(ctx, pid, fmt)
    return FileResponse(path, media_type=media_type, filename=name)
