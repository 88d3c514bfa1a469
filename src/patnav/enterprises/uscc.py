"""统一社会信用代码 (unified social credit code, GB 32100-2015): normalise and validate.

A code has 18 characters: the registration authority (1 机构编制, 5 民政, 9 工商 …), the
category (1 企业, 2 个体工商户 …), the 6-digit administrative division where it was issued
(GB/T 2260), the 9-character organisation code (GB 11714), and a check character. The
characters come from a 31-character alphabet, the digits and the capital letters without
I, O, Z, S and V. The check character is ``31 − (Σ value × weight mod 31)`` over the first 17
characters with the weights below (31 itself becomes 0).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 characters of a code, in the order of their values 0–30."""

WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
"""The weights of the first 17 characters (3^i mod 31)."""

AUTHORITIES = frozenset("123456789ANY")
"""First characters GB 32100 assigns to registration authorities."""

_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_SEPARATORS = re.compile(r"[\s\-—_/.·]+")


@dataclass(frozen=True, slots=True)
class UsccCheck:
    """The outcome of validating a code: the normalised code, whether it is valid and,
    when not, why (in Chinese)."""

    code: str
    valid: bool
    reason: str | None = None

    @property
    def region_code(self) -> str | None:
        """The 6-digit division code the code was issued in (characters 3–8)."""
        part = self.code[2:8]
        return part if self.valid and part.isdigit() else None


def normalize_uscc(text: str) -> str:
    """A code as written (full-width, lower case, spaces or hyphens) in its canonical form."""
    text = unicodedata.normalize("NFKC", text).upper()
    return _SEPARATORS.sub("", text)


def check_character(first17: str) -> str:
    """The check character of the first 17 characters of a code.

    Raises:
        ValueError: not 17 characters of the alphabet.
    """
    if len(first17) != 17 or any(ch not in _VALUE for ch in first17):
        raise ValueError(
            f"{first17!r} is not 17 characters of the GB 32100 alphabet ({ALPHABET})"
        )
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate_uscc(text: str) -> UsccCheck:
    """Validate a 统一社会信用代码: length, alphabet, authority and check character."""
    code = normalize_uscc(text)
    if len(code) != 18:
        return UsccCheck(code, False, f"应为18位，实为{len(code)}位")
    bad = sorted({ch for ch in code if ch not in _VALUE})
    if bad:
        return UsccCheck(
            code, False, f"含不允许的字符 {''.join(bad)}（代码不用 I、O、Z、S、V）"
        )
    if code[0] not in AUTHORITIES:
        return UsccCheck(code, False, f"登记管理部门代码 {code[0]} 无效")
    if not code[2:8].isdigit():
        return UsccCheck(code, False, f"行政区划码 {code[2:8]} 应为6位数字")
    expected = check_character(code[:17])
    if code[17] != expected:
        return UsccCheck(code, False, f"校验码应为 {expected}，实为 {code[17]}")
    return UsccCheck(code, True)


def is_valid_uscc(text: str) -> bool:
    """Whether ``text`` is a valid 统一社会信用代码 once normalised."""
    return validate_uscc(text).valid
