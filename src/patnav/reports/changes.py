"""The 专利导航动态更新报告: what changed in a navigation spec's data since a cut-off, as a
renderer-neutral report (Chinese). Built from :class:`patnav.analyses.changes.Changes`; the
DOCX, HTML and PDF renderers of :mod:`patnav.reports` write it::

    changes = compare_states(state_of(store, spec, before=cut), state_of(store, spec))
    render_report(build_changes_report(changes), "docx", out="reports/")
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from patnav.analyses.changes import Changes, Entrant, RankShift, TermChange
from patnav.reports.build import number
from patnav.reports.model import Paragraph, Report, Section, Table

TITLE = "专利导航动态更新报告"

_KIND_ZH = {"applicant": "申请人", "origin": "来源国家/地区", "province": "省份"}
_BASIS_ZH = {"national": "占全国", "world": "占全球"}
LISTED = 20
"""Rows listed per table (the JSON keeps them all)."""


class _Numbers:
    def __init__(self, note: str) -> None:
        self.tables = 0
        self.note = note

    def table(
        self,
        caption: str,
        columns: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        key: str,
        sort: str = "",
        total: int | None = None,
    ) -> Table:
        self.tables += 1
        top = (
            f"仅列前 {LISTED} 项（共 {total:,} 项）"
            if total is not None and total > LISTED
            else ""
        )
        return Table(
            caption=caption,
            columns=tuple(columns),
            rows=tuple(tuple(r) for r in rows[:LISTED]),
            sort_note=f"排序：{sort}" if sort else "",
            source_note=self.note,
            top_note=top,
            align="l" + "r" * (len(columns) - 1),
            number=self.tables,
            key=key,
            dash_note="“-”表示该侧数据中无此项" if any("-" in r for r in rows) else "",
        )


def _rank(value: int | None) -> str:
    return "-" if value is None else str(value)


def _pct(value: float | None) -> str:
    return "未知" if value is None else f"{value:.1%}"


def _delta(value: float | None) -> str:
    return "未知" if value is None else f"{value * 100:+.1f} 个百分点"


def _unknown(section: Section, what: str) -> None:
    section.add(
        Paragraph(f"{what}在旧数据或新数据上未运行，其变化未知（不作为无变化）。")
    )


def build_changes_report(changes: Changes, *, made_on: date | None = None) -> Report:
    """The 专利导航动态更新报告 of ``changes`` (Chinese)."""
    c = changes
    unit = c.unit_zh
    cutoff = (
        f"{c.cutoff:%Y-%m-%d %H:%M:%S}（UTC）" if c.cutoff is not None else "未给出"
    )
    n = _Numbers(f"数据来源：同一专利库；旧数据：{c.old_scope}；新数据：{c.new_scope}")
    meta = [
        ("导航项目", c.title or "未命名"),
        ("旧数据", c.old_scope),
        ("新数据", c.new_scope),
        ("对比截止时间", cutoff),
        ("计数单位", unit),
        ("报告日期", (made_on or date.today()).isoformat()),
    ]
    sections: list[Section] = []

    s1 = Section("更新概况", key="totals")
    s1.add(
        Paragraph(
            f"自 {cutoff} 以来，本导航范围内新增文献 {c.added_documents:,} 篇"
            f"（{c.old_documents:,} → {c.new_documents:,}），"
            f"新增{unit} {c.added_units:,}（{c.old_units:,} → {c.new_units:,}）。",
            "lead",
        ),
        n.table(
            "更新前后的数据量",
            ("项目", "旧数据", "新数据", "新增"),
            (
                (
                    "文献（篇）",
                    f"{c.old_documents:,}",
                    f"{c.new_documents:,}",
                    f"{c.added_documents:,}",
                ),
                (
                    f"计数单位（{unit}）",
                    f"{c.old_units:,}",
                    f"{c.new_units:,}",
                    f"{c.added_units:,}",
                ),
            ),
            key="totals",
        ),
    )
    sections.append(s1)

    s2 = Section("新进入者", key="entrants")
    if c.new_entrants is None or c.first_filers is None:
        _unknown(s2, "申请人排名")
    else:
        s2.add(
            Paragraph(
                f"新数据前 {c.top} 名申请人中，{len(c.new_entrants)} 位不在旧数据前 "
                f"{c.top} 名之内；另有 {len(c.first_filers):,} 位申请人在旧数据中没有{unit}、"
                "在新数据中首次出现。"
            )
        )
        if c.new_entrants:
            s2.add(
                _entrants(n, "进入前列的申请人", c.new_entrants, "entrants", None, unit)
            )
        if c.first_filers:
            s2.add(
                _entrants(
                    n,
                    "首次出现的申请人",
                    c.first_filers,
                    "first",
                    len(c.first_filers),
                    unit,
                )
            )
    sections.append(s2)

    s3 = Section("排名变化", key="shifts")
    if c.applicant_shifts is None:
        _unknown(s3, "申请人排名")
    elif c.applicant_shifts:
        s3.add(
            _shifts(n, "申请人排名变化", c.applicant_shifts, "applicant-shifts", unit)
        )
    else:
        s3.add(Paragraph(f"前 {c.top} 名申请人的排名没有变化。"))
    if c.region_shifts is None:
        _unknown(s3, "地域分布")
    elif c.region_shifts:
        s3.add(_shifts(n, "地域排名变化", c.region_shifts, "region-shifts", unit))
    else:
        s3.add(Paragraph("来源国家/地区与省份的排名没有变化。"))
    s3.add(
        Paragraph(
            f"排名按{unit}数从多到少；{unit}数相同时按名称排序，名次的小幅变动可能只是并列所致。",
            "note",
        )
    )
    sections.append(s3)

    s4 = Section("技术热点变化", key="terms")
    if c.terms_entered is None or c.terms_left is None:
        _unknown(s4, "技术热点")
    else:
        s4.add(
            Paragraph(
                f"新进入热点词表的词 {len(c.terms_entered)} 个，退出热点词表的词 "
                f"{len(c.terms_left)} 个。"
            )
        )
        if c.terms_entered:
            s4.add(_terms(n, "新进入的热点词", c.terms_entered, "terms-entered", unit))
        if c.terms_left:
            s4.add(_terms(n, "退出的热点词", c.terms_left, "terms-left", unit))
    sections.append(s4)

    s5 = Section("产业链定位变化", key="chain")
    if c.chain_changes is None:
        _unknown(s5, "产业链定位")
    elif c.chain_changes:
        s5.add(
            Paragraph(
                f"本地份额变动不少于 {c.share_threshold * 100:.1f} 个百分点或定位改变的节点 "
                f"{len(c.chain_changes)} 个。"
            ),
            n.table(
                "产业链节点定位变化",
                ("节点", "份额口径", "旧份额", "新份额", "变动", "旧定位", "新定位"),
                [
                    (
                        x.node,
                        _BASIS_ZH.get(x.basis, x.basis),
                        _pct(x.old_share),
                        _pct(x.new_share),
                        _delta(x.delta),
                        x.old_position_zh,
                        x.new_position_zh,
                    )
                    for x in c.chain_changes
                ],
                key="chain",
                total=len(c.chain_changes),
            ),
        )
    else:
        s5.add(
            Paragraph(
                f"没有节点的本地份额变动达到 {c.share_threshold * 100:.1f} 个百分点，"
                "也没有节点的定位改变。"
            )
        )
    sections.append(s5)

    s6 = Section("说明", key="notes")
    s6.add(
        Paragraph(
            "旧数据为本导航范围内首次导入时间早于对比截止时间的文献，新数据为当前库中的全部"
            "文献；两者使用同一导航方案、同一分析方法。"
        )
    )
    for text in c.missing:
        s6.add(Paragraph(text + "。"))
    sections.append(s6)

    number(sections)
    return Report(
        title=TITLE,
        subtitle=c.title or "专利导航",
        type="changes",
        lang="zh",
        meta=meta,
        sections=sections,
        source="patnav changes",
    )


def _entrants(
    n: _Numbers,
    caption: str,
    rows: Sequence[Entrant],
    key: str,
    total: int | None,
    unit: str,
) -> Table:
    ordered = sorted(rows, key=lambda e: e.new_rank)
    return n.table(
        caption,
        ("申请人", "新排名", f"新数据{unit}", "旧排名", f"旧数据{unit}"),
        [
            (
                e.name,
                str(e.new_rank),
                f"{e.new_units:,}",
                _rank(e.old_rank),
                _rank(e.old_units),
            )
            for e in ordered
        ],
        key=key,
        sort="新排名",
        total=total,
    )


def _shifts(
    n: _Numbers, caption: str, rows: Sequence[RankShift], key: str, unit: str
) -> Table:
    ordered = sorted(rows, key=lambda s: (-abs(s.shift), s.new_rank))
    return n.table(
        caption,
        ("名称", "类别", "旧排名", "新排名", "变动", f"旧数据{unit}", f"新数据{unit}"),
        [
            (
                s.name,
                _KIND_ZH.get(s.kind, s.kind),
                str(s.old_rank),
                str(s.new_rank),
                f"{s.shift:+d}",
                f"{s.old_units:,}",
                f"{s.new_units:,}",
            )
            for s in ordered
        ],
        key=key,
        sort="变动幅度",
        total=len(rows),
    )


def _terms(
    n: _Numbers, caption: str, rows: Sequence[TermChange], key: str, unit: str
) -> Table:
    return n.table(
        caption,
        ("热点词", "旧排名", "新排名", f"旧数据{unit}", f"新数据{unit}"),
        [
            (
                t.label,
                _rank(t.old_rank),
                _rank(t.new_rank),
                _rank(t.old_units),
                _rank(t.new_units),
            )
            for t in rows
        ],
        key=key,
        total=len(rows),
    )


__all__ = ["TITLE", "build_changes_report"]
