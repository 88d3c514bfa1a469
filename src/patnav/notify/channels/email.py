"""E-mail over SMTP with the standard library: one alert, or a digest, per message.

Messages are plain text in UTF-8 with RFC 2047-encoded Chinese subjects
(:mod:`email.message` with the SMTP policy). :class:`SmtpMailer` connects to the server
the settings name (``PATNAV_SMTP_HOST`` …), switches to TLS with STARTTLS unless told not
to, signs in when a user is set, and sends. The password lives only in
:class:`SmtpConfig` (hidden from its ``repr``) and on the wire after TLS: it is never
logged, stored or put in an error message.
"""

from __future__ import annotations

import base64
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Protocol

from patnav.config import Settings
from patnav.errors import DeliveryError, InvalidParameterError, excerpt
from patnav.notify.alert import Alert
from patnav.notify.digest import Digest
from patnav.notify.templates import (
    alert_subject,
    alert_text,
    digest_subject,
    digest_text,
)


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    """Where and how to send mail; built from the settings by :meth:`from_settings`."""

    host: str
    port: int = 587
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    from_address: str = "patnav@localhost"
    starttls: bool = True
    timeout_s: float = 30.0
    ca_file: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig | None:
        """The SMTP configuration of the settings; ``None`` when no host is set."""
        if not settings.smtp_host:
            return None
        password = settings.smtp_password
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            user=settings.smtp_user,
            password=password.get_secret_value() if password else None,
            from_address=settings.smtp_from,
            starttls=settings.smtp_starttls,
            timeout_s=settings.smtp_timeout_s,
            ca_file=str(settings.smtp_ca_file) if settings.smtp_ca_file else None,
        )


def check_address(address: str) -> str:
    """``address`` if it is one plain e-mail address (``name@domain``), stripped.

    Raises:
        InvalidParameterError: it is empty, has no domain, holds a line break, or is
            more than one address.
    """
    value = address.strip()
    try:
        parsed = Address(addr_spec=value)
    except (ValueError, IndexError):
        parsed = None
    if parsed is None or not parsed.username or "." not in parsed.domain:
        raise InvalidParameterError(
            f"{excerpt(address)} is no e-mail address: give one address such as "
            "analyst@example.cn."
        )
    return value


def build_message(
    *, sender: str, to: Sequence[str], subject: str, text: str
) -> EmailMessage:
    """A UTF-8 plain-text message with the headers a mail server expects."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies
    message.set_content(text, charset="utf-8")
    return message


def alert_message(
    alert: Alert, *, sender: str, to: Sequence[str], lang: str = "zh"
) -> EmailMessage:
    """The e-mail of one alert."""
    return build_message(
        sender=sender,
        to=to,
        subject=alert_subject(alert, lang),
        text=alert_text(alert, lang),
    )


def digest_message(
    digest: Digest, *, sender: str, to: Sequence[str], lang: str = "zh"
) -> EmailMessage:
    """The e-mail of a digest."""
    return build_message(
        sender=sender,
        to=to,
        subject=digest_subject(digest, lang),
        text=digest_text(digest, lang),
    )


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """Sign in; a user name or password beyond ASCII (smtplib encodes them as ASCII and
    fails) goes by AUTH PLAIN in UTF-8, as RFC 4616 defines it."""
    if user.isascii() and password.isascii():
        smtp.login(user, password)
        return
    methods = (smtp.esmtp_features.get("auth") or "").upper().split()
    if "PLAIN" not in methods:
        raise DeliveryError(
            "email",
            "the SMTP user name or password has characters beyond ASCII, which only "
            "AUTH PLAIN carries, and the server does not offer it",
        )
    token = base64.b64encode(
        b"\0" + user.encode("utf-8") + b"\0" + password.encode("utf-8")
    ).decode("ascii")
    code, answer = smtp.docmd("AUTH", f"PLAIN {token}")
    if code not in (235, 503):  # 503: signed in already
        raise smtplib.SMTPAuthenticationError(code, answer)


class Mailer(Protocol):
    """Something that sends an e-mail message (tests may pass a fake)."""

    @property
    def sender(self) -> str:
        """The From address of the messages it sends."""
        ...

    def send(self, message: EmailMessage) -> None:
        """Send ``message`` to its To recipients; raise :class:`DeliveryError` if not."""
        ...


class SmtpMailer:
    """Sends messages through one SMTP server, one connection per message."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    @property
    def sender(self) -> str:
        return self.config.from_address

    def send(self, message: EmailMessage) -> None:
        """Send ``message``.

        Raises:
            DeliveryError: the server cannot be reached, does not offer STARTTLS when
                it is required, refuses the sign-in or a recipient.
        """
        config = self.config
        where = f"{config.host}:{config.port}"
        try:
            with smtplib.SMTP(
                config.host, config.port, timeout=config.timeout_s
            ) as smtp:
                smtp.ehlo()
                if config.starttls:
                    if not smtp.has_extn("starttls"):
                        raise DeliveryError(
                            "email",
                            f"the SMTP server {where} does not offer STARTTLS; use a "
                            "server that does, or set PATNAV_SMTP_STARTTLS=false for a "
                            "relay on a trusted network",
                        )
                    smtp.starttls(
                        context=ssl.create_default_context(cafile=config.ca_file)
                    )
                    smtp.ehlo()
                if config.user:
                    _login(smtp, config.user, config.password or "")
                refused = smtp.send_message(message)
        except DeliveryError:
            raise
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(
                "email",
                f"the SMTP server {where} refused the sign-in of user "
                f"{excerpt(config.user)} ({exc.smtp_code}); check PATNAV_SMTP_USER and "
                "PATNAV_SMTP_PASSWORD",
            ) from None
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(
                "email",
                f"the SMTP server {where} refused every recipient: "
                f"{excerpt(sorted(exc.recipients))}",
            ) from None
        except ssl.SSLCertVerificationError as exc:
            raise DeliveryError(
                "email",
                f"the certificate of the SMTP server {where} is not trusted "
                f"({excerpt(exc.verify_message, 100)}); if an internal authority issued "
                "it, name its PEM file in PATNAV_SMTP_CA_FILE",
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            # The exception's text is the server's answer or the socket's error; it
            # never holds the password (smtplib sends that only inside AUTH).
            raise DeliveryError(
                "email",
                f"sending through {where} failed: {type(exc).__name__}: "
                f"{excerpt(str(exc), 200)}",
                retryable=True,
            ) from None
        if refused:
            raise DeliveryError(
                "email",
                f"the SMTP server {where} refused {excerpt(sorted(refused))}",
            )
