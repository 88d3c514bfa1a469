"""A first look at a store: what is in it, from where, of which kind, from when, by whom,
and where its applicants are.

Counting unit: documents (one row of ``patents``); filing years by application date.
Years within 18 months of the newest filing are incomplete (applications publish 18
months after filing) and are flagged.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import pyarrow as pa

from patnav.storage.store import PatentStore

PUBLICATION_LAG_MONTHS = 18


@dataclass(frozen=True, slots=True)
class Count:
    """A label and how many documents it has."""

    label: str
    count: int


BASIS_ZH = {
    "source": "来源状态字段",
    "events": "法律事件",
    "term": "无状态（推算届满）",
    "none": "无状态信息",
}
"""Chinese names of what a document's status rests on (``patents.status_source``)."""


@dataclass(frozen=True, slots=True)
class SourceLegal:
    """What one imported file tells of legal status and events: its documents by status
    (``unknown``: no status from evidence — never counted as a lapse), by what the status
    rests on (``field``: the file's status column, ``events``, ``term``: only an estimated
    term end), and the legal events they hold by type (``dated``: of them with a date).

    A document imported from several files counts for each: events hold no file of their
    own, so the events of a document merged from two files show under both."""

    file: str
    format: str
    documents: int
    statuses: tuple[Count, ...]
    basis: tuple[Count, ...]
    events: tuple[Count, ...]
    dated_events: int

    @property
    def event_total(self) -> int:
        return sum(c.count for c in self.events)


@dataclass(frozen=True, slots=True)
class StoreOverview:
    """Counts of a store by office, patent type, filing year, applicant and source."""

    documents: int
    with_pub_number: int
    with_app_number: int
    by_office: tuple[Count, ...]
    by_type: tuple[Count, ...]
    by_year: tuple[Count, ...]
    incomplete_years: tuple[str, ...]
    top_applicants: tuple[Count, ...]
    by_source: tuple[Count, ...]
    first_filing: date | None
    last_filing: date | None
    quarantined: int
    imports: int
    counting_unit: str = "document"
    applicants_by: str = "name"
    by_province: tuple[Count, ...] = ()
    by_city: tuple[Count, ...] = ()
    located_by_name: int = 0
    legal_by_source: tuple[SourceLegal, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("first_filing", "last_filing"):
            data[key] = data[key].isoformat() if data[key] else None
        return data

    def to_frame(self) -> Any:
        """The counts as one long pandas DataFrame: dimension, label, count."""
        import pandas as pd

        rows = [
            {"dimension": dim, "label": c.label, "count": c.count}
            for dim in (
                "by_office",
                "by_type",
                "by_year",
                "top_applicants",
                "by_source",
                "by_province",
                "by_city",
            )
            for c in getattr(self, dim)
        ]
        return pd.DataFrame(rows, columns=["dimension", "label", "count"])


def _counts(table: pa.Table) -> tuple[Count, ...]:
    labels = table.column(0).to_pylist()
    counts = table.column(1).to_pylist()
    return tuple(
        Count("(unknown)" if label is None else str(label), int(n))
        for label, n in zip(labels, counts, strict=True)
    )


def store_overview(
    store: PatentStore, *, top: int = 10, legal: bool = False
) -> StoreOverview:
    """Counts by office, type, filing year, top applicants, source format and region.

    With ``legal``, also the legal status and events of each imported file
    (:func:`legal_by_source`; the web's first look does not show them).

    Top applicants count documents per resolved entity once ``patnav enrich`` has run
    (``applicants_by`` = ``entity``), else per name. Provinces and cities are those of
    each document's first applicant; ``located_by_name`` of them were inferred from the
    applicant's name rather than read from an address.
    """
    docs, with_pub, with_app, first, last = store.rows(
        "SELECT count(*), count(pub_number), count(app_number), min(app_date), "
        "max(app_date) FROM patents"
    )[0]
    by_office = _counts(
        store.query(
            "SELECT office, count(*) AS n FROM patents GROUP BY office "
            "ORDER BY n DESC, office NULLS LAST"
        )
    )
    by_type = _counts(
        store.query(
            "SELECT patent_type, count(*) AS n FROM patents GROUP BY patent_type "
            "ORDER BY n DESC, patent_type NULLS LAST"
        )
    )
    by_year = _counts(
        store.query(
            "SELECT CAST(year(app_date) AS VARCHAR), count(*) FROM patents "
            "WHERE app_date IS NOT NULL GROUP BY 1 ORDER BY 1"
        )
    )
    incomplete: tuple[str, ...] = ()
    if last is not None:
        cutoff_year = last.year - (
            1 if last.month <= PUBLICATION_LAG_MONTHS - 12 else 0
        )
        incomplete = tuple(c.label for c in by_year if int(c.label) >= cutoff_year)
    by_entity = bool(
        store.scalar(
            "SELECT count(*) > 0 FROM parties WHERE role = 'applicant' "
            "AND entity_id IS NOT NULL"
        )
    )
    if by_entity:  # resolved applicants: one row per entity, under its canonical name
        top_applicants = _counts(
            store.query(
                "SELECT coalesce(e.name, p.name), count(DISTINCT p.doc_id) AS n "
                "FROM parties p LEFT JOIN entities e USING (entity_id) "
                "WHERE p.role = 'applicant' GROUP BY coalesce(p.entity_id, p.name), 1 "
                "ORDER BY n DESC, 1 LIMIT ?",
                [top],
            )
        )
    else:
        top_applicants = _counts(
            store.query(
                "SELECT name, count(DISTINCT doc_id) AS n FROM parties "
                "WHERE role = 'applicant' GROUP BY name ORDER BY n DESC, name LIMIT ?",
                [top],
            )
        )
    # region counts follow the first applicant (第一申请人), so each document counts once
    firsts = (
        "SELECT doc_id, province, city, location_source FROM parties "
        "WHERE role = 'applicant' AND seq = 1 AND province IS NOT NULL"
    )
    by_province = _counts(
        store.query(
            f"SELECT province, count(*) AS n FROM ({firsts}) GROUP BY 1 ORDER BY n DESC, 1"
        )
    )
    by_city = _counts(
        store.query(
            "SELECT CASE WHEN city = province THEN city ELSE province || ' ' || city END, "
            f"count(*) AS n FROM ({firsts}) "
            "WHERE city IS NOT NULL GROUP BY 1 ORDER BY n DESC, 1 LIMIT ?",
            [top],
        )
    )
    located_by_name = int(
        store.scalar(f"SELECT count(*) FROM ({firsts}) WHERE location_source = 'name'")
    )
    by_source = _counts(
        store.query(
            "SELECT source, count(*) AS n FROM patents GROUP BY source ORDER BY n DESC, source"
        )
    )
    return StoreOverview(
        legal_by_source=legal_by_source(store) if legal else (),
        documents=int(docs),
        with_pub_number=int(with_pub),
        with_app_number=int(with_app),
        by_office=by_office,
        by_type=by_type,
        by_year=by_year,
        incomplete_years=incomplete,
        top_applicants=top_applicants,
        by_source=by_source,
        first_filing=first,
        last_filing=last,
        quarantined=store.count("quarantine"),
        imports=store.count("imports"),
        applicants_by="entity" if by_entity else "name",
        by_province=by_province,
        by_city=by_city,
        located_by_name=located_by_name,
    )


def _by_file(rows: list[tuple[Any, ...]]) -> dict[str, list[Count]]:
    out: dict[str, list[Count]] = {}
    for file, label, n in rows:
        out.setdefault(str(file), []).append(Count(str(label), int(n)))
    return out


def legal_by_source(store: PatentStore) -> tuple[SourceLegal, ...]:
    """Per imported file (largest first): its documents by legal status and by the
    evidence the status rests on, and their legal events by type."""
    files = store.rows(
        "SELECT file, min(format), count(DISTINCT doc_id) AS n FROM provenance "
        "GROUP BY file ORDER BY n DESC, file"
    )
    docs = "(SELECT DISTINCT file, doc_id FROM provenance)"
    statuses = _by_file(
        store.rows(
            f"SELECT d.file, coalesce(nullif(p.legal_status, 'unknown'), 'unknown') AS s, "
            f"count(*) AS n FROM {docs} d JOIN patents p USING (doc_id) "
            "GROUP BY ALL ORDER BY d.file, n DESC, s"
        )
    )
    basis = _by_file(
        store.rows(
            f"SELECT d.file, coalesce(p.status_source, 'none') AS b, count(*) AS n "
            f"FROM {docs} d JOIN patents p USING (doc_id) "
            "GROUP BY ALL ORDER BY d.file, n DESC, b"
        )
    )
    events = _by_file(
        store.rows(
            f"SELECT d.file, e.type, count(*) AS n FROM {docs} d "
            "JOIN events e USING (doc_id) GROUP BY ALL ORDER BY d.file, n DESC, e.type"
        )
    )
    dated = dict(
        store.rows(
            f"SELECT d.file, count(*) FROM {docs} d JOIN events e USING (doc_id) "
            "WHERE e.date IS NOT NULL GROUP BY d.file"
        )
    )
    return tuple(
        SourceLegal(
            file=str(file),
            format=str(fmt or ""),
            documents=int(n),
            statuses=tuple(statuses.get(str(file), ())),
            basis=tuple(basis.get(str(file), ())),
            events=tuple(events.get(str(file), ())),
            dated_events=int(dated.get(file, 0)),
        )
        for file, fmt, n in files
    )
