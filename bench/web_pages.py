"""The 供需对接 and 代理机构 pages on the demo store (``python -m bench web-pages``, issue 18).

Store: the demo store ``scripts/demo.sh`` builds (the Tai'an corpus, the Chinese exports —
CNIPA Excel, incoPat, Patentics, PatSnap with statuses and events —, CCF, Lens and Derwent
drones; enriched: party types, locations, entities), named by ``PATNAV_DEMO_STORE``
(default ``demo-output/demo.duckdb``; run ``bash scripts/demo.sh`` first). It is copied
with its search index into a fresh data root, registered to one tenant, and served by the
app in this process (``TestClient``, a signed-in analyst): each figure is the time of the
whole request — access checks, the analysis or the matching, the page rendered — on the
same two shared cores as everything else.

Timed, median of REPEAT requests each:

- ``/agencies`` cold (a parameter changed each time, so the per-version cache cannot
  help), warm (the same page again: cached), its charts' JSON, per agent, and with the
  abnormal-filing detector (once: slow by design, only when ticked);
- ``/match`` demand side: the first request (once: the supply read and the full-text
  index opened), then one need, and the first 10 needs of ``tests/data/match_needs``
  (written from CCF patents), with unknown status included;
- ``/match/patents`` supply side over those 10 kept needs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import DATA_DIR, REPO, print_table, save

REPEAT = 5
NEEDS = REPO / "tests" / "data" / "match_needs" / "needs.jsonl"


def _store() -> Path:
    path = Path(
        os.environ.get("PATNAV_DEMO_STORE", REPO / "demo-output" / "demo.duckdb")
    )
    if not path.exists():
        raise SystemExit(
            f"no demo store at {path}: run 'bash scripts/demo.sh' (or set "
            "PATNAV_DEMO_STORE)"
        )
    return path


def _site(store: Path, root: Path) -> Any:
    """An app on a fresh data root with the demo store registered to one tenant and a
    signed-in analyst's client."""
    from patnav.config import Settings
    from patnav.platform import accounts, files
    from patnav.platform.models import DataStore
    from patnav.web import create_app

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using `httpx`")
        from fastapi.testclient import TestClient

    app = create_app(Settings(data_root=root, data_dir=DATA_DIR, monitor_every_s=0))
    platform = app.state.platform
    with platform.session() as db:
        tenant = accounts.create_tenant(db, "泰安市", "city", region="山东省泰安市")
        accounts.create_user(db, "bench", "secret123", role="analyst", tenant=tenant)
        path, relative = files.new_file(platform.root, tenant.id, "stores", ".duckdb")
        shutil.copyfile(store, path)
        if Path(f"{store}.search").is_dir():
            shutil.copytree(f"{store}.search", f"{path}.search")
        row = DataStore(tenant_id=tenant.id, name="演示库", filename=relative)
        db.add(row)
        db.commit()
        store_id = row.id
    client = TestClient(app)
    client.__enter__()
    token = re.search(
        r'name="csrf-token" content="([0-9a-f]*)"', client.get("/login").text
    )
    assert token
    page = client.post(
        "/login",
        data={"username": "bench", "password": "secret123", "csrf_token": token[1]},
    )
    csrf = re.search(r'name="csrf-token" content="([0-9a-f]*)"', page.text)
    assert csrf
    return client, store_id, csrf[1]


def _median(call: Callable[[int], Any], repeat: int = REPEAT) -> tuple[float, Any]:
    times, last = [], None
    for i in range(repeat):
        started = time.perf_counter()
        last = call(i)
        times.append(time.perf_counter() - started)
        assert last.status_code == 200, (last.status_code, last.text[:300])
    return statistics.median(times), last


def main() -> None:
    store = _store()
    needs = [
        json.loads(line)
        for line in NEEDS.read_text("utf-8").splitlines()
        if line.strip()
    ][:10]
    rows: list[list[object]] = []
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="patnav-web-pages-") as tmp:
        client, store_id, csrf = _site(store, Path(tmp) / "root")
        try:

            def agencies(**extra: Any) -> Callable[[int], Any]:
                return lambda i: client.get(
                    "/agencies", params={"store_id": store_id, **extra}
                )

            cases: list[tuple[str, Callable[[int], Any], int]] = [
                ("agencies_cold", lambda i: agencies(top=20 + i)(i), REPEAT),
                ("agencies_warm", agencies(top=20), REPEAT),
                (
                    "agencies_charts_json",
                    lambda i: client.get(
                        "/api/v1/agencies/charts",
                        params={"store_id": store_id, "top": 20},
                    ),
                    REPEAT,
                ),
                (
                    "agencies_agent_cold",
                    lambda i: agencies(role="agent", top=20 + i)(i),
                    REPEAT,
                ),
                ("agencies_abnormal", agencies(abnormal="true", top=99), 1),
                (
                    "match_first_cold",
                    lambda i: client.post(
                        "/match",
                        data={
                            "csrf_token": csrf,
                            "store_id": str(store_id),
                            "text": needs[-1]["text"],
                        },
                    ),
                    1,
                ),
                (
                    "match_one_need",
                    lambda i: client.post(
                        "/match",
                        data={
                            "csrf_token": csrf,
                            "store_id": str(store_id),
                            "text": needs[i % len(needs)]["text"],
                            "include_unknown": "true",
                        },
                    ),
                    REPEAT,
                ),
                (
                    "match_ten_needs_file",
                    lambda i: client.post(
                        "/match",
                        data={
                            "csrf_token": csrf,
                            "store_id": str(store_id),
                            "include_unknown": "true",
                            "save": "true" if i == 0 else "false",
                        },
                        files={
                            "needs_file": (
                                "needs.jsonl",
                                "\n".join(
                                    json.dumps(
                                        {"id": n["id"], "text": n["text"]},
                                        ensure_ascii=False,
                                    )
                                    for n in needs
                                ).encode("utf-8"),
                                "application/json",
                            )
                        },
                    ),
                    REPEAT,
                ),
                (
                    "match_supply_side",
                    lambda i: client.get(
                        "/match/patents",
                        params={"store_id": store_id, "include_unknown": "true"},
                    ),
                    REPEAT,
                ),
            ]
            for name, call, repeat in cases:
                seconds, _ = _median(call, repeat)
                figures[name] = round(seconds, 3)
                rows.append([name, repeat, f"{seconds:.3f}"])
        finally:
            client.__exit__(None, None, None)
    print_table(
        f"web pages on {store.name} (in-process TestClient, median)",
        ["request", "runs", "seconds"],
        rows,
    )
    save("web_pages", {"store": str(store), "repeat": REPEAT, "seconds": figures})
