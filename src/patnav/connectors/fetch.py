"""``patnav fetch``: ask a service for documents, keep its answers, import them.

1. The numbers: given (``--numbers``, ``--file``), or those the store holds for a saved
   set's documents (``--set``): application numbers of US documents for the USPTO,
   publication numbers for EPO OPS and Lens. Lens also takes a search (``--query``).
2. The connector asks the service (:mod:`patnav.connectors.http`: timeouts, retries,
   rate limit) and hands back each answer unchanged.
3. The answers are written to a new folder under ``fetch_dir``
   (``<service>-<UTC time>``), kept as the provenance of what was imported.
4. The folder's files are imported by :func:`patnav.ingest.pipeline.import_paths`,
   each with the reader of its kind of answer, exactly as ``patnav import`` would: one
   transaction per file, bad records quarantined with their reasons, an ``imports`` row
   naming the file. Importing merges onto the documents of the same number, so a second
   fetch of the same numbers adds nothing and changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from patnav.config import Settings
from patnav.connectors import lens_json
from patnav.connectors.base import Fetched, Missing
from patnav.connectors.epo_ops import EpoOps, epodoc_number
from patnav.connectors.http import HttpClient, RetryPolicy
from patnav.connectors.lens import Lens, lens_number
from patnav.connectors.uspto_odp import UsptoOdp, application_number
from patnav.errors import ExternalServiceError, InvalidParameterError
from patnav.ingest.base import file_source
from patnav.ingest.pipeline import import_paths, import_source, read_options
from patnav.ingest.report import ImportReport
from patnav.storage.store import PatentStore

SERVICES = ("uspto", "epo", "lens")
"""The services ``patnav fetch`` knows, by the name the command takes."""


@dataclass(frozen=True)
class FetchReport:
    """What a fetch asked, received, kept and imported."""

    service: str
    folder: Path
    numbers: tuple[str, ...]
    query: str | None
    what: tuple[str, ...]
    requests: int
    fetched: tuple[Fetched, ...]
    missing: tuple[Missing, ...]
    imported: ImportReport
    stopped: str | None = None
    """Why the fetch stopped before its end (the service refused or went away after
    some answers arrived; those were kept and imported), if it did."""

    @property
    def ok(self) -> bool:
        """True when the fetch ran to its end and every answer imported cleanly
        (numbers the service has nothing for aside)."""
        return self.stopped is None and self.imported.ok

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "service": self.service,
            "folder": str(self.folder),
            "numbers": list(self.numbers),
            "query": self.query,
            "what": list(self.what),
            "requests": self.requests,
            "fetched": [f.to_dict() for f in self.fetched],
            "missing": [m.to_dict() for m in self.missing],
            "stopped": self.stopped,
            "import": self.imported.to_dict(),
        }


def parse_what(service: str, text: str | None) -> tuple[str, ...]:
    """The kinds of data asked (``biblio,legal``), checked against what the service
    gives; its default when ``text`` is None.

    Raises:
        InvalidParameterError: a kind the service does not give.
    """
    connector = _CLASSES[_service(service)]
    if text is None:
        return connector.default_what
    asked = tuple(dict.fromkeys(p.strip() for p in text.split(",") if p.strip()))
    unknown = [w for w in asked if w not in connector.what]
    if unknown or not asked:
        raise InvalidParameterError(
            f"--what for {service} takes {', '.join(connector.what)} (comma-separated). "
            f"Got {text!r}."
        )
    return asked


def _service(name: str) -> str:
    if name not in SERVICES:
        raise InvalidParameterError(
            f"Unknown service {name!r}: patnav fetch knows {', '.join(SERVICES)}."
        )
    return name


def service_numbers(service: str, numbers: Iterable[str]) -> tuple[str, ...]:
    """The numbers in the form the service takes, without repeats, in order.

    Raises:
        InvalidParameterError: a number the service cannot take.
    """
    form: Callable[[str], str] = {
        "uspto": application_number,
        "epo": epodoc_number,
        "lens": lens_number,
    }[_service(service)]
    return tuple(dict.fromkeys(form(n) for n in numbers if n.strip()))


def read_numbers(path: Path) -> list[str]:
    """The numbers of a list file: one or more a line, separated by commas, spaces or
    semicolons; ``#`` starts a comment."""
    out: list[str] = []
    for line in path.read_text("utf-8-sig").splitlines():
        line = line.split("#", 1)[0]
        out += [p for p in line.replace(";", ",").replace(" ", ",").split(",") if p]
    return out


def set_numbers(store: PatentStore, service: str, name: str) -> list[str]:
    """The numbers a service takes for the documents of a saved set: the application
    numbers of its US documents for the USPTO, publication numbers otherwise.

    Raises:
        NotFoundError: no set of that name.
    """
    from patnav.search.sets import set_members

    return numbers_of(store, service, set_members(store, name))


def monitor_numbers(store: PatentStore, service: str, name: str) -> list[str]:
    """The numbers a service takes for what a monitor watches: its target's documents
    (as :func:`set_numbers` gives them), and a portfolio's numbers the store does not
    hold yet (what a fetch is for).

    Raises:
        NotFoundError: no monitor of that name, or its saved set is gone.
    """
    from patnav.monitors.model import get_monitor
    from patnav.monitors.runner import target_documents

    monitor = get_monitor(store, name)
    held, _missing = target_documents(store, monitor)
    numbers = numbers_of(store, service, held)
    if monitor.target_kind == "numbers":
        numbers += list(monitor.numbers)
    return list(dict.fromkeys(numbers))


def numbers_of(store: PatentStore, service: str, members: Sequence[str]) -> list[str]:
    """The numbers a service takes for these documents: the application numbers of the
    US documents for the USPTO, publication numbers otherwise."""
    if not members:
        return []
    rows = store.rows(
        "SELECT doc_id, office, pub_number, app_number FROM patents "
        "WHERE doc_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY doc_id",
        [members],
    )
    if service == "uspto":
        return [app for _, office, _, app in rows if office == "US" and app is not None]
    return [pub for _, _, pub, _ in rows if pub is not None]


def connector_for(
    service: str, settings: Settings, client: HttpClient
) -> UsptoOdp | EpoOps | Lens:
    """The connector of a service (checks its credentials).

    Raises:
        MissingCredentialsError: the service's key or token is not set.
    """
    return _CLASSES[_service(service)](settings, client)


_CLASSES: dict[str, type[UsptoOdp] | type[EpoOps] | type[Lens]] = {
    "uspto": UsptoOdp,
    "epo": EpoOps,
    "lens": Lens,
}
SERVICE_NAMES = {"uspto": "USPTO ODP", "epo": "EPO OPS", "lens": "Lens"}
"""The services' names in messages."""


def _folder(settings: Settings, service: str, now: datetime) -> Path:
    base = settings.fetch_dir / f"{service}-{now:%Y%m%dT%H%M%SZ}"
    folder, n = base, 1
    while folder.exists():
        n += 1
        folder = base.with_name(f"{base.name}-{n}")
    return folder


def fetch(
    store: PatentStore,
    settings: Settings,
    service: str,
    *,
    numbers: Sequence[str] = (),
    set_name: str | None = None,
    monitor: str | None = None,
    query: str | None = None,
    what: Sequence[str] | None = None,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    now: datetime | None = None,
) -> FetchReport:
    """Fetch documents from a service into the store, keeping the answers.

    Args:
        store: the open, writable store.
        settings: credentials, addresses, retry policy, ``fetch_dir``.
        service: ``uspto``, ``epo`` or ``lens``.
        numbers: numbers in any written form (see :func:`service_numbers`).
        set_name: a saved set whose documents' numbers are fetched too
            (:func:`set_numbers`).
        monitor: a monitor whose target's numbers are fetched too
            (:func:`monitor_numbers`: a portfolio's numbers not held yet included).
        query: a Lens search, instead of numbers.
        what: kinds of data (:func:`parse_what`); the service's default when None.
        transport, sleep, clock: for tests (an ``httpx.MockTransport``, fake time).
        now: the fetch's time (names its folder).

    Raises:
        InvalidParameterError: nothing to fetch, a number or kind the service does not
            take, a query for a service other than Lens, or a set without documents the
            service takes.
        NotFoundError: no saved set of that name.
        MissingCredentialsError: the service's credentials are not set.
        ExternalServiceError: the service cannot be reached or refuses.
    """
    _service(service)
    kinds = parse_what(service, None if what is None else ",".join(what))
    if query is not None and service != "lens":
        raise InvalidParameterError(
            "--query searches Lens only; for the USPTO and EPO OPS give numbers "
            "(--numbers, --file) or a saved set (--set)."
        )
    given = list(numbers)
    if set_name is not None:
        held = set_numbers(store, service, set_name)
        if not held:
            raise InvalidParameterError(
                f"The set '{set_name}' holds no documents with a number {service} takes"
                + (" (US application numbers)" if service == "uspto" else "")
                + ": nothing to fetch."
            )
        given += held
    if monitor is not None:
        watched = monitor_numbers(store, service, monitor)
        if not watched:
            raise InvalidParameterError(
                f"The monitor '{monitor}' watches no documents with a number {service} "
                "takes: nothing to fetch."
            )
        given += watched
    wanted = service_numbers(service, given)
    if wanted and query is not None:
        raise InvalidParameterError(
            "Give numbers (--numbers, --file, --set) or a search (--query), not both."
        )
    if not wanted and not (query and query.strip()):
        raise InvalidParameterError(
            "Nothing to fetch: give numbers (--numbers N1,N2 or --file LIST), a saved "
            "set that holds documents of this service (--set NAME)"
            + (", or a search (--query)." if service == "lens" else ".")
        )
    client = HttpClient(
        SERVICE_NAMES[service],
        RetryPolicy.from_settings(settings),
        transport=transport,
        sleep=sleep,
        clock=clock,
    )
    fetched: list[Fetched] = []
    missing: list[Missing] = []
    stopped: str | None = None
    with client:
        connector = connector_for(service, settings, client)
        answers = (
            connector.search(query, kinds)
            if isinstance(connector, Lens) and query
            else connector.fetch(wanted, kinds)
        )
        try:
            for answer in answers:
                if isinstance(answer, Fetched):
                    fetched.append(answer)
                else:
                    missing.append(answer)
        except ExternalServiceError as exc:
            if not fetched:
                raise
            # the quota ran out, or the service went away, half-way: keep and import
            # what arrived, and say why the rest did not
            stopped = str(exc)
    moment = now or datetime.now(UTC)
    folder = _folder(settings, service, moment)
    imported = ImportReport()
    if fetched:
        folder.mkdir(parents=True)
        by_format: dict[str, list[Path]] = {}
        for answer in fetched:
            path = folder / answer.name
            path.write_bytes(answer.content)
            by_format.setdefault(answer.fmt, []).append(path)
        for fmt, paths in by_format.items():
            if fmt == lens_json.FORMAT:
                report = _import_unregistered(store, paths, settings)
            else:
                report = import_paths(store, paths, settings=settings, fmt=fmt)
            imported.files.extend(report.files)
            if report.error:
                imported.error = report.error
                break
    return FetchReport(
        service=service,
        folder=folder,
        numbers=wanted,
        query=query,
        what=kinds,
        requests=client.requests,
        fetched=tuple(fetched),
        missing=tuple(missing),
        stopped=stopped,
        imported=imported,
    )


def _import_unregistered(
    store: PatentStore, paths: Sequence[Path], settings: Settings
) -> ImportReport:
    """Import Lens API answers through the pipeline's one-file transaction
    (:func:`~patnav.ingest.pipeline.import_source`: quarantine, ``imports`` row) with
    the Lens reader, which ``patnav import`` does not offer (see
    :mod:`patnav.connectors.lens_json`)."""
    report = ImportReport()
    options = read_options(settings)
    with store.memory_limit(settings.import_memory_limit):
        for path in paths:
            report.files.append(
                import_source(
                    store,
                    file_source(path),
                    lens_json,
                    options=options,
                    batch_size=settings.batch_size,
                    batch_bytes=settings.batch_mb * 1024 * 1024,
                )
            )
    return report
