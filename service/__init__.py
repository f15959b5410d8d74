"""The comment and review service: ``create_app`` builds the Flask application."""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import api
from . import cli
from . import config
from . import errors
from . import extensions
from . import observability
from . import widget
from .domain import toxicity
from .persistence import migrating

__version__ = "0.1.0"


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.json.sort_keys = False  # type: ignore[attr-defined]  # fields in schema order: id first
    app.config.from_mapping(config.defaults(app.instance_path))
    app.config.from_mapping(config.from_environ(os.environ))
    app.config.from_mapping(test_config or {})
    app.config.from_mapping(
        API_TITLE="Comments and reviews",
        API_VERSION=__version__,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
    )
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = config.instance_secret(app.instance_path)

    if app.config["TRUSTED_PROXIES"]:
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    # The toxicity scorer, loaded at the first submission (gunicorn loads it before forking
    # workers, see gunicorn.conf.py): one per process, shared by every app.
    app.extensions["toxicity"] = functools.partial(
        toxicity.shared, config.toxicity_cache(app.config, app.instance_path)
    )
    extensions.init_app(app)
    api.register(app)
    widget.register(app)
    observability.register(app)
    errors.register(app)
    cli.register(app)
    if app.config["EMBEDDED_DATABASE"]:
        migrating.upgrade_embedded(app)
    api.sites.warm(app)
    return app
