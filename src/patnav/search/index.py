"""``SearchIndex``: the side indexes of one store, in a folder next to it.

```
patnav.duckdb                  the store
patnav.duckdb.search/
    fulltext.duckdb            BM25 postings and the gram index (patnav.search.fulltext)
    segmenter/                 the dictionary the full-text index was built with
    vectors/<model>/           the model's vectors, doc_ids and ANN index (patnav.search.vectors)
```

The folder is a cache: deleting it loses nothing but the time to rebuild. An in-memory
store gets in-memory indexes.

Nothing in it depends on where the store lies: a store copied with its folder (to another
directory, another machine, a web platform's data root) finds its index current and uses
it. The index is rebuilt only when the analyzer really changes: the technical word lists
found in ``data_dir`` differ in content from those the index was built with. A process
that finds no word lists (no data folder configured) searches with the dictionary the
index kept in ``segmenter/``.
"""

from __future__ import annotations

from pathlib import Path

from patnav.errors import StoreError
from patnav.search.fulltext import (
    SEGMENTER_FOLDER,
    FullTextIndex,
    Progress,
    UpdateReport,
)
from patnav.search.vectors import VectorStore
from patnav.storage.store import MEMORY, PatentStore
from patnav.text.segmentation import Analyzer, Segmenter
from patnav.text.vocabularies import dictionary_files

SUFFIX = ".search"


def index_folder(store: PatentStore) -> Path | None:
    """Where a store's side indexes live; None for an in-memory store."""
    if store.location == MEMORY:
        return None
    return Path(store.location + SUFFIX)


class SearchIndex:
    """The full-text index and vector stores of one store.

    ``data_dir`` is the real-data directory whose ``reference/dictionaries`` hold the
    technical vocabularies for Chinese segmentation (``Settings.data_dir``); without
    them, the dictionary an existing index kept beside itself, else jieba's own.
    ``folder`` overrides the default location; ``segmenter`` decides outright.
    """

    def __init__(
        self,
        store: PatentStore,
        *,
        data_dir: Path | None = None,
        folder: Path | None = None,
        segmenter: Segmenter | None = None,
    ) -> None:
        self.store = store
        self.folder = folder if folder is not None else index_folder(store)
        if segmenter is None:
            dictionaries = dictionary_files(data_dir) if data_dir is not None else []
            if dictionaries:
                segmenter = Segmenter(dictionaries)
            elif self.folder is not None:
                # no word lists here: search the index with the dictionary it was built
                # with rather than rebuild it with jieba's alone
                segmenter = Segmenter.recorded(self.folder / SEGMENTER_FOLDER)
        self.analyzer = Analyzer(segmenter or Segmenter())
        self._fulltext: FullTextIndex | None = None
        self._vectors: dict[str, VectorStore] = {}
        self._view = False

    def reader(self, store: PatentStore) -> SearchIndex:
        """A view of these indexes for another thread working on ``store`` (a cursor
        of this index's store): its full-text index reads on a DuckDB cursor of its own
        (:meth:`FullTextIndex.reader`), so several threads search at once. Close the
        view when done; update the indexes through this object, with no view in use."""
        view = SearchIndex.__new__(SearchIndex)
        view.store = store
        view.folder = self.folder
        view.analyzer = self.analyzer
        view._fulltext = self.fulltext.reader()
        view._vectors = {}
        view._view = True
        return view

    @property
    def fulltext(self) -> FullTextIndex:
        """The full-text index (opened on first use; may be behind the store)."""
        if self._fulltext is None:
            path = None if self.folder is None else self.folder / "fulltext.duckdb"
            self._fulltext = FullTextIndex(path, self.analyzer)
        return self._fulltext

    def existing_fulltext(self) -> FullTextIndex | None:
        """The full-text index if it is open or exists on disk (never creates one)."""
        if self._fulltext is None and (
            self.folder is None or not (self.folder / "fulltext.duckdb").exists()
        ):
            return None
        return self.fulltext

    def refresh(
        self, progress: Progress | None = None, *, workers: int = 1
    ) -> UpdateReport:
        """Bring the full-text index up to date with the store (``workers`` processes
        analyse large updates)."""
        if self._view:
            raise StoreError(
                "A reader view of the search index cannot update it: refresh the index "
                "it was made from."
            )
        return self.fulltext.update(self.store, progress=progress, workers=workers)

    def vectors(self, model: str) -> VectorStore:
        """The vector store of ``model``, refreshed from the store's embeddings."""
        vectors = self._vectors.get(model)
        if vectors is None:
            folder = None if self.folder is None else self.folder / "vectors"
            vectors = self._vectors[model] = VectorStore(folder, model)
        vectors.sync(self.store)
        return vectors

    def close(self) -> None:
        """Close the full-text index."""
        if self._fulltext is not None:
            self._fulltext.close()
            self._fulltext = None

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
