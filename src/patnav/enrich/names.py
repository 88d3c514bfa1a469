"""Matching keys for party names: the same organisation, spelt many ways, gets one key.

``华为技术有限公司``, ``华为技术股份有限公司`` and ``华为技术公司`` all key to ``华为技术``;
``HUAWEI TECH CO LTD``, ``Huawei Technologies Co., Ltd.`` and ``HUAWEI TECHNOLOGIES CO LTD``
all key to ``huawei technology``. A key is what entity resolution compares; it is never
shown to a user.

Chinese names: NFKC (full width to half width), no spaces or punctuation, ``(中国)`` dropped,
other bracketed places kept (``腾讯科技(深圳)`` and ``腾讯科技(上海)`` are different legal
entities), company forms stripped from the end (股份有限公司, 有限责任公司, 有限公司, 集团,
株式会社 …), and a leading place written with or without 省/市 made one form
(``深圳市大疆`` = ``深圳大疆``).

Latin names: mojibake repaired (``MÃ¼nchen``), accents folded, lower case, ``&`` read as
*and*, punctuation to spaces, abbreviations expanded (UNIV, RES, INST, TECH, MFG, CORP …),
plural tokens made singular, filler words (the, of, and) dropped, company forms stripped
from both ends (Inc, Corp, Co, Ltd, LLC, plc, GmbH, AG, KG, S.A., SpA, B.V., N.V., KK,
Kabushiki Kaisha, OOO …), governing bodies dropped (*Regents of*, *Board of Trustees of*),
and the United States government's "as represented by the Secretary of …" form reduced to
``us`` plus the agency.

Variants one key cannot hold (acronyms, word order, spacing, Chinese short names) are
linked by :mod:`patnav.enrich.variants`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pyarrow as pa
from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein

from patnav.enrich.base import EnrichContext, StepReport, changed_rows
from patnav.enrich.gazetteer import place_prefixes
from patnav.storage.store import PatentStore

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_MOJIBAKE = re.compile(r"[ÃÂâ][\x80-\xbf\u0100-\u024f\u2018-\u203a\u20ac\u0152-\u0192]")


def has_cjk(text: str) -> bool:
    """True when ``text`` contains a Chinese (CJK unified) character."""
    return _CJK.search(text) is not None


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 text decoded as Windows-1252/Latin-1, once or twice: ``MÃƒÂ¼nchen``."""
    for _ in range(3):
        if not _MOJIBAKE.search(text):
            break
        try:
            repaired = text.encode("cp1252").decode("utf-8")
        except UnicodeError:
            try:
                repaired = text.encode("latin-1").decode("utf-8")
            except UnicodeError:
                break
        if repaired == text:
            break
        text = repaired
    return text


# -- Chinese -----------------------------------------------------------------------

_ZH_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "集团股份公司",
    "有限公司",
    "股份公司",
    "集团公司",
    "总公司",
    "公司",
    "株式会社",
    "有限会社",
    "合资会社",
    "普通合伙",
    "有限合伙",
    "集团",
)
_ZH_FORM_END = re.compile("(?:" + "|".join(_ZH_FORMS) + ")$")
_ZH_FORM_START = re.compile("^(?:株式会社|有限会社)")
_ZH_COUNTRY_BRACKET = re.compile(
    r"[(\[{]\s*(?:中国|中华人民共和国|china|prc)\s*[)\]}]", re.I
)
_ZH_STRIP = re.compile(
    r"[\s\"'`·•.,;:!?，。、；：！？“”‘’「」『』《》<>()\[\]{}（）【】〔〕\-_/\\|*#@~^+=]"
)
_ZH_PLACE_SUFFIX = re.compile(r"^(.{2,4}?)(?:省|市)")


# Taiwan's register writes where a foreign applicant comes from before its name:
# 大陆商北京嘀嘀无限科技发展有限公司 is 北京嘀嘀无限科技发展有限公司.
_ZH_ORIGIN = re.compile(
    "^(?:中国大陆商|大陆商|英属开曼群岛商|开曼群岛商|英属维尔京群岛商|香港商|港商|美商|日商|韩商"
    "|德商|英商|法商|荷兰商|瑞士商|新加坡商)(?=.{4})"
)
_ZH_PARTNERSHIP = re.compile("(?:有限责任合伙企业|有限合伙企业|普通合伙企业|合伙企业)$")


def zh_has_form(name: str) -> bool:
    """True when a Chinese name ends in a company form (有限公司, 株式会社, 集团 …)."""
    text = _ZH_STRIP.sub("", unicodedata.normalize("NFKC", name))
    return (
        _ZH_FORM_END.search(text) is not None or _ZH_FORM_START.match(text) is not None
    )


def _zh_key(text: str, places: frozenset[str], rules: bool = True) -> str:
    text = _ZH_COUNTRY_BRACKET.sub("", text)
    text = _ZH_STRIP.sub("", text)
    if rules:
        text = _ZH_PARTNERSHIP.sub("", _ZH_ORIGIN.sub("", text)) or text
    for _ in range(3):  # 集团股份有限公司: strip form, then 集团
        stripped = _ZH_FORM_END.sub("", text)
        stripped = _ZH_FORM_START.sub("", stripped)
        if stripped == text or len(stripped) < 2:
            break
        text = stripped
    m = _ZH_PLACE_SUFFIX.match(text)
    # 深圳市大疆 = 深圳大疆; but 青岛市市立医院 and 青岛市立医院 keep their 市
    if (
        m
        and m.group(1) in places
        and len(text) > m.end() + 1
        and text[m.end()] not in "省市县区立"
    ):
        text = m.group(1) + text[m.end() :]
    return text


# -- Latin ---------------------------------------------------------------------------

_ABBREVIATIONS = {
    "univ": "university",
    "universitat": "university",
    "universite": "university",
    "universidad": "university",
    "universita": "university",
    "universiteit": "university",
    "res": "research",
    "rech": "research",
    "dev": "development",
    "devel": "development",
    "inst": "institute",
    "instit": "institute",
    "institut": "institute",
    "instituto": "institute",
    "istituto": "institute",
    "tech": "technology",
    "techn": "technology",
    "technol": "technology",
    "technologies": "technology",
    "tecnologia": "technology",
    "mfg": "manufacturing",
    "manuf": "manufacturing",
    "intl": "international",
    "int": "international",
    "internat": "international",
    "natl": "national",
    "nat": "national",
    "assn": "association",
    "assoc": "association",
    "ass": "association",
    "dept": "department",
    "secy": "secretary",
    "sec": "secretary",
    "lab": "laboratory",
    "labs": "laboratory",
    "labo": "laboratory",
    "ctr": "center",
    "cent": "center",
    "centre": "center",
    "cntr": "center",
    "sys": "system",
    "syst": "system",
    "eng": "engineering",
    "engn": "engineering",
    "engr": "engineering",
    "elect": "electric",
    "elec": "electric",
    "electr": "electric",
    "chem": "chemical",
    "pharm": "pharmaceutical",
    "pharma": "pharmaceutical",
    "pharmaceut": "pharmaceutical",
    "med": "medical",
    "sci": "science",
    "scient": "science",
    "hosp": "hospital",
    "fdn": "foundation",
    "found": "foundation",
    "agric": "agriculture",
    "agr": "agriculture",
    "gov": "government",
    "govt": "government",
    "admin": "administrator",
    "adm": "administrator",
    "amer": "america",
    "mach": "machine",
    "prod": "product",
    "ind": "industry",
    "indus": "industry",
    "industrie": "industry",
    "industrial": "industry",
    "svc": "service",
    "serv": "service",
    "comm": "communication",
    "commun": "communication",
    "telecom": "telecommunication",
    "mot": "motor",
    "elektr": "electric",
    "electronics": "electronic",
    "aeronaut": "aeronautic",
    "aerosp": "aerospace",
    "calif": "california",
    "tx": "texas",
    "ny": "new york",
    "st": "saint",
    "mt": "mount",
    "jr": "junior",
}

# Company forms, as token sequences, stripped from the end (and from the start for those
# languages that put them first). Longest first.
_FORMS_END = sorted(
    (
        tuple(f.split())
        for f in (
            "inc",
            "incorporated",
            "corp",
            "corporation",
            "co",
            "company",
            "cos",
            "companies",
            "ltd",
            "limited",
            "llc",
            "l l c",
            "llp",
            "lp",
            "plc",
            "p l c",
            "pty",
            "pte",
            "gmbh",
            "mbh",
            "ag",
            "kg",
            "kgaa",
            "ohg",
            "ev",
            "e v",
            "sa",
            "s a",
            "sas",
            "sarl",
            "spa",
            "s p a",
            "srl",
            "s r l",
            "sl",
            "sau",
            "bv",
            "b v",
            "nv",
            "n v",
            "ab",
            "oy",
            "oyj",
            "as",
            "asa",
            "aps",
            "a s",
            "kk",
            "k k",
            "kabushiki kaisha",
            "kabushikikaisha",
            "kabushiki gaisha",
            "yugen kaisha",
            "chusik hoesa",
            "jusik hoesa",
            "sdn bhd",
            "bhd",
            "ltda",
            "sociedad anonima",
            "societe anonyme",
            "aktiengesellschaft",
            "gesellschaft mbh",
            "and co",
            "co kg",
            "cie",
            "et cie",
            "compagnie",
            "et compagnie",
            "zao",
            "ooo",
            "oao",
            "pao",
            "pjsc",
            "jsc",
            "se",
        )
    ),
    key=len,
    reverse=True,
)
_FORMS_START = sorted(
    (
        tuple(f.split())
        for f in (
            "kabushiki kaisha",
            "kabushikikaisha",
            "kk",
            "ooo",
            "zao",
            "oao",
            "pao",
            "ao",
            "pt",
            "cv",
            "societe anonyme",
            "societe",
            "ste",
            "compagnie",
            "cie",
        )
    ),
    key=len,
    reverse=True,
)
_FILLER = frozenset(
    {
        "the",
        "of",
        "and",
        "for",
        "a",
        "an",
        "de",
        "du",
        "des",
        "der",
        "la",
        "le",
        "les",
        "et",
        "und",
        "pour",
        "di",
        "del",
        "della",
        "y",
        "e",
        "en",
        "at",
        "in",
        "on",
    }
)
_GOVERNING = frozenset(
    {
        "regent",
        "regents",
        "reagent",  # a common misspelling of regents, never a university's name
        "trustee",
        "trustees",
        "board",
        "bd",
        "president",
        "fellow",
        "fellows",
        "curator",
        "supervisor",
        "registrar",
        "acting",
        "behalf",
        "through",
        "governor",
        "governer",
    }
)
_GOVERNING_V1 = frozenset(
    {
        "regent",
        "regents",
        "trustee",
        "trustees",
        "board",
        "president",
        "fellow",
        "fellows",
    }
)
_NBER_CODE = re.compile(r"\s+[A-Z]{2,3}\s+[A-Z]{2,3}\s+COD\s+\d+\s*$")
"""USPTO assignee-record residue at the end of a name: ``… STA MD COD 06``."""
_ACADEMIC = frozenset({"university", "college", "institute", "school"})
_US_GOV_DROP = frozenset(
    {
        "secretary",
        "department",
        "administrator",
        "government",
        "united",
        "state",
        "us",
        "america",
        "represented",
        "as",
        "by",
        "office",
        "general",
        "counsel",
    }
)
GENERIC_WORDS: frozenset[str] = frozenset(
    """
    university college institute school academy polytechnic research foundation development
    technology technical system international national american america general universal
    electric electronic electrical motor company corporation incorporated limited chemical
    pharmaceutical medical medicine science scientific engineering industry industrial
    manufacturing product service communication telecommunication network software data
    computer energy power oil gas petroleum steel metal material plastic glass paper textile
    food agricultural agriculture machine machinery equipment instrument device tool automotive
    aircraft aerospace aviation aeronautic marine ship transport transportation holding group
    trust partner partnership associate enterprise venture capital global world united state
    city county north south east west northern southern eastern western central new first
    advanced applied precision laboratory center department office hospital health clinical
    biotechnology biological biomedical life genetic optical photonic laser semiconductor
    solution design control display imaging lighting solar environmental environment water
    home building construction innovation innovative digital mobile wireless video audio
    media bank financial insurance investment commercial trading royal federal republic
    kingdom government ministry secretary administration agency authority commission council
    board association society institution division dynamic instrument packaging mechanical
    information generation telephone education higher acting behalf represented director
    supervisor trustee regent president fellow junior saint mount
    """.split()  # noqa: SIM905  (a word list reads better as text)
) - {"industrial"}
"""Words that say what kind of body a name is rather than which one; typos of them are
corrected (``Univeristy``, ``Genral``, ``Corportion``), and fuzzy matching compares the
other words."""

_TYPO_VOCABULARY = tuple(
    sorted(
        """
        university corporation company incorporated limited international technology
        laboratory institute research foundation association industry manufacturing
        engineering electronic communication development pharmaceutical chemical america
        american general national kabushiki kaisha aktiengesellschaft gesellschaft compagnie
        societe system science medical instrument product service agriculture administration
        department secretary represented aircraft aerospace
        """.split()  # noqa: SIM905  (a word list reads better as text)
    )
)


_TYPO_VARIANTS = tuple(sorted({*_TYPO_VOCABULARY, "electric", "hospital", "division"}))
"""The typo vocabulary of the name-variant rules: *Elecric*, *Hosptial*, *Divison* too."""

# Abbreviations inside a name (a company form at either end is dropped anyway):
# *General Dynamics Corp. Electronics Div.* = *… Corporation Electronics Division*.
_VARIANT_ABBREVIATIONS = {
    "corp": "corporation",
    "div": "division",
    "divn": "division",
    "dir": "director",
    "cie": "compagnie",
    "american": "america",
    "americas": "america",
    "universitaet": "university",
    "universidade": "university",
    "technische": "technical",
    "technischen": "technical",
}


@lru_cache(maxsize=1 << 16)
def _fix_token(token: str, variants: bool = True) -> str:
    """A misspelt common word made right: univeristy → university, corportion → corporation.

    Only words that name a kind of body, misspelt by one edit (two in words of eleven
    letters or more) and starting with the right letter: ``genral`` is ``general``, but
    ``generic`` stays ``generic`` and ``walter`` stays ``walter``.
    """
    vocabulary = _TYPO_VARIANTS if variants else _TYPO_VOCABULARY
    if len(token) < 6 or token in vocabulary or not token.isalpha():
        return token
    limit = 1 if len(token) < 11 else 2
    best = process.extract(
        token, vocabulary, scorer=OSA.distance, score_cutoff=limit, limit=2
    )
    if not best or (len(best) > 1 and best[1][1] == best[0][1]):
        return token
    word = str(best[0][0])
    return word if word[0] == token[0] else token


_SPLIT = re.compile(r"[^0-9a-z]+")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")


_NOT_PLURAL = ("ss", "us", "is", "as", "os", "ys")


def _singular(token: str) -> str:
    if len(token) <= 3 or not token.endswith("s") or token.endswith(_NOT_PLURAL):
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    return token[:-1]


def _near(token: str, word: str, max_distance: int = 2) -> bool:
    return Levenshtein.distance(token, word, score_cutoff=max_distance) <= max_distance


def _us_government(tokens: list[str]) -> list[str] | None:
    """``The United States of America as represented by the Secretary of the Navy`` → us navy."""
    for i, token in enumerate(tokens[:14]):
        if len(token) >= 9 and token[0] == "r" and _near(token, "represented"):
            head = tokens[:i]
            if not any(
                _near(t, "america", 1) or t in {"us", "usa"} for t in head
            ) and not (
                any(_near(t, "united", 1) for t in head)
                and any(_near(t, "states", 1) or t == "state" for t in head)
            ):
                return None
            rest = [t for t in tokens[i + 1 :] if t not in _US_GOV_DROP]
            return ["us", *rest]
    return None


def _latin_tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold()  # before the letters below: Ø and Æ fold to ø and æ
    text = (
        text.replace("æ", "ae").replace("ø", "o").replace("œ", "oe").replace("ł", "l")
    )
    text = text.replace("đ", "d").replace("ı", "i").replace("þ", "th")
    text = _BRACKETS.sub(" ", text)
    text = text.replace("&", " and ").replace("+", " and ")
    text = re.sub(r"(?<=\w)['’](?=\w)", "", text)  # L'Oreal, Regents'
    # dotted initials are one token: s.a., n.v., p.l.c. -> sa, nv, plc
    text = re.sub(r"\b((?:[a-z]\.){2,})", lambda m: m.group(1).replace(".", ""), text)
    tokens = [t for t in _SPLIT.split(text) if t]
    return tokens


def _index(forms: list[tuple[str, ...]], at: int) -> dict[str, list[tuple[str, ...]]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for form in forms:  # longest first, as sorted
        index.setdefault(form[at], []).append(form)
    return index


_END_INDEX = _index(_FORMS_END, -1)
_START_INDEX = _index(_FORMS_START, 0)


def _strip_forms(tokens: list[str]) -> list[str]:
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        for form in _END_INDEX.get(tokens[-1], ()):
            n = len(form)
            if len(tokens) > n and tuple(tokens[-n:]) == form:
                tokens = tokens[:-n]
                changed = True
                break
        for form in _START_INDEX.get(tokens[0], ()):
            n = len(form)
            if len(tokens) > n and tuple(tokens[:n]) == form:
                tokens = tokens[n:]
                changed = True
                break
    return tokens


def _drop_governing(words: list[str]) -> list[str]:
    """``Arizona Board of Regents on behalf of the University of Arizona`` → university arizona.

    Only in names of academic bodies: the governing words go, and so do the words before
    them when they are repeated after them (the state a board is named after).
    """
    first = next((i for i, t in enumerate(words) if t in _GOVERNING), None)
    if first is not None and 0 < first < len(words) - 1:
        head, tail = words[:first], words[first + 1 :]
        if set(head) <= set(tail):
            words = words[first:]
    return [t for t in words if t not in _GOVERNING] or words


def _research_development(tokens: list[str]) -> list[str]:
    """``R&D``, ``R & D``, ``R and D`` read as research development."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if tokens[i] == "r" and tokens[i + 1 : i + 3] == ["and", "d"]:
            out += ["research", "development"]
            i += 3
        elif tokens[i] == "r" and tokens[i + 1 : i + 2] == ["d"]:
            out += ["research", "development"]
            i += 2
        else:
            out.append(tokens[i])
            i += 1
    return out


def _latin_key(text: str, rules: bool = True) -> str:
    if rules:
        text = _NBER_CODE.sub("", text)
    tokens = _latin_tokens(text)
    # a leading register number (``501 Regents of the University of California``)
    while rules and len(tokens) > 3 and len(tokens[0]) >= 3 and tokens[0].isdigit():
        tokens = tokens[1:]
    if not tokens:
        return ""
    if rules:
        tokens = _research_development(tokens)
    if tokens[:2] == ["u", "s"]:
        tokens = ["us", *tokens[2:]]
    if tokens[0] == "the" and len(tokens) > 1:
        tokens = tokens[1:]
    gov = _us_government(tokens)
    if gov is not None:
        tokens = gov
    words = [w for t in tokens for w in _ABBREVIATIONS.get(t, t).split()]
    words = [
        _ABBREVIATIONS.get(w, w)
        for w in (_fix_token(_singular(t), rules) for t in words)
    ]
    if rules:
        words = [_VARIANT_ABBREVIATIONS.get(w, w) for w in words]
    if words[0] == "us" and len(words) > 2:  # US SEC OF AGRIC: the US Secretary of ...
        words = ["us", *(t for t in words[1:] if t not in _US_GOV_DROP)]
    words = _strip_forms(words)
    if _ACADEMIC.intersection(words):
        if rules:
            words = _drop_governing(words)
        else:
            words = [t for t in words if t not in _GOVERNING_V1] or words
    kept = [t for t in words if t not in _FILLER]
    kept = _strip_forms(kept or words)
    return " ".join(kept)


@lru_cache(maxsize=1 << 18)
def name_key(name: str, *, variant_rules: bool = True) -> str:
    """The matching key of a party name; ``""`` when nothing meaningful is left.

    ``variant_rules=False`` gives the keys as they were before the name-variant rules
    of issue 20 (more governing bodies, register numbers, R&D, USPTO record codes,
    abbreviations inside a name, *American*, Taiwan origin prefixes, partnership forms);
    the benchmark runs both, the old as its baseline.
    """
    text = unicodedata.normalize("NFKC", fix_mojibake(name)).strip()
    if not text:
        return ""
    if has_cjk(text):
        key = _zh_key(text.casefold(), place_prefixes(), variant_rules)
        # 株式会社WITS: once the Chinese form is gone, a Latin name is keyed as one
        return key if has_cjk(key) else _latin_key(key, variant_rules)
    return _latin_key(text, variant_rules)


def script_of(name: str) -> str:
    """``zh`` for a name with Chinese characters, else ``en`` (any Latin-script name)."""
    return "zh" if has_cjk(name) else "en"


# -- the step ---------------------------------------------------------------------------


class NameKeys:
    """Fill ``parties.norm_name`` with each name's matching key."""

    name = "names"
    label = "名称规范化"

    def run(self, store: PatentStore, ctx: EnrichContext) -> StepReport:
        """Key every distinct party name; update the rows whose key changed."""
        names = store.query(
            "SELECT DISTINCT name FROM parties WHERE name IS NOT NULL"
        ).column(0)
        values = [str(n) for n in names.to_pylist()]
        keys = [name_key(n) or None for n in values]
        data = pa.table({"name": values, "key": keys})
        with store.staged("enrich_name_keys", data) as staged:
            changed = changed_rows(
                store.rows(
                    f"UPDATE parties SET norm_name = s.key FROM {staged} s "
                    "WHERE parties.name = s.name AND parties.norm_name IS DISTINCT FROM s.key"
                )
            )
            cleared = changed_rows(
                store.rows(
                    "UPDATE parties SET norm_name = NULL "
                    "WHERE name IS NULL AND norm_name IS NOT NULL"
                )
            )
        distinct_keys = len({k for k in keys if k})
        examples = tuple(
            f"{n} → {k}"
            for n, k in zip(values, keys, strict=True)
            if k and n.casefold() != k
        )[:5]
        return StepReport(
            self.name,
            changed + cleared,
            {"names": len(values), "keys": distinct_keys},
            examples,
        )
