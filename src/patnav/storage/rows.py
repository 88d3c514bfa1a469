"""Turn ``PatentRecord`` objects into column-wise rows of the store's tables, and back.

This is the only place that knows how a record's fields land in table columns; the
writer, the snapshot import and tests all go through it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

import pyarrow as pa

from patnav.schema import tables as t
from patnav.schema.records import SCALAR_FIELDS, PatentRecord

ColumnData = dict[str, list[Any]]


def empty_columns(table: t.Table) -> ColumnData:
    """Empty column lists for ``table``."""
    return {name: [] for name in table.column_names}


def to_arrow(table: t.Table, columns: ColumnData) -> pa.Table:
    """Columns as an Arrow table with exactly ``table``'s schema."""
    return pa.Table.from_pydict(columns, schema=table.arrow_schema())


def extras_json(extras: Iterable[tuple[str, str]]) -> str | None:
    """A record's extras as a JSON object (later keys win), or None when there are none."""
    data = dict(extras)
    return json.dumps(data, ensure_ascii=False, sort_keys=True) if data else None


def patent_row(
    record: PatentRecord, *, source: str, imported_at: datetime, updated_at: datetime
) -> dict[str, Any]:
    """The ``patents`` row of a record."""
    row: dict[str, Any] = {"doc_id": record.doc_id}
    for name in SCALAR_FIELDS:
        value = getattr(record, name)
        row[name] = value.value if hasattr(value, "value") else value
    row["extras"] = extras_json(record.extras)
    row["source"] = source
    row["imported_at"] = imported_at
    row["updated_at"] = updated_at
    return row


def _enum(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


def child_rows(record: PatentRecord) -> dict[str, list[dict[str, Any]]]:
    """The rows a record contributes to each per-document child table."""
    doc_id = record.doc_id
    out: dict[str, list[dict[str, Any]]] = {}
    if record.texts:
        out["texts"] = [
            {"doc_id": doc_id, "lang": x.lang, "section": x.section, "text": x.text}
            for x in record.texts
        ]
    if record.parties:
        seq_by_role: dict[str, int] = {}
        rows = []
        for p in record.parties:
            role = _enum(p.role)
            seq_by_role[role] = seq_by_role.get(role, 0) + 1
            rows.append(
                {
                    "doc_id": doc_id,
                    "role": role,
                    "seq": seq_by_role[role],
                    "name": p.name,
                    "raw_name": p.raw_name,
                    "entity_id": None,
                    "party_type": _enum(p.party_type),
                    "address": p.address,
                    "postcode": p.postcode,
                    "country": p.country,
                    "province": p.province,
                    "city": p.city,
                    "district": p.district,
                    "ext_id": p.ext_id,
                }
            )
        out["parties"] = rows
    if record.classifications:
        out["classifications"] = [
            {
                "doc_id": doc_id,
                "scheme": c.scheme,
                "code": c.code,
                "seq": i,
                "is_main": c.is_main,
                "raw": c.raw,
            }
            for i, c in enumerate(record.classifications, 1)
        ]
    if record.citations:
        out["citations"] = [
            {
                "doc_id": doc_id,
                "seq": i,
                "cited_pub_number": c.cited_pub_number,
                "cited_npl": c.cited_npl,
                "category": _enum(c.category),
                "origin": c.origin,
                "cited_raw": c.cited_raw,
                "cited_date": c.cited_date,
            }
            for i, c in enumerate(record.citations, 1)
        ]
    if record.priorities:
        out["priorities"] = [
            {
                "doc_id": doc_id,
                "seq": i,
                "country": p.country,
                "number": p.number,
                "date": p.date,
                "raw": p.raw,
            }
            for i, p in enumerate(record.priorities, 1)
        ]
    if record.claim_items:
        out["claims"] = [
            {
                "doc_id": doc_id,
                "num": c.num,
                "lang": c.lang or record.lang,
                "text": c.text,
                "is_independent": c.is_independent,
                "depends_on": list(c.depends_on),
            }
            for c in record.claim_items
        ]
    if record.events:
        out["events"] = [
            {
                "doc_id": doc_id,
                "seq": i,
                "date": e.date,
                "type": _enum(e.type),
                "code": e.code,
                "description": e.description,
                "parties": e.parties,
                "details": e.details,
            }
            for i, e in enumerate(record.events, 1)
        ]
    return out


_CHILD_FIELDS: Mapping[str, str] = {
    "parties": "parties",
    "classifications": "classifications",
    "citations": "citations",
    "priorities": "priorities",
    "claim_items": "claims",
    "texts": "texts",
    "events": "events",
}


def merge_records(old: PatentRecord, new: PatentRecord) -> PatentRecord:
    """Combine two versions of one document: ``new`` wins wherever it has a value.

    Scalars: new unless None. Child sections: new's rows replace old's when new has any.
    Extras: merged key by key. Nothing ``old`` knew is dropped unless ``new`` restates
    it.
    """
    changes: dict[str, Any] = {}
    for name in SCALAR_FIELDS:
        if getattr(new, name) is None and getattr(old, name) is not None:
            changes[name] = getattr(old, name)
    for name in _CHILD_FIELDS:
        if not getattr(new, name) and getattr(old, name):
            changes[name] = getattr(old, name)
    if old.extras:
        merged = dict(old.extras)
        merged.update(new.extras)
        changes["extras"] = tuple(merged.items())
    return replace(new, **changes) if changes else new


def merge_patent_rows(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """Merge two ``patents`` rows of one document the way :func:`merge_records` does."""
    out = dict(new)
    for key, value in old.items():
        if out.get(key) is None and value is not None:
            out[key] = value
    if old.get("extras") and new.get("extras"):
        merged = json.loads(old["extras"])
        merged.update(json.loads(new["extras"]))
        out["extras"] = json.dumps(merged, ensure_ascii=False, sort_keys=True)
    out["imported_at"] = old.get("imported_at") or new.get("imported_at")
    out["source"] = old.get("source") or new.get("source")
    return out


CHILD_TABLE_OF_FIELD = _CHILD_FIELDS
