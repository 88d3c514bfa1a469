"""The report command: write a navigation report (DOCX, HTML, PDF) from a spec."""

from __future__ import annotations

from pathlib import Path

import click

from patnav.cli import Context, cli
from patnav.errors import InvalidParameterError
from patnav.storage.store import PatentStore


def _formats(values: tuple[str, ...]) -> list[str]:
    """``--format docx --format pdf`` or ``--format docx,pdf``, in order, once each."""
    from patnav.reports import REPORT_FORMATS

    out: list[str] = []
    for value in values or ("docx",):
        for part in value.split(","):
            fmt = part.strip().lower()
            if not fmt:
                continue
            if fmt not in REPORT_FORMATS:
                raise InvalidParameterError(
                    f"--format {fmt}: expected one of {', '.join(REPORT_FORMATS)} "
                    "(repeat the option or separate formats by commas)."
                )
            if fmt not in out:
                out.append(fmt)
    return out


def render_timings(timings: dict[str, float]) -> str:
    """The stage timings as aligned lines: stages first, then each analysis."""
    stages = [k for k in timings if not k.startswith("analysis.")]
    analyses = sorted(
        (k for k in timings if k.startswith("analysis.")), key=lambda k: -timings[k]
    )
    lines = [f"  {k:<22} {timings[k]:7.2f} s" for k in stages]
    lines += [f"    {k[len('analysis.') :]:<20} {timings[k]:7.2f} s" for k in analyses]
    return "\n".join(lines)


@cli.command()
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "formats",
    multiple=True,
    metavar="docx|html|pdf",
    help="Output format; repeat or separate by commas (default docx).",
)
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    help="Report language (default: the spec's, normally zh).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("."),
    show_default=True,
    help="Output folder (file names come from the spec's title), or a file for one format.",
)
@click.option(
    "--store",
    "store_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The store file (overrides the global --store).",
)
@click.option(
    "--check",
    "check",
    is_flag=True,
    help="Check the report for what a client must not see (English UI words, rule ids, "
    "placeholders, empty charts, notes that contradict their chart, conclusions below "
    "their threshold); exit 1 listing the problems.",
)
@click.pass_obj
def report(
    obj: Context,
    spec: Path,
    formats: tuple[str, ...],
    lang: str | None,
    out: Path,
    store_path: Path | None,
    check: bool,
) -> None:
    """Write a navigation report (产业/区域/企业/研发/人才/微导航) from a spec.

    Runs the analyses the spec's report type needs, computes the conclusions, draws the
    charts and writes each format; prints the files and the time of every stage.

    With --check the written report is read once more and every problem is listed
    (where, what); the command then exits 1.

    \b
    Example:
      patnav report specs/taian-industry.yaml --format docx,pdf --out reports/
      patnav report specs/drones-industry.yaml --lang en --format html
      patnav report specs/taian-industry.yaml --check
    """
    from patnav.analyses.spec import load_spec
    from patnav.reports import build_report, render_report

    chosen = _formats(formats)
    if len(chosen) > 1 and out.suffix.lower() in {".docx", ".html", ".pdf"}:
        raise InvalidParameterError(
            f"--out {out} is one file, but {len(chosen)} formats were asked for: give a folder."
        )
    nav = load_spec(spec)
    with PatentStore.open(store_path or obj.settings.store, read_only=True) as store:
        built = build_report(store, nav, lang=lang or nav.lang)
    paths = [render_report(built, fmt, out) for fmt in chosen]
    for path in paths:
        click.echo(str(path))
    total = sum(v for k, v in built.timings.items() if not k.startswith("analysis."))
    click.echo(
        f"\n{len(built.figures())} figures, {len(built.tables())} tables, "
        f"{len(built.findings)} findings; {total:.1f} s"
    )
    click.echo(render_timings(built.timings))
    if check:
        from patnav.reports.check import check_report, format_problems

        problems = check_report(built)
        if problems:
            raise click.ClickException(
                f"The report check found {len(problems)} problem(s):\n"
                + format_problems(problems, built.lang)
            )
        click.echo("report check: no problems")
