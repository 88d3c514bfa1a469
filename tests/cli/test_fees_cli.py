"""``patnav fees due``: the issue's options and JSON keys, Chinese output, clear errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from patnav.cli import cli

CN = [
    "fees", "due", "--office", "CN", "--type", "invention", "--app-date", "2015-03-10",
    "--grant-date", "2017-05-02", "--paid-through-year", "5",
]  # fmt: skip


def _run(args, **kw):
    return CliRunner().invoke(cli, args, catch_exceptions=False, **kw)


def test_cn_json_has_the_issue_s_keys():
    result = _run([*CN, "--as-of", "2020-06-01", "--paid-on", "2020-05-11", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {
        "next_year": 6,
        "next_due": "2020-03-10",
        "fee_cny": 1200,
        "grace_end": "2020-09-10",
        "expiry": "2035-03-09",
        "status": "in_grace",
        "years_maintained_at_as_of": 5,
        "late_fee_cny": 120,  # third month: 10 % of 1,200
    }.items() <= data.items()
    assert "termination_date" not in data


def test_cn_json_gives_the_termination_date_when_lapsed():
    data = json.loads(_run([*CN, "--as-of", "2020-09-11", "--json"]).output)
    assert (data["status"], data["termination_date"]) == ("lapsed", "2020-03-10")
    assert "late_fee_cny" not in data  # only with --paid-on


def test_cn_reduction_is_a_per_patent_option():
    data = json.loads(
        _run([*CN, "--as-of", "2020-01-01", "--reduction", "70", "--json"]).output
    )
    assert (data["fee_cny"], data["reduction_percent"]) == (360, 70)


def test_cn_prints_chinese_by_default_and_english_on_request():
    zh = _run([*CN, "--as-of", "2020-06-01"]).output
    assert "宽限期内（未缴）" in zh and "应缴日" in zh and "2020-03-10" in zh
    assert "专利法" in zh  # the legal source
    assert "in_grace" not in zh and "due" not in zh
    en = _run([*CN, "--as-of", "2020-06-01", "--lang", "en"]).output
    assert "in grace (unpaid)" in en


def test_us_json_has_the_issue_s_keys():
    result = _run(
        ["fees", "due", "--office", "US", "--grant-date", "2019-01-01",
         "--paid-stages", "3.5,7.5", "--as-of", "2030-08-01", "--json"]
    )  # fmt: skip
    data = json.loads(result.output)
    assert {
        "next_stage": "11.5",
        "window_opens": "2030-01-01",
        "due": "2030-07-01",
        "surcharge_grace_end": "2031-01-01",
        "expiry_if_unpaid": "2031-01-01",
        "status": "in_grace",
    }.items() <= data.items()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--office", "US", "--paid-stages", "3.5"], "需要 --grant-date"),
        (["--office", "US", "--grant-date", "2019-01-01", "--paid-stages", "7.5"], "不连续"),
        (["--office", "CN", "--app-date", "2015-03-10", "--paid-through-year", "3"], "--type"),
        ([*CN[2:-1], "21"], "1 至 20"),
        ([*CN[2:], "--as-of", "2020-13-01"], "YYYY-MM-DD"),
        ([*CN[2:], "--paid-on", "2020-09-11", "--as-of", "2020-06-01"], "已过宽限期"),
    ],
)  # fmt: skip
def test_mistakes_are_one_line_chinese_errors(args, message):
    result = CliRunner().invoke(cli, ["fees", "due", *args])
    assert result.exit_code == 1
    assert "错误：" in result.output and message in result.output
    assert "Traceback" not in result.output


def test_ep_says_what_it_does_not_compute():
    out = _run(["fees", "due", "--office", "EP", "--app-date", "2019-01-15",
                "--paid-through-year", "2"]).output  # fmt: skip
    assert "2021-01-31" in out and "金额未收录" in out
