"""Split a claims text into numbered claims and find what each depends on.

Used where a source gives the claims as one text (spreadsheets, APS text, some XML).
Chinese claims are numbered ``1.`` ``1、`` ``1．`` and refer back with 根据权利要求1所述,
权利要求1-3中任一项, 权利要求1或2; English ones with "claim 1", "claims 1 to 3", "any one of claims
1-5". Numbers must run 1, 2, 3 … so that "1.5 mm" inside a claim never starts a new one.
"""

from __future__ import annotations

import re

from patnav.schema.records import Claim

_NUMBER = re.compile(
    r"(?:(?<=^)|(?<=[\s。.;；:：）)]))(\d{1,3})\s*[.、．]\s*(?=[^\d\s])"
)
_REF_ZH = re.compile(
    r"权利要求\s*(\d+)(?:\s*(?:[-~～至到—–]|或|和|及|、|,|，)\s*(\d+))*"
)
_REF_EN = re.compile(
    r"\bclaims?\s+(\d+)((?:\s*(?:,|-|–|to|or|and|through)\s*\d+)*)", re.IGNORECASE
)


def split_claims(text: str, *, lang: str | None = None) -> list[Claim]:
    """Numbered claims of ``text``; one unnumbered claim 1 when no numbering is found."""
    text = text.strip()
    if not text:
        return []
    starts: list[tuple[int, int, int]] = []  # (num, match start, text start)
    expected = 1
    for m in _NUMBER.finditer(text):
        if int(m.group(1)) == expected:
            starts.append((expected, m.start(), m.end()))
            expected += 1
    if not starts or starts[0][1] > 20:
        return [Claim(num=1, text=text, is_independent=True, lang=lang)]
    claims = []
    for i, (num, _, begin) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else len(text)
        body = text[begin:end].strip()
        refs = claim_references(body, before=num)
        claims.append(
            Claim(
                num=num, text=body, is_independent=not refs, depends_on=refs, lang=lang
            )
        )
    return claims


def claim_references(text: str, *, before: int) -> tuple[int, ...]:
    """Claim numbers below ``before`` that ``text`` refers back to, in order."""
    found: list[int] = []
    for m in _REF_ZH.finditer(text):
        found.extend(_expand(m.group(0)))
    for m in _REF_EN.finditer(text):
        found.extend(_expand(m.group(1) + (m.group(2) or "")))
    out: list[int] = []
    for n in found:
        if 0 < n < before and n not in out:
            out.append(n)
    return tuple(out)


def _expand(fragment: str) -> list[int]:
    numbers = [int(n) for n in re.findall(r"\d+", fragment)]
    ranges = re.findall(r"(\d+)\s*(?:[-~～至到—–]|to|through)\s*(\d+)", fragment)
    for lo, hi in ranges:
        a, b = int(lo), int(hi)
        if 0 < a < b <= a + 200:
            numbers.extend(range(a, b + 1))
    return sorted(set(numbers))
