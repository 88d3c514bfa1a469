"""Rules over legal status: its coverage first, then lapse or maintenance, and operations.

A conclusion about status needs evidence: units whose status the data give (a source's
status field, legal events). A term-rule estimate ("期限届满（推算）") is never evidence. When
fewer units than :func:`~patnav.reports.conclusions.thresholds.status_conclusive` asks
for have a known status, ``data.unknown_status`` says the coverage is too low and
``legal.lapse`` / ``legal.in_force`` say nothing — above all not that the technology is
free to use.
"""

from __future__ import annotations

from patnav.analyses.legal import LegalStatusSummary
from patnav.i18n import say
from patnav.reports import labels as L
from patnav.reports.conclusions.base import _q
from patnav.reports.conclusions.thresholds import (
    ENDED,
    IN_FORCE_HIGH,
    LAPSE_HIGH,
    STATUS_COVERAGE_MIN,
    STATUS_KNOWN_MIN,
    UNKNOWN_STATUS_HIGH,
    status_conclusive,
)
from patnav.reports.context import Results
from patnav.reports.model import Finding


def evidence_text(lg: LegalStatusSummary, count_by: str, lang: str) -> str:
    """Where the known statuses come from and as of when, in a clause, e.g.
    ``来源数据的法律状态字段 1,600 件（未注明状态日期）``."""
    parts = []
    for e in lg.evidence:
        if lang == "en":
            label = {
                "events": "legal events",
                "source": "the source's status field",
            }.get(e.source, e.source)
        else:
            label = e.label
        if e.dated == 0:
            when = say(lang, "未注明状态日期", "status not dated")
        elif e.first == e.last:
            when = say(lang, f"状态日期 {e.first}", f"as of {e.first}")
        else:
            when = say(
                lang, f"状态日期 {e.first} 至 {e.last}", f"as of {e.first} to {e.last}"
            )
        if 0 < e.dated < e.units:
            when += say(
                lang,
                f"，其中 {L.num(e.units - e.dated)} 件未注明日期",
                f"; {L.num(e.units - e.dated)} not dated",
            )
        count = L.qty(e.units, count_by, lang)
        parts.append(
            f"{label} {count}（{when}）"
            if lang != "en"
            else f"{label} {count} ({when})"
        )
    return L.join(parts, lang)


def data_unknown_status(r: Results) -> list[Finding]:
    """Too few units have a known status to conclude from (said with the coverage), or
    many have none (said with what the rates are computed over)."""
    lg = r.legal
    if lg is None or not lg.total:
        return []
    unknown = lg.total - lg.known
    share = unknown / lg.total
    coverage = lg.known / lg.total
    numbers: dict[str, float | int] = {
        "known": lg.known,
        "total": lg.total,
        "coverage": coverage,
        "unknown": unknown,
        "share": share,
    }
    term = ""
    if lg.term_ended:
        numbers["term_ended"] = lg.term_ended
        term = say(
            r.lang,
            f"无已知状态的 {_q(r, unknown)} 中，{_q(r, lg.term_ended)} "
            "为已授权专利、按法定期限推算已届满；这只是估计，未计入已知状态。",
            f" Of the {_q(r, unknown)} without a known status, {_q(r, lg.term_ended)} "
            "are granted rights whose statutory term has ended by estimate; this is an "
            "estimate, not counted as a known status.",
        )
    if not status_conclusive(lg.known, lg.total):
        if lg.known == 0:
            what = say(
                r.lang,
                f"法律状态覆盖率 {L.pct(coverage)}：范围内 {_q(r, lg.total)} "
                "均没有来自数据的法律状态（来源数据既无法律状态字段，也无法律事件），"
                "不足以下结论。",
                f"Legal status coverage is {L.pct(coverage)}: none of the "
                f"{_q(r, lg.total)} in scope has a status from the data (the sources give "
                "neither a status field nor legal events), too few to conclude from.",
            )
        else:
            what = say(
                r.lang,
                f"法律状态覆盖率 {L.pct(coverage)}（已知 {_q(r, lg.known)}，无已知状态 "
                f"{_q(r, unknown)}，共 {_q(r, lg.total)}），不足以下结论。",
                f"Legal status coverage is {L.pct(coverage)} ({_q(r, lg.known)} known, "
                f"{_q(r, unknown)} not, of {_q(r, lg.total)}), too low to conclude from.",
            )
        advice = say(
            r.lang,
            "本报告不据法律状态判断有效、失效或技术是否已进入公有领域；"
            f"需要此类结论时，请导入含法律状态或法律事件的数据（覆盖率需达 "
            f"{STATUS_COVERAGE_MIN:.0%} 且已知不少于 {STATUS_KNOWN_MIN} 件）后重新生成报告。",
            " The report draws no conclusion on what is in force, lapsed or free to use; "
            "for one, import data with legal status or legal events (coverage of at least "
            f"{STATUS_COVERAGE_MIN:.0%} and {STATUS_KNOWN_MIN} known units) and rebuild it.",
        )
        return [
            Finding(
                "data.unknown_status", "data", what + term + advice, numbers, priority=8
            )
        ]
    if share < UNKNOWN_STATUS_HIGH:
        return []
    return [
        Finding(
            "data.unknown_status",
            "data",
            say(
                r.lang,
                f"{_q(r, unknown)}（{L.pct(share)}）没有已知法律状态，"
                f"有效率与失效率按已知状态的 {_q(r, lg.known)}（共 {_q(r, lg.total)}）计算。",
                f"{_q(r, unknown)} ({L.pct(share)}) have no known legal status; rates in "
                f"force and lapsed are computed over the {_q(r, lg.known)} with one (of "
                f"{_q(r, lg.total)}).",
            )
            + term,
            numbers,
            priority=8,
        )
    ]


def legal_lapse(r: Results) -> list[Finding]:
    """The share ended or in force among units with a known status — only when enough
    units have one."""
    lg = r.legal
    if lg is None or not status_conclusive(lg.known, lg.total):
        return []
    by = {s.status: s.units for s in lg.statuses}
    ended = sum(by.get(s, 0) for s in ENDED)
    active = by.get("active", 0)
    rate, active_share = ended / lg.known, active / lg.known
    numbers = {
        "known": lg.known,
        "total": lg.total,
        "coverage": lg.known / lg.total,
        "ended": ended,
        "rate": rate,
        "active": active,
    }
    basis = say(
        r.lang,
        f"已知法律状态的 {_q(r, lg.known)}（共 {_q(r, lg.total)}，覆盖率 "
        f"{L.pct(lg.known / lg.total)}；依据：{evidence_text(lg, r.count_by, r.lang)}）中，",
        f"Of the {_q(r, lg.known)} with a known status (of {_q(r, lg.total)}, coverage "
        f"{L.pct(lg.known / lg.total)}; from {evidence_text(lg, r.count_by, r.lang)}), ",
    )
    if rate >= LAPSE_HIGH:
        return [
            Finding(
                "legal.lapse",
                "risk",
                basis
                + say(
                    r.lang,
                    f"{_q(r, ended)}（{L.pct(rate)}）已终止（失效、届满、撤回、驳回或无效），"
                    f"有效 {_q(r, active)}（{L.pct(active_share)}）："
                    "终止专利的技术在其终止的国家或地区一般可自由实施，"
                    "引进、实施或合作前仍需逐件核实其本身及同族专利的有效性。",
                    f"{_q(r, ended)} ({L.pct(rate)}) have ended (lapsed, expired, withdrawn, "
                    f"rejected or invalidated) and {_q(r, active)} ({L.pct(active_share)}) "
                    "are in force: the technology of an ended patent is generally free to "
                    "use where it ended; check each patent and its family before using, "
                    "licensing or acquiring it.",
                ),
                numbers,
                priority=40,
                basis=lg.known,
                min_basis=STATUS_KNOWN_MIN,
            )
        ]
    if active_share >= IN_FORCE_HIGH:
        return [
            Finding(
                "legal.in_force",
                "strength",
                basis
                + say(
                    r.lang,
                    f"有效 {_q(r, active)}（{L.pct(active_share)}），多数专利仍在维持。",
                    f"{_q(r, active)} ({L.pct(active_share)}) are in force: most patents "
                    "are being maintained.",
                ),
                numbers,
                priority=40,
                basis=lg.known,
                min_basis=STATUS_KNOWN_MIN,
            )
        ]
    return []


def legal_operations(r: Results) -> list[Finding]:
    """Transfers, licences and pledges, when there are any."""
    lg = r.legal
    if lg is None or not lg.operation_totals:
        return []
    ops = sorted(lg.operation_totals.items(), key=lambda kv: (-kv[1], kv[0]))
    items = [f"{L.operation_label(k, r.lang)} {L.num(v)}" for k, v in ops]
    return [
        Finding(
            "legal.operations",
            "structure",
            say(r.lang, "专利运营：", "Operations: ")
            + L.join(items, r.lang)
            + say(r.lang, " 次。", " events."),
            dict(ops),
            priority=42,
        )
    ]
