"""Legal-event vocabularies of the office APIs: the INPADOC code table, USPTO
transaction and maintenance-fee codes, and assignment conveyances.

The INPADOC table (``ingest/data/inpadoc_codes.tsv``) is derived from the EPO's own code
list by ``scripts/inpadoc_codes.py``, which documents the rules from event class and
description to patnav's event type and status effect. USPTO codes are kept here: the
maintenance-fee event codes of the USPTO's maintenance fee events file (also used in
Patent Center and the Open Data Portal's transactions) and the few file-wrapper codes
that decide a status.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from patnav.schema.records import EventType


@dataclass(frozen=True, slots=True)
class InpadocCode:
    """One INPADOC legal event code of one authority."""

    authority: str
    code: str
    influence: str
    event_class: str
    type: EventType
    status: str | None
    description: str


@cache
def inpadoc_codes() -> dict[tuple[str, str], InpadocCode]:
    """The INPADOC code table, keyed by (authority, code)."""
    text = (
        resources.files("patnav.ingest")
        .joinpath("data/inpadoc_codes.tsv")
        .read_text(encoding="utf-8")
    )
    table: dict[tuple[str, str], InpadocCode] = {}
    for line in text.splitlines()[2:]:
        authority, code, influence, event_class, kind, status, description = line.split(
            "\t"
        )
        table[(authority, code)] = InpadocCode(
            authority,
            code,
            influence,
            event_class,
            EventType(kind),
            status or None,
            description,
        )
    return table


def inpadoc_code(authority: str | None, code: str) -> InpadocCode | None:
    """The table's entry for a code as an authority uses it, or None when unknown."""
    return inpadoc_codes().get(((authority or "").strip(), code.strip()))


_CONVEYANCES: tuple[tuple[re.Pattern[str], EventType], ...] = (
    (
        re.compile(
            r"(RELEASE|TERMINATION|SATISFACTION).*(SECURITY|LIEN|MORTGAGE|PLEDGE)"
        ),
        EventType.PLEDGE_RELEASE,
    ),
    (
        re.compile(r"SECURITY (INTEREST|AGREEMENT)|MORTGAGE|PLEDGE|\bLIEN\b"),
        EventType.PLEDGE,
    ),
    (re.compile(r"\bLICEN[CS]E"), EventType.LICENCE),
    (re.compile(r"CHANGE OF NAME|CHANGE OF ADDRESS"), EventType.OTHER),
    (re.compile(r"ASSIGNMENT|NUNC PRO TUNC|MERGER|TRANSFER"), EventType.TRANSFER),
)


def conveyance_type(text: str | None) -> EventType:
    """The event type of a US assignment's conveyance text: an assignment of the
    assignors' interest (also corrective, nunc pro tunc, merger) is a transfer, a
    security interest a pledge, its release or termination a pledge release, a change of
    name other."""
    t = (text or "").upper()
    for pattern, kind in _CONVEYANCES:
        if pattern.search(t):
            return kind
    return EventType.OTHER


_MAINTENANCE_STAGE = {"1": "3.5", "2": "7.5", "3": "11.5"}
_ENTITY = {"1": "large entity", "2": "small entity", "3": "micro entity"}


def uspto_transaction_type(code: str, description: str | None = None) -> EventType:
    """The event type of a USPTO transaction (file-wrapper or maintenance-fee) code.

    Maintenance fees: ``M1551``–``M1553`` (``M2…`` small, ``M3…`` micro entity) pay the
    fee due at 3.5, 7.5 and 11.5 years → annuity; ``M…554``–``M…556`` are late-payment
    surcharges paid with the fee in the grace period → annuity; ``EXP.`` the patent
    expired for failure to pay → lapse; ``EXPX`` reinstated after the fee was accepted →
    restoration. Other codes:
    :data:`USPTO_CODES`, else other (the code and its text are kept).
    """
    c = code.strip().upper()
    if re.fullmatch(r"M[123]55[1-6]", c):
        return EventType.ANNUITY
    return USPTO_CODES.get(c, EventType.OTHER)


def maintenance_fee_note(code: str) -> str | None:
    """``fee due at 3.5 years, large entity`` for M1551 …, else None."""
    m = re.fullmatch(r"M([123])55([1-3])", code.strip().upper())
    if not m:
        return None
    return f"fee due at {_MAINTENANCE_STAGE[m[2]]} years, {_ENTITY[m[1]]}"


USPTO_CODES: dict[str, EventType] = {
    "EXP.": EventType.LAPSE,
    "EXPX": EventType.RESTORATION,
    "ABN1": EventType.WITHDRAWAL,
    "ABN2": EventType.WITHDRAWAL,
    "ABN3": EventType.WITHDRAWAL,
    "ABN4": EventType.WITHDRAWAL,
    "ABN5": EventType.WITHDRAWAL,
    "ABN6": EventType.WITHDRAWAL,
    "ABN7": EventType.WITHDRAWAL,
    "ABN8": EventType.WITHDRAWAL,
    "ABN9": EventType.WITHDRAWAL,
    "ABNF": EventType.WITHDRAWAL,
    "CTNF": EventType.EXAMINATION,
    "CTFR": EventType.EXAMINATION,
}
"""USPTO file-wrapper transaction codes that decide a type: abandonments (``ABN1``–``ABN9``,
``ABNF``), office actions (``CTNF`` non-final, ``CTFR`` final rejection: examination
steps, not a refusal) and the maintenance-fee expiry and reinstatement. Mail notices of
the same steps (``MABN2``, ``MCTNF``) are other, so one step is one event of its type."""


FIRST_B_GRANT = 6_167_130
"""The first US utility patent of 2001-01-02, from which grants have kind B1 (no earlier
publication) or B2 (published before as an application); earlier grants are kind A."""


def us_grant_kind(number: str, published: bool) -> str | None:
    """The kind code of a US utility grant an assignment or ODP record names without
    one: A before 2001, then B2 when a pre-grant publication exists, else B1. None for
    design, plant and reissue numbers (D…, PP…, RE…), whose kind cannot be told."""
    digits = number.strip().replace(",", "")
    if not digits.isdigit():
        return None
    if int(digits) < FIRST_B_GRANT:
        return "A"
    return "B2" if published else "B1"
