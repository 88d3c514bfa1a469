"""How a text term matches text, as SQL and as index grams that agree with it.

The rules (see ``docs/search.md``):

- A term is split into **pieces** at spaces and punctuation; a phrase's pieces must
  follow each other with only spaces or punctuation between them.
- A piece holds runs of **Latin word characters** (``A-Z a-z 0-9`` and accented Latin
  letters), runs of **CJK characters** (Chinese, Japanese kana, Korean) and wildcards.
- A piece that starts (ends) with a Latin run must start (end) at a word boundary: ``fiber``
  does not match ``fibers``, ``LED`` does not match ``OLED``. CJK runs match as substrings,
  the way Chinese databases do: ``光纤`` matches ``光纤连接器``.
- Letters match case-insensitively.
- ``*`` matches any number of word characters, ``?`` exactly one; inside a Latin word
  only Latin word characters (``fib*`` matches ``fiber`` and ``fibrous``, not
  ``fib光``), next to CJK any word characters up to a space or punctuation
  (``光*纤`` matches ``光导纤`` and ``光学纤``).

The index side (:func:`text_grams`) records, per document and field, every CJK character,
every pair of adjacent CJK characters and every lower-cased Latin word. A term that matches
a text needs certain of these grams (:func:`requirements`), so the documents holding them
are a superset of the matches — the index narrows the search and the SQL predicate decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Latin word characters: ASCII letters and digits, accented Latin letters, full-width
# letters and digits; CJK: kana, CJK ideographs (with extensions), Hangul syllables.
_LATIN_SPANS = (
    ("A", "Z"), ("a", "z"), ("0", "9"), ("\u00c0", "\u00d6"), ("\u00d8", "\u00f6"),
    ("\u00f8", "\u024f"), ("\uff10", "\uff19"), ("\uff21", "\uff3a"), ("\uff41", "\uff5a"),
)  # fmt: skip
_CJK_SPANS = (
    ("\u3040", "\u30ff"), ("\u3400", "\u4dbf"), ("\u4e00", "\u9fff"), ("\uac00", "\ud7af"),
    ("\uf900", "\ufaff"), ("\U00020000", "\U0002ffff"),
)  # fmt: skip


def _python_class(spans: tuple[tuple[str, str], ...]) -> str:
    return "".join(f"{a}-{b}" for a, b in spans)


def _re2_class(spans: tuple[tuple[str, str], ...]) -> str:
    # RE2 (DuckDB) spells code points as \x{…}
    return "".join(f"\\x{{{ord(a):04X}}}-\\x{{{ord(b):04X}}}" for a, b in spans)


LATIN_RANGES = _python_class(_LATIN_SPANS)
CJK_RANGES = _python_class(_CJK_SPANS)
_RE2_LATIN = _re2_class(_LATIN_SPANS)
_RE2_CJK = _re2_class(_CJK_SPANS)

_RUN = re.compile(f"([{LATIN_RANGES}]+)|([{CJK_RANGES}]+)|([*?]+)")
_PIECE = re.compile(f"[{LATIN_RANGES}{CJK_RANGES}*?]+")
_LATIN_WORD = re.compile(f"[{LATIN_RANGES}]+")
_CJK_RUN = re.compile(f"[{CJK_RANGES}]+")
_CJK_CHAR = re.compile(f"[{CJK_RANGES}]")

MAX_PATTERN_EXPANSION = 2000
"""A wildcard word expanding to more index words than this narrows nothing useful."""


def has_cjk(text: str) -> bool:
    """Whether ``text`` contains a Chinese, Japanese or Korean character."""
    return _CJK_CHAR.search(text) is not None


@dataclass(frozen=True, slots=True)
class Run:
    """A run inside a piece: Latin letters/digits, CJK characters, or wildcards."""

    kind: str  # latin | cjk | wild
    text: str


def pieces(text: str) -> list[list[Run]]:
    """The pieces of a term, each a list of runs."""
    out: list[list[Run]] = []
    for piece in _PIECE.findall(text):
        runs = []
        for m in _RUN.finditer(piece):
            kind = "latin" if m.group(1) else "cjk" if m.group(2) else "wild"
            runs.append(Run(kind, m.group(0)))
        out.append(runs)
    return out


@dataclass(frozen=True, slots=True)
class Matcher:
    """How one term is matched in SQL: a plain substring (fast) or an RE2 pattern.

    A pattern comes with a cheap necessary condition where one exists: a CJK run that
    must occur as it is (``contains``), else a Latin run that must occur in any case
    (``(?i)run``); the pattern is tested only on texts that pass it.
    """

    literal: str | None
    pattern: str | None
    needs_substring: str | None = None
    needs_pattern: str | None = None

    @property
    def is_literal(self) -> bool:
        return self.literal is not None


def matcher(text: str) -> Matcher:
    """The SQL matcher of a term or phrase.

    A single piece of CJK characters and digits without wildcards is a plain substring
    (``contains``); everything else is an RE2 pattern (``regexp_matches``).
    """
    parts = pieces(text)
    if not parts:
        # nothing but punctuation: match the text itself as a substring
        return Matcher(text, None)
    if len(parts) == 1 and all(r.kind != "wild" for r in parts[0]):
        only = "".join(r.text for r in parts[0])
        starts_latin = parts[0][0].kind == "latin"
        ends_latin = parts[0][-1].kind == "latin"
        if not starts_latin and not ends_latin and not _is_cased(only):
            return Matcher(only, None)
    regex = []
    last = len(parts) - 1
    for k, runs in enumerate(parts):
        if k:
            regex.append(_gap(parts[k - 1], runs))
        regex.append(_piece_regex(runs, left=k == 0, right=k == last))
    runs = [r for piece in parts for r in piece]
    cjk = max((r.text for r in runs if r.kind == "cjk"), key=len, default="")
    latin = max((r.text for r in runs if r.kind == "latin"), key=len, default="")
    pattern = "".join(regex)
    if cjk:
        return Matcher(None, pattern, needs_substring=cjk)
    if len(latin) >= 2:
        return Matcher(None, pattern, needs_pattern=_literal(latin))
    return Matcher(None, pattern)


def _is_cased(text: str) -> bool:
    return text.lower() != text.upper()


def fold(word: str) -> str:
    """A Latin word as the index stores it: lower case (the long s read as s, as RE2's
    case-insensitive matching does)."""
    return word.lower().replace("ſ", "s")


def _gap(left: list[Run], right: list[Run]) -> str:
    non_word = f"[^{_RE2_LATIN}{_RE2_CJK}]"
    if left[-1].kind == "latin" and right[0].kind == "latin":
        return non_word + "+"
    return non_word + "*"


def _piece_regex(runs: list[Run], *, left: bool, right: bool) -> str:
    # Between two pieces the gap itself is the word boundary.
    has_cjk_run = any(r.kind == "cjk" for r in runs)
    word_class = f"[{_RE2_LATIN}{_RE2_CJK}]" if has_cjk_run else f"[{_RE2_LATIN}]"
    out = []
    first, last = runs[0], runs[-1]
    if left and (first.kind == "latin" or (first.kind == "wild" and not has_cjk_run)):
        out.append(f"(?:^|[^{_RE2_LATIN}])")
    for run in runs:
        if run.kind == "wild":
            for ch in run.text:
                out.append(word_class + ("*" if ch == "*" else ""))
        else:
            out.append(_literal(run.text))
    if right and (last.kind == "latin" or (last.kind == "wild" and not has_cjk_run)):
        out.append(f"(?:$|[^{_RE2_LATIN}])")
    return "".join(out)


def _literal(text: str) -> str:
    # Case-insensitive only where there are letters: a (?i) over the whole pattern would
    # make RE2 case-fold the large character classes too, five times slower to compile.
    escaped = _escape(text)
    return f"(?i:{escaped})" if _is_cased(text) else escaped


def _escape(text: str) -> str:
    return "".join(
        "\\" + ch if ch.isascii() and not ch.isalnum() else ch for ch in text
    )


# -- index grams -------------------------------------------------------------------------


def text_grams(text: str) -> set[str]:
    """The grams of a text for the Boolean index: CJK characters, adjacent CJK pairs, and
    lower-cased Latin words."""
    grams: set[str] = set()
    for run in _CJK_RUN.findall(text):
        grams.update(run)
        grams.update(run[i : i + 2] for i in range(len(run) - 1))
    grams.update(fold(w) for w in _LATIN_WORD.findall(text))
    return grams


def exact_gram(text: str) -> str | None:
    """The one gram whose presence in a field is exactly a match of the term, if there is
    one: a term of one or two CJK characters (a character or a pair is a gram), or one
    ASCII word without wildcards (a whole word is a gram)."""
    parts = pieces(text)
    if len(parts) != 1 or len(parts[0]) != 1:
        return None
    run = parts[0][0]
    if run.kind == "cjk" and len(run.text) <= 2:
        return run.text
    if run.kind == "latin" and run.text.isascii():
        return fold(run.text)
    return None


@dataclass(frozen=True, slots=True)
class Requirement:
    """A gram a matching text must hold: exact, or a LIKE pattern over index words."""

    gram: str
    is_pattern: bool = False


def requirements(text: str) -> list[Requirement]:
    """Grams any text matching the term must contain (an empty list narrows nothing)."""
    needs: list[Requirement] = []
    for runs in pieces(text):
        has_cjk_run = any(r.kind == "cjk" for r in runs)
        for k, run in enumerate(runs):
            if run.kind == "cjk":
                chars = run.text
                if len(chars) == 1:
                    needs.append(Requirement(chars))
                else:
                    needs.extend(
                        Requirement(chars[i : i + 2]) for i in range(len(chars) - 1)
                    )
            elif run.kind == "latin":
                left = runs[k - 1] if k else None
                right = runs[k + 1] if k + 1 < len(runs) else None
                if has_cjk_run:
                    pattern = (
                        ("%" if left and left.kind == "wild" else "")
                        + _like_escape(fold(run.text))
                        + ("%" if right and right.kind == "wild" else "")
                    )
                    needs.append(Requirement(pattern, "%" in pattern))
        if not has_cjk_run:
            # a pure Latin piece is one word, its wildcards inside the word
            word = "".join(r.text for r in runs)
            if any(r.kind == "latin" for r in runs):
                if any(r.kind == "wild" for r in runs):
                    pattern = "".join(
                        _like_escape(fold(r.text))
                        if r.kind == "latin"
                        else r.text.replace("*", "%").replace("?", "_")
                        for r in runs
                    )
                    needs.append(Requirement(pattern, True))
                else:
                    needs.append(Requirement(fold(word)))
    # a pattern that is only wildcards narrows nothing
    return [n for n in needs if not (n.is_pattern and not n.gram.strip("%_"))]


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
