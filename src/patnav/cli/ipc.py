"""``patnav ipc``: IPC suggestion (IPC 分类号推荐) for Chinese and English text, learned
from the store's own classified documents — ``ipc suggest`` and ``ipc train``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from patnav.cli import Context, cli, echo_json, lang_option
from patnav.cli.render import table
from patnav.errors import InputError
from patnav.i18n import Catalogue
from patnav.models.ipc import (
    IpcModelInfo,
    IpcSuggestion,
    IpcTraining,
    suggest_ipc,
    train_ipc,
)
from patnav.models.ipc.suggest import LEVEL_ZH, MAX_TOP
from patnav.storage.store import PatentStore

TEXT = Catalogue(
    "patnav.cli.ipc.TEXT",
    {
        "model": (
            "模型：从本库 {documents} 件带 IPC 分类号的文献（{samples} 条标题/摘要文本）"
            "学得，可推荐 {classes} 个{level}；{rare} 个{level}训练文献少于 {min} 件，"
            "不作推荐；{calibrated}；训练于 {at}{now}",
            "model: learned from {documents} classified documents of this store "
            "({samples} title/abstract texts); suggests {classes} {level}; {rare} "
            "{level} with fewer than {min} training documents are not suggested; "
            "{calibrated}; trained {at}{now}",
        ),
        "calibrated": (
            "得分为按申请年份留出验证校准的概率",
            "scores are probabilities calibrated on documents held out by year",
        ),
        "uncalibrated": (
            "得分未校准（带年份的文献太少），只表示相对高低",
            "scores are not calibrated (too few dated documents): they only rank",
        ),
        "now": ("（本次训练）", " (trained now)"),
        "none": (
            "（没有与文本共享字词的分类号）",
            "(no class shares a word with the text)",
        ),
        "trained": (
            "已训练 IPC 推荐模型：{documents} 件文献，{samples} 条文本；小类 {sub} 个"
            "（另有 {rare_sub} 个少于 {min} 件，不作推荐），大组 {groups} 个（另有 "
            "{rare_groups} 个不作推荐）；{calibrated}",
            "IPC suggester trained: {documents} documents, {samples} texts; {sub} "
            "subclasses (and {rare_sub} with fewer than {min} documents, not "
            "suggested), {groups} main groups ({rare_groups} not suggested); "
            "{calibrated}",
        ),
        "rare": (
            "训练文献不足、不作推荐的小类（文献数）：{codes}",
            "subclasses too rare to suggest (documents): {codes}",
        ),
    },
)
HEADS = Catalogue(
    "patnav.cli.ipc.HEADS",
    {
        "rank": ("排名", "rank"),
        "code": ("分类号", "symbol"),
        "score": ("得分", "score"),
        "title": ("名称", "title"),
        "docs": ("训练文献", "training docs"),
    },
)
LEVEL_EN = {"subclass": "subclasses", "group": "main groups"}


def _model_line(info: IpcModelInfo, lang: str) -> str:
    level = LEVEL_ZH[info.level] if lang != "en" else LEVEL_EN[info.level]
    return TEXT.text(
        "model",
        lang,
        documents=f"{info.training_documents:,}",
        samples=f"{info.training_samples:,}",
        classes=f"{info.classes:,}",
        level=level,
        rare=f"{info.rare_classes:,}",
        min=info.min_documents,
        calibrated=TEXT.text("calibrated" if info.calibrated else "uncalibrated", lang),
        at=info.trained_at,
        now=TEXT.text("now", lang) if info.trained_now else "",
    )


def render(suggestion: IpcSuggestion, lang: str) -> str:
    """One text's suggestions as a table, with what the model learned from."""
    lines = []
    if suggestion.candidates:
        heads = [
            HEADS.text(k, lang) for k in ("rank", "code", "score", "title", "docs")
        ]
        rows = [
            (
                c.rank,
                c.code,
                f"{c.score:.3f}",
                (
                    (c.title_zh or c.title_en)
                    if lang != "en"
                    else (c.title_en or c.title_zh)
                )
                or "—",
                f"{c.training_documents:,}",
            )
            for c in suggestion.candidates
        ]
        lines.append(table(heads, rows, align="llrlr"))
    else:
        lines.append(TEXT.text("none", lang))
    lines.append(_model_line(suggestion.model, lang))
    return "\n".join(lines)


def render_training(run: IpcTraining, lang: str) -> str:
    """What ``ipc train`` learned, and the subclasses too rare to suggest."""
    sub, group = run.subclass, run.group
    lines = [
        TEXT.text(
            "trained",
            lang,
            documents=f"{sub.training_documents:,}",
            samples=f"{sub.training_samples:,}",
            sub=f"{sub.classes:,}",
            rare_sub=f"{sub.rare_classes:,}",
            min=sub.min_documents,
            groups=f"{group.classes:,}",
            rare_groups=f"{group.rare_classes:,}",
            calibrated=TEXT.text(
                "calibrated" if sub.calibrated else "uncalibrated", lang
            ),
        )
    ]
    if run.rare_subclasses:
        codes = "、".join(f"{c}（{n}）" for c, n in run.rare_subclasses.items())
        lines.append(TEXT.text("rare", lang, codes=codes))
    return "\n".join(lines)


@cli.group("ipc")
def ipc_group() -> None:
    """IPC suggestion (IPC 分类号推荐) for Chinese and English text, learned from the
    store's own classified documents.

    \b
    Example:
      patnav ipc suggest '一种基于深度学习的语音识别方法' --top 3
      patnav ipc train
    """


@ipc_group.command("suggest")
@click.argument("text", required=False)
@click.option(
    "--file",
    "text_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A UTF-8 text file, one text per line: prints one JSON object per line "
    "(JSON lines) with the line number; an empty line is skipped.",
)
@click.option(
    "--top",
    type=click.IntRange(1, MAX_TOP),
    default=5,
    show_default=True,
    help="Classes suggested per text.",
)
@click.option(
    "--level",
    type=click.Choice(["subclass", "group"]),
    default="subclass",
    show_default=True,
    help="subclass (小类, G06F) or group (大组, G06F3/00).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@lang_option
@click.pass_obj
def suggest_command(
    obj: Context,
    text: str | None,
    text_file: Path | None,
    top: int,
    level: str,
    as_json: bool,
) -> None:
    """Suggest the IPC subclasses (or main groups) of a title, an abstract or a
    product description, Chinese or English, with scores and the classes' Chinese and
    English titles.

    The model is learned from the store's own classified documents (title and
    abstract, all IPC codes of each), trained on first use and kept next to the store
    (<store>.ipc/); it is retrained when the store's classified documents change.
    Scores are probabilities that the class is among a document's IPC classes,
    calibrated on documents held out by filing year.

    \b
    Example:
      patnav ipc suggest '一种锂离子电池正极材料的制备方法' --top 3
      patnav ipc suggest 'foldable drone arm with a locking hinge' --json
      patnav ipc suggest --file 标题.txt --level group > 推荐.jsonl
    """
    if (text is None) == (text_file is None):
        raise click.UsageError(
            "请给出一段文本，或用 --file 给出文本文件（二者择一）。"
            "(Give TEXT or --file FILE, one of the two.)"
        )
    data_dir = obj.settings.data_dir
    if text_file is not None:
        if not text_file.is_file():
            raise InputError(
                f"找不到文件 {text_file}：请给出每行一段文本的 UTF-8 文本文件。"
                f"(No file at {text_file}.)"
            )
        try:
            lines = text_file.read_text(encoding="utf-8-sig").splitlines()
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{text_file} 不是 UTF-8 文本：请另存为 UTF-8。({exc.reason})"
            ) from exc
        numbered = [
            (n, line.strip()) for n, line in enumerate(lines, 1) if line.strip()
        ]
        with PatentStore.open(obj.settings.store) as store:
            answers = suggest_ipc(
                store, [t for _, t in numbered], top=top, level=level, data_dir=data_dir
            )
        for (n, _), answer in zip(numbered, answers, strict=True):
            if isinstance(answer, InputError):
                item = {"line": n, "error": str(answer)}
            else:
                item = {"line": n, **answer.to_dict()}
            click.echo(json.dumps(item, ensure_ascii=False))
        return
    assert text is not None
    with PatentStore.open(obj.settings.store) as store:
        (answer,) = suggest_ipc(store, [text], top=top, level=level, data_dir=data_dir)
    if isinstance(answer, InputError):
        raise answer
    if as_json:
        echo_json(answer.to_dict())
        return
    click.echo(render(answer, obj.lang))


@ipc_group.command("train")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@lang_option
@click.pass_obj
def train_command(obj: Context, as_json: bool) -> None:
    """Train the store's IPC suggester now (it is otherwise trained on first use and
    whenever the store's classified documents change) and list the subclasses with too
    few training documents to be suggested.

    \b
    Example:
      patnav ipc train
    """
    with PatentStore.open(obj.settings.store) as store:
        run = train_ipc(store)
    if as_json:
        echo_json(run.to_dict())
        return
    click.echo(render_training(run, obj.lang))
