"""Plain-text rendering for the terminal: CJK-aware tables and a progress line."""

from __future__ import annotations

import sys
import time
import unicodedata
from collections.abc import Sequence

import click


def width(text: str) -> int:
    """Terminal columns ``text`` takes: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit(text: str, limit: int) -> str:
    if width(text) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        w = width(ch)
        if used + w > limit - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    align: str | None = None,
    max_width: int = 48,
) -> str:
    """A table with aligned columns; ``align`` is one letter per column, l or r."""
    cells = [
        [_fit("" if v is None else str(v), max_width) for v in row] for row in rows
    ]
    heads = [str(h) for h in headers]
    widths = [
        max([width(heads[i]), *(width(r[i]) for r in cells)]) for i in range(len(heads))
    ]
    align = align or "l" * len(heads)

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
