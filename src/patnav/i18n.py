"""Bilingual text: the one mechanism for every string patnav shows people, in Chinese (the
default) and English — report headings and sentences, web pages and API messages, CLI
output alike.

Two ways to write a text, both here:

* a **catalogue** (:class:`Catalogue`): keys with their Chinese and English text, looked up
  with ``catalogue.text(key, lang, **values)``. The web's labels
  (``patnav.web.i18n.LABELS``), the reports' (``patnav.reports.labels.TEXT``) and the
  CLI's (``patnav.cli.labels.TEXT``, ``FIELDS``, ``SUMMARY``) are catalogues; so are
  the few texts every front-end shares (:data:`COMMON`, :data:`UNIT_MEASURE`,
  :data:`UNIT_NOUN`), which each front-end's catalogue includes rather than repeats.
* an inline **pair** for a one-off sentence built from figures: ``say(lang, zh, en)``.
  Reports call it as ``Builder.say(zh, en)``, presenters and conclusion rules as
  ``say(lang, zh, en)``, CLI commands as ``say(lang, zh, en)``.

Placeholders are named, ``{name}``, and filled by :meth:`str.format` in both languages;
a text looked up without values is returned as written. A key no catalogue has is a bug:
:class:`~patnav.errors.MissingTextError` names the key and the catalogue to add it to.
English is chosen by ``lang == "en"``; anything else is Chinese, the platform's default.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TypeVar, overload

from patnav.errors import MissingTextError

LANGS: tuple[str, ...] = ("zh", "en")
"""The languages of every text: Chinese, the default, and English."""
DEFAULT_LANG = "zh"

Pair = tuple[str, str]
"""A text in both languages: (Chinese, English)."""
_T = TypeVar("_T")


def say(lang: str, zh: _T, en: _T) -> _T:
    """The Chinese or the English text, for a one-off sentence written inline (or the
    Chinese or English form of a value: a label or its code)."""
    return en if lang == "en" else zh


def pick(pair: Pair, lang: str) -> str:
    """The Chinese or English member of a pair."""
    return say(lang, pair[0], pair[1])


class Catalogue(Mapping[str, Pair]):
    """Keyed texts in Chinese and English: a read-only mapping key -> (zh, en).

    ``name`` says where it is defined, for the error of a missing key. ``include`` are
    catalogues whose entries it shares (a key both define must have the same text:
    one entry, never two that drift apart).
    """

    __slots__ = ("_entries", "name")

    def __init__(
        self, name: str, entries: Mapping[str, Pair], *include: Catalogue
    ) -> None:
        merged: dict[str, Pair] = {}
        for part in (*include, entries):
            for key, pair in part.items():
                if len(pair) != 2:
                    raise ValueError(f"{name}: {key!r} needs (Chinese, English)")
                if merged.get(key, pair) != pair:
                    raise ValueError(
                        f"{name}: {key!r} is {merged[key]!r} in an included catalogue "
                        f"and {pair!r} here; give it one text"
                    )
                merged[key] = (pair[0], pair[1])
        self.name = name
        self._entries = merged

    def __getitem__(self, key: str) -> Pair:
        try:
            return self._entries[key]
        except KeyError:
            raise MissingTextError(self.name, key) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    @overload
    def get(self, key: str, /) -> Pair | None: ...
    @overload
    def get(self, key: str, default: Pair, /) -> Pair: ...
    @overload
    def get(self, key: str, default: _T, /) -> Pair | _T: ...
    def get(self, key: str, default: object = None, /) -> object:
        """The pair of ``key``, else ``default`` (a miss is no error here)."""
        return self._entries.get(key, default)

    def __repr__(self) -> str:
        return f"<Catalogue {self.name}: {len(self._entries)} texts>"

    def text(self, key: str, lang: str = DEFAULT_LANG, /, **values: object) -> str:
        """The text ``key`` in ``lang`` with its ``{name}`` placeholders filled.

        Raises:
            MissingTextError: no such key (a bug: add it to this catalogue).
        """
        pair = self._entries.get(key)
        if pair is None:
            raise MissingTextError(self.name, key)
        text = pair[1] if lang == "en" else pair[0]  # say(), inlined: pages ask often
        return text.format(**values) if values else text

    def label(
        self, prefix: str, value: object, lang: str, /, default: str | None = None
    ) -> str:
        """The text of a coded value, key ``prefix.value``; a value the catalogue lacks
        is data, shown as it is (or as ``default`` when given)."""
        pair = self._entries.get(f"{prefix}.{value}")
        if pair is not None:
            return pick(pair, lang)
        return str(value) if default is None else default


COMMON = Catalogue(
    "patnav.i18n.COMMON",
    {
        "none": ("无", "none"),
        "unknown": ("未知", "unknown"),
        "all_documents": ("全部文献", "all documents"),
    },
)
"""Texts the reports and the CLI print alike (included in their catalogues)."""

UNIT_MEASURE = Catalogue(
    "patnav.i18n.UNIT_MEASURE",
    {
        "family": ("族", "families"),
        "application": ("件", "applications"),
        "document": ("篇", "documents"),
    },
)
"""The measure word of a counting unit, keyed by ``count_by``: 件, 族, 篇."""

UNIT_NOUN = Catalogue(
    "patnav.i18n.UNIT_NOUN",
    {
        "family": ("专利族", "patent families"),
        "application": ("专利申请", "patent applications"),
        "document": ("专利文献", "patent documents"),
    },
)
"""What one count is, keyed by ``count_by``: 专利申请, 专利族, 专利文献."""

EVENT_TYPES = Catalogue(
    "patnav.i18n.EVENT_TYPES",
    {
        "event.grant": ("授权", "Grant"),
        "event.lapse": ("终止（未缴年费）", "Lapse"),
        "event.restoration": ("恢复", "Restoration"),
        "event.transfer": ("转让", "Transfer"),
        "event.licence": ("许可", "Licence"),
        "event.pledge": ("质押", "Pledge"),
        "event.pledge_release": ("质押解除", "Pledge release"),
        "event.invalidation": ("无效宣告", "Invalidation"),
        "event.litigation": ("诉讼", "Litigation"),
        "event.annuity": ("年费", "Annuity"),
        "event.withdrawal": ("撤回", "Withdrawal"),
        "event.rejection": ("驳回", "Rejection"),
        "event.examination": ("实质审查", "Examination"),
        "event.preservation": ("保全", "Preservation"),
        "event.reexamination": ("复审", "Re-examination"),
        "event.expiry": ("期限届满", "Expiry"),
        "event.other": ("其他", "Other"),
    },
)
"""The names of the legal event types (``event.<type>``,
:class:`~patnav.schema.records.EventType`), for the web and the CLI alike."""


__all__ = [
    "COMMON",
    "DEFAULT_LANG",
    "EVENT_TYPES",
    "LANGS",
    "UNIT_MEASURE",
    "UNIT_NOUN",
    "Catalogue",
    "Pair",
    "pick",
    "say",
]
