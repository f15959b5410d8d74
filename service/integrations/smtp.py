"""Sending mail over SMTP (``smtplib``): STARTTLS or TLS from the first byte, and
authentication, as COMMENTS_SMTP_URL says. One connection per round of the worker."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from types import TracebackType

from ..config import EmailSettings
from ..domain.mail import redact


class Connection:
    """``with Connection(settings) as smtp: smtp.send(message)``; a failure to connect is
    raised by ``send`` of each message, so each is recorded as a failed attempt."""

    def __init__(self, settings: EmailSettings) -> None:
        self.settings = settings
        self.client: smtplib.SMTP | None = None
        self.error: str | None = None

    def __enter__(self) -> Connection:
        return self

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if s.smtp_security == "tls":
            client = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=s.timeout, context=context)
        else:
            client = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.timeout)
        try:
            if s.smtp_security == "starttls":
                client.starttls(context=context)
            if s.smtp_username:
                client.login(s.smtp_username, s.smtp_password or "")
        except BaseException:
            client.close()
            raise
        return client

    def send(self, message: EmailMessage) -> str | None:
        """``None`` when the server accepted the message, else what went wrong (no addresses)."""
        try:
            if self.client is None:
                self.client = self._open()
            refused = self.client.send_message(message)
        except smtplib.SMTPResponseException as error:
            self._drop()
            text = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else ""
            return redact(f"SMTP {error.smtp_code} {text}".strip())
        except smtplib.SMTPRecipientsRefused as error:
            codes = sorted({code for code, _ in error.recipients.values()})
            return f"recipient refused (SMTP {', '.join(map(str, codes))})"
        except (smtplib.SMTPException, OSError) as error:
            self._drop()
            return redact(str(error) or type(error).__name__)
        if refused:
            return "recipient refused"
        return None

    def _drop(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            try:
                client.close()
            except OSError:
                pass

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if self.client is not None:
            try:
                self.client.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self._drop()
