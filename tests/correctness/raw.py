"""The raw source files read with pandas alone — never through patnav's readers or store.

Every figure the correctness suite checks is recomputed from these frames, so each rule a
reader, the store or enrichment applies is restated here from what the files say:

* **Tai'an city corpus** (``corpora/cn-taian-7384/taian_patents.xlsx``): one row per
  application; its applicants are in 山东省泰安市 by the corpus's definition (that is what
  ``specs/taian-import.yaml`` records); only the main IPC is given.
* **Chinese database exports** (``formats/cn-excel``): the CNIPA export gives numbers,
  dates, main and all IPC, applicants (``;``-separated) and the first applicant's address
  (postcode, then province and city); the CNKI export gives a title, applicants
  (``com``), the filing date (``sql``) and the publication number in its link.
* **CCF contest corpus** (``corpora/cn-ccf-bdci-4097``): Chinese patents with a title, an
  assignee and an abstract — no number, no date, no class; published in China (the two
  files repeat some records: one document per id). An assignee whose name begins with
  泰安 is a Tai'an company.
* **Lens.org export** (``formats/lens-csv``): one row per publication; ``;;`` separates
  values; no applicant address.
* **Derwent export** (``formats/derwent/*.ciw``): one record per DWPI family; every
  publication in ``PN`` is a document of that family; ``PI`` lists the priorities; ``AE``
  the assignees (``NAME (CODE-Type)``); ``IP`` the IPC; ``TI`` and ``AB`` the DWPI title
  and abstract; ``AD`` each member's application number, abbreviated (the year dropped):
  members sharing one are one application, whose full number another source may give.

:func:`documents` merges the sources by canonical publication number (the same
publication exported by Lens and Derwent is one document, as in any patent database) and
returns one row per document.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path

import pandas as pd

TAIAN = "corpora/cn-taian-7384/taian_patents.xlsx"
CNIPA = "formats/cn-excel/cnipa_export_199.xlsx"
CNKI = "formats/cn-excel/cnki_export_33.xlsx"
CCF = (
    "corpora/cn-ccf-bdci-4097/train.json",
    "corpora/cn-ccf-bdci-4097/expand_train_1.json",
)
LENS_DRONES = "formats/lens-csv/lens_drones_5884.csv"
DERWENT = "formats/derwent"

_WORD = re.compile(
    "[A-Za-z0-9\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+"
)
"""A run of Latin letters and digits: a word, for the text rule of ``query.py``."""
_DW_DATE = re.compile(r"(\d{1,2} [A-Z][a-z]{2} \d{4})")

REGIONAL_OFFICES = frozenset({"WO", "EP", "EA", "AP", "OA", "GC", "EM"})
"""Offices that are no country (a priority or an office there says nothing of origin)."""

PROVINCES = (
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省",
    "上海市", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省",
    "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省", "云南省",
    "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区",
    "台湾省", "香港特别行政区", "澳门特别行政区",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Place:
    """Where an applicant is, as far as the file says."""

    country: str | None
    province: str | None = None
    city: str | None = None


@dataclass
class Doc:
    """One published document as the raw files describe it."""

    key: str
    source: str
    office: str | None
    app: str | None = None  # country + digits of the application number
    app_date: date | None = None
    pub_date: date | None = None
    prios: list[tuple[str | None, str, date | None]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    ipc: list[str] = field(default_factory=list)
    ipc_main: str | None = None
    applicants: list[str] = field(default_factory=list)
    places: list[Place | None] = field(default_factory=list)
    dwpi: str | None = None
    dwpi_app: str | None = None  # Derwent's abbreviated application number (AD)
    sources: set[str] = field(default_factory=set)

    @property
    def words(self) -> frozenset[str]:
        """The lower-cased runs of Latin letters and digits of ``text`` (made once)."""
        found = self.__dict__.get("_words")
        if found is None or self.__dict__.get("_words_of") is not self.texts:
            found = frozenset(_WORD.findall(self.lower_text))
            self.__dict__["_words"], self.__dict__["_words_of"] = found, self.texts
        return found

    @property
    def lower_text(self) -> str:
        """``text`` in lower case (made once)."""
        lowered = self.__dict__.get("_lower")
        if lowered is None or self.__dict__.get("_lower_of") is not self.texts:
            lowered = self.text.lower()
            self.__dict__["_lower"], self.__dict__["_lower_of"] = lowered, self.texts
        return lowered

    @property
    def text(self) -> str:
        """Every text of the document, one per line (joined once)."""
        joined = self.__dict__.get("_text")
        if joined is None or self.__dict__.get("_text_of") is not self.texts:
            joined = "\n".join(self.texts)
            self.__dict__["_text"], self.__dict__["_text_of"] = joined, self.texts
        return joined


# -- normalising what the files write -------------------------------------------------------


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def app_number(raw: object) -> str | None:
    """An application (or priority) number as its country and the rest of its characters:
    ``CN 201520607358 U``, ``CN201520607358.4`` and ``CN201520607358`` are one number; a
    kind letter, a check digit, a trailing date, spaces and slashes are not part of it
    (``AU PN956696 A 19960430`` is ``AUPN956696``)."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    text = re.sub(r"\s+\d{8}$", "", nfkc(raw).strip().upper())
    tokens = text.split()
    if len(tokens) >= 2 and re.fullmatch(r"[A-Z][0-9]?", tokens[-1]):
        tokens = tokens[:-1]
    joined = re.sub(r"\.[0-9X]$", "", "".join(tokens)).replace("/", "")
    match = re.fullmatch(r"([A-Z]{2})([0-9A-Z]+)", joined)
    if match is None or not re.search(r"\d", match.group(2)):
        return None
    return match.group(1) + match.group(2)


_IPC = re.compile(r"^([A-H][0-9]{2}[A-Z])\s*-?0*([0-9]+)\s*/\s*([0-9]+)")


def ipc_code(raw: str) -> str | None:
    """An IPC symbol as ``H02K17/02``: Derwent's ``B64C-039/02``, the CNIPA export's
    ``E01B3/32(2006.01)I`` and Lens's ``B62D55/125`` alike; a bare subclass stays a
    subclass; design (Locarno) codes are no IPC."""
    text = nfkc(raw).strip().upper()
    match = _IPC.match(text)
    if match:
        return f"{match.group(1)}{int(match.group(2))}/{match.group(3)}"
    if re.fullmatch(r"[A-H][0-9]{2}[A-Z]", text):
        return text
    return None


def pub_number(country: str, serial: str, kind: str) -> str:
    """A canonical publication number: country, serial, kind (``US20170045891A1``).

    Derwent writes US and KR application publications with a six-digit serial after the
    year (``US2017104972``) where the offices (and Lens) use seven (``US 2017/0104972``),
    and PCT publications before 2004 with a two-digit year or a five-digit serial
    (``WO9407512``, ``WO200029804``: ``WO1994007512``, ``WO2000029804``);
    EP serials are seven digits (Lens ``EP 0657019``); letters in a serial stay as written
    (``JPH0723487A``, ``TWM415289U``).
    """
    digits = re.sub(r"[^0-9A-Z]", "", serial.upper())
    if not digits.isdigit():  # JPH0723487, AUPO505497, TWM415289: as written
        if country == "US":  # a statutory invention registration: H485, not H000485
            digits = re.sub(r"^([A-Z]+)0+", r"\1", digits)
        return f"{country}{digits}{kind}"
    if country == "WO" and len(digits) in (7, 9):  # Derwent: WO9407512, WO200029804
        year = digits[:-5]
        year = ("19" if int(year) >= 50 else "20") + year if len(year) == 2 else year
        digits = year + digits[-5:].zfill(6)
    if country in ("US", "KR") and len(digits) == 10 and digits[:2] in ("19", "20"):
        digits = digits[:4] + "0" + digits[4:]
    if country == "EP":
        digits = digits.zfill(7)
    if country in ("US",) and len(digits) < 11:
        digits = digits.lstrip("0")
    return f"{country}{digits}{kind}"


def _date(raw: object) -> date | None:
    """A date as the files write it: ``1985-04-01``, ``2012.05.31``, ``06 Oct 2015``."""
    if raw is None or (isinstance(raw, float) and pd.isna(raw)):
        return None
    if isinstance(raw, datetime | pd.Timestamp):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    match = re.match(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})", text) or re.match(
        r"^(\d{4})(\d{2})(\d{2})$", text
    )
    if match:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = _DW_DATE.search(text)
    if match:
        return datetime.strptime(match.group(1), "%d %b %Y").date()
    return None


def _split(raw: object, sep: str) -> list[str]:
    if not isinstance(raw, str):
        return []
    return [p.strip() for p in raw.split(sep) if p.strip()]


ABROAD = {
    "中国香港": ("HK", "香港特别行政区"),
    "中国澳门": ("MO", "澳门特别行政区"),
    "中国台湾": ("TW", "台湾省"),
    "德国": ("DE", None),
    "美国": ("US", None),
    "日本": ("JP", None),
    "韩国": ("KR", None),
    "法国": ("FR", None),
    "英国": ("GB", None),
    "瑞士": ("CH", None),
    "意大利": ("IT", None),
    "荷兰": ("NL", None),
    "瑞典": ("SE", None),
}
"""Addresses outside the mainland, by the name they start with (Hong Kong, Macao and Taiwan
have codes of their own, as CNIPA's statistics keep them apart from 国内)."""


def address_place(address: object) -> Place | None:
    """A CNIPA export's address (``226634 江苏省南通市海安县…``) as province and city: the
    province name it starts with, then the city up to 市 (自治州, 地区, 盟); an address
    abroad (``德国蒂申罗伊特``, ``中国香港九龙…``) as its country."""
    if not isinstance(address, str) or not address.strip():
        return None
    text = re.sub(r"^\s*\d{6}\s*", "", nfkc(address)).strip()
    for name, (country, region) in ABROAD.items():
        if text.startswith(name):
            return Place(country, region)
    for province in PROVINCES:
        short = re.sub(
            r"(省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区)$",
            "",
            province,
        )
        if text.startswith(province) or text.startswith(short):
            rest = (
                text[len(province) :]
                if text.startswith(province)
                else text[len(short) :]
            )
            if province.endswith("市"):
                return Place("CN", province, province)
            city = re.match(r"^(.+?(?:自治州|地区|盟|市))", rest)
            return Place("CN", province, city.group(1) if city else None)
    return None


# -- the files ------------------------------------------------------------------------------


@cache
def taian(data: Path) -> tuple[Doc, ...]:
    """The Tai'an corpus: every applicant in 山东省泰安市."""
    frame = pd.read_excel(data / TAIAN, dtype=str)
    out = []
    for row in frame.itertuples(index=False):
        app = app_number(row.申请号)
        names = _split(row.申请人, ";")
        main = ipc_code(row.主分类号) if isinstance(row.主分类号, str) else None
        out.append(
            Doc(
                key=f"AN:{app}",
                source="taian",
                office="CN",
                app=app,
                app_date=_date(row.申请日),
                texts=[t for t in (row.专利名称, row.摘要) if isinstance(t, str)],
                ipc=[main] if main else [],
                ipc_main=main,
                applicants=names,
                places=[Place("CN", "山东省", "泰安市") for _ in names],
            )
        )
    return tuple(out)


@cache
def cn_excel(data: Path) -> tuple[Doc, ...]:
    """The CNIPA export (its address is the first applicant's) and the CNKI export."""
    out = []
    cnipa = pd.read_excel(data / CNIPA, dtype=str)
    for _, row in cnipa.iterrows():
        names = _split(row["申请（专利权）人"], ";")
        codes = [c for c in (ipc_code(x) for x in _split(row["分类号"], ";")) if c]
        main = ipc_code(row["主分类号"]) if isinstance(row["主分类号"], str) else None
        place = address_place(row["地址"])
        pub = nfkc(str(row["公开（公告）号"])).strip().upper()
        prios = []
        for raw in _split(row["优先权"], ";"):  # "2012.01.16 DE 202012000389.5"
            match = re.match(r"^(\S+)\s+(.+)$", raw.strip())
            number = app_number(match.group(2)) if match else None
            if number:
                prios.append(
                    (number[:2], number, _date(match.group(1)) if match else None)
                )
        out.append(
            Doc(
                key=pub,
                source="cnipa",
                office="CN",
                app=app_number(row["申请号"]),
                app_date=_date(row["申请日"]),
                pub_date=_date(row["公开（公告）日"]),
                prios=prios,
                texts=[t for t in (row["名称"], row["摘要"]) if isinstance(t, str)],
                ipc=codes or ([main] if main else []),
                ipc_main=main,
                applicants=names,
                places=[place] + [None] * (len(names) - 1) if names else [],
            )
        )
    cnki = pd.read_excel(data / CNKI, dtype=str)
    for _, row in cnki.iterrows():
        match = re.search(r"filename=([A-Z]{2}\d+[A-Z]\d?)", str(row["href"]))
        names = _split(row["com"], ";")
        out.append(
            Doc(
                key=match.group(1) if match else f"CNKI:{row['title']}",
                source="cnki",
                office="CN",
                app_date=_date(row["sql"]),
                texts=[
                    t
                    for t in (row["title"], row["ChDiv_summary"])
                    if isinstance(t, str)
                ],
                applicants=names,
                places=[None] * len(names),
            )
        )
    return tuple(out)


@cache
def ccf(data: Path) -> tuple[Doc, ...]:
    """The CCF corpus: Chinese patents (office CN) with one assignee each."""
    out = []
    for name in CCF:
        with (data / name).open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                row = json.loads(line)
                names = _split(row.get("assignee"), ";")
                out.append(
                    Doc(
                        key=f"CCF:{row['id']}",
                        source="ccf",
                        office="CN",
                        texts=[row.get("title") or "", row.get("abstract") or ""],
                        applicants=names,
                        places=[_named_place(n) for n in names],
                    )
                )
    return tuple(out)


def _named_place(name: str) -> Place | None:
    """An assignee without address placed by its name, where the name begins with the
    city the Tai'an specs ask about (泰安市正泰激光印务有限公司) — the one placement by name
    the suite needs."""
    return Place("CN", "山东省", "泰安市") if name.startswith("泰安") else None


_LENS_PUB = re.compile(r"^([A-Z]{2})\s+([0-9A-Z/]+?)\s+([A-Z][0-9]?)(?:\s+\d{8})?$")


@cache
def lens(data: Path, name: str = LENS_DRONES) -> tuple[Doc, ...]:
    """A Lens.org CSV export: one document per row."""
    frame = pd.read_csv(data / name, dtype=str)
    out = []
    for _, row in frame.iterrows():
        match = _LENS_PUB.match(nfkc(row["Publication Number"]).strip())
        assert match, row["Publication Number"]
        country, serial, kind = match.groups()
        prios = []
        for raw in _split(row["Priority Numbers"], ";;"):
            # "US 201461981128 P 20140417", "AU 2008 207572 A 20080423": the last word is
            # the date, the rest the number
            parts = raw.split()
            when = _date(parts[-1]) if len(parts) >= 3 else None
            number = app_number(" ".join(parts[:-1] if when else parts))
            if number:
                prios.append((number[:2], number, when))
        codes = [
            c
            for c in (ipc_code(x) for x in _split(row["IPCR Classifications"], ";;"))
            if c
        ]
        names = _split(row["Applicants"], ";;")
        out.append(
            Doc(
                key=pub_number(country, serial, kind),
                source="lens",
                office=country,
                app=app_number(row["Application Number"]),
                app_date=_date(row["Application Date"]),
                pub_date=_date(row["Publication Date"]),
                prios=prios,
                texts=[row["Title"]] if isinstance(row["Title"], str) else [],
                ipc=codes,
                ipc_main=codes[0] if codes else None,
                applicants=names,
                places=[None] * len(names),
            )
        )
    return tuple(out)


def _ciw_records(path: Path) -> Iterator[dict[str, list[str]]]:
    record: dict[str, list[str]] = {}
    tag = ""
    with path.open(encoding="utf-8-sig") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if line.startswith("ER"):
                yield record
                record, tag = {}, ""
                continue
            if (
                len(line) >= 2
                and line[:2].strip()
                and line[:2].isupper()
                and (len(line) == 2 or line[2] == " ")
            ):
                tag = line[:2]
                record.setdefault(tag, []).append(line[3:].strip())
            elif tag and line.startswith("   "):
                record[tag].append(line.strip())


_DW_PUB = re.compile(r"^([A-Z]{2})(\d+)-([A-Z]\d?)$")


@cache
def derwent(data: Path) -> tuple[Doc, ...]:
    """The Derwent export: one document per publication in each record's ``PN``."""
    out = []
    for path in sorted((data / DERWENT).glob("*.ciw")):
        for rec in _ciw_records(path):
            accession = " ".join(rec.get("UT", [""])).replace("DIIDW:", "").strip()
            members = [
                m.strip() for m in " ".join(rec.get("PN", [])).split(";") if m.strip()
            ]
            names = [
                re.sub(r"\s*\([A-Z0-9]{4}-[A-Za-z -]+\)\s*$", "", a).strip()
                for a in rec.get("AE", [])
            ]
            codes = [
                c
                for c in (ipc_code(x) for x in " ".join(rec.get("IP", [])).split(";"))
                if c
            ]
            prios = []
            for raw in rec.get("PI", []):
                parts = raw.split()
                when = _DW_DATE.search(raw)
                if parts:
                    filed = _date(when.group(1)) if when else None
                    prios.append((parts[0][:2], derwent_cn(parts[0], filed), filed))
            details = {}
            for raw in rec.get("PD", []):
                parts = raw.split()
                when = _DW_DATE.search(raw)
                main = ipc_code(parts[4]) if len(parts) > 4 else None
                details[parts[0]] = (
                    _date(when.group(1)) if when else None,
                    main,
                )
            apps = {}
            for raw in rec.get("AD", []):
                parts = raw.split()
                when = _DW_DATE.search(raw)
                if len(parts) >= 2:
                    apps[parts[0]] = (parts[1], _date(when.group(1)) if when else None)
            texts = [" ".join(rec.get("TI", [])), " ".join(rec.get("AB", []))]
            for member in members:
                match = _DW_PUB.match(member)
                if match is None:
                    continue
                country, serial, kind = match.groups()
                published, main = details.get(member, (None, None))
                abbreviated, filed = apps.get(member, (None, None))
                full = derwent_cn(abbreviated, filed) if abbreviated else None
                out.append(
                    Doc(
                        key=pub_number(country, serial, kind),
                        source="derwent",
                        office=country,
                        app=(
                            full
                            if full and full != abbreviated
                            else (
                                f"DW:{accession}:{abbreviated}" if abbreviated else None
                            )
                        ),
                        dwpi_app=abbreviated,
                        app_date=filed,
                        pub_date=published,
                        prios=list(prios),
                        texts=[t for t in texts if t],
                        ipc=codes,
                        ipc_main=main or (codes[0] if codes else None),
                        applicants=names,
                        places=[None] * len(names),
                        dwpi=accession,
                    )
                )
    return tuple(out)


# -- one row per document ---------------------------------------------------------------------


def derwent_cn(number: str, filed: date | None) -> str:
    """A Chinese application number as Derwent abbreviates it, made whole: from 2004 CNIPA
    numbers are the year, a type digit and seven digits, and Derwent drops the year
    (``CN80077691`` filed in 2014 is ``CN201480077691``); other numbers stay as written."""
    digits = number[2:]
    new_format = filed is not None and filed.year >= 2004
    if number.startswith("CN") and digits.isdigit() and len(digits) == 8 and new_format:
        return f"CN{filed.year}{digits}"  # type: ignore[union-attr]
    return number


def merge(parts: Iterable[Iterable[Doc]]) -> dict[str, Doc]:
    """Documents by key. A publication exported by two sources is one document, updated
    the way the store documents it (``patnav.storage.writer``): the later source's values
    replace the earlier's, each section it has (texts, applicants, classes, priorities)
    replaces the earlier's, and the earlier's fill what it lacks. ``parts`` come in the
    order the demo imports them (Lens before Derwent)."""
    out: dict[str, Doc] = {}
    for docs in parts:
        for doc in docs:
            seen = out.get(doc.key)
            if seen is None:
                doc.sources = {doc.source}
                out[doc.key] = doc
                continue
            seen.sources.add(doc.source)
            for name in (
                "office",
                "app_date",
                "pub_date",
                "ipc_main",
                "dwpi",
                "dwpi_app",
            ):
                value = getattr(doc, name)
                if value is not None:
                    setattr(seen, name, value)
            if doc.app and not doc.app.startswith("DW:"):
                seen.app = doc.app
            for name in ("texts", "ipc", "prios"):
                if getattr(doc, name):
                    setattr(seen, name, getattr(doc, name))
            if doc.applicants:
                seen.applicants, seen.places = doc.applicants, doc.places
    # Derwent abbreviates application numbers (CN80017500 for CN201080017500): the members
    # of one record sharing one take the full number another source gives one of them
    full: dict[tuple[str, str], set[str]] = {}
    for doc in out.values():
        if doc.dwpi and doc.dwpi_app and doc.app and not doc.app.startswith("DW:"):
            full.setdefault((doc.dwpi, doc.dwpi_app), set()).add(doc.app)
    for doc in out.values():
        if doc.dwpi and doc.dwpi_app and doc.app and doc.app.startswith("DW:"):
            numbers = full.get((doc.dwpi, doc.dwpi_app), set())
            if len(numbers) == 1:
                doc.app = next(iter(numbers))
    return out
