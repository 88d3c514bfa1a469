"""每万人口高价值发明专利拥有量 (high-value invention patents per 10,000 people) per region.

CNIPA counts as high-value the domestic invention patents in force that meet any of:

1. ``sei``       — in a strategic emerging industry (战略性新兴产业; classification scheme
   ``sei`` of the store, from the industries enrichment step);
2. ``overseas``  — a granted member of the same family at an office outside CN (在海外有同族
   专利权);
3. ``maintained`` — maintained more than 10 years (维持年限超过 10 年): the maintenance
   state's ``years_maintained`` above 10, else filed more than 10 years before the day the
   right is shown in force (its status date, else the maintenance evidence date);
4. ``pledge``    — pledge financing of at least 10 million CNY (质押融资额度达到 1000 万元以上):
   the store's pledge events give no amounts, so only from a user list of patent numbers;
5. ``award``     — a national science and technology award or a China Patent Award (获得国家
   科学技术奖或中国专利奖): from a user list of patent numbers.

A criterion the data cannot answer is *not evaluable* (不可评估), reported per criterion
with its reason — never counted as "not met". The union counts the patents meeting any
evaluable criterion, so with criteria missing it is a lower bound, and the result says so.

Counting unit: the application (``coalesce(app_number, doc_id)``) of a CN invention
patent whose status is in force (``legal_status = 'active'`` on any of its documents).
Domestic: the patentee's province is a province of the mainland (Hong Kong, Macao and
Taiwan are not 国内 in CNIPA's statistics); the patentee is the first current owner where
the data give owners, else the first applicant. Region: that party's province or city.

The ratio needs a population table (CSV ``region,population``, population in 万人): without
it, only counts are given, and the result says the ratio needs it.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from patnav.analyses.base import GRANT_KINDS
from patnav.errors import InputError, InvalidParameterError
from patnav.schema.numbers import normalize_app_number, normalize_pub_number
from patnav.storage.store import PatentStore

Level = Literal["province", "city"]

CRITERIA: tuple[str, ...] = ("sei", "overseas", "maintained", "pledge", "award")
CRITERION_LABELS: dict[str, str] = {
    "sei": "战略性新兴产业",
    "overseas": "有海外同族授权",
    "maintained": "维持年限超过10年",
    "pledge": "质押融资1000万元以上",
    "award": "获国家科学技术奖或中国专利奖",
}
NOT_DOMESTIC = ("香港", "澳门", "台湾")
UNKNOWN_REGION = "地区未知"
MAX_LIST_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Criterion:
    """One criterion over the whole count: evaluable or not (with why), and how many of
    the domestic in-force inventions meet it."""

    key: str
    label: str
    evaluable: bool
    met: int | None
    unknown: int
    reason: str | None
    basis: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "evaluable": self.evaluable,
            "status": "可评估" if self.evaluable else "不可评估",
            "met": self.met,
            "unknown": self.unknown,
            "reason": self.reason,
            "basis": self.basis,
        }


@dataclass(frozen=True, slots=True)
class RegionCount:
    """One region: domestic invention patents in force, those meeting each evaluable
    criterion and any of them, and per 10,000 people when the population is known."""

    region: str
    province: str | None
    in_force: int
    met: Mapping[str, int | None]
    high_value: int
    population_wan: float | None
    per_10k: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "province": self.province,
            "in_force": self.in_force,
            "criteria": dict(self.met),
            "high_value": self.high_value,
            "population_wan": self.population_wan,
            "per_10k": self.per_10k,
        }


@dataclass(frozen=True, slots=True)
class HighValueIndicator:
    """每万人口高价值发明专利拥有量 per region, with every criterion's evaluability."""

    level: Level
    criteria: tuple[Criterion, ...]
    regions: tuple[RegionCount, ...]
    in_force: int
    high_value: int
    has_population: bool
    excluded: Mapping[str, int]
    notes: tuple[str, ...] = field(default=())

    @property
    def not_evaluable(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.criteria if not c.evaluable)

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "in_force": self.in_force,
            "high_value": self.high_value,
            "is_lower_bound": bool(self.not_evaluable),
            "has_population": self.has_population,
            "criteria": [c.to_dict() for c in self.criteria],
            "not_evaluable": list(self.not_evaluable),
            "excluded": dict(self.excluded),
            "notes": list(self.notes),
            "regions": [r.to_dict() for r in self.regions],
        }

    def to_frame(self) -> pd.DataFrame:
        records = []
        for r in self.regions:
            rec: dict[str, Any] = {
                "region": r.region,
                "in_force": r.in_force,
                **{f"met_{k}": v for k, v in r.met.items()},
                "high_value": r.high_value,
                "population_wan": r.population_wan,
                "per_10k": r.per_10k,
            }
            records.append(rec)
        return pd.DataFrame.from_records(records)


# -- user files ---------------------------------------------------------------------------


def _read_text(path: Path, what: str) -> str:
    try:
        if path.stat().st_size > MAX_LIST_BYTES:
            raise InputError(
                f"{path}: the {what} is larger than {MAX_LIST_BYTES // 1024 // 1024} MiB."
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"Cannot read the {what} {path}: {exc.strerror}.") from exc
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{path}: the {what} is neither UTF-8 nor GB18030 text.")


def read_population(path: Path | str) -> dict[str, float]:
    """A population table: CSV with the columns ``region`` (or 地区) and ``population``
    (or 人口), population in 万人 (10,000 persons).

    Raises:
        InputError: the file is missing, has no such columns, or a population that is not
            a positive number (with its line).
    """
    p = Path(path)
    text = _read_text(p, "population table")
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip() for f in reader.fieldnames or []]
    region_col = next((f for f in fields if f in ("region", "地区")), None)
    pop_col = next(
        (f for f in fields if f in ("population", "人口", "人口（万人）")), None
    )
    if region_col is None or pop_col is None:
        raise InputError(
            f"{p}: expected the columns region,population (population in 万人). "
            f"Got {', '.join(fields) or 'no header'}."
        )
    out: dict[str, float] = {}
    for line, row in enumerate(reader, start=2):
        row = {(k or "").strip(): v for k, v in row.items()}
        region = (row.get(region_col) or "").strip()
        raw = (row.get(pop_col) or "").strip().replace(",", "")
        if not region and not raw:
            continue
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not region or not math.isfinite(value) or value <= 0:
            raise InputError(
                f"{p}, line {line}: expected a region and a positive population in 万人. "
                f"Got {region!r}, {raw!r}."
            )
        out[region] = value
    if not out:
        raise InputError(f"{p}: the population table has no rows.")
    return out


def read_number_list(path: Path | str, what: str) -> frozenset[str]:
    """Patent numbers of a user list (one a line, or a CSV whose first column holds
    them): canonical publication and application numbers, both kept so either matches.

    Raises:
        InputError: the file cannot be read or holds no number.
    """
    p = Path(path)
    text = _read_text(p, what)
    numbers: set[str] = set()
    for row in csv.reader(io.StringIO(text)):
        if not row:
            continue
        cell = row[0].strip()
        if not cell or cell.startswith("#"):
            continue
        for normalize in (normalize_pub_number, normalize_app_number):
            try:
                n = normalize(cell, office="CN")
            except InputError:
                n = None
            if n:
                numbers.add(n)
    if not numbers:
        raise InputError(
            f"{p}: no patent number in the {what} (one number a line, or the first "
            "column of a CSV)."
        )
    return frozenset(numbers)


# -- the indicator ------------------------------------------------------------------------


def _list_sql(numbers: Iterable[str] | None) -> str:
    """A VALUES list of numbers (validated canonical numbers: letters, digits, dots)."""
    safe = sorted(n for n in (numbers or ()) if n.replace(".", "").isalnum())
    if not safe:
        return "SELECT CAST(NULL AS VARCHAR) AS n WHERE FALSE"
    return "SELECT * FROM (VALUES " + ", ".join(f"('{n}')" for n in safe) + ") t(n)"


def high_value_patents(
    store: PatentStore,
    *,
    level: str = "province",
    population: Mapping[str, float] | None = None,
    awards: Iterable[str] | None = None,
    pledges: Iterable[str] | None = None,
) -> HighValueIndicator:
    """Count domestic high-value invention patents in force per region (see the module
    docstring), and per 10,000 people when ``population`` (region → 万人) is given.

    Args:
        store: the store.
        level: ``province`` or ``city``.
        population: region name → population in 万人; None: counts only.
        awards: numbers of patents with a national science award or a China Patent Award.
        pledges: numbers of patents pledged for at least 10 million CNY.

    Raises:
        InvalidParameterError: an unknown level.
    """
    if level not in ("province", "city"):
        raise InvalidParameterError(
            f"The 'level' parameter must be one of province, city. Got {level!r} instead."
        )
    kinds = ", ".join(f"'{k}'" for k in GRANT_KINDS)
    not_domestic = ", ".join(f"'{n}'" for n in NOT_DOMESTIC)
    has_sei = bool(
        store.scalar("SELECT count(*) FROM classifications WHERE scheme='sei'")
    )
    has_family_abroad = bool(
        store.scalar(
            "SELECT count(*) FROM patents p JOIN patents q ON q.family_id = p.family_id "
            "WHERE p.office = 'CN' AND q.office IS NOT NULL AND q.office <> 'CN'"
        )
    )
    pledge_events = int(
        store.scalar("SELECT count(*) FROM events WHERE type = 'pledge'")
    )
    sql = f"""
    WITH docs AS (
        SELECT p.doc_id, coalesce(p.app_number, p.doc_id) AS unit, p.family_id,
               p.app_date, p.status_as_of, p.legal_status, p.pub_number, p.app_number
        FROM patents p WHERE p.office = 'CN' AND p.patent_type = 'invention'
    ),
    inforce AS (
        SELECT unit, min(app_date) AS app_date,
               max(CASE WHEN legal_status = 'active' THEN status_as_of END) AS as_of
        FROM docs GROUP BY unit
        HAVING max(CASE WHEN legal_status = 'active' THEN 1 ELSE 0 END) = 1
    ),
    owners AS (
        SELECT d.unit,
               arg_min(struct_pack(country := coalesce(e.country, pa.country),
                                   province := coalesce(e.province, pa.province),
                                   city := coalesce(e.city, pa.city)),
                       CASE pa.role WHEN 'current_owner' THEN 0 ELSE 1 END * 100000
                       + coalesce(pa.seq, 9999)) AS who
        FROM docs d
        JOIN parties pa ON pa.doc_id = d.doc_id
             AND pa.role IN ('current_owner', 'applicant')
        LEFT JOIN entities e ON e.entity_id = pa.entity_id
        GROUP BY d.unit
    ),
    placed AS (
        SELECT i.unit, i.app_date, i.as_of, o.who.province AS province,
               o.who.city AS city,
               CASE WHEN o.who.province IS NOT NULL
                         AND NOT list_contains([{not_domestic}],
                                               regexp_replace(o.who.province,
                                                              '(特别行政区|省|市)$', ''))
                        THEN 'domestic'
                    WHEN o.who.province IS NOT NULL THEN 'hmt'
                    WHEN o.who.country = 'CN' THEN 'cn_no_region'
                    WHEN o.who.country IS NOT NULL THEN 'foreign'
                    ELSE 'unknown' END AS origin
        FROM inforce i LEFT JOIN owners o ON o.unit = i.unit
    ),
    sei AS (
        SELECT DISTINCT d.unit FROM docs d
        JOIN classifications c ON c.doc_id = d.doc_id AND c.scheme = 'sei'
    ),
    overseas AS (
        SELECT DISTINCT d.unit FROM docs d
        JOIN patents q ON q.family_id = d.family_id
        WHERE d.family_id IS NOT NULL AND q.office IS NOT NULL AND q.office <> 'CN'
          AND (q.grant_date IS NOT NULL OR substr(q.kind, 1, 1) IN ({kinds}))
    ),
    kept AS (
        SELECT d.unit, max(m.years_maintained) AS years, max(m.evidence_date) AS evidence
        FROM docs d JOIN maintenance m ON m.doc_id = d.doc_id GROUP BY d.unit
    ),
    awards AS ({_list_sql(awards)}),
    pledges AS ({_list_sql(pledges)}),
    listed_award AS (
        SELECT DISTINCT d.unit FROM docs d JOIN awards a
          ON a.n = d.pub_number OR a.n = d.app_number
    ),
    listed_pledge AS (
        SELECT DISTINCT d.unit FROM docs d JOIN pledges a
          ON a.n = d.pub_number OR a.n = d.app_number
    )
    SELECT pl.unit, pl.origin, pl.province, pl.city,
           s.unit IS NOT NULL AS sei,
           o.unit IS NOT NULL AS overseas,
           CASE WHEN k.years > 10 THEN TRUE
                WHEN coalesce(pl.as_of, k.evidence) IS NOT NULL AND pl.app_date IS NOT NULL
                    THEN pl.app_date + INTERVAL 10 YEAR < coalesce(pl.as_of, k.evidence)
                WHEN k.years IS NOT NULL THEN FALSE
           END AS maintained,
           lp.unit IS NOT NULL AS pledge,
           la.unit IS NOT NULL AS award
    FROM placed pl
    LEFT JOIN sei s ON s.unit = pl.unit
    LEFT JOIN overseas o ON o.unit = pl.unit
    LEFT JOIN kept k ON k.unit = pl.unit
    LEFT JOIN listed_pledge lp ON lp.unit = pl.unit
    LEFT JOIN listed_award la ON la.unit = pl.unit
    """
    frame = store.query(sql).to_pandas()
    excluded = {
        k: int((frame["origin"] == k).sum())
        for k in ("foreign", "hmt", "unknown", "cn_no_region")
    }
    dom = frame[frame["origin"] == "domestic"].copy()
    maintained_known = dom["maintained"].notna()
    evaluable = {
        "sei": (has_sei, "库中无战略性新兴产业分类（运行 patnav enrich 的行业映射）"),
        "overseas": (
            has_family_abroad,
            "库中没有与中国专利同族的境外文献，无法判断是否有海外同族授权",
        ),
        "maintained": (
            bool(maintained_known.any()),
            "库中无维持年限或法律状态日期（运行 patnav enrich 的年费维持步骤）",
        ),
        "pledge": (
            pledges is not None,
            f"库中质押事件（{pledge_events} 条）未给出质押金额；请用 --pledges 提供质押额"
            "1000万元以上的专利号清单",
        ),
        "award": (
            awards is not None,
            "需用 --awards 提供获国家科学技术奖或中国专利奖的专利号清单",
        ),
    }
    basis = {
        "sei": "分类体系 sei（战略性新兴产业分类与国际专利分类参照关系表）",
        "overseas": "同族（family_id）中境外专利局已授权文献",
        "maintained": "维持年限 > 10 年，或申请日至在效证据日期超过 10 年",
        "pledge": "用户清单（质押额 ≥ 1000 万元）",
        "award": "用户清单（国家科学技术奖、中国专利奖）",
    }
    for key in CRITERIA:
        dom[key] = dom[key].fillna(False).astype(bool) if evaluable[key][0] else False
    met_any = (
        dom[[k for k in CRITERIA if evaluable[k][0]]].any(axis=1) if len(dom) else []
    )
    dom["any"] = met_any if len(dom) else pd.Series(dtype=bool)
    criteria = tuple(
        Criterion(
            key=k,
            label=CRITERION_LABELS[k],
            evaluable=evaluable[k][0],
            met=int(dom[k].sum()) if evaluable[k][0] else None,
            unknown=int((~maintained_known).sum()) if k == "maintained" else 0,
            reason=None if evaluable[k][0] else evaluable[k][1],
            basis=basis[k],
        )
        for k in CRITERIA
    )
    key_col = "province" if level == "province" else "city"
    dom["region"] = dom[key_col].fillna(UNKNOWN_REGION)
    regions = []
    for region, part in dom.groupby("region", sort=False):
        pop = population_of(str(region), population)
        hv = int(part["any"].sum())
        regions.append(
            RegionCount(
                region=str(region),
                province=_first(part["province"]),
                in_force=len(part),
                met={
                    k: (int(part[k].sum()) if evaluable[k][0] else None)
                    for k in CRITERIA
                },
                high_value=hv,
                population_wan=pop,
                per_10k=hv / pop if pop else None,
            )
        )
    regions.sort(key=lambda r: (-r.high_value, -r.in_force, r.region))
    notes = []
    if population is None:
        notes.append(
            "未提供人口表：只给出数量；每万人口拥有量需要人口表（--population）"
        )
    else:
        lacking = [r.region for r in regions if r.population_wan is None]
        if lacking:
            notes.append("人口表中没有这些地区，未计算比值：" + "、".join(lacking[:20]))
    if excluded["unknown"] or excluded["cn_no_region"]:
        notes.append(
            f"{excluded['unknown'] + excluded['cn_no_region']} 件在效发明专利的权利人地区未知，"
            "未计入各地区"
        )
    if any(not c.evaluable for c in criteria):
        notes.append("有不可评估的标准：高价值发明专利数为下限")
    return HighValueIndicator(
        level=level,  # type: ignore[arg-type]
        criteria=criteria,
        regions=tuple(regions),
        in_force=len(dom),
        high_value=int(dom["any"].sum()) if len(dom) else 0,
        has_population=population is not None,
        excluded=excluded,
        notes=tuple(notes),
    )


def _first(series: pd.Series) -> str | None:
    values = series.dropna()
    return str(values.iloc[0]) if len(values) else None


def population_of(region: str, population: Mapping[str, float] | None) -> float | None:
    """The population of ``region``, also when the table writes it without its suffix
    (安徽 for 安徽省, 合肥 for 合肥市)."""
    if not population or region == UNKNOWN_REGION:
        return None
    if region in population:
        return population[region]
    stem = region.removesuffix("特别行政区").rstrip("省市")
    for name, value in population.items():
        if name.removesuffix("特别行政区").rstrip("省市") == stem and stem:
            return value
    return None
