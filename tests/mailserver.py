"""A real SMTP server on 127.0.0.1 for the mail tests (aiosmtpd), one per test session
(per pytest-xdist worker): it records every message it accepts, with whether the client
authenticated, and refuses recipients at ``refused.example`` as a mailbox that does not
exist (550, quoting the address, as real servers do)."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from email.message import EmailMessage
from typing import Any

import pytest

from service.config import EmailSettings


def free_port() -> int:
    """A free port on 127.0.0.1 (tests/servers.py has one too, but imports requests, which
    `pytest tests/unit` must not need)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


USER = "mailer"
PASSWORD = "mail-secret-0123"
REFUSED = "refused.example"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    authenticated: bool

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class MailServer:
    host: str
    port: int
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def to(self, address: str) -> list[Received]:
        """What reached ``address`` (each test uses addresses of its own)."""
        with self.lock:
            return [r for r in self.received if address in r.rcpt_tos]

    def wait_for(self, address: str, count: int = 1, seconds: float = 5.0) -> list[Received]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = self.to(address)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        return self.to(address)

    def settings(self, **settings: Any) -> EmailSettings:
        """Settings that send to this server, signed in (``settings``: the other fields)."""
        return EmailSettings(
            smtp_host=self.host, smtp_port=self.port, smtp_username=USER, smtp_password=PASSWORD, **settings
        )


class _Handler:
    def __init__(self, server: MailServer) -> None:
        self.server = server

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:  # noqa: N802
        if address.endswith("@" + REFUSED):
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.server.lock:
            self.server.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content, bool(session.authenticated))
            )
        return "250 Message accepted for delivery"


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> Any:
    from aiosmtpd.smtp import AuthResult
    from aiosmtpd.smtp import LoginPassword

    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USER.encode()
        and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok)


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[MailServer]:
    from aiosmtpd.controller import Controller

    server = MailServer("127.0.0.1", free_port())
    controller = Controller(
        _Handler(server),
        hostname=server.host,
        port=server.port,
        authenticator=_authenticator,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


@dataclass
class TlsServers:
    """Two more servers with a certificate made for 127.0.0.1 (``cert``): one that takes no
    mail before STARTTLS, one that speaks TLS from the first byte."""

    cert: str
    starttls: MailServer
    tls: MailServer


@pytest.fixture(scope="session")
def tls_smtp_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsServers]:
    import ssl
    import subprocess

    from aiosmtpd.controller import Controller

    folder = tmp_path_factory.mktemp("smtp-tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    starttls = MailServer("127.0.0.1", free_port())
    tls = MailServer("127.0.0.1", free_port())
    common: dict[str, Any] = {"authenticator": _authenticator}
    controllers = [
        Controller(
            _Handler(starttls),
            hostname="127.0.0.1",
            port=starttls.port,
            tls_context=context,
            require_starttls=True,
            auth_require_tls=True,
            **common,
        ),
        # aiosmtpd cannot tell this connection is TLS: it would hide AUTH from it otherwise.
        Controller(
            _Handler(tls), hostname="127.0.0.1", port=tls.port, ssl_context=context, auth_require_tls=False, **common
        ),
    ]
    for controller in controllers:
        controller.start()
    try:
        yield TlsServers(str(cert), starttls, tls)
    finally:
        for controller in controllers:
            controller.stop()
