"""Enterprise declarations (企业申报信息) for the SME cultivation library check: a user's
table (.csv, .xlsx) or YAML file, one row per enterprise, every column optional.

The reader only parses: it returns each row's declared facts with the file and row they
come from; :mod:`patnav.models.sme.check` judges them. Headers are matched as patent
headers are (full width, brackets and spaces ignored: ``专利产业化率（%）`` =
``专利产业化率%``):

=======================  ================================================================
column                   value
=======================  ================================================================
企业名称                  the enterprise (matched with the register by name key)
统一社会信用代码          the enterprise (matched with the register by code; wins)
独立法人                  是 / 否
专精特新中小企业          是 / 否; with ``…认定日期`` and ``…有效期至`` (dates)
高新技术企业              idem
知识产权优势示范企业      国家知识产权优势企业 or 示范企业: idem
知识产权运用试点          工业企业知识产权运用试点: idem
专利产品备案              是 / 否, or the 备案 number
许可使用专利              是 / 否, or the number of patents licensed in
专利产业化率              ``55%``, ``0.55``; a number above 1 only with % in the cell or
                         the header
自有品牌                  是 / 否, or the brand / trade mark
知识产权管理体系          是 / 否, or the certificate (GB/T 29490 贯标)
产学研合作                是 / 否, or the partner: a stable co-operation with universities or
                         institutes (criterion 7)
重大安全事故 违法违规 严重失信   是 / 否 each
=======================  ================================================================

Yes: 是 有 Y yes true 1 √ 已… ; no: 否 无 N no false 0 × 未… . An empty cell is *not
declared* (unknown), never a no.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from patnav.errors import InputError, ParseError
from patnav.ingest.tabular.columns import normalize_header
from patnav.yamlsafe import load_yaml_file

STATUSES: dict[str, tuple[str, tuple[str, ...]]] = {
    "srdi_sme": ("专精特新中小企业", ("专精特新中小企业", "专精特新企业")),
    "high_tech": ("高新技术企业", ("高新技术企业",)),
    "ip_advantage_demo": (
        "国家知识产权优势/示范企业",
        (
            "知识产权优势示范企业",
            "国家知识产权优势示范企业",
            "国家知识产权优势企业",
            "国家知识产权示范企业",
            "知识产权优势企业",
            "知识产权示范企业",
        ),
    ),
    "ip_pilot": (
        "工业企业知识产权运用试点",
        (
            "知识产权运用试点",
            "工业企业知识产权运用试点",
            "工业企业知识产权运用试点企业",
        ),
    ),
}
"""The four statuses of criterion 2: code → (Chinese name, column names)."""

FLAGS: dict[str, tuple[str, ...]] = {
    "legal_person": ("独立法人", "是否独立法人", "独立法人资格"),
    "product_filing": ("专利产品备案", "是否专利产品备案", "专利产品备案号"),
    "licensed_in": ("许可使用专利", "许可专利", "被许可专利", "许可使用专利数"),
    "brand": ("自有品牌", "是否自有品牌", "品牌", "自主品牌"),
    "ip_management": (
        "知识产权管理体系",
        "知识产权管理体系贯标",
        "贯标",
        "知识产权贯标",
        "知识产权管理规范",
    ),
    "university_coop": ("产学研合作", "与高校院所合作", "产学研合作单位"),
    "accidents": ("重大安全事故", "重大事故", "重大安全质量事故"),
    "violations": ("违法违规", "违法违规行为", "重大违法违规"),
    "dishonesty": ("严重失信", "严重失信行为", "失信"),
}
"""Declared yes/no facts: field → column names."""

FLAG_ZH = {
    "legal_person": "独立法人",
    "product_filing": "专利产品备案",
    "licensed_in": "许可使用专利",
    "brand": "自有品牌",
    "ip_management": "知识产权管理体系",
    "university_coop": "产学研合作",
    "accidents": "重大安全事故",
    "violations": "违法违规",
    "dishonesty": "严重失信",
}

STRICT_FLAGS = frozenset({"legal_person", "accidents", "violations", "dishonesty"})
"""Flags that take only 是 / 否: any other text is an error, not a guess."""

_NAME = ("企业名称", "单位名称", "公司名称", "申报单位")
_USCC = ("统一社会信用代码", "社会信用代码", "信用代码")
_RATE = ("专利产业化率", "专利实施率", "专利转化率")

_YES = {"是", "有", "y", "yes", "true", "1", "√", "✓", "已", "通过"}
_NO = {"否", "无", "n", "no", "false", "0", "×", "✗", "未", "没有", "不是"}


@dataclass(frozen=True, slots=True)
class Declared:
    """A declared yes/no fact: its value and the text it was read from."""

    value: bool
    raw: str


@dataclass(frozen=True, slots=True)
class DeclaredStatus:
    """One status of criterion 2 as declared: held or not, since, valid until."""

    code: str
    held: bool | None
    granted: date | None
    valid_until: date | None
    raw: str

    @property
    def label(self) -> str:
        return STATUSES[self.code][0]


@dataclass(frozen=True, slots=True)
class Declaration:
    """One enterprise's declaration: what it declared, with its file and row."""

    name: str | None
    uscc: str | None
    file: str
    row: int
    statuses: tuple[DeclaredStatus, ...] = ()
    flags: Mapping[str, Declared] = field(default_factory=dict)
    licensed_in_count: int | None = None
    industrialization_rate: float | None = None
    rate_raw: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "uscc": self.uscc,
            "file": self.file,
            "row": self.row,
            "statuses": [
                {
                    "code": s.code,
                    "label": s.label,
                    "held": s.held,
                    "granted": s.granted.isoformat() if s.granted else None,
                    "valid_until": s.valid_until.isoformat() if s.valid_until else None,
                }
                for s in self.statuses
            ],
            "flags": {k: v.value for k, v in self.flags.items()},
            "licensed_in_count": self.licensed_in_count,
            "industrialization_rate": self.industrialization_rate,
        }


def _lookup() -> dict[str, tuple[str, str]]:
    """normalised header → (kind, key)."""
    out: dict[str, tuple[str, str]] = {}
    basics: tuple[tuple[tuple[str, ...], str, str], ...] = (
        (_NAME, "name", ""),
        (_USCC, "uscc", ""),
        (_RATE, "rate", ""),
    )
    for names, kind, key in basics:
        for n in names:
            out[normalize_header(n)] = (kind, key)
    for key, flag_names in FLAGS.items():
        for n in flag_names:
            out[normalize_header(n)] = ("flag", key)
    for code, (_label, status_names) in STATUSES.items():
        for n in status_names:
            base = normalize_header(n)
            out[base] = ("status", code)
            for suffix in ("认定日期", "认定时间", "获得日期", "认定年份"):
                out[base + normalize_header(suffix)] = ("granted", code)
            for suffix in ("有效期至", "有效期", "到期日期", "有效期截止日期"):
                out[base + normalize_header(suffix)] = ("valid", code)
    return out


_HEADERS = _lookup()


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _yes_no(text: str) -> bool | None:
    """True / False for a yes or no word, None for anything else."""
    t = text.strip().lower()
    if t in _YES or (t.startswith("已") and len(t) <= 4):
        return True
    if t in _NO or (t.startswith("未") and len(t) <= 4):
        return False
    return None


def _date(text: str, where: str, path: Path) -> date | None:
    if not text:
        return None
    t = text.strip().replace("/", "-").replace(".", "-")
    m = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日?", t)
    if m:
        t = f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}"
    m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", t)
    if m:
        t = f"{m[1]}-{m[2]}-{m[3]}"
    try:
        return date.fromisoformat(t[:10] if len(t) > 10 and t[10] in " T" else t)
    except ValueError:
        m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", t)
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                pass
    raise ParseError(
        path,
        f"{where} 不是日期：{text!r}。请写成 2024-12-31 或 2024年12月31日。",
        position=where,
    )


def _rate(text: str, header: str, where: str, path: Path) -> float | None:
    if not text:
        return None
    t = text.replace("％", "%").replace(",", "").strip()
    percent = t.endswith("%") or "%" in header
    try:
        value = float(t.rstrip("%").strip())
    except ValueError:
        raise ParseError(
            path,
            f"{where} 专利产业化率不是数：{text!r}。请写成 55% 或 0.55。",
            position=where,
        ) from None
    if percent:
        value /= 100
    elif value > 1:
        raise ParseError(
            path,
            f"{where} 专利产业化率 {text!r} 大于 1 且未注明 %：是 {text}% 还是倍数？"
            "请写成 55% 或 0.55，或在表头注明（%）。",
            position=where,
        )
    if not 0 <= value <= 1:
        raise ParseError(path, f"{where} 专利产业化率 {text!r} 不在 0–100% 之间。")
    return value


def _row(cells: Mapping[str, Any], path: Path, row: int) -> Declaration | None:
    statuses: dict[str, dict[str, Any]] = {}
    flags: dict[str, Declared] = {}
    name = uscc = None
    rate = rate_raw = None
    licensed = None
    for header, value in cells.items():
        key_text = normalize_header(header)
        # a unit in the header (专利产业化率（%）) does not change the column
        found = _HEADERS.get(key_text) or _HEADERS.get(
            key_text.replace("%", "").replace("％", "")
        )
        text = _text(value)
        if found is None or not text:
            continue
        kind, key = found
        where = f"第 {row} 行“{header}”"
        if kind == "name":
            name = text
        elif kind == "uscc":
            uscc = text.upper()
        elif kind == "rate":
            rate = _rate(text, normalize_header(header), where, path)
            rate_raw = text
        elif kind == "status":
            held = _yes_no(text)
            if held is None:
                raise ParseError(
                    path, f"{where} 应填 是 或 否，得到 {text!r}。", position=where
                )
            statuses.setdefault(key, {})["held"] = held
            statuses[key]["raw"] = text
        elif kind == "granted":
            statuses.setdefault(key, {})["granted"] = _date(text, where, path)
        elif kind == "valid":
            statuses.setdefault(key, {})["valid"] = _date(text, where, path)
        else:
            yes = _yes_no(text)
            if key == "licensed_in" and yes is None and re.fullmatch(r"\d+", text):
                licensed = int(text)
                yes = licensed > 0
            if yes is None:
                if key in STRICT_FLAGS:
                    raise ParseError(
                        path, f"{where} 应填 是 或 否，得到 {text!r}。", position=where
                    )
                # a brand name, a certificate or 备案 number, a partner: declared yes
                yes = True
            flags[key] = Declared(yes, text)
    if name is None and uscc is None:
        if statuses or flags or rate is not None:
            raise ParseError(
                path,
                f"第 {row} 行没有企业名称或统一社会信用代码，无法对应企业。",
                position=f"第 {row} 行",
            )
        return None
    return Declaration(
        name=name,
        uscc=uscc,
        file=str(path),
        row=row,
        statuses=tuple(
            DeclaredStatus(
                code=code,
                # dates without a 是/否 column: the status is declared by its dates
                held=s.get(
                    "held", True if s.get("valid") or s.get("granted") else None
                ),
                granted=s.get("granted"),
                valid_until=s.get("valid"),
                raw=str(s.get("raw", "")),
            )
            # in the order of STATUSES, whatever the order of the columns
            for code, s in sorted(
                statuses.items(), key=lambda i: list(STATUSES).index(i[0])
            )
        ),
        flags=flags,
        licensed_in_count=licensed,
        industrialization_rate=rate,
        rate_raw=rate_raw,
    )


def _table_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        data = load_yaml_file(path)
        items = data.get("enterprises") if isinstance(data, dict) else data
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ParseError(
                path,
                "expected a list of enterprises (mappings of column → value), or "
                "'enterprises:' with such a list. See docs/sme.md.",
            )
        for n, item in enumerate(items, start=1):
            yield n, {str(k): v for k, v in item.items()}
        return
    if suffix in (".xlsx", ".xlsm"):
        frame = pd.read_excel(path, dtype=object)
    elif suffix in (".csv", ".txt", ".tsv"):
        frame = None
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                frame = pd.read_csv(
                    path,
                    dtype=str,
                    encoding=encoding,
                    sep="\t" if suffix == ".tsv" else ",",
                    keep_default_na=False,
                )
                break
            except UnicodeDecodeError:
                continue
        if frame is None:
            raise ParseError(path, "neither UTF-8 nor GB18030 text.")
    else:
        raise InputError(
            f"Cannot read declarations from {path.name}: use .csv, .xlsx or .yaml "
            "(see docs/sme.md for the columns)."
        )
    # row numbers as a spreadsheet shows them: the header is row 1
    for n, record in enumerate(frame.to_dict("records"), start=2):
        yield n, {str(k): v for k, v in record.items()}


def read_declarations(path: Path | str) -> tuple[Declaration, ...]:
    """Every enterprise's declaration in ``path`` (.csv, .xlsx or .yaml).

    Raises:
        InputError: an unsupported file type.
        ParseError: a cell that is not what its column takes (a date, 是/否, a rate),
            a row with facts but no enterprise; with the file, row and column.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(f"No declarations file at {p}.")
    out = []
    for row, cells in _table_rows(p):
        d = _row(cells, p, row)
        if d is not None:
            out.append(d)
    return tuple(out)
