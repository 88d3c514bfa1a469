"""Run the benchmarks: ``python -m bench`` (all) or ``python -m bench import``."""

from __future__ import annotations

import sys
import time

from bench import (
    abnormal,
    agencies_speed,
    analyses_speed,
    barrier,
    capability_speed,
    claim_elements,
    cn_exports,
    embed_speed,
    enrich_quality,
    enterprises_speed,
    fees_speed,
    fetch_speed,
    fto,
    fto_scale,
    fto_scope,
    import_speed,
    ipc,
    matching,
    monitors,
    notify_speed,
    prevalue_speed,
    rank_order,
    report_speed,
    results_speed,
    search_load,
    search_quality,
    search_speed,
    search_stages,
    sme,
    spec_tree,
    strategy,
    tagging,
    text_formats_speed,
    value,
    web_latency,
    web_load,
    web_pages,
    xml_speed,
)

BENCHMARKS = {
    "import": import_speed.main,
    "text-formats": text_formats_speed.main,
    "cn-exports": cn_exports.main,
    "xml": xml_speed.main,
    "search-quality": search_quality.main,
    "strategy": strategy.main,
    "claim-elements": claim_elements.main,
    "fto-scope": fto_scope.main,
    "fto": fto.main,
    "fto-scale": fto_scale.main,
    "barrier": barrier.main,
    "agencies": agencies_speed.main,
    "search-speed": search_speed.main,
    "search-load": search_load.main,
    "search-stages": search_stages.main,
    "rank-order": rank_order.main,
    "embed": embed_speed.main,
    "embed-ways": embed_speed.ways,
    "search-results": results_speed.main,
    "enrich": enrich_quality.main,
    "fees": fees_speed.main,
    "fetch": fetch_speed.main,
    "capability": capability_speed.main,
    "enterprises": enterprises_speed.main,
    "prevalue": prevalue_speed.main,
    "analyses": analyses_speed.main,
    "analyses-1m": analyses_speed.breakdown,
    "analyses-10m": lambda: (
        analyses_speed.breakdown(10_000_000, repeat=1),
        analyses_speed.cold(10_000_000, repeat=1, spec=False),
    ),
    "analyses-spark": analyses_speed.spark,
    "reports": report_speed.main,
    "web": web_latency.main,
    "web-load": web_load.main,
    "web-pages": web_pages.main,
    "spec-tree": spec_tree.main,
    "value": value.main,
    "value-validation": value.validation,
    "value-features": value.features,
    "monitors": monitors.main,
    "sme": sme.main,
    "notify": notify_speed.main,
    "abnormal": abnormal.main,
    "abnormal-1m": abnormal.scale,
    "matching": matching.main,
    "tagging": tagging.main,
    "tagging-vectors": tagging.vectors,
    "tags-queue": tagging.queue,
    "ipc": ipc.main,
}


def main(names: list[str]) -> None:
    chosen = names or list(BENCHMARKS)
    unknown = [n for n in chosen if n not in BENCHMARKS]
    if unknown:
        raise SystemExit(
            f"unknown benchmark(s) {unknown}; known: {', '.join(BENCHMARKS)}"
        )
    for name in chosen:
        started = time.perf_counter()
        print(f"=== {name}")
        BENCHMARKS[name]()
        print(f"=== {name}: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
