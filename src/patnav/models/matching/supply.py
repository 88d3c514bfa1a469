"""Supply: the patents available for transfer or licence (issue 18).

:func:`supply` lists

- **存量专利盘活 candidates** (``kind = idle``): patents whose owner is a university or a
  research institute, in force at ``as_of`` and never transferred or licensed. The owner is
  the current owner (``parties.role = 'current_owner'``), else the assignee, else the
  applicant; a university or institute is the party type the source or enrichment set
  (``parties.party_type``), else the type :func:`patnav.enrich.party_types.classify_party`
  reads from the name (大学, 学院, 研究院, 研究所, University, Institute …; ``…研究所有限公司``
  is a company). A co-owned patent counts when any of its owners is one. In force:
  ``legal_status = 'active'`` and the expiry date, when known, after ``as_of``. Never
  transferred or licensed: no ``transfer`` or ``licence`` event dated on or before
  ``as_of`` (or undated). A patent whose status is unknown (``legal_status`` NULL, or
  ``active`` with its term ended by ``as_of``) is listed apart in :attr:`Supply.unknown`,
  never as in force.
- **listings** (``kind`` 开放许可, 转让 or 许可): patents their owners offer, read by
  :func:`patnav.models.matching.inputs.read_listings`, with the store's status as it is
  (a listing is the owner's declaration; a lapsed listed patent keeps ``status = lapsed``).
  Listed numbers not in the store are kept in :attr:`Supply.not_in_store`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import pyarrow as pa

from patnav.enrich.party_types import classify_party
from patnav.errors import InputError
from patnav.models.matching.inputs import Listing
from patnav.schema.numbers import parse_pub_number
from patnav.schema.records import PartyType
from patnav.storage.store import PatentStore

OWNER_ROLES = ("current_owner", "assignee", "applicant")
"""The roles an owner is read from, in order of preference."""
SUPPLIER_TYPES = (PartyType.UNIVERSITY.value, PartyType.INSTITUTE.value)
DEAL_EVENTS = ("transfer", "licence")
KIND_ZH = {
    "idle": "存量专利盘活",
    "开放许可": "开放许可",
    "转让": "转让",
    "许可": "许可",
}
STATUS_ZH = {
    "in_force": "有效",
    "unknown": "未知",
    "pending": "审中",
    "lapsed": "失效",
    "expired": "届满",
    "withdrawn": "撤回",
    "rejected": "驳回",
    "invalidated": "无效",
}


@dataclass(frozen=True, slots=True)
class SupplyItem:
    """One patent on offer."""

    doc_id: str
    pub_number: str | None
    title: str | None
    kind: str
    """``idle`` (存量专利盘活) or the listing's type: 开放许可, 转让, 许可."""
    status: str
    """``in_force``, ``unknown`` or (a listed patent) the store's legal_status."""
    owners: tuple[str, ...]
    owner_types: tuple[str | None, ...]
    """Each owner's party type (source/enrichment, else read from the name)."""
    province: str | None
    city: str | None
    terms: str | None = None
    """A listing's 费用/条件, as written."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "pub_number": self.pub_number,
            "title": self.title,
            "kind": self.kind,
            "kind_label": KIND_ZH[self.kind],
            "status": self.status,
            "status_label": STATUS_ZH.get(self.status, self.status),
            "owners": list(self.owners),
            "owner_types": list(self.owner_types),
            "province": self.province,
            "city": self.city,
            "terms": self.terms,
        }


@dataclass(frozen=True, slots=True)
class Supply:
    """What is on offer at ``as_of``."""

    as_of: date
    items: tuple[SupplyItem, ...]
    """In-force idle university/institute patents, then the listings."""
    unknown: tuple[SupplyItem, ...]
    """University/institute patents never transferred or licensed whose status is unknown."""
    not_in_store: tuple[Listing, ...]
    """Listings whose publication number is not in the store."""

    def doc_ids(self, *, include_unknown: bool = False) -> list[str]:
        """The documents on offer (and those of unknown status when asked), once each."""
        items = self.items + (self.unknown if include_unknown else ())
        return list(dict.fromkeys(i.doc_id for i in items))

    def by_doc(self) -> dict[str, SupplyItem]:
        out: dict[str, SupplyItem] = {}
        for item in self.unknown + self.items:  # a listing wins over the idle entry
            out[item.doc_id] = item
        return out

    def counts(self) -> dict[str, int]:
        kinds: dict[str, int] = {}
        for item in self.items:
            kinds[item.kind] = kinds.get(item.kind, 0) + 1
        return {
            **kinds,
            "unknown_status": len(self.unknown),
            "listings_not_in_store": len(self.not_in_store),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "counts": self.counts(),
            "items": [i.to_dict() for i in self.items],
            "unknown": [i.to_dict() for i in self.unknown],
            "not_in_store": [
                {
                    "pub_number": x.pub_number,
                    "licence_type": x.licence_type,
                    "row": x.row,
                }
                for x in self.not_in_store
            ],
        }

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([i.to_dict() for i in self.items + self.unknown])


@dataclass(frozen=True, slots=True)
class Owned:
    """A document's owners, their party types and the first province and city given."""

    owners: tuple[str, ...]
    types: tuple[str | None, ...]
    province: str | None
    city: str | None
    provinces: tuple[str, ...] = ()
    """Every owner's province, as stored."""
    cities: tuple[str, ...] = ()


def owners_of(store: PatentStore, doc_ids: Sequence[str] | None) -> dict[str, Owned]:
    """Each document's owners: current owners, else assignees, else applicants."""
    roles = ", ".join(f"'{r}'" for r in OWNER_ROLES)
    order = " ".join(f"WHEN '{r}' THEN {i}" for i, r in enumerate(OWNER_ROLES))
    sql = f"""
        WITH p AS (
            SELECT doc_id, seq, name, party_type, province, city,
                CASE role {order} END AS r
            FROM parties WHERE role IN ({roles}) AND name IS NOT NULL {{where}}
        )
        SELECT doc_id, name, party_type, province, city FROM p
        WHERE r = (SELECT min(r) FROM p q WHERE q.doc_id = p.doc_id)
        ORDER BY doc_id, seq NULLS LAST, name
    """
    if doc_ids is None:
        rows = store.rows(sql.format(where=""))
    else:
        with store.staged(
            "_match_ids", pa.table({"doc_id": pa.array(list(doc_ids), pa.string())})
        ) as name:
            rows = store.rows(
                sql.format(where=f"AND doc_id IN (SELECT doc_id FROM {name})")
            )
    grouped: dict[str, list[tuple[str, str | None, str | None, str | None]]] = {}
    for doc_id, name_, party_type, province, city in rows:
        kind = party_type or (
            (t := classify_party(str(name_))) and t.value
        )  # the source's type, else the name's
        grouped.setdefault(str(doc_id), []).append((str(name_), kind, province, city))
    out = {}
    for doc_id, owners in grouped.items():
        names = tuple(dict.fromkeys(o[0] for o in owners))
        types = tuple(next(o[1] for o in owners if o[0] == n) for n in names)
        province = next((o[2] for o in owners if o[2]), None)
        city = next((o[3] for o in owners if o[3]), None)
        out[doc_id] = Owned(
            names,
            types,
            province,
            city,
            tuple(dict.fromkeys(o[2] for o in owners if o[2])),
            tuple(dict.fromkeys(o[3] for o in owners if o[3])),
        )
    return out


def _status(legal_status: str | None, expiry: date | None, as_of: date) -> str:
    if legal_status is None:
        return "unknown"
    if legal_status == "active":
        return "unknown" if expiry is not None and expiry <= as_of else "in_force"
    return str(legal_status)


def supply(store: PatentStore, as_of: date, listings: Sequence[Listing] = ()) -> Supply:
    """The patents on offer at ``as_of`` (see the module docstring).

    Raises:
        InputError: a listing's publication number cannot be read as one.
    """
    dealt = {
        str(d)
        for (d,) in store.rows(
            "SELECT DISTINCT doc_id FROM events WHERE type IN ('transfer', 'licence') "
            "AND (date IS NULL OR date <= ?)",
            [as_of],
        )
    }
    owned = owners_of(store, None)
    suppliers = [
        d for d, o in owned.items() if any(t in SUPPLIER_TYPES for t in o.types)
    ]
    facts = _facts(store, suppliers)
    items: list[SupplyItem] = []
    unknown: list[SupplyItem] = []
    for doc_id in sorted(suppliers):
        if doc_id in dealt or doc_id not in facts:
            continue
        pub, title, legal, expiry = facts[doc_id]
        status = _status(legal, expiry, as_of)
        if status not in ("in_force", "unknown"):
            continue
        o = owned[doc_id]
        item = SupplyItem(
            doc_id, pub, title, "idle", status, o.owners, o.types, o.province, o.city
        )
        (items if status == "in_force" else unknown).append(item)
    missing: list[Listing] = []
    if listings:
        by_number = _listed(store, listings)
        listed_owners = owners_of(store, [d for d in by_number.values() if d])
        listed_facts = _facts(store, [d for d in by_number.values() if d])
        for x in listings:
            listed = by_number.get(x.pub_number)
            if listed is None:
                missing.append(x)
                continue
            doc_id = listed
            pub, title, legal, expiry = listed_facts[doc_id]
            o = listed_owners.get(doc_id, Owned((), (), None, None))
            items.append(
                SupplyItem(
                    doc_id,
                    pub,
                    title,
                    x.licence_type,
                    _status(legal, expiry, as_of),
                    o.owners,
                    o.types,
                    o.province,
                    o.city,
                    x.terms,
                )
            )
    return Supply(as_of, tuple(items), tuple(unknown), tuple(missing))


def _facts(
    store: PatentStore, doc_ids: Sequence[str]
) -> dict[str, tuple[str | None, str | None, str | None, date | None]]:
    if not doc_ids:
        return {}
    with store.staged(
        "_match_ids", pa.table({"doc_id": pa.array(list(doc_ids), pa.string())})
    ) as name:
        rows = store.rows(
            "SELECT doc_id, pub_number, title, legal_status, expiry_date FROM patents "
            f"WHERE doc_id IN (SELECT doc_id FROM {name})"
        )
    return {str(d): (p, t, s, e) for d, p, t, s, e in rows}


def _listed(store: PatentStore, listings: Sequence[Listing]) -> dict[str, str | None]:
    """Each listed number's document (the newest publication of that number), or None."""
    wanted: dict[str, str] = {}
    for x in listings:
        try:
            wanted[x.pub_number] = str(parse_pub_number(x.pub_number))
        except InputError as exc:
            raise InputError(
                f"Row {x.row} of the listings: '{x.pub_number}' is not a publication "
                "number (write it as CN112345678A)."
            ) from exc
    canon = sorted(set(wanted.values()))
    with store.staged(
        "_match_pubs", pa.table({"pub_number": pa.array(canon, pa.string())})
    ) as name:
        rows = store.rows(
            "SELECT pub_number, min(doc_id) FROM patents "
            f"WHERE pub_number IN (SELECT pub_number FROM {name}) GROUP BY pub_number"
        )
    found = {str(p): str(d) for p, d in rows}
    return {raw: found.get(c) for raw, c in wanted.items()}


def owner_record(
    store: PatentStore, names: Sequence[str]
) -> dict[str, tuple[int, int, int]]:
    """Each owner's track record: (patents held, transfers, licences) — documents where
    the name is an applicant, assignee or current owner, and the transfer and licence
    events on them."""
    names = sorted(set(names))
    if not names:
        return {}
    roles = ", ".join(f"'{r}'" for r in OWNER_ROLES)
    with store.staged(
        "_match_owners", pa.table({"name": pa.array(names, pa.string())})
    ) as staged:
        rows = store.rows(
            f"""
            WITH d AS (
                SELECT DISTINCT name, doc_id FROM parties
                WHERE role IN ({roles}) AND name IN (SELECT name FROM {staged})
            )
            SELECT d.name, count(DISTINCT d.doc_id),
                count(e.doc_id) FILTER (WHERE e.type = 'transfer'),
                count(e.doc_id) FILTER (WHERE e.type = 'licence')
            FROM d LEFT JOIN events e
                ON e.doc_id = d.doc_id AND e.type IN ('transfer', 'licence')
            GROUP BY d.name
            """
        )
    return {str(n): (int(p), int(t), int(x)) for n, p, t, x in rows}
