"""Where parties are: province, city, district and code for Chinese parties, a country for
foreign ones.

For each applicant, assignee, owner and inventor whose location the source did not give:

1. the **address** (``226634 江苏省南通市海安县…`` → 江苏省 南通市 海安市 320685; renamed
   and merged divisions resolve to today's: 襄樊 → 襄阳, 莱芜 → 济南; foreign addresses
   such as ``韩国京畿道`` or ``Greenville, NC, US`` give the country), ``location_source``
   ``address``;
2. else the **postcode**'s first two digits (43xxxx → 湖北省), ``code``;
3. else, for organisations, the **name** (``武汉华星光电技术有限公司`` → 湖北省武汉市),
   ``name`` — inferred, and marked so.

Locations the source gave are kept and marked ``source``. A second run changes nothing.
"""

from __future__ import annotations

import pyarrow as pa

from patnav.enrich.base import EnrichContext, StepReport, changed_rows
from patnav.enrich.gazetteer import Place, gazetteer, infer_from_name, parse_address
from patnav.schema.places import place_label
from patnav.schema.vocabulary import PROVINCES
from patnav.storage.store import PatentStore

LOCATED_ROLES = ("applicant", "assignee", "current_owner", "inventor")
NAME_ROLES = ("applicant", "assignee", "current_owner")
OURS = ("address", "name", "code")

# Chinese postcodes: the first two digits name the province (GB/T postal zones).
_POSTCODE_PROVINCE = {
    "10": "11", "20": "31", "30": "12", "40": "50", "01": "15", "02": "15", "03": "14",
    "04": "14", "05": "13", "06": "13", "07": "13", "11": "21", "12": "21", "13": "22",
    "15": "23", "16": "23", "21": "32", "22": "32", "23": "34", "24": "34", "25": "37",
    "26": "37", "27": "37", "31": "33", "32": "33", "33": "36", "34": "36", "35": "35",
    "36": "35", "41": "43", "42": "43", "43": "42", "44": "42", "45": "41", "46": "41",
    "47": "41", "51": "44", "52": "44", "53": "45", "54": "45", "55": "52", "56": "52",
    "57": "46", "61": "51", "62": "51", "63": "51", "64": "51", "65": "53", "66": "53",
    "67": "53", "71": "61", "72": "61", "73": "62", "74": "62", "75": "64", "81": "63",
    "83": "65", "84": "65", "85": "54", "86": "54",
}  # fmt: skip


def province_of_postcode(postcode: str | None) -> Place | None:
    """The province a six-digit Chinese postcode belongs to, or None."""
    if not postcode or len(postcode) != 6 or not postcode.isdigit():
        return None
    code = _POSTCODE_PROVINCE.get(postcode[:2])
    if code is None:
        return None
    return Place(country="CN", province=PROVINCES[code], region_code=code + "0000")


def locate(
    address: str | None, postcode: str | None, name: str | None, *, by_name: bool
) -> tuple[Place | None, str | None]:
    """A party's place and how it was found (address, code, name), or (None, None)."""
    if address:
        place = parse_address(address)
        if place is not None:
            return place, "address"
    place = province_of_postcode(postcode)
    if place is not None:
        return place, "code"
    if by_name and name:
        place = infer_from_name(name)
        if place is not None:
            return place, "name"
    return None, None


_FIELDS = ("country", "province", "city", "district", "region_code")


class Locations:
    """Fill country, province, city, district and region code of parties."""

    name = "locations"
    label = "地址解析"

    def run(self, store: PatentStore, ctx: EnrichContext) -> StepReport:
        """Mark source locations, then place the rest by address, postcode or name."""
        roles = ", ".join(f"'{r}'" for r in LOCATED_ROLES)
        name_roles = ", ".join(f"'{r}'" for r in NAME_ROLES)
        ours = ", ".join(f"'{s}'" for s in OURS)
        marked = changed_rows(
            store.rows(
                "UPDATE parties SET location_source = 'source' "
                "WHERE location_source IS NULL AND (province IS NOT NULL OR "
                "city IS NOT NULL OR country IS NOT NULL)"
            )
        )
        coded = self._code_source_rows(store)
        todo = store.rows(
            "SELECT DISTINCT coalesce(address, ''), coalesce(postcode, ''), "
            f"coalesce(name, ''), role IN ({name_roles}) FROM parties "
            f"WHERE role IN ({roles}) "
            f"AND (location_source IS NULL OR location_source IN ({ours}))"
        )
        columns: dict[str, list[str | bool | None]] = {
            k: [] for k in ("address", "postcode", "name", "by_name", *_FIELDS, "src")
        }
        found = {"address": 0, "code": 0, "name": 0}
        examples: list[str] = []
        for address, postcode, name, by_name in todo:
            place, src = locate(address, postcode, name, by_name=bool(by_name))
            for key, value in (
                ("address", address),
                ("postcode", postcode),
                ("name", name),
                ("by_name", bool(by_name)),
                ("src", src),
            ):
                columns[key].append(value)
            for field in _FIELDS:
                columns[field].append(getattr(place, field) if place else None)
            if src:
                found[src] += 1
                if len(examples) < 5 and src != "code":
                    where = (
                        place_label(
                            place.country, place.province, place.city, place.district
                        )
                        if place
                        else None
                    )
                    examples.append(f"{address or name} → {where or ''} ({src})")
        data = pa.table(
            columns,
            schema=pa.schema(
                [(k, pa.bool_() if k == "by_name" else pa.string()) for k in columns]
            ),
        )
        differs = " OR ".join(f"parties.{f} IS DISTINCT FROM s.{f}" for f in _FIELDS)
        with store.staged("enrich_locations", data) as staged:
            changed = changed_rows(
                store.rows(
                    "UPDATE parties SET country = s.country, province = s.province, "
                    "city = s.city, district = s.district, region_code = s.region_code, "
                    f"location_source = s.src FROM {staged} s "
                    "WHERE coalesce(parties.address, '') = s.address "
                    "AND coalesce(parties.postcode, '') = s.postcode "
                    "AND coalesce(parties.name, '') = s.name "
                    f"AND (parties.role IN ({name_roles})) = s.by_name "
                    f"AND parties.role IN ({roles}) "
                    f"AND (parties.location_source IS NULL OR parties.location_source IN ({ours})) "
                    f"AND ({differs} OR parties.location_source IS DISTINCT FROM s.src)"
                )
            )
        summary = {
            "marked_source": marked,
            "codes_for_source_rows": coded,
            "distinct_inputs": len(todo),
            "placed_by": found,
            "by_source": {
                str(k): int(v)
                for k, v in store.rows(
                    "SELECT coalesce(location_source, '(none)'), count(*) FROM parties "
                    f"WHERE role IN ({roles}) GROUP BY 1 ORDER BY 2 DESC"
                )
            },
        }
        return StepReport(self.name, marked + coded + changed, summary, tuple(examples))

    def _code_source_rows(self, store: PatentStore) -> int:
        """Region codes for locations the source gave by name (湖北省 武汉市)."""
        rows = store.rows(
            "SELECT DISTINCT province, coalesce(city, ''), coalesce(district, '') "
            "FROM parties WHERE location_source = 'source' AND region_code IS NULL "
            "AND province IS NOT NULL"
        )
        if not rows:
            return 0
        g = gazetteer()
        codes: list[str | None] = []
        for province, city, district in rows:
            division = g.parse(f"{province}{city}{district}")
            codes.append(division.code if division else None)
        data = pa.table(
            {
                "province": [r[0] for r in rows],
                "city": [r[1] for r in rows],
                "district": [r[2] for r in rows],
                "code": codes,
            }
        )
        with store.staged("enrich_source_codes", data) as staged:
            return changed_rows(
                store.rows(
                    f"UPDATE parties SET region_code = s.code FROM {staged} s "
                    "WHERE parties.location_source = 'source' "
                    "AND parties.region_code IS NULL AND parties.province = s.province "
                    "AND coalesce(parties.city, '') = s.city "
                    "AND coalesce(parties.district, '') = s.district AND s.code IS NOT NULL"
                )
            )
