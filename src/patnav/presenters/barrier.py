"""The country barrier view's presenter (专利壁垒预警): chart specifications of one country.

The barrier view is a deliverable of its own (``patnav barrier``, its report
:mod:`patnav.reports.barrier`, ``GET /api/v1/barrier``), not a slice of the navigation
reports, so it declares no ``PRESENTER``; its charts are chart specifications all the same
(:class:`~patnav.presenters.base.ChartSpec`), drawn by the report with matplotlib and
drawable by the web with ECharts. Each builder reads one country of the view's
``to_dict()`` (``data["countries"][i]``):

- ``barrier.owners``: rights in force and pending per owner (horizontal bars);
- ``barrier.expiry``: rights in force per year of expiry, known and estimated stacked, the
  rights without an expiry date as a grey bar apart;
- ``barrier.families``: families in force by the number of countries they cover.
"""

from __future__ import annotations

from typing import Any

from patnav.presenters.base import ChartSpec, say
from patnav.reports.model import Chart, Series

UNKNOWN_EXPIRY = ("届满日未知", "expiry unknown")


def barrier_charts(country: dict[str, Any], lang: str) -> list[ChartSpec]:
    """Every chart of one country of the barrier view (its ``to_dict()`` entry)."""
    specs = [
        owners_spec(country, lang),
        expiry_spec(country, lang),
        families_spec(country, lang),
    ]
    return [s for s in specs if s is not None]


def _place(country: dict[str, Any], lang: str) -> str:
    code = str(country["country"])
    return say(lang, str(country.get("country_label") or code), code)


def owners_spec(country: dict[str, Any], lang: str) -> ChartSpec | None:
    """Rights in force and pending per owner (None: no owner has either)."""
    rows = [o for o in country.get("owners") or [] if o["in_force"] or o["pending"]]
    if not rows:
        return None
    unit = say(lang, "件", "rights")
    chart = Chart(
        "barh",
        tuple(str(o["owner"]) for o in rows),
        (
            Series(
                say(lang, "有效", "In force"), tuple(float(o["in_force"]) for o in rows)
            ),
            Series(
                say(lang, "审中（潜在壁垒）", "Pending (potential)"),
                tuple(float(o["pending"]) for o in rows),
            ),
        ),
        x_label=unit,
    )
    place = _place(country, lang)
    return ChartSpec(
        "barrier.owners",
        say(lang, f"{place}主要权利人的专利壁垒", f"Barrier owners in {place}"),
        unit,
        chart,
        subtitle=say(
            lang,
            "按申请计；共有专利计入每个权利人",
            "by application; a co-owned right counts for each owner",
        ),
    )


def expiry_spec(country: dict[str, Any], lang: str) -> ChartSpec | None:
    """Rights in force per year of expiry, known and estimated; unknown apart (None: no
    right in force)."""
    years = country.get("expiry") or []
    unknown = int(country.get("expiry_unknown") or 0)
    if not years and not unknown:
        return None
    label = say(lang, *UNKNOWN_EXPIRY)
    categories = tuple(str(y["year"]) for y in years) + ((label,) if unknown else ())
    pad = (0.0,) if unknown else ()
    series = [
        Series(
            say(lang, "届满日已知", "Known"),
            tuple(float(y["known"]) for y in years) + pad,
        ),
        Series(
            say(lang, "届满日估算（法定期限）", "Estimated (statutory term)"),
            tuple(float(y["estimated"]) for y in years) + pad,
        ),
    ]
    if unknown:
        series.append(Series(label, (*(0.0 for _ in years), float(unknown))))
    unit = say(lang, "件", "rights")
    place = _place(country, lang)
    return ChartSpec(
        "barrier.expiry",
        say(
            lang,
            f"{place}有效专利届满时间分布",
            f"Expiry of the rights in force in {place}",
        ),
        unit,
        Chart(
            "stacked",
            categories,
            tuple(series),
            x_label=say(lang, "届满年", "Year of expiry"),
            y_label=unit,
        ),
        unknown=label if unknown else "",
    )


def families_spec(country: dict[str, Any], lang: str) -> ChartSpec | None:
    """Families in force by the number of countries they cover (None: none in force)."""
    rows = country.get("family_countries") or []
    if not rows:
        return None
    unit = say(lang, "族", "families")
    place = _place(country, lang)
    chart = Chart(
        "bar",
        tuple(say(lang, f"{int(k)} 个国家", f"{int(k)} countries") for k, _ in rows),
        (Series(say(lang, "专利族", "Families"), tuple(float(n) for _, n in rows)),),
        x_label=say(lang, "同族覆盖国家数", "Countries the family covers"),
        y_label=unit,
    )
    return ChartSpec(
        "barrier.families",
        say(
            lang,
            f"{place}有效专利族的地域覆盖",
            f"Countries covered by families in force in {place}",
        ),
        unit,
        chart,
        subtitle=say(
            lang,
            "按库中同族成员的公开国计",
            "by the offices of the family members in the store",
        ),
    )
