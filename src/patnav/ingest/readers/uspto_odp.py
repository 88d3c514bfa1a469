"""USPTO Open Data Portal application responses (``/api/v1/patent/applications/…``):
JSON with a ``patentBag`` of applications.

One record per application that names itself (``applicationNumberText``):

* the document is the grant when the application has one (``patentNumber``: kind B2
  when a pre-grant publication exists, B1 otherwise, as the USPTO assigns them since
  2001; A before), else its earliest publication (``earliestPublicationNumber``), else the
  application itself;
* status: ``applicationStatusDescriptionText`` as the source's status text (``Patented
  Case``, ``Abandoned -- Failure to Respond to an Office Action``, ``Patent Expired Due
  to NonPayment of Maintenance Fees …``), dated by ``applicationStatusDate``
  (``extras.status_date``), with ``applicationStatusCode`` kept (``extras.odp_status_code``);
  enrichment parses it into status and detail;
* ``transactionContentBag`` → one event per transaction (date ``recordedDate``, code
  ``caseActionCode``): maintenance-fee codes (``M1551`` … ``M3556``) are annuity events,
  ``EXP.`` a lapse for non-payment, ``EXPX`` a restoration, abandonments withdrawals
  (:mod:`patnav.ingest.legal_events`), every other code ``other`` with its text;
* applicants (``applicantBag``) and inventors (``inventorBag``) by name; a search
  response gives number, filing date and title only, and its records hold just that;
* ``assignmentBag`` → one event per recorded assignment (date ``assignmentRecordedDate``,
  conveyance text as description, typed by it: transfer, pledge, pledge release …),
  parties the assignees, assignors and reel/frame in ``details``.

Responses that do not name their application (``/transactions`` and ``/assignment``
return only their bag) are quarantined: patnav cannot tell which document they belong
to; the full application response holds the same transactions and assignments.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

from patnav.errors import InputError
from patnav.ingest.base import Item, Notice, Read, ReadOptions, Rejected, Source
from patnav.ingest.legal_events import (
    conveyance_type,
    maintenance_fee_note,
    us_grant_kind,
    uspto_transaction_type,
)
from patnav.ingest.xml.patent import app_number, pub_number
from patnav.ingest.xml.reading import read_json_list
from patnav.schema.numbers import normalize_pub_number
from patnav.schema.records import Event, Party, PatentRecord, PatentType, Role

FORMAT = "uspto-odp"
LABEL = "USPTO Open Data Portal application JSON"
SOURCE = "USPTO ODP"

_TYPES = {
    "UTL": PatentType.INVENTION,
    "DES": PatentType.DESIGN,
    "PLT": PatentType.PLANT,
}


def sniff(source: Source) -> bool:
    """A JSON object with a ``patentBag``."""
    head = source.head().decode("utf-8-sig", errors="ignore").lstrip()
    return head.startswith("{") and '"patentBag"' in head


def read(source: Source, options: ReadOptions) -> Iterator[Item]:
    """One record per application of the response's ``patentBag``."""
    bag = read_json_list(
        source,
        options,
        "patentBag",
        what="a USPTO Open Data Portal application response",
        again="download it again",
    )
    if isinstance(bag, Rejected):
        yield bag
        return
    events = 0
    for n, entry in enumerate(bag, 1):
        position = f"patentBag[{n}]"
        raw = json.dumps(entry, ensure_ascii=False)[:65536]
        if not isinstance(entry, dict) or not _text(entry.get("applicationNumberText")):
            yield Rejected(
                position,
                "the response does not name its application (no applicationNumberText), "
                "so patnav cannot tell which document its transactions or assignments "
                "belong to; import the full application response "
                "(/api/v1/patent/applications/{number}), which holds them too",
                raw,
            )
            continue
        record = _record(entry)
        events += len(record.events)
        yield Read(record, position)
    yield Notice(f"read as {LABEL}: {len(bag):,} applications, {events:,} events")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _day(value: Any) -> date | None:
    text = _text(value)
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _pub(
    entry: dict[str, Any],
) -> tuple[str | None, str | None, str | None, date | None]:
    """The document's publication number, its raw form, kind and date."""
    patent = _text(entry.get("patentNumber"))
    if patent:
        kind = us_grant_kind(
            patent, bool(_text(entry.get("earliestPublicationNumber")))
        )
        return (
            pub_number("US", patent, kind),
            patent,
            kind,
            _day(entry.get("grantDate")),
        )
    earliest = _text(entry.get("earliestPublicationNumber"))
    if earliest:
        try:
            number = normalize_pub_number(earliest, office="US")
        except InputError:
            number = None
        kind = earliest.split()[-1] if " " in earliest else None
        return number, earliest, kind, _day(entry.get("earliestPublicationDate"))
    return None, None, None, None


def _record(entry: dict[str, Any]) -> PatentRecord:
    app_raw = _text(entry.get("applicationNumberText"))
    pub, pub_raw, kind, pub_date = _pub(entry)
    grant = _day(entry.get("grantDate")) if _text(entry.get("patentNumber")) else None
    extras = [
        (key, value)
        for key, value in (
            ("status_date", _text(entry.get("applicationStatusDate"))),
            ("odp_status_code", _text(entry.get("applicationStatusCode"))),
        )
        if value
    ]
    return PatentRecord(
        pub_number=pub,
        pub_number_raw=pub_raw,
        kind=kind,
        office="US",
        app_number=app_number("US", app_raw),
        app_number_raw=app_raw,
        app_date=_day(entry.get("filingDate")),
        pub_date=pub_date,
        grant_date=grant,
        patent_type=_TYPES.get(_text(entry.get("applicationTypeCode")) or ""),
        title=_text(entry.get("inventionTitle")),
        legal_status_raw=_text(entry.get("applicationStatusDescriptionText")),
        parties=(
            *(
                Party(Role.APPLICANT, name, raw_name=name)
                for name in _names(entry.get("applicantBag"), "applicant")
            ),
            *(
                Party(Role.INVENTOR, name, raw_name=name)
                for name in _names(entry.get("inventorBag"), "inventorNameText")
            ),
        ),
        events=(*_transactions(entry), *_assignments(entry)),
        extras=tuple(extras),
    )


def _transactions(entry: dict[str, Any]) -> Iterator[Event]:
    for item in entry.get("transactionContentBag") or ():
        if not isinstance(item, dict):
            continue
        code = _text(item.get("caseActionCode")) or ""
        text = _text(item.get("caseActionDescriptionText"))
        note = maintenance_fee_note(code)
        yield Event(
            type=uspto_transaction_type(code, text),
            date=_day(item.get("recordedDate")),
            code=code or None,
            description=f"{text} ({note})" if note and text else text or note,
            source=SOURCE,
        )


def _names(items: Any, key: str) -> list[str]:
    names = []
    for item in items or ():
        if isinstance(item, dict) and (name := _text(item.get(key))):
            names.append(name)
    return names


def _assignments(entry: dict[str, Any]) -> Iterator[Event]:
    for item in entry.get("assignmentBag") or ():
        if not isinstance(item, dict):
            continue
        conveyance = _text(item.get("conveyanceText"))
        assignees = _names(item.get("assigneeBag"), "assigneeNameText")
        assignors = _names(item.get("assignorBag"), "assignorName")
        details = {
            "assignors": assignors,
            "assignees": assignees,
            "reel_frame": _text(item.get("reelNumber/frameNumber")),
        }
        yield Event(
            type=conveyance_type(conveyance),
            date=_day(item.get("assignmentRecordedDate")),
            code="assignment",
            description=conveyance,
            parties="; ".join(assignees) or None,
            details=json.dumps(
                {k: v for k, v in details.items() if v},
                ensure_ascii=False,
                sort_keys=True,
            ),
            source=SOURCE,
        )
