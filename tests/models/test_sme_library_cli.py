"""``patnav sme apply / review / admit / … / export`` on the PatSnap 中之信 store with the
MADE-UP register of ``sme_data``: the JSON is the core's result, refusals are one line
that says what to do, the workbook holds every sheet."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from patnav.cli import cli
from patnav.models.sme.lists import bank_list
from patnav.models.sme.rules import library_rules
from patnav.storage.store import PatentStore
from tests.models.sme_data import build_sme_store

TL = "宜昌市统领家私有限公司"
QY = "宜昌勤业空调有限公司"
POLICIES = Path(__file__).parent / "fixtures" / "sme" / "政策条目_自编.yaml"


@pytest.fixture(scope="module")
def sme_base(prevalue_store, tmp_path_factory) -> Path:
    return build_sme_store(prevalue_store[2], tmp_path_factory.mktemp("sme_lib_cli"))


@pytest.fixture
def path(sme_base, tmp_path) -> Path:
    copy = tmp_path / "cli.duckdb"
    shutil.copy(sme_base, copy)
    return copy


def _run(path: Path, *args: str):
    return CliRunner().invoke(
        cli, ["--store", str(path), *args], catch_exceptions=False
    )


def _ok(path: Path, *args: str):
    result = _run(path, *args)
    assert result.exit_code == 0, result.output
    return result


def _admit(path: Path, name: str, day: str) -> None:
    _ok(path, "sme", "apply", name, "--province", "湖北省", "--by", "企业",
        "--date", day, "--no-abnormal")  # fmt: skip
    _ok(path, "sme", "review", name, "--province", "湖北省", "--pass", "--reviewer",
        "张三", "--reason", "现场核实（测试）", "--date", day, "--no-abnormal")  # fmt: skip
    _ok(path, "sme", "admit", name, "--province", "湖北省", "--by", "张三",
        "--date", day)  # fmt: skip


def test_the_workflow_from_the_command_line(path):
    out = _ok(path, "sme", "apply", TL, "--province", "湖北省", "--by", "企业联系人",
              "--date", "2019-03-01", "--no-abnormal", "--json")  # fmt: skip
    event = json.loads(out.output)
    assert set(event) == {
        "event_id", "province", "enterprise_id", "action", "action_label",
        "from_state", "to_state", "effective_date", "actor", "reason", "check",
        "recorded_at",
    }  # fmt: skip
    assert event["action"] == "apply" and event["to_state"] == "applied"
    assert event["effective_date"] == "2019-03-01" and event["actor"] == "企业联系人"
    assert [c["criterion"] for c in event["check"]["criteria"]] == list(range(1, 11))
    # 入库 before 审核: refused in one line, saying what to do
    refused = _run(path, "sme", "admit", TL, "--province", "湖北省", "--date",
                   "2019-03-02")  # fmt: skip
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert "先审核" in refused.output and "patnav sme review" in refused.output
    review = _run(path, "sme", "review", TL, "--province", "湖北省", "--reviewer",
                  "张三", "--no-abnormal")  # fmt: skip
    assert review.exit_code == 1 and "--pass" in review.output
    out = _ok(path, "sme", "review", TL, "--province", "湖北省", "--pass",
              "--reviewer", "张三", "--date", "2019-03-20", "--no-abnormal")  # fmt: skip
    assert "审核通过" in out.output and "十项条件核查" in out.output
    _ok(path, "sme", "admit", TL, "--province", "湖北省", "--date", "2019-04-01",
        "--by", "张三")  # fmt: skip
    _ok(path, "sme", "cultivate", TL, "--province", "湖北省", "--date", "2019-05-01")
    removed = _run(path, "sme", "remove", TL, "--province", "湖北省")
    assert removed.exit_code == 1 and "理由" in removed.output
    _ok(path, "sme", "declare", TL, "--province", "湖北省", "--progress", "--reason",
        "新产品量产（测试）", "--date", "2020-06-01")  # fmt: skip
    status = json.loads(
        _ok(path, "sme", "status", TL, "--province", "湖北", "--json").output
    )
    assert status["state"] == "cultivating" and status["state_label"] == "培育中"
    assert [e["action"] for e in status["events"]] == [
        "apply", "review_pass", "admit", "cultivate", "progress",
    ]  # fmt: skip
    assert status["events"][1]["actor"] == "张三"
    text = _ok(path, "sme", "status", TL, "--province", "湖北省").output
    assert "培育中" in text and "2019-03-20" in text and "下一步" in text
    listed = json.loads(
        _ok(path, "sme", "list", "--province", "湖北省", "--json").output
    )
    assert listed["counts"]["cultivating"] == 1
    assert [e["name"] for e in listed["entries"]] == [TL]
    bad = _run(path, "sme", "admit", TL, "--province", "湖北省", "--date", "5月")
    assert bad.exit_code == 1 and "YYYY-MM-DD" in bad.output


def test_rules_banks_and_policies_json_are_the_core_results(path):
    _admit(path, TL, "2019-01-02")
    _admit(path, QY, "2019-01-02")
    _ok(path, "sme", "graduate", QY, "--province", "湖北省", "--date", "2020-01-02")
    data = json.loads(
        _ok(
            path,
            "sme",
            "rules",
            "--province",
            "湖北省",
            "--as-of",
            "2021-12-31",
            "--no-abnormal",
            "--json",
        ).output
    )
    with PatentStore.open(path, read_only=True) as store:
        core = library_rules(store, "湖北省", as_of=date(2021, 12, 31)).to_dict()
        banks = bank_list(store, "湖北省").to_dict()
    assert data == json.loads(json.dumps(core, ensure_ascii=False))
    assert data["replenishment"]["quota"] == 2 and data["replenishment"]["left"] == 2
    assert {c["rule"] for c in data["checks"]} == {"no_progress", "incident"}
    text = _ok(path, "sme", "rules", "--province", "湖北省", "--as-of", "2021-12-31",
               "--no-abnormal").output  # fmt: skip
    assert "可补充入库 2×1 = 2 家" in text
    got = json.loads(_ok(path, "sme", "banks", "--province", "湖北省", "--json").output)
    assert got == json.loads(json.dumps(banks, ensure_ascii=False))
    assert [e["name"] for e in got["entries"]] == [TL]
    pol = json.loads(
        _ok(
            path,
            "sme",
            "policies",
            "--province",
            "湖北省",
            "--policies",
            str(POLICIES),
            "--json",
        ).output
    )
    assert {m["result"] for m in pol["matches"]} <= {
        "matched",
        "not_matched",
        "unknown",
    }
    assert len(pol["matches"]) == 2  # one enterprise in the library × two items


def test_export_writes_every_sheet_and_lists_write_csv(path, tmp_path):
    _admit(path, TL, "2019-01-02")
    out = tmp_path / "培育库.xlsx"
    result = _ok(path, "sme", "export", "--province", "湖北省", "--out", str(out),
                 "--policies", str(POLICIES), "--no-abnormal",
                 "--as-of", "2021-06-01")  # fmt: skip
    assert "已写入" in result.output
    sheets = pd.read_excel(out, sheet_name=None, dtype=str)
    assert list(sheets) == [
        "培育库", "流转记录", "动态调整", "补充入库", "银行推荐名单", "政策匹配",
    ]  # fmt: skip
    assert sheets["培育库"]["企业名称"].tolist() == [TL]
    assert sheets["流转记录"]["经办/审核"].tolist() == ["企业", "张三", "张三"]
    csv = tmp_path / "银行.csv"
    _ok(path, "sme", "banks", "--province", "湖北省", "--out", str(csv))
    frame = pd.read_csv(csv, encoding="utf-8-sig")
    assert frame["企业名称"].tolist() == [TL]
    assert frame["价值评分均值"].tolist() == ["未评估"]
    wrong = _run(path, "sme", "export", "--province", "湖北省", "--out",
                 str(tmp_path / "x.csv"))  # fmt: skip
    assert wrong.exit_code == 1 and ".xlsx" in wrong.output


def test_apply_runs_the_detector_by_default_and_keeps_what_the_check_ran_on(path):
    event = json.loads(
        _ok(
            path,
            "sme",
            "apply",
            TL,
            "--province",
            "湖北省",
            "--by",
            "企业",
            "--date",
            "2022-05-07",
            "--json",
        ).output
    )
    check = event["check"]
    assert check["abnormal_checked"] is True and check["as_of"] == "2022-05-07"
    assert check["province"] == "湖北省" and check["name"] == TL
    # the PatSnap export has no abstracts: the detector could not compare its documents
    c10 = check["criteria"][9]
    assert c10["criterion"] == 10 and c10["result"] == "unknown"
    outside = _run(path, "sme", "apply", "重庆颢晨机械有限公司", "--province", "湖北省",
                   "--no-abnormal")  # fmt: skip
    assert outside.exit_code == 1 and "注册地不在湖北省" in outside.output
