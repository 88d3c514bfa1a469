"""Entity resolution on the demo corpus, and corrections that survive later runs."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from patnav.enrich import enrich
from patnav.enrich.entities import (
    Edit,
    entity_detail,
    export_aliases,
    import_aliases,
    list_entities,
    merge_entities,
    rename_entity,
    resolve,
    split_entity,
)
from patnav.enrich.names import name_key
from patnav.errors import InvalidParameterError


def _entity_of(store, name):
    return store.scalar("SELECT entity_id FROM parties WHERE name = ? LIMIT 1", [name])


def test_every_applicant_has_an_entity(enriched):
    assert (
        enriched.scalar(
            "SELECT count(*) FROM parties WHERE role = 'applicant' AND entity_id IS NULL "
            "AND norm_name IS NOT NULL"
        )
        == 0
    )
    assert (
        enriched.scalar(
            "SELECT count(*) FROM parties WHERE role = 'inventor' AND entity_id IS NOT NULL"
        )
        == 0
    )


def test_chinese_and_english_names_join_on_evidence(enriched):
    # Lens writes SZ DJI TECHNOLOGY CO LTD, the CCF corpus 深圳市大疆创新科技有限公司
    dji = _entity_of(enriched, "SZ DJI TECHNOLOGY CO LTD")
    assert dji == _entity_of(enriched, "深圳市大疆创新科技有限公司")
    name, zh, en = enriched.rows(
        "SELECT name, name_zh, name_en FROM entities WHERE entity_id = ?", [dji]
    )[0]
    assert (name, zh, en) == (
        "深圳市大疆创新科技有限公司",
        "深圳市大疆创新科技有限公司",
        "SZ DJI TECHNOLOGY CO LTD",
    )
    # but a subsidiary in another city stays apart
    assert _entity_of(enriched, "上海华为技术有限公司") != _entity_of(
        enriched, "华为技术有限公司"
    )


def test_entity_documents_count_every_spelling(enriched, data_dir):
    """华为技术有限公司 in the CCF corpus, counted independently from the file."""
    import json

    with (data_dir / "corpora/cn-ccf-bdci-4097/expand_train_1.json").open(
        encoding="utf-8"
    ) as f:
        names = Counter(json.loads(line)["assignee"] for line in f)
    expected = sum(
        n for name, n in names.items() if name_key(name) == name_key("华为技术有限公司")
    )
    huawei = list_entities(enriched, search="华为技术有限公司", limit=1)[0]
    assert huawei.name == "华为技术有限公司"
    assert huawei.documents == expected


def test_entity_takes_majority_type_and_place(enriched):
    row = enriched.rows(
        "SELECT party_type, province, city FROM entities WHERE name = '武汉华星光电技术有限公司'"
    )[0]
    assert row == ("company", "湖北省", "武汉市")


def test_resolve_replays_merge_split_and_rename():
    keys = ["alpha", "alpha co", "beta", "gamma"]
    base = resolve(keys, [5, 1, 3, 2], persons=[False] * 4)
    assert len(set(base.labels.tolist())) == 4
    edits = [
        Edit(1, "merge", ("E1", "E2"), ("alpha", "beta"), None),
        Edit(2, "split", ("E1",), ("beta",), "Beta Inc"),
        Edit(3, "rename", ("E1",), ("alpha",), "Alpha Group"),
    ]
    res = resolve(keys, [5, 1, 3, 2], persons=[False] * 4, edits=edits)
    lab = dict(zip(keys, res.labels.tolist(), strict=True))
    assert lab["alpha"] != lab["beta"]
    assert (
        res.names[lab["beta"]] == "Beta Inc"
        and res.names[lab["alpha"]] == "Alpha Group"
    )
    assert {lab["alpha"], lab["beta"]} <= res.reviewed


def test_merge_survives_a_later_run(enriched_copy, settings):
    a = _entity_of(enriched_copy, "山东泰开高压开关有限公司")
    b = _entity_of(enriched_copy, "山东泰开自动化有限公司")
    assert a != b
    merged = merge_entities(enriched_copy, [a, b], name="泰开集团", note="test")
    assert _entity_of(enriched_copy, "山东泰开自动化有限公司") == merged
    report = enrich(enriched_copy, settings, ["entities"])
    assert report.changed == 0
    detail = entity_detail(enriched_copy, merged)
    assert detail.summary.name == "泰开集团" and detail.summary.is_reviewed
    assert {e.action for e in detail.edits} == {"merge"}
    assert (
        enriched_copy.scalar(
            "SELECT count(*) FROM entity_aliases WHERE entity_id = ? AND source = 'manual'",
            [merged],
        )
        >= 2
    )


def test_split_and_rename_survive_a_later_run(enriched_copy, settings):
    dji = _entity_of(enriched_copy, "SZ DJI TECHNOLOGY CO LTD")
    new = split_entity(
        enriched_copy, dji, ["SZ DJI TECHNOLOGY CO LTD"], name="DJI (Lens)"
    )
    assert new != dji
    rename_entity(enriched_copy, dji, "大疆创新")
    enrich(enriched_copy, settings, ["entities"])
    assert _entity_of(enriched_copy, "SZ DJI TECHNOLOGY CO LTD") == new
    assert _entity_of(enriched_copy, "深圳市大疆创新科技有限公司") == dji
    names = dict(enriched_copy.rows("SELECT entity_id, name FROM entities"))
    assert names[new] == "DJI (Lens)" and names[dji] == "大疆创新"


def test_corrections_refuse_what_they_cannot_do(enriched_copy):
    dji = _entity_of(enriched_copy, "SZ DJI TECHNOLOGY CO LTD")
    with pytest.raises(InvalidParameterError, match="No entity 'E0'"):
        merge_entities(enriched_copy, [dji, "E0"])
    with pytest.raises(InvalidParameterError, match="is not a name of"):
        split_entity(enriched_copy, dji, ["华为技术有限公司"])
    with pytest.raises(InvalidParameterError, match="at least two"):
        merge_entities(enriched_copy, [dji, dji])


def test_export_then_import_a_reviewed_alias_file(enriched_copy, tmp_path):
    path = tmp_path / "aliases.csv"
    n = export_aliases(enriched_copy, path)
    assert n == enriched_copy.count("entity_aliases")
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    target = _entity_of(enriched_copy, "山东泰开高压开关有限公司")
    moved_key = name_key("山东泰开自动化有限公司")
    for r in rows:
        if r["alias_key"] == moved_key:
            r["entity_id"] = target
        if r["entity_id"] == target:
            r["entity_name"] = "泰开"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = import_aliases(enriched_copy, path)
    assert result.to_dict() == {"moved": 1, "new_entities": 0, "renamed": 1}
    assert _entity_of(enriched_copy, "山东泰开自动化有限公司") == target
    assert (
        dict(enriched_copy.rows("SELECT entity_id, name FROM entities"))[target]
        == "泰开"
    )


def test_thomson_cleaned_names_link_to_the_originals(store, settings, data_dir):
    """Thomson Innovation's cleaned applicant (UNIV EAST CAROLINA) and the original
    (EAST CAROLINA UNIVERSITY) are one entity; the cleaned spelling becomes an alias."""
    from patnav.ingest.pipeline import import_paths

    report = import_paths(store, [data_dir / "formats/thomson-innovation/synbio.xlsx"])
    assert report.ok
    result = enrich(store, settings, ["names", "party_types", "entities"])
    assert result.steps[-1].summary["evidence_links"]["cleaned_name"] > 20
    entity = _entity_of(store, "EAST CAROLINA UNIVERSITY")
    keys = {
        k
        for (k,) in store.rows(
            "SELECT alias_key FROM entity_aliases WHERE entity_id = ?", [entity]
        )
    }
    assert name_key("UNIV EAST CAROLINA") in keys


def test_families_link_chinese_and_english_names_seen_together_twice(store, settings):
    from patnav.schema.records import Party, Role
    from tests.enrich.records import record, write

    def doc(pub, app, family, name):
        return record(
            pub, app, family_id=family, parties=(Party(Role.APPLICANT, name),)
        )

    write(
        store,
        [
            doc("CN1000001A", "CN1", "F1", "江汉光纤科技有限公司"),
            doc("US1000001A", "US1", "F1", "JIANGHAN FIBER TECH CO LTD"),
            doc("CN1000002A", "CN2", "F2", "江汉光纤科技有限公司"),
            doc("US1000002A", "US2", "F2", "Jianghan Fiber Technology Co., Ltd."),
            # seen together once only: no link
            doc("CN1000003A", "CN3", "F3", "楚天激光有限公司"),
            doc("US1000003A", "US3", "F3", "CHUTIAN LASER CO LTD"),
        ],
    )
    report = enrich(store, settings, ["names", "party_types", "entities"])
    assert report.steps[-1].summary["evidence_links"]["family"] == 1
    assert _entity_of(store, "江汉光纤科技有限公司") == _entity_of(
        store, "JIANGHAN FIBER TECH CO LTD"
    )
    assert _entity_of(store, "楚天激光有限公司") != _entity_of(
        store, "CHUTIAN LASER CO LTD"
    )
    zh, en = store.rows(
        "SELECT name_zh, name_en FROM entities WHERE name = '江汉光纤科技有限公司'"
    )[0]
    assert zh == "江汉光纤科技有限公司" and en.upper().startswith("JIANGHAN FIBER")
