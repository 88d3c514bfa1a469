"""Import throughput and peak memory, against a plain pandas read of the same file.

Files: the Tai'an corpus (xlsx, 7,384 rows) and the Patentscope pizza export (three XLS in a
zip, 24,294 rows). Each figure is the median of several runs, each in a fresh process so
peak memory (max RSS) is the run's own. patnav's time covers everything an import does:
detect, parse, normalise, write to DuckDB in one transaction per file. The pandas baseline
only parses the sheet into a DataFrame.

Memory flat in file size: the Lens drone CSV is resampled into larger files (rows repeated
with fresh publication numbers — the output says so) and imported; peak memory should not
grow with the file.

Limits on (issue 12): hostile inputs next to a good file — the 3.4 MB zip of 3,000 members
of just under 1 MiB that took a store offline (3 min, 1.34 GB, 22 GB written before), a
zip holding a text file with a bare carriage return and the good file, and a CSV whose
middle line is 64 MB long — each imported into a fresh store with the default limits.
"""

from __future__ import annotations

import csv
import tempfile
import zipfile
from pathlib import Path

from bench.common import DATA_DIR, median_runs, print_table, save

REPEAT = 3

PATNAV = """
import tempfile
from pathlib import Path
import pandas  # noqa: F401  `patnav` loads it at start-up; pyarrow would import it
               # inside the timed region on first use
from patnav.ingest.pipeline import import_paths
from patnav.storage.store import PatentStore
with tempfile.TemporaryDirectory() as tmp:
    store = PatentStore.open(Path(tmp) / "b.duckdb")
    t0 = time.perf_counter()
    report = import_paths(store, [Path({path!r})])
    __result["seconds"] = time.perf_counter() - t0
    __result["records"] = report.totals["read"]
    __result["failed"] = report.totals["failed"]
    __result["quarantined"] = report.totals["quarantined"]
    store.close()
"""

PANDAS_XLSX = """
import pandas as pd
t0 = time.perf_counter()
frame = pd.read_excel({path!r}, dtype=str)
__result["seconds"] = time.perf_counter() - t0
__result["records"] = len(frame)
"""

PANDAS_ZIP_XLS = """
import io, zipfile
import pandas as pd
t0 = time.perf_counter()
n = 0
with zipfile.ZipFile({path!r}) as zf:
    for name in zf.namelist():
        if name.endswith(".xls") and "__MACOSX" not in name:
            n += len(pd.read_excel(io.BytesIO(zf.read(name)), header=2, dtype=str))
__result["seconds"] = time.perf_counter() - t0
__result["records"] = n
"""

PANDAS_CSV = """
import pandas as pd
t0 = time.perf_counter()
frame = pd.read_csv({path!r}, dtype=str)
__result["seconds"] = time.perf_counter() - t0
__result["records"] = len(frame)
"""


def _scaled_lens(factor: int, folder: Path) -> Path:
    """The Lens drone CSV with its rows repeated ``factor`` times under fresh numbers."""
    source = DATA_DIR / "formats/lens-csv/lens_drones_5884.csv"
    target = folder / f"lens_drones_x{factor}.csv"
    with source.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    col = header.index("Publication Number")
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for copy in range(factor):
            for i, row in enumerate(body):
                row = list(row)
                # a fresh, valid number for every copy
                row[col] = f"CN {100_000_000 + copy * 100_000 + i} A"
                writer.writerow(row)
    return target


LIMITS = """
import tempfile
from pathlib import Path
import pandas  # noqa: F401
from patnav.ingest.pipeline import import_paths
from patnav.storage.store import PatentStore
with tempfile.TemporaryDirectory() as tmp:
    store = PatentStore.open(Path(tmp) / "b.duckdb")
    t0 = time.perf_counter()
    report = import_paths(store, [Path(p) for p in {paths!r}])
    __result["seconds"] = time.perf_counter() - t0
    __result["records"] = report.totals["new"]
    __result["failed"] = report.totals["failed"] + report.totals["skipped"]
    __result["quarantined"] = report.totals["quarantined"]
    __result["longest_message"] = max(
        len(f.message or "") for f in report.files
    )
    store.close()
"""


def _hostile_cases(folder: Path) -> list[tuple[str, list[Path]]]:
    """Hostile inputs, each beside the first 1,000 rows of the Lens drone export."""
    from tests.ingest.bombs import MEMBER_JUST_UNDER_1_MIB, repeated_member_zip

    source = DATA_DIR / "formats/lens-csv/lens_drones_5884.csv"
    with source.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))[:1001]
    good = folder / "lens_1000.csv"
    with good.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    bomb = repeated_member_zip(
        folder / "bomb.zip", members=3000, data=MEMBER_JUST_UNDER_1_MIB
    )
    upload = folder / "upload.zip"
    with zipfile.ZipFile(upload, "w") as zf:
        zf.writestr("notes.txt", b"hello\rworld\r")
        zf.write(good, "lens_1000.csv")
    long_line = folder / "long_line.csv"
    with long_line.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerows(rows[:500])
        out.write("CN100000001A," + "x" * (64 * 1024 * 1024) + "\n")
        writer.writerows(rows[500:])
    return [
        ("3,000-member zip bomb + 1,000-record CSV", [bomb, good]),
        ("zip: bare-CR text file + 1,000-record CSV", [upload]),
        ("CSV with a 64 MB line among 1,000 records", [long_line]),
    ]


def limits() -> dict[str, object]:
    """Imports of hostile inputs with the limits on: time, memory, what was kept."""
    rows, payload = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, paths in _hostile_cases(Path(tmp)):
            t, mem, res = median_runs(
                LIMITS.format(paths=[str(p) for p in paths]), REPEAT
            )
            assert res["records"] == 1000, (label, res)
            rows.append(
                [
                    label,
                    f"{res['records']:,}",
                    f"{res['failed']}",
                    f"{res['quarantined']}",
                    f"{t:.2f}",
                    f"{mem:.0f}",
                    f"{res['longest_message']:,}",
                ]
            )
            payload[label] = {
                "records": res["records"],
                "seconds": t,
                "peak_mb": mem,
                "failed_or_skipped": res["failed"],
                "quarantined": res["quarantined"],
                "longest_message": res["longest_message"],
            }
    print_table(
        f"hostile inputs with the limits on (median of {REPEAT} runs; fresh process and "
        "store each)",
        [
            "input",
            "imported",
            "failed/skipped",
            "quarantined",
            "s",
            "peak MB",
            "longest message",
        ],
        rows,
    )
    return payload


def main() -> None:
    cases = [
        (
            "Tai'an corpus (xlsx)",
            DATA_DIR / "corpora/cn-taian-7384/taian_patents.xlsx",
            PANDAS_XLSX,
        ),
        (
            "Patentscope pizza (zip of 3 xls)",
            DATA_DIR / "formats/patentscope/pizza_all_24294_raw.zip",
            PANDAS_ZIP_XLS,
        ),
        (
            "Lens drones (csv)",
            DATA_DIR / "formats/lens-csv/lens_drones_5884.csv",
            PANDAS_CSV,
        ),
    ]
    rows, payload = [], {}
    for label, path, baseline in cases:
        t, mem, res = median_runs(PATNAV.format(path=str(path)), REPEAT)
        bt, bmem, _ = median_runs(baseline.format(path=str(path)), REPEAT)
        assert res["failed"] == 0 and res["quarantined"] == 0, label
        rate = res["records"] / t
        rows.append(
            [
                label,
                f"{res['records']:,}",
                f"{t:.2f}",
                f"{rate:,.0f}",
                f"{mem:.0f}",
                f"{bt:.2f}",
                f"{bmem:.0f}",
                f"{t / bt:.2f}x",
            ]
        )
        payload[label] = {
            "records": res["records"],
            "seconds": t,
            "records_per_s": rate,
            "peak_mb": mem,
            "pandas_seconds": bt,
            "pandas_peak_mb": bmem,
            "ratio": t / bt,
        }
    print_table(
        f"import throughput (median of {REPEAT} runs; each run a fresh process and store)",
        [
            "file",
            "records",
            "patnav s",
            "records/s",
            "peak MB",
            "pandas s",
            "pandas MB",
            "patnav/pandas",
        ],
        rows,
    )
    print(
        "  budget: >= 2,000 records/s; pandas only parses, patnav parses, normalises and "
        "writes the store"
    )

    mem_rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for factor in (1, 8, 32):
            path = _scaled_lens(factor, Path(tmp))
            t, mem, res = median_runs(PATNAV.format(path=str(path)), 1)
            assert res["quarantined"] == 0, res
            size = path.stat().st_size / 1e6
            mem_rows.append(
                [
                    f"x{factor}",
                    f"{res['records']:,}",
                    f"{size:.0f}",
                    f"{t:.1f}",
                    f"{res['records'] / t:,.0f}",
                    f"{mem:.0f}",
                ]
            )
            payload[f"lens x{factor}"] = {
                "records": res["records"],
                "file_mb": size,
                "seconds": t,
                "peak_mb": mem,
            }
    print_table(
        "memory against file size (Lens drone CSV resampled: rows repeated with fresh "
        "publication numbers)",
        ["scale", "records", "file MB", "s", "records/s", "peak MB"],
        mem_rows,
    )
    payload["limits"] = limits()
    save("import", payload)


if __name__ == "__main__":
    main()
