"""The web app's long-lived resources: open stores, their search indexes, background
workers and the dashboard cache.

DuckDB allows one writing process per store file, and its connections must not be shared
between threads (cursors may). So the app opens each store **once** (:class:`StoreHandle`)
and every request or worker thread works on its own ``store.cursor()``:

- **imports** run in one worker thread per store, so writes to a store are serialised;
- **reports** run in one worker thread for the whole app (they read, and they are heavy) —
  both kinds of job are put on their worker by the job runner (:mod:`patnav.web.jobs`);
- **searches** of a store share its side index (full text and vectors, loaded once).
  Boolean and full-text searches run **at once**, each on a store cursor and an index
  cursor of its own (:meth:`SearchIndex.reader`), holding the store's search gate shared;
  whatever may write the index or loads models (an index behind the store, semantic and
  hybrid searches, ``indexed()`` callers, the update after an import) holds it alone. The
  store's state (what tells whether the index is current) is read once per version of
  the data, not once per search. Results — the result lists the pages
  show, grouped, sorted and counted by facets — are kept per version of the data
  (:class:`SearchCache`, :class:`ResultCache`): paging through a result, or the same query
  from several users, costs no second search — and a cached answer never waits behind
  running searches;
- **dashboards**: the landscape analyses of a set are computed once per version of the data
  (``FullTextIndex.watermark``: changes whenever a document does) and kept in memory; a
  second request for the same set waits for the first computation instead of repeating it.

**A store that fails is isolated.** When a store cannot be opened (a damaged file, a
newer schema, another process holding it) or DuckDB invalidates its database after a
fatal error (the memory cap hit mid-import), the hub marks it failed
(:class:`StoreFailure`), drops its handle and calls ``on_failure`` once (the app records
it in the audit log); every request touching it then gets :class:`StoreUnavailableError`
(503, a Chinese message) at once instead of a 500 each, ``/healthz`` lists it, and every
other store goes on as before. After ``retry_s`` seconds the next request tries to open
it again, so a repaired or restored file comes back without a restart.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb

from patnav.analyses import Scope, landscape
from patnav.config import Settings
from patnav.errors import StoreError, StoreUnavailableError
from patnav.presenters import dashboard_analyses
from patnav.search import SearchIndex, SearchResult, more_like_this, search
from patnav.search.fulltext import (
    FullTextIndex,
    StoreState,
    assume_state,
    store_state,
)
from patnav.search.results import ResultList, search_results
from patnav.search.semantic import Embedder, default_embedder
from patnav.storage.store import PatentStore
from patnav.tags.suggest import ScoreCache

log = logging.getLogger("patnav.web")

DASHBOARD_CACHE_SIZE = 64
SEARCH_CACHE_SIZE = 256
"""Search results kept per store (least recently used first out)."""
SEARCH_CACHE_HITS = 100_000
"""At most this many hits kept per store across its cached results (a result can hold up
to 10,000)."""


RETRY_S = 60.0
"""Seconds a failed store stays failed before a request tries to open it again."""


@dataclass(frozen=True, slots=True)
class StoreFailure:
    """Why and when a store failed."""

    store_id: int
    reason: str
    at: float  # time.monotonic()
    wall: float  # time.time()
    path: Path | None = None


def is_fatal(exc: BaseException) -> bool:
    """Whether a DuckDB error means the database itself is unusable (invalidated by a
    fatal error, internal corruption) — not a failed query."""
    if isinstance(exc, duckdb.FatalException | duckdb.InternalException):
        return True
    return isinstance(exc, duckdb.Error) and "invalidated" in str(exc).lower()


class SearchCache:
    """Search results of one store by (data version, query, mode, within), bounded.

    A result computed with a larger ``limit`` answers a smaller one (its first hits: the
    ranking is a total order, ties broken by document id), so paging back and forth and
    several users running the same query cost one search. Thread-safe.
    """

    def __init__(
        self, max_results: int = SEARCH_CACHE_SIZE, max_hits: int = SEARCH_CACHE_HITS
    ) -> None:
        self.max_results = max_results
        self.max_hits = max_hits
        self._results: OrderedDict[tuple[Any, ...], tuple[int, SearchResult]] = (
            OrderedDict()
        )
        self._hits = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...], limit: int) -> Any:
        """The cached result for ``key`` cut to ``limit`` hits, or None."""
        with self._lock:
            found = self._results.get(key)
            if found is None:
                return None
            computed_for, result = found
            if computed_for < limit and len(self._items(result)) < result.total:
                return None  # more hits asked for than were computed
            self._results.move_to_end(key)
        if len(self._items(result)) <= limit:
            return result
        return self._cut(result, limit)

    def put(self, key: tuple[Any, ...], limit: int, result: Any) -> None:
        """Keep ``result`` (computed with ``limit``) unless a larger one is kept."""
        size = len(self._items(result))
        if size > self.max_hits:
            return
        with self._lock:
            old = self._results.get(key)
            if old is not None:
                if old[0] >= limit:
                    return
                self._hits -= len(self._items(old[1]))
            self._results[key] = (limit, result)
            self._results.move_to_end(key)
            self._hits += size
            while self._results and (
                len(self._results) > self.max_results or self._hits > self.max_hits
            ):
                _, (_, dropped) = self._results.popitem(last=False)
                self._hits -= len(self._items(dropped))

    @staticmethod
    def _items(result: Any) -> tuple[Any, ...]:
        return result.hits  # type: ignore[no-any-return]

    @staticmethod
    def _cut(result: Any, limit: int) -> Any:
        return replace(result, hits=result.hits[:limit])

    def clear(self) -> None:
        """Forget every result (the data changed)."""
        with self._lock:
            self._results.clear()
            self._hits = 0

    def __len__(self) -> int:
        return len(self._results)


class ResultCache(SearchCache):
    """Result lists (:class:`~patnav.search.results.ResultList`) by (data version, query
    and every option), bounded like :class:`SearchCache`; a list computed for more rows
    answers fewer (its first rows, with the same facets)."""

    @staticmethod
    def _items(result: Any) -> tuple[Any, ...]:
        return result.rows  # type: ignore[no-any-return]

    @staticmethod
    def _cut(result: Any, limit: int) -> Any:
        return replace(result, rows=result.rows[:limit])


class SearchGate:
    """A lock held shared by concurrent searches and alone by whatever may write the
    search index. A waiting exclusive holder goes first: new shared holders wait behind
    it, so an index update is not starved by a stream of searches."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._shared = 0
        self._exclusive = False
        self._waiting = 0

    @contextmanager
    def shared(self) -> Iterator[None]:
        """Hold the gate with other shared holders."""
        with self._cond:
            while self._exclusive or self._waiting:
                self._cond.wait()
            self._shared += 1
        try:
            yield
        finally:
            with self._cond:
                self._shared -= 1
                if not self._shared:
                    self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the gate alone."""
        with self._cond:
            self._waiting += 1
            try:
                while self._exclusive or self._shared:
                    self._cond.wait()
            finally:
                self._waiting -= 1
            self._exclusive = True
        try:
            yield
        finally:
            with self._cond:
                self._exclusive = False
                self._cond.notify_all()


CONCURRENT_MODES = ("boolean", "text")
"""Search modes run concurrently on cursors (the others load vectors and a model)."""


class StoreHandle:
    """One open store: the writing connection, a cursor per caller, the shared index."""

    def __init__(
        self,
        store_id: int,
        path: Path,
        settings: Settings,
        on_fatal: Callable[[int, BaseException], None] | None = None,
    ) -> None:
        self.store_id = store_id
        self.path = path
        self.settings = settings
        # set once open: a failure while opening is the opener's to report (the hub
        # holds its lock then)
        self.on_fatal: Callable[[int, BaseException], None] | None = None
        self.store = PatentStore.open(path)
        self.gate = SearchGate()
        self.concurrent_searches = True
        """False: every search holds the gate alone on the one index connection (the
        service before searches ran at once; the benchmarks' baseline)."""
        self._index: SearchIndex | None = None
        self._opening = threading.Lock()
        self._state: tuple[str, StoreState] | None = None
        self._embedder: Embedder | None = None
        # No other process can write the store while this one holds it: its data
        # changes only through this handle's workers, which call changed().
        with self.reader() as cursor:
            self._opened_as = FullTextIndex.watermark(cursor)
        self._generation = 0
        self.results = SearchCache()
        self.lists = ResultCache()
        self.tag_scores = ScoreCache()
        """The tagging suggestion models fitted on this store, per scheme and tags."""
        self.imports = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix=f"patnav-import-{store_id}"
        )
        self.on_fatal = on_fatal

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Turn a fatal DuckDB error inside the block into :class:`StoreUnavailableError`,
        reporting the store failed (other errors pass through)."""
        try:
            yield
        except duckdb.Error as exc:
            if not is_fatal(exc):
                raise
            if self.on_fatal is not None:
                self.on_fatal(self.store_id, exc)
            raise StoreUnavailableError(self.store_id, str(exc)) from exc

    @contextmanager
    def reader(self) -> Iterator[PatentStore]:
        """A cursor on the store for the calling thread, closed after the block."""
        with self.guard():
            cursor = self.store.cursor()
            try:
                yield cursor
            finally:
                with contextlib.suppress(duckdb.Error):
                    cursor.close()

    def check(self) -> None:
        """A trivial query on the store (``/healthz``): raises StoreUnavailableError when
        DuckDB has invalidated the database."""
        with self.reader() as cursor:
            cursor.scalar("SELECT 1")

    def _search_index(self) -> SearchIndex:
        # opened on a cursor of its own; used as is only with the gate held alone, else
        # through a reader view
        with self._opening:
            if self._index is None:
                self._index = SearchIndex(
                    self.store.cursor(), data_dir=self.settings.data_dir
                )
            return self._index

    @contextmanager
    def _concurrent(self, mode: str) -> Iterator[SearchIndex | None]:
        """A reader view of the shared index on cursors of its own, with the gate
        held shared (other searches run meanwhile) — or None, with the gate released,
        when the search must hold it alone: a mode that loads vectors, or an index that
        is missing or behind the store (the search then updates it)."""
        if mode not in CONCURRENT_MODES or not self.concurrent_searches:
            yield None
            return
        with self.gate.shared(), self.guard():
            view = self._reader()
            if view is not None:
                try:
                    yield view
                finally:
                    view.close()
                    with contextlib.suppress(duckdb.Error):
                        view.store.close()
                return
        yield None

    def _reader(self) -> SearchIndex | None:
        """A reader view of the shared index when its full-text index exists, is open
        read-only and is current (gate held shared)."""
        index = self._search_index()
        with self._opening:
            fulltext = index.existing_fulltext()
            if fulltext is None or not fulltext.read_only:
                return None
            cursor = self.store.cursor()
            view = index.reader(cursor)
        assume_state(cursor, self._store_state(cursor))
        # asked on the view's own cursor: the shared index's connection refuses a
        # second thread's query ("connection is busy") while the first searches reach
        # it at once and read its meta before the facts are remembered
        if not view.fulltext.is_current(cursor):
            view.close()
            cursor.close()
            return None
        return view

    def _store_state(self, cursor: PatentStore) -> StoreState:
        """The store's state for this version of the data (read once per version:
        only this handle's workers write the store, and they call changed())."""
        version = self.version()
        known = self._state
        if known is not None and known[0] == version:
            return known[1]
        state = store_state(cursor)
        self._state = (version, state)
        return state

    @property
    def embedder(self) -> Embedder:
        """The store's embedder (the default model, loaded once; used under the lock)."""
        if self._embedder is None:
            self._embedder = default_embedder()
        return self._embedder

    def search(
        self,
        query: str,
        *,
        mode: str = "boolean",
        limit: int = 20,
        within: str | None = None,
    ) -> SearchResult:
        """``patnav.search.search`` on this store with its shared index; the result is
        kept for this version of the data (:class:`SearchCache`)."""
        key = (self.version(), query, mode, within)

        def run(store: PatentStore, index: SearchIndex, **extra: Any) -> SearchResult:
            return search(
                store,
                query,
                mode=mode,  # type: ignore[arg-type]
                limit=limit,
                within=within,
                index=index,
                **extra,
            )

        return self._cached_search(self.results, key, limit, mode, run)  # type: ignore[no-any-return]

    def result_list(
        self,
        query: str,
        *,
        limit: int,
        mode: str = "boolean",
        group: str = "family",
        sort: str = "relevance",
        descending: bool | None = None,
        filters: dict[str, tuple[str | None, ...]] | None = None,
        lang: str = "zh",
        cross_lingual: bool = False,
    ) -> ResultList:
        """The first ``limit`` rows of a search's result list
        (:func:`patnav.search.results.search_results`) with its facets, kept for this
        version of the data (:class:`ResultCache`)."""
        shown = tuple(sorted((k, tuple(v)) for k, v in (filters or {}).items() if v))
        key = (
            self.version(),
            query,
            mode,
            group,
            sort,
            descending,
            shown,
            lang,
            cross_lingual,
        )

        def run(store: PatentStore, index: SearchIndex, **extra: Any) -> ResultList:
            return search_results(
                store,
                query,
                mode=mode,  # type: ignore[arg-type]
                group=group,  # type: ignore[arg-type]
                sort=sort,
                descending=descending,
                filters=dict(shown),
                lang=lang,
                limit=limit,
                index=index,
                cross_lingual=cross_lingual,
                data_dir=self.settings.data_dir,
                **extra,
            )

        return self._cached_search(self.lists, key, limit, mode, run)  # type: ignore[no-any-return]

    def _cached_search(
        self,
        cache: SearchCache,
        key: tuple[Any, ...],
        limit: int,
        mode: str,
        run: Callable[..., Any],
    ) -> Any:
        """``run(store, index, **extra)`` kept in ``cache`` under ``key`` for this
        version of the data: on a reader view with other searches at once when it can
        (:meth:`_concurrent`), else with the gate held alone on the shared index (which
        it may update; vectors through the store's embedder)."""
        cached = cache.get(key, limit)
        if cached is not None:
            return cached
        with self._concurrent(mode) as view:
            if view is not None:
                result = run(view.store, view, update_index=False)
        if view is None:
            with self.gate.exclusive(), self.guard():
                # another request may have run the same search while this one waited
                cached = cache.get(key, limit)
                if cached is not None:
                    return cached
                index = self._search_index()
                vectors = mode in ("semantic", "hybrid")
                try:
                    result = run(
                        index.store, index, embedder=self.embedder if vectors else None
                    )
                finally:
                    self._settle()
        if key[0] == self.version():  # not changed meanwhile
            cache.put(key, limit, result)
        return result

    def more_like_this(self, doc_id: str, **options: Any) -> SearchResult:
        """``patnav.search.more_like_this`` on this store with its shared index."""
        with self.gate.exclusive(), self.guard():
            index = self._search_index()
            if options.get("mode", "semantic") in ("semantic", "hybrid"):
                options.setdefault("embedder", self.embedder)
            return more_like_this(index.store, doc_id, index=index, **options)

    @contextmanager
    def indexed(self) -> Iterator[SearchIndex]:
        """The shared search index, for the block (other searches wait)."""
        with self.gate.exclusive(), self.guard():
            try:
                yield self._search_index()
            finally:
                self._settle()

    def refresh_index(self) -> None:
        """Bring the full-text index up to date with the store (after an import)."""
        with self.gate.exclusive(), self.guard():
            self._search_index().refresh()
            self._settle()

    def _settle(self) -> None:
        # An update leaves the index's connection open for writing; DuckDB refuses a
        # read-only connection to the same file in this process meanwhile (a report's
        # own search, say). Reopen it read-only on next use. Vectors reload lazily.
        index = self._index
        if index is not None and not index.fulltext.read_only:
            index.close()
            index.store.close()
            self._index = None

    def version(self) -> str:
        """A token that changes whenever the store's documents do (imports, enrichment,
        embeddings) — without a query: only this handle's workers write the store."""
        return f"{self._opened_as}#{self._generation}"

    def changed(self) -> None:
        """Record that the store's documents changed (cached analyses and search results
        are stale)."""
        self._generation += 1
        self.results.clear()
        self.lists.clear()
        self.tag_scores.clear()

    def close(self) -> None:
        """Wait for running imports, then close the index and the store."""
        self.imports.shutdown(wait=True, cancel_futures=False)
        with self.gate.exclusive():
            if self._index is not None:
                self._index.close()
                self._index.store.close()
                self._index = None
        self.store.close()

    def abandon(self) -> None:
        """Let go of a failed store: queued imports are cancelled (their jobs stay
        queued and run again once the store opens), connections closed as far as
        DuckDB still allows."""
        self.imports.shutdown(wait=False, cancel_futures=True)
        with contextlib.suppress(Exception):
            if self._index is not None:
                self._index.close()
                self._index.store.close()
                self._index = None
        with contextlib.suppress(Exception):
            self.store.close()


@dataclass(frozen=True, slots=True)
class Dashboard:
    """The landscape of one set on one version of the data, as plain dicts; ``built``
    (the charts), ``rendered`` (their JSON) and ``html`` (the page below its header, the
    same for every user) are kept per language, so repeated requests cost no work."""

    results: dict[str, dict[str, Any]]
    seconds: float
    version: str
    rendered: dict[str, bytes] = field(default_factory=dict)
    built: dict[str, list[Any]] = field(default_factory=dict)
    html: dict[str, str] = field(default_factory=dict)


class StoreHub:
    """Every store the app has opened, the report worker, and the dashboard cache."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._handles: dict[int, StoreHandle] = {}
        self._lock = threading.Lock()
        self.failures: dict[int, StoreFailure] = {}
        self.retry_s = RETRY_S
        self.on_failure: Callable[[StoreFailure], None] | None = None
        """Called once when a store fails (the app records it in the audit log)."""
        self.reports = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="patnav-report"
        )
        self._dashboards: OrderedDict[tuple[Any, ...], Dashboard] = OrderedDict()
        self._computing: dict[tuple[Any, ...], threading.Lock] = {}
        self._cache_lock = threading.Lock()

    def handle(self, store_id: int, path: Path) -> StoreHandle:
        """The open store ``store_id`` (opened on first use).

        Raises:
            StoreUnavailableError: the store failed (now, or less than ``retry_s`` ago).
        """
        with self._lock:
            failure = self.failures.get(store_id)
            if failure is not None and time.monotonic() - failure.at < self.retry_s:
                raise StoreUnavailableError(store_id, failure.reason)
            found = self._handles.get(store_id)
            if found is None:
                try:
                    found = StoreHandle(
                        store_id, path, self.settings, on_fatal=self.fail
                    )
                except (StoreError, duckdb.Error, OSError) as exc:
                    newly = self._record_failure(store_id, exc, path)
                else:
                    self._handles[store_id] = found
                    self.failures.pop(store_id, None)
                    return found
            else:
                return found
        if failure is None:  # a retry that fails again was reported the first time
            self._notify(newly)
        raise StoreUnavailableError(store_id, newly.reason)

    def _record_failure(
        self, store_id: int, exc: BaseException, path: Path | None
    ) -> StoreFailure:
        # under self._lock
        failure = StoreFailure(
            store_id, str(exc)[:1000], time.monotonic(), time.time(), path
        )
        self.failures[store_id] = failure
        return failure

    def _notify(self, failure: StoreFailure) -> None:
        log.error("store %s failed: %s", failure.store_id, failure.reason)
        if self.on_failure is not None:
            try:
                self.on_failure(failure)
            except Exception:  # the failure stands even if it cannot be recorded
                log.exception(
                    "could not record the failure of store %s", failure.store_id
                )

    def fail(self, store_id: int, exc: BaseException) -> None:
        """Mark an open store failed (DuckDB invalidated it): drop its handle and report
        it once; later requests get StoreUnavailableError until it opens again."""
        with self._lock:
            if store_id in self.failures:
                return  # reported already
            handle = self._handles.pop(store_id, None)
            failure = self._record_failure(
                store_id, exc, handle.path if handle is not None else None
            )
        if handle is not None:
            handle.abandon()
        self._notify(failure)

    def check_open(self) -> list[StoreFailure]:
        """Run a trivial query on every open store, try again to open every store that
        failed more than ``retry_s`` ago (``/healthz``), and return every store failed
        now."""
        with self._lock:
            handles = list(self._handles.values())
            due = [
                f
                for f in self.failures.values()
                if f.path is not None and time.monotonic() - f.at >= self.retry_s
            ]
        for handle in handles:
            with contextlib.suppress(StoreUnavailableError):
                handle.check()
        for failure in due:
            assert failure.path is not None
            with contextlib.suppress(StoreUnavailableError):
                self.handle(failure.store_id, failure.path)
        with self._lock:
            return sorted(self.failures.values(), key=lambda f: f.store_id)

    def opened(self, store_id: int) -> StoreHandle | None:
        """The store ``store_id`` if it is open already (never opens it)."""
        with self._lock:
            return self._handles.get(store_id)

    def cached_dashboard(
        self, handle: StoreHandle, set_key: tuple[Any, ...], count_by: str = "family"
    ) -> Dashboard | None:
        """The set's landscape if it is computed for the current data version (never
        computes it, never waits)."""
        key = (handle.store_id, *set_key, count_by, handle.version())
        with self._cache_lock:
            found = self._dashboards.get(key)
            if found is not None:
                self._dashboards.move_to_end(key)
            return found

    def submit_import(
        self, handle: StoreHandle, work: Callable[[], None]
    ) -> Future[None]:
        """Run an import on the store's own worker thread."""
        return handle.imports.submit(_logged(work, "import"))

    def submit_report(self, work: Callable[[], None]) -> Future[None]:
        """Run a report job on the report worker thread."""
        return self.reports.submit(_logged(work, "report"))

    def dashboard(
        self,
        handle: StoreHandle,
        set_key: tuple[Any, ...],
        scope_text: str,
        *,
        label: str,
        count_by: str = "family",
    ) -> Dashboard:
        """The landscape analyses of a set, computed once per data version."""
        version = handle.version()
        key = (handle.store_id, *set_key, count_by, version)
        with self._cache_lock:
            cached = self._dashboards.get(key)
            if cached is not None:
                self._dashboards.move_to_end(key)
                return cached
            gate = self._computing.setdefault(key, threading.Lock())
        with gate:
            with self._cache_lock:
                cached = self._dashboards.get(key)
            if cached is not None:
                return cached
            started = time.perf_counter()
            with handle.reader() as cursor:
                scope = Scope.of_query(scope_text, label=label, store=cursor)
                # terms=(): the development route traces no emerging terms here (that
                # needs the hot-spot analysis, which a dashboard does not run)
                results = landscape(
                    cursor,
                    scope,
                    count_by=count_by,
                    names=dashboard_analyses(),
                    terms=(),
                )
                plain = {
                    name: json.loads(json.dumps(result.to_dict(), default=str))
                    for name, result in results.items()
                }
            board = Dashboard(plain, time.perf_counter() - started, version)
            with self._cache_lock:
                self._dashboards[key] = board
                self._computing.pop(key, None)
                while len(self._dashboards) > DASHBOARD_CACHE_SIZE:
                    self._dashboards.popitem(last=False)
            return board

    def close(self) -> None:
        """Finish running jobs and close every store.

        A handle is closed outside the hub's lock: closing waits for its running imports,
        and an import asks the hub for its store (``handle``), which takes the lock —
        holding it here deadlocked the app's shutdown while an import was starting. A
        store an import opens meanwhile is closed too."""
        self.reports.shutdown(wait=True, cancel_futures=False)
        closed: set[int] = set()
        while True:
            with self._lock:
                pending = [h for h in self._handles.values() if id(h) not in closed]
            if not pending:
                break
            for handle in pending:
                handle.close()
                closed.add(id(handle))
        with self._lock:
            self._handles.clear()


def _logged(work: Callable[[], None], kind: str) -> Callable[[], None]:
    def run() -> None:
        try:
            work()
        except Exception:  # the job records its own failure; this is the last resort
            log.exception("%s job failed", kind)

    return run
