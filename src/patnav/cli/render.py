"""Plain-text rendering for the terminal: CJK-aware tables and a progress line.

Columns are aligned by display width, not by character count: CJK and full-width characters
take two terminal columns, combining marks and zero-width characters none. Cells are kept on
one line (line breaks and tabs become spaces), so a title with a line break cannot shift the
columns after it. Columns whose cells are all numbers are right-aligned unless told otherwise.
"""

from __future__ import annotations

import re
import sys
import time
import unicodedata
from collections.abc import Sequence

import click

_ZERO_WIDTH = {"Mn", "Me", "Cf"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_NUMBER = re.compile(r"^[-+−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$|^-$")


def _char_width(ch: str) -> int:
    if unicodedata.east_asian_width(ch) in "WF":
        return 2
    if unicodedata.category(ch) in _ZERO_WIDTH or "\u1160" <= ch <= "\u11ff":
        return (
            0  # combining marks, zero-width joiners, variation selectors, jamo vowels
        )
    return 1


def width(text: str) -> int:
    """Terminal columns ``text`` takes: CJK and full-width characters take two, combining
    marks and zero-width characters none, and an emoji joined to the one before it by a
    zero-width joiner (👨‍👩‍👧, one glyph) none."""
    total, joined = 0, False
    for ch in text:
        w = _char_width(ch)
        if joined and w == 2 and unicodedata.category(ch) == "So":
            w = 0
        joined = ch == "\u200d"
        total += w
    return total


def one_line(text: str) -> str:
    """``text`` on one line: line breaks, tabs and other control characters become a space."""
    return _CONTROL.sub(" ", text)


def _fit(text: str, limit: int) -> str:
    if width(text) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        w = _char_width(ch)
        if used + w > limit - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def _is_number(cell: str) -> bool:
    return bool(_NUMBER.match(cell.strip()))


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    align: str | None = None,
    max_width: int = 48,
) -> str:
    """A table with columns aligned by display width.

    ``align`` is one letter per column, ``l`` or ``r``; without it, columns of numbers
    (``1,234``, ``12.5%``, with ``-`` for a missing one) are right-aligned and the others
    left-aligned. Cells longer than ``max_width`` columns are cut with ``…``.
    """
    cells = [
        [_fit(one_line("" if v is None else str(v)), max_width) for v in row]
        for row in rows
    ]
    heads = [one_line(str(h)) for h in headers]
    widths = [
        max([width(heads[i]), *(width(r[i]) for r in cells)]) for i in range(len(heads))
    ]
    if align is None:
        align = "".join(
            "r"
            if any(r[i] not in ("", "-") for r in cells)
            and all(_is_number(r[i]) for r in cells if r[i])
            else "l"
            for i in range(len(heads))
        )

    def line(values: Sequence[str]) -> str:
        parts = []
        for i, value in enumerate(values):
            pad = " " * (widths[i] - width(value))
            parts.append(pad + value if align[i] == "r" else value + pad)
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(heads), rule, *(line(r) for r in cells)])


class Progress:
    """A one-line progress display on stderr, shown only on a terminal."""

    def __init__(self, enabled: bool | None = None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._last = 0.0
        self._shown = False

    def __call__(self, name: str, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.2:
            return
        self._last = now
        short = name if len(name) < 50 else "…" + name[-49:]
        if total:
            pct = min(100, 100 * done // max(total, 1))
            bar = "█" * (pct // 4) + "·" * (25 - pct // 4)
            text = f"\r{short}  {bar} {pct:3d}%"
        else:
            text = f"\r{short}  {done:,}"
        click.echo(text + " " * 4, nl=False, err=True)
        self._shown = True

    def done(self) -> None:
        if self._shown:
            click.echo("\r" + " " * 90 + "\r", nl=False, err=True)
            self._shown = False
