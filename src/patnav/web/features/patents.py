"""A patent's detail: every section, and similar patents (``routers/patents.py``, the
API's ``/stores/{id}/patents/{doc_id}``)."""

from __future__ import annotations

from typing import Any

from patnav.errors import InputError
from patnav.models.value import load_weights, stored_scores
from patnav.platform.models import DataStore
from patnav.search import SearchResult
from patnav.storage.documents import Document, read_document
from patnav.web.deps import Ctx
from patnav.web.features.common import handle_of


def document(ctx: Ctx, store: DataStore, key: str) -> Document:
    """One patent of a store, with everything the detail page shows."""
    with handle_of(ctx, store).reader() as cursor:
        return read_document(cursor, key)


def value(ctx: Ctx, store: DataStore, doc_id: str) -> dict[str, Any]:
    """The patent's stored value scores per use (empty: not scored) and the shipped
    grade cut points, for the page's 专利价值 card."""
    with handle_of(ctx, store).reader() as cursor:
        scores = stored_scores(cursor, doc_id)
    return {"scores": scores, "cut_points": load_weights().cut_points}


def similar(
    ctx: Ctx, store: DataStore, doc_id: str, limit: int = 10
) -> SearchResult | None:
    """Patents like this one by full text, or None: the patent's own family is left
    out, and each other family appears once."""
    handle = handle_of(ctx, store)
    try:
        return handle.more_like_this(doc_id, mode="text", limit=limit, lang=ctx.lang)
    except InputError:
        return None
