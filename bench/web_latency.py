"""Web latency: the dashboard and search pages (and their JSON) under 50 concurrent users.

Corpus: the real demo corpus resampled to 1 M documents (``bench/scaled.py``: identifiers
suffixed per copy, filing years shifted; speed only) with its full-text index resampled the
same way (``bench/search_speed.py``). Both are copied into a fresh data root, registered to a
tenant, and served by ``patnav serve`` in a subprocess on loopback, as deployed (one
process, access log on). A patent set (``TIAB=(无人机 OR drone OR 飞行器)``) is saved through
the API; its first dashboard request computes the landscape (reported as *cold*), later ones
come from the cache.

Clients: one ``httpx.AsyncClient`` pool of 50 connections; each virtual user sends its
requests one after the other (closed loop), all users at once. Every endpoint is measured
with 1 user and with 50, and compared with the baseline in the same run: ``/healthz``, a
trivial endpoint through the same middleware, at the same concurrency. Pages are fetched
with a signed-in session cookie, JSON with a bearer token. Figures: p50 and p95 latency,
throughput, the p95 ratio to the baseline, and the server's peak memory.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from bench.common import DATA_DIR, OUT, REPO, print_table, save
from bench.scaled import demo_store, scaled_store

TARGET = 1_000_000
USERS = 50
SET_QUERY = "TIAB=(无人机 OR drone OR 飞行器)"
SEARCHES = (
    "TI=光纤",
    "TIAB=(光纤 OR 光缆) AND AD=[2005 TO 2015]",
    "无人机 AND 电池",
    "TI=drone*",
    "PA=华为 AND TIABC=基站",
    "IPC=H02K AND AD>=2010",
    "TI=(电机 OR motor) AND PROV=江苏",
    "TIAB=(齿轮 AND 减速) OR IPC=F16H1",
)
REQUESTS = {
    "health": 20,
    "dashboard": 10,
    "dashboard-json": 10,
    "search": 4,
    "search-json": 4,
}
"""Requests per virtual user in the 50-user runs (one user sends 5× as many)."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _copy_if_changed(source: Path, target: Path) -> None:
    stamp = target.with_name(target.name + ".source")
    signature = f"{source.stat().st_size}:{source.stat().st_mtime_ns}"
    if target.exists() and stamp.exists() and stamp.read_text() == signature:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    stamp.write_text(signature)


def _index_is_current(store_path: Path, index: Path) -> bool:
    """Whether the resampled full-text index matches the resampled store (built by
    bench/search_speed.py; rebuilt there when not)."""
    import duckdb

    from patnav.search.fulltext import FullTextIndex
    from patnav.storage.store import PatentStore

    if not index.exists():
        return False
    with PatentStore.open(store_path, read_only=True) as store:
        watermark = FullTextIndex.watermark(store)
    con = duckdb.connect(str(index), read_only=True)
    try:
        rows = con.execute("SELECT value FROM meta WHERE key = 'watermark'").fetchall()
    finally:
        con.close()
    return bool(rows) and rows[0][0] == watermark


def prepare_root(root: Path) -> dict[str, Any]:
    """A data root with a tenant, an analyst (token and session) and the 1 M store."""
    from bench.search_speed import scaled_index
    from patnav.config import Settings
    from patnav.platform import accounts, files
    from patnav.platform.db import Platform
    from patnav.platform.models import DataStore
    from patnav.web.security import Signer

    scaled = scaled_store(TARGET)
    index = Path(f"{scaled}.search") / "fulltext.duckdb"
    if not _index_is_current(scaled, index):
        index = scaled_index(demo_store(), scaled) / "fulltext.duckdb"
    store_file = root / "stores-cache" / "scaled.duckdb"
    _copy_if_changed(scaled, store_file)
    _copy_if_changed(index, Path(f"{store_file}.search") / "fulltext.duckdb")
    for stale in root.glob("platform.sqlite3*"):
        stale.unlink()
    shutil.rmtree(root / "tenants", ignore_errors=True)
    settings = Settings(data_root=root, data_dir=DATA_DIR)
    platform = Platform.open(settings)
    with platform.session() as db:
        tenant = accounts.create_tenant(db, "山东省", "province")
        user = accounts.create_user(
            db, "bench", "bench12345", role="analyst", tenant=tenant
        )
        token = accounts.create_token(db, user, "bench").secret
        session = accounts.start_session(
            db, settings, user, ip="127.0.0.1", user_agent="bench"
        )
        # the store is linked (not copied again) into the tenant's folder
        path, relative = files.new_file(platform.root, tenant.id, "stores", ".duckdb")
        os.link(store_file, path)
        Path(f"{path}.search").mkdir()
        os.link(
            Path(f"{store_file}.search") / "fulltext.duckdb",
            Path(f"{path}.search") / "fulltext.duckdb",
        )
        store = DataStore(tenant_id=tenant.id, name="1M", filename=relative)
        db.add(store)
        db.flush()
        store_id = store.id
    cookie = Signer(platform.secret, max_age_s=settings.session_hours * 3600).sign(
        session
    )
    platform.close()
    return {"token": token, "cookie": cookie, "store": store_id, "settings": settings}


def start_server(root: Path, port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PATNAV_DATA_ROOT=str(root), PATNAV_DATA_DIR=str(DATA_DIR))
    log = root / "server.log"
    with log.open("wb") as sink:  # the server's log (errors would show here)
        proc = subprocess.Popen(
            [sys.executable, "-m", "patnav", "serve", "--port", str(port)],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"patnav serve exited: {log.read_text()[-2000:]}")
        try:
            if (
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code
                == 200
            ):
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.kill()
    raise RuntimeError("patnav serve did not answer within 120 s")


def peak_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def measure(
    client: httpx.AsyncClient, urls: list[str], users: int, per_user: int
) -> dict[str, float]:
    """Closed-loop latency of ``users`` concurrent users, each sending ``per_user``
    requests (cycling through ``urls``)."""
    samples: list[float] = []

    async def user(number: int) -> None:
        for k in range(per_user):
            url = urls[(number + k) % len(urls)]
            started = time.perf_counter()
            response = await client.get(url)
            samples.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise RuntimeError(
                    f"{url}: HTTP {response.status_code} {response.text[:300]}"
                )

    started = time.perf_counter()
    await asyncio.gather(*(user(i) for i in range(users)))
    wall = time.perf_counter() - started
    ordered = sorted(samples)
    return {
        "requests": len(samples),
        "p50_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        * 1000,
        "max_ms": ordered[-1] * 1000,
        "per_s": len(samples) / wall,
    }


async def run(base: str, info: dict[str, Any]) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=USERS, max_keepalive_connections=USERS)
    headers = {"Authorization": f"Bearer {info['token']}"}
    cookies = {"patnav_session": info["cookie"]}
    async with (
        httpx.AsyncClient(
            base_url=base, limits=limits, timeout=600, headers=headers
        ) as api,
        httpx.AsyncClient(
            base_url=base, limits=limits, timeout=600, cookies=cookies
        ) as pages,
    ):
        created = await api.post(
            "/api/v1/sets",
            json={"store_id": info["store"], "name": "无人机", "query": SET_QUERY},
        )
        created.raise_for_status()
        link = created.json()
        started = time.perf_counter()
        cold = await api.get(f"/api/v1/sets/{link['id']}/dashboard")
        cold.raise_for_status()
        cold_s = time.perf_counter() - started
        computed_s = cold.json()["seconds"]
        store = info["store"]
        scenarios: dict[str, tuple[httpx.AsyncClient, list[str]]] = {
            "health": (api, ["/healthz"]),
            "dashboard": (pages, [f"/sets/{link['id']}"]),
            "dashboard-json": (api, [f"/api/v1/sets/{link['id']}/dashboard"]),
            "search": (
                pages,
                [f"/stores/{store}/search?{httpx.QueryParams(q=q)}" for q in SEARCHES],
            ),
            "search-json": (
                api,
                [
                    f"/api/v1/stores/{store}/search?{httpx.QueryParams(q=q)}"
                    for q in SEARCHES
                ],
            ),
        }
        for client, urls in scenarios.values():  # warm every URL once
            for url in urls:
                (await client.get(url)).raise_for_status()
        results: dict[str, Any] = {}
        for name, (client, urls) in scenarios.items():
            for users in (1, USERS):
                per_user = REQUESTS[name] * (5 if users == 1 else 1)
                results[f"{name}@{users}"] = await measure(
                    client, urls, users, per_user
                )
        return {
            "set": link,
            "cold_dashboard_s": cold_s,
            "landscape_s": computed_s,
            "results": results,
        }


def main() -> None:
    root = OUT / "web-root"
    root.mkdir(parents=True, exist_ok=True)
    info = prepare_root(root)
    port = _free_port()
    server = start_server(root, port)
    try:
        measured = asyncio.run(run(f"http://127.0.0.1:{port}", info))
        memory = peak_mb(server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
    results = measured["results"]
    print(
        f"corpus: the real demo corpus resampled to {TARGET:,} documents (speed only); "
        f"set {SET_QUERY}: {measured['set']['count']:,} documents"
    )
    print(
        f"dashboard, first request (landscape computed, then cached): "
        f"{measured['cold_dashboard_s']:.2f} s ({measured['landscape_s']:.2f} s in the analyses)"
    )
    rows = []
    for key, figures in results.items():
        name, users = key.split("@")
        baseline = results[f"health@{users}"]
        rows.append(
            [
                name,
                users,
                figures["requests"],
                f"{figures['p50_ms']:.0f}",
                f"{figures['p95_ms']:.0f}",
                f"{figures['per_s']:.1f}",
                f"{figures['p95_ms'] / baseline['p95_ms']:.1f}×",
            ]
        )
    print_table(
        f"latency on loopback, patnav serve (1 process), {os.cpu_count()} cores "
        f"(baseline: /healthz at the same concurrency)",
        [
            "endpoint",
            "users",
            "requests",
            "p50 ms",
            "p95 ms",
            "req/s",
            "p95 / baseline",
        ],
        rows,
    )
    print(f"server peak memory: {memory:,.0f} MB")
    save(
        "web_latency",
        {
            "documents": TARGET,
            "set_query": SET_QUERY,
            "set_documents": measured["set"]["count"],
            "cold_dashboard_s": measured["cold_dashboard_s"],
            "landscape_s": measured["landscape_s"],
            "server_peak_mb": memory,
            "results": results,
        },
    )


if __name__ == "__main__":
    main()
