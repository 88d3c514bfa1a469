"""Legal status from evidence; expiry from evidence, else estimated for granted rights.

**Status** (``legal_status``, ``status_source``, ``status_as_of``) comes only from evidence:

1. ``events`` — the latest status-deciding event: grant and restoration make a patent
   active, expiry expired, lapse lapsed (expired when the event says the term ended:
   届满, expir…), withdrawal withdrawn, rejection rejected, invalidation invalidated
   (partial invalidation leaves it active). ``status_as_of`` is the event's date. An
   event of one contracting state of a regional right (``details.state``: an EP patent
   lapsed in CH) decides nothing for the document.
2. ``source`` — the status the source wrote (``有权``, ``ACTIVE`` …, parsed from
   ``legal_status_raw``). Most sources do not date their status, so ``status_as_of``
   stays empty unless the source gave the date (``extras.status_date``: USPTO ODP's
   ``applicationStatusDate``) or an expiry date the source gave has passed (then the
   right has ``expired``, as of that date).

``status_detail`` is the reason behind the status (:class:`~patnav.schema.records.
StatusDetail`), from the same evidence: the deciding event (a lapse for an unpaid fee is
``lapsed_non_payment``, a withdrawal that says 视为撤回 ``deemed_withdrawn``, 放弃
``abandoned``) or the source's text (:func:`~patnav.schema.vocabulary.parse_status_detail`);
empty whenever ``legal_status`` is. A grant event is only the document's own grant
   publication: a status the source gives is a later look and wins over it.

No evidence: ``legal_status`` stays empty — unknown, never a guess. A term rule never
writes a status. When an *estimated* term has ended and no evidence dated after it says
otherwise, the document is marked ``status_source = 'term'`` with ``legal_status`` empty:
"estimated expired (by term)", which analyses and searches keep apart from known
statuses (evidence older than the estimated end no longer speaks for today; the raw text
stays in ``legal_status_raw``, the events in ``events``).

**Expiry** (``expiry_date``, ``expiry_estimated``): a lapse event that says the term ended
gives the date (not estimated); a date the source gave is kept (not estimated); otherwise,
**for granted rights only**, the office's term rules give an estimate (estimated = true)
on the anniversary. An unexamined application has no term to estimate. Granted means: a
grant date; a grant kind code (CN C/Y/D, and B/U/S since 1993; US B/E/S/P2/P3 and, before US
pre-grant publication began on 2001-03-15, A; B or C elsewhere; registered utility
models U/Y); a CN utility model or design, which CNIPA publishes only once granted (since
1993: before, CN B, U and S publications were examined applications open to opposition,
so those and older documents without a kind code are not taken as grants); a grant event;
or a status only a granted right has (active, expired, invalidated). The terms:

* CN: invention 20 y from filing; utility model 10 y; design 10 y, 15 y for designs
  filed from 2021-06-01;
* US: utility 20 y from filing (filed before 1995-06-08: the later of 17 y from grant
  and 20 y from filing); plant 20 y from filing; design 14 y from grant, 15 y for
  designs filed from 2015-05-13;
* EP and every other office: invention 20 y from filing; registered utility models
  10 y (DE, JP, KR, TW, AT, ES, IT, RU, PL, CZ; JP 6 y for filings from 1994 to
  2005-03-31); designs not estimated.

Extensions (US term adjustment, supplementary protection, CN term compensation since
2021) are not known from bibliographic data, so the estimate is the statutory term.
International (WO) applications get none.
"""

from __future__ import annotations

import pyarrow as pa

from patnav.enrich.base import EnrichContext, StepReport, changed_rows
from patnav.schema.vocabulary import parse_legal_status, parse_status_detail
from patnav.storage.store import PatentStore

_UTILITY_MODEL_10Y = ("DE", "JP", "KR", "TW", "AT", "ES", "IT", "RU", "PL", "CZ")
_UM_OFFICES = ", ".join(f"'{o}'" for o in _UTILITY_MODEL_10Y)

_KIND = "substr(coalesce(p.kind, ''), 1, 1)"

GRANTED_SQL = f"""(
    p.grant_date IS NOT NULL
    OR (p.office = 'CN' AND ({_KIND} IN ('C', 'Y', 'D')
        OR (coalesce(p.pub_date, p.app_date) >= DATE '1993-01-01'
            AND ({_KIND} IN ('B', 'U', 'S')
                 OR (p.kind IS NULL AND p.patent_type IN ('utility_model', 'design'))))))
    OR (p.office = 'US' AND ({_KIND} IN ('B', 'E', 'S') OR p.kind IN ('P2', 'P3')
                             OR (p.kind = 'A' AND p.pub_date < DATE '2001-03-15')))
    OR (p.office NOT IN ('CN', 'US', 'WO') AND {_KIND} IN ('B', 'C'))
    OR (p.patent_type = 'utility_model' AND p.office IN ({_UM_OFFICES})
        AND ({_KIND} = 'Y' OR ({_KIND} = 'U' AND p.office <> 'KR')))
)"""
"""Whether document ``p`` is a granted right (see the module docstring)."""

# Used for granted documents only, where a publication without a grant date is the grant.
_GRANT_DAY = "coalesce(p.grant_date, p.pub_date)"

_TERM_RULE = f"""
    CAST(CASE
        WHEN p.office = 'WO' THEN NULL
        WHEN p.office = 'US' AND p.patent_type = 'design' THEN {_GRANT_DAY} +
            CASE WHEN p.app_date >= DATE '2015-05-13' THEN INTERVAL 15 YEAR
                 ELSE INTERVAL 14 YEAR END
        WHEN p.app_date IS NULL THEN NULL
        -- a CN term ends the day before the anniversary (专利法 art. 42; 29 February's
        -- anniversary is the month's last day), as patnav.fees computes it
        WHEN p.office = 'CN' AND p.patent_type = 'invention'
            THEN p.app_date + INTERVAL 20 YEAR - INTERVAL 1 DAY
        WHEN p.office = 'CN' AND p.patent_type = 'utility_model'
            THEN p.app_date + INTERVAL 10 YEAR - INTERVAL 1 DAY
        WHEN p.office = 'CN' AND p.patent_type = 'design' THEN p.app_date +
            CASE WHEN p.app_date >= DATE '2021-06-01' THEN INTERVAL 15 YEAR
                 ELSE INTERVAL 10 YEAR END - INTERVAL 1 DAY
        WHEN p.office = 'US' AND p.patent_type = 'invention' AND p.app_date < DATE '1995-06-08'
            AND {_GRANT_DAY} IS NOT NULL
            THEN greatest({_GRANT_DAY} + INTERVAL 17 YEAR, p.app_date + INTERVAL 20 YEAR)
        WHEN p.patent_type IN ('invention', 'plant') THEN p.app_date + INTERVAL 20 YEAR
        WHEN p.patent_type = 'utility_model' AND p.office = 'JP'
            AND p.app_date >= DATE '1994-01-01' AND p.app_date < DATE '2005-04-01'
            THEN p.app_date + INTERVAL 6 YEAR
        WHEN p.patent_type = 'utility_model' AND p.office IN ({_UM_OFFICES})
            THEN p.app_date + INTERVAL 10 YEAR
    END AS DATE)
"""

_TERM_ENDED = (
    "(regexp_matches(lower(coalesce(e.description, '') || ' ' || coalesce(e.code, '')), "
    "'届满|expir') AND NOT regexp_matches(lower(coalesce(e.description, '') || ' ' || "
    "coalesce(e.code, '')), '年费|fee|payment'))"
)
"""A lapse event that says the term ended (届满, expired), not that a fee went unpaid:
USPTO's "Patent Expired for Failure to Pay Maintenance Fees" is a lapse."""

_EVENT_STATUS = f"""CASE e.type
    WHEN 'grant' THEN 'active'
    WHEN 'restoration' THEN 'active'
    WHEN 'expiry' THEN 'expired'
    WHEN 'lapse' THEN CASE WHEN {_TERM_ENDED} THEN 'expired' ELSE 'lapsed' END
    WHEN 'withdrawal' THEN 'withdrawn'
    WHEN 'rejection' THEN 'rejected'
    WHEN 'invalidation' THEN
        CASE WHEN contains(coalesce(e.description, ''), '部分')
             OR contains(lower(coalesce(e.description, '')), 'partial')
             THEN 'active' ELSE 'invalidated' END
END"""

_EVENT_TEXT = "lower(coalesce(e.description, '') || ' ' || coalesce(e.code, ''))"

_EVENT_DETAIL = f"""CASE e.type
    WHEN 'grant' THEN 'in_force'
    WHEN 'restoration' THEN 'in_force'
    WHEN 'expiry' THEN 'expired'
    WHEN 'lapse' THEN
        CASE WHEN {_TERM_ENDED} THEN 'expired'
             WHEN regexp_matches({_EVENT_TEXT},
                                 '年费|non-?payment|renewal fee|maintenance fee')
             THEN 'lapsed_non_payment'
             ELSE 'lapsed' END
    WHEN 'withdrawal' THEN
        CASE WHEN regexp_matches({_EVENT_TEXT}, '视为撤回|deemed') THEN 'deemed_withdrawn'
             WHEN regexp_matches({_EVENT_TEXT}, '放弃|aband') THEN 'abandoned'
             ELSE 'withdrawn' END
    WHEN 'rejection' THEN 'rejected'
    WHEN 'invalidation' THEN
        CASE WHEN contains(coalesce(e.description, ''), '部分')
             OR contains(lower(coalesce(e.description, '')), 'partial')
             THEN 'in_force' ELSE 'invalidated' END
END"""

_LATEST = "struct_pack(d := coalesce(e.date, DATE '0001-01-01'), s := e.seq)"

_EVENTS = f"""
    SELECT e.doc_id,
        arg_max({_EVENT_STATUS}, {_LATEST}) AS status,
        arg_max({_EVENT_DETAIL}, {_LATEST}) AS detail,
        arg_max(e.type, {_LATEST}) AS deciding,
        arg_max(e.date, {_LATEST}) AS status_date,
        max(e.date) FILTER (WHERE e.type = 'expiry'
                            OR (e.type = 'lapse' AND {_TERM_ENDED})) AS expiry,
        bool_or(e.type = 'grant') AS grant_event
    FROM events e
    WHERE e.type IN ('grant', 'restoration', 'lapse', 'expiry', 'withdrawal', 'rejection',
                     'invalidation')
        -- an event of one contracting state (an EP patent lapsed in CH) is not the
        -- document's status
        AND try(json_extract_string(e.details, '$.state')) IS NULL
    GROUP BY e.doc_id
"""


class LegalStatus:
    """Derive legal status (from evidence) and expiry (estimated for granted rights)."""

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
                "detail": [
                    str(d) if (d := parse_status_detail(r)) is not None else None
                    for r in raws
                ],
            },
            schema=pa.schema(
                [("raw", pa.string()), ("status", pa.string()), ("detail", pa.string())]
            ),
        )
        with store.staged("enrich_status_raw", parsed) as raw_t:
            store.execute(
                "CREATE OR REPLACE TEMP TABLE enrich_legal AS " + _legal_sql(raw_t),
                [ctx.today],
            )
        columns = (
            "legal_status",
            "status_source",
            "status_as_of",
            "status_detail",
            "expiry_date",
            "expiry_estimated",
        )
        differs = " OR ".join(f"p.{c} IS DISTINCT FROM n.{c}" for c in columns)
        changed = changed_rows(
            store.rows(
                "UPDATE patents AS p SET "
                + ", ".join(f"{c} = n.{c}" for c in columns)
                + f" FROM enrich_legal n WHERE p.doc_id = n.doc_id AND ({differs})"
            )
        )
        store.execute("DROP TABLE IF EXISTS enrich_legal")
        return StepReport(self.name, changed, _summary(store, ctx), _examples(store))


def _summary(store: PatentStore, ctx: EnrichContext) -> dict[str, object]:
    by_status = store.rows(
        "SELECT coalesce(legal_status, 'unknown'), coalesce(status_source, '-'), count(*) "
        "FROM patents GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2"
    )
    counts = store.rows(
        "SELECT count(*) FILTER (WHERE legal_status IS NOT NULL AND legal_status <> 'unknown'), "
        "count(*) FILTER (WHERE status_source = 'term'), "
        "count(*) FILTER (WHERE expiry_estimated), "
        "count(*) FILTER (WHERE expiry_date IS NOT NULL AND NOT expiry_estimated), "
        "count(*) FILTER (WHERE expiry_date IS NULL), count(*) FROM patents"
    )[0]
    return {
        "today": ctx.today.isoformat(),
        "status_known": int(counts[0]),
        "term_ended_estimated": int(counts[1]),
        "documents": int(counts[5]),
        "by_status": [
            {"status": s, "source": src, "documents": int(n)} for s, src, n in by_status
        ],
        "expiry_estimated": int(counts[2]),
        "expiry_confirmed_or_source": int(counts[3]),
        "expiry_unknown": int(counts[4]),
    }


def _examples(store: PatentStore) -> tuple[str, ...]:
    rows = store.rows(
        "SELECT doc_id, patent_type, app_date, expiry_date, expiry_estimated, "
        "legal_status, status_source, status_as_of FROM patents "
        "WHERE expiry_date IS NOT NULL OR legal_status IS NOT NULL "
        "ORDER BY status_source NULLS LAST, doc_id LIMIT 3"
    )
    out = []
    for doc, ptype, filed, expiry, estimated, status, source, as_of in rows:
        if status:
            known = f"{status} ({source}{f', as of {as_of}' if as_of else ''})"
        elif source == "term":
            known = "status unknown; estimated term ended"
        else:
            known = "status unknown"
        term = (
            f"expiry {expiry}{' (estimated)' if estimated else ''}"
            if expiry
            else "no expiry"
        )
        filing = f"filed {filed}" if filed else "filing date unknown"
        out.append(f"{doc} {ptype} {filing}: {known}, {term}")
    return tuple(out)


def _legal_sql(raw_t: str) -> str:
    # The source's status is its raw text parsed; a reader that gives no raw text may
    # have written legal_status itself, which is the source's while enrichment has not
    # replaced it (status_source NULL or 'source').
    return f"""
    WITH ev AS ({_EVENTS}),
    base AS (
        SELECT p.doc_id,
            nullif(CASE WHEN p.legal_status_raw IS NOT NULL THEN r.status
                        WHEN p.status_source IS NULL OR p.status_source = 'source'
                        THEN p.legal_status END, 'unknown') AS source_status,
            CASE WHEN p.legal_status_raw IS NOT NULL THEN r.detail END AS source_detail,
            try_cast(try(json_extract_string(p.extras, '$.status_date')) AS DATE)
                AS source_date,
            CASE WHEN p.expiry_date IS NOT NULL AND p.expiry_estimated IS NOT TRUE
                      AND ev.expiry IS NULL AND p.status_source IS DISTINCT FROM 'events'
                 THEN p.expiry_date END AS source_expiry,
            ev.status AS event_status, ev.detail AS event_detail, ev.deciding,
            ev.status_date AS event_date,
            ev.expiry AS event_expiry,
            {_TERM_RULE} AS rule_expiry,
            {GRANTED_SQL} OR coalesce(ev.grant_event, false) AS granted_doc
        FROM patents p
        LEFT JOIN ev USING (doc_id)
        LEFT JOIN {raw_t} r ON r.raw = p.legal_status_raw
    ),
    evidence AS (
        SELECT *,
            CASE WHEN event_status IS NOT NULL
                      AND NOT (deciding = 'grant' AND source_status IS NOT NULL)
                 THEN 'events'
                 WHEN source_status IS NOT NULL THEN 'source' END AS known_source
        FROM base
    ),
    known AS (
        SELECT *,
            CASE known_source WHEN 'events' THEN event_status
                              WHEN 'source' THEN source_status END AS known_status,
            CASE known_source WHEN 'events' THEN event_detail
                              WHEN 'source' THEN coalesce(source_detail, CASE source_status
                                  WHEN 'active' THEN 'in_force' ELSE source_status END)
            END AS known_detail,
            -- a source rarely dates its status; an expiry it gives dates an expired one
            CASE known_source WHEN 'events' THEN event_date
                              WHEN 'source' THEN coalesce(source_date,
                                  CASE WHEN source_status = 'expired' THEN source_expiry END)
            END AS known_as_of,
            coalesce(event_expiry, source_expiry) AS given_expiry
        FROM evidence
    ),
    dated AS (
        SELECT *,
            coalesce(given_expiry, CASE WHEN granted THEN rule_expiry END) AS expiry_date,
            CASE WHEN given_expiry IS NOT NULL THEN FALSE
                 WHEN granted AND rule_expiry IS NOT NULL THEN TRUE END AS expiry_estimated
        FROM (SELECT *, granted_doc OR coalesce(known_status IN ('active', 'expired',
                                                'invalidated'), false) AS granted
              FROM known)
    ),
    decided AS (
        SELECT *,
            -- an expiry date given as evidence has passed: the right has expired
            coalesce(NOT expiry_estimated AND expiry_date < $1::DATE
                     AND (known_status IS NULL OR known_status IN ('active', 'pending')),
                     false) AS given_ended,
            -- the estimated term ended after the last evidence: no status is known now
            coalesce(expiry_estimated AND expiry_date < $1::DATE
                     AND (known_status IS NULL OR known_status IN ('active', 'pending'))
                     AND (known_as_of IS NULL OR known_as_of < expiry_date),
                     false) AS term_ended
        FROM dated
    )
    SELECT doc_id, expiry_date, expiry_estimated,
        CASE WHEN given_ended THEN 'expired' WHEN term_ended THEN NULL
             ELSE known_status END AS legal_status,
        CASE WHEN given_ended
                  THEN CASE WHEN event_expiry IS NOT NULL THEN 'events' ELSE 'source' END
             WHEN term_ended THEN 'term'
             ELSE known_source END AS status_source,
        CASE WHEN given_ended THEN expiry_date WHEN term_ended THEN NULL
             ELSE known_as_of END AS status_as_of,
        CASE WHEN given_ended THEN 'expired' WHEN term_ended THEN NULL
             ELSE known_detail END AS status_detail
    FROM decided
    """
