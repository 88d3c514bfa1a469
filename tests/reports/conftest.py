"""Report fixtures on real data, built once per test run and shared by the xdist workers.

Two stores: the Tai'an city corpus imported with ``specs/taian-import.yaml`` (its
applicants placed in 山东省泰安市) plus the national samples the spec compares it with (the
CNIPA and CNKI exports, the CCF corpus), enriched; and the Lens drone export, enriched.
Reports are built once and pickled next to the rendered files, under a file lock in the
run's shared temporary folder, so two workers never build the same thing twice.
"""

from __future__ import annotations

import fcntl
import os
import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from patnav.analyses.spec import NavigationSpec, load_spec
from patnav.config import Settings
from patnav.enrich import enrich
from patnav.ingest.pipeline import import_paths
from patnav.ingest.tabular.columns import load_mapping
from patnav.reports import build_report, render_report
from patnav.reports.model import Report
from patnav.storage.store import PatentStore
from tests.conftest import DATA_DIR

REPO = Path(__file__).resolve().parents[2]
SPECS = REPO / "specs"
TODAY = date(2026, 1, 1)
NATIONAL_SAMPLES = ("formats/cn-excel", "corpora/cn-ccf-bdci-4097")


@pytest.fixture(scope="session")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every xdist worker of this run sees."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    folder = root / "reports-shared"
    folder.mkdir(exist_ok=True)
    return folder


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def once(shared: Path, name: str, make: Callable[[Path], None]) -> Path:
    """``shared/name``, made by ``make(path)`` by the first worker that asks."""
    target = shared / name
    with _locked(shared / f"{name}.lock"):
        if not target.exists():
            partial = shared / f"{name}.partial"
            make(partial)
            partial.rename(target)
    return target


def _build_store(
    path: Path, data_dir: Path, parts: list[tuple[list[str], Path | None]]
) -> None:
    with PatentStore.open(path) as store:
        for inputs, mapping in parts:
            report = import_paths(
                store,
                [data_dir / p for p in inputs],
                mapping=load_mapping(mapping) if mapping else None,
                raise_unexpected=True,
            )
            assert report.ok, report.to_dict()
        enrich(store, Settings(data_dir=data_dir), today=TODAY)


@pytest.fixture(scope="session")
def taian_store_path(shared: Path, data_dir: Path) -> Path:
    """The Tai'an corpus (placed in 泰安市 by its mapping) with the national samples."""
    return once(
        shared,
        "taian.duckdb",
        lambda p: _build_store(
            p,
            data_dir,
            [
                (["corpora/cn-taian-7384"], SPECS / "taian-import.yaml"),
                (list(NATIONAL_SAMPLES), None),
            ],
        ),
    )


@pytest.fixture(scope="session")
def drones_store_path(shared: Path, data_dir: Path) -> Path:
    """The Lens drone export."""
    return once(
        shared,
        "drones.duckdb",
        lambda p: _build_store(
            p, data_dir, [(["formats/lens-csv/lens_drones_5884.csv"], None)]
        ),
    )


@pytest.fixture
def taian_store(taian_store_path: Path) -> Iterator[PatentStore]:
    with PatentStore.open(taian_store_path, read_only=True) as store:
        yield store


@pytest.fixture
def drones_store(drones_store_path: Path) -> Iterator[PatentStore]:
    with PatentStore.open(drones_store_path, read_only=True) as store:
        yield store


@pytest.fixture(scope="session")
def taian_spec() -> NavigationSpec:
    return load_spec(SPECS / "taian-industry.yaml")


@pytest.fixture(scope="session")
def drones_spec() -> NavigationSpec:
    return load_spec(SPECS / "drones-industry.yaml")


def built(
    shared: Path,
    name: str,
    store_path: Path,
    spec: NavigationSpec,
    *,
    lang: str = "zh",
    charts: bool = False,
    formats: tuple[str, ...] = (),
) -> tuple[Report, dict[str, Path]]:
    """A report built once (pickled) and rendered once per format."""

    def make(folder: Path) -> None:
        folder.mkdir()
        with PatentStore.open(store_path, read_only=True) as store:
            report = build_report(
                store, spec, lang=lang, charts=charts, data_dir=DATA_DIR
            )
        for fmt in formats:
            render_report(report, fmt, folder / f"report.{fmt}")
        (folder / "report.pickle").write_bytes(pickle.dumps(report))

    folder = once(shared, name, make)
    report = pickle.loads((folder / "report.pickle").read_bytes())
    return report, {fmt: folder / f"report.{fmt}" for fmt in formats}


@pytest.fixture(scope="session")
def taian_report(
    shared: Path, taian_store_path: Path, taian_spec: NavigationSpec
) -> tuple[Report, dict[str, Path]]:
    """The Tai'an industry report in Chinese, with charts, as DOCX, PDF and HTML."""
    return built(
        shared,
        "taian-zh",
        taian_store_path,
        taian_spec,
        charts=True,
        formats=("docx", "pdf", "html"),
    )


@pytest.fixture(scope="session")
def drones_report(
    shared: Path, drones_store_path: Path, drones_spec: NavigationSpec
) -> tuple[Report, dict[str, Path]]:
    """The drone industry report in Chinese (no charts: its text is what is compared)."""
    return built(shared, "drones-zh", drones_store_path, drones_spec)


@pytest.fixture(scope="session")
def drones_report_en(
    shared: Path, drones_store_path: Path, drones_spec: NavigationSpec
) -> tuple[Report, dict[str, Path]]:
    """The drone industry report in English, as DOCX (no charts)."""
    return built(
        shared,
        "drones-en",
        drones_store_path,
        drones_spec,
        lang="en",
        formats=("docx",),
    )
