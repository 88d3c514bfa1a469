"""Read labelled samples' names out of the real files, by file and stable key.

The labels in ``tests/data/`` hold no names, only where each name is: the source file
(relative to the data directory), the record's stable key (application number, Lens ID,
CCF id, publication number) and the name's position among the record's applicants. These
helpers read the names back from the real files, so a test compares the classifier with
the hand labels on unaltered data.
"""

from __future__ import annotations

import csv
import json
import random
import warnings
from collections.abc import Iterator
from pathlib import Path

import openpyxl

LABELS = Path(__file__).resolve().parents[1] / "data" / "party_types_labels.csv"

SOURCES = {
    "corpora/cn-taian-7384/taian_patents.xlsx": ("xlsx", "申请号", "申请人", ";"),
    "formats/cn-excel/cnipa_export_199.xlsx": (
        "xlsx",
        "申请号",
        "申请（专利权）人",
        ";",
    ),
    "corpora/cn-ccf-bdci-4097/expand_train_1.json": ("jsonl", "id", "assignee", ";"),
    "formats/lens-csv/lens_drones_5884.csv": ("csv", "Lens ID", "Applicants", ";;"),
    "formats/thomson-innovation/synbio.xlsx": (
        "xlsx",
        "publication_number",
        "patent_assignees_original_no_address",
        ";",
    ),
}


def _records(data_dir: Path, file: str) -> Iterator[tuple[str, str]]:
    kind, key_col, name_col, _ = SOURCES[file]
    path = data_dir / file
    if kind == "xlsx":
        # openpyxl warns "Unknown extension is not supported" about the Thomson workbook
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            wb = openpyxl.load_workbook(path, read_only=True)
            rows = wb.worksheets[0].iter_rows(values_only=True)
            head = list(next(rows))
            k, n = head.index(key_col), head.index(name_col)
            for row in rows:
                if row[k] is not None and row[n] is not None:
                    yield str(row[k]), str(row[n])
            wb.close()
    elif kind == "jsonl":
        with path.open(encoding="utf-8") as f:
            for line in f:
                obj = json.loads(line)
                yield str(obj[key_col]), str(obj[name_col] or "")
    else:
        with path.open(encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                yield row[key_col], row[name_col]


def names_of(data_dir: Path, file: str) -> dict[tuple[str, int], str]:
    """Every applicant name of one file by (record key, position from 0)."""
    sep = SOURCES[file][3]
    out: dict[tuple[str, int], str] = {}
    for key, cell in _records(data_dir, file):
        for i, name in enumerate(p.strip() for p in cell.split(sep)):
            if name and name != "NA":
                out.setdefault((key, i), name)
    return out


def draw_sample(data_dir: Path, per_file: dict[str, int], seed: int = 20240501):
    """The random sample that was labelled: distinct names, a fixed seed per file."""
    rng = random.Random(seed)
    sample = []
    for file, n in per_file.items():
        by_name: dict[str, tuple[str, int]] = {}
        for (key, i), name in sorted(names_of(data_dir, file).items()):
            by_name.setdefault(name, (key, i))
        names = sorted(by_name)
        for name in rng.sample(names, min(n, len(names))):
            key, i = by_name[name]
            sample.append((file, key, i, name))
    return sample


def labelled(data_dir: Path) -> list[tuple[str, str, int, str, str, str]]:
    """(set, file, key, position, name read from the file, hand label) for every label.

    ``set`` is ``tuning`` (the 600 names the rules were refined on) or ``holdout`` (240
    names drawn with another seed and labelled afterwards, never tuned on).
    """
    with LABELS.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    cache: dict[str, dict[tuple[str, int], str]] = {}
    out = []
    for r in rows:
        if r["file"] not in cache:
            cache[r["file"]] = names_of(data_dir, r["file"])
        names = cache[r["file"]]
        key = (r["key"], int(r["position"]))
        out.append(
            (r["set"], r["file"], r["key"], int(r["position"]), names[key], r["label"])
        )
    return out
