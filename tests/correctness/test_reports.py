"""Every report's scope, leading applicants and chain positions, recomputed from the raw
files (``raw.py``, ``query.py``, ``figures.py``) and compared with what the report states
— in its model and in its DOCX.

The scope rule is restated from the spec's YAML, not asked of the spec object: the base
query, else the union of every node's query, else an enterprise's entities or a region's
applicants; limited to documents originating in the home country when the only comparator
is national; within the period.
"""

from __future__ import annotations

import math

import pytest

from patnav.reports import labels as L
from tests.correctness.conftest import Case, specs
from tests.correctness.figures import Corpus, chain, corpus_of, name_key
from tests.correctness.raw import Doc

TOP = 10
"""Applicants compared per report."""

DISPLAYED = {
    "LG 电子株式会社": "LG ELECTRONICS INC",
    "高通股份有限公司": "QUALCOMM INC",
    "国际商业机器公司": "INT BUSINESS MACHINES CORP",
}
"""Foreign companies a Chinese report names by their registered Chinese names; the
exports write their English names."""

ALIASES = {
    "SZ DJI TECHNOLOGY CO LTD": ["深圳市大疆创新科技有限公司"],
    "AMAZON TECH INC": ["AMAZON TECHNOLOGIES INC"],
}
"""Names the suite knows to be one applicant: DJI's registered English and Chinese names;
Amazon Technologies, Inc. as Lens abbreviates it and as Derwent writes it. An enterprise
spec names each once; the store must find its documents under every name."""


# -- the scope, from the YAML ---------------------------------------------------------------


def _walk(nodes: list[dict]) -> list[dict]:
    out = []
    for node in nodes or []:
        out.append(node)
        out.extend(_walk(node.get("children", [])))
    return out


def _node_keys(corpus: Corpus, node: dict, within: set[str] | None = None) -> set[str]:
    """A node's documents (among ``within``): its query, or its children's (a node
    without one is their union)."""
    if node.get("query"):
        return corpus.select(node["query"], within=within)
    keys: set[str] = set()
    for child in node.get("children", []):
        keys |= _node_keys(corpus, child, within)
    return keys


def _region_query(region: dict) -> str:
    return " AND ".join(
        f'{f}="{region[k]}"'
        for f, k in (("PROV", "province"), ("CITY", "city"))
        if k in region
    )


def _region_keys(corpus: Corpus, region: dict) -> set[str]:
    """Documents with an applicant located in the region."""
    province, city = region.get("province"), region.get("city")
    out = set()
    for key, doc in corpus.docs.items():
        for place in doc.places:
            if place is None:
                continue
            if province and place.province != province:
                continue
            if city and not (place.city or "").startswith(city.rstrip("市")):
                continue
            out.add(key)
            break
    return out


def scope_keys(corpus: Corpus, spec: dict) -> set[str]:
    """The spec's documents, by the rule in the module docstring."""
    if spec.get("base_query"):
        keys = corpus.select(spec["base_query"])
    elif any(n.get("query") for n in _walk(spec.get("scope", []))):
        keys = set().union(
            *(corpus.select(n["query"]) for n in _walk(spec["scope"]) if n.get("query"))
        )
    elif spec["type"] == "enterprise":
        keys = set().union(
            *(corpus.select(f'PA="{e}"', ALIASES) for e in spec["entities"])
        )
    elif spec["type"] == "region":
        keys = _region_keys(corpus, spec["region"])
    else:
        raise AssertionError(
            f"{spec['title']}: no scope — the spec should have been refused"
        )
    compare = spec.get("compare", ["national", "global"])
    if spec.get("region") and "national" in compare and "global" not in compare:
        keys &= corpus.from_country(spec["region"].get("country", "CN"))
    return keys & _period(corpus, spec)


def _period(corpus: Corpus, spec: dict) -> set[str]:
    period = spec.get("period") or {}
    if not period:
        return set(corpus.docs)
    assert period.get("by", "application_date") == "application_date", (
        "recomputed by filing date only"
    )
    return corpus.in_period(period.get("from"), period.get("to"))


def _corpus(case: Case, raw_docs: dict[str, Doc]) -> Corpus:
    return corpus_of(raw_docs, case.spec.count_by)


def _statement(case: Case, key: str):
    found = [s for s in case.report.scopes if s.key == key]
    assert found, f"{case.path.name}: the report states no '{key}' scope"
    return found[0]


def _stated_in_docx(case: Case, label: str, units: int) -> None:
    measure = L.unit_measure(case.spec.count_by, "zh")
    row = f"{label}{L.t('meta.units', 'zh')} | {units:,} {measure}"
    assert row in case.text, f"{case.path.name}: the DOCX does not say '{row}'"


# -- checks ----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", specs(), indirect=True)
def test_the_scope_count_is_what_the_raw_files_give(case: Case, raw_docs):
    corpus = _corpus(case, raw_docs)
    keys = scope_keys(corpus, case.yaml)
    units = len(corpus.units_of(keys))
    assert units > 0
    spec_type = case.yaml["type"]
    if spec_type == "micro":
        node = case.yaml["scope"][0]
        node_units = len(corpus.units_of(_node_keys(corpus, node, keys)))
        stated = _statement(case, "node")
        assert stated.units == node_units
        assert (
            f"共 {node_units:,} {L.unit_measure(case.spec.count_by, 'zh')}" in case.text
        )
        return
    key = "chain" if spec_type == "region" and case.yaml.get("scope") else "scope"
    stated = _statement(case, key)
    assert stated.units == units, (
        f"{case.path.name}: {stated.units} stated, {units} in the files"
    )
    _stated_in_docx(case, stated.label, units)
    if spec_type == "region" and key == "chain":
        home = _region_keys(corpus, case.yaml["region"]) & _period(corpus, case.yaml)
        home_units = len(corpus.units_of(home))
        region = _statement(case, "region")
        assert region.units == home_units
        _stated_in_docx(case, region.label, home_units)
    if spec_type == "enterprise":
        focal = case.yaml["entities"][0]
        own = corpus.select(f'PA="{focal}"', ALIASES, within=keys)
        portfolio = _statement(case, "portfolio")
        assert portfolio.units == len(corpus.units_of(own))
        _stated_in_docx(case, portfolio.label, portfolio.units)


def _column(table, header: str) -> int:
    assert header in table.columns, (
        f"{table.key}: no column {header!r} in {table.columns}"
    )
    return table.columns.index(header)


@pytest.mark.parametrize(
    "case", specs(types=("industry", "region", "rnd", "talent")), indirect=True
)
def test_the_leading_applicants_are_those_of_the_raw_files(case: Case, raw_docs):
    (table,) = [t for t in case.report.tables() if t.key == "applicants.table"]
    corpus = _corpus(case, raw_docs)
    keys = scope_keys(corpus, case.yaml)
    if case.yaml["type"] == "region":  # the region's own documents
        keys = _region_keys(corpus, case.yaml["region"]) & _period(corpus, case.yaml)
    counts = corpus.applicants(keys)
    expected = counts.most_common()
    units = _column(table, L.count_header(case.spec.count_by, "zh"))
    names = _column(table, L.t("col.applicant", "zh"))
    shown = [
        (name_key(DISPLAYED.get(r[names], r[names])), int(r[units].replace(",", "")))
        for r in table.rows[:TOP]
    ]
    # the counts, rank by rank, are the files' top counts
    assert [n for _, n in shown] == [n for _, n in expected[: len(shown)]]
    # and every name has that count in the files (ties may be listed in any order)
    for name, n in shown:
        assert counts.get(name) == n, (
            f"{case.path.name}: {name} {n} stated, {counts.get(name)} in the files"
        )
    for row in table.rows[:TOP]:
        assert " | ".join(row) in case.text


@pytest.mark.parametrize(
    "case", specs(types=("industry", "region", "micro"), chain=True), indirect=True
)
def test_chain_positions_are_those_of_the_raw_files(case: Case, raw_docs):
    """Every node's home and comparator units, RTA and position; a micro-navigation
    states its node's as a finding."""
    rows = None
    if case.report.type != "micro":
        (rows,) = [t for t in case.report.tables() if t.key == "chain.table"]
    corpus = _corpus(case, raw_docs)
    keys = scope_keys(corpus, case.yaml)
    region = case.yaml["region"]
    home = (region.get("country", "CN"), region.get("province"), region.get("city"))
    tree = case.yaml["scope"]
    if case.report.type == "micro":
        tree = tree[:1]
    nodes = [(n["node"], _node_keys(corpus, n, keys)) for n in _walk(tree)]
    _totals, figures = chain(corpus, keys, nodes, home)
    national = bool(region.get("province") or region.get("city"))
    if rows is None:  # a micro-navigation states its node's position as a finding
        finding = next(f for f in case.report.findings if f.rule == "chain.position")
        node = figures[0]
        assert finding.numbers["home"] == node.home
        assert finding.subject == tree[0]["node"]
        assert L.position_label(node.position, "zh") in finding.text
        return
    table = rows
    unit = L.unit_measure(case.spec.count_by, "zh")
    home_col = _column(table, f"{L.t('col.home', 'zh')}（{unit}）")
    cmp_label = L.t("col.national" if national else "col.world", "zh")
    cmp_col = _column(table, f"{cmp_label}（{unit}）")
    rta_col = _column(table, "RTA")
    pos_col = _column(table, L.t("col.position", "zh"))
    assert len(table.rows) == len(figures)
    for row, node in zip(table.rows, figures, strict=True):
        assert row[0].strip("　") == node.node
        assert row[home_col] == f"{node.home:,}", node.node
        assert row[cmp_col] == f"{(node.national if national else node.world):,}", (
            node.node
        )
        if node.rta is None:
            assert row[rta_col] == "-"
        else:
            assert math.isclose(
                float(row[rta_col]), round(node.rta, 2), abs_tol=0.005
            ), node.node
        assert row[pos_col] == L.position_label(node.position, "zh"), node.node
        assert " | ".join(row) in case.text


@pytest.mark.parametrize("case", specs(types=("enterprise",)), indirect=True)
def test_competitors_are_counted_as_in_the_raw_files(case: Case, raw_docs):
    (table,) = [t for t in case.report.tables() if t.key == "competitors.table"]
    corpus = _corpus(case, raw_docs)
    keys = scope_keys(corpus, case.yaml)
    units = _column(table, L.count_header(case.spec.count_by, "zh"))
    for entity, row in zip(case.yaml["entities"], table.rows, strict=True):
        own = corpus.select(f'PA="{entity}"', ALIASES, within=keys)
        assert row[0] == entity
        assert int(row[units].replace(",", "")) == len(corpus.units_of(own)), entity


# -- the subject: nothing of the other corpora -------------------------------------------------


OTHER_SUBJECTS = (
    *("THALES", "PARROT", "DCNS", "BOEING", "ELWHA", "DJI", "AMAZON"),
    # foreign individuals whose PCT applications entered China (CN2014 8 …): filed first
    # at the International Bureau, they are no Chinese applicants
    *("ALMUHAIRBI", "KASSAB", "ALSHDAIFAT"),
    *("B64C", "B64U"),
)
"""Drone makers, defence groups, foreign individuals and aircraft classes of the drone
exports, none of which belongs to a report on Tai'an."""


@pytest.mark.parametrize("case", specs(city="泰安"), indirect=True)
def test_a_report_on_the_taian_city_is_about_the_city(case: Case):
    """The Tai'an reports share a store with drone exports: none of them may show what
    belongs to those exports (``OTHER_SUBJECTS``) anywhere."""
    for word in OTHER_SUBJECTS:
        assert word not in case.text, f"{case.path.name}: '{word}' in the report"
