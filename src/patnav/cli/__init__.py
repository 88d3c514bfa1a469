"""The ``patnav`` command line: a thin shell over the core functions.

Each command parses its input, calls one core function and renders the result. Errors
from the core become one clear line and exit status 1; ``--debug`` shows the traceback
instead.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from patnav.cli.labels import LANGS, t
from patnav.config import Settings
from patnav.errors import PatnavError, QuerySyntaxError

if TYPE_CHECKING:
    from patnav.storage.store import PatentStore

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(slots=True)
class Context:
    """What every command receives: the settings, the debug flag and the language of the
    printed output (``zh`` or ``en``)."""

    settings: Settings
    debug: bool
    lang: str = "zh"

    def existing_store(self, *, read_only: bool = False) -> PatentStore:
        """The store of ``--store`` / ``PATNAV_STORE``, which must exist: a command that
        reads or adds to a store it would otherwise create empty is a mistake."""
        from patnav.errors import StoreError
        from patnav.storage.store import PatentStore

        path = self.settings.store
        if str(path) != ":memory:" and not Path(path).exists():
            raise StoreError(
                f"No store at {path}. Create one first ('patnav init' or 'patnav import "
                "FILES'), or point --store / PATNAV_STORE at an existing store."
            )
        return PatentStore.open(path, read_only=read_only)


def echo_json(data: Any) -> None:
    """Print ``data`` as indented JSON, Chinese kept as it is (dates and the like as
    text)."""
    import json

    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


LANG_HELP = (
    "Language of the printed tables and messages: zh (default, or $PATNAV_CLI_LANG) or "
    "en. --json output is the same in both."
)


def _set_lang(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    obj = ctx.find_object(Context)
    if value is not None and obj is not None:
        obj.lang = value


def lang_option(command: F) -> F:
    """Give a command ``--lang zh|en`` for its printed output (also a global option)."""
    return click.option(
        "--lang",
        type=click.Choice(LANGS),
        default=None,
        expose_value=False,
        callback=_set_lang,
        help=LANG_HELP,
    )(command)


class CommandError(click.ClickException):
    """An error shown as one line, ``错误：…`` (``Error: …`` with ``--lang en``)."""

    def __init__(self, message: str, lang: str = "zh") -> None:
        super().__init__(message)
        self.lang = lang

    def show(self, file: Any = None) -> None:
        text = t("error", self.lang, message=self.format_message())
        click.echo(text, file=file, err=file is None)


class PatnavGroup(click.Group):
    """A click group that turns patnav errors into one-line messages."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PatnavError as exc:
            if _debug(ctx):
                raise
            lang = _lang(ctx)
            message = (
                exc.localized(lang) if isinstance(exc, QuerySyntaxError) else str(exc)
            )
            raise CommandError(message, lang) from exc
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            raise click.Abort() from None
        except Exception as exc:
            if _debug(ctx):
                raise
            lang = _lang(ctx)
            raise CommandError(
                t("internal_error", lang, kind=type(exc).__name__, message=exc), lang
            ) from exc


def _debug(ctx: click.Context) -> bool:
    obj = ctx.obj
    return bool(obj and getattr(obj, "debug", False))


def _lang(ctx: click.Context) -> str:
    obj = ctx.obj
    return str(getattr(obj, "lang", "zh") or "zh")


@click.group(cls=PatnavGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The store file (default ./patnav.duckdb, or $PATNAV_STORE).",
)
@click.option(
    "--debug", is_flag=True, help="Show tracebacks instead of one-line errors."
)
@click.option("--lang", type=click.Choice(LANGS), default=None, help=LANG_HELP)
@click.version_option(package_name="patnav")
@click.pass_context
def cli(ctx: click.Context, store: Path | None, debug: bool, lang: str | None) -> None:
    """patnav 专利导航 — import, clean, search, analyse and report on patent data.

    \b
    Example:
      patnav import ../shared/data/corpora/cn-taian-7384
      patnav stats
    """
    settings = Settings()
    if store is not None:
        settings = settings.model_copy(update={"store": store})
    ctx.obj = Context(settings=settings, debug=debug, lang=lang or settings.cli_lang)


def main() -> None:
    """Entry point of the ``patnav`` script."""
    # openpyxl warns about styles and data validation of exported workbooks: not our
    # user's
    # concern, and the import report says what matters.
    warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
    cli(prog_name="patnav")


from patnav.cli import (  # noqa: E402  (commands register on import)
    abnormal,
    agencies,
    analyze,
    barrier,
    capability,
    changes,
    embed,
    enrich,
    enterprises,
    fees,
    fetch,
    fto,
    ingest,
    ipc,
    match,
    monitor,
    prevalue,
    project,
    report,
    search,
    serve,
    sme,
    spec,
    store,
    tags,
    value,
)

__all__ = [
    "Context",
    "abnormal",
    "agencies",
    "analyze",
    "barrier",
    "capability",
    "changes",
    "cli",
    "embed",
    "enrich",
    "enterprises",
    "fees",
    "fetch",
    "fto",
    "ingest",
    "ipc",
    "lang_option",
    "main",
    "match",
    "monitor",
    "prevalue",
    "project",
    "report",
    "search",
    "serve",
    "sme",
    "spec",
    "store",
    "tags",
    "value",
]
