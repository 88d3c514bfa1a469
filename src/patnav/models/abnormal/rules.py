"""The abnormal-filing rules (非正常专利申请): one function per flag, each returning flags
with their evidence and the rule and threshold behind them.

The unit is the application (申请): the documents of one application number (its A and B
publications) count once, compared through its longest text. The flags:

1. :func:`batch_flags` — 批量雷同申请: a group of ≥ ``batch_min_applications``
   applications whose content is identical or near-identical (Jaccard ≥ ``similarity``).
2. :func:`split_flags` — 拆分申请: near-duplicates filed by different applicants who share
   an inventor, an address or an agency, or by the same applicant as separate
   applications.
3. :func:`volume_flags` — 超出合理能力的申请量: an inventor, a natural-person applicant or an
   organisation (applications per distinct inventor) above its yearly threshold.
4. :func:`agency_flags` — 代理机构集中: agencies with at least ``agency_min_applications``
   applications of which a share ≥ ``agency_share`` is under flags 1–3 or 5.
5. :func:`~patnav.models.abnormal.recombined.recombined_flags` — 拼凑他人技术方案: an
   application whose claims (else abstract) are largely assembled from passages of two
   or more earlier documents of other, unrelated applicants (containment of shingles).

Legitimate practice is not flagged: two near-identical applications of the same
applicants, one an invention and one a utility model, filed the same day (一案双申), are
not linked (a group holding such a pair through a third application counts it once);
nor are a divisional application and its parent (``parent_app_number``, or inferred: the
same applicants and filing day, one numbered in a later year than its filing day); nor
an invention and a utility model of the same applicants filed within 12 months of each
other when the later claims the earlier's domestic priority (本国优先权) or its priority
claims are unknown. When the filing day of such
a pair is unknown it is not linked either (there is no evidence it is not 一案双申) and
the pair is counted as such. A document without enough text (a title alone) is not
compared and is counted; a year that is not known is not counted in volumes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from patnav.errors import InvalidParameterError
from patnav.models.abnormal.near_duplicates import near_duplicates
from patnav.models.abnormal.recombined import Recombination, recombined_flags
from patnav.storage.store import PatentStore
from patnav.yamlsafe import shipped_with_overrides

__all__ = [
    "AbnormalResult",
    "Application",
    "Flag",
    "Thresholds",
    "agency_flags",
    "applicant_documents",
    "batch_flags",
    "detect",
    "load_applications",
    "split_flags",
    "volume_flags",
]

KINDS = {
    "batch": "批量雷同申请",
    "split": "拆分申请",
    "volume": "超出合理能力的申请量",
    "agency": "代理机构集中",
    "recombined": "拼凑他人技术方案",
}
"""The flags' kinds and their Chinese names."""


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The detector's thresholds (``thresholds.yaml`` documents each)."""

    cjk_ngram: int = 4
    word_ngram: int = 3
    min_shingles: int = 30
    similarity: float = 0.8
    permutations: int = 64
    bands: int = 16
    batch_min_applications: int = 3
    split_min_applications: int = 2
    inventor_per_year: int = 50
    person_applicant_per_year: int = 50
    per_inventor_min_volume: int = 100
    per_inventor_per_year: float = 15
    agency_min_applications: int = 20
    agency_share: float = 0.2
    titles_alone: int = 0
    recombined_cjk_ngram: int = 4
    recombined_min_shingles: int = 40
    recombined_common_documents: int = 30
    recombined_source_share: float = 0.15
    recombined_coverage: float = 0.6

    @classmethod
    def load(cls, path: Path | None = None) -> Thresholds:
        """The shipped ``thresholds.yaml``, or ``path`` over its defaults."""
        known = {f.name: f for f in fields(cls)}
        data = shipped_with_overrides(
            "patnav.models.abnormal", "thresholds.yaml", path, list(known)
        )
        values: dict[str, Any] = {}
        for name, value in data.items():
            kind = int if known[name].type in ("int", int) else float
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InvalidParameterError(
                    f"The threshold {name} must be a number. Got {value!r} instead."
                )
            values[name] = kind(value)
        made = cls(**values)
        if made.permutations % made.bands:
            raise InvalidParameterError(
                f"permutations ({made.permutations}) must be a multiple of bands "
                f"({made.bands})."
            )
        return made

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Application:
    """One application as the rules see it."""

    app_id: str
    doc_ids: tuple[str, ...]
    patent_type: str | None
    app_date: date | None
    parent_app_number: str | None
    applicants: tuple[str, ...]
    person_applicants: tuple[str, ...]
    inventors: tuple[str, ...]
    agencies: tuple[str, ...]
    addresses: tuple[str, ...]
    places: tuple[str, ...]
    title: str | None
    text: str | None
    priorities: tuple[str, ...] | None = None
    """Application numbers of its priority claims; None: the source gives none (unknown)."""
    office: str | None = None
    family_id: str | None = None


@dataclass(frozen=True, slots=True)
class Flag:
    """One flag: its kind, the rule and threshold behind it, what it concerns and the
    evidence, with a Chinese message."""

    kind: str
    rule: str
    threshold: str
    subject: str
    message: str
    applications: tuple[str, ...]
    documents: tuple[str, ...]
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "kind_label": KINDS[self.kind],
            "rule": self.rule,
            "threshold": self.threshold,
            "subject": self.subject,
            "message": self.message,
            "applications": list(self.applications),
            "documents": list(self.documents),
            "evidence": self.evidence,
        }


@dataclass(frozen=True, slots=True)
class AbnormalResult:
    """The flags of a set of documents and what could not be judged."""

    flags: tuple[Flag, ...]
    documents: int
    applications: int
    compared: int
    too_short: int
    """Applications not compared: no abstract or claims (a title alone is too short)."""
    near_duplicate_pairs: int
    exempt_dual: int
    """Near-duplicate pairs not linked as 一案双申 (same applicants, invention and utility
    model, the same filing day)."""
    exempt_dual_unknown_day: int
    """Of those, pairs whose filing day is unknown (not linked: no evidence either way)."""
    exempt_divisional: int
    """Pairs not linked as a divisional and its parent (from parent_app_number, or
    inferred: same applicants and filing day, one numbered in a later year)."""
    exempt_priority: int
    """Pairs not linked because the later may claim the earlier's domestic priority (本国
    优先权): same applicants, invention and utility model, filed within 12 months, the
    later claiming it or its priority claims unknown."""
    year_unknown: int
    """Applications without a filing date: not in the yearly volumes."""
    thresholds: Thresholds
    exempt_family: int = 0
    """Pairs not linked as one invention filed on purpose more than once: at two
    offices, in one patent family, or claiming the same priority."""
    groups: tuple[tuple[str, ...], ...] = ()
    """Every near-duplicate group (applications linked after the exemptions), flagged
    or not: a pair of unrelated applicants is a group but no flag."""
    not_compared: frozenset[str] = frozenset()
    """The documents of the applications not compared (no abstract or claims, or too
    short): no near-duplicate flag can be said of them either way."""
    not_compared_applications: frozenset[str] = frozenset()
    """Those applications (their ids: the application number, else the doc_id)."""
    recombined: Recombination | None = None
    """What the recombination rule judged and could not judge (None: not run)."""
    not_judged_recombined: frozenset[str] = frozenset()
    """The documents of the applications (designs aside) the recombination rule could not
    judge (no claims or abstract, too little uncommon text, no filing date): whether they
    are recombined is unknown."""
    not_judged_recombined_applications: frozenset[str] = frozenset()
    """Those applications (their ids)."""

    def counts(self) -> dict[str, int]:
        c = Counter(f.kind for f in self.flags)
        return {k: c.get(k, 0) for k in KINDS}

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "applications": self.applications,
            "compared": self.compared,
            "not_compared_too_short": self.too_short,
            "near_duplicate_pairs": self.near_duplicate_pairs,
            "near_duplicate_groups": len(self.groups),
            "exempt_dual_filing": self.exempt_dual,
            "exempt_dual_filing_day_unknown": self.exempt_dual_unknown_day,
            "exempt_divisional": self.exempt_divisional,
            "exempt_domestic_priority": self.exempt_priority,
            "exempt_same_invention": self.exempt_family,
            "year_unknown": self.year_unknown,
            "recombined_check": None
            if self.recombined is None
            else {
                "judged": self.recombined.judged,
                "judged_on_claims": self.recombined.by_text["claims"],
                "judged_on_abstract": self.recombined.by_text["abstract"],
                "not_judged_too_short": self.recombined.too_short,
                "not_judged_no_text": self.recombined.no_text,
                "not_judged_date_unknown": self.recombined.date_unknown,
                "not_judged_design": self.recombined.designs,
                "candidate_pairs": self.recombined.candidate_pairs,
            },
            "counts": self.counts(),
            "thresholds": self.thresholds.to_dict(),
            "flags": [f.to_dict() for f in self.flags],
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per flag (Chinese column names)."""
        rows = [
            {
                "类型": KINDS[f.kind],
                "对象": f.subject,
                "说明": f.message,
                "规则": f.rule,
                "阈值": f.threshold,
                "申请": "；".join(f.applications),
                "文献": "；".join(f.documents),
                "相似度": f.evidence.get("similarity_min"),
            }
            for f in self.flags
        ]
        return pd.DataFrame(
            rows,
            columns=["类型", "对象", "说明", "规则", "阈值", "申请", "文献", "相似度"],
        )


# -- loading ------------------------------------------------------------------------------


def _ids_clause(doc_ids: Sequence[str] | None) -> tuple[str, list[Any]]:
    if doc_ids is None:
        return "", []
    return " WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))", [list(doc_ids)]


def load_applications(
    store: PatentStore,
    doc_ids: Sequence[str] | None = None,
    *,
    titles_alone: bool = False,
) -> tuple[list[Application], int]:
    """The applications of ``doc_ids`` (default: every document) and the number of
    documents they hold. An application's text is its title, abstract and claims; one
    with neither abstract nor claims has no text (not compared) unless
    ``titles_alone``."""
    where, params = _ids_clause(doc_ids)
    docs = store.query(
        "SELECT doc_id, app_number, app_date, patent_type, parent_app_number, title, "
        "office, family_id, "
        "CASE WHEN coalesce(abstract, '') <> '' OR coalesce(claims, '') <> '' "
        "THEN concat_ws('\n', title, abstract, claims) END AS text, "
        "title AS title_text FROM patents" + where,
        params,
    ).to_pylist()
    priority_rows = store.rows(
        "SELECT doc_id, number FROM priorities"
        + (where + " AND " if where else " WHERE ")
        + "number IS NOT NULL",
        params,
    )
    claimed: dict[str, set[str]] = defaultdict(set)
    for doc_id, number in priority_rows:
        claimed[doc_id].add(number)
    parties = store.query(
        "SELECT doc_id, role, name, party_type, address, province, city FROM parties"
        + (where + " AND " if where else " WHERE ")
        + "role IN ('applicant', 'current_owner', 'assignee', 'inventor', 'agency') "
        "AND name IS NOT NULL AND name <> '' ORDER BY doc_id, role, seq",
        params,
    ).to_pylist()
    by_doc: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for p in parties:
        by_doc[p["doc_id"]][p["role"]].append(p)
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for d in docs:
        groups[d["app_number"] or d["doc_id"]].append(d)
    apps = []
    for app_id, members in groups.items():
        roles: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for m in members:
            for role, rows in by_doc.get(m["doc_id"], {}).items():
                roles[role].extend(rows)
        owners = (
            roles.get("applicant") or roles.get("current_owner") or roles["assignee"]
        )
        best = max(members, key=lambda m: len(m["text"] or ""))
        text = best["text"] or (best["title_text"] if titles_alone else None)
        dates = [m["app_date"] for m in members if m["app_date"] is not None]
        types = [m["patent_type"] for m in members if m["patent_type"]]
        parents = [m["parent_app_number"] for m in members if m["parent_app_number"]]
        apps.append(
            Application(
                app_id=app_id,
                doc_ids=tuple(sorted(m["doc_id"] for m in members)),
                patent_type=types[0] if types else None,
                app_date=min(dates) if dates else None,
                parent_app_number=parents[0] if parents else None,
                applicants=_names(owners),
                person_applicants=_names(
                    [o for o in owners if o["party_type"] == "individual"]
                ),
                inventors=_names(roles.get("inventor", [])),
                agencies=_names(roles.get("agency", [])),
                addresses=tuple(
                    sorted({o["address"].strip() for o in owners if o["address"]})
                ),
                places=tuple(
                    sorted(
                        {
                            "".join(x for x in (o["province"], o["city"]) if x)
                            for o in owners
                            if o["province"] or o["city"]
                        }
                    )
                ),
                title=best["title"],
                text=text or None,
                priorities=(
                    tuple(sorted({n for m in members for n in claimed[m["doc_id"]]}))
                    if any(m["doc_id"] in claimed for m in members)
                    else None
                ),
                office=best["office"],
                family_id=next(
                    (m["family_id"] for m in members if m["family_id"]), None
                ),
            )
        )
    apps.sort(key=lambda a: a.app_id)
    return apps, len(docs)


def _names(rows: Iterable[dict[str, Any]]) -> tuple[str, ...]:
    return tuple(sorted({str(r["name"]).strip() for r in rows if r["name"]}))


# -- near-duplicate links -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Links:
    groups: list[list[int]]
    group_pairs: list[list[tuple[int, int, float]]]
    """Each group's linked pairs with their similarity."""
    unit: dict[int, int]
    """Each application's filing unit: a 一案双申 pair is one unit."""
    dual_pairs: list[tuple[int, int]]
    sims: dict[tuple[int, int], float]
    compared: int
    too_short: int
    not_compared: tuple[int, ...]
    """The applications not compared (no text, or too short to compare)."""
    pairs: int
    dual: int
    dual_unknown: int
    divisional: int
    priority: int
    family: int


def _same_invention(a: Application, b: Application) -> bool:
    """One invention filed more than once on purpose, which is lawful: filings at two
    offices (a foreign filing of a Chinese invention, or a Chinese filing of a foreign
    one), members of one patent family, or applications claiming the same priority
    (continuations, divisionals abroad)."""
    if a.office and b.office and a.office != b.office:
        return True
    if a.family_id and a.family_id == b.family_id:
        return True
    return bool(a.priorities and b.priorities and set(a.priorities) & set(b.priorities))


def _is_dual(a: Application, b: Application) -> bool:
    return (
        bool(a.applicants)
        and a.applicants == b.applicants
        and {a.patent_type, b.patent_type} == {"invention", "utility_model"}
    )


def _number_year(app_id: str) -> int | None:
    """The year in a CN application number: CN2012… (since 2003), CN85… / CN02… (before)."""
    digits = app_id[2:] if app_id.startswith("CN") else ""
    if len(digits) >= 12 and digits[:4].isdigit():
        return int(digits[:4])
    if 8 <= len(digits) <= 9 and digits[:2].isdigit():
        yy = int(digits[:2])
        return 1900 + yy if yy >= 85 else 2000 + yy
    return None


def _is_divisional(a: Application, b: Application) -> bool:
    if a.parent_app_number == b.app_id or b.parent_app_number == a.app_id:
        return True
    if not a.applicants or a.applicants != b.applicants or a.app_date is None:
        return False
    if a.app_date != b.app_date:
        return False
    # a divisional keeps its parent's filing day but is numbered when it is filed
    return any(
        (year := _number_year(x.app_id)) is not None
        and x.app_date is not None
        and year > x.app_date.year
        for x in (a, b)
    )


def _may_claim_priority(a: Application, b: Application) -> bool:
    if not _is_dual(a, b) or a.app_date is None or b.app_date is None:
        return False
    early, late = sorted((a, b), key=lambda x: x.app_date or date.min)
    assert early.app_date is not None and late.app_date is not None
    if not 0 < (late.app_date - early.app_date).days <= 366:
        return False
    return late.priorities is None or early.app_id in late.priorities


def _link(apps: Sequence[Application], t: Thresholds) -> _Links:
    found = near_duplicates(
        [a.text for a in apps],
        cjk_ngram=t.cjk_ngram,
        word_ngram=t.word_ngram,
        min_shingles=t.min_shingles,
        similarity=t.similarity,
        permutations=t.permutations,
        bands=t.bands,
    )
    parent = list(range(len(apps)))
    unit = list(range(len(apps)))

    def find(tree: list[int], i: int) -> int:
        while tree[i] != i:
            tree[i] = tree[tree[i]]
            i = tree[i]
        return i

    def root(i: int) -> int:
        return find(parent, i)

    sims: dict[tuple[int, int], float] = {}
    dual_pairs: list[tuple[int, int]] = []
    dual = dual_unknown = divisional = priority = family = 0
    for p in found.pairs:
        a, b = apps[p.left], apps[p.right]
        if _same_invention(a, b):
            family += 1
            continue
        if _is_dual(a, b) and a.app_date == b.app_date:
            dual += 1
            dual_unknown += a.app_date is None
            dual_pairs.append((p.left, p.right))
            unit[find(unit, p.left)] = find(unit, p.right)
            continue
        if _is_divisional(a, b):
            divisional += 1
            continue
        if _may_claim_priority(a, b):
            priority += 1
            continue
        sims[(p.left, p.right)] = p.similarity
        parent[root(p.left)] = root(p.right)
    members: dict[int, list[int]] = defaultdict(list)
    for i, j in sims:
        for k in (i, j):
            members[root(k)].append(k)
    groups = sorted(
        (sorted(set(m)) for m in members.values()), key=lambda g: (-len(g), g[0])
    )
    where = {k: n for n, g in enumerate(groups) for k in g}
    group_pairs: list[list[tuple[int, int, float]]] = [[] for _ in groups]
    for (i, j), sim in sorted(sims.items()):
        group_pairs[where[i]].append((i, j, sim))
    return _Links(
        groups,
        group_pairs,
        {k: find(unit, k) for g in groups for k in g},
        dual_pairs,
        sims,
        found.compared,
        len(found.too_short),
        tuple(found.too_short),
        len(found.pairs),
        dual,
        dual_unknown,
        divisional,
        priority,
        family,
    )


def _filings(group: Sequence[int], links: _Links) -> int:
    """The filings of a group: a 一案双申 pair in it counts once."""
    return len({links.unit[k] for k in group})


def _group_evidence(
    n: int, apps: Sequence[Application], links: _Links
) -> dict[str, Any]:
    group = links.groups[n]
    inside = set(group)
    pairs = links.group_pairs[n]
    values = [s for _, _, s in pairs]
    return {
        "filings": _filings(group, links),
        "dual_filing_pairs": [
            [apps[i].app_id, apps[j].app_id]
            for i, j in links.dual_pairs
            if i in inside and j in inside
        ],
        "similarity_min": round(min(values), 3),
        "similarity_max": round(max(values), 3),
        "pairs": [
            {
                "left": apps[i].app_id,
                "right": apps[j].app_id,
                "similarity": round(s, 3),
            }
            for i, j, s in pairs
        ],
        "members": [
            {
                "application": apps[k].app_id,
                "documents": list(apps[k].doc_ids),
                "title": apps[k].title,
                "type": apps[k].patent_type,
                "app_date": None if apps[k].app_date is None else str(apps[k].app_date),
                "applicants": list(apps[k].applicants),
                "inventors": list(apps[k].inventors),
                "agencies": list(apps[k].agencies),
                "places": list(apps[k].places),
            }
            for k in group
        ],
    }


def _docs(group: Sequence[int], apps: Sequence[Application]) -> tuple[str, ...]:
    return tuple(d for k in group for d in apps[k].doc_ids)


# -- the rules ----------------------------------------------------------------------------


def batch_flags(
    apps: Sequence[Application], links: _Links, t: Thresholds
) -> list[Flag]:
    """Rule 1: groups of ≥ ``batch_min_applications`` near-identical applications."""
    out = []
    for n, group in enumerate(links.groups):
        filings = _filings(group, links)
        if filings < t.batch_min_applications:
            continue
        ev = _group_evidence(n, apps, links)
        dual = len(ev["dual_filing_pairs"])
        owners = sorted({n for k in group for n in apps[k].applicants})
        out.append(
            Flag(
                kind="batch",
                rule="内容相同或高度近似的申请成批出现",
                threshold=f"申请数 ≥ {t.batch_min_applications}，"
                f"相似度（Jaccard）≥ {t.similarity:g}",
                subject="、".join(owners) or "申请人未知",
                message=f"{filings} 件申请内容相同或高度近似（相似度 "
                f"{ev['similarity_min']:.2f}–{ev['similarity_max']:.2f}），"
                f"涉及申请人 {len(owners)} 个"
                + (f"（其中一案双申 {dual} 对按一件计）" if dual else ""),
                applications=tuple(apps[k].app_id for k in group),
                documents=_docs(group, apps),
                evidence=ev,
            )
        )
    return out


def split_flags(
    apps: Sequence[Application], links: _Links, t: Thresholds
) -> list[Flag]:
    """Rule 2: near-duplicates across related applicants (a shared inventor, address or
    agency) or filed separately by the same applicants."""
    out = []
    for n, group in enumerate(links.groups):
        filings = _filings(group, links)
        if filings < t.split_min_applications:
            continue
        owner_sets = {apps[k].applicants for k in group if apps[k].applicants}
        shared: dict[str, list[str]] = {}
        if len(owner_sets) >= 2:
            for key, label in (
                ("inventors", "共同发明人"),
                ("addresses", "相同地址"),
                ("agencies", "相同代理机构"),
            ):
                seen: dict[str, set[tuple[str, ...]]] = defaultdict(set)
                for k in group:
                    for v in getattr(apps[k], key):
                        seen[v].add(apps[k].applicants)
                hits = sorted(v for v, owners in seen.items() if len(owners) >= 2)
                if hits:
                    shared[label] = hits
            if not shared:
                continue
            basis = "related"
            message = (
                f"{filings} 件近似申请分属 {len(owner_sets)} 组申请人，其间有"
                + "、".join(f"{k}（{'、'.join(v[:3])}）" for k, v in shared.items())
            )
        elif len(owner_sets) == 1 and filings < t.batch_min_applications:
            # a larger group of one applicant is rule 1's batch already
            basis = "same_applicant"
            days = sorted({str(apps[k].app_date) for k in group if apps[k].app_date})
            message = f"同一申请人将 {filings} 件近似内容分别申请" + (
                f"（申请日 {'、'.join(days[:5])}）" if days else "（申请日未知）"
            )
        else:
            continue
        ev = _group_evidence(n, apps, links)
        ev["shared"] = shared
        ev["basis"] = basis
        out.append(
            Flag(
                kind="split",
                rule="近似内容分散在关联申请人之间（共同发明人、相同地址或代理机构）"
                "或由同一申请人分别申请",
                threshold=f"申请数 ≥ {t.split_min_applications}，"
                f"相似度（Jaccard）≥ {t.similarity:g}",
                subject="、".join(sorted({n for s in owner_sets for n in s})),
                message=message,
                applications=tuple(apps[k].app_id for k in group),
                documents=_docs(group, apps),
                evidence=ev,
            )
        )
    return out


def _yearly(
    apps: Sequence[Application], key: str
) -> dict[tuple[str, int], list[Application]]:
    out: dict[tuple[str, int], list[Application]] = defaultdict(list)
    for a in apps:
        if a.app_date is None:
            continue
        for name in getattr(a, key):
            out[(name, a.app_date.year)].append(a)
    return out


def volume_flags(apps: Sequence[Application], t: Thresholds) -> list[Flag]:
    """Rule 3: inventors and natural-person applicants above their yearly threshold, and
    organisations with more applications per distinct inventor than plausible."""
    out = []
    for key, label, limit in (
        ("inventors", "发明人", t.inventor_per_year),
        ("person_applicants", "自然人申请人", t.person_applicant_per_year),
    ):
        for (name, year), rows in sorted(_yearly(apps, key).items()):
            if len(rows) <= limit:
                continue
            out.append(
                Flag(
                    kind="volume",
                    rule=f"单个{label}一年内的申请量超出合理能力",
                    threshold=f"{label}年申请量 > {limit}",
                    subject=name,
                    message=f"{label}{name}在 {year} 年作为{label}的申请 {len(rows)} 件，"
                    f"超过 {limit} 件",
                    applications=tuple(a.app_id for a in rows),
                    documents=tuple(d for a in rows for d in a.doc_ids),
                    evidence={"role": key, "year": year, "count": len(rows)},
                )
            )
    organisations: dict[tuple[str, int], list[Application]] = defaultdict(list)
    for (name, year), rows in _yearly(apps, "applicants").items():
        if any(name in a.person_applicants for a in rows):
            continue
        organisations[(name, year)] = rows
    for (name, year), rows in sorted(organisations.items()):
        if len(rows) < t.per_inventor_min_volume:
            continue
        known = [a for a in rows if a.inventors]
        inventors = {i for a in known for i in a.inventors}
        if not known or not inventors:
            continue  # inventors unknown: the ratio is unknown, not flagged
        ratio = len(known) / len(inventors)
        if ratio <= t.per_inventor_per_year:
            continue
        out.append(
            Flag(
                kind="volume",
                rule="单位一年内人均发明人的申请量超出合理能力",
                threshold=f"年申请量 ≥ {t.per_inventor_min_volume} 且人均 > "
                f"{t.per_inventor_per_year:g} 件",
                subject=name,
                message=f"{name}在 {year} 年申请 {len(rows)} 件，"
                f"其中有发明人信息的 {len(known)} 件仅涉及 {len(inventors)} 名发明人，"
                f"人均 {ratio:.1f} 件",
                applications=tuple(a.app_id for a in rows),
                documents=tuple(d for a in rows for d in a.doc_ids),
                evidence={
                    "role": "applicants",
                    "year": year,
                    "count": len(rows),
                    "with_inventors": len(known),
                    "inventors": len(inventors),
                    "per_inventor": round(ratio, 2),
                },
            )
        )
    return out


def agency_flags(
    apps: Sequence[Application], flags: Sequence[Flag], t: Thresholds
) -> list[Flag]:
    """Rule 4: agencies with a high share of applications under the other flags
    (batch, split, volume, recombined: an agency drafts the text, so a recombination
    counts against it like a batch)."""
    flagged = {a for f in flags for a in f.applications}
    total: Counter[str] = Counter()
    hit: Counter[str] = Counter()
    hits: dict[str, list[str]] = defaultdict(list)
    for a in apps:
        for agency in a.agencies:
            total[agency] += 1
            if a.app_id in flagged:
                hit[agency] += 1
                hits[agency].append(a.app_id)
    out = []
    for agency, n in sorted(total.items()):
        share = hit[agency] / n
        if n < t.agency_min_applications or share < t.agency_share or not hit[agency]:
            continue
        out.append(
            Flag(
                kind="agency",
                rule="代理机构代理的申请中被标记的比例过高",
                threshold=f"代理申请 ≥ {t.agency_min_applications} 件且被标记比例 ≥ "
                f"{t.agency_share:.0%}",
                subject=agency,
                message=f"{agency}代理的 {n} 件申请中 {hit[agency]} 件被标记"
                f"（{share:.1%}）",
                applications=tuple(hits[agency]),
                documents=(),
                evidence={
                    "applications": n,
                    "flagged": hit[agency],
                    "share": round(share, 4),
                },
            )
        )
    return out


def applicant_documents(store: PatentStore, name: str) -> list[str]:
    """The documents whose applicant (else current owner or assignee) name contains
    ``name``."""
    rows = store.rows(
        "SELECT DISTINCT doc_id FROM parties WHERE role IN ('applicant', "
        "'current_owner', 'assignee') AND contains(name, ?) ORDER BY doc_id",
        [name.strip()],
    )
    return [r[0] for r in rows]


def detect(
    store: PatentStore,
    doc_ids: Sequence[str] | None = None,
    thresholds: Thresholds | None = None,
) -> AbnormalResult:
    """Every flag over ``doc_ids`` (default: the whole store)."""
    t = thresholds or Thresholds.load()
    apps, documents = load_applications(
        store, doc_ids, titles_alone=bool(t.titles_alone)
    )
    links = _link(apps, t)
    flags = batch_flags(apps, links, t) + split_flags(apps, links, t)
    flags += volume_flags(apps, t)
    # the sources of a recombination are anyone's earlier documents: the whole store,
    # not only the selection
    pool = apps if doc_ids is None else load_applications(store)[0]
    judged = None if doc_ids is None else {a.app_id for a in apps}
    recombination = recombined_flags(store, pool, judged, t)
    flags += recombination.flags
    flags += agency_flags(apps, flags, t)
    unjudged = [
        a
        for a in apps
        if a.app_id in recombination.not_judged and a.patent_type != "design"
    ]
    return AbnormalResult(
        flags=tuple(flags),
        documents=documents,
        applications=len(apps),
        compared=links.compared,
        too_short=links.too_short,
        near_duplicate_pairs=links.pairs,
        exempt_dual=links.dual,
        exempt_dual_unknown_day=links.dual_unknown,
        exempt_divisional=links.divisional,
        exempt_priority=links.priority,
        exempt_family=links.family,
        year_unknown=sum(a.app_date is None for a in apps),
        thresholds=t,
        groups=tuple(tuple(apps[k].app_id for k in g) for g in links.groups),
        not_compared=frozenset(d for k in links.not_compared for d in apps[k].doc_ids),
        not_compared_applications=frozenset(apps[k].app_id for k in links.not_compared),
        recombined=recombination,
        not_judged_recombined=frozenset(d for a in unjudged for d in a.doc_ids),
        not_judged_recombined_applications=frozenset(a.app_id for a in unjudged),
    )


AGENCY_KINDS: tuple[str, ...] = ("batch", "split", "recombined")
"""The flags an agency's applications are counted by (``patnav agencies``, the agency
dashboard): the patterns the drafting of a text shows — batches of near-identical
content, splits, content recombined from others' documents."""


def agency_flagged(
    store: PatentStore, doc_ids: Sequence[str] | None
) -> tuple[set[str], frozenset[str]]:
    """The applications among ``doc_ids`` (None: the whole store) the detector flags with
    one of :data:`AGENCY_KINDS`, and those without such a flag it could not compare for
    near-duplicates or judge for recombination (whether they are abnormal is unknown)."""
    found = detect(store, doc_ids)
    marked = {a for f in found.flags if f.kind in AGENCY_KINDS for a in f.applications}
    unknown = found.not_compared_applications | found.not_judged_recombined_applications
    return marked, unknown - marked
