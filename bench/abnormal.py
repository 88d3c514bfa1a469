"""Abnormal filings (``python -m bench abnormal``): recall on near-duplicates planted into
a real corpus, a sample of flags from the real corpora for review, and the time.

- **Recall.** The Tai'an corpus (``corpora/cn-taian-7384``: 7,384 real documents with
  title and abstract) is imported into a temporary store. For each edit level, 40 real
  documents with an abstract of at least 100 characters (distinct per level) get two
  copies each, filed as new applications of made-up applicants, edited: ``level`` times
  one character replaced and one inserted, the first two clauses swapped (level ≥ 1),
  and 装置 appended to the title of the second copy (level ≥ 2). A copy is *found* when a
  batch or split flag holds it together with its original. Printed per level: the
  copies' exact Jaccard to their original (median, min) and the share found; also the
  share found among the copies whose exact Jaccard is ≥ the threshold (what LSH misses).
- **Sample.** 20 flags drawn at random (seed 18) from the flags on the demo corpus store,
  printed with their evidence and the texts' first characters, to be reviewed by reading
  them (see ``docs/abnormal.md`` for how they were reviewed and what was found).
- **Recombination recall** (:func:`recombination`). Into the same Tai'an store, documents
  planted by recombining passages of the real abstracts of 2 and of 3 other applicants'
  real documents (contiguous passages, distinct applicants, filed before 2016) with, for
  coverage below 100 %, a real CCF abstract (a text not in the store) as the original
  rest; at several coverage levels and with 0, 1 or 2 light edits per passage (one
  character replaced and one inserted each), filed in 2016 by made-up applicants.
  *Found*: a ``recombined`` flag on the planted document; *right sources*: its sources
  are exactly the planted ones. Also per n-gram size (3–6): the recall and the flags on
  the real corpora as they are (the demo store; the incoPat exports).
- **False flags** (:func:`recombination_real`): the ``recombined`` flags on the real
  corpora as they are, printed with their texts and sources' passages for review.
- **Time.** ``detect`` on the demo corpus store (:func:`bench.scaled.demo_store`, built
  from the configured data path when missing; ``PATNAV_BENCH_DEMO_STORE`` overrides it),
  read-only, one run.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bench.common import DATA_DIR, print_table, save
from bench.scaled import demo_store, scaled_store

if TYPE_CHECKING:
    from patnav.models.abnormal import Flag, Thresholds
    from patnav.storage.store import PatentStore

LEVELS = (0, 1, 2, 3, 5, 8)
PER_LEVEL = 40
COPIES = 2


def edit(text: str, level: int, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(level):
        chars[rng.randrange(len(chars))] = "改"
        chars.insert(rng.randrange(len(chars)), "的")
    parts = "".join(chars).split("，")
    if level and len(parts) > 2:
        parts[0], parts[1] = parts[1], parts[0]
    return "，".join(parts)


def recall(thresholds: Thresholds | None = None) -> dict[str, object]:
    from patnav.ingest.pipeline import import_paths
    from patnav.models.abnormal import Thresholds as Loaded
    from patnav.models.abnormal import detect
    from patnav.models.abnormal.near_duplicates import jaccard, shingles
    from patnav.schema.records import Party, PatentRecord, PatentType, Role
    from patnav.storage.store import PatentStore
    from patnav.storage.writer import DocumentWriter

    t = thresholds or Loaded.load()
    rng = random.Random(18)
    folder = Path(tempfile.mkdtemp(prefix="bench-abnormal-"))
    try:
        path = folder / "planted.duckdb"
        with PatentStore.open(path) as store:
            assert import_paths(store, [DATA_DIR / "corpora/cn-taian-7384"]).ok
            rows = store.rows(
                "SELECT app_number, title, abstract FROM patents "
                "WHERE length(abstract) >= 100 ORDER BY app_number"
            )
            chosen = rng.sample(rows, PER_LEVEL * len(LEVELS))
            planted: dict[int, list[tuple[str, str, float]]] = {}
            n = 0
            with store.transaction():
                writer = DocumentWriter(store, import_id=99, file="planted", fmt="json")
                for li, level in enumerate(LEVELS):
                    planted[level] = []
                    for app, title, abstract in chosen[
                        li * PER_LEVEL : (li + 1) * PER_LEVEL
                    ]:
                        for copy in range(COPIES):
                            n += 1
                            new_title = title + ("装置" if level >= 2 and copy else "")
                            new_abstract = edit(abstract, level, rng)
                            number = f"CN2099{n:08d}"
                            sim = jaccard(
                                shingles(f"{title}\n{abstract}", cjk_ngram=t.cjk_ngram),
                                shingles(
                                    f"{new_title}\n{new_abstract}",
                                    cjk_ngram=t.cjk_ngram,
                                ),
                            )
                            planted[level].append((app, number, sim))
                            writer.add(
                                PatentRecord(
                                    pub_number=f"CN99{n:07d}A",
                                    office="CN",
                                    kind="A",
                                    app_number=number,
                                    app_date=date(2014, 1 + n % 12, 1 + n % 28),
                                    patent_type=PatentType.INVENTION,
                                    title=new_title,
                                    abstract=new_abstract,
                                    parties=(Party(Role.APPLICANT, f"植入申请人{n}"),),
                                ),
                                f"planted {n}",
                            )
                writer.finish()
        with PatentStore.open(path, read_only=True) as store:
            started = time.perf_counter()
            result = detect(store, thresholds=t)
            seconds = time.perf_counter() - started
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    groups = [set(f.applications) for f in result.flags if f.kind in ("batch", "split")]
    linked = [set(g) for g in result.groups]
    at = result.thresholds.similarity
    table, payload = [], {}
    for level, items in planted.items():
        found = [any(o in g and c in g for g in groups) for o, c, _ in items]
        near = [any(o in g and c in g for g in linked) for o, c, _ in items]
        sims = [s for _, _, s in items]
        above = [f for f, (_, _, s) in zip(found, items, strict=True) if s >= at]
        payload[str(level)] = {
            "copies": len(items),
            "found": sum(found),
            "linked": sum(near),
            "jaccard_median": round(statistics.median(sims), 3),
            "jaccard_min": round(min(sims), 3),
            "above_threshold": len(above),
            "found_above_threshold": sum(above),
        }
        table.append(
            [
                level,
                len(items),
                f"{statistics.median(sims):.2f}",
                f"{min(sims):.2f}",
                f"{sum(near) / len(items):.0%}",
                f"{sum(found) / len(items):.0%}",
                f"{sum(above)}/{len(above)}",
            ]
        )
    print_table(
        f"Recall on near-duplicates planted into the Tai'an corpus "
        f"({result.documents:,} documents, detect {seconds:.1f} s)",
        [
            "edits",
            "copies",
            "Jaccard median",
            "min",
            "linked",
            "flagged",
            f"flagged of J≥{at:g}",
        ],
        table,
    )
    return {"levels": payload, "seconds": round(seconds, 2)}


def sample() -> dict[str, object]:
    from patnav.models.abnormal import detect
    from patnav.storage.store import PatentStore

    given = os.environ.get("PATNAV_BENCH_DEMO_STORE")
    path = Path(given) if given else demo_store()
    with PatentStore.open(path, read_only=True) as store:
        started = time.perf_counter()
        result = detect(store)
        seconds = time.perf_counter() - started
        texts = dict(
            store.rows("SELECT coalesce(app_number, doc_id), abstract FROM patents")
        )
    print(
        f"\ndetect on {path} ({result.documents:,} documents, {result.applications:,} "
        f"applications, {result.compared:,} compared): {seconds:.1f} s; "
        f"flags {result.counts()}; 一案双申 not linked {result.exempt_dual}"
    )
    rng = random.Random(18)
    flags = list(result.flags)
    picked = rng.sample(flags, min(20, len(flags)))
    for k, f in enumerate(picked, start=1):
        print(f"\n[{k}] {f.kind} · {f.subject} · {f.message}")
        for m in f.evidence.get("members", [])[:4]:
            text = (texts.get(m["application"]) or "")[:70]
            print(
                f"    {m['application']} {m['app_date']} {m['type']} "
                f"{'、'.join(m['applicants'])} 《{m['title']}》 {text}"
            )
        for p in f.evidence.get("pairs", [])[:3]:
            print(f"    {p['left']} ~ {p['right']}: {p['similarity']}")
    return {
        "store": str(path),
        "documents": result.documents,
        "seconds": round(seconds, 2),
        "counts": result.counts(),
        "exempt_dual": result.exempt_dual,
    }


COVERAGES = (1.0, 0.85, 0.7, 0.55)
EDITS = (0, 1, 2)
PER_CELL = 12
REAL = (
    "formats/cn-db-exports/incopat_toyota_autodriving_CN.xlsx",
    "formats/cn-db-exports/incopat_iflytek_3816.xlsx",
    "formats/cn-db-exports/incopat_GM_autodriving_10000.xlsx",
)


def _plant(
    pool: list[tuple[str, str, str]],
    fillers: list[str],
    rng: random.Random,
    k: int,
    coverage: float,
    level: int,
    length: int = 240,
) -> tuple[str, list[tuple[str, str]]]:
    """A text of about ``length`` characters: ``coverage`` of it contiguous passages of
    the abstracts of ``k`` documents of distinct applicants (``pool``: app, applicant,
    abstract), the rest a real text not in the store; ``level`` light edits per
    passage."""
    picked: list[tuple[str, str, str]] = []
    while len(picked) < k:
        row = rng.choice(pool)
        if all(row[1] != p[1] for p in picked):
            picked.append(row)
    each = round(length * coverage / k)
    parts = []
    for _, _, abstract in picked:
        start = rng.randrange(max(len(abstract) - each, 0) + 1)
        parts.append(edit(abstract[start : start + each], level, rng))
    rest = length - each * k
    if rest > 0:
        filler = rng.choice(fillers)
        parts.append(filler[:rest])
    rng.shuffle(parts)
    return "。".join(parts), [(p[0], p[1]) for p in picked]


def recombination(
    settings: tuple[tuple[int, float], ...] = (
        (3, 0.15),
        (4, 0.15),
        (5, 0.15),
        (4, 0.2),
    ),
    coverages: tuple[float, ...] = (0.5, 0.6, 0.7),
) -> dict[str, object]:
    """Recall on planted recombinations (per source count, coverage, edits) and the
    flags on the planted store's real documents, per (n-gram size, minimum share per
    source) and coverage threshold."""
    import json

    from patnav.ingest.pipeline import import_paths
    from patnav.models.abnormal import Thresholds, detect
    from patnav.schema.records import Party, PatentRecord, PatentType, Role
    from patnav.storage.store import PatentStore
    from patnav.storage.writer import DocumentWriter

    rng = random.Random(1818)
    fillers = [
        json.loads(line)["abstract"]
        for line in (DATA_DIR / "corpora/cn-ccf-bdci-4097/expand_train_1.json")
        .read_text(encoding="utf-8")
        .splitlines()
        if line.strip()
    ]
    fillers = [f for f in fillers if len(f) >= 200]
    folder = Path(tempfile.mkdtemp(prefix="bench-recombined-"))
    cells: list[tuple[int, float, int, str, list[str], set[str]]] = []
    out: dict[str, object] = {}
    try:
        path = folder / "planted.duckdb"
        with PatentStore.open(path) as store:
            assert import_paths(store, [DATA_DIR / "corpora/cn-taian-7384"]).ok
            pool = [
                (str(a), str(p), str(t))
                for a, p, t in store.rows(
                    "SELECT p.app_number, min(x.name), any_value(p.abstract) "
                    "FROM patents p JOIN parties x ON x.doc_id = p.doc_id "
                    "AND x.role = 'applicant' WHERE length(p.abstract) >= 150 "
                    "GROUP BY 1 ORDER BY 1"
                )
            ]
            n = 0
            with store.transaction():
                writer = DocumentWriter(store, import_id=98, file="planted", fmt="json")
                for k in (2, 3):
                    for coverage in COVERAGES:
                        for level in EDITS:
                            for _ in range(PER_CELL):
                                n += 1
                                text, sources = _plant(
                                    pool, fillers, rng, k, coverage, level
                                )
                                number = f"CN2016{n:08d}"
                                cells.append(
                                    (
                                        k,
                                        coverage,
                                        level,
                                        number,
                                        [a for a, _ in sources],
                                        {p for _, p in sources},
                                    )
                                )
                                writer.add(
                                    PatentRecord(
                                        pub_number=f"CN98{n:07d}A",
                                        office="CN",
                                        kind="A",
                                        app_number=number,
                                        app_date=date(2016, 1 + n % 12, 1 + n % 28),
                                        patent_type=PatentType.INVENTION,
                                        title=f"一种组合装置{n}",
                                        abstract=text,
                                        parties=(
                                            Party(Role.APPLICANT, f"拼凑申请人{n}"),
                                        ),
                                    ),
                                    f"planted {n}",
                                )
                writer.finish()
        planted = {c[3] for c in cells}
        with PatentStore.open(path, read_only=True) as store:
            for ng, share in settings:
                # one run at a low coverage floor; each coverage threshold filters it
                t = Thresholds(
                    recombined_cjk_ngram=ng,
                    recombined_source_share=share,
                    recombined_coverage=min(coverages),
                )
                started = time.perf_counter()
                result = detect(store, thresholds=t)
                seconds = time.perf_counter() - started
                flags = [f for f in result.flags if f.kind == "recombined"]
                for coverage_at in coverages:
                    got = {
                        f.applications[0]: {
                            a for s in f.evidence["sources"] for a in s["applicants"]
                        }
                        for f in flags
                        if f.evidence["coverage"] >= coverage_at - 1e-9
                    }
                    real = sorted(a for a in got if a not in planted)
                    table = []
                    payload: dict[str, object] = {}
                    for k in (2, 3):
                        for coverage in COVERAGES:
                            row: list[object] = [k, f"{coverage:.0%}"]
                            for level in EDITS:
                                mine = [
                                    c for c in cells if c[:3] == (k, coverage, level)
                                ]
                                hit = sum(c[3] in got for c in mine)
                                right = sum(got.get(c[3]) == c[5] for c in mine)
                                row.append(f"{hit}/{len(mine)} ({right})")
                                payload[f"{k}-{coverage}-{level}"] = [hit, right]
                            table.append(row)
                    print_table(
                        f"Recombinations planted into Tai'an: {ng}-grams, each source "
                        f"≥ {share:.0%}, together ≥ {coverage_at:.0%}: found (with "
                        f"exactly the planted sources' applicants); real documents "
                        f"flagged {len(real)} {real[:5]}; detect {seconds:.1f} s",
                        ["sources", "planted", *(f"{e} edits" for e in EDITS)],
                        table,
                    )
                    out[f"{ng}-{share}-{coverage_at}"] = {
                        "cells": payload,
                        "real_flagged": real,
                        "seconds": round(seconds, 1),
                    }
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return out


def _show(flags: list[Flag], store: PatentStore, limit: int = 20) -> None:
    rng = random.Random(18)
    for k, f in enumerate(rng.sample(flags, min(limit, len(flags))), start=1):
        ev = f.evidence
        text = store.scalar(
            "SELECT max_by(coalesce(claims, abstract), length(coalesce(claims, "
            "abstract))) FROM patents WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))",
            [list(f.documents)],
        )
        print(f"\n[{k}] {f.message}\n    {ev['text_used_label']}：{text}")
        for s in ev["sources"]:
            print(
                f"    ← {s['application']} {s['app_date']} {'、'.join(s['applicants'])}"
                f" 《{s['title']}》 {s['share']:.0%} (alone {s['share_alone']:.0%}): "
                + " | ".join(s["passages"])
            )


def recombination_real(floor: float = 0.4) -> dict[str, object]:
    """The recombination flags on the real corpora as they are (the demo store; the
    incoPat exports), at the shipped thresholds and, for review, every document down to
    a coverage of ``floor`` (near misses), printed with texts and passages."""
    from dataclasses import replace

    from patnav.ingest.pipeline import import_paths
    from patnav.models.abnormal import Thresholds, detect, load_applications
    from patnav.models.abnormal.recombined import recombined_flags
    from patnav.storage.store import PatentStore

    shipped = Thresholds.load()
    t = replace(shipped, recombined_coverage=floor)
    out: dict[str, object] = {}
    given = os.environ.get("PATNAV_BENCH_DEMO_STORE")
    folder = Path(tempfile.mkdtemp(prefix="bench-recombined-real-"))
    try:
        incopat = folder / "incopat.duckdb"
        with PatentStore.open(incopat) as store:
            assert import_paths(store, [DATA_DIR / p for p in REAL]).ok
        for name, path in (
            ("demo", Path(given) if given else demo_store()),
            ("incopat", incopat),
        ):
            with PatentStore.open(path, read_only=True) as store:
                started, cpu = time.perf_counter(), time.process_time()
                result = detect(store, thresholds=t)
                seconds = time.perf_counter() - started
                cpu = time.process_time() - cpu
                apps, _ = load_applications(store)
                alone = time.process_time()
                recombined_flags(store, apps, None, t)
                alone = time.process_time() - alone
                check = result.to_dict()["recombined_check"]
                near = [f for f in result.flags if f.kind == "recombined"]
                flagged = [
                    f
                    for f in near
                    if f.evidence["coverage"] >= shipped.recombined_coverage - 1e-9
                ]
                print(
                    f"\n{name}: {result.documents:,} documents; recombination "
                    f"{check}; flagged at the shipped thresholds {len(flagged)}; "
                    f"coverage ≥ {floor:.0%}: {len(near)}; detect {seconds:.1f} s "
                    f"({cpu:.1f} s CPU, of which the recombination rule {alone:.1f} s)"
                )
                _show(near, store)
                out[name] = {
                    "check": check,
                    "flagged": len(flagged),
                    f"coverage_{floor}": len(near),
                    "seconds": round(seconds, 1),
                    "cpu_seconds": round(cpu, 1),
                    "recombined_cpu_seconds": round(alone, 1),
                }
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return out


def main() -> None:
    save(
        "abnormal",
        {
            "recall": recall(),
            "sample": sample(),
            "recombination": recombination(),
            "recombination_real": recombination_real(),
        },
    )


def scale() -> None:
    """``python -m bench abnormal-1m``: ``detect`` over the 1 M store (read-only; its
    resampled copies are near-duplicates of each other by construction, so the flags mean
    nothing there: speed and memory only). ``PATNAV_BENCH_SCALED_STORE`` overrides the
    path."""
    import resource

    from patnav.models.abnormal import detect
    from patnav.storage.store import PatentStore

    given = os.environ.get("PATNAV_BENCH_SCALED_STORE")
    path = Path(given) if given else scaled_store(1_000_000)
    started, cpu = time.perf_counter(), time.process_time()
    with PatentStore.open(path, read_only=True) as store:
        result = detect(store)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu  # the machine is shared: CPU time says more
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(
        f"detect on {path}: {result.documents:,} documents, {result.compared:,} "
        f"compared, {result.near_duplicate_pairs:,} near-duplicate pairs: "
        f"{seconds:.0f} s ({cpu:.0f} s CPU), peak memory {peak:.1f} GB "
        f"(flags {result.counts()}: "
        "resampled copies, meaningless); recombination check "
        f"{result.to_dict()['recombined_check']}"
    )
    save(
        "abnormal-1m",
        {
            "seconds": round(seconds, 1),
            "cpu_seconds": round(cpu, 1),
            "peak_gb": round(peak, 2),
            "store": str(path),
            "recombined_check": result.to_dict()["recombined_check"],
        },
    )
