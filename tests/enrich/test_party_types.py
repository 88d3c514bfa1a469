"""Party types against 840 hand-labelled names from the real corpora."""

from __future__ import annotations

from collections import Counter

import pytest

from patnav.enrich.party_types import classify_party
from tests.enrich.samples import labelled


@pytest.fixture(scope="module")
def labels(data_dir):
    return labelled(data_dir)


def _accuracy(rows) -> float:
    right = sum(str(classify_party(name)) == label for *_, name, label in rows)
    return right / len(rows)


def test_the_labels_cover_every_source_and_both_sets(labels):
    assert len(labels) == 840
    sets = Counter(r[0] for r in labels)
    assert sets == {"tuning": 600, "holdout": 240}
    files = {r[1] for r in labels}
    assert len(files) == 5
    assert {r[5] for r in labels} >= {
        "company",
        "university",
        "institute",
        "hospital",
        "individual",
        "government",
    }


def test_accuracy_on_names_never_tuned_on_is_at_least_97_percent(labels):
    holdout = [r for r in labels if r[0] == "holdout"]
    assert _accuracy(holdout) >= 0.97


def test_accuracy_on_all_labelled_names_is_at_least_97_percent(labels):
    assert _accuracy(labels) >= 0.97


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("华为技术有限公司", "company"),
        ("武汉华星光电技术有限公司", "company"),
        ("华中科技大学", "university"),
        ("南昌大学第二附属医院", "hospital"),
        ("中车大连机车研究所有限公司", "company"),
        ("中国科学院长春光学精密机械与物理研究所", "institute"),
        ("广东电网有限责任公司佛山供电局", "company"),
        ("新泰市农业局", "government"),
        ("清华-伯克利深圳学院筹备办公室", "university"),
        ("南方科技大学筹建办公室", "university"),
        ("某某市人民政府办公室", "government"),
        ("欧阳荣波", "individual"),
        ("阿不都·热合曼", "individual"),
        ("UNIV JOHNS HOPKINS", "university"),
        ("BEE RES INST CAAS", "institute"),
        ("US ARMY", "government"),
        ("ZEROF ERIC", "individual"),
        ("Smith, John A.", "individual"),
        ("PORSCHE AG", "company"),
        ("EUROCOPTER DEUTSCHLAND", "company"),
    ],
)
def test_examples(name, kind):
    assert classify_party(name) == kind


def test_step_types_applicants_and_keeps_source_types(enriched):
    counts = dict(
        enriched.rows(
            "SELECT party_type, count(*) FROM parties WHERE role = 'applicant' GROUP BY 1"
        )
    )
    assert None not in counts  # every applicant typed
    # an applicant also listed as the document's inventor is a person
    assert (
        enriched.scalar(
            "SELECT count(*) FROM parties a JOIN parties i ON a.doc_id = i.doc_id "
            "AND i.role = 'inventor' AND a.norm_name = i.norm_name "
            "WHERE a.role = 'applicant' AND a.party_type <> 'individual'"
        )
        == 0
    )
    # the Tai'an corpus counts 山东农业大学 as a university
    assert (
        enriched.scalar(
            "SELECT DISTINCT party_type FROM parties WHERE name = '山东农业大学'"
        )
        == "university"
    )
