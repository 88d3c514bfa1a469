"""The expert queries the specs use, evaluated over the raw documents in plain Python.

Only the part of the query language the correctness specs use is understood, each rule
restated from ``docs/search.md`` (anything else raises, so a spec never silently loses a
condition):

* ``AND``, ``OR``, ``NOT`` (``A NOT B`` is A and not B; AND and NOT bind tighter than OR),
  parentheses, and a field applied to a group: ``IPC=(H01H OR H02B)``.
* ``TIAB``, ``TI``, ``AB``: a term is split into pieces at spaces and punctuation; a piece
  that starts (ends) with a Latin letter or digit must start (end) at a word boundary
  (``fiber`` is not ``fibers``, ``UAV`` is not ``UAVs``); Chinese matches as a substring;
  a quoted phrase's pieces follow each other with only spaces or punctuation between;
  letters match case-insensitively. A document matches when any of its texts does (the
  title and abstract of every source that exported it) — the raw texts keep no title
  apart from its abstract, so TI and AB read all of them too and the specs use TIAB only.
* ``IPC`` (any symbol of the document) and ``IPCM`` (its main symbol): a section, class or
  subclass matches the symbols it starts; a main group (``G05D1``, ``G05D1/00``) every
  symbol of the group; a subgroup (``B64C39/02``) that symbol only.
* ``PA``: a name term matches an applicant's name by the text rule, or any alias the spec's
  test states for it (entity resolution is the store's; the test names what it expects).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from tests.correctness.raw import Doc

LATIN = "A-Za-z0-9\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_PIECE = re.compile(f"[{LATIN}{CJK}]+")
_TOKEN = re.compile(r'\s*("[^"]*"|\(|\)|=|[^\s()="]+)')

Predicate = Callable[[Doc], bool]


@cache
def text_pattern(term: str) -> re.Pattern[str]:
    """The regular expression of a text term (see the module docstring)."""
    return re.compile(text_source(term), re.IGNORECASE)  # PA: names as written


class TextTerm:
    """A text-field leaf: a document matches when its texts match one of the terms.

    The same matches as the terms' patterns, found faster: a term of Latin words alone is
    looked up in the document's set of words (a word boundary on both sides is what a
    whole word is), a phrase's words first, a Chinese term as a substring; only the rest
    (phrases, mixed terms) run the pattern.
    """

    def __init__(self, terms: tuple[str, ...]) -> None:
        self.terms = terms
        self.words: set[str] = set()
        self.substrings: list[str] = []
        self.patterns: list[tuple[tuple[str, ...], re.Pattern[str]]] = []
        for term in terms:
            pieces = [p.lower() for p in _PIECE.findall(term)]
            if len(pieces) == 1 and re.fullmatch(f"[{LATIN}]+", pieces[0]):
                self.words.add(pieces[0])
            elif len(pieces) == 1 and re.fullmatch(f"[{CJK}]+", pieces[0]):
                self.substrings.append(pieces[0])
            else:
                needed = tuple(w for p in pieces for w in re.findall(f"[{LATIN}]+", p))
                self.patterns.append((needed, re.compile(text_source(term))))

    def __call__(self, doc: Doc) -> bool:
        words = doc.words
        if self.words and not self.words.isdisjoint(words):
            return True
        text = doc.lower_text
        if any(s in text for s in self.substrings):
            return True
        return any(
            all(w in words for w in needed) and pattern.search(text) is not None
            for needed, pattern in self.patterns
        )


@cache
def text_source(term: str) -> str:
    """The regular expression source of a text term."""
    pieces = _PIECE.findall(term)
    if not pieces:
        raise ValueError(f"the term {term!r} has no letters")
    parts = []
    for piece in pieces:
        part = re.escape(piece.lower())
        if re.match(f"[{LATIN}]", piece[0]):
            part = f"(?<![{LATIN}])" + part
        if re.match(f"[{LATIN}]", piece[-1]):
            part += f"(?![{LATIN}])"
        parts.append(part)
    # a document's texts are joined by line breaks (raw.Doc.text): a phrase never spans two
    return f"[^{LATIN}{CJK}\n]*".join(parts)


def class_matcher(term: str) -> Callable[[str], bool]:
    """Whether an IPC symbol lies in the class a term names."""
    text = term.strip().upper().replace(" ", "")
    if "*" in text or "?" in text:
        raise NotImplementedError(f"wildcard class {term!r}")
    group = re.fullmatch(r"([A-H][0-9]{2}[A-Z])0*([0-9]+)(?:/([0-9]+))?", text)
    if group:
        head = f"{group.group(1)}{int(group.group(2))}/"
        sub = group.group(3)
        if sub is None or set(sub) == {"0"}:  # a main group: every symbol of it
            return lambda code: code.startswith(head)
        symbol = head + sub
        return lambda code: code == symbol
    if re.fullmatch(r"[A-H]([0-9]{2}([A-Z])?)?", text):
        return lambda code: code.startswith(text)
    raise NotImplementedError(f"class term {term!r}")


@dataclass(frozen=True)
class Query:
    """A parsed query: ``matches(doc)`` says whether a document is in it."""

    text: str
    matches: Predicate


def parse(text: str, *, aliases: Mapping[str, Sequence[str]] | None = None) -> Query:
    """Parse ``text``; ``aliases`` maps a PA term to the other names it stands for."""
    tokens = [t for t in _TOKEN.findall(text) if t.strip()]
    position = 0
    names = {k.upper(): tuple(v) for k, v in (aliases or {}).items()}

    def peek() -> str | None:
        return tokens[position] if position < len(tokens) else None

    def take(expected: str | None = None) -> str:
        nonlocal position
        token = peek()
        if token is None or (expected is not None and token != expected):
            raise ValueError(
                f"{text!r}: expected {expected!r} at token {position}, got {token!r}"
            )
        position += 1
        return token

    def or_(field: str | None) -> Predicate:
        items = [and_(field)]
        while peek() == "OR":
            take("OR")
            items.append(and_(field))
        texts = [x for x in items if isinstance(x, TextTerm)]
        if len(texts) > 1:  # the text terms of this OR, matched together
            merged = TextTerm(tuple(t for x in texts for t in x.terms))
            items = [merged, *(x for x in items if not isinstance(x, TextTerm))]
        return (
            items[0]
            if len(items) == 1
            else (lambda d, xs=tuple(items): any(x(d) for x in xs))
        )

    def and_(field: str | None) -> Predicate:
        item = unary(field)
        while peek() in ("AND", "NOT"):
            op = take()
            right = unary(field)
            if op == "AND":
                item = lambda d, a=item, b=right: a(d) and b(d)  # noqa: E731
            else:
                item = lambda d, a=item, b=right: a(d) and not b(d)  # noqa: E731
        return item

    def unary(field: str | None) -> Predicate:
        token = peek()
        if token == "(":
            take("(")
            inner = or_(field)
            take(")")
            return inner
        if (
            token is not None
            and position + 1 < len(tokens)
            and tokens[position + 1] == "="
        ):
            name = take().upper()
            take("=")
            if peek() == "(":
                take("(")
                inner = or_(name)
                take(")")
                return inner
            return leaf(name, take())
        if field is None:
            raise ValueError(f"{text!r}: a bare term {token!r} needs a field")
        return leaf(field, take())

    def leaf(field: str, raw: str) -> Predicate:
        term = raw[1:-1] if raw.startswith('"') else raw
        if field in ("TIAB", "TI", "AB"):
            return TextTerm((term,))
        if field == "IPC":
            inside = class_matcher(term)
            return lambda d: any(inside(c) for c in d.ipc)
        if field == "IPCM":
            inside = class_matcher(term)
            return lambda d: d.ipc_main is not None and inside(d.ipc_main)
        if field == "PA":
            patterns = [text_pattern(n) for n in (term, *names.get(term.upper(), ()))]
            return lambda d: any(p.search(a) for p in patterns for a in d.applicants)
        raise NotImplementedError(
            f"field {field} is not recomputed by the correctness suite"
        )

    predicate = or_(None)
    if peek() is not None:
        raise ValueError(f"{text!r}: unexpected {peek()!r}")
    return Query(text, predicate)
