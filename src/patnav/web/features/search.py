"""Search: a store's result list, one page at a time, and its export
(``routers/search.py``, the API's ``/stores/{id}/search``)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from patnav.errors import InvalidParameterError
from patnav.platform import audit
from patnav.platform.models import DataStore
from patnav.search.api import MAX_LIMIT
from patnav.search.results import ResultList, check_options, export_results
from patnav.web.deps import Ctx
from patnav.web.features.common import handle_of

PAGE_SIZE = 20
PREFETCH_ROWS = 100
"""Rows of a result list computed at once: paging through them costs no second search."""


@dataclass(frozen=True, slots=True)
class ResultPage:
    """One page of a result list (families or documents), with the list's facets."""

    result: ResultList
    page: int
    pages: int
    size: int

    @property
    def rows(self) -> list[Any]:
        start = (self.page - 1) * self.size
        return list(self.result.rows[start : start + self.size])


@dataclass(frozen=True, slots=True)
class ListOptions:
    """How a result list is asked for: grouping, sort, direction, facet filters."""

    mode: str = "boolean"
    group: str = "family"
    sort: str = "relevance"
    descending: bool | None = None
    filters: dict[str, tuple[str | None, ...]] = field(default_factory=dict)
    cross_lingual: bool = False
    """OR the translations of the query's text terms into it (跨语言检索)."""

    def check(self, lang: str) -> None:
        """Refuse an unknown mode, grouping, sort or facet (InvalidParameterError)."""
        check_options(
            mode=self.mode,
            group=self.group,
            sort=self.sort,
            filters=self.filters,
            facets=(),
            lang=lang,
        )


def run_results(
    ctx: Ctx,
    store: DataStore,
    query: str,
    options: ListOptions,
    *,
    page: int = 1,
    size: int = PAGE_SIZE,
) -> ResultPage:
    """Search a store and return the requested page of its result list (grouped by
    family unless asked otherwise) with the list's facets, in the user's language."""
    options.check(ctx.lang)
    size = max(1, min(size, 100))
    page = max(1, page)
    # the first pages come from one computation of the list (and its facets)
    limit = min(max(page * size, PREFETCH_ROWS), MAX_LIMIT)
    result = handle_of(ctx, store).result_list(
        query,
        limit=limit,
        mode=options.mode,
        group=options.group,
        sort=options.sort,
        descending=options.descending,
        filters=options.filters,
        lang=ctx.lang,
        cross_lingual=options.cross_lingual,
    )
    shown = min(result.total, MAX_LIMIT)
    pages = max(1, -(-shown // size))
    return ResultPage(result, min(page, pages), pages, size)


def export_search(
    ctx: Ctx, store: DataStore, query: str, options: ListOptions, fmt: str
) -> tuple[Path, str]:
    """The whole result list as a CSV or XLSX file (a temporary path, removed by the
    caller) and a download name; recorded in the audit log."""
    options.check(ctx.lang)
    if fmt not in ("csv", "xlsx"):
        raise InvalidParameterError(f"Export format must be csv or xlsx, not '{fmt}'.")
    handle = handle_of(ctx, store)
    fd, name = tempfile.mkstemp(suffix=f".{fmt}", prefix="patnav-results-")
    os.close(fd)
    path = Path(name)
    try:
        with handle.indexed() as index:
            rows = export_results(
                index.store,
                query,
                path,
                fmt=fmt,
                mode=options.mode,  # type: ignore[arg-type]
                group=options.group,  # type: ignore[arg-type]
                sort=options.sort,
                descending=options.descending,
                filters=options.filters,
                lang=ctx.lang,
                index=index,
                embedder=handle.embedder
                if options.mode in ("semantic", "hybrid")
                else None,
                cross_lingual=options.cross_lingual,
                data_dir=handle.settings.data_dir,
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    audit.record(
        ctx.db,
        "export",
        viewer=ctx.viewer,
        object_type="store",
        object_id=store.id,
        ip=ctx.ip,
        detail={"query": query, "rows": rows, "group": options.group},
    )
    ctx.db.commit()
    label = "检索结果" if ctx.lang == "zh" else "search-results"
    return path, f"{store.name}-{label}.{fmt}"
