"""Tiny hand-made records for rules the real data cannot reach yet (events, families)."""

from __future__ import annotations

from datetime import date

from patnav.schema.records import PatentRecord, PatentType
from patnav.storage.store import PatentStore
from patnav.storage.writer import DocumentWriter


def record(pub: str, app: str, **fields: object) -> PatentRecord:
    """A document of office ``pub[:2]``; an invention filed 2015-03-01 unless told."""
    base: dict[str, object] = {
        "pub_number": pub,
        "office": pub[:2],
        "kind": "A",
        "app_number": app,
        "app_date": date(2015, 3, 1),
        "patent_type": PatentType.INVENTION,
        "title": "一种装置",
    }
    base.update(fields)
    return PatentRecord(**base)  # type: ignore[arg-type]


def write(store: PatentStore, records: list[PatentRecord]) -> None:
    """Write records into the store as one import."""
    with store.transaction():
        writer = DocumentWriter(
            store, import_id=1, file="t.jsonl", fmt="jsonl", batch_size=50
        )
        for i, r in enumerate(records):
            writer.add(r, f"line {i + 1}")
        writer.finish()
