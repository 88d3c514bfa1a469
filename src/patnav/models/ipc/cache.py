"""A store's IPC suggester, trained once and kept next to the store.

```
patnav.duckdb                  the store
patnav.duckdb.ipc/
    model.npz                  vocabulary, IDF, class weights (sparse) and biases, class counts
    model.json                 fingerprint, format version, parameters, curves, rare classes
```

The model is valid while the store's classified documents are the ones it was trained
on: :func:`~patnav.models.ipc.corpus.training_fingerprint` hashes every classified
document's texts, language, year and IPC codes in one SQL aggregate, the way the
full-text index (``.search``) fingerprints documents to know what changed. A different
fingerprint, format version or parameter set retrains it; ``patnav ipc train`` forces
it. The folder is a cache: deleting it loses nothing but the seconds to retrain. Arrays
are read with ``allow_pickle=False``: the cache holds numbers and strings, never code.
An in-memory store trains in memory every time.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from patnav.models.ipc.corpus import read_training_set, training_fingerprint
from patnav.models.ipc.model import LEVELS, IpcSuggester
from patnav.storage.store import MEMORY, PatentStore

log = logging.getLogger(__name__)

SUFFIX = ".ipc"
FORMAT = 1
"""Bumped whenever the features or the saved arrays change: older caches retrain."""


def model_folder(store: PatentStore) -> Path | None:
    """Where a store's IPC model lives; None for an in-memory store."""
    if store.location == MEMORY:
        return None
    return Path(store.location + SUFFIX)


def _params(model: IpcSuggester) -> dict[str, Any]:
    return {
        "min_documents": model.min_documents,
        "min_df": model.min_df,
        "method": model.method,
        "max_negatives": model.max_negatives,
        "calibrate": model.calibrate,
    }


def save_model(
    model: IpcSuggester, folder: Path, *, fingerprint: str, trained_at: str
) -> None:
    """Write a fitted model to ``folder`` (atomically: readers see the old or the new)."""
    folder.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, np.ndarray] = {
        "vocabulary": np.array(
            sorted(model.vocabulary_, key=model.vocabulary_.__getitem__), dtype=np.str_
        ),
        "idf": model.idf_,
    }
    for level in LEVELS:
        profiles = model.profiles_[level]
        arrays[f"{level}_classes"] = np.array(model.classes_[level], dtype=np.str_)
        arrays[f"{level}_documents"] = np.array(
            model.class_documents_[level], dtype=np.int64
        )
        arrays[f"{level}_data"] = profiles.data
        arrays[f"{level}_indices"] = profiles.indices
        arrays[f"{level}_indptr"] = profiles.indptr
        arrays[f"{level}_bias"] = model.biases_[level]
    meta = {
        "format": FORMAT,
        "fingerprint": fingerprint,
        "trained_at": trained_at,
        "params": _params(model),
        "documents": model.documents_,
        "samples": model.samples_,
        "calibrated": model.calibrated_,
        "curves": {level: list(model.curves_[level]) for level in LEVELS},
        "rare": {level: model.rare_[level] for level in LEVELS},
    }
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".npz", delete=False) as tmp:
        np.savez_compressed(tmp, **arrays)  # type: ignore[arg-type]
    os.replace(tmp.name, folder / "model.npz")
    meta_tmp = folder / "model.json.tmp"
    meta_tmp.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    os.replace(meta_tmp, folder / "model.json")


def load_model(
    folder: Path, *, fingerprint: str, params: IpcSuggester
) -> tuple[IpcSuggester, str] | None:
    """The cached model and its training time if it is current: same format,
    parameters and fingerprint (None otherwise, or when the files are unreadable)."""
    try:
        meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
        if (
            meta.get("format") != FORMAT
            or meta.get("fingerprint") != fingerprint
            or meta.get("params") != _params(params)
        ):
            return None
        with np.load(folder / "model.npz", allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except (OSError, ValueError, KeyError):
        return None
    model = IpcSuggester(**_params(params))
    vocabulary = arrays["vocabulary"].tolist()
    model.vocabulary_ = {t: i for i, t in enumerate(vocabulary)}
    model.idf_ = arrays["idf"].astype(np.float32)
    model.documents_ = int(meta["documents"])
    model.samples_ = int(meta["samples"])
    model.calibrated_ = bool(meta["calibrated"])
    model.curves_ = {
        level: (float(meta["curves"][level][0]), float(meta["curves"][level][1]))
        for level in LEVELS
    }
    model.rare_ = {
        level: {str(k): int(v) for k, v in meta["rare"][level].items()}
        for level in LEVELS
    }
    model.classes_ = {}
    model.class_documents_ = {}
    model.profiles_ = {}
    model.biases_ = {}
    for level in LEVELS:
        classes = tuple(arrays[f"{level}_classes"].tolist())
        model.classes_[level] = classes
        model.class_documents_[level] = tuple(
            int(n) for n in arrays[f"{level}_documents"]
        )
        model.profiles_[level] = sp.csr_matrix(
            (
                arrays[f"{level}_data"],
                arrays[f"{level}_indices"],
                arrays[f"{level}_indptr"],
            ),
            shape=(len(classes), len(vocabulary)),
        )
        model.biases_[level] = arrays[f"{level}_bias"].astype(np.float32)
    return model, str(meta["trained_at"])


def trained_suggester(
    store: PatentStore,
    *,
    retrain: bool = False,
    params: IpcSuggester | None = None,
) -> tuple[IpcSuggester, str, bool]:
    """The store's IPC suggester: the cached one while it is current, else trained on
    the store's classified documents and cached. Returns the model, when it was
    trained (ISO time, UTC) and whether it was trained now.

    Raises:
        NotFoundError: the store holds no document with IPC codes and a title or
            abstract.
    """
    from patnav.errors import NotFoundError

    params = params or IpcSuggester()
    folder = model_folder(store)
    fingerprint = training_fingerprint(store)
    if folder is not None and not retrain:
        cached = load_model(folder, fingerprint=fingerprint, params=params)
        if cached is not None:
            return cached[0], cached[1], False
    training = read_training_set(store)
    if not training.samples:
        raise NotFoundError(
            "库中没有带 IPC 分类号且有标题或摘要的文献，无法学习 IPC 推荐：请先导入带"
            "分类号的专利数据（patnav import）。(The store holds no document with IPC "
            "codes and a title or abstract to learn from: import classified patents "
            "first.)"
        )
    model = IpcSuggester(**_params(params)).fit(training)
    trained_at = datetime.now(UTC).isoformat(timespec="seconds")
    if folder is not None:
        try:
            save_model(model, folder, fingerprint=fingerprint, trained_at=trained_at)
        except (
            OSError
        ) as exc:  # a read-only folder: answer anyway, train again next time
            log.warning("IPC model not cached in %s: %s", folder, exc)
    return model, trained_at, True
