"""The report command: write a navigation report (DOCX, HTML, PDF) from a spec."""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from patnav.cli import Context, cli
from patnav.errors import InvalidParameterError
from patnav.i18n import say
from patnav.storage.store import PatentStore

if TYPE_CHECKING:
    from patnav.reports.model import Report

F = TypeVar("F", bound=Callable[..., Any])


def report_out_options(report: str) -> Callable[[F], F]:
    """The ``--out DIR`` and ``--format docx,pdf,html`` options of a command that writes
    one report (``report``: its name, for the help)."""

    def decorate(command: F) -> F:
        command = click.option(
            "--format",
            "formats",
            default="docx",
            show_default=True,
            help="Report formats, comma separated: docx, pdf, html.",
        )(command)
        return click.option(
            "--out",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            help=f"Write the {report} into this folder.",
        )(command)

    return decorate


def report_formats(text: str) -> list[str]:
    """A single ``--format docx,pdf`` of the commands that write one report (prevalue,
    fto), checked against the renderers; the message in Chinese."""
    from patnav.reports import REPORT_FORMATS

    fmts = [f.strip() for f in text.split(",") if f.strip()]
    bad = [f for f in fmts if f not in REPORT_FORMATS]
    if bad or not fmts:
        raise InvalidParameterError(
            f"报告格式应为 {', '.join(REPORT_FORMATS)}，实为 {', '.join(bad) or '空'}。"
        )
    return fmts


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


STAGES_ZH = {
    "analyses": "分析",
    "conclusions": "结论规则",
    "sections": "章节",
    "charts": "绘制图表",
    "analysis.prepare": "准备分析数据",
    "analysis.scope": "统计分析范围",
    "analysis.sources": "数据来源",
    "analysis.nodes": "各环节逐年数量",
    "analysis.node_inventors": "各环节发明人",
}
"""Chinese names of the report stages ``build_report`` announces (analyses registered by
name use their own titles)."""


def stage_label(stage: str) -> str:
    """A report stage in Chinese: 分析 · 产业链定位, 绘制图表, 写出 DOCX …"""
    from patnav.analyses import ANALYSES

    if stage in STAGES_ZH and not stage.startswith("analysis."):
        return STAGES_ZH[stage]
    if stage.startswith("analysis."):
        name = stage[len("analysis.") :]
        info = ANALYSES.get(name)
        title = info.title_zh if info is not None else STAGES_ZH.get(stage, name)
        return f"分析 · {title}"
    if stage.startswith("render."):
        return f"写出 {stage[len('render.') :].upper()}"
    return stage


def _interactive() -> bool:
    """Whether stderr is a terminal (progress is shown only there)."""
    return sys.stderr.isatty()


class StageProgress:
    """Report stages on stderr, one line each, with the time since the start."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.started = time.perf_counter()

    def __call__(self, stage: str) -> None:
        if self.enabled:
            elapsed = time.perf_counter() - self.started
            click.echo(f"… {stage_label(stage)}（{elapsed:.1f} s）", err=True)


def summary_lines(built: Report, paths: list[Path], count_by: str) -> list[str]:
    """What was written: the title and type, every scope with its definition, query and
    units, and the files (in the report's language)."""
    from patnav.reports import labels as L

    sep = say(built.lang, "：", ": ")
    lines = [
        f"{say(built.lang, '报告', 'Report')}{sep}{built.title}（{built.subtitle}）"
    ]
    for st in built.scopes:
        lines.append(f"  {st.label}{sep}{st.definition}")
        lines.append(f"  {st.label}{L.t('meta.query', built.lang)}{sep}{st.query}")
        lines.append(
            f"  {st.label}{L.t('meta.units', built.lang)}{sep}"
            + L.qty(st.units, count_by, built.lang)
        )
    lines.append(f"  {say(built.lang, '文件', 'Files')}{sep}")
    lines.extend(f"    {path}" for path in paths)
    return lines


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
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the summary as JSON (title, type, scopes, files, timings); no progress.",
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
    as_json: bool,
) -> None:
    """Write a navigation report (产业/区域/企业/研发/人才/微导航) from a spec.

    Runs the analyses the spec's report type needs, computes the conclusions, draws the
    charts and writes each format. Prints the report's title and type, the scope it covers
    (definition, query, units) and the files, then the time of every stage; on a terminal
    each stage is announced on stderr as it starts.

    With --check the written report is read once more and every problem is listed
    (where, what); the command then exits 1.

    \b
    Example:
      patnav report specs/taian-industry.yaml --format docx,pdf --out reports/
      patnav report specs/drones-industry.yaml --lang en --format html
      patnav report specs/taian-industry.yaml --check
      patnav report specs/drones-industry.yaml --format html --json
    """
    from patnav.analyses.spec import load_spec
    from patnav.reports import build_report, render_report

    chosen = _formats(formats)
    if len(chosen) > 1 and out.suffix.lower() in {".docx", ".html", ".pdf"}:
        raise InvalidParameterError(
            f"--out {out} is one file, but {len(chosen)} formats were asked for: give a folder."
        )
    nav = load_spec(spec)
    progress = StageProgress(enabled=_interactive() and not as_json)
    with PatentStore.open(store_path or obj.settings.store, read_only=True) as store:
        built = build_report(
            store,
            nav,
            lang=lang or nav.lang,
            progress=progress,
            data_dir=obj.settings.data_dir,
        )
    paths = []
    for fmt in chosen:
        progress(f"render.{fmt}")
        paths.append(render_report(built, fmt, out))
    stages = sum(v for k, v in built.timings.items() if not k.startswith("analysis."))
    problems = None
    if check:
        from patnav.reports.check import check_report

        problems = check_report(built)
    if as_json:
        summary = {
            "title": built.title,
            "type": built.type,
            "type_label": built.subtitle,
            "lang": built.lang,
            "count_by": nav.count_by,
            "scopes": [dataclasses.asdict(st) for st in built.scopes],
            "files": [str(p) for p in paths],
            "figures": len(built.figures()),
            "tables": len(built.tables()),
            "findings": len(built.findings),
            "seconds": round(stages, 2),
            "timings": {k: round(v, 3) for k, v in built.timings.items()},
        }
        if problems is not None:
            summary["problems"] = [p.to_dict() for p in problems]
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        if problems:
            raise SystemExit(1)
        return
    for line in summary_lines(built, paths, nav.count_by):
        click.echo(line)
    click.echo(
        f"\n{len(built.figures())} figures, {len(built.tables())} tables, "
        f"{len(built.findings)} findings; {stages:.1f} s"
    )
    click.echo(render_timings(built.timings))
    if problems:
        from patnav.reports.check import format_problems

        raise click.ClickException(
            f"The report check found {len(problems)} problem(s):\n"
            + format_problems(problems, built.lang)
        )
    if problems is not None:
        click.echo("report check: no problems")
