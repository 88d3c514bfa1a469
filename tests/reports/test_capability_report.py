"""The capability section of region and enterprise reports, on the real Tai'an corpus and
the Lens drone export: the tables are the model's, missing indicators are said, and the
high-value indicator gives counts and says the ratio needs a population table."""

from __future__ import annotations

import dataclasses

from patnav.models.capability import CapabilityModel
from patnav.models.high_value import high_value_patents
from patnav.reports import build_report


def _section(report, key):
    """The section ``key``, at any depth (the region report holds it in its landscape)."""
    todo = list(report.sections)
    while todo:
        section = todo.pop(0)
        if section.key == key:
            return section
        todo.extend(b for b in section.blocks if hasattr(b, "blocks"))
    raise LookupError(key)


def _text(section):
    return "\n".join(getattr(b, "text", "") for b in section.blocks)


def test_region_report_lists_the_citys_leading_enterprises(taian_store, taian_spec):
    spec = dataclasses.replace(taian_spec, type="region", nodes=taian_spec.nodes[:1])
    report = build_report(taian_store, spec, charts=False)
    section = _section(report, "capability")
    leaders = next(t for t in report.tables() if t.key == "capability.leaders")
    # 泰安市's enterprises, each ranked among its peers of 山东省
    expected = (
        CapabilityModel().fit(taian_store).rank(region="山东省", city="泰安市", top=10)
    )
    assert expected.rows and all(e.city == "泰安市" for e in expected.rows)
    assert [row[0] for row in leaders.rows] == [e.name for e in expected.rows]
    assert [row[2] for row in leaders.rows] == [f"{e.index:.1f}" for e in expected.rows]
    text = _text(section)
    assert f"共有 {expected.total:,} 家" in text
    # no register in the store: R&D figures are listed as missing, never as 0
    assert all("研发投入强度" in row[-1] for row in leaders.rows)
    hv = high_value_patents(taian_store, level="city")
    in_force = sum(r.in_force for r in hv.regions if r.region == "泰安市")
    assert f"泰安市在效国内发明专利 {in_force:,} 件" in text
    assert "需要人口表" in text and "不可评估" in text
    criteria = next(t for t in report.tables() if t.key == "capability.high_value")
    assert len(criteria.rows) == 5


def test_enterprise_report_explains_the_enterprise_against_its_peers(
    drones_store, drones_spec, data_dir
):
    spec = dataclasses.replace(
        drones_spec,
        type="enterprise",
        entities=("PARROT", "THALES SA"),
        nodes=drones_spec.nodes[:1],
    )
    report = build_report(drones_store, spec, charts=False, data_dir=data_dir)
    section = _section(report, "capability")
    model = CapabilityModel().fit(drones_store)
    expected = model.explain("PARROT")
    table = next(t for t in report.tables() if t.key == "capability.indicators")
    assert [row[0] for row in table.rows] == [i.label for i in expected.indicators]
    assert f"{expected.index:.1f}" in _text(section)
    for row, indicator in zip(table.rows, expected.indicators, strict=True):
        assert (row[1] == "-") == (indicator.value is None)
        assert (row[-1] != "-") == (indicator.value is None)


def test_a_spec_population_table_gives_the_ratio_per_10000_people(
    taian_store, taian_spec, tmp_path
):
    path = tmp_path / "人口_虚构.csv"  # a made-up population, 万人
    path.write_text("地区,人口\n泰安市,500\n", encoding="utf-8")
    spec = dataclasses.replace(
        taian_spec, type="region", nodes=taian_spec.nodes[:1], population=str(path)
    )
    report = build_report(taian_store, spec, charts=False)
    text = _text(_section(report, "capability"))
    hv = high_value_patents(taian_store, level="city")
    high = sum(r.high_value for r in hv.regions if r.region == "泰安市")
    assert f"每万人口高价值发明专利拥有量 {high / 500:.2f} 件" in text
    assert "人口 500.0 万人" in text


def test_the_spec_names_its_population_table_relative_to_its_folder(tmp_path):
    from patnav.analyses.spec import load_spec

    spec_path = tmp_path / "region.yaml"
    spec_path.write_text(
        "title: 区域导航\ntype: region\nregion: {province: 山东省}\n"
        "base_query: IPC=A01B\npopulation: 人口.csv\n",
        encoding="utf-8",
    )
    spec = load_spec(spec_path)
    assert spec.population_path() == tmp_path / "人口.csv"
