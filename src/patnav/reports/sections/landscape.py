"""What the landscape's presenters share with other sections: the trend in words (the
trend's section, the report check), the home region against the nation (the geography's
section, the chain's regional position).

The landscape's sections themselves are their presenters' (``patnav.presenters.trend``,
``geography``, ``applicants``, ``network``, ``inventors``)."""

from __future__ import annotations

from patnav.analyses.geography import Geography
from patnav.analyses.trend import FilingTrend
from patnav.reports import labels as L
from patnav.reports.context import Builder
from patnav.reports.model import Figure


def trend_summary(b: Builder, tr: FilingTrend) -> str:
    """The trend in a few sentences; a value the data lack is said to be missing, never
    printed as a placeholder."""
    first = min((y.year for y in tr.years if y.filings), default=None)
    last = max((y.year for y in tr.years if y.filings), default=None)
    if not tr.total:
        return b.say(
            "分析范围内没有专利文献，无法分析申请趋势。",
            "The scope holds no patent documents: there is no trend to analyse.",
        )
    zh = [f"分析范围共 {b.qty(tr.total)}"]
    en = [f"The scope holds {b.qty(tr.total)}"]
    if first is None or last is None:
        zh.append("数据中没有申请日，申请年份未知")
        en.append("the data give no filing dates")
    elif first == last:
        zh.append(f"均为 {first} 年申请")
        en.append(f"all filed in {first}")
    else:
        zh.append(f"申请年份 {first}–{last}")
        en.append(f"filed {first}–{last}")
    if tr.cutoff is None:
        zh.append("数据中没有公开日与申请日，截止日未知")
        en.append("the data cut-off is unknown (no publication or filing dates)")
    else:
        zh.append(f"数据截止日 {tr.cutoff.isoformat()}")
        en.append(f"data cut-off {tr.cutoff.isoformat()}")
    text_zh = f"{zh[0]}，{zh[1]}；{zh[2]}"
    text_en = f"{en[0]}, {en[1]}; {en[2]}"
    incomplete = tr.incomplete_from
    if incomplete is not None and last is not None and incomplete <= last:
        text_zh += f"，{incomplete} 年及以后的申请尚未全部公开，为不完整年份"
        text_en += (
            f"; filings from {incomplete} on are not all published yet (incomplete)"
        )
    elif incomplete is not None and last is not None:
        text_zh += "，范围内各申请年份均已公开完整"
        text_en += "; every filing year in scope is fully published"
    text_zh += "。"
    text_en += "."
    lc = tr.lifecycle
    if lc.phase == "unknown":
        text_zh += "完整年份不足六年，无法判断技术生命周期。"
        text_en += " Fewer than six complete years: no lifecycle phase."
    else:
        phase = L.phase_label(lc.phase, b.lang)
        text_zh += f"技术生命周期判定为{phase}。"
        text_en += f" Lifecycle phase: {phase}."
    return b.say(text_zh, text_en)


def home_figure(b: Builder, geo: Geography) -> Figure | None:
    """The home region's units per year against the nation (or the world): the
    geography presenter's chart specification ``geography.home``, drawn."""
    # imported here: the presenters sit above the sections and import them
    from patnav.presenters.geography import home_figure as drawn

    return drawn(b, geo)
