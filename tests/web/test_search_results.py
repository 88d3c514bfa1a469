"""The search page and the search API as result lists (issue 11, items 5, 7 and 8): one row
per family by default, facets over the whole hit set that narrow when clicked, sorting,
export, application numbers labelled as such, and a Chinese page with no English words —
including the note of a first search that builds the index, which a store copied with its
index does not need.

Expected figures come from the CNIPA export itself (``realdata``), not from the store.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections import Counter
from pathlib import Path

import lxml.html
import pytest

from patnav.search.fields import FIELDS
from patnav.search.results import FACETS, SORTS
from patnav.web.i18n import LABELS
from tests.search import realdata
from tests.web.conftest import api_token, bearer, wait_for

QUERY = "IPC=E01B"


def cls(name: str) -> str:
    """An XPath test for an element having the class ``name``."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def xp(node, expr: str) -> list:
    return node.xpath(expr)


def _expected(data_dir):
    rows = realdata.cnipa_export(data_dir)
    keep = rows.apply(
        lambda r: any(c.startswith("E01B") for c in realdata.ipc_codes(r)), axis=1
    )
    return rows[keep]


def _page(client, store_id: int, **params) -> lxml.html.HtmlElement:
    response = client.get(f"/stores/{store_id}/search", params=params)
    assert response.status_code == 200, response.text[:500]
    return lxml.html.fromstring(response.text)


def _facets(doc) -> dict[str, dict[str | None, tuple[int, str, str]]]:
    """facet → value (None: unknown) → (count, label shown, link)."""
    out: dict[str, dict[str | None, tuple[int, str, str]]] = {}
    for item in xp(doc, f"//ul[{cls('facet-values')}]/li"):
        link = xp(item, "./a[@data-facet]")
        if not link:
            continue
        a = link[0]
        value = a.get("data-value") or None
        count = int(
            xp(item, f".//*[{cls('count')}]")[0].text_content().replace(",", "")
        )
        out.setdefault(a.get("data-facet"), {})[value] = (
            count,
            a.text_content().strip(),
            a.get("href"),
        )
    return out


# Latin tokens a Chinese search page may show besides data: the query language (field
# names and operators, in the syntax help and the mode names), and names of things.
ALLOWED = {name.upper() for name in FIELDS} | {
    "AND",
    "OR",
    "NOT",
    "TO",
    "BM25",
    "IPC",
    "Excel",
    "CSV",
    "API",
    "patnav",
}


def english_words(doc) -> list[str]:
    """Latin words of the page's content (the search page itself: the frame around it
    shows the user's name) that are neither data (store values, the query) nor allowed
    names."""
    main = xp(doc, "//main")[0]
    for junk in xp(
        main,
        ".//script | .//style | .//textarea | "
        f".//*[{cls('data')}] | .//pre[{cls('query-marker')}]",
    ):
        junk.drop_tree()
    words = re.findall(r"[A-Za-z][A-Za-z0-9]+", main.text_content())
    return [w for w in words if w not in ALLOWED]


def test_the_page_lists_families_with_facets_that_narrow(site, client_for, data_dir):
    rows = _expected(data_dir)
    client = client_for("ta_analyst")
    store = site.stores["泰安库"]
    doc = _page(client, store, q=QUERY)
    head = xp(doc, "//*[@id='results']//h2")[0].text_content()
    # every document of this store is its own application: as many families
    assert f"命中 {len(rows):,} 篇文献，合并为 {len(rows):,} 个同族" in head
    assert [a.text for a in xp(doc, "//*[@id='group-switch']//strong")] == [
        "按同族合并"
    ]

    facets = _facets(doc)
    assert set(facets) == set(FACETS)
    applicants = Counter(
        n.strip()
        for names in rows["申请（专利权）人"]
        for n in str(names).split(";")
        if n.strip()
    )
    shown = {v: c for v, (c, _, _) in facets["applicant"].items()}
    top = sorted(applicants.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    assert shown == dict(top)
    years = Counter(d[:4] for d in rows["申请日"])
    assert {v: c for v, (c, _, _) in facets["year"].items()} == dict(years)
    assert facets["type"] == {
        "utility_model": (len(rows), "实用新型", facets["type"]["utility_model"][2])
    }
    # no status in the export: unknown, said in Chinese, never 失效
    assert {v: (c, label) for v, (c, label, _) in facets["status"].items()} == {
        None: (len(rows), "未知")
    }

    # a facet value narrows the list to exactly its count
    year, (count, _, href) = next(iter(facets["year"].items()))
    narrowed = lxml.html.fromstring(client.get(f"/stores/{store}/search{href}").text)
    assert (
        f"合并为 {count:,} 个同族"
        in xp(narrowed, "//*[@id='results']//h2")[0].text_content()
    )
    assert (
        xp(narrowed, f"//ul[{cls('facet-values')}]/li[{cls('on')}]//a")[0].get(
            "data-value"
        )
        == year
    )
    assert xp(narrowed, "//*[@id='clear-filters']")

    # sorting by filing date, oldest first, through the page's links
    sort = xp(doc, "//*[@id='sort-switch']//a[@data-sort='app_date']")[0].get("href")
    newest = lxml.html.fromstring(client.get(f"/stores/{store}/search{sort}").text)
    order = xp(newest, "//*[@id='sort-order']")[0].get("href")
    oldest = lxml.html.fromstring(client.get(f"/stores/{store}/search{order}").text)
    dates = [
        td.text_content().strip()
        for td in xp(oldest, f"//table[{cls('hits')}]//tr/td[5]")
    ]
    expected = sorted(d.replace(".", "-") for d in rows["申请日"])[: len(dates)]
    assert dates == expected

    assert english_words(doc) == []


def test_labels_of_every_facet_sort_and_grouping_exist():
    keys = (
        [f"search.facet.{f}" for f in FACETS]
        + [f"search.sort.{s}" for s in SORTS]
        + [f"search.group.{g}" for g in ("family", "document")]
    )
    assert [k for k in keys if k not in LABELS] == []


def test_a_copied_store_searches_at_once_and_a_first_build_speaks_chinese(
    site, client_for
):
    # 泰安库 was copied into the platform with its index: no rebuild, no note
    client = client_for("prov_admin")
    first = _page(client, site.stores["泰安库"], q="TI=轨枕")
    assert xp(first, f"//p[{cls('note')}]") == []
    # 济南库 without its index folder: the first search builds it, and says so in Chinese
    from patnav.platform.models import DataStore

    with site.app.state.platform.session() as db:
        filename = db.get(DataStore, site.stores["济南库"]).filename
    shutil.rmtree(Path(f"{site.root / filename}.search"))
    built = _page(client, site.stores["济南库"], q="TI=轨枕")
    notes = [p.text_content() for p in xp(built, f"//p[{cls('note')}]")]
    assert len(notes) == 1 and "全文索引已更新：新增 237 篇" in notes[0], notes
    assert english_words(built) == []
    # an error is Chinese too
    empty = _page(client, site.stores["泰安库"], q="TI=(轨枕")
    assert "检索式有误" in xp(empty, "//*[@id='search-error']")[0].text_content()
    assert english_words(empty) == []


def test_records_without_a_publication_number_show_their_application_number(
    site, client_for, data_dir, tmp_path
):
    taian = realdata.taian(data_dir).iloc[:30]
    subset = tmp_path / "taian.xlsx"
    taian.to_excel(subset, index=False)
    api = client_for()
    api.headers.update(bearer(api_token(site, "ta_analyst")))
    created = api.post(
        "/api/v1/stores", json={"tenant_id": site.tenants["泰安市"], "name": "泰安语料"}
    ).json()
    with subset.open("rb") as handle:
        job = api.post(
            f"/api/v1/stores/{created['id']}/imports",
            files={"file": ("taian.xlsx", handle)},
        ).json()
    done = wait_for(
        lambda: api.get(f"/api/v1/imports/{job['id']}").json(),
        lambda j: j["status"] in ("done", "failed"),
    )
    assert done["status"] == "done", done
    doc = _page(
        client_for("ta_analyst"), created["id"], q="AD=[1980 TO 2030]", group="document"
    )
    cells = xp(doc, f"//table[{cls('hits')}]//tr/td[2]")
    assert len(cells) == 20
    expected = {n.split(".")[0] for n in taian["申请号"]}
    for cell in cells:
        assert xp(cell, f".//*[{cls('chip')}]")[0].text_content() == "申请号"
        assert xp(cell, f".//a[{cls('data')}]")[0].text_content() in expected
    data = api.get(
        f"/api/v1/stores/{created['id']}/search",
        params={"q": "AD=[1980 TO 2030]", "size": 100},
    ).json()
    assert data["total"] == len(taian)
    assert {h["number"] for h in data["hits"]} == expected
    assert {h["number_kind"] for h in data["hits"]} == {"application"}
    assert all(h["pub_number"] is None for h in data["hits"])


def test_the_api_groups_sorts_narrows_and_exports(site, client_for, data_dir):
    rows = _expected(data_dir)
    api = client_for()
    api.headers.update(bearer(api_token(site, "ta_analyst")))
    url = f"/api/v1/stores/{site.stores['泰安库']}/search"
    family = api.get(url, params={"q": QUERY, "size": 100}).json()
    document = api.get(
        url, params={"q": QUERY, "group": "document", "size": 100}
    ).json()
    assert family["group"] == "family" and document["group"] == "document"
    assert family["total"] == document["total"] == document["documents"] == len(rows)
    assert family["facets"]["status"] == {
        "name": "status",
        "counts": [],
        "unknown": len(rows),
        "more": 0,
    }
    unknown = api.get(url, params={"q": QUERY, "status": ""}).json()
    assert unknown["total"] == len(rows) and unknown["filters"] == {"status": [None]}
    year = rows["申请日"].str[:4].value_counts()
    one = api.get(url, params={"q": QUERY, "year": year.index[0]}).json()
    assert one["total"] == int(year.iloc[0])
    oldest = api.get(
        url, params={"q": QUERY, "sort": "app_date", "order": "asc", "size": 100}
    ).json()
    assert [h["app_date"] for h in oldest["hits"]] == sorted(
        d.replace(".", "-") for d in rows["申请日"]
    )
    bad = api.get(url, params={"q": QUERY, "sort": "title"})
    assert bad.status_code in (400, 422)

    export = api.get(
        f"{url}/export",
        params={"q": QUERY, "sort": "app_date", "order": "asc", "format": "csv"},
    )
    assert export.status_code == 200
    table = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    header, body = table[0], table[1:]
    assert header[0] == "序号" and "同族命中文献数" in header
    number = header.index("公开（公告）号")
    assert [r[number] for r in body] == [h["pub_number"] for h in oldest["hits"]]
    raw = rows.set_index("公开（公告）号")
    title = header.index("标题")
    assert all(r[title] == raw.loc[r[number], "名称"] for r in body)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_page_exports_its_list(site, client_for, data_dir, fmt):
    rows = _expected(data_dir)
    client = client_for("ta_analyst")
    doc = _page(client, site.stores["泰安库"], q=QUERY)
    link = xp(doc, f"//*[@id='export']//a[@data-format='{fmt}']")[0].get("href")
    response = client.get(link)
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    if fmt == "csv":
        lines = response.content.decode("utf-8-sig").splitlines()
        assert len(lines) == len(rows) + 1
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet.max_row == len(rows) + 1
        assert sheet.title == "检索结果"
