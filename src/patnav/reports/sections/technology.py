"""The core-patent section (核心专利), which the citations presenter writes. The technology
composition, legal status and hot-spot sections are their presenters'
(:mod:`patnav.presenters.technology`, ``legal``, ``hotspots``)."""

from __future__ import annotations

from collections.abc import Sequence

from patnav.analyses.citations import CitationAnalysis
from patnav.reports import labels as L
from patnav.reports.context import Builder
from patnav.reports.model import Finding, Paragraph, Section
from patnav.reports.sections.common import pick


def citations_section(
    b: Builder, ci: CitationAnalysis, found: Sequence[Finding], *, level: int = 2
) -> Section:
    """核心专利: the core patents by the stated score."""
    s = Section(b.t("sec.citations"), level, key="citations")
    s.add(*pick(found, "citations."))
    core = [u for u in ci.core if u.cited_by_source or u.cited_in_store][:10]
    if not core:
        s.add(
            Paragraph(
                b.say(
                    f"数据中没有引证信息（{L.num(ci.with_citations)} 件有引证记录），"
                    "未评选核心专利。"
                    ""
                    "",
                    f"The data hold no citations ({L.num(ci.with_citations)} units cite "
                    "anything); no "
                    "core patents are named.",
                ),
                "note",
            )
        )
        return s
    s.add(
        b.table(
            b.say("核心专利", "Core patents"),
            [
                b.t("col.patent"),
                b.t("col.title"),
                b.t("col.applicant"),
                b.t("col.year"),
                b.t("col.cited_source"),
                b.t("col.cited_store"),
                b.t("col.score"),
            ],
            [
                [
                    u.doc_id,
                    u.title or "-",
                    u.applicant or "-",
                    str(u.filing_year or "-"),
                    L.num(u.cited_by_source),
                    L.num(u.cited_in_store),
                    L.dec(u.score, 1),
                ]
                for u in core
            ],
            sort=b.say("核心度得分降序", "core score, descending"),
            align="cllrrrr",
            key="citations.table",
        )
    )
    s.add(
        Paragraph(
            b.say(
                ci.score_rule_zh,
                "Core score: " + ci.score_rule,
            ),
            "note",
        )
    )
    return s
