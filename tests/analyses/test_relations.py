"""The store's own unit relations (issue 20): kept current by imports, identical to a
fresh ``prepare`` for the whole store and for a narrower scope, stale (and said so) when
the data moved on without them."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pandas as pd
import pytest

from patnav.analyses import LANDSCAPE, relations, run_analysis
from patnav.analyses.base import Scope, as_engine
from patnav.analyses.prepared import _OPEN, prepare, release
from patnav.enrich.entities import record_edit
from patnav.ingest.pipeline import import_paths
from patnav.storage.parquet import export_snapshot
from patnav.storage.store import PatentStore

PIZZA = "formats/lens-csv/lens_pizza_1000.csv"
SPLIT = "AU 1978/035267 A"  # shares its application with AU 520191 B2: moved to its own
NEW_APPLICATION = "AU 197899999 A"
RENAMED = "AU 763526 B2"  # one of two documents of an application: a new applicant


def _application(number: str) -> str:
    """The application a Lens number names, kind code stripped (as the store keys it)."""
    return re.sub(r"[A-Z][0-9]?$", "", number.replace(" ", ""))


def _pizza(data_dir: Path) -> pd.DataFrame:
    return pd.read_csv(data_dir / PIZZA, encoding="mac_roman", dtype=str)


def _changed(rows: pd.DataFrame) -> pd.DataFrame:
    """Our own re-export of some Lens pizza rows (a test fixture made from the real
    file): one document moved to another application, one with another applicant."""
    rows = rows.copy()
    rows.loc[rows["Publication Number"] == SPLIT, "Application Number"] = (
        NEW_APPLICATION
    )
    rows.loc[rows["Publication Number"] == RENAMED, "Applicants"] = "NEW OWNER GMBH"
    return rows


@pytest.fixture(scope="module")
def imported(tmp_path_factory, data_dir):
    """A store filled by three imports: the Lens pizza export, the CNIPA and CNKI
    exports, then a re-export of 14 pizza rows that changes two families."""
    root = tmp_path_factory.mktemp("relations")
    pizza = _pizza(data_dir)
    picked = pizza[
        pizza["Publication Number"].isin(
            [SPLIT, "AU 520191 B2", RENAMED, "AU 2001/042072 A"]
        )
        | (pizza.index < 10)
    ]
    again = root / "pizza_again.csv"
    _changed(picked).to_csv(again, index=False, encoding="utf-8")
    path = root / "store.duckdb"
    modes = []
    with PatentStore.open(path) as store:
        for paths in (
            [data_dir / PIZZA],
            [data_dir / "formats/cn-excel"],
            [again],
        ):
            report = import_paths(store, paths, raise_unexpected=True)
            assert report.ok, report.to_dict()
            assert report.relations is not None
            modes.append(report.relations["mode"])
    store = PatentStore.open(path, read_only=True)
    yield store, modes, pizza
    store.close()


def test_imports_keep_the_relations_current(imported):
    store, modes, _ = imported
    assert modes == ["full", "incremental", "incremental"]
    assert relations.status(store).current


def test_the_units_are_those_of_the_source(imported):
    """Independent count: pandas over the Lens file with the same two changes."""
    store, _, pizza = imported
    expected = _changed(pizza)["Application Number"].map(_application)
    units = store.rows(
        "SELECT unit, documents FROM unit_facts WHERE unit IN (SELECT d.unit FROM "
        "unit_docs d JOIN provenance p ON p.doc_id = d.doc_id WHERE p.file LIKE "
        "'%lens_pizza_1000.csv')"
    )
    assert len(units) == expected.nunique() == 996
    sizes = expected.value_counts()
    got = dict(units)
    assert sorted(got.values()) == sorted(sizes.tolist())
    assert sizes[_application(NEW_APPLICATION)] == 1
    # the application that lost a document counts one; four others keep their two
    left = pizza.loc[
        pizza["Publication Number"] == "AU 520191 B2", "Application Number"
    ]
    assert sizes[_application(left.iloc[0])] == 1
    assert sorted(got.values()).count(2) == (sizes == 2).sum() == 4


def _table(engine, name: str) -> list[tuple[str, ...]]:
    return sorted(
        tuple(str(v) for v in row.values())
        for row in engine.fetch(f"SELECT * FROM {name}").to_pylist()
    )


@pytest.mark.parametrize(
    "scope",
    [
        Scope.everything(),
        # a scope that cuts the changed family: part of its documents only
        Scope.of_sql(
            "SELECT doc_id FROM patents WHERE doc_id NOT LIKE 'AU763526%' "
            "AND (office = 'AU' OR doc_id LIKE 'CN1%')",
            label="AU and CN1",
        ),
        Scope.of_query("TIAB=(pizza OR 电池)", label="pizza or battery"),
    ],
    ids=["store", "cut", "query"],
)
def test_kept_relations_give_what_a_fresh_prepare_gives(imported, scope):
    store, _, _ = imported
    engine = as_engine(store)
    fresh = prepare(engine, scope, "family", kept=False)
    kept = prepare(engine, scope, "family")
    try:
        a, b = _OPEN[str(fresh.prepared)], _OPEN[str(kept.prepared)]
        assert not a.kept and b.kept
        for part in ("docs", "units", "apps", "offices"):
            assert _table(engine, b.name(part)) == _table(engine, a.name(part)), part
        assert _table(engine, b.inventors()) == _table(engine, a.inventors())
        assert _table(engine, b.codes()) == _table(engine, a.codes())
        assert a.count_units() > 0
        for name in LANDSCAPE:
            assert (
                run_analysis(name, engine, kept, count_by="family").to_dict()
                == run_analysis(name, engine, fresh, count_by="family").to_dict()
            ), name
    finally:
        release(fresh)
        release(kept)


def test_the_cut_scope_recomputes_only_the_units_it_covers_in_part(imported):
    store, _, _ = imported
    engine = as_engine(store)
    scope = Scope.of_sql(
        "SELECT doc_id FROM patents WHERE office = 'AU' AND doc_id NOT LIKE 'AU763526%'",
        label="AU without one document",
    )
    kept = prepare(engine, scope, "family")
    try:
        base = _OPEN[str(kept.prepared)]
        assert base._part is not None
        assert base._part.count_units() == 1  # the family of AU763526 has two documents
        unit = base._part.one(f"SELECT unit, documents FROM {base._part.units}")
        assert unit["documents"] == 1
    finally:
        release(kept)


def test_stale_relations_are_not_used_and_are_said_so(data_dir, caplog, tmp_path):
    with PatentStore.open(None) as store:
        assert "never built" in str(relations.status(store).reason)
        report = import_paths(store, [data_dir / "formats/cn-excel"])
        assert report.ok and report.relations is not None
        assert report.relations["mode"] == "full"
        assert relations.status(store).current
        record_edit(store, "rename", ["E1"], ["k"], name="某公司")
        state = relations.status(store)
        assert not state.current and "entity edits" in str(state.reason)
        with caplog.at_level(logging.WARNING, logger="patnav.analyses.prepared"):
            scope = prepare(store, Scope.everything(), "family")
        try:
            assert not _OPEN[str(scope.prepared)].kept
        finally:
            release(scope)
        assert "entity edits" in caplog.text
        assert relations.build(store)["mode"] == "full"
        assert relations.status(store).current
        export_snapshot(store, tmp_path / "snap")
    with PatentStore.open(None) as other:
        report = import_paths(other, [tmp_path / "snap"])
        assert report.ok and report.relations is not None
        assert report.relations["mode"] == "full"  # a snapshot replaces entities
        assert relations.status(other).current
        assert other.count("unit_facts") == int(
            other.scalar(
                "SELECT count(DISTINCT coalesce(family_id, app_number, doc_id)) "
                "FROM patents"
            )
        )
