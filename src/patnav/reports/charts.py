"""Charts of the reports: matplotlib (Agg canvas, no pyplot state) with a CJK font, PNG at
200 dpi.

Every chart carries its title and its axis units; the report prints its data note (sources,
cut-off, counting unit, incomplete years) under the caption, and ``with_note`` draws the
note into the image for a chart used on its own. Incomplete years are hatched (bars) or
shaded (lines, heatmaps) or drawn grey (lifecycle points).

Fonts: Noto Sans CJK SC from the system (apt ``fonts-noto-cjk``, installed by
``scripts/system-deps.sh``), found by family name through ``matplotlib.font_manager``; when
matplotlib's font cache predates the fonts, the system's CJK font files are registered on
first use; the fonts of the ``mplfonts`` package are the fallback. A chart never falls back
to a font without Chinese glyphs: :func:`cjk_family` raises instead.
"""

from __future__ import annotations

import contextlib
import io
import math
import threading
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from matplotlib import font_manager, rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator
from matplotlib.typing import RcKeyType

from patnav.errors import FontError
from patnav.reports.model import Chart, Figure

DPI = 200
WIDTH_IN = 7.0
PALETTE = (
    "#1f4e79",
    "#c0504d",
    "#6a9a3a",
    "#8064a2",
    "#2e9fbf",
    "#e08a2c",
    "#7f7f7f",
    "#b5a33a",
    "#d46aa0",
    "#4a7c8c",
)
REFERENCE = "#c0504d"
INCOMPLETE = "#d9d9d9"
PREFERRED_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "SimHei",
)
"""CJK font families, best first; the first one matplotlib knows is used."""
_CJK_FILE_HINTS = ("CJK", "SourceHan", "NotoSansSC", "NotoSerifSC", "SimHei")


_DRAWING = threading.Lock()
"""matplotlib's rcParams are process-wide and ``rc_context`` swaps them: charts are drawn
one at a time, so a web server building two reports in threads stays correct."""


@lru_cache(maxsize=1)
def cjk_family() -> str:
    """The CJK font family charts use (``Noto Sans CJK SC`` where installed).

    Raises:
        FontError: neither the system nor the ``mplfonts`` package has a CJK font.
    """
    found = _known_family()
    if found:
        return found
    # matplotlib's font cache may predate fonts installed later: register them now
    for name in font_manager.findSystemFonts():
        if any(hint in Path(name).name for hint in _CJK_FILE_HINTS):
            _add_font(Path(name))
    found = _known_family()
    if found:
        return found
    with contextlib.suppress(ImportError):  # mplfonts is pinned; the guard is for forks
        import mplfonts

        for path in sorted((Path(mplfonts.__file__).parent / "fonts").glob("*.[ot]tf")):
            _add_font(path)
    found = _known_family()
    if found:
        return found
    raise FontError(
        "No font with Chinese glyphs was found for the report charts (expected one of "
        f"{', '.join(PREFERRED_FAMILIES)}). Install the Noto CJK fonts "
        "(scripts/system-deps.sh installs apt fonts-noto-cjk) or the mplfonts package."
    )


def _known_family() -> str | None:
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((f for f in PREFERRED_FAMILIES if f in names), None)


def _add_font(path: Path) -> None:
    with contextlib.suppress(OSError, RuntimeError, ValueError):  # unreadable: skipped
        font_manager.fontManager.addfont(path)


def cjk_font_file() -> str:
    """The file of the CJK font charts draw with."""
    return str(
        font_manager.findfont(
            font_manager.FontProperties(family=cjk_family()), fallback_to_default=False
        )
    )


def _rc() -> dict[RcKeyType, Any]:
    family = cjk_family()
    return {
        "font.family": [family],
        "font.sans-serif": [family, "DejaVu Sans"],
        "axes.unicode_minus": False,
        "font.size": 8.5,
        "axes.titlesize": 10.5,
        "axes.labelsize": 8.5,
        "xtick.labelsize": 7.5,
        "ytick.labelsize": 7.5,
        "legend.fontsize": 7.5,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.hashsalt": "patnav",
    }


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def shorten(text: str, limit: int = 26) -> str:
    """``text`` cut to ``limit`` display columns (CJK count two), with an ellipsis."""
    if _width(text) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        w = _width(ch)
        if used + w > limit - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def _wrap_note(note: str, columns: int = 118) -> str:
    lines: list[str] = []
    current, used = "", 0
    for ch in note:
        w = _width(ch)
        if used + w > columns:
            lines.append(current)
            current, used = "", 0
        current += ch
        used += w
    lines.append(current)
    return "\n".join(lines[:3])


def render_png(figure: Figure, *, with_note: bool = False) -> bytes:
    """Draw one figure as PNG bytes (200 dpi).

    ``with_note`` draws the data note into the image, for a chart used on its own; in a
    report the note is printed under the figure's caption instead.
    """
    with _DRAWING, rc_context(_rc()):
        fig = _draw(figure, with_note=with_note)
        FigureCanvasAgg(fig)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def render_all(figures: list[Figure]) -> None:
    """Draw every figure that has no PNG yet."""
    for figure in figures:
        if figure.png is None:
            figure.png = render_png(figure)


def _height(chart: Chart) -> float:
    if chart.kind == "barh":
        rows = len(chart.categories) * max(1, len(chart.series))
        return max(2.4, 0.22 * rows + 1.3)
    if chart.kind == "heatmap":
        return max(3.0, 0.27 * len(chart.rows) + 2.1)
    if chart.kind == "donut":
        return 3.4
    if chart.kind == "timeline":
        return max(2.6, 0.62 * len(chart.rows) + 1.5)
    return 3.6


def _cjk(text: str) -> bool:
    return any(_width(c) == 2 for c in text)


def _draw(figure: Figure, *, with_note: bool) -> MplFigure:
    chart = figure.chart
    note = _wrap_note(figure.note) if with_note else ""
    note_lines = note.count("\n") + 1 if note else 0
    height = (figure.height_in or _height(chart)) + 0.16 * note_lines
    engine = ConstrainedLayoutEngine()
    bottom = (0.16 * note_lines + 0.04) / height
    engine.set(rect=(0.0, bottom, 1.0, 1.0 - bottom))
    fig = MplFigure(figsize=(WIDTH_IN, height), layout=engine)
    ax = fig.add_subplot()
    unit = ""
    if figure.unit:
        unit = f"（{figure.unit}）" if _cjk(figure.title) else f" ({figure.unit})"
    ax.set_title(figure.title + unit, loc="left", fontweight="bold")
    drawers: dict[str, Callable[[MplFigure, Axes, Chart], None]] = {
        "bar": _bar,
        "stacked": _bar,
        "line": _line,
        "barh": _barh,
        "donut": _donut,
        "heatmap": _heatmap,
        "scatter": _scatter,
        "timeline": _timeline,
    }
    drawer = drawers.get(chart.kind)
    if drawer is None:
        raise ValueError(f"unknown chart kind {chart.kind!r}")
    if not chart.categories or not (chart.series or chart.matrix):
        ax.text(0.5, 0.5, "—", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    else:
        drawer(fig, ax, chart)
    if note:
        fig.text(
            0.01, 0.012, note, fontsize=6.5, color="#555555", va="bottom", ha="left"
        )
    return fig


def _ticks(ax: Axes, labels: tuple[str, ...]) -> None:
    n = len(labels)
    step = 1 if n <= 16 else math.ceil(n / 16)
    positions = list(range(n))[::step]
    rotate = n > 8 or max((_width(x) for x in labels), default=0) > 8
    ax.set_xticks(positions)
    ax.set_xticklabels(
        [shorten(labels[i], 16) for i in positions],
        rotation=45 if rotate else 0,
        ha="right" if rotate else "center",
    )


def _grid(ax: Axes, chart: Chart, axis: str = "y") -> None:
    ax.set_xlabel(chart.x_label)
    ax.set_ylabel(chart.y_label)
    ax.grid(axis=axis, color="#e6e6e6", linewidth=0.6)  # type: ignore[arg-type]
    ax.set_axisbelow(True)


def _values(values: tuple[float | None, ...], percent: bool) -> list[float]:
    scale = 100.0 if percent else 1.0
    return [0.0 if v is None else v * scale for v in values]


def _label(v: float, percent: bool) -> str:
    if percent:
        return f"{v:.1f}%"
    if abs(v) >= 10000:
        return f"{v / 1000:.0f}k"
    if float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:.2f}"


def _bar(fig: MplFigure, ax: Axes, chart: Chart) -> None:
    n = len(chart.categories)
    positions = list(range(n))
    shaded = set(chart.shaded)
    stacked = chart.kind == "stacked"
    # a series of kind "line" is drawn as a line over the bars (first publications and
    # grants over the filings)
    drawn = [s for s in chart.series if s.kind != "line"]
    k = len(drawn)
    width = 0.8 if stacked or k == 1 else 0.8 / k
    bottoms = [0.0] * n
    for i, series in enumerate(drawn):
        values = _values(series.values, chart.percent)
        if stacked or k == 1:
            xs = [float(p) for p in positions]
        else:
            xs = [p - 0.4 + width * (i + 0.5) for p in positions]
        bars = ax.bar(
            xs,
            values,
            width=width,
            bottom=bottoms if stacked else None,
            color=PALETTE[i % len(PALETTE)],
            label=series.name,
        )
        for bar, category in zip(bars, chart.categories, strict=True):
            if category in shaded:
                bar.set_alpha(0.45)
                bar.set_hatch("///")
                bar.set_edgecolor("#888888")
        if stacked:
            bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
        elif n <= 14 and k <= 2:
            for x, v in zip(xs, values, strict=True):
                ax.annotate(
                    _label(v, chart.percent),
                    (x, v),
                    ha="center",
                    va="bottom",
                    fontsize=6.5,
                    xytext=(0, 1),
                    textcoords="offset points",
                )
    _over_lines(ax, chart, k)
    _ticks(ax, chart.categories)
    for value, text in chart.references:
        ax.axhline(value, color=REFERENCE, linestyle="--", linewidth=0.8)
        ax.annotate(text, (n - 0.5, value), fontsize=6.5, color=REFERENCE, ha="right")
    _grid(ax, chart)
    handles, _ = ax.get_legend_handles_labels()
    if shaded:
        handles.append(
            Patch(
                facecolor="white",
                edgecolor="#888888",
                hatch="///",
                label=chart.shaded_label,
            )
        )
    if len(handles) > 1:
        ax.legend(
            handles=handles, frameon=False, loc="upper left", ncols=min(4, len(handles))
        )


def _over_lines(ax: Axes, chart: Chart, first: int) -> None:
    """The ``line`` series of a bar chart, drawn over its bars in the colours after
    theirs (``first``: how many colours the bars took)."""
    lines = [s for s in chart.series if s.kind == "line"]
    for i, series in enumerate(lines, first):
        values = _values(series.values, chart.percent)
        ax.plot(
            list(range(len(values))),
            values,
            marker="o",
            markersize=2.8,
            linewidth=1.5,
            color=PALETTE[i % len(PALETTE)],
            label=series.name,
        )


def _line(fig: MplFigure, ax: Axes, chart: Chart) -> None:
    scale = 100.0 if chart.percent else 1.0
    for i, series in enumerate(chart.series):
        points = [(p, v * scale) for p, v in enumerate(series.values) if v is not None]
        ax.plot(
            [p for p, _ in points],
            [v for _, v in points],
            marker="o",
            markersize=2.8,
            linewidth=1.5,
            color=PALETTE[i % len(PALETTE)],
            label=series.name,
        )
    shaded = [i for i, c in enumerate(chart.categories) if c in set(chart.shaded)]
    if shaded:
        ax.axvspan(
            min(shaded) - 0.5,
            max(shaded) + 0.5,
            color=INCOMPLETE,
            alpha=0.6,
            label=chart.shaded_label,
            linewidth=0,
        )
    for value, _ in chart.references:
        ax.axhline(value, color=REFERENCE, linestyle="--", linewidth=0.8)
    _ticks(ax, chart.categories)
    ax.set_ylim(bottom=0)
    if not chart.percent:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    _grid(ax, chart)
    if len(chart.series) > 1 or shaded:
        ax.legend(frameon=False, loc="upper left", ncols=min(4, len(chart.series) + 1))


def _barh(fig: MplFigure, ax: Axes, chart: Chart) -> None:
    n = len(chart.categories)
    k = len(chart.series)
    height = 0.8 / k
    low, high = 0.0, 0.0
    for i, series in enumerate(chart.series):
        values = _values(series.values, chart.percent)
        offset = (0.4 - height * (i + 0.5)) if k > 1 else 0.0
        ys = [n - 1 - j + offset for j in range(n)]
        # a shaded category (the units with no place among the others) is grey
        colour = PALETTE[i % len(PALETTE)]
        ax.barh(
            ys,
            values,
            height=height,
            color=[
                INCOMPLETE if c in chart.shaded else colour for c in chart.categories
            ],
            label=series.name,
        )
        for y, v in zip(ys, values, strict=True):
            ax.annotate(
                _label(v, chart.percent),
                (v, y),
                xytext=(2 if v >= 0 else -2, 0),
                textcoords="offset points",
                va="center",
                ha="left" if v >= 0 else "right",
                fontsize=6.5,
            )
        low = min(low, *values) if values else low
        high = max(high, *values) if values else high
    for value, _ in chart.references:
        high = max(high, value)
    span = (high - low) or 1.0
    ax.set_xlim(low - (0.15 * span if low < 0 else 0), high + 0.15 * span)
    ax.set_yticks(range(n))
    ax.set_yticklabels([shorten(c, 30) for c in reversed(chart.categories)])
    for value, text in chart.references:
        ax.axvline(value, color=REFERENCE, linestyle="--", linewidth=0.8)
        ax.annotate(text, (value, n - 0.4), fontsize=6.5, color=REFERENCE, ha="left")
    if low < 0:
        ax.axvline(0, color="#555555", linewidth=0.6)
    if not chart.percent and not chart.references:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _grid(ax, chart, "x")
    if k > 1:
        ax.legend(frameon=False, loc="lower right")


def _donut(fig: MplFigure, ax: Axes, chart: Chart) -> None:
    values = _values(chart.series[0].values, False)
    total = sum(values) or 1.0
    labels = [
        f"{shorten(c, 18)}  {v / total:.1%}"
        for c, v in zip(chart.categories, values, strict=True)
    ]
    wedges, _ = ax.pie(
        values,
        colors=[PALETTE[i % len(PALETTE)] for i in range(len(values))],
        startangle=90,
        counterclock=False,
        wedgeprops={"width": 0.42, "edgecolor": "white"},
    )
    ax.legend(
        wedges, labels, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5)
    )
    ax.set_aspect("equal")


def _heatmap(fig: MplFigure, ax: Axes, chart: Chart) -> None:
    data = [list(row) for row in chart.matrix]
    image = ax.imshow(data, aspect="auto", cmap="Blues")
    ax.set_yticks(range(len(chart.rows)))
    ax.set_yticklabels([shorten(r, 28) for r in chart.rows])
    _ticks(ax, chart.categories)
    peak = max((max(r) for r in data if r), default=0.0) or 1.0
    if len(chart.rows) * len(chart.categories) <= 260:
        for i, row in enumerate(data):
            for j, v in enumerate(row):
                if v:
                    ax.text(
                        j,
                        i,
                        _label(v, False),
                        ha="center",
                        va="center",
                        fontsize=6,
                        color="white" if v > peak * 0.6 else "#222222",
                    )
    shaded = [i for i, c in enumerate(chart.categories) if c in set(chart.shaded)]
    if shaded:
        ax.axvspan(
            min(shaded) - 0.5,
            max(shaded) + 0.5,
            fill=False,
            hatch="///",
            edgecolor="#999999",
            linewidth=0,
        )
    fig.colorbar(image, ax=ax, shrink=0.8, pad=0.01)
    ax.set_xlabel(chart.x_label)
    ax.set_ylabel(chart.y_label)
    for spine in ax.spines.values():
        spine.set_visible(False)


def _scatter(fig: MplFigure, ax: Axes, chart: Chart) -> None:
    xs = _values(chart.series[0].values, False)
    ys = _values(chart.series[1].values, False)
    ax.plot(xs, ys, color="#9db7d5", linewidth=1.0, zorder=1)
    shaded = set(chart.shaded)
    colors = [INCOMPLETE if c in shaded else PALETTE[0] for c in chart.categories]
    ax.scatter(xs, ys, c=colors, s=14, zorder=2)
    n = len(chart.categories)
    step = max(1, math.ceil(n / 8))
    for i, label in enumerate(chart.categories):
        if i % step == 0 or i == n - 1:
            ax.annotate(
                label,
                (xs[i], ys[i]),
                xytext=(4, -3),
                textcoords="offset points",
                fontsize=6.5,
                color="#333333",
            )
    _grid(ax, chart, "both")


def _timeline(fig: MplFigure, ax: Axes, chart: Chart) -> None:
    xs = _values(chart.series[0].values, False)
    lanes = [int(v) for v in _values(chart.series[1].values, False)]
    n = len(chart.rows)
    ys = [n - 1 - lane for lane in lanes]  # the first branch on top
    colors = [PALETTE[lane % len(PALETTE)] for lane in lanes]
    ax.scatter(xs, ys, c=colors, s=18, zorder=2)
    # labels slant up and right; a point close to the previous one of its lane takes
    # the other side of the lane, and points of one year stack, so labels do not overprint
    order = sorted(range(len(xs)), key=lambda i: (ys[i], xs[i], chart.categories[i]))
    side: dict[int, tuple[float, int]] = {}  # lane -> (last x, last side)
    stack: dict[tuple[float, float, int], int] = {}
    for i in order:
        x, y = xs[i], ys[i]
        last = side.get(y)
        up = 1 if last is None or x - last[0] > 1.5 or last[1] < 0 else -1
        side[y] = (x, up)
        k = stack.get((x, y, up), 0)
        stack[(x, y, up)] = k + 1
        ax.annotate(
            shorten(chart.categories[i], 16),
            (x, y),
            xytext=(2, (4 + 6 * k) * up - (4 if up < 0 else 0)),
            textcoords="offset points",
            fontsize=5,
            rotation=25 * up,
            rotation_mode="anchor",
            va="bottom" if up > 0 else "top",
            color="#333333",
        )
    ax.set_yticks(range(n))
    ax.set_yticklabels([shorten(r, 16) for r in reversed(chart.rows)])
    ax.set_ylim(-0.6, n - 0.1)
    if xs:
        ax.set_xlim(min(xs) - 1, max(xs) + 2)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _grid(ax, chart, "x")
