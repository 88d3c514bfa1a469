"""What an import did, file by file: counts, quarantined records, notices."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class QuarantineEntry:
    """One quarantined record: which file, where in it, and why."""

    file: str
    position: str
    reason: str


@dataclass(slots=True)
class FileReport:
    """The outcome of importing one file (or archive member, or snapshot)."""

    file: str
    format: str | None
    status: str  # ok | quarantined (every record) | failed | skipped
    import_id: int | None = None
    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    seconds: float = 0.0
    message: str | None = None
    notices: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    quarantine: list[QuarantineEntry] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


COUNTS = ("read", "new", "updated", "unchanged", "quarantined")


@dataclass(slots=True)
class ImportReport:
    """The outcome of one ``patnav import``: a report per file and the totals."""

    files: list[FileReport] = field(default_factory=list)
    error: str | None = None
    """Why the import stopped before its end (the store failed), if it did."""
    relations: dict[str, Any] | None = None
    """How the store's unit relations were brought up to date after the import
    (:func:`patnav.analyses.relations.refresh`), None if they were not."""

    @property
    def totals(self) -> dict[str, int]:
        totals = {name: sum(getattr(f, name) for f in self.files) for name in COUNTS}
        totals["files"] = len(self.files)
        totals["failed"] = sum(f.status == "failed" for f in self.files)
        totals["skipped"] = sum(f.status == "skipped" for f in self.files)
        totals["all_quarantined"] = sum(f.status == "quarantined" for f in self.files)
        return totals

    @property
    def ok(self) -> bool:
        """True when the import ran to its end, no file failed and no file had every
        record quarantined."""
        return self.error is None and not any(
            f.status in ("failed", "quarantined") for f in self.files
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "error": self.error,
            "totals": self.totals,
            "files": [f.to_dict() for f in self.files],
        }
