"""Shared fixtures: the real-data directory, fresh stores, and the loaded sample corpus."""

from __future__ import annotations

import faulthandler
import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA_DIR = Path(
    os.environ.get("PATNAV_DATA_DIR", REPO.parent / "shared" / "data")
).resolve()


TEST_DEADLINE_S = float(os.environ.get("PATNAV_TEST_DEADLINE_S", "900"))
"""A test (setup, call and teardown) running longer than this is hung: every thread's
stack is printed and the test's process ends, so the run fails at once, naming it,
instead of waiting for CI's deadline (a deadlock at shutdown once ate all of it)."""


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    faulthandler.dump_traceback_later(TEST_DEADLINE_S, exit=True, file=sys.stderr)
    try:
        return (yield)
    finally:
        faulthandler.cancel_dump_traceback_later()


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The real-data directory (``PATNAV_DATA_DIR``, default ``../shared/data``)."""
    if not (DATA_DIR / "SOURCES.md").exists():
        pytest.fail(
            f"Real data not found at {DATA_DIR}. Set PATNAV_DATA_DIR to the shared data folder."
        )
    return DATA_DIR


@pytest.fixture
def store():
    """A fresh in-memory store."""
    from patnav.storage.store import PatentStore

    with PatentStore.open(None) as s:
        yield s


DEMO_INPUTS = (
    "corpora/cn-taian-7384",
    "formats/cn-excel",
    "corpora/cn-ccf-bdci-4097",
    "formats/lens-csv/lens_drones_5884.csv",
)


@pytest.fixture(scope="session")
def loaded_store_path(tmp_path_factory, data_dir):
    """A store file holding the demo corpus: Tai'an, the Chinese exports, CCF, Lens drones."""
    from patnav.ingest.pipeline import import_paths
    from patnav.storage.store import PatentStore

    path = tmp_path_factory.mktemp("loaded") / "loaded.duckdb"
    with PatentStore.open(path) as s:
        report = import_paths(
            s, [data_dir / p for p in DEMO_INPUTS], raise_unexpected=True
        )
        assert report.ok, report.to_dict()
    return path


@pytest.fixture
def loaded_store(loaded_store_path):
    """The demo corpus, read-only."""
    from patnav.storage.store import PatentStore

    with PatentStore.open(loaded_store_path, read_only=True) as s:
        yield s


# -- the report check over every report the tests build ---------------------------------
#
# Every report a test builds — through build_report, write_report, the CLI or the web's
# report jobs, all of which call patnav.reports.build_report — is read by the report check
# (patnav.reports.check) once the test has run; a problem fails that test, listed with
# where it is and what is wrong. Session fixtures that build a report are checked in the
# first test that sets them up.

import patnav.reports as _reports  # noqa: E402
from patnav.reports.check import check_report, format_problems  # noqa: E402

_BUILT: list = []
_build_report = _reports.build_report


def _recording_build_report(*args, **kwargs):
    report = _build_report(*args, **kwargs)
    _BUILT.append(report)
    return report


_reports.build_report = _recording_build_report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    _BUILT.clear()
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    built, _BUILT[:] = list(_BUILT), []
    failures = []
    for report in built:
        problems = check_report(report)
        if problems:
            failures.append(
                f"{report.title}（{report.type}, {report.lang}）: {len(problems)} problems\n"
                + format_problems(problems[:40], report.lang)
            )
    if failures:
        raise AssertionError("The report check failed:\n" + "\n".join(failures))
    return result
