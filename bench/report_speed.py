"""One-click report time at about 10 k and 100 k documents, split by stage.

Corpus: the Tai'an city corpus (imported with ``specs/taian-import.yaml``) plus the national
samples of ``specs/taian-industry.yaml`` (the CNIPA and CNKI exports, the CCF corpus),
enriched — 11,713 real documents. The 10 k set is that store as it is; the 100 k set copies
it nine times inside DuckDB the way ``bench/scaled.py`` does (identifiers suffixed per copy,
filing years shifted by up to ±2 years, resolved applicants and class titles kept), so it is
resampled real data: speed only, never quality.

Report: ``specs/taian-industry.yaml`` without its period, so the scope grows with the
copies — the spec's own scope, the union of its nodes' queries over Chinese documents, about
three tenths of the store (before issue 11 a spec without a base query covered every
document; the figures in docs/reports.md were measured then). An industry report: the
landscape, hot spots on a 4,000-unit sample, the chain over 18 nodes, the top-level node
trends, 29 charts, built and written as DOCX (and PDF, timed apart) in a fresh process; the
time of each stage comes from ``Report.timings``.
Baseline: ``landscape()`` — the eight landscape analyses alone — on the same scope, in the
same kind of fresh process, so the ratio is the report's overhead. Budget: < 60 s at 100 k.
"""

from __future__ import annotations

import math
import statistics
from pathlib import Path

import duckdb

from bench.common import DATA_DIR, OUT, REPO, median_runs, print_table, run_child, save
from bench.scaled import COPIED, _suffix

REPEAT = 3
TARGETS = (10_000, 100_000)
ONCE = ("entities", "entity_aliases", "class_titles")
STAGES = ("analyses", "conclusions", "sections", "charts", "render.docx")

REPORT = """
import dataclasses, tempfile
from pathlib import Path
from patnav.analyses.spec import load_spec
from patnav.storage.store import PatentStore
from patnav.reports import build_report, render_report
spec = load_spec({spec!r})
spec = dataclasses.replace(spec, period=dataclasses.replace(spec.period, start=None, end=None))
store = PatentStore.open({path!r}, read_only=True)
t0 = time.perf_counter()
report = build_report(store, spec, data_dir=Path({data!r}))
with tempfile.TemporaryDirectory() as tmp:
    render_report(report, "docx", Path(tmp))
    __result["seconds"] = time.perf_counter() - t0
    if {pdf!r}:
        render_report(report, "pdf", Path(tmp))
__result["timings"] = report.timings
__result["figures"] = len(report.figures())
__result["tables"] = len(report.tables())
"""

LANDSCAPE = """
import dataclasses
from patnav.analyses import landscape
from patnav.analyses.spec import load_spec
from patnav.storage.store import PatentStore
spec = load_spec({spec!r})
spec = dataclasses.replace(spec, period=dataclasses.replace(spec.period, start=None, end=None))
store = PatentStore.open({path!r}, read_only=True)
t0 = time.perf_counter()
results = landscape(store, spec.base_scope(store), count_by=spec.count_by, region=spec.region)
__result["seconds"] = time.perf_counter() - t0
__result["units"] = results["trend"].total
"""


def source_store() -> Path:
    """The Tai'an store with its national samples, enriched (built once)."""
    from patnav.config import Settings
    from patnav.enrich import enrich
    from patnav.ingest.pipeline import import_paths
    from patnav.ingest.tabular.columns import load_mapping
    from patnav.schema import tables as t
    from patnav.storage.store import PatentStore

    # the schema version names the cached store: a new schema builds it again (an old
    # one cannot be opened read-only by the timed children)
    path = OUT / f"report-taian-s{t.SCHEMA_VERSION}.duckdb"
    if path.exists():
        return path
    OUT.mkdir(exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    with PatentStore.open(partial) as store:
        mapping = load_mapping(REPO / "specs" / "taian-import.yaml")
        import_paths(store, [DATA_DIR / "corpora/cn-taian-7384"], mapping=mapping)
        import_paths(
            store,
            [DATA_DIR / "formats/cn-excel", DATA_DIR / "corpora/cn-ccf-bdci-4097"],
        )
        enrich(store, Settings(data_dir=DATA_DIR))
    partial.rename(path)
    return path


def scaled(target: int) -> tuple[Path, int]:
    """The source store copied ``ceil(target / n)`` times; its path and document count."""
    from patnav.schema import tables as t
    from patnav.storage.store import PatentStore

    source = source_store()
    con = duckdb.connect(str(source), read_only=True)
    n = con.execute("SELECT count(*) FROM patents").fetchall()[0][0]
    con.close()
    copies = max(1, math.ceil(target / n))
    if copies == 1:
        return source, n
    path = OUT / f"report-taian-{copies}x-s{t.SCHEMA_VERSION}.duckdb"
    if path.exists():
        return path, n * copies
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    PatentStore.open(partial).close()
    con = duckdb.connect(str(partial))
    con.execute(f"ATTACH '{source}' AS src (READ_ONLY)")
    con.execute(f"CREATE TEMP TABLE copies AS SELECT range AS k FROM range({copies})")
    shift = "((k % 5) - 2)"
    for name in COPIED:
        cols = []
        for c in t.table(name).column_names:
            if c in ("doc_id", "app_number", "family_id") or (
                name == "patents" and c == "pub_number"
            ):
                cols.append(f"{_suffix(c)} AS {c}")
            elif name == "patents" and c in (
                "app_date",
                "pub_date",
                "grant_date",
                "priority_date",
            ):
                cols.append(f"{c} + INTERVAL ({shift}) YEAR AS {c}")
            elif name == "citations" and c == "cited_pub_number":
                cols.append(f"{_suffix(c)} AS {c}")
            elif name == "priorities" and c == "date":
                cols.append(f"date + INTERVAL ({shift}) YEAR AS date")
            else:
                cols.append(c)
        con.execute(
            f"INSERT INTO {name} SELECT {', '.join(cols)} FROM src.{name} CROSS JOIN copies"
        )
    for name in ONCE:
        con.execute(f"INSERT INTO {name} SELECT * FROM src.{name}")
    con.execute("CHECKPOINT")
    con.close()
    partial.rename(path)
    return path, n * copies


def main() -> None:
    spec = str(REPO / "specs" / "taian-industry.yaml")
    rows, payload = [], {}
    for target in TARGETS:
        path, docs = scaled(target)
        runs = [
            run_child(
                REPORT.format(spec=spec, path=str(path), pdf=False, data=str(DATA_DIR))
            )
            for _ in range(REPEAT)
        ]
        seconds = statistics.median(r.seconds for r in runs)
        peak = statistics.median(r.peak_mb for r in runs)
        stages = {
            s: statistics.median(r.result["timings"].get(s, 0.0) for r in runs)
            for s in STAGES
        }
        analyses = sorted(
            {k for r in runs for k in r.result["timings"] if k.startswith("analysis.")}
        )
        per_analysis = {
            k: statistics.median(r.result["timings"].get(k, 0.0) for r in runs)
            for k in analyses
        }
        pdf = run_child(
            REPORT.format(spec=spec, path=str(path), pdf=True, data=str(DATA_DIR))
        )
        pdf_seconds = pdf.result["timings"].get("render.pdf", 0.0)
        base, base_peak, base_result = median_runs(
            LANDSCAPE.format(spec=spec, path=str(path)), REPEAT
        )
        result = runs[-1].result
        rows.append(
            [
                f"{docs:,}",
                f"{base_result['units']:,}",
                f"{result['figures']}/{result['tables']}",
                f"{seconds:.1f}",
                *(f"{stages[s]:.1f}" for s in STAGES),
                f"{pdf_seconds:.1f}",
                f"{peak:.0f}",
                f"{base:.2f}",
                f"{seconds / base:.0f}x",
            ]
        )
        payload[str(target)] = {
            "documents": docs,
            "units": base_result["units"],
            "report_seconds": seconds,
            "stages": stages,
            "analyses": per_analysis,
            "pdf_seconds": pdf_seconds,
            "peak_mb": peak,
            "landscape_seconds": base,
            "landscape_peak_mb": base_peak,
        }
        slowest = sorted(per_analysis.items(), key=lambda kv: -kv[1])[:6]
        print(
            f"  {docs:,} documents — analyses: "
            + ", ".join(f"{k.split('.', 1)[1]} {v:.1f} s" for k, v in slowest)
        )
    print_table(
        "industry report (specs/taian-industry.yaml, no period), written as DOCX; median of "
        f"{REPEAT} fresh processes; corpus: real Tai'an + national samples, 100 k resampled",
        [
            "documents",
            "units",
            "fig/tab",
            "report s",
            "analyses",
            "conclusions",
            "sections",
            "charts",
            "docx",
            "pdf (apart)",
            "peak MB",
            "landscape s",
            "report/landscape",
        ],
        rows,
    )
    print(
        "  report s = build (analyses, conclusions, sections, charts) + DOCX; the PDF is "
        "timed in one extra run. Budget: < 60 s at 100 k."
    )
    save("reports", payload)


if __name__ == "__main__":
    main()
