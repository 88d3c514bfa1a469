"""The exceptions patnav raises.

```
PatnavError
├── InputError(ValueError)          the user can fix it
│   ├── UnsupportedFormatError      no reader recognises the file
│   ├── ParseError                  .path, .position, .reason
│   ├── UnsafeInputError            archive bomb, oversized file or field, hostile
markup │   ├── MappingError                a column-mapping file is wrong │   └──
InvalidParameterError       a bad option or argument value ├──
NotFittedError(ValueError)      a model was used before fit() ├── StoreError
the store is missing, locked, or of a newer schema └── ExternalServiceError            a
connector or outside service failed
```

Every message says what was expected, what was found, and what to try next.
"""

from __future__ import annotations

from pathlib import Path


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


class NotFittedError(PatnavError, ValueError):
    """A model's score() or transform() was called before fit()."""


class StoreError(PatnavError):
    """The store file is missing, locked, or was written by a newer schema version."""


class ExternalServiceError(PatnavError):
    """An outside service (API connector, geocoder) failed or answered unexpectedly."""
