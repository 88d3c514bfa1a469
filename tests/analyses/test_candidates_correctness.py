"""The candidates part of the correctness suite: a chain's 招商 candidates and local players
recomputed with pandas from the raw Lens drone export, under the rules the chain module
documents, and compared with the analysis and with the report built from it.

What the recomputation reads from the raw file: each row's application (a unit), filing
and publication dates, IPC symbols (node membership: a symbol starting with the node's
class), applicants and priorities (the first national priority places an applicant by its
country of first filing, two thirds of its applications deciding). What it takes from the
store, as given inputs rather than as results: the enrichment's answer to *who is who* —
which names one entity groups and each holder's party type — because the rules under test
start from them.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd
import pytest

from patnav.analyses.base import NON_COUNTRY_OFFICES
from patnav.analyses.chain import ORGANISATIONS, PRIORITY_MAJORITY, chain_positioning
from patnav.analyses.spec import parse_spec
from patnav.reports import build_report
from patnav.storage.store import PatentStore

LENS = "formats/lens-csv/lens_drones_5884.csv"
SPEC = """
title: 无人机候选对象核对
type: industry
region: {country: CN}
compare: [global]
count_by: application
base_query: IPC=(B64C OR B64D OR G05D1 OR G08G5)
scope:
  - {node: 飞行平台, query: "IPC=B64C"}
  - {node: 飞控与导航, query: "IPC=(G05D1 OR G08G5)"}
"""
NODES = {"飞行平台": ("B64C",), "飞控与导航": ("G05D1/", "G08G5/")}
BASE = ("B64C", "B64D", "G05D1/", "G08G5/")
ACTIVE_YEARS = 5


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    """The enriched Lens drone store the report tests use (built once per run)."""
    from tests.reports.conftest import _build_store, once

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    shared = root / "reports-shared"
    shared.mkdir(exist_ok=True)
    return once(
        shared, "drones.duckdb", lambda p: _build_store(p, data_dir, [([LENS], None)])
    )


@pytest.fixture(scope="module")
def chain(store_path: Path, data_dir: Path):
    spec = parse_spec(SPEC, source="candidates.yaml")
    with PatentStore.open(store_path, read_only=True) as store:
        result = chain_positioning(store, spec, store=store, top=10)
        report = build_report(store, spec, charts=False, data_dir=data_dir)
    return result, report


@pytest.fixture(scope="module")
def holders(store_path: Path) -> pd.DataFrame:
    """Given inputs: each applicant name's holder key, display name and party type."""
    with PatentStore.open(store_path, read_only=True) as store:
        frame = store.query(
            """
            SELECT pa.name, coalesce(pa.entity_id, 'name:' || pa.name) AS akey,
                   coalesce(e.name, pa.name) AS shown,
                   coalesce(e.party_type, pa.party_type, 'unknown') AS party_type
            FROM parties pa LEFT JOIN entities e ON e.entity_id = pa.entity_id
            WHERE pa.role = 'applicant'
            """
        ).to_pandas()
    return frame.drop_duplicates()


def _split(cell: str) -> list[str]:
    return [v.strip() for v in cell.split(";;") if v.strip()]


def _first_national_priority(cell: str) -> str | None:
    """The country of a row's earliest national priority (``FR 1051751 A 20100311``)."""
    found = []
    for i, item in enumerate(_split(cell)):
        parts = item.split()
        if len(parts) < 2 or parts[0] in NON_COUNTRY_OFFICES:
            continue
        found.append((parts[-1] if parts[-1].isdigit() else "99999999", i, parts[0]))
    return min(found)[2] if found else None


def _recompute(lens: pd.DataFrame, holders: pd.DataFrame, node: str) -> dict:
    """The node's eligible local players and candidates, with their numbers."""
    lens = lens.copy()
    lens["codes"] = lens["IPCR Classifications"].map(_split)
    lens["year"] = pd.to_datetime(lens["Application Date"]).dt.year
    in_base = lens["codes"].map(lambda cs: any(c.startswith(BASE) for c in cs))
    base = lens[in_base]
    # the cut-off: the base's latest publication or filing; the last 18 months are
    # incomplete; the recent window is the three complete years before, the active one
    # the five complete years before and everything after
    cutoff = max(
        pd.to_datetime(base["Publication Date"]).max(),
        pd.to_datetime(base["Application Date"]).max(),
    )
    first_incomplete = (cutoff.year * 12 + cutoff.month - 1 - 18) // 12
    last = first_incomplete - 1
    recent = (last - 2, last)
    active_from = last - ACTIVE_YEARS + 1
    by_name = holders.groupby("name")["akey"].first().to_dict()

    def keys(cell: str) -> set[str]:
        return {by_name[n] for n in _split(cell) if n in by_name}

    # where each holder files first: over every row of the file it applies for
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for _, row in lens.iterrows():
        country = _first_national_priority(row["Priority Numbers"])
        if country is None:
            continue
        for akey in keys(row["Applicants"]):
            votes[akey][country] += 1
    place = {}
    for akey, counts in votes.items():
        country, n = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        if n >= PRIORITY_MAJORITY * sum(counts.values()):
            place[akey] = country
    # weapons share over the base's units
    armed: dict[str, list[bool]] = defaultdict(list)
    for _, row in base.iterrows():
        weapon = any(c.startswith(("F41", "F42")) for c in row["codes"])
        for akey in keys(row["Applicants"]):
            armed[akey].append(weapon)
    prefixes = NODES[node]
    rows = base[base["codes"].map(lambda cs: any(c.startswith(prefixes) for c in cs))]
    units: dict[str, list[int]] = defaultdict(list)
    for _, row in rows.iterrows():
        for akey in keys(row["Applicants"]):
            units[akey].append(int(row["year"]))
    types = holders.groupby("akey")["party_type"].min()
    shown = holders.groupby("akey")["shown"].min()
    out: dict[str, dict] = {"local": {}, "candidates": {}}
    for akey, years in units.items():
        if max(years) < active_from or akey not in place:
            continue
        numbers = {
            "name": shown[akey],
            "units": len(years),
            "recent": sum(recent[0] <= y <= recent[1] for y in years),
            "last_year": max(years),
            "country": place[akey],
        }
        if place[akey] == "CN" and types[akey] in (*ORGANISATIONS, "government"):
            out["local"][akey] = numbers
        elif (
            place[akey] != "CN"
            and types[akey] in ORGANISATIONS
            and sum(armed[akey]) / len(armed[akey]) < 0.5
        ):
            out["candidates"][akey] = numbers
    out["window"] = (active_from, last)
    return out


def _agrees(listed, eligible: dict[str, dict]) -> None:
    """Every listed holder is eligible with the same numbers, ranked by units then recent
    units, and nobody left out outranks the last one listed."""
    assert listed, "the node lists nobody"
    keys = [p.key for p in listed]
    for p in listed:
        expected = eligible[p.key]
        assert (p.name, p.units, p.recent, p.last_year) == (
            expected["name"],
            expected["units"],
            expected["recent"],
            expected["last_year"],
        )
    ranks = [(p.units, p.recent) for p in listed]
    assert ranks == sorted(ranks, reverse=True)
    last = ranks[-1]
    outranking = [
        k
        for k, v in eligible.items()
        if k not in keys and (v["units"], v["recent"]) > last
    ]
    assert not outranking


@pytest.mark.parametrize("node", list(NODES))
def test_candidates_and_local_players_match_the_raw_export(
    chain, holders, data_dir, node
):
    result, _ = chain
    lens = pd.read_csv(data_dir / LENS, dtype=str, keep_default_na=False)
    expected = _recompute(lens, holders, node)
    assert result.active_window == expected["window"]
    got = next(n for n in result.nodes if n.node == node)
    _agrees(got.candidates, expected["candidates"])
    _agrees(got.local_players, expected["local"])
    for p in got.candidates:
        assert p.location_basis == "priority"
        assert p.location != "中国"
    assert all(p.location == "中国" for p in got.local_players)


def test_the_report_shows_the_recomputed_candidates(chain, holders, data_dir):
    _, report = chain
    lens = pd.read_csv(data_dir / LENS, dtype=str, keep_default_na=False)
    tables = {t.key: t for t in report.tables()}
    shown = [
        row
        for key in ("path.attract.table", "path.partner.table")
        if key in tables
        for row in tables[key].rows
    ]
    assert shown
    for node in NODES:
        expected = _recompute(lens, holders, node)["candidates"]
        by_name = {v["name"]: v for v in expected.values()}
        rows = [r for r in shown if r[0] == node]
        assert len(rows) == min(5, len(expected))
        for row in rows:
            numbers = by_name[row[2]]
            assert row[4] == f"{numbers['units']:,}"
            assert row[5] == f"{numbers['recent']:,}"
            assert row[-1] == str(numbers["last_year"])
