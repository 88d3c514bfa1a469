"""Search-strategy quality (issue 19): does the precision interval patnav reports cover the
true precision as often as it says, and how long do live node counts take?

(a) **Coverage.** Ground truth: the 958 CCF BDCI patents labelled by hand into 36 classes
    (``corpora/cn-ccf-bdci-4097/train.json``; the 3,139 model-labelled ones are not used).
    The file is imported alone into a scratch store; for each class below a node query is
    written (keywords an analyst would use for it) and run by patnav; its hits are the
    population, the true precision the share of hits hand-labelled in that class. For
    n = 20, 50, 100 (where the hits allow), many samples of n hits are drawn — as ``patnav
    spec sample`` draws them (:func:`patnav.analyses.strategy_quality.sample_ids`, without
    replacement) — and each sample's 95 % interval is computed as ``patnav spec judge``
    does (:func:`~patnav.analyses.strategy_quality.wilson_interval` with the hits as the
    finite population); the share of intervals holding the true precision is its coverage
    (nominal 95 %). Beside it, on the same samples: the plain Wilson interval (no
    correction: conservative when n is a large share of the hits) and the normal (Wald)
    interval; and both on binomial samples (with replacement, the model they assume).
(b) **Counts per node.** :func:`patnav.analyses.node_counts.breakdown_counts` on the demo
    store (``PATNAV_BENCH_DEMO_STORE``, else :func:`bench.scaled.demo_store`) for the two
    shipped specs: median of 3 runs, and the slowest node.
"""

from __future__ import annotations

import json
import math
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import DATA_DIR, print_table, save

TRAIN = DATA_DIR / "corpora/cn-ccf-bdci-4097/train.json"
NODES = (
    (
        "电机、车辆与动力（类 2）",
        2,
        "TIAB=(电机 OR 车辆 OR 汽车 OR 风机 OR 发动机 OR 电池 OR 齿轮 OR 轴承 OR 压缩机 OR 空调)",
    ),
    ("通信（类 0）", 0, "TIAB=(通信 OR 信号 OR 基站 OR 天线 OR 终端 OR 无线)"),
    ("装置与系统（类 11）", 11, "TIAB=(控制 OR 故障 OR 机械 OR 装料 OR 传动)"),
)
SIZES = (20, 50, 100)
REPEATS = 4000
SPECS = ("specs/taian-industry.yaml", "specs/drones-industry.yaml")


def _wald(k: int, n: int) -> tuple[float, float]:
    p = k / n
    half = 1.959963984540054 * math.sqrt(p * (1 - p) / n)
    return p - half, p + half


def coverage() -> dict[str, object]:
    from patnav.analyses.spec import parse_spec
    from patnav.analyses.strategy_quality import (
        find_node,
        node_hits,
        sample_ids,
        wilson_interval,
    )
    from patnav.ingest.pipeline import import_paths
    from patnav.storage.store import PatentStore

    labels = {}
    with TRAIN.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                labels[f"ID:ccf-bdci:{row['id']}"] = int(row["label_id"])
    out: dict[str, object] = {}
    rows: list[list[object]] = []
    with tempfile.TemporaryDirectory(prefix="bench-strategy-") as tmp:
        path = Path(tmp) / "ccf.duckdb"
        with PatentStore.open(path) as store:
            report = import_paths(store, [TRAIN])
            if not report.ok:
                raise RuntimeError(f"import failed: {report.totals}")
        spec_text = "title: CCF\ntype: rnd\nscope:\n" + "".join(
            f"  - node: {name}\n    query: '{query}'\n" for name, _, query in NODES
        )
        spec = parse_spec(spec_text, source="bench")
        with PatentStore.open(path, read_only=True) as store:
            for name, label, query in NODES:
                hits = node_hits(store, spec, find_node(spec, name))
                truth = [labels[h] == label for h in hits]
                p = sum(truth) / len(truth)
                by_id = dict(zip(hits, truth, strict=True))
                sizes: dict[str, dict[str, float]] = {}
                entry: dict[str, object] = {
                    "query": query,
                    "hits": len(hits),
                    "true_precision": round(p, 4),
                    "sizes": sizes,
                }
                for n in SIZES:
                    if n > len(hits):
                        continue
                    stats = dict.fromkeys(
                        ("patnav", "wilson_wor", "wald_wor", "wilson_wr", "wald_wr"), 0
                    )
                    widths = []
                    rng = random.Random(n * 1000 + label)
                    for r in range(REPEATS):
                        drawn = sample_ids(hits, n, seed=r * 7919 + n)
                        k = sum(by_id[d] for d in drawn)
                        # what patnav reports: corrected for the finite number of hits
                        low, high = wilson_interval(k, n, population=len(hits))
                        widths.append(high - low)
                        stats["patnav"] += low <= p <= high
                        low, high = wilson_interval(k, n)
                        stats["wilson_wor"] += low <= p <= high
                        lo, hi = _wald(k, n)
                        stats["wald_wor"] += lo <= p <= hi
                        k2 = sum(rng.random() < p for _ in range(n))
                        low, high = wilson_interval(k2, n)
                        stats["wilson_wr"] += low <= p <= high
                        lo, hi = _wald(k2, n)
                        stats["wald_wr"] += lo <= p <= hi
                    shares = {k: v / REPEATS for k, v in stats.items()}
                    shares["mean_width"] = statistics.fmean(widths)
                    sizes[str(n)] = {k: round(v, 4) for k, v in shares.items()}
                    rows.append(
                        [
                            name,
                            len(hits),
                            f"{p:.3f}",
                            n,
                            f"{shares['patnav']:.1%}",
                            f"{shares['wilson_wor']:.1%}",
                            f"{shares['wald_wor']:.1%}",
                            f"{shares['wilson_wr']:.1%}",
                            f"{shares['wald_wr']:.1%}",
                            f"{shares['mean_width']:.3f}",
                        ]
                    )
                out[name] = entry
    print_table(
        f"Coverage of the 95% interval on CCF hand labels ({REPEATS} samples each). patnav: "
        "Wilson with the finite-population correction, on samples drawn as patnav draws "
        "them (without replacement, wor); then plain Wilson and Wald on the same samples, "
        "and on binomial samples (with replacement, wr)",
        ["node", "hits", "true p", "n", "patnav", "Wilson wor", "Wald wor", "Wilson wr",
         "Wald wr", "patnav width"],
        rows,
    )  # fmt: skip
    return out


def counts() -> dict[str, object]:
    from patnav.analyses.node_counts import breakdown_counts
    from patnav.analyses.spec import load_spec
    from patnav.storage.store import PatentStore

    given = os.environ.get("PATNAV_BENCH_DEMO_STORE")
    if given:
        path = Path(given)
    else:
        from bench.scaled import demo_store

        path = demo_store()
    out: dict[str, object] = {"store": str(path)}
    rows: list[list[object]] = []
    with PatentStore.open(path, read_only=True) as store:
        documents = store.count("patents")
        out["documents"] = documents
        for spec_path in SPECS:
            spec = load_spec(spec_path)
            times = []
            result = None
            for _ in range(3):
                started = time.perf_counter()
                result = breakdown_counts(store, spec)
                times.append(time.perf_counter() - started)
            assert result is not None
            slowest = max(result.nodes, key=lambda n: n.seconds)
            median = statistics.median(times)
            out[spec_path] = {
                "nodes": len(result.nodes),
                "scope_units": result.scope_units,
                "seconds_median": round(median, 3),
                "seconds_per_node": round(median / len(result.nodes), 4),
                "slowest_node": " / ".join(slowest.path),
                "slowest_node_seconds": round(slowest.seconds, 4),
            }
            rows.append(
                [
                    spec_path,
                    len(result.nodes),
                    f"{result.scope_units:,}",
                    f"{median:.2f}",
                    f"{median / len(result.nodes) * 1000:.0f}",
                    " / ".join(slowest.path),
                ]
            )
    print_table(
        f"patnav spec counts on the demo store ({documents:,} documents; median of 3)",
        ["spec", "nodes", "scope units", "seconds", "ms per node", "slowest node"],
        rows,
    )
    return out


def main() -> None:
    """Run both parts and save them under 'strategy'."""
    save("strategy", {"coverage": coverage(), "counts": counts()})


if __name__ == "__main__":
    main()
