"""The technology breakdown table (技术分解表) analysts exchange, to and from a navigation spec.

The table is one sheet (``技术分解表``, else the first sheet) with a header row::

    一级分支 | 二级分支 | 三级分支 | … | 中文关键词 | 英文关键词 | IPC | CPC | 检索式 | 备注

Each row below the header is one branch (node): its name is in the deepest level column
the row fills. Analysts write the parents of a branch in one of three ways, all read the
same: repeated on every row, left blank under the row that named them (the blank is the
parent of the row above), or merged over the rows of their children (a merged cell's value
belongs to every cell of the range). A parent never given a row of its own is a branch
without a search strategy: the union of its children, as in a spec.

Keywords and classes are split at ``;`` ``；`` ``,`` ``，`` ``、`` and line breaks (an English
phrase keeps its spaces). The 检索式 column is optional: when a row leaves it empty its
strategy is :func:`patnav.analyses.spec.breakdown_query` of its keywords and classes
(keywords in title or abstract OR the IPC classes OR the CPC classes). The spec keeps the
keywords and classes of each node (``keywords``, ``keywords_en``, ``ipc``, ``cpc``) and the
query only when the row wrote one, so the table and the spec round-trip without loss.

A second sheet ``方案信息`` holds the spec's other keys (title, type, region …) as ``键 | 值``,
a value being plain text or YAML (``{province: 湖北省}``); it is optional on import.

Every problem of a row is reported with its place (sheet, row, column) and what to write
there. Formulas are data: a cell holding one is refused, never evaluated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from patnav.analyses.spec import (
    NavigationSpec,
    SpecNode,
    breakdown_query,
    parse_spec,
)
from patnav.errors import InputError, SpecError

TABLE_SHEET = "技术分解表"
INFO_SHEET = "方案信息"
LEVEL_NAMES = "一二三四五六七八九十"
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000

_LEVEL = re.compile(
    r"^(?:([一二三四五六七八九十])|(\d{1,2}))\s*级(?:分支|技术|环节|技术分支|节点)?$"
)
_LEVEL_EN = re.compile(r"^level\s*(\d{1,2})$", re.IGNORECASE)
_SPLIT = re.compile(r"[;；,，、\n\r]+")

COLUMNS: dict[str, tuple[str, ...]] = {
    "keywords": ("中文关键词", "关键词", "关键字", "中文检索词", "检索词", "keywords"),
    "keywords_en": ("英文关键词", "英文检索词", "english keywords", "keywords (en)"),
    "ipc": ("ipc", "ipc分类号", "ipc分类", "分类号", "ipc/cpc"),
    "cpc": ("cpc", "cpc分类号", "cpc分类"),
    "query": ("检索式", "检索策略", "检索表达式", "query"),
    "note": ("备注", "说明", "note", "notes"),
}
"""The header each column may carry (case and spaces ignored)."""

HEADERS = {
    "keywords": "中文关键词",
    "keywords_en": "英文关键词",
    "ipc": "IPC",
    "cpc": "CPC",
    "query": "检索式",
    "note": "备注",
}
"""The header written for each column on export."""

INFO_KEYS: dict[str, str] = {
    "title": "标题",
    "type": "导航类型：region | industry | enterprise | rnd | talent | fto | micro",
    "description": "说明",
    "region": "区域，如 {province: 湖北省} 或 {country: CN}",
    "compare": "对比基准：[national, global]",
    "period": "期间，如 {from: 2005, to: 2025, by: application_date}",
    "count_by": "计数单位：family | application | document",
    "base_query": "基础检索式",
    "entities": "分析对象（企业导航）",
    "exclude_applicants": "不作为招商候选的申请人",
    "lang": "报告语言：zh | en",
    "population": "人口表（区域导航）",
}
"""The spec keys the 方案信息 sheet may hold, with the hint written beside each."""

_TEXT_KEYS = frozenset(
    {"title", "type", "description", "count_by", "base_query", "lang"}
)


@dataclass(frozen=True, slots=True)
class BreakdownRow:
    """One branch as the table gives it: its path, keywords, classes, query and note, and
    the row it was read from."""

    path: tuple[str, ...]
    row: int
    keywords: tuple[str, ...] = ()
    keywords_en: tuple[str, ...] = ()
    ipc: tuple[str, ...] = ()
    cpc: tuple[str, ...] = ()
    query: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Breakdown:
    """A breakdown table as read: its branches (a parent before its children), the spec
    keys of its 方案信息 sheet, and the columns it ignored."""

    rows: tuple[BreakdownRow, ...]
    info: Mapping[str, Any] = field(default_factory=dict)
    ignored: tuple[str, ...] = ()
    sheet: str = TABLE_SHEET

    def to_dict(self) -> dict[str, Any]:
        """The table as plain data (JSON keys in English)."""
        return {
            "sheet": self.sheet,
            "info": dict(self.info),
            "ignored_columns": list(self.ignored),
            "nodes": [
                {
                    "path": list(r.path),
                    "row": r.row,
                    "keywords": list(r.keywords),
                    "keywords_en": list(r.keywords_en),
                    "ipc": list(r.ipc),
                    "cpc": list(r.cpc),
                    "query": r.query,
                    "note": r.note,
                }
                for r in self.rows
            ],
        }


def _place(sheet: str, row: int, column: int | None = None) -> str:
    if column is None:
        return f"工作表“{sheet}”第 {row} 行"
    from openpyxl.utils import get_column_letter

    return f"工作表“{sheet}”第 {row} 行 {get_column_letter(column)} 列"


def _problem(path: Path, where: str, zh: str, en: str) -> SpecError:
    return SpecError(f"{path}，{where}：{zh} ({en})")


def _level_of(header: str) -> int | None:
    text = header.strip().replace(" ", "")
    m = _LEVEL.match(text)
    if m:
        return LEVEL_NAMES.index(m.group(1)) + 1 if m.group(1) else int(m.group(2))
    m = _LEVEL_EN.match(header.strip())
    return int(m.group(1)) if m else None


def _key(header: str) -> str:
    return re.sub(r"\s+", " ", header.strip().lower())


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def split_terms(text: str) -> tuple[str, ...]:
    """Keywords or classes of one cell, split at the table's separators, each once."""
    out: list[str] = []
    for part in _SPLIT.split(text):
        item = " ".join(part.split())
        if item and item not in out:
            out.append(item)
    return tuple(out)


def read_breakdown(path: Path | str) -> Breakdown:
    """Read a breakdown table (``.xlsx``).

    Raises:
        SpecError: the file cannot be read, has no level columns, or a row is wrong; the
            message names the sheet, row and column and what to write.
    """
    from openpyxl import load_workbook

    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise SpecError(
            f"无法读取技术分解表 {p}：{exc} (cannot read the table)"
        ) from exc
    if size > MAX_BYTES:
        raise SpecError(
            f"{p}：文件超过 {MAX_BYTES // 1024 // 1024} MB，不像技术分解表 "
            "(the file is too large for a breakdown table)"
        )
    try:
        book = load_workbook(p, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a file that is no xlsx
        raise SpecError(
            f"{p} 不是可读取的 Excel（.xlsx）文件：{exc}。请另存为 .xlsx 后重试 "
            "(not a readable .xlsx file)"
        ) from exc
    sheet = book[TABLE_SHEET] if TABLE_SHEET in book.sheetnames else book.worksheets[0]
    if sheet.max_row > MAX_ROWS:
        raise SpecError(
            f"{p}：工作表“{sheet.title}”有 {sheet.max_row} 行，超过 {MAX_ROWS} 行上限 "
            "(too many rows)"
        )
    grid = _grid(p, sheet)
    info = _read_info(p, book[INFO_SHEET]) if INFO_SHEET in book.sheetnames else {}
    header_row, levels, columns, ignored = _header(p, sheet.title, grid)
    rows = _rows(p, sheet.title, grid, header_row, levels, columns)
    if not rows:
        raise _problem(
            p,
            f"工作表“{sheet.title}”",
            "表头以下没有任何分支，请在一级分支列下逐行填写分支名称",
            "no branch below the header",
        )
    return Breakdown(tuple(rows), info, tuple(ignored), sheet.title)


def _grid(path: Path, sheet: Any) -> list[list[Any]]:
    """The sheet's values with every merged range filled from its top-left cell; a
    formula is refused with its place."""
    grid = [list(r) for r in sheet.iter_rows(values_only=True)]
    for r, row in enumerate(sheet.iter_rows(), start=1):
        for cell in row:
            if cell.data_type == "f":
                raise _problem(
                    path,
                    _place(sheet.title, r, cell.column),
                    "单元格是公式，patnav 不计算公式；请改为填写文字（复制后“粘贴为数值”）",
                    "a formula: paste it as a value",
                )
    # A range merged down a column belongs to every row of it (a parent over its
    # children); merged across columns it stays in its first one (a branch name spread
    # over the deeper level columns is not a branch at every level).
    for merged in sheet.merged_cells.ranges:
        c = merged.min_col - 1
        value = grid[merged.min_row - 1][c]
        for r in range(merged.min_row, merged.max_row + 1):
            if r - 1 < len(grid) and c < len(grid[r - 1]):
                grid[r - 1][c] = value
    return grid


def _header(
    path: Path, sheet: str, grid: list[list[Any]]
) -> tuple[int, dict[int, int], dict[str, int], list[str]]:
    """The header row (1-based), its level columns (level → column index), its other
    columns (field → index) and the headers it does not know."""
    aliases = {alias: name for name, names in COLUMNS.items() for alias in names}
    for r, row in enumerate(grid[:20], start=1):
        levels: dict[int, int] = {}
        for c, value in enumerate(row):
            level = _level_of(_cell_text(value)) if value is not None else None
            if level is not None and level not in levels:
                levels[level] = c
        if not levels:
            continue
        if sorted(levels) != list(range(1, len(levels) + 1)):
            missing = min(set(range(1, max(levels) + 1)) - set(levels))
            raise _problem(
                path,
                _place(sheet, r),
                f"表头缺少“{LEVEL_NAMES[missing - 1]}级分支”列；级别列应从一级起连续排列",
                f"the header lacks level {missing}",
            )
        columns: dict[str, int] = {}
        ignored: list[str] = []
        for c, value in enumerate(row):
            text = _cell_text(value)
            if not text or c in levels.values():
                continue
            name = aliases.get(_key(text))
            if name is None:
                ignored.append(text)
            elif name in columns:
                raise _problem(
                    path,
                    _place(sheet, r, c + 1),
                    f"表头“{text}”与第 {columns[name] + 1} 列重复，请删去一列",
                    f"column {text!r} twice",
                )
            else:
                columns[name] = c
        return r, levels, columns, ignored
    raise _problem(
        path,
        f"工作表“{sheet}”前 20 行",
        "找不到表头：请在表头写“一级分支”“二级分支”……（可加“中文关键词”“英文关键词”"
        "“IPC”“CPC”“检索式”“备注”列）",
        "no header with 一级分支/二级分支 … level columns",
    )


def _rows(
    path: Path,
    sheet: str,
    grid: list[list[Any]],
    header_row: int,
    levels: dict[int, int],
    columns: dict[str, int],
) -> list[BreakdownRow]:
    by_path: dict[tuple[str, ...], BreakdownRow] = {}
    implicit: dict[tuple[str, ...], int] = {}
    order: list[tuple[str, ...]] = []
    previous: tuple[str, ...] = ()
    depth = len(levels)

    def cell(row: list[Any], name: str) -> str:
        c = columns.get(name)
        return _cell_text(row[c]) if c is not None and c < len(row) else ""

    for r in range(header_row + 1, len(grid) + 1):
        row = grid[r - 1]
        names = [
            _cell_text(row[levels[i]]) if levels[i] < len(row) else ""
            for i in range(1, depth + 1)
        ]
        others = {name: cell(row, name) for name in columns}
        filled = [i for i, n in enumerate(names) if n]
        if not filled:
            if any(others.values()):
                raise _problem(
                    path,
                    _place(sheet, r),
                    "此行有关键词或检索式，但没有分支名称；请在相应级别列填写分支名称",
                    "keywords without a branch name",
                )
            continue
        deepest = filled[-1]
        node_path: list[str] = []
        for i in range(deepest + 1):
            if names[i]:
                node_path.append(names[i])
            elif i < len(previous):
                node_path.append(previous[i])
            else:
                raise _problem(
                    path,
                    _place(sheet, r, levels[i + 1] + 1),
                    f"{LEVEL_NAMES[i]}级分支为空，上方也没有可沿用的上级分支；请填写"
                    f"“{names[deepest]}”所属的{LEVEL_NAMES[i]}级分支",
                    "no parent branch to carry down",
                )
        key = tuple(node_path)
        query = others.get("query") or None
        if query:
            _check_query(path, _place(sheet, r, columns["query"] + 1), query)
        branch = BreakdownRow(
            path=key,
            row=r,
            keywords=split_terms(others.get("keywords", "")),
            keywords_en=split_terms(others.get("keywords_en", "")),
            ipc=split_terms(others.get("ipc", "")),
            cpc=split_terms(others.get("cpc", "")),
            query=query,
            note=others.get("note") or None,
        )
        built = breakdown_query(
            branch.keywords, branch.keywords_en, branch.ipc, branch.cpc
        )
        if not query and built:
            where = _place(sheet, r)
            _check_query(path, where, built)
        if key in by_path:
            raise _problem(
                path,
                _place(sheet, r),
                f"分支“{' / '.join(key)}”已在第 {by_path[key].row} 行出现；同一分支只写一行，"
                "或改用不同名称",
                "the same branch twice",
            )
        for i in range(1, len(key)):
            parent = key[:i]
            if parent not in by_path and parent not in implicit:
                implicit[parent] = r
                order.append(parent)
        by_path[key] = branch
        if key not in implicit:
            order.append(key)
        previous = key
    return [by_path.get(k) or BreakdownRow(path=k, row=implicit[k]) for k in order]


def _check_query(path: Path, where: str, query: str) -> None:
    from patnav.search import compile_query

    try:
        compile_query(query)
    except InputError as exc:
        raise _problem(
            path,
            where,
            f"检索式无法解析：{exc}。请按 patnav 检索式语法改写（如 TIAB=(光纤 OR 光缆) AND "
            "IPC=G02B6）",
            "the query does not parse",
        ) from exc


def _read_info(path: Path, sheet: Any) -> dict[str, Any]:
    """The spec keys of the 方案信息 sheet (``键 | 值``; a header row is optional)."""
    from patnav.yamlsafe import compose_yaml, construct_yaml

    out: dict[str, Any] = {}
    for r, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if not row or row[0] is None:
            continue
        key = _cell_text(row[0])
        if key in ("键", "key"):
            continue
        text = _cell_text(row[1]) if len(row) > 1 else ""
        if key not in INFO_KEYS:
            raise _problem(
                path,
                _place(sheet.title, r, 1),
                f"无法识别的键“{key}”；可用的键：{'、'.join(INFO_KEYS)}",
                f"unknown key {key!r}",
            )
        if not text:
            continue
        if key in _TEXT_KEYS:
            out[key] = text
            continue
        try:
            root = compose_yaml(text, source=f"{path}:{sheet.title}!B{r}")
            out[key] = None if root is None else construct_yaml(root, source=str(path))
        except InputError as exc:
            raise _problem(
                path,
                _place(sheet.title, r, 2),
                f"“{key}”的值不是有效的 YAML：{exc}；例如 {{province: 湖北省}}",
                "not valid YAML",
            ) from exc
    return out


# -- to and from a spec ------------------------------------------------------------------


def breakdown_to_dict(
    table: Breakdown, overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The spec (as the mapping its YAML holds) a table stands for: the 方案信息 keys,
    then ``overrides`` (``title``, ``type``, ``region`` … given by the caller), then the
    scope tree."""
    spec: dict[str, Any] = {}
    info = {**table.info, **{k: v for k, v in (overrides or {}).items() if v}}
    for key in INFO_KEYS:
        if key in info:
            spec[key] = info[key]
    roots: list[dict[str, Any]] = []
    made: dict[tuple[str, ...], dict[str, Any]] = {}
    for row in table.rows:
        node: dict[str, Any] = {"node": row.path[-1]}
        if row.query:
            node["query"] = row.query
        for name in ("keywords", "keywords_en", "ipc", "cpc"):
            values = getattr(row, name)
            if values:
                node[name] = list(values)
        if row.note:
            node["note"] = row.note
        made[row.path] = node
        if len(row.path) == 1:
            roots.append(node)
        else:
            made[row.path[:-1]].setdefault("children", []).append(node)
    spec["scope"] = roots
    return spec


def dump_spec(spec: Mapping[str, Any], *, comment: str = "") -> str:
    """A spec mapping as YAML text (Chinese kept as is, keys in the spec's order)."""
    import yaml

    head = "".join(f"# {line}\n" for line in comment.splitlines())
    body = yaml.safe_dump(
        dict(spec), allow_unicode=True, sort_keys=False, width=100, indent=2
    )
    return head + body


def spec_from_breakdown(
    path: Path | str,
    *,
    overrides: Mapping[str, Any] | None = None,
    source: str | None = None,
) -> tuple[NavigationSpec, str]:
    """Read a breakdown table and return the validated spec and its YAML text.

    Without a title (in the table's 方案信息 sheet or ``overrides``) the file's name is
    the title; without a type, ``industry``.

    Raises:
        SpecError: the table or the spec it makes is wrong (the message says where).
    """
    p = Path(path)
    table = read_breakdown(p)
    data = breakdown_to_dict(table, overrides)
    data.setdefault("title", p.stem)
    data.setdefault("type", "industry")
    data = {"title": data.pop("title"), "type": data.pop("type"), **data}
    if data["type"] in ("region", "industry") and not data.get("region"):
        raise SpecError(
            f"{p}：{data['type']} 导航需要写明本地区域：命令行用 --province/--city/--country "
            "给出，或在“方案信息”工作表写 region（如 {province: 湖北省}）。A "
            f"{data['type']} navigation needs its home region: --province/--city/--country, "
            "or 'region' in the 方案信息 sheet."
        )
    text = dump_spec(
        data,
        comment=f"由技术分解表 {p.name} 生成（patnav spec from-breakdown）。\n"
        "keywords/keywords_en/ipc/cpc 为分解表原文；"
        "未写 query 的环节按其关键词与分类号组配检索式。",
    )
    spec = parse_spec(text, source=source or f"{p.name}（技术分解表）")
    return spec, text


def write_breakdown(spec: NavigationSpec, path: Path | str) -> Path:
    """Write a spec as a breakdown table (``.xlsx``): one row per node in tree order, the
    parents' cells merged over their children's rows, 检索式 written only where it is not
    the query the row's keywords and classes make; the other keys in 方案信息."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    nodes = spec.walk()
    depth = max((n.depth for n in nodes), default=0) + 1
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = TABLE_SHEET
    header = [f"{LEVEL_NAMES[i]}级分支" for i in range(depth)] + list(HEADERS.values())
    sheet.append(header)
    for c in range(1, len(header) + 1):
        sheet.cell(1, c).font = Font(bold=True)
    first_row: dict[tuple[str, ...], int] = {}
    last_row: dict[tuple[str, ...], int] = {}
    for r, node in enumerate(nodes, start=2):
        first_row[node.path] = r
        for i in range(1, len(node.path) + 1):
            last_row[node.path[:i]] = r
        values: list[Any] = [None] * depth
        values[node.depth] = node.name
        values += [
            "；".join(node.keywords) or None,
            "；".join(node.keywords_en) or None,
            "；".join(node.ipc) or None,
            "；".join(node.cpc) or None,
            _explicit_query(node),
            node.note,
        ]
        sheet.append(values)
    for node in nodes:
        top, bottom = first_row[node.path], last_row[node.path]
        column = node.depth + 1
        if bottom > top:
            sheet.merge_cells(
                start_row=top, start_column=column, end_row=bottom, end_column=column
            )
            sheet.cell(top, column).alignment = Alignment(vertical="center")
    widths = [16] * depth + [30, 30, 20, 16, 50, 24]
    from openpyxl.utils import get_column_letter

    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    info = book.create_sheet(INFO_SHEET)
    info.append(["键", "值", "说明"])
    for key, hint in INFO_KEYS.items():
        if key in spec.raw and spec.raw[key] not in (None, [], {}):
            info.append([key, _info_text(key, spec.raw[key]), hint])
    out = Path(path)
    book.save(out)
    return out


def _explicit_query(node: SpecNode) -> str | None:
    """The node's query when the table must say it: it is not the one its keywords and
    classes make."""
    if not node.query:
        return None
    built = breakdown_query(node.keywords, node.keywords_en, node.ipc, node.cpc)
    return None if node.query == built else node.query


def _info_text(key: str, value: Any) -> str:
    if key in _TEXT_KEYS and isinstance(value, str):
        return value
    import yaml

    text: str = yaml.safe_dump(
        value, allow_unicode=True, default_flow_style=True, width=10**6
    ).strip()
    return text.removesuffix("...").strip()
