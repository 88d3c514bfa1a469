"""FTO candidate scope: which rights can matter in the target countries at a date (issue 16).

:func:`fto_scope` takes documents (doc_ids), target countries and an as-of date and puts
each document × country in one category, with the evidence it rests on:

- ``in_force`` (有效): a granted right in force there at the date — the document itself or
  a member of its family published by that country's office. An EP patent counts for a
  contracting state only with evidence for that state (a renewal fee paid there, an event
  naming the state); without it the state is ``unknown``.
- ``pending`` (审中，待关注): an application not yet decided there — to watch. A PCT
  application (WO) is ``pending`` for a country with no national member while the national
  phase may still be entered (30 months from the priority date, 31 for EP; the filing
  date stands in for a missing priority date, which can only keep the window open longer).
- ``free`` (已失效，可自由使用): expired, lapsed, revoked, withdrawn or refused there, with
  the date of the evidence (None when the source does not date its status).
- ``unknown`` (状态未知): the status there is not known — never read as free, never as in
  force. An estimated term that has ended (no evidence) is ``unknown`` too, said so in
  ``detail``.
- ``not_in_country`` (未进入该国): no member of the family was published there.

How one member's state at the date is decided, first rule that applies:

1. a member published after the date did not exist yet and is left out;
2. its own status-deciding events up to the date (grant, restoration; lapse, expiry,
   invalidation, withdrawal, rejection), the latest wins; events of one contracting state
   (``details.state``) decide only that state;
3. the status field (``legal_status`` with ``status_as_of``): an ended status dated after
   the date means the right was still alive then; an undated one is taken as ended;
4. an expiry date the source or an event gave (``expiry_estimated`` false) at or before
   the date: expired;
5. nothing: ``unknown``.

A country's category is the most binding of its members': in_force > pending > unknown >
free > not_in_country (a live member outweighs a lapsed sibling, and an unknown one keeps the
country from being called free).

The fees of a right in force are read from the ``maintenance`` table (the fee-and-term
engine's next due date and grace after the last day the data show the right in force):
at a date after the next fee fell due and within its grace the right stays ``in_force``
with detail ``in_grace``; after the grace, with detail ``fee_due_unconfirmed`` — still in
force as last known (FTO errs towards a right being alive); the evidence date is then the
day that fee fell due.

Reads ``patents``, ``events`` and ``maintenance`` with DuckDB (members, family, status
fields, dated events); the classification runs over those few rows in Python. Pure: no
writes, no I/O.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

import pandas as pd

from patnav.analyses.base import ResultMixin
from patnav.errors import InvalidParameterError
from patnav.storage.store import PatentStore

Category = Literal["in_force", "pending", "free", "unknown", "not_in_country"]
CATEGORIES: tuple[Category, ...] = (
    "in_force",
    "pending",
    "unknown",
    "free",
    "not_in_country",
)
"""From most to least binding: a country takes its members' most binding category."""
CATEGORY_ZH: dict[str, str] = {
    "in_force": "有效",
    "pending": "审中（待关注）",
    "free": "已失效（可自由使用）",
    "unknown": "状态未知",
    "not_in_country": "未进入该国",
}

EPC_STATES = frozenset(
    [
        "AL",
        "AT",
        "BE",
        "BG",
        "CH",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GB",
        "GR",
        "HR",
        "HU",
        "IE",
        "IS",
        "IT",
        "LI",
        "LT",
        "LU",
        "LV",
        "MC",
        "ME",
        "MK",
        "MT",
        "NL",
        "NO",
        "PL",
        "PT",
        "RO",
        "RS",
        "SE",
        "SI",
        "SK",
        "SM",
        "TR",
    ]
)
"""The 39 contracting states of the European Patent Convention (since Montenegro,
2022-10-01; EPO, "Member states of the European Patent Organisation")."""
EP_VALIDATION_STATES = frozenset({"BA", "MA", "MD", "TN", "KH", "GE", "LA"})
"""Extension and validation states where a European patent can take effect."""

_ALIVE_EVENTS = frozenset({"grant", "restoration"})
_ENDING_EVENTS = {
    "lapse": "lapsed",
    "expiry": "expired",
    "invalidation": "invalidated",
    "withdrawal": "withdrawn",
    "rejection": "rejected",
}
_STATE_ALIVE_EVENTS = frozenset(
    {"grant", "restoration", "annuity", "transfer", "licence", "pledge"}
)
"""Events naming one state of an EP patent that show the right exists there."""
_ENDED = frozenset({"lapsed", "expired", "invalidated", "withdrawn", "rejected"})
_GRANT_KINDS = {
    "CN": ("B", "C", "U", "Y", "S"),
    "US": ("B", "E", "S", "P2", "P3"),
}
_PCT_MONTHS = {"EP": 31}
_PCT_DEFAULT_MONTHS = 30


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a category rests on: the member, the field or event, and its date."""

    member: str
    """The family member (its publication number) that decides."""
    field: str | None
    """The patents column used (legal_status, expiry_date, grant_date …), if any."""
    event: str | None
    """The event type (lapse, annuity …) and, for a state event, ``@`` the state."""
    date: date | None
    """The date of the evidence; None when the source does not date it."""
    detail: str | None = None
    """The finer reason: lapsed, expired, withdrawn, term_ended_estimated, ep_no_state_
    evidence, pct_window_open, undated …"""


@dataclass(frozen=True, slots=True)
class CountryScope:
    """One document in one target country."""

    doc_id: str
    pub_number: str | None
    country: str
    category: Category
    evidence: Evidence | None
    members: int
    """Family members published in that country (for an EP state: EP members)."""

    @property
    def label(self) -> str:
        return CATEGORY_ZH[self.category]


@dataclass(frozen=True, slots=True)
class FtoScope(ResultMixin):
    """Each document × target country in one category, with its evidence."""

    as_of: date
    countries: tuple[str, ...]
    rows: tuple[CountryScope, ...]

    def of(self, category: Category, country: str | None = None) -> list[CountryScope]:
        """The rows of one category (in one country)."""
        return [
            r
            for r in self.rows
            if r.category == category and (country is None or r.country == country)
        ]

    def counts(self) -> dict[str, dict[str, int]]:
        """Documents per country and category."""
        out: dict[str, dict[str, int]] = {
            c: dict.fromkeys(CATEGORIES, 0) for c in self.countries
        }
        for r in self.rows:
            out[r.country][r.category] += 1
        return out

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "doc_id": r.doc_id,
                    "pub_number": r.pub_number,
                    "country": r.country,
                    "category": r.category,
                    "label": r.label,
                    "member": r.evidence.member if r.evidence else None,
                    "field": r.evidence.field if r.evidence else None,
                    "event": r.evidence.event if r.evidence else None,
                    "evidence_date": r.evidence.date if r.evidence else None,
                    "detail": r.evidence.detail if r.evidence else None,
                    "members": r.members,
                }
                for r in self.rows
            ],
            columns=[
                "doc_id",
                "pub_number",
                "country",
                "category",
                "label",
                "member",
                "field",
                "event",
                "evidence_date",
                "detail",
                "members",
            ],
        )


@dataclass(frozen=True, slots=True)
class _Member:
    doc_id: str
    pub_number: str
    office: str | None
    kind: str | None
    app_date: date | None
    pub_date: date | None
    grant_date: date | None
    priority_date: date | None
    legal_status: str | None
    status_as_of: date | None
    status_detail: str | None
    status_source: str | None
    expiry_date: date | None
    expiry_estimated: bool | None
    next_due: date | None
    grace_end: date | None


@dataclass(frozen=True, slots=True)
class _Event:
    type: str
    date: date
    state: str | None


def fto_scope(
    store: PatentStore,
    doc_ids: Sequence[str],
    countries: Sequence[str],
    as_of: date,
) -> FtoScope:
    """Classify documents by whether they can matter in each target country at a date.

    Args:
        store: the store holding the documents, their families and legal events.
        doc_ids: the candidate documents (store keys); each must be in the store.
        countries: target countries, ISO 3166 alpha-2 (``CN``, ``US``, ``DE`` …).
        as_of: the date the rights are judged at.

    Returns:
        One :class:`CountryScope` per document × country, in the order given.

    Raises:
        InvalidParameterError: a country is not a two-letter code, or a document is not
            in the store.
    """
    targets = _check_countries(countries)
    ids = list(dict.fromkeys(doc_ids))
    if not ids:
        return FtoScope(as_of, targets, ())
    members, family_of = _members(store, ids)
    missing = [d for d in ids if d not in family_of]
    if missing:
        raise InvalidParameterError(
            f"FTO scope: {len(missing)} document(s) not in the store, e.g. "
            f"{', '.join(missing[:5])}. Import them first, or check the numbers "
            "(store keys are canonical publication numbers such as CN106844774A)."
        )
    events = _events(store, [m.doc_id for ms in members.values() for m in ms])
    rows = []
    for doc_id in ids:
        group = members[family_of[doc_id]]
        own = next(m for m in group if m.doc_id == doc_id)
        for country in targets:
            category, evidence, n = _country(group, events, country, as_of)
            rows.append(
                CountryScope(doc_id, own.pub_number, country, category, evidence, n)
            )
    return FtoScope(as_of, targets, tuple(rows))


# -- reading ------------------------------------------------------------------------------


def _check_countries(countries: Sequence[str]) -> tuple[str, ...]:
    out = []
    for c in countries:
        code = str(c).strip().upper()
        if len(code) != 2 or not code.isalpha() or code in {"EP", "WO"}:
            raise InvalidParameterError(
                f"The 'countries' parameter of fto_scope must hold ISO 3166 alpha-2 "
                f"country codes (CN, US, DE …). Got {c!r} instead."
            )
        out.append(code)
    if not out:
        raise InvalidParameterError(
            "The 'countries' parameter of fto_scope must name at least one country."
        )
    return tuple(dict.fromkeys(out))


def _members(
    store: PatentStore, ids: list[str]
) -> tuple[dict[str, list[_Member]], dict[str, str]]:
    """Family groups (key: family_id, else the document itself) and each id's group."""
    table = store.query(
        """
        WITH q AS (SELECT DISTINCT unnest(?::VARCHAR[]) AS doc_id),
        asked AS (
            SELECT p.doc_id, coalesce(p.family_id, 'doc:' || p.doc_id) AS grp
            FROM patents p JOIN q ON q.doc_id = p.doc_id
        ),
        fam AS (
            SELECT a.grp, p.doc_id FROM asked a JOIN patents p ON p.family_id = a.grp
            UNION
            SELECT grp, doc_id FROM asked
        )
        SELECT f.grp, a.doc_id AS asked, p.doc_id,
               coalesce(p.pub_number, p.doc_id) AS pub_number, p.office, p.kind,
               p.app_date, p.pub_date, p.grant_date, p.priority_date, p.legal_status,
               p.status_as_of, p.status_detail, p.status_source, p.expiry_date,
               p.expiry_estimated, m.next_due, m.grace_end
        FROM fam f JOIN patents p ON p.doc_id = f.doc_id
        LEFT JOIN asked a ON a.doc_id = p.doc_id AND a.grp = f.grp
        LEFT JOIN maintenance m ON m.doc_id = p.doc_id
        """,
        [ids],
    )
    groups: dict[str, dict[str, _Member]] = {}
    family_of: dict[str, str] = {}
    for row in table.to_pylist():
        grp = row.pop("grp")
        asked = row.pop("asked")
        member = _Member(**row)
        groups.setdefault(grp, {})[member.doc_id] = member
        if asked is not None:
            family_of[asked] = grp
    return {k: list(v.values()) for k, v in groups.items()}, family_of


def _events(store: PatentStore, doc_ids: Iterable[str]) -> dict[str, list[_Event]]:
    """Dated status events of the members, oldest first (undated ones cannot be placed
    before or after a date, so they decide nothing here)."""
    types = sorted(_ALIVE_EVENTS | set(_ENDING_EVENTS) | _STATE_ALIVE_EVENTS)
    table = store.query(
        """
        SELECT doc_id, type, date, details FROM events
        WHERE doc_id IN (SELECT unnest(?::VARCHAR[])) AND date IS NOT NULL
          AND type IN (SELECT unnest(?::VARCHAR[]))
        ORDER BY doc_id, date, seq
        """,
        [sorted(set(doc_ids)), types],
    )
    out: dict[str, list[_Event]] = {}
    for row in table.to_pylist():
        state = None
        if row["details"]:
            try:
                details = json.loads(row["details"])
            except ValueError:
                details = {}
            if isinstance(details, dict) and isinstance(details.get("state"), str):
                state = details["state"].upper()
        if row["type"] == "invalidation" and _partial(row["details"]):
            continue
        out.setdefault(row["doc_id"], []).append(
            _Event(row["type"], row["date"], state)
        )
    return out


def _partial(details: str | None) -> bool:
    # a partial invalidation (部分无效) leaves the right in force
    return bool(details) and (
        "部分" in str(details) or "partial" in str(details).lower()
    )


# -- deciding -----------------------------------------------------------------------------


_RANK = {c: i for i, c in enumerate(CATEGORIES)}


def _country(
    group: list[_Member],
    events: dict[str, list[_Event]],
    country: str,
    as_of: date,
) -> tuple[Category, Evidence | None, int]:
    ep_state = country in EPC_STATES or country in EP_VALIDATION_STATES
    candidates: list[tuple[Category, Evidence | None]] = []
    n = 0
    for m in group:
        if m.pub_date is not None and m.pub_date > as_of:
            continue
        if m.office == country:
            n += 1
            candidates.append(
                _fees(m, _member_state(m, events.get(m.doc_id, []), as_of), as_of)
            )
        elif m.office == "EP" and ep_state:
            n += 1
            candidates.append(_ep_state(m, events.get(m.doc_id, []), country, as_of))
    if not candidates:
        window = _pct_window(group, country, as_of)
        if window is not None:
            return "pending", window, 0
        return "not_in_country", None, 0
    candidates.sort(key=lambda c: _RANK[c[0]])
    return candidates[0][0], candidates[0][1], n


def _fees(
    m: _Member, decided: tuple[Category, Evidence | None], as_of: date
) -> tuple[Category, Evidence | None]:
    """Flag a right in force whose next fee fell due before the date: ``in_grace`` while
    it can still be paid, ``fee_due_unconfirmed`` after (payment not known)."""
    category, evidence = decided
    if category != "in_force" or evidence is None or m.next_due is None:
        return decided
    if as_of <= m.next_due:
        return decided
    if m.grace_end is not None and as_of <= m.grace_end:
        detail = "in_grace"
    else:
        detail = "fee_due_unconfirmed"
    return category, Evidence(
        evidence.member, "maintenance.next_due", evidence.event, m.next_due, detail
    )


def _granted_by(m: _Member, own: list[_Event], as_of: date) -> bool:
    if m.grant_date is not None:
        return m.grant_date <= as_of
    if any(e.type == "grant" and e.date <= as_of for e in own):
        return True
    kinds = _GRANT_KINDS.get(m.office or "", ("B", "C"))
    if m.kind and m.kind.upper().startswith(kinds):
        return m.pub_date is None or m.pub_date <= as_of
    # only a granted right can be in force, expired or invalidated
    return m.legal_status in {"active", "expired", "invalidated"} and (
        m.pub_date is None or m.pub_date <= as_of
    )


def _member_state(
    m: _Member, evs: list[_Event], as_of: date
) -> tuple[Category, Evidence | None]:
    own = [e for e in evs if e.state is None and e.date <= as_of]
    deciding = [e for e in own if e.type in _ALIVE_EVENTS or e.type in _ENDING_EVENTS]
    last = deciding[-1] if deciding else None
    later_status = (
        m.status_as_of is not None
        and m.status_as_of <= as_of
        and (last is None or m.status_as_of > last.date)
    )
    if last is not None and not later_status:
        if last.type in _ENDING_EVENTS:
            return "free", Evidence(
                m.pub_number, None, last.type, last.date, _ENDING_EVENTS[last.type]
            )
        # granted or restored, and nothing ended it up to the date
        ended = _expired_by(m, as_of)
        if ended is not None:
            return ended
        return "in_force", Evidence(
            m.pub_number, None, last.type, last.date, "in_force"
        )
    later = [
        e
        for e in evs
        if e.state is None
        and e.date > as_of
        and (e.type in _ALIVE_EVENTS or e.type in _ENDING_EVENTS)
    ]
    if last is None and later and not later_status:
        # something was decided after the date: the right or application existed then
        first = later[0]
        if first.type == "restoration":
            return "unknown", Evidence(
                m.pub_number, None, first.type, first.date, "restored_later"
            )
        if first.type == "grant" or not _granted_by(m, own, as_of):
            return "pending", Evidence(
                m.pub_number, None, first.type, first.date, f"{first.type}_later"
            )
        return "in_force", Evidence(
            m.pub_number, None, first.type, first.date, f"{first.type}_later"
        )
    status = m.legal_status
    if status in _ENDED:
        if m.status_as_of is None:
            return "free", Evidence(
                m.pub_number, "legal_status", None, None, f"{status}_undated"
            )
        if m.status_as_of <= as_of:
            return "free", Evidence(
                m.pub_number, "legal_status", None, m.status_as_of, status
            )
        # it ended after the date: before that it was alive
        if _granted_by(m, own, as_of):
            return "in_force", Evidence(
                m.pub_number, "legal_status", None, m.status_as_of, f"{status}_later"
            )
        return "pending", Evidence(
            m.pub_number, "legal_status", None, m.status_as_of, f"{status}_later"
        )
    if status == "active":
        ended = _expired_by(m, as_of)
        if ended is not None:
            return ended
        if _granted_by(m, own, as_of):
            return "in_force", Evidence(
                m.pub_number, "legal_status", None, m.status_as_of, "in_force"
            )
        return "pending", Evidence(
            m.pub_number, "legal_status", None, m.status_as_of, "granted_later"
        )
    if status == "pending":
        return "pending", Evidence(
            m.pub_number, "legal_status", None, m.status_as_of, m.status_detail
        )
    ended = _expired_by(m, as_of)
    if ended is not None:
        return ended
    detail = (
        "term_ended_estimated"
        if m.expiry_estimated and m.expiry_date is not None and m.expiry_date <= as_of
        else "no_status"
    )
    return "unknown", Evidence(m.pub_number, None, None, None, detail)


def _expired_by(m: _Member, as_of: date) -> tuple[Category, Evidence] | None:
    """Expired at the date by an expiry date that is evidence, or an estimate (unknown)."""
    if m.expiry_date is None or m.expiry_date > as_of:
        return None
    if m.expiry_estimated:
        return "unknown", Evidence(
            m.pub_number, "expiry_date", None, m.expiry_date, "term_ended_estimated"
        )
    return "free", Evidence(m.pub_number, "expiry_date", None, m.expiry_date, "expired")


def _ep_state(
    m: _Member, evs: list[_Event], state: str, as_of: date
) -> tuple[Category, Evidence | None]:
    """A European patent (application) in one contracting state: the state's own
    latest event first (a lapse there frees it there), else the document's status, which
    for a granted patent needs evidence from the state to count as in force there."""
    mine = [
        e
        for e in evs
        if e.state == state
        and e.date <= as_of
        and (e.type in _ENDING_EVENTS or e.type in _STATE_ALIVE_EVENTS)
    ]
    last = mine[-1] if mine else None
    if last is not None and last.type in _ENDING_EVENTS:
        return "free", Evidence(
            m.pub_number,
            None,
            f"{last.type}@{state}",
            last.date,
            _ENDING_EVENTS[last.type],
        )
    overall, evidence = _member_state(m, evs, as_of)
    if overall != "in_force":
        # pending: every designated state is to watch; free: ended everywhere
        return overall, evidence
    if last is None:
        # a renewal fee paid there later shows the right was in force there before
        later = [
            e
            for e in evs
            if e.state == state
            and e.date > as_of
            and (e.type in _ENDING_EVENTS or e.type in _STATE_ALIVE_EVENTS)
        ]
        if later and later[0].type in _STATE_ALIVE_EVENTS:
            first = later[0]
            return "in_force", Evidence(
                m.pub_number, None, f"{first.type}@{state}", first.date, "alive_later"
            )
        return "unknown", Evidence(
            m.pub_number, None, None, None, "ep_no_state_evidence"
        )
    return "in_force", Evidence(
        m.pub_number, None, f"{last.type}@{state}", last.date, "in_force"
    )


def _pct_window(group: list[_Member], country: str, as_of: date) -> Evidence | None:
    """A published PCT application whose national phase may still be entered there."""
    months = _PCT_MONTHS.get(country, _PCT_DEFAULT_MONTHS)
    for m in group:
        if m.office != "WO" or (m.pub_date is not None and m.pub_date > as_of):
            continue
        start = m.priority_date or m.app_date
        if start is None:
            continue
        if m.legal_status in _ENDED and (
            m.status_as_of is None or m.status_as_of <= as_of
        ):
            continue
        deadline = _add_months(start, months)
        if as_of <= deadline:
            return Evidence(
                m.pub_number,
                "priority_date" if m.priority_date else "app_date",
                None,
                deadline,
                "pct_window_open",
            )
    return None


def _add_months(d: date, months: int) -> date:
    y, mo = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, mo + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")
