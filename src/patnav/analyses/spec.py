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

A ``quality:`` block records each node's measured precision and recall
(:mod:`patnav.analyses.strategy_quality` writes it). A node may also carry the words of
its row in the technology breakdown table
(``keywords``, ``keywords_en``, ``ipc``, ``cpc``; see :mod:`patnav.analyses.breakdown`): a
node with these and no ``query`` searches :func:`breakdown_query` of them.

**Scope (分析范围): a report covers exactly the documents its spec defines**, never "whatever
the store holds" (a store often holds several unrelated corpora). :meth:`NavigationSpec.scope`
states the rule; :meth:`NavigationSpec.base_scope` applies it:

1. ``base_query`` when the spec gives one; the nodes narrow within it.
2. Otherwise the union of the queries of every node (at any depth): the technology tree
   *is* the industry, so a document belongs to the report when some node claims it.
3. Otherwise, by report type: an ``enterprise`` navigation covers the documents of its
   ``entities`` (``PA="…"`` for each, joined by OR); a ``region`` navigation the documents
   with an applicant in its ``region``.
4. Otherwise the spec is refused (``SpecError``, in Chinese and English, saying what to
   write): industry, R&D, talent, micro and FTO navigations have no natural scope of
   their own.

Then the comparators: a spec with a home region that compares only with the nation
(``compare: [national]``, no ``global``) covers the documents **originating in the home
country** (first located applicant, else earliest priority, else office — the rule units
are placed by), so its landscape is the national industry it is compared with, not the
foreign patents that share its classes; ``global`` keeps the whole world. A country as home
region with only a national comparator would compare the country with itself and is
refused. Last, the period narrows by its date.

Per report type (``patnav.reports.outlines``): industry, R&D and talent reports analyse
that scope; a micro-navigation its first node within it (the other nodes still define the
industry its chain position is measured against); an enterprise report benchmarks its
entities within it, the first entity's portfolio being its documents in it; a region
report's own landscape is the region's documents (within ``base_query`` when given), its
chain and geography the scope.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from patnav.analyses.base import Region, Scope, origin_scope
from patnav.errors import InputError, SpecError, YamlError
from patnav.yamlsafe import Node, compose_yaml, construct_yaml, line_of

REPORT_TYPES = ("region", "industry", "enterprise", "rnd", "talent", "fto", "micro")
PERIOD_BASES = {
    "application_date": "app_date",
    "priority_date": "coalesce(priority_date, app_date)",
    "publication_date": "pub_date",
}


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid")
    node: str = Field(min_length=1)
    query: str | None = None
    children: list[_Node] = Field(default_factory=list)
    note: str | None = None
    keywords: list[str] = Field(default_factory=list)
    keywords_en: list[str] = Field(default_factory=list)
    ipc: list[str] = Field(default_factory=list)
    cpc: list[str] = Field(default_factory=list)


class _NodeQuality(BaseModel):
    model_config = ConfigDict(extra="forbid")
    node: list[str] = Field(min_length=1)
    precision: dict[str, Any] | None = None
    recall: dict[str, Any] | None = None


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
    exclude_applicants: list[str] = Field(default_factory=list)
    lang: Literal["zh", "en"] = "zh"
    description: str | None = None
    population: str | None = None
    quality: list[_NodeQuality] = Field(default_factory=list)

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
    keywords: tuple[str, ...] = ()
    """中文关键词 of the breakdown table (see :func:`breakdown_query`)."""
    keywords_en: tuple[str, ...] = ()
    """英文关键词 of the breakdown table."""
    ipc: tuple[str, ...] = ()
    cpc: tuple[str, ...] = ()

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
    scope_nodes: tuple[SpecNode, ...] | None = None
    """The nodes whose union defines the scope when they differ from ``nodes``: a
    micro-navigation narrows its nodes to one but keeps its industry as the scope."""
    exclude_applicants: tuple[str, ...] = ()
    """Holders never proposed as candidates (``*`` a wildcard, case-insensitive): an
    analyst's list of those already attracted, or not to be approached."""
    population: str | None = None
    """A population table (CSV ``region,population``, 万人; relative to the spec's folder)
    for 每万人口高价值发明专利拥有量 in region reports; None: counts only."""

    def population_path(self) -> Path | None:
        """:attr:`population` resolved against the spec's folder (None: not given)."""
        if not self.population:
            return None
        path = Path(self.population)
        if not path.is_absolute() and self.source:
            path = Path(self.source).parent / path
        return path

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

    def scope(self) -> SpecScope:
        """What the spec's documents are (see the module docstring for the rule).

        Raises:
            SpecError: the spec defines no scope, so a report would cover the whole store.
        """
        national = None
        if (
            self.region is not None
            and "national" in self.compare
            and "global" not in self.compare
        ):
            national = self.region.country
        if self.base_query:
            return SpecScope("base_query", (self.base_query,), national, self.period)
        queries = _node_queries(self.scope_nodes or self.nodes)
        if queries:
            return SpecScope("nodes", queries, national, self.period)
        if self.type == "enterprise" and self.entities:
            return SpecScope(
                "entities",
                tuple(entity_query(e) for e in self.entities),
                national,
                self.period,
            )
        if self.type == "region" and self.region is not None:
            return SpecScope(
                "region", (region_query(self.region),), national, self.period
            )
        raise SpecError(_no_scope_message(self))

    def base_scope(self, store: Any = None) -> Scope:
        """The spec's documents: its scope (:meth:`scope`), from its home country when it
        compares only with the nation, within its period.

        Raises:
            SpecError: the spec defines no scope.
        """
        scope, *narrowing = self.scope_parts(store)
        for step in narrowing:
            scope = scope.narrow(step, label=self.title)
        return scope

    def scope_parts(self, store: Any = None) -> list[Scope]:
        """:meth:`base_scope` as its parts — the defining union, then the national limit
        and the period that narrow it — for ``patnav.analyses.base.materialized``, which
        computes them one after the other.

        Raises:
            SpecError: the spec defines no scope.
        """
        definition = self.scope()
        if len(definition.queries) > 1 and _names_a_set(store, definition.queries):
            parts = [
                Scope.of_query(q, label=self.title, store=store)
                for q in definition.queries
            ]
            union = Scope.union(parts, label=self.title, query=definition.query)
        else:  # one query (several joined by OR): one scan, not one per node
            union = Scope.of_query(definition.query, label=self.title, store=store)
        out = [union]
        if definition.national is not None:
            out.append(origin_scope(definition.national, label=definition.national))
        period = self.period.scope()
        if period is not None:
            out.append(period)
        return out

    def region_scope(self, store: Any = None) -> Scope:
        """The home region's own documents: those with an applicant in the region, within
        the base query when there is one and within the period (a region report's
        landscape).

        Raises:
            SpecError: the spec has no home region.
        """
        if self.region is None:
            raise SpecError(
                f"{self.source}: 区域导航需要写明 region，例如 "
                "'region: {province: 山东省, city: 泰安市}'。A region navigation needs "
                "'region:'."
            )
        scope = Scope.of_query(
            region_query(self.region), label=self.region.label, store=store
        )
        if self.base_query:
            scope = Scope.of_query(
                self.base_query, label=self.title, store=store
            ).narrow(scope, label=self.region.label)
        period = self.period.scope()
        if period is not None:
            scope = scope.narrow(period, label=self.region.label)
        return scope

    def node_scope(
        self, node: SpecNode, store: Any = None, *, base: Scope | None = None
    ) -> Scope:
        """A node's documents: its own query (or its children's, joined by OR) within the
        spec's base scope (``base``: that scope already computed, e.g. materialised)."""
        query = node_query(node)
        base = base or self.base_scope(store)
        if query is None:
            return base
        return base.narrow(
            Scope.of_query(query, label=node.name, store=store), label=node.name
        )


@dataclass(frozen=True, slots=True)
class SpecScope:
    """A spec's scope: what defines it, its queries (joined by OR), whether it is limited
    to the documents originating in the home country, and its period."""

    basis: Literal["base_query", "nodes", "entities", "region"]
    queries: tuple[str, ...]
    national: str | None
    period: Period

    @property
    def query(self) -> str:
        """The scope as one expert query (检索式)."""
        if len(self.queries) == 1:
            return self.queries[0]
        return " OR ".join(f"({q})" for q in self.queries)


def _names_a_set(store: Any, queries: tuple[str, ...]) -> bool:
    """Whether one of ``queries`` names a saved patent set of ``store`` (it is then
    resolved on its own, not joined into one query)."""
    if store is None:
        return False
    from patnav.search import find_set

    return any(find_set(store, q) is not None for q in queries)


def _node_queries(nodes: tuple[SpecNode, ...]) -> tuple[str, ...]:
    """The queries of every node of the tree, depth first, each once."""
    out: list[str] = []

    def visit(node: SpecNode) -> None:
        if node.query and node.query not in out:
            out.append(node.query)
        for child in node.children:
            visit(child)

    for node in nodes:
        visit(node)
    return tuple(out)


def _no_scope_message(spec: NavigationSpec) -> str:
    """Why a spec has no scope, and what to write (Chinese, then English)."""
    zh = (
        "导航方案没有定义分析范围，报告将覆盖库中全部文献。请写 base_query（基础检索式），"
        "或在 scope 下列出带 query 的技术环节（范围为各环节检索式之并）"
    )
    en = (
        "The spec defines no scope, so its report would cover the whole store. Give a "
        "base_query, or scope nodes with a query each (the report covers their union)"
    )
    if spec.type == "enterprise":
        zh += "，或列出 entities（范围为这些企业的专利）"
        en += ", or the entities (the report covers their patents)"
    if spec.type == "region":
        zh += "，或写明 region（范围为该区域申请人的专利）"
        en += ", or the region (the report covers its applicants' patents)"
    return f"{spec.source}: {zh}。{en}."


def region_query(region: Region) -> str:
    """An expert query selecting documents with an applicant in ``region``."""
    parts = [f"CO={region.country}"] if not (region.province or region.city) else []
    if region.province:
        parts.append(f'PROV="{region.province}"')
    if region.city:
        parts.append(f'CITY="{region.city}"')
    return " AND ".join(parts)


def entity_query(name: str) -> str:
    """An expert query for an applicant name (``%`` wildcards become ``*``)."""
    text = name.replace('"', " ").replace("%", "*").strip()
    return f'PA="{text}"' if "*" not in text else f"PA={text.replace(' ', '?')}"


def node_query(node: SpecNode) -> str | None:
    """A node's query; a node without one stands for the union of its children."""
    if node.query:
        return node.query
    parts = [q for q in (node_query(c) for c in node.children) if q]
    if not parts:
        return None
    return " OR ".join(f"({p})" for p in parts)


_QUOTE_NEEDED = re.compile(r"[\s()\"=]|^(?:AND|OR|NOT)$", re.IGNORECASE)


def _term(text: str) -> str:
    """One keyword as a query term: quoted when it holds a space, a bracket, a quote or
    an operator word (a phrase such as ``"optical fiber"``)."""
    if _QUOTE_NEEDED.search(text):
        return '"' + text.replace('"', " ").strip() + '"'
    return text


def breakdown_query(
    keywords: Sequence[str] = (),
    keywords_en: Sequence[str] = (),
    ipc: Sequence[str] = (),
    cpc: Sequence[str] = (),
) -> str | None:
    """The search strategy (检索式) a breakdown-table row stands for when it gives none:
    its keywords (Chinese, then English) in title or abstract, OR its IPC classes, OR its
    CPC classes — ``TIAB=(光纤 OR "optical fiber") OR IPC=(G02B6 OR H04B10)``. A class is
    written without spaces (``G02B 6/00`` → ``G02B6/00``) and matches its subdivisions as
    ``IPC=`` does. None when the row names neither words nor classes.
    """
    parts = []
    words = [_term(w.strip()) for w in (*keywords, *keywords_en) if w.strip()]
    if words:
        parts.append(f"TIAB=({' OR '.join(words)})")
    for field_name, codes in (("IPC", ipc), ("CPC", cpc)):
        clean = ["".join(c.split()) for c in codes if c.strip()]
        if clean:
            parts.append(f"{field_name}=({' OR '.join(clean)})")
    return " OR ".join(parts) or None


def _convert(node: _Node, parent: tuple[str, ...]) -> SpecNode:
    path = (*parent, node.node)
    query = node.query or breakdown_query(
        node.keywords, node.keywords_en, node.ipc, node.cpc
    )
    return SpecNode(
        name=node.node,
        query=query,
        path=path,
        children=tuple(_convert(c, path) for c in node.children),
        note=node.note,
        keywords=tuple(node.keywords),
        keywords_en=tuple(node.keywords_en),
        ipc=tuple(node.ipc),
        cpc=tuple(node.cpc),
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
        exclude_applicants=tuple(
            n.strip() for n in model.exclude_applicants if n.strip()
        ),
        population=model.population,
    )
    _check_queries(spec)
    _check_scope(spec)
    return spec


def _check_scope(spec: NavigationSpec) -> None:
    """The spec must define its scope, and a country must have a comparator other than
    itself."""
    spec.scope()
    region = spec.region
    if (
        region is not None
        and not (region.province or region.city)
        and tuple(spec.compare) == ("national",)
    ):
        raise SpecError(
            f"{spec.source}: 导航区域是国家（{region.country}）时，对比基准不能只有全国"
            "（即与自身比较），请写 compare: [global]。A country as home region is "
            "compared with the world: write 'compare: [global]'."
        )


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
