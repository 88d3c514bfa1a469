"""Suggestions for untagged documents only, never stored until an explicit threshold
accepts them; the review queue; the CLI round trip."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from patnav.cli import cli
from patnav.errors import InputError, InvalidParameterError
from patnav.tags import (
    above_threshold,
    accept_suggestions,
    add_tags,
    list_tags,
    review_queue,
    save_scheme,
    suggest_tags,
)
from tests.tags.conftest import NUMBER, TITLE

BRIDGE = ("桥梁",)
ROAD = ("路面", "压路机", "道路")


def _tagged(store) -> set[str]:
    return {r[0] for r in store.rows("SELECT DISTINCT doc_id FROM tags")}


def _seed(store, export) -> tuple[set[str], set[str]]:
    save_scheme(store, "s", ["桥梁", "道路", "轨道"])
    add_tags(store, "s", "桥梁", analyst="a", query="TI=桥梁")
    add_tags(store, "s", "道路", analyst="a", query="TI=(路面 OR 压路机 OR 道路)")
    titles = dict(zip(export[NUMBER], export[TITLE], strict=True))
    bridge = {n for n, t in titles.items() if any(w in t for w in BRIDGE)}
    road = {n for n, t in titles.items() if any(w in t for w in ROAD)}
    return bridge, road


def test_suggestions_are_for_untagged_documents_only_and_never_stored(
    tag_store, export
):
    bridge, road = _seed(tag_store, export)
    tagged = _tagged(tag_store)
    assert tagged == bridge | road  # the store's doc_id is the pub number here
    before = tag_store.rows("SELECT * FROM tags ORDER BY ALL")

    result = suggest_tags(tag_store, "s")
    untagged = set(export[NUMBER]) - tagged
    assert result.candidates == len(untagged)
    assert {s.doc_id for s in result.rows} == untagged
    assert all(s.node in ("桥梁", "道路") for s in result.rows)
    assert result.nodes_without_examples == ("轨道",)
    assert all(0 <= s.score <= 1 for s in result.rows)
    two = suggest_tags(tag_store, "s", top=2)
    per_doc = pd.DataFrame([s.to_dict() for s in two.rows]).groupby("doc_id")["score"]
    assert per_doc.sum().between(0.999, 1.001).all()

    queue = review_queue(tag_store, "s", limit=10)
    assert len(queue.items) == 10 and {i.doc_id for i in queue.items} <= untagged
    margins = [i.margin for i in queue.items]
    assert margins == sorted(margins)
    everything = review_queue(tag_store, "s", limit=10_000)
    assert margins[0] == min(i.margin for i in everything.items)

    narrowed = suggest_tags(tag_store, "s", query="TI=装置")
    in_query = {
        n for n, t in zip(export[NUMBER], export[TITLE], strict=True) if "装置" in t
    }
    assert {s.doc_id for s in narrowed.rows} == in_query - tagged
    assert tag_store.rows("SELECT * FROM tags ORDER BY ALL") == before


def test_accept_records_the_threshold_and_source(tag_store, export):
    _seed(tag_store, export)
    tagged = _tagged(tag_store)
    with pytest.raises(InvalidParameterError, match="min-score"):
        accept_suggestions(tag_store, "s", min_score=0, analyst="b")
    threshold = 0.7
    expected = {
        (s.doc_id, s.node)
        for s in suggest_tags(tag_store, "s", top=3).rows
        if s.score >= threshold
    }
    assert expected  # some suggestions pass, some do not
    change, _ = accept_suggestions(tag_store, "s", min_score=threshold, analyst="b")
    assert change.added == len(expected)
    accepted = list_tags(tag_store, "s", source="accepted-suggestion").rows
    assert {(r["doc_id"], r["node"]) for r in accepted} == expected
    assert not {r["doc_id"] for r in accepted} & tagged
    assert all(r["threshold"] == threshold for r in accepted)
    assert all(r["score"] >= threshold and r["analyst"] == "b" for r in accepted)
    manual = list_tags(tag_store, "s", source="manual").rows
    assert {r["doc_id"] for r in manual} == tagged
    assert all(r["threshold"] is None and r["score"] is None for r in manual)


def test_suggesting_needs_two_nodes_with_examples(tag_store, export):
    save_scheme(tag_store, "s", ["桥梁", "道路"])
    add_tags(tag_store, "s", "桥梁", analyst="a", query="TI=桥梁")
    with pytest.raises(InputError, match="两个节点"):
        suggest_tags(tag_store, "s")


def test_the_cli_imports_suggests_and_accepts(export_store_path, export, tmp_path):
    import shutil

    store = tmp_path / "cli.duckdb"
    shutil.copy(export_store_path, store)
    titles = dict(zip(export[NUMBER], export[TITLE], strict=True))
    rows = [
        {"pub_number": n, "tag": node}
        for n, t in titles.items()
        for node, words in (("桥梁", BRIDGE), ("道路", ROAD))
        if any(w in t for w in words)
    ]
    tag_file = tmp_path / "tags.csv"
    pd.DataFrame(rows).to_csv(tag_file, index=False)
    runner = CliRunner()
    base = ["--store", str(store), "tags"]

    def run(*args: str) -> str:
        result = runner.invoke(cli, [*base, *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    run("scheme", "s", "--node", "桥梁", "--node", "道路")
    imported = json.loads(run("import", str(tag_file), "--scheme", "s", "--json"))
    assert imported["added"] == len(rows) and not imported["quarantined"]
    out = tmp_path / "建议.csv"
    text = run("suggest", "--scheme", "s", "--out", str(out))
    assert "未写入标引" in text
    suggested = pd.read_csv(out, dtype=str)
    assert list(suggested.columns[:3]) == ["pub_number", "tag", "score"]
    assert set(suggested.pub_number) == set(titles) - {r["pub_number"] for r in rows}
    listed = json.loads(run("list", "--scheme", "s", "--json", "--limit", "10000"))
    assert len(listed["tags"]) == len(rows)
    assert "差距" in run("queue", "--scheme", "s", "--limit", "5")
    accepted = json.loads(
        run("accept", "--scheme", "s", "--min-score", "0.8", "--json")
    )
    assert accepted["threshold"] == 0.8
    high = suggested[suggested.score.astype(float) >= 0.8]
    assert accepted["added"] == len(high)
    agreement = runner.invoke(cli, [*base, "agreement", "--scheme", "s"])
    assert agreement.exit_code == 1 and "两位" in agreement.output


def test_too_many_untagged_documents_ask_for_a_query(tag_store, export, monkeypatch):
    from patnav.tags import suggest

    _seed(tag_store, export)
    monkeypatch.setattr(suggest, "MAX_CANDIDATES", 50)
    with pytest.raises(InputError, match="--query"):
        suggest_tags(tag_store, "s")
    in_query = suggest_tags(tag_store, "s", query="TI=装置")
    assert 0 < in_query.candidates <= 50


def test_a_kept_model_answers_until_the_tags_change(tag_store, export):
    """The web keeps the fitted model per scheme and tags: a second review queue is the
    first one, not a refit; a tag added refits (the queue then differs and equals an
    uncached one)."""
    from patnav.tags import ScoreCache, remove_tags

    _seed(tag_store, export)
    cache = ScoreCache()
    first = review_queue(tag_store, "s", limit=10, cache=cache)
    assert cache.hits == 0
    again = review_queue(tag_store, "s", limit=10, cache=cache)
    assert cache.hits == 1 and again == first
    preview = above_threshold(tag_store, "s", min_score=0.7, cache=cache)
    assert cache.hits == 2
    assert preview == above_threshold(tag_store, "s", min_score=0.7)

    doc = first.items[0].doc_id  # the doc_id is the publication number here
    add_tags(tag_store, "s", first.items[0].node, analyst="b", numbers=[doc])
    added = review_queue(tag_store, "s", limit=10, cache=cache)
    assert cache.hits == 2  # refitted
    assert doc not in {i.doc_id for i in added.items}
    assert added == review_queue(tag_store, "s", limit=10)

    remove_tags(tag_store, "s", numbers=[doc], analyst="b")
    assert review_queue(tag_store, "s", limit=10, cache=cache) == first
    assert cache.hits == 3  # the tags are as they were: the first model answers
    # a query is never answered from the cache (it may name a saved set that changes)
    review_queue(tag_store, "s", query="TI=装置", limit=5, cache=cache)
    review_queue(tag_store, "s", query="TI=装置", limit=5, cache=cache)
    assert cache.hits == 3
