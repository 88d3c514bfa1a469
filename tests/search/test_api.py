"""search(): ordering, notes, errors, typed results."""

from __future__ import annotations

import pytest

from patnav.errors import InputError, InvalidParameterError, QuerySyntaxError
from patnav.search import SearchHit, matching_ids, parse, search
from patnav.search.api import positive_text
from patnav.search.index import SearchIndex


@pytest.fixture
def index(sample_store, plain_segmenter, tmp_path):
    with SearchIndex(
        sample_store, folder=tmp_path / "idx", segmenter=plain_segmenter
    ) as idx:
        yield idx


def test_boolean_hits_are_ranked_by_their_text_terms_then_by_filing_date(
    sample_store, index
):
    result = search(sample_store, "光纤 OR LS=审中", index=index, limit=9)
    assert result.total == 4 and result.mode == "boolean"
    # documents holding 光纤 first (BM25), then the others newest filing first
    assert {h.doc_id for h in result.hits[:2]} == {"CN110000001A", "CN110000009A"}
    assert all(h.bm25 is not None for h in result.hits[:2])
    assert [h.doc_id for h in result.hits[2:]] == ["CN110000008A", "CN110000004A"]
    assert all(h.bm25 is None for h in result.hits[2:])
    assert [h.rank for h in result.hits] == [1, 2, 3, 4]
    assert isinstance(result.hits[0], SearchHit)
    assert result.hits[0].applicants and result.hits[0].app_date is not None
    frame = result.to_frame()
    assert list(frame["doc_id"]) == result.doc_ids


def test_a_query_without_text_terms_lists_newest_filings_first(sample_store, index):
    result = search(sample_store, "TYPE=发明 AND PROV=湖北", index=index)
    dates = [h.app_date for h in result.hits]
    assert dates == sorted(dates, reverse=True) and result.total == 3


def test_the_first_search_builds_the_index_and_says_so(sample_store, index):
    first = search(sample_store, "光纤", index=index)
    assert any("full-text index updated: 9 added" in n for n in first.notes)
    again = search(sample_store, "光纤", index=index)
    assert again.notes == ()


def test_negated_terms_do_not_rank():
    assert (
        positive_text(parse("光纤 AND NOT 光缆 OR TI=(激光 NOT 医疗)")) == "光纤 激光"
    )
    assert positive_text(parse("NOT (光纤 OR NOT 光缆)")) == "光缆"
    assert positive_text(parse("IPC=G02B6 AND fib*")) == "fib "


def test_bad_calls_say_what_to_do(sample_store, index):
    with pytest.raises(QuerySyntaxError):
        search(sample_store, "TI=(光纤", index=index)
    with pytest.raises(InvalidParameterError, match="limit"):
        search(sample_store, "光纤", limit=0, index=index)
    with pytest.raises(InvalidParameterError, match="mode"):
        search(sample_store, "光纤", mode="fuzzy", index=index)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="empty"):
        search(sample_store, "  ", index=index)


def test_matching_ids_without_an_index_uses_plain_sql(sample_store, index):
    assert set(matching_ids(sample_store, "TI=光纤", index=index)) == {
        "CN110000001A",
        "CN110000009A",
    }
