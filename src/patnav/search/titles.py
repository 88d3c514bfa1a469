"""Which title to show for a document in a language: its own, a translation in ``texts``,
or the title of another document of its application or family.

Shared by the result lists (:mod:`patnav.search.results`) and ``more_like_this``
(:mod:`patnav.search.api`), below both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from patnav.search import fulltext
from patnav.storage.store import PatentStore
from patnav.text.matching import has_cjk


def title_lang(lang: str | None, text: str | None) -> str | None:
    """The language of a title: its recorded language, else Chinese when it holds CJK
    characters (None: not known)."""
    if lang and lang.lower() not in ("und", "mul", "zxx"):
        return lang.lower()[:2]
    if text and has_cjk(text):
        return "zh"
    return None


# The rows of the wanted documents and of their applications and families: three
# semi-joins (each a hash join over one column) whose rowids are then read, rather than
# one scan testing three IN conditions per row (a third less time at 1 M documents).
_NEAR = """
SELECT doc_id AS src, app_number, family_id, title, lang FROM patents
WHERE rowid IN (
    SELECT rowid FROM patents WHERE doc_id IN (SELECT doc_id FROM w)
    UNION SELECT rowid FROM patents
        WHERE app_number IN (SELECT app FROM w WHERE app IS NOT NULL)
    UNION SELECT rowid FROM patents
        WHERE family_id IN (SELECT fam FROM w WHERE fam IS NOT NULL)
)
"""
# The same rows as one scan (the path before; fulltext.ROW_INDEX = False).
_NEAR_SCANNED = """
SELECT doc_id AS src, app_number, family_id, title, lang FROM patents
WHERE doc_id IN (SELECT doc_id FROM w)
    OR app_number IN (SELECT app FROM w WHERE app IS NOT NULL)
    OR family_id IN (SELECT fam FROM w WHERE fam IS NOT NULL)
"""


def choose_titles(
    store: PatentStore,
    docs: Sequence[tuple[str, str | None, str | None]],
    own: Mapping[str, Mapping[str, Any]],
    lang: str,
) -> dict[str, tuple[str | None, str | None]]:
    """The title to show for each document (doc_id, app_number, family_id) in ``lang``:
    its own when written in ``lang``, else its title in ``lang`` from ``texts``, else
    that of another document of its application, then of its family; else its own.
    ``own`` holds each document's ``title`` and ``lang``. Returns (title, language)."""
    out: dict[str, tuple[str | None, str | None]] = {}
    wanted: list[tuple[str, str | None, str | None]] = []
    for doc_id, app_number, family_id in docs:
        title = own[doc_id].get("title")
        found = title_lang(own[doc_id].get("lang"), title)
        out[doc_id] = (title, found)
        if found != lang:
            wanted.append((doc_id, app_number, family_id))
    if not wanted:
        return out
    rows = store.rows(
        f"""
        WITH w AS (
            SELECT unnest(?::VARCHAR[]) AS doc_id, unnest(?::VARCHAR[]) AS app,
                unnest(?::VARCHAR[]) AS fam
        ),
        near AS MATERIALIZED ({_NEAR if fulltext.ROW_INDEX else _NEAR_SCANNED}),
        sources AS (
            SELECT w.doc_id, n.src, n.title, n.lang,
                CASE WHEN n.src = w.doc_id THEN 0
                    WHEN n.app_number = w.app THEN 1 ELSE 2 END AS how
            FROM w JOIN near n ON n.src = w.doc_id OR n.app_number = w.app
                OR n.family_id = w.fam
        )
        SELECT doc_id, how, src, 0 AS part, title, lang
            FROM sources WHERE title IS NOT NULL
        UNION ALL
        SELECT s.doc_id, s.how, s.src, 1, t.text, t.lang
            FROM sources s JOIN texts t ON t.doc_id = s.src
            WHERE t.section = 'title' AND t.text IS NOT NULL
        ORDER BY 1, 2, 3, 4, 6, 5
        """,
        [
            [d for d, _, _ in wanted],
            [a for _, a, _ in wanted],
            [f for _, _, f in wanted],
        ],
    )
    for doc_id, _how, _src, _part, text, text_lang in rows:
        if out[doc_id][1] == lang:
            continue  # found already
        if title_lang(text_lang, text) == lang:
            out[doc_id] = (text, lang)
    return out


def titles_in(
    store: PatentStore, doc_ids: Sequence[str], lang: str
) -> dict[str, tuple[str | None, str | None]]:
    """The title to show for each document in ``lang`` (:func:`choose_titles`)."""
    rows = store.query(
        "SELECT doc_id, app_number, family_id, title, lang FROM patents "
        "WHERE doc_id IN (SELECT unnest($ids::VARCHAR[]))",
        {"ids": list(doc_ids)},
    ).to_pylist()
    return choose_titles(
        store,
        [(r["doc_id"], r["app_number"], r["family_id"]) for r in rows],
        {r["doc_id"]: r for r in rows},
        lang,
    )
