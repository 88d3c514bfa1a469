"""The SME cultivation library's rules and lists over the demo store (``python -m bench
sme``).

Input: the demo corpus store (``bench.scaled.demo_store``: Tai'an, the Chinese exports,
CCF, the Lens drone export, enriched; ``PATNAV_BENCH_STORE`` names another), **copied** to
a temporary folder — the library writes its tables. The 1 M resampled store is not used:
its applicants are the demo's names repeated, so a register would link the same names
and only the documents per enterprise would grow; building it costs more than this
measures. The register is **made up**: the ENTERPRISES applicant names with 公司 that
file most in the store, every figure left blank (sizes unknown), province 山东省. Its
library: every enterprise applied, reviewed and admitted on 2019-01-02 (the first
three quarters) or 2020-06-01 (the rest, replenishments), a fifth of the first graduated
on 2020-01-02 — recorded through ``record`` with the check of one ``check_sme`` run.

Measured, each in a fresh process, median of REPEAT:

- rules: ``library_rules`` as of 2022-12-31 without the abnormal-filing detector;
- rules + detector: ``abnormal_flags`` then ``library_rules`` (what ``patnav sme rules``
  does by default), measured once;
- banks: ``bank_list``;
- policies: ``match_policies`` with the test fixture's two made-up items;
- workbook: ``library_frames`` with the rules and the policies (what ``sme export``
  computes before writing).
"""

from __future__ import annotations

import os
import shutil
import time
from datetime import date
from pathlib import Path

from bench.common import median_runs, print_table, run_child, save

ENTERPRISES = 200
REPEAT = 3
AS_OF = date(2022, 12, 31)
WORK = Path(os.environ.get("PATNAV_BENCH_TMP", "/tmp")) / "patnav-bench-sme"
POLICIES = (
    Path(__file__).resolve().parent.parent
    / "tests"
    / "models"
    / "fixtures"
    / "sme"
    / "政策条目_自编.yaml"
)


def _source() -> Path:
    named = os.environ.get("PATNAV_BENCH_STORE")
    if named:
        return Path(named)
    from bench.scaled import demo_store

    return demo_store()


def _prepare(path: Path) -> dict[str, float]:
    """The made-up register and its library in the store at ``path``."""
    from patnav.enterprises.links import link_enterprises
    from patnav.enterprises.store import import_register
    from patnav.models.sme import check_sme
    from patnav.models.sme.library import CheckSnapshot, record
    from patnav.storage.store import PatentStore

    started = time.perf_counter()
    with PatentStore.open(path) as store:
        names = [
            r[0]
            for r in store.rows(
                "SELECT name FROM parties WHERE role = 'applicant' AND name LIKE '%公司' "
                "GROUP BY name ORDER BY count(DISTINCT doc_id) DESC, name LIMIT ?",
                [ENTERPRISES],
            )
        ]
        register = path.parent / "企业库_虚构.csv"
        register.write_text(
            "企业名称,所在地区,备注\n"
            + "".join(f"{n},山东省,虚构数据（基准测试用）\n" for n in names),
            encoding="utf-8",
        )
        import_register(store, register)
        link_enterprises(store)
        ids = [
            str(r[0])
            for r in store.rows(
                "SELECT enterprise_id FROM enterprises ORDER BY name",
            )
        ]
        first = ids[: len(ids) * 3 // 4]
        later = ids[len(ids) * 3 // 4 :]
        check = check_sme(store, "山东省", as_of=date(2019, 1, 1))
        setup = time.perf_counter() - started
        started = time.perf_counter()
        for group, day in ((first, date(2019, 1, 2)), (later, date(2020, 6, 1))):
            for eid in group:
                snap = CheckSnapshot.of(check, eid)
                record(
                    store, "山东", eid, "apply", actor="企业", effective=day, check=snap
                )
                record(
                    store, "山东", eid, "review_pass", actor="审核员", effective=day,
                    check=snap, reason="基准测试",
                )  # fmt: skip
                record(store, "山东", eid, "admit", actor="审核员", effective=day)
            if day == date(2019, 1, 2):
                for eid in first[: len(first) // 5]:
                    record(
                        store, "山东", eid, "graduate", actor="审核员",
                        effective=date(2020, 1, 2),
                    )  # fmt: skip
        recorded = time.perf_counter() - started
        events = int(store.scalar("SELECT count(*) FROM sme_events"))
    return {
        "enterprises": len(ids),
        "events": events,
        "setup_s": round(setup, 2),
        "record_s": round(recorded, 2),
    }


_HEAD = """
from datetime import date
from pathlib import Path
from patnav.storage.store import PatentStore
from patnav.models.sme.rules import library_rules
from patnav.models.sme.lists import bank_list, match_policies, read_policies, library_frames
from patnav.models.sme.abnormal import abnormal_flags
path = Path({path!r})
as_of = date({y}, {m}, {d})
policies = read_policies(Path({policies!r}))
with PatentStore.open(path, read_only=True) as store:
    started = time.perf_counter()
"""

CASES = {
    "rules": """
    r = library_rules(store, "山东", as_of=as_of)
    __result["checks"] = len(r.checks)
    __result["proposals"] = len(r.proposals)
    __result["unknown"] = sum(1 for c in r.checks if c.result == "unknown")
""",
    "rules + detector": """
    flags, unchecked = abnormal_flags(store)
    r = library_rules(store, "山东", as_of=as_of, abnormal=flags,
                      abnormal_unchecked=unchecked)
    __result["checks"] = len(r.checks)
    __result["proposals"] = len(r.proposals)
""",
    "banks": """
    b = bank_list(store, "山东")
    __result["entries"] = len(b.entries)
    __result["in_force"] = sum(e.in_force_total for e in b.entries)
""",
    "policies": """
    p = match_policies(store, "山东", policies)
    __result["matches"] = len(p.matches)
""",
    "workbook": """
    frames = library_frames(store, "山东", rules=library_rules(store, "山东", as_of=as_of),
                            policies=policies)
    __result["rows"] = sum(len(f) for f in frames.values())
""",
}
_TAIL = """
    __result["seconds"] = time.perf_counter() - started
"""


def main() -> None:
    source = _source()
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / "sme.duckdb"
    shutil.copyfile(source, path)
    try:
        prepared = _prepare(path)
        head = _HEAD.format(
            path=str(path),
            y=AS_OF.year,
            m=AS_OF.month,
            d=AS_OF.day,
            policies=str(POLICIES),
        )
        rows: list[list[object]] = []
        payload: dict[str, object] = {"store": str(source), **prepared}
        for name, body in CASES.items():
            code = head + body + _TAIL
            if name == "rules + detector":
                run = run_child(code)
                seconds, peak, result = run.seconds, run.peak_mb, run.result
            else:
                seconds, peak, result = median_runs(code, REPEAT)
            rows.append([name, f"{seconds:.2f}", f"{peak:.0f}", result])
            payload[name] = {"seconds": seconds, "peak_mb": peak, **result}
        print(
            f"SME library over the demo store ({source.name}): "
            f"{prepared['enterprises']} made-up register enterprises, "
            f"{prepared['events']} library events "
            f"(register import + link + one check: {prepared['setup_s']} s; "
            f"recording: {prepared['record_s']} s)"
        )
        print_table(
            "SME library rules and lists (fresh process, median of 3; seconds)",
            ["what", "s", "peak MB", "result"],
            rows,
        )
        save("sme", payload)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
