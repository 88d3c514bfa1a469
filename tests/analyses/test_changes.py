"""What changed between two states of a spec's data (issue 17, 专利导航动态更新), on real data.

The Tai'an city corpus is split with pandas by filing date into two files; part 1 is
imported, the moment noted, then part 2. The old state (imported before the cut-off) and the
new state are compared; the totals, new entrants, first-time applicants and rank shifts are
checked against pandas counts over the two raw parts (the spec's scope — its nodes' main IPC
subclasses, its period — applied in pandas).
"""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from patnav.analyses.chain import ChainPositioning, NodePosition
from patnav.analyses.changes import (
    Changes,
    State,
    compare_states,
    imported_before,
    state_of,
)
from patnav.analyses.spec import NavigationSpec, load_spec
from patnav.cli import cli
from patnav.ingest.pipeline import import_paths
from patnav.ingest.tabular.columns import load_mapping
from patnav.reports.changes import TITLE, build_changes_report
from patnav.reports.check import check_report
from patnav.storage.store import PatentStore

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "specs" / "taian-industry.yaml"
CORPUS = "corpora/cn-taian-7384/taian_patents.xlsx"
SPLIT = "2013-01-01"  # part 2: the applications filed from this day


@pytest.fixture(scope="module")
def parts(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The corpus split into two real export files (and the frames, for the checks)."""
    folder = tmp_path_factory.mktemp("changes")
    raw = pd.read_excel(data_dir / CORPUS)
    day = raw["申请日"].astype(str)
    one, two = raw[day < SPLIT], raw[day >= SPLIT]
    assert len(one) and len(two)
    one.to_excel(folder / "part1.xlsx", index=False)
    two.to_excel(folder / "part2.xlsx", index=False)
    return {"folder": folder, "one": one, "two": two}


@pytest.fixture(scope="module")
def split_store(parts: dict[str, Any]) -> tuple[Path, datetime]:
    """A store with part 1 imported, then (after the noted cut-off) part 2."""
    folder: Path = parts["folder"]
    path = folder / "store.duckdb"
    mapping = load_mapping(REPO / "specs" / "taian-import.yaml")
    with PatentStore.open(path) as store:
        first = import_paths(
            store, [folder / "part1.xlsx"], mapping=mapping, raise_unexpected=True
        )
        assert first.ok, first.to_dict()
        time.sleep(0.05)
        cutoff = datetime.now(UTC).replace(tzinfo=None)
        time.sleep(0.05)
        second = import_paths(
            store, [folder / "part2.xlsx"], mapping=mapping, raise_unexpected=True
        )
        assert second.ok, second.to_dict()
    return path, cutoff


@pytest.fixture(scope="module")
def spec() -> NavigationSpec:
    return load_spec(SPEC)


@pytest.fixture(scope="module")
def states(
    split_store: tuple[Path, datetime], spec: NavigationSpec, data_dir: Path
) -> tuple[State, State]:
    path, cutoff = split_store
    with PatentStore.open(path, read_only=True) as store:
        old = state_of(store, spec, before=cutoff, data_dir=data_dir)
        new = state_of(store, spec, data_dir=data_dir)
    return old, new


@pytest.fixture(scope="module")
def changes(states: tuple[State, State], spec: NavigationSpec) -> Changes:
    old, new = states
    return compare_states(old, new, title=spec.title, count_by=spec.count_by, top=20)


def _in_scope(frame: pd.DataFrame) -> pd.DataFrame:
    """The spec's scope in pandas: a main IPC subclass (or main group) of one of its
    nodes, filed in its period (every Tai'an application is Chinese)."""
    text = SPEC.read_text("utf-8")
    subclasses = set(re.findall(r"\b[A-H]\d\d[A-Z]\b", text))
    groups = set(re.findall(r"\b[A-H]\d\d[A-Z]\d+\b", text))  # H01L31: a main group
    ipc = frame["主分类号"].astype(str).str.strip()
    year = frame["申请日"].astype(str).str[:4].astype(int)
    keep = ipc.str[:4].isin(subclasses) | ipc.str.split("/").str[0].isin(groups)
    keep &= (year >= 1985) & (year <= 2015)
    return frame[keep].drop_duplicates("申请号")


def _ranks(frame: pd.DataFrame) -> pd.DataFrame:
    """Applicants by applications, most first, ties by name (the ranking's order)."""
    counts = frame.groupby("申请人").size().rename("units").reset_index()
    counts = counts.sort_values(["units", "申请人"], ascending=[False, True])
    counts["rank"] = range(1, len(counts) + 1)
    return counts.set_index("申请人")


def test_totals_are_the_documents_of_each_part(
    changes: Changes, parts: dict[str, Any]
) -> None:
    one, both = (
        _in_scope(parts["one"]),
        _in_scope(pd.concat([parts["one"], parts["two"]])),
    )
    assert changes.old_documents == len(one)
    assert changes.new_documents == len(both)
    assert changes.added_documents == len(_in_scope(parts["two"]))
    assert changes.added_units == changes.new_units - changes.old_units
    assert changes.added_documents > 0
    data = changes.to_dict()
    assert data["old_scope"] != data["new_scope"]
    assert "前导入的文献" in data["old_scope"]


def test_new_entrants_and_first_filers_match_pandas(
    changes: Changes, parts: dict[str, Any]
) -> None:
    old = _ranks(_in_scope(parts["one"]))
    new = _ranks(_in_scope(pd.concat([parts["one"], parts["two"]])))
    old_top = set(old[old["rank"] <= 20].index)
    new_top = set(new[new["rank"] <= 20].index)
    assert changes.new_entrants is not None and changes.first_filers is not None
    assert {e.name for e in changes.new_entrants} == new_top - old_top
    assert new_top - old_top  # the split does bring new entrants
    for e in changes.new_entrants:
        assert e.new_rank == new.loc[e.name, "rank"]
        assert e.new_units == new.loc[e.name, "units"]
        if e.name in old.index:
            assert (e.old_rank, e.old_units) == tuple(
                old.loc[e.name, ["rank", "units"]]
            )
            assert e.had_none is False
        else:
            assert (e.old_rank, e.old_units, e.had_none) == (None, 0, True)
    first = set(new.index) - set(old.index)
    assert {e.name for e in changes.first_filers} == first
    assert all(e.had_none and e.old_units == 0 for e in changes.first_filers)


def test_rank_shifts_of_the_top_applicants_match_pandas(
    changes: Changes, parts: dict[str, Any]
) -> None:
    old = _ranks(_in_scope(parts["one"]))
    new = _ranks(_in_scope(pd.concat([parts["one"], parts["two"]])))
    both = old.join(new, suffixes=("_old", "_new"), how="inner")
    moved = both[
        (both["rank_old"] != both["rank_new"])
        & ((both["rank_old"] <= 20) | (both["rank_new"] <= 20))
    ]
    assert changes.applicant_shifts is not None
    got = {
        s.name: (s.old_rank, s.new_rank, s.old_units, s.new_units, s.shift)
        for s in changes.applicant_shifts
    }
    want = {
        name: (
            r.rank_old,
            r.rank_new,
            r.units_old,
            r.units_new,
            r.rank_old - r.rank_new,
        )
        for name, r in moved.iterrows()
    }
    assert got == want
    assert want


def test_the_chain_of_the_old_state_is_cut_at_the_import_time(
    states: tuple[State, State], parts: dict[str, Any]
) -> None:
    old, new = states
    assert old.chain is not None and new.chain is not None
    both = pd.concat([parts["one"], parts["two"]])
    assert old.chain.national_total == len(_in_scope(parts["one"]))
    assert new.chain.national_total == len(_in_scope(both))
    first = old.chain.nodes[
        0
    ]  # 输变电装备: IPCM=(H01H OR H02B OR H01F OR H02J OR H02G)
    power = ("H01H", "H02B", "H01F", "H02J", "H02G")
    in_node = _in_scope(parts["one"])["主分类号"].astype(str).str[:4].isin(power)
    assert (first.node, first.national) == ("输变电装备", int(in_node.sum()))


def test_hot_terms_are_compared_when_both_sides_ran(changes: Changes) -> None:
    assert changes.terms_entered is not None and changes.terms_left is not None
    assert {t.change for t in changes.terms_entered} <= {"entered"}
    assert all(t.old_rank is None and t.new_rank for t in changes.terms_entered)
    assert all(t.new_rank is None and t.old_rank for t in changes.terms_left)
    entered = {t.term for t in changes.terms_entered}
    assert not entered & {t.term for t in changes.terms_left}


def test_an_analysis_missing_on_one_side_stays_unknown(
    split_store: tuple[Path, datetime], spec: NavigationSpec, data_dir: Path
) -> None:
    path, cutoff = split_store
    with PatentStore.open(path, read_only=True) as store:
        old = state_of(store, spec, before=cutoff)  # no vocabularies: no hot spots
        new = state_of(store, spec, data_dir=data_dir)
    result = compare_states(old, new, count_by=spec.count_by)
    assert result.terms_entered is None and result.terms_left is None
    assert any(m.startswith("技术热点：旧数据未运行") for m in result.missing)
    report = build_changes_report(result)
    assert check_report(report) == []
    text = "\n".join(
        getattr(b, "text", "") for b in report.walk() if hasattr(b, "text")
    )
    assert "技术热点在旧数据或新数据上未运行，其变化未知" in text


def test_the_cutoff_reads_aware_moments_as_utc() -> None:
    beijing = datetime(2026, 1, 1, 16, 0, tzinfo=timezone(timedelta(hours=8)))
    assert dict(imported_before(beijing).params)["changes_cutoff"] == datetime(
        2026, 1, 1, 8, 0
    )


def _node(name: str, share: float | None, position: str) -> NodePosition:
    return NodePosition(
        node=name,
        path=(name,),
        depth=0,
        home=10,
        national=100,
        world=100,
        share_of_national=share,
        share_of_world=share,
        rta=None,
        rta_basis="national",
        home_recent=0,
        home_previous=0,
        home_growth=None,
        comparator_growth=None,
        position=position,
        position_zh=position,
        reason="",
        local_players=(),
        candidates=(),
        talents=(),
    )


def _chain(*nodes: NodePosition) -> ChainPositioning:
    return ChainPositioning(
        title="t",
        region="r",
        count_by="application",
        unit_zh="件申请",
        home_total=0,
        national_total=0,
        world_total=0,
        recent_window=None,
        previous_window=None,
        rules={},
        nodes=nodes,
    )


def test_chain_nodes_are_listed_past_the_threshold_or_on_a_new_position() -> None:
    def state(chain: ChainPositioning | None) -> State:
        return State("s", 0, 0, None, None, None, chain)

    old = _chain(
        _node("a", 0.10, "weak"),
        _node("b", 0.10, "weak"),
        _node("c", 0.10, "weak"),
        _node("d", None, "gap"),
    )
    new = _chain(
        _node("a", 0.11, "weak"),  # +1 point: below the threshold
        _node("b", 0.13, "weak"),  # +3 points
        _node("c", 0.10, "strong"),  # same share, new position
        _node("d", 0.05, "gap"),  # share now known: the change is unknown, listed
    )
    result = compare_states(state(old), state(new), share_threshold=0.02)
    assert result.chain_changes is not None
    assert [n.node for n in result.chain_changes] == ["b", "c", "d"]
    assert result.chain_changes[0].delta == pytest.approx(0.03)
    assert result.chain_changes[2].delta is None
    assert result.new_entrants is None and result.applicant_shifts is None
    assert compare_states(state(None), state(new)).chain_changes is None


def test_the_changes_report_passes_the_report_check(changes: Changes) -> None:
    report = build_changes_report(changes)
    assert report.title == TITLE
    assert check_report(report) == []
    keys = {t.key for t in report.tables()}
    assert {"totals", "entrants", "applicant-shifts"} <= keys
    totals = next(t for t in report.tables() if t.key == "totals")
    assert totals.rows[0][1:] == (
        f"{changes.old_documents:,}",
        f"{changes.new_documents:,}",
        f"{changes.added_documents:,}",
    )


def test_cli_changes_json_and_docx(
    split_store: tuple[Path, datetime], changes: Changes, tmp_path: Path
) -> None:
    path, cutoff = split_store
    result = CliRunner().invoke(
        cli,
        [
            "--store",
            str(path),
            "changes",
            str(SPEC),
            "--since",
            cutoff.isoformat(),
            "--json",
            "--out",
            str(tmp_path),
            "--format",
            "docx",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["added_documents"] == changes.added_documents
    assert [e["name"] for e in data["new_entrants"]] == [
        e.name for e in changes.new_entrants or ()
    ]
    assert (tmp_path / f"{TITLE}.docx").stat().st_size > 0


def test_cli_changes_rejects_a_bad_since(split_store: tuple[Path, datetime]) -> None:
    path, _ = split_store
    result = CliRunner().invoke(
        cli, ["--store", str(path), "changes", str(SPEC), "--since", "last week"]
    )
    assert result.exit_code != 0
    assert "--since 应为日期" in result.output


def test_region_shifts_name_old_and_new_rank_and_units() -> None:
    from patnav.analyses.geography import Geography, Share

    def geo(*provinces: tuple[str, int]) -> Geography:
        shares = tuple(Share(k, k, n, None) for k, n in provinces)
        return Geography("s", "application", "件申请", 0, (), (), shares, (), None)

    def state(g: Geography) -> State:
        return State("s", 0, 0, None, g, None, None)

    old = geo(("山东省", 30), ("湖北省", 20), ("北京市", 10))
    new = geo(("湖北省", 40), ("山东省", 35), ("北京市", 12))
    result = compare_states(state(old), state(new))
    assert result.region_shifts is not None
    got = {
        (s.kind, s.name, s.old_rank, s.new_rank, s.old_units, s.new_units, s.shift)
        for s in result.region_shifts
    }
    assert got == {
        ("province", "湖北省", 2, 1, 20, 40, 1),
        ("province", "山东省", 1, 2, 30, 35, -1),
    }
