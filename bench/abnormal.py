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
    from patnav.models.abnormal import Thresholds

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


def main() -> None:
    save("abnormal", {"recall": recall(), "sample": sample()})


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
    started = time.perf_counter()
    with PatentStore.open(path, read_only=True) as store:
        result = detect(store)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(
        f"detect on {path}: {result.documents:,} documents, {result.compared:,} "
        f"compared, {result.near_duplicate_pairs:,} near-duplicate pairs: "
        f"{seconds:.0f} s, peak memory {peak:.1f} GB (flags {result.counts()}: "
        "resampled copies, meaningless)"
    )
    save(
        "abnormal-1m",
        {"seconds": round(seconds, 1), "peak_gb": round(peak, 2), "store": str(path)},
    )
