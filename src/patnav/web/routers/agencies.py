"""The agency dashboard (代理机构质量, ``/agencies``): the ranking of a store's agencies or
agents with the outcomes of their invention applications, the charts, a query box, the
abnormal-filing count on request and the 代理机构质量报告 (DOCX); and its API
(``/api/v1/agencies``: the result as ``patnav agencies --json`` gives it, the charts'
ECharts options, the report)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from patnav.analyses.agencies import OUTCOMES_ZH, ROLES_ZH, TYPES_ZH
from patnav.errors import InputError, QuerySyntaxError
from patnav.web import features
from patnav.web.deps import Ctx, api_ctx, page_ctx, verify_csrf
from patnav.web.features import agencies as feature
from patnav.web.features.agencies import MAX_TOP, SECTION_ZH, AgencyAsk
from patnav.web.render import page

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
api_router = APIRouter(
    prefix="/api/v1/agencies", dependencies=[Depends(verify_csrf)], tags=["agencies"]
)
Context = Annotated[Ctx, Depends(api_ctx)]
PageContext = Annotated[Ctx, Depends(page_ctx)]

StoreId = Annotated[int | None, Query(description="the store (one you see)")]
QueryText = Annotated[
    str | None,
    Query(max_length=10_000, description="an expert query (检索式), e.g. AGC=32243"),
]
Role = Annotated[str, Query(description="agency (代理机构) or agent (代理人)")]
Top = Annotated[int, Query(ge=1, le=MAX_TOP, description="agencies listed")]
MinUnits = Annotated[
    int, Query(ge=1, description="fewest applications an agency needs to be ranked")
]
Abnormal = Annotated[
    bool,
    Query(
        description="run the abnormal-filing detector over the documents (slow on "
        "large stores); otherwise that column is null (unknown)"
    ),
]


def _error(ctx: Ctx, exc: InputError) -> str:
    if isinstance(exc, QuerySyntaxError):
        return ctx.t("agc.syntax_error", column=exc.column) + exc.message_in(ctx.lang)
    return str(exc)


@router.get("/agencies", response_class=HTMLResponse)
def agencies_page(
    ctx: PageContext,
    store_id: StoreId = None,
    query: QueryText = None,
    role: Role = "agency",
    top: Top = 20,
    min_units: MinUnits = 5,
    abnormal: Abnormal = False,
    agency: Annotated[str | None, Query(max_length=1000)] = None,
) -> Response:
    stores = features.stores.list_stores(ctx)
    chosen = store_id if store_id is not None else (stores[0].id if stores else None)
    ask = AgencyAsk(query, role, top, min_units, abnormal)
    result, error = None, None
    if chosen is not None:
        try:
            result = feature.quality(ctx, chosen, ask)
        except InputError as exc:
            error = _error(ctx, exc)
    picked, charts, charts_url, here = None, [], None, ""
    if result is not None:
        if agency:
            picked = next((r for r in result.rows if r.key == agency), None)
        charts = feature.charts(result, ctx.lang, agency=picked.key if picked else None)
        params: dict[str, Any] = {
            "store_id": chosen,
            "query": ask.query or "",
            "role": role,
            "top": top,
            "min_units": min_units,
            "abnormal": "true" if abnormal else "false",
        }
        here = urlencode(params)
        params["lang"] = ctx.lang
        if picked:
            params["agency"] = picked.key
        charts_url = f"/api/v1/agencies/charts?{urlencode(params)}"
    return page(
        ctx,
        "agencies.html",
        nav="agencies",
        stores=stores,
        tenants=features.common.tenant_names(ctx),
        store_id=chosen,
        ask=ask,
        result=result,
        picked=picked,
        charts=charts,
        charts_url=charts_url,
        query_without_agency=here,
        error=error,
        max_top=MAX_TOP,
        roles_zh=ROLES_ZH,
        types_zh=TYPES_ZH,
        outcomes_zh=OUTCOMES_ZH,
        section_zh=SECTION_ZH,
    )


@router.post("/agencies/report")
def agencies_report(
    ctx: PageContext,
    store_id: Annotated[int, Form()],
    query: Annotated[str, Form(max_length=10_000)] = "",
    role: Annotated[str, Form()] = "agency",
    top: Annotated[int, Form(ge=1, le=MAX_TOP)] = 20,
    min_units: Annotated[int, Form(ge=1)] = 5,
    abnormal: Annotated[bool, Form()] = False,
) -> Response:
    path, name, media_type = feature.report(
        ctx, store_id, AgencyAsk(query, role, top, min_units, abnormal)
    )
    return FileResponse(
        path,
        media_type=media_type,
        filename=name,
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


# -- REST API ------------------------------------------------------------------------


@api_router.get(
    "",
    summary="Agency quality (代理机构质量): agencies or agents ranked by applications, "
    "grant/rejection/withdrawal rates over the decided invention applications (pending "
    "and unknown apart), claims per application, abnormal flags when asked",
)
async def api_agencies(
    ctx: Context,
    store_id: Annotated[int, Query(description="the store (one you see)")],
    query: QueryText = None,
    role: Role = "agency",
    top: Top = 20,
    min_units: MinUnits = 5,
    abnormal: Abnormal = False,
) -> dict[str, Any]:
    ask = AgencyAsk(query, role, top, min_units, abnormal)
    result = await run_in_threadpool(feature.quality, ctx, store_id, ask)
    return result.to_dict()


@api_router.get(
    "/charts",
    summary="The agency dashboard's charts as ECharts options (the ranking, the rates, "
    "the trend; with agency= that agency's trend and fields)",
)
async def api_charts(
    ctx: Context,
    store_id: Annotated[int, Query(description="the store (one you see)")],
    query: QueryText = None,
    role: Role = "agency",
    top: Top = 20,
    min_units: MinUnits = 5,
    abnormal: Abnormal = False,
    agency: Annotated[
        str | None, Query(max_length=1000, description="a listed row's key")
    ] = None,
) -> dict[str, Any]:
    ask = AgencyAsk(query, role, top, min_units, abnormal)
    result = await run_in_threadpool(feature.quality, ctx, store_id, ask)
    charts = feature.charts(result, ctx.lang, agency=agency)
    return {"charts": [c.to_dict() for c in charts]}


@api_router.post(
    "/report",
    summary="The 代理机构质量报告 (DOCX) of the same parameters",
    response_class=FileResponse,
)
def api_report(
    ctx: Context,
    store_id: Annotated[int, Query(description="the store (one you see)")],
    query: QueryText = None,
    role: Role = "agency",
    top: Top = 20,
    min_units: MinUnits = 5,
    abnormal: Abnormal = False,
) -> Response:
    path, name, media_type = feature.report(
        ctx, store_id, AgencyAsk(query, role, top, min_units, abnormal)
    )
    return FileResponse(
        path,
        media_type=media_type,
        filename=name,
        background=BackgroundTask(path.unlink, missing_ok=True),
    )
