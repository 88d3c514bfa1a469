"""IPC suggestion: the IPC subclasses and main groups a Chinese or English text (a title,
an abstract, a product description) most likely belongs to, learned from the store's own
classified documents (issue 19).

- :mod:`~patnav.models.ipc.corpus` — the training samples (title + abstract per language,
  all IPC codes as labels) and the fingerprint that says when they changed.
- :mod:`~patnav.models.ipc.model` — :class:`IpcSuggester`: features, class profiles,
  calibrated scores.
- :mod:`~patnav.models.ipc.cache` — trained once per store, kept in ``<store>.ipc/``.
- :mod:`~patnav.models.ipc.suggest` — :func:`suggest_ipc` and :func:`train_ipc`: typed
  answers with the classes' Chinese and English titles.
"""

from patnav.models.ipc.cache import model_folder, trained_suggester
from patnav.models.ipc.corpus import (
    Sample,
    TrainingSet,
    main_group_of,
    read_training_set,
    subclass_of,
    training_fingerprint,
)
from patnav.models.ipc.model import LEVELS, IpcSuggester, check_script, text_features
from patnav.models.ipc.suggest import (
    IpcCandidate,
    IpcModelInfo,
    IpcSuggestion,
    IpcTraining,
    suggest_ipc,
    train_ipc,
)

__all__ = [
    "LEVELS",
    "IpcCandidate",
    "IpcModelInfo",
    "IpcSuggester",
    "IpcSuggestion",
    "IpcTraining",
    "Sample",
    "TrainingSet",
    "check_script",
    "main_group_of",
    "model_folder",
    "read_training_set",
    "subclass_of",
    "suggest_ipc",
    "text_features",
    "train_ipc",
    "trained_suggester",
    "training_fingerprint",
]
