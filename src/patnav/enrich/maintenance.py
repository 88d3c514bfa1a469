"""Maintenance state of granted CN and US patents, by the fee-and-term engine.

For every granted CN patent (invention, utility model, design) with a filing date and
every granted US utility patent, :func:`patnav.fees.maintenance.maintenance_state`
derives from what the store knows — grant date, legal status and the date it is known
as of — the fees known paid, the next fee and its due date, grace, the estimated lapse
and the state on the run's day, into the ``maintenance`` table (one row per document).

A dated fee payment (an ``annuity`` event) shows the year in progress that day paid
(CN) or the stage whose window contains it (US). The evidence date of a status: the
deciding event's date (``status_as_of``); for a
status the source gives undated, the latest publication or grant date among the
documents of the same import file — the export cannot be older than its newest record,
so a right the export says is in force was in force on that day. An undated lapse or
expiry gives no date (its termination stays unknown). Runs after ``legal``, whose
statuses it reads.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pyarrow as pa

from patnav.enrich.base import EnrichContext, StepReport
from patnav.enrich.legal import GRANTED_SQL
from patnav.fees.maintenance import Basis, Evidence, maintenance_state
from patnav.schema import tables as t
from patnav.storage.store import PatentStore

_CANDIDATES = f"""
WITH prov AS (
    SELECT doc_id, arg_max(file, import_id) AS file FROM provenance GROUP BY doc_id
),
cut AS (
    SELECT prov.file, max(greatest(p.pub_date, p.grant_date)) AS cutoff
    FROM prov JOIN patents p USING (doc_id) GROUP BY prov.file
),
fee AS (
    SELECT doc_id, max(date) AS paid_on FROM events
    WHERE type = 'annuity' AND date IS NOT NULL GROUP BY doc_id
)
SELECT p.doc_id, p.office, p.patent_type, p.app_date,
    coalesce(p.grant_date, p.pub_date) AS grant_day,
    p.legal_status, p.status_source, p.status_as_of, cut.cutoff, p.expiry_date,
    fee.paid_on
FROM patents p
LEFT JOIN prov USING (doc_id)
LEFT JOIN cut USING (file)
LEFT JOIN fee USING (doc_id)
WHERE p.office IN ('CN', 'US') AND {GRANTED_SQL}
ORDER BY p.doc_id
"""


def _evidence(row: tuple[object, ...]) -> Evidence:
    doc, office, ptype, app, grant, status, source, as_of, cutoff, expiry, paid_on = row
    del doc
    basis: Basis
    when: object
    if status not in ("active", "lapsed", "expired") or source not in (
        "events",
        "source",
    ):
        # pending (on a granted document) or unknown: only the grant speaks
        basis, when, status = "grant", None, None
    elif source == "events":
        basis, when = "events", as_of
    else:
        basis = "source"
        # an undated status in force holds at least on the file's newest record
        when = as_of if as_of is not None else (cutoff if status == "active" else None)
    return Evidence(
        office=str(office),
        patent_type=str(ptype) if ptype else None,
        app_date=app if isinstance(app, date) else None,
        grant_date=grant if isinstance(grant, date) else None,
        status=str(status) if status else None,
        status_date=when if isinstance(when, date) else None,
        basis=basis,
        term_end=expiry if isinstance(expiry, date) else None,
        fee_paid_on=paid_on if isinstance(paid_on, date) else None,
    )


class Maintenance:
    """Fill ``maintenance`` with each granted patent's fee state on the run's day."""

    name = "maintenance"
    label = "年费与维持状态"

    def run(self, store: PatentStore, ctx: EnrichContext) -> StepReport:
        """Recompute every row; report the rows that differ from the previous run."""
        columns = t.MAINTENANCE.column_names
        out: dict[str, list[object]] = {c: [] for c in columns}
        states: Counter[str] = Counter()
        for row in store.rows(_CANDIDATES):
            state = maintenance_state(_evidence(row), as_of=ctx.today)
            if state is None:
                continue
            values = state.to_dict()
            record = {
                **values,
                "doc_id": row[0],
                "as_of": state.as_of,
                "evidence_date": state.evidence_date,
                "next_due": state.next_due,
                "grace_end": state.grace_end,
                "estimated_lapse": state.estimated_lapse,
                "paid_stages": ",".join(state.paid_stages)
                if state.paid_stages is not None
                else None,
                "state_estimated": state.estimated,
            }
            for c in columns:
                out[c].append(record[c])
            label = state.state or "unknown"
            states[
                f"{state.office}:{label}{' (estimated)' if state.estimated else ''}"
            ] += 1
        new = pa.table(out, schema=t.MAINTENANCE.arrow_schema())
        with store.staged("enrich_maintenance", new) as staged:
            listed = ", ".join(columns)
            changed = int(
                store.scalar(
                    f"SELECT (SELECT count(*) FROM (SELECT {listed} FROM {staged} "
                    f"EXCEPT SELECT {listed} FROM maintenance)) + "
                    f"(SELECT count(*) FROM (SELECT {listed} FROM maintenance "
                    f"EXCEPT SELECT {listed} FROM {staged}))"
                )
            )
            if changed:
                store.execute("DELETE FROM maintenance")
                store.execute(f"INSERT INTO maintenance SELECT {listed} FROM {staged}")
        summary: dict[str, object] = {
            "today": ctx.today.isoformat(),
            "maintenance_rows": new.num_rows,
            "in_grace": states.get("CN:in_grace (estimated)", 0)
            + states.get("US:in_grace (estimated)", 0),
            "by_state": dict(sorted(states.items())),
        }
        examples = tuple(
            f"{doc} {office}: {state or '未知'}，下次缴费 {due or '-'}"
            for doc, office, state, due in store.rows(
                "SELECT doc_id, office, state, next_due FROM maintenance "
                "ORDER BY next_due NULLS LAST, doc_id LIMIT 3"
            )
        )
        return StepReport(self.name, changed, summary, examples)
