"""IPC → industry concordances, above all the strategic emerging industries (SEI) table.

《战略性新兴产业分类与国际专利分类参照关系表（2021）》 maps 40 second-level industries
(1.1 下一代信息网络产业 … 9.2 其他相关服务) to IPC patterns in 303 rules. A document
belongs to an industry when one of its IPC symbols (or its main IPC) matches a rule:

* **patterns**: ``G06F*`` a subclass, ``G16*`` a class, ``G06F11*`` (or ``H03M13``) a
  main group with all its subgroups, ``G06F9/44`` exactly that group;
* **exclusions** of the same rule remove symbols from it (``G06F*`` but not ``G06F1*``);
  they apply to the symbol that matched, so a document still counts through another one;
* **keyword conditions**: the table's keyword column mostly describes the industry's key
  products (``计算机和辅助设备修理``); it is a condition only where the table asks for
  keywords (``量子计算、量子芯片…等量子计算机相关关键词`` — the title or abstract must
  name one of them) or excludes (``不包含非机动车`` — it must not).

Each match is stored in ``classifications`` with scheme ``sei`` and the industry code
(``1.1``), ``raw`` naming the first rule that matched, ``is_main`` when the main IPC
matched. Industry titles (Chinese and English) go to ``class_titles``.

Other concordances are added the same way: a JSON file with ``branches`` of ``rules``
(``ipc_patterns``, ``ipc_exclusions``, ``keywords``) and an entry in
:data:`CONCORDANCES`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from patnav.enrich.base import EnrichContext, StepReport
from patnav.errors import InputError
from patnav.storage.store import PatentStore


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of a concordance: patterns, exclusions and keyword conditions."""

    rule_id: str
    industry: str
    patterns: tuple[str, ...]
    exclusions: tuple[str, ...]
    need: tuple[str, ...] = ()
    forbid: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True)
class Concordance:
    """A table mapping IPC symbols to the categories of another scheme."""

    scheme: str
    title: str
    path: tuple[str, ...]
    groups: dict[str, tuple[str, str]] = field(default_factory=dict)
    titles_en: dict[str, str] = field(default_factory=dict)


SEI_GROUPS: dict[str, tuple[str, str]] = {
    "1": ("新一代信息技术产业", "New-generation information technology"),
    "2": ("高端装备制造产业", "High-end equipment manufacturing"),
    "3": ("新材料产业", "New materials"),
    "4": ("生物产业", "Biotechnology"),
    "5": ("新能源汽车产业", "New-energy vehicles"),
    "6": ("新能源产业", "New energy"),
    "7": ("节能环保产业", "Energy saving and environmental protection"),
    "8": ("数字创意产业", "Digital creative industries"),
    "9": ("相关服务业", "Related services"),
}
"""The nine first-level strategic emerging industries (战略性新兴产业分类 2018)."""

SEI_TITLES_EN: dict[str, str] = {
    "1.1": "Next-generation information networks",
    "1.2": "Core electronics",
    "1.3": "Emerging software and new IT services",
    "1.4": "Internet, cloud computing and big-data services",
    "1.5": "Artificial intelligence",
    "2.1": "Intelligent manufacturing equipment",
    "2.2": "Aviation equipment",
    "2.3": "Satellites and applications",
    "2.4": "Rail transit equipment",
    "2.5": "Marine engineering equipment",
    "3.1": "Advanced steel materials",
    "3.2": "Advanced non-ferrous metal materials",
    "3.3": "Advanced petrochemical and chemical new materials",
    "3.4": "Advanced inorganic non-metallic materials",
    "3.5": "High-performance fibres, products and composites",
    "3.6": "Frontier new materials",
    "3.7": "New-material services",
    "4.1": "Biopharmaceuticals",
    "4.2": "Biomedical engineering",
    "4.3": "Bio-agriculture and related industries",
    "4.4": "Biomass energy",
    "4.5": "Other bio-industries",
    "5.1": "New-energy vehicle manufacturing",
    "5.2": "New-energy vehicle devices and parts",
    "5.3": "New-energy vehicle facilities",
    "5.4": "New-energy vehicle services",
    "6.1": "Nuclear power",
    "6.2": "Wind energy",
    "6.3": "Solar energy",
    "6.4": "Biomass and other new energy",
    "6.5": "Smart grids",
    "7.1": "Efficient energy saving",
    "7.2": "Advanced environmental protection",
    "7.3": "Resource recycling",
    "8.1": "Digital creative technology equipment",
    "8.2": "Digital cultural and creative activities",
    "8.3": "Design services",
    "8.4": "Digital creative convergence services",
    "9.1": "New-technology, innovation and entrepreneurship services",
    "9.2": "Other related services",
}

CONCORDANCES: dict[str, Concordance] = {
    "sei": Concordance(
        "sei",
        "战略性新兴产业分类与国际专利分类参照关系表（2021）",
        ("reference", "sei-2021", "zhanlue_sei_ipc_2021.json"),
        SEI_GROUPS,
        SEI_TITLES_EN,
    ),
}
"""Concordances the ``industries`` step applies, by the scheme they write."""

_NEGATION = re.compile(r"^(?:不包含|不包括|不含)")
_KEYWORDS = re.compile(r"(?:相关)?关键词$")


def parse_keywords(texts: list[str]) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """Split a rule's keyword column into required terms, forbidden terms, description.

    ``量子计算、量子芯片等量子计算机相关关键词`` requires one of 量子计算, 量子芯片,
    量子计算机; ``不包括航天相关设备制造`` forbids 航天; anything else describes.
    """
    need: list[str] = []
    forbid: list[str] = []
    described: list[str] = []
    for text in texts:
        text = text.strip()
        if _NEGATION.match(text):
            term = _NEGATION.sub("", text)
            term = re.sub(r"相关.*$", "", term)
            forbid.append(term)
        elif _KEYWORDS.search(text):
            body = _KEYWORDS.sub("", text)
            listed, _, category = body.partition("等")
            for part in [*listed.split("、"), *re.split(r"[和及与]", category)]:
                if part.strip():
                    need.append(part.strip())
        else:
            described.append(text)
    return (
        tuple(dict.fromkeys(need)),
        tuple(dict.fromkeys(forbid)),
        "；".join(described),
    )


def load_rules(path: Path, scheme: str) -> tuple[list[Rule], dict[str, str]]:
    """The rules and second-level titles of a concordance file (the SEI JSON layout).

    Raises:
        InputError: the file is not a concordance (no ``branches`` with ``rules``).
    """
    try:
        data: dict[str, Any] = json.loads(path.read_text("utf-8"))
        branches = data["branches"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(
            f"Cannot read the {scheme} concordance {path}: expected JSON with 'branches', "
            f"each with 'branch_no', 'branch_name' and 'rules' ({exc})."
        ) from exc
    rules: list[Rule] = []
    titles: dict[str, str] = {}
    for branch in branches:
        code = str(branch["branch_no"])
        titles[code] = str(branch["branch_name"])
        for n, rule in enumerate(branch.get("rules", []), start=1):
            need, forbid, description = parse_keywords(list(rule.get("keywords", [])))
            rules.append(
                Rule(
                    f"{code}#{n}",
                    code,
                    tuple(rule.get("ipc_patterns", [])),
                    tuple(rule.get("ipc_exclusions", [])),
                    need,
                    forbid,
                    description,
                )
            )
    return rules, titles


def pattern_key(pattern: str) -> tuple[str, str]:
    """How a pattern is matched: (``class``|``subclass``|``main_group``|``exact``, value)."""
    p = pattern.strip().replace(" ", "").upper()
    p = p.rstrip("*")
    if "/" in p:
        return "exact", p
    if len(p) == 3:
        return "class", p
    if len(p) == 4:
        return "subclass", p
    return "main_group", p  # G06F11* and H03M13: the main group with its subgroups


_JOIN = {
    "class": "substr(c.code, 1, 3)",
    "subclass": "substr(c.code, 1, 4)",
    "main_group": "split_part(c.code, '/', 1)",
    "exact": "c.code",
}


def _rule_tables(rules: list[Rule]) -> tuple[pa.Table, pa.Table]:
    pat_cols: dict[str, list[str]] = {
        "rule_id": [],
        "industry": [],
        "kind": [],
        "op": [],
        "value": [],
    }
    term_cols: dict[str, list[str]] = {"rule_id": [], "polarity": [], "term": []}
    for rule in rules:
        for kind, patterns in (
            ("include", rule.patterns),
            ("exclude", rule.exclusions),
        ):
            for pattern in patterns:
                op, value = pattern_key(pattern)
                for k, v in zip(
                    pat_cols,
                    (rule.rule_id, rule.industry, kind, op, value),
                    strict=True,
                ):
                    pat_cols[k].append(v)
        for polarity, terms in (("need", rule.need), ("forbid", rule.forbid)):
            for term in terms:
                for k, v in zip(term_cols, (rule.rule_id, polarity, term), strict=True):
                    term_cols[k].append(v)
    return pa.table(pat_cols), pa.table(term_cols)


def _match_sql(pats: str, terms: str, scheme: str) -> str:
    include = " UNION ALL ".join(
        f"SELECT c.doc_id, c.code, c.is_main, p.rule_id, p.industry FROM codes c "
        f"JOIN {pats} p ON p.kind = 'include' AND p.op = '{op}' AND p.value = {expr}"
        for op, expr in _JOIN.items()
    )
    exclude = " UNION ALL ".join(
        f"SELECT c.doc_id, c.code, p.rule_id FROM codes c "
        f"JOIN {pats} p ON p.kind = 'exclude' AND p.op = '{op}' AND p.value = {expr}"
        for op, expr in _JOIN.items()
    )
    return f"""
    WITH codes AS (
        SELECT doc_id, code, bool_or(is_main) AS is_main FROM (
            SELECT doc_id, code, coalesce(is_main, FALSE) AS is_main FROM classifications
            WHERE scheme = 'IPC'
            UNION ALL
            SELECT doc_id, ipc_main, TRUE FROM patents WHERE ipc_main IS NOT NULL
        ) GROUP BY 1, 2
    ),
    inc AS ({include}),
    exc AS ({exclude}),
    hit AS (
        SELECT i.* FROM inc i ANTI JOIN exc e USING (doc_id, code, rule_id)
    ),
    text AS (
        SELECT doc_id, coalesce(title, '') || ' ' || coalesce(abstract, '') AS body
        FROM patents WHERE doc_id IN (SELECT doc_id FROM hit)
    ),
    ok AS (
        SELECT h.* FROM hit h JOIN text t USING (doc_id)
        WHERE NOT EXISTS (SELECT 1 FROM {terms} x WHERE x.rule_id = h.rule_id
                          AND x.polarity = 'forbid' AND contains(t.body, x.term))
        AND (NOT EXISTS (SELECT 1 FROM {terms} x WHERE x.rule_id = h.rule_id
                         AND x.polarity = 'need')
             OR EXISTS (SELECT 1 FROM {terms} x WHERE x.rule_id = h.rule_id
                        AND x.polarity = 'need' AND contains(t.body, x.term)))
    ),
    best AS (
        SELECT doc_id, industry, bool_or(is_main) AS is_main,
               min(rule_id) AS raw
        FROM ok GROUP BY 1, 2
    )
    SELECT doc_id, '{scheme}' AS scheme, industry AS code,
           CAST(row_number() OVER (PARTITION BY doc_id ORDER BY industry) AS INTEGER) AS seq,
           is_main, raw
    FROM best
    """


class Industries:
    """Map documents to industries through every registered concordance."""

    name = "industries"
    label = "产业分类映射"

    def __init__(self, concordances: dict[str, Concordance] | None = None) -> None:
        self.concordances = CONCORDANCES if concordances is None else concordances

    def run(self, store: PatentStore, ctx: EnrichContext) -> StepReport:
        """Apply each concordance; replace its classifications and titles where they differ."""
        changed = 0
        summary: dict[str, Any] = {}
        examples: list[str] = []
        missing = []
        for scheme, concordance in self.concordances.items():
            path = ctx.settings.data_path(*concordance.path)
            if not path.is_file():
                missing.append(f"{scheme}: {path}")
                continue
            rules, titles = load_rules(path, scheme)
            pats, terms = _rule_tables(rules)
            with (
                store.staged("enrich_sei_patterns", pats) as p,
                store.staged("enrich_sei_terms", terms) as x,
            ):
                store.execute(
                    "CREATE OR REPLACE TEMP TABLE enrich_sei_rows AS "
                    + _match_sql(p, x, scheme)
                )
            changed += _replace_scheme(store, scheme)
            changed += _write_titles(store, concordance, titles)
            counts = store.rows(
                "SELECT code, count(DISTINCT doc_id) FROM classifications WHERE scheme = ? "
                "GROUP BY 1 ORDER BY 2 DESC, 1",
                [scheme],
            )
            docs = store.scalar(
                "SELECT count(DISTINCT doc_id) FROM classifications WHERE scheme = ?",
                [scheme],
            )
            summary[scheme] = {
                "rules": len(rules),
                "documents": int(docs),
                "by_industry": {str(c): int(n) for c, n in counts},
            }
            examples += [
                f"{scheme} {c} {titles.get(str(c), '')}: {n}" for c, n in counts[:3]
            ]
            store.execute("DROP TABLE IF EXISTS enrich_sei_rows")
        if missing and not summary:
            return StepReport(
                self.name,
                0,
                skipped="concordance tables not found ("
                + "; ".join(missing)
                + "); set PATNAV_DATA_DIR to the data folder with reference/sei-2021.",
            )
        if missing:
            summary["missing"] = missing
        return StepReport(self.name, changed, summary, tuple(examples))


def _replace_scheme(store: PatentStore, scheme: str) -> int:
    cols = "doc_id, scheme, code, seq, is_main, raw"
    differ = int(
        store.scalar(
            f"SELECT (SELECT count(*) FROM (SELECT {cols} FROM enrich_sei_rows EXCEPT ALL "
            f"SELECT {cols} FROM classifications WHERE scheme = ?)) + (SELECT count(*) FROM "
            f"(SELECT {cols} FROM classifications WHERE scheme = ? EXCEPT ALL "
            f"SELECT {cols} FROM enrich_sei_rows))",
            [scheme, scheme],
        )
    )
    if differ:
        store.execute("DELETE FROM classifications WHERE scheme = ?", [scheme])
        store.execute(
            f"INSERT INTO classifications ({cols}) SELECT {cols} FROM enrich_sei_rows"
        )
    return differ


def _write_titles(
    store: PatentStore, concordance: Concordance, titles: dict[str, str]
) -> int:
    rows: dict[str, list[str | None]] = {
        k: [] for k in ("scheme", "code", "level", "title_zh", "title_en", "parent")
    }

    def add(code: str, level: str, zh: str, en: str | None, parent: str | None) -> None:
        for k, v in zip(
            rows, (concordance.scheme, code, level, zh, en, parent), strict=True
        ):
            rows[k].append(v)

    for code, (zh, en) in concordance.groups.items():
        add(code, "industry", zh, en, None)
    for code, zh in titles.items():
        parent = (
            code.split(".")[0] if code.split(".")[0] in concordance.groups else None
        )
        add(code, "sub_industry", zh, concordance.titles_en.get(code), parent)
    cols = ", ".join(rows)
    with store.staged("enrich_concordance_titles", pa.table(rows)) as new:
        differ = int(
            store.scalar(
                f"SELECT (SELECT count(*) FROM (SELECT {cols} FROM {new} EXCEPT "
                f"SELECT {cols} FROM class_titles WHERE scheme = ?)) + (SELECT count(*) FROM "
                f"(SELECT {cols} FROM class_titles WHERE scheme = ? EXCEPT "
                f"SELECT {cols} FROM {new}))",
                [concordance.scheme, concordance.scheme],
            )
        )
        if differ:
            store.execute(
                "DELETE FROM class_titles WHERE scheme = ?", [concordance.scheme]
            )
            store.execute(f"INSERT INTO class_titles ({cols}) SELECT {cols} FROM {new}")
    return differ
