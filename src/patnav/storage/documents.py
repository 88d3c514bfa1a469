"""One patent document with everything the detail page shows, read from a store.

A read-only view over the store's tables — bibliographic data, parties, classifications,
claims (with their dependencies), citations made and received within the store, legal
events, priorities and the family members present in the store — what a patent detail
page, the API's document endpoint or an export of one patent needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from patnav.errors import InputError
from patnav.storage.store import PatentStore

_PATENT_COLUMNS = (
    "doc_id, pub_number, kind, office, app_number, app_number_raw, app_date, pub_date, "
    "grant_date, grant_pub_number, priority_date, family_id, patent_type, title, abstract, "
    "claims, lang, claims_count, ipc_main, legal_status, legal_status_raw, expiry_date, "
    "cited_by_count, pct_app_number, pct_pub_number, source, imported_at, "
    "expiry_estimated, status_source, status_as_of, status_detail"
)


@dataclass(frozen=True, slots=True)
class Document:
    """A patent document as the detail page shows it (plain dicts per section)."""

    patent: dict[str, Any]
    parties: dict[str, list[dict[str, Any]]]
    classifications: list[dict[str, Any]]
    claims: list[dict[str, Any]]
    citations: list[dict[str, Any]]
    cited_by: list[dict[str, Any]]
    events: list[dict[str, Any]]
    priorities: list[dict[str, Any]]
    family: list[dict[str, Any]]
    texts: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Every section, JSON-ready (dates as ISO strings)."""
        data: dict[str, Any] = _plain(
            {
                "patent": self.patent,
                "parties": self.parties,
                "classifications": self.classifications,
                "claims": self.claims,
                "citations": self.citations,
                "cited_by": self.cited_by,
                "events": self.events,
                "priorities": self.priorities,
                "family": self.family,
                "texts": self.texts,
            }
        )
        return data


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _dicts(store: PatentStore, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = store.query(sql, params).to_pylist()
    return rows


def read_document(store: PatentStore, key: str, *, limit: int = 200) -> Document:
    """The document whose doc_id, publication number or application number is ``key``.

    Raises:
        InputError: no such document in the store.
    """
    found = _dicts(
        store,
        f"SELECT {_PATENT_COLUMNS} FROM patents WHERE doc_id = ? "
        "UNION ALL "
        f"SELECT {_PATENT_COLUMNS} FROM patents WHERE pub_number = ? OR grant_pub_number = ? "
        "UNION ALL "
        f"SELECT {_PATENT_COLUMNS} FROM patents WHERE app_number = ? LIMIT 1",
        [key, key, key, key],
    )
    if not found:
        raise InputError(
            f"No document '{key}' in this store: give its publication or application "
            "number as the store writes it (CN106844774A)."
        )
    patent = found[0]
    doc_id = patent["doc_id"]
    parties: dict[str, list[dict[str, Any]]] = {}
    for row in _dicts(
        store,
        "SELECT role, seq, name, raw_name, party_type, address, country, province, city, "
        "entity_id FROM parties WHERE doc_id = ? ORDER BY role, seq",
        [doc_id],
    ):
        parties.setdefault(row["role"], []).append(row)
    family: list[dict[str, Any]] = []
    if patent.get("family_id") or patent.get("app_number"):
        family = _dicts(
            store,
            "SELECT doc_id, pub_number, kind, office, app_number, app_date, pub_date, title "
            "FROM patents WHERE doc_id <> ? AND ((family_id IS NOT NULL AND family_id = ?) "
            "OR (app_number IS NOT NULL AND app_number = ?)) "
            "ORDER BY pub_date NULLS LAST, doc_id LIMIT ?",
            [doc_id, patent.get("family_id"), patent.get("app_number"), limit],
        )
    return Document(
        patent=patent,
        parties=parties,
        classifications=_dicts(
            store,
            "SELECT scheme, code, is_main FROM classifications WHERE doc_id = ? "
            "ORDER BY scheme, is_main DESC, seq LIMIT ?",
            [doc_id, limit],
        ),
        claims=_dicts(
            store,
            "SELECT num, lang, text, is_independent, depends_on FROM claims "
            "WHERE doc_id = ? ORDER BY lang, num LIMIT ?",
            [doc_id, limit],
        ),
        citations=_dicts(
            store,
            "SELECT c.seq, c.cited_pub_number, c.cited_npl, c.category, c.origin, "
            "c.cited_date, p.doc_id AS in_store, p.title "
            "FROM citations c LEFT JOIN patents p ON p.doc_id = c.cited_pub_number "
            "WHERE c.doc_id = ? ORDER BY c.seq LIMIT ?",
            [doc_id, limit],
        ),
        cited_by=_dicts(
            store,
            "SELECT DISTINCT p.doc_id, p.pub_number, p.title, p.app_date "
            "FROM citations c JOIN patents p ON p.doc_id = c.doc_id "
            "WHERE c.cited_pub_number IN (?, ?) ORDER BY p.app_date NULLS LAST LIMIT ?",
            [doc_id, patent.get("pub_number") or doc_id, limit],
        ),
        events=_dicts(
            store,
            "SELECT date, type, code, description, parties, source FROM events WHERE doc_id = ? "
            "ORDER BY date NULLS LAST, seq LIMIT ?",
            [doc_id, limit],
        ),
        priorities=_dicts(
            store,
            "SELECT country, number, date FROM priorities WHERE doc_id = ? ORDER BY seq",
            [doc_id],
        ),
        family=family,
        texts=_dicts(
            store,
            "SELECT lang, section, text FROM texts WHERE doc_id = ? "
            "AND section IN ('title', 'abstract') ORDER BY section, lang",
            [doc_id],
        ),
    )
