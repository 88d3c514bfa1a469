"""Search pages: expert queries (检索式) with errors shown at their column, full-text,
semantic and hybrid modes, result lists grouped by family (or every document), sorted,
narrowed by facets and exported, and saving a query as a patent set.

The page only translates: the list, its facets and its notes come from the core
(:func:`patnav.search.results.search_results`); this module turns the request's parameters
into options and the options into links.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.background import BackgroundTask

from patnav.errors import InputError, QuerySyntaxError
from patnav.search import MODES
from patnav.search.api import MAX_LIMIT
from patnav.search.hits import note_text
from patnav.search.results import ABROAD, DESCENDING, FACETS, GROUPS, SORTS
from patnav.web import features
from patnav.web.deps import Ctx, page_ctx, verify_csrf
from patnav.web.render import page

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)

Facet = Annotated[list[str] | None, Query(max_length=500)]


def facet_filters(
    applicant: Facet = None,
    year: Facet = None,
    type: Facet = None,
    province: Facet = None,
    ipc: Facet = None,
    status: Facet = None,
) -> dict[str, list[str]]:
    """The facet values a list is narrowed to, from the query string (one parameter per
    facet, repeated for several values; an empty value means "unknown")."""
    given = {
        "applicant": applicant,
        "year": year,
        "type": type,
        "province": province,
        "ipc": ipc,
        "status": status,
    }
    return {name: values for name, values in given.items() if values}


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
    if message.startswith("The query is empty"):
        return ctx.t("search.empty")
    return message


def list_options(
    mode: str,
    group: str,
    sort: str,
    order: str,
    facets: dict[str, list[str]],
    cross_lingual: bool = False,
) -> features.search.ListOptions:
    """The options of a result list from request parameters (unknown values fall back to
    the defaults; an empty facet value means "unknown")."""
    descending = {"desc": True, "asc": False}.get(order)
    filters = {
        name: tuple(None if v == "" else v for v in dict.fromkeys(values))
        for name, values in facets.items()
        if values
    }
    return features.search.ListOptions(
        mode=mode if mode in MODES else "boolean",
        group=group if group in GROUPS else "family",
        sort=sort if sort in SORTS else "relevance",
        descending=descending,
        filters=filters,
        cross_lingual=cross_lingual,
    )


def facet_label(ctx: Ctx, name: str, value: str | None) -> str:
    """A facet value as the page shows it: 未知 for unknown, labels for codes."""
    if value is None:
        return ctx.t("search.unknown")
    if name == "type":
        return ctx.t(f"ptype.{value}")
    if name == "status":
        return ctx.t(f"ls.{value}")
    if name == "province" and value == ABROAD:
        return ctx.t("search.abroad")
    return value


def linker(q: str, options: features.search.ListOptions) -> Callable[..., str]:
    """``link(**changes)``: the query string of this list with some options changed;
    ``toggle=(facet, value)`` adds or removes one facet value (and goes to page 1)."""

    def link(**changes: Any) -> str:
        filters = {k: list(v) for k, v in options.filters.items()}
        toggle = changes.pop("toggle", None)
        if toggle is not None:
            name, value = toggle
            values = filters.setdefault(name, [])
            if value in values:
                values.remove(value)
            else:
                values.append(value)
        if changes.pop("clear", False):
            filters = {}
        state: dict[str, Any] = {
            "q": q,
            "mode": options.mode,
            "group": options.group,
            "sort": options.sort,
            "order": ""
            if options.descending is None
            else ("desc" if options.descending else "asc"),
            "cross_lingual": "true" if options.cross_lingual else None,
        }
        state.update(changes)
        pairs = [(k, v) for k, v in state.items() if v not in ("", None)]
        for name in FACETS:
            pairs += [(name, "" if v is None else v) for v in filters.get(name, [])]
        return "?" + urlencode(pairs)

    return link


@router.get("/search", response_class=HTMLResponse)
def pick_store(ctx: Annotated[Ctx, Depends(page_ctx)]) -> Response:
    stores = features.stores.list_stores(ctx)
    if len(stores) == 1:
        return RedirectResponse(f"/stores/{stores[0].id}/search", status_code=303)
    return page(
        ctx,
        "search_pick.html",
        nav="search",
        stores=stores,
        tenants=features.common.tenant_names(ctx),
    )


@router.get("/stores/{store_id}/search", response_class=HTMLResponse)
def search_page(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    store_id: int,
    facets: Annotated[dict[str, list[str]], Depends(facet_filters)],
    q: str = "",
    mode: str = "boolean",
    number: Annotated[int, Query(alias="page", ge=1, le=MAX_LIMIT)] = 1,
    group: str = "family",
    sort: str = "relevance",
    order: str = "",
    cross_lingual: bool = False,
) -> Response:
    store = features.stores.get_store(ctx, store_id)
    options = list_options(mode, group, sort, order, facets, cross_lingual)
    context: dict[str, Any] = {
        "store": store,
        "q": q,
        "mode": options.mode,
        "modes": MODES,
        "options": options,
        "sorts": SORTS,
        "default_descending": DESCENDING,
        "facet_names": FACETS,
        "facet_label": lambda name, value: facet_label(ctx, name, value),
        "link": linker(q, options),
        "result": None,
        "notes": [],
        "error": None,
        "marker": None,
        "can_write": ctx.viewer.can_write,
        "max_limit": MAX_LIMIT,
    }
    if q.strip():
        try:
            found = features.search.run_results(ctx, store, q, options, page=number)
            context["result"] = found
            context["notes"] = [note_text(n, ctx.lang) for n in found.result.notes]
        except QuerySyntaxError as exc:
            context["error"] = ctx.t(
                "search.syntax_error", column=exc.column
            ) + exc.message_in(ctx.lang)
            context["marker"] = syntax_marker(q, exc.column)
        except InputError as exc:
            context["error"] = plain_error(ctx, str(exc))
    return page(ctx, "search.html", nav="search", **context)


@router.get("/stores/{store_id}/search/export")
def export(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    store_id: int,
    q: Annotated[str, Query(min_length=1, max_length=100_000)],
    facets: Annotated[dict[str, list[str]], Depends(facet_filters)],
    mode: str = "boolean",
    group: str = "family",
    sort: str = "relevance",
    order: str = "",
    fmt: Annotated[str, Query(alias="format", pattern="^(csv|xlsx)$")] = "xlsx",
    cross_lingual: bool = False,
) -> Response:
    """The whole result list, as shown, in a CSV or Excel file."""
    store = features.stores.get_store(ctx, store_id)
    options = list_options(mode, group, sort, order, facets, cross_lingual)
    path, name = features.search.export_search(ctx, store, q, options, fmt)
    media = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return FileResponse(
        path,
        media_type=media,
        filename=name,
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


@router.post("/stores/{store_id}/sets")
def save(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    store_id: int,
    name: Annotated[str, Form(max_length=100)],
    query: Annotated[str, Form(max_length=100_000)],
    mode: Annotated[str, Form()] = "boolean",
    description: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    store = features.stores.get_store(ctx, store_id)
    link = features.sets.create_set(
        ctx, store, name, query, mode=mode, description=description or None
    )
    return RedirectResponse(f"/sets/{link.id}?msg=saved", status_code=303)
