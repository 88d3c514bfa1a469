"""Families from shared numbers; legal status from events, source or term rules."""

from __future__ import annotations

from datetime import date

import pytest

from patnav.enrich import enrich
from patnav.schema.records import (
    Event,
    EventType,
    LegalStatus,
    PatentType,
    Priority,
)
from tests.enrich.records import record, write

TODAY = date(2026, 1, 1)


def _family(store, doc):
    return store.scalar("SELECT family_id FROM patents WHERE doc_id = ?", [doc])


def test_documents_sharing_numbers_form_one_family(store, settings):
    write(
        store,
        [
            record("CN104000001A", "CN201410000001"),
            record("CN104000001B", "CN201410000001", kind="B"),
            record(
                "US20160000001A1",
                "US14000001",
                priorities=(Priority("CN", "CN201410000001", date(2014, 1, 2)),),
            ),
            record("EP3000001A1", "EP15000001", pct_app_number="PCT/CN2015/000001"),
            record(
                "US20170000002A1",
                "US15000002",
                pct_app_number="PCT/CN2015/000001",
                priorities=(Priority("US", "US14000001", None),),
            ),
            record("CN105000009A", "CN201510000009"),
            record("JP2016000001A", "JP2015000001", family_id="12345678"),
        ],
    )
    enrich(store, settings, ["families"], today=TODAY)
    fam = _family(store, "CN104000001A")
    assert fam == "pri:CN201410000001"
    for doc in ("CN104000001B", "US20160000001A1", "EP3000001A1", "US20170000002A1"):
        assert _family(store, doc) == fam
    assert _family(store, "CN105000009A") == "pri:CN201510000009"
    assert _family(store, "JP2016000001A") == "12345678"  # the source's family stays
    assert enrich(store, settings, ["families"], today=TODAY).changed == 0


def test_lens_families_never_exceed_the_extended_family_lens_reports(enriched):
    """Documents we group must belong to one Lens extended family: our family, within
    this store, is never larger than Lens's own count for any member, except where
    continuation chains link more than Lens's extended family does."""
    rows = enriched.rows(
        "WITH f AS (SELECT family_id, count(*) AS n FROM patents GROUP BY 1) "
        "SELECT count(*), count(*) FILTER (WHERE f.n <= CAST(json_extract_string(p.extras, "
        "'$.\"Extended Family Size\"') AS INTEGER)) FROM patents p JOIN f USING (family_id) "
        "WHERE p.source = 'csv'"
    )[0]
    total, within = rows
    assert total == 5884
    assert within / total >= 0.99


@pytest.mark.parametrize(
    ("office", "ptype", "app", "grant", "expiry"),
    [
        ("CN", PatentType.INVENTION, date(2012, 5, 31), None, date(2032, 5, 31)),
        ("CN", PatentType.UTILITY_MODEL, date(2012, 5, 31), None, date(2022, 5, 31)),
        ("CN", PatentType.DESIGN, date(2021, 5, 31), None, date(2031, 5, 31)),
        ("CN", PatentType.DESIGN, date(2021, 6, 1), None, date(2036, 6, 1)),
        (
            "US",
            PatentType.INVENTION,
            date(1990, 1, 10),
            date(1995, 1, 10),
            date(2012, 1, 10),
        ),
        (
            "US",
            PatentType.INVENTION,
            date(1994, 1, 10),
            date(1995, 1, 10),
            date(2014, 1, 10),
        ),
        ("US", PatentType.INVENTION, date(2000, 2, 29), None, date(2020, 2, 29)),
        ("CN", PatentType.UTILITY_MODEL, date(2012, 2, 29), None, date(2022, 2, 28)),
        ("US", PatentType.DESIGN, date(2014, 1, 1), date(2016, 3, 1), date(2030, 3, 1)),
        (
            "US",
            PatentType.DESIGN,
            date(2015, 5, 13),
            date(2016, 3, 1),
            date(2031, 3, 1),
        ),
        ("EP", PatentType.INVENTION, date(2010, 7, 1), None, date(2030, 7, 1)),
        ("DE", PatentType.UTILITY_MODEL, date(2010, 7, 1), None, date(2020, 7, 1)),
    ],
)
def test_term_rules(store, settings, office, ptype, app, grant, expiry):
    write(
        store,
        [
            record(
                f"{office}1000001A",
                f"{office}1",
                patent_type=ptype,
                app_date=app,
                grant_date=grant,
            )
        ],
    )
    enrich(store, settings, ["legal"], today=TODAY)
    got = store.rows(
        "SELECT expiry_date, expiry_estimated, legal_status, status_source FROM patents"
    )[0]
    assert got[:2] == (expiry, True)
    assert got[2:] == (("expired", "rule") if expiry < TODAY else (None, None))


def test_events_and_source_status_win_over_rules(store, settings):
    write(
        store,
        [
            # an annuity lapse: lapsed, whatever the term says
            record(
                "CN1000001A",
                "CN1",
                app_date=date(2010, 1, 1),
                events=(
                    Event(EventType.GRANT, date(2012, 1, 1)),
                    Event(
                        EventType.LAPSE,
                        date(2014, 3, 1),
                        description="未缴年费专利权终止",
                    ),
                ),
            ),
            # the term ended, and an event says so: the event's date, not estimated
            record(
                "CN1000002A",
                "CN2",
                patent_type=PatentType.UTILITY_MODEL,
                app_date=date(2005, 1, 1),
                events=(
                    Event(
                        EventType.LAPSE,
                        date(2015, 1, 1),
                        description="专利权有效期届满",
                    ),
                ),
            ),
            # the source says active and the term has not ended
            record(
                "CN1000003A",
                "CN3",
                app_date=date(2015, 1, 1),
                legal_status=LegalStatus.ACTIVE,
                legal_status_raw="有权",
            ),
            # the source said active in its day, but the term has ended since
            record(
                "CN1000004A",
                "CN4",
                patent_type=PatentType.UTILITY_MODEL,
                app_date=date(2012, 1, 1),
                legal_status=LegalStatus.ACTIVE,
                legal_status_raw="有权-审定授权",
            ),
            # a restoration after a lapse makes it active again
            record(
                "CN1000005A",
                "CN5",
                app_date=date(2016, 1, 1),
                events=(
                    Event(EventType.LAPSE, date(2019, 1, 1)),
                    Event(EventType.RESTORATION, date(2019, 6, 1)),
                ),
            ),
        ],
    )
    enrich(store, settings, ["legal"], today=TODAY)
    rows = {
        r[0]: r[1:]
        for r in store.rows(
            "SELECT doc_id, legal_status, status_source, expiry_date, expiry_estimated "
            "FROM patents"
        )
    }
    assert rows["CN1000001A"] == ("lapsed", "events", date(2030, 1, 1), True)
    assert rows["CN1000002A"] == ("expired", "events", date(2015, 1, 1), False)
    assert rows["CN1000003A"] == ("active", "source", date(2035, 1, 1), True)
    assert rows["CN1000004A"] == ("expired", "rule", date(2022, 1, 1), True)
    assert rows["CN1000005A"] == ("active", "events", date(2036, 1, 1), True)
    assert enrich(store, settings, ["legal"], today=TODAY).changed == 0
    # a later day: the source's active patent has expired by rule; the raw text stays
    enrich(store, settings, ["legal"], today=date(2035, 6, 1))
    assert store.rows(
        "SELECT legal_status, status_source, legal_status_raw FROM patents "
        "WHERE doc_id = 'CN1000003A'"
    )[0] == ("expired", "rule", "有权")
    # and back: status_source 'rule' is ours, so the source's status returns
    enrich(store, settings, ["legal"], today=TODAY)
    assert store.rows(
        "SELECT legal_status, status_source FROM patents WHERE doc_id = 'CN1000003A'"
    )[0] == ("active", "source")


def test_demo_corpus_expiry_follows_the_patent_type(enriched):
    """Tai'an utility models filed in 2005 expired in 2015, by rule, as estimates."""
    rows = enriched.rows(
        "SELECT patent_type, app_date, expiry_date, expiry_estimated, legal_status "
        "FROM patents WHERE doc_id LIKE 'AN:CN2005%' AND patent_type = 'utility_model'"
    )
    assert rows
    for _, app, expiry, estimated, status in rows:
        assert expiry == app.replace(year=app.year + 10) and estimated
        assert status == "expired"
