"""The exceptions patnav raises, and the helper that quotes bad input in their messages.

```
PatnavError
├── InputError(ValueError)          the user can fix it
│   ├── UnsupportedFormatError      no reader recognises the file
│   ├── ParseError                  .path, .position, .reason
│   ├── UnsafeInputError            archive bomb, oversized file or field, hostile markup
│   ├── MappingError                a column-mapping file is wrong
│   ├── InvalidParameterError       a bad option or argument value
│   └── ScheduleError               a fee or term schedule file is malformed
├── NotFittedError(ValueError)      a model was used before fit()
├── StoreError                      the store is missing, locked, damaged, or of a newer
│   │                               schema
│   └── StoreFailedError            the database stopped (DuckDB invalidated it): reopen it
└── ExternalServiceError            a connector or outside service failed
```

Every message says what was expected, what was found, and what to try next. A message
that quotes input (a cell, a row, a line, a parser's complaint) quotes it through
:func:`excerpt`, so a hostile or broken file can never make a message, an ``imports``
row or a ``quarantine`` reason large.
"""

from __future__ import annotations

import reprlib
from pathlib import Path

EXCERPT_CHARS = 80
"""Characters of bad input quoted in a message."""
MESSAGE_CHARS = 2000
"""Characters of a message (an import's failure, a quarantine reason) kept at most."""

_SHORT_REPR = reprlib.Repr()
_SHORT_REPR.maxstring = 24
_SHORT_REPR.maxother = 24
_SHORT_REPR.maxlist = _SHORT_REPR.maxtuple = _SHORT_REPR.maxdict = 6
_SHORT_REPR.maxlevel = 2


def excerpt(value: object, limit: int = EXCERPT_CHARS) -> str:
    """A short, quoted excerpt of untrusted input, for a message.

    A string (or bytes) is quoted like ``repr``, control characters escaped; when it is
    longer than ``limit`` it is cut and the excerpt says how long it was:
    ``'xxxx…' (1,048,575 characters)``. A list or tuple (a row of cells) shows its
    first six items, each so cut at 20 characters; anything else a bounded ``repr``.
    The result is never more than a few hundred characters.
    """
    if isinstance(value, str | bytes):
        shown = repr(value[:limit])
        cut = len(value) > limit
        if len(shown) > limit + 3:  # escapes made it longer: cut the quoted form
            shown, cut = shown[:limit], True
        if not cut:
            return shown
        unit = "characters" if isinstance(value, str) else "bytes"
        return f"{shown}… ({len(value):,} {unit})"
    if isinstance(value, list | tuple):  # a row of cells: a few, each cut short
        cells = [excerpt(cell, 20) for cell in value[:6]]
        more = f", … {len(value):,} cells" if len(value) > 6 else ""
        return "[" + ", ".join(cells) + more + "]"
    text = _SHORT_REPR.repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def clip(message: str, limit: int = MESSAGE_CHARS) -> str:
    """``message`` cut to ``limit`` characters, saying so: the last guard before a
    message is stored or shown, whatever built it."""
    if len(message) <= limit:
        return message
    return f"{message[:limit]}… (message cut: {len(message):,} characters)"


class PatnavError(Exception):
    """Base class of every error patnav raises on purpose."""


class InputError(PatnavError, ValueError):
    """The input is wrong in a way the user can fix."""


class UnsupportedFormatError(InputError):
    """No registered reader recognises the file."""


class ParseError(InputError):
    """A file, or a part of it, cannot be read as the format it claims to be."""

    def __init__(
        self, path: Path | str, reason: str, *, position: str | None = None
    ) -> None:
        self.path = str(path)
        self.position = position
        self.reason = reason
        where = f"{self.path}, {position}" if position else self.path
        super().__init__(f"Cannot read {where}: {reason}")


class UnsafeInputError(InputError):
    """The input exceeds a safety limit: archive bomb, oversized file or field."""


class MappingError(InputError):
    """A column-mapping file is malformed or names an unknown field."""


class InvalidParameterError(InputError):
    """An option or argument has a value outside what it accepts."""


class ScheduleError(InputError):
    """A fee or term schedule file (``fees/schedules/*.yaml``) is malformed."""


class NotFittedError(PatnavError, ValueError):
    """A model's score() or transform() was called before fit()."""


class StoreError(PatnavError):
    """The store file is missing, locked, damaged, or was written by a newer schema
    version."""


class StoreFailedError(StoreError):
    """DuckDB stopped the database after a fatal error (out of memory while writing a
    checkpoint, a failed disk write): every statement fails until it is reopened.

    ``recovered`` is true when patnav reopened the store itself, at its last committed
    state; otherwise the caller must close every handle on it and open it again.
    """

    def __init__(self, message: str, *, recovered: bool = False) -> None:
        super().__init__(message)
        self.recovered = recovered


class ExternalServiceError(PatnavError):
    """An outside service (API connector, geocoder) failed or answered unexpectedly."""
