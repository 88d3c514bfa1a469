"""What a connector hands back: a response to keep and import, or a number it could not
fetch, with the reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from patnav.config import Settings
from patnav.errors import MissingCredentialsError


@dataclass(frozen=True, slots=True)
class Fetched:
    """One response as the service sent it: ``content`` is written unchanged to the
    fetch folder (``name``) and imported with the reader ``fmt``."""

    number: str
    what: str
    name: str
    fmt: str
    url: str
    content: bytes

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "what": self.what,
            "file": self.name,
            "format": self.fmt,
            "url": self.url,
            "bytes": len(self.content),
        }


@dataclass(frozen=True, slots=True)
class Missing:
    """A number (or a query) the service has nothing for, or refused, and why."""

    number: str
    what: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "what": self.what, "reason": self.reason}


def secret(settings: Settings, setting: str, service: str, how: str) -> str:
    """The value of a credential setting.

    Raises:
        MissingCredentialsError: it is not set (or blank), naming the setting and its
            environment variable.
    """
    value = getattr(settings, setting)
    text = value.get_secret_value().strip() if value is not None else ""
    if not text:
        raise MissingCredentialsError(service, setting, how)
    return text


def file_stem(number: str) -> str:
    """A number as a file-name part: letters, digits, ``-`` only."""
    return "".join(c if c.isalnum() else "-" for c in number).strip("-") or "query"
