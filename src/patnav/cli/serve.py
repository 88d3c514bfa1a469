"""Web-platform commands: ``serve`` runs it; ``tenant`` and ``user`` set up the tenants and
the first administrator (and later anyone, from a shell on the server)."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import click
from sqlalchemy import select

from patnav.cli import Context, cli, labels, lang_option
from patnav.cli.labels import t
from patnav.cli.render import table
from patnav.platform import accounts, audit, files
from patnav.platform.db import Platform
from patnav.platform.models import LEVELS, ROLES, DataStore, Tenant, User


def _platform(obj: Context) -> Platform:
    return Platform.open(obj.settings)


@cli.command("serve")
@click.option(
    "--host",
    default=None,
    help="Address to listen on (default $PATNAV_WEB_HOST, 127.0.0.1).",
)
@click.option(
    "--port", type=int, default=None, help="Port (default $PATNAV_WEB_PORT, 8000)."
)
@click.option(
    "--reload", is_flag=True, help="Restart when the code changes (development)."
)
@lang_option
@click.pass_obj
def serve(obj: Context, host: str | None, port: int | None, reload: bool) -> None:
    """Run the web platform: pages, the REST API (/api/v1, docs at /api/docs).

    One process serves every tenant: DuckDB lets one process write a store, so run one
    'patnav serve' per data root, behind nginx for https (see docs/web.md). Create the first
    administrator with 'patnav tenant add' and 'patnav user add' before signing in.

    \b
    Example:
      patnav tenant add 山东省 --level province
      patnav user add admin --tenant 山东省 --role admin
      patnav serve --host 0.0.0.0 --port 8000
    """
    import uvicorn

    settings = obj.settings
    host = host or settings.web_host
    port = port or settings.web_port
    Platform.open(settings).close()  # migrate and make the secret before serving
    loop, http = event_loop_and_parser()
    click.echo(
        t(
            "serve.running",
            obj.lang,
            url=f"http://{host}:{port}",
            root=settings.data_root.resolve(),
            loop=loop,
            http=http,
        )
    )
    # Files the server creates (stores, their write-ahead logs, uploads, reports) are
    # the owner's only, whatever the shell's umask.
    os.umask(0o077)
    # "auto" picks uvloop and httptools (dependencies of patnav) when they import.
    # X-Forwarded-* are applied by patnav itself, from PATNAV_TRUSTED_PROXIES only:
    # uvicorn's own handling trusts 127.0.0.1, that is any local process.
    options = {"loop": "auto", "http": "auto", "proxy_headers": False}
    if reload:
        uvicorn.run(
            "patnav.web.app:create_app",
            factory=True,
            host=host,
            port=port,
            reload=True,
            **options,  # type: ignore[arg-type]
        )
        return
    from patnav.web import create_app

    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level="info",
        **options,  # type: ignore[arg-type]
    )


def event_loop_and_parser() -> tuple[str, str]:
    """The event loop and HTTP parser uvicorn's "auto" settings use here: uvloop and
    httptools when they import (they are dependencies of patnav; not on Windows for
    uvloop), else asyncio and h11."""
    import importlib.util

    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return loop, http


# -- tenants ---------------------------------------------------------------------------


@cli.group("tenant")
def tenant_group() -> None:
    """Tenants (单位): the province → city → park/base network, and their stores.

    \b
    Example:
      patnav tenant add 山东省 --level province
      patnav tenant add 泰安市 --level city --parent 山东省 --region 山东省泰安市
      patnav tenant list
      patnav tenant attach-store 泰安市 泰安专利库 taian.duckdb
    """


@tenant_group.command("add")
@click.argument("name")
@click.option(
    "--level",
    type=click.Choice(LEVELS),
    required=True,
    help="province, city, park (园区/基地) or org (an enterprise's or bank's own tenant).",
)
@click.option(
    "--parent",
    metavar="TENANT",
    help="The tenant above (name, id or path 山东省/泰安市).",
)
@click.option(
    "--region", help="The region it stands for, e.g. 山东省泰安市 (default: the name)."
)
@lang_option
@click.pass_obj
def tenant_add(
    obj: Context, name: str, level: str, parent: str | None, region: str | None
) -> None:
    """Add a tenant.

    \b
    Example:
      patnav tenant add 泰安高新区 --level park --parent 山东省/泰安市
    """
    platform = _platform(obj)
    with platform.session() as db:
        above = accounts.find_tenant(db, parent) if parent else None
        tenant = accounts.create_tenant(db, name, level, parent=above, region=region)
        audit.record(
            db,
            "tenant.create",
            username="cli",
            object_type="tenant",
            object_id=tenant.id,
            detail={"name": tenant.name, "level": level},
        )
        label = accounts.tenant_label(db, tenant)
    platform.close()
    click.echo(
        t(
            "tenant.added",
            obj.lang,
            id=tenant.id,
            label=label,
            level=labels.label("level", level, obj.lang),
        )
    )


@tenant_group.command("list")
@lang_option
@click.pass_obj
def tenant_list(obj: Context) -> None:
    """List the tenants as a tree, with their users and stores.

    \b
    Example:
      patnav tenant list
    """
    platform = _platform(obj)
    with platform.session() as db:
        tenants = list(db.scalars(select(Tenant).order_by(Tenant.path)))
        users = {t.id: 0 for t in tenants}
        for user in db.scalars(select(User)):
            users[user.tenant_id] = users.get(user.tenant_id, 0) + 1
        stores = {t.id: 0 for t in tenants}
        for store in db.scalars(select(DataStore)):
            stores[store.tenant_id] = stores.get(store.tenant_id, 0) + 1
        rows = [
            (
                t.id,
                "  " * (t.path.count("/") - 2) + t.name,
                labels.label("level", t.level, obj.lang),
                t.region or "",
                users[t.id],
                stores[t.id],
            )
            for t in tenants
        ]
    platform.close()
    if not rows:
        click.echo(t("tenant.none", obj.lang))
        return
    heads = ("id", "tenant", "level", "region", "users", "stores")
    click.echo(table([t(f"tenant.{h}", obj.lang) for h in heads], rows, align="rlllrr"))


@tenant_group.command("attach-store")
@click.argument("tenant")
@click.argument("name")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--move", is_flag=True, help="Move the file instead of copying it.")
@lang_option
@click.pass_obj
def tenant_attach_store(
    obj: Context, tenant: str, name: str, source: Path, move: bool
) -> None:
    """Give a tenant an existing store file (copied into the data root; its search index
    folder too, when there is one).

    \b
    Example:
      patnav tenant attach-store 泰安市 泰安专利库 demo-output/demo.duckdb
    """
    from patnav.storage.store import PatentStore

    PatentStore.open(source, read_only=False).close()  # a patnav store, migrated
    platform = _platform(obj)
    with platform.session() as db:
        owner = accounts.find_tenant(db, tenant)
        path, relative = files.new_file(platform.root, owner.id, "stores", ".duckdb")
        (shutil.move if move else shutil.copyfile)(str(source), str(path))
        path.chmod(0o600)
        index = Path(str(source) + ".search")
        if index.is_dir():
            (shutil.move if move else shutil.copytree)(
                str(index), str(path) + ".search"
            )
        store = DataStore(tenant_id=owner.id, name=name.strip(), filename=relative)
        db.add(store)
        db.flush()
        audit.record(
            db,
            "store.create",
            username="cli",
            tenant_id=owner.id,
            object_type="store",
            object_id=store.id,
            detail={"name": name, "from": str(source)},
        )
        store_id = store.id
    platform.close()
    click.echo(
        t(
            "tenant.store_added",
            obj.lang,
            id=store_id,
            name=name,
            owner=owner.name,
            path=relative,
        )
    )


@tenant_group.command("offboard")
@click.argument("tenant")
@click.option(
    "--export",
    "export_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="A new or empty folder that receives the tenant's rows and files first.",
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def tenant_offboard(
    obj: Context, tenant: str, export_dir: Path, yes: bool, as_json: bool
) -> None:
    """Export a tenant's data (rows, stores, uploads, reports, publications) to a
    folder, check the copy, then remove the tenant, its users and its files.

    Stop 'patnav serve' first (it holds the stores open). A tenant with tenants beneath
    it is refused: offboard those first.

    \b
    Example:
      patnav tenant offboard 山东省/泰安市/泰安高新区 --export /backup/offboard/gxq
    """
    from patnav.platform.offboard import offboard_tenant

    platform = _platform(obj)
    try:
        with platform.session() as db:
            found = accounts.find_tenant(db, tenant)
            label, found_id = accounts.tenant_label(db, found), found.id
        if not yes:
            click.confirm(
                f"Export {label} to {export_dir} and then remove it, its users and "
                "its data from the platform?",
                abort=True,
            )
        report = offboard_tenant(platform, found_id, export_dir)
    finally:
        platform.close()
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    rows = ", ".join(f"{k} {v}" for k, v in report.rows.items())
    click.echo(
        f"tenant {label} exported to {report.export_dir} ({report.files} files, "
        f"{report.bytes:,} bytes; rows: {rows}) and removed"
    )


# -- the platform ------------------------------------------------------------------------


@cli.group("platform")
def platform_group() -> None:
    """Platform upkeep: apply the retention settings.

    \b
    Example:
      patnav platform prune --dry-run
    """


@platform_group.command("prune")
@click.option("--dry-run", is_flag=True, help="Count what would go; remove nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def platform_prune(obj: Context, dry_run: bool, as_json: bool) -> None:
    """Remove what the retention settings no longer keep: uploaded files of finished
    imports (PATNAV_RETENTION_UPLOAD_DAYS), ended sessions, dead tokens and sign-in locks
    (PATNAV_RETENTION_SESSION_DAYS), audit entries (PATNAV_RETENTION_AUDIT_DAYS).
    'patnav serve' does this by itself every PATNAV_PRUNE_EVERY_HOURS.

    \b
    Example:
      PATNAV_RETENTION_AUDIT_DAYS=730 patnav platform prune
    """
    from patnav.platform.retention import prune

    platform = _platform(obj)
    try:
        report = prune(platform, dry_run=dry_run)
    finally:
        platform.close()
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    verb = "would remove" if dry_run else "removed"
    click.echo(
        f"{verb}: {report.uploads} uploaded files ({report.upload_bytes:,} bytes), "
        f"{report.sessions} sessions, {report.tokens} API tokens, "
        f"{report.sign_in_locks} sign-in locks, {report.audit_entries} audit entries"
    )


# -- users -----------------------------------------------------------------------------


@cli.group("user")
def user_group() -> None:
    """Users of the web platform: add, list, change a password.

    \b
    Example:
      patnav user add admin --tenant 山东省 --role admin
      patnav user list
      patnav user passwd admin
    """


def _password(from_stdin: bool, lang: str) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(
        click.prompt(
            t("user.password", lang), hide_input=True, confirmation_prompt=True
        )
    )


@user_group.command("add")
@click.argument("username")
@click.option(
    "--tenant",
    required=True,
    metavar="TENANT",
    help="The user's tenant (name, id or path).",
)
@click.option(
    "--role",
    type=click.Choice(ROLES),
    required=True,
    help="admin, analyst, department, enterprise or bank.",
)
@click.option("--name", "display_name", help="Full name shown in the pages.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input instead of prompting.",
)
@lang_option
@click.pass_obj
def user_add(
    obj: Context,
    username: str,
    tenant: str,
    role: str,
    display_name: str | None,
    password_stdin: bool,
) -> None:
    """Add a user (prompts for the password: 8+ characters, letters and digits).

    \b
    Example:
      patnav user add zhang.wei --tenant 山东省/泰安市 --role analyst --name 张伟
    """
    platform = _platform(obj)
    with platform.session() as db:
        owner = accounts.find_tenant(db, tenant)
        password = _password(password_stdin, obj.lang)
        user = accounts.create_user(
            db, username, password, role=role, tenant=owner, display_name=display_name
        )
        audit.record(
            db,
            "user.create",
            username="cli",
            tenant_id=owner.id,
            object_type="user",
            object_id=user.id,
            detail={"username": user.username, "role": role},
        )
        label = accounts.tenant_label(db, owner)
    platform.close()
    click.echo(
        t(
            "user.added",
            obj.lang,
            username=username,
            role=labels.label("role", role, obj.lang),
            tenant=label,
        )
    )


@user_group.command("list")
@lang_option
@click.pass_obj
def user_list(obj: Context) -> None:
    """List the users with their tenant, role and last sign-in.

    \b
    Example:
      patnav user list
    """
    platform = _platform(obj)
    with platform.session() as db:
        names = {t.id: accounts.tenant_label(db, t) for t in db.scalars(select(Tenant))}
        rows = [
            (
                u.username,
                u.display_name or "",
                names.get(u.tenant_id, "?"),
                labels.label("role", u.role, obj.lang),
                t("yes" if u.is_active else "no", obj.lang),
                u.last_login_at.isoformat(" ", "minutes") if u.last_login_at else "",
            )
            for u in db.scalars(select(User).order_by(User.username))
        ]
    platform.close()
    if not rows:
        click.echo(t("user.none", obj.lang))
        return
    heads = ("user", "name", "tenant", "role", "active", "last_login")
    click.echo(table([t(f"user.{h}", obj.lang) for h in heads], rows))


@user_group.command("passwd")
@click.argument("username")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input."
)
@lang_option
@click.pass_obj
def user_passwd(obj: Context, username: str, password_stdin: bool) -> None:
    """Set a user's password (and end their sign-in sessions).

    \b
    Example:
      patnav user passwd zhang.wei
    """
    platform = _platform(obj)
    with platform.session() as db:
        user = accounts.find_user(db, username)
        accounts.set_password(db, user, _password(password_stdin, obj.lang))
        audit.record(
            db,
            "user.update",
            username="cli",
            tenant_id=user.tenant_id,
            object_type="user",
            object_id=user.id,
            detail={"password": "reset"},
        )
    platform.close()
    click.echo(t("user.passwd", obj.lang, username=username))
