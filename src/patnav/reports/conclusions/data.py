"""Data caveats: findings about the data itself (too thin, cut early, missing fields)."""

from __future__ import annotations

from patnav.i18n import say
from patnav.reports import labels as L
from patnav.reports.conclusions.base import _cmp, _q
from patnav.reports.conclusions.thresholds import (
    DROP_RATIO,
    DROP_RECENT_PEAK,
    FEW_INVENTORS,
    THIN_COMPARATOR,
)
from patnav.reports.context import Results
from patnav.reports.model import Finding


def data_drop(r: Results) -> list[Finding]:
    """Filings collapse in the last complete years: the data probably stops early."""
    tr = r.trend
    if tr is None:
        return []
    complete = [y for y in tr.years if not y.incomplete and y.filings > 0]
    if len(complete) < DROP_RECENT_PEAK + 1:
        return []
    last = complete[-1]
    peak = max(complete[-(DROP_RECENT_PEAK + 1) :], key=lambda y: (y.filings, y.year))
    if peak.year == last.year or last.filings >= DROP_RATIO * peak.filings:
        return []
    ratio = last.filings / peak.filings
    cutoff = tr.cutoff.isoformat() if tr.cutoff else "-"
    return [
        Finding(
            "data.drop",
            "data",
            say(
                r.lang,
                f"申请量在 {peak.year} 年达到 {_q(r, peak.filings)} 后，{last.year} 年仅 "
                f"{_q(r, last.filings)}，为峰值的 {L.pct(ratio)}。降幅过陡，多因数据收录不完整"
                f"（检索或采集早于公开），近年趋势与生命周期判断需结合数据截止日 {cutoff} "
                "审慎解读。"
                ""
                "",
                f"Filings peaked at {_q(r, peak.filings)} in {peak.year}; {last.year} has only "
                f"{_q(r, last.filings)}, {L.pct(ratio)} of the peak. A drop this steep usually "
                f"means the data were collected before those years were published: read recent "
                f"trends and the lifecycle phase against the cut-off {cutoff}.",
            ),
            {
                "peak_year": peak.year,
                "peak": peak.filings,
                "last_year": last.year,
                "last": last.filings,
                "ratio": ratio,
            },
            priority=5,
        )
    ]


def data_thin_comparator(r: Results) -> list[Finding]:
    """The home region is most of its comparator: RTA cannot tell strong from weak."""
    ch = r.chain
    if ch is None or not ch.nodes:
        return []
    basis = ch.nodes[0].rta_basis
    comparator = ch.national_total if basis == "national" else ch.world_total
    if not comparator or ch.home_total / comparator < THIN_COMPARATOR:
        return []
    share = ch.home_total / comparator
    rtas = [n.rta for n in ch.nodes if n.rta is not None]
    low, high = (min(rtas), max(rtas)) if rtas else (None, None)
    if L.dec(low) == L.dec(high):
        spread_zh, spread_en = f"均为 {L.dec(low)}", f"is {L.dec(low)}"
    else:
        spread_zh = f"集中在 {L.dec(low)}–{L.dec(high)}"
        spread_en = f"lies between {L.dec(low)} and {L.dec(high)}"
    return [
        Finding(
            "data.thin_comparator",
            "data",
            say(
                r.lang,
                f"对比基准（{_cmp(r, basis)}）共 {_q(r, comparator)}，其中 {r.region_label} 占 "
                f"{_q(r, ch.home_total)}（{L.pct(share)}）：库中{_cmp(r, basis)}数据不足，"
                "各环节 RTA "
                ""
                ""
                f"{spread_zh}，难以区分优势与短板。请先导入{_cmp(r, basis)}"
                "同类专利数据，再生成本报告。",
                f"The comparator ({_cmp(r, basis)}) holds {_q(r, comparator)}, of which "
                f"{r.region_label} has {_q(r, ch.home_total)} ({L.pct(share)}): the store "
                "lacks data "
                f"for the rest of {_cmp(r, basis)}, so every node's RTA {spread_en} "
                "and cannot separate strong from weak nodes. "
                f"Import the comparator's patents of these industries, then rebuild the report.",
            ),
            {
                "comparator": comparator,
                "home": ch.home_total,
                "share": share,
                "rta_min": low,
                "rta_max": high,
            },
            priority=4,
        )
    ]


def data_few_inventors(r: Results) -> list[Finding]:
    """The data name few inventors for the units: inventor findings would mislead."""
    inv = r.inventors
    if inv is None or not inv.total or inv.inventors_total >= FEW_INVENTORS * inv.total:
        return []
    return [
        Finding(
            "data.few_inventors",
            "data",
            say(
                r.lang,
                f"数据中仅有 {L.num(inv.inventors_total)} 名发明人，对应 {_q(r, inv.total)}"
                f"（每件不足 {FEW_INVENTORS:g} 名）：多数专利缺少发明人信息，"
                "发明人与团队分析仅反映部分数据，"
                ""
                ""
                "不据此推荐人才。",
                f"The data name only {L.num(inv.inventors_total)} inventors for {_q(r, inv.total)} "
                f"(fewer than {FEW_INVENTORS:g} per unit): most records lack inventors, so the "
                "inventor analysis covers part of the data and recommends no talent.",
            ),
            {"inventors": inv.inventors_total, "units": inv.total},
            priority=9,
        )
    ]
