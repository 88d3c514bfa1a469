"""Turn ``PatentRecord`` objects into rows of the store's tables.

This is the only place that knows how a record's fields land in table columns. A record is
flattened once, into plain tuples in column order: the writer hashes those tuples for
idempotency and writes the same tuples, so no work is done twice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum
from operator import attrgetter
from typing import Any

import pyarrow as pa

from patnav.schema import tables as t
from patnav.schema.records import SCALAR_FIELDS, PatentRecord

Row = tuple[Any, ...]

# The patents columns a record fills; the writer appends source and timestamps.
RECORD_COLUMNS: tuple[str, ...] = ("doc_id", *SCALAR_FIELDS, "extras")
WRITE_COLUMNS: tuple[str, ...] = ("source", "imported_at", "updated_at")
ENRICHED_COLUMNS: tuple[str, ...] = (
    "expiry_estimated",
    "status_source",
    "status_as_of",
    "status_detail",
)
"""Filled by enrichment; an import writes None, and an update keeps the stored value."""
assert t.PATENTS.column_names == RECORD_COLUMNS + WRITE_COLUMNS + ENRICHED_COLUMNS, (
    "patents columns drifted"
)


def to_arrow(table: t.Table, rows: Sequence[Row]) -> pa.Table:
    """Rows (tuples in column order) as an Arrow table with exactly ``table``'s schema."""
    schema = table.arrow_schema()
    if not rows:
        return schema.empty_table()
    columns = list(zip(*rows, strict=True))
    return pa.Table.from_arrays(
        [
            pa.array(col, type=field.type)
            for col, field in zip(columns, schema, strict=True)
        ],
        schema=schema,
    )


_EXTRAS_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)
"""What ``json.dumps(..., ensure_ascii=False, sort_keys=True)`` builds on every call."""
_JSON_STRING = json.encoder.encode_basestring
"""The encoder's own string quoting (C), as it quotes with ``ensure_ascii=False``."""


def extras_json(extras: Iterable[tuple[str, str]]) -> str | None:
    """A record's extras as a JSON object (later keys win), or None when there are none.

    The text is exactly ``json.dumps(data, ensure_ascii=False, sort_keys=True)`` (the
    content hash depends on it); plain string pairs, the usual case, are joined
    directly, which is several times faster than the encoder's set-up per call.
    """
    data = dict(extras)
    if not data:
        return None
    for key, value in data.items():
        if type(key) is not str or type(value) is not str:
            return _EXTRAS_ENCODER.encode(data)
    quote = _JSON_STRING
    return (
        "{"
        + ", ".join(f"{quote(k)}: {quote(v)}" for k, v in sorted(data.items()))
        + "}"
    )


def _plain(value: Any) -> Any:
    # ``_value_`` is what the ``value`` property returns, without the descriptor call
    return value._value_ if isinstance(value, Enum) else value


_SCALARS = attrgetter(*SCALAR_FIELDS)


@dataclass(frozen=True, slots=True)
class FlatRecord:
    """A record as rows: its ``patents`` row (without source and timestamps) and the rows
    of every child table it has, plus the content hash of all of them."""

    doc_id: str
    patent: Row
    children: dict[str, list[Row]]
    content_hash: str


def flatten(record: PatentRecord) -> FlatRecord:
    """The rows a record contributes to the store, and their hash.

    Raises:
        ValueError: the record has no identity (``doc_id``).
    """
    doc_id = record.doc_id
    if doc_id is None:
        raise ValueError("a record without doc_id must be quarantined, not written")
    patent = (
        doc_id,
        *[v._value_ if isinstance(v, Enum) else v for v in _SCALARS(record)],
        extras_json(record.extras),
    )
    children: dict[str, list[Row]] = {}
    if record.texts:
        children["texts"] = [(doc_id, x.lang, x.section, x.text) for x in record.texts]
    if record.parties:
        seq_by_role: dict[str, int] = {}
        party_rows = []
        for p in record.parties:
            role = _plain(p.role)
            seq = seq_by_role[role] = seq_by_role.get(role, 0) + 1
            party_rows.append(
                (
                    doc_id,
                    role,
                    seq,
                    p.name,
                    p.raw_name,
                    None,
                    _plain(p.party_type),
                    p.address,
                    p.postcode,
                    p.country,
                    p.province,
                    p.city,
                    p.district,
                    p.ext_id,
                    None,  # norm_name, region_code: enrichment fills them
                    None,
                    "source" if p.province or p.city or p.country else None,
                )
            )
        children["parties"] = party_rows
    if record.classifications:
        children["classifications"] = [
            (doc_id, c.scheme, c.code, i, c.is_main, c.raw)
            for i, c in enumerate(record.classifications, 1)
        ]
    if record.citations:
        children["citations"] = [
            (
                doc_id,
                i,
                c.cited_pub_number,
                c.cited_npl,
                _plain(c.category),
                c.origin,
                c.cited_raw,
                c.cited_date,
            )
            for i, c in enumerate(record.citations, 1)
        ]
    if record.priorities:
        children["priorities"] = [
            (doc_id, i, p.country, p.number, p.date, p.raw)
            for i, p in enumerate(record.priorities, 1)
        ]
    if record.claim_items:
        children["claims"] = [
            (
                doc_id,
                c.num,
                c.lang or record.lang,
                c.text,
                c.is_independent,
                list(c.depends_on),
            )
            for c in record.claim_items
        ]
    if record.events:
        children["events"] = [
            (
                doc_id,
                i,
                e.date,
                _plain(e.type),
                e.code,
                e.description,
                e.parties,
                e.details,
                e.source,
            )
            for i, e in enumerate(record.events, 1)
        ]
    if record.indicators:
        children["indicators"] = [
            (doc_id, _plain(x.name), x.value, x.unit, x.source, x.raw)
            for x in record.indicators
        ]
    if record.effects:
        seq_by_level: dict[str, int] = {}
        effect_rows = []
        for e in record.effects:
            level = _plain(e.level)
            seq = seq_by_level[level] = seq_by_level.get(level, 0) + 1
            effect_rows.append((doc_id, level, seq, e.text))
        children["effects"] = effect_rows
    # repr of tuples of plain values (str, int, date, None) is deterministic and fast
    digest = hashlib.blake2b(
        repr((patent, sorted(children.items()))).encode("utf-8"), digest_size=16
    ).hexdigest()
    return FlatRecord(doc_id, patent, children, digest)


_CHILD_FIELDS: tuple[str, ...] = (
    "parties",
    "classifications",
    "citations",
    "priorities",
    "claim_items",
    "texts",
    "events",
    "indicators",
    "effects",
)


def merge_records(old: PatentRecord, new: PatentRecord) -> PatentRecord:
    """Combine two versions of one document: ``new`` wins wherever it has a value.

    Scalars: new unless None. Child sections: new's rows replace old's when new has any.
    Extras: merged key by key. Nothing ``old`` knew is dropped unless ``new`` restates it.
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


def merge_patent_rows(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Merge a stored ``patents`` row with a new one the way :func:`merge_records` does;
    the first import's time and source are kept."""
    out = dict(new)
    for key, value in old.items():
        if out.get(key) is None and value is not None:
            out[key] = value
    if old.get("extras") and new.get("extras"):
        merged = json.loads(old["extras"])
        merged.update(json.loads(new["extras"]))
        out["extras"] = _EXTRAS_ENCODER.encode(merged)
    out["imported_at"] = old.get("imported_at") or new.get("imported_at")
    out["source"] = old.get("source") or new.get("source")
    return out


def stamp(patent: Row, *, source: str, now: datetime) -> Row:
    """A record's patents row completed with its source and timestamps."""
    return (*patent, source, now, now, *(None for _ in ENRICHED_COLUMNS))
