"""The fee-and-term engine over many patents (``python -m bench fees``).

Input: the granted CN documents of the two Patentics exports (virtual and augmented
reality: filing date, grant date, type, status 有效 as of the export day), **resampled with
replacement** to N patents (the rows are real, their repetition is not). For each patent:

- engine: ``maintenance_state`` (paid-through year, next due, grace, state) and
  ``term_end``;
- naive baseline: the same next due date and term end with pandas ``DateOffset`` per
  patent, as one would write it in a notebook (no grace or state).

Medians of REPEAT runs in this process; the two must agree on every next due date.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date

import pandas as pd

from bench.common import DATA_DIR, print_table, save

FILES = (
    ("formats/cn-db-exports/patentics_CN_TI-虚拟现实_20220507.csv", date(2022, 5, 7)),
    ("formats/cn-db-exports/patentics_CN_TI-增强现实_20220530.csv", date(2022, 5, 30)),
)
SIZES = (10_000, 50_000)
REPEAT = 3


def _patents() -> list[tuple[str, date, date, date]]:
    out = []
    for name, day in FILES:
        raw = pd.read_csv(
            DATA_DIR / name, encoding="utf-8-sig", dtype=str, index_col=False
        )
        raw = raw[(raw["法律状态"] == "有效") & raw["授权公告日"].notna()]
        kind = raw["公开号"].str.extract(r"([A-Z])\d?$", expand=False)
        ptype = kind.map({"A": "invention", "B": "invention", "U": "utility_model"})
        for t, filed, granted in zip(
            ptype, raw["申请日"], raw["授权公告日"], strict=True
        ):
            if isinstance(t, str):
                out.append(
                    (
                        t,
                        pd.Timestamp(filed).date(),
                        pd.Timestamp(granted).date(),
                        day,
                    )
                )
    return out


def _engine(rows):
    from patnav.fees.cn import term_end
    from patnav.fees.maintenance import Evidence, maintenance_state

    out = []
    for ptype, filed, granted, day in rows:
        s = maintenance_state(
            Evidence("CN", ptype, filed, granted, "active", day, "source"), as_of=day
        )
        assert s is not None
        out.append((s.next_due, term_end(ptype, filed)))
    return out


def _naive(rows):
    out = []
    for ptype, filed, granted, day in rows:
        start, seen = pd.Timestamp(filed), pd.Timestamp(day)
        years = 20 if ptype == "invention" else 10
        n = 0
        while start + pd.DateOffset(years=n + 1) <= seen:
            n += 1
        current = n + 1
        due = start + pd.DateOffset(years=current - 1)
        paid = current if seen > due + pd.DateOffset(months=6) else current - 1
        g = 0
        while start + pd.DateOffset(years=g + 1) <= pd.Timestamp(granted):
            g += 1
        paid = min(max(paid, g + 1), years)
        nxt = None if paid >= years else (start + pd.DateOffset(years=paid)).date()
        end = (start + pd.DateOffset(years=years) - pd.Timedelta(days=1)).date()
        out.append((nxt, end))
    return out


def _median(fn, rows) -> tuple[float, list]:
    times, result = [], []
    for _ in range(REPEAT):
        started = time.perf_counter()
        result = fn(rows)
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    real = _patents()
    print(f"{len(real):,} real granted CN patents in force (Patentics VR + AR exports)")
    rng = random.Random(14)
    table, payload = [], []
    for size in SIZES:
        rows = [real[rng.randrange(len(real))] for _ in range(size)]
        engine_s, engine = _median(_engine, rows)
        naive_s, naive = _median(_naive, rows)
        assert engine == naive, "engine and baseline disagree"
        table.append(
            [
                f"{size:,} (resampled)",
                f"{engine_s:.2f}",
                f"{size / engine_s:,.0f}",
                f"{naive_s:.2f}",
                f"{size / naive_s:,.0f}",
                f"{naive_s / engine_s:.1f}x",
            ]
        )
        payload.append(
            {"patents": size, "engine_s": engine_s, "naive_s": naive_s, "agree": True}
        )
    print_table(
        f"maintenance state + term end, median of {REPEAT} runs",
        ["patents", "engine s", "patents/s", "naive s", "patents/s", "speed-up"],
        table,
    )
    save("fees", payload)
