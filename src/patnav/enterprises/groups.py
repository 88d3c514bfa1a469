"""Corporate groups (企业集团): parents, subsidiaries and branches, and counting by group.

Groups come from two places:

* a user's table (母公司, 成员企业, 关系 — relation 子公司/分公司/母公司 or subsidiary/branch/
  parent), imported as accepted;
* suggestions from the source's standardised applicant (incoPat 标准化申请人 丰田公司-C,
  Derwent patentee codes), kept on each applicant as ``ext_id``: the names one code covers
  are one group, its parent unknown;
* suggestions from names, to review (accept or reject):
  - ``…公司XX分公司`` is a branch of the company its name starts with
    (新汶矿业集团有限责任公司泰山盐化工分公司 → 新汶矿业集团有限责任公司);
  - ``X（武汉）有限公司`` is a subsidiary of ``X有限公司``;
  - companies whose names differ only by the place they start with (武汉华星光电技术有限公司,
    深圳市华星光电技术有限公司) are members of one group named after the rest of the name,
    its parent unknown unless a company of that very name is present.

Only accepted members count. :func:`group_keys_sql` gives, for every applicant key an
analysis uses (the resolved entity, else ``name:`` and the name), the group it belongs to,
matched by exact name, by the name's key (``parties.norm_name``), or by an alias key of the
applicant's entity; ``applicant_ranking(..., group_by="group")`` ranks groups with it.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow as pa

from patnav.enrich.entities import ORG_ROLES
from patnav.enrich.gazetteer import parse_address, place_prefixes
from patnav.enrich.names import name_key
from patnav.enterprises.store import content_id
from patnav.errors import InputError
from patnav.ingest.encoding import detect_encoding
from patnav.ingest.tabular.columns import normalize_header
from patnav.ingest.values import cell_text, clean_name
from patnav.schema import tables as t
from patnav.storage.store import PatentStore

RELATIONS_ZH = {"parent": "母公司", "subsidiary": "子公司", "branch": "分公司"}
STATUS_ZH = {"accepted": "已确认", "suggested": "待审核", "rejected": "已否决"}
_RELATION_WORDS = {
    "parent": ("母公司", "总公司", "集团", "parent", "控股股东"),
    "branch": ("分公司", "分支机构", "branch", "分厂"),
    "subsidiary": (
        "子公司", "全资子公司", "控股子公司", "成员企业", "下属企业", "subsidiary",
        "member", "参股公司",
    ),
}  # fmt: skip
_HEADERS = {
    "parent": ("母公司", "集团", "集团名称", "上级单位", "总公司", "parent", "母公司名称"),
    "child": (
        "成员企业", "子公司", "企业名称", "下属企业", "分支机构", "成员", "child",
        "member", "成员企业名称",
    ),
    "relation": ("关系", "关系类型", "relation", "类型"),
}  # fmt: skip
_HEADER_LOOKUP = {normalize_header(h): f for f, hs in _HEADERS.items() for h in hs}

_BRANCH = re.compile(
    r"^(?P<parent>.+?(?:有限责任公司|股份有限公司|有限公司|集团公司|总公司|公司))"
    r"(?P<rest>.+?)分公司$"
)
_BRACKET = re.compile(
    r"^(?P<stem>.+?)[（(](?P<place>[^()（）]{2,8})[)）]"
    r"(?P<form>有限责任公司|股份有限公司|有限公司|公司)$"
)
_COMPANY = re.compile(r"(?:有限责任公司|股份有限公司|有限公司|公司)$")
MIN_STEM = 4
"""Shortest key (characters) of a name's rest after its place for sibling suggestions:
shorter rests (自来水, 供电) are ordinary words shared by unrelated local companies."""


def group_id_for(name: str) -> str:
    """The id of the group named ``name``: ``G`` and ten hex digits."""
    return "G" + content_id(name_key(name) or name)


def relation_of(text: str | None) -> str | None:
    """A relation (parent, subsidiary, branch) from a cell; None when unrecognised."""
    if not text:
        return None
    value = text.strip().lower()
    for relation, words in _RELATION_WORDS.items():
        if value in words:
            return relation
    return None


@dataclass(frozen=True, slots=True)
class Member:
    """A member of a group."""

    name: str
    relation: str
    relation_label: str
    source: str
    status: str
    status_label: str
    reason: str | None
    documents: int


@dataclass(frozen=True, slots=True)
class Group:
    """A corporate group with its members."""

    group_id: str
    name: str
    parent_name: str | None
    source: str
    members: tuple[Member, ...]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class GroupImport:
    """What importing a group table did."""

    file: str
    groups: int
    members: int
    rejected: tuple[tuple[str, str], ...]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _table_rows(path: Path) -> list[list[object]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
        try:
            return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
        finally:
            wb.close()
    detected = detect_encoding(lambda: path.open("rb"))
    text = path.read_bytes()[detected.skip :].decode(detected.encoding, "replace")
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""))]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _write_members(store: PatentStore, rows: list[dict[str, Any]]) -> None:
    groups = {r["group_id"]: r for r in rows}
    gdata = pa.Table.from_pylist(
        [
            {
                "group_id": gid,
                "name": r["group_name"],
                "parent_name": r["parent_name"],
                "source": r["group_source"],
                "created_at": r["updated_at"],
            }
            for gid, r in groups.items()
        ],
        schema=t.ENTERPRISE_GROUPS.arrow_schema(),
    )
    mdata = pa.Table.from_pylist(
        [{c: r.get(c) for c in t.GROUP_MEMBERS.column_names} for r in rows],
        schema=t.GROUP_MEMBERS.arrow_schema(),
    )
    with store.staged("group_rows", gdata) as g:
        store.execute(
            f"INSERT INTO enterprise_groups SELECT * FROM {g} s WHERE NOT EXISTS "
            "(SELECT 1 FROM enterprise_groups e WHERE e.group_id = s.group_id)"
        )
    with store.staged("member_rows", mdata) as m:
        store.execute(
            f"DELETE FROM group_members WHERE (group_id, member_key) IN "
            f"(SELECT (group_id, member_key) FROM {m})"
        )
        store.execute(f"INSERT INTO group_members SELECT * FROM {m}")


def import_groups(store: PatentStore, path: Path) -> GroupImport:
    """Import a user's group table (母公司, 成员企业, 关系): its members are accepted.

    Raises:
        InputError: the table has no parent or member column.
    """
    table = _table_rows(path)
    header_at, columns = None, {}
    for i, row in enumerate(table[:20]):
        found = {
            _HEADER_LOOKUP[k]: j
            for j, c in enumerate(row)
            if (k := normalize_header(cell_text(c) or "")) in _HEADER_LOOKUP
        }
        if "parent" in found and "child" in found:
            header_at, columns = i, found
            break
    if header_at is None:
        raise InputError(
            f"{path} has no header naming a parent (母公司) and a member (成员企业) column. "
            "Write a table with the columns 母公司, 成员企业, 关系 (子公司/分公司)."
        )
    now = _now()
    rows: list[dict[str, Any]] = []
    rejected: list[tuple[str, str]] = []
    for number, row in enumerate(table[header_at + 1 :], header_at + 2):

        def cell(field: str, row: list[object] = row) -> str | None:
            j = columns.get(field)
            return cell_text(row[j]) if j is not None and j < len(row) else None

        parent, child = cell("parent"), cell("child")
        if not parent and not child:
            continue
        if not parent or not child:
            rejected.append((f"第{number}行", "母公司和成员企业都要填写"))
            continue
        raw_relation = cell("relation")
        relation = relation_of(raw_relation) if raw_relation else "subsidiary"
        if relation is None:
            rejected.append(
                (f"第{number}行", f"关系“{raw_relation}”应为 子公司、分公司 或 母公司")
            )
            continue
        parent, child = clean_name(parent), clean_name(child)
        gid = group_id_for(parent)
        base = {
            "group_id": gid,
            "group_name": parent,
            "parent_name": parent,
            "group_source": "user",
            "source": "user",
            "status": "accepted",
            "reason": None,
            "updated_at": now,
        }
        rows.append(
            {
                **base,
                "member_name": parent,
                "member_key": name_key(parent) or parent,
                "relation": "parent",
            }
        )
        rows.append(
            {
                **base,
                "member_name": child,
                "member_key": name_key(child) or child,
                "relation": relation,
            }
        )
    unique = {(r["group_id"], r["member_key"]): r for r in rows}
    with store.transaction():
        if unique:
            _write_members(store, list(unique.values()))
    return GroupImport(
        file=str(path),
        groups=len({r["group_id"] for r in unique.values()}),
        members=sum(1 for r in unique.values() if r["relation"] != "parent"),
        rejected=tuple(rejected),
    )


def _known_names(store: PatentStore) -> list[str]:
    roles = ", ".join(f"'{r}'" for r in ORG_ROLES)
    names = {
        str(r[0])
        for r in store.rows(
            f"SELECT DISTINCT name FROM parties WHERE role IN ({roles}) "
            "AND name IS NOT NULL"
        )
    }
    names |= {str(r[0]) for r in store.rows("SELECT name FROM enterprises")}
    return sorted(names)


def _place_prefix(name: str, prefixes: frozenset[str]) -> tuple[str, str] | None:
    """(place, rest) when ``name`` starts with a province or city (武汉, 深圳市)."""
    for length in (4, 3, 2):
        head = name[:length]
        if head in prefixes:
            rest = name[length:]
            if rest[:1] in ("省", "市"):
                rest = rest[1:]
            elif rest.startswith("自治区"):
                rest = rest[3:]
            return head, rest
    return None


def suggest_from_names(names: list[str]) -> list[dict[str, Any]]:
    """Group suggestions from names alone (pure): member rows with their reasons."""
    known = set(names)
    out: list[dict[str, Any]] = []

    def add(
        group: str, parent: str | None, member: str, relation: str, reason: str
    ) -> None:
        out.append(
            {
                "group_id": group_id_for(parent)
                if parent
                else "G" + content_id("stem", name_key(group) or group),
                "group_name": group,
                "parent_name": parent,
                "member_name": member,
                "relation": relation,
                "reason": reason,
            }
        )

    for name in names:
        if m := _BRANCH.match(name):
            parent = m.group("parent")
            add(parent, parent, name, "branch", f"名称以“{parent}”开头、以“分公司”结尾")
            if parent in known:
                add(parent, parent, parent, "parent", "分公司名称所含的上级公司")
        elif (m := _BRACKET.match(name)) and m.group("place") not in (
            "中国",
            "中华人民共和国",
        ):
            place = parse_address(m.group("place"))
            if place is not None and place.province is not None:
                parent = m.group("stem") + m.group("form")
                add(
                    parent,
                    parent,
                    name,
                    "subsidiary",
                    f"名称带地名（{m.group('place')}），去掉后为“{parent}”",
                )
                if parent in known:
                    add(parent, parent, parent, "parent", "去掉地名后的公司名称")
    prefixes = place_prefixes()
    siblings: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for name in names:
        if not _COMPANY.search(name) or _BRANCH.match(name):
            continue
        split = _place_prefix(name, prefixes)
        if split is None:
            continue
        prefix, rest = split
        key = name_key(rest)
        if len(key) < MIN_STEM or rest[:1] in "省市县区":
            continue
        siblings[key].append((name, prefix, rest))
    for _key, members in siblings.items():
        places = {p for _n, p, _r in members}
        if len(places) < 2:
            continue
        stem = min(r for _n, _p, r in members)
        parent = stem if stem in known else None
        for name, prefix, _rest in members:
            add(
                stem,
                parent,
                name,
                "subsidiary",
                f"与{len(places) - 1}家公司仅地名不同（{prefix}）",
            )
        if parent:
            add(stem, parent, parent, "parent", "去掉地名后的公司名称")
    return out


_CODE = re.compile(r"^(?P<name>.+?)(?:-(?P<kind>[A-Z]))?$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
"""A source's standardised applicant: a group name and a type letter (incoPat's
标准化申请人 丰田公司-C, Derwent's patentee code TOYT-C), or a standardised Chinese name
alone (Patentics 中国人民解放军空军工程大学 for its 航空机务士官学校). Other identifiers
(PatentsView's assignee ids) name one applicant, not a group, and are not read."""


def _group_code(code: str) -> str | None:
    """The group name a standardised applicant gives, or None for another identifier."""
    match = _CODE.match(code)
    if match is None or not (match.group("kind") or _CJK.search(code)):
        return None
    return match.group("name")


def _coded_names(store: PatentStore) -> list[tuple[str, str]]:
    roles = ", ".join(f"'{r}'" for r in ORG_ROLES)
    return [
        (str(r[0]), str(r[1]))
        for r in store.rows(
            f"SELECT DISTINCT name, ext_id FROM parties WHERE role IN ({roles}) "
            "AND name IS NOT NULL AND ext_id IS NOT NULL ORDER BY 2, 1"
        )
    ]


def suggest_from_codes(pairs: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Group suggestions from the standardised applicant a source gives each name (pure):
    the names one code covers are members of one group named after the code, its parent
    the member of that very name, else unknown — a database's grouping is evidence to
    review, not a fact."""
    by_code: dict[str, set[str]] = defaultdict(set)
    for name, code in pairs:
        if _group_code(code) is not None:
            by_code[code].add(name)
    out: list[dict[str, Any]] = []
    for code, names in sorted(by_code.items()):
        if len(names) < 2:
            continue
        group = _group_code(code)
        # a member named as the group is its parent (空军工程大学 for its 士官学校)
        parent = group if group in names else None
        for name in sorted(names):
            out.append(
                {
                    "group_id": "G" + content_id("code", code),
                    "group_name": group,
                    "parent_name": parent,
                    "member_name": name,
                    "relation": "parent" if name == parent else "subsidiary",
                    "reason": f"来源数据的标准化申请人同为“{code}”（共 {len(names)} 个名称）",
                }
            )
    return out


@dataclass(frozen=True, slots=True)
class Suggestions:
    """What suggesting groups from names did."""

    groups: int
    members: int
    skipped_decided: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def suggest_groups(store: PatentStore) -> Suggestions:
    """Suggest groups from the names of applicants and enterprises, and from the
    standardised applicants a source gives (incoPat 标准化申请人), to review.

    Members already decided (accepted in any group, or rejected from this one) are not
    suggested again.
    """
    suggestions = [
        *suggest_from_names(_known_names(store)),
        *({**s, "source": "code"} for s in suggest_from_codes(_coded_names(store))),
    ]
    decided = {
        (str(r[0]), str(r[1]))
        for r in store.rows(
            "SELECT group_id, member_key FROM group_members "
            "WHERE status IN ('accepted', 'rejected')"
        )
    }
    accepted = {
        str(r[0])
        for r in store.rows(
            "SELECT member_key FROM group_members WHERE status = 'accepted'"
        )
    }
    now = _now()
    rows, skipped = [], 0
    for s in suggestions:
        key = name_key(s["member_name"]) or s["member_name"]
        if (s["group_id"], key) in decided or key in accepted:
            skipped += 1
            continue
        rows.append(
            {
                **s,
                "member_key": key,
                "group_source": "suggested",
                "source": "name",
                "status": "suggested",
                **({"source": s["source"]} if "source" in s else {}),
                "updated_at": now,
            }
        )
    unique = {(r["group_id"], r["member_key"]): r for r in rows}
    with store.transaction():
        store.execute("DELETE FROM group_members WHERE status = 'suggested'")
        if unique:
            _write_members(store, list(unique.values()))
        _drop_empty_groups(store)
    return Suggestions(
        groups=len({r["group_id"] for r in unique.values()}),
        members=sum(1 for r in unique.values() if r["relation"] != "parent"),
        skipped_decided=skipped,
    )


def _drop_empty_groups(store: PatentStore) -> None:
    store.execute(
        "DELETE FROM enterprise_groups g WHERE NOT EXISTS "
        "(SELECT 1 FROM group_members m WHERE m.group_id = g.group_id)"
    )


def decide_group(
    store: PatentStore, group_id: str, *, accept: bool, member: str | None = None
) -> Group:
    """Accept or reject a group's suggested members (or one of them, by name).

    Raises:
        InputError: no such group or member.
    """
    where, params = "group_id = ?", [group_id]
    if member:
        where += " AND (member_name = ? OR member_key = ?)"
        params += [member, name_key(member) or member]
    if not store.rows(f"SELECT 1 FROM group_members WHERE {where}", params):
        raise InputError(
            f"No group {group_id!r}"
            + (f" with member {member!r}" if member else "")
            + ". 'patnav enterprises groups --all' lists groups and members."
        )
    status = "accepted" if accept else "rejected"
    with store.transaction():
        store.execute(
            f"UPDATE group_members SET status = ?, updated_at = ? WHERE {where} "
            + ("" if member else "AND status = 'suggested'"),
            [status, _now(), *params],
        )
    return next(g for g in list_groups(store, status=None) if g.group_id == group_id)


def list_groups(store: PatentStore, *, status: str | None = None) -> list[Group]:
    """Groups with their members of ``status`` (None: every member)."""
    where, params = "TRUE", []
    if status:
        where, params = "m.status = ?", [status]
    roles = ", ".join(f"'{r}'" for r in ORG_ROLES)
    rows = store.rows(
        "WITH docs AS (SELECT name, count(DISTINCT doc_id) AS n FROM parties "
        f"WHERE role IN ({roles}) GROUP BY name) "
        "SELECT g.group_id, g.name, g.parent_name, g.source, m.member_name, m.relation, "
        "m.source, m.status, m.reason, coalesce(d.n, 0) "
        "FROM enterprise_groups g JOIN group_members m USING (group_id) "
        f"LEFT JOIN docs d ON d.name = m.member_name WHERE {where} "
        "ORDER BY g.name, g.group_id, CASE m.relation WHEN 'parent' THEN 0 ELSE 1 END, "
        "m.member_name",
        params,
    )
    groups: dict[str, tuple[tuple[str, str | None, str], list[Member]]] = {}
    for r in rows:
        entry = groups.setdefault(r[0], ((r[1], r[2], r[3]), []))
        entry[1].append(
            Member(
                name=r[4],
                relation=r[5],
                relation_label=RELATIONS_ZH.get(r[5], r[5]),
                source=r[6],
                status=r[7],
                status_label=STATUS_ZH.get(r[7], r[7]),
                reason=r[8],
                documents=int(r[9]),
            )
        )
    return [
        Group(gid, head[0], head[1], head[2], tuple(members))
        for gid, (head, members) in groups.items()
    ]


def group_keys_sql() -> str:
    """SQL of the relation (akey, group_key, group_name): the accepted group of every
    applicant key (``parties.entity_id``, else ``'name:' || name``) that belongs to one.

    A key matched to several groups takes the first by id. The statement reads only store
    tables, so every engine runs it.
    """
    roles = ", ".join(f"'{r}'" for r in ORG_ROLES)
    return f"""
        WITH m AS (
            SELECT gm.group_id, gm.member_name, gm.member_key, g.name AS group_name
            FROM group_members gm JOIN enterprise_groups g ON g.group_id = gm.group_id
            WHERE gm.status = 'accepted'
        ),
        hits AS (
            SELECT coalesce(p.entity_id, 'name:' || p.name) AS akey, m.group_id,
                   m.group_name
            FROM parties p JOIN m ON p.name = m.member_name
            WHERE p.role IN ({roles})
            UNION
            SELECT coalesce(p.entity_id, 'name:' || p.name) AS akey, m.group_id,
                   m.group_name
            FROM parties p JOIN m ON p.norm_name = m.member_key
            WHERE p.role IN ({roles})
            UNION
            SELECT a.entity_id AS akey, m.group_id, m.group_name
            FROM entity_aliases a JOIN m ON a.alias_key = m.member_key
        )
        SELECT akey, 'group:' || min(group_id) AS group_key,
               arg_min(group_name, group_id) AS group_name
        FROM hits WHERE akey IS NOT NULL GROUP BY akey
    """


def applicant_groups(store: PatentStore) -> dict[str, tuple[str, str]]:
    """The group (key, name) of every applicant key that belongs to an accepted group."""
    return {str(r[0]): (str(r[1]), str(r[2])) for r in store.rows(group_keys_sql())}
