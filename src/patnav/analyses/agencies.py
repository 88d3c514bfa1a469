"""Agency quality (代理机构质量): what each patent agency (代理机构) — or agent (代理人) —
filed, and how its invention applications ended.

An agency is its resolved entity where enrichment made one (``parties.entity_id``), else its
name as the store normalised it. An agent is keyed by name and the agency of the unit (two
agents of one name at two agencies are two agents). Every agency of a unit counts the unit
once. Counting unit: the application by default (its A and B publications count once).

Outcome of an invention application, from evidence only:

* granted (授权): a grant date, a grant kind code (B/C …), a status that only a granted
  right has (有效, 期限届满, 无效) or a grant event;
* rejected (驳回): not granted, and the status or a legal event says rejected;
* withdrawn (撤回, 视为撤回, 放弃): not granted, and the status or an event says withdrawn;
* pending (审中): not granted, not refused, the status says pending;
* unclear (失效，结局未载明): a status that is known (e.g. 失效) but says none of the above;
* unknown (状态未知): no status at all.

**Rates are of the decided invention applications** (granted + rejected + withdrawn):
grant rate = granted / decided, rejection rate = rejected / decided, withdrawal rate =
withdrawn / decided. Pending, unclear and unknown applications are not decided: they are
counted apart and never counted as not granted. Utility models and designs are registered
without substantive examination, so they have no rate. Claims per unit are the claim count
of the unit's first published document that has one (as filed for an A publication), with
the coverage (units with a count / units). ``abnormal``: the agency's applications among
those the abnormal-filing detector flagged, when the caller gives them (``patnav agencies``
runs the detector over the scope); otherwise None (unknown).

Only agencies with at least ``min_units`` units are ranked; the others are counted.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from patnav.analyses.base import (
    COUNT_UNITS,
    FIRST_DATE_SQL,
    GRANT_KINDS,
    UNIT_SQL,
    CountBy,
    Engine,
    ResultMixin,
    Scope,
    as_engine,
    check_count_by,
    ratio,
)
from patnav.errors import InvalidParameterError
from patnav.storage.store import PatentStore

_COUNTER = itertools.count(1)

OUTCOMES = ("granted", "rejected", "withdrawn", "pending", "unclear", "unknown")
"""The outcomes of an invention application (see the module's docstring)."""
DECIDED = ("granted", "rejected", "withdrawn")
"""The outcomes that decide an application: the denominator of every rate."""
OUTCOMES_ZH = {
    "granted": "授权",
    "rejected": "驳回",
    "withdrawn": "撤回",
    "pending": "审中",
    "unclear": "失效（结局未载明）",
    "unknown": "状态未知",
}
TYPES_ZH = {
    "invention": "发明",
    "utility_model": "实用新型",
    "design": "外观设计",
    "unknown": "类型未知",
}
ROLES = ("agency", "agent")
ROLES_ZH = {"agency": "代理机构", "agent": "代理人"}
DENOMINATOR_ZH = (
    "授权率、驳回率、撤回率的分母为已审结（授权、驳回或撤回）的发明申请；审中、"
    "失效但结局未载明、状态未知的申请不计入分母，单独列出，不视为未授权。"
)
ABNORMAL_NOTE_ZH = "非正常申请标记尚未接入，本列为“未知”。"
ABNORMAL_DONE_ZH = (
    "非正常申请：被非正常专利申请检测标为批量雷同、拆分申请或拼凑他人技术方案的申请件数（docs/abnormal.md）；"
    "所列机构中未能比对的申请（无摘要与权利要求、文本过短或申请日未知）{unchecked:,} 件不在其内，"
    "全部申请均未能比对的机构为“未知”。"
)


@dataclass(frozen=True, slots=True)
class Outcomes:
    """Invention applications by outcome, and the rates over the decided ones."""

    inventions: int
    granted: int
    rejected: int
    withdrawn: int
    pending: int
    unclear: int
    unknown: int

    @property
    def decided(self) -> int:
        """Granted + rejected + withdrawn: the denominator of the rates."""
        return self.granted + self.rejected + self.withdrawn

    @property
    def grant_rate(self) -> float | None:
        return ratio(self.granted, self.decided)

    @property
    def rejection_rate(self) -> float | None:
        return ratio(self.rejected, self.decided)

    @property
    def withdrawal_rate(self) -> float | None:
        return ratio(self.withdrawn, self.decided)

    def as_dict(self) -> dict[str, Any]:
        """The counts with the decided total and the three rates."""
        return {
            "inventions": self.inventions,
            "decided": self.decided,
            **{o: getattr(self, o) for o in OUTCOMES},
            "grant_rate": self.grant_rate,
            "rejection_rate": self.rejection_rate,
            "withdrawal_rate": self.withdrawal_rate,
        }


@dataclass(frozen=True, slots=True)
class FieldOutcomes:
    """One technology field (IPC section of the main class) of an agency."""

    field: str  # IPC section letter, or "unknown"
    units: int
    outcomes: Outcomes


@dataclass(frozen=True, slots=True)
class AgencyRow:
    """One agency's (or agent's) figures."""

    rank: int
    key: str
    name: str
    agency: str | None  # for an agent: the agency of its units; None for an agency
    units: int
    share: float | None  # of the scope's units
    first_year: int | None
    last_year: int | None
    by_year: tuple[tuple[int, int], ...]
    by_type: tuple[tuple[str, int], ...]
    by_section: tuple[FieldOutcomes, ...]
    top_subclasses: tuple[tuple[str, int], ...]
    outcomes: Outcomes
    claims_units: int  # units whose claim count is known
    claims_mean: float | None
    claims_median: float | None
    claims_coverage: float | None
    status_unknown: int  # units of any type with no known legal status
    status_unknown_share: float | None
    abnormal: int | None = None  # flagged applications (None: detector not run)

    def to_dict(self) -> dict[str, Any]:
        data = {f: getattr(self, f) for f in self.__slots__}
        data["by_year"] = [list(p) for p in self.by_year]
        data["by_type"] = [list(p) for p in self.by_type]
        data["top_subclasses"] = [list(p) for p in self.top_subclasses]
        data["by_section"] = [
            {"field": s.field, "units": s.units} | s.outcomes.as_dict()
            for s in self.by_section
        ]
        data["outcomes"] = self.outcomes.as_dict()
        return data


@dataclass(frozen=True, slots=True)
class AgencyQuality(ResultMixin):
    """Agencies (or agents) ranked by units, with their invention outcomes."""

    scope: str
    count_by: str
    unit_zh: str
    role: str  # agency | agent
    total: int  # units in the scope
    with_party: int  # units with at least one agency (agent)
    without_party: int  # units with none: agency unknown, never a guess
    parties: int  # agencies (agents) in the scope
    min_units: int
    below_minimum: int  # agencies with fewer units than min_units (not ranked)
    overall: Outcomes  # every invention unit of the scope
    rows: tuple[AgencyRow, ...]
    denominator: str = DENOMINATOR_ZH
    notes: tuple[str, ...] = (ABNORMAL_NOTE_ZH,)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "count_by": self.count_by,
            "unit_zh": self.unit_zh,
            "role": self.role,
            "total": self.total,
            "with_party": self.with_party,
            "without_party": self.without_party,
            "parties": self.parties,
            "min_units": self.min_units,
            "below_minimum": self.below_minimum,
            "overall": self.overall.as_dict(),
            "rows": [r.to_dict() for r in self.rows],
            "denominator": self.denominator,
            "notes": list(self.notes),
        }

    def to_frame(self) -> pd.DataFrame:
        out = []
        for r in self.rows:
            o = r.outcomes
            out.append(
                {
                    "rank": r.rank,
                    "name": r.name,
                    "agency": r.agency,
                    "units": r.units,
                    "share": r.share,
                    "inventions": o.inventions,
                    "decided": o.decided,
                    "granted": o.granted,
                    "rejected": o.rejected,
                    "withdrawn": o.withdrawn,
                    "pending": o.pending,
                    "unclear": o.unclear,
                    "unknown": o.unknown,
                    "grant_rate": o.grant_rate,
                    "rejection_rate": o.rejection_rate,
                    "withdrawal_rate": o.withdrawal_rate,
                    "claims_mean": r.claims_mean,
                    "claims_median": r.claims_median,
                    "claims_coverage": r.claims_coverage,
                    "status_unknown": r.status_unknown,
                    "status_unknown_share": r.status_unknown_share,
                    "abnormal": r.abnormal,
                }
            )
        return pd.DataFrame(out)


def _units_sql(count_by: CountBy, where: str) -> str:
    """One row per unit of the scope with its year, type, field, claims and outcome."""
    kinds = ", ".join(f"'{k}'" for k in GRANT_KINDS)
    first = FIRST_DATE_SQL[count_by]
    return f"""
        WITH d AS (
            SELECT p.doc_id, {UNIT_SQL[count_by]} AS unit, {first} AS first_date,
                   p.patent_type, p.kind, p.grant_date, p.legal_status, p.ipc_main,
                   p.claims_count, p.pub_date
            FROM patents p WHERE {where}
        ),
        ev AS (
            SELECT e.doc_id,
                   max(CASE WHEN e.type = 'grant' THEN 1 ELSE 0 END) AS g,
                   max(CASE WHEN e.type = 'rejection' THEN 1 ELSE 0 END) AS r,
                   max(CASE WHEN e.type = 'withdrawal' THEN 1 ELSE 0 END) AS w
            FROM events e WHERE e.doc_id IN (SELECT doc_id FROM d)
            GROUP BY e.doc_id
        ),
        f AS (
            SELECT d.unit, year(min(d.first_date)) AS year,
                   CASE WHEN max(CASE WHEN d.patent_type = 'invention' THEN 1 ELSE 0 END) = 1
                        THEN 'invention'
                        ELSE min(coalesce(d.patent_type, 'unknown')) END AS ptype,
                   arg_min(d.ipc_main, CASE WHEN d.ipc_main IS NOT NULL
                       THEN coalesce(CAST(d.first_date AS VARCHAR), '9999') || d.doc_id END)
                       AS ipc,
                   arg_min(d.claims_count, CASE WHEN d.claims_count IS NOT NULL
                       THEN coalesce(CAST(d.pub_date AS VARCHAR), '9999') || d.doc_id END)
                       AS claims,
                   max(CASE WHEN d.grant_date IS NOT NULL
                             OR substr(d.kind, 1, 1) IN ({kinds})
                             OR d.legal_status IN ('active', 'expired', 'invalidated')
                             OR coalesce(ev.g, 0) = 1 THEN 1 ELSE 0 END) AS g,
                   max(CASE WHEN d.legal_status = 'rejected' OR coalesce(ev.r, 0) = 1
                            THEN 1 ELSE 0 END) AS r,
                   max(CASE WHEN d.legal_status = 'withdrawn' OR coalesce(ev.w, 0) = 1
                            THEN 1 ELSE 0 END) AS w,
                   max(CASE WHEN d.legal_status = 'pending' THEN 1 ELSE 0 END) AS pend,
                   max(CASE WHEN d.legal_status IS NOT NULL AND d.legal_status <> 'unknown'
                            THEN 1 ELSE 0 END) AS known
            FROM d LEFT JOIN ev ON ev.doc_id = d.doc_id
            GROUP BY d.unit
        )
        SELECT unit, year, ptype, ipc, claims, known,
               CASE WHEN ptype <> 'invention' THEN NULL
                    WHEN g = 1 THEN 'granted' WHEN r = 1 THEN 'rejected'
                    WHEN w = 1 THEN 'withdrawn' WHEN pend = 1 THEN 'pending'
                    WHEN known = 1 THEN 'unclear' ELSE 'unknown' END AS outcome
        FROM f
    """


def _outcome_sums(prefix: str = "") -> str:
    return ", ".join(
        f"sum(CASE WHEN {prefix}outcome = '{o}' THEN 1 ELSE 0 END) AS {o}"
        for o in OUTCOMES
    )


def _outcomes(r: dict[str, Any]) -> Outcomes:
    return Outcomes(
        inventions=int(r["inventions"] or 0),
        **{o: int(r[o] or 0) for o in OUTCOMES},
    )


def agency_quality(
    source: PatentStore | Engine,
    scope: Scope | None = None,
    *,
    count_by: CountBy = "application",
    top: int = 20,
    role: str = "agency",
    min_units: int = 5,
    abnormal: Collection[str] | None = None,
    abnormal_unchecked: Collection[str] = (),
) -> AgencyQuality:
    """Rank agencies (``role="agency"``) or agents (``role="agent"``) by units, with
    filings by year, type and field, invention outcomes and rates over the decided
    applications, claims per unit and the share of units of unknown status.

    Args:
        source: the store, or an engine.
        scope: the documents (default: everything).
        count_by: counting unit (default: application).
        top: how many agencies to list.
        role: ``agency`` (代理机构) or ``agent`` (代理人).
        min_units: fewest units an agency needs to be ranked.
        abnormal: the applications the abnormal-filing detector flagged (batch or
            split; :func:`patnav.models.abnormal.detect`), counted per agency when
            counting by application; None: that column stays unknown.
        abnormal_unchecked: the applications the detector could not compare (no
            abstract or claims): an agency none of whose applications was compared
            keeps an unknown count; the others' counts leave them out (said in the
            note).

    Raises:
        InvalidParameterError: an unknown role, or a negative ``min_units``.
    """
    if role not in ROLES:
        raise InvalidParameterError(
            f"The 'role' parameter must be one of {', '.join(ROLES)}. Got {role!r} instead."
        )
    if min_units < 1 or top < 1:
        raise InvalidParameterError(
            "The 'min_units' and 'top' parameters must be 1 or more. "
            f"Got min_units={min_units}, top={top}."
        )
    engine = as_engine(source)
    scope = scope or Scope.everything()
    count_by = check_count_by(count_by)
    where, params = scope.clause("p.doc_id")
    units = _units_sql(count_by, where)
    unit_expr = UNIT_SQL[count_by]
    agency_key = "coalesce(pa.entity_id, 'name:' || pa.name)"
    agency_name = "coalesce(e.name, pa.name)"
    if role == "agency":
        party = f"""
            SELECT DISTINCT {unit_expr} AS unit, {agency_key} AS akey,
                   {agency_name} AS name, CAST(NULL AS VARCHAR) AS agency
            FROM patents p
            JOIN parties pa ON pa.doc_id = p.doc_id AND pa.role = 'agency'
            LEFT JOIN entities e ON e.entity_id = pa.entity_id
            WHERE {where}
        """
    else:
        party = f"""
            WITH ag AS (
                SELECT {unit_expr} AS unit, min({agency_name}) AS agency
                FROM patents p
                JOIN parties pa ON pa.doc_id = p.doc_id AND pa.role = 'agency'
                LEFT JOIN entities e ON e.entity_id = pa.entity_id
                WHERE {where} GROUP BY 1
            ),
            pe AS (
                SELECT DISTINCT {unit_expr} AS unit,
                       coalesce(pa.entity_id, 'name:' || pa.name) AS pkey,
                       coalesce(e.name, pa.name) AS name
                FROM patents p
                JOIN parties pa ON pa.doc_id = p.doc_id AND pa.role = 'agent'
                LEFT JOIN entities e ON e.entity_id = pa.entity_id
                WHERE {where}
            )
            SELECT pe.unit, pe.pkey || ' @ ' || coalesce(ag.agency, '-') AS akey,
                   pe.name, ag.agency
            FROM pe LEFT JOIN ag ON ag.unit = pe.unit
        """
    name = f"_agencies{next(_COUNTER)}"
    u_t, a_t, au_t = f"{name}_u", f"{name}_a", f"{name}_au"
    try:
        # the units and the agencies are read by every statement below: made once
        engine.materialize(u_t, units, params)
        engine.materialize(a_t, party, params)
        engine.materialize(
            au_t,
            f"""
            SELECT a.akey, min(a.name) AS name, min(a.agency) AS agency, u.*
            FROM {a_t} a JOIN {u_t} u ON u.unit = a.unit
            GROUP BY a.akey, u.unit, u.year, u.ptype, u.ipc, u.claims, u.known, u.outcome
            """,
            {},
        )
        result = _result(engine, scope, count_by, role, top, min_units, u_t, a_t, au_t)
        if abnormal is None or count_by != "application" or not result.rows:
            return result
        flagged, unchecked = set(abnormal), set(abnormal_unchecked)
        keys = [r.key for r in result.rows]
        counts = {k: 0 for k in keys}
        compared = {k: 0 for k in keys}
        skipped = 0
        for r in engine.fetch(
            f"SELECT akey, unit FROM {au_t} WHERE akey IN (SELECT unnest($agc_keys))",
            {"agc_keys": keys},
        ).to_pylist():
            key, unit = str(r["akey"]), str(r["unit"])
            if unit in unchecked:
                skipped += 1
                continue
            compared[key] += 1
            counts[key] += unit in flagged
        return replace(
            result,
            rows=tuple(
                replace(r, abnormal=counts[r.key] if compared[r.key] else None)
                for r in result.rows
            ),
            notes=(ABNORMAL_DONE_ZH.format(unchecked=skipped),),
        )
    finally:
        for table in (au_t, a_t, u_t):
            engine.drop(table)


def _result(
    engine: Engine,
    scope: Scope,
    count_by: CountBy,
    role: str,
    top: int,
    min_units: int,
    u_t: str,
    a_t: str,
    au_t: str,
) -> AgencyQuality:
    """The result read from the materialised units (``u_t``), unit × agency (``a_t``)
    and unit × agency with the unit's facts (``au_t``)."""
    unit_rows = engine.fetch(
        f"""
        SELECT count(*) AS total,
               sum(CASE WHEN outcome IS NOT NULL THEN 1 ELSE 0 END) AS inventions,
               {_outcome_sums()}
        FROM {u_t}
        """,
        {},
    ).to_pylist()[0]
    total = int(unit_rows["total"] or 0)
    overall = _outcomes(unit_rows)
    with_party = int(
        engine.fetch(f"SELECT count(DISTINCT unit) AS n FROM {a_t}", {}).to_pylist()[0][
            "n"
        ]
    )
    ranking = engine.fetch(
        f"""
        SELECT akey, min(name) AS name, min(agency) AS agency, count(*) AS units,
               min(year) AS first_year, max(year) AS last_year,
               sum(CASE WHEN outcome IS NOT NULL THEN 1 ELSE 0 END) AS inventions,
               {_outcome_sums()},
               count(claims) AS claims_units, avg(claims) AS claims_mean,
               median(claims) AS claims_median,
               sum(CASE WHEN known = 0 THEN 1 ELSE 0 END) AS status_unknown
        FROM {au_t} GROUP BY akey ORDER BY units DESC, akey
        """,
        {},
    ).to_pylist()
    ranked = [r for r in ranking if int(r["units"]) >= min_units]
    below = len(ranking) - len(ranked)
    picked = ranked[:top]
    keys = [str(r["akey"]) for r in picked]
    years: dict[str, list[tuple[int, int]]] = {k: [] for k in keys}
    types: dict[str, list[tuple[str, int]]] = {k: [] for k in keys}
    sections: dict[str, list[FieldOutcomes]] = {k: [] for k in keys}
    subclasses: dict[str, list[tuple[str, int]]] = {k: [] for k in keys}
    if keys:
        kp = {"agc_keys": keys}
        pick = "WHERE akey IN (SELECT unnest($agc_keys))"
        for r in engine.fetch(
            f"SELECT akey, year, count(*) AS n FROM {au_t} {pick} "
            "AND year IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2",
            kp,
        ).to_pylist():
            years[str(r["akey"])].append((int(r["year"]), int(r["n"])))
        for r in engine.fetch(
            f"SELECT akey, ptype, count(*) AS n FROM {au_t} {pick} "
            "GROUP BY 1, 2 ORDER BY 1, n DESC, 2",
            kp,
        ).to_pylist():
            types[str(r["akey"])].append((str(r["ptype"]), int(r["n"])))
        for r in engine.fetch(
            f"""
            SELECT akey, coalesce(nullif(upper(substr(trim(ipc), 1, 1)), ''), 'unknown')
                       AS field,
                   count(*) AS units,
                   sum(CASE WHEN outcome IS NOT NULL THEN 1 ELSE 0 END) AS inventions,
                   {_outcome_sums()}
            FROM {au_t} {pick} GROUP BY 1, 2 ORDER BY 1, units DESC, 2
            """,
            kp,
        ).to_pylist():
            sections[str(r["akey"])].append(
                FieldOutcomes(str(r["field"]), int(r["units"]), _outcomes(r))
            )
        for r in engine.fetch(
            f"""
            SELECT akey, upper(substr(replace(ipc, ' ', ''), 1, 4)) AS sub,
                   count(*) AS n
            FROM {au_t} {pick} AND length(replace(coalesce(ipc, ''), ' ', '')) >= 4
            GROUP BY 1, 2 ORDER BY 1, n DESC, 2
            """,
            kp,
        ).to_pylist():
            got = subclasses[str(r["akey"])]
            if len(got) < 5:
                got.append((str(r["sub"]), int(r["n"])))
    rows: list[AgencyRow] = []
    for i, r in enumerate(picked, start=1):
        key = str(r["akey"])
        n = int(r["units"])
        claims_units = int(r["claims_units"] or 0)
        unknown = int(r["status_unknown"] or 0)
        rows.append(
            AgencyRow(
                rank=i,
                key=key,
                name=str(r["name"]),
                agency=str(r["agency"]) if r["agency"] is not None else None,
                units=n,
                share=ratio(n, total),
                first_year=_int(r["first_year"]),
                last_year=_int(r["last_year"]),
                by_year=tuple(years[key]),
                by_type=tuple(types[key]),
                by_section=tuple(sections[key]),
                top_subclasses=tuple(subclasses[key]),
                outcomes=_outcomes(r),
                claims_units=claims_units,
                claims_mean=_float(r["claims_mean"]) if claims_units else None,
                claims_median=_float(r["claims_median"]) if claims_units else None,
                claims_coverage=ratio(claims_units, n),
                status_unknown=unknown,
                status_unknown_share=ratio(unknown, n),
            )
        )
    return AgencyQuality(
        scope=scope.label,
        count_by=count_by,
        unit_zh=COUNT_UNITS[count_by][0],
        role=role,
        total=total,
        with_party=with_party,
        without_party=total - with_party,
        parties=len(ranking),
        min_units=min_units,
        below_minimum=below,
        overall=overall,
        rows=tuple(rows),
    )


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int) else None


def _float(value: Any) -> float | None:
    return float(value) if value is not None else None
