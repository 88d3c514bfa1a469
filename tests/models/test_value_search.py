"""Search fields VAL and GRADE on stored value scores (the management use): the documents
a query finds are exactly those whose stored score or grade says so; unscored documents
never match."""

from __future__ import annotations

import pytest

from patnav.errors import QuerySyntaxError
from patnav.search import compile_query
from patnav.storage.store import PatentStore


def _ids(store: PatentStore, query: str) -> set[str]:
    compiled = compile_query(query)
    return {r[0] for r in store.rows(compiled.sql, compiled.params)}


def _scores(store: PatentStore) -> dict[str, tuple[float | None, str | None]]:
    return {
        r["doc_id"]: (r["score"], r["grade"])
        for r in store.query(
            "SELECT doc_id, score, grade FROM value_scores WHERE use = 'management'"
        ).to_pylist()
    }


def test_val_comparisons_and_ranges_follow_the_stored_score(scored_path):
    with PatentStore.open(scored_path, read_only=True) as store:
        scores = _scores(store)
        high = {d for d, (s, _) in scores.items() if s is not None and s >= 70}
        mid = {d for d, (s, _) in scores.items() if s is not None and 60 <= s <= 70}
        low = {d for d, (s, _) in scores.items() if s is not None and s < 40}
        assert high and mid and low
        assert _ids(store, "VAL>=70") == high
        assert _ids(store, "VAL=[60 TO 70]") == mid
        assert _ids(store, "价值分<40") == low
        assert _ids(store, "VAL>=70 AND VAL<40") == set()
        above = {d for d, (s, _) in scores.items() if s is not None and s > 70}
        assert _ids(store, "VAL>70") == above
        whole = {d for d, (s, _) in scores.items() if s is not None and 65 <= s < 66}
        assert whole and _ids(store, "VAL=65") == whole  # a whole number's span


def test_grade_matches_one_or_several_grades(scored_path):
    with PatentStore.open(scored_path, read_only=True) as store:
        scores = _scores(store)
        a = {d for d, (_, g) in scores.items() if g == "A"}
        ab = {d for d, (_, g) in scores.items() if g in ("A", "B")}
        assert a and ab > a
        assert _ids(store, "GRADE=A") == a
        assert _ids(store, "GRADE=(A OR B)") == ab
        assert _ids(store, "价值等级=b") == ab - a


def test_unscored_documents_never_match(mixed_path):
    with PatentStore.open(mixed_path, read_only=True) as store:
        assert store.count("value_scores") == 0
        assert _ids(store, "VAL>=0") == set()
        assert _ids(store, "GRADE=(A OR B OR C OR D OR E)") == set()


@pytest.mark.parametrize("query", ["GRADE=F", "VAL>=high", "GRADE>=B"])
def test_bad_values_are_syntax_errors(query):
    with pytest.raises(QuerySyntaxError):
        compile_query(query)
