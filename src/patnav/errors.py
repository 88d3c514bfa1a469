"""Every exception class of patnav, and the helpers that quote bad input in their messages.

```
Exception
├── PatnavError                          every error patnav raises on purpose
│   ├── InputError(ValueError)           the user can fix it
│   │   ├── ParseError                   .path .position .reason: a file is not its format
│   │   ├── UnsafeInputError             archive bomb, oversized file or field, hostile markup
│   │   │   └── UnsafeYamlError          (also a YamlError) YAML over a size/alias/depth limit
│   │   ├── MappingError                 a column-mapping file is wrong
│   │   ├── InvalidParameterError        a bad option or argument value
│   │   │   └── ReportTypeError          a spec type no outline writes (FTO: patnav fto)
│   │   ├── ScheduleError                a fee or term schedule file is malformed
│   │   ├── WeightsError                 a model's weights file is malformed
│   │   ├── YamlError                    .source .line .column .problem(_zh): bad YAML text
│   │   │   └── UnsafeYamlError          (see above)
│   │   ├── SpecError                    a navigation spec is malformed
│   │   ├── MissingCredentialsError      .setting: a connector's key or token is not set
│   │   └── QuerySyntaxError             .query .column .message(_zh): a 检索式 does not parse
│   ├── StoreError                       the store is missing, locked, damaged, or newer
│   │   ├── StoreFailedError             .recovered: DuckDB invalidated it: reopen it
│   │   └── StoreUnavailableError        .store_id .reason: a platform store is out (503)
│   ├── NotFittedError(ValueError)       a model asked for scores before fit(store)
│   ├── FontError                        no font with Chinese glyphs to draw charts
│   ├── NotFoundError(LookupError)       no such object, or one the user may not see (404)
│   ├── AccessDeniedError(PermissionError)  the user sees it but may not do this (403)
│   ├── LoginFailedError                 wrong user name or password
│   ├── LoginThrottledError              .retry_after_s .scope: too many failed sign-ins
│   ├── LoginRequiredError               a page needs a signed-in user (redirect)
│   ├── UnauthorizedError                an API call without a valid token or session (401)
│   ├── CsrfError                        a change without the session's CSRF token (403)
│   ├── TooManyPendingError              .kind .limit: too many queued jobs (429)
│   ├── ExternalServiceError             .service: an outside service (USPTO ODP, EPO OPS,
│                                        Lens) is unreachable, refuses or answers an error
│   └── DeliveryError                    .channel .reason: a notification was not delivered
├── ValueError                           internal signals, caught where they are raised:
│   ├── FieldValueError                  .message_zh: a query value (→ QuerySyntaxError)
│   ├── RowError                         a table row is no record (→ quarantine)
│   ├── LineTooLongError                 .number .length: a line over the limit (→ quarantine)
│   ├── BadDocumentError                 an XML document does not parse (→ quarantine)
│   ├── UnsafeDocumentError              an XML document declares entities (→ quarantine)
│   ├── SkippedDocumentError             readable XML, no record (→ quarantine)
│   └── IgnoredDocumentError             not a record, no quarantine (a sequence listing)
├── KeyError
│   └── MissingTextError                 .catalogue .key: a text no catalogue has (a bug)
├── StoreDownError                       .error: the store died mid-import (→ report.error)
└── BodyTooLargeError                    a request body passes the limit (→ 413)

click.ClickException
└── patnav.cli.CommandError              a CLI error shown as one line (it needs click,
                                         which the core never imports)
```

One naming rule: every class ends in ``Error``. Where a built-in exception fits, the
class subclasses it too (``InputError(ValueError)``), so callers can catch either one.
The internal signals are not ``PatnavError``: a caller never sees them, the module that
raises one catches it and turns it into a quarantine entry or a ``PatnavError``.

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


# -- errors a caller sees: PatnavError ---------------------------------------------


class PatnavError(Exception):
    """Base class of every error patnav raises on purpose."""


class InputError(PatnavError, ValueError):
    """The input is wrong in a way the user can fix."""


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


class WeightsError(InputError):
    """A model's weights file (``models/value/weights.yaml`` or ``--weights FILE``) is
    malformed: an unknown use or indicator, a weight that is no number, cut points out of
    order."""


class NotFittedError(PatnavError, ValueError):
    """A model (value, capability …) was asked for scores before ``fit(store)``."""


class ReportTypeError(InvalidParameterError):
    """The spec asks for a report type no outline writes (FTO reports: ``patnav fto``)."""


class YamlError(InputError):
    """A YAML text cannot be read: its syntax, a duplicate key or a refused tag.

    ``line`` and ``column`` are 1-based (None when the problem concerns the whole text);
    ``problem`` is the message without the source and position, ``problem_zh`` the same
    in Chinese (None for a syntax error: libyaml words those in English).
    """

    def __init__(
        self,
        source: str,
        problem: str,
        *,
        problem_zh: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.source = source
        self.problem = problem
        self.problem_zh = problem_zh
        self.line = line
        self.column = column
        where = f"{source}, line {line}" if line is not None else source
        super().__init__(f"{where}: {problem}")


class UnsafeYamlError(YamlError, UnsafeInputError):
    """A YAML text breaks a limit of :class:`~patnav.yamlsafe.YamlLimits` (too large,
    too many aliases, too deep, too many nodes once aliases are expanded)."""


class SpecError(InputError):
    """A navigation spec is malformed: the message names the place and the fix."""


class QuerySyntaxError(InputError):
    """A query that cannot be parsed, with the 1-based column of the problem.

    ``message`` is English (``str(error)`` is it plus the caret block, as the CLI shows);
    ``message_zh`` says the same for Chinese analysts (第 N 列, 括号, 引号 …). Every raise
    site writes both texts side by side so they stay in step.
    """

    def __init__(self, query: str, column: int, message: str, message_zh: str) -> None:
        self.query = query
        self.column = column
        self.message = message
        self.message_zh = message_zh
        super().__init__(f"{message}\n{self.caret()}")

    def message_in(self, lang: str) -> str:
        """The message alone in ``lang``: English for ``"en"``, else Chinese (the
        platform's default language)."""
        return self.message if lang == "en" else self.message_zh

    def localized(self, lang: str) -> str:
        """The message in ``lang`` followed by the caret block (``str(error)`` in
        English)."""
        return f"{self.message_in(lang)}\n{self.caret()}"

    def caret(self) -> str:
        """The query line (shortened around the problem) with a caret under it."""
        line = self.query.replace("\n", " ").replace("\t", " ")
        start = max(0, self.column - 1 - 60)
        snippet = line[start : start + 120]
        prefix = "…" if start else ""
        pad = _display_width(prefix + snippet[: self.column - 1 - start])
        return f"  {prefix}{snippet}\n  {' ' * pad}^"


# -- the store ------------------------------------------------------------------------


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


class StoreUnavailableError(StoreError):
    """A store has failed (it cannot be opened, or DuckDB invalidated it): requests that
    touch it are refused with 503 until it opens again; other stores are unaffected."""

    def __init__(self, store_id: int, reason: str) -> None:
        self.store_id = store_id
        self.reason = reason
        super().__init__(
            f"Store {store_id} has failed and is out of service: {reason[:300]}. Other "
            "stores work as before; an administrator will find the failure in the audit "
            "log (restore the store's file from a backup, then it opens again)."
        )


# -- reports, the web platform and its accounts -------------------------------------


class FontError(PatnavError):
    """No font with Chinese glyphs is available to draw charts."""


class NotFoundError(PatnavError, LookupError):
    """The object does not exist, or the user may not see it (the two look the same)."""


class AccessDeniedError(PatnavError, PermissionError):
    """The user may see the object but not do this to it."""


class LoginFailedError(PatnavError):
    """Wrong user name or password (which one is never said)."""


class LoginThrottledError(PatnavError):
    """Too many failed sign-ins: locked for ``retry_after_s`` seconds; ``scope`` says
    what is locked: ``"address"`` (sign-in from this address) or ``"account"`` (this
    user name, from anywhere)."""

    def __init__(self, retry_after_s: int, scope: str = "address") -> None:
        self.retry_after_s = retry_after_s
        self.scope = scope
        minutes = max(1, (retry_after_s + 59) // 60)
        what = (
            "this account's sign-in is locked"
            if scope == "account"
            else "sign-in from this address is locked"
        )
        super().__init__(
            f"Too many failed sign-ins: {what} for {minutes} more minute(s). Wait, or "
            "ask an administrator to reset your password."
        )


class LoginRequiredError(PatnavError):
    """A page needs a signed-in user; the handler redirects to the sign-in page."""


class UnauthorizedError(PatnavError):
    """An API call without a valid token or session (401)."""


class CsrfError(PatnavError):
    """A state-changing request without the session's CSRF token (403)."""


class TooManyPendingError(PatnavError):
    """A user has as many imports (or reports) queued or running as allowed (429)."""

    def __init__(self, kind: str, limit: int) -> None:
        self.kind = kind
        self.limit = limit
        self.retry_after_s = 30
        super().__init__(
            f"You have {limit} {kind}s queued or running already: wait until one "
            "finishes, then start the next."
        )


# -- connectors (patnav fetch) ---------------------------------------------------------


class MissingCredentialsError(InputError):
    """A connector needs a key, secret or token that is set neither in the settings nor
    in the environment; ``setting`` names the setting (its variable is
    ``PATNAV_<SETTING>``)."""

    def __init__(self, service: str, setting: str, how: str) -> None:
        self.service = service
        self.setting = setting
        super().__init__(
            f"{service} needs credentials: set PATNAV_{setting.upper()} (the setting "
            f"'{setting}') in the environment. {how}"
        )


class ExternalServiceError(PatnavError):
    """An outside service (``service``: USPTO ODP, EPO OPS, Lens) cannot be reached,
    refuses the credentials, or answers with an error after the retries. The message
    never holds a credential."""

    def __init__(self, service: str, message: str) -> None:
        self.service = service
        super().__init__(message)


class DeliveryError(PatnavError):
    """A notification could not be delivered: the SMTP server is not configured or
    refused it, a webhook receiver failed or could not be reached. ``retryable`` says
    whether trying again may help (a 5xx answer, a timeout) or not (a 4xx answer)."""

    def __init__(self, channel: str, reason: str, *, retryable: bool = False) -> None:
        self.channel = channel
        self.reason = reason
        self.retryable = retryable
        super().__init__(f"Cannot deliver by {channel}: {reason}")


# -- internal signals: raised and caught inside patnav, never seen by a caller ---------


class FieldValueError(ValueError):
    """A field value that cannot be read; the message says what was expected.

    ``str(problem)`` is the English message; ``message_zh`` says the same in Chinese.
    """

    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.message_zh = message_zh


class RowError(ValueError):
    """A row that cannot become a record; the message says why."""


class LineTooLongError(ValueError):
    """A line longer than the limit; its rest was skipped without being held."""

    def __init__(self, number: int, length: int, limit: int, setting: str) -> None:
        self.number = number
        self.length = length
        super().__init__(
            f"line {number:,} is {length:,} characters long, over the limit of "
            f"{limit:,} ({setting}); it was skipped unread. Check the export, or raise "
            "the limit if it is genuine."
        )


class BadDocumentError(ValueError):
    """A document cannot be parsed (not well-formed, truncated, empty)."""


class UnsafeDocumentError(ValueError):
    """A document declares entities: refused without expanding or fetching anything."""


class SkippedDocumentError(ValueError):
    """A document that is readable XML but not a record this reader can build; the
    message says why (the reader quarantines it)."""


class IgnoredDocumentError(ValueError):
    """A document that is not a record and needs no quarantine (a USPTO sequence listing
    between the grants of a weekly file); the message names what it is."""


class MissingTextError(KeyError):
    """A text looked up by a key its catalogue (:class:`patnav.i18n.Catalogue`) lacks:
    a bug, not bad input, so it is no :class:`PatnavError` and shows as an internal error."""

    def __init__(self, catalogue: str, key: str) -> None:
        self.catalogue = catalogue
        self.key = key
        super().__init__(
            f"No text {key!r} in {catalogue}: add it there with its Chinese and English "
            "text, or correct the key."
        )

    def __str__(self) -> str:
        return str(self.args[0])


class StoreDownError(Exception):
    """The store failed and could not be reopened: the import cannot go on."""

    def __init__(self, error: StoreFailedError) -> None:
        super().__init__(str(error))
        self.error = error


class BodyTooLargeError(Exception):
    """Raised inside ``receive`` when a request body passes the limit."""


def _display_width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
