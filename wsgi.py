"""The application object for gunicorn (``gunicorn wsgi:app``) and ``flask --app wsgi``.

A configuration mistake stops the process with one line naming the variable; the exit code
is gunicorn's "App failed to load", so the master stops instead of respawning workers."""

import sys

from service import create_app
from service.config import ConfigError
from service.observability.logs import enable_loggers

try:
    app = create_app()
except ConfigError as error:
    print(f"configuration error: {error}", file=sys.stderr, flush=True)
    raise SystemExit(4) from None
enable_loggers("service", "gunicorn")  # after the embedded database's migrations (see there)
