"""`flask --app wsgi db upgrade` builds the schema the models describe, on both databases,
and every migration can be undone and redone."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from sqlalchemy import inspect

from service.persistence.base import Base
from tests.databases import POSTGRES
from tests.databases import throwaway_postgres

ROOT = Path(__file__).resolve().parent.parent
FLASK = Path(sys.executable).parent / "flask"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    with throwaway_postgres("migrate") as name:
        yield f"{POSTGRES}/{name}"


def flask_db(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COMMENTS_DATABASE_URL": url, "COMMENTS_SECRET_KEY": "k"}
    return subprocess.run(
        [str(FLASK), "--app", "wsgi", "db", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def schema_differences(url: str) -> list[object]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            return list(compare_metadata(MigrationContext.configure(conn), Base.metadata))
    finally:
        engine.dispose()


def tables(url: str) -> set[str]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_builds_the_models_schema_and_downgrade_undoes_it(empty_database: str) -> None:
    result = flask_db(empty_database, "upgrade")
    assert result.returncode == 0, result.stderr
    assert schema_differences(empty_database) == []
    assert flask_db(empty_database, "downgrade", "base").returncode == 0
    assert tables(empty_database) <= {"alembic_version"}
    assert flask_db(empty_database, "upgrade").returncode == 0
    assert schema_differences(empty_database) == []


def test_the_embedded_database_is_created_on_first_start(tmp_path: Path) -> None:
    from service import create_app
    from service.extensions import db
    from tests.conftest import base_config

    url = f"sqlite:///{tmp_path / 'embedded.db'}"
    app = create_app({**base_config(url), "EMBEDDED_DATABASE": True})
    with app.app_context():
        db.engine.dispose()
    assert schema_differences(url) == []
    assert app.test_client().get("/api/v1/articles/first/counts").status_code == 200
