"""Dispatching alerts to the inbox (``python -m bench notify``).

Input: alerts made from the real CNIPA export (``cn-excel/cnipa_export_199.xlsx``: its
publication numbers, applicants and titles), **resampled with replacement** to N alerts
(each with its own alert id; the rows are real, their repetition is not), for a tenant of
U active users, on a fresh SQLite platform database under a temporary folder. Measured:
the first dispatch (N alerts recorded, N × U inbox items and deliveries written) and the
same dispatch again (everything found delivered, nothing written) — the idempotence a
monitor run every few minutes relies on. No mail or webhook: those wait on the network.
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

import pandas as pd

from bench.common import DATA_DIR, print_table, save

SIZES = ((1_000, 5), (5_000, 5), (1_000, 50))


def _alerts(n: int) -> list[dict[str, object]]:
    frame = pd.read_excel(DATA_DIR / "formats/cn-excel/cnipa_export_199.xlsx")
    rows = list(
        zip(
            frame["公开（公告）号"].astype(str),
            frame["申请（专利权）人"].astype(str),
            frame["名称"].astype(str),
            strict=True,
        )
    )
    rng = random.Random(17)
    rules = ("new-documents", "status-change", "expiry", "annuity-due")
    out: list[dict[str, object]] = []
    for i in range(n):
        number, applicant, title = rng.choice(rows)
        out.append(
            {
                "alert_id": f"bench-{i}",
                "monitor": f"监控{i % 7}",
                "rule": rules[i % len(rules)],
                "pub_number": number,
                "message": f"{applicant}：{title}",
                "evidence": {"row": i},
                "created_at": "2026-12-07T00:00:00+00:00",
            }
        )
    return out


def _run(n: int, users: int) -> tuple[float, float]:
    from patnav.config import Settings
    from patnav.notify import Channels, dispatch
    from patnav.notify.channels.webhook import WebhookSender
    from patnav.platform import Platform, accounts
    from patnav.platform.models import User

    alerts = _alerts(n)
    with tempfile.TemporaryDirectory() as folder:
        platform = Platform.open(Settings(data_root=Path(folder)))
        with platform.session() as db:
            tenant = accounts.create_tenant(db, "泰安市", "city")
            db.add_all(
                User(
                    username=f"u{i}",
                    password_hash="-",
                    role="analyst",
                    tenant_id=tenant.id,
                )
                for i in range(users)
            )
            tenant_id = tenant.id
        channels = Channels(None, WebhookSender())
        times = []
        for _ in range(2):
            started = time.perf_counter()
            with platform.sessions() as db:
                report = dispatch(db, alerts, tenant_id=tenant_id, channels=channels)
            times.append(time.perf_counter() - started)
        assert report.inbox == 0 and report.skipped == n * users
        platform.close()
    return times[0], times[1]


def main() -> None:
    rows = []
    results = []
    for n, users in SIZES:
        first, again = _run(n, users)
        rows.append([f"{n:,}", users, f"{n * users:,}", f"{first:.2f}", f"{again:.2f}"])
        results.append(
            {"alerts": n, "users": users, "first_s": first, "again_s": again}
        )
    print_table(
        "dispatch to the inbox (SQLite; resampled real records)",
        ["alerts", "users", "inbox items", "first s", "again s"],
        rows,
    )
    save("notify", results)


if __name__ == "__main__":
    main()
