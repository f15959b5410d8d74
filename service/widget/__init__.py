"""What readers and moderators see in a browser: the embeddable widget (``/embed.js``), the
moderation page (``/admin/``) and a demo news site (``/demo/``) that embeds the widget.

Everything here is static files plus thin views that add cache and security headers; the
pages talk to the service only through the public and admin JSON APIs."""

from __future__ import annotations

from flask import Flask

from . import admin
from . import demo
from . import embed
from . import mail


def register(app: Flask) -> None:
    app.register_blueprint(embed.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(demo.bp)
    app.register_blueprint(mail.bp)
