"""Shutting the app down while an import is starting finishes (CI hung on it: the hub held
its lock while waiting for the import, and the import asked the hub for its store)."""

from __future__ import annotations

import threading
import time

import duckdb
import pytest

from patnav.storage.store import PatentStore
from patnav.web.services import StoreHub
from tests.web.conftest import make_settings


def test_close_waits_for_an_import_that_asks_the_hub_for_its_store(tmp_path, data_dir):
    path = tmp_path / "s.duckdb"
    other = tmp_path / "t.duckdb"
    for p in (path, other):
        PatentStore.open(p).close()
    hub = StoreHub(make_settings(tmp_path, data_dir))
    handle = hub.handle(1, path)
    started = threading.Event()
    seen: list[bool] = []
    opened = []

    def job() -> None:  # what an import job does first: look up its store on the hub
        started.set()
        time.sleep(0.3)  # the app begins to shut down meanwhile
        seen.append(hub.handle(1, path) is handle)
        opened.append(hub.handle(2, other))

    handle.imports.submit(job)
    assert started.wait(10)
    closer = threading.Thread(target=hub.close, daemon=True)
    closer.start()
    closer.join(timeout=30)
    assert not closer.is_alive(), "the hub's close deadlocked with a starting import"
    assert seen == [True]
    # the store the import opened meanwhile was closed too
    (late,) = opened
    with pytest.raises(duckdb.Error, match="closed"):
        late.store.rows("SELECT 1")
