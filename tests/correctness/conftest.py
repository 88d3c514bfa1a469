"""The demo store, the raw documents and the reports of every correctness spec, each made
once per test run and shared by the xdist workers (see ``tests/reports/conftest.py``)."""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
import yaml

from patnav.analyses.spec import NavigationSpec, load_spec
from patnav.reports.model import Report
from tests.correctness import raw
from tests.reports.conftest import SPECS, _build_store, built, once, shared

__all__ = ["shared"]

HERE = Path(__file__).resolve().parent
DEMO_PARTS = [
    (["corpora/cn-taian-7384"], SPECS / "taian-import.yaml"),
    (
        [
            "formats/cn-excel",
            "corpora/cn-ccf-bdci-4097",
            raw.LENS_DRONES,
            raw.DERWENT,
        ],
        None,
    ),
]
"""What ``scripts/demo.sh`` imports: the Tai'an corpus with its mapping, then the Chinese
exports, the CCF corpus and the Lens and Derwent drone exports — unrelated corpora in one
store, as an analyst's store is."""

SPEC_FILES = sorted(
    p for p in SPECS.glob("*.yaml") if p.name != "taian-import.yaml"
) + sorted((HERE / "specs").glob("*.yaml"))
"""Every shipped navigation spec, and a test spec of every report type."""


def specs(*, types: tuple[str, ...] = (), chain: bool = False, city: str = "") -> list:
    """The spec files a check applies to (as ``pytest.param``s for the ``case`` fixture):
    of ``types``, with a chain (a home region and nodes), or about ``city``."""
    out = []
    for path in SPEC_FILES:
        raw = yaml.safe_load(path.read_text("utf-8"))
        if types and raw["type"] not in types:
            continue
        if chain and not (raw.get("region") and raw.get("scope")):
            continue
        if city and city not in raw["title"]:
            continue
        out.append(pytest.param(path, id=path.stem))
    return out


@dataclass
class Case:
    """One spec's report on the demo store, with what the checks read."""

    path: Path
    spec: NavigationSpec
    yaml: dict
    report: Report
    text: str  # the DOCX's paragraphs and table rows, one per line ("a | b | c")


@pytest.fixture(scope="session")
def demo_store_path(shared: Path, data_dir: Path) -> Path:
    """The demo store: the demo's corpora imported and enriched."""
    return once(shared, "demo.duckdb", lambda p: _build_store(p, data_dir, DEMO_PARTS))


@pytest.fixture(scope="session")
def raw_docs(shared: Path, data_dir: Path) -> dict[str, raw.Doc]:
    """Every document of the demo's files, read with pandas and merged by number."""

    def make(path: Path) -> None:
        docs = raw.merge(
            [
                raw.taian(data_dir),
                raw.cn_excel(data_dir),
                raw.ccf(data_dir),
                raw.lens(data_dir),
                raw.derwent(data_dir),
            ]
        )
        path.write_bytes(pickle.dumps(docs))

    loaded: dict[str, raw.Doc] = pickle.loads(
        once(shared, "raw-docs.pickle", make).read_bytes()
    )
    return loaded


def docx_text(path: Path) -> str:
    """A DOCX's paragraphs, then its tables' rows as ``a | b | c``."""
    document = docx.Document(str(path))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


@pytest.fixture(scope="session")
def case(request: pytest.FixtureRequest, shared: Path, demo_store_path: Path) -> Case:
    """The report of one spec (``indirect`` parametrisation with :func:`specs`) on the demo
    store: Chinese, DOCX, no charts — built once per run."""
    path: Path = request.param
    spec = load_spec(path)
    report, files = built(
        shared, f"correctness-{path.stem}", demo_store_path, spec, formats=("docx",)
    )
    return Case(
        path,
        spec,
        yaml.safe_load(path.read_text("utf-8")),
        report,
        docx_text(files["docx"]),
    )
