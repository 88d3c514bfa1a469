"""``patnav sme check`` on the PatSnap 中之信 store with the MADE-UP register and the
declarations written for the tests: the JSON is the core's result (ten criteria in
order), the text and the workbook say the same, errors are one line."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from patnav.cli import cli
from patnav.models.sme import check_sme, read_declarations, read_dense_industries
from patnav.models.sme.abnormal import abnormal_flags
from patnav.storage.store import PatentStore
from tests.models.sme_data import HUBEI, TEST_DENSE_LIST, build_sme_store

DECLARATIONS = Path(__file__).parent / "fixtures" / "sme" / "企业申报_自编.csv"


@pytest.fixture(scope="module")
def sme_store(prevalue_store, tmp_path_factory) -> Path:
    return build_sme_store(prevalue_store[2], tmp_path_factory.mktemp("sme_cli"))


@pytest.fixture(scope="module")
def dense_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("dense") / "测试行业表_虚构.csv"
    path.write_text(TEST_DENSE_LIST, encoding="utf-8")
    return path


def _run(path: Path, *args: str):
    return CliRunner().invoke(
        cli, ["--store", str(path), *args], catch_exceptions=False
    )


def test_sme_check_json_is_the_core_result(sme_store, dense_path):
    result = _run(
        sme_store,
        "sme",
        "check",
        "--province",
        "湖北省",
        "--declarations",
        str(DECLARATIONS),
        "--dense-industries",
        str(dense_path),
        "--as-of",
        "2022-05-07",
        "--json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    with PatentStore.open(sme_store, read_only=True) as store:
        flags, unchecked = abnormal_flags(store)
        core = check_sme(
            store,
            "湖北省",
            declarations=read_declarations(DECLARATIONS),
            dense_industries=read_dense_industries(dense_path),
            abnormal=flags,
            abnormal_unchecked=unchecked,
            as_of=date(2022, 5, 7),
        ).to_dict()
    assert data == json.loads(json.dumps(core, ensure_ascii=False))
    assert sorted(e["name"] for e in data["enterprises"]) == sorted(HUBEI)
    for e in data["enterprises"]:
        assert [c["criterion"] for c in e["criteria"]] == list(range(1, 11))
        assert e["verdict"] in ("eligible", "not_eligible", "incomplete")
    # the detector ran (by default); --no-abnormal leaves that part unchecked
    assert data["as_of"] == "2022-05-07" and data["abnormal_checked"] is True
    plain = _run(
        sme_store, "sme", "check", "--province", "湖北省", "--no-abnormal", "--json"
    )
    assert json.loads(plain.output)["abnormal_checked"] is False


def test_sme_check_text_and_workbook(sme_store, tmp_path):
    out = tmp_path / "入库核查.xlsx"
    result = _run(
        sme_store,
        "sme",
        "check",
        "--province",
        "湖北",
        "--declarations",
        str(DECLARATIONS),
        "--as-of",
        "2022-05-07",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert "宜昌勤业空调有限公司" in result.output and "不符合入库条件" in result.output
    assert "共 6 家" in result.output
    summary = pd.read_excel(out, sheet_name="入库核查", dtype=str)
    details = pd.read_excel(out, sheet_name="逐项依据", dtype=str)
    assert sorted(summary["企业名称"]) == sorted(HUBEI)
    assert len(details) == 10 * len(HUBEI)
    row = details[
        (details["企业名称"] == "宜昌神达科技有限公司") & (details["序号"] == "6")
    ].iloc[0]
    assert row["结果"] == "符合" and "企业库" in row["依据"]
    csv = tmp_path / "核查.csv"
    assert (
        _run(
            sme_store, "sme", "check", "--province", "湖北省", "--out", str(csv)
        ).exit_code
        == 0
    )
    assert len(pd.read_csv(csv, encoding="utf-8-sig")) == 10 * len(HUBEI)


def test_sme_check_errors_are_one_line(sme_store, tmp_path):
    result = _run(sme_store, "sme", "check", "--province", "湖北省", "--as-of", "5月")
    assert result.exit_code == 1 and "YYYY-MM-DD" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("企业名称,专利产业化率\n甲有限公司,55\n", encoding="utf-8")
    result = _run(
        sme_store, "sme", "check", "--province", "湖北省", "--declarations", str(bad)
    )
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "第 2 行" in result.output
