"""Monitors inside `patnav serve` (issue 17): a scheduler round runs every store's due
monitors on the store's worker and delivers their new alerts to the store's tenant's
inboxes, once; the expected documents are read from the raw export with pandas."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
from sqlalchemy import select

from patnav.ingest.pipeline import import_paths
from patnav.monitors import add_monitor
from patnav.monitors.model import now
from patnav.notify.channels import inbox
from patnav.platform import files
from patnav.platform.models import DataStore, User
from patnav.storage.store import PatentStore
from patnav.web.features.monitors import monitor_round
from tests.monitors.data import VR


def _path(site, name):
    with site.app.state.platform.session() as db:
        row = db.get(DataStore, site.stores[name])
        return files.resolve(site.root, row.filename)


def _inbox(site, username):
    with site.app.state.platform.session() as db:
        return inbox.entries(db, site.users[username], limit=1000)


def test_a_round_runs_due_monitors_and_delivers_their_alerts_once(
    site, data_dir, tmp_path
):
    platform, hub = site.app.state.platform, site.app.state.hub
    with PatentStore.open(_path(site, "泰安库")) as store:
        add_monitor(
            store,
            "vr",
            target_kind="set",
            target="TI=虚拟现实",
            rules=["new-documents"],
        )
    with PatentStore.open(_path(site, "济南库")) as store:
        add_monitor(
            store,
            "by-hand",
            target_kind="set",
            target="TI=玻璃",
            rules=["new-documents"],
            schedule="manual",
        )
    start = now()
    first = monitor_round(platform, hub, at=start)
    # the first run sets the baseline; the manual monitor never runs by itself
    assert first.stores == {
        site.stores["泰安库"]: {"monitors": 1, "failed": 0, "alerts": 0}
    }
    assert first.delivered == 0

    rows = pd.read_csv(data_dir / VR, dtype=str, index_col=False).head(40)
    rows.to_csv(tmp_path / "vr.csv", index=False)
    handle = hub.handle(site.stores["泰安库"], _path(site, "泰安库"))
    with handle.reader() as cursor:
        assert import_paths(cursor, [tmp_path / "vr.csv"]).ok
    handle.changed()
    expected = set(rows.loc[rows["标题"].str.contains("虚拟现实", na=False), "公开号"])
    assert expected

    second = monitor_round(platform, hub, at=start + timedelta(days=1))
    assert second.stores[site.stores["泰安库"]]["alerts"] == len(expected)
    with platform.session() as db:
        tenant_users = db.scalars(
            select(User.username).where(User.tenant_id == site.tenants["泰安市"])
        ).all()
    assert second.delivered == len(expected) * len(tenant_users)
    for username in tenant_users:
        got = _inbox(site, username)
        assert {e.alert.pub_number for e in got} == expected, username
        assert all(e.alert.rule == "new-documents" for e in got)
    assert _inbox(site, "jn_analyst") == []  # another tenant's store

    again = monitor_round(platform, hub, at=start + timedelta(days=2))
    assert again.stores[site.stores["泰安库"]]["alerts"] == 0
    assert again.delivered == 0
    assert len(_inbox(site, "ta_analyst")) == len(expected)


def test_a_missing_store_file_is_skipped_and_the_round_goes_on(site):
    platform, hub = site.app.state.platform, site.app.state.hub
    _path(site, "济南库").unlink()
    done = monitor_round(platform, hub)
    assert "missing" in done.skipped[site.stores["济南库"]]
    assert site.stores["泰安库"] not in done.skipped


def test_patnav_serve_runs_the_rounds_by_itself(tmp_path, data_dir, small_store_path):
    """With ``monitor_every_s`` set, the app's scheduler runs a due monitor unasked."""
    import time

    from fastapi.testclient import TestClient

    from patnav.web import create_app
    from tests.web.conftest import make_settings, seed

    app = create_app(make_settings(tmp_path / "root", data_dir, monitor_every_s=0.2))
    site = seed(app, small_store_path)
    with PatentStore.open(_path(site, "泰安库")) as store:
        add_monitor(
            store,
            "vr",
            target_kind="set",
            target="TI=虚拟现实",
            rules=["new-documents"],
        )
    with TestClient(app):
        handle = app.state.hub
        deadline = time.monotonic() + 60
        runs = 0
        while time.monotonic() < deadline and not runs:
            time.sleep(0.2)
            opened = handle.opened(site.stores["泰安库"])
            if opened is not None:
                with opened.reader() as cursor:
                    runs = cursor.scalar("SELECT count(*) FROM monitor_runs")
    assert runs >= 1
