"""The analyze command: run one registered analysis on a patent set and print the result."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import click

from patnav.analyses import ANALYSES, run_analysis
from patnav.analyses.applicants import PARTY_TYPES_ZH
from patnav.analyses.base import Region, Scope
from patnav.analyses.chain import POSITION_ZH
from patnav.analyses.legal import STATUS_ZH
from patnav.analyses.spec import load_spec
from patnav.analyses.technology import LEVELS_ZH
from patnav.analyses.trend import PHASES_ZH
from patnav.cli import Context, cli, labels, lang_option
from patnav.cli.render import table
from patnav.errors import InvalidParameterError
from patnav.i18n import say
from patnav.schema.countries import country_name
from patnav.storage.store import PatentStore


def _coerce(name: str, text: str, annotation: str, lang: str = "zh") -> Any:
    kind = annotation.replace(" ", "")
    try:
        if kind.startswith("int"):
            return int(text)
        if kind.startswith("float"):
            return float(text)
    except ValueError:
        raise InvalidParameterError(
            labels.t(
                "analyze.not_a_number",
                lang,
                name=name,
                text=text,
                annotation=annotation,
            )
        ) from None
    return text


def _region(text: str | None, lang: str = "zh") -> Region | None:
    """``湖北省``, ``province=湖北省``, ``city=泰安市``, ``country=US``."""
    if not text:
        return None
    if "=" not in text:
        return Region(province=text)
    fields: dict[str, str] = {}
    for part in text.split(","):
        key, _, value = part.partition("=")
        if key.strip() not in ("country", "province", "city"):
            raise InvalidParameterError(labels.t("analyze.bad_region", lang, text=text))
        fields[key.strip()] = value.strip()
    return Region(**fields)


RATIO_WORDS = ("share", "ratio", "growth", "cagr", "cr4", "cr8", "coverage")
HIDDEN = frozenset(
    {"key", "unit_zh", "unit", "inventions_known", "with_status", "rta_basis", "depth"}
)
"""Helper columns and fields the printed result leaves out (``--json`` has them)."""
COUNTED = frozenset(
    {
        "total",
        "total_units",
        "analysed_units",
        "home_total",
        "national_total",
        "world_total",
        "known",
        "classified",
        "with_citations",
        "collaborative_units",
        "before",
        "term_ended",
    }
)
"""Figures counted in the result's unit: printed with their measure word (族, 件, 篇)."""
PROSE = frozenset({"score_rule", "method", "evidence"})
"""Method notes the analyses write in English: printed with ``--lang en`` only."""

VALUES: dict[str, Mapping[str, tuple[str, str]]] = {
    "count_by": labels.UNIT_NOUN,
    "group_by": {
        "entity": ("申请人", "applicant"),
        "group": ("企业集团（成员合并）", "corporate group (members merged)"),
    },
    "basis": {"main": ("主分类号", "main IPC"), "all": ("全部分类号", "every IPC")},
    "dimension": {
        "origins": ("技术来源国家/地区", "origin"),
        "markets": ("目标市场（受理局）", "market (office)"),
        "provinces": ("省份", "province"),
        "cities": ("城市", "city"),
    },
    "level": {k: (v, k.replace("_", " ")) for k, v in LEVELS_ZH.items()},
    "lang": {"zh": ("中文", "Chinese"), "en": ("英文", "English")},
    "position": {k: (v, k) for k, v in POSITION_ZH.items()},
    "phase": {k: (v, k) for k, v in PHASES_ZH.items()},
    "party_type": {k: (v, k) for k, v in PARTY_TYPES_ZH.items()},
    "status": {k: (v, k.replace("_", " ")) for k, v in STATUS_ZH.items()},
    "incomplete": {"True": ("不完整", "incomplete"), "False": ("", "")},
}
"""Labels of coded values, by the field that holds them."""


def _fmt(
    value: Any, column: str = "", lang: str = "zh", *, decimals: bool = False
) -> str:
    """A value as the table shows it: shares as percentages, years without separators,
    codes by their label, a missing value as ``-``. ``decimals``: the value belongs to a
    column of fractions, so whole numbers keep two decimals too (4.00 beside 1.10); a figure
    below 1 keeps three significant digits (a density of 0.00618)."""
    if value is None:
        return "-"
    coded = VALUES.get(column)
    if coded is not None and str(value) in coded:
        return labels.pick(coded[str(value)], lang)
    if isinstance(value, bool):
        return labels.t("yes" if value else "no", lang)
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        if any(word in column for word in RATIO_WORDS):
            return f"{value:.1%}"
        if decimals:
            return f"{value:,.2f}"
        if value.is_integer():
            value = int(value)
        elif abs(value) < 1:
            return f"{value:.3g}"
        else:
            return f"{value:,.2f}"
    if isinstance(value, int):
        return (
            str(value)
            if "year" in column or column.endswith("_from") or column == "community"
            else f"{value:,}"
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        if len(value) == 2 and all(isinstance(v, int) for v in value):
            return f"{value[0]}–{value[1]}"  # a window of years
        return ", ".join(_fmt(v, lang=lang) for v in value[:5])
    if column == "region" and isinstance(value, str) and len(value) == 2:
        return country_name(value, lang)
    if column == "scope" and value == Scope.everything().label:
        return labels.t("all_documents", lang)
    return str(value)


def _label(analysis: str, field: str, lang: str, *, count_by: str | None = None) -> str:
    if field in ("units", "units_zh") and count_by in labels.UNITS_HEADER:
        return labels.UNITS_HEADER.text(str(count_by), lang)
    pair = labels.FIELDS.get(f"{analysis}.{field}") or labels.FIELDS.get(field)
    return field if pair is None else labels.pick(pair, lang)


def _shown(names: list[str], lang: str) -> list[str]:
    """The fields to print, in order: helper fields left out, and of a pair such as
    ``level``/``level_zh``, ``title_zh``/``title_en`` or ``status``/``label`` (the status's
    Chinese label) the one in ``lang``."""
    present = set(names)
    out = []
    for name in names:
        if name in HIDDEN or (lang == "zh" and name in PROSE):
            continue
        if {"status", "label"} <= present and name == (
            "status" if lang == "zh" else "label"
        ):
            continue
        if name.endswith("_zh") and name[:-3] in present:
            continue  # shown under the plain field's label, in Chinese
        if lang == "zh" and name == "title_en" and "title_zh" in present:
            continue
        if lang == "en" and name == "title_zh" and "title_en" in present:
            continue
        out.append(name)
    return out


def _value_of(item: Any, name: str, lang: str) -> Any:
    """A field's value, taken from its Chinese twin (``level_zh``) in Chinese output."""
    if lang == "zh" and hasattr(item, f"{name}_zh"):
        return getattr(item, f"{name}_zh")
    return getattr(item, name)


def render_result(name: str, result: Any, *, rows: int, lang: str = "zh") -> str:
    """A result as text: its figures, then its main table, with Chinese (default) or
    English labels."""
    info = ANALYSES[name]
    count_by = getattr(result, "count_by", None)
    colon = say(lang, "：", ": ")
    lines = [say(lang, info.title_zh, info.title_en)]
    names = [f.name for f in dataclasses.fields(result)]
    for field in _shown(names, lang):
        value = _value_of(result, field, lang)
        label = _label(name, field, lang)
        is_window = isinstance(value, tuple) and field.endswith("window")
        if isinstance(value, str | int | float | date) or value is None or is_window:
            text = _fmt(value, field, lang)
            if field in COUNTED and isinstance(value, int) and count_by:
                text += f" {labels.UNIT_MEASURE.text(count_by, lang)}"
            lines.append(f"  {label}{colon}{text}")
        elif (
            dataclasses.is_dataclass(value)
            and not isinstance(value, type)
            and (f"{name}.{field}" in labels.FIELDS or field in labels.FIELDS)
        ):  # a group of figures (concentration, lifecycle); matrices are for --json
            inner = [f.name for f in dataclasses.fields(value)]
            parts = [
                f"{_label(field, sub, lang)} {_fmt(_value_of(value, sub, lang), sub, lang)}"
                for sub in _shown(inner, lang)
                if not isinstance(getattr(value, sub), tuple | list | dict)
                or (sub == "window" and getattr(value, sub) is not None)
            ]
            lines.append(f"  {label}{colon}" + say(lang, "，", ", ").join(parts))
    frame = result.to_frame()
    if len(frame):
        columns = _shown([str(c) for c in frame.columns], lang)
        shown = frame.head(rows)
        indent = "depth" in frame.columns and "node" in frame.columns
        fractions = {
            c
            for c in columns
            if frame[c].dtype.kind == "f" and (frame[c].dropna() % 1 != 0).any()
        }
        body = []
        for record in shown.to_dict("records"):
            cells = []
            for column in columns:
                value = record[column]
                if lang == "zh" and f"{column}_zh" in record:
                    value = record[f"{column}_zh"]
                cell = _fmt(_plain(value), column, lang, decimals=column in fractions)
                if indent and column == "node":
                    cell = "  " * int(record["depth"] or 0) + cell
                cells.append(cell)
            body.append(cells)
        lines.append("")
        lines.append(
            table(
                [_label(name, c, lang, count_by=count_by) for c in columns],
                body,
                max_width=40,
            )
        )
        if len(frame) > rows:
            lines.append(labels.t("more_rows", lang, n=f"{len(frame) - rows:,}"))
    return "\n".join(lines)


def _plain(value: Any) -> Any:
    """A pandas cell as a Python value: numpy numbers to int/float, NaN to None."""
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _region_scope(region: Region, store: PatentStore) -> Scope:
    """The documents with an applicant in ``region`` (the rule of the region report)."""
    from patnav.reports.outlines.common import region_query

    return Scope.of_query(region_query(region), store=store, label=region.label)


@cli.command()
@click.argument("name", required=False)
@click.option(
    "--set",
    "set_",
    default=None,
    help="The patent set: an expert query (检索式) or a saved set's name.",
)
@click.option(
    "--count-by",
    type=click.Choice(["family", "application", "document"]),
    default=None,
    help="Counting unit (default: family, or the spec's).",
)
@click.option(
    "--region",
    default=None,
    help="A region: 湖北省, province=湖北省, city=泰安市, country=US. geography and chain "
    "compare it with the nation and the world; the other analyses keep the documents with "
    "an applicant in it.",
)
@click.option(
    "--spec",
    "spec_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help=(
        "A navigation spec (YAML), checked in full: 'chain' positions its nodes; any "
        "other analysis covers the spec's scope, with its counting unit and home region "
        "unless given here."
    ),
)
@click.option(
    "--competitor",
    "competitors",
    multiple=True,
    help="A competitor to benchmark (repeat; % is a wildcard).",
)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="Any other parameter of the analysis (see --list).",
)
@click.option("--rows", default=20, show_default=True, help="Table rows to print.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole result as JSON.")
@click.option(
    "--list", "list_", is_flag=True, help="List the analyses and their parameters."
)
@lang_option
@click.pass_obj
def analyze(
    obj: Context,
    name: str | None,
    set_: str | None,
    count_by: str | None,
    region: str | None,
    spec_path: Path | None,
    competitors: tuple[str, ...],
    params: tuple[str, ...],
    rows: int,
    as_json: bool,
    list_: bool,
) -> None:
    """Run an analysis (trend, geography, applicants, network, inventors, technology,
    hotspots, legal, citations, development_route, chain, competitors) on a patent set.

    \b
    Example:
      patnav analyze applicants --set "TIAB=(无人机 OR drone)" --count-by application
      patnav analyze chain --spec specs/taian-industry.yaml --json
      patnav analyze development_route --spec specs/drones-industry.yaml
      patnav analyze --list
    """
    lang = obj.lang
    if list_ or not name:
        lines = []
        colon = say(lang, "：", ": ")
        for info in ANALYSES.values():
            ps = ", ".join(f"{p.name}={p.default!r}" for p in info.parameters())
            title = say(lang, info.title_zh, f"{info.title_en} — {info.description}")
            lines.append(
                f"{info.name:12} {title}\n"
                f"{'':12} {labels.t('analyze.parameters', lang)}{colon}{ps}"
            )
        click.echo("\n".join(lines))
        return
    found = ANALYSES.get(name)
    if found is None:
        raise InvalidParameterError(
            labels.t("analyze.unknown", lang, name=name, known=", ".join(ANALYSES))
        )
    info = found
    accepted = {p.name: p for p in info.parameters()}
    kwargs: dict[str, Any] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or key not in accepted:
            raise InvalidParameterError(
                labels.t(
                    "analyze.bad_param",
                    lang,
                    item=item,
                    name=name,
                    accepted=", ".join(accepted) or labels.t("analyze.no_params", lang),
                )
            )
        kwargs[key] = _coerce(key, value, accepted[key].annotation, lang)
    # The spec is read and checked whatever the analysis: a broken or hostile spec is
    # refused, never ignored because this analysis would not have used it.
    spec = load_spec(spec_path) if spec_path is not None else None
    if info.needs == "spec" and spec is None:
        raise InvalidParameterError(labels.t("analyze.needs_spec", lang, name=name))
    if spec is not None and info.needs != "spec":
        count_by = count_by or spec.count_by
    if count_by and "count_by" in accepted:
        kwargs["count_by"] = count_by
    if "lang" in accepted and "lang" not in kwargs:
        kwargs["lang"] = lang  # place labels in the language of the output
    if "data_dir" in accepted and "data_dir" not in kwargs:
        kwargs["data_dir"] = (
            obj.settings.data_dir
        )  # the word lists and reference tables
    home = _region(region, lang)
    if home is None and spec is not None and "region" in accepted:
        home = spec.region
    if home is not None and "region" in accepted:
        kwargs["region"] = home  # the home region the analysis compares
    with PatentStore.open(obj.settings.store, read_only=True) as store:
        scope = Scope.of_query(set_, store=store) if set_ else None
        if home is not None and "region" not in accepted:
            # an analysis without a home region: the region's documents
            within = _region_scope(home, store)
            label = labels.t("analyze.region_scope", lang, region=home.label)
            scope = (
                dataclasses.replace(within, label=label)
                if scope is None
                else scope.narrow(within, label=f"{scope.label} ∩ {label}")
            )
        if info.needs == "spec":
            kwargs["spec"] = spec
            kwargs["store"] = store
        elif spec is not None:
            # the spec's scope, never the whole store; --set narrows within it
            spec_scope = spec.base_scope(store)
            scope = spec_scope if scope is None else spec_scope.narrow(scope)
            if info.takes_spec:
                kwargs["spec"] = spec  # its branches (development_route)
        if info.needs == "competitors":
            kwargs["competitors"] = list(competitors)
        result = run_analysis(name, store, scope, **kwargs)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_result(name, result, rows=rows, lang=lang))
