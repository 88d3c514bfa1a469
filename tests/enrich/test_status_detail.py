"""The reason behind a status (status_detail), expiry events, events of one contracting
state and source statuses dated by the source (issue 14)."""

from __future__ import annotations

import json
from datetime import date

from patnav.enrich import enrich
from patnav.schema.records import Event, EventType, LegalStatus, PatentType
from tests.enrich.records import record, write

TODAY = date(2026, 1, 1)


def _state(store, doc):
    return store.rows(
        "SELECT legal_status, status_detail, status_source, status_as_of, expiry_date "
        "FROM patents WHERE doc_id = ?",
        [doc],
    )[0]


def test_the_reason_behind_a_status_comes_with_it(store, settings):
    write(
        store,
        [
            # an expiry event: expired (not lapsed), dated, the expiry given
            record(
                "CN1000001U",
                "CN1",
                kind="U",
                patent_type=PatentType.UTILITY_MODEL,
                app_date=date(2005, 1, 1),
                events=(
                    Event(EventType.GRANT, date(2006, 1, 1)),
                    Event(EventType.EXPIRY, date(2015, 1, 1), code="期限届满"),
                ),
            ),
            # a fee lapse
            record(
                "CN1000002A",
                "CN2",
                events=(
                    Event(EventType.GRANT, date(2017, 1, 1)),
                    Event(EventType.LAPSE, date(2020, 5, 1), code="未缴年费"),
                ),
            ),
            # expired for failure to pay maintenance fees: a lapse, not the end of term
            record(
                "US9000009B2",
                "US13000009",
                kind="B2",
                events=(
                    Event(EventType.GRANT, date(2016, 1, 1)),
                    Event(
                        EventType.LAPSE,
                        date(2020, 2, 1),
                        code="EXP.",
                        description="Patent Expired for Failure to Pay Maintenance Fees",
                    ),
                ),
            ),
            # given up by its owner: withdrawn, abandoned
            record(
                "CN1000003A",
                "CN3",
                events=(Event(EventType.WITHDRAWAL, date(2016, 5, 1), code="放弃"),),
            ),
            # the source's own words
            record(
                "CN1000004A",
                "CN4",
                legal_status=LegalStatus.LAPSED,
                legal_status_raw="无权-未缴年费",
            ),
            record(
                "WO2020000005A1", "PCT/CN2020/000005", legal_status_raw="PCT-有效期内"
            ),
            # an EP patent lapsed in one contracting state is not lapsed as a whole
            record(
                "EP3000006B1",
                "EP15000006",
                kind="B1",
                events=(
                    Event(EventType.GRANT, date(2018, 1, 10)),
                    Event(
                        EventType.LAPSE,
                        date(2019, 2, 1),
                        code="PG25",
                        details=json.dumps({"state": "CH"}),
                    ),
                ),
            ),
            # a status the source dates (USPTO ODP applicationStatusDate)
            record(
                "US20170000007A1",
                "US15000007",
                legal_status_raw="Abandoned  --  Failure to Respond to an Office Action",
                extras=(("status_date", "2018-10-02"),),
            ),
        ],
    )
    enrich(store, settings, ["legal"], today=TODAY)
    assert _state(store, "CN1000001U") == (
        "expired",
        "expired",
        "events",
        date(2015, 1, 1),
        date(2015, 1, 1),
    )
    assert _state(store, "CN1000002A")[:4] == (
        "lapsed",
        "lapsed_non_payment",
        "events",
        date(2020, 5, 1),
    )
    assert _state(store, "US9000009B2") == (
        "lapsed",
        "lapsed_non_payment",
        "events",
        date(2020, 2, 1),
        date(2035, 3, 1),
    )
    assert _state(store, "CN1000003A")[:3] == ("withdrawn", "abandoned", "events")
    assert _state(store, "CN1000004A")[:4] == (
        "lapsed",
        "lapsed_non_payment",
        "source",
        None,
    )
    assert _state(store, "WO2020000005A1")[:3] == (
        "pending",
        "pct_international",
        "source",
    )
    assert _state(store, "EP3000006B1")[:4] == (
        "active",
        "in_force",
        "events",
        date(2018, 1, 10),
    )
    assert _state(store, "US20170000007A1")[:4] == (
        "withdrawn",
        "abandoned",
        "source",
        date(2018, 10, 2),
    )


def test_no_evidence_leaves_status_and_its_reason_unknown(store, settings):
    write(store, [record("CN1000008A", "CN8", legal_status_raw="其他")])
    enrich(store, settings, ["legal"], today=TODAY)
    assert _state(store, "CN1000008A")[:3] == (None, None, None)
