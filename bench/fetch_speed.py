"""``patnav fetch``'s own cost per answer, network aside (``python -m bench fetch``).

A mock transport answers every request at once with a recorded real answer (the ODP
``application.json``; the OPS ``biblio_example_3.xml``), so what is timed is patnav's
part: building and sending the request through the client, keeping the answer in the
fetch folder, and importing it through the pipeline (one transaction and one
``imports`` row per answer). The first fetch stores one document (every answer is the
same recorded one) and counts the others unchanged; the second fetch of the same
numbers must add and change nothing. Against a real service the rate limit
(``fetch_interval_s``, 1 s by default) and the network dominate: these figures are the
floor under them.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import httpx
from pydantic import SecretStr

from bench.common import DATA_DIR, print_table, save
from patnav.config import Settings
from patnav.connectors.fetch import fetch
from patnav.storage.store import PatentStore

API = DATA_DIR / "formats" / "api-responses"
SIZE = 200


def _run(service: str, numbers: list[str], answer: bytes, what: list[str]) -> list:
    transport = httpx.MockTransport(
        lambda request: (
            httpx.Response(200, json={"access_token": "bench", "expires_in": "1199"})
            if request.url.path.endswith("accesstoken")
            else httpx.Response(200, content=answer)
        )
    )
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            fetch_dir=Path(tmp) / "fetches",
            fetch_interval_s=0,
            uspto_odp_api_key=SecretStr("bench-key"),
            epo_ops_key=SecretStr("bench-key"),
            epo_ops_secret=SecretStr("bench-secret"),
        )
        with PatentStore.open(Path(tmp) / "bench.duckdb") as store:
            for run in ("first", "again"):
                started = time.perf_counter()
                report = fetch(
                    store,
                    settings,
                    service,
                    numbers=numbers,
                    what=what,
                    transport=transport,
                )
                seconds = time.perf_counter() - started
                totals = report.imported.totals
                if run == "again":
                    assert totals["new"] == totals["updated"] == 0
                rows.append(
                    [
                        service,
                        run,
                        len(numbers),
                        report.requests,
                        f"{seconds:.2f}",
                        f"{seconds / len(numbers) * 1000:.1f}",
                        totals["new"],
                        totals["unchanged"],
                    ]
                )
    return rows


def main() -> None:
    rows = _run(
        "uspto",
        [str(16_000_000 + i) for i in range(SIZE)],
        (API / "uspto-odp" / "application.json").read_bytes(),
        ["biblio"],
    )
    rows += _run(
        "epo",
        [f"EP{1_000_000 + i}" for i in range(SIZE)],
        (API / "epo-ops" / "published" / "biblio_example_3.xml").read_bytes(),
        ["biblio"],
    )
    headers = [
        "service",
        "fetch",
        "numbers",
        "requests",
        "s",
        "ms/answer",
        "new",
        "unchanged",
    ]
    print_table("patnav fetch, network aside (mock transport)", headers, rows)
    save("fetch", [dict(zip(headers, r, strict=True)) for r in rows])
