"""What one client may cost (issue 12): API rate limits per token and per address,
sign-in locks per account across addresses, per-user concurrency and deadlines for
expensive requests, and bounded queues of imports and reports."""

from __future__ import annotations

import io
import time

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
    wait_for,
)


def _site(tmp_path, data_dir, small_store_path, **settings):
    from patnav.web import create_app

    app = create_app(make_settings(tmp_path / "root", data_dir, **settings))
    return seed(app, small_store_path)


def test_a_flood_of_api_requests_is_answered_429_with_retry_after(
    tmp_path, data_dir, small_store_path
):
    """The issue's 600 requests as fast as they go, on the default limits: the burst
    passes, the rest is refused at the token's rate."""
    site = _site(tmp_path, data_dir, small_store_path)
    with TestClient(site.app) as client:
        client.headers.update(bearer(api_token(site, "ta_analyst")))
        started = time.monotonic()
        codes = [client.get("/api/v1/me").status_code for _ in range(600)]
        elapsed = time.monotonic() - started
        refused = client.get("/api/v1/me")
    allowed = codes.count(200)
    assert set(codes) == {200, 429}
    # a sixth of a minute's 600 at once, then 10 a second
    assert 100 <= allowed <= 100 + 10 * elapsed + 1
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.json() == {"ok": False, "error": refused.json()["error"]}
    assert "请求过于频繁" in refused.json()["error"]
    assert refused.headers["cache-control"] == "no-store"
    assert refused.headers["x-frame-options"] == "DENY"


def test_many_tokens_from_one_address_share_its_limit(
    tmp_path, data_dir, small_store_path
):
    site = _site(
        tmp_path,
        data_dir,
        small_store_path,
        api_rate_address_per_minute=60,  # bursts of 10
        api_rate_token_per_minute=6000,
    )
    tokens = [api_token(site, "ta_analyst") for _ in range(6)]
    with (
        TestClient(site.app) as client,
        TestClient(site.app, client=("198.51.100.7", 4000)) as elsewhere,
    ):
        codes = [
            client.get("/api/v1/me", headers=bearer(tokens[i % 6])).status_code
            for i in range(30)
        ]
        assert codes.count(200) <= 12 and codes[-1] == 429
        # another address has its own allowance
        assert elsewhere.get("/api/v1/me", headers=bearer(tokens[0])).status_code == 200


def test_sign_in_is_capped_per_account_across_addresses(
    tmp_path, data_dir, small_store_path
):
    site = _site(
        tmp_path,
        data_dir,
        small_store_path,
        login_max_failures=5,
        login_account_max_failures=6,
    )

    def attempt(address: str, password: str):
        with TestClient(site.app, client=(address, 5000)) as client:
            token = csrf_of(client.get("/login").text)
            return client.post(
                "/login",
                data={"username": "ta_analyst", "password": password}
                | {"csrf_token": token},
            )

    # three addresses, two guesses each: no address reaches its own limit of five
    codes = [
        attempt(f"203.0.113.{n}", "wrong-guess-1").status_code
        for n in (1, 1, 2, 2, 3, 3)
    ]
    assert codes == [401] * 6
    locked = attempt("192.0.2.44", PASSWORD)  # the owner, from a fresh address
    assert locked.status_code == 429
    assert "该账户登录失败次数过多" in locked.text
    assert int(locked.headers["retry-after"]) >= 60
    assert attempt("192.0.2.45", PASSWORD).status_code == 429
    # another account is not affected
    with TestClient(site.app, client=("203.0.113.1", 5000)) as client:
        token = csrf_of(client.get("/login").text)
        other = client.post(
            "/login",
            data={"username": "ta_dept", "password": PASSWORD, "csrf_token": token},
        )
        assert other.status_code == 200 and "/login" not in str(other.url)
    # an administrator's password reset lifts the lock
    from patnav.platform import accounts
    from patnav.platform.models import User

    with site.app.state.platform.session() as db:
        accounts.set_password(db, db.get(User, site.users["ta_analyst"]), "fresh-pw-9")
    assert attempt("192.0.2.44", "fresh-pw-9").status_code == 200


@pytest.fixture
def slow_landscape(monkeypatch):
    """Landscapes that take 1.5 s more than they do (the computation itself is real)."""
    from patnav.web import services

    real = services.landscape

    def slow(*args, **kwargs):
        time.sleep(1.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "landscape", slow)


def test_an_expensive_request_past_its_deadline_gets_504_and_keeps_its_slot(
    tmp_path, data_dir, small_store_path, slow_landscape
):
    site = _site(tmp_path, data_dir, small_store_path, server_concurrency=2)
    limits = site.app.state.limits
    with TestClient(site.app) as client:
        analyst = bearer(api_token(site, "ta_analyst"))
        link = client.post(
            "/api/v1/sets",
            json={
                "store_id": site.stores["泰安库"],
                "name": "轨枕",
                "query": "TI=轨枕",
            },
            headers=analyst,
        ).json()
        limits.deadline_s = 0.3  # PATNAV_REQUEST_DEADLINE_S, once the set is saved
        dept = bearer(api_token(site, "ta_dept"))
        url = f"/api/v1/sets/{link['id']}/dashboard"
        late = client.get(url, headers=dept)
        assert late.status_code == 504
        assert "请求处理超过 1 秒" in late.json()["error"]
        assert late.headers["cache-control"] == "no-store"
        # the department's one slot is still held by the work going on
        assert limits.slots.running(site.users["ta_dept"]) == 1
        busy = client.get(url, headers=dept)
        assert busy.status_code == 429 and "正在处理中" in busy.json()["error"]
        assert int(busy.headers["retry-after"]) >= 1
        # an analyst may run two at once; the server's two slots are then full
        page = client.get(f"/sets/{link['id']}?count_by=application", headers=analyst)
        assert page.status_code == 504
        full = client.get(f"/api/v1/sets/{link['id']}/dashboard?count_by=document")
        assert full.status_code == 401  # anonymous: not limited, refused as ever
        third = client.get(
            f"/api/v1/sets/{link['id']}/dashboard?count_by=document", headers=analyst
        )
        assert third.status_code == 503 and "服务器正忙" in third.json()["error"]
        wait_for(lambda: limits.slots.running(), lambda n: n == 0, timeout_s=120)
        # the abandoned computation filled the cache: now it answers at once
        done = client.get(url, headers=dept)
        assert done.status_code == 200 and done.json()["set"]["id"] == link["id"]


def test_spec_validation_and_searches_are_limited_like_dashboards():
    from patnav.web.limits import expensive_kind

    assert expensive_kind("POST", "/api/v1/specs/validate") == "spec"
    assert expensive_kind("POST", "/specs/validate") == "spec"
    assert expensive_kind("POST", "/specs/12") == "spec"
    assert expensive_kind("GET", "/api/v1/stores/3/search") == "search"
    assert expensive_kind("GET", "/stores/3/search") == "search"
    assert expensive_kind("POST", "/api/v1/sets/4/rerun") == "search"
    assert expensive_kind("GET", "/sets/4") == "dashboard"
    assert expensive_kind("GET", "/api/v1/sets/4/export") == "export"
    assert expensive_kind("POST", "/api/v1/stores/3/imports") == "upload"
    assert expensive_kind("GET", "/api/v1/sets/4") is None
    assert expensive_kind("GET", "/sets") is None


def test_a_user_cannot_queue_imports_or_reports_without_bound(
    tmp_path, data_dir, small_store_path
):
    from patnav.platform.models import ImportJob, ReportJob, Spec

    site = _site(tmp_path, data_dir, small_store_path, max_pending_jobs=1)
    tenant, store = site.tenants["泰安市"], site.stores["泰安库"]
    client = TestClient(site.app)
    client.__enter__()  # started first: a start resumes queued jobs
    with site.app.state.platform.session() as db:
        spec = Spec(tenant_id=tenant, name="s", title="t", type="micro", yaml_text="x")
        db.add(spec)
        db.flush()
        db.add_all(
            [
                ImportJob(
                    tenant_id=tenant,
                    store_id=store,
                    filename="tenants/x/uploads/a.csv",
                    original_name="a.csv",
                    status="running",
                    created_by=site.users["ta_analyst"],
                ),
                ReportJob(
                    tenant_id=tenant,
                    store_id=store,
                    spec_id=spec.id,
                    title="t",
                    fmt="html",
                    lang="zh",
                    status="queued",
                    created_by=site.users["ta_analyst"],
                ),
            ]
        )
        db.flush()
        spec_id = spec.id
    try:  # one client: every client's start would resume the queued jobs
        analyst = bearer(api_token(site, "ta_analyst"))
        upload = client.post(
            f"/api/v1/stores/{store}/imports",
            files={"file": ("a.csv", io.BytesIO("名称\n轨枕\n".encode()))},
            headers=analyst,
        )
        assert upload.status_code == 429
        assert "1 imports queued or running" in upload.json()["error"]
        report = client.post(
            "/api/v1/reports",
            json={"spec_id": spec_id, "store_id": store},
            headers=analyst,
        )
        assert report.status_code == 429
        login(client, "ta_analyst")
        refused = client.post(
            f"/stores/{store}/imports",
            data={"csrf_token": client.csrf},
            files={"file": ("a.csv", io.BytesIO("名称\n轨枕\n".encode()))},
        )
        assert refused.status_code == 429
        assert "1 个导入任务在排队或进行中" in refused.text
        # another user of the tenant is not held up by this one's queue
        accepted = client.post(
            f"/api/v1/stores/{store}/imports",
            files={"file": ("a.csv", io.BytesIO("名称\n轨枕\n".encode()))},
            headers=bearer(api_token(site, "ta_admin")),
        )
        assert accepted.status_code == 202
    finally:
        client.__exit__(None, None, None)
