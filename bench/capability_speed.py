"""Enterprise capability and high-value patents speed (``python -m bench capability``).

Store: 1 M documents resampled from the demo corpus (``bench/scaled.py``: real documents
copied with suffixed identifiers and shifted years; speed only, never quality). Timed in
this process on the store opened read-only, median of REPEAT runs:

- ``CapabilityModel().fit(store)`` — every company applicant's 13 indicators and
  percentiles among province × industry peers — and ``rank(top=20)``;
- ``high_value_patents(store)`` — 每万人口高价值发明专利拥有量 counts per province;
- baseline: a plain scan grouping the applicants' documents per entity (what any ranking of
  applicants must read at least), so the ratio is the model's own work.
"""

from __future__ import annotations

import statistics
import time

from bench.common import print_table, save

SPEED_DOCS = 1_000_000
REPEAT = 3

SCAN_SQL = """
SELECT coalesce(entity_id, name) AS actor, count(DISTINCT doc_id) AS docs,
       any_value(province) AS province
FROM parties WHERE role = 'applicant' GROUP BY 1
"""


def main() -> None:
    from bench.scaled import scaled_store
    from patnav.models.capability import CapabilityModel
    from patnav.models.high_value import high_value_patents
    from patnav.storage.store import PatentStore

    path = scaled_store(SPEED_DOCS)
    times: dict[str, list[float]] = {"scan": [], "capability": [], "highvalue": []}
    with PatentStore.open(path, read_only=True) as store:
        docs = store.count("patents")
        for _ in range(REPEAT):
            started = time.perf_counter()
            actors = len(store.query(SCAN_SQL))
            times["scan"].append(time.perf_counter() - started)
            started = time.perf_counter()
            model = CapabilityModel().fit(store)
            ranking = model.rank(top=20)
            times["capability"].append(time.perf_counter() - started)
            started = time.perf_counter()
            indicator = high_value_patents(store)
            times["highvalue"].append(time.perf_counter() - started)
    scan = statistics.median(times["scan"])
    capability = statistics.median(times["capability"])
    highvalue = statistics.median(times["highvalue"])
    print_table(
        f"Capability and high-value speed: {docs:,} documents resampled from the demo "
        f"corpus (bench/scaled.py; speed only), median of {REPEAT}",
        ["work", "seconds", "ratio to scan"],
        [
            [f"scan: applicants per entity ({actors:,})", f"{scan:.2f}", "1.0"],
            [
                f"capability fit + rank ({ranking.total:,} {ranking.subject}s)",
                f"{capability:.2f}",
                f"{capability / scan:.1f}",
            ],
            [
                f"high-value counts per province ({len(indicator.regions)} regions)",
                f"{highvalue:.2f}",
                f"{highvalue / scan:.1f}",
            ],
        ],
    )
    save(
        "capability",
        {
            "documents": docs,
            "scan_s": scan,
            "capability_s": capability,
            "highvalue_s": highvalue,
            "subjects": ranking.total,
        },
    )


if __name__ == "__main__":
    main()
