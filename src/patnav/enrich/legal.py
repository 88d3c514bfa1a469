"""Legal status and expiry: from events where present, else the source, else term rules.

**Status** (``legal_status``, ``status_source``):

1. ``events`` — the latest status-deciding event: grant and restoration make a patent
   active, lapse lapsed (expired when the event says the term ended: 届满, expir…),
   withdrawal withdrawn, rejection rejected, invalidation invalidated (partial
   invalidation leaves it active);
2. ``source`` — the status the source wrote (``有权``, ``ACTIVE`` …), kept as it is;
3. ``rule`` — ``expired`` when the estimated term has ended and nothing above says the
   patent had already died another way.

**Expiry** (``expiry_date``, ``expiry_estimated``): a lapse event that says the term ended
gives the date (not estimated); a date the source gave is kept (not estimated); otherwise
the office's term rules give an estimate (estimated = true), on the anniversary:

* CN: invention 20 y from filing; utility model 10 y; design 10 y, 15 y for designs
  filed from 2021-06-01;
* US: utility 20 y from filing (filed before 1995-06-08: the later of 17 y from grant
  and 20 y from filing); plant 20 y from filing; design 14 y from grant, 15 y for
  designs filed from 2015-05-13;
* EP and every other office: invention 20 y from filing; utility model 10 y where the
  term is 10 years (DE, JP, KR, TW, AT, ES, IT, RU, PL, CZ); designs not estimated.

Extensions (US term adjustment, supplementary protection, CN term compensation since
2021) are not known from bibliographic data, so the estimate is the statutory term.
International (WO) applications get none.
"""

from __future__ import annotations

import pyarrow as pa

from patnav.enrich.base import EnrichContext, StepReport, changed_rows
from patnav.schema.vocabulary import parse_legal_status
from patnav.storage.store import PatentStore

_UTILITY_MODEL_10Y = ("DE", "JP", "KR", "TW", "AT", "ES", "IT", "RU", "PL", "CZ")

_EXPIRY_RULE = f"""
    CAST(CASE
        WHEN p.app_date IS NULL AND NOT (p.office = 'US' AND p.patent_type = 'design')
            THEN NULL
        WHEN p.office = 'WO' THEN NULL
        WHEN p.office = 'CN' AND p.patent_type = 'invention' THEN p.app_date + INTERVAL 20 YEAR
        WHEN p.office = 'CN' AND p.patent_type = 'utility_model'
            THEN p.app_date + INTERVAL 10 YEAR
        WHEN p.office = 'CN' AND p.patent_type = 'design' THEN p.app_date +
            CASE WHEN p.app_date >= DATE '2021-06-01' THEN INTERVAL 15 YEAR
                 ELSE INTERVAL 10 YEAR END
        WHEN p.office = 'US' AND p.patent_type = 'design' THEN p.grant_date +
            CASE WHEN p.app_date >= DATE '2015-05-13' THEN INTERVAL 15 YEAR
                 ELSE INTERVAL 14 YEAR END
        WHEN p.office = 'US' AND p.patent_type = 'invention' AND p.app_date < DATE '1995-06-08'
            AND p.grant_date IS NOT NULL
            THEN greatest(p.grant_date + INTERVAL 17 YEAR, p.app_date + INTERVAL 20 YEAR)
        WHEN p.patent_type IN ('invention', 'plant') THEN p.app_date + INTERVAL 20 YEAR
        WHEN p.patent_type = 'utility_model'
            AND p.office IN ({", ".join(f"'{o}'" for o in _UTILITY_MODEL_10Y)})
            THEN p.app_date + INTERVAL 10 YEAR
    END AS DATE)
"""

_TERM_ENDED = (
    "regexp_matches(lower(coalesce(e.description, '') || ' ' || coalesce(e.code, '')), "
    "'届满|expir')"
)

_EVENTS = f"""
    SELECT e.doc_id,
        arg_max(CASE e.type
            WHEN 'grant' THEN 'active'
            WHEN 'restoration' THEN 'active'
            WHEN 'lapse' THEN CASE WHEN {_TERM_ENDED} THEN 'expired' ELSE 'lapsed' END
            WHEN 'withdrawal' THEN 'withdrawn'
            WHEN 'rejection' THEN 'rejected'
            WHEN 'invalidation' THEN
                CASE WHEN contains(coalesce(e.description, ''), '部分')
                     OR contains(lower(coalesce(e.description, '')), 'partial')
                     THEN 'active' ELSE 'invalidated' END
        END, struct_pack(d := coalesce(e.date, DATE '0001-01-01'), s := e.seq)) AS status,
        max(e.date) FILTER (WHERE e.type = 'lapse' AND {_TERM_ENDED}) AS expiry
    FROM events e
    WHERE e.type IN ('grant', 'restoration', 'lapse', 'withdrawal', 'rejection', 'invalidation')
    GROUP BY e.doc_id
"""


class LegalStatus:
    """Derive legal status and (estimated) expiry for every document."""

    name = "legal"
    label = "法律状态与期限"

    def run(self, store: PatentStore, ctx: EnrichContext) -> StepReport:
        """Compute status and expiry set-wise; update documents whose values changed."""
        raws = [
            str(r[0])
            for r in store.rows(
                "SELECT DISTINCT legal_status_raw FROM patents WHERE legal_status_raw IS NOT NULL"
            )
        ]
        parsed = pa.table(
            {
                "raw": raws,
                "status": [
                    str(s) if (s := parse_legal_status(r)) is not None else None
                    for r in raws
                ],
            },
            schema=pa.schema([("raw", pa.string()), ("status", pa.string())]),
        )
        with store.staged("enrich_status_raw", parsed) as raw_t:
            store.execute(
                "CREATE OR REPLACE TEMP TABLE enrich_legal AS " + _legal_sql(raw_t),
                [ctx.today],
            )
        differs = (
            "p.legal_status IS DISTINCT FROM n.legal_status OR "
            "p.status_source IS DISTINCT FROM n.status_source OR "
            "p.expiry_date IS DISTINCT FROM n.expiry_date OR "
            "p.expiry_estimated IS DISTINCT FROM n.expiry_estimated"
        )
        changed = changed_rows(
            store.rows(
                "UPDATE patents AS p SET legal_status = n.legal_status, "
                "status_source = n.status_source, expiry_date = n.expiry_date, "
                "expiry_estimated = n.expiry_estimated FROM enrich_legal n "
                f"WHERE p.doc_id = n.doc_id AND ({differs})"
            )
        )
        by_status = store.rows(
            "SELECT coalesce(legal_status, '(unknown)'), coalesce(status_source, '-'), count(*) "
            "FROM patents GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2"
        )
        expiry = store.rows(
            "SELECT count(*) FILTER (WHERE expiry_estimated), "
            "count(*) FILTER (WHERE expiry_date IS NOT NULL AND NOT expiry_estimated), "
            "count(*) FILTER (WHERE expiry_date IS NULL) FROM patents"
        )[0]
        store.execute("DROP TABLE IF EXISTS enrich_legal")
        examples = tuple(
            f"{d} {t} filed {a}: expires {x}{' (estimated)' if e else ''}, {s} ({src})"
            for d, t, a, x, e, s, src in store.rows(
                "SELECT doc_id, patent_type, app_date, expiry_date, expiry_estimated, "
                "legal_status, status_source FROM patents WHERE expiry_date IS NOT NULL "
                "ORDER BY doc_id LIMIT 3"
            )
        )
        return StepReport(
            self.name,
            changed,
            {
                "today": ctx.today.isoformat(),
                "by_status": [
                    {"status": s, "source": src, "documents": int(n)}
                    for s, src, n in by_status
                ],
                "expiry_estimated": int(expiry[0]),
                "expiry_confirmed_or_source": int(expiry[1]),
                "expiry_unknown": int(expiry[2]),
            },
            examples,
        )


def _legal_sql(raw_t: str) -> str:
    return f"""
    WITH ev AS ({_EVENTS}),
    base AS (
        SELECT p.doc_id,
            CASE WHEN p.status_source IS NULL OR p.status_source = 'source'
                 THEN p.legal_status ELSE r.status END AS source_status,
            CASE WHEN p.expiry_date IS NOT NULL AND p.expiry_estimated IS NOT TRUE
                      AND ev.expiry IS NULL AND p.status_source IS DISTINCT FROM 'events'
                 THEN p.expiry_date END AS source_expiry,
            ev.status AS event_status, ev.expiry AS event_expiry,
            {_EXPIRY_RULE} AS rule_expiry
        FROM patents p
        LEFT JOIN ev USING (doc_id)
        LEFT JOIN {raw_t} r ON r.raw = p.legal_status_raw
    ),
    dated AS (
        SELECT *,
            coalesce(event_expiry, source_expiry, rule_expiry) AS expiry_date,
            CASE WHEN event_expiry IS NOT NULL OR source_expiry IS NOT NULL THEN FALSE
                 WHEN rule_expiry IS NOT NULL THEN TRUE END AS expiry_estimated,
            coalesce(event_status, source_status) AS known_status,
            CASE WHEN event_status IS NOT NULL THEN 'events'
                 WHEN source_status IS NOT NULL THEN 'source' END AS known_source
        FROM base
    )
    SELECT doc_id, expiry_date, expiry_estimated,
        CASE WHEN (known_status IS NULL OR known_status IN ('active', 'pending'))
                  AND expiry_date < $1::DATE THEN 'expired'
             ELSE known_status END AS legal_status,
        CASE WHEN (known_status IS NULL OR known_status IN ('active', 'pending'))
                  AND expiry_date < $1::DATE THEN 'rule'
             ELSE known_source END AS status_source
    FROM dated
    """
