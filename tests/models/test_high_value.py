"""每万人口高价值发明专利拥有量 on the real Patentics AR export: in-force counts against
pandas over the raw file, criteria without data reported as 不可评估, the ratio only with
a population table.

The population tables and award lists written here are MADE UP for the tests (the figures
are not real populations)."""

from __future__ import annotations

import pandas as pd
import pytest

from patnav.errors import InputError, InvalidParameterError
from patnav.models.high_value import (
    CRITERIA,
    high_value_patents,
    read_number_list,
    read_population,
)
from tests.models.conftest import applicant_rows
from tests.patentics import read


def test_in_force_inventions_add_up_to_the_raw_file(ar_store, data_dir):
    frame = read(data_dir)
    in_force = frame[
        (frame["ptype"] == "invention") & (frame["unit_status"] == "active")
    ]
    hv = high_value_patents(ar_store)
    assert hv.in_force + sum(hv.excluded.values()) == in_force["app"].nunique()
    assert hv.in_force == sum(r.in_force for r in hv.regions) > 100


def test_criteria_without_data_are_not_evaluable_and_counts_stay_counts(ar_store):
    hv = high_value_patents(ar_store)
    by = {c.key: c for c in hv.criteria}
    assert [c.key for c in hv.criteria] == list(CRITERIA)
    # a CN-only export: no foreign family member in the store; no amounts, no award list
    for key in ("overseas", "pledge", "award"):
        assert not by[key].evaluable and by[key].met is None
        assert by[key].to_dict()["status"] == "不可评估" and by[key].reason
        assert all(r.met[key] is None for r in hv.regions)
    assert by["sei"].evaluable and by["sei"].met
    assert by["maintained"].evaluable
    assert set(hv.not_evaluable) == {"overseas", "pledge", "award"}
    data = hv.to_dict()
    assert data["is_lower_bound"] is True
    assert max(by["sei"].met, by["maintained"].met) <= hv.high_value
    assert hv.high_value <= by["sei"].met + by["maintained"].met
    # no population table: counts only, and the result says the ratio needs one
    assert not hv.has_population
    assert all(r.per_10k is None and r.population_wan is None for r in hv.regions)
    assert any("人口表" in n for n in hv.notes)


def test_an_award_list_makes_its_criterion_evaluable(ar_store, ar_raw, tmp_path):
    rows = applicant_rows(ar_raw, "成都理想境界科技有限公司")
    invention = rows["公开号"].str.contains(r"[AB]\d?$")
    granted = rows[(rows["法律状态"] == "有效") & invention]
    numbers = sorted(granted["公开号"])[:3]
    assert len(numbers) == 3
    path = tmp_path / "awards.csv"  # a made-up award list of real numbers
    path.write_text(
        "公开号\n" + "\n".join(numbers) + "\nCN999999999B\n", encoding="utf-8"
    )
    hv = high_value_patents(ar_store, awards=read_number_list(path, "award list"))
    by = {c.key: c for c in hv.criteria}
    assert by["award"].evaluable and by["award"].met == 3
    sichuan = next(r for r in hv.regions if r.region == "四川省")
    assert sichuan.met["award"] == 3


def test_the_ratio_divides_by_the_population_table(ar_store, tmp_path):
    path = tmp_path / "population.csv"  # made-up figures, 万人
    path.write_text("region,population\n广东省,12000\n北京,2000\n", encoding="utf-8")
    population = read_population(path)
    hv = high_value_patents(ar_store, population=population)
    gd = next(r for r in hv.regions if r.region == "广东省")
    bj = next(r for r in hv.regions if r.region == "北京市")
    assert gd.per_10k == pytest.approx(gd.high_value / 12000)
    assert bj.population_wan == 2000  # 北京 matches 北京市
    others = [r for r in hv.regions if r.region not in ("广东省", "北京市")]
    assert others and all(r.per_10k is None for r in others)
    assert any("人口表中没有" in n for n in hv.notes)
    frame = hv.to_frame()
    assert isinstance(frame, pd.DataFrame) and "per_10k" in frame


def test_city_level_and_bad_inputs(ar_store, tmp_path):
    hv = high_value_patents(ar_store, level="city")
    assert hv.level == "city"
    assert hv.in_force == high_value_patents(ar_store).in_force
    with pytest.raises(InvalidParameterError, match="level"):
        high_value_patents(ar_store, level="county")
    bad = tmp_path / "p.csv"
    bad.write_text("name,people\n广东省,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="region,population"):
        read_population(bad)
    bad.write_text("region,population\n广东省,-5\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2"):
        read_population(bad)
    bad.write_text("nothing here\n", encoding="utf-8")
    with pytest.raises(InputError, match="no patent number"):
        read_number_list(bad, "award list")
