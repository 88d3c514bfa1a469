"""Dashboards: a set's landscape analyses (computed once per data version by the hub),
its key figures and its charts as JSON (``routers/dashboard.py``, the API's
``/sets/{id}/dashboard`` and ``/sets/{id}/analyses/{name}``)."""

from __future__ import annotations

import json
from typing import Any

from patnav.platform.models import DataStore, PatentSetLink
from patnav.web import charts
from patnav.web.deps import Ctx
from patnav.web.features.common import handle_of
from patnav.web.features.sets import get_set, set_dict, set_store
from patnav.web.services import Dashboard


def dashboard(
    ctx: Ctx, set_id: int, count_by: str = "family"
) -> tuple[PatentSetLink, Dashboard]:
    """The set's landscape analyses (cached per data version)."""
    link, _, board = dashboard_of(ctx, set_id, count_by)
    return link, board


def dashboard_of(
    ctx: Ctx, set_id: int, count_by: str = "family"
) -> tuple[PatentSetLink, DataStore, Dashboard]:
    """The set, its store and its landscape analyses (cached per data version)."""
    link = get_set(ctx, set_id)
    store = set_store(ctx, link)
    handle = handle_of(ctx, store)
    board = ctx.hub.dashboard(
        handle, _set_key(link), link.name, label=link.name, count_by=count_by
    )
    return link, store, board


def cached_dashboard_of(
    ctx: Ctx, set_id: int, count_by: str = "family"
) -> tuple[PatentSetLink, DataStore, Dashboard] | None:
    """Like :func:`dashboard_of` when the landscape is computed already for this data
    version and the store is open — quick enough for the event loop; else None (call
    :func:`dashboard_of` in a worker thread). Access is checked either way."""
    link = get_set(ctx, set_id)
    store = set_store(ctx, link)
    handle = ctx.hub.opened(store.id)
    if handle is None:
        return None
    board = ctx.hub.cached_dashboard(handle, _set_key(link), count_by)
    return None if board is None else (link, store, board)


def _set_key(link: PatentSetLink) -> tuple[Any, ...]:
    return ("set", link.id, link.name, link.query, link.mode, str(link.last_run_at))


def dashboard_json(ctx: Ctx, set_id: int, count_by: str = "family") -> bytes:
    """The dashboard as JSON bytes: the set, its summary, and every chart's ECharts
    option (built once per language and data version, then served from the cache)."""
    link, board = dashboard(ctx, set_id, count_by)
    return dashboard_bytes(link, board, count_by, ctx.lang)


def dashboard_bytes(
    link: PatentSetLink, board: Dashboard, count_by: str, lang: str
) -> bytes:
    """The JSON of :func:`dashboard_json` for a computed landscape (cached per
    language)."""
    cached = board.rendered.get(lang)
    if cached is None:
        payload = {
            "set": set_dict(link),
            "count_by": count_by,
            "seconds": round(board.seconds, 3),
            "summary": dashboard_summary(board.results),
            "charts": [c.to_dict() for c in dashboard_charts(board, lang)],
        }
        cached = board.rendered[lang] = json.dumps(
            payload, ensure_ascii=False, separators=(",", ":"), default=str
        ).encode()
    return cached


def dashboard_charts(board: Dashboard, lang: str) -> list[charts.Chart]:
    """The dashboard's charts in ``lang``, built once per data version."""
    built = board.built.get(lang)
    if built is None:
        built = board.built[lang] = charts.dashboard_charts(board.results, lang)
    return built


def dashboard_summary(results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The key figures shown above the charts."""
    trend = results.get("trend", {})
    applicants = results.get("applicants", {})
    return {
        "total": trend.get("total", 0),
        "unit_zh": trend.get("unit_zh"),
        "count_by": trend.get("count_by"),
        "cutoff": trend.get("cutoff"),
        "incomplete_from": trend.get("incomplete_from"),
        "lifecycle": trend.get("lifecycle"),
        "cagr": trend.get("cagr"),
        "concentration": applicants.get("concentration"),
    }
