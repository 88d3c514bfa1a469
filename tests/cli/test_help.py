"""Every command's --help reads cleanly: no escaping artefacts, no unfilled placeholders."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from patnav.cli import cli

ARTEFACTS = re.compile(
    r"%%"  # click no longer %-formats option help: '%%' prints as is
    r"|\x08|\\b"  # a paragraph marker that escaped its own line
    r"|%\([a-z_]+\)[sd]|%[sd]\b"  # an old-style placeholder
    r"|\{[A-Za-z_][A-Za-z_0-9]*\}"  # a str.format field left unfilled
)


def _commands(group: click.Group, path: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        yield (*path, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))


COMMANDS = [(), *_commands(cli)]


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "patnav")
def test_help_has_no_artefacts_and_ends_with_an_example(path):
    result = CliRunner().invoke(cli, [*path, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    found = ARTEFACTS.findall(result.output)
    assert not found, f"patnav {' '.join(path)} --help shows {found}"
    assert "Example:" in result.output
    assert "patnav " in result.output.split("Example:")[1]


def test_the_competitor_wildcard_reads_as_one_percent_sign():
    result = CliRunner().invoke(cli, ["analyze", "--help"], terminal_width=100)
    assert "% is a wildcard" in result.output
