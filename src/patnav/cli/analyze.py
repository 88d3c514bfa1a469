"""The analyze command: run one registered analysis on a patent set and print the result."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

import click

from patnav.analyses import ANALYSES, run_analysis
from patnav.analyses.base import Region, Scope
from patnav.analyses.spec import load_spec
from patnav.cli import Context, cli
from patnav.cli.render import table
from patnav.errors import InvalidParameterError
from patnav.storage.store import PatentStore


def _coerce(name: str, text: str, annotation: str) -> Any:
    kind = annotation.replace(" ", "")
    try:
        if kind.startswith("int"):
            return int(text)
        if kind.startswith("float"):
            return float(text)
    except ValueError:
        raise InvalidParameterError(
            f"--param {name}={text}: expected a number ({annotation})."
        ) from None
    return text


def _region(text: str | None) -> Region | None:
    """``湖北省``, ``province=湖北省``, ``city=泰安市``, ``country=US``."""
    if not text:
        return None
    if "=" not in text:
        return Region(province=text)
    fields: dict[str, str] = {}
    for part in text.split(","):
        key, _, value = part.partition("=")
        if key.strip() not in ("country", "province", "city"):
            raise InvalidParameterError(
                f"--region {text}: use province=…, city=… or country=…"
            )
        fields[key.strip()] = value.strip()
    return Region(**fields)


RATIO_WORDS = ("share", "ratio", "growth", "cagr", "cr4", "cr8")


def _fmt(value: Any, column: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "是" if value else ""
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        if any(word in column for word in RATIO_WORDS):
            return f"{value:.1%}"
        if value.is_integer():
            value = int(value)
        else:
            return f"{value:,.2f}"
    if isinstance(value, int):
        return (
            str(value) if "year" in column or column.endswith("_from") else f"{value:,}"
        )
    if isinstance(value, tuple | list):
        return ", ".join(_fmt(v) for v in value[:5])
    return str(value)


def render_result(name: str, result: Any, *, rows: int) -> str:
    """A result as text: its scalar figures, then its main table."""
    info = ANALYSES[name]
    lines = [f"{info.title_zh} ({info.title_en})"]
    for field in dataclasses.fields(result):
        value = getattr(result, field.name)
        if isinstance(value, str | int | float) or value is None:
            lines.append(f"  {field.name}: {_fmt(value, field.name)}")
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            inner = ", ".join(
                f"{f.name}={_fmt(getattr(value, f.name), f.name)}"
                for f in dataclasses.fields(value)
                if not isinstance(getattr(value, f.name), tuple | list | dict)
            )
            lines.append(f"  {field.name}: {inner}")
    frame = result.to_frame()
    if len(frame):
        shown = frame.head(rows)
        lines.append("")
        lines.append(
            table(
                [str(c) for c in shown.columns],
                [
                    [_fmt(v, str(c)) for v, c in zip(row, shown.columns, strict=True)]
                    for row in shown.itertuples(index=False)
                ],
                max_width=40,
            )
        )
        if len(frame) > rows:
            lines.append(
                f"… {len(frame) - rows:,} more rows (--rows, or --json for all)"
            )
    return "\n".join(lines)


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
    help="Home region: 湖北省, province=湖北省, city=泰安市, country=US.",
)
@click.option(
    "--spec",
    "spec_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A navigation spec (YAML): 'chain' positions its nodes; any other analysis "
    "covers the spec's scope (with its counting unit and home region).",
)
@click.option(
    "--competitor",
    "competitors",
    multiple=True,
    help="A competitor to benchmark (repeat; %% is a wildcard).",
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
    hotspots, legal, citations, chain, competitors) on a patent set.

    \b
    Example:
      patnav analyze applicants --set "TIAB=(无人机 OR drone)" --count-by application
      patnav analyze chain --spec specs/taian-industry.yaml --json
      patnav analyze --list
    """
    if list_ or not name:
        lines = []
        for info in ANALYSES.values():
            ps = ", ".join(f"{p.name}={p.default!r}" for p in info.parameters())
            lines.append(
                f"{info.name:12} {info.title_zh} — {info.description}\n"
                f"{'':12} parameters: {ps}"
            )
        click.echo("\n".join(lines))
        return
    found = ANALYSES.get(name)
    if found is None:
        raise InvalidParameterError(
            f"Unknown analysis '{name}'. Known: {', '.join(ANALYSES)} (patnav analyze --list)."
        )
    info = found
    accepted = {p.name: p for p in info.parameters()}
    kwargs: dict[str, Any] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or key not in accepted:
            raise InvalidParameterError(
                f"--param {item}: '{name}' takes {', '.join(accepted) or 'no parameters'}."
            )
        kwargs[key] = _coerce(key, value, accepted[key].annotation)
    if count_by and "count_by" in accepted:
        kwargs["count_by"] = count_by
    home = _region(region)
    if home is not None:
        if "region" not in accepted:
            raise InvalidParameterError(f"'{name}' takes no --region.")
        kwargs["region"] = home
    with PatentStore.open(obj.settings.store, read_only=True) as store:
        scope = Scope.of_query(set_, store=store) if set_ else None
        if info.needs == "spec":
            if spec_path is None:
                raise InvalidParameterError(f"'{name}' needs --spec FILE.")
            kwargs["spec"] = load_spec(spec_path)
            kwargs["store"] = store
        elif spec_path is not None:
            # the spec's scope, never the whole store; --set narrows within it
            nav = load_spec(spec_path)
            spec_scope = nav.base_scope(store)
            scope = spec_scope if scope is None else spec_scope.narrow(scope)
            if "count_by" in accepted and not count_by:
                kwargs["count_by"] = nav.count_by
            if "region" in accepted and home is None and nav.region is not None:
                kwargs["region"] = nav.region
        if info.needs == "competitors":
            kwargs["competitors"] = list(competitors)
        result = run_analysis(name, store, scope, **kwargs)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_result(name, result, rows=rows))
