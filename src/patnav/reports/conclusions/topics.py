"""Rules over hot spots, inventors and competitors."""

from __future__ import annotations

from patnav.analyses.hotspots import WHITE_SPACE_MIN_EXPECTED
from patnav.i18n import say
from patnav.reports import labels as L
from patnav.reports.conclusions.base import _q
from patnav.reports.conclusions.data import data_few_inventors
from patnav.reports.conclusions.thresholds import (
    EMERGING_MIN_RECENT,
    RISING_GROWTH,
    RISING_MIN_RECENT,
    SHOWN,
)
from patnav.reports.context import Results
from patnav.reports.model import Finding


def white_spaces(r: Results) -> list[Finding]:
    """Sparse technology–effect cells next to dense rows and columns."""
    hs = r.hotspots
    if hs is None or not hs.white_spaces:
        return []
    m = hs.matrix
    rows = {key: sum(v) for key, v in zip(m.rows, m.values, strict=True)}
    cols = {c: sum(row[j] for row in m.values) for j, c in enumerate(m.columns)}
    out = []
    for w in hs.white_spaces[:SHOWN]:
        effect = L.effect_label(w.effect, r.lang)
        out.append(
            Finding(
                "hotspots.white_space",
                "opportunity",
                say(
                    r.lang,
                    f"技术空白：{w.means_label}（{w.means}）× {effect}——该技术手段共 "
                    f"{_q(r, rows.get(w.means, 0))}、该功效共 {_q(r, cols.get(w.effect, 0))}，"
                    f"二者结合仅 {_q(r, w.observed)}（按行列分布应有约 {w.expected:.1f}），"
                    "可作为研发布局方向。"
                    ""
                    "",
                    f"White space: {w.means} ({w.means_label}) × {effect} — "
                    f"{_q(r, rows.get(w.means, 0))} "
                    f"use the means and {_q(r, cols.get(w.effect, 0))} claim the effect, yet only "
                    f"{_q(r, w.observed)} combine them (about {w.expected:.1f} expected): a "
                    "direction "
                    "for R&D.",
                ),
                {
                    "row": rows.get(w.means, 0),
                    "column": cols.get(w.effect, 0),
                    "observed": w.observed,
                    "expected": w.expected,
                },
                w.means,
                50,
                basis=w.expected,
                min_basis=WHITE_SPACE_MIN_EXPECTED,
            )
        )
    return out


def emerging_terms(r: Results) -> list[Finding]:
    """Terms whose share grew most in the recent window."""
    hs = r.hotspots
    if hs is None or not hs.emerging or hs.recent_window is None:
        return []
    # a Chinese sentence names only terms with a Chinese form (无人机（drone）)
    shown = [t for t in hs.emerging if t.label(r.lang)][:5]
    if not shown:
        return []
    items = [
        f"{t.label(r.lang)}（{L.num(t.previous)} → {L.num(t.recent)}）"
        if r.lang != "en"
        else f"{t.label(r.lang)} ({L.num(t.previous)} → {L.num(t.recent)})"
        for t in shown
    ]
    return [
        Finding(
            "hotspots.emerging",
            "trend",
            say(
                r.lang,
                f"新兴技术词（{L.span(hs.previous_window)} → {L.span(hs.recent_window)} 提及数）：",
                f"Emerging terms (mentions {L.span(hs.previous_window)} → "
                f"{L.span(hs.recent_window)}): ",
            )
            + L.join(items, r.lang)
            + say(r.lang, "。", "."),
            {f"{t.term}.recent": t.recent for t in shown},
            priority=32,
            basis=min(t.recent for t in shown),
            min_basis=EMERGING_MIN_RECENT,
        )
    ]


def inventors_core(r: Results) -> list[Finding]:
    """The most productive inventors who are still active."""
    inv = r.inventors
    if inv is None or not inv.inventors or data_few_inventors(r):
        return []
    last_year = max((i.last_year or 0 for i in inv.inventors), default=0)
    active = [
        i
        for i in inv.inventors
        if i.last_year is not None and i.last_year >= last_year - 3
    ]
    active.sort(key=lambda i: (-i.units, -(i.productivity or 0), i.name))
    shown = active[:SHOWN]
    if not shown:
        return []
    kind = "recommendation" if r.spec.type == "talent" else "structure"
    items = [
        f"{i.name}（{i.applicant}，{_q(r, i.units)}，{L.years(i.first_year, i.last_year)}，年均 "
        f"{L.dec(i.productivity, 1)}）"
        if r.lang != "en"
        else f"{i.name} ({i.applicant}, {_q(r, i.units)}, {L.years(i.first_year, i.last_year)}, "
        f"{L.dec(i.productivity, 1)} a year)"
        for i in shown
    ]
    return [
        Finding(
            "inventors.core",
            kind,
            say(r.lang, "高产且仍活跃的发明人：", "Productive inventors still active: ")
            + L.join(items, r.lang)
            + say(r.lang, "。", "."),
            {f"{i.name}.units": i.units for i in shown},
            priority=34 if kind == "structure" else 63,
        )
    ]


def competitors_position(r: Results) -> list[Finding]:
    """The focal enterprise against its competitors, and who is rising."""
    cb = r.competitors
    if cb is None or not cb.competitors:
        return []
    focal = cb.competitors[0]
    others = list(cb.competitors[1:])
    out = []
    leader = max(cb.competitors, key=lambda c: (c.units, c.name))
    text = say(
        r.lang,
        f"{focal.name} 拥有 {_q(r, focal.units)}（占 {L.pct(focal.share)}）",
        f"{focal.name} has {_q(r, focal.units)} ({L.pct(focal.share)})",
    )
    numbers: dict[str, float | int | str | None] = {
        "units": focal.units,
        "share": focal.share,
    }
    if leader.name != focal.name:
        text += say(
            r.lang,
            f"，对标对象中 {leader.name} 居首（{_q(r, leader.units)}，为其 "
            f"{leader.units / max(focal.units, 1):.1f} 倍）。",
            f"; among the competitors {leader.name} leads ({_q(r, leader.units)}, "
            f"{leader.units / max(focal.units, 1):.1f} times as many).",
        )
        numbers["leader_units"] = leader.units
    else:
        text += say(r.lang, "，在对标对象中居首。", ", the most of the group.")
    out.append(
        Finding("competitors.position", "structure", text, numbers, focal.name, 18)
    )
    rising = [
        c
        for c in others
        if c.recent >= RISING_MIN_RECENT
        and (c.previous == 0 or (c.growth is not None and c.growth >= RISING_GROWTH))
    ]
    rising.sort(key=lambda c: (-c.recent, c.name))
    for c in rising[:SHOWN]:
        out.append(
            Finding(
                "competitors.rising",
                "risk",
                say(
                    r.lang,
                    f"{c.name} 快速扩张：{L.span(cb.recent_window)} 年 {_q(r, c.recent)}，"
                    + (
                        f"此前三年 {_q(r, c.previous)}（{L.signed_pct(c.growth)}）"
                        if c.previous and c.growth is not None
                        else "此前三年无申请"
                    )
                    + "，需重点监控。",
                    f"{c.name} is expanding: {_q(r, c.recent)} in {L.span(cb.recent_window)} "
                    + (
                        f"against {_q(r, c.previous)} before ({L.signed_pct(c.growth)})"
                        if c.previous and c.growth is not None
                        else "with none before"
                    )
                    + "; monitor it.",
                ),
                {"recent": c.recent, "previous": c.previous, "growth": c.growth},
                c.name,
                19,
                basis=c.recent,
                min_basis=RISING_MIN_RECENT,
            )
        )
    return out
