"""Where the platform's files live under the data root, and how they are named.

```
<data_root>/
    platform.sqlite3          the platform database (default)
    secret.key                signs cookies and CSRF tokens
    tenants/<tenant id>/
        stores/<uuid>.duckdb  a store (its search index beside it: <uuid>.duckdb.search/)
        uploads/<uuid>.<ext>  uploaded files, kept for the import report
        reports/<uuid>.<ext>  generated reports
        publications/<uuid>.<ext>
```

Folders are created readable by the owner only (0700), uploads written 0600; ``patnav
serve`` runs with the umask 077, so whatever else it writes is owner-only too.

A name a user gives (an upload's file name) is only ever *displayed*: files are saved under
a generated name with a suffix from a fixed list, and every path read back from the database
is resolved and checked to lie inside the data root.
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path
from typing import BinaryIO

from patnav.errors import InputError, UnsafeInputError

KINDS: tuple[str, ...] = ("stores", "uploads", "reports", "publications")

UPLOAD_SUFFIXES: tuple[str, ...] = (
    ".csv.gz",
    ".tsv.gz",
    ".txt.gz",
    ".xml.gz",
    ".jsonl.gz",
    ".json.gz",
    ".xlsx",
    ".xls",
    ".csv",
    ".tsv",
    ".txt",
    ".json",
    ".jsonl",
    ".ndjson",
    ".xml",
    ".ciw",
    ".zip",
    ".gz",
)
"""File types an upload may have (longest first); anything else is refused."""

PUBLICATION_SUFFIXES: tuple[str, ...] = (".docx", ".pdf", ".html", ".xlsx", ".zip")

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def display_name(original: str | None, *, fallback: str = "upload") -> str:
    """A file name fit to show: the last path part, no control characters, at most 200
    characters. Never used to build a path."""
    name = (original or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _CONTROL.sub("", name).strip().lstrip(".")
    return name[:200] or fallback


def upload_suffix(original: str | None) -> str:
    """The allowed suffix of an uploaded file's name, lower-cased.

    Raises:
        InputError: the name has none of :data:`UPLOAD_SUFFIXES`.
    """
    name = display_name(original).lower()
    for suffix in UPLOAD_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return suffix
    raise InputError(
        f"Cannot import '{display_name(original)}': patnav imports "
        f"{', '.join(s.lstrip('.') for s in UPLOAD_SUFFIXES[6:])} files (and gzip of "
        "them). Export from the database in one of those formats, or zip the files."
    )


def tenant_folder(root: Path, tenant_id: int, kind: str) -> Path:
    """``<root>/tenants/<tenant_id>/<kind>``, created if missing, each level readable by
    the owner only (0700)."""
    if kind not in KINDS:
        raise ValueError(f"unknown file kind {kind!r}")
    folder = root
    for part in ("tenants", str(int(tenant_id)), kind):
        folder = folder / part
        if not folder.is_dir():
            folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def create_private(path: Path) -> BinaryIO:
    """Open a new file for writing, readable by the owner only (0600).

    Raises:
        FileExistsError: the path exists (generated names never collide).
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(fd, "wb")


def new_file(root: Path, tenant_id: int, kind: str, suffix: str) -> tuple[Path, str]:
    """A fresh, generated path for a tenant's file: (absolute path, path relative to the
    root, as stored in the database)."""
    if not re.fullmatch(r"(\.[a-z0-9]{1,6}){1,2}", suffix):
        raise ValueError(f"unsafe suffix {suffix!r}")
    path = tenant_folder(root, tenant_id, kind) / f"{uuid.uuid4().hex}{suffix}"
    return path, path.relative_to(root).as_posix()


def resolve(root: Path, relative: str) -> Path:
    """The absolute path of a file recorded relative to the root.

    Raises:
        UnsafeInputError: the recorded path leads outside the data root.
    """
    base = root.resolve()
    path = (base / relative).resolve()
    if not path.is_relative_to(base) or path == base:
        raise UnsafeInputError(
            f"The recorded file '{relative}' lies outside the data root: refused."
        )
    return path
