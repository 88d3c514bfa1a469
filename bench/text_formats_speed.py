"""Import speed and peak memory of the text readers: Derwent, Thomson, APS/BRS, PatentsView.

For each format: records/s, MB/s and peak memory (max RSS of a fresh process) of a full
``import_paths`` into a fresh DuckDB store (detect, parse, normalise, write), as the
median of several runs, beside a baseline run in the same process tree:

* Derwent .ciw, APS/BRS text: a plain Python loop that splits the file into tagged
  records (no normalisation, no store), the least any reader must do;
* Thomson xlsx: ``pandas.read_excel`` of the sheet;
* PatentsView: ``pandas.read_csv`` of the five tables and the joins on ``patent_id`` in
  memory — what a script would do, and what patnav avoids for multi-GB tables.

Memory flat in file size: each format is also resampled into larger inputs (records
repeated under fresh publication numbers; the output says so) and imported once per
scale; peak memory should stay level while the input grows.
"""

from __future__ import annotations

import csv
import re
import tempfile
from pathlib import Path

from bench.common import DATA_DIR, median_runs, print_table, save

REPEAT = 3
SCALES = {
    "derwent": (1, 4, 16),
    "thomson (csv)": (1, 8, 32),
    "uspto-aps": (1, 4, 8),  # ×300 already: 900 full-text patents, 44 MB
    "patentsview": (1, 8, 32),
}

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
    report = import_paths(store, [Path(p) for p in {paths!r}])
    __result["seconds"] = time.perf_counter() - t0
    __result["records"] = report.totals["read"]
    __result["failed"] = report.totals["failed"]
    __result["quarantined"] = report.totals["quarantined"]
    __result["formats"] = sorted({{f.format for f in report.files if f.format}})
    store.close()
"""

TAGGED = """
import re
from pathlib import Path
t0 = time.perf_counter()
n = 0
for p in {paths!r}:
    files = sorted(Path(p).glob("*")) if Path(p).is_dir() else [Path(p)]
    for f in files:
        fields = {{}}
        with open(f, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if re.match({start!r}, line):
                    n += 1
                    fields = {{}}
                tag = line[:4].strip()
                if tag and not line[0].isspace():
                    fields.setdefault(tag, []).append(line[5:])
__result["seconds"] = time.perf_counter() - t0
__result["records"] = n
"""

PANDAS_XLSX = """
import warnings
import pandas as pd
t0 = time.perf_counter()
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    frame = pd.read_excel({path!r}, dtype=str)
__result["seconds"] = time.perf_counter() - t0
__result["records"] = len(frame)
"""

PANDAS_JOIN = """
import pandas as pd
from pathlib import Path
t0 = time.perf_counter()
folder = Path({path!r})
t = {{name: pd.read_csv(next(folder.glob(f"*_{{name}}.csv")), dtype=str)
     for name in ("patent", "patent_abstract", "cpc", "inventor", "assignee")}}
frame = t["patent"].merge(t["patent_abstract"], on="patent_id", how="left")
for name in ("cpc", "inventor", "assignee"):
    grouped = t[name].groupby("patent_id").agg(list)
    frame = frame.merge(grouped, on="patent_id", how="left")
__result["seconds"] = time.perf_counter() - t0
__result["records"] = len(frame)
"""


def _size_mb(paths: list[Path]) -> float:
    total = 0
    for p in paths:
        files = [f for f in p.rglob("*") if f.is_file()] if p.is_dir() else [p]
        total += sum(f.stat().st_size for f in files)
    return total / 1e6


# -- resampling: the real records repeated under fresh numbers -----------------------


def _scaled_derwent(factor: int, folder: Path) -> Path:
    """Every DWPI record of the six files, ``factor`` times, members renumbered."""
    target = folder / f"derwent_x{factor}.ciw"
    records = []
    for path in sorted((DATA_DIR / "formats/derwent").glob("*.ciw")):
        text = path.read_text("utf-8")
        records += [r for r in re.split(r"\n(?=PT P\n)", text) if r.startswith("PT P")]
    serial = 20_000_000
    with target.open("w", encoding="utf-8") as out:
        out.write("FN Thomson Reuters Web of Science\nVR 1.0\n")
        for _ in range(factor):
            for record in records:
                body = record.split("\nER", 1)[0]
                pn = re.search(r"^PN (.*)$", body, re.M)
                members = [m.strip() for m in pn[1].split(";")] if pn else []
                for member in sorted(members, key=len, reverse=True):
                    serial += 1
                    body = body.replace(member, f"US{serial}-B2")
                out.write(body + "\nER\n\n")
        out.write("EF")
    return target


def _scaled_greenbook(factor: int, folder: Path) -> Path:
    """The three greenbook patents and six BRS documents, renumbered, ``factor`` × 300."""
    target = folder / f"aps_x{factor}.txt"
    patents = [
        p.read_text("utf-8")
        for p in sorted((DATA_DIR / "formats/uspto-xml/samples/greenbook").iterdir())
    ]
    number = 4_000_000
    with target.open("w", encoding="utf-8") as out:
        for _ in range(factor * 300):
            for text in patents:
                number += 1
                out.write(re.sub(r"^WKU  \d{9}", f"WKU  0{number}0", text, flags=re.M))
                out.write("\n")
    return target


def _scaled_thomson(factor: int, folder: Path) -> Path:
    """The Thomson sheet as CSV, rows repeated under fresh publication numbers."""
    import warnings

    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(
            DATA_DIR / "formats/thomson-innovation/synbio.xlsx", read_only=True
        )
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        book.close()
    header, body = list(rows[0]), rows[1:]
    col = header.index("publication_number")
    target = folder / f"thomson_x{factor}.csv"
    number = 9_000_000
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for _ in range(factor):
            for row in body:
                number += 1
                cells = ["" if v is None else v for v in row]
                cells[col] = f"US{number}B2"
                writer.writerow(cells)
    return target


def _scaled_patentsview(factor: int, folder: Path) -> Path:
    """The five NVIDIA tables, rows repeated with patent_id shifted per copy."""
    target = folder / f"pv_x{factor}"
    target.mkdir()
    for source in sorted((DATA_DIR / "formats/patentsview-tables").glob("*.csv")):
        with source.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        with (target / source.name).open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(rows[0])
            for copy in range(factor):
                for row in rows[1:]:
                    m = re.fullmatch(r"([A-Z]*)(\d+)", row[0])
                    if m is None:
                        continue
                    writer.writerow(
                        [f"{m[1]}{int(m[2]) + copy * 20_000_000}", *row[1:]]
                    )
    return target


# -- the benchmark -----------------------------------------------------------------------


def main() -> None:
    derwent = DATA_DIR / "formats/derwent"
    thomson = DATA_DIR / "formats/thomson-innovation/synbio.xlsx"
    pv = DATA_DIR / "formats/patentsview-tables"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        aps = _scaled_greenbook(1, folder)  # the real samples are 9 patents: ×300
        cases = [
            (
                "Derwent .ciw (6 files)",
                [derwent],
                TAGGED.format(paths=[str(derwent)], start=r"PT "),
            ),
            (
                "Thomson Innovation (xlsx)",
                [thomson],
                PANDAS_XLSX.format(path=str(thomson)),
            ),
            (
                "APS greenbook (3 patents ×300, renumbered)",
                [aps],
                TAGGED.format(paths=[str(aps)], start=r"PATN"),
            ),
            (
                "PatentsView (5 tables, joined)",
                [pv],
                PANDAS_JOIN.format(path=str(pv)),
            ),
        ]
        rows, payload = [], {}
        for label, paths, baseline in cases:
            t, mem, res = median_runs(
                PATNAV.format(paths=[str(p) for p in paths]), REPEAT
            )
            bt, bmem, _ = median_runs(baseline, REPEAT)
            assert res["failed"] == 0 and res["quarantined"] == 0, (label, res)
            size = _size_mb(paths)
            rate = res["records"] / t
            rows.append(
                [
                    label,
                    "/".join(res["formats"]),
                    f"{res['records']:,}",
                    f"{size:.1f}",
                    f"{t:.2f}",
                    f"{rate:,.0f}",
                    f"{size / t:.2f}",
                    f"{mem:.0f}",
                    f"{bt:.2f}",
                    f"{bmem:.0f}",
                    f"{t / bt:.1f}x",
                ]
            )
            payload[label] = {
                "records": res["records"],
                "mb": size,
                "seconds": t,
                "records_per_s": rate,
                "mb_per_s": size / t,
                "peak_mb": mem,
                "baseline_seconds": bt,
                "baseline_peak_mb": bmem,
                "ratio": t / bt,
            }
        print_table(
            f"import of the text formats (median of {REPEAT} runs; each run a fresh "
            "process and store)",
            [
                "input",
                "format",
                "records",
                "MB",
                "s",
                "records/s",
                "MB/s",
                "peak MB",
                "baseline s",
                "baseline MB",
                "ratio",
            ],
            rows,
        )
        print(
            "  baselines: plain tag splitting (.ciw, APS), pandas.read_excel (Thomson), "
            "pandas read_csv + in-memory joins (PatentsView); patnav also normalises "
            "and writes the store in one transaction per file"
        )

        mem_rows = []
        scalers = (
            ("derwent", _scaled_derwent),
            ("thomson (csv)", _scaled_thomson),
            ("uspto-aps", _scaled_greenbook),
            ("patentsview", _scaled_patentsview),
        )
        print("\nmemory against input size: running …", flush=True)
        for name, scale in scalers:
            for factor in SCALES[name]:
                path = scale(factor, folder)
                t, mem, res = median_runs(PATNAV.format(paths=[str(path)]), 1)
                size = _size_mb([path])
                mem_rows.append(
                    [
                        name,
                        f"x{factor}",
                        f"{res['records']:,}",
                        f"{size:.0f}",
                        f"{t:.1f}",
                        f"{res['records'] / t:,.0f}",
                        f"{mem:.0f}",
                        "ok" if res["failed"] == 0 else f"{res['failed']} failed",
                    ]
                )
                print("  " + "  ".join(mem_rows[-1]), flush=True)
                payload[f"{name} x{factor}"] = {
                    "failed": res["failed"],
                    "records": res["records"],
                    "file_mb": size,
                    "seconds": t,
                    "peak_mb": mem,
                }
                _remove(path)
        print_table(
            "memory against input size (real records resampled: repeated under fresh "
            "publication numbers / patent ids)",
            ["format", "scale", "records", "MB", "s", "records/s", "peak MB", "status"],
            mem_rows,
        )
    save("text_formats", payload)


def _remove(path: Path) -> None:
    if path.is_dir():
        for child in path.iterdir():
            child.unlink()
        path.rmdir()
    else:
        path.unlink()


if __name__ == "__main__":
    main()
