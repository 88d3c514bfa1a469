"""The technology-breakdown tree editor of a spec (edits, live counts and problems per
node over HTMX, saving a new version) and the spec's kept versions (list, view, compare,
restore)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from patnav.analyses.spec_tree import TreeRow, apply_edit, level_name
from patnav.platform.models import Spec
from patnav.reports.labels import unit_noun
from patnav.web import features
from patnav.web.deps import Ctx, page_ctx, verify_csrf
from patnav.web.features import spec_tree
from patnav.web.render import page

router = APIRouter(
    prefix="/specs", dependencies=[Depends(verify_csrf)], include_in_schema=False
)

TreeText = Annotated[str, Form(max_length=spec_tree.MAX_TREE_CHARS)]


def _store_id(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


@router.get("/{spec_id}/tree", response_class=HTMLResponse)
def tree_page(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    spec_id: int,
    store_id: int | None = None,
    msg: str | None = None,
) -> Response:
    spec, rows = spec_tree.spec_rows(ctx, spec_id)
    if msg == "saved":
        ctx.notices.append(ctx.t("specs.saved"))
    return _tree_page(ctx, spec, rows, store_id)


def _tree_page(
    ctx: Ctx,
    spec: Spec,
    rows: list[TreeRow],
    store_id: int | None,
    checked: spec_tree.TreeCheck | None = None,
    status_code: int = 200,
) -> Response:
    return page(
        ctx,
        "spec_tree.html",
        nav="specs",
        spec=spec,
        rows=rows,
        level_name=level_name,
        stores=features.stores.list_stores(ctx),
        store_id=store_id,
        checked=checked,
        can_write=ctx.viewer.can_write,
        status_code=status_code,
    )


@router.post("/{spec_id}/tree/edit", response_class=HTMLResponse)
def tree_edit(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    spec_id: int,
    tree: TreeText,
    op: Annotated[str, Form(max_length=20)],
    at: Annotated[int, Form()] = 0,
) -> Response:
    """One edit of the tree (add, delete, move, indent, outdent): the tree re-rendered,
    and the event that re-checks and re-counts it."""
    spec = features.specs.get_spec(ctx, spec_id)
    rows, focus = apply_edit(spec_tree.parse_tree(tree), op, at)
    response = page(
        ctx,
        "_spec_tree.html",
        spec=spec,
        rows=rows,
        focus=focus,
        level_name=level_name,
        can_write=ctx.viewer.can_write,
    )
    response.headers["HX-Trigger"] = "tree-changed"
    return response


@router.post("/{spec_id}/tree/check", response_class=HTMLResponse)
def tree_check(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    spec_id: int,
    tree: TreeText,
    store_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    """The tree's problems at their nodes and, with a store, every node's count."""
    checked = spec_tree.check_tree(
        ctx, spec_id, spec_tree.parse_tree(tree), _store_id(store_id)
    )
    unit = unit_noun(checked.counts.count_by, ctx.lang) if checked.counts else ""
    return page(ctx, "_spec_tree_check.html", checked=checked, unit=unit)


@router.post("/{spec_id}/tree", response_class=HTMLResponse)
def tree_save(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    spec_id: int,
    tree: TreeText,
    version: Annotated[int, Form()],
    store_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    """Save the tree into the spec's YAML, a new version; the page again with every
    problem at its node when it has any."""
    rows = spec_tree.parse_tree(tree)
    saved, checked = spec_tree.save_tree(ctx, spec_id, rows, version=version)
    if saved is None:
        spec = features.specs.get_spec(ctx, spec_id)
        return _tree_page(ctx, spec, rows, _store_id(store_id), checked, 400)
    chosen = _store_id(store_id)
    suffix = f"&store_id={chosen}" if chosen is not None else ""
    return RedirectResponse(
        f"/specs/{saved.id}/tree?msg=saved{suffix}", status_code=303
    )


@router.post("/{spec_id}/tree/import", response_class=HTMLResponse)
def tree_import(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    spec_id: int,
    table: Annotated[UploadFile, File()],
) -> Response:
    """An uploaded breakdown table's tree in the editor, to check and save (or leave)."""
    spec, rows = spec_tree.import_rows(
        ctx, spec_id, table.file, file_name=table.filename or "table.xlsx"
    )
    ctx.notices.append(
        ctx.t("tree.imported", file=table.filename or "", nodes=len(rows))
    )
    return _tree_page(ctx, spec, rows, None)


# -- versions -----------------------------------------------------------------------------


@router.get("/{spec_id}/versions", response_class=HTMLResponse)
def versions_page(
    ctx: Annotated[Ctx, Depends(page_ctx)], spec_id: int, msg: str | None = None
) -> Response:
    spec, versions = spec_tree.list_versions(ctx, spec_id)
    if msg == "restored":
        ctx.notices.append(ctx.t("versions.restored_notice", version=spec.version))
    return page(
        ctx,
        "spec_versions.html",
        nav="specs",
        spec=spec,
        versions=versions,
        can_write=ctx.viewer.can_write,
    )


@router.get("/{spec_id}/versions/diff", response_class=HTMLResponse)
def versions_diff(
    ctx: Annotated[Ctx, Depends(page_ctx)],
    spec_id: int,
    a: int | None = None,
    b: int | None = None,
) -> Response:
    """The changes from version ``a`` (default: the one before ``b``) to version ``b``
    (default: the current one)."""
    spec, diff = spec_tree.diff_versions(ctx, spec_id, a, b)
    return page(ctx, "spec_diff.html", nav="specs", spec=spec, diff=diff)


@router.get("/{spec_id}/versions/{version}", response_class=HTMLResponse)
def version_page(
    ctx: Annotated[Ctx, Depends(page_ctx)], spec_id: int, version: int
) -> Response:
    spec, kept = spec_tree.get_version(ctx, spec_id, version)
    return page(
        ctx,
        "spec_version.html",
        nav="specs",
        spec=spec,
        kept=kept,
        can_write=ctx.viewer.can_write,
    )


@router.post("/{spec_id}/versions/{version}/restore", response_class=HTMLResponse)
def version_restore(
    ctx: Annotated[Ctx, Depends(page_ctx)], spec_id: int, version: int
) -> Response:
    spec_tree.restore_version(ctx, spec_id, version)
    return RedirectResponse(f"/specs/{spec_id}/versions?msg=restored", status_code=303)
