"""Word lists kept as data: the patent-drafting stoplists, the technical vocabularies'
words, the curated English–Chinese glossary, and where the reference tables lie.

The stoplists (``vocab/stopwords_zh.txt`` and ``stopwords_en.txt``, each section saying why
its words are there) hold claim language (所述, 其特征在于, wherein, non-transitory), figure
and drawing words (如图, 示意图, drawing, shows), the Derwent abstract template (novelty,
advantage), generic nouns (装置, 方法, device, system, box) and the end-user devices
abstracts list as examples of use (laptop, tablet). ``vocab/glossary_en_zh.tsv`` names
English terms in Chinese (``drone`` → 无人机).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

VOCAB = Path(__file__).parent / "vocab"
"""The folder of the word lists shipped with patnav."""
GLOSSARY = VOCAB / "glossary_en_zh.tsv"
"""The curated English–Chinese glossary: ``english<TAB>中文`` per line, ``#`` comments."""

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def read_words(path: Path) -> frozenset[str]:
    """The words of a stoplist file: whitespace-separated, ``#`` starts a comment."""
    out: set[str] = set()
    for line in path.read_text("utf-8").splitlines():
        out.update(line.split("#", 1)[0].split())
    return frozenset(out)


BOILERPLATE_ZH = read_words(VOCAB / "stopwords_zh.txt")
"""Chinese patent-drafting words (套语, generic nouns, figure words): never hot terms."""
BOILERPLATE_EN = read_words(VOCAB / "stopwords_en.txt")
"""English patent-drafting words (claim language, figures, the DWPI template, generic
nouns, end-user devices): never hot terms, nor part of a two-word term."""


def curated_glossary() -> list[tuple[str, str]]:
    """The curated glossary's pairs (English term, Chinese form), in file order."""
    out: list[tuple[str, str]] = []
    for line in GLOSSARY.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        en, zh = line.split("\t", 1)
        out.append((en.strip(), zh.strip()))
    return out


@lru_cache(maxsize=4)
def technical_vocabulary(dictionaries: tuple[Path, ...]) -> frozenset[str]:
    """The words of the technical vocabularies: a Chinese term is kept when it is one of
    them, so 光纤 or 带式输送机 count and 组成, 特点, 可以 do not."""
    words: set[str] = set()
    for path in dictionaries:
        for line in path.read_text("utf-8", errors="replace").splitlines():
            word = line.split("\t", 1)[0].split(" ", 1)[0].strip()
            if 2 <= len(word) <= 12 and _CJK.search(word):
                words.add(word)
    return frozenset(words - BOILERPLATE_ZH)


def singular(word: str) -> str:
    """An English word or phrase with each word in the singular (batteries → battery,
    drones → drone): how stoplists and the glossary match words."""
    out = []
    for w in word.split():
        if len(w) > 4 and w.endswith("ies"):
            w = w[:-3] + "y"
        elif w.endswith(("sses", "shes", "ches", "xes")):
            w = w[:-2]
        elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
            w = w[:-1]
        out.append(w)
    return " ".join(out)


def dictionary_files(data_dir: Path) -> list[Path]:
    """The word lists under ``reference/dictionaries`` of the real-data directory."""
    root = data_dir / "reference" / "dictionaries"
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*.txt") if p.name.upper() != "LICENSE.TXT")


def ipc_titles_file(data_dir: Path) -> Path | None:
    """The bilingual IPC title table of the real-data directory, if it is there."""
    path = data_dir / "reference" / "ipc" / "ipc_2026_01_zh_en.tsv"
    return path if path.is_file() else None
