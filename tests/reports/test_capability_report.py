"""The capability section of region and enterprise reports, on the real Tai'an corpus and
the Lens drone export: the tables are the model's, missing indicators are said, and the
high-value indicator gives counts and says the ratio needs a population table."""

from __future__ import annotations

import dataclasses

from patnav.models.capability import CapabilityModel
from patnav.models.high_value import high_value_patents
from patnav.reports import build_report


def _section(report, key):
    return next(s for s in report.sections if s.key == key)


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
