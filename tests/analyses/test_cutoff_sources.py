"""The cut-off of a scope whose documents come from several files: each file holding 25 % or
more is cut off at its own latest date, the scope at the earliest (issue 14's defect: a
city's corpus collected to 2015 beside a 2022 database export made 2014–2015 look complete
and the lifecycle "declining"). Expected dates come from pandas over the raw files."""

from __future__ import annotations

import pandas as pd
import pytest

from patnav.analyses.base import Scope, incomplete_from
from patnav.analyses.trend import filing_trend
from patnav.ingest.pipeline import import_paths
from patnav.search import compile_query
from patnav.storage.store import PatentStore

TAIAN = "corpora/cn-taian-7384/taian_patents.xlsx"
AR = "formats/cn-db-exports/patentics_CN_TI-增强现实_20220530.csv"
SMALL = "formats/cn-excel/cnki_export_33.xlsx"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory, data_dir):
    path = tmp_path_factory.mktemp("cutoff") / "s.duckdb"
    with PatentStore.open(path) as store:
        report = import_paths(
            store, [data_dir / TAIAN, data_dir / AR, data_dir / SMALL]
        )
        assert report.ok
    return path


def _latest(frame: pd.DataFrame, *columns: str) -> pd.Timestamp:
    dates = [
        pd.to_datetime(frame[c], errors="coerce", format="mixed").max() for c in columns
    ]
    return max(d for d in dates if not pd.isna(d))


def test_the_earliest_major_source_sets_the_cut_off(store_path, data_dir):
    taian = pd.read_excel(data_dir / TAIAN, dtype=str)
    ar = pd.read_csv(data_dir / AR, dtype=str, encoding="utf-8-sig", index_col=False)
    taian_end = _latest(taian, "申请日").date()
    ar_end = _latest(ar, "公开日", "申请日").date()
    assert taian_end < ar_end  # the city corpus ends in 2015, the export in 2022
    with PatentStore.open(store_path, read_only=True) as store:
        trend = filing_trend(store, count_by="document")
    assert trend.cutoff == taian_end
    assert trend.cutoff_source is not None and trend.cutoff_source.endswith(
        "taian_patents.xlsx"
    )
    assert trend.incomplete_from == incomplete_from(taian_end)
    # the corpus's last filing years are marked incomplete, not read as a decline
    assert all(y.incomplete for y in trend.years if y.year >= taian_end.year - 1)


def test_one_source_in_scope_keeps_its_own_latest_date(store_path, data_dir):
    ar = pd.read_csv(data_dir / AR, dtype=str, encoding="utf-8-sig", index_col=False)
    with PatentStore.open(store_path, read_only=True) as store:
        scope = Scope.of_query("TI=增强现实", store=store)
        compiled = compile_query("TI=增强现实")
        ids = {r[0] for r in store.rows(compiled.sql, compiled.params)}
        trend = filing_trend(store, scope, count_by="document")
    titled = ar[ar["标题"].fillna("").str.contains("增强现实")]
    assert set(titled["公开号"]) <= ids
    assert trend.cutoff_source is None
    assert trend.cutoff == _latest(titled, "公开日", "申请日").date()


def test_a_small_source_does_not_move_the_cut_off(store_path, data_dir):
    """The 33-document CNKI file (under 25 % of the store) ends earlier than the export
    but sets nothing: only the corpus and the export are major."""
    small = pd.read_excel(data_dir / SMALL, dtype=str)
    with PatentStore.open(store_path, read_only=True) as store:
        documents = store.scalar("SELECT count(*) FROM patents")
        trend = filing_trend(store, count_by="document")
    assert len(small) < 0.25 * documents
    assert not trend.cutoff_source.endswith("cnki_export_33.xlsx")
