"""The 专利密集型产业 concordance a user loads (``--dense-industries FILE``): the GB/T 4754
industry codes of the 知识产权（专利）密集型产业统计分类 (2019) — patnav ships no copy of
the list and never makes one up; without the file criterion 3 is unknown.

The file is a table (.csv, .xlsx) with a code column (行业代码, 国民经济行业代码,
国民经济行业分类代码, 代码) and optionally a name (行业名称, 名称) and a partial mark (部分,
备注, 说明: ``*`` or 部分). The statistical classification marks with ``*`` the GB/T 4754
classes only partly included; a code ending in ``*`` is partial too. A plain text file
holds one code per line (``#`` starts a comment). Codes are GB/T 4754 codes with or
without their section letter (``C2614`` = ``2614``); a division or group code (``26``,
``261``) covers every class under it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from patnav.errors import InputError, ParseError
from patnav.ingest.tabular.columns import normalize_header

_CODE = (
    "行业代码",
    "国民经济行业代码",
    "国民经济行业分类代码",
    "代码",
    "code",
    "小类代码",
)
_NAME = ("行业名称", "名称", "国民经济行业名称", "name")
_PART = ("部分", "备注", "说明", "partial")


@dataclass(frozen=True, slots=True)
class DenseIndustry:
    """One entry of the concordance: digits of the GB/T 4754 code, name, partial."""

    code: str
    name: str | None
    partial: bool
    row: int


@dataclass(frozen=True, slots=True)
class DenseIndustries:
    """The loaded concordance and the file it came from."""

    entries: tuple[DenseIndustry, ...]
    source: str

    def match(self, industry_code: str | None) -> tuple[str, tuple[DenseIndustry, ...]]:
        """How a register code stands against the list: ``pass`` (a listed code covers
        it), ``partial`` (covered only by a partly included class), ``finer`` (the code
        is coarser than the list: some of its classes are listed, which one is the
        enterprise's is unknown), ``fail`` (no listed code is in it or covers it),
        ``unknown`` (no digits); with the entries concerned."""
        digits = code_digits(industry_code)
        if not digits:
            return "unknown", ()
        covering = tuple(e for e in self.entries if digits.startswith(e.code))
        if covering:
            full = tuple(e for e in covering if not e.partial)
            return ("pass", full) if full else ("partial", covering)
        under = tuple(e for e in self.entries if e.code.startswith(digits))
        if under:
            return "finer", under
        return "fail", ()


def code_digits(code: str | None) -> str:
    """The digits of a GB/T 4754 code (``C3562`` → ``3562``); ``""`` when none."""
    if not code:
        return ""
    m = re.fullmatch(r"[A-Ta-t]?\s*(\d{2,4})\*?", code.strip().replace(" ", ""))
    return m[1] if m else ""


def _column(headers: list[str], names: tuple[str, ...]) -> str | None:
    keys = {normalize_header(n) for n in names}
    return next((h for h in headers if normalize_header(h) in keys), None)


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


def read_dense_industries(path: Path | str) -> DenseIndustries:
    """The concordance in ``path`` (see the module docstring).

    Raises:
        InputError: no such file, an unsupported type, no code column.
        ParseError: a code that is not a GB/T 4754 division, group or class; an empty list.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(f"No 专利密集型产业 list at {p}.")
    suffix = p.suffix.lower()
    rows: list[tuple[int, str, str, str]] = []
    if suffix == ".txt":
        for n, line in enumerate(p.read_text(encoding="utf-8-sig").splitlines(), 1):
            text = line.split("#", 1)[0].strip()
            if text:
                rows.append((n, text, "", ""))
    elif suffix in (".csv", ".xlsx", ".xlsm"):
        if suffix == ".csv":
            try:
                frame = pd.read_csv(p, dtype=str, encoding="utf-8-sig")
            except UnicodeDecodeError:
                frame = pd.read_csv(p, dtype=str, encoding="gb18030")
        else:
            frame = pd.read_excel(p, dtype=str)
        headers = [str(h) for h in frame.columns]
        code_col = _column(headers, _CODE)
        if code_col is None:
            raise InputError(
                f"{p.name}: no code column; name one of {', '.join(_CODE)} "
                "(see docs/sme.md)."
            )
        name_col = _column(headers, _NAME)
        part_col = _column(headers, _PART)
        for n, rec in enumerate(frame.to_dict("records"), start=2):
            code = _cell(rec[code_col])
            if code:
                rows.append(
                    (
                        n,
                        code,
                        _cell(rec[name_col]) if name_col else "",
                        _cell(rec[part_col]) if part_col else "",
                    )
                )
    else:
        raise InputError(
            f"Cannot read the 专利密集型产业 list {p.name}: use .csv, .xlsx or .txt."
        )
    entries = []
    for n, code, name, part in rows:
        digits = code_digits(code)
        if not digits:
            raise ParseError(
                p,
                f"第 {n} 行 {code!r} 不是 GB/T 4754 行业代码（大类、中类或小类，如 C26、"
                "261、2614）。",
                position=f"第 {n} 行",
            )
        entries.append(
            DenseIndustry(
                code=digits,
                name=name or None,
                partial=code.endswith("*") or "*" in part or "部分" in part,
                row=n,
            )
        )
    if not entries:
        raise ParseError(p, "the list holds no industry code.")
    return DenseIndustries(entries=tuple(entries), source=str(p))
