"""Text analysis for ranking: Chinese segmentation and English stemming.

Chinese text is segmented by jieba in search mode (a long word and the dictionary words
inside it: 光纤连接器 → 光纤, 连接, 连接器, 光纤连接器) with jieba's own dictionary plus the
technical vocabularies in ``reference/dictionaries`` (THUOCL and 26 domain word lists,
~611k terms). English words are lower-cased, stop words dropped, and stemmed with the
Snowball English stemmer (fibers → fiber, optical → optic).

Building jieba's prefix dictionary from ~1.5 million entries takes seconds, so it is built
once and cached (words and frequencies as plain arrays, keyed by the dictionary files'
names, sizes and times); later loads take well under a second.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
import re
import tempfile
import threading
import time
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from patnav.search.textmatch import CJK_RANGES, LATIN_RANGES, fold, has_cjk

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


def dictionary_files(data_dir: Path) -> list[Path]:
    """The word lists under ``reference/dictionaries`` of the real-data directory."""
    root = data_dir / "reference" / "dictionaries"
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*.txt") if p.name.upper() != "LICENSE.TXT")


class Segmenter:
    """jieba with the technical vocabularies, built once and loaded from a cache.

    ``dictionaries`` are word lists (a word, optionally followed by a count, per line);
    with none, jieba's own dictionary alone is used. The cache lives in ``cache_dir``
    (default: a ``patnav-segmenter`` folder in the system's temporary directory).
    """

    def __init__(
        self, dictionaries: Sequence[Path] = (), cache_dir: Path | None = None
    ):
        self.dictionaries = tuple(dictionaries)
        self.cache_dir = cache_dir or Path(tempfile.gettempdir()) / "patnav-segmenter"
        self._tokenizer: Any = None
        self.load_seconds: float | None = None
        self.words: int = 0

    @property
    def key(self) -> str:
        """Identifies the dictionary contents: jieba version, files, sizes, times."""
        import jieba

        h = hashlib.sha1(f"{jieba.__version__}|{ANALYZER_VERSION}".encode())
        for path in self.dictionaries:
            stat = path.stat()
            h.update(f"|{path.name}|{stat.st_size}|{int(stat.st_mtime)}".encode())
        return h.hexdigest()[:16]

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
            "dictionaries": [p.name for p in self.segmenter.dictionaries],
            "key": self.segmenter.key,
        }

    def signature(self) -> str:
        """A short stable hash of :meth:`describe`."""
        return hashlib.sha1(
            json.dumps(self.describe(), sort_keys=True).encode()
        ).hexdigest()[:16]
