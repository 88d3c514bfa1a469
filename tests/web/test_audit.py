"""The audit log records refused requests and exports with who sent them; retention
removes what is no longer kept; a tenant is offboarded with its data exported first
(issue 12)."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import select

from tests.web.conftest import (
    PASSWORD,
    TestClient,
    api_token,
    bearer,
    csrf_of,
    make_settings,
    seed,
    wait_for,
)


def _events(site, action: str):
    from patnav.platform.models import AuditEvent

    with site.app.state.platform.session() as db:
        return list(
            db.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == action)
                .order_by(AuditEvent.id)
            )
        )


def test_refused_requests_are_recorded_with_who_sent_them(site, client_for):
    ta = client_for()
    ta.headers.update(bearer(api_token(site, "ta_analyst")))
    link = ta.post(
        "/api/v1/sets",
        json={"store_id": site.stores["泰安库"], "name": "轨枕", "query": "TI=轨枕"},
    ).json()
    jn_page = client_for("jn_analyst")
    assert jn_page.get(f"/sets/{link['id']}").status_code == 404  # another city's
    jn_api = client_for()
    jn_api.headers.update(bearer(api_token(site, "jn_analyst")))
    assert jn_api.get(f"/api/v1/sets/{link['id']}/export").status_code == 404
    dept = client_for()
    dept.headers.update(bearer(api_token(site, "ta_dept")))
    refused = dept.post(
        "/api/v1/stores", json={"tenant_id": site.tenants["泰安市"], "name": "x"}
    )
    assert refused.status_code == 403
    forged = jn_page.post(
        "/stores", data={"name": "x", "tenant_id": site.tenants["济南市"]}
    )
    assert forged.status_code == 403  # no CSRF token
    denied = [
        (e.username, e.tenant_id, e.object_type, e.object_id, e.success)
        for e in _events(site, "denied")
    ]
    jinan, taian = site.tenants["济南市"], site.tenants["泰安市"]
    assert denied == [
        ("jn_analyst", jinan, "not_found", f"/sets/{link['id']}", False),
        ("jn_analyst", jinan, "not_found", f"/api/v1/sets/{link['id']}/export", False),
        ("ta_dept", taian, "forbidden", "/api/v1/stores", False),
        ("jn_analyst", jinan, "csrf", "/stores", False),
    ]
    detail = json.loads(_events(site, "denied")[1].detail)
    assert (detail["status"], detail["via"]) == (404, "token")
    # 济南's administrator sees the probes of their user; 泰安's does not
    province = client_for()
    province.headers.update(bearer(_admin_token(site, "prov_admin")))
    seen = province.get("/api/v1/audit", params={"action": "denied"}).json()
    assert len(seen) == 4
    city = client_for()
    city.headers.update(bearer(_admin_token(site, "ta_admin")))
    assert {
        e["username"]
        for e in city.get("/api/v1/audit", params={"action": "denied"}).json()
    } == {"ta_dept"}


def _admin_token(site, username: str) -> str:
    from patnav.platform import accounts
    from patnav.platform.models import User

    with site.app.state.platform.session() as db:
        user = db.get(User, site.users[username])
        return accounts.create_token(db, user, "audit", scopes=["read", "admin"]).secret


def test_exports_are_recorded_with_who_made_them(site, client_for):
    api = client_for()
    api.headers.update(bearer(api_token(site, "ta_analyst")))
    link = api.post(
        "/api/v1/sets",
        json={"store_id": site.stores["泰安库"], "name": "轨枕", "query": "TI=轨枕"},
    ).json()
    exported = api.get(f"/api/v1/sets/{link['id']}/export")
    page = client_for("ta_dept")
    also = page.get(f"/sets/{link['id']}/export.csv")
    assert exported.status_code == also.status_code == 200
    rows = exported.text.count("\n") - 1
    assert [
        (e.username, e.object_type, e.object_id, json.loads(e.detail)["rows"])
        for e in _events(site, "export")
    ] == [
        ("ta_analyst", "set", str(link["id"]), rows),
        ("ta_dept", "set", str(link["id"]), rows),
    ]


# -- retention ------------------------------------------------------------------------


def _seed_old_and_new(site):
    """Rows and files on both sides of the default retention limits; what should go."""
    from patnav.platform import files
    from patnav.platform.models import (
        ApiToken,
        AuditEvent,
        ImportJob,
        LoginThrottle,
        WebSession,
        utcnow,
    )

    now = utcnow()
    old, recent = now - timedelta(days=400), now - timedelta(days=1)
    platform = site.app.state.platform
    tenant, store = site.tenants["泰安市"], site.stores["泰安库"]
    uploads = {}
    with platform.session() as db:
        for label, finished in (("old", old), ("recent", recent)):
            path, relative = files.new_file(platform.root, tenant, "uploads", ".csv")
            path.write_bytes(b"x" * 1000)
            db.add(
                ImportJob(
                    tenant_id=tenant,
                    store_id=store,
                    filename=relative,
                    original_name=f"{label}.csv",
                    status="done",
                    finished_at=finished,
                )
            )
            uploads[label] = path
        user = site.users["ta_analyst"]
        for label, at in (("old", old), ("recent", recent)):
            db.add(
                WebSession(
                    id=hashlib.sha256(label.encode()).hexdigest(),
                    user_id=user,
                    created_at=at,
                    expires_at=at + timedelta(hours=12),
                )
            )
            db.add(
                ApiToken(
                    user_id=user,
                    name=label,
                    token_hash=hashlib.sha256(b"t" + label.encode()).hexdigest(),
                    prefix="pn_",
                    expires_at=at,
                )
            )
            db.add(
                LoginThrottle(
                    key=f"ip:{label}", failures=3, first_failure_at=at, locked_until=at
                )
            )
            db.add(AuditEvent(at=at, action="login", username=label))
    return uploads


def test_prune_removes_what_the_retention_settings_no_longer_keep(
    site, tmp_path, monkeypatch
):
    from patnav.cli import cli
    from patnav.platform.models import ApiToken, AuditEvent, WebSession

    uploads = _seed_old_and_new(site)
    with site.app.state.platform.session() as db:
        before_audit = db.query(AuditEvent).count()
    monkeypatch.setenv("PATNAV_DATA_ROOT", str(site.root))
    dry = CliRunner().invoke(cli, ["platform", "prune", "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.output)["uploads"] == 1 and uploads["old"].exists()
    result = CliRunner().invoke(cli, ["platform", "prune", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    # one of each seeded pair is past its limit (uploads 90 days, sessions 30, audit
    # 365); the seeded recent ones and the site's own rows are within them
    assert report == {
        "uploads": 1,
        "upload_bytes": 1000,
        "sessions": 1,
        "tokens": 1,
        "sign_in_locks": 1,
        "audit_entries": 1,
        "dry_run": False,
    }
    assert not uploads["old"].exists() and uploads["recent"].exists()
    with site.app.state.platform.session() as db:
        assert {t.name for t in db.query(ApiToken)} == {"recent"}
        assert db.query(WebSession).count() == 1
        kept = {e.username for e in db.query(AuditEvent).filter_by(action="login")}
        assert "old" not in kept and "recent" in kept
        # the run itself is in the log
        assert db.query(AuditEvent).count() == before_audit - 1 + 1
        assert db.query(AuditEvent).filter_by(action="prune").count() == 1


def test_the_server_applies_retention_by_itself(tmp_path, data_dir, small_store_path):
    from patnav.platform.models import AuditEvent
    from patnav.web import create_app

    app = create_app(
        make_settings(tmp_path / "root", data_dir, prune_every_hours=1 / 3600)
    )
    site = seed(app, small_store_path)
    uploads = _seed_old_and_new(site)

    def pruned() -> bool:
        # the run deletes the files, then commits the audit: wait for its entry too
        with app.state.platform.session() as db:
            return db.query(AuditEvent).filter_by(action="prune").count() >= 1

    with TestClient(app):
        wait_for(lambda: uploads["old"].exists(), lambda exists: not exists, 60)
        wait_for(pruned, lambda done: done, 60)
    with app.state.platform.session() as db:
        assert db.query(AuditEvent).filter_by(username="old").count() == 0
        assert db.query(AuditEvent).filter_by(action="prune").count() >= 1


# -- offboarding ----------------------------------------------------------------------


def test_a_tenant_is_offboarded_with_its_data_exported_first(
    tmp_path, data_dir, small_store_path, monkeypatch
):
    from patnav.cli import cli
    from patnav.platform.models import DataStore, Tenant, User
    from patnav.storage.store import PatentStore
    from patnav.web import create_app

    app = create_app(make_settings(tmp_path / "root", data_dir))
    site = seed(app, small_store_path)
    jinan = site.tenants["济南市"]
    with TestClient(app) as client:
        client.headers.update(bearer(api_token(site, "jn_analyst")))
        client.post(
            "/api/v1/sets",
            json={
                "store_id": site.stores["济南库"],
                "name": "轨枕",
                "query": "TI=轨枕",
            },
        )
        client.post(
            f"/api/v1/stores/{site.stores['济南库']}/imports",
            files={"file": ("a.csv", io.BytesIO("名称\n轨枕\n".encode()))},
        )
    with app.state.platform.session() as db:
        store_file = site.root / db.get(DataStore, site.stores["济南库"]).filename
    with PatentStore.open(store_file, read_only=True) as store:
        documents = store.count("patents")
    monkeypatch.setenv("PATNAV_DATA_ROOT", str(site.root))
    export = tmp_path / "export"
    refused = CliRunner().invoke(
        cli, ["tenant", "offboard", "泰安市", "--export", str(export), "--yes"]
    )
    assert refused.exit_code == 1 and "tenants beneath it" in refused.output
    result = CliRunner().invoke(
        cli,
        ["tenant", "offboard", "济南市", "--export", str(export), "--yes", "--json"],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["removed"] is True
    assert report["rows"]["users"] == 1 and report["rows"]["stores"] == 1
    assert report["rows"]["sets"] == 1 and report["rows"]["imports"] == 1
    manifest = json.loads((export / "manifest.json").read_text("utf-8"))
    assert len(manifest["files"]) == report["files"] >= 2  # the store, the upload
    for item in manifest["files"]:
        data = (export / item["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == item["sha256"]
    users = json.loads((export / "platform" / "users.json").read_text("utf-8"))
    assert [u["username"] for u in users] == ["jn_analyst"]
    assert "password_hash" not in users[0]
    exported_store = (
        export / "files" / store_file.relative_to(site.root / "tenants" / str(jinan))
    )
    with PatentStore.open(exported_store, read_only=True) as copy:
        assert copy.count("patents") == documents > 0
    assert not (site.root / "tenants" / str(jinan)).exists()
    with app.state.platform.session() as db:
        assert db.get(Tenant, jinan) is None
        assert db.query(User).filter_by(username="jn_analyst").count() == 0
        assert db.get(DataStore, site.stores["泰安库"]) is not None
    with TestClient(app) as client:
        token = csrf_of(client.get("/login").text)
        gone = client.post(
            "/login",
            data={"username": "jn_analyst", "password": PASSWORD, "csrf_token": token},
        )
        assert gone.status_code == 401
        client.headers.update(bearer(api_token(site, "ta_analyst")))
        kept = client.get(f"/api/v1/stores/{site.stores['泰安库']}")
        assert kept.status_code == 200 and kept.json()["documents"] > 0
    (event,) = _events(site, "tenant.offboard")
    assert json.loads(event.detail)["name"] == "济南市"


def test_offboarding_refuses_a_store_another_process_holds(
    tmp_path, data_dir, small_store_path, monkeypatch
):
    from patnav.cli import cli
    from patnav.platform.models import DataStore, Tenant
    from patnav.web import create_app

    app = create_app(make_settings(tmp_path / "root", data_dir))
    site = seed(app, small_store_path)
    with app.state.platform.session() as db:
        store_file = site.root / db.get(DataStore, site.stores["济南库"]).filename
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
            "print('held', flush=True); time.sleep(120)",
            str(store_file),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setenv("PATNAV_DATA_ROOT", str(site.root))
        result = CliRunner().invoke(
            cli,
            ["tenant", "offboard", "济南市", "--export", str(tmp_path / "e"), "--yes"],
        )
    finally:
        holder.kill()
        holder.wait(timeout=30)
        holder.stdout.close()
    assert result.exit_code == 1
    assert "in use by another process" in result.output
    with app.state.platform.session() as db:
        assert db.get(Tenant, site.tenants["济南市"]) is not None  # nothing removed
    assert store_file.exists()


def test_zero_keeps_for_ever(site, monkeypatch):
    from patnav.platform.retention import prune

    uploads = _seed_old_and_new(site)
    platform = site.app.state.platform
    for name in (
        "retention_upload_days",
        "retention_session_days",
        "retention_audit_days",
    ):
        monkeypatch.setattr(platform.settings, name, 0)
    report = prune(platform)
    assert (report.uploads, report.sessions, report.tokens, report.audit_entries) == (
        0,
        0,
        0,
        0,
    )
    assert uploads["old"].exists()
