"""Shared benchmark helpers: timing in a child process, peak memory, medians, tables."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA_DIR = Path(
    os.environ.get("PATNAV_DATA_DIR", REPO.parent / "shared" / "data")
).resolve()
OUT = REPO / "bench-output"


@dataclass(frozen=True)
class Run:
    """One measured run: wall seconds of the measured part and the child's peak RSS."""

    seconds: float
    peak_mb: float
    result: dict


def run_child(code: str) -> Run:
    """Run ``code`` in a fresh Python; it must print one JSON object with 'seconds'."""
    script = (
        textwrap.dedent(
            """
        import json, resource, sys, time
        __result = {}
        """
        )
        + textwrap.dedent(code)
        + textwrap.dedent(
            """
        # The child's own high-water mark: ru_maxrss is inherited from the parent across
        # fork and exec, so after a large benchmark in the same run it reports the parent.
        try:
            with open("/proc/self/status") as __status:
                __result["peak_mb"] = next(
                    int(line.split()[1]) for line in __status if line.startswith("VmHWM:")
                ) / 1024
        except (OSError, StopIteration):
            __result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(__result))
        """
        )
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark child failed:\n{proc.stderr[-3000:]}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    return Run(data.pop("seconds"), data.pop("peak_mb"), data)


def median_runs(code: str, repeat: int) -> tuple[float, float, dict]:
    """Median seconds and median peak MB of ``repeat`` child runs, and the last result."""
    runs = [run_child(code) for _ in range(repeat)]
    return (
        statistics.median(r.seconds for r in runs),
        statistics.median(r.peak_mb for r in runs),
        runs[-1].result,
    )


def print_table(title: str, headers: list[str], rows: list[list[object]]) -> None:
    widths = [
        max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)
    ]
    print(f"\n{title}")
    print("  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(v).rjust(w) for v, w in zip(row, widths, strict=True)))


def save(name: str, payload: object) -> None:
    OUT.mkdir(exist_ok=True)
    path = OUT / "results.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data[name] = payload
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False))
