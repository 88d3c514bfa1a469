"""patnav 专利导航 — patent navigation on real data (GB/T 39551).

The small public API::

    from pathlib import Path
    from patnav import open_store, import_paths
    with open_store("navigation.duckdb") as store:
        report = import_paths(store, [Path("exports/")])

Names are imported lazily, so ``import patnav`` stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_API = {
    "open_store": "patnav.storage.store:open_store",
    "PatentStore": "patnav.storage.store:PatentStore",
    "import_paths": "patnav.ingest.pipeline:import_paths",
    "Settings": "patnav.config:Settings",
}


def __getattr__(name: str) -> Any:
    if name in _API:
        module, attr = _API[name].split(":")
        return getattr(import_module(module), attr)
    raise AttributeError(f"module 'patnav' has no attribute {name!r}")


__all__ = ["PatentStore", "Settings", "__version__", "import_paths", "open_store"]
