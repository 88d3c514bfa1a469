"""The enterprise register in the store: import lists, list and show enterprises.

An enterprise is keyed by its 统一社会信用代码, else by its name's matching key, so the
same enterprise read from several lists (a 小巨人 list, a 高企 list, an office's register)
is one row: a later list fills in and updates its figures, and every list adds its
qualifications. Importing the same file again changes nothing. Rejected rows go to the
store's ``quarantine`` with the file, row and reason, as for patent imports.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from patnav.enrich.names import name_key
from patnav.enterprises.register import EnterpriseRecord, RegisterRow, read_register
from patnav.enterprises.sizes import SIZES, classify_size
from patnav.enterprises.vocabulary import LEVELS, LISTINGS, QUALIFICATIONS
from patnav.errors import InputError
from patnav.ingest.base import Notice, ReadOptions, Rejected, Source, file_source
from patnav.schema import tables as t
from patnav.storage.store import PatentStore

FORMAT = "enterprise-register"
"""The format recorded in ``imports`` for enterprise lists."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def enterprise_id_for(record: EnterpriseRecord) -> str:
    """The key of an enterprise: its code, else ``N:`` and its name key."""
    return record.uscc or f"N:{name_key(record.name) or record.name}"


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row of a list that was not imported, and why."""

    position: str
    reason: str


@dataclass(frozen=True, slots=True)
class RegisterImport:
    """What importing one enterprise list did."""

    file: str
    rows: int
    new: int
    updated: int
    unchanged: int
    qualifications: int
    rejected: tuple[RejectedRow, ...]
    notices: tuple[str, ...]
    sizes: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_FIGURES = (
    "uscc",
    "region_raw",
    "address",
    "country",
    "province",
    "city",
    "district",
    "region_code",
    "location_source",
    "founded",
    "founded_year",
    "employees",
    "revenue_wan",
    "assets_wan",
    "rd_spending_wan",
    "rd_staff",
    "figures_year",
    "industry_code",
    "industry_raw",
    "listing",
    "listing_raw",
    "stock_code",
    "note",
)


def _merged(old: dict[str, Any] | None, rec: EnterpriseRecord) -> dict[str, Any]:
    """The enterprise row after reading ``rec``: the list's values where it gives them,
    the stored ones where it does not."""
    row: dict[str, Any] = dict(old) if old else {}
    row["name"] = rec.name
    row["name_key"] = name_key(rec.name) or None
    for f in _FIGURES:
        value = getattr(rec, f)
        if value is not None or f not in row:
            row[f] = value if value is not None else row.get(f)
    if rec.location_source is None and old:  # keep the stored place as a whole
        for f in ("country", "province", "city", "district", "region_code"):
            row[f] = old.get(f)
    former = list(row.get("former_names") or [])
    if old and old.get("name") and old["name"] != rec.name:
        former.append(old["name"])
    former.extend(rec.former_names)
    row["former_names"] = sorted({n for n in former if n != rec.name}) or None
    size = classify_size(
        industry_code=row.get("industry_code"),
        industry_name=row.get("industry_raw"),
        employees=row.get("employees"),
        revenue_wan=row.get("revenue_wan"),
        assets_wan=row.get("assets_wan"),
    )
    row["size"] = size.size
    row["size_sector"] = size.sector
    row["size_missing"] = list(size.missing) or None
    row["size_reason"] = size.reason
    return row


_COMPARED = tuple(
    c
    for c in t.ENTERPRISES.column_names
    if c not in {"source_file", "source_position", "imported_at", "updated_at"}
)


def import_register(
    store: PatentStore,
    path: Path,
    *,
    qualification: str | None = None,
    year: int | None = None,
    amount_unit: str | None = None,
    options: ReadOptions | None = None,
) -> RegisterImport:
    """Read an enterprise list and write its enterprises and qualifications.

    Args:
        store: the store (writable).
        path: an .xlsx or .csv list.
        qualification: the qualification every row holds, when the list's title and
            file name do not say (a code of ``QUALIFICATIONS``).
        year: that qualification's year.
        amount_unit: 元, 万元 or 亿元 for amounts with no unit in header or cell.
        options: safety limits.

    Raises:
        InvalidParameterError: an unknown qualification or unit.
        ParseError: the file is not an enterprise list.
    """
    if qualification is not None and qualification not in QUALIFICATIONS:
        raise InputError(
            f"Unknown qualification {qualification!r}; use one of "
            f"{', '.join(QUALIFICATIONS)}."
        )
    options = options or ReadOptions()
    source = file_source(path)
    file_hash = source.content_hash(options.max_file_bytes)
    rows, rejected, notices = _read(source, qualification, year, amount_unit, options)
    now = _now()
    name = str(path)
    with store.transaction():
        import_id = int(
            store.scalar("SELECT coalesce(max(import_id), 0) + 1 FROM imports")
        )
        merged, ids, (new, updated, unchanged) = _merge_rows(store, rows, name, now)
        _write_enterprises(store, merged)
        quals_added = _write_qualifications(store, rows, ids, name)
        _record_import(
            store,
            import_id,
            name,
            file_hash,
            now,
            rows=len(rows),
            rejected=rejected,
            counts=(new, updated, unchanged),
            notices=notices,
        )
    sizes: dict[str, int] = {}
    for row in merged.values():
        sizes[row["size"]] = sizes.get(row["size"], 0) + 1
    return RegisterImport(
        file=name,
        rows=len(rows),
        new=new,
        updated=updated,
        unchanged=unchanged,
        qualifications=quals_added,
        rejected=tuple(RejectedRow(r.position, r.reason) for r in rejected),
        notices=tuple(notices),
        sizes=sizes,
    )


def _read(
    source: Source,
    qualification: str | None,
    year: int | None,
    amount_unit: str | None,
    options: ReadOptions,
) -> tuple[list[RegisterRow], list[Rejected], list[str]]:
    """The list's rows, its rejected rows and its notices."""
    rows: list[RegisterRow] = []
    rejected: list[Rejected] = []
    notices: list[str] = []
    for item in read_register(
        source,
        qualification=qualification,
        year=year,
        amount_unit=amount_unit,
        options=options,
    ):
        if isinstance(item, RegisterRow):
            rows.append(item)
        elif isinstance(item, Rejected):
            rejected.append(item)
        elif isinstance(item, Notice):
            notices.append(item.message)
    return rows, rejected, notices


def _merge_rows(
    store: PatentStore, rows: list[RegisterRow], name: str, now: datetime
) -> tuple[dict[str, dict[str, Any]], list[str], tuple[int, int, int]]:
    """Each enterprise's row as it will be stored (merged with what the store holds and
    with earlier rows of the list), the id of every row of the list, and how many
    enterprises are new, updated and unchanged."""
    new = updated = unchanged = 0
    merged: dict[str, dict[str, Any]] = {}
    ids: list[str] = []
    for r in rows:
        eid, carried = _resolve_id(store, merged, r.record)
        ids.append(eid)
        old = merged.get(eid) or carried or _stored(store, eid)
        row = _merged(old, r.record)
        row.update(
            enterprise_id=eid,
            source_file=name,
            source_position=r.position,
            imported_at=(old or {}).get("imported_at") or now,
            updated_at=now,
        )
        if eid not in merged:
            if old is None:
                new += 1
            elif all(old.get(c) == row.get(c) for c in _COMPARED):
                unchanged += 1
                row["updated_at"] = old.get("updated_at")
                row["source_file"] = old.get("source_file")
                row["source_position"] = old.get("source_position")
            else:
                updated += 1
        merged[eid] = row
    return merged, ids, (new, updated, unchanged)


def _write_enterprises(store: PatentStore, merged: dict[str, dict[str, Any]]) -> None:
    """Replace the merged enterprises' rows (in the import's transaction)."""
    if not merged:
        return
    data = pa.Table.from_pylist(
        [
            {c: row.get(c) for c in t.ENTERPRISES.column_names}
            for row in merged.values()
        ],
        schema=t.ENTERPRISES.arrow_schema(),
    )
    with store.staged("enterprise_rows", data) as staged:
        store.execute(
            f"DELETE FROM enterprises WHERE enterprise_id IN "
            f"(SELECT enterprise_id FROM {staged})"
        )
        store.execute(f"INSERT INTO enterprises SELECT * FROM {staged}")


def _write_qualifications(
    store: PatentStore, rows: list[RegisterRow], ids: list[str], name: str
) -> int:
    """Add the rows' qualifications the store does not hold yet; returns how many."""
    qrows = []
    for r, eid in zip(rows, ids, strict=True):
        for q in r.record.qualifications:
            qrows.append(
                {
                    "enterprise_id": eid,
                    "qualification": q.code,
                    "year": q.year,
                    "batch": q.batch,
                    "level": q.level,
                    "raw": q.raw,
                    "source_file": name,
                }
            )
    if not qrows:
        return 0
    data = pa.Table.from_pylist(
        qrows, schema=t.ENTERPRISE_QUALIFICATIONS.arrow_schema()
    )
    with store.staged("qualification_rows", data) as staged:
        before = store.count("enterprise_qualifications")
        # one row per enterprise × qualification × year: a re-import adds nothing
        store.execute(
            f"INSERT INTO enterprise_qualifications "
            f"SELECT DISTINCT ON (s.enterprise_id, s.qualification, s.year) s.* "
            f"FROM {staged} s WHERE NOT EXISTS (SELECT 1 FROM "
            f"enterprise_qualifications q WHERE q.enterprise_id = s.enterprise_id "
            f"AND q.qualification = s.qualification "
            f"AND q.year IS NOT DISTINCT FROM s.year)"
        )
        return store.count("enterprise_qualifications") - before


def _record_import(
    store: PatentStore,
    import_id: int,
    name: str,
    file_hash: str,
    now: datetime,
    *,
    rows: int,
    rejected: list[Rejected],
    counts: tuple[int, int, int],
    notices: list[str],
) -> None:
    """The file's rejected rows in the quarantine (replacing an earlier import's) and
    its line in the import log (in the import's transaction)."""
    store.execute(
        "DELETE FROM quarantine WHERE file_hash = ? OR (file = ? AND file_hash IS NULL)",
        [file_hash, name],
    )
    for rej in rejected:
        store.execute(
            "INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                import_id,
                name,
                rej.position,
                rej.row_number,
                rej.reason,
                rej.raw,
                now,
                file_hash,
            ],
        )
    status = "quarantined" if rejected and not rows else "ok"
    new, updated, unchanged = counts
    store.execute(
        "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            import_id,
            name,
            FORMAT,
            status,
            now,
            _now(),
            rows + len(rejected),
            new,
            updated,
            unchanged,
            len(rejected),
            "; ".join(notices)[:2000] or None,
        ],
    )


def _resolve_id(
    store: PatentStore, merged: dict[str, dict[str, Any]], record: EnterpriseRecord
) -> tuple[str, dict[str, Any] | None]:
    """The id ``record`` is stored under, and the row it takes over if any.

    A code arriving for an enterprise known so far only by its name (``N:`` and the key)
    takes that row over: the row and its qualifications move to the code. A row without a
    code joins the one enterprise with a code whose name has the same key, if there is
    exactly one.
    """
    eid = enterprise_id_for(record)
    key = name_key(record.name) or record.name
    if record.uscc is None:
        if eid in merged:
            return eid, None
        coded = {
            i
            for i, row in merged.items()
            if row.get("uscc") and row.get("name_key") == key
        } | {
            str(r[0])
            for r in store.rows(
                "SELECT enterprise_id FROM enterprises WHERE uscc IS NOT NULL "
                "AND name_key = ?",
                [key],
            )
        }
        return (coded.pop() if len(coded) == 1 else eid), None
    if eid in merged or _stored(store, eid) is not None:
        return eid, None
    by_name = f"N:{key}"
    old = merged.pop(by_name, None) or _stored(store, by_name)
    if old is None:
        return eid, None
    store.execute("DELETE FROM enterprises WHERE enterprise_id = ?", [by_name])
    store.execute(
        "UPDATE enterprise_qualifications SET enterprise_id = ? WHERE enterprise_id = ?",
        [eid, by_name],
    )
    store.execute(
        "UPDATE enterprise_links SET enterprise_id = ? WHERE enterprise_id = ?",
        [eid, by_name],
    )
    return eid, {**old, "enterprise_id": eid}


def _stored(store: PatentStore, enterprise_id: str) -> dict[str, Any] | None:
    table = store.query(
        "SELECT * FROM enterprises WHERE enterprise_id = ?", [enterprise_id]
    )
    rows = table.to_pylist()
    return rows[0] if rows else None


# -- reading ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QualificationRow:
    """A qualification as stored, with its label."""

    qualification: str
    label: str
    year: int | None
    batch: str | None
    level: str | None
    level_label: str | None


@dataclass(frozen=True, slots=True)
class Enterprise:
    """An enterprise of the register, with its size and qualifications."""

    enterprise_id: str
    name: str
    uscc: str | None
    former_names: tuple[str, ...]
    province: str | None
    city: str | None
    district: str | None
    region_code: str | None
    founded: str | None
    employees: int | None
    revenue_wan: float | None
    assets_wan: float | None
    rd_spending_wan: float | None
    rd_staff: int | None
    industry_code: str | None
    industry_raw: str | None
    size: str
    size_label: str
    size_missing: tuple[str, ...]
    size_reason: str | None
    listing: str | None
    listing_label: str | None
    qualifications: tuple[QualificationRow, ...]
    links: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class EnterpriseList:
    """Enterprises of the register matching a filter."""

    total: int
    enterprises: tuple[Enterprise, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "enterprises": [e.to_dict() for e in self.enterprises],
        }


def _enterprise(
    row: dict[str, Any], quals: list[dict[str, Any]], links: int
) -> Enterprise:
    founded = row.get("founded")
    return Enterprise(
        enterprise_id=row["enterprise_id"],
        name=row["name"],
        uscc=row.get("uscc"),
        former_names=tuple(row.get("former_names") or ()),
        province=row.get("province"),
        city=row.get("city"),
        district=row.get("district"),
        region_code=row.get("region_code"),
        founded=founded.isoformat()
        if founded
        else (str(row["founded_year"]) if row.get("founded_year") else None),
        employees=row.get("employees"),
        revenue_wan=row.get("revenue_wan"),
        assets_wan=row.get("assets_wan"),
        rd_spending_wan=row.get("rd_spending_wan"),
        rd_staff=row.get("rd_staff"),
        industry_code=row.get("industry_code"),
        industry_raw=row.get("industry_raw"),
        size=row.get("size") or "unknown",
        size_label=SIZES[row.get("size") or "unknown"],
        size_missing=tuple(row.get("size_missing") or ()),
        size_reason=row.get("size_reason"),
        listing=row.get("listing"),
        listing_label=LISTINGS.get(row["listing"]) if row.get("listing") else None,
        qualifications=tuple(
            QualificationRow(
                q["qualification"],
                QUALIFICATIONS.get(q["qualification"], q["qualification"]),
                q["year"],
                q["batch"],
                q["level"],
                LEVELS.get(q["level"]) if q["level"] else None,
            )
            for q in quals
        ),
        links=links,
    )


def list_enterprises(
    store: PatentStore,
    *,
    name: str | None = None,
    qualification: str | None = None,
    size: str | None = None,
    limit: int = 50,
) -> EnterpriseList:
    """Enterprises whose name contains ``name``, holding ``qualification``, of ``size``."""
    where = ["TRUE"]
    params: list[Any] = []
    if name:
        where.append("(e.name LIKE ? OR list_contains(e.former_names, ?))")
        params += [f"%{name}%", name]
    if qualification:
        where.append(
            "EXISTS (SELECT 1 FROM enterprise_qualifications q WHERE "
            "q.enterprise_id = e.enterprise_id AND q.qualification = ?)"
        )
        params.append(qualification)
    if size:
        where.append("e.size = ?")
        params.append(size)
    sql = " AND ".join(where)
    total = int(store.scalar(f"SELECT count(*) FROM enterprises e WHERE {sql}", params))
    rows = store.query(
        f"SELECT * FROM enterprises e WHERE {sql} ORDER BY e.name LIMIT {int(limit)}",
        params,
    ).to_pylist()
    return EnterpriseList(total, tuple(_with_details(store, r) for r in rows))


def _with_details(store: PatentStore, row: dict[str, Any]) -> Enterprise:
    eid = row["enterprise_id"]
    quals = store.query(
        "SELECT qualification, year, batch, level FROM enterprise_qualifications "
        "WHERE enterprise_id = ? ORDER BY qualification, year NULLS LAST",
        [eid],
    ).to_pylist()
    links = int(
        store.scalar(
            "SELECT count(*) FROM enterprise_links WHERE enterprise_id = ? "
            "AND status IN ('linked', 'accepted')",
            [eid],
        )
    )
    return _enterprise(row, quals, links)


def find_enterprise(store: PatentStore, key: str) -> Enterprise:
    """An enterprise by its id, its 统一社会信用代码 or its exact name.

    Raises:
        InputError: no enterprise matches.
    """
    rows = store.query(
        "SELECT * FROM enterprises WHERE enterprise_id = ? OR uscc = ? OR name = ? "
        "OR list_contains(former_names, ?) ORDER BY name LIMIT 1",
        [key, key.upper(), key, key],
    ).to_pylist()
    if not rows:
        raise InputError(
            f"No enterprise {key!r} in the register. Give an id, a 统一社会信用代码 or the "
            "full name; 'patnav enterprises list --name PART' finds names."
        )
    return _with_details(store, rows[0])


def content_id(*parts: str) -> str:
    """A short stable id made from ``parts``."""
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:10]
