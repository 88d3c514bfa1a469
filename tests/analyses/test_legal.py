"""Legal status from evidence on real files: shares recomputed from the raw file, estimates
kept apart from known statuses, coverage and evidence stated."""

from __future__ import annotations

import pytest

from patnav.analyses.base import Scope
from patnav.analyses.legal import legal_status
from patnav.storage.store import PatentStore
from tests import patentics


@pytest.fixture(scope="session")
def patentics_path(tmp_path_factory, data_dir):
    return patentics.store_path(tmp_path_factory, data_dir)


@pytest.fixture
def patentics_store(patentics_path):
    with PatentStore.open(patentics_path, read_only=True) as store:
        yield store


@pytest.mark.parametrize("count_by", ["application", "family", "document"])
def test_status_shares_equal_the_raw_file(patentics_store, data_dir, count_by):
    """One document per application and family here: every unit's status, share of all
    and share of the known equal a pandas computation over the raw export."""
    expected = patentics.shares(patentics.read(data_dir))
    result = legal_status(patentics_store, count_by=count_by)
    got = {
        s.status: (s.units, round(s.share_of_all or 0, 9), s.share)
        for s in result.statuses
    }
    assert got.keys() == expected.keys()
    for status, (units, of_all, of_known) in expected.items():
        assert got[status][0] == units, status
        assert got[status][1] == pytest.approx(of_all), status
        if of_known is None:
            assert got[status][2] is None
        else:
            assert got[status][2] == pytest.approx(of_known), status
    known = sum(u for s, (u, _, k) in expected.items() if k is not None)
    assert result.known == known and result.total == 4483
    assert result.coverage == pytest.approx(known / 4483)
    assert result.term_ended == expected["term_ended"][0]
    # the order: most alive first, estimates and unknown last
    assert [s.status for s in result.statuses][-2:] == ["term_ended", "unknown"]


def test_known_statuses_say_where_they_come_from(patentics_store, data_dir):
    """Every known status is the source's field, undated (Patentics gives no status
    date)."""
    frame = patentics.read(data_dir)
    result = legal_status(patentics_store, count_by="application")
    known = int((~frame["unit_status"].isin(["term_ended", "unknown"])).sum())
    assert [(e.source, e.units, e.dated) for e in result.evidence] == [
        ("source", known, 0)
    ]
    assert result.undated == known and result.as_of == (None, None)


def test_a_scope_counts_only_its_units(patentics_store, data_dir):
    """A title query's scope: its statuses equal the raw rows whose title matches."""
    frame = patentics.read(data_dir)
    subset = frame[frame["title"].str.contains("眼镜")]
    scope = Scope.of_query("TI=眼镜", label="眼镜")
    result = legal_status(patentics_store, scope, count_by="application")
    assert {s.status: s.units for s in result.statuses} == {
        str(k): int(v) for k, v in subset["unit_status"].value_counts().items()
    }


def test_term_estimates_are_never_known_or_lapsed(patentics_store, data_dir):
    """A granted right the source called 有效 (undated) whose estimated term has ended
    is 'term ended (estimated)': neither in force nor lapsed, and not known."""
    frame = patentics.read(data_dir)
    ended = frame[frame["unit_status"] == "term_ended"]
    assert len(ended) > 0 and set(ended["raw_status"]) <= {"有效", "其他"}
    result = legal_status(patentics_store, count_by="application")
    by = {s.status: s for s in result.statuses}
    assert by["term_ended"].units == len(ended) and by["term_ended"].share is None
    assert by["active"].units == int((frame["unit_status"] == "active").sum())
    assert "expired" not in by  # the file never says a term ended
