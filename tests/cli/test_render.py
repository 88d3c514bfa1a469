"""Terminal tables: columns aligned by display width, numbers right-aligned, one line a row.

Display widths are checked against ``wcwidth`` (the terminal-width tables prompt_toolkit
uses), an implementation independent of ours.
"""

from __future__ import annotations

from wcwidth import wcswidth

from patnav.cli.render import table, width

ROWS = [
    ("光纤连接器", "武汉光迅科技股份有限公司", "1,234"),
    ("Cafe\u0301 au lait", "LG 电子株式会社", "5"),  # e + combining acute accent
    ("一种\n钢筋混凝土轨枕", "THALES SA", "12.5%"),  # a line break inside a title
    ("👨\u200d👩\u200d👧 emoji family", "ＡＢＣ（全角）", "-"),
]


def _starts(line: str, cells: list[str]) -> list[int]:
    """The display column at which each cell of a rendered line starts."""
    out, pos = [], 0
    for cell in cells:
        at = line.index(cell, pos)
        out.append(wcswidth(line[:at]))
        pos = at + len(cell)
    return out


def test_width_counts_cjk_as_two_and_combining_marks_as_none():
    for text in (
        "光纤",
        "Cafe\u0301",
        "ＡＢＣ（全角）",
        "申请人位于湖北省",
        "👨\u200d👩\u200d👧",
        "·—…",
    ):
        assert width(text) == wcswidth(text), text


def test_table_columns_line_up_in_display_columns():
    text = table(["标题", "申请人", "数量"], ROWS)
    lines = text.splitlines()
    assert len(lines) == 2 + len(ROWS)  # the line break stayed inside its cell
    second = [
        _starts(line, [cells[1]])[0]
        for line, cells in zip(lines[2:], ROWS, strict=True)
    ]
    header = _starts(lines[0], ["申请人"])[0]
    assert set(second) == {header}
    # numbers are right-aligned: every row ends at the same display column
    assert len({wcswidth(line) for line in lines[2:]}) == 1


def test_numbers_are_right_aligned_and_text_left_aligned_without_a_hint():
    text = table(
        ["申请人", "专利族数（族）"], [("华为技术有限公司", "1,234"), ("中兴", "5")]
    )
    body = text.splitlines()[2:]
    assert body[0].startswith("华为") and body[1].startswith("中兴")
    assert body[0].endswith("1,234") and body[1].endswith("    5")
    assert wcswidth(body[0]) == wcswidth(body[1])


def test_a_column_of_missing_values_stays_left_aligned():
    text = table(["类型", "名称"], [("-", "甲"), ("-", "乙")])
    assert all(line.startswith("-") for line in text.splitlines()[2:])


def test_long_cells_are_cut_to_the_width_with_an_ellipsis():
    text = table(["标题"], [("无人机" * 30,)], max_width=20)
    cell = text.splitlines()[2]
    assert cell.endswith("…") and wcswidth(cell) <= 20
