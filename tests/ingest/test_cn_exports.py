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
