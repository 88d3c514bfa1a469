"""The web layer's caches stay correct: the signed-in principal (sessions and tokens are
not looked up on every request, yet sign-out, password changes, role changes and disabled
accounts take effect at once), and search results per data version (paging and repeated
queries cost one search; an import makes them stale)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from tests.web.conftest import api_token, bearer, login, wait_for


def _session_queries(site):
    """A list that collects every SQL statement reading the sessions table."""
    from sqlalchemy import event

    seen: list[str] = []

    def capture(_conn, _cursor, statement, *_args):
        if "web_sessions" in statement:
            seen.append(statement)

    event.listen(site.app.state.platform.engine, "before_cursor_execute", capture)
    return seen


def _me(client, **kwargs):
    return client.get("/api/v1/me", **kwargs)


# -- principals ------------------------------------------------------------------------


def test_a_signed_in_user_is_looked_up_once_not_on_every_request(site, client_for):
    client = client_for("ta_analyst")
    assert client.get("/stores").status_code == 200  # the first lookup is cached
    seen = _session_queries(site)
    for _ in range(5):
        page = client.get("/stores")
        assert page.status_code == 200 and "ta_analyst" in page.text
    assert seen == []
    assert site.app.state.principals.hits >= 5


def test_signing_out_ends_a_cached_session_at_once(site, client_for):
    client = client_for("ta_analyst")
    stolen = client.cookies.get("patnav_session")
    assert _me(client).json()["username"] == "ta_analyst"  # cached now
    client.post("/logout", data={"csrf_token": client.csrf})
    replay = client_for()
    replay.cookies.set("patnav_session", stolen)
    assert _me(replay).status_code == 401


def test_a_role_change_applies_to_the_next_request(site, client_for):
    dept = client_for("ta_dept")
    dept.headers.update({"X-CSRF-Token": dept.csrf})
    body = {"tenant_id": site.tenants["泰安市"], "name": "部门库"}
    assert dept.post("/api/v1/stores", json=body).status_code == 403  # read-only role
    admin = client_for("ta_admin")
    changed = admin.post(
        f"/admin/users/{site.users['ta_dept']}",
        data={"role": "analyst", "csrf_token": admin.csrf},
    )
    assert changed.status_code == 200
    created = dept.post("/api/v1/stores", json=body)
    assert created.status_code in (200, 201), created.text
    assert _me(dept).json()["role"] == "analyst"


def test_disabling_an_account_ends_its_cached_sessions_and_tokens(site, client_for):
    user = client_for("ta_analyst")
    token = api_token(site, "ta_analyst")
    api = client_for()
    assert _me(user).status_code == 200
    assert _me(api, headers=bearer(token)).status_code == 200
    admin = client_for("ta_admin")
    admin.post(
        f"/admin/users/{site.users['ta_analyst']}",
        data={"active": "0", "csrf_token": admin.csrf},
    )
    assert _me(user).status_code == 401
    assert _me(api, headers=bearer(token)).status_code == 401
    assert "/login" in str(user.get("/stores").url)


def test_a_password_change_signs_out_the_users_other_sessions(site, client_for):
    laptop = client_for("ta_analyst")
    phone = client_for("ta_analyst")
    assert _me(phone).status_code == 200  # cached
    changed = laptop.post(
        "/account/password",
        data={"current": "secret123", "new": "another456", "csrf_token": laptop.csrf},
    )
    assert changed.status_code == 200 and "/login" in str(changed.url)
    assert _me(phone).status_code == 401
    login(client_for(), "ta_analyst", "another456")


class _CacheClock:
    """The principal cache's clock, moved by the test: opening a second platform takes
    longer than a short TTL on a busy machine, so real time made this test flaky."""

    def __init__(self) -> None:
        self.now = time.monotonic()

    def monotonic(self) -> float:
        return self.now


def test_a_change_made_by_another_process_is_seen_within_the_ttl(
    site, client_for, monkeypatch
):
    """A shell's ``patnav user passwd`` writes the database behind the server's back: the
    cached principal lasts at most ``ttl_s``."""
    from sqlalchemy import update

    from patnav.platform.db import Platform
    from patnav.platform.models import WebSession
    from patnav.web import principals

    clock = _CacheClock()
    monkeypatch.setattr(principals, "time", clock)
    site.app.state.principals.ttl_s = 0.5
    client = client_for("ta_analyst")
    assert _me(client).status_code == 200
    other = Platform.open(site.app.state.settings)  # its own engine, not watched
    try:
        with other.session() as db:
            db.execute(update(WebSession).values(revoked=True))
    finally:
        other.close()
    assert _me(client).status_code == 200  # still cached: the bound is the TTL
    clock.now += 0.6
    assert _me(client).status_code == 401


def test_an_answer_read_before_an_invalidation_is_not_cached():
    from patnav.platform.models import utcnow
    from patnav.web.principals import Principal, PrincipalCache, TenantRef

    cache = PrincipalCache(ttl_s=60)
    someone = Principal(1, "u", None, "analyst", TenantRef(1, "泰安市", "/1/", "city"))
    before = cache.generation()
    cache.clear()  # a sign-out committed while the lookup was reading
    cache.put("session:x", someone, before)
    assert cache.get("session:x") is None
    cache.put("session:x", someone, cache.generation())
    assert cache.get("session:x") == someone
    # never beyond the session's own expiry
    cache.put("session:y", someone, cache.generation(), utcnow() - timedelta(seconds=1))
    assert cache.get("session:y") is None


# -- search results --------------------------------------------------------------------


@pytest.fixture
def counted(monkeypatch):
    """Counts the searches that reach the engine (the result lists the pages and the
    API show)."""
    from patnav.web import services

    calls: list[str] = []
    real = services.search_results

    def counting(store, query, **options):
        calls.append(query)
        return real(store, query, **options)

    monkeypatch.setattr(services, "search_results", counting)
    return calls


def test_paging_and_repeated_queries_cost_one_search(site, client_for, counted):
    api = client_for()
    api.headers.update(bearer(api_token(site, "ta_analyst")))
    url = f"/api/v1/stores/{site.stores['泰安库']}/search"
    first = api.get(url, params={"q": "TI=装置", "size": 10}).json()
    assert first["total"] > 10 and len(counted) == 1
    second = api.get(url, params={"q": "TI=装置", "size": 5, "page": 2}).json()
    again = client_for()
    again.headers.update(bearer(api_token(site, "ta_admin")))
    third = again.get(url, params={"q": "TI=装置", "size": 10}).json()
    assert len(counted) == 1  # page 2 of 5 and another user: from the first search
    assert second["hits"] == first["hits"][5:10]
    assert [h["rank"] for h in second["hits"]] == [6, 7, 8, 9, 10]
    assert third["hits"] == first["hits"] and third["total"] == first["total"]
    more = api.get(url, params={"q": "TI=装置", "size": 20}).json()
    assert len(counted) == 1 and more["hits"][:10] == first["hits"]  # prefetched
    # the first 100 rows of a list are computed at once; rows beyond, on demand
    wide = {"q": "TYPE=实用新型", "size": 50}
    assert api.get(url, params=wide).json()["total"] > 100 and len(counted) == 2
    api.get(url, params={**wide, "page": 2})
    assert len(counted) == 2
    beyond = api.get(url, params={**wide, "page": 3}).json()
    assert len(counted) == 3 and beyond["hits"][0]["rank"] == 101


def test_an_import_makes_cached_search_results_stale(site, client_for, data_dir):
    import openpyxl

    api = client_for()
    api.headers.update(bearer(api_token(site, "ta_analyst")))
    created = api.post(
        "/api/v1/stores", json={"tenant_id": site.tenants["泰安市"], "name": "新库"}
    ).json()
    path = data_dir / "formats/cn-excel/cnki_export_33.xlsx"
    book = openpyxl.load_workbook(path, read_only=True)
    title = next(book.active.iter_rows(values_only=True, min_row=2))[0]
    book.close()
    url = f"/api/v1/stores/{created['id']}/search"
    assert api.get(url, params={"q": f"TI={title}"}).json()["total"] == 0  # cached
    with path.open("rb") as handle:
        job = api.post(
            f"/api/v1/stores/{created['id']}/imports",
            files={"file": ("cnki.xlsx", handle)},
        ).json()
    done = wait_for(
        lambda: api.get(f"/api/v1/imports/{job['id']}").json(),
        lambda j: j["status"] in ("done", "failed"),
    )
    assert done["status"] == "done", done
    found = api.get(url, params={"q": f"TI={title}"}).json()
    assert found["total"] >= 1 and title in {h["title"] for h in found["hits"]}


# -- dashboards ------------------------------------------------------------------------


def test_a_cached_dashboard_is_still_only_for_those_who_see_the_set(site, client_for):
    ta = client_for()
    ta.headers.update(bearer(api_token(site, "ta_analyst")))
    link = ta.post(
        "/api/v1/sets",
        json={"store_id": site.stores["泰安库"], "name": "轨枕", "query": "TI=轨枕"},
    ).json()
    board = ta.get(f"/api/v1/sets/{link['id']}/dashboard").json()  # computed, cached
    assert board["set"]["id"] == link["id"]
    page = client_for("ta_analyst").get(f"/sets/{link['id']}")
    assert page.status_code == 200 and "轨枕" in page.text
    other = client_for()
    other.headers.update(bearer(api_token(site, "jn_analyst")))  # the sibling city
    assert other.get(f"/api/v1/sets/{link['id']}/dashboard").status_code == 404
    assert client_for("jn_analyst").get(f"/sets/{link['id']}").status_code == 404
    again = ta.get(f"/api/v1/sets/{link['id']}/dashboard").json()
    assert again == board  # the same cached computation
