"""Enterprise innovation capability and 每万人口高价值发明专利拥有量 for the web
(``routers/capability.py``): the store a user sees, the capability model fitted on it
(cached per data version), the high-value count with user lists."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping

from patnav.models.capability import (
    CapabilityModel,
    CapabilityRanking,
    EnterpriseCapability,
)
from patnav.models.high_value import HighValueIndicator, high_value_patents
from patnav.web.deps import Ctx
from patnav.web.features.common import handle_of
from patnav.web.features.stores import get_store

_FITTED: OrderedDict[tuple[int, str], CapabilityModel] = OrderedDict()
_LOCK = threading.Lock()
_KEEP = 4
"""Fitted models kept (one per store and data version): fitting reads the whole store."""


def _model(ctx: Ctx, store_id: int) -> CapabilityModel:
    store = get_store(ctx, store_id)
    handle = handle_of(ctx, store)
    key = (store.id, handle.version())
    with _LOCK:
        model = _FITTED.get(key)
        if model is not None:
            _FITTED.move_to_end(key)
            return model
    with handle.reader() as cursor:
        model = CapabilityModel().fit(cursor)
    with _LOCK:
        _FITTED[key] = model
        while len(_FITTED) > _KEEP:
            _FITTED.popitem(last=False)
    return model


def ranking(
    ctx: Ctx,
    store_id: int,
    *,
    region: str | None = None,
    industry: str | None = None,
    top: int = 20,
) -> CapabilityRanking:
    """Enterprises of a store the user sees, ranked by their capability index."""
    return _model(ctx, store_id).rank(region=region, industry=industry, top=top)


def explain(ctx: Ctx, store_id: int, who: str) -> EnterpriseCapability:
    """One enterprise's capability index, explained."""
    return _model(ctx, store_id).explain(who)


def high_value(
    ctx: Ctx,
    store_id: int,
    *,
    level: str = "province",
    population: Mapping[str, float] | None = None,
    awards: Iterable[str] | None = None,
    pledges: Iterable[str] | None = None,
) -> HighValueIndicator:
    """每万人口高价值发明专利拥有量 per region of a store the user sees."""
    store = get_store(ctx, store_id)
    with handle_of(ctx, store).reader() as cursor:
        return high_value_patents(
            cursor, level=level, population=population, awards=awards, pledges=pledges
        )
