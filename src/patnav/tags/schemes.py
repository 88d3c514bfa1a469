"""Tag schemes (标引体系): a project's technology breakdown used as a classification.

A scheme has a name, the project or spec it belongs to, a description and its nodes — a
navigation spec's technology tree (every node, depth first) or a plain list. Tags name
one of its nodes; a node that still carries tags cannot be dropped from the scheme.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from patnav.errors import InputError, NotFoundError
from patnav.search.fields import nearest
from patnav.storage.store import PatentStore

if TYPE_CHECKING:
    from patnav.analyses.spec import NavigationSpec

MAX_NODES = 2_000
"""Nodes a scheme may have."""


@dataclass(frozen=True, slots=True)
class TagScheme:
    """A tag scheme as stored."""

    name: str
    nodes: tuple[str, ...]
    project: str | None = None
    description: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "project": self.project,
            "description": self.description,
            "nodes": list(self.nodes),
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
        }

    def check_node(self, node: str) -> str:
        """``node`` itself when the scheme has it (surrounding spaces dropped).

        Raises:
            InputError: the scheme has no such node; the message names the nearest.
        """
        name = node.strip()
        if name in self.nodes:
            return name
        guesses = nearest(name, list(self.nodes))
        hint = f"是否要写 {'、'.join(guesses)}？" if guesses else ""
        raise InputError(
            f"标引体系 {self.name} 没有节点 {name!r}。{hint}"
            f"可用节点：{'、'.join(self.nodes[:50])}"
            f"{' …' if len(self.nodes) > 50 else ''}"
        )


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _clean_nodes(nodes: Sequence[str]) -> tuple[str, ...]:
    out: list[str] = []
    for raw in nodes:
        name = str(raw).strip()
        if not name:
            continue
        if ":" in name or "：" in name:
            raise InputError(
                f"节点名 {name!r} 含有冒号：冒号在检索式 TAG=方案:节点 中分隔方案与节点，"
                "请改用其他符号。"
            )
        if name not in out:
            out.append(name)
    if not out:
        raise InputError("标引体系至少要有一个节点：请用 --node 或 --spec 给出节点。")
    if len(out) > MAX_NODES:
        raise InputError(f"标引体系最多 {MAX_NODES} 个节点，给出了 {len(out)} 个。")
    return tuple(out)


def nodes_of_spec(path: Path | str) -> tuple[str, tuple[str, ...]]:
    """The title and node names of a navigation spec's technology tree, depth first.

    Raises:
        SpecError: the spec is malformed.
        InputError: two nodes share a name (a tag could not say which it means).
    """
    from patnav.analyses.spec import load_spec

    spec = load_spec(path)
    return spec.title, spec_nodes(spec, str(path))


def spec_nodes(spec: NavigationSpec, source: str) -> tuple[str, ...]:
    """The node names of a parsed spec's technology tree, depth first (``source``
    names the spec in the message).

    Raises:
        InputError: two nodes share a name (a tag could not say which it means).
    """
    names = [node.name for node in spec.walk()]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InputError(
            f"导航方案 {source} 中的节点名重复：{'、'.join(twice)}。标引按节点名记录，"
            "请先让节点名各不相同。"
        )
    return tuple(names)


def save_scheme(
    store: PatentStore,
    name: str,
    nodes: Sequence[str],
    *,
    project: str | None = None,
    description: str | None = None,
) -> TagScheme:
    """Create a scheme, or replace the nodes, project and description of one.

    Raises:
        InputError: an empty name or node list, a name or node with a colon, or a node
            dropped while documents are still tagged into it.
    """
    name = name.strip()
    if not name or ":" in name or "：" in name:
        raise InputError(
            f"标引体系名称 {name!r} 不可用：名称不能为空，也不能含冒号（检索式 "
            "TAG=方案:节点 用冒号分隔）。"
        )
    cleaned = _clean_nodes(nodes)
    now = _now()
    with store.transaction():
        existing = store.rows(
            "SELECT created_at FROM tag_schemes WHERE name = ?", [name]
        )
        if existing:
            dropped = store.rows(
                "SELECT node, count(*) FROM tags WHERE scheme = ? "
                "AND NOT list_contains(?, node) GROUP BY node ORDER BY node",
                [name, list(cleaned)],
            )
            if dropped:
                listed = "、".join(f"{n}（{c} 条）" for n, c in dropped)
                raise InputError(
                    f"标引体系 {name} 的节点 {listed} 仍有标引，不能删去："
                    "请先用 patnav tags remove 移除这些标引，或保留这些节点。"
                )
            store.execute("DELETE FROM tag_schemes WHERE name = ?", [name])
        created = existing[0][0] if existing else now
        store.execute(
            "INSERT INTO tag_schemes VALUES (?, ?, ?, ?, ?, ?)",
            [name, project, description, list(cleaned), created, now],
        )
    return TagScheme(name, cleaned, project, description, created, now)


def _scheme(row: tuple[Any, ...]) -> TagScheme:
    name, project, description, nodes, created, updated = row
    return TagScheme(name, tuple(nodes or ()), project, description, created, updated)


def list_schemes(store: PatentStore) -> list[TagScheme]:
    """Every scheme, by name (the latest row of a name a snapshot import repeated)."""
    rows = store.rows(
        "SELECT name, project, description, nodes, created_at, updated_at "
        "FROM tag_schemes QUALIFY row_number() OVER "
        "(PARTITION BY name ORDER BY updated_at DESC) = 1 ORDER BY name"
    )
    return [_scheme(r) for r in rows]


def get_scheme(store: PatentStore, name: str) -> TagScheme:
    """The scheme called ``name``.

    Raises:
        NotFoundError: there is none; the message lists the schemes there are.
    """
    schemes = list_schemes(store)
    for scheme in schemes:
        if scheme.name == name.strip():
            return scheme
    known = "、".join(s.name for s in schemes) or "（尚无）"
    raise NotFoundError(
        f"没有名为 {name!r} 的标引体系。已有：{known}。"
        "用 patnav tags scheme NAME --spec SPEC.yaml 或 --node 节点 建立。"
    )
