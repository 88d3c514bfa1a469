"""Web latency: the dashboard and search pages (and their JSON) under 50 concurrent users.

Corpus: the real demo corpus resampled to 1 M documents (``bench/scaled.py``: identifiers
suffixed per copy, filing years shifted; speed only) with its full-text index resampled the
same way (``bench/search_speed.py``). Both are copied into a fresh data root, registered to a
tenant, and served by ``patnav serve`` in a subprocess on loopback, as deployed (one
process, uvloop and httptools, access log on). A patent set
(``TIAB=(无人机 OR drone OR 飞行器)``) is saved through the API; its first dashboard request
computes the landscape (reported as *cold*), later ones come from the cache.

Clients: a load generator in a process of its own (``python -m bench.web_latency load``),
written on bare asyncio streams (uvloop) — one keep-alive connection per virtual user, HTTP/1.1
requests written by hand — because an httpx pool cost as much CPU per request as the server's
cached dashboard and shares the same two cores. Each virtual user sends its requests one
after the other (closed loop), all users at once. Every endpoint is measured with 1 user and
with 50, against the baseline in the same run: ``/healthz``, a trivial endpoint through the
same middleware, at the same concurrency. Pages are fetched with a signed-in session cookie,
JSON with a bearer token.

Searches are measured twice: with **distinct** queries (every request a query not asked
before — the eight base queries with a different filing-date range each time — so the
server's per-version result cache cannot help) and with **repeated** queries (the eight base
queries, cached after the warm-up: what paging and several users of one tenant see).

Figures: p50 and p95 latency, throughput, the p95 ratio to the baseline; the server's CPU
time per request (from ``/proc``: what a request costs the server, whatever the client
costs) and the load generator's CPU share of the run; the server's peak memory.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

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
    "search-distinct": 3,
    "search-repeated": 10,
    "search-json-distinct": 2,
    "search-json-repeated": 10,
}
"""Requests per virtual user in the 50-user runs (one user sends 5× as many)."""
LABELS = {
    "health": "/healthz (baseline)",
    "dashboard": "dashboard page",
    "dashboard-json": "dashboard JSON",
    "search-distinct": "search page, distinct queries",
    "search-repeated": "search page, repeated queries (cached)",
    "search-json-distinct": "search JSON, distinct queries",
    "search-json-repeated": "search JSON, repeated queries (cached)",
}


def distinct_queries() -> Iterator[str]:
    """Queries never asked before in a run: each base query with its own filing-date
    range (so no cached result can answer them)."""
    ranges = [(a, b) for a in range(1985, 2024) for b in range(a + 1, 2026)]
    random.Random(39551).shuffle(ranges)
    for number, (first, last) in enumerate(ranges * len(SEARCHES)):
        base = SEARCHES[number % len(SEARCHES)]
        yield f"({base}) AND AD=[{first} TO {last}]"


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


UNLIMITED = {
    "PATNAV_API_RATE_TOKEN_PER_MINUTE": "0",
    "PATNAV_API_RATE_ADDRESS_PER_MINUTE": "0",
    "PATNAV_USER_CONCURRENCY": "1000",
    "PATNAV_SERVER_CONCURRENCY": "1000",
}
"""This benchmark's 50 virtual users share one user, one token and one address: the
per-user and per-address limits are lifted so it measures the endpoints (the web-load
benchmark runs 50 distinct users with the limits as shipped)."""


def start_server(
    root: Path, port: int, env_extra: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PATNAV_DATA_ROOT=str(root), PATNAV_DATA_DIR=str(DATA_DIR))
    env.update(UNLIMITED if env_extra is None else env_extra)
    log = root / "server.log"
    with log.open("wb") as sink:  # the server's log (errors would show here)
        proc = subprocess.Popen(
            [sys.executable, "-m", "patnav", "serve", "--port", str(port)],
            cwd=REPO,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
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


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds a process (every thread) has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Connection:
    """One keep-alive HTTP/1.1 connection of a virtual user: requests written by hand,
    responses read by Content-Length (or chunks) — a load generator that costs the shared
    cores little."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.last_retry_after: float | None = None

    async def get(self, path: str, headers: bytes) -> tuple[int, bytes]:
        """Send a GET; return the status and the body. A connection the server closed
        while it was idle (uvicorn's keep-alive timeout) is opened again."""
        return await self.request("GET", path, headers)

    async def request(
        self, method: str, path: str, headers: bytes, body: bytes = b""
    ) -> tuple[int, bytes]:
        """Send a request (``headers`` as raw ``Name: value\\r\\n`` lines, ``body``
        with its Content-Length); return the status and the response body."""
        request = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n".encode() + headers
        )
        if body or method != "GET":
            request += f"Content-Length: {len(body)}\r\n".encode()
        request += b"\r\n" + body
        for attempt in (1, 2):
            if self.writer is None or self.reader is None:
                self.reader, self.writer = await asyncio.open_connection(
                    self.host, self.port
                )
            try:
                self.writer.write(request)
                head = await self.reader.readuntil(b"\r\n\r\n")
                break
            except (asyncio.IncompleteReadError, ConnectionError):
                self.writer.close()
                self.reader = self.writer = None
                if attempt == 2:
                    raise
        assert self.reader is not None and self.writer is not None
        status = int(head[9:12])
        length, chunked, close = 0, False, False
        self.last_retry_after = None
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"retry-after":
                self.last_retry_after = float(value.strip() or 0) or None
            elif name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"connection":
                close = b"close" in value.lower()
        if chunked:
            parts = []
            while size := int((await self.reader.readline()).split(b";")[0], 16):
                parts.append(await self.reader.readexactly(size + 2))
            await self.reader.readline()
            body = b"".join(p[:-2] for p in parts)
        else:
            body = await self.reader.readexactly(length)
        if close:
            self.writer.close()
            self.reader = self.writer = None
        return status, body


Paths = Callable[[int, int], str]
"""The path a virtual user (number) sends as its k-th request."""


async def measure(
    connections: list[Connection],
    paths: Paths,
    headers: bytes,
    users: int,
    per_user: int,
    server_pid: int,
) -> dict[str, float]:
    """Closed-loop latency of ``users`` concurrent users, each sending ``per_user``
    requests; with the server's CPU per request and the load generator's CPU share."""
    samples: list[float] = []

    async def user(number: int) -> None:
        for k in range(per_user):
            path = paths(number, k)
            started = time.perf_counter()
            status, body = await connections[number].get(path, headers)
            samples.append(time.perf_counter() - started)
            if status != 200:
                raise RuntimeError(f"{path}: HTTP {status} {body[:300]!r}")

    server_before = cpu_seconds(server_pid)
    client_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    await asyncio.gather(*(user(i) for i in range(users)))
    wall = time.perf_counter() - started
    client_after = resource.getrusage(resource.RUSAGE_SELF)
    server_cpu = cpu_seconds(server_pid) - server_before
    client_cpu = (client_after.ru_utime - client_before.ru_utime) + (
        client_after.ru_stime - client_before.ru_stime
    )
    ordered = sorted(samples)
    return {
        "requests": len(samples),
        "p50_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        * 1000,
        "max_ms": ordered[-1] * 1000,
        "per_s": len(samples) / wall,
        "server_cpu_ms": server_cpu / len(samples) * 1000,
        "server_cores": server_cpu / wall,
        "client_cores": client_cpu / wall,
    }


async def load(job: dict[str, Any]) -> dict[str, Any]:
    """Every scenario at 1 and at 50 users (the load generator's process)."""
    port, pid, store, set_id = job["port"], job["pid"], job["store"], job["set"]
    cookie = f"Cookie: patnav_session={job['cookie']}\r\n".encode()
    token = f"Authorization: Bearer {job['token']}\r\n".encode()
    connections = [Connection("127.0.0.1", port) for _ in range(USERS)]
    fresh = distinct_queries()

    def search_path(prefix: str, query: str) -> str:
        return f"{prefix}/stores/{store}/search?{urlencode({'q': query})}"

    def repeated(prefix: str) -> Paths:
        return lambda user, k: search_path(prefix, SEARCHES[(user + k) % len(SEARCHES)])

    def distinct(prefix: str) -> Paths:
        return lambda user, k: search_path(prefix, next(fresh))

    scenarios: dict[str, tuple[bytes, Paths]] = {
        "health": (token, lambda user, k: "/healthz"),
        "dashboard": (cookie, lambda user, k: f"/sets/{set_id}"),
        "dashboard-json": (token, lambda user, k: f"/api/v1/sets/{set_id}/dashboard"),
        "search-distinct": (cookie, distinct("")),
        "search-repeated": (cookie, repeated("")),
        "search-json-distinct": (token, distinct("/api/v1")),
        "search-json-repeated": (token, repeated("/api/v1")),
    }
    for name, (headers, paths) in scenarios.items():  # warm every endpoint (and query)
        for k in range(len(SEARCHES) if "search" in name else 3):
            status, body = await connections[0].get(paths(0, k), headers)
            if status != 200:
                raise RuntimeError(f"{name}: HTTP {status} {body[:300]!r}")
    results: dict[str, Any] = {}
    for name, (headers, paths) in scenarios.items():
        for users in (1, USERS):
            per_user = REQUESTS[name] * (5 if users == 1 else 1)
            results[f"{name}@{users}"] = await measure(
                connections, paths, headers, users, per_user, pid
            )
    return results


def run_load(job: dict[str, Any]) -> dict[str, Any]:
    """Run the load generator in a process of its own; its results."""
    proc = subprocess.run(
        [sys.executable, "-m", "bench.web_latency", "load"],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"load generator failed:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def setup(base: str, info: dict[str, Any]) -> dict[str, Any]:
    """Save the patent set through the API and compute its dashboard once (cold)."""
    headers = {"Authorization": f"Bearer {info['token']}"}
    with httpx.Client(base_url=base, timeout=600, headers=headers) as api:
        created = api.post(
            "/api/v1/sets",
            json={"store_id": info["store"], "name": "无人机", "query": SET_QUERY},
        )
        created.raise_for_status()
        link = created.json()
        started = time.perf_counter()
        cold = api.get(f"/api/v1/sets/{link['id']}/dashboard")
        cold.raise_for_status()
        return {
            "set": link,
            "cold_dashboard_s": time.perf_counter() - started,
            "landscape_s": cold.json()["seconds"],
        }


def main() -> None:
    root = OUT / "web-root"
    root.mkdir(parents=True, exist_ok=True)
    info = prepare_root(root)
    port = _free_port()
    server = start_server(root, port)
    try:
        measured = setup(f"http://127.0.0.1:{port}", info)
        measured["results"] = run_load(
            {
                "port": port,
                "pid": server.pid,
                "store": info["store"],
                "set": measured["set"]["id"],
                "cookie": info["cookie"],
                "token": info["token"],
            }
        )
        memory = peak_mb(server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
    banner = next(
        (
            line
            for line in (root / "server.log").read_text().splitlines()
            if "event loop" in line
        ),
        "patnav serve: event loop and HTTP parser not reported",
    )
    results = measured["results"]
    print(
        f"corpus: the real demo corpus resampled to {TARGET:,} documents (speed only); "
        f"set {SET_QUERY}: {measured['set']['count']:,} documents"
    )
    print(f"server: {banner.strip()}")
    print(
        "load generator: a separate process, bare asyncio HTTP/1.1 (one keep-alive "
        "connection per user); its CPU is not counted as server time"
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
                LABELS[name],
                users,
                figures["requests"],
                f"{figures['p50_ms']:.0f}",
                f"{figures['p95_ms']:.0f}",
                f"{figures['per_s']:.1f}",
                f"{figures['server_cpu_ms']:.1f}",
                f"{figures['client_cores']:.2f}",
                f"{figures['p95_ms'] / baseline['p95_ms']:.1f}×",
            ]
        )
    print_table(
        f"latency on loopback, patnav serve (1 process), {os.cpu_count()} cores "
        f"(baseline: /healthz at the same concurrency; server CPU per request from /proc; "
        f"client cores: the load generator's CPU / wall time)",
        [
            "endpoint",
            "users",
            "requests",
            "p50 ms",
            "p95 ms",
            "req/s",
            "server CPU ms/req",
            "client cores",
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
            "server": banner.strip(),
            "server_peak_mb": memory,
            "results": results,
        },
    )


def _load_main() -> None:
    """The load generator's entry point: the job as JSON on stdin, results on stdout."""
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
