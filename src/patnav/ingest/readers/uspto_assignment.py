"""USPTO patent assignment search responses (assignment.uspto.gov, Solr XML):
``<response>`` with ``<result name="response">`` of ``<doc>`` assignments.

Each ``doc`` is one recorded assignment (reel/frame) covering one or more properties:
the parallel lists ``applNum``, ``patNum`` and ``publNum`` name each property (``NULL``
where it has none). One record per property and assignment, attached to the property's
grant when it has one (``patNum``: the kind is not given, so the number stands without
the kind the USPTO gives such a grant: A before 2001, then B2 when the property has a
pre-grant publication, else B1), else its pre-grant publication (``publNum``), else its
application; its events:

* ``type`` from the conveyance text: assignment of the assignors' interest (also nunc
  pro tunc, corrective, merger) → transfer, security interest → pledge, its release or
  termination → pledge release, change of name → other;
* ``date`` the recording date (``recordedDate``); the execution date in ``details``;
* ``parties`` the assignees; assignors, reel/frame in ``details``; ``source``
  ``USPTO assignment``.

Several assignments of one property in one file become one record with all its events.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from patnav.errors import BadDocumentError, UnsafeDocumentError
from patnav.ingest.base import Item, Notice, Read, ReadOptions, Rejected, Source
from patnav.ingest.legal_events import conveyance_type, us_grant_kind
from patnav.ingest.xml.patent import app_number, pub_number
from patnav.ingest.xml.reading import open_limited
from patnav.ingest.xml.safe import (
    Element,
    parse_document,
    root_name,
    split_documents,
)
from patnav.schema.records import Event, PatentRecord

FORMAT = "uspto-assignment"
LABEL = "USPTO patent assignment XML"
SOURCE = "USPTO assignment"


def sniff(source: Source) -> bool:
    """A Solr ``<response>`` whose documents carry assignment fields."""
    head = source.head()
    return root_name(head) == "response" and b'name="conveyanceText"' in head


def read(source: Source, options: ReadOptions) -> Iterator[Item]:
    """One record per property, with its assignments as events."""
    stream = open_limited(source, options)
    try:
        pieces = list(split_documents(stream))
    finally:
        stream.close()
    for piece in pieces:
        if piece.oversized:
            yield Rejected(
                piece.position,
                f"the response is {piece.size:,} bytes, over the limit for one XML "
                "document; it was skipped unread",
            )
            continue
        try:
            root, _ = parse_document(piece.data)
        except UnsafeDocumentError as exc:
            yield Rejected(piece.position, f"refused: {exc}", piece.raw, piece.number)
            continue
        except BadDocumentError as exc:
            yield Rejected(piece.position, str(exc), piece.raw, piece.number)
            continue
        by_property: dict[_Property, list[Event]] = {}
        assignments = 0
        for doc in root.iter("doc"):
            if doc.find("str[@name='conveyanceText']") is None:
                continue
            assignments += 1
            event = _event(doc)
            for prop in _properties(doc):
                by_property.setdefault(prop, []).append(event)
        for n, (prop, events) in enumerate(by_property.items(), 1):
            record = PatentRecord(
                pub_number=prop.pub,
                pub_number_raw=prop.pub_raw,
                kind=prop.kind,
                office="US",
                app_number=prop.app,
                app_number_raw=prop.app_raw,
                events=tuple(sorted(events, key=lambda e: e.date or date.min)),
            )
            if record.doc_id is None:
                yield Rejected(
                    f"{piece.position}, property {n}",
                    "the property has no patent, publication or application number",
                    piece.raw,
                )
                continue
            yield Read(record, f"{piece.position}, property {n}")
        yield Notice(
            f"read as {LABEL}: {assignments:,} assignments of {len(by_property):,} "
            "properties"
        )


def _values(doc: Element, name: str) -> list[str | None]:
    arr = doc.find(f"arr[@name='{name}']")
    if arr is None:
        return []
    out: list[str | None] = []
    for el in arr:
        text = (el.text or "").strip()
        out.append(None if not text or text == "NULL" else text)
    return out


def _text(doc: Element, name: str) -> str | None:
    el = doc.find(f"*[@name='{name}']")
    text = " ".join((el.text or "").split()) if el is not None else ""
    return text or None


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        day = date.fromisoformat(text[:10])
    except ValueError:
        return None
    return None if day.year <= 1 else day


@dataclass(frozen=True, slots=True)
class _Property:
    """One property of an assignment: its document number, kind and application."""

    pub: str | None
    pub_raw: str | None
    kind: str | None
    app: str | None
    app_raw: str | None


def _properties(doc: Element) -> Iterator[_Property]:
    appl, pat, publ = (_values(doc, n) for n in ("applNum", "patNum", "publNum"))
    for i in range(max(len(appl), len(pat), len(publ))):
        a = appl[i] if i < len(appl) else None
        p = pat[i] if i < len(pat) else None
        u = publ[i] if i < len(publ) else None
        if p:
            kind = us_grant_kind(p, u is not None)
            number = pub_number("US", p, kind)
            raw = p
        elif u:
            kind, number, raw = "A1", pub_number("US", u, "A1"), u
        else:
            kind = number = raw = None
        if number is None:
            kind = raw = None
        app = app_number("US", a) if a else None
        yield _Property(number, raw, kind, app, a if app else None)


def _event(doc: Element) -> Event:
    conveyance = _text(doc, "conveyanceText")
    assignees = [v for v in _values(doc, "patAssigneeName") if v]
    assignors = [v for v in _values(doc, "patAssignorName") if v]
    executed = [
        d.isoformat() for v in _values(doc, "patAssignorExDate") if (d := _day(v))
    ]
    details = {
        "assignors": assignors,
        "assignees": assignees,
        "executed": executed,
        "reel_frame": "/".join(
            p for p in (_text(doc, "reelNo"), _text(doc, "frameNo")) if p
        ),
    }
    return Event(
        type=conveyance_type(conveyance),
        date=_day(_text(doc, "recordedDate")),
        code="assignment",
        description=conveyance,
        parties="; ".join(assignees) or None,
        details=json.dumps(
            {k: v for k, v in details.items() if v}, ensure_ascii=False, sort_keys=True
        ),
        source=SOURCE,
    )
