"""The spec quality page: an analyst draws a node's sample, marks it 相关/不相关 in the
browser, and the precision is computed as ``patnav spec judge`` does and recorded in the
spec's ``quality:`` block as a new version."""

from __future__ import annotations

import math
import re
import statistics

import pandas as pd
import yaml

from tests.test_i18n import english_ui_words
from tests.web.test_pages import _visible_text

SPEC = """\
# 测试方案：注释须保留
title: 装置类专利
type: rnd
count_by: document
scope:
  - node: 装置
    keywords: [装置]
  - node: 方法
    keywords: [方法]
"""


def wilson_fpc(k: int, n: int, population: int) -> tuple[float, float]:
    """Roots in p of (k/n − p)² = z²·p(1−p)/n·(N−n)/(N−1)."""
    z = statistics.NormalDist().inv_cdf(0.975)
    zz = z * z * (population - n) / (population - 1)
    a, b, c = 1 + zz / n, -(2 * k / n + zz / n), (k / n) ** 2
    root = math.sqrt(b * b - 4 * a * c)
    return (-b - root) / (2 * a), (-b + root) / (2 * a)


def _new_spec(client) -> int:
    saved = client.post("/specs", data={"yaml_text": SPEC, "csrf_token": client.csrf})
    assert saved.status_code == 200
    return int(re.search(r"/specs/(\d+)", str(saved.url)).group(1))


def _hidden(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" value="([^"]*)"', html)


def test_an_analyst_judges_a_sample_in_the_browser_and_the_spec_records_it(
    site, client_for, data_dir
):
    client = client_for("ta_analyst")
    spec_id = _new_spec(client)
    before = client.get(f"/specs/{spec_id}/quality").text
    assert "检索策略质量" in before and before.count("未评估") == 4

    page = client.post(
        f"/specs/{spec_id}/quality/sample",
        data={"node": "装置", "store_id": site.stores["泰安库"], "size": 12, "seed": 5,
              "csrf_token": client.csrf},
    ).text  # fmt: skip
    numbers = _hidden(page, "number")
    doc_ids = _hidden(page, "doc_id")
    hits = int(_hidden(page, "hits")[0])
    assert len(numbers) == len(doc_ids) == 12
    counted = client.get(
        f"/specs/{spec_id}/quality", params={"store_id": site.stores["泰安库"]}
    ).text
    row = re.search(r'<tr data-node="装置">(.*?)</tr>', counted, re.S).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', row)[0] == f"{hits:,}"
    for html in (before, page, counted):  # Chinese pages carry no English UI word
        assert not english_ui_words(_visible_text(html))
    # every sampled document of the CNIPA export (read with pandas) is a hit: its title
    # or abstract holds 装置 (the export is 199 of the store's 238 documents)
    raw = pd.read_excel(data_dir / "formats/cn-excel/cnipa_export_199.xlsx", dtype=str)
    texts = {
        n: f"{t}\n{a}"
        for n, t, a in zip(raw["公开（公告）号"], raw["名称"], raw["摘要"], strict=True)
    }
    from_export = [n for n in numbers if n in texts]
    assert len(from_export) >= 6
    assert all("装置" in texts[n] for n in from_export)

    verdicts = ["相关"] * 7 + ["不相关"] * 3 + ["", ""]  # two left unjudged
    form = {
        "node": "装置",
        "store_id": site.stores["泰安库"],
        "seed": 5,
        "hits": hits,
        "sampled_on": _hidden(page, "sampled_on")[0],
        "query": _hidden(page, "query")[0],
        "doc_id": doc_ids,
        "number": numbers,
        "verdict": verdicts,
        "csrf_token": client.csrf,
    }
    done = client.post(f"/specs/{spec_id}/quality/judge", data=form)
    assert done.status_code == 200 and "已记录查准率" in done.text
    low, high = wilson_fpc(7, 10, hits)
    assert (
        f"{7 / 10 * 100:.1f}%（95% 区间 {low * 100:.1f}%–{high * 100:.1f}%）"
        in done.text
    )
    assert "7/10" in done.text and "ta_analyst" in done.text

    edited = client.get(f"/specs/{spec_id}").text
    assert "版本 2</small>" in edited
    from patnav.platform.models import Spec

    with site.app.state.platform.session() as db:
        row = db.get(Spec, spec_id)
        text, version = row.yaml_text, row.version
    assert version == 2
    assert text.startswith(SPEC.rstrip("\n"))  # comments and all
    record = yaml.safe_load(text)["quality"][0]
    assert record["node"] == ["装置"]
    p = record["precision"]
    assert (p["relevant"], p["judged"], p["sample_size"], p["hits"]) == (
        7,
        10,
        12,
        hits,
    )
    assert (p["low"], p["high"]) == (round(low, 6), round(high, 6))
    assert p["judge"] == "ta_analyst" and p["method"] == "wilson-fpc"


def test_a_forged_document_or_a_changed_query_is_refused_and_nothing_is_saved(
    site, client_for
):
    client = client_for("ta_analyst")
    spec_id = _new_spec(client)
    page = client.post(
        f"/specs/{spec_id}/quality/sample",
        data={"node": "装置", "store_id": site.stores["泰安库"], "size": 3, "seed": 1,
              "csrf_token": client.csrf},
    ).text  # fmt: skip
    form = {
        "node": "装置",
        "store_id": site.stores["泰安库"],
        "seed": 1,
        "hits": _hidden(page, "hits")[0],
        "sampled_on": _hidden(page, "sampled_on")[0],
        "query": _hidden(page, "query")[0],
        "doc_id": [*_hidden(page, "doc_id")[:2], "AN:CN000000000000"],
        "number": _hidden(page, "number"),
        "verdict": ["相关", "相关", "相关"],
        "csrf_token": client.csrf,
    }
    forged = client.post(f"/specs/{spec_id}/quality/judge", data=form)
    assert forged.status_code == 400 and "不是该环节" in forged.text
    form["doc_id"] = _hidden(page, "doc_id")
    form["query"] = "TIAB=(别的)"
    stale = client.post(f"/specs/{spec_id}/quality/judge", data=form)
    assert stale.status_code == 400 and "重新抽样" in stale.text
    from patnav.platform.models import Spec

    with site.app.state.platform.session() as db:
        assert db.get(Spec, spec_id).version == 1


def test_a_reader_sees_the_figures_but_may_not_judge(site, client_for):
    analyst = client_for("ta_analyst")
    spec_id = _new_spec(analyst)
    reader = client_for("ta_dept")
    page = reader.get(f"/specs/{spec_id}/quality")
    assert page.status_code == 200 and "抽取样本" not in page.text
    refused = reader.post(
        f"/specs/{spec_id}/quality/sample",
        data={"node": "装置", "store_id": site.stores["泰安库"], "size": 3,
              "csrf_token": reader.csrf},
    )  # fmt: skip
    assert refused.status_code in (403, 404)


def test_a_breakdown_table_uploaded_becomes_a_spec_and_downloads_back(
    site, client_for, tmp_path
):
    from patnav.analyses.breakdown import read_breakdown
    from patnav.analyses.spec import parse_spec
    from tests.analyses.test_breakdown import EXPECTED, _table, analyst_table

    client = client_for("ta_analyst")
    table = analyst_table(tmp_path / "分解表.xlsx")
    with table.open("rb") as handle:
        made = client.post(
            "/specs/import",
            data={"title": "泰安农业装备", "nav_type": "industry", "province": "山东省",
                  "city": "泰安市", "csrf_token": client.csrf},
            files={"table": (table.name, handle)},
        )  # fmt: skip
    assert made.status_code == 200 and "方案已保存" in made.text, made.text[:500]
    spec_id = int(re.search(r"/specs/(\d+)", str(made.url)).group(1))
    from patnav.platform.models import Spec

    with site.app.state.platform.session() as db:
        text = db.get(Spec, spec_id).yaml_text
    spec = parse_spec(text)
    assert {n.path: n.query for n in spec.walk()} == EXPECTED
    assert (spec.title, spec.region.province, spec.region.city) == (
        "泰安农业装备",
        "山东省",
        "泰安市",
    )

    download = client.get(f"/specs/{spec_id}/breakdown.xlsx")
    assert download.status_code == 200
    back = tmp_path / "back.xlsx"
    back.write_bytes(download.content)
    assert [r.path for r in read_breakdown(back).rows] == list(EXPECTED)

    bad = _table(tmp_path / "bad.xlsx", [[None, "小麦", None, "小麦"]])
    with bad.open("rb") as handle:
        refused = client.post(
            "/specs/import",
            data={"nav_type": "rnd", "csrf_token": client.csrf},
            files={"table": (bad.name, handle)},
        )
    assert refused.status_code == 400
    assert "第 2 行 A 列" in refused.text and "一级分支为空" in refused.text


def test_recall_on_an_uploaded_known_set_matches_pandas(site, client_for, data_dir):
    client = client_for("ta_analyst")
    spec_id = _new_spec(client)
    raw = pd.read_excel(data_dir / "formats/cn-excel/cnipa_export_199.xlsx", dtype=str)
    text = raw["名称"].fillna("") + "\n" + raw["摘要"].fillna("")
    known = raw[raw["名称"].fillna("").str.contains("机", regex=False)]
    found = known[text[known.index].str.contains("装置", regex=False)]
    assert 0 < len(found) < len(known)
    listing = "\n".join([*known["公开（公告）号"], "CN299999999U"]) + "\n"
    done = client.post(
        f"/specs/{spec_id}/quality/recall",
        data={"node": "装置", "store_id": site.stores["泰安库"], "csrf_token": client.csrf},
        files={"relevant": ("已知.txt", listing.encode())},
    )  # fmt: skip
    assert done.status_code == 200 and "已记录查全率" in done.text
    from patnav.platform.models import Spec

    with site.app.state.platform.session() as db:
        record = yaml.safe_load(db.get(Spec, spec_id).yaml_text)["quality"][0]["recall"]
    assert (record["known"], record["in_store"], record["found"]) == (
        len(known) + 1,
        len(known),
        len(found),
    )
    assert record["value"] == round(len(found) / len(known), 6)
    assert record["judge"] == "ta_analyst" and record["relevant_file"] == "已知.txt"
    assert f"{len(found)}/{len(known)}" in done.text
