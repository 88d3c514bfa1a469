"""The SME cultivation library admission check (专利产业化促进中小企业成长计划 入库企业基本标准):
ten criteria per enterprise of a province's register, each ``pass`` / ``fail`` / ``unknown``
with its evidence, and a verdict.

A criterion without the data it needs is ``unknown`` with ``ask``: what to ask the
enterprise (or the office) for. Nothing is guessed: a missing figure is never a zero, an
empty declaration cell never a no. The evidence names its source: ``register`` (the
enterprise register, its file and row), ``store`` (the patent data), ``declaration`` (the
enterprise's declarations file and row), ``concordance`` (the 专利密集型产业 list the user
loaded) or ``abnormal`` (the abnormal-filing flags given to the check).

The rules (docs/sme.md says them for users):

1. register province = the library's province; an independent legal person (declared;
   else a 分公司 / 分厂 / 办事处 is not one, a 有限公司 / 股份有限公司 is one — 公司法第三条,
   a 合伙企业 / 个人独资企业 is not; else unknown); register ``size`` small / medium /
   micro (large fails, unknown stays unknown).
2. one of the four statuses declared held and valid on the as-of date (有效期至 on or
   after it); register qualifications are shown as evidence only (they carry no validity).
3. the register's GB/T 4754 code in the loaded concordance (a coarser code some of whose
   classes are listed, or a partly included class, is unknown); the 国民经济分类 codes of
   its patents (store, scheme GBT4754) are shown as evidence.
4. in force (``legal_status`` active) invention or utility-model applications whose owner
   — the current owner (当前权利人), else the applicant — is linked to the enterprise, or
   declared licensed-in patents; and 专利产品备案 declared done.
5. declared 专利产业化率 ≥ 50 %.
6. the register's R&D spending ≥ 500 万元, or ≥ 10 % of its revenue (万元); figures of
   another year than the one before the as-of date are unknown.
7. register R&D staff ≥ 20 % of employees, or co-applications (applicant or owner) with a
   university or institute filed in the as-of year or the three before (application year;
   the year of 申请年 where a source gives no date), or a declared co-operation.
8. own brand declared; 9. IP management system declared.
10. no abnormal-filing flag (``abnormal`` given) and no major accident, violation or
    serious dishonesty declared (all three declared 否): pass only when both are known clean.

Verdict: ``eligible`` when all ten pass, ``not_eligible`` when any fails, ``incomplete``
otherwise.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd

from patnav.enrich.names import name_key
from patnav.errors import InvalidParameterError
from patnav.models.capability import enterprise_documents_sql
from patnav.models.sme.criteria import (
    Facts,
    criterion_1,
    criterion_2,
    criterion_3,
    criterion_4,
    criterion_5,
    criterion_6,
    criterion_7,
    criterion_8,
    criterion_9,
    criterion_10,
    num,
    short_province,
    text_of,
)
from patnav.models.sme.declarations import Declaration
from patnav.models.sme.industries import DenseIndustries
from patnav.models.sme.results import (
    CRITERIA,
    RESULT_ZH,
    SOURCE_ZH,
    VERDICT_ZH,
    Criterion,
    EnterpriseEligibility,
    Evidence,
    Result,
    SmeCheck,
    Verdict,
)
from patnav.storage.store import PatentStore

__all__ = [
    "CRITERIA",
    "RESULT_ZH",
    "SOURCE_ZH",
    "VERDICT_ZH",
    "Criterion",
    "EnterpriseEligibility",
    "Evidence",
    "Result",
    "SmeCheck",
    "Verdict",
    "check_sme",
]


OWNER_PARTIES = """(
    SELECT p.doc_id, p.name, p.entity_id FROM parties p
    WHERE p.role = 'current_owner'
       OR (p.role = 'applicant' AND NOT EXISTS (
           SELECT 1 FROM parties c WHERE c.doc_id = p.doc_id AND c.role = 'current_owner'))
)"""
"""Each document's owners: its current owners (当前权利人), else its applicants."""

FILER_PARTIES = "(SELECT * FROM parties WHERE role IN ('applicant', 'current_owner'))"


# -- the store ----------------------------------------------------------------------


def _owned(store: PatentStore) -> dict[str, dict[str, Any]]:
    sql = f"""
    WITH ed AS ({enterprise_documents_sql(OWNER_PARTIES)}),
    units AS (
        SELECT ed.actor, coalesce(p.app_number, p.doc_id) AS unit, p.patent_type,
               max(CASE WHEN p.legal_status = 'active' THEN 1 ELSE 0 END) AS active,
               max(CASE WHEN p.legal_status IS NULL THEN 1 ELSE 0 END) AS unknown,
               min(p.pub_number) AS pub
        FROM ed JOIN patents p ON p.doc_id = ed.doc_id
        WHERE p.patent_type IN ('invention', 'utility_model')
        GROUP BY ALL
    )
    SELECT actor,
           count(*) FILTER (WHERE active = 1 AND patent_type = 'invention') AS inventions,
           count(*) FILTER (WHERE active = 1 AND patent_type = 'utility_model')
               AS utility,
           count(*) FILTER (WHERE active = 0 AND unknown = 1) AS status_unknown,
           list_sort(list(pub) FILTER (WHERE active = 1)) AS sample
    FROM units GROUP BY actor
    """
    frame = store.query(sql).to_pandas()
    return {str(r["actor"]): r for r in frame.to_dict("records")}


def _coop(store: PatentStore) -> dict[str, list[dict[str, Any]]]:
    sql = f"""
    WITH ed AS ({enterprise_documents_sql(FILER_PARTIES)})
    SELECT DISTINCT ed.actor, ed.doc_id, pa.name AS partner,
           coalesce(year(p.app_date),
                    CASE WHEN json_valid(p.extras) THEN TRY_CAST(
                        json_extract_string(p.extras, '$.申请年') AS INTEGER) END)
               AS year
    FROM ed
    JOIN parties pa ON pa.doc_id = ed.doc_id AND pa.role IN ('applicant', 'current_owner')
    LEFT JOIN entities e ON e.entity_id = pa.entity_id
    JOIN patents p ON p.doc_id = ed.doc_id
    WHERE coalesce(e.party_type, pa.party_type) IN ('university', 'institute')
    """
    out: dict[str, list[dict[str, Any]]] = {}
    for r in store.query(sql).to_pandas().to_dict("records"):
        year = num(r["year"])
        out.setdefault(str(r["actor"]), []).append(
            {
                "doc_id": r["doc_id"],
                "partner": r["partner"],
                "year": None if year is None else int(year),
            }
        )
    return out


def _gbt_codes(store: PatentStore) -> dict[str, list[tuple[str, int]]]:
    sql = f"""
    WITH ed AS ({enterprise_documents_sql(FILER_PARTIES)})
    SELECT ed.actor, c.code, count(DISTINCT ed.doc_id) AS n
    FROM ed JOIN classifications c ON c.doc_id = ed.doc_id AND c.scheme = 'GBT4754'
    GROUP BY ALL ORDER BY ed.actor, n DESC, c.code
    """
    out: dict[str, list[tuple[str, int]]] = {}
    for r in store.query(sql).to_pandas().to_dict("records"):
        out.setdefault(str(r["actor"]), []).append((str(r["code"]), int(r["n"])))
    return out


def _match_declarations(
    register: pd.DataFrame, declarations: Sequence[Declaration]
) -> tuple[dict[str, Declaration], list[str]]:
    by_uscc = {
        str(u): str(e)
        for u, e in zip(register["uscc"], register["enterprise_id"], strict=True)
        if text_of(u)
    }
    by_key: dict[str, list[str]] = {}
    for k, e in zip(register["name_key"], register["enterprise_id"], strict=True):
        if text_of(k):
            by_key.setdefault(str(k), []).append(str(e))
    out: dict[str, Declaration] = {}
    notes = []
    for d in declarations:
        eid = by_uscc.get(d.uscc or "")
        ids: list[str] = []
        if eid is None and d.name:
            ids = by_key.get(name_key(d.name), [])
            eid = ids[0] if len(ids) == 1 else None
        who = d.name or d.uscc
        if eid is None and len(ids) > 1:
            notes.append(
                f"申报文件 {d.file} 第 {d.row} 行的企业 {who} 对应企业库中 {len(ids)} 家"
                "同名企业，未采用（请填写统一社会信用代码）"
            )
        elif eid is None:
            notes.append(
                f"申报文件 {d.file} 第 {d.row} 行的企业 {who} 不在企业库中"
                "（先 patnav enterprises import）"
            )
        elif eid in out:
            notes.append(
                f"申报文件 {d.file} 第 {d.row} 行重复申报 {who}，以先出现者为准"
            )
        else:
            out[eid] = d
    return out, notes


def check_sme(
    store: PatentStore,
    province: str,
    *,
    declarations: Sequence[Declaration] = (),
    dense_industries: DenseIndustries | None = None,
    abnormal: Mapping[str, list[str]] | None = None,
    abnormal_unchecked: Collection[str] = (),
    as_of: date | None = None,
) -> SmeCheck:
    """The ten admission criteria for every register enterprise of ``province`` (and
    every declared enterprise of the register, wherever it is registered).

    Args:
        store: the store with the enterprise register and the patent data.
        province: the library's province (湖北省 or 湖北).
        declarations: the enterprises' declarations (:func:`read_declarations`).
        dense_industries: the 专利密集型产业 concordance; None leaves criterion 3 unknown.
        abnormal: abnormal-filing flags by enterprise_id (every enterprise checked; an
            enterprise absent or with an empty list is clean); None leaves that part
            of criterion 10 unknown (:func:`patnav.models.sme.abnormal.abnormal_flags`
            gives both from the detector).
        abnormal_unchecked: enterprises without a flag some of whose documents could not
            be compared: that part of criterion 10 is unknown for them.
        as_of: the day statuses must be valid on and the R&D year is counted from
            (default today).

    Raises:
        InvalidParameterError: an empty province; no register in the store.
    """
    if not short_province(province):
        raise InvalidParameterError(
            "The 'province' parameter of check_sme must name a province (湖北省). "
            f"Got {province!r} instead."
        )
    day = as_of or date.today()
    register = store.query("SELECT * FROM enterprises ORDER BY name").to_pandas()
    if register.empty:
        raise InvalidParameterError(
            "The store holds no enterprise register: import one first with "
            "'patnav enterprises import FILE' (see docs/enterprises.md)."
        )
    matched, notes = _match_declarations(register, declarations)
    wanted = short_province(province)
    in_province = register["province"].map(short_province) == wanted
    chosen = register[in_province | register["enterprise_id"].isin(list(matched))]
    unplaced = int(register["province"].isna().sum())
    if unplaced:
        notes.append(
            f"企业库中 {unplaced} 家企业注册地未知，未列入（申报后列入，第 1 项待核实）"
        )
    quals: dict[str, list[dict[str, Any]]] = {}
    for q in (
        store.query(
            "SELECT * FROM enterprise_qualifications ORDER BY year, qualification"
        )
        .to_pandas()
        .to_dict("records")
    ):
        quals.setdefault(str(q["enterprise_id"]), []).append(q)
    owned = _owned(store)
    coop = _coop(store)
    codes = _gbt_codes(store)
    cutoff = store.scalar("SELECT max(pub_date) FROM patents")
    rows = []
    for row in chosen.to_dict("records"):
        eid = str(row["enterprise_id"])
        f = Facts(row, quals.get(eid, []), matched.get(eid))
        criteria = (
            criterion_1(f, province),
            criterion_2(f, day),
            criterion_3(f, dense_industries, codes.get(eid, [])),
            criterion_4(f, owned.get(eid), cutoff),
            criterion_5(f),
            criterion_6(f, day),
            criterion_7(f, coop.get(eid, []), day),
            criterion_8(f),
            criterion_9(f),
            criterion_10(f, abnormal, abnormal_unchecked),
        )
        rows.append(
            EnterpriseEligibility(
                enterprise_id=eid,
                name=str(row["name"]),
                uscc=text_of(row.get("uscc")),
                province=text_of(row.get("province")),
                criteria=criteria,
            )
        )
    if dense_industries is None:
        notes.append("未载入专利密集型产业目录（--dense-industries）：第 3 项均待核实")
    if abnormal is None:
        notes.append("未提供非正常专利申请检测结果：第 10 项不能判为符合")
    return SmeCheck(
        province=province,
        as_of=day,
        dense_industries=dense_industries.source if dense_industries else None,
        declarations=tuple(dict.fromkeys(d.file for d in declarations)),
        abnormal_checked=abnormal is not None,
        rows=tuple(rows),
        notes=tuple(notes),
    )
