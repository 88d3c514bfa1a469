"""Web load: 50 users mixing dashboards, searches, imports and spec checks against
``patnav serve``, with the server's health watched throughout.

Corpus: the real demo corpus (Tai'an, the Chinese exports, the CCF corpus, the Lens drone
export — about 17,600 documents, imported and enriched: ``bench/scaled.py``), unaltered,
copied as two stores: 泰安库 of 泰安市 and 济南库 of 济南市, under 山东省. Each store has
two saved patent sets. ``patnav serve`` runs in a subprocess on loopback with the limits
as shipped (per-user concurrency, deadlines, per-token rate limits), except the
per-address rate limit: every virtual user comes from 127.0.0.1 here, which no real
deployment sees.

Users: 50 accounts of their own — per city 20 analysts and 5 department (read-only)
users — each with an API token, each a closed loop (the next request when the last
answered) for ``DURATION_S`` seconds, all at once. Every request is drawn at random
(seeded) from:

==================== ====== ===========================================================
route                weight what
==================== ====== ===========================================================
dashboard JSON        35    ``GET /api/v1/sets/{id}/dashboard`` (counting unit varies)
search, repeated      25    the eight base queries of the latency bench (cached)
search, distinct      15    a base query with a filing-date range never asked before
spec check            20    ``POST /api/v1/specs/validate``: the shipped Tai'an spec,
                            a misspelt one, and one in ten the issue's alias bomb
import                 5    (analysts) upload a real export (CNKI, 33 records) to their
                            city's store: each import changes the data, so cached
                            dashboards and searches of that store go stale
==================== ====== ===========================================================

A user refused with 429 or 503 waits what ``Retry-After`` says (at most ten seconds) before
its next request, as a well-behaved client does. A separate poller asks ``/healthz`` every
half second from start to end (its own connection). Figures: per route the requests, their
outcome (2xx; 429 refused by a limit; 503 the server busy; 504 past the deadline; anything
else an error), p50/p95/max latency; the health poll's statuses and latency; the imports'
final states; the server's peak memory and CPU.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.common import DATA_DIR, OUT, REPO, print_table, save
from bench.scaled import demo_store
from bench.web_latency import (
    SEARCHES,
    Connection,
    _free_port,
    cpu_seconds,
    distinct_queries,
    peak_mb,
    start_server,
)

USERS_PER_CITY = {"analyst": 20, "department": 5}
CITIES = ("泰安市", "济南市")
DURATION_S = 90.0
HEALTH_EVERY_S = 0.5
WEIGHTS = {
    "dashboard": 35,
    "search-repeated": 25,
    "search-distinct": 15,
    "spec": 20,
    "import": 5,
}
BACKOFF_MAX_S = 10.0
"""A refused user waits what Retry-After says (at most this), as a well-behaved client."""
SET_QUERIES = {
    "无人机": "TIAB=(无人机 OR drone OR 飞行器)",
    "光纤": "TIAB=(光纤 OR 光缆 OR optical fiber)",
}
IMPORT_FILE = DATA_DIR / "formats/cn-excel/cnki_export_33.xlsx"
SPEC_FILE = REPO / "specs" / "taian-industry.yaml"
LIMITS = {"PATNAV_API_RATE_ADDRESS_PER_MINUTE": "0"}
"""Only the per-address rate limit is lifted: the 50 users share the loopback address."""


def alias_bomb(depth: int = 8) -> str:
    """The issue's 570-byte spec: eight levels of ten aliases each."""
    lines = [
        "title: t",
        "type: micro",
        'x0: &x0 ["q","q","q","q","q","q","q","q","q","q"]',
    ]
    for level in range(1, depth):
        lines.append(f"x{level}: &x{level} [" + ",".join([f"*x{level - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def base_store() -> Path:
    """The enriched demo store with its full-text index, built once."""
    from patnav.search import SearchIndex
    from patnav.storage.store import PatentStore

    source = demo_store()
    folder = OUT / "web-load-base"
    target = folder / "demo.duckdb"
    stamp = folder / "source"
    signature = f"{source.stat().st_size}:{source.stat().st_mtime_ns}"
    if target.exists() and stamp.exists() and stamp.read_text() == signature:
        return target
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    shutil.copyfile(source, target)
    started = time.perf_counter()
    with (
        PatentStore.open(target) as store,
        SearchIndex(store, data_dir=DATA_DIR) as index,
    ):
        index.refresh()
    print(
        f"  indexed the demo store for the web load in {time.perf_counter() - started:.0f} s"
    )
    stamp.write_text(signature)
    return target


def prepare_root(root: Path) -> dict[str, Any]:
    """A fresh data root: 山东省 → 泰安市, 济南市, a store each, 50 users with tokens."""
    from patnav.config import Settings
    from patnav.platform import accounts, files
    from patnav.platform.db import Platform
    from patnav.platform.models import DataStore

    base = base_store()
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    settings = Settings(data_root=root, data_dir=DATA_DIR)
    platform = Platform.open(settings)
    users: list[dict[str, Any]] = []
    stores: dict[str, int] = {}
    password = accounts.hash_password("bench12345")
    from patnav.platform.models import User

    with platform.session() as db:
        province = accounts.create_tenant(db, "山东省", "province")
        for city_name in CITIES:
            city = accounts.create_tenant(db, city_name, "city", parent=province)
            path, relative = files.new_file(platform.root, city.id, "stores", ".duckdb")
            shutil.copyfile(base, path)
            shutil.copytree(f"{base}.search", f"{path}.search")
            store = DataStore(
                tenant_id=city.id, name=f"{city_name[:2]}库", filename=relative
            )
            db.add(store)
            db.flush()
            stores[city_name] = store.id
            for role, count in USERS_PER_CITY.items():
                for number in range(count):
                    user = User(
                        username=f"{role}-{city.id}-{number:02d}",
                        password_hash=password,
                        role=role,
                        tenant_id=city.id,
                    )
                    db.add(user)
                    db.flush()
                    token = accounts.create_token(db, user, "load").secret
                    users.append(
                        {
                            "name": user.username,
                            "role": role,
                            "city": city_name,
                            "store": store.id,
                            "token": token,
                        }
                    )
        admin = User(
            username="bench-admin",
            password_hash=password,
            role="analyst",
            tenant_id=province.id,
        )
        db.add(admin)
        db.flush()
        setup_token = accounts.create_token(db, admin, "setup").secret
    platform.close()
    return {"users": users, "stores": stores, "setup_token": setup_token}


def setup_sets(port: int, info: dict[str, Any]) -> dict[str, list[int]]:
    """Save the patent sets through the API; warm one dashboard of each (cold)."""
    import httpx

    headers = {"Authorization": f"Bearer {info['setup_token']}"}
    sets: dict[str, list[int]] = {}
    with httpx.Client(
        base_url=f"http://127.0.0.1:{port}", timeout=600, headers=headers
    ) as api:
        for city, store in info["stores"].items():
            for name, query in SET_QUERIES.items():
                made = api.post(
                    "/api/v1/sets",
                    json={"store_id": store, "name": name, "query": query},
                )
                made.raise_for_status()
                sets.setdefault(city, []).append(made.json()["id"])
                api.get(
                    f"/api/v1/sets/{made.json()['id']}/dashboard"
                ).raise_for_status()
    return sets


def multipart(path: Path, boundary: str = "patnavloadbench") -> tuple[bytes, bytes]:
    """A multipart/form-data body with one file, and its Content-Type header line."""
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{path.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    body = head + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    return body, f"Content-Type: multipart/form-data; boundary={boundary}\r\n".encode()


async def load(job: dict[str, Any]) -> dict[str, Any]:
    """Every user's closed loop and the health poller (the load generator's process)."""
    port = job["port"]
    fresh = distinct_queries()
    spec_text = SPEC_FILE.read_text("utf-8")
    specs = [
        json.dumps({"yaml": spec_text}).encode(),
        json.dumps({"yaml": spec_text.replace("title:", "titel:", 1)}).encode(),
        json.dumps({"yaml": alias_bomb()}).encode(),
    ]
    upload, upload_type = multipart(IMPORT_FILE)
    samples: dict[str, list[float]] = defaultdict(list)
    outcomes: dict[str, Counter[int]] = defaultdict(Counter)
    imports: list[int] = []
    stop_at = time.monotonic() + DURATION_S

    async def user(number: int, who: dict[str, Any]) -> None:
        rng = random.Random(39551 + number)
        connection = Connection("127.0.0.1", port)
        auth = f"Authorization: Bearer {who['token']}\r\n".encode()
        routes = [r for r in WEIGHTS if r != "import" or who["role"] == "analyst"]
        weights = [WEIGHTS[r] for r in routes]
        sets = job["sets"][who["city"]]
        while time.monotonic() < stop_at:
            route = rng.choices(routes, weights)[0]
            method, body, headers = "GET", b"", auth
            if route == "dashboard":
                unit = rng.choice(("family", "family", "application"))
                path = f"/api/v1/sets/{rng.choice(sets)}/dashboard?count_by={unit}"
            elif route.startswith("search"):
                query = (
                    rng.choice(SEARCHES) if route == "search-repeated" else next(fresh)
                )
                path = f"/api/v1/stores/{who['store']}/search?{urlencode({'q': query})}"
            elif route == "spec":
                method, path = "POST", "/api/v1/specs/validate"
                body = specs[2] if rng.random() < 0.1 else specs[rng.randrange(2)]
                headers = auth + b"Content-Type: application/json\r\n"
            else:
                method, path = "POST", f"/api/v1/stores/{who['store']}/imports"
                body, headers = upload, auth + upload_type
            started = time.perf_counter()
            try:
                status, answer = await connection.request(method, path, headers, body)
            except (ConnectionError, asyncio.IncompleteReadError):
                status, answer = 0, b""
            samples[route].append(time.perf_counter() - started)
            outcomes[route][status] += 1
            if route == "import" and status == 202:
                imports.append(json.loads(answer)["id"])
            wait = connection.last_retry_after
            if status in (429, 503) and wait:
                await asyncio.sleep(min(wait, BACKOFF_MAX_S))

    health: list[tuple[float, int, float]] = []

    async def poll() -> None:
        connection = Connection("127.0.0.1", port)
        begun = time.monotonic()
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                status, _ = await connection.get("/healthz", b"")
            except (ConnectionError, asyncio.IncompleteReadError):
                status = 0
            health.append(
                (time.monotonic() - begun, status, time.perf_counter() - started)
            )
            await asyncio.sleep(HEALTH_EVERY_S)

    cpu_before = cpu_seconds(job["pid"])
    started = time.perf_counter()
    await asyncio.gather(poll(), *(user(i, u) for i, u in enumerate(job["users"])))
    wall = time.perf_counter() - started
    server_cpu = cpu_seconds(job["pid"]) - cpu_before
    # the imports queued during the run: wait for them, then their final states
    checker = Connection("127.0.0.1", port)
    auth = f"Authorization: Bearer {job['setup_token']}\r\n".encode()
    states: Counter[str] = Counter()
    deadline = time.monotonic() + 900
    pending = list(imports)
    while pending and time.monotonic() < deadline:
        still = []
        for job_id in pending:
            status, answer = await checker.get(f"/api/v1/imports/{job_id}", auth)
            state = json.loads(answer)["status"] if status == 200 else f"http-{status}"
            if state in ("queued", "running"):
                still.append(job_id)
            else:
                states[state] += 1
        pending = still
        if pending:
            await asyncio.sleep(2)
    states["unfinished"] += len(pending)
    return {
        "wall_s": wall,
        "server_cpu_s": server_cpu,
        "routes": {
            route: {
                "requests": len(samples[route]),
                "outcomes": {str(k): v for k, v in sorted(outcomes[route].items())},
                **_percentiles(samples[route]),
            }
            for route in WEIGHTS
        },
        "health": {
            "polls": len(health),
            "outcomes": {
                str(k): v for k, v in sorted(Counter(s for _, s, _ in health).items())
            },
            **_percentiles([latency for _, _, latency in health]),
        },
        "imports": dict(states),
    }


def _percentiles(samples: list[float]) -> dict[str, float]:
    if not samples:
        return {"p50_ms": float("nan"), "p95_ms": float("nan"), "max_ms": float("nan")}
    ordered = sorted(samples)
    return {
        "p50_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        * 1000,
        "max_ms": ordered[-1] * 1000,
    }


def classify(outcomes: dict[str, int]) -> dict[str, int]:
    """Outcomes by kind: ok (2xx), refused (429), busy (503), late (504), errors
    (anything else, connection failures included)."""
    kinds: Counter[str] = Counter()
    for status, count in outcomes.items():
        code = int(status)
        if 200 <= code < 300:
            kinds["ok"] += count
        elif code == 429:
            kinds["refused"] += count
        elif code == 503:
            kinds["busy"] += count
        elif code == 504:
            kinds["late"] += count
        else:
            kinds["errors"] += count
    return {k: kinds.get(k, 0) for k in ("ok", "refused", "busy", "late", "errors")}


def main() -> None:
    root = OUT / "web-load-root"
    info = prepare_root(root)
    port = _free_port()
    server = start_server(root, port, env_extra=LIMITS)
    try:
        sets = setup_sets(port, info)
        proc = subprocess.run(
            [sys.executable, "-m", "bench.web_load", "load"],
            input=json.dumps(
                {
                    "port": port,
                    "pid": server.pid,
                    "users": info["users"],
                    "sets": sets,
                    "setup_token": info["setup_token"],
                }
            ),
            capture_output=True,
            text=True,
            cwd=REPO,
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"load generator failed:\n{proc.stderr[-3000:]}")
        result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
        memory = peak_mb(server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=120)
        except subprocess.TimeoutExpired:
            server.kill()
    log = (root / "server.log").read_text("utf-8", "replace")
    tracebacks = log.count("Traceback")
    users = len(info["users"])
    print(
        f"corpus: the real demo corpus (about 17,600 documents, unaltered) as two stores; "
        f"{users} users ({len(CITIES)} cities × {USERS_PER_CITY}), closed loops for "
        f"{DURATION_S:.0f} s; limits as shipped but per address (all users share "
        "127.0.0.1)"
    )
    rows = []
    total: Counter[str] = Counter()
    for route, figures in result["routes"].items():
        kinds = classify(figures["outcomes"])
        total.update(kinds)
        rows.append(
            [
                route,
                figures["requests"],
                kinds["ok"],
                kinds["refused"],
                kinds["busy"],
                kinds["late"],
                kinds["errors"],
                f"{figures['p50_ms']:.0f}",
                f"{figures['p95_ms']:.0f}",
                f"{figures['max_ms']:.0f}",
            ]
        )
    print_table(
        f"{users} users on loopback, patnav serve (1 process), {os.cpu_count()} cores",
        [
            "route",
            "requests",
            "2xx",
            "429",
            "503",
            "504",
            "errors",
            "p50 ms",
            "p95 ms",
            "max ms",
        ],
        rows,
    )
    health = result["health"]
    print(
        f"\n/healthz every {HEALTH_EVERY_S} s throughout: {health['polls']} polls, "
        f"statuses {health['outcomes']}, p50 {health['p50_ms']:.0f} ms, "
        f"p95 {health['p95_ms']:.0f} ms, max {health['max_ms']:.0f} ms"
    )
    print(
        f"errors (not 2xx, 429, 503 or 504): {total['errors']}; refused by a user's "
        f"limit (429): {total['refused']}; server busy (503): {total['busy']}; past the "
        f"deadline (504): {total['late']}"
    )
    print(f"imports queued during the run, final states: {result['imports']}")
    print(
        f"server: peak memory {memory:,.0f} MB, CPU {result['server_cpu_s']:.0f} s over "
        f"{result['wall_s']:.0f} s; tracebacks in its log: {tracebacks}"
    )
    save(
        "web_load",
        {
            "users": users,
            "duration_s": DURATION_S,
            "weights": WEIGHTS,
            "server_peak_mb": memory,
            "tracebacks": tracebacks,
            "totals": dict(total),
            **result,
        },
    )


def _load_main() -> None:
    job = json.loads(sys.stdin.read())
    try:
        import uvloop
    except ImportError:  # Windows: the asyncio loop
        results = asyncio.run(load(job))
    else:
        results = uvloop.run(load(job))
    print(json.dumps(results))


if __name__ == "__main__":
    if sys.argv[1:] == ["load"]:
        _load_main()
    else:
        main()
