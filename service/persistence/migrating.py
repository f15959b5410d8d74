"""Schema management: Alembic scripts shipped inside the package."""

from __future__ import annotations

import fcntl
from pathlib import Path

from flask import Flask

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def upgrade_embedded(app: Flask) -> None:
    """Bring the embedded SQLite database to the newest schema on first start. A file lock
    keeps several workers that start at once from migrating together."""
    from flask_migrate import upgrade

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    with open(Path(app.instance_path) / ".migrate.lock", "w") as lock, app.app_context():
        fcntl.flock(lock, fcntl.LOCK_EX)
        upgrade(directory=str(MIGRATIONS_DIR))
