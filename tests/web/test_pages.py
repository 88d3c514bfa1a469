"""Server-rendered pages: Chinese by default, English on request, every label in the table,
no CDN, numbers formatted, errors and empty states explained."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.test_i18n import english_ui_words
from tests.web.conftest import api_token, bearer, csrf_of, wait_for
from tests.web.realdata import export_rows

WEB = Path(__file__).resolve().parents[2] / "src" / "patnav" / "web"


def _keys_used() -> set[str]:
    keys: set[str] = set()
    for path in [*(WEB / "templates").glob("*.html"), *WEB.rglob("*.py")]:
        text = path.read_text("utf-8")
        keys |= set(re.findall(r"""\bt\(\s*['"]([a-z_]+\.[a-z_0-9]+)['"]""", text))
        keys |= set(
            re.findall(r"""translate\(\s*['"]([a-z_]+\.[a-z_0-9]+)['"]""", text)
        )
    return keys


def test_every_label_the_pages_use_is_in_the_table():
    from patnav.analyses.spec import REPORT_TYPES
    from patnav.enrich.run import STEPS
    from patnav.platform.models import JOB_STATES, LEVELS, ROLES, VISIBILITIES
    from patnav.search import MODES
    from patnav.web.i18n import LABELS

    used = _keys_used()
    assert len(used) > 100
    missing = sorted(k for k in used if k not in LABELS)
    assert not missing, missing
    dynamic = (
        [f"role.{r}" for r in ROLES]
        + [f"level.{v}" for v in LEVELS]
        + [f"visibility.{v}" for v in VISIBILITIES]
        + [f"status.{s}" for s in (*JOB_STATES, "ok", "skipped")]
        + [f"rtype.{t}" for t in REPORT_TYPES]
        + [f"mode.{m}" for m in MODES]
        + [f"ptype.{p}" for p in ("invention", "utility_model", "design", "plant")]
        + [f"enrich.{step}" for step in STEPS]
    )
    assert not [k for k in dynamic if k not in LABELS]
    for key, (zh, en) in LABELS.items():
        assert zh and en, key
        assert re.findall(r"\{(\w+)\}", zh) == re.findall(r"\{(\w+)\}", en), key


def test_legal_status_labels_cover_the_schema_vocabulary():
    from patnav.analyses.prepared import STATUS_RANK
    from patnav.web.i18n import LABELS

    assert all(f"ls.{s}" in LABELS for s in (*STATUS_RANK, "unknown"))


def test_no_page_or_script_loads_anything_from_another_host():
    pattern = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)
    for path in [*(WEB / "templates").glob("*.html"), *(WEB / "static").glob("*.html")]:
        assert not pattern.search(path.read_text("utf-8")), path
    for path in (WEB / "static").rglob("*"):
        if "vendor" in path.parts or not path.is_file():
            continue
        text = path.read_text("utf-8").replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert "http://" not in text and "https://" not in text, path


def test_vendor_assets_come_from_npm_and_are_served(client_for):
    root = Path(__file__).resolve().parents[2]
    lock = (root / "package-lock.json").read_text("utf-8")
    for package in ("echarts", "htmx.org"):
        assert f'"node_modules/{package}"' in lock
    client = client_for()
    for asset in ("echarts.min.js", "htmx.min.js", "swagger-ui/swagger-ui-bundle.js"):
        response = client.get(f"/static/vendor/{asset}")
        assert response.status_code == 200, asset
        assert len(response.content) > 10_000
    docs = client.get("/api/docs").text
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()


def test_number_and_time_formats():
    from datetime import datetime

    from patnav.web.render import filesize, num, pct, when

    assert num(1234567) == "1,234,567"
    assert num(None) == "—"
    assert pct(0.1234) == "12.3%"
    assert when(datetime(2026, 1, 1, 16, 30)) == "2026-01-02 00:30"  # UTC → Beijing
    assert filesize(512 * 1024**2) == "512.0 MB"


def test_pages_are_chinese_by_default_and_english_on_request(client_for):
    client = client_for("prov_admin")
    home = client.get("/")
    assert "首页" in home.text and "数据库" in home.text and 'lang="zh-CN"' in home.text
    english = client.get("/?lang=en")
    assert "Home" in english.text and "Stores" in english.text
    assert "patnav_lang=en" in english.headers.get("set-cookie", "")
    assert "Patent sets" in client.get("/sets").text  # the choice is remembered
    back = client.get("/sets?lang=zh")
    assert "专利集" in back.text


PAGES = (
    "/",
    "/stores",
    "/search",
    "/sets",
    "/specs",
    "/specs/new",
    "/reports",
    "/catalogue",
    "/catalogue/new",
    "/public",
    "/admin",
    "/admin/audit",
    "/account",
)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders(site, client_for, lang):
    client = client_for("prov_admin")
    for url in (*PAGES, f"/stores/{site.stores['泰安库']}"):
        response = client.get(url, params={"lang": lang})
        assert response.status_code == 200, url
        assert "<main" in response.text
        assert not re.search(
            r"\b(?:nav|common|stores|search|admin)\.[a-z_]+\b", response.text
        ), url
        if lang == "zh":  # no English UI word of a catalogue on a Chinese page
            assert not english_ui_words(_visible_text(response.text)), url


def _visible_text(page: str) -> str:
    """What a page shows as text: no scripts, styles or tags."""
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page)
    return re.sub(r"<[^>]+>", " ", page)


def test_store_page_shows_the_overview_with_formatted_numbers(
    site, client_for, data_dir
):
    client = client_for("ta_analyst")
    page = client.get(f"/stores/{site.stores['泰安库']}").text
    assert "237" in page  # 199 + 33 + 5 documents
    assert "实用新型" in page


def test_search_page_marks_the_column_of_a_syntax_error(site, client_for):
    client = client_for("ta_analyst")
    page = client.get(
        f"/stores/{site.stores['泰安库']}/search", params={"q": "TI=轨枕 AND TX=钢筋"}
    ).text
    assert "检索式有误（第 11 列）" in page
    assert '<pre class="query-marker">TI=轨枕 AND <mark>T</mark>X=钢筋</pre>' in page


def test_search_page_lists_hits_and_saves_a_set(site, client_for, data_dir):
    rows = [r for r in export_rows(data_dir) if "轨枕" in str(r["名称"])]
    client = client_for("ta_analyst")
    page = client.get(
        f"/stores/{site.stores['泰安库']}/search", params={"q": "TI=轨枕"}
    ).text
    assert f"命中 {len(rows):,} 篇" in page
    for row in rows:
        assert row["公开（公告）号"] in page
    saved = client.post(
        f"/stores/{site.stores['泰安库']}/sets",
        data={"name": "轨枕", "query": "TI=轨枕", "csrf_token": client.csrf},
    )
    assert saved.status_code == 200 and "已保存为专利集" in saved.text
    assert "分析看板：轨枕" in saved.text
    assert 'data-chart="trend"' in saved.text


def test_patent_page_shows_the_exported_record(site, client_for, data_dir):
    row = export_rows(data_dir)[0]
    client = client_for("ta_analyst")
    page = client.get(
        f"/stores/{site.stores['泰安库']}/patents/{row['公开（公告）号']}"
    ).text
    for value in (row["名称"], row["申请（专利权）人"], row["发明（设计）人"]):
        assert str(value) in page
    assert str(row["主权项"])[:40] in page
    assert str(row["摘要"])[:40] in page


def test_empty_states_say_what_to_do(site, client_for):
    client = client_for("park_analyst")  # a park with no store, set or report
    assert "还没有数据库" in client.get("/stores").text
    assert "还没有专利集" in client.get("/sets").text
    assert "还没有导航方案" in client.get("/specs").text
    assert "生成报告前，请先新建一个导航方案" in client.get("/reports").text


def test_spec_editor_validates_with_lines_and_saves(site, client_for):
    client = client_for("ta_analyst")
    bad = (
        "title: 测试\ntype: industry\nregion: {province: 山东省}\nscope:\n"
        "  - node: a\n    query: TI=(轨枕\n"
    )
    fragment = client.post(
        "/specs/validate",
        data={"yaml_text": bad},
        headers={"X-CSRF-Token": client.csrf},
    ).text
    assert 'data-line="6"' in fragment and "第 6 行" in fragment
    refused = client.post("/specs", data={"yaml_text": bad, "csrf_token": client.csrf})
    assert refused.status_code == 400 and "第 6 行" in refused.text
    good = bad.replace("TI=(轨枕", "TI=轨枕")
    saved = client.post("/specs", data={"yaml_text": good, "csrf_token": client.csrf})
    assert saved.status_code == 200 and "方案已保存" in saved.text


def test_upload_form_imports_and_shows_progress_then_report(site, client_for, data_dir):
    client = client_for("ta_analyst")
    path = data_dir / "formats/cnipa-xml/cn_old1.xml"
    with path.open("rb") as handle:
        response = client.post(
            f"/stores/{site.stores['泰安库']}/imports",
            data={"csrf_token": client.csrf},
            files={"file": (path.name, handle)},
        )
    assert response.status_code == 200 and "/imports/" in str(response.url)
    job = str(response.url).rsplit("/", 1)[1]
    fragment = wait_for(
        lambda: client.get(f"/imports/{job}/progress").text,
        lambda text: 'data-status="' in text,
    )
    assert 'data-status="done"' in fragment
    assert "cn_old1.xml" in fragment
    assert "没有记录被隔离" in fragment
    assert 'id="total-quarantined">0<' in fragment


def test_admin_creates_a_tenant_and_a_user_who_can_sign_in(site, client_for):
    admin = client_for("ta_admin")
    created = admin.post(
        "/admin/tenants",
        data={
            "name": "泰安高新区二期",
            "parent_id": site.tenants["泰安市"],
            "level": "park",
            "csrf_token": admin.csrf,
        },
    )
    assert "单位已创建" in created.text
    from patnav.platform.models import Tenant

    with site.app.state.platform.session() as db:
        new = db.query(Tenant).filter(Tenant.name == "泰安高新区二期").one()
    made = admin.post(
        "/admin/users",
        data={
            "username": "wang",
            "password": "wang12345",
            "role": "analyst",
            "tenant_id": new.id,
            "csrf_token": admin.csrf,
        },
    )
    assert "用户已创建" in made.text
    fresh = client_for()
    token = csrf_of(fresh.get("/login").text)
    signed = fresh.post(
        "/login",
        data={"username": "wang", "password": "wang12345", "csrf_token": token},
    )
    assert "wang · 泰安高新区二期 · 分析师" in signed.text
    audit = admin.get("/admin/audit").text
    assert "tenant.create" in audit and "user.create" in audit


def test_account_page_makes_a_token_shown_once(site, client_for):
    client = client_for("ta_analyst")
    page = client.post(
        "/account/tokens", data={"name": "脚本", "csrf_token": client.csrf}
    ).text
    secret = re.search(r'id="new-token">(pn_[^<]+)<', page).group(1)
    api = client_for()
    assert (
        api.get("/api/v1/me", headers=bearer(secret)).json()["username"] == "ta_analyst"
    )
    assert secret not in client.get("/account").text


def test_openapi_lists_the_operations(site, client_for):
    spec = client_for().get("/api/openapi.json").json()
    paths = set(spec["paths"])
    for path in (
        "/api/v1/stores/{store_id}/imports",
        "/api/v1/stores/{store_id}/search",
        "/api/v1/sets/{set_id}/dashboard",
        "/api/v1/specs/validate",
        "/api/v1/reports",
        "/api/v1/publications",
    ):
        assert path in paths, path
    assert not [p for p in paths if not p.startswith("/api/v1/")]
    assert api_token(site, "ta_analyst").startswith("pn_")
