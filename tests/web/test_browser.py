"""End to end in real headless Chromium (Debian's, driven by Playwright): sign in, import a
real file, search, save a set, its dashboard (charts drawn), a spec, a report, publishing
it and downloading it from the catalogue. Screenshots of the key pages go to
``tmp_path/shots`` (and to ``$PATNAV_SHOTS`` when set, to look at them)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.web.conftest import PASSWORD, make_settings, seed
from tests.web.realdata import export_rows

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

SPEC = """\
title: 湖北省专利导航（浏览器测试）
type: industry
region: {province: 湖北省}
compare: [national]
count_by: application
scope:
  - node: 轨道交通
    query: TIAB=(轨枕 OR 钢轨 OR 铁路)
  - node: 机械装置
    query: TI=装置
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(tmp_path, data_dir, small_store_path):
    """The app served by uvicorn in a thread on a free loopback port."""
    import uvicorn

    from patnav.web import create_app

    app = create_app(make_settings(tmp_path / "root", data_dir))
    site = seed(app, small_store_path)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    site.url = f"http://127.0.0.1:{port}"
    yield site
    server.should_exit = True
    thread.join(timeout=30)


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    if CHROMIUM is None:
        pytest.fail(
            "Debian's chromium is not installed: run 'make setup' (as root) first."
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless=new", "--no-sandbox", "--disable-dev-shm-usage"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def shots(tmp_path):
    folder = tmp_path / "shots"
    folder.mkdir()
    keep = os.environ.get("PATNAV_SHOTS")
    yield folder
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for shot in folder.glob("*.png"):
            shutil.copy(shot, Path(keep) / shot.name)


def _sign_in(page, url, username):
    page.goto(f"{url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")


def test_analyst_journey_in_chromium(server, browser, shots, data_dir):
    url = server.url
    errors: list[str] = []
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="zh-CN"
    )
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if msg.type == "error" else None,
    )
    page.on(
        "response",
        lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )

    # sign in
    page.goto(f"{url}/login")
    page.screenshot(path=shots / "01-login.png")
    _sign_in(page, url, "ta_analyst")
    assert "ta_analyst · 泰安市 · 分析师" in page.inner_text("header")
    page.screenshot(path=shots / "02-home.png", full_page=True)

    # import a real file through the upload form; the progress polls until the report
    store = server.stores["泰安库"]
    page.goto(f"{url}/stores/{store}")
    page.set_input_files(
        "#upload-form input[name=file]", str(data_dir / "formats/cnipa-xml/cn_new2.xml")
    )
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#import-status[data-status]", timeout=60_000)
    assert page.get_attribute("#import-status", "data-status") == "done"
    assert "cn_new2.xml" in page.inner_text("#import-status")
    page.screenshot(path=shots / "03-import-report.png", full_page=True)

    # search, then a syntax error marked at its column
    rows = [r for r in export_rows(data_dir) if "轨枕" in str(r["名称"])]
    page.goto(f"{url}/stores/{store}/search")
    page.fill("#q", "TI=轨枕")
    page.click("#search-form button[type=submit]")
    page.wait_for_selector("#results")
    assert f"命中 {len(rows):,} 篇" in page.inner_text("#results")
    page.screenshot(path=shots / "04-search.png", full_page=True)
    page.click(f"#results a:has-text('{rows[0]['公开（公告）号']}')")
    page.wait_for_selector("#biblio")
    assert rows[0]["名称"] in page.inner_text("h1")
    assert str(rows[0]["主权项"])[:20] in page.inner_text("#claims")
    page.screenshot(path=shots / "06-patent.png", full_page=True)
    page.go_back()
    page.fill("#q", "TI=轨枕 AND TX=钢筋")
    page.click("#search-form button[type=submit]")
    assert page.inner_text("#search-error mark") == "T"

    # save a set from a search, then its dashboard with the charts drawn
    page.fill("#q", "TI=(装置 OR 轨枕 OR 混凝土)")
    page.click("#search-form button[type=submit]")
    page.fill(".saveset input[name=name]", "装置与轨枕")
    page.click(".saveset button[type=submit]")
    page.wait_for_selector("#charts[data-drawn]", timeout=30_000)
    assert page.get_attribute("#charts", "data-drawn") not in ("0", "error")
    for chart in ("trend", "applicants", "technology"):
        canvas = page.locator(f"#chart-{chart} canvas").first
        box = canvas.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100, chart
    page.screenshot(path=shots / "05-dashboard.png", full_page=True)

    # a spec: validation marks the bad line, then it saves
    page.goto(f"{url}/specs/new")
    page.fill("#yaml_text", SPEC.replace("TI=装置", "TI=(装置"))
    page.click("#validate-button")
    page.wait_for_selector("#spec-problems li[data-line='10']")
    assert "1" in page.inner_text("#gutter .bad")
    page.screenshot(path=shots / "07-spec-error.png", full_page=True)
    page.fill("#yaml_text", SPEC)
    page.click("#validate-button")
    page.wait_for_selector("#spec-problems [data-valid='true']")
    page.click("#spec-form button[type=submit]")
    page.wait_for_selector("text=方案已保存")

    # a report: generated in the background, downloaded as docx
    page.goto(f"{url}/reports")
    page.select_option("#report-form select[name=store_id]", str(store))
    page.select_option("#report-form select[name=fmt]", "docx")
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("#report-status[data-status]", timeout=180_000)
    assert page.get_attribute("#report-status", "data-status") == "done", (
        page.inner_text("#report-status")
    )
    page.screenshot(path=shots / "08-report.png", full_page=True)
    with page.expect_download() as download_info:
        page.click("#report-download")
    report_file = download_info.value.path()
    assert Path(report_file).read_bytes()[:2] == b"PK"  # a docx is a zip

    # publish it to the city and below, find it, download it
    page.click("#report-publish")
    page.fill("#publish-form textarea[name=summary]", "轨道交通与机械装置的专利分布。")
    page.fill("#publish-form input[name=tags]", "轨道交通，测试")
    page.check("#publish-form input[value=subtree]")
    page.click("#publish-form button[type=submit]")
    page.wait_for_selector("#publication-download")
    page.goto(f"{url}/catalogue?q=轨道")
    assert "湖北省专利导航（浏览器测试）" in page.inner_text("main")
    page.click("a.chip:has-text('测试')")
    assert "湖北省专利导航（浏览器测试）" in page.inner_text("main")
    page.screenshot(path=shots / "09-catalogue.png", full_page=True)
    page.click("main .pub h2 a")
    with page.expect_download() as download_info:
        page.click("#publication-download")
    assert (
        Path(download_info.value.path()).read_bytes() == Path(report_file).read_bytes()
    )
    context.close()

    # a user of a park beneath 泰安市 finds it; the sibling city does not
    for username, expected in (("park_analyst", True), ("jn_analyst", False)):
        other = browser.new_context()
        tab = other.new_page()
        _sign_in(tab, url, username)
        tab.goto(f"{url}/catalogue")
        shown = "湖北省专利导航（浏览器测试）" in tab.inner_text("main")
        assert shown is expected, username
        other.close()
    assert not errors, errors


def test_english_pages_in_chromium(server, browser, shots):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, server.url, "prov_admin")
    page.goto(f"{server.url}/admin?lang=en")
    text = page.inner_text("body")
    assert "Organisations (tenants)" in text and "New user" in text
    page.screenshot(path=shots / "10-admin-en.png", full_page=True)
    page.goto(f"{server.url}/stores/{server.stores['泰安库']}")
    assert "Upload and import" in page.inner_text("body")
    page.screenshot(path=shots / "11-store-en.png", full_page=True)
    page.goto(f"{server.url}/api/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    page.screenshot(path=shots / "12-api-docs.png")
    context.close()
