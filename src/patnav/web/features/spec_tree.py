"""The technology-breakdown tree editor of a spec (技术分解树) and the spec's kept versions.

The editor holds the spec's ``scope:`` tree as rows (:mod:`patnav.analyses.spec_tree`);
each edit posts the whole tree back. Checking a tree places every problem at its node and,
with a store chosen, counts every node in it through
:func:`patnav.analyses.node_counts.breakdown_counts` on the store's reader — the same
counts as ``patnav spec counts``. Saving writes the tree into the spec's YAML and saves it
through :func:`patnav.web.features.specs.save_spec`, a new version like any other save.

Every saved version is kept (``spec_versions``): listed with who saved it and when, shown,
compared node by node, and restored (saved again as a new version).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select

from patnav.analyses.node_counts import BreakdownCounts
from patnav.analyses.spec import NavigationSpec, parse_spec
from patnav.analyses.spec_tree import (
    NodeChange,
    NodeProblem,
    TreeRow,
    diff_trees,
    moved_paths,
    node_problems,
    rows_from_json,
    rows_from_scope,
    rows_of,
    with_scope,
)
from patnav.analyses.strategy_quality import with_moved_nodes
from patnav.errors import InputError, InvalidParameterError, NotFoundError, SpecError
from patnav.platform import access
from patnav.platform.models import DataStore, Spec, SpecVersion
from patnav.web.deps import Ctx
from patnav.web.features.common import handle_of, user_names
from patnav.web.features.specs import get_spec, save_spec
from patnav.web.specs import SpecProblem, check_spec

MAX_TREE_CHARS = 2_000_000


def parse_tree(text: str) -> list[TreeRow]:
    """The rows the editor posted as JSON.

    Raises:
        InputError: the text is not JSON, or not a list of nodes.
    """
    try:
        data = json.loads(text or "[]")
    except json.JSONDecodeError:
        raise InputError(
            "技术分解树的数据无法读取，请刷新页面重试。The tree data is not JSON: reload "
            "the page."
        ) from None
    return rows_from_json(data)


def spec_rows(ctx: Ctx, spec_id: int) -> tuple[Spec, list[TreeRow]]:
    """A spec the user sees and its tree as rows."""
    row = get_spec(ctx, spec_id)
    return row, rows_of(parse_spec(row.yaml_text, source=f"spec {row.id}"))


@dataclass(frozen=True, slots=True)
class TreeCheck:
    """A tree checked: its rows, the problems at its nodes, the problems of the spec it
    makes (shown when the nodes have none), the YAML text it makes, and with a store
    the counts of every node (in row order) and of the spec's scope."""

    rows: list[TreeRow]
    text: str
    node_problems: list[NodeProblem]
    spec_problems: list[SpecProblem] = field(default_factory=list)
    counts: BreakdownCounts | None = None
    store: DataStore | None = None

    @property
    def valid(self) -> bool:
        return not self.node_problems and not self.spec_problems

    def problems_at(self, index: int) -> list[NodeProblem]:
        return [p for p in self.node_problems if p.index == index]


def check_tree(
    ctx: Ctx, spec_id: int, rows: Sequence[TreeRow], store_id: int | None = None
) -> TreeCheck:
    """Check the tree of a spec the user sees and, with a store the user sees, count
    every node in it (only a valid tree is counted)."""
    row = get_spec(ctx, spec_id)
    return _check(ctx, row, rows, store_id)


def _check(
    ctx: Ctx, row: Spec, rows: Sequence[TreeRow], store_id: int | None
) -> TreeCheck:
    from patnav.analyses.node_counts import breakdown_counts

    text = with_scope(row.yaml_text, rows)
    problems = node_problems(rows)
    parsed: NavigationSpec | None = None
    spec_problems: list[SpecProblem] = []
    if not problems:
        parsed, spec_problems = check_spec(text)
    store = (
        access.visible(ctx.db, ctx.viewer, DataStore, store_id)
        if store_id is not None
        else None
    )
    counts = None
    if store is not None and parsed is not None:
        with handle_of(ctx, store).reader() as cursor:
            counts = breakdown_counts(cursor, parsed)
    return TreeCheck(list(rows), text, problems, spec_problems, counts, store)


def save_tree(
    ctx: Ctx, spec_id: int, rows: Sequence[TreeRow], *, version: int
) -> tuple[Spec | None, TreeCheck]:
    """Write the tree into the spec's YAML and save it as a new version; nothing is saved
    when the tree has problems.

    Raises:
        InvalidParameterError: the spec was saved again since the editor opened it.
    """
    row = access.writable(ctx.db, ctx.viewer, Spec, spec_id)
    if row.version != version:
        raise InvalidParameterError(
            f"编辑期间方案已被保存为第 {row.version} 版，请重新打开技术分解树再修改。"
            f"The spec was saved as version {row.version} while you edited version "
            f"{version}: reopen the tree and edit again."
        )
    checked = _check(ctx, row, rows, None)
    if not checked.valid:
        return None, checked
    # the quality records of nodes renamed or moved go with them
    text = with_moved_nodes(
        checked.text,
        parse_spec(row.yaml_text, source=f"spec {row.id}"),
        moved_paths(rows),
    )
    saved, problems = save_spec(ctx, text, spec_id=spec_id)
    if saved is None:
        return None, TreeCheck(checked.rows, checked.text, [], problems)
    return saved, checked


def import_rows(
    ctx: Ctx, spec_id: int, upload: BinaryIO, *, file_name: str
) -> tuple[Spec, list[TreeRow]]:
    """The tree of an uploaded breakdown table (技术分解表, .xlsx) for a spec the user may
    change, to review in the editor before saving (nothing is saved here).

    Raises:
        InvalidParameterError: the upload is larger than a breakdown table can be.
        SpecError: the table is wrong (the message says its sheet, row and column).
    """
    from patnav.analyses.breakdown import MAX_BYTES, breakdown_to_dict, read_breakdown

    row = access.writable(ctx.db, ctx.viewer, Spec, spec_id)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InvalidParameterError(
            f"文件超过 {MAX_BYTES // 1024 // 1024} MB，不像技术分解表。The file is too large."
        )
    with tempfile.TemporaryDirectory(prefix="patnav-breakdown-") as folder:
        path = Path(folder) / (Path(file_name).name or "table.xlsx")
        path.write_bytes(data)
        try:
            scope = breakdown_to_dict(read_breakdown(path)).get("scope") or []
        except InputError as exc:
            raise SpecError(str(exc).replace(folder + "/", "")) from None
    return row, rows_from_scope(scope)


# -- versions -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VersionRow:
    """A kept version as listed: its number, title, who saved it, when, and how."""

    version: int
    title: str
    saved_by: str | None
    saved_at: Any
    note: str | None
    nodes: int | None


def list_versions(ctx: Ctx, spec_id: int) -> tuple[Spec, list[VersionRow]]:
    """A spec the user sees and its kept versions, newest first."""
    row = get_spec(ctx, spec_id)
    kept = list(
        ctx.db.scalars(
            select(SpecVersion)
            .where(SpecVersion.spec_id == row.id)
            .order_by(SpecVersion.version.desc())
        )
    )
    names = user_names(ctx, [v.saved_by for v in kept])
    return row, [
        VersionRow(
            v.version,
            v.title,
            names.get(v.saved_by) if v.saved_by is not None else None,
            v.saved_at,
            v.note,
            _node_count(v),
        )
        for v in kept
    ]


def _node_count(version: SpecVersion) -> int | None:
    try:
        return len(parse_spec(version.yaml_text, source="version").walk())
    except SpecError:
        return None


def get_version(ctx: Ctx, spec_id: int, version: int) -> tuple[Spec, SpecVersion]:
    """A kept version of a spec the user sees.

    Raises:
        NotFoundError: the spec keeps no such version.
    """
    row = get_spec(ctx, spec_id)
    kept = ctx.db.scalar(
        select(SpecVersion).where(
            SpecVersion.spec_id == row.id, SpecVersion.version == version
        )
    )
    if kept is None:
        raise NotFoundError(
            f"方案 {row.name} 没有保存第 {version} 版。The spec keeps no version {version}."
        )
    return row, kept


def _parsed(version: SpecVersion) -> NavigationSpec:
    try:
        return parse_spec(version.yaml_text, source=f"version {version.version}")
    except SpecError as exc:
        raise InputError(
            f"第 {version.version} 版按当前规则已无法读取：{exc}。Version "
            f"{version.version} no longer reads as a spec: {exc}"
        ) from exc


@dataclass(frozen=True, slots=True)
class VersionDiff:
    """What changed from one kept version to another: node by node, and the other keys
    of the spec whose value changed."""

    before: SpecVersion
    after: SpecVersion
    nodes: list[NodeChange]
    keys: list[str]


def diff_versions(
    ctx: Ctx, spec_id: int, a: int | None = None, b: int | None = None
) -> tuple[Spec, VersionDiff]:
    """The changes from version ``a`` (None: the one before ``b``) to version ``b``
    (None: the current one) of a spec the user sees."""
    row = get_spec(ctx, spec_id)
    b = row.version if b is None else b
    a = b - 1 if a is None else a
    row, before = get_version(ctx, spec_id, a)
    _, after = get_version(ctx, spec_id, b)
    old, new = _parsed(before), _parsed(after)
    keys = sorted(
        k
        for k in set(old.raw) | set(new.raw)
        if k != "scope" and old.raw.get(k) != new.raw.get(k)
    )
    return row, VersionDiff(before, after, diff_trees(old, new), keys)


def restore_version(ctx: Ctx, spec_id: int, version: int) -> Spec:
    """Save a kept version again as the spec's newest version.

    Raises:
        InvalidParameterError: the version no longer reads as a valid spec.
    """
    _, kept = get_version(ctx, spec_id, version)
    saved, problems = save_spec(
        ctx, kept.yaml_text, spec_id=spec_id, note=f"restored:{version}"
    )
    if saved is None:
        raise InvalidParameterError(
            f"第 {version} 版按当前规则无效，无法恢复：Version {version} is not valid "
            "now: " + "; ".join(p.message for p in problems)
        )
    return saved
