"""The country barrier view for the web (``routers/barrier.py``): the store a user sees,
the view computed on a cursor of it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from patnav.analyses.barrier import BarrierView, country_barrier
from patnav.web.deps import Ctx
from patnav.web.features.common import handle_of
from patnav.web.features.stores import get_store


def barrier(
    ctx: Ctx,
    store_id: int,
    countries: Sequence[str],
    as_of: date,
    *,
    query: str | None = None,
    ipc: Sequence[str] = (),
    patent_set: str | None = None,
    top: int = 10,
) -> BarrierView:
    """The barrier view of a product area in a store the user sees."""
    store = get_store(ctx, store_id)
    with handle_of(ctx, store).reader() as cursor:
        return country_barrier(
            cursor,
            countries,
            as_of,
            query=query,
            ipc=ipc,
            patent_set=patent_set,
            top=top,
        )
