"""EPO OPS legal-event responses (INPADOC): ``ops:world-patent-data`` with
``ops:patent-family legal="true"``, as ``/rest-services/family/…/legal`` returns them.

One record per ``ops:family-member`` that has legal events: its publication (DOCDB
number and kind, date), application, family id, and one event per ``ops:legal``:

* ``code`` the INPADOC event code (``PG25``, ``GRAA``, ``AS`` …) and ``description``
  the full English text of the code from the EPO's code table (the response cuts it at
  50 characters), followed by the event's own free text (``L510EP``) when it has one;
* ``type`` and status effect from the code table (``ingest/data/inpadoc_codes.tsv``,
  derived by ``scripts/inpadoc_codes.py`` from the EPO's table), looked up by the
  event's authority (``L001EP``) and code; an unknown code is ``other``. A US
  assignment (``AS``) is typed by its conveyance: a security interest is a pledge,
  its release a pledge release, a change of name other;
* ``date`` the effective date (``L525EP``) when given, else the gazette date
  (``L007EP``); both are kept in ``details`` (``effective``, ``gazette``);
* ``parties`` the new owner or the requester (``L509EP``, ``L519EP``);
* ``details.state``: the one contracting state of a European patent the event concerns
  (``L501EP``, or the ``GB:``/``BE:`` prefix of national codes such as ``GBPC``). Such
  an event (a lapse in CH) does not decide the document's status;
* ``source`` ``EPO INPADOC``.

The record carries only what the response says (numbers, dates, family, events): it is
merged onto the document of the same publication number when the store holds it.
Status is left to enrichment, which takes the latest status-deciding event.

A family response without legal events (``/rest-services/family/…``, ``legal="false"``,
what ``patnav fetch epo --what family`` asks) is read the same way: one record per
family member, with its numbers, dates and family id, so the store learns the members
of the family and the family id of the documents it holds. In a legal response a member
without events is left out (it says nothing the family response would not).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from patnav.errors import BadDocumentError, UnsafeDocumentError, excerpt
from patnav.ingest.base import Item, Notice, Read, ReadOptions, Rejected, Source
from patnav.ingest.legal_events import conveyance_type, inpadoc_code
from patnav.ingest.xml.patent import app_number, parse_ymd, pub_number
from patnav.ingest.xml.reading import open_limited
from patnav.ingest.xml.safe import (
    Element,
    local_name,
    parse_document,
    root_name,
    split_documents,
    strip_namespaces,
)
from patnav.schema.numbers import patent_type_of
from patnav.schema.records import Event, EventType, PatentRecord

FORMAT = "epo-ops-legal"
LABEL = "EPO OPS INPADOC legal events"
SOURCE = "EPO INPADOC"

_STATE_PREFIX = re.compile(r"^([A-Z]{2}):\s")
_ISO = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")


def sniff(source: Source) -> bool:
    """The root is ``world-patent-data`` and the response is a legal one."""
    head = source.head()
    return local_name(root_name(head)) == "world-patent-data" and (
        b'legal="true"' in head
        or b"<ops:legal " in head
        or b"<ops:patent-family " in head
    )


def read(source: Source, options: ReadOptions) -> Iterator[Item]:
    """One record per family member with legal events."""
    stream = open_limited(source, options)
    members = events = 0
    try:
        for piece in split_documents(stream):
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
                yield Rejected(
                    piece.position, f"refused: {exc}", piece.raw, piece.number
                )
                continue
            except BadDocumentError as exc:
                yield Rejected(piece.position, str(exc), piece.raw, piece.number)
                continue
            strip_namespaces(root)
            if root.tag != "world-patent-data":
                yield Rejected(
                    piece.position,
                    f"the document's root is <{root.tag}>, not an EPO OPS "
                    "<ops:world-patent-data> response: it was not read",
                    piece.raw,
                    piece.number,
                )
                continue
            family = root.find("patent-family")
            legal = family is None or family.get("legal") != "false"
            for n, member in enumerate(root.iter("family-member"), 1):
                position = f"{piece.position}, family member {n}"
                record = _member(member)
                if record is None:
                    yield Rejected(
                        position,
                        "the family member has no publication or application number",
                        excerpt(str(member.get("family-id")), 200),
                    )
                    continue
                if legal and not record.events:
                    continue
                members += 1
                events += len(record.events)
                yield Read(record, position)
    finally:
        stream.close()
    yield Notice(f"read as {LABEL}: {members:,} documents, {events:,} legal events")


def _docdb(
    parent: Element | None,
) -> tuple[str | None, str | None, str | None, str | None]:
    if parent is None:
        return None, None, None, None
    for doc in parent.iter("document-id"):
        if doc.get("document-id-type") == "docdb":
            return (
                doc.findtext("country"),
                doc.findtext("doc-number"),
                doc.findtext("kind"),
                doc.findtext("date"),
            )
    return None, None, None, None


def _member(member: Element) -> PatentRecord | None:
    country, number, kind, when = _docdb(member.find("publication-reference"))
    app_country, app_num, _, app_when = _docdb(member.find("application-reference"))
    pub = pub_number(country, number, kind)
    app = app_number(app_country, app_num)
    if pub is None and app is None:
        return None
    office = (country or app_country or "").upper() or None
    kind = (kind or "").strip() or None
    return PatentRecord(
        pub_number=pub,
        pub_number_raw=" ".join(p for p in (country, number, kind) if p) or None,
        kind=kind,
        office=office,
        app_number=app,
        app_number_raw=" ".join(p for p in (app_country, app_num) if p) or None,
        app_date=parse_ymd(app_when),
        pub_date=parse_ymd(when),
        family_id=member.get("family-id"),
        patent_type=patent_type_of(office, kind, app, pub),
        events=tuple(_event(el) for el in member.iter("legal")),
    )


def _date(text: str | None) -> str | None:
    m = _ISO.search(text or "")
    if not m:
        return None
    day = parse_ymd("".join(m.groups()))
    return day.isoformat() if day else None


def _event(el: Element) -> Event:
    fields: dict[str, str] = {}
    for child in el.iter():
        tag = child.tag if isinstance(child.tag, str) else ""
        if re.fullmatch(r"L\d{3}EP", tag) and child.text and child.text.strip():
            fields[tag] = " ".join(child.text.split())
    code = (el.get("code") or fields.get("L008EP") or "").strip()
    authority = fields.get("L001EP")
    entry = inpadoc_code(authority, code)
    description = entry.description if entry else (el.get("desc") or "").strip()
    free = fields.get("L510EP")
    kind = entry.type if entry else EventType.OTHER
    if kind is EventType.TRANSFER and authority == "US":
        kind = conveyance_type(free)
    effective, gazette = _date(fields.get("L525EP")), _date(fields.get("L007EP"))
    state = fields.get("L501EP")
    if state is None and (m := _STATE_PREFIX.match(description)) and authority == "EP":
        state = m[1]
    details: dict[str, str] = {"authority": authority or ""}
    for key, value in (
        ("state", state),
        ("effective", effective),
        ("gazette", gazette),
        ("influence", (el.get("infl") or "").strip()),
        ("national_code", fields.get("L502EP")),
        ("text", free),
    ):
        if value:
            details[key] = value
    when = effective or gazette
    parties = "; ".join(p for p in (fields.get("L509EP"), fields.get("L519EP")) if p)
    return Event(
        type=kind,
        date=parse_ymd(when.replace("-", "")) if when else None,
        code=code or None,
        description=f"{description}: {free}"
        if free and description
        else description or free,
        parties=parties or None,
        details=json.dumps(details, ensure_ascii=False, sort_keys=True),
        source=SOURCE,
    )
