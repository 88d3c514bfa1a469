"""Enterprise links, group suggestions and the applicant ranking by corporate group.

Corpora: the real demo corpus (about 17,600 documents, enriched), and the same resampled to
1 M documents (``bench/scaled.py``: applicant names kept, so the name count stays that of
the demo corpus; speed only). The register is the made-up fixture lists of
``tests/enterprises/fixtures`` (fictitious enterprises; 11 rows) plus the user group table;
what scales with the corpus is the number of applicant names and of documents.

Timed in a fresh process on a copy of the store: ``link_enterprises`` (every distinct
applicant name keyed and matched), ``suggest_groups`` (names of applicants and enterprises),
and ``applicant_ranking`` counted by family with ``group_by="entity"`` and ``"group"``
(after every suggested group is accepted) on a scope prepared once (its preparation is timed
apart, as the landscape pays it once): the grouping's cost is the difference.
"""

from __future__ import annotations

import shutil

from bench.common import OUT, REPO, print_table, run_child, save
from bench.scaled import demo_store, scaled_store

FIXTURES = REPO / "tests" / "enterprises" / "fixtures"

CODE = """
from pathlib import Path
from patnav.storage.store import PatentStore
from patnav.enterprises.store import import_register
from patnav.enterprises.links import link_enterprises
from patnav.enterprises.groups import import_groups, suggest_groups, list_groups, decide_group
from patnav.analyses.applicants import applicant_ranking
from patnav.analyses.base import Scope
from patnav.analyses.prepared import prepare, release
fixtures = Path({fixtures!r})
with PatentStore.open({path!r}) as store:
    for name in ("专精特新小巨人企业名单_虚构.xlsx", "高新技术企业认定名单_虚构.csv",
                 "企业库_虚构.xlsx"):
        import_register(store, fixtures / name, )
    import_groups(store, fixtures / "企业集团_虚构.csv")
    names = store.scalar("SELECT count(DISTINCT name) FROM parties WHERE role IN "
                         "('applicant', 'assignee', 'current_owner')")
    t0 = time.perf_counter()
    linked = link_enterprises(store)
    __result["link_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    suggested = suggest_groups(store)
    __result["suggest_s"] = time.perf_counter() - t0
    for g in list_groups(store, status="suggested"):
        decide_group(store, g.group_id, accept=True)
    t0 = time.perf_counter()
    scope = prepare(store, Scope.everything(), "family")
    __result["prepare_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    by_entity = applicant_ranking(store, scope, count_by="family")
    __result["rank_entity_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    by_group = applicant_ranking(store, scope, count_by="family", group_by="group")
    __result["rank_group_s"] = time.perf_counter() - t0
    release(scope)
    __result["seconds"] = __result["link_s"] + __result["suggest_s"]
    __result["names"] = names
    __result["links"] = sum(linked.by_status.values())
    __result["groups"] = suggested.groups
    __result["applicants_entity"] = by_entity.concentration.applicants
    __result["applicants_group"] = by_group.concentration.applicants
"""


def _run(label: str, source) -> dict:
    work = OUT / f"enterprises-{label}.duckdb"
    shutil.copy(source, work)
    try:
        run = run_child(CODE.format(path=str(work), fixtures=str(FIXTURES)))
    finally:
        work.unlink(missing_ok=True)
    return {"corpus": label, "peak_mb": round(run.peak_mb), **run.result}


def main() -> None:
    rows = [_run("demo", demo_store()), _run("1M (resampled)", scaled_store(1_000_000))]
    print_table(
        "enterprise links, group suggestions, ranking by group (s)",
        ["corpus", "names", "links", "link", "groups", "suggest", "prepare",
         "rank entity", "rank group", "applicants → groups", "peak MB"],
        [
            [r["corpus"], f"{r['names']:,}", r["links"], f"{r['link_s']:.2f}",
             r["groups"], f"{r['suggest_s']:.2f}", f"{r['prepare_s']:.2f}",
             f"{r['rank_entity_s']:.2f}",
             f"{r['rank_group_s']:.2f}",
             f"{r['applicants_entity']:,} → {r['applicants_group']:,}", r["peak_mb"]]
            for r in rows
        ],
    )  # fmt: skip
    save("enterprises", rows)
