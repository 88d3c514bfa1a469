"""``patnav prevalue`` on the first rows of the real PatSnap 中之信 export."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from patnav.cli import cli
from patnav.models.prevalue import DISCLAIMER
from tests.patsnap import head_store, parts


@pytest.fixture(scope="module")
def patsnap(data_dir, tmp_path_factory):
    return head_store(data_dir, tmp_path_factory.mktemp("prevalue_cli"), 200)


def _invoke(path, *args):
    return CliRunner().invoke(cli, ["--store", str(path), "prevalue", *args])


def _with(frame, word):
    return frame.loc[
        frame["法律状态事件"].map(parts).map(lambda e: word in e), "公开公告号"
    ]


def test_numbers_give_checks_as_json(patsnap):
    frame, path = patsnap
    pledged = _with(frame, "质押").tolist()
    unpaid = _with(frame, "未缴年费").head(2).tolist()
    assert pledged and unpaid
    numbers = [*pledged, *unpaid, "CN999999999A"]
    result = _invoke(
        path, "--numbers", ",".join(numbers), "--term-months", "24", "--json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["disclaimer"] == DISCLAIMER
    assert data["loan"]["term_months"] == 24
    assert data["portfolio"]["not_found"] == ["CN999999999A"]
    checks = {
        p["given"]: {c["key"]: c["status"] for c in p["checks"]}
        for p in data["patents"]
    }
    assert all(checks[n]["pledge"] == "fail" for n in pledged)
    assert all(checks[n]["in_force"] == "fail" for n in unpaid)
    assert checks["CN999999999A"] == {}
    assert data["valuation"]["market"]["transactions"] == []


def test_the_table_and_the_report_files(patsnap, tmp_path):
    frame, path = patsnap
    row = frame.iloc[0]
    owner = parts(row["当前申请专利权人"])[0]
    result = _invoke(
        path,
        "--numbers",
        row["公开公告号"],
        "--borrower",
        owner,
        "--revenue",
        "200",
        "--out",
        str(tmp_path),
        "--format",
        "docx,html",
    )
    assert result.exit_code == 0, result.output
    assert "非资产评估报告" in result.output
    assert row["公开公告号"] in result.output
    assert "价值区间" in result.output
    assert (tmp_path / "专利资产预评估报告.docx").exists()
    assert (tmp_path / "专利资产预评估报告.html").exists()
    assert "已写出报告" in result.output


def test_a_sheet_and_an_enterprise_as_the_portfolio(patsnap, tmp_path):
    frame, path = patsnap
    sheet = tmp_path / "清单.csv"
    numbers = frame["公开公告号"].head(3).tolist()
    sheet.write_text(
        "序号,公开号\n" + "".join(f"{i},{n}\n" for i, n in enumerate(numbers)), "utf-8"
    )
    result = _invoke(path, "--sheet", str(sheet), "--json")
    assert result.exit_code == 0, result.output
    assert [p["doc_id"] for p in json.loads(result.output)["patents"]] == numbers

    owner = parts(frame["当前申请专利权人"].iloc[0])[0]
    owned = frame.loc[
        frame["当前申请专利权人"].map(parts).map(lambda p: owner in p), "公开公告号"
    ]
    result = _invoke(path, "--enterprise", owner, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {p["doc_id"] for p in data["patents"]} == set(owned)
    assert all(
        next(c for c in p["checks"] if c["key"] == "owner")["status"] == "pass"
        for p in data["patents"]
    )


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("--numbers", "CN1", "--set", "x"),
        ("--numbers", "CN1", "--term-months", "0"),
    ],
)
def test_bad_input_is_one_chinese_error_line(patsnap, args):
    _, path = patsnap
    result = _invoke(path, *args)
    assert result.exit_code == 1
    assert "错误" in result.output
    assert "Traceback" not in result.output


def test_the_whitelist_is_written_with_chinese_columns(patsnap, tmp_path):
    import pandas as pd

    from patnav.models.prevalue.whitelist import COLUMNS_ZH

    frame, path = patsnap
    out = tmp_path / "白名单.csv"
    result = _invoke(path, "whitelist", "--min-inventions", "0", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "质押融资授信白名单候选" in result.output
    written = pd.read_csv(out, dtype=str)
    assert list(written.columns) == list(COLUMNS_ZH.values())
    owners = frame["当前申请专利权人"].map(parts).explode()
    # every company owning a patent of these rows is a candidate when none is required
    assert set(written["企业名称"]) <= set(owners)
    assert len(written) > 0
    bad = _invoke(path, "whitelist", "--out", str(tmp_path / "x.txt"))
    assert bad.exit_code == 1


def test_a_saved_set_as_the_portfolio(patsnap, tmp_path):
    from patnav.search.sets import save_set
    from patnav.storage.store import PatentStore

    frame, path = patsnap
    copy = tmp_path / "sets.duckdb"
    copy.write_bytes(path.read_bytes())
    pledged = _with(frame, "质押").tolist()[:2]
    with PatentStore.open(copy) as store:
        save_set(store, "质押样本", " OR ".join(f"PN={n}" for n in pledged))
        save_set(store, "空集", "PN=CN999999999A")
    result = _invoke(copy, "--set", "质押样本", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert sorted(p["doc_id"] for p in data["patents"]) == sorted(pledged)
    assert data["portfolio"]["label"] == "专利集合“质押样本”"
    empty = _invoke(copy, "--set", "空集")
    assert empty.exit_code == 1
    assert "没有专利" in empty.output
