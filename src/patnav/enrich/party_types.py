"""What kind of body a party is: company, university, institute, hospital, individual,
government or other — read from the name, in Chinese and in English.

Chinese names say what they are at the end (``…大学第二附属医院`` is a hospital,
``…研究所有限公司`` a company), so the organisation word that ends last decides; a name
with 公司 anywhere is a company (``广东电网有限责任公司佛山供电局`` is a branch, not a
government bureau). Two to four Chinese characters with no organisation word are a person.

English names: a company form (Inc, Co, Ltd, GmbH, AG, KK …) makes a company; then
hospital, university, research-institute and government words, in that order; a name of two
to four plain words with none of these is a person (Lens writes ``SURNAME GIVEN``,
Thomson ``Surname, Given``). The step also counts an applicant as a person when the same
document lists the same name among its inventors.

The type a source gives (``申请人类型``, Thomson's sector) is kept; the step fills the rest.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pyarrow as pa

from patnav.enrich.base import EnrichContext, StepReport, changed_rows
from patnav.enrich.names import _ABBREVIATIONS, GENERIC_WORDS, fix_mojibake, has_cjk
from patnav.schema.records import PartyType
from patnav.storage.store import PatentStore

COMPANY = PartyType.COMPANY
UNIVERSITY = PartyType.UNIVERSITY
INSTITUTE = PartyType.INSTITUTE
HOSPITAL = PartyType.HOSPITAL
INDIVIDUAL = PartyType.INDIVIDUAL
GOVERNMENT = PartyType.GOVERNMENT
OTHER = PartyType.OTHER

# -- Chinese -----------------------------------------------------------------------

_ZH_WORDS: tuple[tuple[PartyType, str], ...] = (
    (COMPANY, r"公司|有限|株式会社|会社|集团|企业|工厂|厂|合作社|商行|经营部|门市部|销售部|服务部"
     r"|加工部|制造部|商店|店|工作室|事务所|银行|合伙|酒店|宾馆|农场|牧场|煤矿|矿|车间|作坊"
     r"|电站|电厂|供电局|电业局|电力局|股份"),
    (HOSPITAL, r"医院|卫生院|保健院|诊所|急救中心|血站|医疗中心|卫生服务中心|门诊部"),
    (UNIVERSITY, r"大学|学院|研究生院|学校|中学|小学|幼儿园|党校|高等专科|专科学校|技校"),
    (INSTITUTE, r"研究院|研究所|研究中心|科学院|设计院|勘察院|勘测院|规划院|实验室|试验站|实验站"
     r"|试验场|检测中心|检验中心|测试中心|检测所|检验所|监测站|监测中心|推广站|推广中心|技术中心"
     r"|工程中心|科学技术协会|科技馆|气象台|天文台|博物馆|图书馆|研究基地|研发中心|育种站|农科所"
     r"|农科院|疾病预防控制中心"),
    (GOVERNMENT, r"人民政府|政府|管理局|局|委员会|管委会|厅|公安|法院|检察院|海关|部队|武警|军区"
     r"|解放军|管理处|管理站|管理所|办公室|监督站|大队|支队|中队|指挥部|总站|人民武装"),
    (OTHER, r"协会|学会|基金会|商会|联合会|促进会|联盟|俱乐部|研究会|中心|基地|站|社"),
)  # fmt: skip
_ZH_PATTERNS = tuple((kind, re.compile(words)) for kind, words in _ZH_WORDS)
_ZH_COMPANY_FORM = re.compile(r".*(?:公司|有限|株式会社|会社|合伙|合作社)")
_ZH_PERSON = re.compile(
    r"^[\u4e00-\u9fff]{2,4}$|^[\u4e00-\u9fff]{1,8}[·•.][\u4e00-\u9fff]{1,10}$"
)
_ZH_CLEAN = re.compile(r"[\s()（）\[\]【】]")
_ZH_PREPARING = re.compile(
    r"(?<=.)(?:筹备|筹建)(?:办公室|工作组|领导小组|委员会|处|组|办)$"
)
"""A body's preparatory office (清华-伯克利深圳学院筹备办公室) is of the body's type."""


def _classify_zh(name: str) -> PartyType:
    text = _ZH_PREPARING.sub("", _ZH_CLEAN.sub("", name))
    ends: dict[PartyType, int] = {}
    for kind, pattern in _ZH_PATTERNS:
        for m in pattern.finditer(text):
            ends[kind] = max(ends.get(kind, -1), m.end())
    if not ends:
        return INDIVIDUAL if _ZH_PERSON.match(text) else OTHER
    strong = _ZH_COMPANY_FORM.search(text)
    if strong and not (HOSPITAL in ends and ends[HOSPITAL] >= strong.end()):
        return COMPANY  # a company's bureau, institute or centre is still the company
    specific = {k: v for k, v in ends.items() if k is not OTHER} or ends
    return max(specific, key=lambda k: (specific[k], -_PRIORITY.index(k)))


# on a tie the more specific word wins: 科学院 also contains 学院
_PRIORITY = (COMPANY, HOSPITAL, INSTITUTE, UNIVERSITY, GOVERNMENT, OTHER, INDIVIDUAL)

# -- Latin ------------------------------------------------------------------------------

_EN_FORMS = re.compile(
    r"\b(?:inc|incorporated|corp|corporation|co|cos|company|companies|ltd|limited|llc|llp|lp|plc"
    r"|gmbh|mbh|ag|kg|kgaa|ohg|sa|sas|sarl|spa|srl|sl|sau|bv|nv|ab|oy|oyj|asa|aps|a/s|kk|pty"
    r"|pte|bhd|sdn|ltda|cie|zao|ooo|oao|pao|pjsc|jsc|kabushiki|kaisha|gaisha|holding|holdings"
    r"|group|industries|enterprises|trading|manufacturing|mfg|ventures|partners|studios?"
    r"|technologies|aktiengesellschaft|societe|societa|sociedad|s\.?a\.?|s\.?p\.?a\.?"
    r"|ug|haftungsbeschraenkt|haftungsbeschrankt|aoot|ooo|zao|oao|gup|fgup|korporatsija"
    r"|obschestvo|tovarishchestvo)\b|\b(?:as|a/s)$"
)
_EN_HOSPITAL = re.compile(
    r"spital\b|\b(?:hospital|hospitals|hosp|clinic|clinics|klinik|klinikum|kliniken|hopital|hopitaux"
    r"|ospedale|medical (?:center|centre|ctr)|health system|cancer center|nhs trust"
    r"|infirmary|sanatorium|charite)\b"
)
_EN_UNIVERSITY = re.compile(
    r"\b(?:obrazovani\w*|univ|university|universities|universitat|universitaet|universite|universidad"
    r"|universidade|universita|universiteit|universitet|uniwersytet|college|polytechnic"
    r"|politecnico|hochschule|fachhochschule|ecole|school|institute of technology"
    r"|inst of tech|academy(?! of sciences?)|kaist|caltech)\b"
)
_EN_INSTITUTE = re.compile(
    r"\b(?:institute|institut|instituto|istituto|inst|research|res|laboratory|laboratories"
    r"|lab|labs|academy of sciences?|forschung\w*|fraunhofer|max planck|cnrs|inserm|inra"
    r"|commissariat|centre national|center for|council for scientific|csiro|tno|rikenn?"
    r"|academia sinica|recherche|ricerca|investigacion\w*|caas|cas|nii|niii)\b"
)
_EN_GOVERNMENT = re.compile(
    r"\b(?:government|govt|gov|ministry|minister|secretary|sec|department|dept|represented"
    r"|state of|city of|county of|republic|commonwealth|agency|administration|administrator"
    r"|commission|navy|army|air force|etat|bundesrepublik|federal|kingdom|municipality"
    r"|prefecture|nasa|national aeronautics|usda)\b"
)
_EN_STATE = re.compile(r"\b(?:represented|secretary|ministry|government|govt)\b")
_EN_OTHER = re.compile(
    r"\b(?:association|assoc|assn|society|foundation|fdn|fund|trust|council|federation"
    r"|union|club|church|museum|e\.? ?v\.?|ev|verein|stiftung)\b"
)
# Thomson and WIPO write persons as SURNAME Given (``GLASS John I.``, ``DE NADAL Eulalia``)
_SURNAME_GIVEN = re.compile(
    r"^[A-Z][A-Z'\-]+(?: [A-Z][A-Z'\-]+)*,? [A-Z][a-z][a-z'\-]*(?:[ \-][A-Z][a-z'\-]*\.?)*$"
)
_EN_PERSON_TOKEN = re.compile(r"^[a-z][a-z'\-]*\.?$")
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "dr", "prof"})
_NOT_NAMES = frozenset(
    """
    korea korean japan china chinese deutschland germany france french europe european
    america usa uk britain british canada australia india russia italia italy espana swiss
    asia pacific telecomm telecom tech electronic electronics material team dynamic
    aerial drone drones robotic robotics aero air sky space vision network networks media
    """.split()  # noqa: SIM905  (a word list reads better as text)
)


def _classify_en(name: str) -> PartyType:
    text = fix_mojibake(name)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("&", " and ")
    flat = re.sub(r"[^\w'./\- ]+", " ", text.replace(";", " "))
    flat = re.sub(r"\s+", " ", flat).strip()
    university = _EN_UNIVERSITY.search(flat) is not None
    has_form = _EN_FORMS.search(flat.replace(".", "")) or _EN_FORMS.search(flat)
    # e.V. is a registered association; a university's research foundation, however
    # incorporated, counts with the university
    association = re.search(r"\be\.? ?v\b", flat) is not None
    if has_form and not association and not (university and "foundation" in flat):
        return COMPANY
    if _EN_HOSPITAL.search(flat):
        return HOSPITAL
    if university:
        return UNIVERSITY
    if _EN_STATE.search(flat):
        return GOVERNMENT
    if _EN_GOVERNMENT.search(flat) and not _EN_INSTITUTE.search(flat):
        return GOVERNMENT
    if _EN_INSTITUTE.search(flat):
        return INSTITUTE
    if _EN_GOVERNMENT.search(flat):
        return GOVERNMENT
    if _looks_like_person(text) or _SURNAME_GIVEN.match(name.strip()):
        return INDIVIDUAL
    if _EN_OTHER.search(flat):
        return OTHER
    return COMPANY


def _looks_like_person(text: str) -> bool:
    """``SMITH JOHN A``, ``Smith, John A.``, ``de la Cruz, Maria``: two to five name words."""
    if re.search(r"\d", text):
        return False
    parts = [p.strip() for p in text.split(",")]
    if len(parts) > 3 or any(not p for p in parts):
        return False
    tokens = [t for t in re.split(r"[\s,;]+", text) if t and t not in _SUFFIXES]
    if not 2 <= len(tokens) <= 5:
        return False
    if not all(_EN_PERSON_TOKEN.match(t) for t in tokens):
        return False
    # a word that names a kind of business or a country is no part of a person's name
    words = {_ABBREVIATIONS.get(t.strip(".'"), t.strip(".'")) for t in tokens}
    words |= {w[:-1] for w in words if w.endswith("s")}
    return not (words & GENERIC_WORDS or words & _NOT_NAMES)


@lru_cache(maxsize=1 << 17)
def classify_party(name: str) -> PartyType | None:
    """The party type a name shows, or None for an empty name."""
    text = unicodedata.normalize("NFKC", name or "").strip()
    if not text:
        return None
    if has_cjk(text):
        return _classify_zh(text)
    return _classify_en(text)


# -- the step ---------------------------------------------------------------------------

ORG_ROLES = ("applicant", "assignee", "current_owner")


class PartyTypes:
    """Fill ``parties.party_type`` of applicants, assignees and owners the source left open."""

    name = "party_types"
    label = "申请人类型"

    def run(self, store: PatentStore, ctx: EnrichContext) -> StepReport:
        """Type each distinct open name; an applicant who is also an inventor is a person."""
        roles = ", ".join(f"'{r}'" for r in ORG_ROLES)
        open_names = store.query(
            f"SELECT DISTINCT name FROM parties WHERE role IN ({roles}) "
            "AND party_type IS NULL AND name IS NOT NULL"
        ).column(0)
        values = [str(n) for n in open_names.to_pylist()]
        kinds = [classify_party(n) for n in values]
        data = pa.table(
            {"name": values, "kind": [str(k) if k else None for k in kinds]},
            schema=pa.schema([("name", pa.string()), ("kind", pa.string())]),
        )
        with store.staged("enrich_party_types", data) as staged:
            # the same name among the document's inventors: a person, whatever it looks like
            as_inventor = changed_rows(
                store.rows(
                    f"UPDATE parties SET party_type = 'individual' "
                    f"WHERE role IN ({roles}) AND party_type IS NULL AND EXISTS ("
                    "  SELECT 1 FROM parties i WHERE i.doc_id = parties.doc_id "
                    "  AND i.role = 'inventor' AND i.norm_name = parties.norm_name)"
                )
            )
            by_name = changed_rows(
                store.rows(
                    f"UPDATE parties SET party_type = s.kind FROM {staged} s "
                    f"WHERE parties.name = s.name AND parties.role IN ({roles}) "
                    "AND parties.party_type IS NULL AND s.kind IS NOT NULL"
                )
            )
        counts = dict(
            store.rows(
                f"SELECT coalesce(party_type, '(unknown)'), count(*) FROM parties "
                f"WHERE role IN ({roles}) GROUP BY 1 ORDER BY 2 DESC"
            )
        )
        examples = tuple(
            f"{n} → {k}" for n, k in list(zip(values, kinds, strict=True))[:5] if k
        )
        return StepReport(
            self.name,
            as_inventor + by_name,
            {
                "typed_by_name": by_name,
                "typed_as_inventor": as_inventor,
                "by_type": {str(k): int(v) for k, v in counts.items()},
            },
            examples,
        )
