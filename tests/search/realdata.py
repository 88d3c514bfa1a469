"""Expected values for the result-list tests, read straight from the real files (pandas and
plain parsing), independently of patnav's readers and store."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

import pandas as pd

CNIPA_EXPORT = "formats/cn-excel/cnipa_export_199.xlsx"
DERWENT = "formats/derwent"
TAIAN = "corpora/cn-taian-7384/taian_patents.xlsx"
LENS_PIZZA = "formats/lens-csv/lens_pizza_1000.csv"

PROVINCES = (
    "北京市",
    "天津市",
    "河北省",
    "山西省",
    "内蒙古自治区",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "上海市",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "广西壮族自治区",
    "海南省",
    "重庆市",
    "四川省",
    "贵州省",
    "云南省",
    "西藏自治区",
    "陕西省",
    "甘肃省",
    "青海省",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
    "台湾省",
    "香港特别行政区",
    "澳门特别行政区",
)


@cache
def cnipa_export(data_dir: Path) -> pd.DataFrame:
    """The CNIPA export as text columns."""
    return pd.read_excel(data_dir / CNIPA_EXPORT, dtype=str)


def address_province(address: str) -> str | None:
    """The province an address of the CNIPA export starts with (after its postcode);
    ``abroad`` for an address in another country."""
    text = re.sub(r"^\d{6}\s*", "", address.strip())
    text = re.sub(r"^中国", "", text)
    for name in PROVINCES:
        short = name[:3] if name.startswith(("内蒙古", "黑龙江")) else name[:2]
        if text.startswith(short):
            return name
    return "abroad"


def ipc_codes(row: pd.Series) -> set[str]:
    """Every IPC symbol of a CNIPA export row (分类号 and 主分类号), without versions."""
    codes = set()
    for column in ("分类号", "主分类号"):
        for part in str(row[column] or "").split(";"):
            code = re.sub(r"\(.*$", "", part).strip()
            if code:
                codes.add(code.replace(" ", ""))
    return codes


# -- Derwent (.ciw) -----------------------------------------------------------------------


@dataclass
class DwpiRecord:
    """One DWPI family record: its members' publication numbers (as Derwent writes them,
    ``US2017104972-A1``), their filing years, assignee names, IPC symbols, title."""

    accession: str
    title: str
    members: list[str]
    years: dict[str, int | None] = field(default_factory=dict)
    assignees: list[str] = field(default_factory=list)
    ipc: set[str] = field(default_factory=set)
    main: dict[str, str] = field(default_factory=dict)

    def codes_of(self, member: str) -> set[str]:
        """The IPC symbols of one member: the family's, and its own main symbol."""
        own = self.main.get(member)
        return self.ipc | ({own} if own else set())


def _fields(path: Path) -> Iterator[dict[str, list[str]]]:
    record: dict[str, list[str]] | None = None
    tag = ""
    for line in path.read_text("utf-8-sig").splitlines():
        if line.startswith("PT "):
            record, tag = defaultdict(list), "PT"
        elif line == "ER" and record is not None:
            yield record
            record = None
        elif record is not None:
            if line[:2].strip() and line[2:3] == " ":
                tag = line[:2]
                record[tag].append(line[3:].strip())
            elif line.startswith("   ") and tag:
                record[tag].append(line.strip())


@cache
def dwpi_records(data_dir: Path) -> list[DwpiRecord]:
    """Every record of the Derwent drone export."""
    out = []
    for path in sorted((data_dir / DERWENT).glob("*.ciw")):
        for raw in _fields(path):
            members = [m.strip() for m in " ".join(raw["PN"]).split(";") if m.strip()]
            record = DwpiRecord(
                accession=" ".join(raw["GA"]),
                title=" ".join(raw["TI"]),
                members=members,
            )
            for line in raw["AD"]:
                parts = re.split(r"\s{2,}", line)
                date = next(
                    (p for p in parts if re.fullmatch(r"\d{2} \w{3} \d{4}", p)), None
                )
                record.years[parts[0]] = (
                    datetime.strptime(date, "%d %b %Y").year if date else None
                )
            for line in raw["AE"]:
                for name in line.split(";"):
                    name = re.sub(r"\s*\([^()]*\)\s*$", "", name).strip()
                    if name:
                        record.assignees.append(name)
            for line in raw["IP"]:
                for code in line.split(";"):
                    code = code.strip()
                    if code:
                        record.ipc.add(code)
            for line in raw["PD"]:
                parts = re.split(r"\s{2,}", line)
                if len(parts) > 2 and re.match(r"^[A-H]\d\d[A-Z]-", parts[2]):
                    record.main[parts[0]] = parts[2]
            out.append(record)
    return out


def ipc_subclasses(codes: set[str]) -> set[str]:
    """The subclasses of Derwent's IPC symbols (``B64C-039/02`` → ``B64C``)."""
    return {c[:4] for c in codes}


# -- Tai'an and Lens -----------------------------------------------------------------------


@cache
def taian(data_dir: Path) -> pd.DataFrame:
    """The Tai'an corpus as text columns."""
    return pd.read_excel(data_dir / TAIAN, dtype=str)


@cache
def lens_pizza(data_dir: Path) -> pd.DataFrame:
    """The Lens pizza export (its few non-ASCII bytes are not UTF-8: read them as
    Latin-1, which the columns used here, ASCII, do not depend on)."""
    return pd.read_csv(data_dir / LENS_PIZZA, dtype=str, encoding="latin-1")


WORD_CHARS = "A-Za-z0-9\u00c0-\u024f\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"


def has_word(text: str, word: str) -> bool:
    """Whether ``text`` holds ``word`` as a whole word, in any case (the query language's
    rule for Latin terms)."""
    pattern = f"(?<![{WORD_CHARS}]){re.escape(word)}(?![{WORD_CHARS}])"
    return re.search(pattern, text, re.IGNORECASE) is not None


def application_key(number: str) -> str:
    """A Lens application number without spaces and its kind letter (``US 12345 A``)."""
    return re.sub(r"\s+[A-Z]\d?$", "", number.strip()).replace(" ", "")


IPC_TITLES = "reference/ipc/ipc_2026_01_zh_en.tsv"


@cache
def ipc_titles(data_dir: Path) -> dict[str, str]:
    """The Chinese title of every IPC symbol in the reference table."""
    table = pd.read_csv(data_dir / IPC_TITLES, sep="\t", dtype=str)
    return dict(zip(table["code"], table["title_zh_ipc2026_01"], strict=True))


def without_notes(title: str) -> str:
    """A title without its bracketed notes (（……入B61K）), which may nest, and without the
    IPC version marks (〔2，6〕, [6]) that say in which edition a title changed."""
    title = re.sub(r"〔[\d，,\s]+〕|\[[\d,\s]+\]", "", title)
    while True:
        shorter = re.sub(r"[（(][^（）()]*[）)]", "", title)
        if shorter == title:
            return title.strip(" ；;，,")
        title = shorter
