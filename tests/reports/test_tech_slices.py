"""The technology, legal-status, hot-spot and chain slices in reports: each presenter
registered under its analysis's name with its sections and rules, and the outlines writing
what the registry gives — in the chapters and order they always had."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from patnav import presenters as P
from patnav.analyses import run_analysis
from patnav.analyses.base import as_engine
from patnav.analyses.spec import load_spec
from patnav.reports.conclusions import all_rules, rule_of
from patnav.reports.context import Builder
from patnav.reports.model import Finding, Section
from patnav.reports.outlines import OUTLINES
from patnav.storage.store import PatentStore
from tests.analyses.conftest import file_scope

SPEC = Path(__file__).parents[1] / "correctness" / "specs" / "taian-rnd.yaml"
RULES = {
    "technology": {"technology.focus"},
    "legal": {"legal.lapse", "legal.operations", "data.unknown_status"},
    "hotspots": {"hotspots.white_space", "hotspots.emerging"},
    "chain": {
        "chain.summary",
        "chain.position",
        "chain.gap",
        "chain.weak",
        "chain.strong",
        "chain.momentum",
        "chain.dependence",
        "chain.attract",
        "chain.partner",
        "chain.strengthen",
        "chain.talent",
        "data.thin_comparator",
    },
}


def test_each_slice_registers_its_sections_and_its_rules():
    for name, rules in RULES.items():
        presenter = P.PRESENTERS[name]
        assert presenter.section is not None, name
        assert {r.name for r in presenter.rules} == rules, name
        for rule in presenter.rules:
            assert rule_of(rule.name) is rule  # the listed rule, not a copy
    assert [k for k, _ in P.PRESENTERS["chain"].parts] == [
        "position",
        "path",
        "talent_path",
    ]
    # listed once each: the method table and the appendix show every rule once
    names = [r.name for r in all_rules()]
    assert len(names) == len(set(names))
    # hot spots and the chain need what a patent set has not (word lists, a spec)
    on_dashboard = {p.name for p in P.dashboard_presenters()}
    assert {"technology", "legal"} <= on_dashboard
    assert not {"hotspots", "chain"} & on_dashboard
    with pytest.raises(LookupError, match="no section 'nowhere'"):
        P.PRESENTERS["chain"].part("nowhere")


def _marker(name: str) -> Any:
    def build(b: Builder, result: Any, found: Sequence[Finding], level: int) -> Section:
        return Section(f"〔{name}〕", level, key=f"marker.{name}")

    return build


@pytest.fixture(scope="module")
def results(loaded_store_path, data_dir) -> dict[str, Any]:
    """The four analyses on real data: the CNIPA export, and the chain of the fruit-tree
    spec (its region and nodes) over the demo corpus."""
    scope = file_scope("%cnipa_export_199.xlsx", "CNIPA export")
    with PatentStore.open(loaded_store_path, read_only=True) as store:
        return {
            "technology": run_analysis("technology", store, scope, count_by="document"),
            "legal": run_analysis("legal", store, scope, count_by="document"),
            "hotspots": run_analysis(
                "hotspots", store, scope, count_by="document", data_dir=data_dir
            ),
            "chain": run_analysis("chain", store, spec=load_spec(SPEC), store=store),
        }


@pytest.fixture
def marked(monkeypatch) -> None:
    """Every section of the four presenters replaced by a marker naming it."""
    for name in RULES:
        presenter = P.PRESENTERS[name]
        monkeypatch.setitem(
            P.PRESENTERS,
            name,
            dataclasses.replace(
                presenter,
                section=_marker(name),
                parts=tuple((k, _marker(f"{name}.{k}")) for k, _ in presenter.parts),
            ),
        )


def _walk(sections: Sequence[Section]) -> Iterator[tuple[str, int, str]]:
    """(parent key, level, key) of every section, depth first."""
    for section in sections:
        for block in section.blocks:
            if isinstance(block, Section):
                yield section.key, block.level, block.key
                yield from _walk([block])


def _outline(
    kind: str, store: PatentStore, results: dict[str, Any], data_dir: Path
) -> list[tuple[str, int, str]]:
    spec = dataclasses.replace(load_spec(SPEC), type=kind)
    b = Builder(store, spec, "zh", as_engine(store), data_dir=data_dir)
    for name, result in results.items():
        b.results.put(name, result)
    out = OUTLINES[kind].sections(b, [])
    placed = [("", s.level, s.key) for s in out] + list(_walk(out))
    return [p for p in placed if p[2].startswith("marker.")]


@pytest.mark.usefixtures("marked")
@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (
            "industry",
            [
                ("", 1, "marker.chain"),
                ("", 1, "marker.chain.position"),
                ("", 1, "marker.chain.path"),
                ("landscape", 2, "marker.technology"),
                ("landscape", 2, "marker.legal"),
                ("landscape", 2, "marker.hotspots"),
            ],
        ),
        (
            "region",
            [
                ("", 1, "marker.chain"),
                ("", 1, "marker.chain.position"),
                ("", 1, "marker.chain.path"),
                ("landscape", 2, "marker.technology"),
                ("landscape", 2, "marker.legal"),
                ("landscape", 2, "marker.hotspots"),
            ],
        ),
        (
            "rnd",
            [
                ("", 1, "marker.hotspots"),
                ("", 1, "marker.chain.path"),
                ("landscape", 2, "marker.technology"),
                ("landscape", 2, "marker.legal"),
            ],
        ),
        (
            "enterprise",
            [
                ("", 1, "marker.hotspots"),
                ("", 1, "marker.chain.path"),
                ("portfolio", 2, "marker.technology"),
                ("portfolio", 2, "marker.legal"),
            ],
        ),
        ("talent", [("", 1, "marker.chain.talent_path")]),
    ],
)
def test_the_outlines_write_what_the_registry_gives(
    kind, expected, loaded_store, results, data_dir
):
    assert _outline(kind, loaded_store, results, data_dir) == expected


def test_the_path_chapter_is_written_without_a_chain(loaded_store, results, data_dir):
    """The enterprise and R&D reports run no chain: their 发展路径与建议 still lists the
    white spaces and recommendations, through the chain presenter's part."""
    spec = dataclasses.replace(load_spec(SPEC), type="rnd")
    b = Builder(loaded_store, spec, "zh", as_engine(loaded_store), data_dir=data_dir)
    b.results.put("hotspots", results["hotspots"])
    out = OUTLINES["rnd"].sections(b, [])
    path = next(s for s in out if s.key == "path")
    assert path.heading == "发展路径与建议" and path.level == 1
    assert out[-2] is path  # before the appendix, as before
    assert P.present(b, "chain", [], level=1) is None  # no chain: no chain section
