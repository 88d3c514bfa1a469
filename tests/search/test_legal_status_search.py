"""LS= on a real export with a status field: each status word returns exactly the documents
the raw file gives that status; 未知 the documents without one; 推算届满 the term-rule
estimates — counted with pandas over the raw file."""

from __future__ import annotations

import pytest

from patnav.search import compile_query, search
from patnav.search.index import SearchIndex
from patnav.storage.store import PatentStore
from tests import patentics

ENDED = {"lapsed", "expired", "withdrawn", "rejected", "invalidated"}


@pytest.fixture(scope="session")
def patentics_path(tmp_path_factory, data_dir):
    return patentics.store_path(tmp_path_factory, data_dir)


@pytest.fixture(scope="module")
def frame(data_dir):
    return patentics.read(data_dir)


def _ids(store, query: str) -> set[str]:
    compiled = compile_query(query)
    return {r[0] for r in store.rows(compiled.sql, compiled.params)}


@pytest.mark.parametrize(
    ("query", "statuses"),
    [
        ("LS=有效", {"active"}),
        ("LS=失效", ENDED),
        ("LS=无效", ENDED),
        ("LS=审中", {"pending"}),
        ("LS=驳回", {"rejected"}),
        ("LS=撤回", {"withdrawn"}),
        ("LS=未缴年费", {"lapsed"}),
        ("LS=未知", {"unknown", "term_ended"}),
        ("LS=unknown", {"unknown", "term_ended"}),
        ("LS=推算届满", {"term_ended"}),
        ("LS=(有效 OR 未知)", {"active", "unknown", "term_ended"}),
    ],
)
def test_each_status_word_returns_the_raw_files_documents(
    patentics_path, frame, query, statuses
):
    with PatentStore.open(patentics_path, read_only=True) as store:
        got = _ids(store, query)
    expected = set(frame.loc[frame["unit_status"].isin(statuses), "pub"])
    assert got == expected
    assert expected or query == "LS=未缴年费"  # Patentics has no 未缴年费 of its own


def test_unknown_and_known_split_the_store(patentics_path, frame):
    with PatentStore.open(patentics_path, read_only=True) as store:
        unknown = _ids(store, "LS=未知")
        known = _ids(store, "NOT LS=未知")
        every = {r[0] for r in store.rows("SELECT doc_id FROM patents")}
    assert unknown | known == every and not unknown & known
    assert len(known) == int(
        (~frame["unit_status"].isin(["unknown", "term_ended"])).sum()
    )


def test_status_terms_work_with_text_terms_through_the_index(
    patentics_path, frame, plain_segmenter, tmp_path
):
    """The staged search (index candidates, then the patents columns) reads the status
    columns too."""
    with (
        PatentStore.open(patentics_path, read_only=True) as store,
        SearchIndex(store, folder=tmp_path / "idx", segmenter=plain_segmenter) as index,
    ):
        index.refresh()
        for query, statuses in (
            ("眼镜 AND LS=推算届满", {"term_ended"}),
            ("眼镜 AND LS=未知", {"unknown", "term_ended"}),
            ("眼镜 AND LS=有效", {"active"}),
        ):
            result = search(store, query, index=index, limit=5000)
            expected = frame[
                frame["title"].str.contains("眼镜")
                & frame["unit_status"].isin(statuses)
            ]
            assert set(result.doc_ids) == set(expected["pub"]), query
