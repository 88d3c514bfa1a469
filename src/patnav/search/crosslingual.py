"""Cross-lingual search: a query's text terms OR-ed with their translations.

When the user asks (``cross_lingual=True``, ``patnav search --cross-lingual``), each
text term of an expert query (TI, AB, CL, TIAB, TIABC and the bare terms) is looked up in
the bilingual term dictionary (:mod:`patnav.text.bilingual`: learned from the bilingual
IPC titles, with the curated glossary) and OR-ed with its translations::

    TIAB=无人机   →   TIAB=(无人机 OR drone OR drones OR uav OR uavs
                          OR "unmanned aerial vehicle" OR "unmanned aerial vehicles" …)

- A Chinese term of several words becomes the AND of its words' translations
  (``锂离子电池`` → ``lithium-ion AND (battery OR batteries …)``) when every word has one;
  a term with a word the dictionary lacks is left as it is and the note says so.
- English translations are searched in the singular and the plural (the matcher matches
  whole words: ``drone`` does not find ``drones``).
- Only translations of weight at least :data:`MIN_WEIGHT` are used (the curated
  glossary's weigh 1.0, the learned ones their Dice association), at most
  :data:`PER_TERM` per term.
- Terms with wildcards, phrases in quotes and non-text fields are left as they are.

For the ranked modes (``text``, ``hybrid``) every translation of the terms (the weak ones
too: ranking weighs them) is added to the free text, so BM25 ranks documents in either
language (``semantic`` needs none: the embedder is
multilingual). The expanded query is what runs and what the result shows; a note lists
the translations used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from patnav.errors import InvalidParameterError
from patnav.search.fields import FIELDS, Kind
from patnav.search.hits import Note
from patnav.search.query import And, Node, Not, Or, Range, Term, parse, to_text
from patnav.text.bilingual import TermDictionary, Translation, term_dictionary
from patnav.text.matching import has_cjk
from patnav.text.vocabularies import singular

MIN_WEIGHT = 0.5
"""Translations weaker than this are not OR-ed into a query."""
PER_TERM = 6
"""At most this many translations (before plural forms) per term."""


@dataclass(frozen=True, slots=True)
class CrossLingual:
    """A query with its translations OR-ed in, what was translated and what was not."""

    query: str
    translated: dict[str, tuple[str, ...]]
    untranslated: tuple[str, ...]
    typed: str = ""
    """The query as the user typed it."""

    def note(self) -> Note:
        if self.translated:
            shown = "; ".join(
                f"{k} → {', '.join(v)}" for k, v in self.translated.items()
            )
            text = f"cross-lingual: searched also {shown}"
            zh = f"跨语言检索：同时检索 {shown}"
        else:
            text = "cross-lingual: no term of the query has a translation"
            zh = "跨语言检索：检索式中没有可翻译的词"
        if self.untranslated:
            missing = ", ".join(self.untranslated)
            text += f" (no translation for: {missing})"
            zh += f"（以下词没有译法：{missing}）"
        return Note(
            "cross_lingual",
            text,
            zh,
            translated={k: list(v) for k, v in self.translated.items()},
            untranslated=list(self.untranslated),
        )


def dictionary_for(data_dir: Path | None) -> TermDictionary:
    """The term dictionary learned from the bilingual IPC titles in ``data_dir`` (the
    real-data directory, ``Settings.data_dir``: the caller's settings say where it is)."""
    if data_dir is None:
        raise InvalidParameterError(
            "cross-lingual search learns its dictionary from the bilingual IPC titles of "
            "the data directory: pass data_dir (Settings.data_dir, PATNAV_DATA_DIR)"
        )
    return term_dictionary(Path(data_dir).resolve())


def english_forms(term: str) -> list[str]:
    """A lower-case English term in the singular and the plural (last word inflected)."""
    words = term.split()
    if not words:
        return []
    one = " ".join([*words[:-1], singular(words[-1])])
    last = singular(words[-1])
    if last.endswith("y") and len(last) > 2 and last[-2] not in "aeiou":
        plural = last[:-1] + "ies"
    elif last.endswith(("s", "x", "z", "ch", "sh")):
        plural = last + "es"
    elif last[-1].isdigit() or len(last) < 2:
        plural = last
    else:
        plural = last + "s"
    many = " ".join([*words[:-1], plural])
    return list(dict.fromkeys([one, many]))


def translations(found: Sequence[Translation]) -> tuple[str, ...]:
    """The translations of a term worth OR-ing into a query."""
    return tuple(t.term for t in found if t.weight >= MIN_WEIGHT)[:PER_TERM]


def forms_of(terms: Sequence[str]) -> list[str]:
    """Translations as searched: English ones in the singular and the plural."""
    forms: list[str] = []
    for term in terms:
        forms.extend([term] if has_cjk(term) else english_forms(term))
    return list(dict.fromkeys(forms))


def _alternatives(field: str, terms: tuple[str, ...]) -> Node:
    forms = forms_of(terms)
    items = tuple(Term(field, f, phrase=len(f.split()) > 1 or "-" in f) for f in forms)
    return items[0] if len(items) == 1 else Or(items)


def _translated(
    term: Term, dictionary: TermDictionary
) -> tuple[Node | None, dict[str, tuple[str, ...]], list[str]]:
    """The other-language alternative of a term (None if it has none), the
    translations used and the words without one."""
    parts = dictionary.translate(term.text)
    used: dict[str, tuple[str, ...]] = {}
    for part in parts:
        chosen = translations(part.translations)
        if chosen:
            used[part.term] = chosen
    if not used or (has_cjk(term.text) and not _covers(term.text, used)):
        # a Chinese term is translated only when its translated words cover it
        return None, {}, [term.text]
    pieces = [_alternatives(term.field, chosen) for chosen in used.values()]
    node = pieces[0] if len(pieces) == 1 else And(tuple(pieces))
    return node, used, []


def _covers(text: str, used: dict[str, tuple[str, ...]]) -> bool:
    """Whether the translated words cover every Chinese character of ``text`` that is
    not a function character (的, 或, 与 …)."""
    left = text
    for word in sorted(used, key=len, reverse=True):
        left = left.replace(word, "")
    return all(not has_cjk(c) or c in "的和与或及之用等" for c in left)


def expand_tree(node: Node, dictionary: TermDictionary) -> tuple[Node, CrossLingual]:
    """The query tree with each text term OR-ed with its translations."""
    translated: dict[str, tuple[str, ...]] = {}
    untranslated: list[str] = []

    def walk(n: Node) -> Node:
        if isinstance(n, Term):
            if FIELDS[n.field].kind is not Kind.TEXT or n.phrase or n.has_wildcard:
                return n
            other, used, missing = _translated(n, dictionary)
            translated.update(used)
            untranslated.extend(missing)
            return n if other is None else Or((n, other))
        if isinstance(n, And):
            return And(tuple(walk(i) for i in n.items))
        if isinstance(n, Or):
            return Or(tuple(walk(i) for i in n.items))
        if isinstance(n, Not):
            return Not(walk(n.item))
        assert isinstance(n, Range)
        return n

    out = walk(node)
    return out, CrossLingual(
        to_text(out), translated, tuple(dict.fromkeys(untranslated))
    )


def cross_lingual_query(
    query: str, mode: str, dictionary: TermDictionary
) -> CrossLingual:
    """The query to run for a cross-lingual search in ``mode``: an expert query with its
    text terms' translations OR-ed in (``boolean``), free text with the translations
    added (``text``, ``hybrid``), the query itself (``semantic``)."""
    if mode == "boolean":
        return replace(expand_tree(parse(query), dictionary)[1], typed=query)
    if mode == "semantic":
        return CrossLingual(query, {}, (), query)
    # ranking weighs alternatives against each other: every translation is added,
    # the weak ones too (a Boolean query keeps only the strong ones, it cannot weigh)
    used: dict[str, tuple[str, ...]] = {}
    for part in dictionary.translate(query):
        if part.translations:
            used[part.term] = tuple(t.term for t in part.translations)
    extra = forms_of([t for terms in used.values() for t in terms])
    text = " ".join([query, *extra]) if extra else query
    return CrossLingual(text, used, () if used else (query,), query)
