"""The tagging pages (标引, ``routers/tags.py``), a thin shell over :mod:`patnav.tags`:

- ``/tags``: per store the user sees, its tag schemes (a breakdown scheme made from a
  navigation spec's tree, or an effects scheme — 功效 — typed by the analyst); for the
  chosen scheme, bulk tagging from a search (an expert query or a saved set: the hits and
  how many already carry the tag are shown before anything is written, and the bulk
  action can be undone — exactly the tags it added), the explicit threshold that accepts
  suggestions (its value and the number of tags it writes are shown before it writes),
  and the review queue of assisted tagging with one-click tagging;
- ``/tags/{store}/review``: the documents analysts disagree on and the tags awaiting
  review, with confirm/dispute by another analyst (``tag_reviews``), and the agreement
  panel — what ``patnav tags agreement`` prints;
- the tags of one patent on its page, added and removed one by one.

Every write is a person's decision, stored under the signed-in user's name (analyst =
user); nothing writes a suggestion as a tag by itself. Writing needs write access to the
store's tenant and a role that writes (:data:`TAG_ROLES`); writes run on the store's own
worker thread, as imports do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from patnav.analyses.spec import parse_spec
from patnav.errors import AccessDeniedError, InputError, PatnavError
from patnav.platform import access
from patnav.platform.models import DataStore
from patnav.tags import (
    Agreement,
    Coverage,
    ReviewItems,
    ReviewQueue,
    Suggestions,
    TagChange,
    TagScheme,
    above_threshold,
    accept_suggestions,
    add_tags,
    agreement,
    get_scheme,
    list_schemes,
    list_tags,
    query_coverage,
    remove_tags,
    review_items,
    review_queue,
    review_tags,
    save_scheme,
    undo_tags,
)
from patnav.tags.schemes import spec_nodes
from patnav.web.deps import Ctx
from patnav.web.features.common import audit_store, handle_of
from patnav.web.features.sets import list_sets
from patnav.web.features.specs import get_spec, list_specs
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
    sets: tuple[str, ...] = ()
    """The names of the store's saved sets (for bulk tagging from a set)."""


def _writable(ctx: Ctx, store: DataStore) -> bool:
    return ctx.viewer.role in TAG_ROLES and any(
        t.id == store.tenant_id for t in access.writable_tenants(ctx.db, ctx.viewer)
    )


def _tagger(ctx: Ctx, store_id: int) -> DataStore:
    """The store, when the signed-in user may tag in it.

    Raises:
        NotFoundError: the store is not one the user sees.
        AccessDeniedError: the user's role or tenant does not write there.
    """
    store = get_store(ctx, store_id)
    access.require_write(ctx.db, ctx.viewer, store.tenant_id)
    if ctx.viewer.role not in TAG_ROLES:
        raise AccessDeniedError(
            "此角色只能查看标引（This role reads tags only: tagging needs the analyst "
            "or admin role）。"
        )
    return store


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
                    sets = tuple(link.name for link in list_sets(ctx, store))
                    try:
                        queue = review_queue(
                            cursor,
                            picked.name,
                            limit=QUEUE_LENGTH,
                            cache=handle_of(ctx, store).tag_scores,
                        )
                        found = StoreTagging(
                            store, writable, schemes, picked, queue, sets=sets
                        )
                    except PatnavError as exc:
                        found = StoreTagging(
                            store,
                            writable,
                            schemes,
                            picked,
                            note=str(exc)[:300],
                            sets=sets,
                        )
        except PatnavError as exc:
            found = StoreTagging(store, writable, (), error=str(exc)[:300])
        out.append(found)
    return out


def spec_choices(ctx: Ctx) -> list[tuple[int, str]]:
    """The specs the user sees, as (id, title) for the breakdown-scheme form."""
    return [(s.id, f"{s.title}（{s.name} v{s.version}）") for s in list_specs(ctx)]


def create_scheme(
    ctx: Ctx,
    store_id: int,
    name: str,
    *,
    kind: str,
    spec_id: int | None = None,
    effects: str = "",
    description: str | None = None,
) -> TagScheme:
    """Create (or change) a scheme: ``kind`` ``breakdown`` takes the nodes of a
    navigation spec's technology tree, ``effects`` one technical effect (功效) per line
    of ``effects``.

    Raises:
        InputError: an unknown kind, no spec, no effect, a bad name or node.
    """
    store = _tagger(ctx, store_id)
    project: str | None = None
    if kind == "breakdown":
        if spec_id is None:
            raise InputError("请选择一个导航方案：分解体系的节点取自方案的技术分解树。")
        spec = get_spec(ctx, spec_id)
        nodes = spec_nodes(
            parse_spec(spec.yaml_text, source=spec.name), f"{spec.name} v{spec.version}"
        )
        project = spec.title
        description = (
            description or f"技术分解：{spec.title}（{spec.name} v{spec.version}）"
        )
    elif kind == "effects":
        nodes = tuple(line.strip() for line in effects.splitlines() if line.strip())
        if not nodes:
            raise InputError("请输入至少一项技术功效，每行一项（例如 降低成本）。")
        description = description or "技术功效"
    else:
        raise InputError(
            f"标引体系类型应为 breakdown（技术分解）或 effects（技术功效），不是 {kind!r}。"
        )

    def work(cursor: Any) -> TagScheme:
        return save_scheme(
            cursor, name, nodes, project=project, description=description
        )

    saved = _on_worker(ctx, store, work)
    audit_store(
        ctx, "tag.scheme", store, scheme=saved.name, kind=kind, nodes=len(nodes)
    )
    return saved


@dataclass(frozen=True, slots=True)
class BulkPreview:
    """What a bulk tag would do, shown before the analyst confirms."""

    store: DataStore
    coverage: Coverage


def bulk_preview(
    ctx: Ctx, store_id: int, scheme: str, node: str, query: str
) -> BulkPreview:
    """The hits of ``query`` (an expert query or a saved set's name) and how many of
    them already carry the tag — the user's own and anyone's. Nothing is written."""
    store = _tagger(ctx, store_id)
    if not query.strip():
        raise InputError("请输入检索式，或选择一个专利集。")
    with handle_of(ctx, store).reader() as cursor:
        coverage = query_coverage(
            cursor, scheme, node, query.strip(), analyst=ctx.viewer.username
        )
    return BulkPreview(store, coverage)


def bulk_tag(ctx: Ctx, store_id: int, scheme: str, node: str, query: str) -> TagChange:
    """Tag every document of ``query`` into ``node`` as the signed-in user (source
    ``manual``); the change's ``created_at`` names the tags added, for the undo."""
    store = _tagger(ctx, store_id)
    analyst = ctx.viewer.username

    def work(cursor: Any) -> TagChange:
        return add_tags(cursor, scheme, node, analyst=analyst, query=query.strip())

    change = _on_worker(ctx, store, work)
    audit_store(
        ctx,
        "tag.bulk",
        store,
        scheme=scheme,
        node=node,
        query=query,
        added=change.added,
        created_at=change.created_at.isoformat() if change.created_at else None,
    )
    return change


def undo_bulk(
    ctx: Ctx, store_id: int, scheme: str, node: str, created_at: str
) -> TagChange:
    """Take back exactly the tags a bulk action of the signed-in user added.

    Raises:
        InputError: ``created_at`` is not a time stamp.
    """
    store = _tagger(ctx, store_id)
    try:
        stamp = datetime.fromisoformat(created_at)
    except ValueError:
        raise InputError(
            f"撤销标识 {created_at!r} 不是时间戳：请从批量标引的结果页撤销。"
        ) from None
    analyst = ctx.viewer.username

    def work(cursor: Any) -> TagChange:
        return undo_tags(cursor, scheme, node=node, analyst=analyst, created_at=stamp)

    change = _on_worker(ctx, store, work)
    audit_store(
        ctx,
        "tag.undo",
        store,
        scheme=scheme,
        node=node,
        created_at=created_at,
        removed=change.removed,
    )
    return change


def threshold_preview(
    ctx: Ctx, store_id: int, scheme: str, min_score: float
) -> tuple[DataStore, Suggestions]:
    """The suggestions scoring at least ``min_score``: what accepting them would write.
    Nothing is written."""
    store = _tagger(ctx, store_id)
    handle = handle_of(ctx, store)
    with handle.reader() as cursor:
        return store, above_threshold(
            cursor, scheme, min_score=min_score, cache=handle.tag_scores
        )


def accept_threshold(
    ctx: Ctx, store_id: int, scheme: str, min_score: float, expect: int
) -> TagChange:
    """Write the suggestions scoring at least ``min_score`` as tags (source
    ``accepted-suggestion``, the threshold recorded), when they are still the
    ``expect`` the user was shown.

    Raises:
        InputError: the suggestions changed since the preview (nothing written).
    """
    store = _tagger(ctx, store_id)
    analyst = ctx.viewer.username

    def work(cursor: Any) -> TagChange:
        change, _ = accept_suggestions(
            cursor, scheme, min_score=min_score, analyst=analyst, expect=expect
        )
        return change

    change = _on_worker(ctx, store, work)
    audit_store(
        ctx,
        "tag.accept",
        store,
        scheme=scheme,
        threshold=min_score,
        added=change.added,
    )
    return change


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
    store = _tagger(ctx, store_id)
    analyst = ctx.viewer.username

    def work(cursor: Any) -> dict[str, Any]:
        change = add_tags(cursor, scheme, node, analyst=analyst, numbers=[number])
        return change.to_dict()

    done = _on_worker(ctx, store, work)
    audit_store(ctx, "tag.save", store, scheme=scheme, node=node, number=number)
    return done


def untag_document(
    ctx: Ctx, store_id: int, scheme: str, number: str, node: str
) -> dict[str, Any]:
    """Remove the signed-in user's own tag of a document in a node (other analysts'
    tags are theirs to remove)."""
    store = _tagger(ctx, store_id)
    analyst = ctx.viewer.username

    def work(cursor: Any) -> dict[str, Any]:
        change = remove_tags(
            cursor, scheme, node=node, numbers=[number], analyst=analyst
        )
        return change.to_dict()

    done = _on_worker(ctx, store, work)
    audit_store(ctx, "tag.remove", store, scheme=scheme, node=node, number=number)
    return done


@dataclass(frozen=True, slots=True)
class DocumentTags:
    """A document's tags per scheme, for its page."""

    store: DataStore
    doc_id: str
    writable: bool
    schemes: tuple[tuple[TagScheme, tuple[dict[str, Any], ...]], ...]
    """Each scheme with the document's tags in it (who, when, source, reviews)."""
    user: str


def document_tags(ctx: Ctx, store_id: int, doc_id: str) -> DocumentTags:
    """The tags of one document (its store key) in every scheme of the store."""
    store = get_store(ctx, store_id)
    with handle_of(ctx, store).reader() as cursor:
        schemes = list_schemes(cursor)
        listed = tuple(
            (s, list_tags(cursor, s.name, doc_id=doc_id).rows) for s in schemes
        )
    return DocumentTags(
        store, doc_id, _writable(ctx, store), listed, ctx.viewer.username
    )


@dataclass(frozen=True, slots=True)
class ReviewPage:
    """A scheme's review view and agreement panel."""

    store: DataStore
    writable: bool
    scheme: TagScheme
    schemes: tuple[TagScheme, ...]
    items: ReviewItems
    agreement: Agreement | None
    agreement_note: str | None
    """Why there is no agreement (fewer than two analysts …)."""
    user: str


REVIEW_LIMIT = 100
"""Documents and tags listed for review at most (the counts are of all)."""


def review_page(ctx: Ctx, store_id: int, scheme: str | None) -> ReviewPage:
    """The disagreements, the tags awaiting review and the agreement of a scheme (the
    store's first when none is named).

    Raises:
        NotFoundError: the store is not one the user sees, or it has no scheme.
    """
    store = get_store(ctx, store_id)
    with handle_of(ctx, store).reader() as cursor:
        schemes = tuple(list_schemes(cursor))
        picked = get_scheme(cursor, scheme or (schemes[0].name if schemes else ""))
        items = review_items(cursor, picked.name, limit=REVIEW_LIMIT)
        found: Agreement | None = None
        note: str | None = None
        try:
            found = agreement(cursor, picked.name)
        except InputError as exc:
            note = str(exc)
    return ReviewPage(
        store,
        _writable(ctx, store),
        picked,
        schemes,
        items,
        found,
        note,
        ctx.viewer.username,
    )


def review(
    ctx: Ctx,
    store_id: int,
    scheme: str,
    number: str,
    node: str,
    analyst: str,
    verdict: str,
) -> int:
    """The signed-in user confirms or disputes another analyst's tag.

    Raises:
        InputError: an unknown verdict, the user's own tag, no such tag.
    """
    store = _tagger(ctx, store_id)
    reviewer = ctx.viewer.username

    def work(cursor: Any) -> int:
        return review_tags(
            cursor,
            scheme,
            numbers=[number],
            node=node,
            reviewer=reviewer,
            verdict=verdict,
            analyst=analyst,
        )

    done = _on_worker(ctx, store, work)
    audit_store(
        ctx,
        "tag.review",
        store,
        scheme=scheme,
        node=node,
        number=number,
        analyst=analyst,
        verdict=verdict,
    )
    return done
