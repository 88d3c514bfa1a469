"""The breakdown tree editor in real headless Chromium: the page's script posts the tree,
counts arrive per node while the analyst types, an edit button adds a node, a problem
shows under its node, and saving writes a new version."""

from __future__ import annotations

import re

from tests.web.test_browser import _sign_in, browser, server  # noqa: F401 (fixtures)
from tests.web.test_spec_tree import SPEC, export, matches  # noqa: F401 (fixture)


def _units(page, index: int, expected: int) -> None:
    page.wait_for_function(
        "([i, n]) => { const e = document.getElementById('node-count-' + i);"
        " return e && e.getAttribute('data-units') === String(n); }",
        arg=[index, expected],
        timeout=30_000,
    )


def test_the_tree_is_edited_counted_and_saved_in_chromium(server, browser, export):  # noqa: F811
    url = server.url
    errors: list[str] = []
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "response",
        lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    _sign_in(page, url, "ta_analyst")
    page.goto(f"{url}/specs/new")
    page.fill("#yaml_text", SPEC)
    page.click("#spec-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/specs/\d+\?msg=saved"))
    spec_id = int(re.search(r"/specs/(\d+)", page.url)[1])

    store = server.stores["泰安库"]
    page.goto(f"{url}/specs/{spec_id}/tree?store_id={store}")
    bridge = matches(export, words=["桥梁"], classes=["E01D"])
    _units(page, 1, len(bridge))  # counted on load
    assert page.get_attribute("#scope-units", "data-units")

    # an edit button adds a child under 水利; typing its keyword counts it
    page.click('li.tree-node[data-index="3"] button[data-op="add_child"]')
    page.wait_for_selector('li.tree-node[data-index="4"][data-depth="1"]')
    node = 'li.tree-node[data-index="4"]'
    page.fill(f'{node} input[data-field="name"]', "闸门")
    page.fill(f'{node} input[data-field="keywords"]', "闸门")
    _units(page, 4, len(matches(export, words=["闸门"])))

    # a problem is shown under its node, and goes when it is fixed
    page.fill('li.tree-node[data-index="1"] input[data-field="name"]', "")
    page.wait_for_selector("#node-problems-1 li", timeout=30_000)
    assert "没有名称" in page.inner_text("#node-problems-1")
    page.fill('li.tree-node[data-index="1"] input[data-field="name"]', "桥梁")
    _units(page, 1, len(bridge))
    assert page.inner_text("#node-problems-1") == ""

    page.click("#tree-save")
    page.wait_for_url(re.compile(r".*/tree\?msg=saved.*"))
    assert "版本 2" in page.inner_text("h1")
    names = page.eval_on_selector_all(
        'li.tree-node input[data-field="name"]', "els => els.map(e => e.value)"
    )
    assert names == ["道路", "桥梁", "护栏", "水利", "闸门"]
    assert not errors, errors
    context.close()
