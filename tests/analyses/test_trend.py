"""Filing trend and lifecycle against the raw files."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pandas as pd

from patnav.analyses.trend import (
    YearRow,
    filing_trend,
    incomplete_from,
    lifecycle_phase,
)


def test_taian_filings_per_year_and_type_match_the_sheet(loaded_store, taian, data_dir):
    frame = pd.read_excel(
        data_dir / "corpora/cn-taian-7384/taian_patents.xlsx", dtype=str
    )
    years = Counter(frame["申请日"].str[:4].astype(int))
    digit = frame["申请号"].map(
        lambda n: n[2:][4] if len(n.split(".")[0]) >= 14 else n[2:][2]
    )
    types = {
        "1": "invention",
        "8": "invention",
        "2": "utility_model",
        "9": "utility_model",
        "3": "design",
    }
    by_type = Counter(
        zip(frame["申请日"].str[:4].astype(int), digit.map(types), strict=True)
    )

    trend = filing_trend(loaded_store, taian, count_by="application")
    assert trend.total == len(frame) == 7384
    assert {r.year: r.filings for r in trend.years} == dict(years)
    assert {(s.year, s.key): s.filings for s in trend.by_type} == dict(by_type)
    assert {s.key for s in trend.by_office} == {"CN"}
    # the same units counted by family: no family ids, one family per application
    assert filing_trend(loaded_store, taian, count_by="family").total == 7384


def test_growth_and_incomplete_years_follow_the_scopes_cutoff(
    loaded_store, taian, data_dir
):
    """The Tai'an corpus has no publication dates: its cut-off is its last filing date, and
    the 18 months before it are incomplete (unpublished filings are missing)."""
    frame = pd.read_excel(
        data_dir / "corpora/cn-taian-7384/taian_patents.xlsx", dtype=str
    )
    last_filing = date.fromisoformat(frame["申请日"].max())
    trend = filing_trend(loaded_store, taian, count_by="application")
    assert trend.cutoff == last_filing
    assert trend.incomplete_from == incomplete_from(last_filing) == 2014
    rows = {r.year: r for r in trend.years}
    assert (
        rows[2015].growth
        == (rows[2015].filings - rows[2014].filings) / rows[2014].filings
    )
    assert [r.year for r in trend.years if r.incomplete] == [2014, 2015]
    assert trend.cagr_window is not None and trend.cagr_window[1] <= 2013
    # the CNIPA export does have publication dates: its cut-off is its latest one
    cnipa = filing_trend(
        loaded_store,
        taian.__class__.of_sql(
            "SELECT doc_id FROM provenance WHERE file LIKE '%cnipa_export_199.xlsx'",
            label="x",
        ),
    )
    assert cnipa.cutoff == date(2013, 1, 2)


def test_publications_and_grants_use_kind_codes(loaded_store, cnipa):
    trend = filing_trend(loaded_store, cnipa, count_by="application")
    # 199 utility models published (and granted) in 2013
    assert sum(r.publications for r in trend.years) == 199
    assert {r.year: r.grants for r in trend.years if r.grants} == {2013: 199}


def _rows(filings, applicants, start=2000):
    return [
        YearRow(start + i, f, 0, 0, a, False, None)
        for i, (f, a) in enumerate(zip(filings, applicants, strict=True))
    ]


def test_lifecycle_rules():
    assert lifecycle_phase(
        _rows([50, 60, 70, 120, 150, 200], [20, 22, 25, 40, 50, 60])
    ).phase == ("growth")
    assert (
        lifecycle_phase(_rows([2, 3, 2, 8, 9, 12], [1, 2, 2, 4, 5, 6])).phase
        == "emerging"
    )
    assert (
        lifecycle_phase(
            _rows([200, 190, 180, 120, 100, 80], [60, 55, 50, 40, 30, 25])
        ).phase
        == "decline"
    )
    assert (
        lifecycle_phase(
            _rows([100, 110, 100, 105, 100, 110], [30, 30, 31, 30, 29, 31])
        ).phase
        == "maturity"
    )
    recovery = lifecycle_phase(
        _rows(
            [300, 280, 260, 120, 100, 90, 150, 200, 260],
            [90, 80, 70, 40, 35, 30, 45, 60, 70],
        )
    )
    assert recovery.phase == "recovery" and recovery.phase_zh == "复苏期"
    unknown = lifecycle_phase(_rows([1, 2], [1, 1]))
    assert unknown.phase == "unknown" and "six" in unknown.evidence
