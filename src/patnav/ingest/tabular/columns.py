"""Recognise the columns of patent-database exports, and read user column mappings.

Chinese databases (CNIPA 专利检索及分析, incoPat, PatSnap 智慧芽, innojoy 大为, SooPAT, CNKI,
HimmPat …) and international ones (Lens.org, Patentscope, Espacenet, Google Patents)
name the same fields differently. A header is normalised (full-width → half-width, case,
spaces and brackets removed: 公开（公告）号 → 公开公告号) and looked up in :data:`ALIASES`. Headers
that stay unrecognised are kept, value by value, in the record's ``extras`` and listed
in the import report; a mapping file assigns them to fields.

A mapping file (YAML)::

    name: 我的数据库导出            # shown in the import report
    match: [序号, 专利名称]          # optional: headers that identify this layout
    columns:                        # header as written → field (see FIELDS)
      专利名称(中文): title
      申请人(标准): applicants
    ignore: [序号, 下载]             # drop these columns entirely
    derive:                         # take a field out of another column with a regex
      pub_number: {column: href, pattern: "filename=([A-Z]{2}[0-9]+[A-Z][0-9]?)"}
    defaults: {office: CN, lang: zh}
    key_prefix: mydb                # namespace of `source_key` ids
    date_order: DMY                 # how to read ambiguous dates like 03/04/12
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from patnav.errors import MappingError


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A target field of the column mapping."""

    name: str
    doc: str
    multi: bool = False


FIELDS: dict[str, FieldSpec] = {
    f.name: f
    for f in (
        FieldSpec("pub_number", "publication (announcement) number 公开（公告）号"),
        FieldSpec("app_number", "application number 申请号"),
        FieldSpec(
            "patent_number", "patent number 专利号 (ZL… form of the application number)"
        ),
        FieldSpec("grant_pub_number", "grant announcement number 授权公告号"),
        FieldSpec("app_date", "filing date 申请日"),
        FieldSpec("pub_date", "publication date 公开（公告）日"),
        FieldSpec("grant_date", "grant date 授权公告日 / 颁证日"),
        FieldSpec("priority_date", "earliest priority date 最早优先权日"),
        FieldSpec("kind", "kind code"),
        FieldSpec("office", "publishing office / jurisdiction"),
        FieldSpec("patent_type", "专利类型: 发明, 实用新型, 外观设计 …"),
        FieldSpec("title", "title 名称 / 标题"),
        FieldSpec("title_en", "English title"),
        FieldSpec("abstract", "abstract 摘要"),
        FieldSpec("abstract_en", "English abstract"),
        FieldSpec("main_claim", "main (first independent) claim 主权项"),
        FieldSpec("claims", "full claims text 权利要求书"),
        FieldSpec("description", "description 说明书"),
        FieldSpec("applicants", "applicants 申请（专利权）人", multi=True),
        FieldSpec(
            "applicant_codes",
            "the source's standardised applicant of each applicant 标准化申请人 "
            "(incoPat [丰田公司-C]): kept as the applicant's ext_id",
            multi=True,
        ),
        FieldSpec("current_owners", "current owners 当前权利人", multi=True),
        FieldSpec("assignees", "assignees (US sense: owners at grant)", multi=True),
        FieldSpec("address", "address of the first applicant 地址"),
        FieldSpec("applicant_country", "country of the first applicant"),
        FieldSpec("province_code", "province of the first applicant 国省代码"),
        FieldSpec("applicant_type", "type of the first applicant 申请人类型"),
        FieldSpec("inventors", "inventors 发明（设计）人", multi=True),
        FieldSpec("agency", "patent agency 专利代理机构"),
        FieldSpec("agents", "patent agents 代理人", multi=True),
        FieldSpec("examiner", "examiner 审查员", multi=True),
        FieldSpec("ipc_main", "main IPC 主分类号"),
        FieldSpec("ipc", "IPC symbols 分类号", multi=True),
        FieldSpec("cpc_main", "main CPC"),
        FieldSpec("cpc", "CPC symbols", multi=True),
        FieldSpec("loc", "Locarno design classes 外观设计分类", multi=True),
        FieldSpec("uspc", "US classes", multi=True),
        FieldSpec("priorities", "priority claims 优先权", multi=True),
        FieldSpec("legal_status", "legal status 法律状态"),
        FieldSpec("family_id", "family id"),
        FieldSpec("cited_by_count", "times cited 被引次数"),
        FieldSpec("citations", "cited patents 引证专利", multi=True),
        FieldSpec(
            "npl_citations", "cited non-patent literature 非专利引证", multi=True
        ),
        FieldSpec("pct_app_number", "international application 国际申请"),
        FieldSpec("pct_pub_number", "international publication 国际公布"),
        FieldSpec("pct_entry_date", "national phase entry 进入国家日期"),
        FieldSpec(
            "parent_app_number", "original application of a divisional 分案原申请号"
        ),
        FieldSpec("expiry_date", "expiry date 失效日 / 届满日"),
        FieldSpec("source_key", "the source's own record id (when it gives no number)"),
        FieldSpec("label", "a technology label given by the source", multi=True),
        FieldSpec("lang", "language of title and abstract"),
        FieldSpec("claims_count", "number of claims 权利要求数量"),
        FieldSpec("cites_count", "patents it cites 引用专利数量 (backward citations)"),
        FieldSpec("cites_self_count", "of them, its applicant's own 本文自引用专利数"),
        FieldSpec(
            "cited_by_self_count",
            "citing patents of the same applicant 自引用本文专利数",
        ),
        FieldSpec("family_size", "members of the simple family 简单同族成员数量"),
        FieldSpec("family_members", "the simple family's members 简单同族", multi=True),
        FieldSpec("value", "the source's value estimate 专利价值 ($ 3,500)"),
        FieldSpec(
            "database",
            "the database an export comes from (a profile default): the source of its figures",
        ),
        FieldSpec(
            "legal_events", "legal events 法律状态事件 (授权、质押 …)", multi=True
        ),
        FieldSpec(
            "gbt4754",
            "national economy industries 国民经济分类 (GB/T 4754)",
            multi=True,
        ),
        FieldSpec(
            "sei",
            "strategic emerging industries 新兴产业分类, as the source assigns them",
            multi=True,
        ),
        FieldSpec("sei_main", "the main strategic emerging industry 新兴产业(主)"),
        FieldSpec(
            "owner_province", "province of the current owner 当前申请专利权人州省"
        ),
        FieldSpec("owner_city", "city of the current owner 当前申请专利权人地市"),
        FieldSpec(
            "owner_district", "district of the current owner 当前申请专利权人区县"
        ),
        FieldSpec(
            "effect_sentences", "技术功效句: sentences stating effects", multi=True
        ),
        FieldSpec("effect_phrases", "技术功效短语: effect phrases", multi=True),
        FieldSpec("effect_level1", "技术功效1级: first-level effects", multi=True),
        FieldSpec("effect_level2", "技术功效2级: second-level effects", multi=True),
        FieldSpec("effect_level3", "技术功效3级: third-level effects", multi=True),
        FieldSpec(
            "effect_triz", "技术功效TRIZ参数: TRIZ parameters (39-生产率)", multi=True
        ),
        FieldSpec(
            "validity",
            "validity 专利有效性 (有效/审中/失效): the status when no other is given",
        ),
    )
}

ALIASES: dict[str, tuple[str, ...]] = {
    "pub_number": (
        "公开（公告）号",
        "公开号",
        "公告号",
        "公开公告号",
        "公布号",
        "公开(公告)号",
        "公开号码",
        "文献号",
        "公开（公布）号",
        "公布公告号",
        "publication number",
        "publication no",
        "publication no.",
        "pub no",
        "pn",
        "patent/publication number",
        "publication_number",
        "公开号（标准）",
    ),
    "app_number": (
        "申请号",
        "申请号码",
        "专利申请号",
        "申请号（标准）",
        "application number",
        "application no",
        "application no.",
        "appl no",
        "application_number",
        "app number",
        "an",
        "申请号/专利号",
    ),
    "patent_number": ("专利号",),
    "grant_pub_number": ("授权公告号", "授权号", "grant number", "授权公告号码"),
    "app_date": (
        "申请日",
        "申请日期",
        "application date",
        "filing date",
        "app date",
        "application_date",
        "申请时间",
    ),
    "pub_date": (
        "公开（公告）日",
        "公开日",
        "公告日",
        "公开日期",
        "公开公告日",
        "公布日",
        "公开(公告)日",
        "公布公告日",
        "publication date",
        "pub date",
        "publication_date",
        "公开（公布）日",
    ),
    "grant_date": (
        "授权公告日",
        "授权日",
        "授权日期",
        "颁证日",
        "grant date",
        "issue date",
    ),
    "priority_date": (
        "最早优先权日",
        "优先权日",
        "earliest priority date",
        "priority date",
        "earliest priority",
    ),
    "kind": ("kind", "kind code", "文献类型代码", "文献种类代码"),
    "office": (
        "jurisdiction",
        "受理局",
        "公开国别",
        "国家/地区",
        "country",
        "publication country",
        "office",
        "受理国",
    ),
    "patent_type": (
        "专利类型",
        "专利种类",
        "patent type",
        "申请类型",
        "type",
        "document type",
    ),
    "title": (
        "名称",
        "标题",
        "专利名称",
        "发明名称",
        "标题（中文）",
        "中文标题",
        "title",
        "invention title",
        "名称（中文）",
        "专利名称（中文）",
    ),
    "title_en": ("英文标题", "标题（英文）", "english title", "title (english)"),
    "abstract": (
        "摘要",
        "中文摘要",
        "摘要（中文）",
        "申请摘要",
        "abstract",
        "abstract text",
    ),
    "abstract_en": ("英文摘要", "摘要（英文）", "english abstract"),
    "main_claim": (
        "主权项",
        "首项权利要求",
        "独立权利要求",
        "第一权利要求",
        "主权利要求",
        "first claim",
        "main claim",
    ),
    "claims": ("权利要求", "权利要求书", "claims", "claims text"),
    "description": ("说明书", "说明书全文", "description"),
    "applicants": (
        "申请（专利权）人",
        "申请人",
        "专利权人",
        "申请(专利权)人",
        "申请人名称",
        "原始申请（专利权）人",
        "[标]原始申请(专利权)人",
        "申请人/专利权人",
        "applicants",
        "applicant",
        "applicant name",
        "applicant(s)",
    ),
    "applicant_codes": ("标准化申请人", "标准申请人", "[标]标准化申请人"),
    "current_owners": (
        "当前权利人",
        "当前专利权人",
        "当前申请（专利权）人",
        "[标]当前申请(专利权)人",
        "owners",
        "current owner",
        "current owners",
        "current assignee",
    ),
    "assignees": ("assignee", "assignees", "受让人"),
    "address": (
        "地址",
        "申请人地址",
        "申请（专利权）人地址",
        "申请(专利权)人地址",
        "专利权人地址",
        "applicant address",
        "address",
    ),
    "applicant_country": (
        "申请人国家",
        "申请人国别",
        "申请人国别代码",
        "applicant country",
        "applicants country",
    ),
    "province_code": ("国省代码", "申请人省市", "省份", "申请人省份", "省市代码"),
    "applicant_type": ("申请人类型", "专利权人类型", "applicant type"),
    "inventors": (
        "发明（设计）人",
        "发明人",
        "设计人",
        "发明(设计)人",
        "发明人/设计人",
        "inventors",
        "inventor",
        "inventor name",
        "inventor(s)",
    ),
    "agency": (
        "代理机构",
        "专利代理机构",
        "代理机构名称",
        "patent agency",
        "agency",
    ),
    "agents": ("代理人", "专利代理人", "agents", "agent", "attorney", "attorney/agent"),
    "examiner": ("审查员", "examiner", "primary examiner"),
    "ipc_main": (
        "主分类号",
        "主ipc",
        "ipc主分类",
        "ipc主分类号",
        "主分类",
        "ipc main",
        "main ipc",
        "首个ipc",
    ),
    "ipc": (
        "分类号",
        "ipc",
        "ipc分类号",
        "ipc分类",
        "国际专利分类号",
        "ipcr classifications",
        "ipc classifications",
        "ipcr",
        "international classification",
        "国际分类",
    ),
    "cpc_main": ("cpc主分类号", "主cpc", "cpc main"),
    "cpc": ("cpc", "cpc分类号", "cpc classifications", "cpc分类"),
    "loc": ("外观设计分类号", "洛迦诺分类号", "洛迦诺分类", "locarno classification"),
    "uspc": ("us classifications", "uspc", "美国分类号"),
    "priorities": (
        "优先权",
        "优先权号",
        "优先权信息",
        "优先权号码",
        "priority numbers",
        "priority data",
        "priority number",
        "priorities",
    ),
    "legal_status": (
        "法律状态",
        "当前法律状态",
        "简单法律状态",
        "法律状态（简单）",
        "有效性",
        "legal status",
        "status",
    ),
    "family_id": (
        "同族id",
        "family id",
        "docdb family id",
        "inpadoc family id",
        "家族id",
    ),
    "cited_by_count": (
        "被引用次数",
        "引用本文专利数",
        "被引证次数",
        "被引次数",
        "被引用专利数量",
        "被引证数",
        "cited count",
        "cited by patent count",
        "times cited",
        "cited by count",
    ),
    "citations": (
        "引证专利",
        "引用专利",
        "引证文献",
        "参考文献",
        "cited patents",
        "cites",
    ),
    "npl_citations": (
        "非专利引证",
        "非专利引用文献",
        "non-patent citations",
        "npl citations",
    ),
    "pct_app_number": ("国际申请", "国际申请号", "pct申请号", "pct application number"),
    "pct_pub_number": (
        "国际公布",
        "国际公开号",
        "国际公布号",
        "pct公开号",
        "pct publication",
    ),
    "pct_entry_date": ("进入国家日期", "进入国家阶段日期", "pct national phase date"),
    "parent_app_number": ("分案原申请号", "原申请号", "parent application"),
    "expiry_date": ("失效日", "失效日期", "届满日", "专利权届满日", "expiry date"),
    "source_key": ("id", "record id", "记录号"),
    "label": ("label", "label_id", "技术分类标签"),
    "lang": ("language", "语言", "lang"),
    "claims_count": (
        "权利要求数",
        "权利要求数量",
        "权利要求项数",
        "权项数",
        "claims count",
        "claim count",
        "number of claims",
    ),
    "cites_count": ("引用专利数量", "本文引用专利数", "引证专利数量", "引证次数"),
    "cites_self_count": ("本文自引用专利数", "自引用专利数"),
    "cited_by_self_count": ("自引用本文专利数", "被自引用次数"),
    "family_size": (
        "简单同族成员数量",
        "简单同族数量",
        "同族专利数",
        "同族数量",
        "同族成员数量",
        "simple family size",
        "family size",
    ),
    "family_members": ("简单同族", "简单同族成员", "同族专利"),
    "value": ("专利价值", "专利估值", "价值评估", "patent value"),
    "legal_events": ("法律状态事件", "法律事件", "legal events"),
    "gbt4754": ("国民经济分类", "国民经济行业分类", "国民经济行业"),
    "sei": ("新兴产业分类", "战略新兴产业分类", "战略性新兴产业分类", "战略性新兴产业"),
    "sei_main": ("新兴产业(主)", "新兴产业主"),
    "owner_province": (
        "当前申请专利权人州省",
        "当前申请(专利权)人州/省",
        "当前权利人省份",
        "当前专利权人省份",
    ),
    "owner_city": (
        "当前申请专利权人地市",
        "当前申请(专利权)人地市",
        "当前权利人城市",
        "当前专利权人城市",
    ),
    "owner_district": (
        "当前申请专利权人区县",
        "当前申请(专利权)人区县",
        "当前权利人区县",
        "当前专利权人区县",
    ),
    "validity": ("专利有效性",),
    "effect_sentences": ("技术功效句", "功效句"),
    "effect_phrases": ("技术功效短语", "功效短语"),
    "effect_level1": ("技术功效1级", "技术功效一级"),
    "effect_level2": ("技术功效2级", "技术功效二级"),
    "effect_level3": ("技术功效3级", "技术功效三级"),
    "effect_triz": ("技术功效triz参数", "triz参数"),
}


def normalize_header(header: object) -> str:
    """The lookup form of a header: NFKC, lower case, spaces and brackets removed."""
    text = unicodedata.normalize("NFKC", str(header)).strip().lower()
    text = text.lstrip("\ufeff")
    return re.sub(r"[\s()\[\]（）【】{}:：_·.。\-/]+", "", text)


_LOOKUP: dict[str, str] = {}
for _field, _names in ALIASES.items():
    for _name in _names:
        _key = normalize_header(_name)
        if _key in _LOOKUP and _LOOKUP[_key] != _field:
            raise AssertionError(f"header {_name!r} maps to two fields")
        _LOOKUP[_key] = _field
    _LOOKUP.setdefault(normalize_header(_field), _field)


def recognise(header: object) -> str | None:
    """The field a header names, or None. PatSnap marks its standardised columns with
    ``[标]`` ([标]当前申请(专利权)人州/省): the marker does not change the field."""
    key = normalize_header(header)
    found = _LOOKUP.get(key)
    if found is None and key.startswith("标"):
        found = _LOOKUP.get(key[1:])
    return found


@dataclass(frozen=True, slots=True)
class Derivation:
    """Take a field's value out of another column with a regular expression."""

    column: str
    pattern: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """A user's or a built-in profile's mapping of headers to fields."""

    name: str
    columns: dict[str, str] = field(default_factory=dict)
    ignore: frozenset[str] = frozenset()
    match: tuple[str, ...] = ()
    derive: dict[str, Derivation] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    key_prefix: str | None = None
    date_order: str | None = None
    origin: str = ""

    def matches(self, headers: Iterable[object]) -> bool:
        """Whether every ``match`` header is among ``headers``."""
        present = {normalize_header(h) for h in headers if h is not None}
        return bool(self.match) and all(
            normalize_header(m) in present for m in self.match
        )

    def field_for(self, header: object) -> str | None:
        """The field this mapping assigns to a header (exact or normalised), if any."""
        key = normalize_header(header)
        for name, target in self.columns.items():
            if name == header or normalize_header(name) == key:
                return target
        return None

    def ignores(self, header: object) -> bool:
        key = normalize_header(header)
        return any(normalize_header(name) == key for name in self.ignore)


MAX_MAPPING_BYTES = 1024 * 1024
"""Largest mapping file read; YAML is parsed only below it."""


def load_mapping(source: Path | str, *, text: str | None = None) -> ColumnMapping:
    """Read and validate a mapping file.

    Raises:
        MappingError: the file is not valid YAML or names an unknown field.
    """
    origin = str(source)
    try:
        if text is None:
            with Path(source).open("rb") as f:
                data = f.read(MAX_MAPPING_BYTES + 1)
            size = len(data)
        else:
            size = len(text.encode("utf-8"))
        if size > MAX_MAPPING_BYTES:
            raise MappingError(
                f"The mapping file {origin} is over {MAX_MAPPING_BYTES:,} bytes; a column "
                "mapping is a few lines. Check that this is the right file."
            )
        if text is None:
            text = data.decode("utf-8")
        raw = yaml.safe_load(text)
    except UnicodeDecodeError as exc:
        raise MappingError(
            f"The mapping file {origin} is not UTF-8 text ({exc.reason}). Save it as "
            "UTF-8."
        ) from exc
    except OSError as exc:
        raise MappingError(f"Cannot read the mapping file {origin}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise MappingError(
            f"The mapping file {origin} is not valid YAML: {exc}"
        ) from exc
    if not isinstance(raw, dict):
        raise MappingError(
            f"The mapping file {origin} must be a YAML mapping with a 'columns:' section; "
            f"found {type(raw).__name__}."
        )
    known = {
        "name",
        "match",
        "columns",
        "ignore",
        "derive",
        "defaults",
        "key_prefix",
        "date_order",
    }
    unknown = set(raw) - known
    if unknown:
        raise MappingError(
            f"The mapping file {origin} has unknown keys {sorted(unknown)}; expected "
            f"some of {sorted(known)}."
        )
    columns = raw.get("columns") or {}
    if not isinstance(columns, dict):
        raise MappingError(f"'columns' in {origin} must map header → field.")
    for header, target in columns.items():
        _check_field(target, origin, f"column '{header}'")
    derive: dict[str, Derivation] = {}
    for target, spec in (raw.get("derive") or {}).items():
        _check_field(target, origin, "derive")
        if not isinstance(spec, dict) or "column" not in spec or "pattern" not in spec:
            raise MappingError(
                f"derive.{target} in {origin} needs 'column' and 'pattern' (a regex with "
                "one group)."
            )
        try:
            pattern = re.compile(str(spec["pattern"]))
        except re.error as exc:
            raise MappingError(
                f"derive.{target} in {origin}: bad pattern: {exc}"
            ) from exc
        derive[target] = Derivation(str(spec["column"]), pattern)
    defaults = {str(k): str(v) for k, v in (raw.get("defaults") or {}).items()}
    for target in defaults:
        _check_field(target, origin, "defaults")
    date_order = raw.get("date_order")
    if date_order is not None and date_order not in {"DMY", "MDY", "YMD"}:
        raise MappingError(f"date_order in {origin} must be DMY, MDY or YMD.")
    return ColumnMapping(
        name=str(raw.get("name") or Path(origin).stem),
        columns={str(k): str(v) for k, v in columns.items()},
        ignore=frozenset(str(x) for x in raw.get("ignore") or ()),
        match=tuple(str(x) for x in raw.get("match") or ()),
        derive=derive,
        defaults=defaults,
        key_prefix=raw.get("key_prefix"),
        date_order=date_order,
        origin=origin,
    )


def _check_field(target: Any, origin: str, where: str) -> None:
    if target not in FIELDS:
        close = [f for f in FIELDS if f.startswith(str(target)[:3])]
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise MappingError(
            f"{where} in {origin} maps to unknown field '{target}'.{hint} "
            "See 'patnav import --help' for the list of fields."
        )


@lru_cache(maxsize=1)
def builtin_profiles() -> tuple[ColumnMapping, ...]:
    """The mapping profiles shipped with patnav (layouts recognised by their headers)."""
    folder = resources.files("patnav.ingest.tabular") / "profiles"
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            out.append(
                load_mapping(f"builtin:{entry.name}", text=entry.read_text("utf-8"))
            )
    return tuple(out)


def find_profile(headers: Sequence[object]) -> ColumnMapping | None:
    """The built-in profile whose ``match`` headers all appear, if any."""
    for profile in builtin_profiles():
        if profile.matches(headers):
            return profile
    return None
