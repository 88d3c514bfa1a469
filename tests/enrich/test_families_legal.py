"""Families from shared numbers; legal status from events, source or term rules."""

from __future__ import annotations

from datetime import date

import pandas as pd
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
    ("office", "kind", "ptype", "app", "grant", "expiry"),
    [
        ("CN", "B", PatentType.INVENTION, date(2012, 5, 31), None, date(2032, 5, 30)),
        (
            "CN",
            "U",
            PatentType.UTILITY_MODEL,
            date(2012, 5, 31),
            None,
            date(2022, 5, 30),
        ),
        # the term ends the day before the anniversary; 29 February's is 28 February
        (
            "CN",
            "U",
            PatentType.UTILITY_MODEL,
            date(2004, 2, 29),
            None,
            date(2014, 2, 27),
        ),
        ("CN", "S", PatentType.DESIGN, date(2021, 5, 31), None, date(2031, 5, 30)),
        ("CN", "S", PatentType.DESIGN, date(2021, 6, 1), None, date(2036, 5, 31)),
        # a CN utility model or design is published only once granted: no kind needed
        (
            "CN",
            None,
            PatentType.UTILITY_MODEL,
            date(2005, 3, 1),
            None,
            date(2015, 2, 28),
        ),
        (
            "US",
            "A",
            PatentType.INVENTION,
            date(1990, 1, 10),
            date(1995, 1, 10),
            date(2012, 1, 10),
        ),
        (
            "US",
            "B1",
            PatentType.INVENTION,
            date(1994, 1, 10),
            date(1995, 1, 10),
            date(2014, 1, 10),
        ),
        ("US", "B2", PatentType.INVENTION, date(2000, 2, 29), None, date(2020, 2, 29)),
        (
            "CN",
            "U",
            PatentType.UTILITY_MODEL,
            date(2012, 2, 29),
            None,
            date(2022, 2, 27),
        ),
        (
            "US",
            "S",
            PatentType.DESIGN,
            date(2014, 1, 1),
            date(2016, 3, 1),
            date(2030, 3, 1),
        ),
        (
            "US",
            "S1",
            PatentType.DESIGN,
            date(2015, 5, 13),
            date(2016, 3, 1),
            date(2031, 3, 1),
        ),
        ("EP", "B1", PatentType.INVENTION, date(2010, 7, 1), None, date(2030, 7, 1)),
        (
            "DE",
            "U1",
            PatentType.UTILITY_MODEL,
            date(2010, 7, 1),
            None,
            date(2020, 7, 1),
        ),
        ("JP", "U", PatentType.UTILITY_MODEL, date(2000, 7, 1), None, date(2006, 7, 1)),
    ],
)
def test_term_rules_estimate_the_expiry_of_granted_rights(
    store, settings, office, kind, ptype, app, grant, expiry
):
    """An estimated term that has ended is 'term' with no status: never 'expired'."""
    write(
        store,
        [
            record(
                f"{office}1000001{kind or ''}",
                f"{office}1",
                kind=kind,
                patent_type=ptype,
                app_date=app,
                grant_date=grant,
            )
        ],
    )
    enrich(store, settings, ["legal"], today=TODAY)
    got = store.rows(
        "SELECT expiry_date, expiry_estimated, legal_status, status_source, status_as_of "
        "FROM patents"
    )[0]
    assert got[:2] == (expiry, True)
    assert got[2:] == ((None, "term", None) if expiry < TODAY else (None, None, None))


@pytest.mark.parametrize(
    ("pub", "kind", "ptype", "app"),
    [
        ("CN103000001A", "A", PatentType.INVENTION, date(2015, 3, 1)),
        ("CN103000002A", "A", PatentType.INVENTION, date(1999, 3, 1)),
        ("US20050000001A1", "A1", PatentType.INVENTION, date(2004, 3, 1)),
        ("EP1000001A1", "A1", PatentType.INVENTION, date(2001, 3, 1)),
        ("WO2005000001A1", "A1", PatentType.INVENTION, date(2004, 3, 1)),
        ("KR20050000001U", "U", PatentType.UTILITY_MODEL, date(2004, 3, 1)),
        ("US20050000002P1", "P1", PatentType.PLANT, date(2004, 3, 1)),
    ],
)
def test_unexamined_applications_get_no_term_and_no_status(
    store, settings, pub, kind, ptype, app
):
    """An application not (known to be) granted has no term to estimate: no expiry date,
    no status — unknown, whether its filing was 2 or 27 years ago."""
    write(store, [record(pub, pub[:-1], kind=kind, patent_type=ptype, app_date=app)])
    enrich(store, settings, ["legal"], today=TODAY)
    assert store.rows(
        "SELECT expiry_date, expiry_estimated, legal_status, status_source, status_as_of "
        "FROM patents"
    )[0] == (None, None, None, None, None)


def test_status_comes_from_evidence_with_its_source_and_date(store, settings):
    write(
        store,
        [
            # an annuity lapse: lapsed as of the event, whatever the term says
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
            # the source said active in its (undated) day, but the estimated term has
            # ended since: no status is known now, and none is made up
            record(
                "CN1000004A",
                "CN4",
                patent_type=PatentType.UTILITY_MODEL,
                app_date=date(2012, 1, 1),
                legal_status=LegalStatus.ACTIVE,
                legal_status_raw="有权-审定授权",
            ),
            # a restoration after a lapse makes it active again, as of the restoration
            record(
                "CN1000005A",
                "CN5",
                app_date=date(2016, 1, 1),
                events=(
                    Event(EventType.LAPSE, date(2019, 1, 1)),
                    Event(EventType.RESTORATION, date(2019, 6, 1)),
                ),
            ),
            # a grant event is only the grant publication: the source's status field
            # is a later look and wins
            record(
                "CN1000006B",
                "CN6",
                kind="B",
                app_date=date(2016, 1, 1),
                legal_status=LegalStatus.LAPSED,
                legal_status_raw="无权-未缴年费",
                events=(Event(EventType.GRANT, date(2018, 1, 1)),),
            ),
            # evidence dated after the estimated end of the term stands
            record(
                "CN1000007U",
                "CN7",
                kind="U",
                patent_type=PatentType.UTILITY_MODEL,
                app_date=date(2012, 1, 1),
                events=(
                    Event(
                        EventType.INVALIDATION,
                        date(2023, 5, 1),
                        description="部分无效",
                    ),
                ),
            ),
            # an expiry date the source gives has passed: expired, as of that date
            record(
                "CN1000008A",
                "CN8",
                app_date=date(1995, 1, 1),
                expiry_date=date(2015, 1, 1),
            ),
        ],
    )
    enrich(store, settings, ["legal"], today=TODAY)
    columns = (
        "legal_status, status_source, status_as_of, expiry_date, expiry_estimated, "
        "legal_status_raw"
    )
    rows = {r[0]: r[1:] for r in store.rows(f"SELECT doc_id, {columns} FROM patents")}
    assert rows["CN1000001A"] == (
        "lapsed",
        "events",
        date(2014, 3, 1),
        date(2029, 12, 31),  # the day before the anniversary
        True,
        None,
    )
    assert rows["CN1000002A"] == (
        "expired",
        "events",
        date(2015, 1, 1),
        date(2015, 1, 1),
        False,
        None,
    )
    assert rows["CN1000003A"] == (
        "active",
        "source",
        None,
        date(2034, 12, 31),  # the day before the anniversary
        True,
        "有权",
    )
    assert rows["CN1000004A"] == (
        None,
        "term",
        None,
        date(2021, 12, 31),
        True,
        "有权-审定授权",
    )
    assert rows["CN1000005A"] == (
        "active",
        "events",
        date(2019, 6, 1),
        date(2035, 12, 31),
        True,
        None,
    )
    assert rows["CN1000006B"] == (
        "lapsed",
        "source",
        None,
        date(2035, 12, 31),
        True,
        "无权-未缴年费",
    )
    assert rows["CN1000007U"] == (
        "active",
        "events",
        date(2023, 5, 1),
        date(2021, 12, 31),
        True,
        None,
    )
    assert rows["CN1000008A"] == (
        "expired",
        "source",
        date(2015, 1, 1),
        date(2015, 1, 1),
        False,
        None,
    )
    assert enrich(store, settings, ["legal"], today=TODAY).changed == 0
    # a later day: the source's active patent is past its estimated term; the raw stays
    enrich(store, settings, ["legal"], today=date(2035, 6, 1))
    assert store.rows(f"SELECT {columns} FROM patents WHERE doc_id = 'CN1000003A'")[
        0
    ] == (None, "term", None, date(2034, 12, 31), True, "有权")
    # and back: the source's status returns
    enrich(store, settings, ["legal"], today=TODAY)
    assert store.rows(
        "SELECT legal_status, status_source FROM patents WHERE doc_id = 'CN1000003A'"
    )[0] == ("active", "source")


def test_demo_corpus_has_no_status_and_estimates_only_grants(enriched, data_dir):
    """The demo corpus carries no status: nothing is known, nothing 'expired'. Tai'an
    utility models and designs (granted once published) filed 1993–2015 are past their
    estimated terms (10 years from filing); its inventions, whose grant the file does not
    tell, get no term. Types and dates come from the raw file's application numbers."""
    frame = pd.read_excel(
        data_dir / "corpora/cn-taian-7384/taian_patents.xlsx", dtype=str
    )
    digits = frame["申请号"].str.replace("CN", "").str.replace(r"\.\w$", "", regex=True)
    frame["type"] = digits.str.slice(4, 5).where(
        digits.str.len() == 12, digits.str.slice(2, 3)
    )
    filed = pd.to_datetime(frame["申请日"])
    frame["expiry"] = (filed + pd.DateOffset(years=10) - pd.Timedelta(days=1)).dt.date
    frame["filed"] = filed.dt.date
    assert store_counts(enriched) == {"known": 0, "expired": 0}
    rows = enriched.rows(
        "SELECT p.patent_type, p.app_date, p.expiry_date, p.expiry_estimated, "
        "p.legal_status, p.status_source FROM patents p JOIN provenance pr "
        "ON pr.doc_id = p.doc_id WHERE pr.file LIKE '%taian_patents.xlsx'"
    )
    stored: dict[str, list[tuple]] = {}
    for ptype, app, expiry, estimated, status, source in rows:
        stored.setdefault(ptype, []).append((app, expiry, estimated, status, source))
    for ptype, code in (("utility_model", "2"), ("design", "3")):
        expected = frame[frame["type"] == code]
        assert sorted(stored[ptype]) == sorted(
            (f, x, True, None, "term")
            if f >= date(1993, 1, 1)
            # filed before 1993: published for opposition, the grant not known
            else (f, None, None, None, None)
            for f, x in zip(expected["filed"], expected["expiry"], strict=True)
        )
    assert sorted(stored["invention"]) == sorted(
        (f, None, None, None, None) for f in frame.loc[frame["type"] == "1", "filed"]
    )


def store_counts(store) -> dict[str, int]:
    row = store.rows(
        "SELECT count(*) FILTER (WHERE legal_status IS NOT NULL), "
        "count(*) FILTER (WHERE legal_status = 'expired') FROM patents"
    )[0]
    return {"known": int(row[0]), "expired": int(row[1])}


def test_lens_applications_never_get_a_term(enriched, data_dir):
    """Lens says which documents are applications ('Type'): none gets an expiry, and
    granted ones past their term are estimates, never a status."""
    frame = pd.read_csv(
        data_dir / "formats/lens-csv/lens_drones_5884.csv",
        encoding="mac_roman",
        dtype=str,
    )
    frame["doc_id"] = frame["Publication Number"]
    rows = enriched.rows(
        "SELECT pub_number_raw, expiry_date, expiry_estimated, legal_status, "
        "status_source FROM patents WHERE source = 'csv'"
    )
    stored = {r[0]: r[1:] for r in rows}
    applications = frame.loc[frame["Type"] == "Patent Application", "doc_id"]
    assert len(applications) > 2000
    for doc in applications:
        assert stored[doc] == (None, None, None, None), doc
    granted = frame.loc[frame["Type"] == "Granted Patent", "doc_id"]
    estimated = [d for d in granted if stored[d][1]]
    assert len(estimated) >= 0.9 * len(granted)
    assert all(stored[d][2] is None for d in granted)
