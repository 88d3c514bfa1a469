"""The platform database: migrations, tenants, users, tokens, access rules, the CLI."""

from __future__ import annotations

import pytest
from click.testing import CliRunner


@pytest.fixture
def platform(tmp_path):
    from patnav.config import Settings
    from patnav.platform.db import Platform

    opened = Platform.open(Settings(data_root=tmp_path / "root"))
    yield opened
    opened.close()


def test_migrations_create_exactly_the_models(platform):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from patnav.platform.db import head_revision
    from patnav.platform.models import Base

    with platform.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert context.get_current_revision() == head_revision()
        assert compare_metadata(context, Base.metadata) == []


def test_opening_twice_migrates_once_and_keeps_the_secret(tmp_path):
    from patnav.config import Settings
    from patnav.platform.db import Platform

    settings = Settings(data_root=tmp_path / "root")
    first = Platform.open(settings)
    second = Platform.open(settings)
    assert first.secret == second.secret and len(first.secret) >= 32
    assert (tmp_path / "root" / "secret.key").stat().st_mode & 0o077 == 0
    first.close()
    second.close()


def test_tenant_tree_levels_and_lookup(platform):
    from patnav.errors import InputError, InvalidParameterError
    from patnav.platform import accounts

    with platform.session() as db:
        sd = accounts.create_tenant(db, "山东省", "province")
        ta = accounts.create_tenant(db, "泰安市", "city", parent=sd)
        park = accounts.create_tenant(db, "高新区", "park", parent=ta)
        accounts.create_tenant(db, "河北省", "province")
        hb_city = accounts.create_tenant(
            db, "石家庄市", "city", parent=accounts.find_tenant(db, "河北省")
        )
        accounts.create_tenant(db, "高新区", "park", parent=hb_city)
        assert park.path == f"/{sd.id}/{ta.id}/{park.id}/"
        assert accounts.tenant_label(db, park) == "山东省/泰安市/高新区"
        assert accounts.find_tenant(db, "山东省/泰安市/高新区").id == park.id
        assert accounts.find_tenant(db, str(ta.id)).id == ta.id
        with pytest.raises(InputError, match="Several tenants"):
            accounts.find_tenant(db, "高新区")
        with pytest.raises(InvalidParameterError, match="lower level"):
            accounts.create_tenant(db, "济南市", "province", parent=sd)
        with pytest.raises(InvalidParameterError, match="exists"):
            accounts.create_tenant(db, "泰安市", "city", parent=sd)


def test_weak_passwords_and_taken_names_are_refused(platform):
    from patnav.errors import InvalidParameterError
    from patnav.platform import accounts

    with platform.session() as db:
        sd = accounts.create_tenant(db, "山东省", "province")
        with pytest.raises(InvalidParameterError, match="8 characters"):
            accounts.create_user(db, "a", "short1", role="analyst", tenant=sd)
        with pytest.raises(InvalidParameterError, match="letters and digits"):
            accounts.create_user(db, "a", "onlyletters", role="analyst", tenant=sd)
        accounts.create_user(db, "a", "letters123", role="analyst", tenant=sd)
        with pytest.raises(InvalidParameterError, match="taken"):
            accounts.create_user(db, "a", "letters123", role="analyst", tenant=sd)


def test_access_rules_per_role(platform):
    from patnav.errors import AccessDeniedError
    from patnav.platform import access, accounts
    from patnav.platform.access import Viewer

    with platform.session() as db:
        sd = accounts.create_tenant(db, "山东省", "province")
        ta = accounts.create_tenant(db, "泰安市", "city", parent=sd)
        jn = accounts.create_tenant(db, "济南市", "city", parent=sd)

        def viewer(role, tenant):
            return Viewer(0, "x", role, tenant.id, tenant.path)

        names = {
            role: [t.name for t in access.visible_tenants(db, viewer(role, sd))]
            for role in ("admin", "analyst", "department", "enterprise", "bank")
        }
        assert names["analyst"] == ["山东省", "泰安市", "济南市"]
        assert names["department"] == ["山东省", "泰安市", "济南市"]
        assert names["enterprise"] == names["bank"] == ["山东省"]
        city = viewer("analyst", ta)
        assert not access.can_see_tenant(db, city, jn.id)
        assert not access.can_see_tenant(db, city, sd.id)  # not the province above
        with pytest.raises(AccessDeniedError):
            access.require_write(db, viewer("department", ta), ta.id)
        with pytest.raises(AccessDeniedError):
            access.check_visibility(viewer("enterprise", ta), "public")
        access.check_visibility(viewer("analyst", ta), "public")


def test_cli_sets_up_tenants_users_and_stores(tmp_path, monkeypatch, small_store_path):
    from patnav.cli import cli

    monkeypatch.setenv("PATNAV_DATA_ROOT", str(tmp_path / "root"))
    runner = CliRunner()

    def run(*args, stdin=None):
        result = runner.invoke(cli, list(args), input=stdin)
        assert result.exit_code == 0, result.output
        return result.output

    assert "单位 1：山东省（省级）" in run(
        "tenant", "add", "山东省", "--level", "province"
    )
    run("tenant", "add", "泰安市", "--level", "city", "--parent", "山东省")
    out = run(
        "user",
        "add",
        "admin",
        "--tenant",
        "山东省",
        "--role",
        "admin",
        stdin="admin1234\nadmin1234\n",
    )
    assert "已创建用户 admin（管理员），所属单位：山东省" in out
    run(
        "user",
        "add",
        "li",
        "--tenant",
        "山东省/泰安市",
        "--role",
        "analyst",
        "--password-stdin",
        stdin="li123456\n",
    )
    run("tenant", "attach-store", "泰安市", "泰安库", str(small_store_path))
    listing = run("tenant", "list")
    assert "泰安市" in listing and "市级" in listing
    assert "city" in run("tenant", "list", "--lang", "en")
    users = run("user", "list")
    assert "admin" in users and "山东省/泰安市" in users
    run("user", "passwd", "li", "--password-stdin", stdin="newpass123\n")
    bad = runner.invoke(
        cli,
        ["user", "add", "x", "--tenant", "北京市", "--role", "admin"],
        input="a\na\n",
    )
    assert bad.exit_code == 1 and "No tenant '北京市'" in bad.output
    weak = runner.invoke(
        cli,
        [
            "user",
            "add",
            "y",
            "--tenant",
            "山东省",
            "--role",
            "bank",
            "--password-stdin",
        ],
        input="abc\n",
    )
    assert weak.exit_code == 1 and "8 characters" in weak.output

    from patnav.config import Settings
    from patnav.platform import accounts
    from patnav.platform.db import Platform
    from patnav.platform.models import DataStore

    platform = Platform.open(Settings())
    with platform.session() as db:
        user = accounts.authenticate(
            db, platform.settings, "li", "newpass123", ip="127.0.0.1"
        )
        assert user.role == "analyst"
        (store,) = db.query(DataStore).all()
        assert store.filename.startswith(f"tenants/{store.tenant_id}/stores/")
        assert (
            platform.root / store.filename
        ).stat().st_size == small_store_path.stat().st_size
    platform.close()
    assert "Example:" in runner.invoke(cli, ["serve", "--help"]).output
