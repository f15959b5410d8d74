"""All HTTP: views parse input, call a use case and return what a schema dumps."""

from __future__ import annotations

import copy

from flask import Flask

from ..extensions import api
from . import admin
from . import http
from . import ops
from . import public
from . import sites


def register(app: Flask) -> None:
    api.init_app(app)
    for blp in (*public.BLUEPRINTS, *admin.BLUEPRINTS):
        api.register_blueprint(blp)
    # Every public path again under /api/v1/sites/<site>/ (``api/sites.py``).
    for blp in public.BLUEPRINTS:
        api.register_blueprint(
            blp, name=f"site-{blp.name}", url_prefix=sites.SITE_PREFIX, parameters=[copy.deepcopy(sites.SITE_PARAMETER)]
        )
    app.register_blueprint(ops.bp)
    app.session_interface = http.NoSessions()
    app.after_request(sites.site_cors)
    app.after_request(http.common_headers)
