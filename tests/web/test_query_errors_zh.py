"""Query errors on the web: Chinese on Chinese pages, English with ``?lang=en``, both in
the spec validation API."""

from __future__ import annotations

import html

from tests.web.conftest import api_token, bearer

QUERY = "TI=轨枕 AND TX=钢筋"
ZH = "第 11 列的字段 'TX' 不存在——是否要写 TI？"
EN = "unknown field 'TX' at column 11 — did you mean TI?"


def test_search_page_shows_the_query_error_in_the_page_language(site, client_for):
    url = f"/stores/{site.stores['泰安库']}/search"
    chinese = html.unescape(client_for("ta_analyst").get(url, params={"q": QUERY}).text)
    assert f"检索式有误（第 11 列）：{ZH}" in chinese
    assert EN not in chinese
    english = html.unescape(
        client_for("ta_analyst").get(url, params={"q": QUERY, "lang": "en"}).text
    )
    assert f"Query error at column 11: {EN}" in english
    assert ZH not in english


SPEC = """\
title: 轨道交通导航
type: industry
region: {province: 江苏省}
scope:
  - node: 轨枕
    query: TI=轨枕 AND TX=混凝土
"""


def test_spec_problems_carry_the_chinese_message(site, client_for):
    api = client_for()
    api.headers.update(bearer(api_token(site, "ta_analyst")))
    result = api.post("/api/v1/specs/validate", json={"yaml": SPEC}).json()
    (problem,) = result["problems"]
    assert problem["line"] == 6
    assert problem["message"] == f"query 'TI=轨枕 AND TX=混凝土': {EN}"
    assert problem["message_zh"] == f"检索式 'TI=轨枕 AND TX=混凝土'：{ZH}"

    page = client_for("ta_analyst")
    fragment = html.unescape(
        page.post(
            "/specs/validate",
            data={"yaml_text": SPEC},
            headers={"X-CSRF-Token": page.csrf},
        ).text
    )
    assert ZH in fragment and EN not in fragment
    english = html.unescape(
        page.post(
            "/specs/validate",
            params={"lang": "en"},
            data={"yaml_text": SPEC},
            headers={"X-CSRF-Token": page.csrf},
        ).text
    )
    assert EN in english and ZH not in english


def test_saving_a_set_with_a_bad_query_says_why_in_the_page_language(site, client_for):
    page = client_for("ta_analyst")
    url = f"/stores/{site.stores['泰安库']}/sets"
    form = {"name": "坏检索式", "query": QUERY}
    chinese = page.post(url, data=form, headers={"X-CSRF-Token": page.csrf})
    assert chinese.status_code == 400
    assert ZH in html.unescape(chinese.text)
    english = page.post(
        url, params={"lang": "en"}, data=form, headers={"X-CSRF-Token": page.csrf}
    )
    assert english.status_code == 400
    assert EN in html.unescape(english.text) and ZH not in html.unescape(english.text)
