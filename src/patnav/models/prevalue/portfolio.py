"""What a pre-valuation is asked about: the portfolio (patent numbers, a saved patent set,
an uploaded sheet with a number column, or an enterprise's patents through its links) and
the borrower whose ownership the checks compare with.

Numbers the store does not hold stay in the portfolio as *not found* (reported, never
dropped).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from patnav.enrich.names import name_key
from patnav.enterprises.store import find_enterprise
from patnav.errors import InputError, InvalidParameterError, ParseError
from patnav.schema.numbers import normalize_app_number, normalize_pub_number
from patnav.storage.store import PatentStore

NUMBER_HEADERS = (
    "公开号",
    "公开（公告）号",
    "公开(公告)号",
    "公开公告号",
    "公告号",
    "授权公告号",
    "专利号",
    "申请号",
    "pub_number",
    "publication number",
    "publication_number",
    "number",
    "patent number",
)
"""Headers of a sheet's number column, in order of preference (case and spaces ignored)."""

MAX_SHEET_ROWS = 20_000
"""Rows read from an uploaded sheet: a pre-valuation is about a loan's portfolio."""


@dataclass(frozen=True, slots=True)
class PortfolioItem:
    """One patent of the portfolio: the number as given and the document it names
    (``doc_id`` None: the store holds no such document)."""

    given: str
    doc_id: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"given": self.given, "doc_id": self.doc_id}


@dataclass(frozen=True, slots=True)
class Portfolio:
    """The patents a pre-valuation covers. ``kind``: numbers | set | sheet | enterprise;
    ``label`` says where they come from, ``notes`` how they were found."""

    kind: str
    label: str
    items: tuple[PortfolioItem, ...]
    notes: tuple[str, ...] = ()

    @property
    def doc_ids(self) -> tuple[str, ...]:
        """The documents found, each once, in input order."""
        return tuple(dict.fromkeys(i.doc_id for i in self.items if i.doc_id))

    @property
    def not_found(self) -> tuple[str, ...]:
        """The numbers given that the store does not hold."""
        return tuple(i.given for i in self.items if i.doc_id is None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "items": [i.to_dict() for i in self.items],
            "not_found": list(self.not_found),
            "notes": list(self.notes),
        }


@dataclass(frozen=True, slots=True)
class Borrower:
    """The borrower as the owner check compares it: its names' matching keys and the
    entities its enterprise is linked to. ``how`` says how it was identified."""

    name: str
    keys: frozenset[str]
    entity_ids: frozenset[str] = field(default_factory=frozenset)
    enterprise_id: str | None = None
    uscc: str | None = None
    how: str = ""
    names: frozenset[str] = field(default_factory=frozenset)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "enterprise_id": self.enterprise_id,
            "uscc": self.uscc,
            "how": self.how,
        }


def _candidates(raw: str) -> list[str]:
    text = raw.strip().upper().replace(" ", "")
    found = [text]
    for parse in (normalize_pub_number, normalize_app_number):
        try:
            value = parse(raw)
        except InputError:
            continue
        if value and value not in found:
            found.append(value)
    return found


def find_document(store: PatentStore, raw: str) -> str | None:
    """The doc_id a number names (publication, grant publication or application number,
    in any form the number parser reads; a publication number without its kind code
    matches its one document), or None."""
    keys = _candidates(raw)
    if not keys or not keys[0]:
        return None
    marks = ", ".join("?" for _ in keys)
    rows = store.query(
        f"SELECT doc_id FROM patents WHERE doc_id IN ({marks}) OR pub_number IN ({marks}) "
        f"OR grant_pub_number IN ({marks}) OR app_number IN ({marks}) "
        "ORDER BY pub_date DESC NULLS LAST, doc_id LIMIT 1",
        keys * 4,
    ).to_pylist()
    if rows:
        return str(rows[0]["doc_id"])
    # CN211259786 without its kind: the one document whose number it prefixes
    for stem in keys:
        if stem[-1:].isdigit() and stem[:2].isalpha():
            rows = store.query(
                "SELECT doc_id FROM patents WHERE regexp_full_match(pub_number, ?) "
                "LIMIT 2",
                [f"{re.escape(stem)}[A-Z][0-9]?"],
            ).to_pylist()
            if len(rows) == 1:
                return str(rows[0]["doc_id"])
    return None


def from_numbers(
    store: PatentStore,
    numbers: Iterable[str],
    *,
    kind: str = "numbers",
    label: str = "",
) -> Portfolio:
    """A portfolio of numbers (blank ones skipped, duplicates kept once)."""
    given = [n.strip() for n in numbers if n and n.strip()]
    given = list(dict.fromkeys(given))
    if not given:
        raise InvalidParameterError(
            "没有给出专利号：请用 --numbers 给出公开号或申请号（逗号分隔），"
            "或用 --set、--sheet、--enterprise。"
        )
    found = _exact(store, given)
    items = tuple(
        PortfolioItem(n, found[n] if n in found else find_document(store, n))
        for n in given
    )
    return Portfolio(kind, label or f"{len(given)} 个专利号", items)


def _exact(store: PatentStore, given: list[str]) -> dict[str, str]:
    """The numbers that name a document as written (one query for all; the others go
    through :func:`find_document`)."""
    keys = {n: _candidates(n) for n in given}
    wanted = sorted({k for ks in keys.values() for k in ks})
    rows = store.query(
        "SELECT key, min(doc_id) AS doc_id, count(DISTINCT doc_id) AS n FROM ("
        "SELECT doc_id AS key, doc_id FROM patents WHERE list_contains($k, doc_id) "
        "UNION ALL SELECT pub_number, doc_id FROM patents WHERE list_contains($k, pub_number) "
        "UNION ALL SELECT grant_pub_number, doc_id FROM patents "
        "WHERE list_contains($k, grant_pub_number)) GROUP BY key",
        {"k": wanted},
    ).to_pylist()
    unique = {r["key"]: str(r["doc_id"]) for r in rows if r["n"] == 1}
    out = {}
    for number, ks in keys.items():
        hit = next((unique[k] for k in ks if k in unique), None)
        if hit is not None:
            out[number] = hit
    return out


def split_numbers(text: str) -> list[str]:
    """Numbers from a text, separated by commas, semicolons or new lines; a part of
    several words each starting with an office code (CN1 CN2) is several numbers, else
    one number written with spaces (CN 211259786 U)."""
    for sep in "，；;\n\t":
        text = text.replace(sep, ",")
    out: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        words = part.split()
        if len(words) > 1 and all(w[:2].isalpha() and w[2:3].isdigit() for w in words):
            out += words
        elif part:
            out.append(part)
    return out


def from_set(store: PatentStore, name: str) -> Portfolio:
    """The members of a saved patent set now."""
    from patnav.search.sets import set_members

    members = set_members(store, name)
    if not members:
        raise InputError(
            f"专利集合“{name}”当前没有专利，无可评估的对象：请核对它的检索式。"
        )
    return Portfolio(
        "set",
        f"专利集合“{name}”",
        tuple(PortfolioItem(d, d) for d in members),
        (f"专利集合“{name}”当前命中 {len(members)} 件。",),
    )


def _sheet_rows(path: Path) -> list[list[str]]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        import openpyxl

        try:
            # formulas stay text (data_only=False): a sheet's formulas are never evaluated
            book = openpyxl.load_workbook(path, read_only=True, data_only=False)
        except Exception as exc:  # openpyxl raises many types for broken workbooks
            raise ParseError(
                path.name, f"不是可读的 Excel 工作簿：{type(exc).__name__}"
            ) from None
        try:
            sheet = book.worksheets[0]
            rows: list[list[str]] = []
            for cells in sheet.iter_rows(values_only=True):
                rows.append(["" if c is None else str(c).strip() for c in cells])
                if len(rows) > MAX_SHEET_ROWS:
                    break
            return rows
        finally:
            book.close()
    if suffix in (".csv", ".txt", ".tsv"):
        data = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ParseError(path.name, "无法识别文件编码（应为 UTF-8 或 GB18030）")
        delimiter = (
            "\t" if suffix == ".tsv" or text.count("\t") > text.count(",") else ","
        )
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [
            [c.strip() for c in row]
            for _, row in zip(range(MAX_SHEET_ROWS + 1), reader, strict=False)
        ]
    raise InvalidParameterError(
        f"无法读取 {path.name}：专利清单应为 .xlsx 或 .csv 文件，含一列公开号或申请号。"
    )


def _norm_header(text: str) -> str:
    return text.strip().lower().replace(" ", "").replace("\u3000", "")


def sheet_numbers(path: Path) -> tuple[list[str], str]:
    """The numbers of a sheet's number column and that column's header.

    Raises:
        ParseError: no header row with a number column in the first ten rows.
    """
    rows = _sheet_rows(path)
    wanted = [_norm_header(h) for h in NUMBER_HEADERS]
    for at, row in enumerate(rows[:10]):
        headers = [_norm_header(c) for c in row]
        for want in wanted:
            if want in headers:
                col = headers.index(want)
                values = [r[col] for r in rows[at + 1 :] if col < len(r) and r[col]]
                return values, row[col]
    raise ParseError(
        path.name,
        "前 10 行中没有专利号列：表头应含 " + "、".join(NUMBER_HEADERS[:8]) + " 之一",
    )


def from_sheet(store: PatentStore, path: Path) -> Portfolio:
    """The patents of a sheet's number column (first sheet of a workbook, or a CSV)."""
    numbers, header = sheet_numbers(path)
    portfolio = from_numbers(store, numbers, kind="sheet", label=f"清单 {path.name}")
    return Portfolio(
        "sheet",
        portfolio.label,
        portfolio.items,
        (f"读取 {path.name} 的“{header}”列，共 {len(portfolio.items)} 个号码。",),
    )


def borrower_of(store: PatentStore, name_or_uscc: str) -> Borrower:
    """The borrower: the register's enterprise (name, former names, linked applicant
    names and entities) when it holds one by that id, 统一社会信用代码 or name; else the
    name alone, matched by its key (said so in ``how``)."""
    text = name_or_uscc.strip()
    if not text:
        raise InvalidParameterError(
            "借款人名称为空：请给出借款人名称或统一社会信用代码。"
        )
    try:
        ent = find_enterprise(store, text)
    except InputError:
        key = name_key(text)
        keys = frozenset({key} if key else set())
        return Borrower(
            text,
            keys,
            _entities_of(store, keys),
            how="企业库中无此企业，按名称规范化后（及归并后的申请人实体）比对权利人",
            names=frozenset({text}),
        )
    links = store.query(
        "SELECT applicant_name, entity_id FROM enterprise_links WHERE enterprise_id = ? "
        "AND status IN ('linked', 'accepted')",
        [ent.enterprise_id],
    ).to_pylist()
    names = [ent.name, *ent.former_names, *(r["applicant_name"] for r in links)]
    keys = frozenset(k for k in (name_key(n) for n in names) if k)
    entities = frozenset(str(r["entity_id"]) for r in links if r["entity_id"])
    entities |= _entities_of(store, keys)
    return Borrower(
        ent.name,
        keys,
        entities,
        ent.enterprise_id,
        ent.uscc,
        f"企业库企业（{ent.uscc or ent.enterprise_id}），含曾用名与已关联的申请人名称",
        frozenset(names),
    )


def _entities_of(store: PatentStore, keys: frozenset[str]) -> frozenset[str]:
    """The resolved applicant entities whose aliases have one of ``keys`` (merges made by
    enrichment or by a user: another spelling of the same company)."""
    if not keys:
        return frozenset()
    rows = store.query(
        "SELECT DISTINCT entity_id FROM entity_aliases WHERE list_contains(?, alias_key)",
        [sorted(keys)],
    ).to_pylist()
    return frozenset(str(r["entity_id"]) for r in rows if r["entity_id"])


def owned_documents(store: PatentStore, borrower: Borrower) -> list[str]:
    """Documents whose current owner is the borrower (the applicant, when the source
    names no current owner), by linked entity or name key."""
    if not borrower.keys and not borrower.entity_ids and not borrower.names:
        return []
    keys = sorted(borrower.keys)
    ents = sorted(borrower.entity_ids)
    names = sorted(borrower.names)
    conds = []
    params: list[Any] = []
    if keys:
        conds.append(f"norm_name IN ({', '.join('?' for _ in keys)})")
        params += keys
    if names:  # a store not yet enriched has no name keys
        conds.append(f"name IN ({', '.join('?' for _ in names)})")
        params += names
    if ents:
        conds.append(f"entity_id IN ({', '.join('?' for _ in ents)})")
        params += ents
    sql = f"""
        WITH owners AS (
            SELECT doc_id, role, name, norm_name, entity_id FROM parties
            WHERE role IN ('current_owner', 'applicant')
        ),
        has_owner AS (SELECT DISTINCT doc_id FROM owners WHERE role = 'current_owner')
        SELECT DISTINCT o.doc_id FROM owners o
        WHERE ({" OR ".join(conds)})
          AND (o.role = 'current_owner'
               OR o.doc_id NOT IN (SELECT doc_id FROM has_owner))
        ORDER BY o.doc_id
    """
    return [str(r["doc_id"]) for r in store.query(sql, params).to_pylist()]


def from_enterprise(
    store: PatentStore, name_or_uscc: str
) -> tuple[Portfolio, Borrower]:
    """An enterprise's patents (through the register's links, else its name) and the
    enterprise as the borrower.

    Raises:
        InputError: no document names the enterprise as its owner.
    """
    borrower = borrower_of(store, name_or_uscc)
    docs = owned_documents(store, borrower)
    if not docs:
        raise InputError(
            f"库中没有权利人为“{borrower.name}”的专利（{borrower.how}）。"
            "请核对名称，或先导入企业库并运行 'patnav enterprises link'。"
        )
    return (
        Portfolio(
            "enterprise",
            f"企业“{borrower.name}”名下专利",
            tuple(PortfolioItem(d, d) for d in docs),
            (
                f"{borrower.how}；当前权利人（来源未载时为申请人）为该企业的专利 {len(docs)} 件。",
            ),
        ),
        borrower,
    )


def numbers_of(items: Sequence[PortfolioItem]) -> list[str]:
    """The numbers as given."""
    return [i.given for i in items]
