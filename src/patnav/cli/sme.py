"""SME cultivation library commands: ``patnav sme check`` (the ten admission criteria of
the 专利产业化促进中小企业成长计划 per enterprise of a province's register)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from patnav.cli import Context, cli
from patnav.cli.render import table
from patnav.errors import InputError, InvalidParameterError
from patnav.models.sme import (
    SmeCheck,
    check_sme,
    read_declarations,
    read_dense_industries,
)
from patnav.models.sme.abnormal import abnormal_flags
from patnav.models.sme.check import VERDICT_ZH
from patnav.storage.store import PatentStore

_MARK = {"pass": "✓", "fail": "✗", "unknown": "?"}


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidParameterError(
            f"--as-of 应为日期 YYYY-MM-DD，实为 {value!r}。"
        ) from None


def render_check(result: SmeCheck) -> str:
    """The check as text: one line per enterprise (✓ 符合, ✗ 不符合, ? 待核实)."""
    rows = [
        (
            r.name,
            " ".join(f"{c.criterion}{_MARK[c.result]}" for c in r.criteria),
            VERDICT_ZH[r.verdict],
            "、".join(str(c.criterion) for c in r.missing) or "-",
        )
        for r in result.rows
    ]
    counts = result.counts()
    lines = [
        table(["企业", "十项条件（✓符合 ✗不符合 ?待核实）", "结论", "待补充"], rows),
        f"{result.province}，核查日 {result.as_of}：共 {len(result.rows)} 家，"
        f"符合 {counts['eligible']} 家，不符合 {counts['not_eligible']} 家，"
        f"信息不全 {counts['incomplete']} 家",
    ]
    lines += [f"注：{n}" for n in result.notes]
    return "\n".join(lines)


def _write(out: Path, result: SmeCheck) -> None:
    suffix = out.suffix.lower()
    try:
        if suffix == ".xlsx":
            import pandas as pd

            with pd.ExcelWriter(out) as writer:
                result.to_frame().to_excel(writer, sheet_name="入库核查", index=False)
                result.to_criteria_frame().to_excel(
                    writer, sheet_name="逐项依据", index=False
                )
        elif suffix == ".csv":
            result.to_criteria_frame().to_csv(out, index=False, encoding="utf-8-sig")
        else:
            raise InvalidParameterError(
                f"--out 应为 .xlsx 或 .csv 文件，实为 {out.name}。"
            )
    except OSError as exc:
        raise InputError(f"Cannot write {out}: {exc.strerror}.") from exc


@cli.group("sme")
def sme_group() -> None:
    """The SME cultivation library (专利产业化促进中小企业成长计划 培育库). See docs/sme.md.

    \b
    Example:
      patnav sme check --province 湖北省 --declarations 申报.xlsx --json
    """


@sme_group.command("check")
@click.option(
    "--province", required=True, help="The library's province (湖北省): whose register."
)
@click.option(
    "--declarations",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The enterprises' declarations (.csv, .xlsx, .yaml; columns in docs/sme.md).",
)
@click.option(
    "--dense-industries",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The 专利密集型产业 list (GB/T 4754 codes); without it criterion 3 is unknown.",
)
@click.option(
    "--as-of", default=None, help="Check statuses and last year's figures on this day."
)
@click.option(
    "--abnormal/--no-abnormal",
    "detect_abnormal",
    default=True,
    show_default=True,
    help="Run the abnormal-filing detector over the enterprises' documents for "
    "criterion 10 (--no-abnormal: that part stays unknown).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the check to .xlsx (summary and evidence sheets) or .csv (evidence).",
)
@click.pass_obj
def sme_check(
    obj: Context,
    province: str,
    declarations: Path | None,
    dense_industries: Path | None,
    as_of: str | None,
    detect_abnormal: bool,
    as_json: bool,
    out: Path | None,
) -> None:
    """Check every register enterprise of a province against the ten admission criteria
    of the SME cultivation library: each pass / fail / unknown with its evidence
    (register, patent data, declarations), unknown ones with what to ask for, and the
    verdict (eligible / not_eligible / incomplete).

    \b
    Example:
      patnav sme check --province 湖北省 --declarations 申报.xlsx --json
      patnav sme check --province 湖北省 --as-of 2024-06-30 --out 入库核查.xlsx
    """
    day = _day(as_of)
    decls = read_declarations(declarations) if declarations else ()
    dense = read_dense_industries(dense_industries) if dense_industries else None
    with PatentStore.open(obj.settings.store, read_only=True) as store:
        flags, unchecked = abnormal_flags(store) if detect_abnormal else (None, set())
        result = check_sme(
            store,
            province,
            declarations=decls,
            dense_industries=dense,
            abnormal=flags,
            abnormal_unchecked=unchecked,
            as_of=day,
        )
    if out is not None:
        _write(out, result)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(render_check(result))
    if out is not None:
        click.echo(f"已写入 {out}")
