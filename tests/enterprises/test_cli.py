"""``patnav enterprises``: Chinese output by default, ``--json`` for machines."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from click.testing import CliRunner

from patnav.cli import cli
from patnav.enterprises.groups import group_id_for
from tests.enterprises.conftest import GAOQI, GROUPS, REGISTER, XIAOJUREN


@pytest.fixture
def run(taian_store_path, tmp_path):
    store = tmp_path / "cli.duckdb"
    shutil.copy(taian_store_path, store)

    def invoke(*args, ok=True):
        result = CliRunner().invoke(cli, ["--store", str(store), *map(str, args)])
        if ok:
            assert result.exit_code == 0, result.output
        return result

    return invoke


def _no_english_words(text: str) -> bool:
    # ids, codes and file paths aside, no English words in Chinese output
    stripped = re.sub(r"\S*[/\\.]\S*|\b[GLN][0-9a-f]{10}\b|\b[0-9A-Z]{18}\b", "", text)
    return re.search(r"\b[a-z]{3,}\b", stripped) is None


def test_import_list_show(run):
    out = run("enterprises", "import", XIAOJUREN, GAOQI, REGISTER).output
    assert "新增 3 家" in out
    assert "隔离：名单 第7行：没有企业名称" in out
    assert "关联：9/11 家企业已关联申请人；待审核 2 条" in out
    assert _no_english_words(out), out
    listing = run("enterprises", "list", "--qualification", "little_giant").output
    assert "企业名称" in listing and "共 4 家企业" in listing
    assert _no_english_words(listing), listing
    shown = run("enterprises", "show", "山东泰开变压器有限公司").output
    assert "规模              大型" in shown
    assert "高新技术企业(2020)" in shown
    data = json.loads(run("enterprises", "show", "--json", "91370900FXR0000017").output)
    assert data["size"] == "large" and data["revenue_wan"] == 50000
    assert [a["applicant_name"] for a in data["applicants"]] == [
        "山东泰开变压器有限公司"
    ]
    listed = json.loads(
        run("enterprises", "list", "--json", "--size", "unknown").output
    )
    assert listed["total"] == 6


def test_links_review_and_decide(run):
    run("enterprises", "import", REGISTER)
    review = json.loads(run("enterprises", "links", "--json").output)
    assert len(review) == 2
    out = run("enterprises", "links").output
    assert "待审核" in out and _no_english_words(out)
    run("enterprises", "links", "--accept", review[0]["link_id"])
    assert len(json.loads(run("enterprises", "links", "--json").output)) == 1
    bad = run("enterprises", "links", "--accept", "Lnope", ok=False)
    assert bad.exit_code == 1 and bad.output.startswith("错误：")


def test_groups_import_suggest_accept_reject(run):
    out = run("enterprises", "groups", "import", GROUPS).output
    assert "2 个集团，7 家成员企业" in out
    listed = run("enterprises", "groups").output
    assert "山东泰开集团有限公司" in listed and "已确认" in listed
    assert _no_english_words(listed), listed
    out = run("enterprises", "groups", "suggest").output
    assert out.startswith("按名称建议")
    suggested = json.loads(run("enterprises", "groups", "--all", "--json").output)
    pending = [
        g for g in suggested if any(m["status"] == "suggested" for m in g["members"])
    ]
    assert pending
    gid = pending[0]["group_id"]
    out = run("enterprises", "groups", "reject", gid).output
    assert "已否决" in out
    gid = group_id_for("山东东岳能源有限责任公司")
    out = run("enterprises", "groups", "accept", gid).output
    assert "山东东岳能源有限责任公司泰山铝业分公司" in out and "已确认" in out
    ranking = run(
        "analyze", "applicants", "--count-by", "application", "--param",
        "group_by=group", "--rows", "3",
    ).output  # fmt: skip
    assert "排名主体：企业集团（成员合并）" in ranking
    assert "山东泰开集团有限公司" in ranking
