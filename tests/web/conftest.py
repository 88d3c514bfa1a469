"""Fixtures of the web tests: an app on a fresh data root with a three-level network of
tenants and users, real stores (a Chinese CNIPA export, CNIPA XML, a CNKI export), and
signed-in clients.

Tenants: 山东省 (province) → 泰安市, 济南市 (cities) → 泰安高新区 (park, under 泰安市) and
泰山玻纤 (org, an enterprise under 泰安市). Users (password ``secret123``):

    prov_admin   admin       山东省          prov_analyst  analyst     山东省
    ta_admin     admin       泰安市          ta_analyst    analyst     泰安市
    ta_dept      department  泰安市          jn_analyst    analyst     济南市
    ent_user     enterprise  泰山玻纤        park_analyst  analyst     泰安高新区

Stores: 泰安库 (泰安市) and 济南库 (济南市), both copies of the small real store.
"""

from __future__ import annotations

import functools
import re
import shutil
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

with warnings.catch_warnings():
    # Starlette 1.x suggests httpx2 for its test client; httpx is what is pinned here.
    warnings.filterwarnings(
        "ignore", message="Using `httpx` with `starlette.testclient`"
    )
    from fastapi.testclient import TestClient

PASSWORD = "secret123"
SMALL_INPUTS = (
    "formats/cn-excel/cnipa_export_199.xlsx",
    "formats/cn-excel/cnki_export_33.xlsx",
    "formats/cnipa-xml/cn_old1.xml",
    "formats/cnipa-xml/cn_old2.xml",
    "formats/cnipa-xml/cn_old3.xml",
    "formats/cnipa-xml/cn_new1.xml",
    "formats/cnipa-xml/cn_new2.xml",
)
USERS = {
    "prov_admin": ("admin", "山东省"),
    "prov_analyst": ("analyst", "山东省"),
    "ta_admin": ("admin", "泰安市"),
    "ta_analyst": ("analyst", "泰安市"),
    "ta_dept": ("department", "泰安市"),
    "jn_analyst": ("analyst", "济南市"),
    "ent_user": ("enterprise", "泰山玻纤"),
    "park_analyst": ("analyst", "泰安高新区"),
}


@pytest.fixture(scope="session")
def small_store_path(tmp_path_factory, data_dir) -> Path:
    """A store with the CNIPA export (199), the CNKI export (33) and the CNIPA XML (6)."""
    from patnav.ingest.pipeline import import_paths
    from patnav.search import SearchIndex
    from patnav.storage.store import PatentStore

    path = tmp_path_factory.mktemp("small") / "small.duckdb"
    with PatentStore.open(path) as store:
        report = import_paths(
            store, [data_dir / p for p in SMALL_INPUTS], raise_unexpected=True
        )
        assert report.ok, report.to_dict()
        with SearchIndex(store, data_dir=data_dir) as index:
            index.refresh()  # built once; every site copies it with the store
    return path


@dataclass
class Site:
    """The app under test and the ids the tests need."""

    app: object
    root: Path
    tenants: dict[str, int]
    users: dict[str, int]
    stores: dict[str, int]


def make_settings(root: Path, data_dir: Path, **extra):
    """The platform's settings for a test; the monitor scheduler is off unless a test
    asks for it (a round every minute would open the tests' stores behind their back)."""
    from patnav.config import Settings

    extra.setdefault("monitor_every_s", 0)
    return Settings(data_root=root, data_dir=data_dir, **extra)


def narrowing_handle(root: Path, data_dir: Path, small_store_path: Path) -> Iterator:
    """The web's handle on a copy (under ``root``) of the small real store and its
    index, the index narrowing text terms whatever the corpus size (for fixtures)."""
    from patnav.search import api
    from patnav.web.services import StoreHandle

    path = root / "store.duckdb"
    shutil.copyfile(small_store_path, path)
    shutil.copytree(f"{small_store_path}.search", f"{path}.search")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(api, "NARROW_MIN_DOCUMENTS", 0)
        opened = StoreHandle(1, path, make_settings(root, data_dir))
        try:
            yield opened
        finally:
            opened.close()


@functools.cache
def password_hash() -> str:
    """One Argon2 hash of PASSWORD for every seeded user (hashing costs ~0.3 s each)."""
    from patnav.platform import accounts

    return accounts.hash_password(PASSWORD)


def seed(app, small_store_path: Path) -> Site:
    """Tenants, users and two stores on a fresh platform."""
    from patnav.platform import accounts, files
    from patnav.platform.models import DataStore

    platform = app.state.platform
    tenants: dict[str, int] = {}
    users: dict[str, int] = {}
    stores: dict[str, int] = {}
    with platform.session() as db:
        prov = accounts.create_tenant(db, "山东省", "province", region="山东省")
        ta = accounts.create_tenant(
            db, "泰安市", "city", parent=prov, region="山东省泰安市"
        )
        jn = accounts.create_tenant(
            db, "济南市", "city", parent=prov, region="山东省济南市"
        )
        park = accounts.create_tenant(db, "泰安高新区", "park", parent=ta)
        org = accounts.create_tenant(db, "泰山玻纤", "org", parent=ta)
        for t in (prov, ta, jn, park, org):
            tenants[t.name] = t.id
        by_name = {t.name: t for t in (prov, ta, jn, park, org)}
        for username, (role, tenant) in USERS.items():
            user = (
                accounts.create_user(
                    db, username, PASSWORD, role=role, tenant=by_name[tenant]
                )
                if username == "prov_admin"
                else None
            )
            if user is None:
                from patnav.platform.models import User

                user = User(
                    username=username,
                    password_hash=password_hash(),
                    role=role,
                    tenant_id=by_name[tenant].id,
                )
                db.add(user)
                db.flush()
            users[username] = user.id
        for name, owner in (("泰安库", ta), ("济南库", jn)):
            path, relative = files.new_file(
                platform.root, owner.id, "stores", ".duckdb"
            )
            shutil.copyfile(small_store_path, path)
            shutil.copytree(f"{small_store_path}.search", f"{path}.search")
            store = DataStore(tenant_id=owner.id, name=name, filename=relative)
            db.add(store)
            db.flush()
            stores[name] = store.id
    return Site(app, platform.root, tenants, users, stores)


@pytest.fixture
def site(tmp_path, data_dir, small_store_path) -> Iterator[Site]:
    """A fresh platform with the tenants, users and stores above."""
    from patnav.web import create_app

    app = create_app(make_settings(tmp_path / "root", data_dir))
    yield seed(app, small_store_path)


@pytest.fixture
def client_for(site) -> Iterator:
    """``client_for(username)``: a TestClient signed in as that user (or anonymous when
    None); every client is closed at the end."""
    opened = []

    def make(username: str | None = None, **kwargs):
        client = TestClient(site.app, **kwargs)
        client.__enter__()
        opened.append(client)
        if username is not None:
            login(client, username)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


CSRF = re.compile(r'name="csrf-token" content="([0-9a-f]*)"')


def csrf_of(html: str) -> str:
    """The CSRF token a page carries."""
    match = CSRF.search(html)
    assert match, "page without a CSRF token"
    return match.group(1)


def login(client, username: str, password: str = PASSWORD):
    """Sign in through the form; returns the response of the page signed in to."""
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
    )
    assert response.status_code == 200 and "/login" not in str(response.url), (
        response.status_code,
        response.text[:500],
    )
    client.csrf = csrf_of(response.text)
    return response


def api_token(site: Site, username: str) -> str:
    """A fresh API token of a user."""
    from patnav.platform import accounts
    from patnav.platform.models import User

    with site.app.state.platform.session() as db:
        user = db.get(User, site.users[username])
        return accounts.create_token(db, user, "tests").secret


def bearer(token: str) -> dict[str, str]:
    """The Authorization header of a token."""
    return {"Authorization": f"Bearer {token}"}


def wait_for(fetch, done, timeout_s: float = 60.0, every_s: float = 0.2):
    """Call ``fetch`` until ``done(result)``; fail after ``timeout_s``."""
    import time

    deadline = time.monotonic() + timeout_s
    while True:
        result = fetch()
        if done(result):
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting: last result {result!r:.500}")
        time.sleep(every_s)
