"""The full landscape (every non-text analysis) at 1 M and 10 M documents.

Corpora: the real demo corpus resampled to 1 M and 10 M documents (see ``bench/scaled.py``:
identifiers suffixed per copy, years shifted; speed only — quality is tested on real data).

patnav: ``landscape()`` — trend, geography, applicants, co-applicant network, inventors,
technology, legal status, citations — counted by family, on DuckDB. Timed in a fresh process:
*cold* (preparing the scope's unit relations + every analysis) and *warm* (the analyses on an
already prepared scope, as the web dashboard runs them). Baseline: a straightforward pandas
implementation of the same figures, on DataFrames already loaded from the same store (the
load is timed apart), in the same kind of fresh process.
"""

from __future__ import annotations

import statistics

from bench.common import median_runs, print_table, run_child, save
from bench.scaled import scaled_store

REPEAT = 3

PATNAV = """
from patnav.storage.store import PatentStore
from patnav.analyses import LANDSCAPE, landscape, run_analysis
from patnav.analyses.prepared import prepare, release
from patnav.analyses.base import Scope, as_engine
store = PatentStore.open({path!r}, read_only=True)
engine = as_engine(store)
t0 = time.perf_counter()
results = landscape(engine, count_by="family")
__result["seconds"] = time.perf_counter() - t0
scope = prepare(engine, Scope.everything(), "family")
t1 = time.perf_counter()
for name in LANDSCAPE:
    run_analysis(name, engine, scope, count_by="family")
__result["warm"] = time.perf_counter() - t1
release(scope)
__result["families"] = results["trend"].total
"""

PANDAS = """
import duckdb
import pandas as pd
con = duckdb.connect({path!r}, read_only=True)
t0 = time.perf_counter()
patents = con.sql("SELECT doc_id, kind, office, app_number, app_date, pub_date, grant_date, "
                  "priority_date, family_id, patent_type, ipc_main, legal_status, "
                  "cited_by_count FROM patents").df()
parties = con.sql("SELECT doc_id, role, seq, name, party_type, country, province, city "
                  "FROM parties WHERE role IN ('applicant', 'inventor')").df()
priorities = con.sql("SELECT doc_id, seq, country, date FROM priorities").df()
__result["load"] = time.perf_counter() - t0

t0 = time.perf_counter()
p = patents
p["unit"] = p["family_id"].fillna(p["app_number"]).fillna(p["doc_id"])
p["first_date"] = pd.to_datetime(p["priority_date"].fillna(p["app_date"]))
units = p.groupby("unit").agg(first_date=("first_date", "min"),
                              patent_type=("patent_type", "min"),
                              cited=("cited_by_count", "max"))
units["year"] = units["first_date"].dt.year
# trend: filings, publications, grants per year; by type; by office; applicants per year
filings = units.groupby("year").size()
pubs = p.groupby("unit")["pub_date"].min().pipe(pd.to_datetime).dt.year.value_counts()
granted = p[p["grant_date"].notna() | p["kind"].str[:1].isin(list("BCUYSDEPH"))
            | p["patent_type"].isin(["utility_model", "design"])]
grants = granted.groupby("unit")["pub_date"].min().pipe(pd.to_datetime).dt.year.value_counts()
by_type = units.groupby(["year", "patent_type"]).size()
by_office = p[["unit", "office"]].drop_duplicates().join(units["year"], on="unit") \\
    .groupby(["year", "office"]).size()
app = parties[parties["role"] == "applicant"].merge(p[["doc_id", "unit"]], on="doc_id")
unit_app = app.drop_duplicates(["unit", "name"])
appl_year = unit_app.join(units["year"], on="unit").groupby("year")["name"].nunique()
# geography: origin = first located applicant, else earliest priority country, else office
located = app[app["country"].notna() | app["province"].notna()].sort_values(["unit", "seq"]) \\
    .drop_duplicates("unit")
prio = priorities[~priorities["country"].isin(["WO", "EP", "EA", "AP", "OA", "GC", "EM"])] \\
    .merge(p[["doc_id", "unit"]], on="doc_id").sort_values(["unit", "date", "seq"]) \\
    .drop_duplicates("unit")
origin = pd.Series(p.sort_values("first_date").drop_duplicates("unit") \\
    .set_index("unit")["office"])
origin.update(prio.set_index("unit")["country"])
origin.update(located.set_index("unit")["country"])
origins = origin.value_counts()
provinces = located["province"].value_counts()
# applicants: ranking, CR4/CR8, HHI, type mix
ranking = unit_app.groupby("name").size().sort_values(ascending=False)
cr4 = ranking.iloc[:4].sum() / len(units)
hhi = ((ranking / ranking.sum() * 100) ** 2).sum()
mix = app.sort_values(["unit", "seq"]).drop_duplicates("unit")["party_type"].value_counts()
# co-applicant network edges
multi = unit_app[unit_app.duplicated("unit", keep=False)]
pairs = multi.merge(multi, on="unit")
edges = pairs[pairs["name_x"] < pairs["name_y"]].groupby(["name_x", "name_y"]).size()
# inventors: ranking by (name, lead applicant)
lead = app.sort_values(["unit", "seq"]).drop_duplicates("unit").set_index("unit")["name"]
inv = parties[parties["role"] == "inventor"].merge(p[["doc_id", "unit"]], on="doc_id")
inv["lead"] = inv["unit"].map(lead)
inventors = inv.drop_duplicates(["unit", "name", "lead"]).groupby(["name", "lead"]).size() \\
    .sort_values(ascending=False)
# technology: main IPC per unit at four levels
main = p.dropna(subset=["ipc_main"]).sort_values("first_date").drop_duplicates("unit")["ipc_main"]
levels = {{n: main.str[:k].value_counts() for n, k in (("section", 1), ("class", 3),
                                                         ("subclass", 4))}}
levels["main_group"] = main.str.split("/").str[0].value_counts()
# legal status: the most alive status per unit
rank = {{"active": 0, "pending": 1, "invalidated": 2, "expired": 3, "lapsed": 4,
        "rejected": 5, "withdrawn": 6}}
status = p.assign(r=p["legal_status"].map(rank).fillna(99)).groupby("unit")["r"].min() \\
    .value_counts()
# citations: most cited units
most_cited = units["cited"].sort_values(ascending=False).head(20)
__result["seconds"] = time.perf_counter() - t0
__result["families"] = len(units)
"""


BREAKDOWN = """
import sys
if {src!r}:  # the previous code path: its own copy of the sources, imported first
    sys.path.insert(0, {src!r})
from patnav.storage.store import PatentStore
from patnav.analyses import LANDSCAPE, run_analysis
from patnav.analyses.prepared import prepare, release
from patnav.analyses.base import Scope, as_engine
store = PatentStore.open({path!r}, read_only=True)
engine = as_engine(store)
t0 = time.perf_counter()
scope = prepare(engine, Scope.everything(), "family")
__result["prepare"] = time.perf_counter() - t0
for when in {passes!r}:
    for name in LANDSCAPE:
        t1 = time.perf_counter()
        run_analysis(name, engine, scope, count_by="family")
        __result[when + ":" + name] = time.perf_counter() - t1
    if when == "first":
        __result["cold"] = time.perf_counter() - t0
release(scope)
__result["seconds"] = time.perf_counter() - t0
"""

BASELINE_REV = "962bea6c5ed5ee44bdddf8f2931e065fefce7fec"
"""The code before the landscape analyses were made cheaper (issue 20): the kept unit
relations, each analysis's SQL as it was. ``analyses-1m`` runs it beside today's."""


def baseline_src(rev: str = BASELINE_REV) -> str:
    """The ``src`` directory of ``rev``, extracted once under bench-output/ (from the
    repository's own history: ``git archive``)."""
    import subprocess

    from bench.common import OUT

    target = OUT / f"baseline-{rev[:12]}"
    if not (target / "src" / "patnav").is_dir():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", str(OUT.parent), "archive", rev, "src"],
            capture_output=True,
            check=True,
        )
        subprocess.run(
            ["tar", "-x", "-C", str(target)], input=archive.stdout, check=True
        )
    return str(target / "src")


SPEC_QUERY = "IPC=(G06 OR H04 OR G05D OR B64)"
"""The scope of a spec over the resampled corpus: computing, communication, flight control
and aircraft (about a quarter of its documents)."""

COLD = """
from patnav.storage.store import PatentStore
from patnav.analyses import LANDSCAPE, run_analysis
from patnav.analyses.prepared import _OPEN, prepare, release
from patnav.analyses.base import Scope, as_engine
store = PatentStore.open({path!r}, read_only=True)
engine = as_engine(store)
scope = Scope.everything() if {query!r} is None else Scope.of_query({query!r}, store=store)
t0 = time.perf_counter()
prepared = prepare(engine, scope, "family", kept={kept!r})
__result["prepare"] = time.perf_counter() - t0
for name in LANDSCAPE:
    run_analysis(name, engine, prepared, count_by="family")
__result["seconds"] = __result["cold"] = time.perf_counter() - t0
__result["families"] = _OPEN[prepared.prepared].count_units()
release(prepared)
"""


def cold(
    target: int = 1_000_000, repeat: int = REPEAT, *, spec: bool = True
) -> dict[str, object]:
    """The cold landscape (prepare + every analysis, in a fresh process) of the store and
    of a spec's scope, from the store's own unit relations and, as the baseline, from the
    documents (today's ``prepare(kept=False)``), alternating in one process tree."""
    import os

    path = scaled_store(target)
    rows, payload = [], {}
    scopes = [("store", None), ("spec scope", SPEC_QUERY)]
    for label, query in scopes if spec else scopes[:1]:
        runs: dict[bool, list] = {True: [], False: []}
        for _ in range(repeat):
            for kept in (True, False):
                code = COLD.format(path=str(path), query=query, kept=kept)
                runs[kept].append(run_child(code).result)

        def med(kept: bool, key: str, runs: dict[bool, list] = runs) -> float:
            return statistics.median(float(r[key]) for r in runs[kept])

        families = runs[True][-1]["families"]
        assert families == runs[False][-1]["families"]
        for kept in (True, False):
            rows.append(
                [
                    label,
                    f"{families:,}",
                    "kept relations" if kept else "fresh prepare (baseline)",
                    f"{med(kept, 'prepare'):.2f}",
                    f"{med(kept, 'cold'):.2f}",
                    f"{med(kept, 'cold') / med(False, 'cold'):.2f}x",
                ]
            )
        payload[label] = {
            "families": families,
            "kept_prepare": med(True, "prepare"),
            "kept_cold": med(True, "cold"),
            "fresh_prepare": med(False, "prepare"),
            "fresh_cold": med(False, "cold"),
        }
    size = path.stat().st_size
    print_table(
        f"cold landscape at {target:,} documents (resampled from the real demo corpus), by "
        f"family, seconds, median of {repeat} fresh processes each; "
        f"load {os.getloadavg()[0]:.1f}",
        ["scope", "families", "relations", "prepare", "cold landscape", "vs baseline"],
        rows,
    )
    print(f"  spec scope: {SPEC_QUERY}; store file {size / 1e6:,.0f} MB")
    payload["store_bytes"] = size
    save(f"analyses_cold_{target}", payload)
    return payload


SPARK = """
from patnav.analyses import LANDSCAPE, run_analysis
from patnav.analyses.prepared import _OPEN, prepare, release
from patnav.analyses.base import Scope
from patnav.analyses.spark import SparkEngine
from pathlib import Path
engine = SparkEngine(Path({snapshot!r}))
t0 = time.perf_counter()
prepared = prepare(engine, Scope.everything(), "family", kept={kept!r})
__result["prepare"] = time.perf_counter() - t0
for name in LANDSCAPE:
    run_analysis(name, engine, prepared, count_by="family")
__result["seconds"] = time.perf_counter() - t0
__result["families"] = _OPEN[prepared.prepared].count_units()
release(prepared)
engine.close()
"""


def spark(target: int = 1_000_000) -> None:
    """The cold landscape of the store on Spark (local mode, 2 cores, 2 GB driver) over
    a Parquet snapshot, from the kept relations and from the documents; DuckDB's figures
    for the same store are :func:`cold`'s. One run each: a Spark run takes minutes."""
    import os

    from patnav.storage.parquet import export_snapshot
    from patnav.storage.store import PatentStore

    path = scaled_store(target)
    snapshot = path.with_suffix(".parquet.d")
    if not (snapshot / "manifest.json").is_file():
        with PatentStore.open(path, read_only=True) as store:
            export_snapshot(store, snapshot)
    rows, payload = [], {}
    for kept in (True, False):
        child = run_child(SPARK.format(snapshot=str(snapshot), kept=kept))
        run = {**child.result, "seconds": child.seconds}
        payload["kept" if kept else "fresh"] = run
        rows.append(
            [
                "kept relations" if kept else "fresh prepare (baseline)",
                f"{run['families']:,}",
                f"{run['prepare']:.1f}",
                f"{run['seconds']:.1f}",
            ]
        )
    print_table(
        f"cold landscape of the store at {target:,} documents on Spark local[2], seconds, "
        f"one fresh process each; load {os.getloadavg()[0]:.1f}",
        ["relations", "families", "prepare", "cold landscape"],
        rows,
    )
    save(f"analyses_spark_{target}", payload)


def breakdown(target: int = 1_000_000, repeat: int = REPEAT) -> None:
    """The cold landscape of the store, analysis by analysis: today's code against the
    previous code path (:data:`BASELINE_REV`), alternating fresh processes; at 1 M each
    analysis again on the same prepared scope (the second pass reuses relations the
    first one built on demand, as the dashboard does). Then :func:`cold` at 1 M."""
    import os

    from patnav.analyses import LANDSCAPE

    path = scaled_store(target)
    before = baseline_src()
    passes = ("first", "second") if target <= 1_000_000 else ("first",)
    runs: dict[str, list] = {"now": [], "before": []}
    for _ in range(repeat):
        for label, src in (("now", ""), ("before", before)):
            code = BREAKDOWN.format(path=str(path), src=src, passes=passes)
            runs[label].append(run_child(code))

    def med(label: str, key: str) -> float:
        return statistics.median(r.result[key] for r in runs[label])

    def row(step: str, key: str) -> list[str]:
        now, then = med("now", key), med("before", key)
        return [
            step,
            f"{then:.3f}",
            f"{now:.3f}",
            f"{now / then:.2f}x" if then else "-",
        ]

    rows = [row("prepare", "prepare")]
    rows += [row(name, "first:" + name) for name in LANDSCAPE]
    rows.append(row("cold landscape (prepare + all)", "cold"))
    print_table(
        f"cold landscape of the store at {target:,} documents (resampled from the real "
        f"demo corpus), by family, seconds, median of {repeat} fresh processes each, "
        f"alternating; load {os.getloadavg()[0]:.1f}",
        ["step", f"before ({BASELINE_REV[:7]})", "now", "now/before"],
        rows,
    )
    peaks = {label: statistics.median(r.peak_mb for r in runs[label]) for label in runs}
    print(
        f"  peak memory: before {peaks['before']:,.0f} MB, now {peaks['now']:,.0f} MB"
    )
    if "second" in passes:
        second = sum(med("now", "second:" + n) for n in LANDSCAPE)
        print(f"  now, the eight analyses again on the prepared scope: {second:.2f} s")
    save(
        f"analyses_breakdown_{target}",
        {
            label: {
                "prepare": med(label, "prepare"),
                "cold": med(label, "cold"),
                "peak_mb": peaks[label],
                **{
                    when: {n: med(label, f"{when}:{n}") for n in LANDSCAPE}
                    for when in passes
                },
            }
            for label in runs
        },
    )
    if target == 1_000_000:
        cold(1_000_000)


def main() -> None:
    rows, payload = [], {}
    for target in (1_000_000, 10_000_000):
        path = scaled_store(target)
        t, mem, res = median_runs(PATNAV.format(path=str(path)), REPEAT)
        warm = res["warm"]
        try:
            bt, bmem, bres = median_runs(PANDAS.format(path=str(path)), REPEAT)
            baseline = f"{bt:.2f}"
            ratio = f"{t / bt:.2f}x"
            load = f"{bres['load']:.1f}"
        except RuntimeError as exc:  # pandas ran out of memory at 10 M on this machine
            bt, bmem, ratio, baseline, load = None, None, "-", "failed", "-"
            print(
                f"  pandas baseline at {target:,} failed: {str(exc).splitlines()[-1][:200]}"
            )
        rows.append(
            [
                f"{target:,}",
                f"{res['families']:,}",
                f"{t:.2f}",
                f"{warm:.2f}",
                f"{mem:.0f}",
                baseline,
                load,
                f"{bmem:.0f}" if bmem else "-",
                ratio,
            ]
        )
        payload[str(target)] = {
            "families": res["families"],
            "cold_seconds": t,
            "warm_seconds": warm,
            "peak_mb": mem,
            "pandas_seconds": bt,
            "pandas_peak_mb": bmem,
        }
    print_table(
        "full landscape, counted by family (median of 3 fresh processes; corpora resampled "
        "from the real demo corpus)",
        [
            "documents",
            "families",
            "cold s",
            "warm s",
            "peak MB",
            "pandas s",
            "pandas load s",
            "pandas MB",
            "cold/pandas",
        ],
        rows,
    )
    print(
        "  cold = prepare the scope's unit relations + 8 analyses; warm = the 8 analyses on "
        "a prepared scope. Budget: < 1 s at 1 M, < 10 s at 10 M."
    )
    save("analyses", payload)


if __name__ == "__main__":
    main()
