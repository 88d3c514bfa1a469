"""Derive patnav's INPADOC legal-event code table from the EPO's code list.

The EPO publishes its table of INPADOC legal event codes as a spreadsheet
(``legal_code_descriptions_YYYYWW.xlsx``: authority, event code, influence, English
description, event class). patnav keeps what it needs of it as data,
``src/patnav/ingest/data/inpadoc_codes.tsv``, one code per line:

    authority  code  influence  class  type  status  description

``type`` is the patnav event type (:class:`patnav.schema.records.EventType`) and
``status`` the legal status such an event gives the document (empty: it decides none),
both derived here from the event class and the description by the rules below, so a new
EPO table is one run of this script::

    .venv/bin/python scripts/inpadoc_codes.py \\
        ../shared/data/formats/api-responses/epo-ops/legal/legal_code_descriptions_202417.xlsx

Rules (class letters are the EPO's):

* ``F`` IP right grant → grant; ``C``/``K`` application or right revived → restoration;
  ``D`` search and examination → examination; ``M`` right maintained (renewal fee paid)
  and ``U`` payments of annual, renewal or maintenance fees → annuity;
* ``B`` application discontinued → rejection when the description says refused or
  rejected, else withdrawal;
* ``H`` right ceased → expiry when the term ended (EXPIR…, END OF TERM), invalidation
  when revoked, nullified or invalidated, else lapse;
* ``S`` licensing and similar → pledge release, pledge (pledge, security, mortgage) or
  licence; ``R`` party data changed → transfer when the owner changed (assignment,
  transfer, change of owner), else other;
* every other class, and codes without a class, → other, except that a code without a
  class whose description plainly names one of the above (LAPSED, EXPIRED, WITHDRAWN,
  REFUSED, ASSIGNMENT, LICENCE, RENEWAL FEE PAID) takes that type.

The spreadsheet itself is never copied into the repository.
"""

from __future__ import annotations

import argparse
import re
import sys
import warnings
from pathlib import Path

import pandas as pd

OUT = Path(__file__).resolve().parents[1] / "src/patnav/ingest/data/inpadoc_codes.tsv"

STATUS_OF_TYPE = {
    "grant": "active",
    "restoration": "active",
    "lapse": "lapsed",
    "expiry": "expired",
    "withdrawal": "withdrawn",
    "rejection": "rejected",
    "invalidation": "invalidated",
}
"""The status an event of each type gives (as ``patnav.enrich.legal`` decides it)."""

_REFUSED = re.compile(r"REFUS|REJECT")
_EXPIRED = re.compile(
    r"EXPIR|END OF (THE )?TERM|TERM (HAS )?ENDED|MAXIMUM (TERM|DURATION)"
)
_REVOKED = re.compile(r"REVOK|REVOCATION|NULLIF|NULLIT|INVALIDAT|DECLARED (VOID|NULL)")
_PLEDGE_RELEASE = re.compile(
    r"(RELEASE|CANCEL|DELET|TERMINAT|EXTINCT).*(PLEDGE|SECURITY|MORTGAGE)"
    r"|(PLEDGE|SECURITY|MORTGAGE).*(RELEASE|CANCEL|DELET|TERMINAT|EXTINCT)"
)
_PLEDGE = re.compile(r"PLEDGE|SECURITY|MORTGAGE")
_OWNER = re.compile(
    r"ASSIGN|TRANSFER|CHANGE OF OWNER|OWNERSHIP|NEW OWNER|CHANGE OF PROPRIETOR"
)
_FEE = re.compile(r"ANNUAL FEE|RENEWAL FEE|MAINTENANCE FEE|ANNUITY")
_UNCLASSED: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"EXPIR"), "expiry"),
    (re.compile(r"\bLAPSED?\b|\bCEASED\b"), "lapse"),
    (re.compile(r"\bWITHDRAWN\b|\bWITHDRAWAL\b"), "withdrawal"),
    (re.compile(r"\bREFUSED\b|\bREFUSAL\b"), "rejection"),
    (re.compile(r"\bASSIGNMENT\b|\bTRANSFER\b"), "transfer"),
    (re.compile(r"\bLICEN[CS]E\b"), "licence"),
    (re.compile(r"(RENEWAL|ANNUAL) FEE PAID"), "annuity"),
)


def event_type(event_class: str, description: str) -> str:
    """The patnav event type of one INPADOC code (see the module docstring)."""
    d = description.upper()
    if event_class == "F":
        return "grant"
    if event_class in ("C", "K"):
        return "restoration"
    if event_class == "D":
        return "examination"
    if event_class == "M" or (event_class == "U" and _FEE.search(d)):
        return "annuity"
    if event_class == "B":
        return "rejection" if _REFUSED.search(d) else "withdrawal"
    if event_class == "H":
        if _EXPIRED.search(d):
            return "expiry"
        if _REVOKED.search(d):
            return "invalidation"
        return "lapse"
    if event_class == "S":
        if _PLEDGE_RELEASE.search(d):
            return "pledge_release"
        return "pledge" if _PLEDGE.search(d) else "licence"
    if event_class == "R":
        return "transfer" if _OWNER.search(d) else "other"
    if not event_class:
        for pattern, kind in _UNCLASSED:
            if pattern.search(d):
                return kind
    return "other"


def _clean(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return re.sub(r"\s+", " ", str(value)).strip()


def build(xlsx: Path) -> list[tuple[str, ...]]:
    """The table's rows, sorted by authority and code."""
    with warnings.catch_warnings():  # openpyxl: the workbook has no default style
        warnings.simplefilter("ignore", UserWarning)
        frame = pd.read_excel(xlsx, dtype=str)
    rows = {}
    for rec in frame.itertuples(index=False):
        authority, code = _clean(rec[0]), _clean(rec[1])
        if not authority or not code:
            continue
        influence, description, event_class = (
            _clean(rec[3]),
            _clean(rec[4]),
            _clean(rec[8]),
        )
        kind = event_type(event_class, description)
        rows[(authority, code)] = (
            authority,
            code,
            influence,
            event_class,
            kind,
            STATUS_OF_TYPE.get(kind, ""),
            description,
        )
    return [rows[k] for k in sorted(rows)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "xlsx", type=Path, help="the EPO's legal_code_descriptions_*.xlsx"
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    rows = build(args.xlsx)
    header = (
        "authority",
        "code",
        "influence",
        "class",
        "type",
        "status",
        "description",
    )
    lines = ["\t".join(header)] + ["\t".join(r) for r in rows]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        f"# derived from {args.xlsx.name} by scripts/inpadoc_codes.py; do not edit\n"
        + "\n".join(lines)
        + "\n",
        encoding="utf-8",
    )
    print(f"{len(rows):,} codes written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
