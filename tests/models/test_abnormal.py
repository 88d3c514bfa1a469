"""Abnormal filings (非正常专利申请) on real data: near-duplicates planted from real texts
are flagged with their group and similarity; the 一案双申 pairs of the Tai'an corpus and
the PatSnap export (found with pandas over the raw files) are not; volume flags agree
with a pandas count over the raw Patentics export; documents without text stay
unknown."""

from __future__ import annotations

import json
import random
import warnings
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from patnav.cli import cli
from patnav.errors import InvalidParameterError
from patnav.models.abnormal import Thresholds, detect, near_duplicates
from patnav.models.abnormal.near_duplicates import jaccard, shingles
from patnav.schema.records import Party, PatentRecord, PatentType, Role
from patnav.storage.store import PatentStore
from patnav.storage.writer import DocumentWriter

TAIAN = "corpora/cn-taian-7384/taian_patents.xlsx"
CCF = "corpora/cn-ccf-bdci-4097/train.json"
PATSNAP = "formats/cn-db-exports/patsnap_zhongzhixin_2020_2022.xlsx"
AR = "formats/cn-db-exports/patentics_CN_TI-增强现实_20220530.csv"


def _import(path: Path, sources: list[Path]) -> Path:
    from patnav.ingest.pipeline import import_paths

    with PatentStore.open(path) as s:
        assert import_paths(s, sources, raise_unexpected=True).ok
    return path


def edit(text: str, level: int, rng: random.Random) -> str:
    """A copy of ``text`` with ``level`` small edits: characters replaced, characters
    inserted, two sentences swapped."""
    chars = list(text)
    for _ in range(level):
        i = rng.randrange(len(chars))
        chars[i] = "改"
        chars.insert(rng.randrange(len(chars)), "的")
    out = "".join(chars)
    parts = out.split("，")
    if level and len(parts) > 2:
        parts[0], parts[1] = parts[1], parts[0]
    return "，".join(parts)


@pytest.fixture(scope="module")
def ccf(data_dir):
    """The CCF contest's 958 hand-labelled documents, as the raw file gives them."""
    rows = [
        json.loads(line)
        for line in (data_dir / CCF).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    return rows


@pytest.fixture(scope="module")
def planted(ccf, tmp_path_factory):
    """The CCF documents as applications of their assignees, plus for 12 of them three
    edited copies each filed by other applicants (a batch), and for 6 more one copy
    filed by another applicant sharing an inventor with the original's (a split)."""
    rng = random.Random(18)
    records = []

    def record(
        n: int, row: dict, applicant: str, inventors=(), agency=None, address=None, **kw
    ) -> PatentRecord:
        parties = [Party(Role.APPLICANT, applicant, address=address)]
        parties += [Party(Role.AGENCY, agency)] if agency else []
        parties += [Party(Role.INVENTOR, name) for name in inventors]
        return PatentRecord(
            pub_number=f"CN9{n:08d}A",
            office="CN",
            kind="A",
            app_number=f"CN20219{n:07d}",
            app_date=date(2021, 1 + n % 12, 1 + n % 28),
            patent_type=PatentType.INVENTION,
            title=kw.get("title", row["title"]),
            abstract=kw.get("abstract", row["abstract"]),
            parties=tuple(parties),
        )

    long_rows = [r for r in ccf if len(r["abstract"]) >= 150]
    chosen = rng.sample(long_rows, 25)
    batches, splits, by_address = chosen[:12], chosen[12:18], chosen[18:20]
    agency_copies = chosen[20:25]
    rest = [r for r in ccf if all(r is not c for c in chosen)]
    agency_others = {id(r) for r in rest[:25]}
    ids = {id(r) for r in chosen}
    n = 0
    for row in ccf:
        n += 1
        inventors = ("原发明人甲",) if id(row) in {id(r) for r in splits} else ()
        address = "泰安市植入路1号" if any(row is r for r in by_address) else None
        agency = "植入代理事务所" if id(row) in agency_others else None
        records.append(
            record(n, row, row["assignee"], inventors, agency=agency, address=address)
        )
        row["_app"] = f"CN20219{n:07d}"
    expected_batch, expected_split = [], []
    for k, row in enumerate(batches):
        group = {row["_app"]}
        for copy in range(3):
            n += 1
            records.append(
                record(
                    n,
                    row,
                    f"植入申请人{k}-{copy}",
                    title=row["title"] + ("装置" if copy == 2 else ""),
                    abstract=edit(row["abstract"], copy + 1, rng),
                )
            )
            group.add(f"CN20219{n:07d}")
        expected_batch.append(group)
    for k, row in enumerate(splits):
        n += 1
        records.append(
            record(
                n,
                row,
                f"关联申请人{k}",
                ("原发明人甲",),
                abstract=edit(row["abstract"], 2, rng),
            )
        )
        expected_split.append({row["_app"], f"CN20219{n:07d}"})
    for k, row in enumerate(by_address):
        n += 1
        records.append(record(n, row, f"同址申请人{k}", address="泰安市植入路1号"))
    for k, row in enumerate(agency_copies):
        for copy in range(3):
            n += 1
            records.append(
                record(n, row, f"代理申请人{k}-{copy}", agency="植入代理事务所")
            )
    assert len(ids) == 25
    path = tmp_path_factory.mktemp("abnormal") / "planted.duckdb"
    with PatentStore.open(path) as store, store.transaction():
        writer = DocumentWriter(store, import_id=1, file="planted", fmt="json")
        for i, r in enumerate(records):
            writer.add(r, f"row {i + 1}")
        writer.finish()
    return path, expected_batch, expected_split


def test_shingles_ignore_punctuation_and_spacing_and_agree_with_jaccard():
    a = shingles("一种散热装置，包括：风扇 与 散热片。")
    b = shingles("一种散热装置包括风扇与散热片")
    assert a == b
    assert jaccard(a, b) == 1.0
    english = shingles("A cooling device comprising a fan and fins")
    assert english == shingles("a cooling DEVICE, comprising: a fan and fins!")


def _texts(path: Path) -> dict[str, frozenset[int]]:
    with PatentStore.open(path, read_only=True) as store:
        rows = store.rows(
            "SELECT app_number, concat_ws('\n', title, abstract) FROM patents"
        )
    return {a: shingles(t) for a, t in rows}


def _connected(
    group: set[str], texts: dict[str, frozenset[int]], at: float
) -> set[str]:
    """The planted applications linked (brute force, exact Jaccard ≥ at) to the first."""
    first = min(group)
    seen, todo = {first}, [first]
    while todo:
        a = todo.pop()
        for b in group - seen:
            if jaccard(texts[a], texts[b]) >= at:
                seen.add(b)
                todo.append(b)
    return seen


def test_planted_batches_are_flagged_with_their_group_and_similarity(planted):
    path, expected_batch, _ = planted
    texts = _texts(path)
    with PatentStore.open(path, read_only=True) as store:
        result = detect(store)
    at = result.thresholds.similarity
    batches = [set(f.applications) for f in result.flags if f.kind == "batch"]
    wanted = [_connected(g, texts, at) for g in expected_batch]
    wanted = [g for g in wanted if len(g) >= 3]
    assert len(wanted) >= 8  # most planted batches stay near-identical after the edits
    for group in wanted:
        found = [b for b in batches if group <= b]
        assert found, f"planted batch {sorted(group)} not flagged"
    for f in result.flags:
        if f.kind == "batch":
            ev = f.evidence
            assert result.thresholds.similarity <= ev["similarity_min"] <= 1
            assert {m["application"] for m in ev["members"]} == set(f.applications)
            assert "相似度" in f.message and "Jaccard" in f.threshold


def test_planted_splits_name_the_shared_inventor(planted):
    path, _, expected_split = planted
    texts = _texts(path)
    with PatentStore.open(path, read_only=True) as store:
        result = detect(store)
    splits = {frozenset(f.applications): f for f in result.flags if f.kind == "split"}
    at = result.thresholds.similarity
    wanted = [g for g in expected_split if len(_connected(g, texts, at)) == 2]
    assert len(wanted) >= 4
    for group in wanted:
        flag = splits.get(frozenset(group))
        assert flag is not None, f"planted split {sorted(group)} not flagged"
        assert flag.evidence["shared"] == {"共同发明人": ["原发明人甲"]}
        assert "共同发明人" in flag.message


def test_the_similarity_reported_is_the_exact_jaccard(ccf):
    rng = random.Random(3)
    text = next(r["abstract"] for r in ccf if len(r["abstract"]) > 200)
    copy = edit(text, 2, rng)
    other = next(
        r["abstract"]
        for r in ccf
        if r["title"] != ccf[0]["title"] and r["abstract"] != text
    )
    found = near_duplicates([text, copy, other])
    expected = len(shingles(text) & shingles(copy)) / len(
        shingles(text) | shingles(copy)
    )
    assert [(p.left, p.right) for p in found.pairs] == [(0, 1)]
    assert found.pairs[0].similarity == pytest.approx(expected)


@pytest.fixture(scope="module")
def taian(data_dir, tmp_path_factory):
    path = _import(tmp_path_factory.mktemp("taian") / "t.duckdb", [data_dir / TAIAN])
    raw = pd.read_excel(data_dir / TAIAN, dtype=str)
    return path, raw


def _type(app_number: str) -> str:
    digits = app_number[2:].split(".")[0]
    return {"1": "invention", "2": "utility_model", "3": "design"}.get(
        digits[4] if len(digits) >= 12 else digits[2], "?"
    )


def test_taian_dual_filings_are_not_flagged(taian):
    path, raw = taian
    raw = raw.assign(type=raw["申请号"].map(_type))
    both = raw[raw["type"].isin(["invention", "utility_model"])]
    pairs = both.merge(both, on=["申请人", "申请日"])
    pairs = pairs[
        (pairs["type_x"] == "invention") & (pairs["type_y"] == "utility_model")
    ]
    same = pairs[pairs["摘要_x"] == pairs["摘要_y"]]
    assert len(same) > 20  # the corpus has them: the check below is not vacuous
    with PatentStore.open(path, read_only=True) as store:
        result = detect(store)
    together = [
        set(f.applications) for f in result.flags if f.kind in ("batch", "split")
    ]
    for a, b in zip(pairs["申请号_x"], pairs["申请号_y"], strict=True):
        a, b = a.split(".")[0], b.split(".")[0]
        assert not any(a in g and b in g for g in together), (a, b)
    assert result.exempt_dual >= len(same)


@pytest.fixture(scope="module")
def patsnap(data_dir, tmp_path_factory):
    path = _import(
        tmp_path_factory.mktemp("patsnap") / "p.duckdb", [data_dir / PATSNAP]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = pd.read_excel(data_dir / PATSNAP, dtype=str)
    return path, raw


def test_patsnap_titles_alone_are_not_compared_and_stay_unknown(patsnap):
    path, raw = patsnap
    with PatentStore.open(path, read_only=True) as store:
        result = detect(store)
    # the export has no abstract or claims: every document is counted as not compared
    assert result.too_short == raw["公开公告号"].nunique() == result.applications
    assert result.compared == 0
    assert not [f for f in result.flags if f.kind in ("batch", "split")]


def test_patsnap_dual_filings_are_not_flagged_even_when_titles_are_compared(patsnap):
    path, raw = patsnap
    inv = raw[raw["专利类型"] == "发明专利"]
    um = raw[raw["专利类型"] == "实用新型"]
    pairs = inv.merge(um, on=["当前申请专利权人", "标题", "申请年"])
    assert len(pairs) > 50  # 一案双申 is common in this export
    with PatentStore.open(path, read_only=True) as store:
        result = detect(store, thresholds=Thresholds(titles_alone=1, min_shingles=1))
    assert result.exempt_dual >= len(pairs)
    assert result.exempt_dual_unknown_day == result.exempt_dual  # no filing day
    flagged = [f for f in result.flags if f.kind in ("batch", "split")]
    assert flagged  # titles alone do link applications (generic titles recur)
    for a, b in zip(pairs["公开公告号_x"], pairs["公开公告号_y"], strict=True):
        for f in flagged:
            if a in f.documents and b in f.documents:
                # in a group only through a third application: recognised, counted once
                assert [a, b] in f.evidence["dual_filing_pairs"], (a, b)
                assert f.evidence["filings"] < len(f.applications)


def test_volume_flags_match_a_pandas_count_of_the_raw_export(data_dir, ar_store_path):
    raw = pd.read_csv(data_dir / AR, dtype=str, encoding="utf-8-sig", index_col=False)
    raw = raw.dropna(subset=["申请日"]).drop_duplicates("申请号")
    raw = raw.assign(year=raw["申请日"].str[:4].astype(int))
    people = raw.assign(inventor=raw["发明人"].str.split("|")).explode("inventor")
    people["inventor"] = people["inventor"].str.strip()
    counts = people.dropna(subset=["inventor"]).groupby(["inventor", "year"]).size()
    limit = 8
    expected = {(k[0], k[1]): int(v) for k, v in counts.items() if v > limit}
    assert expected  # the threshold leaves some to check
    with PatentStore.open(ar_store_path, read_only=True) as store:
        result = detect(store, thresholds=Thresholds(inventor_per_year=limit))
    got = {
        (f.subject, f.evidence["year"]): f.evidence["count"]
        for f in result.flags
        if f.kind == "volume" and f.evidence["role"] == "inventors"
    }
    assert got == expected


def test_thresholds_file_overrides_and_bad_values_are_refused(tmp_path):
    good = tmp_path / "t.yaml"
    good.write_text("similarity: 0.9\nbatch_min_applications: 5\n", encoding="utf-8")
    t = Thresholds.load(good)
    assert (t.similarity, t.batch_min_applications, t.bands) == (0.9, 5, 16)
    bad = tmp_path / "b.yaml"
    bad.write_text("similarty: 0.9\n", encoding="utf-8")
    with pytest.raises(InvalidParameterError, match="similarty"):
        Thresholds.load(bad)


def test_cli_prints_chinese_flags_and_writes_xlsx(planted, tmp_path):
    path, expected_batch, _ = planted
    out = tmp_path / "flags.xlsx"
    result = CliRunner().invoke(
        cli, ["--store", str(path), "abnormal", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "批量雷同申请" in result.output and "比对内容" in result.output
    frame = pd.read_excel(out, dtype=str)
    assert list(frame.columns[:3]) == ["类型", "对象", "说明"]
    with PatentStore.open(path, read_only=True) as store:
        flags = detect(store).flags
    assert len(frame) == len(flags)
    assert (frame["类型"] == "批量雷同申请").sum() == sum(
        f.kind == "batch" for f in flags
    )
    assert set(frame["申请"]) == {"；".join(f.applications) for f in flags}
    js = CliRunner().invoke(
        cli, ["--store", str(path), "abnormal", "--applicant", "植入申请人", "--json"]
    )
    assert js.exit_code == 0, js.output
    data = json.loads(js.output)
    assert data["applications"] == data["documents"] == 3 * len(expected_batch)
    assert set(data["counts"]) == {"batch", "split", "volume", "agency", "recombined"}


def _year(app_number: str) -> int:
    digits = app_number[2:].split(".")[0]
    if len(digits) >= 12:
        return int(digits[:4])
    yy = int(digits[:2])
    return 1900 + yy if yy >= 85 else 2000 + yy


def test_taian_divisionals_and_possible_domestic_priority_are_not_flagged(taian):
    path, raw = taian
    raw = raw.assign(
        app=raw["申请号"].str.split(".").str[0],
        type=raw["申请号"].map(_type),
        day=pd.to_datetime(raw["申请日"]),
    )
    # divisionals: numbered in a later year than their filing day, with a same-day
    # application of the same applicant (their parent)
    same_day = raw.merge(raw, on=["申请人", "申请日"])
    same_day = same_day[same_day["app_x"] != same_day["app_y"]]
    divisional = same_day[same_day["app_y"].map(_year) > same_day["day_y"].dt.year]
    assert len(divisional) >= 2
    # invention and utility model of one applicant filed within 12 months
    inv = raw[raw["type"] == "invention"]
    um = raw[raw["type"] == "utility_model"]
    near = inv.merge(um, on="申请人")
    gap = (near["day_x"] - near["day_y"]).dt.days.abs()
    near = near[(gap > 0) & (gap <= 366) & (near["专利名称_x"] == near["专利名称_y"])]
    assert len(near) >= 5
    with PatentStore.open(path, read_only=True) as store:
        result = detect(store)
    assert result.exempt_divisional >= 1 and result.exempt_priority >= 1
    together = [
        set(f.applications) for f in result.flags if f.kind in ("batch", "split")
    ]
    for a, b in [
        *zip(divisional["app_x"], divisional["app_y"], strict=True),
        *zip(near["app_x"], near["app_y"], strict=True),
    ]:
        assert not any(a in g and b in g for g in together), (a, b)


def test_planted_address_splits_and_agency_concentration(planted):
    path, _, _ = planted
    with PatentStore.open(path, read_only=True) as store:
        result = detect(store)
    address = [
        f
        for f in result.flags
        if f.kind == "split" and f.evidence["shared"].get("相同地址")
    ]
    assert len(address) == 2
    assert all(f.evidence["shared"]["相同地址"] == ["泰安市植入路1号"] for f in address)
    # the agency: 25 real documents plus 5 × 3 identical copies (always flagged)
    agency = [f for f in result.flags if f.kind == "agency"]
    assert [f.subject for f in agency] == ["植入代理事务所"]
    ev = agency[0].evidence
    assert ev["applications"] == 40
    assert ev["flagged"] >= 15
    assert ev["share"] == pytest.approx(ev["flagged"] / 40, abs=1e-4)
    assert len(agency[0].applications) == ev["flagged"]


def test_cli_query_narrows_to_the_matching_documents(planted):
    path, _, _ = planted
    with PatentStore.open(path, read_only=True) as store:
        expected = store.scalar(
            "SELECT count(DISTINCT doc_id) FROM parties "
            "WHERE role = 'agency' AND name = '植入代理事务所'"
        )
    result = CliRunner().invoke(
        cli,
        ["--store", str(path), "abnormal", "--query", "AGC=植入代理事务所", "--json"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["documents"] == expected == 40
    assert data["counts"]["agency"] == 1


def test_one_invention_filed_abroad_or_under_one_priority_is_not_flagged(ccf, tmp_path):
    """Real CCF texts filed again on purpose — at other offices, or in China claiming
    the same priority — are one invention, lawfully filed more than once (Derwent and
    DOCDB families put many such members in a store); copies filed by other applicants
    at the same office with no common priority are still a batch."""
    from patnav.schema.records import Priority

    rows = [r for r in ccf if len(r["abstract"]) >= 150][:3]
    records = []

    def record(n, row, office, applicant, priority=None):
        return PatentRecord(
            pub_number=f"{office}9{n:08d}A",
            office=office,
            kind="A",
            app_number=f"{office}20219{n:07d}",
            app_date=date(2021, 3, 1 + n % 28),
            patent_type=PatentType.INVENTION,
            title=row["title"],
            abstract=row["abstract"],
            parties=(Party(Role.APPLICANT, applicant),),
            priorities=(Priority("CN", priority),) if priority else (),
        )

    abroad, priority, control = rows
    n = 0
    for office in ("CN", "US", "EP", "JP"):  # one applicant's filings at four offices
        n += 1
        records.append(record(n, abroad, office, "同一申请人"))
    for k in range(3):  # three CN applications claiming one priority
        n += 1
        records.append(record(n, priority, "CN", f"优先权申请人{k}", "CN202010000001"))
    for k in range(3):  # three unrelated applicants, same office, no priority
        n += 1
        records.append(record(n, control, "CN", f"雷同申请人{k}"))
    path = tmp_path / "same-invention.duckdb"
    with PatentStore.open(path) as store, store.transaction():
        writer = DocumentWriter(store, import_id=1, file="same", fmt="json")
        for i, r in enumerate(records):
            writer.add(r, f"row {i + 1}")
        writer.finish()
    with PatentStore.open(path, read_only=True) as store:
        result = detect(store)
    flagged = {a for f in result.flags for a in f.applications}
    assert flagged == {f"CN20219{m:07d}" for m in range(8, 11)}
    # 4 offices: 6 pairs; one priority: 3 pairs
    assert result.exempt_family == 9
    assert result.to_dict()["exempt_same_invention"] == 9


def test_agency_quality_counts_each_agencys_flagged_applications(planted):
    """``patnav agencies`` runs the detector: the planted agency filed 15 copies of 5
    real texts (three each, beside the originals filed without it) and 25 real
    documents — its flagged applications are the 15 copies, known from how the store
    was planted; without the detector the column stays unknown."""
    path, _, _ = planted
    args = ["--store", str(path), "agencies", "--min-units", "1", "--json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    rows = {r["name"]: r for r in json.loads(result.output)["rows"]}
    assert rows["植入代理事务所"]["units"] == 40
    assert rows["植入代理事务所"]["abnormal"] == 15
    plain = CliRunner().invoke(cli, [*args, "--no-abnormal"])
    rows = {r["name"]: r for r in json.loads(plain.output)["rows"]}
    assert rows["植入代理事务所"]["abnormal"] is None
