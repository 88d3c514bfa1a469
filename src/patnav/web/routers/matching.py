"""Supply–demand matching pages (专利技术供需对接, ``/match``) and API (``/api/v1/match``).

Pages: the needs and listings kept by the user's tenants; the demand side (a need typed
in, a needs file, or kept needs → the supply patents of a store, explained; unknown
status apart); the supply side (owners or numbers → the kept needs each offered patent
matches); the 对接清单 (xlsx) of either. The API gives the same as JSON (the keys of
``patnav match --json``) and keeps needs and listings.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

from patnav.errors import InputError, InvalidParameterError
from patnav.models.matching import LICENCE_TYPES, Need
from patnav.models.matching.supply import KIND_ZH, STATUS_ZH
from patnav.web import features
from patnav.web.deps import Ctx, api_ctx, page_ctx, require_scope, verify_csrf
from patnav.web.features import matching as feature
from patnav.web.features.matching import MATCH_ROLES, MAX_NEEDS, MAX_TOP, MatchRun
from patnav.web.render import page

router = APIRouter(
    prefix="/match", dependencies=[Depends(verify_csrf)], include_in_schema=False
)
api_router = APIRouter(
    prefix="/api/v1/match", dependencies=[Depends(verify_csrf)], tags=["match"]
)
Context = Annotated[Ctx, Depends(api_ctx)]
PageContext = Annotated[Ctx, Depends(page_ctx)]
METHOD_ZH = {"hybrid": "全文与语义混合排序", "fulltext": "全文排序"}
NOTICES = {"needs": "match.saved_needs", "listings": "match.saved_listings"}


def _lines(value: str) -> list[str]:
    return [x.strip() for x in value.replace("；", "\n").splitlines() if x.strip()]


def _has(upload: UploadFile | None) -> bool:
    return upload is not None and bool(upload.filename)


def _page(
    ctx: Ctx,
    *,
    run: MatchRun | None = None,
    error: str | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    needs = feature.list_needs(ctx)
    listings = feature.list_listings(ctx)
    stores = features.stores.list_stores(ctx)
    return page(
        ctx,
        "match.html",
        nav="match",
        status_code=status_code,
        stores=stores,
        tenants=features.common.tenant_names(ctx),
        needs=needs,
        listings=listings,
        can_save=ctx.viewer.can_write and ctx.viewer.role in MATCH_ROLES,
        run=run,
        error=error,
        form=form or {},
        max_top=MAX_TOP,
        max_needs=MAX_NEEDS,
        licence_types=LICENCE_TYPES,
        kind_zh=KIND_ZH,
        status_zh=STATUS_ZH,
        method_zh=METHOD_ZH,
        needs_json=(
            json.dumps([n.to_dict() for n in run.needs], ensure_ascii=False)
            if run is not None
            else ""
        ),
    )


@router.get("", response_class=HTMLResponse)
def match_page(ctx: PageContext, msg: str | None = None) -> Response:
    if msg in NOTICES:
        ctx.notices.append(ctx.t(NOTICES[msg]))
    return _page(ctx)


def _form_need(
    text: str, need_id: str, enterprise: str, ipc: str, industry: str, region: str
) -> Need:
    return feature.need_of(
        text,
        need_id=need_id,
        enterprise=enterprise,
        ipc=_lines(ipc),
        industry=industry,
        region=region,
    )


@router.post("", response_class=HTMLResponse)
def demand(
    ctx: PageContext,
    store_id: Annotated[int, Form()],
    text: Annotated[str, Form()] = "",
    need_id: Annotated[str, Form()] = "",
    enterprise: Annotated[str, Form()] = "",
    ipc: Annotated[str, Form()] = "",
    industry: Annotated[str, Form()] = "",
    region: Annotated[str, Form()] = "",
    needs_file: Annotated[UploadFile | None, File()] = None,
    need: Annotated[list[str] | None, Form()] = None,
    save: Annotated[bool, Form()] = False,
    include_unknown: Annotated[bool, Form()] = False,
    top: Annotated[int, Form()] = 10,
    as_of: Annotated[str, Form()] = "",
) -> Response:
    """The demand side: the need typed in, the needs of a file and the kept needs
    ticked, matched (and kept first when asked)."""
    form = {
        "store_id": store_id,
        "text": text,
        "need_id": need_id,
        "enterprise": enterprise,
        "ipc": ipc,
        "industry": industry,
        "region": region,
        "include_unknown": include_unknown,
        "top": top,
        "as_of": as_of,
        "direction": "demand",
    }
    try:
        given: list[Need] = []
        if text.strip():
            given.append(_form_need(text, need_id, enterprise, ipc, industry, region))
        if _has(needs_file) and needs_file is not None:
            given.extend(
                feature.needs_from_file(ctx, needs_file.filename, needs_file.file)
            )
        if save and given:
            given = [r.need for r in feature.save_needs(ctx, given)]
        picked = list(feature.pick_needs(ctx, need)) if need else []
        run = feature.run_demand(
            ctx,
            store_id,
            [*given, *picked],
            include_unknown=include_unknown,
            top=top,
            as_of=as_of,
        )
    except InputError as exc:
        return _page(ctx, error=str(exc), form=form, status_code=400)
    return _page(ctx, run=run, form=form)


@router.get("/patents", response_class=HTMLResponse)
def supply_side(
    ctx: PageContext,
    store_id: int,
    owners: str = "",
    numbers: str = "",
    include_unknown: bool = False,
    top: Annotated[int, Query(ge=1, le=MAX_TOP)] = 10,
    as_of: str = "",
) -> Response:
    """The supply side: the kept needs each offered patent (of the owners or numbers
    given) matches."""
    form = {
        "store_id": store_id,
        "owners": owners,
        "numbers": numbers,
        "include_unknown": include_unknown,
        "top": top,
        "as_of": as_of,
        "direction": "supply",
    }
    try:
        run = feature.run_supply(
            ctx,
            store_id,
            owners=_lines(owners),
            numbers=_lines(numbers.replace(",", "\n").replace("，", "\n")),
            include_unknown=include_unknown,
            top=top,
            as_of=as_of,
        )
    except InputError as exc:
        return _page(ctx, error=str(exc), form=form, status_code=400)
    return _page(ctx, run=run, form=form)


@router.post("/needs")
def save_needs(
    ctx: PageContext,
    text: Annotated[str, Form()] = "",
    need_id: Annotated[str, Form()] = "",
    enterprise: Annotated[str, Form()] = "",
    ipc: Annotated[str, Form()] = "",
    industry: Annotated[str, Form()] = "",
    region: Annotated[str, Form()] = "",
    needs_file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    given: list[Need] = []
    if text.strip():
        given.append(_form_need(text, need_id, enterprise, ipc, industry, region))
    if _has(needs_file) and needs_file is not None:
        given.extend(feature.needs_from_file(ctx, needs_file.filename, needs_file.file))
    feature.save_needs(ctx, given)
    return RedirectResponse("/match?msg=needs", status_code=303)


@router.post("/needs/{need_id}/delete")
def delete_need(ctx: PageContext, need_id: str) -> Response:
    feature.delete(ctx, "need", need_id)
    return RedirectResponse("/match", status_code=303)


@router.post("/listings")
def save_listings(
    ctx: PageContext,
    pub_number: Annotated[str, Form()] = "",
    licence_type: Annotated[str, Form()] = "开放许可",
    terms: Annotated[str, Form()] = "",
    listings_file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    given = []
    if pub_number.strip():
        given.append(feature.listing_of(pub_number, licence_type, terms))
    if _has(listings_file) and listings_file is not None:
        given.extend(
            feature.listings_from_file(ctx, listings_file.filename, listings_file.file)
        )
    feature.save_listings(ctx, given)
    return RedirectResponse("/match?msg=listings", status_code=303)


@router.post("/listings/{listing_id}/delete")
def delete_listing(ctx: PageContext, listing_id: str) -> Response:
    feature.delete(ctx, "listing", listing_id)
    return RedirectResponse("/match", status_code=303)


@router.post("/xlsx")
def xlsx(
    ctx: PageContext,
    store_id: Annotated[int, Form()],
    direction: Annotated[str, Form()] = "demand",
    needs_json: Annotated[str, Form()] = "",
    owners: Annotated[str, Form()] = "",
    numbers: Annotated[str, Form()] = "",
    include_unknown: Annotated[bool, Form()] = False,
    top: Annotated[int, Form()] = 10,
    as_of: Annotated[str, Form()] = "",
) -> Response:
    """The 对接清单 of what the page showed (the matching made again)."""
    if direction == "supply":
        run = feature.run_supply(
            ctx,
            store_id,
            owners=_lines(owners),
            numbers=_lines(numbers.replace(",", "\n").replace("，", "\n")),
            include_unknown=include_unknown,
            top=top,
            as_of=as_of,
        )
    else:
        run = feature.run_demand(
            ctx,
            store_id,
            _needs_of_json(needs_json),
            include_unknown=include_unknown,
            top=top,
            as_of=as_of,
        )
    path, name, media_type = feature.match_list(ctx, run)
    return FileResponse(
        path,
        media_type=media_type,
        filename=name,
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


def _needs_of_json(text: str) -> list[Need]:
    try:
        items = json.loads(text or "[]")
    except ValueError:
        raise InvalidParameterError("需求数据有误，请重新匹配后再下载。") from None
    if not isinstance(items, list):
        raise InvalidParameterError("需求数据有误，请重新匹配后再下载。")
    return [
        feature.need_of(
            str(x.get("text") or ""),
            need_id=x.get("id"),
            enterprise=x.get("enterprise"),
            ipc=list(x.get("ipc") or ()),
            industry=x.get("industry"),
            region=x.get("region"),
        )
        for x in items
        if isinstance(x, dict)
    ]


# -- REST API ------------------------------------------------------------------------


class NeedIn(BaseModel):
    text: str = Field(max_length=feature.MAX_TEXT, description="the need in free text")
    id: str | None = Field(default=None, max_length=100)
    enterprise: str | None = Field(default=None, max_length=200)
    ipc: list[str] = Field(default_factory=list, max_length=50)
    industry: str | None = Field(default=None, max_length=200)
    region: str | None = Field(
        default=None, max_length=50, description="a province or a city"
    )

    def need(self) -> Need:
        return feature.need_of(
            self.text,
            need_id=self.id,
            enterprise=self.enterprise,
            ipc=self.ipc,
            industry=self.industry,
            region=self.region,
        )


class ListingIn(BaseModel):
    pub_number: str = Field(max_length=50, examples=["CN112345678A"])
    licence_type: str = Field(description="开放许可, 转让 or 许可")
    terms: str | None = Field(default=None, max_length=2000)


class Options(BaseModel):
    store_id: int
    include_unknown: bool = Field(
        default=False,
        description="also match university/institute patents of unknown status "
        "(marked unknown, never as in force)",
    )
    top: int = Field(default=10, ge=1, le=MAX_TOP)
    as_of: str | None = Field(default=None, description="YYYY-MM-DD; default today")


class DemandIn(Options):
    needs: list[NeedIn] = Field(default_factory=list, max_length=MAX_NEEDS)
    need_ids: list[str] = Field(
        default_factory=list, max_length=MAX_NEEDS, description="kept needs' ids"
    )
    save: bool = Field(default=False, description="keep the needs given first")


class SupplyIn(Options):
    owners: list[str] = Field(default_factory=list, max_length=100)
    numbers: list[str] = Field(default_factory=list, max_length=1000)


def _demand(ctx: Ctx, body: DemandIn) -> tuple[MatchRun, list[Any]]:
    given = [n.need() for n in body.needs]
    if body.save:
        require_scope(ctx, "write")  # a matching reads; keeping the needs writes
    saved = feature.save_needs(ctx, given) if body.save and given else []
    if saved:
        given = [r.need for r in saved]
    picked = list(feature.pick_needs(ctx, body.need_ids)) if body.need_ids else []
    run = feature.run_demand(
        ctx,
        body.store_id,
        [*given, *picked],
        include_unknown=body.include_unknown,
        top=body.top,
        as_of=body.as_of,
    )
    return run, saved


@api_router.post(
    "",
    summary="Demand side: each need's supply patents (idle university/institute "
    "patents in force, kept listings), explained; unknown status only when asked",
)
def api_demand(ctx: Context, body: DemandIn) -> dict[str, Any]:
    run, saved = _demand(ctx, body)
    return {**run.to_dict(), "saved": [r.to_dict() for r in saved]}


@api_router.post(
    "/patents",
    summary="Supply side: the kept needs each offered patent (of the owners or numbers "
    "given, else every one on offer) matches",
)
def api_supply(ctx: Context, body: SupplyIn) -> dict[str, Any]:
    run = feature.run_supply(
        ctx,
        body.store_id,
        owners=body.owners,
        numbers=body.numbers,
        include_unknown=body.include_unknown,
        top=body.top,
        as_of=body.as_of,
    )
    return run.to_dict()


@api_router.post(
    "/xlsx",
    summary="The 对接清单 (xlsx) of a demand-side matching",
    response_class=FileResponse,
)
def api_xlsx(ctx: Context, body: DemandIn) -> Response:
    run, _ = _demand(ctx, body)
    path, name, media_type = feature.match_list(ctx, run)
    return FileResponse(
        path,
        media_type=media_type,
        filename=name,
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


def _at_most(items: list[Any], limit: int) -> None:
    if len(items) > limit:
        raise InvalidParameterError(f"一次最多 {limit} 条，实为 {len(items)} 条。")


@api_router.get("/needs", summary="The needs your tenants keep")
def api_needs(ctx: Context) -> list[dict[str, Any]]:
    return [r.to_dict() for r in feature.list_needs(ctx)]


@api_router.post("/needs", status_code=201, summary="Keep needs for your tenant")
def api_save_needs(ctx: Context, body: list[NeedIn]) -> list[dict[str, Any]]:
    _at_most(body, MAX_NEEDS)
    return [r.to_dict() for r in feature.save_needs(ctx, [n.need() for n in body])]


@api_router.delete("/needs/{need_id}", summary="Remove a kept need")
def api_delete_need(ctx: Context, need_id: str) -> dict[str, Any]:
    feature.delete(ctx, "need", need_id)
    return {"ok": True}


@api_router.get("/listings", summary="The listings your tenants keep")
def api_listings(ctx: Context) -> list[dict[str, Any]]:
    return [r.to_dict() for r in feature.list_listings(ctx)]


@api_router.post(
    "/listings",
    status_code=201,
    summary="Keep listings (开放许可, 转让 or 许可 of a patent) for your tenant",
)
def api_save_listings(ctx: Context, body: list[ListingIn]) -> list[dict[str, Any]]:
    _at_most(body, 1000)
    given = [feature.listing_of(x.pub_number, x.licence_type, x.terms) for x in body]
    return [r.to_dict() for r in feature.save_listings(ctx, given)]


@api_router.delete("/listings/{listing_id}", summary="Remove a kept listing")
def api_delete_listing(ctx: Context, listing_id: str) -> dict[str, Any]:
    feature.delete(ctx, "listing", listing_id)
    return {"ok": True}
