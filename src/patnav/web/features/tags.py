"""The tagging page (标引): per store the user sees, its tag schemes and — for the scheme
chosen — the review queue of assisted tagging (``patnav.tags.review_queue``: the untagged
documents whose review teaches the model most, first), each with buttons that tag it into
the suggested node, the runner-up or any node (``routers/tags.py``).

A button is a person's decision: the tag is stored as ``manual`` under the signed-in
user's name. Nothing on the page writes a suggestion as a tag by itself. Tagging needs
write access to the store's tenant and a role that writes (:data:`TAG_ROLES`); the write
runs on the store's own worker thread, as imports do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from patnav.errors import AccessDeniedError, PatnavError
from patnav.platform import access, audit
from patnav.platform.models import DataStore
from patnav.tags import ReviewQueue, TagScheme, add_tags, list_schemes, review_queue
from patnav.web.deps import Ctx
from patnav.web.features.common import handle_of
from patnav.web.features.stores import get_store, list_stores

TAG_ROLES = frozenset({"admin", "analyst"})
"""Roles that tag in a tenant they write; the others read."""
QUEUE_LENGTH = 20
T = TypeVar("T")


def _on_worker(ctx: Ctx, store: DataStore, work: Callable[[Any], T]) -> T:
    """Run ``work(cursor)`` on the store's own worker thread (one writer at a time, as
    imports and monitors do) and return what it returns; its exception is raised here."""
    handle = handle_of(ctx, store)
    out: list[T] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            with handle.reader() as cursor:
                out.append(work(cursor))
        except BaseException as exc:  # raised again in the caller
            failed.append(exc)

    ctx.hub.submit_import(handle, run).result()
    if failed:
        raise failed[0]
    return out[0]


@dataclass(frozen=True, slots=True)
class StoreTagging:
    """One store's schemes, and the chosen scheme's review queue."""

    store: DataStore
    writable: bool
    schemes: tuple[TagScheme, ...]
    scheme: TagScheme | None = None
    queue: ReviewQueue | None = None
    note: str | None = None
    """Why there is no queue (too few examples …); None when there is one."""
    error: str | None = None
    """Why the store could not be read; None when it was."""


def _writable(ctx: Ctx, store: DataStore) -> bool:
    return ctx.viewer.role in TAG_ROLES and any(
        t.id == store.tenant_id for t in access.writable_tenants(ctx.db, ctx.viewer)
    )


def tags_page(
    ctx: Ctx, *, store_id: int | None = None, scheme: str | None = None
) -> list[StoreTagging]:
    """Every store the user sees with its schemes; the review queue of ``scheme`` (the
    store's first scheme when none is named) for ``store_id`` (the first store with a
    scheme when none is named)."""
    out = []
    chosen_store = store_id
    for store in list_stores(ctx):
        writable = _writable(ctx, store)
        try:
            with handle_of(ctx, store).reader() as cursor:
                schemes = tuple(list_schemes(cursor))
                if chosen_store is None and schemes:
                    chosen_store = store.id
                found = StoreTagging(store, writable, schemes)
                if store.id == chosen_store and schemes:
                    picked = next((s for s in schemes if s.name == scheme), schemes[0])
                    try:
                        queue = review_queue(cursor, picked.name, limit=QUEUE_LENGTH)
                        found = StoreTagging(store, writable, schemes, picked, queue)
                    except PatnavError as exc:
                        found = StoreTagging(
                            store, writable, schemes, picked, note=str(exc)[:300]
                        )
        except PatnavError as exc:
            found = StoreTagging(store, writable, (), error=str(exc)[:300])
        out.append(found)
    return out


def tag_document(
    ctx: Ctx, store_id: int, scheme: str, number: str, node: str
) -> dict[str, Any]:
    """Tag one document (publication number or store key) into a node, as the
    signed-in user (source ``manual``).

    Raises:
        NotFoundError: the store is not one the user sees, or no such scheme.
        AccessDeniedError: the user may not tag there.
        InputError: no such node or document.
    """
    store = get_store(ctx, store_id)
    access.require_write(ctx.db, ctx.viewer, store.tenant_id)
    if ctx.viewer.role not in TAG_ROLES:
        raise AccessDeniedError(
            "此角色只能查看标引（This role reads tags only: tagging needs the analyst "
            "or admin role）。"
        )
    analyst = ctx.viewer.username

    def work(cursor: Any) -> dict[str, Any]:
        change = add_tags(cursor, scheme, node, analyst=analyst, numbers=[number])
        return change.to_dict()

    done = _on_worker(ctx, store, work)
    audit.record(
        ctx.db,
        "tag.save",
        viewer=ctx.viewer,
        object_type="store",
        object_id=store.id,
        ip=ctx.ip,
        detail={"store": store.name, "scheme": scheme, "node": node, "number": number},
    )
    return done
