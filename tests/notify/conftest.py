"""Fixtures of the notification tests: a fresh platform with two tenants and their
users, alerts made from real records (the CNIPA export), a local SMTP server and a local
webhook receiver, each in a thread on 127.0.0.1.

The SMTP server is written here on :mod:`socketserver` (no ``smtpd``, no new
dependency) and speaks just enough SMTP: EHLO/HELO, AUTH PLAIN, MAIL, RCPT, DATA, RSET,
NOOP, QUIT. It keeps every message it accepts, with its envelope.
"""

from __future__ import annotations

import base64
import http.server
import socketserver
import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

# -- a tiny SMTP server -----------------------------------------------------------------


@dataclass
class Received:
    """One message the SMTP server accepted."""

    mail_from: str
    rcpt_to: list[str]
    data: bytes
    auth: tuple[str, str] | None
    tls: bool = False

    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class SmtpBox:
    """What the server saw: messages, and every command line (for checks on secrets)."""

    host: str
    port: int
    messages: list[Received] = field(default_factory=list)
    lines: list[bytes] = field(default_factory=list)
    users: dict[str, str] = field(default_factory=dict)
    offer_starttls: bool = False
    tls_context: ssl.SSLContext | None = None
    clear_lines: list[bytes] = field(default_factory=list)
    """The command lines received before TLS began (all of them without TLS)."""


class _SmtpHandler(socketserver.StreamRequestHandler):
    box: SmtpBox
    tls_socket: ssl.SSLSocket | None = None

    def finish(self) -> None:
        super().finish()
        if self.tls_socket is not None:  # the server closes only the plain socket
            self.tls_socket.close()

    def reply(self, text: str) -> None:
        self.wfile.write(text.encode("ascii") + b"\r\n")

    def handle(self) -> None:
        box = self.server.box  # type: ignore[attr-defined]
        self.reply("220 localhost test SMTP ready")
        mail_from: str | None = None
        rcpt: list[str] = []
        auth: tuple[str, str] | None = None
        tls = False
        while True:
            line = self.rfile.readline(65536)
            if not line:
                return
            box.lines.append(line)
            if not tls:
                box.clear_lines.append(line)
            command = line.decode("ascii", "replace").strip()
            verb = command.split(" ", 1)[0].upper()
            argument = command[len(verb) :].strip()
            if verb in ("EHLO", "HELO"):
                if verb == "HELO":
                    self.reply("250 localhost")
                    continue
                extensions = ["8BITMIME", "SMTPUTF8", "AUTH PLAIN"]
                if box.offer_starttls and not tls:
                    extensions.append("STARTTLS")
                self.wfile.write(b"250-localhost\r\n")
                for ext in extensions[:-1]:
                    self.reply(f"250-{ext}")
                self.reply(f"250 {extensions[-1]}")
            elif verb == "STARTTLS" and box.offer_starttls and not tls:
                assert box.tls_context is not None
                self.reply("220 2.0.0 Ready to start TLS")
                self.wfile.flush()
                try:
                    self.tls_socket = box.tls_context.wrap_socket(
                        self.request, server_side=True
                    )
                except (ssl.SSLError, OSError):
                    return  # the client refused our certificate
                self.rfile.close()
                self.rfile = self.tls_socket.makefile("rb")
                self.wfile = self.tls_socket.makefile("wb", buffering=0)
                tls, mail_from, rcpt, auth = True, None, [], None
            elif verb == "AUTH":
                mechanism, _, initial = argument.partition(" ")
                if mechanism.upper() != "PLAIN" or not initial:
                    self.reply("504 only AUTH PLAIN with an initial response")
                    continue
                _, user, password = (
                    base64.b64decode(initial).decode("utf-8").split("\0")
                )
                if box.users.get(user) == password:
                    auth = (user, password)
                    self.reply("235 2.7.0 Authentication successful")
                else:
                    self.reply("535 5.7.8 Authentication credentials invalid")
            elif verb == "MAIL":
                if box.users and auth is None:
                    self.reply("530 5.7.0 Authentication required")
                    continue
                mail_from = argument.split(":", 1)[1].split()[0].strip("<>")
                rcpt = []
                self.reply("250 OK")
            elif verb == "RCPT":
                rcpt.append(argument.split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                chunks: list[bytes] = []
                while True:
                    chunk = self.rfile.readline(1 << 20)
                    if chunk in (b".\r\n", b".\n", b""):
                        break
                    if chunk.startswith(b".."):
                        chunk = chunk[1:]
                    chunks.append(chunk)
                box.messages.append(
                    Received(mail_from or "", list(rcpt), b"".join(chunks), auth, tls)
                )
                mail_from, rcpt = None, []
                self.reply("250 OK queued")
            elif verb in ("RSET", "NOOP"):
                mail_from, rcpt = (None, []) if verb == "RSET" else (mail_from, rcpt)
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class _ThreadingServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@pytest.fixture
def smtp_server() -> Iterator[SmtpBox]:
    """A local SMTP server on a free port; ``box.messages`` holds what it received."""
    server = _ThreadingServer(("127.0.0.1", 0), _SmtpHandler)
    box = SmtpBox("127.0.0.1", server.server_address[1])
    server.box = box  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield box
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key (made with openssl)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
            "-keyout", str(key), "-out", str(cert), "-days", "2",
            "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_smtp_server(smtp_server, tls_files) -> SmtpBox:
    """The local SMTP server, offering STARTTLS with the self-signed certificate."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*tls_files)
    smtp_server.tls_context = context
    smtp_server.offer_starttls = True
    return smtp_server


# -- a local webhook receiver -----------------------------------------------------------


@dataclass
class Hook:
    """A request the receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """The receiver's address, what it got, and the statuses it answers in turn (the
    last one repeats)."""

    url: str
    requests: list[Hook] = field(default_factory=list)
    statuses: list[int] = field(default_factory=lambda: [200])
    delay_s: float = 0.0


class _HookHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        receiver: Receiver = self.server.receiver  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        receiver.requests.append(
            Hook(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        )
        index = min(len(receiver.requests), len(receiver.statuses)) - 1
        status = receiver.statuses[index]
        if receiver.delay_s:
            threading.Event().wait(receiver.delay_s)
        self.send_response(status)
        if 300 <= status < 400:  # a client following it would come back here
            self.send_header("Location", "/redirected")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    do_GET = do_POST  # a followed redirect arrives as a GET, and is recorded too

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A local HTTP server recording every POST."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HookHandler)
    server.daemon_threads = True
    port = server.server_address[1]
    hook = Receiver(f"http://127.0.0.1:{port}/hooks/patnav")
    server.receiver = hook  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


# -- the platform and alerts ------------------------------------------------------------


@dataclass
class Network:
    """A platform with two tenants: 泰安市 (users ta_a, ta_b; ta_off inactive) and 济南市
    (jn_a)."""

    platform: object
    tenants: dict[str, int]
    users: dict[str, int]


@pytest.fixture
def network(tmp_path: Path) -> Iterator[Network]:
    from patnav.config import Settings
    from patnav.platform import Platform, accounts
    from patnav.platform.models import User

    platform = Platform.open(Settings(data_root=tmp_path / "root"))
    tenants: dict[str, int] = {}
    users: dict[str, int] = {}
    with platform.session() as db:
        prov = accounts.create_tenant(db, "山东省", "province")
        ta = accounts.create_tenant(db, "泰安市", "city", parent=prov)
        jn = accounts.create_tenant(db, "济南市", "city", parent=prov)
        tenants.update({"山东省": prov.id, "泰安市": ta.id, "济南市": jn.id})
        for name, tenant, active in (
            ("ta_a", ta, True),
            ("ta_b", ta, True),
            ("ta_off", ta, False),
            ("jn_a", jn, True),
        ):
            # no password hashing: these users never sign in
            user = User(
                username=name,
                password_hash="-",
                role="analyst",
                tenant_id=tenant.id,
                is_active=active,
            )
            db.add(user)
            db.flush()
            users[name] = user.id
    try:
        yield Network(platform, tenants, users)
    finally:
        platform.close()


@pytest.fixture(scope="session")
def real_rows(data_dir: Path) -> list[dict[str, str]]:
    """The first eight records of the real CNIPA export: number, title, applicant,
    publication date (read with pandas, not with patnav)."""
    import pandas as pd

    frame = pd.read_excel(data_dir / "formats/cn-excel/cnipa_export_199.xlsx", nrows=8)
    return [
        {
            "pub_number": str(row["公开（公告）号"]).strip(),
            "title": str(row["名称"]).strip(),
            "applicant": str(row["申请（专利权）人"]).strip(),
            "pub_date": str(row["公开（公告）日"]).strip(),
        }
        for _, row in frame.iterrows()
    ]


@pytest.fixture
def alerts(real_rows: list[dict[str, str]]) -> list[dict[str, object]]:
    """Alerts of the monitors' dict shape on the real records: two monitors, three
    rules."""
    rules = [
        "new-documents",
        "new-documents",
        "status-change",
        "expiry",
        "new-documents",
        "status-change",
    ]
    out: list[dict[str, object]] = []
    for i, (row, rule) in enumerate(zip(real_rows, rules, strict=False)):
        monitor = "轨枕竞争对手" if i < 4 else "混凝土质押组合"
        out.append(
            {
                "alert_id": f"a-{i}-{row['pub_number']}",
                "monitor": monitor,
                "rule": rule,
                "pub_number": row["pub_number"],
                "message": f"{row['applicant']}：{row['title']}（公开日 {row['pub_date']}）",
                "evidence": {
                    "pub_date": row["pub_date"],
                    "applicant": row["applicant"],
                },
                "created_at": f"2026-12-0{1 + i % 5}T0{i}:30:00+00:00",
            }
        )
    return out
