"""The GB/T 42748 indicator tree: 法律 / 技术 / 经济 indicators and the SQL that computes them.

Two statements compute every indicator for the whole store (DuckDB dialect, ``$name``
parameters, transpiled for Spark by :mod:`patnav.analyses.spark`):

1. :data:`RAW_SQL` — one row per document: its cohort (IPC subclass × filing year, falling
   back to the IPC section × filing year, then to the filing year alone when fewer than
   ``$min_cohort`` documents share it) and the raw value of each indicator (``v_<name>``).
   A missing input gives NULL, never 0.
2. :func:`percentile_sql` — each raw value as a percentile within its cohort (``p_<name>``),
   0–100 with higher always better: ``100 × (documents worse + ½ × documents tied) / known``
   (mid-rank, so ties share one percentile and a one-member cohort gets 50). Level
   indicators (a category mapped to a fixed 0–100 scale, e.g. the legal status) are their
   own percentile.

Directions: ``higher`` — a larger value is better; ``lower`` — a smaller one is;
``level`` — a fixed scale, stated in :attr:`Indicator.scale`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Dimension = Literal["legal", "technical", "economic"]
Direction = Literal["higher", "lower", "level"]

DIMENSIONS: tuple[Dimension, ...] = ("legal", "technical", "economic")
DIMENSION_LABELS: dict[str, str] = {
    "legal": "法律",
    "technical": "技术",
    "economic": "经济",
}
DIRECTION_LABELS: dict[str, str] = {
    "higher": "越高越好",
    "lower": "越低越好",
    "level": "分级赋值",
}


@dataclass(frozen=True, slots=True)
class Indicator:
    """One leaf of the indicator tree.

    ``event_based``: computed from legal status, events, maintenance or the term — an
    outcome the validation predicts, so the event-free variant leaves it out.
    """

    name: str
    label_zh: str
    dimension: Dimension
    direction: Direction
    source: str
    event_based: bool = False
    scale: str = ""


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "legal_status",
        "法律状态",
        "legal",
        "level",
        "patents.legal_status",
        event_based=True,
        scale="有效 100，审中 50，失效/届满/撤回/驳回 0，未知：缺失",
    ),
    Indicator(
        "remaining_term",
        "剩余保护期",
        "legal",
        "level",
        "patents.expiry_date, patent_type, legal_status",
        event_based=True,
        scale="剩余年数 ÷ 法定期限（发明 20、实用新型 10、外观设计 15 年）× 100；失效为 0",
    ),
    Indicator(
        "patent_type",
        "专利类型（审查强度）",
        "legal",
        "level",
        "patents.patent_type",
        scale="发明 100，实用新型 40，外观设计 40，未知：缺失",
    ),
    Indicator("claims_count", "权利要求数", "legal", "higher", "claims / claims_count"),
    Indicator(
        "independent_claims",
        "独立权利要求数",
        "legal",
        "higher",
        "claims.is_independent",
    ),
    Indicator(
        "claim1_length",
        "首项权利要求字数（保护范围宽度）",
        "legal",
        "lower",
        "claims.text (num 1)",
    ),
    Indicator(
        "co_ownership",
        "权利人共有情况",
        "legal",
        "level",
        "parties (current owner, else applicant)",
        scale="单一权利人 100，两个 50，三个及以上 0",
    ),
    Indicator(
        "survived_challenge",
        "经受无效/复审",
        "legal",
        "level",
        "events (invalidation, reexamination) + legal_status",
        event_based=True,
        scale="经受后仍有效 100，经受后失效 0，未经受：缺失",
    ),
    Indicator(
        "forward_citations",
        "被引次数",
        "technical",
        "higher",
        "patents.cited_by_count",
    ),
    Indicator(
        "inventors",
        "发明人数（研发投入）",
        "technical",
        "higher",
        "parties (inventor)",
    ),
    Indicator(
        "ipc_codes",
        "IPC 分类号数（技术覆盖宽度）",
        "technical",
        "higher",
        "classifications (IPC)",
    ),
    Indicator(
        "backward_citations",
        "引用次数",
        "technical",
        "higher",
        "citations / indicators.cites",
    ),
    Indicator(
        "self_citation_share",
        "被自引占比",
        "technical",
        "lower",
        "indicators.cited_by_self ÷ cited_by_count",
    ),
    Indicator(
        "family_size", "同族专利数", "technical", "higher", "indicators.family_size"
    ),
    Indicator(
        "offices_covered",
        "同族覆盖国家/地区数",
        "technical",
        "higher",
        "patents.office per family_id",
    ),
    Indicator(
        "strategic_industry",
        "战略性新兴产业",
        "technical",
        "level",
        "classifications (sei)",
        scale="属于 100，有 IPC 而不属于 0，无 IPC：缺失",
    ),
    Indicator(
        "technology_cycle",
        "技术生命周期（IPC 大组申请增速）",
        "technical",
        "higher",
        "patents.ipc_main, app_date",
    ),
    Indicator(
        "transfers",
        "权利转移次数",
        "economic",
        "higher",
        "events (transfer)",
        event_based=True,
    ),
    Indicator(
        "licences",
        "许可次数",
        "economic",
        "higher",
        "events (licence)",
        event_based=True,
    ),
    Indicator(
        "pledges", "质押次数", "economic", "higher", "events (pledge)", event_based=True
    ),
    Indicator(
        "years_maintained",
        "维持年限",
        "economic",
        "higher",
        "maintenance.years_maintained",
        event_based=True,
    ),
    Indicator(
        "owner_type",
        "权利人类型",
        "economic",
        "level",
        "parties.party_type (first current owner, else first applicant)",
        scale="企业 100，科研院所 60，机关 40，高校/医院 30，个人 30，其他：缺失",
    ),
    Indicator(
        "owner_portfolio",
        "权利人专利储备",
        "economic",
        "higher",
        "parties (documents of the first owner in the store)",
    ),
    Indicator(
        "owner_size",
        "企业规模",
        "economic",
        "level",
        "enterprises.size via enterprise_links (owners or applicants)",
        scale="大型 100，中型 75，小型 50，微型 25，未知：缺失",
    ),
)

BY_NAME: dict[str, Indicator] = {i.name: i for i in INDICATORS}

_LAPSED = "('lapsed', 'expired', 'withdrawn', 'rejected')"

# One row per document: cohort and raw indicator values. Every ratio is cast to DOUBLE
# first, so Spark (which types 1.0 as DECIMAL) and DuckDB compute the same doubles.
RAW_SQL = f"""
WITH base AS (
    SELECT doc_id, office, patent_type, legal_status, expiry_date, claims_count,
           cited_by_count, family_id, year(app_date) AS fy,
           CASE WHEN length(ipc) >= 4 THEN substr(ipc, 1, 4) END AS sub,
           CASE WHEN length(ipc) >= 1 THEN substr(ipc, 1, 1) END AS sec,
           CASE WHEN ipc LIKE '%/%' THEN split_part(ipc, '/', 1) END AS grp
    FROM (SELECT *, upper(replace(ipc_main, ' ', '')) AS ipc FROM patents)
),
nsub AS (SELECT sub, fy, count(*) AS n_sub FROM base GROUP BY sub, fy),
nsec AS (SELECT sec, fy, count(*) AS n_sec FROM base GROUP BY sec, fy),
sized AS (
    SELECT base.*, nsub.n_sub, nsec.n_sec
    FROM base
    JOIN nsub ON nsub.sub IS NOT DISTINCT FROM base.sub
             AND nsub.fy IS NOT DISTINCT FROM base.fy
    JOIN nsec ON nsec.sec IS NOT DISTINCT FROM base.sec
             AND nsec.fy IS NOT DISTINCT FROM base.fy
),
cohorts AS (
    SELECT *, CASE WHEN sub IS NOT NULL AND n_sub >= $min_cohort THEN sub
                   WHEN sec IS NOT NULL AND n_sec >= $min_cohort THEN sec
                   ELSE '*' END
              || '×' || coalesce(CAST(fy AS VARCHAR), '?') AS cohort
    FROM sized
),
ind AS (
    SELECT doc_id,
           max(CASE WHEN name = 'cites' THEN value END) AS cites,
           max(CASE WHEN name = 'cited_by_self' THEN value END) AS cited_by_self,
           max(CASE WHEN name = 'family_size' THEN value END) AS family_size
    FROM indicators GROUP BY doc_id
),
ev AS (
    SELECT doc_id,
           sum(CASE WHEN type = 'transfer' THEN 1 ELSE 0 END) AS transfers,
           sum(CASE WHEN type = 'licence' THEN 1 ELSE 0 END) AS licences,
           sum(CASE WHEN type = 'pledge' THEN 1 ELSE 0 END) AS pledges,
           max(CASE WHEN type IN ('invalidation', 'reexamination') THEN 1 ELSE 0 END)
               AS challenged
    FROM events GROUP BY doc_id
),
cit AS (SELECT doc_id, count(*) AS n FROM citations GROUP BY doc_id),
cl AS (
    SELECT doc_id, count(DISTINCT num) AS n,
           count(DISTINCT CASE WHEN is_independent THEN num END) AS indep,
           min(CASE WHEN num = 1 THEN length(text) END) AS claim1_len
    FROM claims GROUP BY doc_id
),
own AS (
    -- the current owners where the source names them, else the applicants
    SELECT doc_id, count(DISTINCT coalesce(entity_id, name)) AS n_owners,
           min_by(party_type, seq) AS owner_type,
           min_by(coalesce(entity_id, norm_name, name), seq) AS owner_key
    FROM (
        SELECT doc_id, entity_id, name, norm_name, party_type, seq FROM parties
        WHERE role = 'current_owner'
        UNION ALL
        SELECT doc_id, entity_id, name, norm_name, party_type, seq FROM parties
        WHERE role = 'applicant' AND doc_id NOT IN (
            SELECT doc_id FROM parties
            WHERE role = 'current_owner' AND doc_id IS NOT NULL)
    ) GROUP BY doc_id
),
port AS (SELECT owner_key, count(*) AS n FROM own GROUP BY owner_key),
inv AS (
    SELECT doc_id, count(DISTINCT coalesce(norm_name, name)) AS n
    FROM parties WHERE role = 'inventor' GROUP BY doc_id
),
sz AS (
    SELECT p.doc_id, max(CASE e.size WHEN 'large' THEN 100 WHEN 'medium' THEN 75
                                     WHEN 'small' THEN 50 WHEN 'micro' THEN 25 END)
               AS size_level
    FROM parties p
    JOIN enterprise_links l
      ON l.applicant_name = p.name AND l.status IN ('linked', 'accepted')
    JOIN enterprises e ON e.enterprise_id = l.enterprise_id
    WHERE p.role IN ('current_owner', 'applicant') GROUP BY p.doc_id
),
sei AS (SELECT DISTINCT doc_id FROM classifications WHERE scheme = 'sei'),
ipc AS (
    SELECT doc_id, count(DISTINCT upper(replace(code, ' ', ''))) AS n
    FROM classifications WHERE scheme = 'IPC' GROUP BY doc_id
),
fam AS (
    SELECT family_id, count(DISTINCT office) AS offices
    FROM patents WHERE family_id IS NOT NULL GROUP BY family_id
),
gy AS (
    SELECT grp, fy, count(*) AS n FROM base
    WHERE grp IS NOT NULL AND fy IS NOT NULL GROUP BY grp, fy
),
cyc AS (
    SELECT a.grp, a.fy,
           CAST(sum(CASE WHEN b.fy >= a.fy - 2 THEN b.n ELSE 0 END) + 1 AS DOUBLE)
           / CAST(sum(CASE WHEN b.fy < a.fy - 2 THEN b.n ELSE 0 END) + 1 AS DOUBLE)
               AS growth
    FROM gy a JOIN gy b ON a.grp = b.grp AND b.fy BETWEEN a.fy - 5 AND a.fy
    GROUP BY a.grp, a.fy
),
mt AS (SELECT doc_id, max(years_maintained) AS years FROM maintenance GROUP BY doc_id)
SELECT c.doc_id, c.cohort,
    CASE WHEN c.legal_status = 'active' THEN 100 WHEN c.legal_status = 'pending' THEN 50
         WHEN c.legal_status IN {_LAPSED} THEN 0 END AS v_legal_status,
    CASE WHEN c.legal_status IN {_LAPSED} THEN 0
         WHEN c.legal_status IN ('active', 'pending') AND c.expiry_date IS NOT NULL
              AND c.patent_type IN ('invention', 'utility_model', 'design')
         THEN least(100, greatest(0,
              CAST(date_diff('day', CAST($as_of AS DATE), c.expiry_date) AS DOUBLE)
              / (365.25 * CASE c.patent_type WHEN 'invention' THEN 20
                               WHEN 'utility_model' THEN 10 ELSE 15 END) * 100))
    END AS v_remaining_term,
    CASE c.patent_type WHEN 'invention' THEN 100 WHEN 'utility_model' THEN 40
         WHEN 'design' THEN 40 END AS v_patent_type,
    CAST(coalesce(cl.n, c.claims_count) AS DOUBLE) AS v_claims_count,
    CAST(cl.indep AS DOUBLE) AS v_independent_claims,
    CAST(cl.claim1_len AS DOUBLE) AS v_claim1_length,
    CASE WHEN own.n_owners IS NULL THEN NULL WHEN own.n_owners <= 1 THEN 100
         WHEN own.n_owners = 2 THEN 50 ELSE 0 END AS v_co_ownership,
    CASE WHEN ev.challenged = 1 AND c.legal_status = 'active' THEN 100
         WHEN ev.challenged = 1 AND c.legal_status IN {_LAPSED} THEN 0
    END AS v_survived_challenge,
    CAST(c.cited_by_count AS DOUBLE) AS v_forward_citations,
    CAST(inv.n AS DOUBLE) AS v_inventors,
    CAST(coalesce(ipc.n, CASE WHEN c.sub IS NOT NULL THEN 1 END) AS DOUBLE) AS v_ipc_codes,
    CAST(coalesce(cit.n, ind.cites) AS DOUBLE) AS v_backward_citations,
    CASE WHEN c.cited_by_count > 0 AND ind.cited_by_self IS NOT NULL
         THEN CAST(ind.cited_by_self AS DOUBLE) / CAST(c.cited_by_count AS DOUBLE)
    END AS v_self_citation_share,
    CAST(ind.family_size AS DOUBLE) AS v_family_size,
    CAST(fam.offices AS DOUBLE) AS v_offices_covered,
    CASE WHEN sei.doc_id IS NOT NULL THEN 100
         WHEN ipc.doc_id IS NOT NULL OR c.sub IS NOT NULL THEN 0
    END AS v_strategic_industry,
    cyc.growth AS v_technology_cycle,
    CAST(ev.transfers AS DOUBLE) AS v_transfers,
    CAST(ev.licences AS DOUBLE) AS v_licences,
    CAST(ev.pledges AS DOUBLE) AS v_pledges,
    CAST(mt.years AS DOUBLE) AS v_years_maintained,
    CASE own.owner_type WHEN 'company' THEN 100 WHEN 'institute' THEN 60
         WHEN 'government' THEN 40 WHEN 'university' THEN 30 WHEN 'hospital' THEN 30
         WHEN 'individual' THEN 30 END AS v_owner_type,
    CAST(port.n AS DOUBLE) AS v_owner_portfolio,
    sz.size_level AS v_owner_size
FROM cohorts c
LEFT JOIN ind ON ind.doc_id = c.doc_id
LEFT JOIN ev ON ev.doc_id = c.doc_id
LEFT JOIN cit ON cit.doc_id = c.doc_id
LEFT JOIN cl ON cl.doc_id = c.doc_id
LEFT JOIN own ON own.doc_id = c.doc_id
LEFT JOIN port ON port.owner_key = own.owner_key
LEFT JOIN inv ON inv.doc_id = c.doc_id
LEFT JOIN sz ON sz.doc_id = c.doc_id
LEFT JOIN sei ON sei.doc_id = c.doc_id
LEFT JOIN ipc ON ipc.doc_id = c.doc_id
LEFT JOIN fam ON fam.family_id = c.family_id
LEFT JOIN cyc ON cyc.grp = c.grp AND cyc.fy = c.fy
LEFT JOIN mt ON mt.doc_id = c.doc_id
"""


def percentile_sql(raw: str) -> str:
    """Each indicator of the table ``raw`` as a 0–100 percentile within its cohort
    (``p_<name>``, higher better), beside its raw value (``v_<name>``).

    One small lookup per indicator instead of three windows over every document: the
    documents are counted per (cohort, value), a running sum over those counts gives the
    documents worse, and the lookup is joined back on (cohort, value). Same figure as
    ``100 × (rank − 1 + ½ × tied) / known``, with one sort of the distinct values only."""
    lookups: list[str] = []
    joins: list[str] = []
    columns = ["r.doc_id", "r.cohort"]
    for ind in INDICATORS:
        v = f"v_{ind.name}"
        columns.append(f"r.{v}")
        if ind.direction == "level":
            columns.append(f"CAST(r.{v} AS DOUBLE) AS p_{ind.name}")
            continue
        order = "ASC" if ind.direction == "higher" else "DESC"
        lookups.append(
            f"l_{ind.name} AS (\n"
            f"    SELECT cohort, v, 100 * (CAST(sum(n) OVER (PARTITION BY cohort ORDER BY"
            f" v {order} ROWS UNBOUNDED PRECEDING) - n AS DOUBLE) + 0.5 * CAST(n AS"
            f" DOUBLE)) / CAST(sum(n) OVER (PARTITION BY cohort) AS DOUBLE) AS p\n"
            f"    FROM (SELECT cohort, {v} AS v, count(*) AS n FROM {raw}"
            f" WHERE {v} IS NOT NULL GROUP BY cohort, {v})\n)"
        )
        joins.append(
            f"LEFT JOIN l_{ind.name} ON l_{ind.name}.cohort = r.cohort"
            f" AND l_{ind.name}.v = r.{v}"
        )
        columns.append(f"l_{ind.name}.p AS p_{ind.name}")
    return (
        "WITH "
        + ",\n".join(lookups)
        + "\nSELECT "
        + ",\n       ".join(columns)
        + f"\nFROM {raw} r\n"
        + "\n".join(joins)
    )
