"""API tokens (issue 12): they expire, carry scopes, die with a password change, and
administrators list and revoke the tokens of the users they manage."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.web.conftest import PASSWORD, bearer


def _token(site, username: str, **options) -> str:
    from patnav.platform import accounts
    from patnav.platform.models import User

    with site.app.state.platform.session() as db:
        user = db.get(User, site.users[username])
        return accounts.create_token(db, user, "t", **options).secret


def _row(site, secret: str):
    import hashlib

    from patnav.platform.models import ApiToken

    digest = hashlib.sha256(secret.encode()).hexdigest()
    with site.app.state.platform.session() as db:
        return db.query(ApiToken).filter(ApiToken.token_hash == digest).one()


def test_a_token_made_on_the_account_page_expires_and_carries_its_scopes(
    site, client_for
):
    from patnav.platform.models import utcnow

    page = client_for("ta_analyst")
    made = page.post(
        "/account/tokens",
        data={
            "name": "脚本",
            "days": "7",
            "scopes": ["read"],
            "csrf_token": page.csrf,
        },
    )
    assert made.status_code == 200
    secret = re.search(r'id="new-token">(pn_[^<]+)<', made.text).group(1)
    row = _row(site, secret)
    assert row.scopes == "read"
    assert abs(row.expires_at - (utcnow() + timedelta(days=7))) < timedelta(minutes=5)
    assert "只读" in made.text and "到期时间" in made.text
    too_long = page.post(
        "/account/tokens",
        data={"name": "x", "days": "9999", "csrf_token": page.csrf},
    )
    assert too_long.status_code == 400
    admin_scope = page.post(
        "/account/tokens",
        data={"name": "x", "scopes": ["admin"], "csrf_token": page.csrf},
    )
    assert admin_scope.status_code == 400  # an analyst cannot make an admin token


def test_every_token_expires_and_an_expired_one_is_refused(site, client_for):
    from patnav.platform.models import ApiToken, utcnow

    secret = _token(site, "ta_analyst")  # the default lifetime
    row = _row(site, secret)
    assert row.expires_at is not None
    assert row.expires_at - utcnow() > timedelta(days=89)
    client = client_for()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    with site.app.state.platform.session() as db:
        db.get(ApiToken, row.id).expires_at = utcnow() - timedelta(seconds=1)
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_a_read_only_token_reads_and_validates_but_changes_nothing(site, client_for):
    client = client_for()
    client.headers.update(bearer(_token(site, "ta_analyst", scopes=["read"])))
    store = site.stores["泰安库"]
    assert client.get(f"/api/v1/stores/{store}").status_code == 200
    checked = client.post(
        "/api/v1/specs/validate",
        json={"yaml": "title: a\ntype: micro\nbase_query: TI=轨枕\n"},
    )
    assert checked.status_code == 200 and checked.json()["valid"] is True
    refused = client.post(
        "/api/v1/sets", json={"store_id": store, "name": "n", "query": "TI=轨枕"}
    )
    assert refused.status_code == 403
    assert "'write' scope" in refused.json()["error"]


def test_the_audit_log_needs_a_token_with_the_admin_scope(site, client_for):
    client = client_for()
    plain = _token(site, "ta_admin")
    assert client.get("/api/v1/audit", headers=bearer(plain)).status_code == 403
    admin = _token(site, "ta_admin", scopes=["read", "admin"])
    assert client.get("/api/v1/audit", headers=bearer(admin)).status_code == 200
    from patnav.errors import InvalidParameterError

    with pytest.raises(InvalidParameterError, match="Only administrators"):
        _token(site, "ta_analyst", scopes=["admin"])


def test_a_password_change_revokes_the_users_tokens(site, client_for):
    secret = _token(site, "ta_analyst")
    client = client_for()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    page = client_for("ta_analyst")
    changed = page.post(
        "/account/password",
        data={"current": PASSWORD, "new": "new-secret-42", "csrf_token": page.csrf},
    )
    assert changed.status_code == 200 and "/login" in str(changed.url)
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401
    assert _row(site, secret).revoked_at is not None
    # an administrator's reset revokes them too
    other = _token(site, "ta_dept")
    admin = client_for("ta_admin")
    admin.post(
        f"/admin/users/{site.users['ta_dept']}",
        data={"password": "reset-by-admin-7", "csrf_token": admin.csrf},
    )
    assert client.get("/api/v1/me", headers=bearer(other)).status_code == 401


def test_admins_list_and_revoke_the_tokens_of_the_users_they_manage(site, client_for):
    analyst = _token(site, "ta_analyst")
    elsewhere = _token(site, "jn_analyst")
    admin = client_for()
    admin.headers.update(
        bearer(_token(site, "ta_admin", scopes=["read", "write", "admin"]))
    )
    listed = admin.get("/api/v1/admin/tokens").json()
    owners = {t["username"] for t in listed}
    assert "ta_analyst" in owners and "jn_analyst" not in owners  # 济南 is not theirs
    analyst_row = _row(site, analyst)
    assert admin.delete(f"/api/v1/tokens/{analyst_row.id}").status_code == 204
    user = client_for()
    assert user.get("/api/v1/me", headers=bearer(analyst)).status_code == 401
    foreign = _row(site, elsewhere)
    assert admin.delete(f"/api/v1/tokens/{foreign.id}").status_code == 404
    assert user.get("/api/v1/me", headers=bearer(elsewhere)).status_code == 200
    # without the admin scope, an administrator's token revokes only its own kind
    plain = client_for()
    plain.headers.update(bearer(_token(site, "ta_admin")))
    victim = _row(site, _token(site, "ta_dept"))
    assert plain.delete(f"/api/v1/tokens/{victim.id}").status_code == 403
    # and on the administration page
    page = client_for("ta_admin")
    listing = page.get("/admin")
    assert "有效的 API 令牌" in listing.text and victim.prefix in listing.text
    revoked = page.post(
        f"/admin/tokens/{victim.id}/revoke", data={"csrf_token": page.csrf}
    )
    assert revoked.status_code == 200 and "令牌已撤销" in revoked.text
    assert _row(site, _token(site, "ta_dept")).revoked_at is None  # a new one works
    assert (
        page.post(
            f"/admin/tokens/{foreign.id}/revoke", data={"csrf_token": page.csrf}
        ).status_code
        == 404
    )
    with site.app.state.platform.session() as db:
        from sqlalchemy import select

        from patnav.platform.models import AuditEvent

        revocations = list(
            db.scalars(select(AuditEvent).where(AuditEvent.action == "token.revoke"))
        )
    assert len(revocations) == 2 and all(e.username == "ta_admin" for e in revocations)


def test_tokens_made_before_scopes_get_an_expiry_on_upgrade(tmp_path):
    from alembic import command
    from sqlalchemy import text

    from patnav.config import Settings
    from patnav.platform.db import alembic_config, database_url, make_engine, upgrade
    from patnav.platform.models import utcnow

    settings = Settings(data_root=tmp_path)
    engine = make_engine(database_url(settings))
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(
            text(
                "INSERT INTO tenants (id, name, level, path, created_at) "
                "VALUES (1, 't', 'province', '/1/', :now)"
            ),
            {"now": utcnow()},
        )
        connection.execute(
            text(
                "INSERT INTO users (id, username, password_hash, role, tenant_id, "
                "is_active, created_at) VALUES (1, 'u', 'x', 'analyst', 1, 1, :now)"
            ),
            {"now": utcnow()},
        )
        connection.execute(
            text(
                "INSERT INTO api_tokens (user_id, name, token_hash, prefix, "
                "created_at) VALUES (1, 'old', 'h', 'pn_', :now)"
            ),
            {"now": utcnow()},
        )
    upgrade(engine)
    with engine.connect() as connection:
        expires_at, scopes = connection.execute(
            text("SELECT expires_at, scopes FROM api_tokens")
        ).one()
    engine.dispose()
    assert scopes == "read,write"
    assert expires_at is not None
