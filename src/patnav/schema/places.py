"""How a party's place is written for people: 湖北省武汉市, 北京市海淀区, 美国.

The store keeps a place as country, province, city and district. The four municipalities
(北京, 天津, 上海, 重庆) and the special administrative regions are their own city —
北京市海淀区 is province 北京市, city 北京市, district 海淀区 — so pasting the parts together
writes 北京市北京市海淀区. :func:`place_label` is the one place that joins them.
"""

from __future__ import annotations

from patnav.schema.countries import country_name

MUNICIPALITIES = ("北京", "天津", "上海", "重庆", "香港", "澳门")
"""Province-level divisions that are their own city (直辖市 and 特别行政区)."""


def _stem(name: str) -> str:
    for suffix in ("特别行政区", "市"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _same_division(province: str, city: str) -> bool:
    """Whether ``city`` is ``province`` itself: equal, or the same municipality written
    with and without 市 (北京 / 北京市). 吉林市 in 吉林省 is a city of its own."""
    if city == province:
        return True
    return _stem(province) in MUNICIPALITIES and _stem(city) == _stem(province)


def place_label(
    country: str | None = None,
    province: str | None = None,
    city: str | None = None,
    district: str | None = None,
    *,
    lang: str = "zh",
) -> str | None:
    """A place as one label: province, city and district once each, or the country's name.

    A city that is its province (a municipality, 北京市 in 北京市) is written once. Chinese
    places keep their Chinese names in both languages; a place with neither province nor
    city is its country's name in ``lang``. Returns None when nothing is known (the caller
    says 未知 / unknown).
    """
    first = (province or "").strip()
    second = (city or "").strip()
    if first and second and _same_division(first, second):
        first, second = max(first, second, key=len), ""
    parts = [p for p in (first, second, (district or "").strip()) if p]
    if len(parts) == 3 and parts[2] == parts[1]:
        parts.pop()
    if parts:
        return "".join(parts)
    if country:
        return country_name(country, lang)
    return None
