"""Geography, technology, inventors, legal status, citations, competitors on real files."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from patnav.analyses import ANALYSES, LANDSCAPE, run_analysis
from patnav.analyses.base import Region
from patnav.analyses.citations import citation_analysis
from patnav.analyses.competitors import competitor_benchmark
from patnav.analyses.geography import geography
from patnav.analyses.inventors import inventor_analysis
from patnav.analyses.legal import legal_status
from patnav.analyses.technology import technology_composition
from patnav.errors import InvalidParameterError
from patnav.schema.codes import normalize_ipc


@pytest.fixture(scope="module")
def lens_frame(data_dir):
    return pd.read_csv(data_dir / "formats/lens-csv/lens_drones_5884.csv", dtype=str)


def test_lens_markets_are_jurisdictions(loaded_store, lens, lens_frame):
    geo = geography(loaded_store, lens, count_by="document", lang="en")
    assert {s.key: s.units for s in geo.markets} == dict(
        Counter(lens_frame["Jurisdiction"])
    )
    assert geo.total == len(lens_frame)


def test_lens_origins_fall_back_to_the_earliest_priority_country(
    loaded_store, lens, lens_frame
):
    """Lens rows carry no applicant address: origin is the earliest priority's country,
    else the jurisdiction (never a regional office, nor China for a PCT national phase —
    CNIPA's type digit 8 or 9 after the year: the invention was filed first elsewhere). A
    PCT priority counts for its receiving office (``US 2015045962 W``); one filed at the
    International Bureau (``IB …``) names no country."""
    regional = {"WO", "EP", "EA", "AP", "OA", "GC", "EM", "IB"}

    def national_phase(row):
        bits = (row["Application Number"] or "").split()
        return (
            row["Jurisdiction"] == "CN"
            and len(bits) >= 2
            and len(bits[1]) == 12
            and bits[1][4] in "89"
        )

    def origin(row):
        claims = []
        for i, part in enumerate((row["Priority Numbers"] or "").split(";;")):
            bits = part.split()
            if len(bits) >= 2 and bits[0] not in regional:
                when = (
                    bits[-1]
                    if bits[-1].isdigit() and len(bits[-1]) == 8
                    else "99999999"
                )
                claims.append((when, i, bits[0]))  # earliest date, then listed order
        if claims:
            return min(claims)[2]
        if row["Jurisdiction"] in regional or national_phase(row):
            return None
        return row["Jurisdiction"]

    expected = Counter(origin(r) for _, r in lens_frame.fillna("").iterrows())
    geo = geography(loaded_store, lens, count_by="document")
    got = {s.key: s.units for s in geo.origins}
    expected_keyed = {(k or "unknown"): v for k, v in expected.items()}
    assert got == expected_keyed


def test_home_region_shares(loaded_store, cnipa, data_dir):
    """Before enrichment no applicant is located: a unit's origin is its priority country,
    else its office. The one row with a priority (德国 applicant, DE priority) is German; the
    Hong Kong, Taiwan and Australian applicants of the export count as CN until enrichment
    reads their addresses (see tests/enrich)."""
    frame = pd.read_excel(
        data_dir / "formats/cn-excel/cnipa_export_199.xlsx", dtype=str
    )
    priority_countries = frame["优先权"].dropna().str.split().str[1]
    geo = geography(
        loaded_store, cnipa, count_by="application", region=Region(province="江苏省")
    )
    assert geo.home is not None
    assert geo.home.world == len(frame)
    assert geo.home.national == len(frame) - (priority_countries != "CN").sum() == 198
    assert geo.home.region == "江苏省" and geo.home.home == 0
    assert {s.key: s.units for s in geo.origins} == {"CN": 198, "DE": 1}


def test_taian_technology_composition_matches_the_sheet(loaded_store, taian, data_dir):
    frame = pd.read_excel(
        data_dir / "corpora/cn-taian-7384/taian_patents.xlsx", dtype=str
    )
    codes = frame["主分类号"].map(normalize_ipc).dropna()
    tech = technology_composition(loaded_store, taian, count_by="application", top=10)
    assert tech.classified == len(codes) == 7384 - 140  # designs carry Locarno classes

    def ranked(counter, n):  # most units first, ties by code
        return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:n]

    assert [(c.code, c.units) for c in tech.levels["subclass"][:10]] == ranked(
        Counter(codes.str[:4]), 10
    )
    assert [(c.code, c.units) for c in tech.levels["section"]] == ranked(
        Counter(codes.str[:1]), 10
    )
    assert tech.levels["subclass"][0].share == pytest.approx(
        Counter(codes.str[:4]).most_common(1)[0][1] / len(codes)
    )
    # the year matrix: each row sums to the subclass's units in the years shown
    for code, row in zip(tech.by_year.rows, tech.by_year.values, strict=True):
        assert sum(row) == Counter(codes.str[:4])[code]


def test_inventors_of_the_cnipa_export(loaded_store, cnipa, data_dir):
    frame = pd.read_excel(
        data_dir / "formats/cn-excel/cnipa_export_199.xlsx", dtype=str
    )
    counts: Counter[tuple[str, str]] = Counter()
    for _, row in frame.iterrows():
        first_applicant = row["申请（专利权）人"].split(";")[0]
        for name in set(row["发明（设计）人"].split(";")):
            counts[(name, first_applicant)] += 1
    result = inventor_analysis(loaded_store, cnipa, count_by="application", top=5)
    assert result.inventors_total == len(counts)
    assert [(i.name, i.applicant, i.units) for i in result.inventors[:3]] == [
        (n, a, c)
        for (n, a), c in sorted(
            counts.items(), key=lambda kv: (-kv[1], f"{kv[0][0]} @ name:{kv[0][1]}")
        )[:3]
    ]


def test_legal_status_is_unknown_when_sources_are_silent(loaded_store, taian):
    result = legal_status(loaded_store, taian, count_by="application")
    assert result.total == 7384 and result.known == 0
    assert [(s.status, s.units) for s in result.statuses] == [("unknown", 7384)]


def test_citations_rank_by_reported_counts(loaded_store, lens, lens_frame):
    result = citation_analysis(loaded_store, lens, count_by="document", top=5)
    cited = lens_frame["Cited Count"].astype(int)
    assert result.most_cited[0].cited_by_source == cited.max()
    top = lens_frame.loc[cited.idxmax(), "Publication Number"].replace(" ", "")
    assert result.most_cited[0].doc_id == top
    assert [u.cited_by_source for u in result.most_cited] == sorted(
        cited, reverse=True
    )[:5]


def test_competitor_benchmark_counts_match(loaded_store, lens, lens_frame):
    def rows_of(name):
        return lens_frame[
            lens_frame["Applicants"]
            .fillna("")
            .str.split(";;")
            .map(lambda names: name in names)
        ]

    bench = competitor_benchmark(
        loaded_store, ["THALES SA", "PARROT"], lens, count_by="document"
    )
    for profile in bench.competitors:
        rows = rows_of(profile.name)
        assert profile.units == len(rows)
        assert profile.cited_by_source == rows["Cited Count"].astype(int).sum()
        assert {m.key: m.units for m in profile.markets} == dict(
            Counter(rows["Jurisdiction"]).most_common(5)
        )
        # the Lens export has no legal-status column: in force is unknown, never 0
        assert not [c for c in lens_frame.columns if "status" in c.lower()]
        assert profile.with_status == 0 and profile.in_force is None
        assert profile.in_force_share is None


def test_registry_runs_every_landscape_analysis(loaded_store, cnipa):
    for name in LANDSCAPE:
        result = run_analysis(name, loaded_store, cnipa, count_by="application")
        assert result.to_dict()["count_by"] == "application"
        assert len(result.to_frame()) >= 0
    assert set(LANDSCAPE) < set(ANALYSES)
    with pytest.raises(InvalidParameterError, match="Unknown analysis"):
        run_analysis("nope", loaded_store)
    with pytest.raises(InvalidParameterError, match="takes no parameter colour"):
        run_analysis("trend", loaded_store, colour="red")
    with pytest.raises(InvalidParameterError, match="'count_by' parameter"):
        run_analysis("trend", loaded_store, count_by="patent")
