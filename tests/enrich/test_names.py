"""Name keys: spellings of one organisation share a key; keys are stable."""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from patnav.enrich.names import fix_mojibake, name_key


@pytest.mark.parametrize(
    "variants",
    [
        (
            "华为技术有限公司",
            "华为技术股份有限公司",
            "华为技术公司",
            "华为技术有限公司 ",
        ),
        (
            "HUAWEI TECH CO LTD",
            "Huawei Technologies Co., Ltd.",
            "HUAWEI TECHNOLOGIES CO LTD",
        ),
        ("深圳市大疆创新科技有限公司", "深圳大疆创新科技有限公司"),
        ("西门子(中国)有限公司", "西门子（中国）有限公司", "西门子有限公司"),
        ("株式会社日立制作所", "日立制作所株式会社"),
        (
            "General Motors Corporation",
            "General Motors Corp.",
            "Genral Motors Coporation",
        ),
        ("Eastman Kodak Company", "Eastman Kodak Comapny", "EASTMAN KODAK CO"),
        (
            "The Regents of the University of California",
            "Regents of the Univeristy of California",
            "University of California",
        ),
        ("Kabushiki Kaisha Toshiba", "TOSHIBA KK", "Toshiba Corporation"),
        ("Siemens Aktiengesellschaft", "SIEMENS AG"),
        (
            "MTU Motoren-und Turbinen-Union MÃƒÂ¼nchen GmbH",
            "MTU Motoren- und Turbinen-Union München GmbH",
        ),
        (
            "The United States of America as represented by the Secretary of the Navy",
            "The Unites States of America as represented by the Secretary of Navy",
            "United States of America as respresented by the Secretary of the Navy",
        ),
        (
            "US SEC OF AGRIC",
            "The United States of America as represented by the Secretary of Agriculture",
        ),
        ("HARBIN INST OF TECHNOLOGY", "Harbin Institute of Technology"),
    ],
)
def test_spellings_of_one_organisation_share_a_key(variants):
    keys = {name_key(v) for v in variants}
    assert len(keys) == 1, keys
    assert keys.pop()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("腾讯科技(深圳)有限公司", "腾讯科技(上海)有限公司"),  # two legal entities
        ("中国石油大学(华东)", "中国石油大学(北京)"),
        ("University of Washington", "Washington University"),
        ("General Electric Company", "General Motors Corporation"),
        (
            "The United States of America as represented by the Secretary of the Navy",
            "The United States of America as represented by the Secretary of the Army",
        ),
        ("Universite Paris VI", "Universite Paris VII"),
        ("青岛市市立医院", "青岛立医院"),
    ],
)
def test_different_organisations_keep_different_keys(a, b):
    assert name_key(a) != name_key(b)


def test_mojibake_is_repaired():
    assert fix_mojibake("MÃƒÂ¼nchen") == "München"
    assert fix_mojibake("UniversitÃ¤t") == "Universität"
    assert fix_mojibake("München") == "München"


def _real_names(data_dir):
    names = []
    with (data_dir / "corpora/cn-ccf-bdci-4097/expand_train_1.json").open(
        encoding="utf-8"
    ) as f:
        names += [json.loads(line)["assignee"] for line in f][:600]
    import csv

    with (data_dir / "formats/lens-csv/lens_drones_5884.csv").open(
        encoding="utf-8"
    ) as f:
        for row in csv.DictReader(f):
            names += [n for n in row["Applicants"].split(";;") if n][:1]
    return sorted({n for n in names if n and fix_mojibake(n) == n})


@pytest.fixture(scope="module")
def real_names(data_dir):
    return _real_names(data_dir)


def test_keys_are_idempotent_on_real_names(real_names):
    assert len(real_names) > 2000
    unstable = [n for n in real_names if name_key(name_key(n)) != name_key(n)]
    assert unstable == []


_PUNCT = st.sampled_from([".", ",", " ", "  ", "-", "'", "(", ")", "，", "。"])


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_case_width_and_punctuation_do_not_change_the_key(data, real_names):
    name = data.draw(st.sampled_from(real_names))
    variant = data.draw(
        st.sampled_from(
            [
                name.upper(),
                name.lower(),
                name.title(),
                unicodedata.normalize("NFKC", name),
                name.replace(" ", "  "),
                "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name),
            ]
        )
    )
    assert name_key(variant) == name_key(name)
    end = data.draw(_PUNCT)
    assert name_key(name + end) == name_key(name) or end in "()"
