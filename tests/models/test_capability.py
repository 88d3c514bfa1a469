"""The capability index on the real Patentics AR export: figures against pandas over the
raw file, percentiles among peers, missing indicators stay missing.

The enterprise register used here (``MADE_UP_REGISTER`` in conftest) is MADE UP: real
applicant names of the export with invented figures, for tests only."""

from __future__ import annotations

import pandas as pd
import pytest

from patnav.errors import InvalidParameterError, NotFittedError
from patnav.models.capability import (
    INDICATORS,
    CapabilityModel,
)
from tests.models.conftest import applicant_rows

NAME = "歌尔科技有限公司"


@pytest.fixture(scope="module")
def fitted(ar_store_path):
    from patnav.storage.store import PatentStore

    with PatentStore.open(ar_store_path, read_only=True) as store:
        return CapabilityModel().fit(store)


def _granted(rows: pd.DataFrame) -> pd.Series:
    return rows["授权公告日"].notna() | (rows["法律状态"] == "有效")


def test_figures_of_an_applicant_match_pandas_over_the_raw_file(fitted, ar_raw):
    rows = applicant_rows(ar_raw, NAME).drop_duplicates("申请号")
    kind = rows["公开号"].str.extract(r"([A-Z])\d?$", expand=False)
    inventions = rows[kind.isin(["A", "B"])]
    granted = _granted(inventions)
    decided = granted | inventions["法律状态"].isin(["驳回", "撤回"])
    codes = (
        rows["国际分类"]
        .fillna("")
        .str.split("|")
        .explode()
        .str.replace(" ", "")
        .str[:4]
    )
    e = fitted.explain(NAME)
    by = {i.key: i for i in e.indicators}
    assert e.applications == len(rows)
    assert by["stock"].value == len(rows)
    assert by["invention_share"].value == pytest.approx(len(inventions) / len(rows))
    assert by["grant_rate"].value == pytest.approx(granted.sum() / decided.sum())
    assert by["breadth"].value == codes[codes.str.len() == 4].nunique()
    cited = pd.to_numeric(rows["引用本文专利数"])
    assert by["citations"].value == pytest.approx(cited.mean())
    inventors = rows["发明人"].fillna("").str.split("|").explode().str.strip()
    assert by["team_size"].value == inventors[inventors != ""].nunique()


def test_growth_uses_the_complete_windows_of_the_trend(fitted, ar_raw):
    cutoff = pd.to_datetime(ar_raw["公开日"], format="%Y%m%d").max()
    first_incomplete = (cutoff - pd.DateOffset(months=18)).year
    assert fitted.recent_ == (first_incomplete - 3, first_incomplete - 1)
    assert fitted.previous_ == (first_incomplete - 6, first_incomplete - 4)
    rows = applicant_rows(ar_raw, NAME).drop_duplicates("申请号")
    year = pd.to_datetime(rows["申请日"], format="%Y%m%d").dt.year
    recent = year.between(*fitted.recent_).sum()
    previous = year.between(*fitted.previous_).sum()
    growth = {i.key: i for i in fitted.explain(NAME).indicators}["growth"]
    if previous:
        assert growth.value == pytest.approx((recent - previous) / previous)
    else:
        assert growth.value is None and "前三年" in (growth.reason or "")


def test_percentiles_are_ranks_among_peers_of_the_same_region_and_industry(fitted):
    actors = fitted.actors_.set_index("actor")
    ind = fitted.indicators_.join(
        actors[["province", "industry_key"]], on="actor"
    ).assign(
        province=lambda f: f["province"].fillna("?"),
        industry_key=lambda f: f["industry_key"].fillna("?"),
    )
    checked = 0
    for (_p, _i, _k), group in ind.groupby(["province", "industry_key", "indicator"]):
        known = group.dropna(subset=["value"])
        if len(known) < 3:
            continue
        values = known["value"].to_numpy()
        for value, pct, peers in known[["value", "pct", "peers_known"]].itertuples(
            index=False
        ):
            below = (values < value).sum()
            equal = (values == value).sum()
            assert pct == pytest.approx(100 * (below + 0.5 * equal) / len(values))
            assert peers == len(values)
            checked += 1
    assert checked > 1000
    # the index is the weighted mean of the known percentiles
    e = fitted.explain(NAME)
    known = [i for i in e.indicators if i.percentile is not None]
    expected = sum(i.weight * i.percentile for i in known) / sum(
        i.weight for i in known
    )
    assert e.index == pytest.approx(expected, abs=1e-6)
    total = sum(fitted.weights_.weights.values())
    assert e.coverage == pytest.approx(sum(i.weight for i in known) / total, abs=1e-6)
    peers = actors[
        (actors["province"].fillna("?") == (e.province or "?"))
        & (actors["industry_key"].fillna("?") == f"IPC {e.industry}")
    ]
    assert e.peers == len(peers)
    assert e.rank == 1 + (peers["index"] > e.index).sum()


def test_without_register_rd_figures_and_value_grades_are_missing_not_zero(fitted):
    ranking = fitted.rank(top=None)
    assert ranking.subject == "applicant"
    assert ranking.total == len(fitted.actors_) > 100
    for e in ranking.rows:
        by = {i.key: i for i in e.indicators}
        for key in ("rd_intensity", "rd_staff_share", "high_value"):
            assert by[key].value is None and by[key].percentile is None
            assert key in e.missing
            assert by[key].reason
        assert e.industry_basis in ("ipc_section", None)
    data = ranking.to_dict()
    assert "申请人主体" in data["subject_label"]
    assert any("研发" in n for n in data["notes"])


def test_ranking_is_filtered_by_region_and_industry_and_sorted(fitted):
    r = fitted.rank(region="广东", industry="G", top=5)
    assert 0 < len(r.rows) <= 5
    assert all(e.province and e.province.startswith("广东") for e in r.rows)
    assert all(e.industry == "G" for e in r.rows)
    indexes = [e.index for e in r.rows]
    assert indexes == sorted(indexes, reverse=True)
    frame = r.to_frame()
    assert list(frame["name"]) == [e.name for e in r.rows]


def test_high_value_counts_grades_a_and_b_of_value_scores(ar_copy):
    # value_scores rows made up here (i15-value fills the table in the real flow): two of
    # the applicant's documents graded A and B, one C.
    docs = [
        r[0]
        for r in ar_copy.rows(
            "SELECT DISTINCT p.doc_id FROM parties p JOIN patents USING (doc_id) "
            "WHERE p.role = 'applicant' AND p.name = ? ORDER BY 1 LIMIT 3",
            [NAME],
        )
    ]
    for doc, grade, score in zip(docs, "ABC", (90.0, 75.0, 50.0), strict=True):
        ar_copy.execute(
            "INSERT INTO value_scores (doc_id, use, score, grade) "
            "VALUES (?, 'management', ?, ?)",
            [doc, score, grade],
        )
    e = CapabilityModel().fit(ar_copy).explain(NAME)
    by = {i.key: i for i in e.indicators}
    assert by["high_value"].value == 2
    assert "high_value" not in e.missing


def test_register_enterprises_get_rd_figures_and_their_industry(register_store, ar_raw):
    model = CapabilityModel().fit(register_store)
    assert model.subject_ == "enterprise"
    goer = model.explain(NAME)
    by = {i.key: i for i in goer.indicators}
    # made-up figures of the fixture: 48000 / 800000 and 1200 / 5000
    assert by["rd_intensity"].value == pytest.approx(0.06)
    assert by["rd_staff_share"].value == pytest.approx(0.24)
    assert goer.industry == "C" and goer.industry_basis == "industry_code"
    assert goer.province == "山东省"
    assert goer.applications == applicant_rows(ar_raw, NAME)["申请号"].nunique()
    lixiang = {i.key: i for i in model.explain("成都理想境界科技有限公司").indicators}
    assert lixiang["rd_intensity"].value == pytest.approx(0.15)
    assert lixiang["rd_staff_share"].value is None
    assert "未填报" in (lixiang["rd_staff_share"].reason or "")
    boe = model.explain("京东方科技集团股份有限公司")
    assert boe.industry_basis == "ipc_section"
    division = CapabilityModel(industry_level="division").fit(register_store)
    assert division.explain(NAME).industry == "C39"


def test_weights_are_data_and_checked(ar_store, tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text("indicators:\n  stock: {weight: 1}\n", encoding="utf-8")
    model = CapabilityModel(weights=path).fit(ar_store)
    e = model.explain(NAME)
    assert [i.key for i in e.indicators] == ["stock"]
    assert e.index == pytest.approx(e.indicators[0].percentile, abs=1e-6)
    assert set(model.weights_.weights) <= set(INDICATORS)
    path.write_text("indicators:\n  stock: {weight: -1}\n", encoding="utf-8")
    with pytest.raises(InvalidParameterError, match="positive number"):
        CapabilityModel(weights=path).fit(ar_store)
    path.write_text("indicators:\n  luck: {weight: 1}\n", encoding="utf-8")
    with pytest.raises(InvalidParameterError, match="unknown indicator"):
        CapabilityModel(weights=path).fit(ar_store)
    with pytest.raises(InvalidParameterError, match="industry_level"):
        CapabilityModel(industry_level="class").fit(ar_store)


def test_unfitted_and_unknown_enterprises_are_errors(fitted):
    with pytest.raises(NotFittedError):
        CapabilityModel().rank()
    with pytest.raises(LookupError, match="No "):
        fitted.explain("不存在的公司名称甲乙丙")


def test_a_store_without_typed_applicants_says_why_nothing_is_ranked(store):
    ranking = CapabilityModel().fit(store).rank()
    assert ranking.total == 0 and not ranking.rows
    assert any("patnav enrich" in n for n in ranking.notes)


def test_enterprises_without_peers_are_not_ranked_and_follow_the_ranked(ar_copy):
    """An applicant whose industry is unknown (no IPC class, no register code) has no
    peer group: the catch-all of the unknown is no group to be first in (a foreign
    applicant with two patents read 第 1 名 among 554 strangers), so it gets no rank and
    follows the ranked. Here one real applicant's documents lose their main IPC."""
    unknown = "成都理想境界科技有限公司"
    ar_copy.execute(
        "UPDATE patents SET ipc_main = NULL WHERE doc_id IN (SELECT doc_id FROM "
        "parties WHERE role = 'applicant' AND name = ?)",
        [unknown],
    )
    fitted = CapabilityModel().fit(ar_copy)
    ranking = fitted.rank(top=None)
    placed = [e.industry is not None for e in ranking.rows]
    assert placed.count(False) >= 1 and placed.count(True) > 10
    first = placed.index(False)
    assert all(placed[:first]) and not any(placed[first:])
    assert all(e.rank is None for e in ranking.rows[first:])
    assert unknown in [e.name for e in ranking.rows[first:]]
    ranked = [e for e in ranking.rows[:first] if e.index is not None]
    assert all(e.rank is not None for e in ranked)
    indexes = [e.index for e in ranked]
    assert indexes == sorted(indexes, reverse=True)
    assert any("没有可比的同组" in n for n in ranking.notes)
    explained = fitted.explain(unknown)
    assert explained.rank is None and explained.index is not None
