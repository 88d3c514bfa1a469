"""BM25 ranking at 1 M documents: the same answer on every run, and its cost.

Corpus and index: those of ``bench search-load`` (the real demo corpus resampled to 1 M
documents, speed only — each document 57 times, so its copies tie exactly), opened
read-only. Work: :meth:`patnav.search.fulltext.FullTextIndex.rank` (the first 300) of
the text terms of the web latency bench's queries and of a broad 装置 方法 系统, and of
无人机 电池 within the Boolean result of 无人机 AND 电池 (its 57 hits), each ``RUNS``
times.

Paths, interleaved run by run in the same process on the same connection:

- **baseline** — the ranking SQL before (each document's term weights summed as floats,
  cut by score and doc_key with a margin), kept here verbatim;
- **total-order** — the ranking now (weights summed as integers in units of 2^-40, cut by
  rounded score, a tie at the cut read whole).

Figures: the median ms per ranking, the ratio against the baseline, and how many
distinct answers (doc_ids and scores to the last bit) the runs gave; and the load average
of the shared machine.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path
from typing import Any

import pyarrow as pa

from bench.common import DATA_DIR, print_table, save
from bench.search_load import prepare

RUNS = 21
LIMIT = 300
TEXTS = (
    "光纤",
    "光纤 光缆",
    "无人机 电池",
    "drone",
    "基站",
    "电机 motor",
    "齿轮 减速",
    "装置 方法 系统",
)
WITHIN_QUERY = "无人机 AND 电池"


def _baseline(
    index: Any, text: str, limit: int, within: list[str] | None
) -> list[tuple[str, float]]:
    """The ranking SQL before total orders (unlocated), verbatim."""
    from patnav.search.fulltext import K1, B, term_id

    tokens = index.analyzer.query_tokens(text)
    ids = sorted({term_id(t) for t in tokens})
    n_docs, avgdl = index._stats()
    id_list = ", ".join(str(int(i)) for i in ids)
    restrict = (
        ""
        if within is None
        else "AND doc_key IN (SELECT d.doc_key FROM docs d SEMI JOIN within_ids w "
        "ON d.doc_id = w.doc_id)"
    )
    conn = index._conn
    if within is not None:
        conn.register("within_ids", pa.table({"doc_id": pa.array(within, pa.string())}))
    try:
        rows = conn.execute(
            f"""
            WITH p AS (
                SELECT term_id, doc_key, tf, dl FROM postings WHERE term_id IN ({id_list})
            ),
            df AS (SELECT term_id, count(*) AS df FROM p GROUP BY term_id),
            scored AS (
                SELECT doc_key,
                    sum(ln(1 + (? - df + 0.5) / (df + 0.5)) * tf * ({K1} + 1)
                        / (tf + {K1} * (1 - {B} + {B} * dl / ?))) AS score
                FROM p JOIN df USING (term_id)
                WHERE true {restrict}
                GROUP BY doc_key ORDER BY score DESC, doc_key LIMIT ?
            )
            SELECT d.doc_id, s.score
            FROM scored s JOIN docs d USING (doc_key)
            ORDER BY round(s.score, 9) DESC, d.doc_id
            """,
            [n_docs, max(avgdl, 1.0), limit * 2 + 20],
        ).fetchall()
    finally:
        if within is not None:
            conn.unregister("within_ids")
    return [(str(d), float(s)) for d, s in rows[:limit]]


def main() -> None:
    from patnav.search.api import search
    from patnav.search.index import SearchIndex
    from patnav.storage.store import PatentStore

    path = prepare()
    with (
        PatentStore.open(path, read_only=True) as store,
        SearchIndex(store, data_dir=DATA_DIR, folder=Path(f"{path}.search")) as index,
    ):
        fulltext = index.fulltext
        hits = [
            h.doc_id
            for h in search(store, WITHIN_QUERY, limit=10_000, index=index).hits
        ]
        cases: list[tuple[str, str, list[str] | None]] = [
            (text, text, None) for text in TEXTS
        ] + [(f"无人机 电池 within {WITHIN_QUERY}", "无人机 电池", hits)]
        fulltext.rank("预热", limit=1)
        rows, figures = [], {}
        for name, text, within in cases:
            times: dict[str, list[float]] = {"baseline": [], "total-order": []}
            answers: dict[str, set[str]] = {"baseline": set(), "total-order": set()}
            for run in range(RUNS):
                order = (
                    ("baseline", "total-order")
                    if run % 2
                    else ("total-order", "baseline")
                )
                for path_name in order:
                    began = time.perf_counter()
                    if path_name == "baseline":
                        got = _baseline(fulltext, text, LIMIT, within)
                    else:
                        got = fulltext.rank(text, limit=LIMIT, within=within)
                    times[path_name].append(time.perf_counter() - began)
                    answers[path_name].add(repr([(d, s.hex()) for d, s in got]))
            base = statistics.median(times["baseline"])
            new = statistics.median(times["total-order"])
            figures[name] = {
                "baseline_ms": base * 1000,
                "total_order_ms": new * 1000,
                "ratio": new / base,
                "baseline_answers": len(answers["baseline"]),
                "total_order_answers": len(answers["total-order"]),
                "runs": RUNS,
            }
            rows.append(
                [
                    name,
                    f"{base * 1000:.0f}",
                    f"{new * 1000:.0f}",
                    f"{new / base:.2f}",
                    f"{len(answers['baseline'])}/{RUNS}",
                    f"{len(answers['total-order'])}/{RUNS}",
                ]
            )
    load = Path("/proc/loadavg").read_text().split()[:3] if os.name == "posix" else []
    print(
        "corpus: the real demo corpus resampled to 1 M documents (speed only); work: "
        f"FullTextIndex.rank, first {LIMIT}, {RUNS} runs per path, interleaved"
    )
    print_table(
        "BM25 ranking: median ms, ratio to the baseline, distinct answers over the runs",
        [
            "text",
            "baseline ms",
            "total-order ms",
            "ratio",
            "baseline answers",
            "total-order answers",
        ],
        rows,
    )
    print(f"load average: {' '.join(load)}")
    save("rank-order", {"cases": figures, "load": load})


if __name__ == "__main__":
    main()
