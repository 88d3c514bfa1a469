"""Conclusions come from explicit rules over the results, cite their numbers, and differ
with the data."""

from __future__ import annotations

from patnav.analyses.chain import chain_positioning
from patnav.reports.conclusions import RULES, conclude
from patnav.reports.context import Results


def _formatted(value):
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return f"{value:,}"
    return None


def test_two_specs_give_different_conclusions(taian_report, drones_report):
    taian = {f.text for f in taian_report[0].findings}
    drones = {f.text for f in drones_report[0].findings}
    assert taian and drones and not taian & drones
    assert {f.rule for f in taian_report[0].findings} != {
        f.rule for f in drones_report[0].findings
    }


def test_every_finding_cites_the_integers_it_holds(taian_report, drones_report):
    for report in (taian_report[0], drones_report[0]):
        for finding in report.findings:
            assert finding.rule in {r.name for r in RULES} or finding.rule.startswith(
                ("applicants.individuals", "legal.in_force", "competitors.rising")
            )
            for key, value in finding.numbers.items():
                text = _formatted(value)
                if text is not None and not key.endswith("_year"):
                    assert text in finding.text, (finding.rule, key, finding.text)


def test_tai_an_caveats_come_from_its_data(taian_report, taian_store, taian_spec):
    """The national comparator is mostly Tai'an itself, said with the numbers of the
    spec's scope (which the correctness suite,
    tests/correctness, recomputes from the raw files)."""
    from patnav.reports import labels as L

    by_rule = {f.rule: f for f in taian_report[0].findings}
    chain = chain_positioning(taian_store, taian_spec, store=taian_store)
    thin = by_rule["data.thin_comparator"]
    home, comparator = thin.numbers["home"], thin.numbers["comparator"]
    assert (home, comparator) == (chain.home_total, chain.national_total)
    assert 0.9 < home / comparator <= 1  # the national samples add few in scope
    assert L.pct(home / comparator) in thin.text
    assert f"{home:,}" in thin.text and f"{comparator:,}" in thin.text
    # no drop is claimed over years the cut-off leaves incomplete (2014 on, here)
    assert (
        "data.drop" not in by_rule or by_rule["data.drop"].numbers["last_year"] < 2014
    )
    dependence = by_rule["chain.dependence"]
    assert "山东农业大学" in dependence.text and dependence.subject == "现代农业与食品"


def test_drones_gaps_and_candidates_are_the_chain_analysis(
    drones_store, drones_spec, drones_report
):
    chain = chain_positioning(drones_store, drones_spec, store=drones_store)
    gaps = {n.node for n in chain.nodes if n.position == "gap"}
    findings = drones_report[0].findings
    assert (
        {f.subject for f in findings if f.rule == "chain.gap"}
        == gaps
        == {
            "通信与数据链",
            "物流配送",
            "反无人机与安防",
        }
    )
    weak = {n.node: n for n in chain.nodes if n.position == "weak"}
    attract = {f.subject: f for f in findings if f.rule == "chain.attract"}
    assert set(attract) <= gaps | set(weak)
    platform = weak["飞行平台"]
    first = platform.candidates[0]
    assert (
        f"{first.name}（{first.location}，{first.units} 族" in attract["飞行平台"].text
    )
    assert (
        f"{chain.active_window[0]} 年以来仍在该环节申请的区外机构"
        in attract["飞行平台"].text
    )
    assert f"RTA={platform.rta:.2f}" in next(
        f.text for f in findings if f.rule == "chain.weak" and f.subject == "飞行平台"
    )


def test_a_rule_with_nothing_to_say_says_nothing(drones_spec):
    empty = Results(spec=drones_spec, lang="zh", scope_label="x")
    assert conclude(empty) == []


def test_reports_are_deterministic(drones_store, drones_spec):
    import dataclasses

    from patnav.reports import build_report

    spec = dataclasses.replace(drones_spec, type="micro")
    first = build_report(drones_store, spec, charts=True)
    again = build_report(drones_store, spec, charts=True)
    assert [f.text for f in again.findings] == [f.text for f in first.findings]
    assert [t.rows for t in again.tables()] == [t.rows for t in first.tables()]
    assert [f.png for f in again.figures()] == [f.png for f in first.figures()]
