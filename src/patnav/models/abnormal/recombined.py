"""Content recombined from others' documents (拼凑他人技术方案): an application whose text
is largely assembled from passages of two or more earlier documents of other, unrelated
applicants.

- **Which text.** The application's claims where the store has them, else its abstract
  (``text_used`` in each flag says which); a title alone is too short and is never
  used. Not a design's: its brief description is a form (产品名称、用途、设计要点…) and
  the design is in its views, so designs are neither judged nor sources (counted). A
  source is seen through all its text (abstract and claims): a passage of its abstract
  copied into claims counts.
- **Shingles.** Chinese: character ``recombined_cjk_ngram``-grams (punctuation and
  spacing dropped); English: stemmed word ``word_ngram``-grams — the hashes of
  :func:`~patnav.models.abnormal.near_duplicates.shingle_array`.
- **Boilerplate.** A shingle found in more than ``recombined_common_documents``
  applications of the store (本实用新型公开了一种, 其特征在于, 所述…) is common wording,
  not evidence: it is left out of the application's shingles before anything is
  measured (``common_excluded`` counts them). What is left must be at least
  ``recombined_min_shingles`` shingles, else the application is not judged.
- **Containment, not Jaccard.** For an application D and an earlier source S,
  ``share(S)`` = |D ∩ S| / |D| over D's remaining shingles: how much of D is found in S,
  whatever S's length.
- **Candidates** come from an inverted index (sorted shingle hashes → applications,
  numpy ``searchsorted``) over the shingles found in 2 to ``recombined_common_documents``
  applications: the shared-shingle count of each (D, S) pair is counted exactly in one
  pass per chunk of applications, never over all pairs; a pair below the minimum share
  is dropped there.
- **Sources.** S is filed before D (application dates; a date unknown on either side is
  no order, and D without a date is not judged), and is not D's: no common applicant
  or inventor, not the same invention (another office, the same family or a common
  priority — the near-duplicate rule's exemption). Sources are chosen greedily, the one
  adding most of D not yet covered first; each must add at least
  ``recombined_source_share`` of D.
- **Flag** when at least two sources are chosen and together they cover at least
  ``recombined_coverage`` of D (``original`` = the rest). A copy of one document is not
  this rule (it is a near-duplicate pair, see ``rules.py``).

Evidence: the text used, the sources (applications, documents, applicants, dates,
titles), the share each adds and covers alone, up to three overlapping passages of D per
source (short excerpts of D's own text), the coverage, the original share, the rule and
the thresholds.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from patnav.models.abnormal.near_duplicates import _CJK_RUN, _cjk_hashes, shingle_array

if TYPE_CHECKING:
    from patnav.models.abnormal.rules import Application, Flag, Thresholds
    from patnav.storage.store import PatentStore

__all__ = ["Recombination", "load_texts", "passages", "recombined_flags"]

_CHUNK = 2_000
TEXT_LABELS = {"claims": "权利要求", "abstract": "摘要"}
_NO_DAY = -1


@dataclass(frozen=True, slots=True)
class Recombination:
    """The recombination flags and what could not be judged."""

    flags: tuple[Flag, ...]
    judged: int
    """Applications judged: a filing date and enough uncommon text."""
    by_text: dict[str, int]
    """Of those, how many were judged on their claims and on their abstract."""
    too_short: int
    """Applications with claims or an abstract but fewer than
    ``recombined_min_shingles`` uncommon shingles: not judged."""
    no_text: int
    """Applications with neither claims nor abstract (a title alone): not judged."""
    date_unknown: int
    """Applications without a filing date: no order to their sources, not judged (nor
    used as anyone's source)."""
    candidate_pairs: int
    """(application, earlier source) pairs the index kept: at least the minimum share."""
    designs: int = 0
    """Designs: not judged, nor sources (their text is a form; the design is in the
    views)."""
    not_judged: frozenset[str] = frozenset()
    """The applications of the selection not judged (any reason above): whether they
    are recombined is unknown."""


def load_texts(
    store: PatentStore, app_ids: Collection[str] | None = None
) -> dict[str, tuple[str | None, str | None]]:
    """Per application (its number, else its doc_id): its longest abstract and its
    longest claims among its documents (None when no document has them)."""
    sql = (
        "SELECT coalesce(app_number, doc_id) AS app, "
        "max_by(abstract, length(abstract)) AS abstract, "
        "max_by(claims, length(claims)) AS claims FROM patents "
        "WHERE (coalesce(abstract, '') <> '' OR coalesce(claims, '') <> '')"
    )
    params: list[Any] = []
    if app_ids is not None:
        sql += " AND coalesce(app_number, doc_id) IN (SELECT unnest(?::VARCHAR[]))"
        params.append(sorted(app_ids))
    out: dict[str, tuple[str | None, str | None]] = {}
    for app, abstract, claims in store.rows(sql + " GROUP BY 1", params):
        out[str(app)] = (abstract or None, claims or None)
    return out


def _own_text(
    abstract: str | None, claims: str | None
) -> tuple[str | None, str | None]:
    if claims and claims.strip():
        return claims, "claims"
    if abstract and abstract.strip():
        return abstract, "abstract"
    return None, None


def _uncommon(values: np.ndarray, common: np.ndarray) -> np.ndarray:
    """``values`` (sorted, distinct) less those in ``common`` (sorted, distinct)."""
    if not len(common) or not len(values):
        return values
    at = np.minimum(np.searchsorted(common, values), len(common) - 1)
    kept: np.ndarray = values[common[at] != values]
    return kept


def _related(d: Application, s: Application) -> bool:
    """S is D's own (a common applicant or inventor) or the same invention."""
    from patnav.models.abnormal.rules import _same_invention

    if set(d.applicants) & set(s.applicants):
        return True
    if set(d.inventors) & set(s.inventors):
        return True
    return _same_invention(d, s)


def passages(
    text: str,
    source: np.ndarray,
    common: np.ndarray,
    *,
    n: int,
    limit: int = 3,
    width: int = 60,
) -> list[str]:
    """Up to ``limit`` passages of ``text`` (its own characters, longest first, cut to
    ``width``) whose Chinese character n-grams are all in ``source`` and hold at least
    one uncommon n-gram."""
    chars: list[tuple[int, str]] = []
    for pos, c in enumerate(text):
        for k in unicodedata.normalize("NFKC", c).lower():
            if _CJK_RUN.fullmatch(k):
                chars.append((pos, k))
    if len(chars) < n:
        return []
    hashes = _cjk_hashes("".join(k for _, k in chars), n)
    hit = np.isin(hashes, source)
    rare = hit & ~np.isin(hashes, common)
    runs: list[tuple[int, int]] = []
    start = None
    for g, h in enumerate(np.append(hit, False)):
        if h and start is None:
            start = g
        elif not h and start is not None:
            if rare[start:g].any():
                runs.append((start, g - 1 + n))  # chars start .. g-1+n (exclusive)
            start = None
    runs.sort(key=lambda r: (-(r[1] - r[0]), r[0]))
    out = []
    for a, b in runs[:limit]:
        piece = text[chars[a][0] : chars[b - 1][0] + 1]
        out.append(piece if len(piece) <= width else piece[: width - 1] + "…")
    return out


def recombined_flags(
    store: PatentStore,
    pool: Sequence[Application],
    judged: Collection[str] | None,
    t: Thresholds,
) -> Recombination:
    """The applications of ``judged`` (app ids; None: all of ``pool``) recombined from
    earlier documents of other applicants among ``pool`` (the store's applications).

    Args:
        store: where the texts are read.
        pool: every application that may be a source (and those judged).
        judged: the applications to judge; None judges all of ``pool``.
        t: the thresholds (``recombined_*``, ``word_ngram``).
    """
    n = t.recombined_cjk_ngram
    wanted = None if judged is None else set(judged)
    texts = load_texts(store)
    size = len(pool)
    own: list[np.ndarray] = []
    src: list[np.ndarray] = []
    used: list[str | None] = []
    empty = np.empty(0, dtype=np.uint32)
    designs = 0
    for app in pool:
        abstract, claims = texts.get(app.app_id, (None, None))
        text, which = _own_text(abstract, claims)
        if app.patent_type == "design":
            # a design's brief description is a form (产品名称、用途、设计要点…): the
            # design is in its views, which no text shows
            text, which = None, None
            designs += wanted is None or app.app_id in wanted
        used.append(which)
        if text is None:
            own.append(empty)
            src.append(empty)
            continue
        mine = shingle_array(text, cjk_ngram=n, word_ngram=t.word_ngram)
        own.append(mine)
        other = abstract if which == "claims" else claims
        src.append(
            np.union1d(mine, shingle_array(other, cjk_ngram=n, word_ngram=t.word_ngram))
            if other
            else mine
        )
    del texts
    # (hash << 32 | application) in one uint64 array sorted in place: the postings
    # without an argsort's int64 permutation (a million applications' shingles fit)
    packed = np.empty(sum(len(x) for x in src), dtype=np.uint64)
    at = 0
    for i, x in enumerate(src):
        if len(x):
            packed[at : at + len(x)] = (
                x.astype(np.uint64) << np.uint64(32)
            ) | np.uint64(i)
            at += len(x)
    packed.sort()
    ranked = (packed >> np.uint64(32)).astype(np.uint32)
    owner = (packed & np.uint64(0xFFFFFFFF)).astype(np.int64)
    del packed
    starts = np.flatnonzero(np.concatenate(([True], ranked[1:] != ranked[:-1])))
    df = np.diff(np.append(starts, len(ranked)))
    common = ranked[starts[df > t.recombined_common_documents]]
    # the index: shingles shared by 2 .. recombined_common_documents applications
    keep = np.repeat((df >= 2) & (df <= t.recombined_common_documents), df)
    index_hash, index_app = ranked[keep], owner[keep]
    del ranked, owner, keep, starts, df
    day = np.array(
        [a.app_date.toordinal() if a.app_date else _NO_DAY for a in pool],
        dtype=np.int64,
    )
    rare_sizes = np.zeros(size, dtype=np.int64)
    no_text = too_short = date_unknown = 0
    by_text = {"claims": 0, "abstract": 0}
    todo: list[int] = []
    rare: dict[int, np.ndarray] = {}
    unjudged: set[str] = set()
    for i, app in enumerate(pool):
        if wanted is not None and app.app_id not in wanted:
            continue
        which = used[i]
        if which is None:
            no_text += app.patent_type != "design"
            unjudged.add(app.app_id)
            continue
        mine = _uncommon(own[i], common)
        rare_sizes[i] = len(mine)
        if rare_sizes[i] < max(t.recombined_min_shingles, 1):
            too_short += 1
            unjudged.add(app.app_id)
            continue
        if day[i] == _NO_DAY:
            date_unknown += 1
            unjudged.add(app.app_id)
            continue
        by_text[which] += 1
        rare[i] = mine
        todo.append(i)
    candidates: dict[int, list[tuple[int, int]]] = {}
    pairs = 0
    for start in range(0, len(todo), _CHUNK):
        chunk = todo[start : start + _CHUNK]
        q_hash = np.concatenate([rare[i] for i in chunk])
        q_app = np.repeat(
            np.asarray(chunk, dtype=np.int64),
            [len(rare[i]) for i in chunk],
        )
        lo = np.searchsorted(index_hash, q_hash, side="left")
        hi = np.searchsorted(index_hash, q_hash, side="right")
        counts = hi - lo
        if not counts.sum():
            continue
        d = np.repeat(q_app, counts)
        # positions lo .. hi-1 of every query shingle, flattened
        offsets = np.repeat(lo - np.cumsum(counts) + counts, counts)
        s = index_app[offsets + np.arange(counts.sum())]
        ok = (s != d) & (day[s] != _NO_DAY) & (day[s] < day[d])
        key = d[ok] * size + s[ok]
        if not key.size:
            continue
        keys, shared = np.unique(key, return_counts=True)
        d_of, s_of = keys // size, keys % size
        need = np.ceil(t.recombined_source_share * rare_sizes[d_of] - 1e-9)
        good = shared >= need
        pairs += int(good.sum())
        for x, y, c in zip(d_of[good], s_of[good], shared[good], strict=True):
            candidates.setdefault(int(x), []).append((int(y), int(c)))
    flags = []
    for i, found in sorted(candidates.items()):
        app = pool[i]
        sources = [(j, c) for j, c in found if not _related(app, pool[j])]
        if len(sources) < 2:
            continue
        mine = rare[i]
        total = len(mine)
        min_gain = t.recombined_source_share * total - 1e-9
        covered = np.zeros(total, dtype=bool)
        hits = {j: np.isin(mine, src[j], assume_unique=True) for j, _ in sources}
        chosen: list[tuple[int, int, int]] = []  # (source, gain, alone)
        while True:
            best, gain = -1, 0
            for j, _ in sources:
                if any(j == c for c, _, _ in chosen):
                    continue
                g = int((hits[j] & ~covered).sum())
                rank = (g, -int(day[j]), -j)
                if best < 0 or rank > (gain, -int(day[best]), -best):
                    best, gain = j, g
            if best < 0 or gain < min_gain:
                break
            covered |= hits[best]
            chosen.append((best, gain, int(hits[best].sum())))
        coverage = covered.sum() / total
        if len(chosen) < 2 or coverage < t.recombined_coverage - 1e-9:
            continue
        flags.append(_flag(pool, i, used[i], chosen, total, len(own[i]) - total, t))
    _add_passages(store, pool, flags, src, common, t)
    return Recombination(
        flags=tuple(flags),
        judged=len(todo),
        by_text=by_text,
        too_short=too_short,
        no_text=no_text,
        date_unknown=date_unknown,
        candidate_pairs=pairs,
        designs=designs,
        not_judged=frozenset(unjudged),
    )


def _flag(
    pool: Sequence[Application],
    i: int,
    which: str | None,
    chosen: list[tuple[int, int, int]],
    total: int,
    common_excluded: int,
    t: Thresholds,
) -> Flag:
    from patnav.models.abnormal.rules import Flag

    app = pool[i]
    coverage = sum(g for _, g, _ in chosen) / total
    label = TEXT_LABELS.get(which or "", "文本")
    sources: list[dict[str, Any]] = [
        {
            "application": pool[j].app_id,
            "documents": list(pool[j].doc_ids),
            "applicants": list(pool[j].applicants),
            "app_date": None if pool[j].app_date is None else str(pool[j].app_date),
            "title": pool[j].title,
            "share": round(gain / total, 3),
            "share_alone": round(alone / total, 3),
            "passages": [],
        }
        for j, gain, alone in chosen
    ]
    named = "、".join(
        f"{s['application']}（{'、'.join(s['applicants'][:2]) or '申请人未知'}，"
        f"{s['share']:.0%}）"
        for s in sources
    )
    return Flag(
        kind="recombined",
        rule="申请内容主要由多件他人（非同一申请人、发明人或同一发明）在先申请的"
        "段落拼凑而成",
        threshold=f"来源 ≥ 2 件且每件新增覆盖 ≥ {t.recombined_source_share:.0%}，"
        f"合计覆盖 ≥ {t.recombined_coverage:.0%}（{t.recombined_cjk_ngram} 字片段，"
        f"出现于 {t.recombined_common_documents} 件以上申请的常用语不计）",
        subject="、".join(app.applicants) or "申请人未知",
        message=f"{app.app_id}《{app.title or ''}》的{label}有 {coverage:.0%} "
        f"可在 {len(sources)} 件他人在先申请中找到：{named}；"
        f"其余 {1 - coverage:.0%} 未见于他人在先申请",
        applications=(app.app_id,),
        documents=app.doc_ids,
        evidence={
            "text_used": which,
            "text_used_label": label,
            "ngram": t.recombined_cjk_ngram,
            "shingles": total,
            "common_excluded": common_excluded,
            "coverage": round(coverage, 3),
            "original": round(1 - coverage, 3),
            "sources": sources,
            "app_date": None if app.app_date is None else str(app.app_date),
            "title": app.title,
        },
    )


def _add_passages(
    store: PatentStore,
    pool: Sequence[Application],
    flags: list[Flag],
    src: list[np.ndarray],
    common: np.ndarray,
    t: Thresholds,
) -> None:
    """Fill each source's ``passages``: excerpts of the flagged application's text."""
    if not flags:
        return
    where = {a.app_id: k for k, a in enumerate(pool)}
    texts = load_texts(store, [f.applications[0] for f in flags])
    for f in flags:
        text, _ = _own_text(*texts.get(f.applications[0], (None, None)))
        if not text:
            continue
        for s in f.evidence["sources"]:
            s["passages"] = passages(
                text,
                src[where[s["application"]]],
                common,
                n=t.recombined_cjk_ngram,
            )
