"""Link enterprises of the register to applicants of the patent data.

A link pairs an enterprise with an applicant name (and the applicant's resolved entity when
enrichment has run). It is found by, in order of confidence:

=====================  ==========  =========================================================
method                 confidence  when
=====================  ==========  =========================================================
``exact``              1.0         the applicant name is the enterprise's name
``former_name``        0.95        the applicant name is one of its former names (曾用名)
``normalized``         0.9         the names share a matching key (泰安市X = 泰安X, width,
                                   punctuation) and the same company form
``normalized``         0.7         … but different company forms (有限公司 vs 股份有限公司)
``former_normalized``  0.7         a former name shares the applicant's key
=====================  ==========  =========================================================

A key shared by several enterprises makes each of its links uncertain (0.5). Links of
confidence 0.9 or more are ``linked``; the others wait in the review list (``review``)
until a user accepts or rejects them. Decisions are kept: linking again never undoes them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from patnav.enrich.entities import ORG_ROLES
from patnav.enrich.names import name_key
from patnav.enterprises.store import content_id
from patnav.errors import InputError
from patnav.schema import tables as t
from patnav.storage.store import PatentStore

LINKED_AT = 0.9
"""Links at or above this confidence count without review."""

METHODS_ZH = {
    "exact": "名称一致",
    "former_name": "曾用名一致",
    "normalized": "规范化名称一致",
    "former_normalized": "曾用名规范化后一致",
}
STATUS_ZH = {
    "linked": "已关联",
    "review": "待审核",
    "accepted": "已确认",
    "rejected": "已否决",
}

_FORM = re.compile(
    r"(股份有限公司|有限责任公司|有限公司|股份公司|集团公司|总公司|公司|合伙企业|厂|研究院|研究所)$"
)


def company_form(name: str) -> str | None:
    """The legal form a Chinese company name ends with (有限公司, 股份有限公司 …)."""
    m = _FORM.search(name.strip())
    return m.group(1) if m else None


@dataclass(frozen=True, slots=True)
class Link:
    """A link between an enterprise and an applicant name."""

    link_id: str
    enterprise_id: str
    enterprise_name: str
    applicant_name: str
    entity_id: str | None
    method: str
    method_label: str
    confidence: float
    status: str
    status_label: str
    note: str | None
    documents: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class LinkReport:
    """What linking did: links by status and method."""

    enterprises: int
    linked_enterprises: int
    by_status: dict[str, int]
    by_method: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _applicants(store: PatentStore) -> list[tuple[str, str | None, int]]:
    roles = ", ".join(f"'{r}'" for r in ORG_ROLES)
    return [
        (str(r[0]), r[1], int(r[2]))
        for r in store.rows(
            f"SELECT name, min(entity_id), count(DISTINCT doc_id) FROM parties "
            f"WHERE role IN ({roles}) AND name IS NOT NULL GROUP BY name"
        )
    ]


def find_links(store: PatentStore) -> list[dict[str, Any]]:
    """The links the register and the applicant names suggest (no decisions applied)."""
    applicants = _applicants(store)
    by_name = {n: (e, d) for n, e, d in applicants}
    by_key: dict[str, list[str]] = defaultdict(list)
    for n, _e, _d in applicants:
        k = name_key(n)
        if k:
            by_key[k].append(n)
    enterprises = store.rows(
        "SELECT enterprise_id, name, former_names FROM enterprises ORDER BY enterprise_id"
    )
    # a key shared by several enterprises cannot tell them apart
    key_owners: dict[str, set[str]] = defaultdict(set)
    for eid, name, former in enterprises:
        for n in (name, *(former or ())):
            if k := name_key(n):
                key_owners[k].add(eid)
    found: dict[tuple[str, str], dict[str, Any]] = {}

    def add(
        eid: str, applicant: str, method: str, confidence: float, note: str | None
    ) -> None:
        pair = (eid, applicant)
        if pair in found and found[pair]["confidence"] >= confidence:
            return
        entity, docs = by_name[applicant]
        found[pair] = {
            "link_id": "L" + content_id(eid, applicant),
            "enterprise_id": eid,
            "applicant_name": applicant,
            "entity_id": entity,
            "method": method,
            "confidence": confidence,
            "note": note,
            "documents": docs,
        }

    for eid, name, former in enterprises:
        formers = tuple(former or ())
        if name in by_name:
            add(eid, name, "exact", 1.0, None)
        for f in formers:
            if f in by_name:
                add(eid, f, "former_name", 0.95, None)
        for source, method in (
            (name, "normalized"),
            *((f, "former_normalized") for f in formers),
        ):
            key = name_key(source)
            for applicant in by_key.get(key, ()) if key else ():
                if applicant in (name, *formers):
                    continue
                note = None
                if method == "former_normalized":
                    confidence = 0.7
                    note = f"与曾用名“{source}”规范化后一致"
                elif company_form(applicant) != company_form(name):
                    confidence = 0.7
                    note = (
                        f"公司形式不同：{company_form(name) or '无'} / "
                        f"{company_form(applicant) or '无'}"
                    )
                else:
                    confidence = 0.9
                if len(key_owners[key]) > 1:
                    confidence = min(confidence, 0.5)
                    note = f"{len(key_owners[key])}家企业的名称规范化后相同"
                add(eid, applicant, method, confidence, note)
    return list(found.values())


def link_enterprises(store: PatentStore) -> LinkReport:
    """Link the register's enterprises to applicant names; keep earlier decisions.

    Links found again keep an accepted or rejected status; automatic links no longer
    found are dropped, decided ones stay.
    """
    now = datetime.now(UTC).replace(tzinfo=None)
    links = find_links(store)
    decided = {
        str(r[0]): str(r[1])
        for r in store.rows(
            "SELECT link_id, status FROM enterprise_links "
            "WHERE status IN ('accepted', 'rejected')"
        )
    }
    rows = []
    for link in links:
        status = decided.get(link["link_id"]) or (
            "linked" if link["confidence"] >= LINKED_AT else "review"
        )
        rows.append({**link, "status": status, "updated_at": now})
    data = pa.Table.from_pylist(
        [{c: r.get(c) for c in t.ENTERPRISE_LINKS.column_names} for r in rows],
        schema=t.ENTERPRISE_LINKS.arrow_schema(),
    )
    with store.transaction():
        store.execute(
            "DELETE FROM enterprise_links WHERE status NOT IN ('accepted', 'rejected')"
        )
        if rows:
            with store.staged("link_rows", data) as staged:
                store.execute(
                    f"DELETE FROM enterprise_links WHERE link_id IN "
                    f"(SELECT link_id FROM {staged})"
                )
                store.execute(f"INSERT INTO enterprise_links SELECT * FROM {staged}")
    by_status: dict[str, int] = defaultdict(int)
    by_method: dict[str, int] = defaultdict(int)
    for r in rows:
        by_status[r["status"]] += 1
        by_method[r["method"]] += 1
    return LinkReport(
        enterprises=int(store.scalar("SELECT count(*) FROM enterprises")),
        linked_enterprises=int(
            store.scalar(
                "SELECT count(DISTINCT enterprise_id) FROM enterprise_links "
                "WHERE status IN ('linked', 'accepted')"
            )
        ),
        by_status=dict(by_status),
        by_method=dict(by_method),
    )


def list_links(
    store: PatentStore, *, status: str | None = "review", enterprise: str | None = None
) -> list[Link]:
    """Links with ``status`` (default: the review list; None: all), of one enterprise
    (id) if given, most uncertain first."""
    where, params = ["TRUE"], []
    if status:
        where.append("l.status = ?")
        params.append(status)
    if enterprise:
        where.append("l.enterprise_id = ?")
        params.append(enterprise)
    rows = store.rows(
        "SELECT l.link_id, l.enterprise_id, e.name, l.applicant_name, l.entity_id, "
        "l.method, l.confidence, l.status, l.note, l.documents "
        "FROM enterprise_links l LEFT JOIN enterprises e USING (enterprise_id) "
        f"WHERE {' AND '.join(where)} "
        "ORDER BY l.confidence, e.name, l.applicant_name",
        params,
    )
    return [
        Link(
            link_id=r[0],
            enterprise_id=r[1],
            enterprise_name=r[2] or r[1],
            applicant_name=r[3],
            entity_id=r[4],
            method=r[5],
            method_label=METHODS_ZH.get(r[5], r[5]),
            confidence=float(r[6]),
            status=r[7],
            status_label=STATUS_ZH.get(r[7], r[7]),
            note=r[8],
            documents=int(r[9] or 0),
        )
        for r in rows
    ]


def decide_link(store: PatentStore, link_id: str, *, accept: bool) -> Link:
    """Accept or reject a link; the decision survives later linking runs.

    Raises:
        InputError: no such link.
    """
    if not store.rows("SELECT 1 FROM enterprise_links WHERE link_id = ?", [link_id]):
        raise InputError(
            f"No link {link_id!r}. 'patnav enterprises links --all' lists link ids."
        )
    with store.transaction():
        store.execute(
            "UPDATE enterprise_links SET status = ?, updated_at = ? WHERE link_id = ?",
            [
                "accepted" if accept else "rejected",
                datetime.now(UTC).replace(tzinfo=None),
                link_id,
            ],
        )
    return next(x for x in list_links(store, status=None) if x.link_id == link_id)
