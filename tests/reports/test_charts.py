"""Charts draw Chinese with a CJK font: no tofu, no fallback to DejaVu."""

from __future__ import annotations

import io
import warnings

from matplotlib import font_manager
from matplotlib.ft2font import FT2Font
from PIL import Image

from patnav.reports.charts import cjk_family, cjk_font_file, render_png
from patnav.reports.model import Chart, Figure, Series

LABELS = ("泰安市", "输变电装备", "矿山装备与安全", "现代农业与食品")


def _figure(kind="barh"):
    return Figure(
        title="各环节显示性技术优势指数",
        unit="件",
        note="数据来源：taian_patents.xlsx；截止日：2018-06-19；计数单位：专利申请（件）",
        chart=Chart(
            kind,
            LABELS,
            (Series("本地", (415.0, 1569.0, 446.0, 490.0)),),
            x_label="申请量（件）",
            references=((1.2, "强链"),),
        ),
    )


def test_chinese_labels_render_without_missing_glyphs():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = render_png(_figure(), with_note=True)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width == 1400  # 7 in at 200 dpi


def test_the_chart_font_has_the_glyphs_it_draws():
    path = cjk_font_file()
    assert "DejaVu" not in path
    assert cjk_family() in {f.name for f in font_manager.fontManager.ttflist}
    font = FT2Font(path)
    text = (
        "".join(LABELS) + "各环节显示性技术优势指数申请量件数据来源截止日计数单位专利"
    )
    assert all(font.get_char_index(ord(ch)) for ch in text)


def test_every_chart_kind_draws():
    for kind in ("bar", "stacked", "line", "barh", "donut"):
        assert render_png(_figure(kind)).startswith(b"\x89PNG")
    heat = Figure(
        "技术功效矩阵",
        "件",
        "注",
        Chart(
            "heatmap",
            ("成本", "效率"),
            (),
            rows=("H01H", "H02B"),
            matrix=((3, 0), (1, 5)),
        ),
    )
    scatter = Figure(
        "技术生命周期",
        "件",
        "注",
        Chart(
            "scatter",
            ("2012", "2013", "2014"),
            (Series("申请人", (10, 12, 9)), Series("申请", (20, 25, 18))),
            shaded=("2014",),
        ),
    )
    assert render_png(heat).startswith(b"\x89PNG")
    assert render_png(scatter).startswith(b"\x89PNG")


def test_line_series_of_a_bar_chart_are_drawn_as_lines_over_the_bars():
    """The filing trend: filings as bars, first publications and grants as lines — not
    three groups of bars."""
    from patnav.reports.charts import _draw

    chart = Chart(
        "bar",
        ("2014", "2015", "2016"),
        (
            Series("申请量", (5.0, 7.0, 9.0)),
            Series("首次公开", (1.0, 4.0, 6.0), kind="line"),
            Series("授权", (0.0, 2.0, 3.0), kind="line"),
        ),
    )
    drawn = _draw(Figure("专利申请趋势", "件", "注", chart), with_note=False)
    ax = drawn.axes[0]
    assert [len(c) for c in ax.containers] == [3]  # one series of bars
    lines = {line.get_label(): list(line.get_ydata()) for line in ax.get_lines()}
    assert lines == {"首次公开": [1.0, 4.0, 6.0], "授权": [0.0, 2.0, 3.0]}


def test_the_unknown_bar_is_grey():
    """A horizontal bar chart's shaded category (未定位, 未知) is drawn grey, apart from the
    placed ones."""
    from matplotlib.colors import to_hex

    from patnav.reports.charts import INCOMPLETE, PALETTE, _draw

    chart = Chart(
        "barh",
        ("浙江省", "江苏省", "未定位"),
        (Series("篇", (3.0, 2.0, 40.0)),),
        shaded=("未定位",),
    )
    drawn = _draw(Figure("国内省份分布", "篇", "注", chart), with_note=False)
    bars = drawn.axes[0].containers[0]
    colours = [to_hex(bar.get_facecolor()) for bar in bars]
    assert colours == [PALETTE[0].lower(), PALETTE[0].lower(), INCOMPLETE]
