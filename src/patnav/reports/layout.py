"""Table layout from content, shared by the renderers: how wide each column must be so
that short labels (类型, 定位, 占比) never wrap one character per line.

Widths are counted in display columns — a CJK or full-width character takes two, a Latin
letter or digit one — and turned into centimetres at the tables' 8.5 pt.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

TEXT_WIDTH_CM = 21.0 - 2 * 2.2
"""The width between the margins of an A4 page, where tables go."""
CM_PER_COLUMN = 0.165
"""One display column (half a CJK character) at the tables' 8.5 pt, in cm."""
CELL_PADDING_CM = 0.4
"""Word's default left and right cell margins (0.19 cm each), rounded up."""
SHORT_COLUMN_CM = 3.2
"""A column whose longest cell fits in this width is never wrapped (类型, 定位, 占比 …)."""
HEADER_ONE_LINE = 8
"""A header up to this many display columns stays on one line; longer ones may take two."""


def display_width(text: str) -> int:
    """Columns ``text`` takes in a monospace sense: CJK and full-width characters two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def column_widths(
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    total_cm: float = TEXT_WIDTH_CM,
) -> list[float]:
    """Column widths (cm) that fit the page from the content: short label and number
    columns get the width of their longest cell (they never wrap), long text columns share
    the rest in proportion to their content; a header may wrap onto two lines.
    """
    need = []
    for j, header in enumerate(columns):
        cells = [display_width(r[j]) for r in rows if j < len(r)]
        head = display_width(header)
        head = (
            head if head <= HEADER_ONE_LINE else -(-head // 2)
        )  # headers may take two lines
        need.append(max([head, *cells]) * CM_PER_COLUMN + CELL_PADDING_CM)
    if sum(need) <= total_cm:
        spare = total_cm - sum(need)
        return [w + spare * w / sum(need) for w in need]
    short = [w <= SHORT_COLUMN_CM for w in need]
    fixed = sum(w for w, s in zip(need, short, strict=True) if s)
    long_total = sum(w for w, s in zip(need, short, strict=True) if not s)
    room = total_cm - fixed
    if long_total == 0 or room < 1.5 * short.count(False):
        scale = total_cm / sum(need)  # too many columns to keep any unwrapped
        return [w * scale for w in need]
    return [w if s else room * w / long_total for w, s in zip(need, short, strict=True)]


def short_columns(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> set[int]:
    """The columns kept on one line: their longest cell fits :data:`SHORT_COLUMN_CM`."""
    out = set()
    for j in range(len(columns)):
        cells = [display_width(r[j]) for r in rows if j < len(r)]
        if max(cells, default=0) * CM_PER_COLUMN + CELL_PADDING_CM <= SHORT_COLUMN_CM:
            out.add(j)
    return out
