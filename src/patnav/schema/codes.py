"""Canonical classification symbols: IPC, CPC and Locarno.

Sources write the same IPC group in many ways: ``H02K 17/02``, ``H02K17/02``,
``E01B3/32(2006.01)I`` (CNIPA, with version and inventive flag), ``A61K-0031/12`` (Thomson,
Derwent), ``A61K 31/12: Medicinal …`` (with a title). The canonical form is compact with
no leading zeros in the main group: ``H02K17/02``; subclass-only symbols stay ``A61K``.
Locarno design classes are ``11-02``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_IPC = re.compile(
    r"""^\s*
    (?P<section>[A-HY])\s*(?P<cls>\d{2})\s*(?P<sub>[A-Z])   # H02K
    (?:\s*[-\s]?\s*(?P<main>\d{1,4})                          # 17, 0031, 2009
       (?:\s*/\s*(?P<group>\d{1,6}))?                         # /02
    )?
    (?P<rest>.*)$""",
    re.VERBOSE,
)
_VERSION = re.compile(r"\((\d{4}\.\d{2})\)\s*([IN])?")
# 11-02; LOC (10) 11-02; 21-01-C0293 (with the item number of the alphabetical list)
_LOC = re.compile(
    r"^\s*(?:LOC\s*(?:\(\d+\))?\s*)?(\d{1,2})\s*[-–.]\s*(\d{1,2})"
    r"(?:\s*[-–]\s*[A-Z]\d{3,4})?\s*$",
    re.I,
)
IPC_PATTERN = re.compile(r"^[A-HY]\d{2}[A-Z](?:\d{1,4}(?:/\d{1,6})?)?$")


@dataclass(frozen=True, slots=True)
class ClassSymbol:
    """A parsed classification symbol."""

    code: str
    version: str | None = None
    inventive: bool | None = None

    @property
    def subclass(self) -> str:
        """The four-character subclass, ``H02K``."""
        return self.code[:4]

    @property
    def main_group(self) -> str:
        """The main group, ``H02K17/00``."""
        head = self.code.split("/")[0]
        return f"{head}/00" if len(head) > 4 else head


@lru_cache(maxsize=1 << 16)
def parse_ipc(raw: str) -> ClassSymbol | None:
    """Parse an IPC or CPC symbol; None when ``raw`` is not one."""
    text = unicodedata.normalize("NFKC", raw).upper().strip()
    m = _IPC.match(text)
    if not m:
        return None
    code = f"{m['section']}{m['cls']}{m['sub']}"
    if m["main"]:
        code += str(int(m["main"]))
        if m["group"]:
            code += "/" + m["group"]
        else:
            code += "/00"
    rest = m["rest"] or ""
    if rest and not re.match(r"^\s*($|[(:;,\s]|-\s|[A-Z]\s|\d{4}\.)", rest):
        return None  # trailing junk that is not a version, title or flag
    version_match = _VERSION.search(rest)
    version = version_match.group(1) if version_match else None
    flag = version_match.group(2) if version_match else None
    return ClassSymbol(code, version, None if flag is None else flag == "I")


def normalize_ipc(raw: str) -> str | None:
    """The canonical IPC/CPC symbol, or None when ``raw`` is not one."""
    symbol = parse_ipc(raw)
    return symbol.code if symbol else None


@lru_cache(maxsize=1 << 12)
def normalize_locarno(raw: str) -> str | None:
    """A Locarno class ``11-02`` from ``11-02``, ``LOC (10) 11-02``, ``21-01-C0293``;
    else None. The item number of the alphabetical list is not part of the class."""
    m = _LOC.match(unicodedata.normalize("NFKC", raw))
    if not m:
        return None
    cls, sub = int(m.group(1)), int(m.group(2))
    if not (1 <= cls <= 32):
        return None
    return f"{cls:02d}-{sub:02d}"
