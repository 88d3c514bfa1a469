"""Country barrier view (专利壁垒预警, issue 16): the rights that form a barrier in a country.

For a product area — an expert query (检索式), IPC classes and/or a saved patent set — and
target countries at a date, :func:`country_barrier` places every document of the area in
each country with :func:`patnav.analyses.fto_scope.fto_scope` (its own status or a family
member's published there, with the evidence) and reports per country:

- the **rights** there: one per application of the member the status rests on (a CN A and
  its B publication are one right; a US document and its CN family member count as the CN
  right), each in its most binding category (in force > pending > unknown > free); pending
  rights are listed apart as potential barriers (潜在壁垒（审中）), unknown ones counted and
  listed apart — never as free, never as in force;
- **by owner**: the right's current owner, else its applicants (a resolved entity's name
  where enrichment made one); a co-owned right counts for each of its owners, so shares can
  add up to more than 100 %: rights in force, pending, unknown, the share of the in-force
  rights, the earliest and latest expiry of its rights in force;
- the **expiry timeline**: rights in force by year of expiry, known (a date the source or an
  event gave) apart from estimated (the statutory term, ``expiry_estimated``); without an
  expiry date counted as unknown;
- **families**: the in-force rights grouped by family (``family_id``, else the application),
  with the countries each family covers (offices of its members published by the date;
  regional and international offices — EP, WO … — listed apart);
- the **strongest claims**: the in-force rights with the broadest first independent claim,
  measured by its elements (:func:`patnav.text.split_claim`), ties by its characters (fewer
  = broader); the value score (``value_scores``, use ``management``) is shown where scored.

Every figure names its scope: the query, the country, the date, the documents considered and
the statuses unknown. Documents whose family has no member an office of the targets
publishes (the country's own, WO, EP for a European state) are counted not in the country
in SQL, before ``fto_scope`` reads the families of the others. Pure: reads the store,
writes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import pyarrow as pa

from patnav.analyses.base import (
    NON_COUNTRY_OFFICES,
    ResultMixin,
    Scope,
    ratio,
)
from patnav.analyses.fto_scope import (
    CATEGORIES,
    EP_VALIDATION_STATES,
    EPC_STATES,
    CountryScope,
    fto_scope,
)
from patnav.errors import InvalidParameterError
from patnav.schema.countries import country_name
from patnav.storage.store import PatentStore
from patnav.text import split_claim

STATUS_ZH: dict[str, str] = {
    "in_force": "有效",
    "pending": "潜在壁垒（审中）",
    "unknown": "状态未知",
    "free": "已失效",
}
"""The barrier view's labels of the categories a right can take."""

VALUE_USE = "management"
"""The value-score use shown beside the strongest claims."""

CLAIM_POOL = 500
"""In-force rights whose first independent claim is split into elements: the shortest by
characters (splitting every claim of a large area would take minutes)."""

LIST_LIMIT = 200
"""Rights listed per category and country (every one is counted)."""

_RANK: dict[str, int] = {c: i for i, c in enumerate(CATEGORIES)}


@dataclass(frozen=True, slots=True)
class BarrierRight:
    """One right in the country: the member its status rests on, with its evidence."""

    pub_number: str
    """The publication the status rests on (the document itself or a family member)."""
    app_number: str | None
    category: str
    label: str
    detail: str | None
    evidence_date: date | None
    documents: tuple[str, ...]
    """The area's documents that led to it (publication numbers)."""
    owners: tuple[str, ...]
    owner_role: str | None
    """``current_owner`` or ``applicant``: whose names ``owners`` are; None: no party."""
    expiry_date: date | None
    expiry_estimated: bool | None
    family: str
    title: str | None


@dataclass(frozen=True, slots=True)
class OwnerBarrier:
    """One owner's rights in the country."""

    owner: str
    in_force: int
    pending: int
    unknown: int
    share: float | None
    """Share of the country's rights in force (co-owned rights count for each owner)."""
    earliest_expiry: date | None
    latest_expiry: date | None
    expiry_estimated: bool
    """Whether an estimated expiry is among the two above."""
    expiry_unknown: int
    """Rights in force of this owner without an expiry date."""


@dataclass(frozen=True, slots=True)
class ExpiryYear:
    """Rights in force whose term ends in one year."""

    year: int
    known: int
    estimated: int


@dataclass(frozen=True, slots=True)
class BarrierFamily:
    """A family with rights in force in the country."""

    family: str
    rights: tuple[str, ...]
    """Its rights in force in the country (publication numbers)."""
    countries: tuple[str, ...]
    """Countries where a member was published by the date."""
    regional: tuple[str, ...]
    """Regional and international offices of its members (EP, WO …)."""


@dataclass(frozen=True, slots=True)
class StrongClaim:
    """An in-force right and its first independent claim."""

    pub_number: str
    title: str | None
    owners: tuple[str, ...]
    claim_num: int | None
    lang: str | None
    elements: int
    characters: int
    value_score: float | None
    text: str


@dataclass(frozen=True, slots=True)
class CountryBarrier:
    """The barrier in one country."""

    country: str
    country_label: str
    documents: int
    """The area's documents considered (every one is placed in the country)."""
    not_in_country: int
    """Documents with no family member published in the country by the date."""
    in_force: int
    pending: int
    pct_pending: int
    """Of the pending: published PCT applications that may still enter the country."""
    unknown: int
    free: int
    rights: tuple[BarrierRight, ...]
    """The rights in force, then pending, then unknown, each at most ``LIST_LIMIT``."""
    owners: tuple[OwnerBarrier, ...]
    expiry: tuple[ExpiryYear, ...]
    expiry_unknown: int
    """Rights in force without an expiry date."""
    families: int
    """Families with a right in force."""
    family_countries: tuple[tuple[int, int], ...]
    """(countries covered, families) for the families in force."""
    top_families: tuple[BarrierFamily, ...]
    strongest: tuple[StrongClaim, ...]
    claims_known: int
    """Rights in force whose first independent claim is in the store."""
    value_scored: int
    """Rights in force with a value score."""
    unknown_details: tuple[tuple[str, int], ...]
    """Why statuses are unknown: (detail, rights)."""

    def of(self, category: str) -> list[BarrierRight]:
        """The listed rights of one category."""
        return [r for r in self.rights if r.category == category]


@dataclass(frozen=True, slots=True)
class BarrierView(ResultMixin):
    """The barrier in every target country, with the scope it covers."""

    query: str | None
    ipc: tuple[str, ...]
    patent_set: str | None
    expert_query: str | None
    """The one expert query the area was matched by (None: the whole store)."""
    as_of: date
    documents: int
    top: int
    measure: str
    """How the strongest claims are ranked."""
    countries: tuple[CountryBarrier, ...]
    notes: tuple[str, ...]

    @property
    def scope_label(self) -> str:
        """The area in words (Chinese)."""
        parts = []
        if self.patent_set:
            parts.append(f"专利集“{self.patent_set}”")
        if self.expert_query:
            parts.append(f"检索式 {self.expert_query}")
        return "；".join(parts) or "全部文献"

    def country(self, code: str) -> CountryBarrier:
        """The barrier in one country (ISO code)."""
        for c in self.countries:
            if c.country == code.upper():
                return c
        raise InvalidParameterError(
            f"The barrier view has no country {code!r}; it covers "
            f"{', '.join(c.country for c in self.countries)}."
        )

    def to_dict(self) -> dict[str, Any]:
        data = ResultMixin.to_dict(self)
        data["scope"] = self.scope_label
        return data

    def to_frame(self) -> pd.DataFrame:
        """One row per country × owner."""
        return pd.DataFrame(
            [
                {
                    "country": c.country,
                    "owner": o.owner,
                    "in_force": o.in_force,
                    "pending": o.pending,
                    "unknown": o.unknown,
                    "share": o.share,
                    "earliest_expiry": o.earliest_expiry,
                    "latest_expiry": o.latest_expiry,
                    "expiry_estimated": o.expiry_estimated,
                }
                for c in self.countries
                for o in c.owners
            ],
            columns=[
                "country",
                "owner",
                "in_force",
                "pending",
                "unknown",
                "share",
                "earliest_expiry",
                "latest_expiry",
                "expiry_estimated",
            ],
        )


def area_query(query: str | None = None, ipc: Sequence[str] = ()) -> str | None:
    """The expert query of a product area: the query and any of the IPC classes
    (hierarchical: ``G06F`` takes its groups); None when neither is given."""
    from patnav.models.fto.retrieval import prefilter_query

    return prefilter_query(ipc=tuple(ipc), query=query)


def country_barrier(
    store: PatentStore,
    countries: Sequence[str],
    as_of: date,
    *,
    query: str | None = None,
    ipc: Sequence[str] = (),
    patent_set: str | None = None,
    top: int = 10,
) -> BarrierView:
    """The rights that form a barrier in each target country at a date.

    Args:
        store: the store (read only).
        countries: target countries, ISO 3166 alpha-2.
        as_of: the day rights are judged at.
        query: an expert query (检索式) describing the product area.
        ipc: IPC classes of the area (any of them).
        patent_set: a saved patent set's name; with a query or classes, their
            intersection.
        top: owners, families and strongest claims listed per country.

    Returns:
        A :class:`BarrierView`, one :class:`CountryBarrier` per country in the order given.

    Raises:
        InvalidParameterError: no area given, a bad country, IPC class or ``top``.
        QuerySyntaxError: the query does not parse.
    """
    if not isinstance(top, int) or isinstance(top, bool) or top < 1:
        raise InvalidParameterError(
            f"The 'top' parameter of country_barrier must be an int >= 1. Got {top!r} "
            "instead."
        )
    expert = area_query(query, ipc)
    if expert is None and not patent_set:
        raise InvalidParameterError(
            "专利壁垒预警需要限定技术领域：给出检索式（--query）、IPC 分类（--ipc）或专利集"
            "（--set）。"
        )
    scope: Scope | None = None
    if patent_set:
        from patnav.search.saved import get_set

        get_set(store, patent_set)  # a missing set is an error, not a query
        scope = Scope.of_query(patent_set, store=store)
    if expert is not None:
        own = Scope.of_query(expert)
        scope = own if scope is None else scope.narrow(own)
    assert scope is not None and scope.sql is not None
    documents, reachable = _area(store, scope, countries)
    # a document whose family has no member in any target country (nor a PCT or, for a
    # European state, an EP member) is not in those countries: fto_scope would say so
    # after reading its family; the SQL says it for the whole area at once
    placed = fto_scope(store, reachable, countries, as_of)
    facts = _Facts(store, placed.rows, as_of)
    result = tuple(
        _country(
            facts,
            [r for r in placed.rows if r.country == code],
            code,
            documents,
            documents - len(reachable),
            top,
        )
        for code in placed.countries
    )
    notes = []
    if not documents:
        notes.append("检索范围内无文献。")
    return BarrierView(
        query=query,
        ipc=tuple(ipc),
        patent_set=patent_set,
        expert_query=expert,
        as_of=as_of,
        documents=documents,
        top=top,
        measure="elements",
        countries=result,
        notes=tuple(notes),
    )


def _area(
    store: PatentStore, scope: Scope, countries: Sequence[str]
) -> tuple[int, list[str]]:
    """The area's documents (how many), and those whose family has a member published
    by an office that can place them in a target country: the country's own, WO (a PCT
    application's national phase), EP for a European state."""
    assert scope.sql is not None
    codes = {str(c).strip().upper() for c in countries}
    offices = codes | {"WO"}
    if codes & (EPC_STATES | EP_VALIDATION_STATES):
        offices.add("EP")
    table = store.query(
        f"""
        WITH area AS (SELECT DISTINCT doc_id FROM ({scope.sql}))
        SELECT a.doc_id,
               p.office IN (SELECT unnest($barrier_offices))
               OR p.family_id IN (
                   SELECT family_id FROM patents
                   WHERE family_id IS NOT NULL
                     AND office IN (SELECT unnest($barrier_offices))
               ) AS reachable
        FROM area a JOIN patents p ON p.doc_id = a.doc_id
        ORDER BY a.doc_id
        """,
        {**dict(scope.params), "barrier_offices": sorted(offices)},
    )
    ids = table.column("doc_id").to_pylist()
    flags = table.column("reachable").to_pylist()
    return len(ids), [str(d) for d, ok in zip(ids, flags, strict=True) if ok]


# -- facts of the store --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Member:
    doc_id: str
    pub_number: str
    app_number: str | None
    office: str | None
    family_id: str | None
    expiry_date: date | None
    expiry_estimated: bool | None
    title: str | None


class _Facts:
    """What the store says about the members the statuses rest on."""

    def __init__(
        self, store: PatentStore, rows: Sequence[CountryScope], as_of: date
    ) -> None:
        self.store = store
        self.as_of = as_of
        numbers = sorted({r.evidence.member for r in rows if r.evidence is not None})
        self.members: dict[str, _Member] = {}
        self.owners: dict[str, tuple[tuple[str, ...], str | None]] = {}
        if not numbers:
            return
        with store.staged(
            "_barrier_members", pa.table({"pub": pa.array(numbers, pa.string())})
        ) as name:
            for row in store.query(
                f"""
                SELECT p.doc_id, coalesce(p.pub_number, p.doc_id) AS pub_number,
                       p.app_number, p.office, p.family_id, p.expiry_date,
                       p.expiry_estimated, p.title
                FROM patents p JOIN {name} m ON m.pub = coalesce(p.pub_number, p.doc_id)
                """
            ).to_pylist():
                self.members[row["pub_number"]] = _Member(**row)
            owners: dict[str, dict[str, list[str]]] = {}
            for doc_id, role, who in store.rows(
                f"""
                SELECT pa.doc_id, pa.role, coalesce(e.name, pa.name) AS who
                FROM parties pa
                JOIN patents p ON p.doc_id = pa.doc_id
                JOIN {name} m ON m.pub = coalesce(p.pub_number, p.doc_id)
                LEFT JOIN entities e ON e.entity_id = pa.entity_id
                WHERE pa.role IN ('current_owner', 'applicant')
                  AND coalesce(e.name, pa.name) IS NOT NULL
                ORDER BY pa.doc_id, pa.role, pa.seq
                """
            ):
                names = owners.setdefault(str(doc_id), {}).setdefault(str(role), [])
                if who not in names:
                    names.append(str(who))
        for doc_id, by_role in owners.items():
            for role in ("current_owner", "applicant"):
                if by_role.get(role):
                    self.owners[doc_id] = (tuple(by_role[role]), role)
                    break

    def member(self, number: str) -> _Member | None:
        return self.members.get(number)

    def owners_of(self, member: _Member | None) -> tuple[tuple[str, ...], str | None]:
        if member is None:
            return (), None
        return self.owners.get(member.doc_id, ((), None))

    def family_offices(self, families: Sequence[str]) -> dict[str, set[str]]:
        """The offices of each family's members published by the date."""
        if not families:
            return {}
        out: dict[str, set[str]] = {f: set() for f in families}
        with self.store.staged(
            "_barrier_families", pa.table({"fam": pa.array(families, pa.string())})
        ) as name:
            for fam, office in self.store.rows(
                f"""
                SELECT DISTINCT p.family_id, p.office FROM patents p
                JOIN {name} f ON f.fam = p.family_id
                WHERE p.office IS NOT NULL AND (p.pub_date IS NULL OR p.pub_date <= ?)
                """,
                [self.as_of],
            ):
                out[str(fam)].add(str(office))
        return out

    def value_scores(self, doc_ids: Sequence[str]) -> dict[str, float]:
        if not doc_ids:
            return {}
        with self.store.staged(
            "_barrier_values", pa.table({"doc_id": pa.array(doc_ids, pa.string())})
        ) as name:
            return {
                str(d): float(s)
                for d, s in self.store.rows(
                    f"SELECT v.doc_id, v.score FROM value_scores v JOIN {name} d "
                    "ON d.doc_id = v.doc_id WHERE v.use = ? AND v.score IS NOT NULL",
                    [VALUE_USE],
                )
            }


def _first_claims(
    store: PatentStore, doc_ids: Sequence[str]
) -> dict[str, tuple[int | None, str | None, str]]:
    """Each document's first independent claim (num, lang, text): the ``claims``
    rows (independent, else claim 1), else the ``patents.claims`` text."""
    if not doc_ids:
        return {}
    out: dict[str, tuple[int | None, str | None, str]] = {}
    with store.staged(
        "_barrier_claims", pa.table({"doc_id": pa.array(doc_ids, pa.string())})
    ) as name:
        for doc_id, num, lang, text in store.rows(
            f"""
            SELECT c.doc_id, arg_min(c.num, c.num) AS num,
                   arg_min(c.lang, c.num) AS lang, arg_min(c.text, c.num) AS text
            FROM claims c JOIN {name} d ON d.doc_id = c.doc_id
            WHERE c.text IS NOT NULL AND trim(c.text) <> ''
              AND (c.is_independent OR (c.is_independent IS NULL AND c.num = 1))
            GROUP BY c.doc_id
            """
        ):
            out[str(doc_id)] = (num, lang, str(text))
        for doc_id, lang, text in store.rows(
            f"""
            SELECT p.doc_id, p.lang, p.claims FROM patents p
            JOIN {name} d ON d.doc_id = p.doc_id
            WHERE p.claims IS NOT NULL AND trim(p.claims) <> ''
            """
        ):
            if str(doc_id) not in out:
                out[str(doc_id)] = (None, lang, _first_claim(str(text)))
    return out


def _first_claim(text: str) -> str:
    """The first claim of a claims text held as one string (up to claim 2's number)."""
    import re

    parts = re.split(r"\s(?=2\s*[.、．]\s*\S)", text.strip(), maxsplit=1)
    return parts[0].strip()


# -- one country ---------------------------------------------------------------------------


def _country(
    facts: _Facts,
    rows: list[CountryScope],
    country: str,
    documents: int,
    unreachable: int,
    top: int,
) -> CountryBarrier:
    units: dict[str, dict[str, Any]] = {}
    not_in_country = unreachable
    for r in rows:
        if r.category == "not_in_country" or r.evidence is None:
            not_in_country += 1
            continue
        member = facts.member(r.evidence.member)
        key = (member.app_number if member else None) or r.evidence.member
        unit = units.get(key)
        if unit is None or _RANK[r.category] < _RANK[unit["row"].category]:
            docs = unit["docs"] if unit else []
            unit = {"row": r, "member": member, "docs": docs}
            units[key] = unit
        doc = r.pub_number or r.doc_id
        if doc not in unit["docs"]:
            unit["docs"].append(doc)
    rights = [_right(facts, key, u) for key, u in units.items()]
    rights.sort(key=lambda r: (_RANK[r.category], r.pub_number))
    counts = Counter(r.category for r in rights)
    in_force = [r for r in rights if r.category == "in_force"]
    listed: list[BarrierRight] = []
    for category in ("in_force", "pending", "unknown"):
        listed += [r for r in rights if r.category == category][:LIST_LIMIT]
    details = Counter(
        r.detail or "no_status" for r in rights if r.category == "unknown"
    )
    families, distribution, top_families = _families(facts, in_force, top)
    strongest, claims_known, scored = _strongest(facts, in_force, top)
    expiry, expiry_unknown = _timeline(in_force)
    return CountryBarrier(
        country=country,
        country_label=country_name(country),
        documents=documents,
        not_in_country=not_in_country,
        in_force=counts["in_force"],
        pending=counts["pending"],
        pct_pending=sum(
            r.category == "pending" and r.detail == "pct_window_open" for r in rights
        ),
        unknown=counts["unknown"],
        free=counts["free"],
        rights=tuple(listed),
        owners=_owners(rights, counts["in_force"], top),
        expiry=expiry,
        expiry_unknown=expiry_unknown,
        families=families,
        family_countries=distribution,
        top_families=top_families,
        strongest=strongest,
        claims_known=claims_known,
        value_scored=scored,
        unknown_details=tuple(sorted(details.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


def _right(facts: _Facts, key: str, unit: dict[str, Any]) -> BarrierRight:
    r: CountryScope = unit["row"]
    member: _Member | None = unit["member"]
    assert r.evidence is not None
    owners, role = facts.owners_of(member)
    return BarrierRight(
        pub_number=r.evidence.member,
        app_number=member.app_number if member else None,
        category=r.category,
        label=STATUS_ZH.get(r.category, r.category),
        detail=r.evidence.detail,
        evidence_date=r.evidence.date,
        documents=tuple(unit["docs"]),
        owners=owners,
        owner_role=role,
        expiry_date=member.expiry_date if member else None,
        expiry_estimated=member.expiry_estimated if member else None,
        family=(member.family_id if member and member.family_id else f"app:{key}"),
        title=member.title if member else None,
    )


def _owners(
    rights: list[BarrierRight], in_force_total: int, top: int
) -> tuple[OwnerBarrier, ...]:
    per: dict[str, list[BarrierRight]] = {}
    for r in rights:
        if r.category == "free":
            continue
        for who in r.owners or ("（权利人未载）",):
            per.setdefault(who, []).append(r)
    out = []
    for who, mine in per.items():
        alive = [r for r in mine if r.category == "in_force"]
        dated = sorted(
            (r.expiry_date, bool(r.expiry_estimated))
            for r in alive
            if r.expiry_date is not None
        )
        out.append(
            OwnerBarrier(
                owner=who,
                in_force=len(alive),
                pending=sum(r.category == "pending" for r in mine),
                unknown=sum(r.category == "unknown" for r in mine),
                share=ratio(len(alive), in_force_total),
                earliest_expiry=dated[0][0] if dated else None,
                latest_expiry=dated[-1][0] if dated else None,
                expiry_estimated=bool(dated) and (dated[0][1] or dated[-1][1]),
                expiry_unknown=len(alive) - len(dated),
            )
        )
    out.sort(key=lambda o: (-o.in_force, -o.pending, -o.unknown, o.owner))
    return tuple(out[:top])


def _timeline(in_force: list[BarrierRight]) -> tuple[tuple[ExpiryYear, ...], int]:
    known: Counter[int] = Counter()
    estimated: Counter[int] = Counter()
    unknown = 0
    for r in in_force:
        if r.expiry_date is None:
            unknown += 1
        elif r.expiry_estimated:
            estimated[r.expiry_date.year] += 1
        else:
            known[r.expiry_date.year] += 1
    years = sorted(set(known) | set(estimated))
    return (
        tuple(ExpiryYear(y, known[y], estimated[y]) for y in years),
        unknown,
    )


def _families(
    facts: _Facts, in_force: list[BarrierRight], top: int
) -> tuple[int, tuple[tuple[int, int], ...], tuple[BarrierFamily, ...]]:
    groups: dict[str, list[BarrierRight]] = {}
    for r in in_force:
        groups.setdefault(r.family, []).append(r)
    known = [f for f in groups if not f.startswith("app:")]
    offices = facts.family_offices(known)
    families = []
    for fam, mine in groups.items():
        seen = offices.get(fam) or set()
        seen |= {
            (m.office or "")
            for r in mine
            if (m := facts.member(r.pub_number)) is not None and m.office
        }
        families.append(
            BarrierFamily(
                family=fam.removeprefix("app:"),
                rights=tuple(sorted(r.pub_number for r in mine)),
                countries=tuple(
                    sorted(o for o in seen if o not in NON_COUNTRY_OFFICES)
                ),
                regional=tuple(sorted(o for o in seen if o in NON_COUNTRY_OFFICES)),
            )
        )
    families.sort(key=lambda f: (-len(f.countries), -len(f.regional), f.family))
    distribution = Counter(len(f.countries) for f in families)
    return (
        len(families),
        tuple(sorted(distribution.items())),
        tuple(families[:top]),
    )


@dataclass(frozen=True, slots=True)
class ClaimBreadth:
    """A document's first independent claim and how broad it reads."""

    doc_id: str
    claim_num: int | None
    lang: str | None
    elements: int
    """Its elements (:func:`patnav.text.split_claim`): fewer reads broader."""
    characters: int
    text: str


def claim_breadth(
    store: PatentStore, doc_ids: Sequence[str], *, top: int = 10
) -> tuple[tuple[ClaimBreadth, ...], int]:
    """The documents whose first independent claim reads broadest: fewest elements, then
    fewest characters (then publication order). Only the ``CLAIM_POOL`` shortest claims
    by characters are split into elements.

    Returns:
        The ``top`` broadest, and how many of the documents have a first independent
        claim in the store.
    """
    claims = _first_claims(store, sorted(set(doc_ids)))
    pool = sorted(claims.items(), key=lambda kv: (len(kv[1][2]), kv[0]))[:CLAIM_POOL]
    found = [
        ClaimBreadth(
            doc_id=doc_id,
            claim_num=num,
            lang=lang,
            elements=len(split_claim(text, lang, num=num).elements),
            characters=len(text),
            text=text,
        )
        for doc_id, (num, lang, text) in pool
    ]
    found.sort(key=lambda c: (c.elements, c.characters, c.doc_id))
    return tuple(found[:top]), len(claims)


def _strongest(
    facts: _Facts, in_force: list[BarrierRight], top: int
) -> tuple[tuple[StrongClaim, ...], int, int]:
    ids = {}
    for r in in_force:
        member = facts.member(r.pub_number)
        if member is not None:
            ids[member.doc_id] = r
    broadest, known = claim_breadth(facts.store, list(ids), top=top)
    values = facts.value_scores(sorted(ids))
    found = tuple(
        StrongClaim(
            pub_number=ids[c.doc_id].pub_number,
            title=ids[c.doc_id].title,
            owners=ids[c.doc_id].owners,
            claim_num=c.claim_num,
            lang=c.lang,
            elements=c.elements,
            characters=c.characters,
            value_score=values.get(c.doc_id),
            text=c.text,
        )
        for c in broadest
    )
    return found, known, len(values)


__all__ = [
    "STATUS_ZH",
    "BarrierFamily",
    "BarrierRight",
    "BarrierView",
    "ClaimBreadth",
    "CountryBarrier",
    "ExpiryYear",
    "OwnerBarrier",
    "StrongClaim",
    "area_query",
    "claim_breadth",
    "country_barrier",
]
