"""Saved patent sets as stored: reading ``patent_sets`` and the members of a set's last run.

The piece of :mod:`patnav.search.sets` that :mod:`patnav.search.api` needs too (a search
``within`` a saved set): both import it, so neither imports the other.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from patnav.errors import InputError
from patnav.search.fields import nearest
from patnav.storage.store import PatentStore

RANKED_MODES = ("text", "semantic", "hybrid")


@dataclass(frozen=True, slots=True)
class PatentSet:
    """A saved search strategy."""

    name: str
    query: str
    description: str | None
    mode: str
    limit: int | None
    within: str | None
    created_at: datetime | None
    updated_at: datetime | None
    last_run_at: datetime | None
    last_count: int | None

    @property
    def is_ranked(self) -> bool:
        return self.mode in RANKED_MODES

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("created_at", "updated_at", "last_run_at"):
            data[key] = data[key].isoformat(timespec="seconds") if data[key] else None
        return data


def row_to_set(row: dict[str, Any]) -> PatentSet:
    filters = json.loads(row["filters"] or "{}")
    return PatentSet(
        name=row["name"],
        query=row["query"],
        description=row["description"],
        mode=filters.get("mode", "boolean"),
        limit=filters.get("limit"),
        within=filters.get("within"),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        last_run_at=row["last_run_at"],
        last_count=row["last_count"],
    )


def list_sets(store: PatentStore) -> list[PatentSet]:
    """Every saved set, by name."""
    return [
        row_to_set(r)
        for r in store.query("SELECT * FROM patent_sets ORDER BY name").to_pylist()
    ]


def find_set(store: PatentStore, name: str) -> PatentSet | None:
    """The set called ``name``, or None."""
    rows = store.query("SELECT * FROM patent_sets WHERE name = ?", [name]).to_pylist()
    return row_to_set(rows[0]) if rows else None


def get_set(store: PatentStore, name: str) -> PatentSet:
    """The set called ``name``.

    Raises:
        InputError: there is no such set (the message suggests near names).
    """
    found = find_set(store, name)
    if found is None:
        names = [s.name for s in list_sets(store)]
        close = nearest(name, names, limit=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        known = (
            f" Saved sets: {', '.join(names[:20])}."
            if names
            else " No set is saved yet."
        )
        raise InputError(
            f"No patent set named '{name}'.{hint}{known} "
            "Save one with 'patnav search QUERY --save NAME'."
        )
    return found


LAST_MEMBERS = (
    "SELECT doc_id FROM patent_set_members WHERE set_name = ? AND last_seen_at = "
    "(SELECT last_run_at FROM patent_sets WHERE name = ?)"
)
"""SQL of the members of a set's last run (parameters: the set's name, twice)."""


def last_members(store: PatentStore, name: str) -> list[str]:
    """The members of the set's last run, by doc_id."""
    return [
        str(r[0]) for r in store.rows(LAST_MEMBERS + " ORDER BY doc_id", [name, name])
    ]
