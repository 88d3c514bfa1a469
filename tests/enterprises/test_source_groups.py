"""incoPat's 标准化申请人 lands on each applicant (ext_id) and suggests corporate groups:
checked against pandas over the raw incoPat export."""

from __future__ import annotations

import re
import warnings
from collections import defaultdict

import pandas as pd

from patnav.enterprises.groups import list_groups, suggest_groups
from patnav.ingest.pipeline import import_paths
from patnav.ingest.values import clean_name
from patnav.storage.store import PatentStore

FILE = "formats/cn-db-exports/incopat_toyota_autodriving_CN.xlsx"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # the export has a stray DEL; cells drop them


def _raw_pairs(frame: pd.DataFrame) -> dict[str, set[str]]:
    """code -> the applicant names the file gives it, position by position."""
    out: dict[str, set[str]] = defaultdict(set)
    for names, codes in zip(frame["申请人"], frame["标准化申请人"], strict=True):
        if pd.isna(names) or pd.isna(codes):
            continue
        n = [x.strip() for x in re.split(r"[;；]", names) if x.strip()]
        c = [x.strip() for x in re.split(r"[;；]", codes.strip("[]")) if x.strip()]
        if len(n) == len(c):
            for name, code in zip(n, c, strict=True):
                out[_CONTROL.sub("", code)].add(_CONTROL.sub("", name))
    return out


def test_standardised_applicants_become_codes_and_group_suggestions(tmp_path, data_dir):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = pd.read_excel(data_dir / FILE, dtype=str)
    raw = _raw_pairs(frame)
    with PatentStore.open(tmp_path / "s.duckdb") as store:
        assert import_paths(store, [data_dir / FILE], raise_unexpected=True).ok
        stored = defaultdict(set)
        for name, code in store.rows(
            "SELECT DISTINCT raw_name, ext_id FROM parties "
            "WHERE role = 'applicant' AND ext_id IS NOT NULL"
        ):
            stored[code].add(name)
        assert stored == raw
        assert (
            store.scalar(
                "SELECT count(*) FROM patents WHERE json_extract_string(extras, "
                "'$.标准化申请人') IS NOT NULL"
            )
            == 0
        )
        suggest_groups(store)
        groups = {
            g.name: {m.name for m in g.members}
            for g in list_groups(store, status="suggested")
            if any(m.source == "code" for m in g.members)
        }
    # every code covering two or more names (as cleaned for the store) is one
    # suggested group named after the code, with exactly those names
    expected = {
        re.sub(r"-[A-Z]$", "", code): {clean_name(n) for n in names}
        for code, names in raw.items()
        if len({clean_name(n) for n in names}) >= 2
    }
    assert groups == expected
    assert len(expected["丰田公司"]) >= 2


def test_patentics_standardised_names_land_one_to_one(tmp_path, data_dir):
    """Patentics separates its standardised applicants with '|': where they match the
    applicants one to one each lands on its applicant; otherwise (one group name for two
    applicants, 京东方) the cell stays in extras as written."""
    name = "formats/cn-db-exports/patentics_CN_TI-增强现实_20220530.csv"
    raw = pd.read_csv(data_dir / name, dtype=str, encoding="utf-8-sig", index_col=False)
    pairs, kept = set(), 0
    for names, codes in zip(raw["申请人"], raw["标准化申请人"], strict=True):
        if pd.isna(codes):
            continue
        n = [x.strip() for x in re.split(r"[;；|]", str(names)) if x.strip()]
        c = [x.strip() for x in re.split(r"[;；|]", codes) if x.strip()]
        if len(n) == len(c):
            pairs |= set(zip(n, c, strict=True))
        else:
            kept += 1
    with PatentStore.open(tmp_path / "s.duckdb") as store:
        assert import_paths(store, [data_dir / name], raise_unexpected=True).ok
        stored = set(
            store.rows(
                "SELECT DISTINCT raw_name, ext_id FROM parties "
                "WHERE role = 'applicant' AND ext_id IS NOT NULL"
            )
        )
        in_extras = store.scalar(
            "SELECT count(*) FROM patents WHERE json_extract_string(extras, "
            "'$.标准化申请人') IS NOT NULL"
        )
    assert stored == pairs and pairs
    assert in_extras == kept > 0
