"""All HTTP: views parse input, call a use case and return what a schema dumps."""

from __future__ import annotations

from flask import Flask

from ..extensions import api
from . import admin
from . import http
from . import ops
from . import public


def register(app: Flask) -> None:
    api.init_app(app)
    for blp in (*public.BLUEPRINTS, *admin.BLUEPRINTS):
        api.register_blueprint(blp)
    app.register_blueprint(ops.bp)
    app.after_request(http.common_headers)
