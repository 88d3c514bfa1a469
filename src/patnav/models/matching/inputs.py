"""The two files supply–demand matching reads (issue 18): owners' listings and
enterprises' technical needs. Readers only: each row becomes a frozen record; nothing is
looked up in the store here.

**Listings** (开放许可 declarations, patents offered for transfer or licence), CSV (UTF-8,
with or without BOM) or XLSX, first sheet, one row per patent:

========== ======== ==============================================================
column     required meaning
========== ======== ==============================================================
公开号      yes      the publication number, as any source writes it (CN112345678A,
                    CN 112345678 A); matched against the store's documents
许可类型    yes      开放许可, 转让 or 许可 (exclusive/ordinary licences: 许可)
费用/条件   no       the fee and conditions as the owner states them (free text, kept
                    as written; 费用 and 条件 may also be two columns, joined with "；")
========== ======== ==============================================================

**Needs** (企业技术需求), CSV or XLSX (first sheet) or JSONL (one object a line), one row
per need:

============ ======== ============================================================
column / key required meaning
============ ======== ============================================================
需求 / text   yes      the need in free text: the problem, what the product must do
编号 / id     no       the need's identifier (default: its row number, from 1)
企业 / enterprise no   the enterprise stating it
IPC / ipc     no       IPC classes narrowing the patents (G06F, H04L29/06), several
                      separated by ``;`` ``,`` ``；`` ``，`` or spaces (a JSON list too)
行业 / industry no     the enterprise's industry (free text, shown; not a filter)
地区 / region  no      a province (湖北, 湖北省) or city (武汉): only patents whose owner
                      is there
============ ======== ============================================================
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from patnav.errors import InputError, ParseError

LICENCE_TYPES = ("开放许可", "转让", "许可")
"""The listing types a listings file may give."""

_SPLIT = re.compile(r"[;,；，、\s]+")


@dataclass(frozen=True, slots=True)
class Listing:
    """One patent its owner offers (a row of the listings file)."""

    pub_number: str
    """As the file writes it."""
    licence_type: str
    """开放许可, 转让 or 许可."""
    terms: str | None
    """费用/条件 as written; None: not given."""
    row: int
    """The file's row number, from 1 (the header not counted)."""


@dataclass(frozen=True, slots=True)
class Need:
    """One enterprise's technical need."""

    need_id: str
    text: str
    enterprise: str | None = None
    ipc: tuple[str, ...] = ()
    industry: str | None = None
    region: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.need_id,
            "text": self.text,
            "enterprise": self.enterprise,
            "ipc": list(self.ipc),
            "industry": self.industry,
            "region": self.region,
        }


def _frame(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise InputError(
            f"No file at {path}: give the path of a CSV, XLSX or JSONL file."
        )
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return pd.read_excel(path, dtype=str)
        if suffix == ".csv":
            return pd.read_csv(path, dtype=str, encoding="utf-8-sig")
        if suffix in (".jsonl", ".json"):
            rows = [
                json.loads(line)
                for line in path.read_text(encoding="utf-8-sig").splitlines()
                if line.strip()
            ]
            return pd.DataFrame(rows)
    except (ValueError, OSError) as exc:
        raise ParseError(path, str(exc)) from exc
    raise InputError(
        f"Cannot read {path}: give a .csv, .xlsx or .jsonl file (got '{suffix}')."
    )


def _cell(row: pd.Series, *names: str) -> Any:
    for name in names:
        if name in row.index:
            value = row[name]
            if isinstance(value, list):
                return value
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                continue
            text = str(value).strip()
            if text and text != "-":
                return text
    return None


def _column(frame: pd.DataFrame, path: Path, *names: str) -> None:
    if not any(n in frame.columns for n in names):
        raise ParseError(
            path,
            f"no column {' or '.join(names)}; the columns are "
            f"{', '.join(map(str, frame.columns))}",
        )


def read_listings(path: Path) -> tuple[Listing, ...]:
    """The listings of a CSV or XLSX file (columns in the module docstring).

    Raises:
        ParseError: a required column is missing, or a row's 许可类型 is not one of
            :data:`LICENCE_TYPES`.
    """
    frame = _frame(path)
    _column(frame, path, "公开号")
    _column(frame, path, "许可类型")
    out = []
    for i, (_, row) in enumerate(frame.iterrows(), 1):
        number = _cell(row, "公开号")
        if number is None:
            continue
        kind = _cell(row, "许可类型")
        if kind not in LICENCE_TYPES:
            raise ParseError(
                path,
                f"许可类型 '{kind or ''}' is not one of {'、'.join(LICENCE_TYPES)}",
                position=f"row {i}",
            )
        terms = _cell(row, "费用/条件")
        if terms is None:
            parts = [_cell(row, "费用"), _cell(row, "条件")]
            terms = "；".join(str(p) for p in parts if p) or None
        out.append(Listing(str(number), str(kind), terms, i))
    return tuple(out)


def _classes(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else _SPLIT.split(str(value))
    return tuple(s.strip().replace(" ", "").upper() for s in items if str(s).strip())


def read_needs(path: Path) -> tuple[Need, ...]:
    """The needs of a CSV, XLSX or JSONL file (columns in the module docstring).

    Raises:
        ParseError: no 需求/text column, or no need in the file.
    """
    frame = _frame(path)
    _column(frame, path, "需求", "text")
    out = []
    for i, (_, row) in enumerate(frame.iterrows(), 1):
        text = _cell(row, "需求", "text")
        if text is None:
            continue
        out.append(
            Need(
                need_id=str(_cell(row, "编号", "id") or i),
                text=str(text),
                enterprise=_cell(row, "企业", "enterprise"),
                ipc=_classes(_cell(row, "IPC", "ipc")),
                industry=_cell(row, "行业", "industry"),
                region=_cell(row, "地区", "region"),
            )
        )
    if not out:
        raise ParseError(path, "no need in the file (every 需求/text cell is empty)")
    return tuple(out)
