"""Security: tenants cannot see each other's objects (pages, API, guessed ids), CSRF,
path traversal, oversized uploads and zip bombs, sign-in throttling, read-only roles,
cookies, headers, sessions and tokens."""

from __future__ import annotations

import asyncio
import io
import shutil
import zipfile

import pytest

from tests.web.conftest import (
    PASSWORD,
    TestClient,
    api_token,
    bearer,
    csrf_of,
    login,
    make_settings,
    seed,
)

# -- fixtures: objects of 泰安市 made directly, so no test waits for a report --------------


@pytest.fixture
def taian_objects(site, client_for, data_dir):
    """A set, spec, import job, finished report and three publications of 泰安市."""
    from patnav.platform import files
    from patnav.platform.models import ImportJob, Publication, ReportJob, Spec

    ta = client_for("ta_analyst")
    ta.headers.update({"X-CSRF-Token": ta.csrf})
    link = ta.post(
        "/api/v1/sets",
        json={"store_id": site.stores["泰安库"], "name": "轨枕", "query": "TI=轨枕"},
    ).json()
    store = site.stores["泰安库"]
    tenant = site.tenants["泰安市"]
    platform = site.app.state.platform
    with platform.session() as db:
        spec = Spec(
            tenant_id=tenant, name="s", title="泰安导航", type="industry", yaml_text="x"
        )
        db.add(spec)
        db.flush()
        job = ImportJob(
            tenant_id=tenant,
            store_id=store,
            filename="tenants/x/uploads/none.csv",
            original_name="a.csv",
            status="done",
        )
        path, relative = files.new_file(platform.root, tenant, "reports", ".html")
        path.write_text("<html>泰安</html>", "utf-8")
        report = ReportJob(
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
        db.add_all([job, report])
        db.flush()
        pubs = {}
        for visibility in ("tenant", "subtree", "public"):
            p_path, p_rel = files.new_file(
                platform.root, tenant, "publications", ".html"
            )
            shutil.copyfile(path, p_path)
            pub = Publication(
                tenant_id=tenant,
                report_id=report.id,
                title=f"泰安成果-{visibility}",
                tags="泰安",
                type="industry",
                visibility=visibility,
                filename=p_rel,
                download_name="r.html",
                content_type="text/html",
                size=p_path.stat().st_size,
            )
            db.add(pub)
            db.flush()
            pubs[visibility] = pub.id
        ids = {
            "set": link["id"],
            "spec": spec.id,
            "import": job.id,
            "report": report.id,
            "store": store,
        }
    return ids | {f"pub_{k}": v for k, v in pubs.items()}


def _pages(o):
    return [
        f"/stores/{o['store']}",
        f"/stores/{o['store']}/search?q=TI%3D轨枕",
        f"/stores/{o['store']}/patents/CN202644312U",
        f"/sets/{o['set']}",
        f"/sets/{o['set']}/export.csv",
        f"/specs/{o['spec']}",
        f"/imports/{o['import']}",
        f"/reports/{o['report']}",
        f"/reports/{o['report']}/download",
        f"/catalogue/{o['pub_tenant']}",
        f"/catalogue/{o['pub_tenant']}/download",
    ]


def _api(o):
    return [
        f"/api/v1/stores/{o['store']}",
        f"/api/v1/stores/{o['store']}/search?q=TI%3D轨枕",
        f"/api/v1/stores/{o['store']}/patents/CN202644312U",
        f"/api/v1/sets/{o['set']}",
        f"/api/v1/sets/{o['set']}/dashboard",
        f"/api/v1/sets/{o['set']}/export",
        f"/api/v1/specs/{o['spec']}",
        f"/api/v1/imports/{o['import']}",
        f"/api/v1/reports/{o['report']}",
        f"/api/v1/reports/{o['report']}/download",
        f"/api/v1/publications/{o['pub_tenant']}",
        f"/api/v1/publications/{o['pub_tenant']}/download",
    ]


# -- tenants ---------------------------------------------------------------------------


def test_a_sibling_city_sees_none_of_another_citys_objects(
    site, client_for, taian_objects
):
    jn = client_for("jn_analyst")
    for url in _pages(taian_objects):
        response = jn.get(url)
        assert response.status_code == 404, url
        assert "找不到该对象" in response.text
    jn_api = client_for()
    jn_api.headers.update(bearer(api_token(site, "jn_analyst")))
    for url in _api(taian_objects):
        response = jn_api.get(url)
        assert response.status_code == 404, url
        assert response.json()["ok"] is False
    rerun = jn_api.post(f"/api/v1/sets/{taian_objects['set']}/rerun")
    assert rerun.status_code == 404
    with io.BytesIO(b"title\n") as handle:
        upload = jn_api.post(
            f"/api/v1/stores/{taian_objects['store']}/imports",
            files={"file": ("x.csv", handle)},
        )
    assert upload.status_code == 404


def test_guessing_ids_reveals_nothing(site, client_for, taian_objects):
    jn = client_for()
    jn.headers.update(bearer(api_token(site, "jn_analyst")))
    own_store = site.stores["济南库"]
    for kind in ("stores", "sets", "specs", "imports", "reports", "publications"):
        for guess in range(1, 12):
            response = jn.get(f"/api/v1/{kind}/{guess}")
            if kind == "stores" and guess == own_store:
                assert response.status_code == 200
            elif kind == "publications" and guess == taian_objects["pub_public"]:
                assert response.status_code == 200  # published to the whole platform
            else:
                assert response.status_code == 404, (kind, guess)
    listed = {p["title"] for p in jn.get("/api/v1/publications").json()}
    assert listed == {"泰安成果-public"}


def test_publication_visibility_follows_the_tree(site, client_for, taian_objects):
    def titles(username):
        client = client_for()
        client.headers.update(bearer(api_token(site, username)))
        return {p["title"] for p in client.get("/api/v1/publications").json()}

    everything = {"泰安成果-tenant", "泰安成果-subtree", "泰安成果-public"}
    assert titles("ta_analyst") == everything
    assert titles("prov_analyst") == everything  # the province sees its cities
    assert titles("ta_dept") == everything
    # a park beneath 泰安市 sees what 泰安市 publishes to its subtree, not its own files
    assert titles("park_analyst") == {"泰安成果-subtree", "泰安成果-public"}
    assert titles("ent_user") == {"泰安成果-subtree", "泰安成果-public"}
    assert titles("jn_analyst") == {"泰安成果-public"}


def test_an_enterprise_user_sees_only_its_own_tenant(site, client_for, taian_objects):
    ent = client_for()
    ent.headers.update(bearer(api_token(site, "ent_user")))
    assert ent.get("/api/v1/stores").json() == []
    assert ent.get(f"/api/v1/stores/{taian_objects['store']}").status_code == 404
    assert [t["name"] for t in ent.get("/api/v1/tenants").json()] == ["泰山玻纤"]


def test_a_read_only_department_user_cannot_change_anything(
    site, client_for, taian_objects
):
    dept = client_for("ta_dept")
    assert dept.get(f"/stores/{taian_objects['store']}").status_code == 200  # reads
    refused = dept.post(
        "/stores",
        data={
            "name": "x",
            "tenant_id": site.tenants["泰安市"],
            "csrf_token": dept.csrf,
        },
    )
    assert refused.status_code == 403
    assert "无权" in refused.text
    api = client_for()
    api.headers.update(bearer(api_token(site, "ta_dept")))
    attempts = [
        api.post(
            "/api/v1/sets",
            json={"store_id": taian_objects["store"], "name": "n", "query": "TI=a"},
        ),
        api.post(f"/api/v1/sets/{taian_objects['set']}/rerun"),
        api.delete(f"/api/v1/sets/{taian_objects['set']}"),
        api.post("/api/v1/specs", json={"yaml": "title: a\ntype: micro\n"}),
        api.post(
            "/api/v1/reports",
            json={"spec_id": taian_objects["spec"], "store_id": taian_objects["store"]},
        ),
        api.post(
            "/api/v1/publications",
            json={"report_id": taian_objects["report"], "title": "t"},
        ),
        api.post(
            "/api/v1/stores", json={"tenant_id": site.tenants["泰安市"], "name": "n"}
        ),
    ]
    with io.BytesIO(b"title\n") as handle:
        attempts.append(
            api.post(
                f"/api/v1/stores/{taian_objects['store']}/imports",
                files={"file": ("x.csv", handle)},
            )
        )
    assert [r.status_code for r in attempts] == [403] * len(attempts)


def test_city_admin_manages_only_its_subtree(site, client_for):
    admin = client_for("ta_admin")
    refused = admin.post(
        f"/admin/users/{site.users['prov_analyst']}",
        data={"role": "admin", "csrf_token": admin.csrf},
    )
    assert refused.status_code == 404
    refused = admin.post(
        "/admin/tenants",
        data={
            "name": "青岛市",
            "parent_id": site.tenants["山东省"],
            "level": "city",
            "csrf_token": admin.csrf,
        },
    )
    assert refused.status_code == 404
    allowed = admin.post(
        f"/admin/users/{site.users['ta_dept']}",
        data={"role": "analyst", "csrf_token": admin.csrf},
    )
    assert allowed.status_code == 200 and "/admin" in str(allowed.url)
    assert client_for("ta_analyst").get("/admin").status_code == 403


# -- CSRF ------------------------------------------------------------------------------


def test_state_changing_requests_need_the_sessions_csrf_token(site, client_for):
    ta = client_for("ta_analyst")
    form = {"name": "新库", "tenant_id": site.tenants["泰安市"]}
    assert ta.post("/stores", data=form).status_code == 403
    assert ta.post("/stores", data=form | {"csrf_token": "0" * 64}).status_code == 403
    other = client_for("jn_analyst")  # a valid token, of another session
    assert ta.post("/stores", data=form | {"csrf_token": other.csrf}).status_code == 403
    api = ta.post(
        "/api/v1/stores", json={"tenant_id": site.tenants["泰安市"], "name": "a"}
    )
    assert api.status_code == 403
    with_header = ta.post(
        "/api/v1/stores",
        json={"tenant_id": site.tenants["泰安市"], "name": "a"},
        headers={"X-CSRF-Token": ta.csrf},
    )
    assert with_header.status_code == 201
    ok = ta.post("/stores", data=form | {"csrf_token": ta.csrf})
    assert ok.status_code == 200 and "msg=created" in str(ok.url)
    # a bearer token carries no cookie, so it needs no CSRF token
    token = client_for()
    token.headers.update(bearer(api_token(site, "ta_analyst")))
    created = token.post(
        "/api/v1/stores", json={"tenant_id": site.tenants["泰安市"], "name": "b"}
    )
    assert created.status_code == 201


def test_sign_in_form_needs_its_csrf_token(site, client_for):
    anonymous = client_for()
    anonymous.get("/login")
    response = anonymous.post(
        "/login", data={"username": "ta_analyst", "password": PASSWORD}
    )
    assert response.status_code == 403


# -- files -----------------------------------------------------------------------------


def test_upload_names_never_become_paths(site, client_for):
    ta = client_for()
    ta.headers.update(bearer(api_token(site, "ta_analyst")))
    store = site.stores["泰安库"]
    payload = "公开（公告）号,名称\nCN202644312U,一种钢筋混凝土轨枕\n".encode()
    before = {p for p in site.root.parent.rglob("*")}
    response = ta.post(
        f"/api/v1/stores/{store}/imports",
        files={"file": ("../../../../../../tmp/evil.csv", io.BytesIO(payload))},
    )
    assert response.status_code == 202, response.text
    assert response.json()["file"] == "evil.csv"
    created = {p for p in site.root.parent.rglob("*")} - before
    uploads = [p for p in created if p.suffix == ".csv"]
    assert len(uploads) == 1
    (upload,) = uploads
    assert (
        upload.parent == site.root / "tenants" / str(site.tenants["泰安市"]) / "uploads"
    )
    assert upload.name != "evil.csv" and upload.read_bytes() == payload
    refused = ta.post(
        f"/api/v1/stores/{store}/imports", files={"file": ("run.sh", io.BytesIO(b"x"))}
    )
    assert refused.status_code == 400


def test_paths_outside_the_data_root_are_refused(site, client_for):
    from patnav.errors import UnsafeInputError
    from patnav.platform.files import resolve

    with pytest.raises(UnsafeInputError):
        resolve(site.root, "../../etc/passwd")
    with pytest.raises(UnsafeInputError):
        resolve(site.root, "/etc/passwd")
    client = client_for("ta_analyst")
    for url in (
        "/static/../../platform/db.py",
        "/static/%2e%2e/%2e%2e/platform/db.py",
        "/static/..%2f..%2fplatform.sqlite3",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"import" not in response.content


def test_oversized_uploads_are_refused_with_413(tmp_path, data_dir, small_store_path):
    from patnav.web import create_app

    app = create_app(
        make_settings(tmp_path / "root", data_dir, upload_max_bytes=32 * 1024)
    )
    site = seed(app, small_store_path)
    path = data_dir / "formats/cn-excel/cnipa_export_199.xlsx"
    assert path.stat().st_size > 32 * 1024
    with TestClient(app) as client:
        client.headers.update(bearer(api_token(site, "ta_analyst")))
        big = b"x" * (32 * 1024 + 2 * 1024 * 1024)  # past the limit and its envelope
        response = client.post(
            f"/api/v1/stores/{site.stores['泰安库']}/imports",
            files={"file": ("big.csv", io.BytesIO(big))},
        )
        assert response.status_code == 413
        assert "上限" in response.json()["error"] or "limit" in response.json()["error"]
        # within the envelope but over the limit: refused while copying
        with path.open("rb") as handle:
            response = client.post(
                f"/api/v1/stores/{site.stores['泰安库']}/imports",
                files={"file": (path.name, handle)},
            )
        assert response.status_code == 413
        uploads = site.root / "tenants" / str(site.tenants["泰安市"]) / "uploads"
        assert not uploads.exists() or not any(uploads.iterdir())


def test_a_body_without_length_is_cut_at_the_limit():
    from patnav.web.security import MULTIPART_SLACK, SecurityMiddleware

    reached = []

    async def app(scope, receive, send):
        while True:
            message = await receive()
            reached.append(len(message.get("body", b"")))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    middleware = SecurityMiddleware(app, max_body=1000, secure=None, limit_text="1 KB")
    chunk = b"x" * 65536
    chunks = [chunk] * ((MULTIPART_SLACK // len(chunk)) + 4)
    sent = []

    async def receive():
        return {"type": "http.request", "body": chunks.pop(), "more_body": bool(chunks)}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "path": "/api/v1/x", "headers": [], "method": "POST"}
    asyncio.run(middleware(scope, receive, send))
    assert sent[0]["status"] == 413
    assert sum(reached) <= 1000 + MULTIPART_SLACK + len(chunk)
    assert chunks  # it stopped reading before the end


def test_a_zip_bomb_is_refused_before_importing(site, client_for, tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("patents.csv", b"0" * (40 * 1024 * 1024))
    assert bomb.stat().st_size < 1024 * 1024
    ta = client_for()
    ta.headers.update(bearer(api_token(site, "ta_analyst")))
    with bomb.open("rb") as handle:
        response = ta.post(
            f"/api/v1/stores/{site.stores['泰安库']}/imports",
            files={"file": ("bomb.zip", handle)},
        )
    assert response.status_code == 400
    assert "zip bomb" in response.json()["error"]


# -- sign-in ---------------------------------------------------------------------------


class Clock:
    """A settable clock for the sign-in throttle (Argon2 checks take a second each on a
    busy machine: real time would run the counting window out between attempts)."""

    def __init__(self):
        from patnav.platform.models import utcnow

        self.now = utcnow()

    def __call__(self):
        return self.now

    def advance(self, seconds: float) -> None:
        from datetime import timedelta

        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    """The sign-in throttle's clock, moved by the test."""
    from patnav.platform import accounts

    fake = Clock()
    monkeypatch.setattr(accounts, "utcnow", fake)
    return fake


def test_brute_force_sign_in_is_locked_then_released(
    tmp_path, data_dir, small_store_path, clock
):
    from patnav.web import create_app

    app = create_app(
        make_settings(
            tmp_path / "root",
            data_dir,
            login_max_failures=5,
            login_lockout_minutes=2 / 60,
        )
    )
    seed(app, small_store_path)
    with TestClient(app) as client:
        token = csrf_of(client.get("/login").text)

        def attempt(password):
            return client.post(
                "/login",
                data={
                    "username": "ta_analyst",
                    "password": password,
                    "csrf_token": token,
                },
            )

        codes = [attempt("wrong-password-1").status_code for _ in range(5)]
        assert codes == [401] * 5
        locked = attempt(PASSWORD)  # the right password, but locked
        assert locked.status_code == 429
        assert int(locked.headers["retry-after"]) >= 1
        assert "锁定" in locked.text
        clock.advance(2.2)
        assert attempt(PASSWORD).status_code == 200
    with app.state.platform.session() as db:
        from sqlalchemy import select

        from patnav.platform.models import AuditEvent

        outcomes = [
            e.success
            for e in db.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "login")
                .order_by(AuditEvent.id)
            )
        ]
    assert outcomes == [False] * 6 + [True]


def test_session_cookie_flags_and_security_headers(site):
    with TestClient(site.app) as client:
        page = client.get("/login")
        assert (
            "'unsafe-inline'"
            not in page.headers["content-security-policy"]
            .split("script-src")[1]
            .split(";")[0]
        )
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["x-content-type-options"] == "nosniff"
        response = client.post(
            "/login",
            data={
                "username": "ta_analyst",
                "password": PASSWORD,
                "csrf_token": csrf_of(page.text),
            },
            follow_redirects=False,
        )
        cookie = next(
            c for c in response.headers.get_list("set-cookie") if "patnav_session=" in c
        )
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert "Secure" not in cookie  # plain http
    with TestClient(site.app, base_url="https://testserver") as client:
        page = client.get("/login")
        response = client.post(
            "/login",
            data={
                "username": "ta_analyst",
                "password": PASSWORD,
                "csrf_token": csrf_of(page.text),
            },
            follow_redirects=False,
        )
        cookie = next(
            c for c in response.headers.get_list("set-cookie") if "patnav_session=" in c
        )
        assert "Secure" in cookie
        assert "strict-transport-security" in response.headers


def test_signing_out_ends_the_session_on_the_server(site, client_for):
    client = client_for("ta_analyst")
    stolen = client.cookies.get("patnav_session")
    client.post("/logout", data={"csrf_token": client.csrf})
    replay = client_for()
    replay.cookies.set("patnav_session", stolen)
    response = replay.get("/stores")
    assert "/login" in str(response.url)


def test_revoked_and_forged_tokens_are_refused(site, client_for):
    from patnav.platform import accounts
    from patnav.platform.models import ApiToken, User

    secret = api_token(site, "ta_analyst")
    client = client_for()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    with site.app.state.platform.session() as db:
        user = db.get(User, site.users["ta_analyst"])
        token = db.query(ApiToken).filter(ApiToken.user_id == user.id).one()
        accounts.revoke_token(db, user, token.id)
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401
    tampered = client.get(
        "/api/v1/me", headers={"Cookie": "patnav_session=abc.def.ghi"}
    )
    assert tampered.status_code == 401


def test_passwords_are_stored_as_argon2_hashes(site):
    from patnav.platform.models import User

    with site.app.state.platform.session() as db:
        hashes = [u.password_hash for u in db.query(User)]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert not any(PASSWORD in h for h in hashes)


def test_query_text_is_never_sql(site, client_for):
    ta = client_for()
    ta.headers.update(bearer(api_token(site, "ta_analyst")))
    store = site.stores["泰安库"]
    hostile = ta.get(
        f"/api/v1/stores/{store}/search",
        params={"q": 'TI="x\'); DROP TABLE patents; --"'},
    )
    assert hostile.status_code == 200 and hostile.json()["total"] == 0
    assert ta.get(f"/api/v1/stores/{store}").json()["documents"] > 0


def test_login_page_is_the_only_page_for_anonymous_visitors(site, client_for):
    anonymous = client_for()
    for url in ("/", "/stores", "/sets", "/admin", "/catalogue", "/account"):
        response = anonymous.get(url)
        assert "/login?next=" in str(response.url), url
    assert anonymous.get("/healthz").json() == {"ok": True}
    # the public catalogue (成果发布，公开) is the one exception (tests/web/test_public.py)
    public = anonymous.get("/public")
    assert public.status_code == 200 and "/login" not in str(public.url)


def test_sign_in_redirects_only_within_the_site(site, client_for):
    client = client_for()
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={
            "username": "ta_analyst",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/phish",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_login_helper_works(site, client_for):
    client = client_for()
    login(client, "prov_admin")
    assert client.get("/admin").status_code == 200


def test_a_stale_session_cookie_does_not_block_signing_in_again(site, client_for):
    client = client_for()
    client.cookies.set("patnav_session", "expired-or-forged.value.sig")
    page = client.get("/stores")  # redirected to the sign-in page
    assert "/login" in str(page.url)
    response = client.post(
        "/login",
        data={
            "username": "ta_analyst",
            "password": PASSWORD,
            "csrf_token": csrf_of(page.text),
        },
    )
    assert response.status_code == 200 and "泰安市" in response.text


def test_a_citys_report_made_from_the_provinces_spec_is_the_citys(site, client_for):
    """The province's analyst runs the province's spec on a city's store: the report is
    the city's, readable there, though the city does not see the province's spec."""
    from patnav.platform import files
    from patnav.platform.models import ReportJob, Spec

    platform = site.app.state.platform
    with platform.session() as db:
        spec = Spec(
            tenant_id=site.tenants["山东省"],
            name="省方案",
            title="山东省导航",
            type="region",
            yaml_text="x",
        )
        db.add(spec)
        db.flush()
        path, relative = files.new_file(
            platform.root, site.tenants["泰安市"], "reports", ".html"
        )
        path.write_text("<html>山东</html>", "utf-8")
        job = ReportJob(
            tenant_id=site.tenants["泰安市"],
            store_id=site.stores["泰安库"],
            spec_id=spec.id,
            title="山东省导航",
            fmt="html",
            lang="zh",
            status="done",
            filename=relative,
            size=path.stat().st_size,
        )
        db.add(job)
        db.flush()
        ids = (spec.id, job.id)
    city = client_for("ta_analyst")
    assert city.get(f"/specs/{ids[0]}").status_code == 404
    page = city.get(f"/reports/{ids[1]}")
    assert page.status_code == 200 and "山东省导航" in page.text
    assert city.get(f"/reports/{ids[1]}/download").text == "<html>山东</html>"
    assert city.get(f"/catalogue/new?report={ids[1]}").status_code == 200
