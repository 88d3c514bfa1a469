"""Navigation specs (导航方案): the YAML that defines a navigation project's analyses.

A spec names the scope as a tree of technology nodes, each with its search strategy (检索式);
the home region; the comparators; the period; the counting unit; the report type; and for
enterprise navigation the entities to benchmark. One spec + one store = one report,
reproducibly. Validation errors name the place in the file and what to write instead::

    title: 湖北省光电子信息产业专利导航
    type: industry            # region | industry | enterprise | rnd | talent | fto | micro
    region: {province: 湖北省}
    compare: [national, global]
    period: {from: 2005, to: 2025, by: application_date}
    count_by: family          # family | application | document
    base_query: TIAB=(光纤 OR 激光)   # optional: what every node is narrowed to
    scope:
      - node: 光通信
        query: (TIAB=(光纤 OR 光模块 OR optical fiber) OR IPC=(G02B6 OR H04B10))
        children:
          - {node: 光纤光缆, query: "TIAB=(光纤 OR 光缆) AND IPC=G02B6"}
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from patnav.analyses.base import Region, Scope
from patnav.errors import InputError
from patnav.yamlsafe import Node, YamlError, compose_yaml, construct_yaml, line_of

REPORT_TYPES = ("region", "industry", "enterprise", "rnd", "talent", "fto", "micro")
PERIOD_BASES = {
    "application_date": "app_date",
    "priority_date": "coalesce(priority_date, app_date)",
    "publication_date": "pub_date",
}


class SpecError(InputError):
    """A navigation spec is malformed: the message names the place and the fix."""


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid")
    node: str = Field(min_length=1)
    query: str | None = None
    children: list[_Node] = Field(default_factory=list)
    note: str | None = None


class _Region(BaseModel):
    model_config = ConfigDict(extra="forbid")
    country: str = "CN"
    province: str | None = None
    city: str | None = None


class _Period(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    start: int | None = Field(default=None, alias="from", ge=1800, le=2100)
    end: int | None = Field(default=None, alias="to", ge=1800, le=2100)
    by: Literal["application_date", "priority_date", "publication_date"] = (
        "application_date"
    )


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1)
    type: Literal["region", "industry", "enterprise", "rnd", "talent", "fto", "micro"]
    region: _Region | None = None
    compare: list[str] = Field(default_factory=lambda: ["national", "global"])
    period: _Period = Field(default_factory=_Period)
    count_by: Literal["family", "application", "document"] = "family"
    base_query: str | None = None
    scope: list[_Node] = Field(default_factory=list)
    entities: list[str] = Field(default_factory=list)
    lang: Literal["zh", "en"] = "zh"
    description: str | None = None

    @field_validator("compare")
    @classmethod
    def _compare(cls, value: list[str]) -> list[str]:
        for item in value:
            if item not in ("national", "global"):
                raise ValueError(
                    f"compare entries are 'national' or 'global', not {item!r}"
                )
        return value


@dataclass(frozen=True, slots=True)
class SpecNode:
    """A technology node of the scope tree, with its path from the root."""

    name: str
    query: str | None
    path: tuple[str, ...]
    children: tuple[SpecNode, ...] = ()
    note: str | None = None

    @property
    def depth(self) -> int:
        return len(self.path) - 1

    @property
    def label(self) -> str:
        return " / ".join(self.path)


@dataclass(frozen=True, slots=True)
class Period:
    """The years a navigation covers, and which date places a document in them."""

    start: int | None
    end: int | None
    by: str

    def scope(self) -> Scope | None:
        """The documents inside the period, or None for no restriction."""
        if self.start is None and self.end is None:
            return None
        expr = PERIOD_BASES[self.by]
        return Scope.of_sql(
            f"SELECT doc_id FROM patents WHERE year({expr}) BETWEEN $period_from AND $period_to",
            {"period_from": self.start or 1, "period_to": self.end or 9999},
            label=f"{self.start or '…'}–{self.end or '…'}",
        )


@dataclass(frozen=True, slots=True)
class NavigationSpec:
    """A validated navigation spec."""

    title: str
    type: str
    region: Region | None
    compare: tuple[str, ...]
    period: Period
    count_by: str
    base_query: str | None
    nodes: tuple[SpecNode, ...]
    entities: tuple[str, ...]
    lang: str
    description: str | None
    source: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    def walk(self) -> list[SpecNode]:
        """Every node, depth first, in the order the spec lists them."""
        out: list[SpecNode] = []

        def visit(node: SpecNode) -> None:
            out.append(node)
            for child in node.children:
                visit(child)

        for node in self.nodes:
            visit(node)
        return out

    def base_scope(self, store: Any = None) -> Scope:
        """The spec's documents: its base query within its period."""
        scope = Scope.everything()
        if self.base_query:
            scope = Scope.of_query(self.base_query, label=self.title, store=store)
        period = self.period.scope()
        if period is not None:
            scope = scope.narrow(period, label=scope.label)
        return scope

    def node_scope(self, node: SpecNode, store: Any = None) -> Scope:
        """A node's documents: its own query (or its children's, joined by OR) within the
        spec's base scope."""
        query = node_query(node)
        base = self.base_scope(store)
        if query is None:
            return base
        return base.narrow(
            Scope.of_query(query, label=node.name, store=store), label=node.name
        )


def node_query(node: SpecNode) -> str | None:
    """A node's query; a node without one stands for the union of its children."""
    if node.query:
        return node.query
    parts = [q for q in (node_query(c) for c in node.children) if q]
    if not parts:
        return None
    return " OR ".join(f"({p})" for p in parts)


def _convert(node: _Node, parent: tuple[str, ...]) -> SpecNode:
    path = (*parent, node.node)
    return SpecNode(
        name=node.node,
        query=node.query,
        path=path,
        children=tuple(_convert(c, path) for c in node.children),
        note=node.note,
    )


def _where(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += (
            f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        )
    return out or "(top level)"


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The spec model that validates the mapping at ``loc`` (``("scope", 0)`` → a
    node), or None when ``loc`` leads to no mapping."""
    model: type[BaseModel] = _Spec
    for part in loc:
        if isinstance(part, int):
            continue
        fields = {f.alias or name: f for name, f in model.model_fields.items()}
        found = fields.get(str(part))
        inner = _inner_model(found.annotation) if found is not None else None
        if inner is None:
            return None
        model = inner
    return model


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if isinstance(annotation, str):  # the postponed ``list[_Node]`` of _Node.children
        return _Node if "_Node" in annotation else None
    origin = typing.get_origin(annotation)
    if origin is not None or isinstance(annotation, types.UnionType):
        for arg in typing.get_args(annotation):
            inner = _inner_model(arg)
            if inner is not None:
                return inner
    return None


def describe_problem(
    error: Any, root: Node | None = None
) -> tuple[str, str | None, int | None]:
    """One schema problem of a spec as (English message, Chinese message or None, line):
    an unknown key names the keys allowed there and the likeliest one (``titel`` →
    ``title``)."""
    loc = tuple(error["loc"])
    line = line_of(root, loc)
    if error.get("type") == "extra_forbidden" and loc:
        key = str(loc[-1])
        model = _model_at(loc[:-1])
        allowed = (
            [f.alias or name for name, f in model.model_fields.items()]
            if model is not None
            else []
        )
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        place = f" in {_where(loc[:-1])}" if loc[:-1] else ""
        if close:
            return (
                f"unknown key '{key}'{place}: did you mean '{close[0]}'?",
                f"无法识别的键“{key}”，是否应为“{close[0]}”？",
                line,
            )
        return (
            f"unknown key '{key}'{place}: the keys here are {', '.join(allowed)}.",
            f"无法识别的键“{key}”。此处可用的键：{'、'.join(allowed)}。",
            line,
        )
    return f"{_where(loc)}: {error['msg']}", None, line


def parse_spec(text: str, *, source: str = "<spec>") -> NavigationSpec:
    """Validate a spec from YAML text, read within the limits of
    :mod:`patnav.yamlsafe` (size, aliases, depth, tags).

    Raises:
        SpecError: the YAML is malformed, breaks a limit or a rule, or has a key the spec
            does not know; the message says the line and, for a misspelt key, the key
            meant.
    """
    try:
        root = compose_yaml(text, source=source)
        raw = None if root is None else construct_yaml(root, source=source)
    except YamlError as exc:
        where = f"{source}, line {exc.line}" if exc.line is not None else source
        raise SpecError(f"{where}: {exc.problem}") from exc
    if not isinstance(raw, dict):
        raise SpecError(f"{source} must be a YAML mapping with title, type and scope.")
    try:
        model = _Spec.model_validate(raw)
    except ValidationError as exc:
        described = sorted(
            (describe_problem(e, root) for e in exc.errors(include_url=False)),
            key=lambda problem: problem[2] or 0,
        )
        problems = "; ".join(
            (f"line {line}: " if line is not None else "") + message
            for message, _, line in described
        )
        raise SpecError(f"{source} is not a valid navigation spec: {problems}") from exc
    names = [n.node for n in model.scope]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SpecError(
            f"{source}: top-level nodes must have distinct names: {duplicates}"
        )
    if model.type in ("region", "industry") and model.scope and model.region is None:
        raise SpecError(
            f"{source}: a {model.type} navigation needs a home region, e.g. "
            "'region: {province: 湖北省}' or 'region: {city: 泰安市}'."
        )
    if model.type == "enterprise" and not model.entities:
        raise SpecError(f"{source}: an enterprise navigation lists its 'entities'.")
    spec = NavigationSpec(
        title=model.title,
        type=model.type,
        region=Region(**model.region.model_dump()) if model.region else None,
        compare=tuple(model.compare),
        period=Period(model.period.start, model.period.end, model.period.by),
        count_by=model.count_by,
        base_query=model.base_query,
        nodes=tuple(_convert(n, ()) for n in model.scope),
        entities=tuple(model.entities),
        lang=model.lang,
        description=model.description,
        source=source,
        raw=raw,
    )
    _check_queries(spec)
    return spec


def _check_queries(spec: NavigationSpec) -> None:
    """Every query of the spec must compile; the error names the node."""
    from patnav.search import compile_query

    for label, query in [("base_query", spec.base_query)] + [
        (f"node '{n.label}'", n.query) for n in spec.walk()
    ]:
        if not query:
            continue
        try:
            compile_query(query)
        except InputError as exc:
            raise SpecError(
                f"{spec.source}: the query of {label} is wrong: {exc}"
            ) from exc


def load_spec(path: Path | str) -> NavigationSpec:
    """Read and validate a spec file.

    Raises:
        SpecError: the file is missing, or not a valid spec.
    """
    p = Path(path)
    try:
        text = p.read_text("utf-8")
    except OSError as exc:
        raise SpecError(f"Cannot read the navigation spec {p}: {exc}") from exc
    return parse_spec(text, source=str(p))
