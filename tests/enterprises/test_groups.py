"""Corporate groups: a user's table, suggestions from real applicant names, counting by
group in the applicant ranking (checked against pandas over the raw Tai'an file)."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest

from patnav.analyses.applicants import applicant_ranking
from patnav.enterprises.groups import (
    applicant_groups,
    decide_group,
    group_id_for,
    import_groups,
    list_groups,
    suggest_from_names,
    suggest_groups,
)
from patnav.errors import InvalidParameterError
from tests.enterprises.conftest import GROUPS

TAIKAI = "山东泰开集团有限公司"


def _members(parent: str) -> set[str]:
    with GROUPS.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return {r["成员企业"] for r in rows if r["母公司"] == parent} | {parent}


def _units_of(raw: pd.DataFrame, names: set[str]) -> int:
    return int(raw.loc[raw["申请人"].isin(names), "申请号"].nunique())


def test_a_user_table_makes_accepted_groups(taian):
    result = import_groups(taian, GROUPS)
    assert (result.groups, result.members, result.rejected) == (2, 7, ())
    (taikai,) = [g for g in list_groups(taian) if g.name == TAIKAI]
    assert {m.name for m in taikai.members} == _members(TAIKAI)
    assert {m.status for m in taikai.members} == {"accepted"}
    assert taikai.members[0].relation == "parent"


def test_the_ranking_counts_a_group_as_one_applicant(taian, taian_raw):
    import_groups(taian, GROUPS)
    by_entity = applicant_ranking(taian, count_by="application", top=50)
    by_group = applicant_ranking(
        taian, count_by="application", top=50, group_by="group"
    )
    assert by_group.group_by == "group"
    row = next(r for r in by_group.applicants if r.name == TAIKAI)
    assert row.key == "group:" + group_id_for(TAIKAI)
    assert row.units == _units_of(taian_raw, _members(TAIKAI))  # 261 applications
    assert row.party_type == "company"
    # no member is ranked on its own any more; everyone else is unchanged
    names = {r.name for r in by_group.applicants}
    assert not names & (_members(TAIKAI) - {TAIKAI})
    others = {
        r.key: r.units for r in by_entity.applicants if r.name not in _members(TAIKAI)
    }
    grouped = {r.key: r.units for r in by_group.applicants}
    assert all(grouped[k] == n for k, n in others.items() if k in grouped)
    assert by_group.total == by_entity.total
    branch = "新汶矿业集团有限责任公司"
    row = next(r for r in by_group.applicants if r.name == branch)
    assert row.units == _units_of(taian_raw, _members(branch))


def test_two_members_on_one_application_count_once(store, tmp_path):
    from patnav.ingest.pipeline import import_paths

    path = tmp_path / "co.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(
            [
                ["申请号", "申请日", "名称", "申请人"],
                ["CN201310000001.1", "2013-01-01", "甲", "甲子有限公司;乙子有限公司"],
                ["CN201310000002.1", "2013-01-02", "乙", "甲子有限公司"],
                ["CN201310000003.1", "2013-01-03", "丙", "丙有限公司"],
            ]
        )
    assert import_paths(store, [path]).ok
    table = tmp_path / "g.csv"
    table.write_text(
        "母公司,成员企业,关系\n集团有限公司,甲子有限公司,子公司\n集团有限公司,乙子有限公司,子公司\n",
        encoding="utf-8",
    )
    import_groups(store, table)
    result = applicant_ranking(store, count_by="application", group_by="group")
    assert [(r.name, r.units) for r in result.applicants] == [
        ("集团有限公司", 2),
        ("丙有限公司", 1),
    ]


def test_suggestions_from_real_names(data_dir, taian_raw):
    names = set(taian_raw["申请人"].dropna())
    for part in ("train.json", "expand_train_1.json"):
        with (data_dir / "corpora/cn-ccf-bdci-4097" / part).open(encoding="utf-8") as f:
            names |= {json.loads(line)["assignee"] for line in f}
    rows = suggest_from_names(sorted(names))
    groups: dict[str, set[tuple[str, str]]] = {}
    for r in rows:
        groups.setdefault(r["group_name"], set()).add((r["member_name"], r["relation"]))
    # the brief's example: 武汉/深圳 华星光电 under one group (names present in the data)
    huaxing = {
        n
        for n in names
        if n.endswith("华星光电技术有限公司") and n[:2] in ("武汉", "深圳", "惠州")
    }
    assert len(huaxing) == 3
    assert groups["华星光电技术有限公司"] == {(n, "subsidiary") for n in huaxing}
    assert ("新汶矿业集团有限责任公司泰山盐化工分公司", "branch") in groups[
        "新汶矿业集团有限责任公司"
    ]
    assert ("新汶矿业集团有限责任公司", "parent") in groups["新汶矿业集团有限责任公司"]
    assert ("腾讯科技(深圳)有限公司", "subsidiary") in groups["腾讯科技有限公司"]
    # public institutes of two provinces are not a corporate group
    assert not any("农业科学院" in g for g in groups)


def test_suggestions_are_reviewed_and_decisions_kept(taian, taian_raw):
    result = suggest_groups(taian)
    assert result.groups > 0
    branch_gid = group_id_for("新汶矿业集团有限责任公司")
    (group,) = [
        g for g in list_groups(taian, status="suggested") if g.group_id == branch_gid
    ]
    assert {m.status for m in group.members} == {"suggested"}
    assert applicant_groups(taian) == {}  # suggestions do not count
    decide_group(taian, branch_gid, accept=True)
    keys = applicant_groups(taian)
    assert set(keys.values()) == {("group:" + branch_gid, "新汶矿业集团有限责任公司")}
    ranking = applicant_ranking(
        taian, count_by="application", group_by="group", top=500
    )
    row = next(r for r in ranking.applicants if r.key == "group:" + branch_gid)
    assert row.units == _units_of(
        taian_raw,
        {"新汶矿业集团有限责任公司", "新汶矿业集团有限责任公司泰山盐化工分公司"},
    )
    # a rejected suggestion is not made again
    other = next(g for g in list_groups(taian, status="suggested"))
    decide_group(taian, other.group_id, accept=False)
    suggest_groups(taian)
    assert all(
        g.group_id != other.group_id for g in list_groups(taian, status="suggested")
    )
    assert {
        m.status
        for m in next(
            g for g in list_groups(taian) if g.group_id == other.group_id
        ).members
    } == {"rejected"}
    # the accepted branch stays accepted
    accepted = [
        g for g in list_groups(taian, status="accepted") if g.group_id == branch_gid
    ]
    assert len(accepted) == 1


def test_group_by_must_be_known(taian):
    with pytest.raises(InvalidParameterError, match="group_by"):
        applicant_ranking(taian, group_by="parent")
