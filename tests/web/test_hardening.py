"""Issue 12, the attacks on the web platform that did not hold, each reproduced: a YAML
alias bomb sent by a read-only user, ids beyond 64 bits, a chunked upload past the limit,
world-readable files, missing ``Cache-Control``, ``X-Forwarded-For`` from anyone."""

from __future__ import annotations

import io
import logging
import stat

from tests.test_yamlsafe import alias_bomb
from tests.web.conftest import TestClient, api_token, bearer, make_settings, seed

HUGE = "99999999999999999999999"


# -- YAML -------------------------------------------------------------------------------


def test_a_read_only_user_cannot_make_spec_validation_walk_an_alias_bomb(
    site, client_for
):
    dept = client_for()
    dept.headers.update(bearer(api_token(site, "ta_dept")))
    response = dept.post("/api/v1/specs/validate", json={"yaml": alias_bomb(8)})
    assert response.status_code == 200
    result = response.json()
    assert result["valid"] is False
    (problem,) = result["problems"]
    assert problem["line"] == 5 and "more than 16 aliases" in problem["message"]
    assert "别名" in problem["message_zh"]
    page = client_for("ta_dept")
    fragment = page.post(
        "/specs/validate",
        data={"yaml_text": alias_bomb(8)},
        headers={"X-CSRF-Token": page.csrf},
    )
    assert fragment.status_code == 200
    assert 'data-line="5"' in fragment.text and "别名" in fragment.text


def test_spec_validation_names_a_misspelt_key_and_the_key_meant(site, client_for):
    ta = client_for()
    ta.headers.update(bearer(api_token(site, "ta_analyst")))
    text = "titel: 测试\ntype: micro\n"
    problems = ta.post("/api/v1/specs/validate", json={"yaml": text}).json()["problems"]
    typo = next(p for p in problems if "titel" in p["message"])
    assert typo["line"] == 1
    assert "did you mean 'title'" in typo["message"]
    assert typo["message_zh"] == "无法识别的键“titel”，是否应为“title”？"


def test_a_mapping_file_with_an_alias_bomb_is_refused_before_importing(
    site, client_for
):
    ta = client_for()
    ta.headers.update(bearer(api_token(site, "ta_analyst")))
    bomb = alias_bomb(8).replace("title: t\ntype: micro\n", "")
    response = ta.post(
        f"/api/v1/stores/{site.stores['泰安库']}/imports",
        files={
            "file": ("a.csv", io.BytesIO("名称\n轨枕\n".encode())),
            "mapping": ("m.yaml", io.BytesIO(bomb.encode())),
        },
    )
    assert response.status_code == 400
    assert "more than 16 aliases" in response.json()["error"]
    uploads = site.root / "tenants" / str(site.tenants["泰安市"]) / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())


# -- ids and sizes ------------------------------------------------------------------------


def _id_routes(app):
    """(method, path) of every route with an integer path parameter and no required
    body or form field: what a request with just an id reaches."""
    from fastapi.routing import APIRoute

    def flat(routes):
        for route in routes:
            included = getattr(route, "original_router", None)  # include_router()
            yield from flat(included.routes) if included is not None else [route]

    for route in flat(app.routes):
        if not isinstance(route, APIRoute):
            continue
        params = route.dependant.path_params
        if not any(p.field_info.annotation is int for p in params):
            continue
        if route.dependant.body_params:
            continue
        texts = {"name": "trend", "doc_id": "CN202644312U"}
        for method in route.methods:
            path = route.path
            for param in params:
                value = (
                    HUGE
                    if param.field_info.annotation is int
                    else texts.get(param.name, "x")
                )
                path = path.replace("{" + param.name + "}", value).replace(
                    "{" + param.name + ":path}", value
                )
            required = [
                q for q in route.dependant.query_params if q.field_info.is_required()
            ]
            if required:  # a search's query, else a plain value of the field's type
                values = {float: "0.5", int: "1"}
                path += "?" + "&".join(
                    f"{q.alias}=TI%3D轨枕"
                    if q.alias == "q"
                    else f"{q.alias}={values.get(q.field_info.annotation, 'x')}"
                    for q in required
                )
            yield method, path


def test_ids_beyond_64_bits_are_not_found_on_every_route(site, client_for, caplog):
    routes = sorted(set(_id_routes(site.app)))
    assert ("GET", f"/api/v1/sets/{HUGE}") in routes
    assert len(routes) >= 25
    page = client_for("prov_admin")
    api = client_for()
    api.headers.update(bearer(api_token(site, "prov_admin")))
    failures = []
    with caplog.at_level(logging.ERROR, logger="patnav.web"):
        for method, path in routes:
            client = api if path.startswith("/api/") else page
            headers = {} if path.startswith("/api/") else {"X-CSRF-Token": page.csrf}
            response = client.request(
                method, path, headers=headers, follow_redirects=False
            )
            if response.status_code != 404:
                failures.append((method, path, response.status_code))
    assert not failures
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    for kind in ("tenant_id", "store_id"):
        body = {
            "tenant_id": int(HUGE),
            "store_id": int(HUGE),
            "name": "n",
            "query": "a",
        }
        target = "/api/v1/stores" if kind == "tenant_id" else "/api/v1/sets"
        assert api.post(target, json=body).status_code == 404


def test_a_chunked_upload_past_the_limit_gets_413(tmp_path, data_dir, small_store_path):
    from patnav.web import create_app
    from patnav.web.security import MULTIPART_SLACK

    app = create_app(
        make_settings(tmp_path / "root", data_dir, upload_max_bytes=32 * 1024)
    )
    site = seed(app, small_store_path)
    boundary = "patnavboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        'filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n'
    ).encode()
    chunk = b"x" * 65536
    count = (32 * 1024 + MULTIPART_SLACK) // len(chunk) + 8

    def body():  # no Content-Length: sent chunked, cut by the server at the limit
        yield head
        for _ in range(count):
            yield chunk
        yield f"\r\n--{boundary}--\r\n".encode()

    with TestClient(app) as client:
        response = client.post(
            f"/api/v1/stores/{site.stores['泰安库']}/imports",
            content=body(),
            headers={
                **bearer(api_token(site, "ta_analyst")),
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            },
        )
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert "上限" in response.json()["error"]
    uploads = site.root / "tenants" / str(site.tenants["泰安市"]) / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())


# -- files, caches, proxies ---------------------------------------------------------------


def _private(path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


def test_the_platform_database_uploads_and_stores_are_owner_only(site, client_for):
    ta = client_for()
    ta.headers.update(bearer(api_token(site, "ta_analyst")))
    created = ta.post(
        "/api/v1/stores", json={"tenant_id": site.tenants["泰安市"], "name": "新库"}
    ).json()
    upload = ta.post(
        f"/api/v1/stores/{created['id']}/imports",
        files={"file": ("a.csv", io.BytesIO("名称\n轨枕\n".encode()))},
    )
    assert upload.status_code == 202
    from patnav.platform.models import DataStore

    with site.app.state.platform.session() as db:
        store_file = site.root / db.get(DataStore, created["id"]).filename
    root = site.root
    tenant = root / "tenants" / str(site.tenants["泰安市"])
    checked = [
        root,
        root / "platform.sqlite3",
        root / "secret.key",
        root / "tenants",
        tenant,
        tenant / "uploads",
        tenant / "stores",
        *(tenant / "uploads").iterdir(),
        store_file,
    ]
    assert len(checked) == 9
    assert [p for p in checked if not _private(p)] == []


def test_authenticated_responses_and_exports_are_never_cached(site, client_for):
    page = client_for("ta_analyst")
    api = client_for()
    api.headers.update(bearer(api_token(site, "ta_analyst")))
    link = api.post(
        "/api/v1/sets",
        json={"store_id": site.stores["泰安库"], "name": "轨枕", "query": "TI=轨枕"},
    ).json()
    responses = [
        page.get("/"),
        page.get(f"/sets/{link['id']}/export.csv"),
        api.get("/api/v1/me"),
        api.get(f"/api/v1/sets/{link['id']}/export"),
        api.get(f"/api/v1/sets/{link['id']}/dashboard"),
        page.get("/login"),
    ]
    assert [r.status_code for r in responses] == [200] * len(responses)
    assert [r.headers.get("cache-control") for r in responses] == ["no-store"] * 6
    static = page.get("/static/css/" + _a_stylesheet(site))
    assert static.status_code == 200 and static.headers.get("cache-control") is None


def _a_stylesheet(site) -> str:
    from patnav.web.app import STATIC

    return next((STATIC / "css").glob("*.css")).name


def test_forwarded_addresses_are_trusted_only_from_configured_proxies(
    tmp_path, data_dir, small_store_path
):
    from patnav.web import create_app

    def signed_in_from(app, forwarded: str) -> str:
        """Sign in with a forged X-Forwarded-For; the address the audit log kept."""
        from sqlalchemy import select

        from patnav.platform.models import AuditEvent
        from tests.web.conftest import csrf_of

        with TestClient(app) as client:
            token = csrf_of(client.get("/login").text)
            client.post(
                "/login",
                data={"username": "ta_analyst", "password": "secret123"}
                | {"csrf_token": token},
                headers={"X-Forwarded-For": forwarded, "X-Forwarded-Proto": "https"},
            )
        with app.state.platform.session() as db:
            event = db.scalars(
                select(AuditEvent).where(AuditEvent.action == "login")
            ).one()
            return str(event.ip)

    untrusted = create_app(make_settings(tmp_path / "a", data_dir))
    seed(untrusted, small_store_path)
    assert signed_in_from(untrusted, "203.0.113.9") == "testclient"
    trusted = create_app(
        make_settings(tmp_path / "b", data_dir, trusted_proxies=["testclient"])
    )
    seed(trusted, small_store_path)
    # the rightmost address the proxy did not add itself is the client
    assert signed_in_from(trusted, "198.51.100.1, 203.0.113.9") == "203.0.113.9"


def test_settings_name_proxies_by_address_or_network():
    from patnav.web.security import ProxyRule

    rule = ProxyRule(["127.0.0.1", "10.0.0.0/8", "testclient"])
    assert rule.trusts("127.0.0.1") and rule.trusts("10.2.3.4")
    assert not rule.trusts("11.0.0.1") and not rule.trusts("::1")
    assert rule.client("127.0.0.1", "1.2.3.4, 10.0.0.5") == "1.2.3.4"
    assert rule.client("11.0.0.1", "1.2.3.4") == "11.0.0.1"
    assert rule.client("127.0.0.1", "not an address") == "127.0.0.1"
    # every hop a proxy of ours: the first address is the client
    assert rule.client("10.0.0.1", "10.0.0.2, 10.0.0.3") == "10.0.0.2"


def test_a_body_that_is_not_an_upload_is_capped_far_below_the_upload_limit(
    site, client_for
):
    """A JSON or form body is read whole before it is validated: a spec 'check' of
    hundreds of megabytes must not be read at all."""
    from patnav.web.security import MAX_REQUEST_BYTES

    dept = client_for()
    dept.headers.update(bearer(api_token(site, "ta_dept")))
    huge = b'{"yaml": "' + b"x" * (MAX_REQUEST_BYTES + 1) + b'"}'
    declared = dept.post(
        "/api/v1/specs/validate",
        content=huge,
        headers={"Content-Type": "application/json"},
    )
    assert declared.status_code == 413
    assert "请求内容超过 4 MB 的上限" in declared.json()["error"]

    def chunks():
        for start in range(0, len(huge), 65536):
            yield huge[start : start + 65536]

    chunked = dept.post(
        "/api/v1/specs/validate",
        content=chunks(),
        headers={"Content-Type": "application/json"},
    )
    assert "content-length" not in chunked.request.headers
    assert chunked.status_code == 413
