"""The technology tree of a navigation spec as an editor holds it: its nodes as rows in
tree order (depth first), each with its depth, name, keywords, classes, hand-written query
and note; the edits of a tree (add a child or a sibling, delete, move up or down, indent
under the previous sibling, outdent); the problems of each node, placed at the node; the
``scope:`` block rewritten into the spec's YAML (the saved form); and what changed between
two versions of a spec, node by node.

A row's ``query`` is the search strategy the analyst wrote by hand; when it is empty the
node searches :func:`patnav.analyses.spec.breakdown_query` of its keywords and classes
(and a node with neither stands for the union of its children), as in the spec itself.
Keywords and classes are edited as one text each, split as the breakdown table splits a
cell (``;`` ``；`` ``,`` ``，`` ``、`` and line breaks).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import yaml

from patnav.analyses.breakdown import LEVEL_NAMES, split_terms
from patnav.analyses.spec import NavigationSpec, SpecNode, breakdown_query
from patnav.errors import InputError, QuerySyntaxError
from patnav.schema.codes import IPC_PATTERN

MAX_NODES = 2000
MAX_DEPTH = 10
FIELDS = ("name", "keywords", "keywords_en", "ipc", "cpc", "query", "note")
"""The editable fields of a row, as the editor posts them."""
OPS = (
    "add_child",
    "add_sibling",
    "add_root",
    "delete",
    "up",
    "down",
    "indent",
    "outdent",
)
"""The edits :func:`apply_edit` makes."""
NEW_NODE = "新分支"

_TOP_KEY = re.compile(r"^[^\s#-][^:]*:")
_SCOPE_KEY = re.compile(r"^scope\s*:")


@dataclass(frozen=True, slots=True)
class TreeRow:
    """One node of the tree as edited: its depth (0 for 一级) and its fields as text."""

    depth: int
    name: str
    keywords: str = ""
    keywords_en: str = ""
    ipc: str = ""
    cpc: str = ""
    query: str = ""
    note: str = ""
    origin: tuple[str, ...] = ()
    """The node's path in the saved spec the editor opened (empty for a node added in
    the editor): a node renamed or moved keeps its quality records under its new path."""

    def generated_query(self) -> str | None:
        """The query of the node's keywords and classes (None: it names none)."""
        return breakdown_query(
            split_terms(self.keywords),
            split_terms(self.keywords_en),
            split_terms(self.ipc),
            split_terms(self.cpc),
        )

    def to_dict(self) -> dict[str, Any]:
        """The row as JSON (what the editor posts back)."""
        return {
            "depth": self.depth,
            **{f: getattr(self, f) for f in FIELDS},
            "origin": list(self.origin),
        }


def level_name(depth: int) -> str:
    """一级, 二级 … for depth 0, 1 …"""
    if depth < len(LEVEL_NAMES):
        return f"{LEVEL_NAMES[depth]}级"
    return f"{depth + 1}级"


def rows_of(spec: NavigationSpec) -> list[TreeRow]:
    """The spec's nodes as rows in tree order; a node's query is kept only when it is not
    the one its keywords and classes make."""
    out: list[TreeRow] = []
    for node in spec.walk():
        generated = breakdown_query(node.keywords, node.keywords_en, node.ipc, node.cpc)
        out.append(
            TreeRow(
                depth=node.depth,
                name=node.name,
                keywords="; ".join(node.keywords),
                keywords_en="; ".join(node.keywords_en),
                ipc="; ".join(node.ipc),
                cpc="; ".join(node.cpc),
                query=node.query if node.query and node.query != generated else "",
                note=node.note or "",
                origin=node.path,
            )
        )
    return out


def rows_from_json(data: Any) -> list[TreeRow]:
    """Rows from what the editor posted (a list of objects with ``depth`` and the
    fields); a depth deeper than one below the previous row is brought up to it.

    Raises:
        InputError: the data is not such a list, or holds too many nodes.
    """
    if not isinstance(data, list):
        raise InputError(
            "技术分解树的数据格式不对，请刷新页面重试。The tree data is not a list of "
            "nodes: reload the page."
        )
    if len(data) > MAX_NODES:
        raise InputError(
            f"技术分解树最多 {MAX_NODES} 个节点。A tree holds at most {MAX_NODES} nodes."
        )
    rows: list[TreeRow] = []
    for item in data:
        if not isinstance(item, Mapping):
            raise InputError(
                "技术分解树的数据格式不对，请刷新页面重试。A node is not an object: "
                "reload the page."
            )
        try:
            depth = int(item.get("depth") or 0)
        except (TypeError, ValueError):
            depth = 0
        limit = rows[-1].depth + 1 if rows else 0
        depth = max(0, min(depth, limit, MAX_DEPTH - 1))
        values = {f: str(item.get(f) or "").strip() for f in FIELDS}
        rows.append(TreeRow(depth=depth, **values, origin=_origin(item.get("origin"))))
    return rows


def _origin(value: Any) -> tuple[str, ...]:
    """A posted origin path: a list of at most MAX_DEPTH names (anything else: none)."""
    if (
        isinstance(value, list)
        and 0 < len(value) <= MAX_DEPTH
        and all(isinstance(v, str) and 0 < len(v) <= 200 for v in value)
    ):
        return tuple(value)
    return ()


def moved_paths(rows: Sequence[TreeRow]) -> dict[tuple[str, ...], tuple[str, ...]]:
    """The nodes of the opened spec now under another path (renamed, moved, or under a
    renamed parent): their old path → new path. A node copied into two rows keeps
    neither (its records stay with the old path)."""
    seen: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for row, path in zip(rows, paths_of(rows), strict=True):
        if row.origin:
            seen.setdefault(row.origin, []).append(path)
    return {old: new[0] for old, new in seen.items() if len(new) == 1 and new[0] != old}


def rows_from_scope(scope: Sequence[Mapping[str, Any]]) -> list[TreeRow]:
    """Rows from a spec's ``scope`` list as its YAML holds it (e.g. what
    :func:`patnav.analyses.breakdown.breakdown_to_dict` makes of a breakdown table)."""
    out: list[TreeRow] = []

    def text(value: Any) -> str:
        if isinstance(value, list | tuple):
            return "; ".join(str(v) for v in value)
        return "" if value is None else str(value)

    def visit(nodes: Sequence[Mapping[str, Any]], depth: int) -> None:
        for node in nodes:
            out.append(
                TreeRow(
                    depth=depth,
                    name=text(node.get("node")),
                    keywords=text(node.get("keywords")),
                    keywords_en=text(node.get("keywords_en")),
                    ipc=text(node.get("ipc")),
                    cpc=text(node.get("cpc")),
                    query=text(node.get("query")),
                    note=text(node.get("note")),
                )
            )
            visit(node.get("children") or [], depth + 1)

    visit(scope, 0)
    return out


# -- edits --------------------------------------------------------------------------------


def subtree_end(rows: Sequence[TreeRow], at: int) -> int:
    """The index just past the subtree of row ``at``."""
    end = at + 1
    while end < len(rows) and rows[end].depth > rows[at].depth:
        end += 1
    return end


def _previous_sibling(rows: Sequence[TreeRow], at: int) -> int | None:
    depth = rows[at].depth
    for i in range(at - 1, -1, -1):
        if rows[i].depth == depth:
            return i
        if rows[i].depth < depth:
            return None
    return None


def _parent(rows: Sequence[TreeRow], at: int) -> int | None:
    for i in range(at - 1, -1, -1):
        if rows[i].depth < rows[at].depth:
            return i
    return None


def _sibling_names(rows: Sequence[TreeRow], parent: int | None) -> set[str]:
    depth = 0 if parent is None else rows[parent].depth + 1
    start = 0 if parent is None else parent + 1
    end = len(rows) if parent is None else subtree_end(rows, parent)
    return {r.name for r in rows[start:end] if r.depth == depth}


def _new_row(rows: Sequence[TreeRow], depth: int, parent: int | None) -> TreeRow:
    taken = _sibling_names(rows, parent)
    name, n = NEW_NODE, 1
    while name in taken:
        n += 1
        name = f"{NEW_NODE}{n}"
    return TreeRow(depth=depth, name=name)


def apply_edit(rows: Sequence[TreeRow], op: str, at: int) -> tuple[list[TreeRow], int]:
    """The rows after one edit of row ``at``, and the index of the row to focus (the new
    or moved one). An edit that cannot apply (up at the top, indent without a previous
    sibling …) leaves the rows as they are.

    Raises:
        InputError: ``op`` is not an edit, or ``at`` is not a row.
    """
    if op not in OPS:
        raise InputError(
            f"未知的编辑操作“{op}”。Unknown edit {op!r}: one of {', '.join(OPS)}."
        )
    out = list(rows)
    if op == "add_root" or not out:
        if len(out) >= MAX_NODES:
            return out, len(out) - 1
        out.append(_new_row(out, 0, None))
        return out, len(out) - 1
    if not 0 <= at < len(out):
        raise InputError(f"没有第 {at + 1} 个节点。There is no node {at + 1}.")
    end = subtree_end(out, at)
    row = out[at]
    if op in ("add_child", "add_sibling"):
        if len(out) >= MAX_NODES or (op == "add_child" and row.depth + 1 >= MAX_DEPTH):
            return out, at
        if op == "add_child":
            new = _new_row(out, row.depth + 1, at)
        else:
            new = _new_row(out, row.depth, _parent(out, at))
        out.insert(end, new)
        return out, end
    if op == "delete":
        del out[at:end]
        return out, min(at, len(out) - 1)
    if op == "up":
        before = _previous_sibling(out, at)
        if before is None:
            return out, at
        out[before:end] = out[at:end] + out[before:at]
        return out, before
    if op == "down":
        if end >= len(out) or out[end].depth != row.depth:
            return out, at
        after = subtree_end(out, end)
        out[at:after] = out[end:after] + out[at:end]
        return out, at + (after - end)
    if op == "indent":
        if _previous_sibling(out, at) is None or row.depth + 1 >= MAX_DEPTH:
            return out, at
        out[at:end] = [replace(r, depth=r.depth + 1) for r in out[at:end]]
        return out, at
    # outdent: the node becomes the next sibling of its parent, after the parent's subtree
    parent = _parent(out, at)
    if parent is None:
        return out, at
    parent_end = subtree_end(out, parent)
    block = [replace(r, depth=r.depth - 1) for r in out[at:end]]
    rest = out[:at] + out[end:parent_end]
    out = rest + block + out[parent_end:]
    return out, len(rest)


# -- the tree in the spec's YAML ---------------------------------------------------------


def _node_dict(row: TreeRow) -> dict[str, Any]:
    out: dict[str, Any] = {"node": row.name}
    for field_name in ("keywords", "keywords_en", "ipc", "cpc"):
        terms = split_terms(getattr(row, field_name))
        if terms:
            out[field_name] = list(terms)
    if row.query:
        out["query"] = row.query
    if row.note:
        out["note"] = row.note
    return out


def scope_of(rows: Sequence[TreeRow]) -> list[dict[str, Any]]:
    """The rows as the spec's ``scope`` list (nested ``children``)."""
    top: list[dict[str, Any]] = []
    stack: list[tuple[int, list[dict[str, Any]]]] = [(-1, top)]
    for row in rows:
        while stack[-1][0] >= row.depth:
            stack.pop()
        node = _node_dict(row)
        stack[-1][1].append(node)
        children: list[dict[str, Any]] = []
        node["children"] = children
        stack.append((row.depth, children))

    def prune(nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            if node["children"]:
                prune(node["children"])
            else:
                del node["children"]

    prune(top)
    return top


def with_scope(text: str, rows: Sequence[TreeRow]) -> str:
    """The spec's YAML ``text`` with its ``scope:`` block written from ``rows``; the rest
    of the text, comments included, stays as it was (a spec without the block gets it
    after its other keys, before a ``quality:`` block)."""
    block = yaml.safe_dump(
        {"scope": scope_of(rows)}, allow_unicode=True, sort_keys=False, width=100
    ).rstrip("\n")
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if _SCOPE_KEY.match(line)), None)
    if start is None:
        quality = next(
            (i for i, line in enumerate(lines) if re.match(r"^quality\s*:", line)),
            None,
        )
        if quality is not None:
            while quality > 0 and lines[quality - 1].lstrip().startswith("#"):
                quality -= 1
            out = [*lines[:quality], *block.splitlines(), "", *lines[quality:]]
        else:
            out = [*lines, *block.splitlines()]
        return "\n".join(out) + "\n"
    end = next(
        (j for j in range(start + 1, len(lines)) if _TOP_KEY.match(lines[j])),
        len(lines),
    )
    # comment lines just above the next key belong to it, not to the scope
    while end - 1 > start and (
        not lines[end - 1].strip() or lines[end - 1].startswith("#")
    ):
        end -= 1
    after = lines[end:]
    out = [*lines[:start], *block.splitlines(), *([""] if after else []), *after]
    return "\n".join(out).rstrip("\n") + "\n"


# -- problems at their node --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NodeProblem:
    """A problem of one node: its row, its path, the field it is in, and what to do (in
    Chinese and English)."""

    index: int
    path: tuple[str, ...]
    field: str
    message_zh: str
    message: str

    @property
    def label(self) -> str:
        return " / ".join(p or "（未命名）" for p in self.path)

    def localized(self, lang: str) -> str:
        return self.message if lang == "en" else self.message_zh

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "node": list(self.path),
            "field": self.field,
            "message": self.message,
            "message_zh": self.message_zh,
        }


def paths_of(rows: Sequence[TreeRow]) -> list[tuple[str, ...]]:
    """Each row's path of names from its 一级 node."""
    out: list[tuple[str, ...]] = []
    stack: list[str] = []
    for row in rows:
        del stack[row.depth :]
        stack.append(row.name)
        out.append(tuple(stack))
    return out


def node_problems(rows: Sequence[TreeRow]) -> list[NodeProblem]:
    """Every problem of the tree placed at its node: an empty name, a name a sibling
    already has, a class that is no IPC/CPC symbol, a query that does not parse (the one
    written by hand, else the one of the keywords and classes)."""
    from patnav.search import compile_query

    paths = paths_of(rows)
    problems: list[NodeProblem] = []
    seen: dict[tuple[str, ...], int] = {}
    for i, (row, path) in enumerate(zip(rows, paths, strict=True)):

        def add(
            field_name: str, zh: str, en: str, *, i: int = i, path: Any = path
        ) -> None:
            problems.append(NodeProblem(i, path, field_name, zh, en))

        if not row.name:
            add(
                "name",
                f"第 {i + 1} 个节点（{level_name(row.depth)}）没有名称，请填写。",
                f"Node {i + 1} ({level_name(row.depth)}) has no name: write one.",
            )
        elif path in seen:
            add(
                "name",
                f"同级已有名为“{row.name}”的节点（第 {seen[path] + 1} 个），请改名。",
                f"A sibling node (node {seen[path] + 1}) is already named {row.name!r}: "
                "rename one.",
            )
        else:
            seen[path] = i
        bad_class = False
        for field_name, scheme in (("ipc", "IPC"), ("cpc", "CPC")):
            for code in split_terms(getattr(row, field_name)):
                compact = "".join(code.split()).upper()
                if not IPC_PATTERN.fullmatch(compact):
                    bad_class = True
                    add(
                        field_name,
                        f"“{code}”不是 {scheme} 分类号，请写成 H01M 或 H01M10/052 的形式。",
                        f"{code!r} is not an {scheme} symbol: write it as H01M or "
                        "H01M10/052.",
                    )
        # a wrong class is said once, not again as the query it makes
        query = row.query or (None if bad_class else row.generated_query())
        if query:
            field_name = "query" if row.query else "keywords"
            try:
                compile_query(query)
            except QuerySyntaxError as exc:
                add(
                    field_name, f"检索式有误：{exc.message_zh}", f"Query: {exc.message}"
                )
            except InputError as exc:
                add(field_name, f"检索式有误：{exc}", f"Query: {exc}")
    return problems


# -- what changed between two versions ---------------------------------------------------

_COMPARED = ("query", "keywords", "keywords_en", "ipc", "cpc", "note")


@dataclass(frozen=True, slots=True)
class NodeChange:
    """A node added, removed or changed between two versions, with the fields that
    changed (for ``changed``) as (field, before, after)."""

    path: tuple[str, ...]
    kind: str
    fields: tuple[tuple[str, str, str], ...] = ()

    @property
    def label(self) -> str:
        return " / ".join(self.path)


def _fields(node: SpecNode) -> dict[str, str]:
    return {
        "query": node.query or "",
        "keywords": "; ".join(node.keywords),
        "keywords_en": "; ".join(node.keywords_en),
        "ipc": "; ".join(node.ipc),
        "cpc": "; ".join(node.cpc),
        "note": node.note or "",
    }


def diff_trees(before: NavigationSpec, after: NavigationSpec) -> list[NodeChange]:
    """The nodes added, removed or changed from ``before`` to ``after``, matched by path
    (a renamed node is one removed and one added), in the order of ``after`` then the
    removed ones in the order of ``before``."""
    old = {n.path: n for n in before.walk()}
    new = {n.path: n for n in after.walk()}
    out: list[NodeChange] = []
    for path, node in new.items():
        if path not in old:
            out.append(NodeChange(path, "added"))
            continue
        a, b = _fields(old[path]), _fields(node)
        changed = tuple((f, a[f], b[f]) for f in _COMPARED if a[f] != b[f])
        if changed:
            out.append(NodeChange(path, "changed", changed))
    out.extend(NodeChange(p, "removed") for p in old if p not in new)
    return out
