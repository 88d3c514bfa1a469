"""Read enterprise registers (企业库): the spreadsheets and CSV files offices hold and the
lists ministries publish (专精特新"小巨人"企业名单, 高新技术企业认定名单 …).

A register is a table with a header row; Chinese header variants are recognised as for
patents (the header is normalised the same way: 企业名称（全称） → 企业名称全称). Rows above the
header are the list's title: a qualification it names (第三批专精特新“小巨人”企业名单) applies
to every row, with the title's year. Values are normalised: amounts to 万元 from 元, 万元 or
亿元 (stated in the header, ``营业收入（亿元）``, or in the cell, ``3.2亿``), dates, regions
through the gazetteer, GB/T 4754 industry codes, qualifications with their years, listing
status. A row that cannot be read — no name, an invalid 统一社会信用代码, a value that is
not what its column holds — is rejected with its reason; the rest of the file goes on.

The reader only parses: :mod:`patnav.enterprises.store` writes what it reads.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl

from patnav.enrich.gazetteer import Place, gazetteer, parse_address
from patnav.enterprises.sizes import industry_code
from patnav.enterprises.uscc import validate_uscc
from patnav.enterprises.vocabulary import (
    QUALIFICATIONS,
    Qualification,
    held_years,
    parse_listing,
    parse_qualification,
    parse_qualifications,
    qualification_code,
)
from patnav.errors import InvalidParameterError, ParseError, excerpt
from patnav.ingest.base import (
    LimitedReader,
    Notice,
    ReadOptions,
    Rejected,
    Source,
    file_source,
)
from patnav.ingest.encoding import detect_encoding
from patnav.ingest.readers.xlsx import check_workbook
from patnav.ingest.tabular.columns import normalize_header, recognise
from patnav.ingest.values import cell_text, clean_name, parse_date

FIELDS: dict[str, tuple[str, ...]] = {
    "name": (
        "企业名称", "单位名称", "公司名称", "企业全称", "企业名称全称",
        "申报单位", "申报企业", "申报企业名称", "纳税人名称", "企业", "单位",
    ),
    "uscc": (
        "统一社会信用代码", "社会信用代码", "信用代码", "统一代码",
        "组织机构代码/统一社会信用代码", "纳税人识别号", "统一社会信用代码注册号",
    ),
    "former_names": ("曾用名", "原名称", "企业曾用名", "原企业名称", "更名前名称"),
    "region": (
        "所在地区", "地区", "所属地区", "所在地", "区域", "所在市县", "地市", "所属市州",
        "市州", "所属区域", "所在区域", "属地",
    ),
    "province": ("省份", "所在省份", "省", "所属省份", "省市"),
    "city": ("城市", "所在城市", "市", "所属城市", "地级市"),
    "district": ("区县", "县区", "所在区县", "所属区县", "县市区"),
    "address": ("注册地址", "地址", "企业地址", "住所", "通讯地址", "注册地"),
    "founded": ("成立日期", "成立时间", "注册日期", "成立年份", "注册时间", "设立日期"),
    "employees": (
        "从业人员", "从业人数", "职工人数", "员工人数", "从业人员数", "年末从业人员",
        "职工总数", "从业人员数量", "员工总数",
    ),
    "revenue": (
        "营业收入", "主营业务收入", "年营业收入", "销售收入", "营业总收入",
    ),
    "assets": ("资产总额", "总资产", "资产总计"),
    "rd_spending": (
        "研发投入", "研发费用", "研发经费", "研发经费支出", "r&d经费", "研发费用总额",
        "研究开发费用",
    ),
    "rd_staff": ("研发人员", "研发人员数", "研发人员数量", "科技人员", "研发人数"),
    "industry": (
        "所属行业", "行业", "行业分类", "国民经济行业", "国民经济行业分类", "行业代码",
        "行业门类", "所属国民经济行业", "国民经济行业代码",
    ),
    "qualifications": ("资质", "企业资质", "荣誉资质", "认定类型", "称号", "资质荣誉"),
    "year": ("年份", "年度", "认定年份", "认定年度", "公布年份", "入选年份", "认定时间"),
    "batch": ("批次", "认定批次", "入选批次"),
    "listing": ("上市情况", "是否上市", "上市状态", "上市板块", "上市", "上市情况板块"),
    "stock_code": ("股票代码", "证券代码"),
    "note": ("备注", "说明"),
    "seq": ("序号", "编号", "no"),
}  # fmt: skip
"""Fields of a register and the headers that name them (normalised on lookup)."""

AMOUNT_FIELDS = ("revenue", "assets", "rd_spending")
COUNT_FIELDS = ("employees", "rd_staff")
AMOUNT_UNITS: dict[str, float] = {"元": 1e-4, "千元": 0.1, "万元": 1.0, "亿元": 1e4}
"""Amount units and their factor to 万元."""

_LOOKUP = {normalize_header(h): f for f, hs in FIELDS.items() for h in hs}
_HEADER_UNIT = re.compile(r"^(?:(\d{4})年度?)?(.*?)(万元|亿元|千元|元|人|家|个)?$")
_CELL_AMOUNT = re.compile(
    r"^([-+]?\d[\d,，]*(?:\.\d+)?)\s*(亿元|万元|千元|元|亿|万|千)?$"
)
_CELL_COUNT = re.compile(r"^(\d[\d,，]*)(?:\.0+)?\s*(?:人|名)?$")
_YEAR_ONLY = re.compile(r"^((?:19|20)\d{2})\s*年?$")
_TITLE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
MAX_HEADER_SEARCH = 20


@dataclass(frozen=True, slots=True)
class Column:
    """A register column: its field, and the unit or year its header states."""

    index: int
    header: str
    field: str | None
    unit: str | None = None
    year: int | None = None
    qualification: str | None = None


@dataclass(frozen=True, slots=True)
class EnterpriseRecord:
    """One enterprise as a register row gives it, normalised."""

    name: str
    uscc: str | None = None
    former_names: tuple[str, ...] = ()
    region_raw: str | None = None
    address: str | None = None
    country: str | None = None
    province: str | None = None
    city: str | None = None
    district: str | None = None
    region_code: str | None = None
    location_source: str | None = None
    founded: date | None = None
    founded_year: int | None = None
    employees: int | None = None
    revenue_wan: float | None = None
    assets_wan: float | None = None
    rd_spending_wan: float | None = None
    rd_staff: int | None = None
    figures_year: int | None = None
    industry_code: str | None = None
    industry_raw: str | None = None
    listing: str | None = None
    listing_raw: str | None = None
    stock_code: str | None = None
    note: str | None = None
    qualifications: tuple[Qualification, ...] = ()


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """A row read: its enterprise and where it was."""

    record: EnterpriseRecord
    position: str
    row_number: int


RegisterItem = RegisterRow | Rejected | Notice


@dataclass(frozen=True, slots=True)
class ListContext:
    """What the list as a whole says: a qualification (from the title, the file name or
    the caller) and its year."""

    qualification: str | None = None
    year: int | None = None
    title: str | None = None
    amount_unit: str | None = None
    columns: tuple[Column, ...] = field(default_factory=tuple)


def plan_header(cells: Sequence[object]) -> list[Column]:
    """The columns of a header row."""
    out = []
    for i, cell in enumerate(cells):
        text = cell_text(cell) or ""
        key = normalize_header(text)
        m = _HEADER_UNIT.match(key)
        year = int(m.group(1)) if m and m.group(1) else None
        stem = m.group(2) if m else key
        unit = m.group(3) if m else None
        name = (
            _LOOKUP.get(key)
            or _LOOKUP.get(stem)
            or _LOOKUP.get(stem.removesuffix("全称"))
        )
        qualification = None
        if name is None and text:
            qualification = qualification_code(text)
            if qualification is not None:
                name = "qualification_column"
        if name is not None and name not in AMOUNT_FIELDS and name not in COUNT_FIELDS:
            unit = None
        out.append(Column(i, text, name, unit, year, qualification))
    return out


_PATENT_FIELDS = frozenset({"app_number", "pub_number", "ipc_main", "abstract"})


def _is_header(columns: list[Column]) -> bool:
    fields = {c.field for c in columns if c.field}
    if {recognise(c.header) for c in columns} & _PATENT_FIELDS:
        return False  # a patent export, not an enterprise list
    return "name" in fields and len(fields) >= 2


def _amount(
    text: str, unit: str | None, default_unit: str | None, header: str
) -> float:
    value = unicodedata.normalize("NFKC", text).replace(" ", "")
    m = _CELL_AMOUNT.match(value)
    if not m:
        raise ValueError(f"{header}“{_short(text, 40)}”不是金额")
    number = float(m.group(1).replace(",", "").replace("，", ""))
    cell_unit = m.group(2)
    if cell_unit and not cell_unit.endswith("元"):
        cell_unit += "元"
    chosen = cell_unit or unit or default_unit
    if chosen is None:
        raise ValueError(
            f"{header}“{_short(text, 40)}”未注明单位：在表头写明（如“营业收入（万元）”），"
            "或导入时给出 --unit"
        )
    return number * AMOUNT_UNITS[chosen]


def _count(text: str, header: str) -> int:
    value = unicodedata.normalize("NFKC", text).replace(" ", "")
    m = _CELL_COUNT.match(value)
    if not m:
        raise ValueError(f"{header}“{_short(text, 40)}”不是人数")
    return int(m.group(1).replace(",", "").replace("，", ""))


def _place_of(
    region: str | None, address: str | None, code: str | None
) -> tuple[Place | None, str | None]:
    for text, source in ((region, "register"), (address, "address")):
        if text:
            place = parse_address(text)
            if place is not None and place.country is not None:
                return place, source
    if code:
        division = gazetteer().by_code.get(code)
        if division is not None:
            return (
                Place(
                    "CN",
                    division.province,
                    division.city,
                    division.district,
                    division.code,
                ),
                "uscc",
            )
    return None, None


def row_to_record(cells: Sequence[object], context: ListContext) -> EnterpriseRecord:
    """An enterprise from a row under ``context``'s header.

    Raises:
        ValueError: the row has no name, an invalid code, or a value that is not what its
            column holds (the message, in Chinese, says which).
    """
    values, units, years, held_columns = _cell_values(cells, context)
    name = clean_name(values.get("name", ""))
    if not name:
        raise ValueError("没有企业名称")
    row_year = _row_year(values)
    uscc = None
    region_from_code = None
    if "uscc" in values:
        check = validate_uscc(values["uscc"])
        if not check.valid:
            raise ValueError(
                f"统一社会信用代码“{_short(values['uscc'], 40)}”无效：{check.reason}"
            )
        uscc, region_from_code = check.code, check.region_code
    founded, founded_year = _founded(values)
    amounts: dict[str, float | None] = {}
    for f in AMOUNT_FIELDS:
        amounts[f] = (
            _amount(values[f], units[f], context.amount_unit, _HEADER_ZH[f])
            if f in values
            else None
        )
    counts: dict[str, int | None] = {
        f: _count(values[f], _HEADER_ZH[f]) if f in values else None
        for f in COUNT_FIELDS
    }
    figures_year = next(
        (years[f] for f in (*AMOUNT_FIELDS, *COUNT_FIELDS) if years.get(f)), None
    )
    region = (
        " ".join(
            values[f] for f in ("province", "city", "district", "region") if f in values
        )
        or None
    )
    place, location_source = _place_of(region, values.get("address"), region_from_code)
    quals: list[Qualification] = []
    if "qualifications" in values:
        quals.extend(parse_qualifications(values["qualifications"], year=row_year))
    quals.extend(_held_qualifications(held_columns, row_year))
    if context.qualification is not None:
        quals.append(_list_qualification(context, values, row_year))
    listing_raw = values.get("listing") or values.get("stock_code")
    listing = parse_listing(listing_raw)
    industry_raw = values.get("industry")
    former = tuple(
        n
        for n in (
            clean_name(p)
            for p in re.split(r"[;；、,，\n]+", values.get("former_names", ""))
        )
        if n and n != name
    )
    return EnterpriseRecord(
        name=name,
        uscc=uscc,
        former_names=former,
        region_raw=region,
        address=values.get("address"),
        country=place.country if place else None,
        province=place.province if place else None,
        city=place.city if place else None,
        district=place.district if place else None,
        region_code=place.region_code if place else None,
        location_source=location_source,
        founded=founded,
        founded_year=founded_year,
        employees=counts["employees"],
        revenue_wan=amounts["revenue"],
        assets_wan=amounts["assets"],
        rd_spending_wan=amounts["rd_spending"],
        rd_staff=counts["rd_staff"],
        figures_year=figures_year,
        industry_code=industry_code(industry_raw),
        industry_raw=industry_raw,
        listing=listing,
        listing_raw=listing_raw,
        stock_code=values.get("stock_code"),
        note=values.get("note"),
        qualifications=tuple(_dedupe(quals)),
    )


def _cell_values(
    cells: Sequence[object], context: ListContext
) -> tuple[
    dict[str, str],
    dict[str, str | None],
    dict[str, int | None],
    list[tuple[Column, str]],
]:
    """A row's text by field (the first column of a field wins) with each field's unit
    and year from its header, and the qualification columns with their text."""
    values: dict[str, str] = {}
    units: dict[str, str | None] = {}
    years: dict[str, int | None] = {}
    held_columns: list[tuple[Column, str]] = []
    for col in context.columns:
        if col.field is None or col.index >= len(cells):
            continue
        text = cell_text(cells[col.index])
        if text is None:
            continue
        if col.field == "qualification_column":
            held_columns.append((col, text))
            continue
        if col.field in values:  # a second column of the same field: keep the first
            continue
        values[col.field] = text
        units[col.field] = col.unit
        years[col.field] = col.year
    return values, units, years, held_columns


def _row_year(values: dict[str, str]) -> int | None:
    """The row's own year column, if it has one."""
    if "year" not in values:
        return None
    y = re.search(r"(?:19|20)\d{2}", values["year"])
    if y is None:
        raise ValueError(f"年份“{_short(values['year'], 40)}”不是年份")
    return int(y.group(0))


def _founded(values: dict[str, str]) -> tuple[date | None, int | None]:
    """The founding date (None when only a year is given) and year."""
    if "founded" not in values:
        return None, None
    m = _YEAR_ONLY.match(unicodedata.normalize("NFKC", values["founded"]))
    if m:
        return None, int(m.group(1))
    try:
        founded = parse_date(values["founded"])
    except ValueError:
        raise ValueError(f"成立日期“{_short(values['founded'], 40)}”不是日期") from None
    return founded, founded.year if founded else None


def _held_qualifications(
    held_columns: list[tuple[Column, str]], row_year: int | None
) -> list[Qualification]:
    """The qualifications a row holds by its qualification columns (是/否 or years)."""
    quals: list[Qualification] = []
    for col, text in held_columns:
        held, held_in = held_years(text)
        if held is None:
            raise ValueError(f"{col.header}“{_short(text, 40)}”不是年份或是/否")
        if held and col.qualification:
            held_q = parse_qualification(col.header, year=col.year or row_year)
            assert held_q is not None
            held_list: list[int | None] = [*held_in] or [held_q.year]
            for held_year in held_list:
                quals.append(
                    Qualification(
                        held_q.code,
                        held_year,
                        held_q.batch,
                        held_q.level,
                        f"{col.header}: {text}",
                    )
                )
    return quals


def _list_qualification(
    context: ListContext, values: dict[str, str], row_year: int | None
) -> Qualification:
    """The qualification every row of a list holds (the list's title says which)."""
    assert context.qualification is not None
    q = parse_qualification(context.title or "", year=context.year) or Qualification(
        context.qualification, context.year
    )
    batch = values.get("batch") or q.batch
    return Qualification(
        context.qualification,
        row_year or context.year,
        batch,
        q.level,
        context.title,
    )


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_HEADER_ZH = {
    "revenue": "营业收入",
    "assets": "资产总额",
    "rd_spending": "研发投入",
    "employees": "从业人员",
    "rd_staff": "研发人员",
}


def _dedupe(quals: list[Qualification]) -> list[Qualification]:
    seen: set[tuple[str, int | None]] = set()
    out = []
    for q in quals:
        if (q.code, q.year) not in seen:
            seen.add((q.code, q.year))
            out.append(q)
    return out


def list_context(
    title_rows: Sequence[Sequence[object]],
    name: str,
    *,
    qualification: str | None,
    year: int | None,
    amount_unit: str | None,
) -> ListContext:
    """What a list's title rows (or else its file or sheet name) say about every row."""
    title = " ".join(
        t for row in title_rows for t in (cell_text(c) for c in row) if t
    ).strip()
    for text in (title, name):
        if qualification is None and text and qualification_code(text):
            qualification = qualification_code(text)
            title = title or text
        if year is None and text and (m := _TITLE_YEAR.search(text)):
            year = int(m.group(1))
    return ListContext(qualification, year, title or None, amount_unit)


def _read_table(
    rows: Iterator[tuple[Sequence[object], str, int]],
    table_name: str,
    *,
    qualification: str | None,
    year: int | None,
    amount_unit: str | None,
) -> Iterator[RegisterItem]:
    before: list[Sequence[object]] = []
    context: ListContext | None = None
    for cells, position, number in rows:
        if context is None:
            columns = plan_header(cells)
            if _is_header(columns):
                context = list_context(
                    before,
                    Path(table_name).stem,
                    qualification=qualification,
                    year=year,
                    amount_unit=amount_unit,
                )
                # a register with qualification columns says per row what each holds: a
                # qualification its title or file name mentions is not every row's
                per_row = any(
                    c.field in ("qualifications", "qualification_column")
                    for c in columns
                )
                listed = qualification if per_row else context.qualification
                context = ListContext(
                    listed,
                    context.year if listed else None,
                    context.title,
                    context.amount_unit,
                    tuple(columns),
                )
                yield from _header_notices(context, position)
                continue
            before.append(cells)
            if len(before) > MAX_HEADER_SEARCH:
                raise ParseError(
                    table_name,
                    f"no header row naming 企业名称 in the first {MAX_HEADER_SEARCH} rows; "
                    "is this an enterprise list?",
                )
            continue
        if not any(cell_text(c) for c in cells):
            continue
        try:
            yield RegisterRow(row_to_record(cells, context), position, number)
        except ValueError as exc:
            raw = json.dumps(
                [cell_text(c) for c in cells], ensure_ascii=False, default=str
            )
            yield Rejected(position, str(exc), raw[:65536], number)
    if context is None:
        raise ParseError(
            table_name, "no header row naming 企业名称; is this an enterprise list?"
        )


def _header_notices(context: ListContext, position: str) -> Iterator[Notice]:
    yield Notice(f"表头在 {position}")
    if context.qualification:
        year = f"（{context.year}年）" if context.year else ""
        yield Notice(f"名单资质：{QUALIFICATIONS[context.qualification]}{year}")
    unknown = [c.header for c in context.columns if c.field is None and c.header]
    if unknown:
        yield Notice(f"未识别的列（未导入）：{'、'.join(unknown)}", "warning")


def _xlsx_rows(sheet: Any) -> Iterator[tuple[Sequence[object], str, int]]:
    for number, cells in enumerate(sheet.iter_rows(values_only=True), 1):
        yield cells, f"{sheet.title} 第{number}行", number


def _csv_rows(
    source: Source, options: ReadOptions
) -> Iterator[tuple[Sequence[object], str, int]]:
    detected = detect_encoding(source.open, declared=options.encoding)
    with source.open() as raw:
        limited = LimitedReader(raw, options.max_file_bytes, source.name)
        data = b"".join(iter(lambda: limited.read(1 << 20), b""))
    text = data[detected.skip :].decode(detected.encoding, errors="replace")
    head = text[:65536]
    try:
        delimiter = csv.Sniffer().sniff(head, delimiters=",\t;|").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for number, cells in enumerate(reader, 1):
        yield cells, f"第{number}行", number


SUFFIXES = (".xlsx", ".xlsm", ".csv", ".tsv", ".txt")


def read_register(
    path: Path | Source,
    *,
    qualification: str | None = None,
    year: int | None = None,
    amount_unit: str | None = None,
    options: ReadOptions | None = None,
) -> Iterator[RegisterItem]:
    """Rows of an enterprise list (.xlsx or delimited text), rejected rows and notices.

    Args:
        path: the file.
        qualification: the qualification every row of the list holds (a code of
            :data:`patnav.enterprises.vocabulary.QUALIFICATIONS`), when neither the title
            nor the file name says.
        year: that qualification's year.
        amount_unit: 元, 万元 or 亿元 for amounts whose header and cell state no unit.
        options: safety limits (defaults: those of patent imports).

    Raises:
        InvalidParameterError: an unknown unit or file type.
        ParseError: the file is not a table with a 企业名称 header.
    """
    if amount_unit is not None and amount_unit not in AMOUNT_UNITS:
        raise InvalidParameterError(
            f"The amount unit must be one of {'、'.join(AMOUNT_UNITS)}. "
            f"Got {amount_unit!r} instead."
        )
    source = file_source(path) if isinstance(path, Path) else path
    options = options or ReadOptions()
    kwargs: dict[str, Any] = {
        "qualification": qualification,
        "year": year,
        "amount_unit": amount_unit,
    }
    if source.suffix in (".xlsx", ".xlsm"):
        with source.as_path(options.max_file_bytes) as real:
            check_workbook(real, options, source.name)
            try:
                workbook = openpyxl.load_workbook(real, read_only=True, data_only=False)
            except Exception as exc:  # openpyxl raises many types for broken workbooks
                raise ParseError(
                    source.name,
                    f"not a readable Excel workbook: {type(exc).__name__}: "
                    f"{excerpt(str(exc), 300)}",
                ) from None
            try:
                read_any = False
                failure: ParseError | None = None
                for sheet in workbook.worksheets:
                    sheet.reset_dimensions()
                    try:
                        yield from _read_table(
                            _xlsx_rows(sheet),
                            f"{Path(source.name).stem} {sheet.title}",
                            **kwargs,
                        )
                        read_any = True
                    except ParseError as exc:
                        failure = failure or exc
                if not read_any and failure is not None:
                    raise failure
            finally:
                workbook.close()
    elif source.suffix in (".csv", ".tsv", ".txt"):
        yield from _read_table(
            _csv_rows(source, options), Path(source.name).name, **kwargs
        )
    else:
        raise InvalidParameterError(
            f"Cannot read {source.name} as an enterprise list: expected one of "
            f"{', '.join(SUFFIXES)}. Save the list as .xlsx or .csv."
        )
