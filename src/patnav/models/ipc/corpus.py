"""What an IPC suggester learns from: the store's own classified documents.

A training sample is the title and abstract (where present) of a document in one
language: the document's own text (``patents``) and, for each other language the store
holds a title or abstract in (``texts``), one more sample of the same document, so a
bilingual document teaches both languages. Its labels are **all** the document's IPC
codes (``classifications``, scheme IPC), as subclasses (``G06F``) and main groups
(``G06F3/00``) — an IPC suggestion is multi-label.

:func:`training_fingerprint` hashes exactly what :func:`read_training_set` reads, in
one SQL aggregate, so a cached model knows in a fraction of a second whether the store's
documents changed since it was trained.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from patnav.storage.store import PatentStore

_SUBCLASS = re.compile(r"^[A-H]\d{2}[A-Z]")
_GROUP = re.compile(r"^([A-H]\d{2}[A-Z])(\d{1,4})")


def subclass_of(code: str) -> str | None:
    """The IPC subclass of a compact symbol (``H02K17/02`` → ``H02K``), None if it is
    not an IPC symbol down to the subclass."""
    m = _SUBCLASS.match(code.strip().upper())
    return m.group() if m else None


def main_group_of(code: str) -> str | None:
    """The IPC main group of a compact symbol (``H02K17/02`` → ``H02K17/00``), None if
    it does not go down to a group."""
    m = _GROUP.match(code.strip().upper())
    if m is None:
        return None
    return f"{m.group(1)}{int(m.group(2))}/00"


@dataclass(frozen=True, slots=True)
class Sample:
    """One training text: a document's title and abstract in one language."""

    doc_id: str
    text: str
    title: str | None
    lang: str | None
    year: int | None
    subclasses: tuple[str, ...]
    groups: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TrainingSet:
    """The samples a suggester learns from, and how many distinct documents they are."""

    samples: tuple[Sample, ...]

    @property
    def documents(self) -> int:
        """Distinct documents among the samples."""
        return len({s.doc_id for s in self.samples})

    def before(self, year: int) -> TrainingSet:
        """The samples of documents filed before ``year`` (an unknown year is left out)."""
        return TrainingSet(
            tuple(s for s in self.samples if s.year is not None and s.year < year)
        )


# The year a document was filed: its application date, else its earliest priority, else
# the application year an export gives without a date (PatSnap's 申请年, which the import
# keeps in extras).
_YEAR = (
    "coalesce(year(p.app_date), year(p.priority_date), "
    "try_cast(json_extract_string(p.extras, '$.申请年') AS INTEGER))"
)

_CODES = (
    "SELECT doc_id, list(DISTINCT code ORDER BY code) AS codes FROM classifications "
    "WHERE scheme = 'IPC' AND code IS NOT NULL GROUP BY doc_id"
)

_SAMPLES = f"""
WITH c AS ({_CODES})
SELECT p.doc_id, p.title, p.abstract, p.lang, {_YEAR} AS year, c.codes, 0 AS part
FROM patents p JOIN c USING (doc_id)
WHERE p.title IS NOT NULL OR p.abstract IS NOT NULL
UNION ALL
SELECT x.doc_id, x.title, x.abstract, x.lang, {_YEAR}, c.codes, 1
FROM (
    SELECT doc_id, lang,
        string_agg(CASE WHEN section = 'title' THEN text END, ' ') AS title,
        string_agg(CASE WHEN section = 'abstract' THEN text END, ' ') AS abstract
    FROM texts WHERE section IN ('title', 'abstract') AND text IS NOT NULL
    GROUP BY doc_id, lang
) x
JOIN c USING (doc_id) JOIN patents p USING (doc_id)
WHERE x.lang IS DISTINCT FROM p.lang
ORDER BY 1, 7, 4
"""

_FINGERPRINT = f"""
WITH c AS ({_CODES}),
t AS (
    SELECT doc_id, hash(list(section || ':' || coalesce(lang, '') || ':' || text
        ORDER BY section, lang, text)) AS h
    FROM texts WHERE section IN ('title', 'abstract') AND text IS NOT NULL
    GROUP BY doc_id
)
SELECT count(*), coalesce(bit_xor(hash(p.doc_id, p.title, p.abstract, p.lang,
    {_YEAR}, c.codes, t.h)), 0)
FROM patents p JOIN c USING (doc_id) LEFT JOIN t USING (doc_id)
"""


def training_fingerprint(store: PatentStore) -> str:
    """A hash of every classified document's texts, language, year and IPC codes: it
    changes when any of them does (order-independent)."""
    count, digest = store.rows(_FINGERPRINT)[0]
    return f"{int(count)}:{int(digest):016x}"


def read_training_set(store: PatentStore) -> TrainingSet:
    """Every classified document's title and abstract, one sample per language."""
    samples = []
    for doc_id, title, abstract, lang, year, codes, _part in store.rows(_SAMPLES):
        text = " ".join(t for t in (title, abstract) if t).strip()
        if not text:
            continue
        subclasses = sorted({s for c in codes if (s := subclass_of(c))})
        if not subclasses:
            continue
        groups = sorted({g for c in codes if (g := main_group_of(c))})
        samples.append(
            Sample(
                str(doc_id),
                text,
                str(title) if title else None,
                str(lang) if lang else None,
                int(year) if year is not None else None,
                tuple(subclasses),
                tuple(groups),
            )
        )
    return TrainingSet(tuple(samples))
