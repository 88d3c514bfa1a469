"""The capability API: ``/api/v1/capability`` (the ranking), ``/api/v1/capability/{enterprise}``
(one enterprise explained) and ``/api/v1/highvalue`` (每万人口高价值发明专利拥有量), as JSON.

Authentication and errors as the rest of the API (:mod:`patnav.web.routers.api`): a
bearer token or a signed-in session; ``store_id`` names a store the user sees (404
otherwise).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from starlette.concurrency import run_in_threadpool

from patnav.web.deps import Ctx, api_ctx, verify_csrf
from patnav.web.features import capability as feature

router = APIRouter(prefix="/api/v1", dependencies=[Depends(verify_csrf)])
Context = Annotated[Ctx, Depends(api_ctx)]
StoreId = Annotated[int, Query(description="the store (one you see)")]


@router.get(
    "/capability",
    tags=["capability"],
    summary="Enterprises ranked by innovation capability, with percentiles among peers "
    "and what was missing",
)
async def capability(
    ctx: Context,
    store_id: StoreId,
    region: Annotated[str | None, Query(description="a province, or its start")] = None,
    industry: Annotated[
        str | None, Query(description="peer industry: C, C39 or an IPC section")
    ] = None,
    top: Annotated[int, Query(ge=1, le=1000)] = 20,
) -> dict[str, Any]:
    result = await run_in_threadpool(
        feature.ranking, ctx, store_id, region=region, industry=industry, top=top
    )
    return result.to_dict()


@router.get(
    "/capability/{enterprise}",
    tags=["capability"],
    summary="One enterprise's capability index explained (name, part of it, or USCC)",
)
async def capability_of(
    ctx: Context, store_id: StoreId, enterprise: str
) -> dict[str, Any]:
    result = await run_in_threadpool(feature.explain, ctx, store_id, enterprise)
    return result.to_dict()


@router.get(
    "/highvalue",
    tags=["capability"],
    summary="每万人口高价值发明专利拥有量 counts per region (criteria without data: "
    "不可评估; the ratio needs a population table, see patnav highvalue)",
)
async def highvalue(
    ctx: Context,
    store_id: StoreId,
    level: Annotated[str, Query(pattern="^(province|city)$")] = "province",
) -> dict[str, Any]:
    result = await run_in_threadpool(feature.high_value, ctx, store_id, level=level)
    return result.to_dict()
