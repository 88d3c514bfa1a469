"""The breakdown tree editor's live counts (``python -m bench spec-tree``, issue 19).

Store: the demo store (``PATNAV_DEMO_STORE``, default ``demo-output/demo.duckdb``; see
``bench/web_pages.py``), copied into a fresh data root under ``bench-output/`` and served
by the app in this process (``TestClient``, a signed-in analyst). Spec: the shipped
``specs/taian-industry.yaml``.

Timed, median of REPEAT runs each:

- ``check_only``: ``POST /specs/{id}/tree/check`` without a store — the tree's problems
  at their nodes (every query compiled, the spec validated);
- ``check_counts``: the same with the store chosen — what every debounced edit costs:
  every node counted through ``breakdown_counts`` on the store's reader;
- ``baseline_counts``: ``breakdown_counts`` on the same store file opened read-only in
  this process (what ``patnav spec counts`` computes), the ratio's denominator;
- ``edit``: ``POST /specs/{id}/tree/edit`` (add a child), the tree re-rendered.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import OUT, REPO, print_table, save
from bench.web_pages import _site, _store

REPEAT = 5
SPEC = REPO / "specs" / "taian-industry.yaml"


def _median(call: Callable[[], Any], repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
        status = getattr(result, "status_code", 200)
        assert status == 200, (status, getattr(result, "text", "")[:300])
    return statistics.median(times)


def main() -> None:
    from patnav.analyses.node_counts import breakdown_counts
    from patnav.analyses.spec import parse_spec
    from patnav.analyses.spec_tree import rows_of
    from patnav.storage.store import PatentStore

    store = _store()
    text = SPEC.read_text("utf-8")
    spec = parse_spec(text)
    tree = json.dumps([r.to_dict() for r in rows_of(spec)], ensure_ascii=False)
    OUT.mkdir(exist_ok=True)
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="spec-tree-", dir=OUT) as tmp:
        client, store_id, csrf = _site(store, Path(tmp) / "root")
        try:
            made = client.post("/specs", data={"yaml_text": text, "csrf_token": csrf})
            found = re.search(r"/specs/(\d+)", str(made.url))
            assert made.status_code == 200 and found, made.text[:300]
            spec_id = int(found[1])
            check = f"/specs/{spec_id}/tree/check"
            figures["check_only"] = _median(
                lambda: client.post(check, data={"tree": tree, "csrf_token": csrf})
            )
            client.post(  # the first count opens the store and its worker
                check, data={"tree": tree, "store_id": store_id, "csrf_token": csrf}
            )
            figures["check_counts"] = _median(
                lambda: client.post(
                    check,
                    data={"tree": tree, "store_id": store_id, "csrf_token": csrf},
                )
            )
            figures["edit"] = _median(
                lambda: client.post(
                    f"/specs/{spec_id}/tree/edit",
                    data={"tree": tree, "op": "add_child", "at": 0, "csrf_token": csrf},
                )
            )
        finally:
            client.__exit__(None, None, None)
    with PatentStore.open(store, read_only=True) as opened:
        breakdown_counts(opened, spec)  # warm, as the web's second request is
        figures["baseline_counts"] = _median(lambda: breakdown_counts(opened, spec))
    load = Path("/proc/loadavg").read_text().split()[:3] if os.name == "posix" else []
    ratio = figures["check_counts"] / figures["baseline_counts"]
    print_table(
        f"tree editor on {store.name}, {len(spec.walk())} nodes (median of {REPEAT}; "
        f"load {' '.join(load)})",
        ["request", "seconds"],
        [[k, f"{v:.3f}"] for k, v in figures.items()]
        + [["check_counts / baseline_counts", f"{ratio:.2f}×"]],
    )
    save(
        "spec_tree",
        {
            "store": str(store),
            "spec": SPEC.name,
            "nodes": len(spec.walk()),
            "repeat": REPEAT,
            "seconds": {k: round(v, 3) for k, v in figures.items()},
            "ratio_counts_web_vs_core": round(ratio, 2),
            "loadavg": load,
        },
    )
