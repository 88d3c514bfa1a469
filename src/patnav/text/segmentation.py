"""Text analysis for ranking: Chinese segmentation and English stemming.

Chinese text is segmented by jieba in search mode (a long word and the dictionary words
inside it: 光纤连接器 → 光纤, 连接, 连接器, 光纤连接器) with jieba's own dictionary plus the
technical vocabularies in ``reference/dictionaries`` (THUOCL and 26 domain word lists,
~611k terms). English words are lower-cased, stop words dropped, and stemmed with the
Snowball English stemmer (fibers → fiber, optical → optic).

Building jieba's prefix dictionary from ~1.5 million entries takes seconds, so it is built
once and cached (words and frequencies as plain arrays, keyed by the **contents** of the
dictionary files: the same word lists copied elsewhere, or unpacked again with new file
times, are the same analyzer); later loads take well under a second. A full-text index
keeps a copy of the table it was built with (:meth:`Segmenter.keep_in`), so a process
without the word lists can still search it (:meth:`Segmenter.recorded`).
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from patnav.errors import StoreError
from patnav.text.matching import CJK_RANGES, LATIN_RANGES, fold, has_cjk

ANALYZER_VERSION = "1"
"""Changes whenever tokens would change: indexes built with another version are rebuilt."""

_DICT_FILTER = re.compile(f"^[{CJK_RANGES}]{{2,12}}$")
_DOMAIN_MIN_FREQ = 3
_LATIN_WORD = re.compile(f"[{LATIN_RANGES}]+")

ENGLISH_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "said",
        "such",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "this",
        "to",
        "was",
        "were",
        "wherein",
        "which",
        "with",
        "whereby",
        "thereof",
        "comprising",
        "comprises",
        "comprise",
        "include",
        "includes",
        "including",
    ]
)
CHINESE_STOP = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "等",
        "在",
        "为",
        "是",
        "其",
        "所",
        "该",
        "将",
        "由",
        "于",
        "上",
        "中",
        "下",
        "内",
        "对",
        "以",
        "并",
        "且",
        "有",
        "一",
        "个",
        "之",
        "可",
        "本",
        "所述",
        "一种",
        "其中",
        "包括",
        "设有",
        "用于",
        "通过",
        "其特征在于",
        "特征",
        "本发明",
        "本实用新型",
        "实用新型",
        "发明",
        "涉及",
        "公开",
        "提供",
        "具有",
        "以及",
        "进行",
        "采用",
        "使",
        "使得",
        "能够",
        "从而",
        "分别",
        "相应",
        "所示",
        "如图",
    ]
)


_LOADED: dict[str, tuple[Any, int, float | None]] = {}
_LOADING = threading.Lock()
_DIGESTS: dict[tuple[str, int, int], str] = {}
RECORD_FILE = "analyzer.json"
"""What a folder holding a kept segmenter table says about it (:meth:`Segmenter.keep_in`)."""


def file_digest(path: Path) -> str:
    """The SHA-1 of a file's contents (remembered per path, size and time in this
    process: the word lists are read once)."""
    stat = path.stat()
    memo = (str(path), stat.st_size, stat.st_mtime_ns)
    found = _DIGESTS.get(memo)
    if found is None:
        h = hashlib.sha1()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                h.update(chunk)
        found = _DIGESTS[memo] = h.hexdigest()
    return found


_TABLE_SUFFIXES = (".words", ".freq.npy")


def default_cache_dir() -> Path:
    """The segmenter cache shared by every process of this machine."""
    return Path(tempfile.gettempdir()) / "patnav-segmenter"


def _has_table(folder: Path, key: str) -> bool:
    return all((folder / f"{key}{suffix}").is_file() for suffix in _TABLE_SUFFIXES)


class Segmenter:
    """jieba with the technical vocabularies, built once and loaded from a cache.

    ``dictionaries`` are word lists (a word, optionally followed by a count, per line);
    with none, jieba's own dictionary alone is used. The cache lives in ``cache_dir``
    (default: a ``patnav-segmenter`` folder in the system's temporary directory).

    A segmenter made by :meth:`recorded` has no word lists of its own: it loads the table
    a full-text index kept beside itself, under the key it was built with.
    """

    def __init__(
        self,
        dictionaries: Sequence[Path] = (),
        cache_dir: Path | None = None,
        *,
        pinned: tuple[str, tuple[str, ...]] | None = None,
    ):
        self.dictionaries = tuple(dictionaries)
        self.cache_dir = cache_dir or default_cache_dir()
        self._tokenizer: Any = None
        self.pinned = pinned
        self.load_seconds: float | None = None
        self.words: int = 0

    @classmethod
    def recorded(cls, folder: Path) -> Segmenter | None:
        """The segmenter whose table an index kept in ``folder`` (:meth:`keep_in`), or
        None when the folder holds none (or one of another analyzer version)."""
        try:
            record = json.loads((folder / RECORD_FILE).read_text("utf-8"))
            key = str(record["key"])
            names = tuple(str(n) for n in record["dictionaries"])
            version = str(record["version"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if version != ANALYZER_VERSION:
            return None
        # the shared cache holds the same table when this machine built it: one load
        # per process for every store, instead of one per index folder
        for place in (default_cache_dir(), folder):
            if _has_table(place, key):
                return cls((), place, pinned=(key, names))
        return None

    @property
    def names(self) -> tuple[str, ...]:
        """The names of the word lists (recorded ones for a :meth:`recorded` segmenter)."""
        if self.pinned is not None:
            return self.pinned[1]
        return tuple(p.name for p in self.dictionaries)

    @property
    def has_vocabularies(self) -> bool:
        """Whether technical word lists are added to jieba's own dictionary."""
        return bool(self.dictionaries) or (
            self.pinned is not None and bool(self.pinned[1])
        )

    @property
    def key(self) -> str:
        """Identifies the dictionary: jieba and analyzer versions and the word lists'
        contents (never their paths or file times)."""
        if self.pinned is not None:
            return self.pinned[0]
        import jieba

        h = hashlib.sha1(f"{jieba.__version__}|{ANALYZER_VERSION}".encode())
        for path in self.dictionaries:
            h.update(f"|{file_digest(path)}".encode())
        return h.hexdigest()[:16]

    def keep_in(self, folder: Path) -> None:
        """Keep this segmenter's table in ``folder`` (hard links to the cache where the
        file system allows, else copies), with a record of its key; other tables kept
        there are removed. Nothing is kept for jieba's own dictionary alone: jieba
        rebuilds that anywhere."""
        if not self.has_vocabularies:
            return
        key = self.key
        if folder.resolve() != self.cache_dir.resolve() and not _has_table(folder, key):
            self.tokenizer()  # builds the cache files when they are missing
            folder.mkdir(parents=True, exist_ok=True)
            for suffix in _TABLE_SUFFIXES:
                source = self.cache_dir / f"{key}{suffix}"
                target = folder / f"{key}{suffix}"
                tmp = target.with_name(target.name + f".{os.getpid()}.tmp")
                try:
                    os.link(source, tmp)
                except OSError:
                    shutil.copyfile(source, tmp)
                os.replace(tmp, target)
        record = {
            "key": key,
            "dictionaries": list(self.names),
            "version": ANALYZER_VERSION,
        }
        text = json.dumps(record, ensure_ascii=False)
        path = folder / RECORD_FILE
        if not path.exists() or path.read_text("utf-8") != text:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")
        for old in folder.iterdir():
            if old.name.endswith(_TABLE_SUFFIXES) and not old.name.startswith(key):
                old.unlink(missing_ok=True)

    def tokenizer(self) -> Any:
        """The loaded jieba tokenizer (built or read from the cache on first use; shared
        by every segmenter of the same dictionaries in this process)."""
        if self._tokenizer is None:
            with _LOADING:
                key = f"{self.key}|{self.cache_dir}"
                loaded = _LOADED.get(key)
                if loaded is None:
                    loaded = _LOADED[key] = (
                        self._load(),
                        self.words,
                        self.load_seconds,
                    )
                self._tokenizer, self.words, self.load_seconds = loaded
        return self._tokenizer

    def _load(self) -> Any:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        started = time.perf_counter()
        words_file = self.cache_dir / f"{self.key}.words"
        freq_file = self.cache_dir / f"{self.key}.freq.npy"
        if not (words_file.exists() and freq_file.exists()):
            if self.pinned is not None:
                raise StoreError(
                    f"The segmenter table {self.key} is missing from {self.cache_dir}: "
                    "delete the search index folder to rebuild it."
                )
            self._build(words_file, freq_file)
        enabled = gc.isenabled()
        gc.disable()  # a dict of 1.5M strings: the collector would walk it repeatedly
        try:
            words = words_file.read_text("utf-8").split("\n")
            freqs = np.load(freq_file)
            table = dict(zip(words, freqs.tolist(), strict=True))
        finally:
            if enabled:
                gc.enable()
        tokenizer = jieba.Tokenizer()
        tokenizer.FREQ = table
        tokenizer.total = int(freqs.sum())
        tokenizer.initialized = True
        self.words = int(np.count_nonzero(freqs))
        self.load_seconds = time.perf_counter() - started
        return tokenizer

    def _build(self, words_file: Path, freq_file: Path) -> None:
        import jieba

        freq: dict[str, int] = {}
        with jieba.get_dict_file() as handle:
            for raw in handle:
                parts = raw.decode("utf-8").split()
                if len(parts) >= 2:
                    freq[parts[0]] = int(parts[1])
        for path in self.dictionaries:
            for line in path.read_text("utf-8", errors="replace").splitlines():
                parts = line.split()
                if not parts or not _DICT_FILTER.match(parts[0]) or parts[0] in freq:
                    continue
                count = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
                freq[parts[0]] = max(count, _DOMAIN_MIN_FREQ)
        table = dict(freq)
        for word in freq:  # jieba's prefix dictionary: every prefix, with frequency 0
            for i in range(1, len(word)):
                table.setdefault(word[:i], 0)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        # write to temporary names, then rename: parallel processes may build at once
        tmp = f".{os.getpid()}.{threading.get_ident()}.tmp"
        words_tmp = words_file.with_name(words_file.name + tmp)
        freq_tmp = freq_file.with_name(freq_file.name + tmp + ".npy")
        words_tmp.write_text("\n".join(table), "utf-8")
        np.save(freq_tmp, np.fromiter(table.values(), dtype=np.int64, count=len(table)))
        os.replace(freq_tmp, freq_file)
        os.replace(words_tmp, words_file)

    def cut(self, text: str) -> list[str]:
        """Search-mode segmentation of Chinese text (no HMM guessing of new words)."""
        return list(self.tokenizer().cut_for_search(text, HMM=False))


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """The Snowball English stem of a lower-case word."""
    return _stemmer().stemWord(word)  # type: ignore[no-any-return]


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def english_tokens(text: str) -> list[str]:
    """Lower-cased, stemmed English words without stop words."""
    out = []
    for word in _LATIN_WORD.findall(text):
        w = fold(word)
        if w not in ENGLISH_STOP:
            out.append(stem(w))
    return out


class Analyzer:
    """Turns text into ranking tokens: jieba words for Chinese, stems for English."""

    version = ANALYZER_VERSION

    def __init__(self, segmenter: Segmenter | None = None) -> None:
        self.segmenter = segmenter or Segmenter()

    def tokens(self, text: str | None) -> list[str]:
        """The tokens of a text, in order, repeated as often as they occur."""
        if not text:
            return []
        if not has_cjk(text):
            return english_tokens(text)
        out: list[str] = []
        for token in self.segmenter.cut(text):
            if has_cjk(token):
                if token not in CHINESE_STOP:
                    out.append(token)
            elif _LATIN_WORD.search(token):
                out.extend(english_tokens(token))
        return out

    def query_tokens(self, text: str) -> list[str]:
        """The distinct tokens of a query, in first-seen order."""
        return list(dict.fromkeys(self.tokens(text)))

    def describe(self) -> dict[str, Any]:
        """The analyzer's configuration, recorded in an index to know when to rebuild."""
        return {
            "version": self.version,
            "dictionaries": list(self.segmenter.names),
            "key": self.segmenter.key,
        }

    def legacy_signature(self) -> str | None:
        """The signature patnav gave this analyzer before it keyed dictionaries by their
        contents (file names, sizes and times): an index recorded with it on this
        machine, with these very files, was built by this analyzer. None for a
        :meth:`Segmenter.recorded` segmenter."""
        segmenter = self.segmenter
        if segmenter.pinned is not None:
            return None
        import jieba

        h = hashlib.sha1(f"{jieba.__version__}|{ANALYZER_VERSION}".encode())
        try:
            for path in segmenter.dictionaries:
                stat = path.stat()
                h.update(f"|{path.name}|{stat.st_size}|{int(stat.st_mtime)}".encode())
        except OSError:
            return None
        described = {
            "version": self.version,
            "dictionaries": [p.name for p in segmenter.dictionaries],
            "key": h.hexdigest()[:16],
        }
        return hashlib.sha1(json.dumps(described, sort_keys=True).encode()).hexdigest()[
            :16
        ]

    def signature(self) -> str:
        """A short stable hash of what decides the tokens: the analyzer version and the
        dictionary's contents (:attr:`Segmenter.key`), not the word lists' names."""
        return hashlib.sha1(
            json.dumps(
                {"version": self.version, "key": self.segmenter.key}, sort_keys=True
            ).encode()
        ).hexdigest()[:16]
