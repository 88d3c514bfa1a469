"""Agency quality (代理机构质量) on real exports, checked against the raw files with pandas.

PatSnap (``patsnap_zhongzhixin_2020_2022.xlsx``): one agency, 37 agents, 简单法律状态 and
法律状态事件 — the outcomes of the invention applications. The CNIPA export
(``cnipa_export_199.xlsx``): 82 agencies, no legal status — every unit's status unknown,
counted apart, never in a rate.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

from patnav.analyses.agencies import agency_quality
from patnav.analyses.base import Scope
from patnav.errors import InvalidParameterError
from patnav.storage.store import PatentStore
from tests.patsnap import head_store, parts

CNIPA = "formats/cn-excel/cnipa_export_199.xlsx"


@pytest.fixture(scope="module")
def patsnap(data_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    frame, path = head_store(data_dir, tmp_path_factory.mktemp("agc_ps"), 20000)
    return frame, path


@pytest.fixture(scope="module")
def cnipa(data_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    from patnav.ingest.pipeline import import_paths

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = pd.read_excel(data_dir / CNIPA, dtype=str)
    path = tmp_path_factory.mktemp("agc_cx") / "s.duckdb"
    with PatentStore.open(path) as store:
        assert import_paths(store, [data_dir / CNIPA]).ok
    return frame, path


def _outcomes(frame: pd.DataFrame) -> pd.Series:
    """Each invention row's outcome, from the raw columns alone."""
    inv = frame[frame["专利类型"] == "发明专利"]

    def one(row: pd.Series) -> str:
        events = set(parts(row["法律状态事件"]))
        status = row["简单法律状态"]
        if "授权" in events or status == "有效" or str(row["公开公告号"]).endswith("B"):
            return "granted"
        if "驳回" in events:
            return "rejected"
        if events & {"撤回", "视为撤回", "放弃"}:
            return "withdrawn"
        if status == "审中":
            return "pending"
        return "unclear" if status in {"失效"} else "unknown"

    return inv.apply(one, axis=1)


def test_outcomes_and_rates_match_the_raw_export(patsnap):
    frame, path = patsnap
    expected = _outcomes(frame).value_counts()
    with PatentStore.open(path, read_only=True) as store:
        result = agency_quality(store)
    (row,) = result.rows
    o = row.outcomes
    assert row.name == frame["代理机构"].iloc[0]
    assert row.units == len(frame)
    assert o.inventions == int((frame["专利类型"] == "发明专利").sum())
    for name in ("granted", "rejected", "withdrawn", "pending", "unclear", "unknown"):
        assert getattr(o, name) == int(expected.get(name, 0)), name
    decided = sum(int(expected.get(k, 0)) for k in ("granted", "rejected", "withdrawn"))
    assert o.decided == decided
    assert o.grant_rate == pytest.approx(expected["granted"] / decided)
    assert o.rejection_rate == pytest.approx(expected["rejected"] / decided)
    assert o.withdrawal_rate == pytest.approx(expected["withdrawn"] / decided)
    # pending applications are not decided: never counted as not granted
    assert o.pending > 0 and o.decided + o.pending <= o.inventions
    assert result.overall == o
    types = frame["专利类型"].map(
        {"发明专利": "invention", "实用新型": "utility_model", "外观设计": "design"}
    )
    assert dict(row.by_type) == types.value_counts().to_dict()
    assert row.abnormal is None  # not wired: unknown, never 0


def test_agents_units_rates_and_claims_match_the_raw_export(patsnap):
    frame, path = patsnap
    frame = frame.assign(outcome=_outcomes(frame))
    claims = pd.to_numeric(frame["权利要求数量"].replace("-", None), errors="coerce")
    frame = frame.assign(claims=claims, agent=frame["代理人"].map(parts))
    per = frame.explode("agent").dropna(subset=["agent"])
    counts = per["agent"].value_counts()
    with PatentStore.open(path, read_only=True) as store:
        result = agency_quality(store, role="agent", top=10)
    assert result.parties == counts.size
    assert [r.units for r in result.rows] == counts.head(10).tolist()
    for r in result.rows:
        mine = per[per["agent"] == r.name]
        assert r.units == len(mine)
        assert r.agency == frame["代理机构"].iloc[0]
        got = mine["outcome"].value_counts()
        decided = sum(int(got.get(k, 0)) for k in ("granted", "rejected", "withdrawn"))
        assert r.outcomes.decided == decided
        assert r.outcomes.grant_rate == pytest.approx(got.get("granted", 0) / decided)
        assert r.outcomes.rejection_rate == pytest.approx(
            got.get("rejected", 0) / decided
        )
        known = mine["claims"].dropna()
        assert r.claims_units == len(known)
        assert r.claims_mean == pytest.approx(known.mean())
        assert r.claims_median == pytest.approx(known.median())
        assert r.claims_coverage == pytest.approx(len(known) / len(mine))


def _agency(value: object) -> str | None:
    """A CNIPA 专利代理机构 cell without its trailing agency code."""
    if pd.isna(value):
        return None
    return re.sub(r"\s*\d+\s*$", "", str(value)).strip()


def test_unknown_status_is_counted_apart_and_no_rate_is_made(cnipa):
    frame, path = cnipa
    agencies = frame["专利代理机构"].map(_agency)
    counts = agencies.dropna().value_counts()
    with PatentStore.open(path, read_only=True) as store:
        result = agency_quality(store, top=100, min_units=1)
        ranked = agency_quality(store, top=100, min_units=5)
    assert result.total == len(frame)
    assert result.without_party == int(agencies.isna().sum())
    assert result.parties == counts.size
    got = {r.name: r.units for r in result.rows}
    assert got == counts.to_dict()
    for r in result.rows:
        # utility models only, no status: no rate, every unit's status unknown
        assert r.outcomes.inventions == 0 and r.outcomes.grant_rate is None
        assert r.status_unknown == r.units and r.status_unknown_share == 1.0
        assert r.claims_units == 0 and r.claims_mean is None
        years = pd.to_datetime(frame.loc[agencies == r.name, "申请日"]).dt.year
        assert dict(r.by_year) == years.value_counts().to_dict()
    assert [r.name for r in ranked.rows] == counts[counts >= 5].index.tolist()
    assert ranked.below_minimum == int((counts < 5).sum())


def test_the_agency_query_narrows(cnipa):
    frame, path = cnipa
    agencies = frame["专利代理机构"].map(_agency)
    with PatentStore.open(path, read_only=True) as store:
        result = agency_quality(store, Scope.of_query("AGC=42104"), min_units=1)
    (row,) = result.rows
    assert row.name == "武汉开元知识产权代理有限公司"
    assert row.units == result.total == int((agencies == row.name).sum())


def test_bad_parameters_are_refused(cnipa):
    _, path = cnipa
    with PatentStore.open(path, read_only=True) as store:
        with pytest.raises(InvalidParameterError):
            agency_quality(store, role="inventor")
        with pytest.raises(InvalidParameterError):
            agency_quality(store, min_units=0)
