"""Targets other than a query — an applicant, a corporate group, a saved set's name —
on the real Patentics 虚拟现实 export; a monitor that fails is recorded, the others run."""

from __future__ import annotations

import pandas as pd
import pytest

from patnav.enterprises.groups import import_groups
from patnav.ingest.pipeline import import_paths
from patnav.monitors import add_monitor, run_history, run_monitors
from patnav.monitors.runner import target_documents
from patnav.search.sets import delete_set, save_set
from patnav.storage.store import PatentStore
from tests.monitors.data import VR


def _applicants(frame: pd.DataFrame) -> pd.Series:
    return (
        frame["申请人"]
        .fillna("")
        .str.split("|")
        .map(lambda xs: {x.strip() for x in xs})
    )


@pytest.fixture(scope="module")
def vr(data_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("vr")
    frame = pd.read_csv(data_dir / VR, dtype=str, index_col=False)
    frame.to_csv(folder / "vr.csv", index=False)
    path = folder / "s.duckdb"
    with PatentStore.open(path) as store:
        assert import_paths(store, [folder / "vr.csv"], raise_unexpected=True).ok
    return frame, path


def test_an_applicant_and_a_group(vr, tmp_path):
    frame, path = vr
    copy = tmp_path / "s.duckdb"
    copy.write_bytes(path.read_bytes())
    names = _applicants(frame)
    members = {"国家电网有限公司", "国网上海市电力公司", "国网山东省电力公司"}
    groups = tmp_path / "groups.csv"
    pd.DataFrame(
        {
            "母公司": ["国家电网有限公司"] * 2,
            "成员企业": ["国网上海市电力公司", "国网山东省电力公司"],
            "关系": ["子公司"] * 2,
        }
    ).to_csv(groups, index=False)
    with PatentStore.open(copy) as store:
        import_groups(store, groups)
        entity = add_monitor(
            store,
            "京东方",
            target_kind="entity",
            target="京东方科技集团股份有限公司",
            rules=["new-documents"],
        )
        docs, missing = target_documents(store, entity)
        want = frame[names.map(lambda xs: "京东方科技集团股份有限公司" in xs)]
        assert (
            missing == 0 and sorted(docs) == sorted(want["公开号"]) and len(docs) > 100
        )

        group = add_monitor(
            store,
            "国网",
            target_kind="group",
            target="国家电网有限公司",
            rules=["event"],
        )
        docs, _ = target_documents(store, group)
        want = frame[names.map(lambda xs: bool(xs & members))]
        assert sorted(docs) == sorted(want["公开号"]) and len(docs) > 30


def test_a_saved_set_by_name_and_a_failing_monitor(vr, tmp_path):
    frame, path = vr
    copy = tmp_path / "s.duckdb"
    copy.write_bytes(path.read_bytes())
    with PatentStore.open(copy) as store:
        save_set(store, "头显", "TI=头显")
        add_monitor(
            store, "头显集", target_kind="set", target="头显", rules=["new-documents"]
        )
        add_monitor(
            store, "眼镜", target_kind="set", target="TI=眼镜", rules=["new-documents"]
        )
        first = run_monitors(store)
        by_name = {r.monitor: r for r in first.runs}
        want = frame[frame["标题"].str.contains("头显", na=False)]
        assert by_name["头显集"].documents == len(want) > 0
        # the set is deleted: the monitor fails saying so (its name, 头显, would parse as
        # a query, but the monitor watched the set)
        delete_set(store, "头显")
        second = run_monitors(store)
        by_name = {r.monitor: r for r in second.runs}
        assert by_name["头显集"].status == "failed"
        assert "专利集 '头显' 已不存在" in str(by_name["头显集"].error)
        assert by_name["眼镜"].status == "ok"
        history = run_history(store, monitor="头显集")
        assert [r.status for r in history] == ["failed", "ok"]
