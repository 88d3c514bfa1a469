"""The public results catalogue (成果发布，公开, issue 17): what a tenant marks public is
readable without signing in — list and search, detail, download, versions, an Atom feed —
and nothing else becomes anonymous; no tenant-internal data shows."""

from __future__ import annotations

import re

import pytest
from lxml import etree
from sqlalchemy import text

from tests.test_i18n import english_ui_words
from tests.web.conftest import TestClient, api_token, bearer, make_settings, seed

ATOM = "{http://www.w3.org/2005/Atom}"


def _report(site, tenant_name: str, body: str) -> int:
    """A finished HTML report of a tenant, made directly (no test waits for a report)."""
    from patnav.platform import files
    from patnav.platform.models import ReportJob, Spec

    platform = site.app.state.platform
    tenant = site.tenants[tenant_name]
    store = next(iter(site.stores.values()))
    with platform.session() as db:
        spec = Spec(
            tenant_id=tenant, name="s", title="导航", type="industry", yaml_text="x"
        )
        db.add(spec)
        db.flush()
        path, relative = files.new_file(platform.root, tenant, "reports", ".html")
        path.write_text(body, "utf-8")
        job = ReportJob(
            tenant_id=tenant,
            store_id=store,
            spec_id=spec.id,
            title="泰安导航",
            fmt="html",
            lang="zh",
            status="done",
            filename=relative,
            size=path.stat().st_size,
        )
        db.add(job)
        db.flush()
        return job.id


def _api(site, username: str) -> TestClient:
    client = TestClient(site.app)
    client.headers.update(bearer(api_token(site, username)))
    return client


@pytest.fixture
def published(site):
    """泰安市 publishes, through the API: a public report (v1), a newer public version
    of it (v2), a tenant-only and a subtree report; 济南市 one public report."""
    ta = _api(site, "ta_analyst")
    jn = _api(site, "jn_analyst")

    def publish(client, tenant, body, **fields):
        report = _report(site, tenant, body)
        response = client.post(
            "/api/v1/publications", json={"report_id": report} | fields
        )
        assert response.status_code == 201, response.text
        return response.json()

    v1 = publish(
        ta,
        "泰安市",
        "<html>轨枕 第一版</html>",
        title="泰安市轨枕产业专利导航",
        summary="轨枕产业的专利分析 <含尖括号 & 符号>",
        tags=["轨枕", "产业规划"],
        region="泰安市",
        visibility="public",
    )
    v2 = publish(
        ta,
        "泰安市",
        "<html>轨枕 第二版</html>",
        title="泰安市轨枕产业专利导航（修订）",
        summary="修订版",
        tags=["轨枕"],
        region="泰安市",
        visibility="public",
        previous_id=v1["id"],
    )
    inner = publish(
        ta, "泰安市", "<html>内部</html>", title="泰安内部成果", visibility="tenant"
    )
    subtree = publish(
        ta, "泰安市", "<html>下级</html>", title="泰安下级成果", visibility="subtree"
    )
    jinan = publish(
        jn,
        "济南市",
        "<html>济南</html>",
        title="济南市玻纤企业专利导航",
        summary="玻璃纤维",
        tags=["玻纤"],
        type="enterprise",
        region="济南市",
        visibility="public",
    )
    yield {"v1": v1, "v2": v2, "inner": inner, "subtree": subtree, "jinan": jinan}
    ta.close()
    jn.close()


def _titles(html: str) -> set[str]:
    return set(re.findall(r'<h2><a href="/public/\d+">([^<]+)</a></h2>', html))


def test_a_new_version_continues_its_series(published):
    v1, v2 = published["v1"], published["v2"]
    assert (v1["series_id"], v1["version"]) == (v1["id"], 1)
    assert (v2["series_id"], v2["version"]) == (v1["id"], 2)
    assert published["inner"]["series_id"] == published["inner"]["id"]


def test_anonymous_visitors_read_search_and_download_the_public_catalogue(
    site, client_for, published
):
    anonymous = client_for()
    listing = anonymous.get("/public")
    assert listing.status_code == 200 and "/login" not in str(listing.url)
    # the newest public version of each series; no tenant-only or subtree publication
    assert _titles(listing.text) == {
        "泰安市轨枕产业专利导航（修订）",
        "济南市玻纤企业专利导航",
    }
    assert "成果发布（公开）" in listing.text and "第 2 版" in listing.text

    def found(**params):
        return _titles(anonymous.get("/public", params=params).text)

    assert found(q="轨枕 修订") == {"泰安市轨枕产业专利导航（修订）"}  # title
    assert found(q="玻璃纤维") == {"济南市玻纤企业专利导航"}  # summary
    assert found(q="济南市") == {"济南市玻纤企业专利导航"}  # region
    assert found(tag="玻纤") == {"济南市玻纤企业专利导航"}  # tag
    assert found(type="enterprise") == {"济南市玻纤企业专利导航"}  # type
    assert found(q="内部") == set() and found(q="下级") == set()

    jinan = published["jinan"]["id"]
    page = anonymous.get(f"/public/{jinan}")
    assert page.status_code == 200 and "玻璃纤维" in page.text
    assert "济南市" in page.text  # the publishing organisation
    download = anonymous.get(f"/public/{jinan}/download")
    assert download.status_code == 200 and download.text == "<html>济南</html>"
    with site.app.state.platform.session() as db:
        counted = db.execute(
            text("SELECT downloads FROM publications WHERE id = :i"), {"i": jinan}
        ).scalar()
    assert counted == 1

    for hidden in (published["inner"]["id"], published["subtree"]["id"], 999999):
        assert anonymous.get(f"/public/{hidden}").status_code == 404
        assert anonymous.get(f"/public/{hidden}/download").status_code == 404


def test_the_public_page_leaks_nothing_of_the_tenant_inside(
    site, client_for, published
):
    from patnav.platform.models import User

    anonymous = client_for()
    v2 = published["v2"]
    html = anonymous.get(f"/public/{v2['id']}").text
    listing = anonymous.get("/public").text
    with site.app.state.platform.session() as db:
        user = db.get(User, site.users["ta_analyst"])
        secrets = {user.username, *([user.display_name] if user.display_name else [])}
    secrets |= set(site.stores)  # store names (泰安库, 济南库)
    for page in (html, listing):
        for secret in secrets:
            assert secret not in page, secret
        assert "/catalogue" not in page and "/reports" not in page
        assert "下载次数" not in page
        assert 'class="who"' not in page  # nobody is signed in


def test_the_public_page_shows_the_versions_each_downloadable(client_for, published):
    anonymous = client_for()
    v1, v2 = published["v1"]["id"], published["v2"]["id"]
    latest = anonymous.get(f"/public/{v2}").text
    assert "历史版本" in latest and f'href="/public/{v1}"' in latest
    assert f'href="/public/{v1}/download"' in latest
    older = anonymous.get(f"/public/{v1}").text
    assert 'id="public-newer"' in older and f'href="/public/{v2}"' in older
    assert anonymous.get(f"/public/{v1}/download").text == "<html>轨枕 第一版</html>"
    assert anonymous.get(f"/public/{v2}/download").text == "<html>轨枕 第二版</html>"


def test_only_the_same_tenant_publishes_a_new_version(site, client_for, published):
    v1 = published["v1"]["id"]
    # 济南市 sees 泰安市's public publication but may not continue it
    jn = _api(site, "jn_analyst")
    report = _report(site, "济南市", "<html>x</html>")
    refused = jn.post(
        "/api/v1/publications",
        json={"report_id": report, "title": "冒名", "previous_id": v1},
    )
    assert refused.status_code == 403
    # nor does 山东省, above 泰安市, with a report of its own
    prov = _api(site, "prov_analyst")
    report = _report(site, "山东省", "<html>y</html>")
    refused = prov.post(
        "/api/v1/publications",
        json={"report_id": report, "title": "省级", "previous_id": v1},
    )
    assert refused.status_code == 403
    # 泰安市 does, through the form: version 3 of the series
    ta = client_for("ta_analyst")
    form = ta.get(f"/catalogue/new?previous={v1}").text
    assert 'id="publish-previous"' in form and f'<option value="{v1}" selected' in form
    report = _report(site, "泰安市", "<html>第三版</html>")
    response = ta.post(
        "/catalogue",
        data={
            "report_id": report,
            "title": "泰安市轨枕产业专利导航（第三版）",
            "visibility": "tenant",
            "previous_id": str(v1),
            "csrf_token": ta.csrf,
        },
    )
    assert response.status_code == 200 and "第 3 版" in response.text
    assert 'id="publication-versions"' in response.text
    # a tenant-only version 3 stays inside: the public catalogue still shows version 2
    anonymous = client_for()
    assert "（第三版）" not in anonymous.get("/public").text
    assert "（第三版）" not in anonymous.get(f"/public/{v1}").text
    assert "泰安市轨枕产业专利导航（修订）" in anonymous.get("/public").text
    # the signed-in API searches by type too
    found = ta.get("/api/v1/publications", params={"type": "enterprise"}).json()
    assert {p["title"] for p in found} == {"济南市玻纤企业专利导航"}
    page = ta.get("/catalogue", params={"type": "enterprise"}).text
    assert "济南市玻纤企业专利导航" in page and "泰安内部成果" not in page
    jn.close()
    prov.close()


def test_the_atom_feed_lists_exactly_the_public_publications_newest_first(
    site, client_for, published
):
    anonymous = client_for()
    response = anonymous.get("/public/feed.atom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = etree.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id") and feed.findtext(f"{ATOM}title")
    assert feed.findtext(f"{ATOM}updated")
    # what the feed must list, from the database directly
    with site.app.state.platform.session() as db:
        rows = db.execute(
            text(
                "SELECT id, title, summary FROM publications "
                "WHERE visibility = 'public' ORDER BY created_at DESC, id DESC"
            )
        ).all()
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [
        f"http://testserver/public/{row.id}" for row in rows
    ]
    assert [e.findtext(f"{ATOM}title") for e in entries] == [r.title for r in rows]
    assert [e.findtext(f"{ATOM}summary") for e in entries] == [r.summary for r in rows]
    assert "轨枕产业的专利分析 <含尖括号 & 符号>" in [r.summary for r in rows]
    assert b"&lt;" in response.content  # escaped in the XML, whole once parsed
    for entry, row in zip(entries, rows, strict=True):
        assert entry.findtext(f"{ATOM}updated")
        assert entry.findtext(f"{ATOM}author/{ATOM}name") in {"泰安市", "济南市"}
        links = {
            link.get("rel"): link.get("href") for link in entry.findall(f"{ATOM}link")
        }
        assert links == {
            "alternate": f"http://testserver/public/{row.id}",
            "enclosure": f"http://testserver/public/{row.id}/download",
        }
    updated = [e.findtext(f"{ATOM}updated") for e in entries]
    assert updated == sorted(updated, reverse=True)
    assert feed.findtext(f"{ATOM}updated") == updated[0]
    titles = {e.findtext(f"{ATOM}title") for e in entries}
    assert not titles & {"泰安内部成果", "泰安下级成果"}


def test_nothing_else_is_anonymous(site, client_for, published):
    """Every GET page and API call but sign-in, health, the API docs and the public
    catalogue sends an anonymous visitor to sign in (pages) or answers 401 (API)."""
    from fastapi.routing import APIRoute

    anonymous = client_for()
    anonymous_ok = re.compile(
        r"^/(public(/.*)?|login|healthz|favicon\.ico|api/docs.*|api/openapi.*|openapi.*|docs.*|redoc.*)$"
    )

    def flat(routes):
        for route in routes:
            included = getattr(route, "original_router", None)  # include_router()
            yield from flat(included.routes) if included is not None else [route]

    routes = list(flat(site.app.routes))
    checked = 0
    for route in routes:
        if not isinstance(route, APIRoute) or "GET" not in route.methods:
            continue
        if anonymous_ok.match(route.path):
            continue
        url = re.sub(r"\{[^}]+\}", "1", route.path)
        response = anonymous.get(url, follow_redirects=False)
        if route.path.startswith("/api/"):
            assert response.status_code == 401, (url, response.status_code)
        else:
            assert response.status_code in (302, 303, 307), (url, response.status_code)
            assert "/login" in response.headers["location"], url
        checked += 1
    assert checked > 40
    public = [
        r.path for r in routes if str(getattr(r, "path", "")).startswith("/public")
    ]
    assert sorted(public) == sorted(
        [
            "/public",
            "/public/feed.atom",
            "/public/{publication_id}",
            "/public/{publication_id}/download",
        ]
    )


def test_the_public_catalogue_is_rate_limited_per_address(
    tmp_path, data_dir, small_store_path
):
    from patnav.web import create_app

    app = create_app(
        make_settings(tmp_path / "root", data_dir, api_rate_address_per_minute=60)
    )
    seed(app, small_store_path)
    with TestClient(app) as client:
        codes = [client.get("/public").status_code for _ in range(30)]
    assert codes.count(200) <= 12 and codes[-1] == 429
    assert set(codes) == {200, 429}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_public_pages_speak_the_visitors_language(client_for, published, lang):
    anonymous = client_for()
    v1 = published["v1"]["id"]
    for url in ("/public", f"/public/{v1}", "/public?q=不存在的词"):
        response = anonymous.get(url, params={"lang": lang})
        assert response.status_code == 200, url
        assert not re.search(r"\b(?:public|cat|common|rtype)\.[a-z_]+\b", response.text)
        assert 'id="public-sign-in"' in response.text
        if lang == "zh":
            shown = re.sub(r"<[^>]+>", " ", response.text)
            assert not english_ui_words(shown), url
        else:
            assert "Public results catalogue" in response.text


def test_an_empty_public_feed_is_still_a_valid_feed(client_for):
    response = client_for().get("/public/feed.atom")
    feed = etree.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed" and feed.findall(f"{ATOM}entry") == []
    assert feed.findtext(
        f"{ATOM}updated"
    )  # required by RFC 4287: the time it is served
