"""Search pages: expert queries (检索式) with errors shown at their column, full-text,
semantic and hybrid modes, pages of hits, and saving a query as a patent set."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from patnav.errors import InputError
from patnav.search import MODES, QuerySyntaxError
from patnav.search.api import MAX_LIMIT
from patnav.web import actions
from patnav.web.deps import Ctx, page_ctx, verify_csrf
from patnav.web.render import page

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)


def syntax_marker(query: str, column: int) -> dict[str, str]:
    """The query split around the (1-based) column at fault, for highlighting."""
    index = max(0, min(len(query), column - 1))
    return {
        "before": query[:index],
        "at": query[index : index + 1] or " ",
        "after": query[index + 1 :],
    }


def plain_error(ctx: Ctx, message: str) -> str:
    """The core's message, or what to do in this app when it names a CLI command."""
    if "patnav index --semantic" in message:
        return ctx.t("search.no_vectors")
    if "run 'patnav index'" in message:
        return ctx.t("search.no_index")
    return message


@router.get("/search", response_class=HTMLResponse)
def pick_store(ctx: Annotated[Ctx, Depends(page_ctx)]) -> Response:
    stores = actions.list_stores(ctx)
    if len(stores) == 1:
        return RedirectResponse(f"/stores/{stores[0].id}/search", status_code=303)
    return page(
        ctx,
        "search_pick.html",
        nav="search",
        stores=stores,
        tenants=actions.tenant_names(ctx),
    )


@router.get("/stores/{store_id}/search", response_class=HTMLResponse)
def search_page(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    store_id: int,
    q: str = "",
    mode: str = "boolean",
    number: Annotated[int, Query(alias="page", ge=1, le=MAX_LIMIT)] = 1,
) -> Response:
    store = actions.get_store(ctx, store_id)
    mode = mode if mode in MODES else "boolean"
    context: dict[str, Any] = {
        "store": store,
        "q": q,
        "mode": mode,
        "modes": MODES,
        "result": None,
        "error": None,
        "marker": None,
        "can_write": ctx.viewer.can_write,
        "max_limit": MAX_LIMIT,
    }
    if q.strip():
        try:
            context["result"] = actions.run_search(
                ctx, store, q, mode=mode, page=number
            )
        except QuerySyntaxError as exc:
            context["error"] = ctx.t(
                "search.syntax_error", column=exc.column
            ) + exc.message_in(ctx.lang)
            context["marker"] = syntax_marker(q, exc.column)
        except InputError as exc:
            context["error"] = plain_error(ctx, str(exc))
    return page(ctx, "search.html", nav="search", **context)


@router.post("/stores/{store_id}/sets")
def save(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    store_id: int,
    name: Annotated[str, Form(max_length=100)],
    query: Annotated[str, Form(max_length=100_000)],
    mode: Annotated[str, Form()] = "boolean",
    description: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    store = actions.get_store(ctx, store_id)
    link = actions.create_set(
        ctx, store, name, query, mode=mode, description=description or None
    )
    return RedirectResponse(f"/sets/{link.id}?msg=saved", status_code=303)
