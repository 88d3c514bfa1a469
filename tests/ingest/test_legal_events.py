"""USPTO transaction and maintenance-fee codes, assignment conveyances and grant kinds
(issue 14). The recorded ODP responses hold no maintenance-fee transaction, so the codes
are checked on hand-worked cases and once through the reader on a copy of the real
response with maintenance-fee transactions added."""

from __future__ import annotations

import json
from datetime import date

import pytest

from patnav.ingest.base import Read, ReadOptions, file_source
from patnav.ingest.legal_events import (
    conveyance_type,
    maintenance_fee_note,
    us_grant_kind,
    uspto_transaction_type,
)
from patnav.ingest.readers import uspto_odp
from patnav.schema.records import EventType


@pytest.mark.parametrize(
    ("code", "kind", "note"),
    [
        ("M1551", EventType.ANNUITY, "fee due at 3.5 years, large entity"),
        ("M2552", EventType.ANNUITY, "fee due at 7.5 years, small entity"),
        ("M3553", EventType.ANNUITY, "fee due at 11.5 years, micro entity"),
        ("M1554", EventType.ANNUITY, None),  # surcharge paid in grace
        ("EXP.", EventType.LAPSE, None),
        ("EXPX", EventType.RESTORATION, None),
        ("ABN2", EventType.WITHDRAWAL, None),
        ("MABN2", EventType.OTHER, None),  # the mailing of the same abandonment
        ("CTNF", EventType.EXAMINATION, None),
        ("M903", EventType.OTHER, None),  # DO/EO acceptance, not a fee
        ("M844", EventType.OTHER, None),  # an IDS, not a fee
    ],
)
def test_uspto_codes(code, kind, note):
    assert uspto_transaction_type(code) == kind
    assert maintenance_fee_note(code) == note


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "ASSIGNMENT OF ASSIGNORS INTEREST (SEE DOCUMENT FOR DETAILS).",
            EventType.TRANSFER,
        ),
        ("NUNC PRO TUNC ASSIGNMENT (SEE DOCUMENT FOR DETAILS).", EventType.TRANSFER),
        ("SECURITY INTEREST (SEE DOCUMENT FOR DETAILS).", EventType.PLEDGE),
        (
            "TERMINATION AND RELEASE OF PATENT SECURITY AGREEMENT RECORDED AT REEL 1/FRAME 2",
            EventType.PLEDGE_RELEASE,
        ),
        ("CHANGE OF NAME;ASSIGNOR:NCS OILFIELD SERVICES CANADA, INC.", EventType.OTHER),
        ("LICENSE (SEE DOCUMENT FOR DETAILS).", EventType.LICENCE),
        (None, EventType.OTHER),
    ],
)
def test_conveyances(text, kind):
    assert conveyance_type(text) == kind


def test_us_grant_kinds():
    assert us_grant_kind("6167129", True) == "A"
    assert us_grant_kind("6167130", False) == "B1"
    assert us_grant_kind("10465445", True) == "B2"
    assert us_grant_kind("D500000", False) is None


def test_maintenance_fee_transactions_become_dated_annuity_and_lapse_events(
    tmp_path, data_dir
):
    doc = json.loads(
        (data_dir / "formats/api-responses/uspto-odp/application.json").read_text(
            "utf-8"
        )
    )
    doc["patentBag"][0]["transactionContentBag"] += [
        {
            "recordedDate": "2021-03-01",
            "caseActionDescriptionText": "Payment of Maintenance Fee, 4th Year, Large Entity",
            "caseActionCode": "M1551",
        },
        {
            "recordedDate": "2025-10-01",
            "caseActionDescriptionText": "Patent Expired for Failure to Pay Maintenance Fees",
            "caseActionCode": "EXP.",
        },
    ]
    path = tmp_path / "application.json"
    path.write_text(json.dumps(doc), "utf-8")
    records = [
        i.record
        for i in uspto_odp.read(file_source(path), ReadOptions())
        if isinstance(i, Read)
    ]
    events = {e.code: e for e in records[0].events}
    assert (events["M1551"].type, events["M1551"].date) == (
        EventType.ANNUITY,
        date(2021, 3, 1),
    )
    assert "fee due at 3.5 years" in (events["M1551"].description or "")
    assert (events["EXP."].type, events["EXP."].date) == (
        EventType.LAPSE,
        date(2025, 10, 1),
    )
