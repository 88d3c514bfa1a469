"""Compile a query tree into parameterised SQL over the store's tables.

The result selects the ``doc_id`` of every matching document; every value the user typed
is a ``?`` parameter, never text pasted into the SQL. The statement runs on the store alone
(no side index), so any analysis can use it as a subquery::

    SELECT … FROM patents WHERE doc_id IN (<compiled.sql>)

Its shape::

    SELECT doc_id FROM patents
    LEFT JOIN (SELECT doc_id, bool_or(<term 1>) AS f0, bool_or(<term 2>) AS f1 …
               FROM parties WHERE <term 1> OR <term 2> … GROUP BY doc_id) AS _parties
           USING (doc_id)
    LEFT JOIN (… classifications …) AS _classes USING (doc_id)
    …
    WHERE <the Boolean expression over patents' columns and the flags>

Terms on the other tables (parties, classifications, priorities, texts in other
languages) become flags of one grouped join per table, over the rows some term matches —
not one subquery per term: DuckDB plans hundreds of subqueries in quadratic time, and a
real search strategy can OR hundreds of classification symbols or synonyms. Every term
yields TRUE or FALSE, never NULL, so ``NOT`` means "every other document".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from patnav.search import values as v
from patnav.search.fields import FIELDS, Kind
from patnav.search.query import And, Leaf, Node, Not, Or, Range, Term, parse, to_text
from patnav.text.matching import matcher

TEXT_COLUMNS: dict[str, tuple[str, ...]] = {
    "TI": ("title",),
    "AB": ("abstract",),
    "CL": ("claims",),
    "TIAB": ("title", "abstract"),
    "TIABC": ("title", "abstract", "claims"),
}
"""The ``patents`` columns (and ``texts`` sections of the same names) of each text field."""

PARTY_ROLES: dict[str, tuple[str, ...]] = {
    "PA": ("applicant", "assignee"),
    "IN": ("inventor",),
    "AGC": ("agency",),
    "AGT": ("agent",),
}
APPLICANT_ROLES = PARTY_ROLES["PA"]
DATE_COLUMNS = {
    "AD": "app_date",
    "PD": "pub_date",
    "GD": "grant_date",
    "PRD": "priority_date",
    "EXD": "expiry_date",
}
JOINED_RANGES: dict[str, tuple[str, str]] = {
    "DUE": ("maintenance", "next_due"),
    "YM": ("maintenance", "years_maintained"),
    "VAL": ("value_scores", "score"),
}
"""Range fields read from another table: field → (table, column)."""
VALUE_USE = "management"
"""The use whose value scores VAL and GRADE search (``value_scores.use``)."""
OWNER_ROLES = ("current_owner",)
PATENT_COLUMNS = (
    "doc_id",
    "title",
    "abstract",
    "claims",
    "app_date",
    "pub_date",
    "grant_date",
    "priority_date",
    "patent_type",
    "legal_status",
    "status_source",
    "office",
    "ipc_main",
    "pub_number",
    "grant_pub_number",
    "app_number",
    "expiry_date",
)
"""Every column of ``patents`` a compiled WHERE clause may name."""

# The grouped joins, in the order they appear in the SQL: table → alias.
_JOINED = {
    "texts": "_texts",
    "parties": "_parties",
    "classifications": "_classes",
    "priorities": "_priorities",
}


@dataclass(frozen=True, slots=True)
class Fragment:
    """A piece of SQL and the parameters of its ``?`` placeholders, in order."""

    sql: str
    params: tuple[Any, ...] = ()


def _join(parts: list[Fragment], joiner: str) -> Fragment:
    return Fragment(
        joiner.join(p.sql for p in parts), tuple(x for p in parts for x in p.params)
    )


_CHAIN = 8


def _balanced(parts: list[Fragment], joiner: str) -> Fragment:
    """``(a OR b OR …)``, nested in halves beyond a few items: DuckDB binds a chain of
    n ORs n levels deep, and refuses expressions deeper than 1,000."""
    if len(parts) > _CHAIN:
        middle = len(parts) // 2
        parts = [_balanced(parts[:middle], joiner), _balanced(parts[middle:], joiner)]
    inner = _join(parts, joiner)
    return Fragment(f"({inner.sql})", inner.params)


@dataclass(frozen=True)
class CompiledQuery:
    """An expert query compiled to SQL.

    ``sql`` selects the ``doc_id`` of every matching document; ``params`` fill its ``?``
    placeholders in order; ``query`` is the canonical text of the query. ``joins`` and
    ``where`` are its two parts (the grouped joins after ``FROM patents``, and the
    condition), for callers that evaluate it over fewer rows.
    """

    query: str
    sql: str
    params: list[Any]
    where: str = ""
    tree: Node | None = field(default=None, compare=False, repr=False)
    plan: Plan | None = field(default=None, compare=False, repr=False)

    def named(self, prefix: str = "q") -> tuple[str, dict[str, Any]]:
        """The SQL with ``$prefix_0``, ``$prefix_1`` … placeholders, and their values."""
        parts = self.sql.split("?")
        if len(parts) - 1 != len(self.params):  # pragma: no cover - compiler invariant
            raise AssertionError("placeholder count differs from parameter count")
        out = [parts[0]]
        values: dict[str, Any] = {}
        for i, (value, rest) in enumerate(zip(self.params, parts[1:], strict=True)):
            name = f"{prefix}_{i}"
            values[name] = value
            out.append(f"${name}{rest}")
        return "".join(out), values


# -- the plan: a condition over patents plus flags from grouped joins ----------------------


@dataclass
class _Flags:
    """The flags one joined table contributes: each a predicate over one of its rows,
    with a cheaper condition every row it holds for passes (to pick the rows read)."""

    alias: str
    predicates: list[Fragment] = field(default_factory=list)
    necessary: list[Fragment] = field(default_factory=list)
    index: dict[Fragment, int] = field(default_factory=dict)

    def add(self, predicate: Fragment, necessary: Fragment | None = None) -> str:
        position = self.index.get(predicate)
        if position is None:
            position = self.index[predicate] = len(self.predicates)
            self.predicates.append(predicate)
            self.necessary.append(necessary or predicate)
        return f"coalesce({self.alias}.f{position}, false)"

    def select(self) -> tuple[Fragment, Fragment]:
        """The flag columns, and the condition that picks the rows they need."""
        columns = _join(
            [
                Fragment(f"bool_or({p.sql}) AS f{i}", p.params)
                for i, p in enumerate(self.predicates)
            ],
            ", ",
        )
        return columns, _balanced(list(dict.fromkeys(self.necessary)), " OR ")


@dataclass
class Plan:
    """What a compiled tree needs: flags per joined table, the condition, and the
    ``patents`` columns the condition names (``columns``, in :data:`PATENT_COLUMNS`
    order once read through :meth:`patent_columns`)."""

    flags: dict[str, _Flags] = field(default_factory=dict)
    entity_flags: _Flags = field(default_factory=lambda: _Flags("_entities"))
    where: Fragment = Fragment("true")
    columns: set[str] = field(default_factory=set)

    def read(self, *columns: str) -> None:
        """Note that the condition names these ``patents`` columns."""
        self.columns.update(columns)

    def patent_columns(self) -> tuple[str, ...]:
        """The ``patents`` columns the condition names, ``doc_id`` excepted."""
        return tuple(c for c in PATENT_COLUMNS[1:] if c in self.columns)

    def flag(
        self, table: str, predicate: Fragment, necessary: Fragment | None = None
    ) -> str:
        """The expression "some row of ``table`` of this document satisfies
        ``predicate``" (``table`` is a store table or a staged temporary one);
        ``necessary`` is a cheaper condition every such row passes."""
        flags = self.flags.get(table)
        if flags is None:
            alias = _JOINED.get(table, f"_{table}")
            flags = self.flags[table] = _Flags(alias)
        return flags.add(predicate, necessary)

    def joins(
        self,
        *,
        restrict: str | None = None,
        sources: Mapping[str, Fragment] | None = None,
    ) -> Fragment:
        """The grouped joins, each over the rows some flag's predicate matches;
        ``restrict`` is a further condition on their doc_id (a candidate list);
        ``sources`` a table's rows to read instead of the whole table (a subquery with
        its columns, e.g. the candidates' rows read by rowid)."""
        order = [t for t in _JOINED if t in self.flags] + [
            t for t in self.flags if t not in _JOINED
        ]
        parts: list[Fragment] = []
        for table in order:
            flags = self.flags[table]
            columns, any_row = flags.select()
            source = table
            source_params: tuple[Any, ...] = ()
            given = (sources or {}).get(table)
            if given is not None:
                source = f"{given.sql} AS {table}"
                source_params = given.params
            if table == "parties" and self.entity_flags.predicates:
                entities = self._entities()
                source = f"{source} LEFT JOIN ({entities.sql}) AS _entities USING (entity_id)"
                source_params += entities.params
            where = any_row.sql + (f" AND doc_id IN ({restrict})" if restrict else "")
            parts.append(
                Fragment(
                    f" LEFT JOIN (SELECT doc_id, {columns.sql} FROM {source} "
                    f"WHERE {where} GROUP BY doc_id) AS {flags.alias} USING (doc_id)",
                    columns.params + source_params + any_row.params,
                )
            )
        return _join(parts, "")

    def _entities(self) -> Fragment:
        columns, any_row = self.entity_flags.select()
        return Fragment(
            f"SELECT entity_id, {columns.sql} FROM (SELECT entity_id, unnest(list_concat("
            "[name, name_zh, name_en], coalesce(aliases, []))) AS alias FROM entities) "
            f"WHERE {any_row.sql} GROUP BY entity_id",
            columns.params + any_row.params,
        )


def compile_query(text: str) -> CompiledQuery:
    """Parse and compile an expert query (检索式).

    Raises:
        QuerySyntaxError: the query cannot be parsed; the error points at the column.
    """
    return compile_tree(parse(text))


Replace = Callable[[Leaf, "Plan"], Fragment | None]


def compile_tree(tree: Node, *, replace: Replace | None = None) -> CompiledQuery:
    """Compile a parsed tree; ``replace`` may supply the condition of some leaves (the
    search engine passes precomputed document sets this way)."""
    plan = plan_tree(tree, replace=replace)
    joins = plan.joins()
    return CompiledQuery(
        query=to_text(tree),
        sql=f"SELECT doc_id FROM patents{joins.sql} WHERE {plan.where.sql}",
        params=list(joins.params + plan.where.params),
        where=plan.where.sql,
        tree=tree,
        plan=plan,
    )


def plan_tree(tree: Node, *, replace: Replace | None = None) -> Plan:
    """The plan of a tree: its condition, and the flags the condition refers to."""
    plan = Plan()
    plan.where = _condition(tree, plan, replace)
    return plan


def _condition(tree: Node, plan: Plan, replace: Replace | None) -> Fragment:
    if isinstance(tree, And | Or):
        parts = [_condition(item, plan, replace) for item in tree.items]
        return _balanced(parts, " AND " if isinstance(tree, And) else " OR ")
    if isinstance(tree, Not):
        inner = _condition(tree.item, plan, replace)
        return Fragment(f"(NOT {inner.sql})", inner.params)
    if replace is not None:
        supplied = replace(tree, plan)
        if supplied is not None:
            return supplied
    if isinstance(tree, Range):
        return _date_range(tree, plan)
    compiler = _LEAF_COMPILERS[FIELDS[tree.field].kind]
    return compiler(tree, plan)


# -- text ------------------------------------------------------------------------------


def text_predicate(column: str, text: str) -> Fragment:
    """The condition "``column`` matches the term ``text``" (NULL for NULL text)."""
    m = matcher(text)
    if m.literal is not None:
        return Fragment(f"contains({column}, ?)", (m.literal,))
    # CASE, not AND: DuckDB evaluates the THEN branch only on rows passing the WHEN test
    if m.needs_substring is not None:
        return Fragment(
            f"CASE WHEN contains({column}, ?) THEN regexp_matches({column}, ?) "
            "ELSE false END",
            (m.needs_substring, m.pattern),
        )
    if m.needs_pattern is not None:
        return Fragment(
            f"CASE WHEN regexp_matches({column}, ?) THEN regexp_matches({column}, ?) "
            "ELSE false END",
            (m.needs_pattern, m.pattern),
        )
    return Fragment(f"regexp_matches({column}, ?)", (m.pattern,))


def text_necessary(column: str, text: str) -> Fragment:
    """A cheap condition every text matching the term passes (the term itself when it
    has none)."""
    m = matcher(text)
    if m.needs_substring is not None:
        return Fragment(f"contains({column}, ?)", (m.needs_substring,))
    if m.needs_pattern is not None:
        return Fragment(f"regexp_matches({column}, ?)", (m.needs_pattern,))
    return text_predicate(column, text)


def _any_column(
    columns: tuple[str, ...], text: str, *, necessary: bool = False
) -> Fragment:
    test = text_necessary if necessary else text_predicate
    inner = _join([test(c, text) for c in columns], " OR ")
    return Fragment(f"coalesce({inner.sql}, false)", inner.params)


def _text(term: Term, plan: Plan) -> Fragment:
    columns = TEXT_COLUMNS[term.field]
    plan.read(*columns)
    own = _any_column(columns, term.text)
    sections = ", ".join(f"'{c}'" for c in columns)
    other = text_predicate("text", term.text)
    cheap = text_necessary("text", term.text)
    flag = plan.flag(
        "texts",
        Fragment(f"(section IN ({sections}) AND {other.sql})", other.params),
        Fragment(f"(section IN ({sections}) AND {cheap.sql})", cheap.params),
    )
    return Fragment(f"({own.sql} OR {flag})", own.params)


def _roles(roles: tuple[str, ...]) -> str:
    return ", ".join(f"'{r}'" for r in roles)


def _name(term: Term, plan: Plan) -> Fragment:
    roles = _roles(PARTY_ROLES[term.field])
    conditions = []
    for necessary in (False, True):
        names = _any_column(("name", "raw_name"), term.text, necessary=necessary)
        sql, params = names.sql, names.params
        if term.field == "PA":
            entity = plan.entity_flags.add(
                text_predicate("alias", term.text), text_necessary("alias", term.text)
            )
            sql += f" OR {entity}"
        if term.field == "AGC" and not term.has_wildcard:
            sql += " OR coalesce(ext_id = ?, false)"
            params += (term.text.strip(),)
        conditions.append(Fragment(f"(role IN ({roles}) AND ({sql}))", params))
    return Fragment(plan.flag("parties", conditions[0], conditions[1]))


# -- classifications -------------------------------------------------------------------


def _like(pattern: str) -> str:
    escaped = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%").replace("?", "_")


def class_predicate(column: str, term: Term) -> Fragment:
    """The condition "``column`` holds a symbol in the class ``term`` names"."""
    if term.has_wildcard:
        return Fragment(
            f"{column} LIKE ? ESCAPE '\\'", (_like(v.read_class_pattern(term.text)),)
        )
    value = v.read_class(term.text)
    if term.phrase:
        return Fragment(f"{column} = ?", (value.code,))
    if value.level in ("section", "class", "subclass"):
        return Fragment(f"starts_with({column}, ?)", (value.code,))
    if value.level == "main_group":
        return Fragment(f"starts_with({column}, ?)", (value.code[: -len("00")],))
    return Fragment(f"{column} = ?", (value.code,))


def _class(term: Term, plan: Plan) -> Fragment:
    code = class_predicate("code", term)
    if term.field == "CPC":
        return Fragment(
            plan.flag(
                "classifications",
                Fragment(f"(scheme = 'CPC' AND {code.sql})", code.params),
            )
        )
    main = class_predicate("ipc_main", term)
    plan.read("ipc_main")
    only_main = " AND is_main" if term.field == "IPCM" else ""
    flag = plan.flag(
        "classifications",
        Fragment(f"(scheme = 'IPC'{only_main} AND {code.sql})", code.params),
    )
    return Fragment(f"(coalesce({main.sql}, false) OR {flag})", main.params)


def _sei(term: Term, plan: Plan) -> Fragment:
    how, value = v.read_sei(term.text)
    if how == "code":
        predicate = Fragment(
            "(scheme = 'sei' AND (code = ? OR starts_with(code, ?)))",
            (value, value + "."),
        )
    else:
        titles = _any_column(("title_zh", "title_en"), value)
        predicate = Fragment(
            "(scheme = 'sei' AND code IN (SELECT code FROM class_titles "
            f"WHERE scheme = 'sei' AND {titles.sql}))",
            titles.params,
        )
    return Fragment(plan.flag("classifications", predicate))


# -- numbers ---------------------------------------------------------------------------


def _number_pattern(text: str) -> str:
    value = text.strip().upper().replace(" ", "")
    if not value[:2].isalpha():
        value = "CN" + value
    return _like(value)


def _pub(term: Term, plan: Plan) -> Fragment:
    plan.read("pub_number", "grant_pub_number")
    if term.has_wildcard:
        pattern = _number_pattern(term.text)
        return Fragment(
            "coalesce(pub_number LIKE ? ESCAPE '\\' OR grant_pub_number LIKE ? "
            "ESCAPE '\\', false)",
            (pattern, pattern),
        )
    number = v.read_pub_number(term.text)
    if v.pub_has_kind(term.text):
        return Fragment(
            "coalesce(pub_number = ? OR grant_pub_number = ?, false)", (number, number)
        )
    regex = "^" + number + "[A-Z][0-9]?$"
    return Fragment(
        "coalesce((starts_with(pub_number, ?) AND regexp_full_match(pub_number, ?)) OR "
        "(starts_with(grant_pub_number, ?) AND regexp_full_match(grant_pub_number, ?)),"
        " false)",
        (number, regex, number, regex),
    )


def _app(term: Term, plan: Plan) -> Fragment:
    plan.read("app_number")
    if term.has_wildcard:
        return Fragment(
            "coalesce(app_number LIKE ? ESCAPE '\\', false)",
            (_number_pattern(term.text),),
        )
    return Fragment("coalesce(app_number = ?, false)", (v.read_app_number(term.text),))


def _priority(term: Term, plan: Plan) -> Fragment:
    if term.has_wildcard:
        condition = Fragment("number LIKE ? ESCAPE '\\'", (_number_pattern(term.text),))
    else:
        condition = Fragment("number = ?", (v.read_app_number(term.text),))
    return Fragment(plan.flag("priorities", condition))


# -- dates -----------------------------------------------------------------------------


def date_bounds(node: Range) -> tuple[date | None, date | None]:
    """The first and last day (inclusive) a range covers; None for an open end."""
    low = high = None
    if node.low is not None:
        first, last = v.read_date(node.low)
        low = first if node.include_low else last + timedelta(days=1)
    if node.high is not None:
        first, last = v.read_date(node.high)
        high = last if node.include_high else first - timedelta(days=1)
    return low, high


def number_bounds(node: Range) -> tuple[int | None, int | None]:
    """The least and greatest whole number (inclusive) a range covers."""
    low = high = None
    if node.low is not None:
        low = v.read_number(node.low) + (0 if node.include_low else 1)
    if node.high is not None:
        high = v.read_number(node.high) - (0 if node.include_high else 1)
    return low, high


def _date_range(node: Range, plan: Plan) -> Fragment:
    """A date (or count) range over a ``patents`` column, or over a column of another
    table (:data:`JOINED_RANGES`: a document matches when one of its rows does)."""
    if node.field == "VAL":
        return _value_range(node, plan)
    if FIELDS[node.field].kind is Kind.NUMBER:
        bounds: tuple[Any, Any] = number_bounds(node)
    else:
        bounds = date_bounds(node)
    joined = JOINED_RANGES.get(node.field)
    column = joined[1] if joined else DATE_COLUMNS[node.field]
    conditions = []
    params: list[Any] = []
    if bounds[0] is not None:
        conditions.append(f"{column} >= ?")
        params.append(bounds[0])
    if bounds[1] is not None:
        conditions.append(f"{column} <= ?")
        params.append(bounds[1])
    if joined:
        sql = " AND ".join(conditions)
        return Fragment(plan.flag(joined[0], Fragment(f"({sql})", tuple(params))))
    plan.read(column)
    return Fragment(f"coalesce({' AND '.join(conditions)}, false)", tuple(params))


# -- places, status, type ----------------------------------------------------------------


def _country(term: Term, plan: Plan) -> Fragment:
    code = v.read_country(term.text)
    roles = _roles(APPLICANT_ROLES)
    has = plan.flag(
        "parties", Fragment(f"(role IN ({roles}) AND country = ?)", (code,))
    )
    known = plan.flag(
        "parties", Fragment(f"(role IN ({roles}) AND country IS NOT NULL)")
    )
    plan.read("office")
    return Fragment(
        f"({has} OR (coalesce(office = ?, false) AND NOT {known}))", (code,)
    )


def _office(term: Term, plan: Plan) -> Fragment:
    plan.read("office")
    return Fragment("coalesce(office = ?, false)", (v.read_country(term.text),))


def _province(term: Term, plan: Plan) -> Fragment:
    province = v.read_province(term.text)
    return Fragment(
        plan.flag(
            "parties",
            Fragment(
                f"(role IN ({_roles(APPLICANT_ROLES)}) AND (starts_with(province, ?) OR "
                "(province IS NULL AND starts_with(address, ?))))",
                (province.short, province.short),
            ),
        )
    )


def _city(term: Term, plan: Plan) -> Fragment:
    city = v.read_city(term.text)
    return Fragment(
        plan.flag(
            "parties",
            Fragment(
                f"(role IN ({_roles(APPLICANT_ROLES)}) AND (starts_with(city, ?) OR "
                "(city IS NULL AND contains(address, ?))))",
                (city, city),
            ),
        )
    )


def _status(term: Term, plan: Plan) -> Fragment:
    """Statuses from evidence match ``legal_status``; 未知 matches documents without
    one; 推算届满 those without one whose estimated term has ended."""
    plan.read("legal_status")
    statuses = v.read_status(term.text)
    known = tuple(s for s in statuses if s not in (v.UNKNOWN_STATUS, v.TERM_ENDED))
    parts: list[Fragment] = []
    if known:
        marks = ", ".join("?" for _ in known)
        parts.append(Fragment(f"coalesce(legal_status IN ({marks}), false)", known))
    if v.UNKNOWN_STATUS in statuses:
        parts.append(Fragment("coalesce(legal_status, ?) = ?", (v.UNKNOWN_STATUS,) * 2))
    if v.TERM_ENDED in statuses:
        plan.read("status_source")
        parts.append(
            Fragment(
                "(legal_status IS NULL AND coalesce(status_source = ?, false))",
                ("term",),
            )
        )
    return parts[0] if len(parts) == 1 else _join(parts, " OR ")


def _event(term: Term, plan: Plan) -> Fragment:
    """Some event of the document is of the type the word names, or — a name of no
    type (复审, 保全) — its source name or description contains the word."""
    match = v.read_event(term.text)
    if match.type is not None:
        return Fragment(plan.flag("events", Fragment("type = ?", (match.type,))))
    name = str(match.name)
    return Fragment(
        plan.flag(
            "events",
            Fragment(
                "(contains(coalesce(code, ''), ?) OR contains(coalesce(description, ''), ?))",
                (name, name),
            ),
        )
    )


def _value_range(node: Range, plan: Plan) -> Fragment:
    """A value score range (:data:`VALUE_USE`): scores are decimals, so ``<`` and ``>``
    stay strict, and a bare number ``VAL=65`` covers [65, 66) like a year covers its days."""
    conditions = ["use = ?"]
    params: list[Any] = [VALUE_USE]
    if node.low is not None:
        conditions.append("score >= ?" if node.include_low else "score > ?")
        params.append(v.read_number(node.low))
    if node.low is not None and node.low == node.high:
        conditions.append("score < ?")
        params.append(v.read_number(node.low) + 1)
    elif node.high is not None:
        conditions.append("score <= ?" if node.include_high else "score < ?")
        params.append(v.read_number(node.high))
    sql = " AND ".join(conditions)
    return Fragment(plan.flag("value_scores", Fragment(f"({sql})", tuple(params))))


def _grade(term: Term, plan: Plan) -> Fragment:
    """The document's stored value grade (for :data:`VALUE_USE`) is the one named; a
    document without a score never matches."""
    grade = v.read_grade(term.text)
    return Fragment(
        plan.flag(
            "value_scores", Fragment("(use = ? AND grade = ?)", (VALUE_USE, grade))
        )
    )


def _tag(term: Term, plan: Plan) -> Fragment:
    """Some analyst tagged the document into the node (of the named scheme, or of any
    scheme): stored tags only, whatever their source; a suggestion is never a tag."""
    scheme, node = v.read_tag(term.text)
    if scheme is None:
        return Fragment(plan.flag("tags", Fragment("node = ?", (node,))))
    return Fragment(
        plan.flag("tags", Fragment("(scheme = ? AND node = ?)", (scheme, node)))
    )


def _owner(term: Term, plan: Plan) -> Fragment:
    """The current owner the data record (``current_owner`` parties); where a document
    records none, its applicants (the owners at filing) stand in."""
    matches = []
    for necessary in (False, True):
        names = _any_column(("name", "raw_name"), term.text, necessary=necessary)
        matches.append(names)
    owners = _roles(OWNER_ROLES)
    applicants = _roles(APPLICANT_ROLES)
    owner_is = plan.flag(
        "parties",
        Fragment(f"(role IN ({owners}) AND ({matches[0].sql}))", matches[0].params),
        Fragment(f"(role IN ({owners}) AND ({matches[1].sql}))", matches[1].params),
    )
    has_owner = plan.flag("parties", Fragment(f"(role IN ({owners}))"))
    applicant_is = plan.flag(
        "parties",
        Fragment(f"(role IN ({applicants}) AND ({matches[0].sql}))", matches[0].params),
        Fragment(f"(role IN ({applicants}) AND ({matches[1].sql}))", matches[1].params),
    )
    return Fragment(f"({owner_is} OR (NOT {has_owner} AND {applicant_is}))")


def _type(term: Term, plan: Plan) -> Fragment:
    plan.read("patent_type")
    return Fragment("coalesce(patent_type = ?, false)", (v.read_type(term.text),))


_LEAF_COMPILERS: Mapping[Kind, Callable[[Term, Plan], Fragment]] = {
    Kind.TEXT: _text,
    Kind.NAME: _name,
    Kind.CLASS: _class,
    Kind.SEI: _sei,
    Kind.PUB: _pub,
    Kind.APP: _app,
    Kind.PRIORITY: _priority,
    Kind.COUNTRY: _country,
    Kind.OFFICE: _office,
    Kind.PROVINCE: _province,
    Kind.CITY: _city,
    Kind.STATUS: _status,
    Kind.TYPE: _type,
    Kind.EVENT: _event,
    Kind.OWNER: _owner,
    Kind.GRADE: _grade,
    Kind.TAG: _tag,
}
