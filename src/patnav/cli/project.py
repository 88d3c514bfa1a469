"""``patnav project``: navigation projects (专利导航项目) — ``project presets`` lists the
depth presets (微导航, 快速导航, 战略导航, 侵权分析导航): the report type, analyses, inputs
and typical duration of each. The projects themselves are worked on in the web app
(``/projects``, ``/api/v1/projects``); see docs/projects.md."""

from __future__ import annotations

from pathlib import Path

import click

from patnav.cli import Context, cli, echo_json, lang_option
from patnav.cli.render import table
from patnav.i18n import say
from patnav.projects.presets import INPUTS, load_presets


@cli.group("project")
def project_group() -> None:
    """Navigation projects (专利导航项目): the depth presets a project starts from.

    \b
    Example:
      patnav project presets
      patnav project presets --json --presets our_presets.yaml
    """


@project_group.command("presets")
@click.option("--json", "as_json", is_flag=True, help="Print the presets as JSON.")
@click.option(
    "--presets",
    "path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A YAML over the shipped projects/presets.yaml (default: $PATNAV_PROJECT_"
    "PRESETS, else the shipped presets).",
)
@lang_option
@click.pass_obj
def project_presets(obj: Context, as_json: bool, path: Path | None) -> None:
    """The navigation depth presets: report type, analyses, inputs (required, then
    optional) and typical duration in days.

    \b
    Example:
      patnav project presets --json
    """
    presets = load_presets(path or obj.settings.project_presets)
    if as_json:
        echo_json({"presets": [p.to_dict() for p in presets.values()]})
        return
    lang = obj.lang

    def names(ids: tuple[str, ...]) -> str:
        return "、".join(say(lang, INPUTS[i][0], INPUTS[i][1]) for i in ids) or "-"

    rows = [
        (
            p.id,
            say(lang, p.name, p.name_en),
            p.report_type,
            ", ".join(p.analyses),
            names(p.required),
            names(p.optional),
            f"{p.duration_days[0]}–{p.duration_days[1]}",
        )
        for p in presets.values()
    ]
    headers = [
        "id",
        say(lang, "导航深度", "depth"),
        say(lang, "报告类型", "report type"),
        say(lang, "分析", "analyses"),
        say(lang, "必需输入", "required inputs"),
        say(lang, "可选输入", "optional inputs"),
        say(lang, "通常工期（天）", "days"),
    ]
    click.echo(table(headers, rows, max_width=60))
