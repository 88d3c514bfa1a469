"""The barrier API: ``GET /api/v1/barrier`` — the country barrier view (专利壁垒预警) of a
product area, as JSON (the same keys as ``patnav barrier --json``).

Authentication and errors as the rest of the API (:mod:`patnav.web.routers.api`): a
bearer token or a signed-in session; ``store_id`` names a store the user sees (404
otherwise); a query that does not parse or a bad country is a 400.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from starlette.concurrency import run_in_threadpool

from patnav.web.deps import Ctx, api_ctx, verify_csrf
from patnav.web.features import barrier as feature

router = APIRouter(prefix="/api/v1", dependencies=[Depends(verify_csrf)])
Context = Annotated[Ctx, Depends(api_ctx)]


@router.get(
    "/barrier",
    tags=["barrier"],
    summary="Country barrier view (专利壁垒预警): rights in force in each country by "
    "owner, expiry year, family and claim breadth; pending and unknown apart",
)
async def barrier(
    ctx: Context,
    store_id: Annotated[int, Query(description="the store (one you see)")],
    country: Annotated[
        list[str], Query(description="target country, ISO code (repeatable)")
    ],
    query: Annotated[
        str | None, Query(description="the product area as an expert query (检索式)")
    ] = None,
    ipc: Annotated[
        list[str] | None, Query(description="an IPC class of the area (repeatable)")
    ] = None,
    set_name: Annotated[
        str | None, Query(alias="set", description="a saved patent set's name")
    ] = None,
    as_of: Annotated[
        date | None, Query(description="the day rights are judged at (default: today)")
    ] = None,
    top: Annotated[int, Query(ge=1, le=1000)] = 10,
) -> dict[str, Any]:
    result = await run_in_threadpool(
        feature.barrier,
        ctx,
        store_id,
        country,
        as_of or date.today(),
        query=query,
        ipc=tuple(ipc or ()),
        patent_set=set_name,
        top=top,
    )
    return result.to_dict()
