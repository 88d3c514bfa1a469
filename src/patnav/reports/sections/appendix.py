"""The method appendix: the conclusion rules this report applied, with their thresholds.

Findings in the text read as sentences; which rule made each one, by which threshold and
on how many known values, is listed here once — the rule ids belong to the method, not
under every finding.
"""

from __future__ import annotations

from collections.abc import Sequence

from patnav.reports import labels as L
from patnav.reports.conclusions import rule_of
from patnav.reports.context import Builder
from patnav.reports.model import Finding, Paragraph, Section


def appendix_section(b: Builder, found: Sequence[Finding]) -> Section:
    """附录：结论规则与依据 — one row per rule that produced a finding here."""
    s = Section(b.t("sec.appendix"), 1, key="appendix")
    if not found:
        return s
    s.add(
        Paragraph(
            b.say(
                "本报告各条结论均由下列规则按阈值从分析结果计算得出；“依据”为结论所依据的"
                "已知数值个数中最少的一项与规则要求的最小值。全部规则及其阈值见“数据与方法”。",
                "Every finding of this report was computed by one of these rules from the "
                "analysis results; 'basis' is the fewest known values a finding rests on, "
                "against the minimum its rule asks for. The method section lists every rule.",
            )
        )
    )
    groups: dict[str, list[Finding]] = {}
    for finding in found:
        groups.setdefault(finding.rule, []).append(finding)
    rows = []
    for name, findings in groups.items():
        rule = rule_of(name)
        meaning = rule.meaning(b.lang) if rule is not None else name
        thresholds = rule.thresholds(b.lang) if rule is not None else "-"
        based = [f for f in findings if f.basis is not None]
        if based:
            weakest = min(based, key=lambda f: f.basis or 0)
            basis = _amount(weakest.basis)
            if weakest.min_basis is not None:
                basis += f" / {_amount(weakest.min_basis)}"
        else:
            basis = "-"
        rows.append([meaning, name, thresholds, L.num(len(findings)), basis])
    s.add(
        b.table(
            b.say("本报告应用的结论规则", "Conclusion rules applied in this report"),
            [
                b.say("结论规则", "Rule"),
                b.say("规则编号", "Rule id"),
                b.t("col.threshold"),
                b.say("结论（条）", "Findings"),
                b.say("依据 / 最小值", "Basis / minimum"),
            ],
            rows,
            sort=b.say("按结论的优先次序", "in the order of the findings' priority"),
            source=False,
            align="lllrr",
            key="appendix.rules.table",
        )
    )
    return s


def _amount(value: float | None) -> str:
    """A count as an integer, an expected count (white spaces) with one decimal."""
    if value is None:
        return "-"
    return L.num(value) if float(value).is_integer() else L.dec(value, 1)
