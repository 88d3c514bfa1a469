"""Country and office names in Chinese and English for labels, by ISO 3166 alpha-2 code.

Regional offices use their WIPO ST.3 codes (EP, WO, EA, AP, OA, GC). A code without an
entry is shown as the code itself.
"""

from __future__ import annotations

import unicodedata

NAMES: dict[str, tuple[str, str]] = {
    "CN": ("中国", "China"),
    "US": ("美国", "United States"),
    "JP": ("日本", "Japan"),
    "KR": ("韩国", "South Korea"),
    "DE": ("德国", "Germany"),
    "FR": ("法国", "France"),
    "GB": ("英国", "United Kingdom"),
    "IT": ("意大利", "Italy"),
    "ES": ("西班牙", "Spain"),
    "NL": ("荷兰", "Netherlands"),
    "BE": ("比利时", "Belgium"),
    "CH": ("瑞士", "Switzerland"),
    "AT": ("奥地利", "Austria"),
    "SE": ("瑞典", "Sweden"),
    "DK": ("丹麦", "Denmark"),
    "FI": ("芬兰", "Finland"),
    "NO": ("挪威", "Norway"),
    "IE": ("爱尔兰", "Ireland"),
    "PT": ("葡萄牙", "Portugal"),
    "PL": ("波兰", "Poland"),
    "CZ": ("捷克", "Czech Republic"),
    "SK": ("斯洛伐克", "Slovakia"),
    "HU": ("匈牙利", "Hungary"),
    "RO": ("罗马尼亚", "Romania"),
    "BG": ("保加利亚", "Bulgaria"),
    "GR": ("希腊", "Greece"),
    "SI": ("斯洛文尼亚", "Slovenia"),
    "HR": ("克罗地亚", "Croatia"),
    "RS": ("塞尔维亚", "Serbia"),
    "YU": ("南斯拉夫", "Yugoslavia"),
    "LT": ("立陶宛", "Lithuania"),
    "LV": ("拉脱维亚", "Latvia"),
    "EE": ("爱沙尼亚", "Estonia"),
    "UA": ("乌克兰", "Ukraine"),
    "RU": ("俄罗斯", "Russia"),
    "SU": ("苏联", "Soviet Union"),
    "BY": ("白俄罗斯", "Belarus"),
    "TR": ("土耳其", "Turkey"),
    "IL": ("以色列", "Israel"),
    "IN": ("印度", "India"),
    "SG": ("新加坡", "Singapore"),
    "MY": ("马来西亚", "Malaysia"),
    "TH": ("泰国", "Thailand"),
    "VN": ("越南", "Vietnam"),
    "ID": ("印度尼西亚", "Indonesia"),
    "PH": ("菲律宾", "Philippines"),
    "TW": ("中国台湾", "Taiwan, China"),
    "HK": ("中国香港", "Hong Kong, China"),
    "MO": ("中国澳门", "Macao, China"),
    "AU": ("澳大利亚", "Australia"),
    "NZ": ("新西兰", "New Zealand"),
    "CA": ("加拿大", "Canada"),
    "MX": ("墨西哥", "Mexico"),
    "BR": ("巴西", "Brazil"),
    "AR": ("阿根廷", "Argentina"),
    "CL": ("智利", "Chile"),
    "CO": ("哥伦比亚", "Colombia"),
    "ZA": ("南非", "South Africa"),
    "EG": ("埃及", "Egypt"),
    "MA": ("摩洛哥", "Morocco"),
    "SA": ("沙特阿拉伯", "Saudi Arabia"),
    "AE": ("阿联酋", "United Arab Emirates"),
    "EP": ("欧洲专利局", "European Patent Office"),
    "WO": ("世界知识产权组织", "WIPO (PCT)"),
    "EA": ("欧亚专利局", "Eurasian Patent Office"),
    "AP": ("非洲地区知识产权组织", "ARIPO"),
    "OA": ("非洲知识产权组织", "OAPI"),
    "GC": ("海湾阿拉伯国家合作委员会专利局", "GCC Patent Office"),
    "EM": ("欧盟知识产权局", "EUIPO"),
}


def country_name(code: str | None, lang: str = "zh") -> str:
    """The name of a country or office in Chinese (default) or English; the code if unknown."""
    if not code:
        return "未知" if lang == "zh" else "unknown"
    names = NAMES.get(code.upper())
    if names is None:
        return code
    return names[0] if lang == "zh" else names[1]


_OTHER_NAMES: dict[str, str] = {
    "中华人民共和国": "CN",
    "中国大陆": "CN",
    "台湾": "TW",
    "台湾地区": "TW",
    "中国台湾省": "TW",
    "香港": "HK",
    "澳门": "MO",
    "韩国": "KR",
    "大韩民国": "KR",
    "南韩": "KR",
    "俄罗斯联邦": "RU",
    "欧洲专利组织": "EP",
    "欧专局": "EP",
    "欧洲": "EP",
    "wipo": "WO",
    "pct": "WO",
    "世界知识产权组织国际局": "WO",
    "korea": "KR",
    "republic of korea": "KR",
    "korea, republic of": "KR",
    "usa": "US",
    "united states of america": "US",
    "uk": "GB",
    "great britain": "GB",
    "taiwan": "TW",
    "hong kong": "HK",
    "russian federation": "RU",
    "european patent office": "EP",
    "epo": "EP",
    "world intellectual property organization": "WO",
}


def _office_key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).strip().lower().split())


_BY_NAME: dict[str, str] = {
    **{_office_key(zh): code for code, (zh, _en) in NAMES.items()},
    **{_office_key(en): code for code, (_zh, en) in NAMES.items()},
    **{_office_key(k): v for k, v in _OTHER_NAMES.items()},
}


def office_code(text: str | None) -> str | None:
    """The office or country code a cell names: a code (``CN``, ``us``), a Chinese name
    (中国, 世界知识产权组织, 欧洲专利局) or an English one (China, WIPO). None when the cell
    names none this table knows; the caller keeps the raw text."""
    if text is None:
        return None
    key = _office_key(text)
    if not key:
        return None
    if len(key) == 2 and key.isascii() and key.isalpha():
        return key.upper()
    return _BY_NAME.get(key)
