"""The SME cultivation library's workflow, dynamic-adjustment rules and lists on real
data: the PatSnap 中之信 head store with the MADE-UP register of ``sme_data`` (real owners,
invented figures). Dates of transitions are set by the tests; patent counts, application
years and pledge events are computed with pandas over the raw export."""

from __future__ import annotations

import json
import random
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from patnav.errors import InvalidParameterError, NotFoundError
from patnav.models.sme import check_sme
from patnav.models.sme.abnormal import abnormal_flags
from patnav.models.sme.library import (
    CheckSnapshot,
    library_events,
    library_status,
    list_library,
    record,
)
from patnav.models.sme.lists import (
    bank_list,
    library_frames,
    match_policies,
    read_policies,
)
from patnav.models.sme.rules import RuleThresholds, library_rules
from patnav.schema.records import Party, PatentRecord, PatentType, Role
from patnav.schema.tables import SCHEMA_VERSION
from patnav.storage.store import PatentStore
from patnav.storage.writer import DocumentWriter
from tests.models.sme_data import HUBEI, build_sme_store
from tests.patsnap import parts

TL = "宜昌市统领家私有限公司"
SD = "宜昌神达科技有限公司"
QY = "宜昌勤业空调有限公司"
ZF = "宜昌兆峰自动化仪表有限责任公司"
YG = "宜昌银罡桑蚕科技股份有限公司"
JDY = "湖北金德源电气设备股份有限公司"
CQ = "重庆颢晨机械有限公司"
POLICIES = Path(__file__).parent / "fixtures" / "sme" / "政策条目_自编.yaml"
CCF = "corpora/cn-ccf-bdci-4097/train.json"


@pytest.fixture(scope="module")
def sme_base(prevalue_store, tmp_path_factory) -> Path:
    return build_sme_store(prevalue_store[2], tmp_path_factory.mktemp("sme_library"))


@pytest.fixture
def store(sme_base, tmp_path):
    path = tmp_path / "library.duckdb"
    shutil.copy(sme_base, path)
    with PatentStore.open(path) as s:
        yield s


@pytest.fixture(scope="module")
def check_result(sme_base):
    """The ten-criteria check of every Hubei enterprise (no declarations)."""
    with PatentStore.open(sme_base, read_only=True) as s:
        return check_sme(s, "湖北省", as_of=date(2019, 1, 1))


@pytest.fixture(scope="module")
def checks(check_result):
    return {r.name: r for r in check_result.rows}


def admit(s, name, checks, day, *, reviewer="审核员甲"):
    """申报, 审核通过 (with a reason: none of them is eligible without declarations), 入库
    on ``day``."""
    record(s, "湖北省", name, "apply", actor="企业", effective=day, check=checks[name])
    record(
        s, "湖北省", name, "review_pass", actor=reviewer, effective=day,
        check=checks[name], reason="材料已现场核实（测试）",
    )  # fmt: skip
    return record(s, "湖北省", name, "admit", actor=reviewer, effective=day)


# -- the workflow ----------------------------------------------------------------------


def test_a_full_passage_is_recorded_with_dates_reviewers_and_the_check(
    store, checks, check_result
):
    snapshot = CheckSnapshot.of(check_result, checks[TL].enterprise_id)
    assert snapshot is not None
    e = record(
        store, "湖北省", TL, "apply", actor="企业联系人", effective=date(2019, 3, 1),
        check=checks[TL],
    )  # fmt: skip
    assert (e.from_state, e.to_state) == (None, "applied")
    record(
        store, "湖北", TL, "review_pass", actor="张三", effective=date(2019, 3, 20),
        check=snapshot, reason="现场核查",
    )  # fmt: skip
    record(store, "湖北省", TL, "admit", actor="张三", effective=date(2019, 4, 1))
    record(store, "湖北省", TL, "cultivate", actor="张三", effective=date(2019, 5, 1))
    record(
        store, "湖北省", TL, "graduate", actor="李四", effective=date(2021, 5, 1),
        reason="培育期满",
    )  # fmt: skip
    status = library_status(store, "湖北省", TL)
    assert status.entry is not None and status.entry.state == "graduated"
    assert status.entry.admitted_on == date(2019, 4, 1)
    assert status.entry.left_on == date(2021, 5, 1)
    assert [ev.action for ev in status.events] == [
        "apply", "review_pass", "admit", "cultivate", "graduate",
    ]  # fmt: skip
    review = status.events[1]
    assert review.actor == "张三" and review.effective_date == date(2019, 3, 20)
    # the recording time is today's, apart from the effective date
    assert review.recorded_at.date() == date.today()
    # the check kept is the check's own JSON: the decision can be reproduced
    stored = json.loads(
        store.scalar(
            "SELECT check_snapshot FROM sme_events WHERE event_id = ?",
            [review.event_id],
        )
    )
    assert stored == json.loads(json.dumps(snapshot.to_dict(), default=str))
    # with what it was run on: the day, no declarations, no detector
    assert stored["as_of"] == "2019-01-01" and stored["declarations"] == []
    assert stored["abnormal_checked"] is False and stored["dense_industries"] is None
    assert {k: stored[k] for k in ("name", "verdict", "criteria")} == json.loads(
        json.dumps(
            {k: checks[TL].to_dict()[k] for k in ("name", "verdict", "criteria")},
            default=str,
        )
    )
    assert [c["criterion"] for c in stored["criteria"]] == list(range(1, 11))
    assert status.to_dict()["state_label"] == "已出库"


def test_transitions_are_refused_out_of_order_with_what_to_do(store, checks):
    day = date(2020, 1, 2)
    with pytest.raises(InvalidParameterError, match=r"未申报.*先申报"):
        record(store, "湖北省", SD, "admit", actor="张三", effective=day)
    record(store, "湖北省", SD, "apply", actor="企业", effective=day, check=checks[SD])
    # no 入库 without a passed 审核
    with pytest.raises(InvalidParameterError, match=r"不能入库.*审核通过之后"):
        record(store, "湖北省", SD, "admit", actor="张三", effective=day)
    # 退库 and 出库 only from 入库 / 培育
    for action in ("remove", "graduate", "cultivate"):
        with pytest.raises(InvalidParameterError, match="已申报"):
            record(store, "湖北省", SD, action, actor="张三", effective=day, reason="x")
    # a review needs the reviewer, the check, and a reason to reject
    with pytest.raises(InvalidParameterError, match="--reviewer"):
        record(store, "湖北省", SD, "review_reject", actor=" ", check=checks[SD])
    with pytest.raises(InvalidParameterError, match="核查结果"):
        record(store, "湖北省", SD, "review_pass", actor="张三", effective=day)
    with pytest.raises(InvalidParameterError, match="理由"):
        record(
            store, "湖北省", SD, "review_reject", actor="张三", effective=day,
            check=checks[SD],
        )  # fmt: skip
    with pytest.raises(InvalidParameterError, match="不是"):
        record(
            store, "湖北省", SD, "review_pass", actor="张三", effective=day,
            check=checks[TL],
        )  # fmt: skip
    # dates: not before the last event, not in the future
    with pytest.raises(InvalidParameterError, match="早于"):
        record(
            store, "湖北省", SD, "review_reject", actor="张三", reason="资质过期",
            effective=date(2019, 12, 31), check=checks[SD],
        )  # fmt: skip
    with pytest.raises(InvalidParameterError, match="晚于今天"):
        record(
            store, "湖北省", SD, "review_reject", actor="张三", reason="资质过期",
            effective=date(date.today().year + 1, 1, 1), check=checks[SD],
        )  # fmt: skip
    record(
        store, "湖北省", SD, "review_reject", actor="张三", reason="资质过期",
        effective=day, check=checks[SD],
    )  # fmt: skip
    assert library_status(store, "湖北省", SD).entry.state == "rejected"  # type: ignore[union-attr]
    with pytest.raises(InvalidParameterError, match=r"审核不通过.*重新申报"):
        record(store, "湖北省", SD, "admit", actor="张三", effective=day)
    # refusals wrote nothing: 申报 and 审核不通过 only
    assert [e.action for e in library_events(store, "湖北省")] == [
        "apply", "review_reject",
    ]  # fmt: skip
    # a new application starts a new passage
    record(
        store, "湖北省", SD, "apply", actor="企业", effective=date(2020, 3, 1),
        check=checks[SD],
    )  # fmt: skip
    entry = library_status(store, "湖北省", SD).entry
    assert entry is not None and entry.state == "applied" and entry.reviewed_on is None
    with pytest.raises(NotFoundError, match="企业库中没有"):
        record(store, "湖北省", "不存在的公司", "apply", actor="x", check=checks[SD])


def test_passing_a_not_eligible_check_needs_a_reason(store, checks):
    # 宜昌勤业空调 is large: criterion 1 fails, the check is not_eligible
    assert checks[QY].verdict == "not_eligible"
    day = date(2020, 1, 2)
    record(store, "湖北省", QY, "apply", actor="企业", effective=day, check=checks[QY])
    with pytest.raises(InvalidParameterError, match="不符合第 1 项"):
        record(
            store, "湖北省", QY, "review_pass", actor="张三", effective=day,
            check=checks[QY],
        )  # fmt: skip


def test_declarations_only_for_enterprises_in_the_library(store, checks):
    with pytest.raises(InvalidParameterError, match="不在库"):
        record(store, "湖北省", TL, "progress", actor="张三", reason="新产品")
    admit(store, TL, checks, date(2019, 2, 1))
    with pytest.raises(InvalidParameterError, match="理由"):
        record(store, "湖北省", TL, "incident", actor="张三")
    e = record(store, "湖北省", TL, "progress", actor="张三", reason="新产品量产")
    assert e.from_state == e.to_state == "admitted"
    assert library_status(store, "湖北省", TL).entry.state == "admitted"  # type: ignore[union-attr]


def test_the_library_lists_by_state(store, checks):
    admit(store, TL, checks, date(2019, 2, 1))
    record(
        store, "湖北省", ZF, "apply", actor="企业", effective=date(2019, 2, 1),
        check=checks[ZF],
    )  # fmt: skip
    lib = list_library(store, "湖北")
    assert [(e.name, e.state) for e in lib.entries] == [
        (ZF, "applied"), (TL, "admitted"),
    ]  # fmt: skip
    assert lib.counts()["admitted"] == 1 and lib.counts()["applied"] == 1
    assert [
        e.name for e in list_library(store, "湖北省", states=["admitted"]).entries
    ] == [TL]
    with pytest.raises(InvalidParameterError, match="未知状态"):
        list_library(store, "湖北省", states=["in"])


def test_a_schema_10_store_gains_the_library_tables(tmp_path):
    path = tmp_path / "old.duckdb"
    with PatentStore.open(path) as s:
        s.execute("DROP TABLE sme_events")
        s.execute("DROP TABLE sme_library")
        for table in ("tag_reviews", "tags", "tag_schemes"):  # schema 12's
            s.execute(f"DROP TABLE {table}")
        s.execute("UPDATE meta SET value = '10' WHERE key = 'schema_version'")
    with PatentStore.open(path) as s:
        assert s.schema_version == SCHEMA_VERSION >= 11
        assert s.count("sme_library") == 0 and s.count("sme_events") == 0
        assert s.count("tags") == 0


# -- rule (a): two years without substantive progress ----------------------------------


def test_rule_a_on_dates_set_declared_progress_and_thresholds(store, checks):
    admit(store, TL, checks, date(2019, 2, 1))
    # not yet two years in the library
    r = library_rules(store, "湖北省", as_of=date(2020, 6, 1))
    a = {c.name: c for c in r.checks if c.rule == "no_progress"}
    assert a[TL].result == "not_due"
    # only declared progress counts (thresholds as data), the data reaches the day
    only_declared = RuleThresholds(
        count_applications=False, count_grants=False, progress_event_types=()
    )
    r = library_rules(store, "湖北省", as_of=date(2022, 4, 1), thresholds=only_declared)
    a = {c.name: c for c in r.checks if c.rule == "no_progress"}
    assert a[TL].result == "propose", a[TL].reason
    assert [p.name for p in r.proposals] == [TL]
    record(
        store, "湖北省", TL, "progress", actor="张三", reason="新产品量产（测试）",
        effective=date(2021, 9, 1),
    )  # fmt: skip
    r = library_rules(store, "湖北省", as_of=date(2022, 4, 1), thresholds=only_declared)
    a = {c.name: c for c in r.checks if c.rule == "no_progress"}
    assert a[TL].result == "clear" and "申报进展 1 项" in a[TL].reason
    # a day after the patent data ends: unknown, never "no progress"
    r = library_rules(store, "湖北省", as_of=date(2024, 1, 1), thresholds=only_declared)
    a = {c.name: c for c in r.checks if c.rule == "no_progress"}
    assert a[TL].result == "unknown" and "专利数据截至 2022-04-26" in a[TL].reason


def _years(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    return frame[frame["当前申请专利权人"].map(lambda v: name in parts(v))]


def test_rule_a_on_the_store_s_real_applications_and_events(
    store, checks, prevalue_store
):
    frame = prevalue_store[0]
    for name in HUBEI:
        admit(store, name, checks, date(2019, 1, 2))
    # windows (Y-2-12-31, Y-12-31]: the export's 申请年 Y-1 and Y lie in them, earlier
    # years do not; its legal events carry no dates
    seen_clear = seen_unknown = 0
    for year in (2021, 2022):
        r = library_rules(store, "湖北省", as_of=date(year, 12, 31))
        a = {c.name: c for c in r.checks if c.rule == "no_progress"}
        assert sorted(a) == sorted(HUBEI)
        for name in HUBEI:
            own = _years(frame, name)
            years = pd.to_numeric(own["申请年"], errors="coerce")
            expected = own[years.isin([year - 1, year])]["公开公告号"].nunique()
            undated = sum(
                1
                for v in own["法律状态事件"]
                for p in parts(v)
                if ("质押" in p and "解除" not in p) or "权利转移" in p
                or "转让" in p or "许可" in p
            )  # fmt: skip
            c = a[name]
            assert c.evidence["applications"] == expected, name
            assert c.evidence["applications_undated"] == 0, name
            assert c.evidence["progress_events_undated"] == undated, name
            if expected:
                assert c.result == "clear" and f"新申请 {expected} 件" in c.reason
                seen_clear += 1
            else:
                # nothing dated in the window, and the data ends 2022-04-26: unknown
                assert c.result == "unknown", (name, c.reason)
                assert "2022-04-26" in c.reason
                seen_unknown += 1
    assert seen_clear and seen_unknown


# -- rule (b): criterion-10 events -----------------------------------------------------


def _plant_batch(store: PatentStore, data_dir: Path, applicant: str) -> None:
    """Three near-identical applications (a real CCF abstract, lightly edited) filed
    by ``applicant`` — the abnormal-filing detector's batch."""
    rows = [
        json.loads(line)
        for line in (data_dir / CCF).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    source = next(r for r in rows if len(r["abstract"]) >= 200)
    rng = random.Random(18)
    with store.transaction():
        writer = DocumentWriter(store, import_id=99, file="planted", fmt="json")
        for n in range(3):
            chars = list(source["abstract"])
            for _ in range(n):
                chars[rng.randrange(len(chars))] = "改"
            writer.add(
                PatentRecord(
                    pub_number=f"CN9990000{n}A",
                    office="CN",
                    kind="A",
                    app_number=f"CN2021999000{n}",
                    app_date=date(2021, 3, 1 + n),
                    patent_type=PatentType.INVENTION,
                    title=source["title"],
                    abstract="".join(chars),
                    parties=(Party(Role.APPLICANT, applicant),),
                ),
                f"planted {n + 1}",
            )
        writer.finish()


def test_rule_b_from_a_planted_abnormal_batch_and_a_declared_incident(
    store, checks, data_dir
):
    for name in (TL, SD):
        admit(store, name, checks, date(2019, 1, 2))
    _plant_batch(store, data_dir, SD)
    flags, unchecked = abnormal_flags(store)
    sd_id = next(
        e.enterprise_id for e in list_library(store, "湖北").entries if e.name == SD
    )
    assert flags[sd_id], "the planted batch is flagged"
    r = library_rules(
        store, "湖北省", as_of=date(2022, 1, 1), abnormal=flags,
        abnormal_unchecked=unchecked,
    )  # fmt: skip
    b = {c.name: c for c in r.checks if c.rule == "incident"}
    assert b[SD].result == "propose"
    assert b[SD].evidence["abnormal_flags"] == flags[sd_id]
    # the PatSnap export has no abstracts: 统领家私's documents could not be compared
    assert b[TL].result == "unknown" and "未能比对" in b[TL].reason
    # the detector not run: unknown for both, until an incident is declared
    r = library_rules(store, "湖北省", as_of=date(2022, 1, 1))
    assert {c.result for c in r.checks if c.rule == "incident"} == {"unknown"}
    record(
        store, "湖北省", TL, "incident", actor="张三", reason="严重失信（测试登记）",
        effective=date(2021, 6, 1),
    )  # fmt: skip
    r = library_rules(store, "湖北省", as_of=date(2022, 1, 1))
    b = {c.name: c for c in r.checks if c.rule == "incident"}
    assert b[TL].result == "propose" and "严重失信" in b[TL].reason
    # before the incident's effective date it is not known yet
    r = library_rules(store, "湖北省", as_of=date(2021, 5, 1))
    b = {c.name: c for c in r.checks if c.rule == "incident"}
    assert b[TL].result == "unknown"
    # the rule proposes; the state is unchanged until a person removes it
    assert library_status(store, "湖北省", TL).entry.state == "admitted"  # type: ignore[union-attr]


# -- rule (c): the replenishment quota -------------------------------------------------


def test_rule_c_replenishment_arithmetic(store, checks):
    for name in (TL, SD, QY):  # initial intake
        admit(store, name, checks, date(2019, 1, 2))
    for name in (TL, SD):
        record(
            store, "湖北省", name, "graduate", actor="李四", effective=date(2020, 1, 2)
        )
    for name in (ZF, YG, JDY):  # three replenishments
        admit(store, name, checks, date(2020, 6, 1))
    q = library_rules(store, "湖北省", as_of=date(2020, 12, 31)).replenishment
    assert (q.initial, q.graduates, q.quota, q.used, q.left) == (3, 2, 4, 3, 1)
    assert not q.over and "尚余 1 家" in q.text()
    # before the graduations: no quota, nothing replenished yet
    q = library_rules(store, "湖北省", as_of=date(2019, 6, 1)).replenishment
    assert (q.initial, q.graduates, q.quota, q.used, q.left) == (3, 0, 0, 0, 0)
    # a graduate re-applies and is admitted again, 勤业 is removed and re-admitted
    admit(store, TL, checks, date(2021, 1, 4))
    record(
        store, "湖北省", QY, "remove", actor="李四", reason="测试",
        effective=date(2021, 2, 1),
    )  # fmt: skip
    admit(store, QY, checks, date(2021, 3, 1))
    q = library_rules(store, "湖北省", as_of=date(2021, 12, 31)).replenishment
    assert (q.admissions, q.quota, q.used, q.left, q.over) == (8, 4, 5, -1, True)
    assert "超出 1 家" in q.text()
    # an initial intake running to 2020-06-30 makes the six first admissions initial
    q = library_rules(
        store, "湖北省", as_of=date(2021, 12, 31), initial_until=date(2020, 6, 30)
    ).replenishment
    assert (q.initial, q.used, q.left) == (6, 2, 2)
    assert (
        library_rules(
            store,
            "湖北省",
            as_of=date(2021, 12, 31),
            thresholds=RuleThresholds(replenish_factor=3),
        ).replenishment.quota
        == 6
    )


def test_rule_thresholds_load_and_refuse_bad_values(tmp_path):
    shipped = RuleThresholds.load()
    assert shipped == RuleThresholds()
    over = tmp_path / "t.yaml"
    over.write_text("years_without_progress: 3\n", encoding="utf-8")
    assert RuleThresholds.load(over).years_without_progress == 3
    over.write_text("years: 3\n", encoding="utf-8")
    with pytest.raises(InvalidParameterError, match="未知阈值"):
        RuleThresholds.load(over)
    over.write_text("replenish_factor: 0\n", encoding="utf-8")
    with pytest.raises(InvalidParameterError, match="正整数"):
        RuleThresholds.load(over)


# -- the bank list ---------------------------------------------------------------------


def test_the_bank_list_counts_patents_in_force_and_pledges_as_pandas(
    store, checks, prevalue_store
):
    frame = prevalue_store[0]
    for name in (TL, ZF, QY):
        admit(store, name, checks, date(2019, 1, 2))
    record(
        store, "湖北省", QY, "remove", actor="李四", reason="测试",
        effective=date(2020, 1, 2),
    )  # fmt: skip
    banks = bank_list(store, "湖北省")
    by = {e.name: e for e in banks.entries}
    assert sorted(by) == sorted([TL, ZF])  # removed: not in the list
    kinds = {"发明专利": "invention", "实用新型": "utility_model", "外观设计": "design"}
    for name, entry in by.items():
        own = _years(frame, name)
        active = own[own["简单法律状态"] == "有效"]
        for zh, kind in kinds.items():
            expected = active[active["专利类型"] == zh]["公开公告号"].nunique()
            assert entry.in_force[kind] == expected, (name, kind)
        assert sorted(entry.in_force_numbers) == sorted(
            active[active["专利类型"].isin(list(kinds))]["公开公告号"].unique()
        )
        tokens = [p for v in own["法律状态事件"] for p in parts(v)]
        assert entry.pledges == sum(
            1 for p in tokens if "质押" in p and "解除" not in p
        )
        assert entry.pledge_releases == sum(1 for p in tokens if "解除" in p)
        # the store has no value scores: unknown, never a zero
        assert entry.value_scored is None and entry.value_mean is None
    assert by[ZF].pledges and by[ZF].pledged_now
    assert any("价值评估" in n for n in banks.notes)
    frame_out = banks.to_frame()
    assert set(frame_out["价值评分均值"]) == {"未评估"}


# -- policy matching -------------------------------------------------------------------


def test_policies_match_not_match_or_say_what_is_missing(store, checks):
    for name in (TL, QY, ZF):
        admit(store, name, checks, date(2019, 1, 2))
    policies = read_policies(POLICIES)
    assert [p.name for p in policies][:1] == ["小微企业知识产权质押贴息（示例，虚构）"]
    result = match_policies(store, "湖北省", policies)
    got = {(m.name, m.policy): m for m in result.matches}
    first = policies[0].name
    # 统领家私: small (register), 16 utility models in force, criterion 1 passed
    assert got[(TL, first)].result == "matched"
    # 勤业: large → not matched, with the failed condition named
    assert got[(QY, first)].result == "not_matched"
    assert any("企业规模" in f for f in got[(QY, first)].failed)
    # 兆峰: size unknown (no revenue) → unknown, saying what is missing
    m = got[(ZF, first)]
    assert m.result == "unknown" and any("企业规模" in x for x in m.missing)
    second = policies[1].name  # criterion 2 must pass: unknown without declarations
    assert got[(TL, second)].result == "unknown"
    assert any("第2项" in x for x in got[(TL, second)].missing)


def test_a_bad_policy_file_is_refused_with_its_position(tmp_path):
    bad = tmp_path / "p.yaml"
    bad.write_text(
        "policies:\n  - name: 甲\n    conditions:\n      - {field: 规模, in: [small]}\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidParameterError, match=r"第 1 条第 1 个条件.*未知字段"):
        read_policies(bad)
    bad.write_text("policies:\n  - name: 乙\n", encoding="utf-8")
    with pytest.raises(InvalidParameterError, match="conditions"):
        read_policies(bad)


def test_library_frames_hold_every_sheet(store, checks):
    admit(store, TL, checks, date(2019, 1, 2))
    frames = library_frames(
        store,
        "湖北省",
        rules=library_rules(store, "湖北省", as_of=date(2021, 6, 1)),
        policies=read_policies(POLICIES),
    )
    assert list(frames) == [
        "培育库", "流转记录", "动态调整", "补充入库", "银行推荐名单", "政策匹配",
    ]  # fmt: skip
    assert list(frames["流转记录"]["事项"]) == ["申报", "审核通过", "入库"]
    assert frames["培育库"]["状态"].tolist() == ["已入库"]
