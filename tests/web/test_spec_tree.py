"""The breakdown tree editor (/specs/{id}/tree) and the spec's kept versions: live counts
per node equal ``patnav spec counts`` and a pandas count over the raw CNIPA export;
problems are shown at their node in Chinese (English with ?lang=en); saving writes the
YAML as a new version; versions are listed, compared, restored; roles and tenants hold."""

from __future__ import annotations

import json
import re

import lxml.html
import pandas as pd
import pytest
from click.testing import CliRunner

from patnav.cli import cli
from tests.test_i18n import english_ui_words
from tests.web.realdata import CNIPA_EXPORT
from tests.web.test_pages import _visible_text

# Every CNIPA-export document was filed in 2012 and no other document of the small store
# was: the period limits the scope to the export's 199 rows, which pandas reads directly.
SPEC = """\
# 道路与水利（测试方案）：注释须保留
title: 道路与水利专利导航
type: rnd
count_by: document
period: {from: 2012, to: 2012}
scope:
  - node: 道路
    ipc: [E01C]
    children:
      - node: 桥梁
        keywords: [桥梁]
        ipc: [E01D]
      - node: 护栏
        keywords: [护栏]
  - node: 水利
    keywords: [堤坝]
    ipc: [E02B]
"""


@pytest.fixture(scope="module")
def export(data_dir) -> pd.DataFrame:
    """The CNIPA export as pandas reads it: text of title and abstract, IPC classes."""
    raw = pd.read_excel(data_dir / CNIPA_EXPORT, dtype=str).fillna("")
    return pd.DataFrame(
        {
            "number": raw["公开（公告）号"],
            "text": raw["名称"] + "\n" + raw["摘要"],
            "ipc": raw["分类号"],
        }
    )


def matches(frame: pd.DataFrame, words=(), classes=()) -> set[str]:
    """Export rows holding a word in title/abstract or a class starting with a prefix."""
    hit = pd.Series(False, index=frame.index)
    for word in words:
        hit |= frame["text"].str.contains(word, regex=False)
    for prefix in classes:
        hit |= (
            frame["ipc"]
            .str.split(";")
            .apply(lambda codes, p=prefix: any(c.strip().startswith(p) for c in codes))
        )
    return set(frame.loc[hit, "number"])


def _new_spec(client, text: str = SPEC) -> int:
    saved = client.post("/specs", data={"yaml_text": text, "csrf_token": client.csrf})
    assert saved.status_code == 200, saved.text[:500]
    return int(re.search(r"/specs/(\d+)", str(saved.url)).group(1))


def page_rows(html: str) -> list[dict[str, object]]:
    """The tree as the page's script posts it: each node's depth and fields."""
    doc = lxml.html.fromstring(html)
    rows = []
    for li in doc.xpath("//li[contains(concat(' ', @class, ' '), ' tree-node ')]"):
        row: dict[str, object] = {"depth": int(li.get("data-depth"))}
        for field in li.xpath(".//input[@data-field]"):
            row[field.get("data-field")] = field.get("value") or ""
        row["origin"] = json.loads(li.get("data-origin") or "[]")
        rows.append(row)
    return rows


def post(client, url: str, **data):
    return client.post(url, data={**data, "csrf_token": client.csrf})


def counts_of(html: str) -> dict[int, int]:
    return {
        int(i): int(n)
        for i, n in re.findall(r'id="node-count-(\d+)"[^>]*data-units="(\d+)"', html)
    }


def problems_of(html: str) -> dict[int, list[str]]:
    doc = lxml.html.fromstring(f"<div>{html}</div>")
    return {
        int(ul.get("id").rsplit("-", 1)[1]): [li.text_content() for li in ul]
        for ul in doc.xpath("//ul[contains(@class, 'node-problems')]")
    }


def test_live_counts_equal_patnav_spec_counts_and_pandas(
    site, client_for, export, small_store_path, tmp_path
):
    client = client_for("ta_analyst")
    spec_id = _new_spec(client)
    store = site.stores["泰安库"]
    page = client.get(f"/specs/{spec_id}/tree").text
    rows = page_rows(page)
    assert [(r["depth"], r["name"]) for r in rows] == [
        (0, "道路"), (1, "桥梁"), (1, "护栏"), (0, "水利"),
    ]  # fmt: skip
    assert rows[1]["keywords"] == "桥梁" and rows[1]["ipc"] == "E01D"
    assert "一级" in page and "二级" in page
    assert not english_ui_words(_visible_text(page))

    checked = post(
        client, f"/specs/{spec_id}/tree/check", tree=json.dumps(rows), store_id=store
    )
    assert checked.status_code == 200 and 'data-valid="true"' in checked.text
    web = counts_of(checked.text)

    # the same spec counted by the CLI on the same (read-only) store
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(SPEC, "utf-8")
    result = CliRunner().invoke(
        cli,
        ["spec", "counts", str(spec_file), "--json", "--store", str(small_store_path)],
    )
    assert result.exit_code == 0, result.output
    cli_counts = json.loads(result.output)
    cli_units = [n["units"] for n in cli_counts["nodes"]]
    assert web == dict(enumerate(cli_units))
    scope = int(re.search(r'id="scope-units" data-units="(\d+)"', checked.text)[1])
    assert scope == cli_counts["scope_units"]

    # independently, from the raw export with pandas
    road = matches(export, classes=["E01C"])
    bridge = matches(export, words=["桥梁"], classes=["E01D"])
    rail = matches(export, words=["护栏"])
    water = matches(export, words=["堤坝"], classes=["E02B"])
    assert web == {0: len(road), 1: len(bridge), 2: len(rail), 3: len(water)}
    assert scope == len(road | bridge | rail | water)
    assert min(web.values()) > 0

    # an edit: a child under 水利, given a keyword, is counted at once
    edited = post(
        client,
        f"/specs/{spec_id}/tree/edit",
        tree=json.dumps(rows),
        op="add_child",
        at=3,
    )
    assert edited.headers["HX-Trigger"] == "tree-changed"
    rows = page_rows(edited.text)
    assert [(r["depth"], r["name"]) for r in rows][-1] == (1, "新分支")
    rows[-1].update(name="闸门", keywords="闸门")
    checked = post(
        client, f"/specs/{spec_id}/tree/check", tree=json.dumps(rows), store_id=store
    )
    gate = matches(export, words=["闸门"])
    assert counts_of(checked.text)[4] == len(gate) > 0

    # saving writes the YAML (comment kept) as version 2
    saved = post(client, f"/specs/{spec_id}/tree", tree=json.dumps(rows), version=1)
    assert saved.status_code == 200 and "/tree" in str(saved.url)
    spec_page = client.get(f"/specs/{spec_id}").text
    assert (
        "版本 2" in spec_page or "版本</small>" in spec_page or "2</small>" in spec_page
    )
    again = page_rows(client.get(f"/specs/{spec_id}/tree").text)
    # reopened, every node's origin is its saved path (the added 闸门 has one now)
    assert [r["origin"] for r in again] == [
        ["道路"],
        ["道路", "桥梁"],
        ["道路", "护栏"],
        ["水利"],
        ["水利", "闸门"],
    ]
    assert again == [
        {**r, "query": r.get("query", ""), "origin": a["origin"]}
        for r, a in zip(rows, again, strict=True)
    ]
    yaml_text = lxml.html.fromstring(spec_page).get_element_by_id("yaml_text").text
    assert yaml_text.startswith("# 道路与水利（测试方案）：注释须保留\n")
    assert "闸门" in yaml_text
    # a stale editor (version 1) cannot overwrite version 2
    stale = post(client, f"/specs/{spec_id}/tree", tree=json.dumps(rows), version=1)
    assert stale.status_code == 400 and "第 2 版" in stale.text


def test_problems_are_shown_at_their_node_in_chinese_and_english(site, client_for):
    client = client_for("ta_analyst")
    spec_id = _new_spec(client)
    rows = page_rows(client.get(f"/specs/{spec_id}/tree").text)
    rows[1]["name"] = ""  # 桥梁 without a name
    rows[2]["ipc"] = "E01D; 路面"  # 护栏: not a class
    rows.insert(
        3, {"depth": 1, "name": "护栏", "query": "TIAB=(护栏"}
    )  # twin, bad query
    tree = json.dumps(rows)
    checked = post(client, f"/specs/{spec_id}/tree/check", tree=tree)
    found = problems_of(checked.text)
    assert "没有名称" in found[1][0]
    assert "“路面”不是 IPC 分类号" in found[2][0]
    assert any("同级已有名为“护栏”" in m for m in found[3])
    assert any("检索式有误" in m for m in found[3])
    assert found[0] == [] and found[4] == []
    assert 'data-valid="false"' in checked.text and "道路 / 护栏" in checked.text
    assert not english_ui_words(_visible_text(checked.text))
    # nothing is saved while the tree has problems
    refused = post(client, f"/specs/{spec_id}/tree", tree=tree, version=1)
    assert refused.status_code == 400 and "没有名称" in refused.text
    assert "版本 1" in re.sub(r"<[^>]+>", "", client.get(f"/specs/{spec_id}").text)
    english = client.post(
        f"/specs/{spec_id}/tree/check?lang=en",
        data={"tree": tree, "csrf_token": client.csrf},
    )
    found_en = problems_of(english.text)
    assert "has no name" in found_en[1][0]
    assert "is not an IPC symbol" in found_en[2][0]


def test_versions_are_kept_compared_and_restored_within_roles_and_tenants(
    site, client_for
):
    client = client_for("ta_analyst")
    spec_id = _new_spec(client)
    first = client.get(f"/specs/{spec_id}").text
    text1 = lxml.html.fromstring(first).get_element_by_id("yaml_text").text
    text2 = text1.replace("keywords: [护栏]", "keywords: [护栏, 隔离栅]").replace(
        "  - node: 水利\n    keywords: [堤坝]\n    ipc: [E02B]\n",
        "  - node: 港口\n    ipc: [E02B]\n",
    )
    assert text2 != text1
    saved = post(client, f"/specs/{spec_id}", yaml_text=text2, name="道路")
    assert saved.status_code == 200
    listing = client.get(f"/specs/{spec_id}/versions").text
    versions = re.findall(r'<tr data-version="(\d+)">', listing)
    assert versions == ["2", "1"]
    cells = re.findall(r'<tr data-version="\d+">(.*?)</tr>', listing, re.S)
    assert all("ta_analyst" in row for row in cells) and len(cells) == 2
    shown = client.get(f"/specs/{spec_id}/versions/1").text
    assert "keywords: [护栏]" in lxml.html.fromstring(shown).text_content()

    diff = client.get(f"/specs/{spec_id}/versions/diff", params={"a": 1, "b": 2}).text
    kinds = set(re.findall(r'data-node="([^"]+)" data-kind="(\w+)"', diff))
    assert kinds == {
        ("道路 / 护栏", "changed"),
        ("港口", "added"),
        ("水利", "removed"),
    }
    assert "隔离栅" in diff

    # a department reads but cannot restore; another tenant sees nothing
    reader = client_for("ta_dept")
    assert reader.get(f"/specs/{spec_id}/versions").status_code == 200
    assert reader.get(f"/specs/{spec_id}/tree").status_code == 200
    assert "/restore" not in reader.get(f"/specs/{spec_id}/versions").text
    assert "/restore" in listing
    assert post(reader, f"/specs/{spec_id}/versions/1/restore").status_code == 403
    tree = json.dumps(page_rows(reader.get(f"/specs/{spec_id}/tree").text))
    assert (
        post(reader, f"/specs/{spec_id}/tree", tree=tree, version=2).status_code == 403
    )
    other = client_for("jn_analyst")
    for url in ("tree", "versions", "versions/1", "versions/diff?a=1&b=2"):
        assert other.get(f"/specs/{spec_id}/{url}").status_code == 404
    assert post(other, f"/specs/{spec_id}/versions/1/restore").status_code == 404
    # no CSRF token, no restore
    bare = client.post(f"/specs/{spec_id}/versions/1/restore")
    assert bare.status_code == 403

    restored = post(client, f"/specs/{spec_id}/versions/1/restore")
    assert restored.status_code == 200 and "已恢复，当前为第 3 版" in restored.text
    assert re.findall(r'<tr data-version="(\d+)">', restored.text) == ["3", "2", "1"]
    assert "由第 1 版恢复" in restored.text
    current = client.get(f"/specs/{spec_id}").text
    assert lxml.html.fromstring(current).get_element_by_id("yaml_text").text == text1
    same = client.get(f"/specs/{spec_id}/versions/diff", params={"a": 1, "b": 3}).text
    assert "两个版本相同" in same
    assert client.get(f"/specs/{spec_id}/versions/9").status_code == 404


def test_a_breakdown_table_is_read_into_the_tree_for_review(site, client_for, tmp_path):
    import io

    import openpyxl

    client = client_for("ta_analyst")
    spec_id = _new_spec(client)
    table = client.get(f"/specs/{spec_id}/breakdown.xlsx")
    assert table.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(table.content))
    sheet = book["技术分解表"]
    headers = [c.value for c in next(sheet.iter_rows(max_row=1))]
    row = [None] * len(headers)
    row[headers.index("一级分支")] = "水利"
    row[headers.index("二级分支")] = "泵站"
    row[headers.index("中文关键词")] = "泵站；水泵"
    sheet.append(row)
    edited = tmp_path / "分解表.xlsx"
    book.save(edited)
    with edited.open("rb") as handle:
        shown = client.post(
            f"/specs/{spec_id}/tree/import",
            data={"csrf_token": client.csrf},
            files={"table": ("分解表.xlsx", handle, "application/octet-stream")},
        )
    assert shown.status_code == 200 and "已从 分解表.xlsx 读入 5 个节点" in shown.text
    rows = page_rows(shown.text)
    assert [(r["depth"], r["name"]) for r in rows] == [
        (0, "道路"), (1, "桥梁"), (1, "护栏"), (0, "水利"), (1, "泵站"),
    ]  # fmt: skip
    assert rows[4]["keywords"] == "泵站; 水泵" and rows[1]["ipc"] == "E01D"
    assert "版本 1" in re.sub(r"<[^>]+>", "", client.get(f"/specs/{spec_id}").text)
    wrong = client.post(
        f"/specs/{spec_id}/tree/import",
        data={"csrf_token": client.csrf},
        files={"table": ("x.xlsx", b"not a workbook", "application/octet-stream")},
    )
    assert wrong.status_code == 400 and "x.xlsx" in wrong.text
    assert "patnav-breakdown-" not in wrong.text  # no server path
    reader = client_for("ta_dept")
    with edited.open("rb") as handle:
        refused = reader.post(
            f"/specs/{spec_id}/tree/import",
            data={"csrf_token": reader.csrf},
            files={"table": ("分解表.xlsx", handle, "application/octet-stream")},
        )
    assert refused.status_code == 403


def test_the_editors_counts_are_limited_as_searches_are():
    from patnav.web.limits import expensive_kind

    assert expensive_kind("POST", "/specs/3/tree/check") == "search"
    assert expensive_kind("POST", "/specs/3/tree") == "spec"
    assert expensive_kind("POST", "/specs/3/tree/edit") is None


def test_a_renamed_or_moved_node_keeps_its_quality_records(site, client_for):
    """Precision and recall are stored per node path: renaming a node, or its parent,
    or moving it in the editor carries its records to the new path (they still measure
    its query); a node added in the editor under an old name does not inherit them."""
    from patnav.analyses.spec import node_query, parse_spec
    from patnav.analyses.strategy_quality import load_quality, with_quality

    client = client_for("ta_analyst")
    spec = parse_spec(SPEC)
    text = SPEC
    for path, value in ((("道路", "桥梁"), 0.9), (("水利",), 0.7)):
        node = next(n for n in spec.walk() if n.path == path)
        record = {"query": node_query(node), "precision": value, "judge": "张三"}
        text = with_quality(text, parse_spec(text), node, precision=record)
    spec_id = _new_spec(client, text)

    rows = page_rows(client.get(f"/specs/{spec_id}/tree").text)
    assert [r["origin"] for r in rows] == [list(n.path) for n in spec.walk()]
    names = [r["name"] for r in rows]
    rows[names.index("道路")]["name"] = "道路工程"  # the parent renamed
    rows[names.index("桥梁")]["name"] = "桥隧"  # and the node itself
    # 水利 becomes a child of 道路工程's last child (护栏) and a new node takes its name
    rows[names.index("水利")]["depth"] = 2
    rows.append({"depth": 0, "name": "水利", "keywords": "水闸", "origin": []})
    saved = post(client, f"/specs/{spec_id}/tree", tree=json.dumps(rows), version=1)
    assert saved.status_code == 200, saved.text[:300]

    page = client.get(f"/specs/{spec_id}").text
    now = parse_spec(lxml.html.fromstring(page).get_element_by_id("yaml_text").text)
    quality = load_quality(now)
    bridge = quality.of(("道路工程", "桥隧"))
    moved = quality.of(("道路工程", "护栏", "水利"))
    assert bridge is not None and bridge.precision["precision"] == 0.9
    assert bridge.status("precision") == "measured"
    assert moved is not None and moved.precision["precision"] == 0.7
    assert moved.status("precision") == "measured"
    fresh = quality.of(("水利",))
    assert fresh is not None and fresh.status("precision") == "missing"
    assert [r["node"] for r in now.raw["quality"]] == [
        ["道路工程", "桥隧"],
        ["道路工程", "护栏", "水利"],
    ]
