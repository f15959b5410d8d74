"""Steps the mail tests repeat (the worker's round, a moderator's mail choice) and readings
of the mails the test SMTP server received (tests/mailserver.py): their parts, links and
tokens. Apps that send there: the ``mail_app`` fixture (conftest.py)."""

from __future__ import annotations

import re
import uuid
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import V1

PUBLIC = "https://comments.news.example"
OTHER_CLIENT = {"REMOTE_ADDR": "127.0.0.2"}  # another reader: another client hash


def address(who: str) -> str:
    return f"{who}-{uuid.uuid4().hex[:8]}@news.example"


def deliver(app: Flask, expect: str = "") -> str:
    result = app.test_cli_runner().invoke(args=["webhooks", "deliver", "--once"])
    assert result.exit_code == 0, result.output
    assert expect in result.output, result.output
    return result.output


def set_mail(client: FlaskClient, headers: dict[str, str], expect: int = 200, **body: Any) -> Any:
    response = client.put(f"{V1}/admin/me/notifications", json=body, headers=headers)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain-text and HTML parts of a multipart/alternative message."""
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content().replace("\r\n", "\n"), html.get_content().replace("\r\n", "\n")


def links(text: str, path: str) -> list[str]:
    return re.findall(re.escape(PUBLIC + path) + r"\?t=[A-Za-z0-9_.\-%]+", text)


def local(url: str) -> str:
    """A link of a mail, as the test client requests it."""
    parts_ = urlsplit(url)
    assert f"{parts_.scheme}://{parts_.netloc}" == PUBLIC
    return f"{parts_.path}?{parts_.query}"


def token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["t"][0]
