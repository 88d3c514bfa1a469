"""Enterprise innovation capability (企业创新能力指数): a composite index per enterprise,
each indicator a percentile among the enterprise's peers, explained.

Who is scored:

* **enterprises of the register** (企业库) when the store holds one: each enterprise's
  patents are those of the applicant names linked to it (``enterprise_links`` with status
  linked or accepted); region and industry are the register's;
* otherwise **applicant entities of company type** (申请人主体, party type company): their
  region is the entity's province (else the most frequent province of their applicant
  rows), their industry the most frequent IPC section of their documents' main IPC.

:attr:`CapabilityIndex.subject` says which of the two a result is about.

The indicators (computed in one set-wise DuckDB statement for every enterprise; units are
applications — ``coalesce(app_number, doc_id)`` — filed by the enterprise as applicant):

=================  ===================================================================
stock              applications filed
growth             applications of the last three complete filing years against the
                   three before, ``(recent − previous) / previous``; the last 18 months
                   are incomplete (publication lag) and left out exactly as the filing
                   trend leaves them out (:func:`patnav.analyses.base.windows_for`)
invention_share    invention applications / applications
grant_rate         granted inventions / decided inventions (granted, rejected or
                   withdrawn); pending ones are not decided
high_value         applications with a document graded A or B in ``value_scores``
                   (use ``management``); unknown when none of its documents is scored
breadth            distinct IPC subclasses (4 characters) of its documents
team_size          distinct inventor names on its documents
team_stability     inventors active in both halves of the six-year window / inventors
                   active in either half
citations          mean forward citations per application, over the applications whose
                   count the source gives
university_coop    applications with a university or institute co-applicant
overseas           applications whose family has a member at an office outside CN; known
                   when a family is complete in the store (at least as many members as the
                   source's family size) or has such a member
rd_intensity       研发投入 / 营业收入 (register only)
rd_staff_share     研发人员 / 从业人员 (register only)
=================  ===================================================================

Each known indicator becomes a percentile rank among the peers of the same province and
industry that have it known: ``100 × (peers below + ½ × peers equal, itself included) /
peers known``. The index is the weighted mean of the known percentiles (weights of the
known indicators renormalised); ``coverage`` is the share of the weight that was known. An
unknown indicator is never a 0: it is left out and listed in ``missing`` with its reason.
The weights are data (``capability_weights.yaml``, replaceable with ``weights=FILE``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from patnav.analyses.base import GRANT_KINDS, Scope, Window
from patnav.analyses.prepared import based
from patnav.errors import (
    InputError,
    InvalidParameterError,
    NotFittedError,
    NotFoundError,
)
from patnav.storage.store import PatentStore
from patnav.yamlsafe import load_yaml, load_yaml_file

INDICATORS: tuple[str, ...] = (
    "stock",
    "growth",
    "invention_share",
    "grant_rate",
    "high_value",
    "breadth",
    "team_size",
    "team_stability",
    "citations",
    "university_coop",
    "overseas",
    "rd_intensity",
    "rd_staff_share",
)
"""The indicators of the capability index, in display order."""

REGISTER_ONLY = frozenset({"rd_intensity", "rd_staff_share"})
_COUNTER = iter(range(1, 1 << 62))

MISSING_REASONS: dict[str, str] = {
    "no_register": "企业库中无该数据（仅企业库企业有研发投入、研发人员数据）",
    "no_register_figure": "企业库未填报所需数字（研发投入与营业收入，或研发人员与从业人员）",
    "no_window": "数据截止日期未知，无法划分近三年与前三年",
    "no_previous": "前三年（{p0}–{p1}）无申请，增长率无从计算",
    "no_decided": "无已审结（授权、驳回或撤回）的发明申请",
    "no_scores": (
        "其专利均无价值评分（value_scores 中 use=management 无评分，运行 patnav value score）"
    ),
    "no_ipc": "其专利均无 IPC 分类号",
    "no_inventors": "数据中无发明人",
    "no_window_inventors": "近六年窗口内无发明人",
    "no_citations": "数据源未给出被引次数",
    "no_party_types": "共同申请人未识别主体类型",
    "no_families": "同族数据不全（库中同族成员少于数据源所报同族数），无法断定有无海外布局",
}
"""Why an indicator is unknown, in Chinese (the ``reason`` of a missing indicator)."""

SUBJECT_LABELS = {"enterprise": "企业库企业", "applicant": "申请人主体（公司类）"}
BASIS_LABELS = {
    "industry_code": "企业库行业代码（GB/T 4754）",
    "ipc_section": "主 IPC 部（企业库无行业代码时）",
}

Subject = Literal["enterprise", "applicant"]
IndustryLevel = Literal["section", "division"]


# -- weights -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Weights:
    """The weights of the index: indicator → weight, with labels, groups and source."""

    name: str
    weights: Mapping[str, float]
    labels: Mapping[str, str]
    groups: Mapping[str, str]
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "source": self.source,
            "indicators": {
                k: {
                    "weight": self.weights[k],
                    "label": self.labels.get(k, k),
                    "group": self.groups.get(k, ""),
                }
                for k in self.weights
            },
        }


def default_weights_text() -> str:
    """The shipped weights file's text."""
    return (
        resources.files("patnav.models")
        .joinpath("capability_weights.yaml")
        .read_text(encoding="utf-8")
    )


def load_weights(path: Path | str | None = None) -> Weights:
    """The weights of ``path`` (a YAML file like ``capability_weights.yaml``), or the
    shipped ones.

    Raises:
        InvalidParameterError: an unknown indicator, a weight that is not a positive
            number, or no indicator at all.
    """
    if path is None:
        data = load_yaml(default_weights_text(), source="capability_weights.yaml")
        source = "patnav/models/capability_weights.yaml"
    else:
        data = load_yaml_file(path)
        source = str(path)
    items = data.get("indicators") if isinstance(data, dict) else None
    if not isinstance(items, dict) or not items:
        raise InvalidParameterError(
            f"{source}: expected a mapping 'indicators:' of indicator → "
            "{weight: number}. See docs/capability.md for the format."
        )
    weights: dict[str, float] = {}
    labels: dict[str, str] = {}
    groups: dict[str, str] = {}
    for key, spec in items.items():
        if key not in INDICATORS:
            raise InvalidParameterError(
                f"{source}: unknown indicator {key!r}; use one of {', '.join(INDICATORS)}."
            )
        value = spec.get("weight") if isinstance(spec, dict) else spec
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value <= 0
        ):
            raise InvalidParameterError(
                f"The weight of {key!r} in {source} must be a positive number. "
                f"Got {value!r} instead."
            )
        weights[key] = float(value)
        if isinstance(spec, dict):
            labels[key] = str(spec.get("label") or key)
            groups[key] = str(spec.get("group") or "")
    return Weights(
        name=str(data.get("name") or Path(source).stem),
        weights=weights,
        labels=labels,
        groups=groups,
        source=source,
    )


# -- results ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IndicatorScore:
    """One indicator of one enterprise: its value, its percentile among peers, its weight;
    ``value`` None: unknown, with ``reason``."""

    key: str
    label: str
    value: float | None
    percentile: float | None
    weight: float
    peers_known: int
    reason: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "value": self.value,
            "percentile": self.percentile,
            "weight": self.weight,
            "peers_known": self.peers_known,
            "missing": self.value is None,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class EnterpriseCapability:
    """The capability index of one enterprise, explained."""

    key: str
    name: str
    uscc: str | None
    subject: Subject
    province: str | None
    city: str | None
    industry: str | None
    industry_basis: str | None
    peers: int
    index: float | None
    coverage: float
    rank: int | None
    applications: int
    indicators: tuple[IndicatorScore, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        """The indicators that were unknown."""
        return tuple(i.key for i in self.indicators if i.value is None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "uscc": self.uscc,
            "subject": self.subject,
            "province": self.province,
            "city": self.city,
            "industry": self.industry,
            "industry_basis": self.industry_basis,
            "peers": self.peers,
            "index": self.index,
            "coverage": self.coverage,
            "rank": self.rank,
            "applications": self.applications,
            "missing": list(self.missing),
            "indicators": [i.to_dict() for i in self.indicators],
        }


@dataclass(frozen=True, slots=True)
class CapabilityRanking:
    """Enterprises ranked by their capability index (within a region and industry when
    asked), with the basis of the computation."""

    subject: Subject
    cutoff: date | None
    recent: Window | None
    previous: Window | None
    weights: Weights
    region: str | None
    industry: str | None
    total: int
    rows: tuple[EnterpriseCapability, ...]
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "subject_label": SUBJECT_LABELS[self.subject],
            "cutoff": self.cutoff.isoformat() if self.cutoff else None,
            "recent": list(self.recent) if self.recent else None,
            "previous": list(self.previous) if self.previous else None,
            "weights": self.weights.to_dict(),
            "region": self.region,
            "industry": self.industry,
            "total": self.total,
            "notes": list(self.notes),
            "enterprises": [r.to_dict() for r in self.rows],
        }

    def to_frame(self) -> pd.DataFrame:
        records = []
        for r in self.rows:
            rec: dict[str, Any] = {
                "name": r.name,
                "uscc": r.uscc,
                "province": r.province,
                "industry": r.industry,
                "peers": r.peers,
                "rank": r.rank,
                "index": r.index,
                "coverage": r.coverage,
                "missing": ",".join(r.missing),
            }
            for i in r.indicators:
                rec[i.key] = i.value
                rec[f"{i.key}_pct"] = i.percentile
            records.append(rec)
        return pd.DataFrame.from_records(records)


# -- the model -----------------------------------------------------------------------


class CapabilityModel:
    """The capability index, fitted on a store (see the module docstring).

    Args:
        weights: a weights file (YAML), or None for the shipped weights.
        industry_level: ``section`` (GB/T 4754 门类, the default) or ``division`` (大类)
            of the register's industry code for peer groups; without a code the main IPC
            section is used (``industry_basis`` says which).
        min_applications: enterprises with fewer applications are not scored.
    """

    def __init__(
        self,
        *,
        weights: Path | str | None = None,
        industry_level: str = "section",
        min_applications: int = 1,
    ) -> None:
        self.weights = weights
        self.industry_level = industry_level
        self.min_applications = min_applications

    def fit(self, store: PatentStore) -> CapabilityModel:
        """Compute every enterprise's indicators and percentiles among its peers."""
        if self.industry_level not in ("section", "division"):
            raise InvalidParameterError(
                "The 'industry_level' parameter of CapabilityModel must be one of "
                f"section, division. Got {self.industry_level!r} instead."
            )
        if (
            isinstance(self.min_applications, bool)
            or not isinstance(self.min_applications, int)
            or self.min_applications < 1
        ):
            raise InvalidParameterError(
                "The 'min_applications' parameter of CapabilityModel must be an int >= 1. "
                f"Got {self.min_applications!r} instead."
            )
        self.weights_ = load_weights(self.weights)
        register = bool(store.scalar("SELECT count(*) FROM enterprises"))
        self.subject_: Subject = "enterprise" if register else "applicant"
        with based(store, Scope.everything(), "application") as base:
            self.cutoff_ = base.cutoff()
            self.recent_, self.previous_ = base.windows()
            actors, indicators = _compute(
                store,
                base.docs,
                register=register,
                level=self.industry_level,  # type: ignore[arg-type]
                recent=self.recent_,
                previous=self.previous_,
                weights=self.weights_,
                min_applications=self.min_applications,
            )
        self.actors_ = actors
        self.indicators_ = indicators
        by_actor: dict[str, dict[str, dict[str, Any]]] = {}
        for record in indicators.to_dict("records"):
            by_actor.setdefault(str(record["actor"]), {})[str(record["indicator"])] = (
                record
            )
        self.by_actor_ = by_actor
        return self

    def _check(self) -> None:
        if not hasattr(self, "actors_"):
            raise NotFittedError(
                "This CapabilityModel is not fitted yet. Call 'fit(store)' first."
            )

    def rank(
        self,
        *,
        region: str | None = None,
        industry: str | None = None,
        top: int | None = 20,
        city: str | None = None,
    ) -> CapabilityRanking:
        """Enterprises by index, best first (unknown index last); ``region`` a province
        (or its start: 安徽), ``city`` a city within it, ``industry`` the peer industry
        code (``C``, ``C35``, ``G``). Peers stay those of the whole province.

        Enterprises whose industry is unknown (no IPC class, no register code) have no
        peers to be ranked among (their ``rank`` is None): they follow the ranked ones,
        by index.
        """
        self._check()
        if top is not None and top < 1:
            raise InvalidParameterError(
                f"The 'top' parameter must be an int >= 1. Got {top!r} instead."
            )
        frame = self.actors_
        if region:
            frame = frame[frame["province"].fillna("").str.startswith(region)]
        if city:
            frame = frame[frame["city"].fillna("").str.startswith(city)]
        if industry:
            frame = frame[frame["industry"].fillna("") == industry.upper()]
        # enterprises with peers (industry known) first: an index among the catch-all
        # of unknown industries is not comparable with one among real peers
        frame = frame.assign(_placed=frame["industry_key"].notna()).sort_values(
            ["_placed", "index", "applications", "name"],
            ascending=[False, False, False, True],
            na_position="last",
        )
        total = len(frame)
        if top is not None:
            frame = frame.head(top)
        rows = tuple(self._explain_row(r) for r in frame.to_dict("records"))
        return CapabilityRanking(
            subject=self.subject_,
            cutoff=self.cutoff_,
            recent=self.recent_,
            previous=self.previous_,
            weights=self.weights_,
            region=region,
            industry=industry,
            total=total,
            rows=rows,
            notes=self._notes(),
        )

    def explain(self, who: str) -> EnterpriseCapability:
        """One enterprise by its key, 统一社会信用代码 or name (a unique part of it).

        Raises:
            NotFoundError: no enterprise matches.
            InputError: several match.
        """
        self._check()
        frame = self.actors_
        exact = frame[
            (frame["actor"] == who)
            | (frame["uscc"].fillna("") == who.upper())
            | (frame["name"] == who)
        ]
        if exact.empty:
            exact = frame[frame["name"].fillna("").str.contains(who, regex=False)]
        if exact.empty:
            raise NotFoundError(
                f"No {SUBJECT_LABELS[self.subject_]} {who!r} with patents in the store. "
                "Give the full name, a 统一社会信用代码 or a unique part of the name; "
                "'patnav capability' lists them."
            )
        if len(exact) > 1:
            names = "、".join(sorted(exact["name"].astype(str))[:8])
            raise InputError(
                f"{who!r} matches {len(exact)} enterprises ({names} …). Give the full name."
            )
        return self._explain_row(exact.to_dict("records")[0])

    def _notes(self) -> tuple[str, ...]:
        notes = [f"评价对象：{SUBJECT_LABELS[self.subject_]}"]
        if self.recent_ and self.previous_:
            notes.append(
                f"增长：{self.recent_[0]}–{self.recent_[1]} 年对比 "
                f"{self.previous_[0]}–{self.previous_[1]} 年（按申请年；数据截止 "
                f"{self.cutoff_} 前 18 个月内的申请因公开滞后不完整，不计入）"
            )
        unplaced = self.actors_["industry_key"].isna()
        if unplaced.any():
            notes.append(
                f"行业未知（无 IPC 分类号、不在企业库）的 {int(unplaced.sum()):,} 家主体"
                "没有可比的同组，不排名，列于有同组排名的主体之后"
            )
        if self.subject_ == "applicant":
            notes.append(
                "库中无企业库：研发投入强度与研发人员占比缺失，行业按主 IPC 部划分"
            )
            if self.actors_.empty:
                notes.append(
                    "库中没有公司类申请人：申请人类型未识别时先运行 patnav enrich"
                )
        return tuple(notes)

    def _explain_row(self, row: Mapping[str, Any]) -> EnterpriseCapability:
        actor = row["actor"]
        by_key = self.by_actor_.get(str(actor), {})
        out = []
        for key in INDICATORS:
            if key not in self.weights_.weights:
                continue
            r = by_key.get(key, {})
            value = _num(r.get("value"))
            out.append(
                IndicatorScore(
                    key=key,
                    label=self.weights_.labels.get(key, key),
                    value=value,
                    percentile=_num(r.get("pct")),
                    weight=self.weights_.weights[key],
                    peers_known=int(r.get("peers_known") or 0),
                    reason=None if value is not None else self._reason(r.get("reason")),
                )
            )
        return EnterpriseCapability(
            key=str(actor),
            name=str(row["name"]),
            uscc=_str(row.get("uscc")),
            subject=self.subject_,
            province=_str(row.get("province")),
            city=_str(row.get("city")),
            industry=_str(row.get("industry")),
            industry_basis=_str(row.get("industry_basis")),
            peers=int(row["peers"]),
            index=_num(row.get("index")),
            coverage=float(row.get("coverage") or 0.0),
            rank=None if _num(row.get("peer_rank")) is None else int(row["peer_rank"]),
            applications=int(row["applications"]),
            indicators=tuple(out),
        )

    def _reason(self, code: Any) -> str:
        text = MISSING_REASONS.get(str(code), str(code))
        if self.previous_:
            text = text.format(p0=self.previous_[0], p1=self.previous_[1])
        return text


def _num(value: Any) -> float | None:
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _str(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


# -- the statement -----------------------------------------------------------------------


APPLICANT_PARTIES = "(SELECT * FROM parties WHERE role = 'applicant')"
"""The parties an enterprise files as: its applicant rows."""


def enterprise_documents_sql(parties: str = APPLICANT_PARTIES) -> str:
    """The statement of (``actor`` = enterprise_id, ``doc_id``): the documents whose
    ``parties`` rows (a relation with ``doc_id``, ``name``, ``entity_id``; the applicant
    rows by default) name an applicant name linked to a register enterprise
    (``enterprise_links`` linked or accepted), or that name's resolved entity."""
    return f"""
        SELECT DISTINCT l.enterprise_id AS actor, pa.doc_id
        FROM enterprise_links l
        JOIN {parties} pa ON pa.name = l.applicant_name
        WHERE l.status IN ('linked', 'accepted')
        UNION
        SELECT DISTINCT l.enterprise_id AS actor, pa.doc_id
        FROM enterprise_links l
        JOIN {parties} pa ON pa.entity_id = l.entity_id
        WHERE l.status IN ('linked', 'accepted') AND l.entity_id IS NOT NULL
    """


def _actor_sql(register: bool, level: IndustryLevel) -> tuple[str, str]:
    """The statements of ``actor_docs`` (actor × document) and ``actors`` (one row per
    actor: name, uscc, province, city, register industry, R&D figures)."""
    if register:
        docs = enterprise_documents_sql()
        cut = "3" if level == "division" else "1"
        actors = f"""
            SELECT enterprise_id AS actor, name, uscc, province, city,
                   CASE WHEN industry_code IS NULL OR industry_code = '' THEN NULL
                        WHEN length(industry_code) >= {cut}
                        THEN upper(substr(industry_code, 1, {cut})) END AS industry_reg,
                   CASE WHEN rd_spending_wan IS NOT NULL AND revenue_wan > 0
                        THEN rd_spending_wan / revenue_wan END AS rd_intensity,
                   CASE WHEN rd_staff IS NOT NULL AND employees > 0
                        THEN CAST(rd_staff AS DOUBLE) / employees END AS rd_staff_share,
                   TRUE AS in_register
            FROM enterprises
        """
        return docs, actors
    docs = """
        SELECT DISTINCT coalesce(pa.entity_id, 'name:' || pa.name) AS actor, pa.doc_id
        FROM parties pa LEFT JOIN entities e ON e.entity_id = pa.entity_id
        WHERE pa.role = 'applicant' AND pa.name IS NOT NULL
          AND coalesce(e.party_type, pa.party_type) = 'company'
    """
    actors = """
        SELECT coalesce(pa.entity_id, 'name:' || pa.name) AS actor,
               coalesce(min(e.name), min(pa.name)) AS name,
               CAST(NULL AS VARCHAR) AS uscc,
               coalesce(min(e.province), mode(pa.province)) AS province,
               coalesce(min(e.city), mode(pa.city)) AS city,
               CAST(NULL AS VARCHAR) AS industry_reg,
               CAST(NULL AS DOUBLE) AS rd_intensity,
               CAST(NULL AS DOUBLE) AS rd_staff_share,
               FALSE AS in_register
        FROM parties pa LEFT JOIN entities e ON e.entity_id = pa.entity_id
        WHERE pa.role = 'applicant' AND pa.name IS NOT NULL
          AND coalesce(e.party_type, pa.party_type) = 'company'
        GROUP BY 1
    """
    return docs, actors


def _compute(
    store: PatentStore,
    docs: str,
    *,
    register: bool,
    level: IndustryLevel,
    recent: Window | None,
    previous: Window | None,
    weights: Weights,
    min_applications: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every actor's facts and every actor × indicator row (value, percentile, peers)."""
    actor_docs, actors = _actor_sql(register, level)
    kinds = ", ".join(f"'{k}'" for k in GRANT_KINDS)
    has_window = recent is not None and previous is not None
    r0, r1 = recent or (0, -1)
    p0, p1 = previous or (0, -1)
    weight_rows = ", ".join(
        f"('{k}', {float(w)!r})" for k, w in weights.weights.items()
    )
    total_weight = sum(weights.weights.values())
    table = f"_capability{next(_COUNTER)}"
    growth_reason = (
        "coalesce(growth_reason, 'no_previous')" if has_window else "'no_window'"
    )
    stability_reason = "'no_window_inventors'" if has_window else "'no_window'"
    stability = (
        "CASE WHEN t.in_window > 0 THEN CAST(t.both_halves AS DOUBLE) / t.in_window END"
        if has_window
        else "CAST(NULL AS DOUBLE)"
    )
    growth = (
        "CASE WHEN p.previous > 0 THEN (p.recent - p.previous) / CAST(p.previous AS DOUBLE) "
        "END"
        if has_window
        else "CAST(NULL AS DOUBLE)"
    )
    sql = f"""
    WITH actor_docs AS ({actor_docs}),
    actors AS ({actors}),
    ad AS (
        SELECT x.actor, d.* FROM actor_docs x JOIN {docs} d ON d.doc_id = x.doc_id
    ),
    units AS (
        SELECT actor, unit, year(min(first_date)) AS fy,
               max(CASE WHEN patent_type = 'invention' THEN 1 ELSE 0 END) AS inv,
               max(CASE WHEN patent_type = 'invention' AND (grant_date IS NOT NULL
                        OR substr(kind, 1, 1) IN ({kinds})
                        OR legal_status IN ('active', 'expired', 'invalidated'))
                        THEN 1 ELSE 0 END) AS granted,
               max(CASE WHEN legal_status IN ('rejected', 'withdrawn') THEN 1 ELSE 0 END)
                   AS refused,
               max(cited_by_count) AS cited
        FROM ad GROUP BY actor, unit
    ),
    per AS (
        SELECT actor, count(*) AS applications,
               count(*) FILTER (WHERE fy BETWEEN {r0} AND {r1}) AS recent,
               count(*) FILTER (WHERE fy BETWEEN {p0} AND {p1}) AS previous,
               sum(inv) AS inventions,
               sum(CASE WHEN inv = 1 AND granted = 1 THEN 1 ELSE 0 END) AS granted,
               sum(CASE WHEN inv = 1 AND (granted = 1 OR refused = 1) THEN 1 ELSE 0 END)
                   AS decided,
               avg(cited) AS cited_mean
        FROM units GROUP BY actor
    ),
    ipc AS (
        SELECT x.actor, count(DISTINCT substr(c.code, 1, 4)) AS subclasses
        FROM actor_docs x
        JOIN classifications c ON c.doc_id = x.doc_id AND c.scheme = 'IPC'
        WHERE length(c.code) >= 4
        GROUP BY x.actor
    ),
    section AS (
        SELECT actor, s FROM (
            SELECT actor, substr(ipc_main, 1, 1) AS s,
                   row_number() OVER (PARTITION BY actor
                                      ORDER BY count(*) DESC, substr(ipc_main, 1, 1)) AS rn
            FROM ad WHERE ipc_main IS NOT NULL AND ipc_main <> ''
            GROUP BY actor, substr(ipc_main, 1, 1)
        ) WHERE rn = 1
    ),
    inv AS (
        SELECT ad.actor, pi.name,
               max(CASE WHEN year(ad.first_date) BETWEEN {r0} AND {r1} THEN 1 ELSE 0 END)
                   AS in_recent,
               max(CASE WHEN year(ad.first_date) BETWEEN {p0} AND {p1} THEN 1 ELSE 0 END)
                   AS in_previous
        FROM ad JOIN parties pi
          ON pi.doc_id = ad.doc_id AND pi.role = 'inventor' AND pi.name IS NOT NULL
        GROUP BY ad.actor, pi.name
    ),
    team AS (
        SELECT actor, count(*) AS team_size,
               sum(in_recent * in_previous) AS both_halves,
               sum(greatest(in_recent, in_previous)) AS in_window
        FROM inv GROUP BY actor
    ),
    hv AS (
        SELECT ad.actor,
               count(DISTINCT CASE WHEN v.grade IN ('A', 'B') THEN ad.unit END) AS high,
               count(v.score) AS scored
        FROM ad JOIN value_scores v ON v.doc_id = ad.doc_id AND v.use = 'management'
        GROUP BY ad.actor
    ),
    coop AS (
        SELECT ad.actor,
               count(DISTINCT CASE WHEN coalesce(e.party_type, pa.party_type)
                                        IN ('university', 'institute') THEN ad.unit END)
                   AS coop_units,
               count(coalesce(e.party_type, pa.party_type)) AS typed
        FROM ad
        JOIN parties pa ON pa.doc_id = ad.doc_id AND pa.role = 'applicant'
        LEFT JOIN entities e ON e.entity_id = pa.entity_id
        GROUP BY ad.actor
    ),
    fam_size AS (
        SELECT p.family_id,
               count(DISTINCT p.doc_id) AS docs_in_store,
               count(DISTINCT coalesce(p.app_number, p.doc_id)) AS apps_in_store,
               max(CASE WHEN p.office IS NOT NULL AND p.office <> 'CN' THEN 1 ELSE 0 END)
                   AS abroad,
               max(i.value) AS reported
        FROM patents p
        LEFT JOIN indicators i ON i.doc_id = p.doc_id AND i.name = 'family_size'
        WHERE p.family_id IS NOT NULL
        GROUP BY p.family_id
    ),
    unit_fam AS (
        SELECT ad.actor, ad.unit,
               max(CASE WHEN f.abroad = 1 OR (ad.office IS NOT NULL AND ad.office <> 'CN')
                        THEN 1 ELSE 0 END) AS abroad,
               max(CASE WHEN f.reported IS NOT NULL
                         AND greatest(f.docs_in_store, f.apps_in_store) >= f.reported
                        THEN 1 ELSE 0 END) AS complete
        FROM ad JOIN patents p ON p.doc_id = ad.doc_id
        LEFT JOIN fam_size f ON f.family_id = p.family_id
        GROUP BY ad.actor, ad.unit
    ),
    fam AS (
        SELECT actor, sum(abroad) AS abroad,
               sum(CASE WHEN abroad = 0 AND complete = 0 THEN 1 ELSE 0 END) AS unknown
        FROM unit_fam GROUP BY actor
    ),
    vals AS (
        SELECT a.actor, a.name, a.uscc, a.province, a.city, a.in_register,
               coalesce(a.industry_reg, 'IPC ' || s.s) AS industry_key,
               coalesce(a.industry_reg, s.s) AS industry,
               CASE WHEN a.industry_reg IS NOT NULL THEN 'industry_code'
                    WHEN s.s IS NOT NULL THEN 'ipc_section' END AS industry_basis,
               p.applications,
               CAST(p.applications AS DOUBLE) AS stock,
               {growth} AS growth,
               CAST(p.inventions AS DOUBLE) / p.applications AS invention_share,
               CASE WHEN p.decided > 0 THEN CAST(p.granted AS DOUBLE) / p.decided END
                   AS grant_rate,
               CASE WHEN hv.scored > 0 THEN CAST(hv.high AS DOUBLE) END AS high_value,
               CASE WHEN ipc.subclasses > 0 THEN CAST(ipc.subclasses AS DOUBLE) END
                   AS breadth,
               CASE WHEN t.team_size > 0 THEN CAST(t.team_size AS DOUBLE) END AS team_size,
               {stability} AS team_stability,
               p.cited_mean AS citations,
               CASE WHEN co.typed > 0 THEN CAST(co.coop_units AS DOUBLE) END
                   AS university_coop,
               CASE WHEN f.abroad > 0 OR f.unknown = 0 THEN CAST(f.abroad AS DOUBLE) END
                   AS overseas,
               a.rd_intensity, a.rd_staff_share,
               CASE WHEN p.previous > 0 THEN NULL ELSE 'no_previous' END AS growth_reason
        FROM actors a
        JOIN per p ON p.actor = a.actor
        LEFT JOIN section s ON s.actor = a.actor
        LEFT JOIN ipc ON ipc.actor = a.actor
        LEFT JOIN team t ON t.actor = a.actor
        LEFT JOIN hv ON hv.actor = a.actor
        LEFT JOIN coop co ON co.actor = a.actor
        LEFT JOIN fam f ON f.actor = a.actor
        WHERE p.applications >= {int(min_applications)}
    ),
    narrow AS (
        SELECT actor, name, uscc, province, city, industry, industry_key,
               industry_basis, applications, in_register, growth_reason,
               team_size AS team_size_raw,
               stock, growth, invention_share, grant_rate, high_value, breadth,
               team_size, team_stability, citations, university_coop, overseas,
               rd_intensity, rd_staff_share
        FROM vals
    ),
    long AS (
        SELECT * FROM narrow UNPIVOT INCLUDE NULLS (
            value FOR indicator IN (
                stock, growth, invention_share, grant_rate, high_value, breadth,
                team_size, team_stability, citations, university_coop, overseas,
                rd_intensity, rd_staff_share
            )
        )
    ),
    ranked AS (
        SELECT l.*, w.weight,
               count(l.value) OVER peers AS peers_known,
               CASE WHEN l.value IS NOT NULL THEN
                   100.0 * ((rank() OVER ordered) - 1
                            + 0.5 * count(*) OVER (PARTITION BY coalesce(l.province, '?'),
                                                   coalesce(l.industry_key, '?'),
                                                   l.indicator, l.value))
                   / count(l.value) OVER peers END AS pct
        FROM long l JOIN (VALUES {weight_rows}) w(indicator, weight)
          ON w.indicator = l.indicator
        WINDOW peers AS (PARTITION BY coalesce(l.province, '?'),
                                      coalesce(l.industry_key, '?'), l.indicator),
               ordered AS (PARTITION BY coalesce(l.province, '?'),
                                        coalesce(l.industry_key, '?'), l.indicator
                           ORDER BY l.value NULLS LAST)
    )
    SELECT *,
           CASE WHEN value IS NOT NULL THEN NULL
                WHEN indicator IN ('rd_intensity', 'rd_staff_share')
                    THEN CASE WHEN in_register THEN 'no_register_figure'
                              ELSE 'no_register' END
                WHEN indicator = 'growth' THEN {growth_reason}
                WHEN indicator = 'grant_rate' THEN 'no_decided'
                WHEN indicator = 'high_value' THEN 'no_scores'
                WHEN indicator = 'breadth' THEN 'no_ipc'
                WHEN indicator = 'team_size' THEN 'no_inventors'
                WHEN indicator = 'team_stability'
                    THEN CASE WHEN team_size_raw IS NULL THEN 'no_inventors'
                              ELSE {stability_reason} END
                WHEN indicator = 'citations' THEN 'no_citations'
                WHEN indicator = 'university_coop' THEN 'no_party_types'
                WHEN indicator = 'overseas' THEN 'no_families'
           END AS reason
    FROM ranked
    """
    actors_sql = f"""
    WITH idx AS (
        SELECT actor, any_value(name) AS name, any_value(uscc) AS uscc,
               any_value(province) AS province, any_value(city) AS city,
               any_value(industry) AS industry, any_value(industry_key) AS industry_key,
               any_value(industry_basis) AS industry_basis,
               any_value(applications) AS applications,
               -- rounded: a parallel sum's last bits differ from run to run
               round(sum(weight * pct)
                     / nullif(sum(CASE WHEN pct IS NOT NULL THEN weight END), 0), 6)
                   AS "index",
               round(coalesce(sum(CASE WHEN pct IS NOT NULL THEN weight END), 0)
                     / {total_weight!r}, 6) AS coverage
        FROM {table} GROUP BY actor
    )
    SELECT *,
           count(*) OVER (PARTITION BY coalesce(province, '?'), coalesce(industry_key, '?'))
               AS peers,
           -- a rank only among real peers: the catch-all group of enterprises whose
           -- industry is unknown (no IPC, no register code) is no peer group (a foreign
           -- applicant with two patents ranked first among 554 strangers); an unknown
           -- province leaves the industry's peers whose province is unknown too
           CASE WHEN "index" IS NOT NULL AND industry_key IS NOT NULL THEN
               rank() OVER (PARTITION BY coalesce(province, '?'),
                                         coalesce(industry_key, '?')
                            ORDER BY "index" DESC) END AS peer_rank
    FROM idx
    """
    store.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS {sql}")
    try:
        actors_frame = store.query(actors_sql).to_pandas()
        indicators_frame = store.query(
            "SELECT actor, indicator, value, pct, weight, peers_known, reason "
            f"FROM {table}"
        ).to_pandas()
    finally:
        store.execute(f"DROP TABLE IF EXISTS {table}")
    return actors_frame, indicators_frame
