"""Filing trend (申请趋势) and technology lifecycle (技术生命周期).

Per filing year: filings, first publications and grants of the counting unit, applicants
active that year; the same by patent type and by office; year-on-year growth and the compound
growth over the complete years; the incomplete recent years marked. Applications publish
about 18 months after filing, so every year that ends after the data cut-off minus 18 months
is incomplete. The cut-off is the latest publication date of the scope (its latest filing
date when the source has no publication dates).

Lifecycle: applicants against filings per year, and a phase (emerging 萌芽期, growth 成长期,
maturity 成熟期, decline 衰退期, recovery 复苏期) decided by explicit rules on the growth of
filings and applicants over the last complete years — the rules and the numbers behind the
decision are part of the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from patnav.analyses.base import (
    COUNT_UNITS,
    CountBy,
    Engine,
    ResultMixin,
    Scope,
    as_engine,
    check_count_by,
    incomplete_from,
    ratio,
)
from patnav.analyses.prepared import based
from patnav.analyses.registry import AnalysisInfo
from patnav.storage.store import PatentStore


@dataclass(frozen=True, slots=True)
class YearRow:
    """One year: units filed in it, first published in it, granted in it."""

    year: int
    filings: int
    publications: int
    grants: int
    applicants: int
    incomplete: bool
    growth: float | None  # year-on-year change of filings; None for the first year


@dataclass(frozen=True, slots=True)
class SplitRow:
    """Filings of one year and one category (patent type or office)."""

    year: int
    key: str
    filings: int


@dataclass(frozen=True, slots=True)
class Lifecycle:
    """The technology's lifecycle phase and the numbers behind it."""

    phase: str  # emerging | growth | maturity | decline | recovery | unknown
    phase_zh: str
    window: tuple[int, int] | None  # complete years compared: (first, last)
    filings_growth: float | None
    applicants_growth: float | None
    evidence: str


@dataclass(frozen=True, slots=True)
class FilingTrend(ResultMixin):
    """Filings, publications and grants per year, splits, growth and lifecycle."""

    scope: str
    count_by: str
    unit_zh: str
    cutoff: date | None
    incomplete_from: int | None
    years: tuple[YearRow, ...]
    by_type: tuple[SplitRow, ...]
    by_office: tuple[SplitRow, ...]
    total: int
    cagr: float | None  # compound annual growth over complete years
    cagr_window: tuple[int, int] | None
    lifecycle: Lifecycle
    cutoff_source: str | None = None
    """The file whose own latest date set the cut-off, when the scope's documents come
    from several files and one was collected earlier (None: the scope's latest date)."""

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([vars_of(r) for r in self.years])


def vars_of(row: object) -> dict[str, object]:
    return {name: getattr(row, name) for name in row.__slots__}  # type: ignore[attr-defined]


def filing_trend(
    source: PatentStore | Engine,
    scope: Scope | None = None,
    *,
    count_by: CountBy = "family",
    start: int | None = None,
    end: int | None = None,
) -> FilingTrend:
    """Filings, publications and grants per filing year, with splits, growth and lifecycle.

    Args:
        source: the store, or an engine.
        scope: the documents to count (default: the whole store).
        count_by: the counting unit: family, application or document.
        start, end: the filing years to report (inclusive); default all.
    """
    engine = as_engine(source)
    scope = scope or Scope.everything()
    count_by = check_count_by(count_by)
    with based(engine, scope, count_by) as base:
        table = base.rows(
            f"""
            WITH filing AS (SELECT filing_year AS y, count(*) AS n FROM {base.units}
                            WHERE filing_year IS NOT NULL GROUP BY filing_year),
            pubs AS (SELECT pub_year AS y, count(*) AS n FROM {base.units}
                     WHERE pub_year IS NOT NULL GROUP BY pub_year),
            grants AS (SELECT grant_year AS y, count(*) AS n FROM {base.units}
                       WHERE grant_year IS NOT NULL GROUP BY grant_year),
            appl AS (SELECT filing_year AS y, count(DISTINCT akey) AS n FROM {base.apps}
                     WHERE filing_year IS NOT NULL GROUP BY filing_year),
            all_years AS (SELECT y FROM filing UNION SELECT y FROM pubs
                          UNION SELECT y FROM grants)
            SELECT y.y AS year, coalesce(f.n, 0) AS filings, coalesce(p.n, 0) AS publications,
                   coalesce(g.n, 0) AS grants, coalesce(a.n, 0) AS applicants
            FROM all_years y
            LEFT JOIN filing f ON f.y = y.y
            LEFT JOIN pubs p ON p.y = y.y
            LEFT JOIN grants g ON g.y = y.y
            LEFT JOIN appl a ON a.y = y.y
            ORDER BY year
            """
        )
        splits = base.rows(
            f"""
            SELECT 'type' AS split, filing_year AS year, patent_type AS key, count(*) AS filings
            FROM {base.units} WHERE filing_year IS NOT NULL GROUP BY ALL
            UNION ALL
            SELECT 'office' AS split, filing_year AS year, office AS key, count(*) AS filings
            FROM {base.offices} WHERE filing_year IS NOT NULL GROUP BY ALL
            ORDER BY split, year, key
            """
        )
        total = base.count_units()
        cutoff = base.cutoff()
        cutoff_source = base.cutoff_source

    first_incomplete = incomplete_from(cutoff)
    rows = [
        r
        for r in table
        if (start is None or r["year"] >= start) and (end is None or r["year"] <= end)
    ]
    year_rows: list[YearRow] = []
    previous: int | None = None
    for r in rows:
        year_rows.append(
            YearRow(
                year=int(r["year"]),
                filings=int(r["filings"]),
                publications=int(r["publications"]),
                grants=int(r["grants"]),
                applicants=int(r["applicants"]),
                incomplete=first_incomplete is not None
                and r["year"] >= first_incomplete,
                growth=None
                if previous is None
                else ratio(r["filings"] - previous, previous),
            )
        )
        previous = int(r["filings"])
    # years after the last filing exist only through later publications or grants
    last_filing = max((r.year for r in year_rows if r.filings), default=None)
    complete = [
        r
        for r in year_rows
        if not r.incomplete and last_filing is not None and r.year <= last_filing
    ]
    cagr, window = _cagr(complete)
    keep = {r.year for r in year_rows}
    return FilingTrend(
        scope=scope.label,
        count_by=count_by,
        unit_zh=COUNT_UNITS[count_by][0],
        cutoff=cutoff,
        cutoff_source=cutoff_source,
        incomplete_from=first_incomplete,
        years=tuple(year_rows),
        by_type=tuple(
            SplitRow(int(s["year"]), str(s["key"]), int(s["filings"]))
            for s in splits
            if s["split"] == "type" and s["year"] in keep
        ),
        by_office=tuple(
            SplitRow(int(s["year"]), str(s["key"]), int(s["filings"]))
            for s in splits
            if s["split"] == "office" and s["year"] in keep
        ),
        total=total,
        cagr=cagr,
        cagr_window=window,
        lifecycle=lifecycle_phase(complete),
    )


def _cagr(
    rows: list[YearRow], span: int = 5
) -> tuple[float | None, tuple[int, int] | None]:
    """Compound growth of filings over the last ``span`` complete years."""
    recent = [r for r in rows if r.filings > 0][-(span + 1) :]
    if len(recent) < 2:
        return None, None
    first, last = recent[0], recent[-1]
    years = last.year - first.year
    if years <= 0:
        return None, None
    return (last.filings / first.filings) ** (1 / years) - 1, (first.year, last.year)


PHASES_ZH = {
    "emerging": "萌芽期",
    "growth": "成长期",
    "maturity": "成熟期",
    "decline": "衰退期",
    "recovery": "复苏期",
    "unknown": "无法判断",
}
GROWING, SHRINKING = 0.2, -0.2
"""Change of the last three complete years against the three before that marks growth or
decline."""


def lifecycle_phase(complete: list[YearRow]) -> Lifecycle:
    """The lifecycle phase from the last six complete years (three against three).

    Rules: filings up more than 20 % with applicants up → growth (emerging when the earlier
    window averaged fewer than 10 filings a year); filings down more than 20 % with applicants
    down → decline; up again after a decline in the window before → recovery; otherwise
    maturity. Fewer than six complete years → unknown.
    """
    if len(complete) < 6:
        return Lifecycle(
            "unknown",
            PHASES_ZH["unknown"],
            None,
            None,
            None,
            f"only {len(complete)} complete years; six are needed",
        )
    before, after = complete[-6:-3], complete[-3:]
    fb, fa = sum(r.filings for r in before), sum(r.filings for r in after)
    ab, aa = sum(r.applicants for r in before), sum(r.applicants for r in after)
    gf, ga = ratio(fa - fb, fb), ratio(aa - ab, ab)
    window = (before[0].year, after[-1].year)
    evidence = (
        f"filings {before[0].year}–{before[-1].year}: {fb}, {after[0].year}–{after[-1].year}: "
        f"{fa} ({_pct(gf)}); applicants {ab} → {aa} ({_pct(ga)})"
    )
    earlier = complete[-9:-6]
    earlier_decline = (
        len(earlier) == 3
        and sum(r.filings for r in earlier) > 0
        and (fb - sum(r.filings for r in earlier)) / sum(r.filings for r in earlier)
        < SHRINKING
    )
    if gf is None:
        phase = "emerging" if fa > 0 else "unknown"
    elif gf > GROWING and (ga is None or ga > 0):
        if earlier_decline:
            phase = "recovery"
        elif fb / 3 < 10:
            phase = "emerging"
        else:
            phase = "growth"
    elif gf < SHRINKING and (ga is None or ga < 0):
        phase = "decline"
    else:
        phase = "maturity"
    return Lifecycle(phase, PHASES_ZH[phase], window, gf, ga, evidence)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.0%}"


ANALYSIS = AnalysisInfo(
    "trend",
    filing_trend,
    "申请趋势与技术生命周期",
    "Filing trend and lifecycle",
    order=10,
)
"""Registers :func:`filing_trend` as ``trend``."""
