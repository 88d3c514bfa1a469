"""The real exports of incoPat, Patentics and PatSnap import whole (issue 14).

Every figure is computed independently with pandas over the raw file, never from the
store or the program's output.
"""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from patnav.ingest.base import Read, ReadOptions, Rejected, file_source
from patnav.ingest.pipeline import detect_reader
from patnav.schema.countries import office_code
from patnav.schema.numbers import normalize_app_number, parse_pub_number
from patnav.schema.records import PatentRecord

FOLDER = "formats/cn-db-exports"
FILES = (
    "incopat_GM_autodriving_10000.xlsx",
    "incopat_iflytek_3816.xlsx",
    "incopat_toyota_autodriving_CN.xlsx",
    "patentics_CN_TI-增强现实_20220530.csv",
    "patentics_CN_TI-虚拟现实_20220507.csv",
    "patentics_didi_global_4011.csv",
    "patsnap_zhongzhixin_2020_2022.xlsx",
)


@dataclass
class Outcome:
    records: list[PatentRecord] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


_CACHE: dict[str, Outcome] = {}


def read_export(data_dir: Path, name: str) -> Outcome:
    """What the reader makes of one export (read once per test session)."""
    if name not in _CACHE:
        source = file_source(data_dir / FOLDER / name)
        reader = detect_reader(source)
        assert reader is not None
        out = Outcome()
        for item in reader.read(source, ReadOptions()):
            if isinstance(item, Read):
                out.records.append(item.record)
            elif isinstance(item, Rejected):
                out.rejected.append(item)
        _CACHE[name] = out
    return _CACHE[name]


def raw_frame(data_dir: Path, name: str) -> pd.DataFrame:
    path = data_dir / FOLDER / name
    if name.endswith(".csv"):
        # Patentics ends every line in a comma: one more field than headers
        return pd.read_csv(path, dtype=str, encoding="utf-8-sig", index_col=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pd.read_excel(path, dtype=str)


@pytest.mark.parametrize("name", FILES)
def test_every_row_imports(data_dir, name):
    frame = raw_frame(data_dir, name)
    out = read_export(data_dir, name)
    assert out.rejected == []
    assert len(out.records) == len(frame)
    # every row is its own document: publication numbers as the file gives them
    numbers = frame[next(c for c in frame.columns if "公开" in c and "号" in c)]
    assert sorted(r.pub_number_raw or "" for r in out.records) == sorted(numbers)
    assert len({r.doc_id for r in out.records}) == numbers.nunique()


@pytest.mark.parametrize(
    "name", [f for f in FILES if f.startswith(("incopat", "patsnap"))]
)
def test_offices_named_in_chinese(data_dir, name):
    frame = raw_frame(data_dir, name)
    column = "受理局" if "受理局" in frame.columns else "公开国别"
    expected = Counter(office_code(v) for v in frame[column])
    assert None not in expected, "an office name the table does not know"
    got = Counter(r.office for r in read_export(data_dir, name).records)
    assert got == expected


def test_patentics_offices_from_the_numbers(data_dir):
    name = "patentics_didi_global_4011.csv"
    frame = raw_frame(data_dir, name)
    expected = Counter(frame["公开号"].str[:2])
    got = Counter(r.office for r in read_export(data_dir, name).records)
    assert got == expected
    assert got["SG"] == 67 and got["EP"] > 0


def test_patentics_ep_application_numbers(data_dir):
    """EPODOC's form, filing year and the serial padded to 7 (EP20180815099 is EP
    18815099), is read; the other forms Patentics writes stay in extras, said so."""
    name = "patentics_didi_global_4011.csv"
    frame = raw_frame(data_dir, name).set_index("公开号")
    epodoc = unread = 0
    for record in read_export(data_dir, name).records:
        if record.office != "EP":
            continue
        raw = str(frame.loc[record.pub_number_raw, "申请号"])
        if len(raw) == 13 and raw[6] == "0" and raw[2:].isdigit():
            epodoc += 1
            assert record.app_number == f"EP{raw[4:6]}{raw[7:]}"
        else:
            unread += 1
            assert record.app_number is None
            assert dict(record.extras)["申请号"] == raw
    raws = frame.loc[frame.index.str.startswith("EP"), "申请号"]
    in_epodoc_form = raws.str.fullmatch(r"EP(19|20)\d{2}0\d{6}")
    assert (epodoc, unread) == (in_epodoc_form.sum(), (~in_epodoc_form).sum())
    assert epodoc > 250


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("中国", "CN"),
        ("美国", "US"),
        ("世界知识产权组织", "WO"),
        ("欧洲专利局", "EP"),
        ("日本", "JP"),
        ("中国台湾", "TW"),
        ("China", "CN"),
        ("United States", "US"),
        ("wipo", "WO"),
        ("ep", "EP"),
        ("火星", None),
        ("", None),
    ],
)
def test_office_names(text, code):
    assert office_code(text) == code


def test_numbers_of_the_exports():
    assert str(parse_pub_number("SG11201811747XA")) == "SG11201811747XA"
    assert parse_pub_number("SG11201811747XA").kind == "A"
    assert str(parse_pub_number("JPWO2017183476A1")) == "JPWO2017183476A1"
    assert normalize_app_number("EP20180815099") == "EP18815099"
    assert normalize_app_number("EP18815099.4") == "EP18815099"


# -- the fields that matter land in real places
# ----------------------------------------------------------------------------

PATSNAP = "patsnap_zhongzhixin_2020_2022.xlsx"


def _cells(series: pd.Series) -> list[list[str]]:
    """A multi-valued PatSnap column: parts split on ' | ', '-' and empty as missing."""
    out = []
    for value in series:
        if pd.isna(value) or str(value).strip() in {"", "-"}:
            out.append([])
        else:
            out.append([p.strip() for p in str(value).split("|") if p.strip()])
    return out


def _number(value: object) -> float | None:
    if pd.isna(value) or str(value).strip() in {"", "-"}:
        return None
    return float(str(value).replace(",", ""))


def by_pub(data_dir: Path, name: str) -> dict[str, PatentRecord]:
    return {r.pub_number_raw or "": r for r in read_export(data_dir, name).records}


def test_patsnap_events_counted_by_name(data_dir):
    frame = raw_frame(data_dir, PATSNAP)
    expected = Counter(p for parts in _cells(frame["法律状态事件"]) for p in parts)
    records = read_export(data_dir, PATSNAP).records
    got = Counter(e.code for r in records for e in r.events)
    assert got == expected
    # the types the brief names; no event is dated, as the cells give no date
    types = Counter((e.code, str(e.type)) for r in records for e in r.events)
    for code, kind in (
        ("授权", "grant"),
        ("未缴年费", "lapse"),
        ("权利转移", "transfer"),
        ("质押", "pledge"),
        ("许可", "licence"),
        ("驳回", "rejection"),
        ("撤回", "withdrawal"),
        ("实质审查", "examination"),
        ("保全", "preservation"),
        ("复审", "reexamination"),
        ("无效程序", "other"),
        ("一案双申", "other"),
    ):
        assert types[(code, kind)] == expected[code] > 0
    assert all(e.date is None for r in records for e in r.events)


def test_patsnap_counts_value_and_owner_place(data_dir):
    frame = raw_frame(data_dir, PATSNAP)
    records = by_pub(data_dir, PATSNAP)
    checked = Counter()
    for row in frame.itertuples(index=False):
        record = records[row.公开公告号]
        figures = {str(x.name): x for x in record.indicators}
        assert record.claims_count == _number(row.权利要求数量)
        assert record.cited_by_count == _number(row.被引用专利数量)
        cites = _number(row.引用专利数量)
        assert (figures["cites"].value if "cites" in figures else None) == cites
        family = _number(row.简单同族成员数量)
        assert (
            figures["family_size"].value if "family_size" in figures else None
        ) == family
        value = _number(str(row.专利价值).replace("$", ""))
        if value is None:
            assert "value" not in figures
        else:
            assert (figures["value"].value, figures["value"].unit) == (value, "USD")
            assert figures["value"].source == "智慧芽 PatSnap"
            checked["value"] += 1
        owners = [p for p in record.parties if str(p.role) == "current_owner"]
        places = {
            column: _cells(pd.Series([getattr(row, column)]))[0]
            for column in ("当前申请专利权人州省", "当前申请专利权人区县")
        }
        # one value in every place cell: the first owner's place (PatSnap's rule)
        first_only = len(owners) > 1 and all(len(v) <= 1 for v in places.values())
        for column, attribute in (
            ("当前申请专利权人州省", "province"),
            ("当前申请专利权人区县", "district"),
        ):
            parts = places[column]
            got = [getattr(o, attribute) for o in owners]
            if len(parts) == len(owners) or (first_only and parts):
                for value, part in zip(got, parts, strict=False):
                    assert value is not None and value.startswith(part)
                assert all(v is None for v in got[len(parts) :])
                checked[attribute] += 1
            elif parts:
                assert all(v is None for v in got)
                assert dict(record.extras)[column] == getattr(row, column)
    assert checked["value"] == frame["专利价值"].str.startswith("$").sum()
    assert checked["province"] > 13000 and checked["district"] > 12000
    hubei = {
        r.pub_number_raw
        for r in records.values()
        for p in r.parties
        if str(p.role) == "current_owner" and p.province == "湖北省"
    }
    assert (
        len(hubei) == frame["当前申请专利权人州省"].str.contains("湖北").sum() == 4714
    )


def test_patentics_citation_counts(data_dir):
    name = "patentics_CN_TI-虚拟现实_20220507.csv"
    frame = raw_frame(data_dir, name)
    records = read_export(data_dir, name).records
    got: dict[str, float] = Counter()
    for r in records:
        for x in r.indicators:
            got[str(x.name)] += x.value
            assert x.source == "Patentics"
    numeric = frame.apply(pd.to_numeric, errors="coerce")
    assert got["cites"] == numeric["本文引用专利数"].sum()
    assert got["cites_self"] == numeric["本文自引用专利数"].sum()
    assert got["cited_by_self"] == numeric["自引用本文专利数"].sum()
    assert got["family_size"] == numeric["同族专利数"].sum()
    assert (
        sum(r.cited_by_count or 0 for r in records) == numeric["引用本文专利数"].sum()
    )
    assert sum(r.claims_count or 0 for r in records) == numeric["权利要求数"].sum()
    # IPC from 国际分类, "G06F  3/01 | G06T 19/00"
    ipc = Counter(
        c.code for r in records for c in r.classifications if c.scheme == "IPC"
    )
    raw = Counter(
        p.replace(" ", "")
        for v in frame["国际分类"].dropna()
        for p in dict.fromkeys(v.split("|"))
        if p.strip()
    )
    assert ipc == raw


def test_incopat_industries_and_family(data_dir):
    name = "incopat_toyota_autodriving_CN.xlsx"
    frame = raw_frame(data_dir, name)
    records = by_pub(data_dir, name)
    for row in frame.itertuples(index=False):
        record = records[row[frame.columns.get_loc("公开（公告）号")]]
        nec = row[frame.columns.get_loc("国民经济分类")]
        expected = [] if pd.isna(nec) else [p.strip() for p in nec.split(";")]
        got = [c.code for c in record.classifications if c.scheme == "GBT4754"]
        assert got == list(dict.fromkeys(expected))
        sei = row[frame.columns.get_loc("新兴产业分类")]
        codes = (
            []
            if pd.isna(sei)
            else [p.split("(")[0].strip() for p in sei.split(",") if p.strip()]
        )
        got = [c.code for c in record.classifications if c.scheme == "sei_source"]
        assert got == list(dict.fromkeys(codes))
        # 专利有效性 beside 当前法律状态: the status is the latter's, validity kept
        assert record.legal_status_raw == row[frame.columns.get_loc("当前法律状态")]


def test_variant_headers_and_column_order(tmp_path, data_dir):
    """A PatSnap export with other spellings ([标]当前申请(专利权)人 …) and another
    column order reads the same."""
    frame = raw_frame(data_dir, PATSNAP).head(300)
    renamed = frame.rename(
        columns={
            "当前申请专利权人": "[标]当前申请(专利权)人",
            "当前申请专利权人州省": "[标]当前申请(专利权)人州/省",
            "当前申请专利权人地市": "[标]当前申请(专利权)人地市",
            "当前申请专利权人区县": "[标]当前申请(专利权)人区县",
            "公开公告号": "公开(公告)号",
        }
    )
    renamed = renamed[list(reversed(renamed.columns))]
    path = tmp_path / "patsnap_variant.csv"
    renamed.to_csv(path, index=False)
    source = file_source(path)
    reader = detect_reader(source)
    assert reader is not None
    items = list(reader.read(source, ReadOptions()))
    variant = {i.record.pub_number: i.record for i in items if isinstance(i, Read)}
    assert not [i for i in items if isinstance(i, Rejected)]
    original = {r.pub_number: r for r in read_export(data_dir, PATSNAP).records[:300]}
    assert variant.keys() == original.keys()
    for key, record in original.items():
        other = variant[key]
        assert other.parties == record.parties
        assert other.events == record.events
        assert other.indicators == record.indicators
        assert other.office == record.office == "CN"


def test_indicators_in_the_store(tmp_path, data_dir):
    """Events, indicators and located owners land in the store's tables; a PatSnap row
    (no application number) merges with the same document read from another file."""
    from patnav.ingest.pipeline import import_paths
    from patnav.storage.store import PatentStore

    frame = raw_frame(data_dir, PATSNAP).head(200)
    path = tmp_path / "patsnap_head.csv"
    frame.to_csv(path, index=False)
    with PatentStore.open(tmp_path / "s.duckdb") as store:
        import_paths(store, [path])
        events = Counter(
            dict(store.rows("SELECT code, count(*) FROM events GROUP BY code"))
        )
        expected = Counter(p for parts in _cells(frame["法律状态事件"]) for p in parts)
        assert events == expected
        assert store.scalar("SELECT count(*) FROM events WHERE date IS NOT NULL") == 0
        value = store.scalar(
            "SELECT sum(value) FROM indicators WHERE name = 'value' AND unit = 'USD'"
        )
        assert value == sum(
            v
            for v in (_number(str(x).replace("$", "")) for x in frame["专利价值"])
            if v
        )
        located = store.scalar(
            "SELECT count(DISTINCT doc_id) FROM parties WHERE role = 'current_owner' "
            "AND district IS NOT NULL"
        )
        assert located == frame["当前申请专利权人区县"].ne("-").sum()
        # the same document from another source: merged, not duplicated
        pub = frame["公开公告号"].iloc[0]
        other = tmp_path / "other.csv"
        pd.DataFrame(
            {"公开号": [pub], "申请号": ["CN202030123456.7"], "标题": ["另一来源"]}
        ).to_csv(other, index=False)
        import_paths(store, [other])
        assert store.scalar("SELECT count(*) FROM patents WHERE doc_id = ?", [pub]) == 1
        assert store.scalar("SELECT count(*) FROM events WHERE doc_id = ?", [pub]) >= 1


def test_incopat_technical_effects(data_dir):
    """incoPat's 技术功效 columns become effects, level by level, part by part."""
    name = "incopat_iflytek_3816.xlsx"
    frame = raw_frame(data_dir, name)
    records = read_export(data_dir, name).records
    got = Counter((str(e.level), e.text) for r in records for e in r.effects)
    expected: Counter[tuple[str, str]] = Counter()
    for column, level in (
        ("技术功效句", "sentence"),
        ("技术功效短语", "phrase"),
        ("技术功效1级", "level1"),
        ("技术功效2级", "level2"),
        ("技术功效3级", "level3"),
        ("技术功效TRIZ参数", "triz"),
    ):
        for cell in frame[column].dropna():
            parts = [p.strip() for p in cell.replace("；", ";").split(";")]
            for part in dict.fromkeys(p for p in parts if p):
                expected[(level, part)] += 1
    assert got == expected
    assert got[("triz", "39-生产率")] > 0
    with_effects = sum(1 for r in records if r.effects)
    assert with_effects == frame["技术功效1级"].notna().sum()


def test_effects_in_the_store(tmp_path, data_dir):
    from patnav.ingest.pipeline import import_paths
    from patnav.storage.store import PatentStore

    frame = raw_frame(data_dir, "incopat_iflytek_3816.xlsx").head(100)
    path = tmp_path / "incopat_head.csv"
    frame.to_csv(path, index=False)
    with PatentStore.open(tmp_path / "s.duckdb") as store:
        import_paths(store, [path])
        level1 = store.rows(
            "SELECT doc_id, list(text ORDER BY seq) FROM effects "
            "WHERE level = 'level1' GROUP BY doc_id"
        )
        expected = {
            pub: [p.strip() for p in cell.split(";") if p.strip()]
            for pub, cell in zip(
                frame["公开（公告）号"], frame["技术功效1级"], strict=True
            )
            if isinstance(cell, str)
        }
        assert dict(level1) == {k: list(dict.fromkeys(v)) for k, v in expected.items()}


def test_an_unknown_office_name_is_kept_and_said(tmp_path):
    path = tmp_path / "offices.csv"
    path.write_text(
        "公开号,公开国别,标题\nCN110298449A,中国,甲\nUS20190320115A1,火星,乙\n"
        "20190320116,美国,丙\n",
        encoding="utf-8",
    )
    source = file_source(path)
    reader = detect_reader(source)
    assert reader is not None
    items = list(reader.read(source, ReadOptions()))
    records = [i.record for i in items if isinstance(i, Read)]
    assert [r.office for r in records] == ["CN", "US", "US"]
    # the number without a prefix takes its office from the name 美国
    assert records[2].pub_number == "US20190320116"
    assert dict(records[1].extras)["公开国别"] == "火星"
    assert any("火星" in i.message for i in items if hasattr(i, "level"))
