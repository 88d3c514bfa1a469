"""Citations (引证分析): the most cited patents, the citation network of the set, core patents.

Two measures, kept apart because they mean different things: ``cited_by_count`` is what the
source reports (citations from the whole world's literature, e.g. Lens, Thomson); ``cited in
store`` counts citations from documents in the store (``citations`` table) — the citation
network of the set is built from those, between units of the scope. Core patents (核心专利)
rank units by a stated score: in-set citations received, source-reported citations, family
size (number of documents of the unit in the store) — each part listed, never a black box.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from patnav.analyses.base import (
    COUNT_UNITS,
    UNIT_SQL,
    CountBy,
    Engine,
    ResultMixin,
    Scope,
    as_engine,
    check_count_by,
)
from patnav.analyses.prepared import based
from patnav.analyses.registry import AnalysisInfo
from patnav.storage.store import PatentStore


@dataclass(frozen=True, slots=True)
class CitedUnit:
    """A unit and its citation figures."""

    unit: str
    doc_id: str
    title: str | None
    applicant: str | None
    filing_year: int | None
    cited_by_source: int
    cited_in_store: int
    cited_in_scope: int
    documents: int
    score: float


@dataclass(frozen=True, slots=True)
class CitationLink:
    """A unit of the scope citing another unit of the scope."""

    citing: str
    cited: str


@dataclass(frozen=True, slots=True)
class CitationAnalysis(ResultMixin):
    """Most cited units, the in-scope citation network, core patents, cited applicants."""

    scope: str
    count_by: str
    unit_zh: str
    total: int
    with_citations: int
    citations_made: int
    most_cited: tuple[CitedUnit, ...]
    core: tuple[CitedUnit, ...]
    links: tuple[CitationLink, ...]
    score_rule: str
    score_rule_zh: str = ""

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{f: getattr(u, f) for f in u.__slots__} for u in self.most_cited]
        )


SCORE_RULE = (
    "score = 2 × citations from the scope + 1 × citations from the rest of the store "
    "+ 0.5 × citations reported by the source + 0.5 × (documents of the unit − 1)"
)
SCORE_RULE_ZH = (
    "核心度得分 = 2 × 范围内被引次数 + 1 × 库内其他文献被引次数 + 0.5 × 数据来源报告的被引次数 "
    "+ 0.5 ×（该计数单位的文献数 − 1）"
)
"""The same rule in Chinese, for Chinese reports and pages."""


def citation_analysis(
    source: PatentStore | Engine,
    scope: Scope | None = None,
    *,
    count_by: CountBy = "family",
    top: int = 20,
) -> CitationAnalysis:
    """Most cited and core units of the scope and the citation links among them."""
    engine = as_engine(source)
    scope = scope or Scope.everything()
    count_by = check_count_by(count_by)
    citing_unit = UNIT_SQL[count_by].replace("p.", "pc.")
    columns = (
        "unit, doc_id, lead_name, filing_year, by_source, in_store, in_scope, documents"
    )
    facts = "unit, doc_id, cited, documents, filing_year, lead_name"
    with based(engine, scope, count_by) as base:
        docs = base.doc_units
        # the citations of the scope's documents (few: most cite documents outside the
        # store), kept as a table so that every statement below starts from them and
        # knows their number; then the citing units each of them has (a citing document's
        # unit is looked up in the store; in scope when it is in docs)
        cited = base._make(
            "cited",
            f"""
            SELECT d.unit AS cited_unit, c.doc_id AS citing_doc
            FROM citations c JOIN {docs} d ON d.doc_id = c.cited_pub_number
            """,
        )
        received = base._make(
            "cited_received",
            f"""
            WITH citing AS (
                SELECT ci.cited_unit, {citing_unit} AS citing_unit,
                       CASE WHEN ds.doc_id IS NULL THEN 0 ELSE 1 END AS in_scope
                FROM {cited} ci JOIN patents pc ON pc.doc_id = ci.citing_doc
                LEFT JOIN {docs} ds ON ds.doc_id = ci.citing_doc
            )
            SELECT cited_unit AS unit,
                   count(DISTINCT citing_unit) FILTER (WHERE in_scope = 1) AS in_scope,
                   count(DISTINCT citing_unit) AS in_store
            FROM citing WHERE citing_unit <> cited_unit GROUP BY cited_unit
            """,
        )
        # Only three kinds of unit can be among the most cited or the core: the cited
        # ones above, and of the others (no citation from the store: their cited count is
        # the source's, their score half its sum with their extra documents) the first
        # ``top`` by those. Any unit ahead of one of these in its own order is ahead of
        # it in the final one too, so ranking these few is ranking every unit.
        rows = base.rows(
            f"""
            WITH candidates AS (
                SELECT * FROM (SELECT {facts} FROM {base.units} WHERE cited > 0
                               ORDER BY cited DESC, unit LIMIT {int(top)}) m
                UNION
                SELECT * FROM (SELECT {facts} FROM {base.units} WHERE cited + documents > 1
                               ORDER BY cited + documents DESC, unit LIMIT {int(top)}) c
                UNION
                SELECT {facts} FROM {base.units} WHERE unit IN (SELECT unit FROM {received})
            ),
            ranked AS (
                SELECT k.unit, k.doc_id, k.cited AS by_source, k.documents, k.filing_year,
                       k.lead_name, coalesce(r.in_store, 0) AS in_store,
                       coalesce(r.in_scope, 0) AS in_scope
                FROM candidates k LEFT JOIN {received} r ON r.unit = k.unit
            ),
            scored AS (
                SELECT *, 2 * in_scope + (in_store - in_scope) + 0.5 * by_source
                          + 0.5 * (documents - 1) AS score,
                       CASE WHEN by_source > in_store THEN by_source ELSE in_store END AS cited
                FROM ranked
            ),
            chosen AS (
                SELECT * FROM (SELECT {columns} FROM scored WHERE cited > 0
                               ORDER BY cited DESC, in_store DESC, unit LIMIT {int(top)}) m
                UNION
                SELECT * FROM (SELECT {columns} FROM scored WHERE score > 0
                               ORDER BY score DESC, unit LIMIT {int(top)}) c
            )
            SELECT s.unit, s.doc_id, pt.title, s.lead_name AS applicant, s.filing_year,
                   s.by_source, s.in_store, s.in_scope, s.documents
            FROM chosen s JOIN patents pt ON pt.doc_id = s.doc_id
            """,
            {"top": int(top)},
        )
        total = base.count_units()
        # citations made by the scope's documents: counted per citing document first
        # (a document cites many), then joined to the documents
        made = base.one(
            f"""
            SELECT CAST(coalesce(sum(c.n), 0) AS BIGINT) AS n, count(DISTINCT d.unit) AS u
            FROM {docs} d
            JOIN (SELECT doc_id, count(*) AS n FROM citations GROUP BY doc_id) c
              ON c.doc_id = d.doc_id
            """
        )
        # the links within the scope: the citations above whose citing document is in it
        links = base.rows(
            f"""
            SELECT DISTINCT a.unit AS citing, ci.cited_unit AS cited
            FROM {cited} ci JOIN {docs} a ON a.doc_id = ci.citing_doc
            WHERE a.unit <> ci.cited_unit ORDER BY citing, cited
            """
        )
    units = [
        CitedUnit(
            unit=str(r["unit"]),
            doc_id=str(r["doc_id"]),
            title=r["title"],
            applicant=r["applicant"],
            filing_year=int(r["filing_year"]) if r["filing_year"] is not None else None,
            cited_by_source=int(r["by_source"]),
            cited_in_store=int(r["in_store"]),
            cited_in_scope=int(r["in_scope"]),
            documents=int(r["documents"]),
            score=2 * int(r["in_scope"])
            + (int(r["in_store"]) - int(r["in_scope"]))
            + 0.5 * int(r["by_source"])
            + 0.5 * (int(r["documents"]) - 1),
        )
        for r in rows
    ]
    most_cited = sorted(
        (u for u in units if u.cited_by_source or u.cited_in_store),
        key=lambda u: (
            -max(u.cited_by_source, u.cited_in_store),
            -u.cited_in_store,
            u.unit,
        ),
    )[:top]
    core = sorted((u for u in units if u.score > 0), key=lambda u: (-u.score, u.unit))[
        :top
    ]
    return CitationAnalysis(
        scope=scope.label,
        count_by=count_by,
        unit_zh=COUNT_UNITS[count_by][0],
        total=total,
        with_citations=int(made["u"]),
        citations_made=int(made["n"]),
        most_cited=tuple(most_cited),
        core=tuple(core),
        links=tuple(CitationLink(str(r["citing"]), str(r["cited"])) for r in links),
        score_rule=SCORE_RULE,
        score_rule_zh=SCORE_RULE_ZH,
    )


ANALYSIS = AnalysisInfo(
    "citations",
    citation_analysis,
    "引证与核心专利",
    "Citations and core patents",
    order=80,
)
"""Registers :func:`citation_analysis` as ``citations``."""
