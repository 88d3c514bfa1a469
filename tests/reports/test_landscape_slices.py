"""The landscape slices (geography, applicants, network, inventors, competitors, trend):
registered once with the rules of their findings, their sections found by the outlines in
the registry, the home region shown once — in the geography, or in the regional position
when the report positions a chain."""

from __future__ import annotations

import dataclasses

import pytest

from patnav.presenters import PRESENTERS
from patnav.reports import build_report
from patnav.reports.conclusions import RULES, rule_of
from patnav.reports.model import Figure, Finding, Report, Section

SLICES = {
    "trend": ("trend.",),
    "geography": ("geography.",),
    "applicants": ("applicants.",),
    "inventors": ("inventors.",),
    "competitors": ("competitors.",),
}
"""Each landscape slice and the prefixes of the findings its section shows."""


@pytest.mark.parametrize("name", sorted(SLICES))
def test_each_slice_lists_every_rule_of_its_findings(name):
    presenter = PRESENTERS[name]
    listed = {rule.name for rule in presenter.rules}
    own = {rule.name for rule in RULES if rule.name.startswith(SLICES[name])}
    assert own and own <= listed, (name, own - listed)
    assert presenter.section is not None


def test_the_findings_of_the_reports_come_from_their_slices_rules(
    taian_report, drones_report
):
    for report, _ in (taian_report, drones_report):
        for finding in report.findings:
            owner = [n for n, p in SLICES.items() if finding.rule.startswith(p)]
            if not owner:
                continue
            rule = rule_of(finding.rule)
            assert rule is not None, finding.rule
            assert rule in PRESENTERS[owner[0]].rules, finding.rule


def test_the_network_shows_in_the_applicants_section(drones_report):
    report, _ = drones_report
    applicants = _section(report, "applicants")
    keys = [getattr(b, "key", "") for b in _walk(applicants)]
    assert "network.table" in keys
    assert PRESENTERS["network"].section is None and PRESENTERS["network"].dashboard


def _walk(section: Section):
    for block in section.blocks:
        yield block
        if isinstance(block, Section):
            yield from _walk(block)


def _section(report: Report, key: str) -> Section:
    found = [b for b in report.walk() if isinstance(b, Section) and b.key == key]
    assert len(found) == 1, (key, len(found))
    return found[0]


def _home_figures(blocks) -> list[Figure]:
    return [b for b in blocks if isinstance(b, Figure) and b.key == "geography.home"]


def _home_findings(blocks) -> list[Finding]:
    return [
        b
        for b in blocks
        if isinstance(b, Finding) and b.rule.startswith("geography.home")
    ]


def test_with_a_chain_the_home_region_is_the_positions(taian_store, taian_spec):
    spec = dataclasses.replace(taian_spec, type="region", nodes=taian_spec.nodes[:2])
    report = build_report(taian_store, spec, charts=False)
    position = _section(report, "position")
    geography = _section(report, "geography")
    assert geography in position.blocks  # the region among the provinces or cities
    assert not _home_figures(_walk(geography))
    assert not _home_findings(_walk(geography))
    assert len(_home_figures(report.walk())) == 1
    assert len(_home_figures(position.blocks)) == 1
    assert _home_findings(position.blocks)


def test_without_a_chain_the_home_region_is_the_geographys(taian_store, taian_spec):
    spec = dataclasses.replace(taian_spec, type="region", nodes=())
    report = build_report(taian_store, spec, charts=False)
    assert not [
        b for b in report.walk() if isinstance(b, Section) and b.key == "position"
    ]
    geography = _section(report, "geography")
    assert geography in _section(report, "landscape").blocks
    (home,) = _home_figures(report.walk())
    assert home in geography.blocks
    assert _home_findings(geography.blocks)
    # the region against the nation: the home series never exceeds the national one
    region, nation = home.chart.series
    assert region.name == "泰安市" and nation.name
    assert all(
        (h or 0) <= (n or 0) for h, n in zip(region.values, nation.values, strict=True)
    )
    assert sum(v or 0 for v in region.values) > 0
