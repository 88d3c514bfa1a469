"""The Chinese database exports (``python -m bench cn-exports``): import throughput, column
coverage, events by type.

For each real export in ``formats/cn-db-exports/`` (incoPat xlsx, Patentics csv, PatSnap
xlsx):

* **throughput** — rows/s of a full ``import_paths`` into a fresh store (detect, parse,
  normalise, write), median of ``REPEAT`` child runs, beside a bare pandas read of the same
  file (``read_excel`` / ``read_csv``) in the same process tree: the ratio is what patnav
  costs over merely reading the cells;
* **coverage** — the share of the file's columns that land in real fields: a cell the
  import does not place in a field is kept in ``patents.extras`` under its header, so a
  column is covered when at most 1 % of its non-empty cells are found there (read from the
  store after the import, not from the reader's tables); the cells of covered columns that
  still stay in extras are listed;
* **events** — for PatSnap, the events the store holds by type against an independent
  count over the raw 法律状态事件 cells, each part typed by the table below (written here,
  not imported from patnav).
"""

from __future__ import annotations

import tempfile
import warnings
from collections import Counter
from pathlib import Path

import pandas as pd

from bench.common import DATA_DIR, median_runs, print_table, save

FOLDER = DATA_DIR / "formats" / "cn-db-exports"
REPEAT = 2

IMPORT = """
import tempfile
from pathlib import Path
import pandas  # noqa: F401  loaded at start-up by the patnav command
from patnav.ingest.pipeline import import_paths
from patnav.storage.store import PatentStore
with tempfile.TemporaryDirectory() as tmp:
    store = PatentStore.open(Path(tmp) / "b.duckdb")
    t0 = time.perf_counter()
    report = import_paths(store, [Path({path!r})])
    __result["seconds"] = time.perf_counter() - t0
    __result["read"] = report.totals["read"]
    __result["quarantined"] = report.totals["quarantined"]
    store.close()
"""

PANDAS = """
import warnings
import pandas as pd
t0 = time.perf_counter()
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    if {path!r}.endswith(".csv"):
        frame = pd.read_csv({path!r}, dtype=str, encoding="utf-8-sig", index_col=False)
    else:
        frame = pd.read_excel({path!r}, dtype=str)
__result["seconds"] = time.perf_counter() - t0
__result["rows"] = len(frame)
"""

EVENT_TYPES = {
    "授权": "grant",
    "实质审查": "examination",
    "未缴年费": "lapse",
    "权利转移": "transfer",
    "质押": "pledge",
    "驳回": "rejection",
    "撤回": "withdrawal",
    "放弃": "withdrawal",
    "许可": "licence",
    "保全": "preservation",
    "复审": "reexamination",
}
"""PatSnap's event names and the type each is (the rest — 一案双申, 公开, 无效程序,
口头审理 — decide no right and count as ``other``)."""


def _raw(path: Path) -> pd.DataFrame:
    if path.suffix == ".csv":
        return pd.read_csv(path, dtype=str, encoding="utf-8-sig", index_col=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pd.read_excel(path, dtype=str)


def _store_facts(path: Path) -> tuple[Counter[str], Counter[str], int]:
    """Import once: the cells kept in extras by header, events by type, rows stored."""
    from patnav.ingest.pipeline import import_paths
    from patnav.storage.store import PatentStore

    with (
        tempfile.TemporaryDirectory() as tmp,
        PatentStore.open(Path(tmp) / "c.duckdb") as store,
    ):
        import_paths(store, [path])
        keys = Counter(
            {
                str(k): int(n)
                for k, n in store.rows(
                    "SELECT k, count(*) FROM (SELECT unnest(json_keys(extras)) AS k "
                    "FROM patents WHERE extras IS NOT NULL) GROUP BY k"
                )
            }
        )
        events = Counter(
            {
                str(t): int(n)
                for t, n in store.rows("SELECT type, count(*) FROM events GROUP BY 1")
            }
        )
        stored = int(store.scalar("SELECT count(*) FROM patents"))
    return keys, events, stored


def _raw_events(frame: pd.DataFrame) -> Counter[str]:
    out: Counter[str] = Counter()
    for cell in frame["法律状态事件"]:
        if pd.isna(cell) or str(cell).strip() in ("", "-"):
            continue
        for part in str(cell).split("|"):
            name = part.strip()
            if name:
                out[EVENT_TYPES.get(name, "other")] += 1
    return out


def main() -> None:
    files = sorted(FOLDER.glob("*.xlsx")) + sorted(FOLDER.glob("*.csv"))
    rows, payload = [], []
    events_table: list[list[object]] = []
    for path in files:
        frame = _raw(path)
        columns = [str(c) for c in frame.columns if not str(c).startswith("Unnamed")]
        keys, events, stored = _store_facts(path)
        # a column is in fields when at most 1 % of its non-empty cells stay in extras
        # (a cell the import cannot place — an unknown office name, owner places that
        # disagree with the owners — is kept there rather than guessed)
        filled = {
            c: int(frame[c].notna().sum() - frame[c].isin(["-", ""]).sum())
            for c in columns
        }
        uncovered = sorted(
            c for c in columns if filled[c] and keys.get(c, 0) > 0.01 * filled[c]
        )
        partly = {c: keys[c] for c in columns if keys.get(c) and c not in uncovered}
        covered = len(columns) - len(uncovered)
        seconds, peak, result = median_runs(IMPORT.format(path=str(path)), REPEAT)
        base_s, _, _ = median_runs(PANDAS.format(path=str(path)), REPEAT)
        n = len(frame)
        rows.append(
            [
                path.name[:38],
                f"{n:,}",
                f"{result['quarantined']:,}",
                f"{n / seconds:,.0f}",
                f"{n / base_s:,.0f}",
                f"{seconds / base_s:.1f}x",
                f"{peak:,.0f}",
                f"{covered}/{len(columns)} ({covered / len(columns):.0%})",
            ]
        )
        payload.append(
            {
                "file": path.name,
                "rows": n,
                "stored": stored,
                "quarantined": result["quarantined"],
                "import_s": seconds,
                "pandas_s": base_s,
                "peak_mb": peak,
                "columns": len(columns),
                "covered": covered,
                "in_extras": uncovered,
                "cells_in_extras_of_covered": partly,
            }
        )
        if "法律状态事件" in frame.columns:
            raw = _raw_events(frame)
            for kind in sorted(set(raw) | set(events), key=lambda k: -raw.get(k, 0)):
                events_table.append(
                    [path.name[:24], kind, f"{raw.get(kind, 0):,}", f"{events[kind]:,}"]
                )
    print_table(
        f"cn-db-exports: import vs bare pandas read, median of {REPEAT} runs",
        [
            "file",
            "rows",
            "quarantined",
            "import rows/s",
            "pandas rows/s",
            "ratio",
            "peak MB",
            "columns in fields",
        ],
        rows,
    )
    for item in payload:
        if item["in_extras"]:
            print(f"  {item['file']}: kept in extras: {', '.join(item['in_extras'])}")
        if item["cells_in_extras_of_covered"]:
            cells = ", ".join(
                f"{c} {n:,}" for c, n in item["cells_in_extras_of_covered"].items()
            )
            print(f"  {item['file']}: cells kept in extras, not placed: {cells}")
    if events_table:
        print_table(
            "events by type: raw 法律状态事件 cells (typed here) vs the store",
            ["file", "type", "raw", "store"],
            events_table,
        )
    save("cn-exports", payload)


if __name__ == "__main__":
    main()
