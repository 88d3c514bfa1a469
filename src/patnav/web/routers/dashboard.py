"""The dashboard of a patent set: key figures and the landscape analyses as ECharts charts
(the chart data comes from ``/api/v1/sets/{id}/dashboard``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from patnav.web import charts, features
from patnav.web.deps import Ctx, page_ctx
from patnav.web.render import page, templates

router = APIRouter(include_in_schema=False)

COUNT_BY = ("family", "application", "document")
UNIT_NAMES = {
    "zh": {"family": "专利族", "application": "件申请", "document": "篇文献"},
    "en": charts.UNITS_EN,
}


@router.get("/sets/{set_id}", response_class=HTMLResponse)
async def dashboard_page(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    set_id: int,
    count_by: Annotated[
        str, Query(pattern="^(family|application|document)$")
    ] = "family",
    msg: str | None = None,
) -> Response:
    params = ctx.request.query_params
    if msg == "saved":
        ctx.notices.append(ctx.t("search.saved"))
    elif msg == "rerun":
        ctx.notices.append(
            ctx.t(
                "sets.rerun_done",
                count=params.get("count", "?"),
                new=params.get("new", "?"),
                removed=params.get("removed", "?"),
            )
        )
    # a computed landscape is served on the event loop (two indexed reads of the
    # platform database and cached HTML); computing one goes to a worker thread
    found = features.dashboard.cached_dashboard_of(ctx, set_id, count_by)
    if found is None:
        found = await run_in_threadpool(
            features.dashboard.dashboard_of, ctx, set_id, count_by
        )
    link, store, board = found
    body = board.html.get(ctx.lang)
    if body is None:  # the same for every user: rendered once per language
        body = board.html[ctx.lang] = templates.get_template(
            "_dashboard_body.html"
        ).render(
            t=ctx.t,
            lang=ctx.lang,
            link=link,
            store=store,
            count_by=count_by,
            seconds=board.seconds,
            summary=features.dashboard.dashboard_summary(board.results),
            unit=UNIT_NAMES[ctx.lang][count_by],
            charts=features.dashboard.dashboard_charts(board, ctx.lang),
            applicants=(board.results.get("applicants") or {}).get("applicants", [])[
                :20
            ],
            core=[
                c
                for c in (board.results.get("citations") or {}).get("core", [])[:10]
                if c.get("score")
            ],
        )
    return page(
        ctx,
        "dashboard.html",
        nav="sets",
        link=link,
        store=store,
        count_by=count_by,
        count_bys=COUNT_BY,
        unit_names=UNIT_NAMES[ctx.lang],
        body=Markup(body),  # rendered above by Jinja, autoescaped
        can_write=ctx.viewer.can_write,
    )
