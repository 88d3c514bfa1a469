"""Every ``patnav …`` example in the docs, the README and the commands' --help works.

Each example parses with click (its command, options, choices and the files it names in the
repository or the data folder); an ``analyze`` example names a registered analysis and
parameters it takes. The cheap examples of docs/cli.md are run, in order, on a store of the
Chinese database exports.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from patnav.analyses import ANALYSES
from patnav.cli import cli

REPO = Path(__file__).resolve().parents[2]
DOCS = [*sorted((REPO / "docs").glob("*.md")), REPO / "README.md"]
FENCE = re.compile(r"^```(\w*)\s*$")
ENV = re.compile(r"^[A-Z_][A-Z0-9_]*=\S*$")
STOPS = {">", ">>", "|", "&&", ";", "2>"}


def _command(line: str) -> list[str] | None:
    """The arguments of the ``patnav`` command on a shell line, or None."""
    try:
        tokens = shlex.split(line, comments=True)
    except ValueError:
        return None
    while "|" in tokens and "patnav" not in tokens[: tokens.index("|")]:
        tokens = tokens[tokens.index("|") + 1 :]  # echo secret | patnav …
    while tokens and ENV.match(tokens[0]):
        tokens = tokens[1:]  # PATNAV_DATA_ROOT=… patnav serve
    if not tokens or tokens[0] != "patnav":
        return None
    args = []
    for token in tokens[1:]:
        if token in STOPS:
            break
        args.append(token)
    return args


def _doc_examples() -> list[tuple[str, str]]:
    out = []
    for path in DOCS:
        fenced, lang = False, ""
        for line in path.read_text("utf-8").splitlines():
            fence = FENCE.match(line.strip())
            if fence:
                fenced, lang = (not fenced), fence.group(1)
                continue
            shell = lang in ("", "sh", "bash", "console", "shell", "text")
            if fenced and shell and _command(line) is not None:
                out.append((path.name, line.strip()))
    return out


def _help_examples() -> list[tuple[str, str]]:
    out = []

    def walk(group: click.Group, path: tuple[str, ...]) -> None:
        for name, command in sorted(group.commands.items()):
            text = command.help or ""
            if "Example:" in text:
                for line in text.split("Example:", 1)[1].splitlines():
                    if line.strip().startswith("patnav "):
                        out.append(
                            (f"patnav {' '.join((*path, name))} --help", line.strip())
                        )
            if isinstance(command, click.Group):
                walk(command, (*path, name))

    walk(cli, ())
    return out


EXAMPLES = _doc_examples() + _help_examples()


def test_the_docs_and_help_have_examples():
    assert len(_doc_examples()) >= 80 and len(_help_examples()) >= 40


def _parse(args: list[str]) -> tuple[click.Command, click.Context]:
    """Resolve and parse ``args`` as the command line would, without running anything."""
    ctx = cli.make_context("patnav", list(args))
    command: click.Command = cli
    while isinstance(command, click.Group):
        rest = [*getattr(ctx, "_protected_args", []), *ctx.args]
        if not rest and command.invoke_without_command:
            break  # a group that runs by itself (patnav prevalue --numbers …)
        name, sub, rest = command.resolve_command(ctx, rest)
        assert sub is not None and name is not None
        command = sub
        ctx = command.make_context(name, rest, parent=ctx)
    return command, ctx


def _local(path: str, data_dir: Path) -> bool:
    """Whether a path names a file the repository or the data folder must hold."""
    return path.startswith(("specs/", str(data_dir)))


@pytest.mark.parametrize(("where", "line"), EXAMPLES, ids=[e[1] for e in EXAMPLES])
def test_example_parses(where, line, data_dir, monkeypatch):
    monkeypatch.chdir(REPO)
    args = [a.replace("../shared/data", str(data_dir)) for a in _command(line) or []]
    try:
        command, ctx = _parse(args)
    except click.BadParameter as exc:
        missing = re.search(r"'(.+?)' does not exist", exc.format_message())
        if missing is None or _local(missing.group(1), data_dir):
            pytest.fail(f"{where}: {line}\n{exc.format_message()}")
        return  # a user's own file (exports.zip, my-micro.yaml): the example is right
    except click.UsageError as exc:
        pytest.fail(f"{where}: {line}\n{exc.format_message()}")
    if command.name == "analyze" and ctx.params.get("name"):
        info = ANALYSES.get(ctx.params["name"])
        assert info is not None, f"{where}: no analysis {ctx.params['name']!r}"
        accepted = {p.name for p in info.parameters()}
        for item in ctx.params["params"]:
            assert item.partition("=")[0] in accepted, f"{where}: {line}"
        if info.needs == "spec":
            assert ctx.params["spec_path"] is not None, f"{where}: {line}"


RUN = (
    "patnav --store navigation.duckdb init",
    "patnav stats --top 20",
    "patnav quarantine --import-id 3 --json",
    "patnav export --parquet snapshot/",
    'patnav search \'TIAB=(光纤 OR "optical fiber") AND IPC=(G02B6 OR H04B10) AND '
    "AD=[2015 TO 2020]'",
    "patnav index --status --json",
    "patnav sets save 光通信 'TIAB=(光纤 OR 光模块) OR IPC=(G02B6 OR H04B10)'",
    "patnav sets list",
    "patnav sets show 光通信 --limit 50",
    "patnav sets rerun 光通信",
    "patnav sets export 光通信 光通信.xlsx",
    "patnav enrich --step entities --step locations --json",
    "patnav entities list --search 华为",
    "patnav analyze --list",
    "patnav analyze trend --set 'TIAB=(无人机 OR drone)'",
    "patnav analyze applicants --set 光通信 --count-by application --region 湖北省 --rows 30",
    "patnav analyze hotspots --set 'IPC=B64' --param top=50 --json > hotspots.json",
    "patnav analyze chain --spec specs/taian-industry.yaml",
    "patnav analyze competitors --competitor 'DJI%' --competitor 'PARROT%' --competitor "
    "'THALES%'",
    "patnav tenant add 山东省 --level province --region 山东省",
    "patnav tenant list",
)
"""The examples of docs/cli.md that run in seconds on a small store, in their order."""


def test_the_cheap_examples_of_the_cli_page_run(tmp_path, data_dir, monkeypatch):
    documented = {line for where, line in EXAMPLES if where == "cli.md"}
    assert not [line for line in RUN if line not in documented]
    (tmp_path / "specs").symlink_to(REPO / "specs")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner(
        env={
            "PATNAV_DATA_DIR": str(data_dir),
            "PATNAV_DATA_ROOT": str(tmp_path / "platform"),
        }
    )
    store = ["--store", str(tmp_path / "examples.duckdb")]
    imported = runner.invoke(
        cli, [*store, "import", str(data_dir / "formats/cn-excel")]
    )
    assert imported.exit_code == 0, imported.output
    for line in RUN:
        args = _command(line)
        assert args is not None
        result = runner.invoke(cli, args if "--store" in args else [*store, *args])
        assert result.exit_code == 0, f"{line}\n{result.output}"
        assert result.output.strip(), line
        assert "错误" not in result.output, f"{line}\n{result.output}"
    assert (tmp_path / "snapshot" / "manifest.json").exists()
    assert (tmp_path / "光通信.xlsx").exists()
