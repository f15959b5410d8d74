"""Each site's events go to its own webhook, signed with its own secret; a site without one
sends nothing, and a deployment with no COMMENTS_WEBHOOK_URL still delivers its sites'."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from service.domain import webhooks as signing
from tests.helpers import ALICE
from tests.helpers import V1

from .conftest import SECRET
from .conftest import Receiver

pytestmark = pytest.mark.usefixtures("own_tables")
SITE_SECRET = "site-secret-0123456789"


def _comment(app: Flask, path: str, body: str) -> None:
    response = app.test_client().post(f"{V1}{path}/articles/a1/comments", json={"author": "Ann", "body": body})
    assert response.status_code == 202, response.get_json()


def _add(app: Flask, site: str, **settings: str) -> None:
    body = {"id": site, "name": site, "settings": settings}
    assert app.test_client().post(f"{V1}/admin/sites", json=body, headers=ALICE).status_code == 201


def _deliver(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["webhooks", "deliver", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def test_each_site_signs_for_its_own_receiver(make_app: Callable[..., Flask], receiver: Receiver) -> None:
    app = make_app(WEBHOOK_URL=receiver.url, WEBHOOK_SECRET=SECRET, WEBHOOK_TIMEOUT=0.5)
    _add(app, "hooked", webhook_url=receiver.url, webhook_secret=SITE_SECRET)
    _add(app, "quiet")
    _comment(app, "", "On the default site.")
    _comment(app, "/sites/hooked", "On the hooked site.")
    _comment(app, "/sites/quiet", "On the quiet site.")
    assert "delivered 2," in _deliver(app)
    by_text = {d.json["entry"]["body_html"]: d for d in receiver.wait_for(2)}
    default, hooked = by_text["<p>On the default site.</p>"], by_text["<p>On the hooked site.</p>"]
    assert signing.verify(SECRET, default.headers[signing.SIGNATURE_HEADER], default.body)
    assert signing.verify(SITE_SECRET, hooked.headers[signing.SIGNATURE_HEADER], hooked.body)
    assert not signing.verify(SECRET, hooked.headers[signing.SIGNATURE_HEADER], hooked.body)


def test_sites_deliver_without_a_deployment_webhook(make_app: Callable[..., Flask], receiver: Receiver) -> None:
    app = make_app(WEBHOOK_TIMEOUT=0.5)
    _add(app, "hooked", webhook_url=receiver.url, webhook_secret=SITE_SECRET)
    _comment(app, "/sites/hooked", "On the hooked site.")
    _comment(app, "", "On the default site.")
    assert "delivered 1," in _deliver(app)
    (only,) = receiver.wait_for(1)
    assert signing.verify(SITE_SECRET, only.headers[signing.SIGNATURE_HEADER], only.body)
