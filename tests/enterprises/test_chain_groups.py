"""Chain candidates and local players count a corporate group as one holder
(``chain_positioning(..., group_by="group")``, issue 14): the Tai'an corpus placed by its
mapping, the made-up group table of tests/enterprises/fixtures (fictitious groups over the
corpus's real applicant names), counts checked against pandas over the raw file."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from patnav.analyses.chain import chain_positioning
from patnav.analyses.spec import load_spec
from patnav.config import Settings
from patnav.enrich import enrich
from patnav.enterprises.groups import import_groups
from patnav.errors import InvalidParameterError
from patnav.ingest.pipeline import import_paths
from patnav.ingest.tabular.columns import load_mapping
from patnav.storage.store import PatentStore
from tests.enterprises.conftest import GROUPS, TAIAN

REPO = Path(__file__).resolve().parents[2]
TAIKAI = "山东泰开集团有限公司"
SWITCHGEAR = ("H01H", "H02B")  # the spec's node 开关设备: IPCM=(H01H OR H02B)


def _members(parent: str) -> set[str]:
    with GROUPS.open(encoding="utf-8") as f:
        return {r["成员企业"] for r in csv.DictReader(f) if r["母公司"] == parent} | {
            parent
        }


@pytest.fixture(scope="module")
def placed(tmp_path_factory, data_dir):
    path = tmp_path_factory.mktemp("chain-groups") / "taian.duckdb"
    with PatentStore.open(path) as store:
        report = import_paths(
            store,
            [data_dir / TAIAN],
            mapping=load_mapping(REPO / "specs" / "taian-import.yaml"),
            raise_unexpected=True,
        )
        assert report.ok
        enrich(
            store, Settings(data_dir=data_dir), ["names", "party_types", "locations"]
        )
        import_groups(store, GROUPS)
    return path


def _node(result, name):
    return next(n for n in result.nodes if n.node == name)


def test_local_players_count_a_group_once(placed, data_dir):
    raw = pd.read_excel(data_dir / TAIAN, dtype=str)
    spec = load_spec(REPO / "specs" / "taian-industry.yaml")
    members = _members(TAIKAI)
    in_node = raw["主分类号"].fillna("").str[:4].isin(SWITCHGEAR)
    names = raw["申请人"].fillna("").str.split(r"\s*[;；]\s*")
    by_member = names.map(lambda ns: bool(set(ns) & members))
    expected = raw.loc[in_node & by_member, "申请号"].nunique()
    with PatentStore.open(placed, read_only=True) as store:
        by_entity = _node(chain_positioning(store, spec, store=store), "开关设备")
        by_group = _node(
            chain_positioning(store, spec, store=store, group_by="group"), "开关设备"
        )
    group = next(p for p in by_group.local_players if p.name == TAIKAI)
    assert group.units == expected > 0
    assert group.key.startswith("group:")
    # no member shows on its own beside its group, while by entity several do
    assert not {p.name for p in by_group.local_players} & (members - {TAIKAI})
    assert len({p.name for p in by_entity.local_players} & members) >= 2
    # the node's own figures do not depend on who the holders are
    assert (by_group.home, by_group.national) == (by_entity.home, by_entity.national)


def test_group_by_must_be_known(placed):
    spec = load_spec(REPO / "specs" / "taian-industry.yaml")
    with (
        PatentStore.open(placed, read_only=True) as store,
        pytest.raises(InvalidParameterError, match="group_by"),
    ):
        chain_positioning(store, spec, group_by="family")
