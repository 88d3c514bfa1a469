"""Pre-valuation speed (``python -m bench prevalue``).

Store: the real PatSnap 中之信 export (13,086 CN patents with legal events and current
owners) and the Patentics 虚拟现实 export (7,805 CN patents with filing and grant dates),
imported and enriched once into bench-output. Timed in a fresh process each (median of
REPEAT runs): ``prevalue`` (checks and valuation) of portfolios of the first N granted
documents, the DOCX report of the 100-patent portfolio, and the white list over the whole
store (every owning company's patents checked once).
"""

from __future__ import annotations

from bench.common import DATA_DIR, OUT, median_runs, print_table, save

FILES = (
    "formats/cn-db-exports/patsnap_zhongzhixin_2020_2022.xlsx",
    "formats/cn-db-exports/patentics_CN_TI-虚拟现实_20220507.csv",
)
SIZES = (10, 100, 1000)
REPEAT = 3

CODE = """
from datetime import date
from patnav.storage.store import PatentStore
from patnav.models.prevalue import LoanTerms, ValuationInputs, prevalue
from patnav.models.prevalue.portfolio import from_numbers
from patnav.models.prevalue.whitelist import build_whitelist
with PatentStore.open({path!r}, read_only=True) as store:
    ids = [r[0] for r in store.rows(
        "SELECT doc_id FROM patents WHERE legal_status = 'active' ORDER BY doc_id "
        "LIMIT {n}")]
    t0 = time.perf_counter()
    if {n} > 0:
        result = prevalue(store, from_numbers(store, ids), LoanTerms(date(2022, 6, 1), 12),
                          ValuationInputs(revenue_wan=500), as_of=date(2022, 6, 1))
        __result["patents"] = len(result.checks.found)
        if {report}:
            import tempfile
            from patnav.reports import render_report
            from patnav.reports.prevalue import build_prevalue_report
            render_report(build_prevalue_report(result), "docx", tempfile.mkdtemp())
    else:
        listed = build_whitelist(store, as_of=date(2022, 6, 1))
        __result["patents"] = f"{{listed.considered}} owners"
        __result["candidates"] = len(listed.entries)
    __result["seconds"] = time.perf_counter() - t0
"""


def _store() -> str:
    from datetime import date

    from patnav.config import Settings
    from patnav.enrich import enrich
    from patnav.ingest.pipeline import import_paths
    from patnav.schema import tables as t
    from patnav.storage.store import PatentStore

    path = OUT / f"prevalue-s{t.SCHEMA_VERSION}.duckdb"
    if not path.exists():
        OUT.mkdir(exist_ok=True)
        building = path.with_suffix(".building")
        building.unlink(missing_ok=True)
        with PatentStore.open(building) as store:
            assert import_paths(store, [DATA_DIR / f for f in FILES]).ok
            enrich(store, Settings(data_dir=DATA_DIR), today=date(2022, 6, 1))
        building.rename(path)
    return str(path)


def main() -> None:
    path = _store()
    rows = []
    results = {}
    for label, n, report in (
        *((f"prevalue {n}", n, False) for n in SIZES),
        ("prevalue 100 + docx", 100, True),
        ("whitelist (all owners)", 0, False),
    ):
        seconds, peak, out = median_runs(
            CODE.format(path=path, n=n, report=report), REPEAT
        )
        rows.append([label, out.get("patents"), f"{seconds:.2f}", f"{peak:.0f}"])
        results[label] = {"seconds": seconds, "peak_mb": peak, **out}
    print_table(
        "pre-valuation (median of 3, fresh process)",
        ["work", "patents", "seconds", "peak MB"],
        rows,
    )
    save("prevalue", results)
