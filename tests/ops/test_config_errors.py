"""A configuration mistake stops the service at start with one line naming the variable,
whichever way it is started: gunicorn with the project's settings, gunicorn without them,
the container's entrypoint, the flask command."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.servers import ROOT

from .support import BIN
from .support import clean_environ
from .support import free_port
from .support import gunicorn_cmd

BAD = [
    ({"COMMENTS_ADMIN_TOKENS": "alice-without-a-token"}, "COMMENTS_ADMIN_TOKENS"),
    ({"COMMENTS_DATABASE_URL": "mysql://db.example/comments"}, "COMMENTS_DATABASE_URL"),
    ({"COMMENTS_RATE_LIMIT": "lots"}, "COMMENTS_RATE_LIMIT"),
    ({"WEB_CONCURRENCY": "0"}, "WEB_CONCURRENCY"),
]


def run(cmd: list[str], env: dict[str, str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=60)


def assert_one_clear_line(result: subprocess.CompletedProcess[str], variable: str) -> None:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert lines == [lines[0]] and variable in lines[0] and lines[0].startswith("configuration error: "), result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(("bad", "variable"), BAD, ids=[v for _, v in BAD])
def test_gunicorn_with_the_project_settings_stops_before_any_worker_starts(
    bad: dict[str, str], variable: str, tmp_path: Path
) -> None:
    env = clean_environ(**{"COMMENTS_DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}", **bad})
    assert_one_clear_line(run(gunicorn_cmd(free_port()), env), variable)


@pytest.mark.parametrize(
    ("bad", "variable"),
    [
        ({"COMMENTS_DATABASE_URL": "oracle://db.example/comments"}, "COMMENTS_DATABASE_URL"),
        ({"WEB_CONCURRENCY": "many"}, "WEB_CONCURRENCY"),
    ],
    ids=["database", "workers"],
)
def test_the_entrypoint_stops_at_its_first_step(bad: dict[str, str], variable: str, tmp_path: Path) -> None:
    env = clean_environ(
        **{"COMMENTS_DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}", "PATH": f"{BIN}:/usr/bin:/bin", **bad}
    )
    assert_one_clear_line(run([str(ROOT / "docker" / "entrypoint.sh")], env, cwd=tmp_path), variable)
    assert not (tmp_path / "c.db").exists()


def test_flask_commands_stop_with_one_line(tmp_path: Path) -> None:
    env = clean_environ(COMMENTS_ADMIN_TOKENS="alice:same,bob:same")
    result = run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], env)
    assert_one_clear_line(result, "COMMENTS_ADMIN_TOKENS")
    assert "share one token" in result.stderr


def test_plain_gunicorn_without_the_settings_file_stops_instead_of_respawning(tmp_path: Path) -> None:
    """``gunicorn wsgi:app`` run with other settings: every worker says why, in one line,
    and the master gives up (no traceback, no restart loop)."""
    empty = tmp_path / "empty.conf.py"
    empty.write_text("")
    env = clean_environ(COMMENTS_ADMIN_TOKENS="alice")
    cmd = [str(BIN / "gunicorn"), "--config", str(empty), "--workers", "2", "--bind", f"127.0.0.1:{free_port()}"]
    result = run([*cmd, "wsgi:app"], env)
    assert result.returncode != 0
    assert "configuration error: COMMENTS_ADMIN_TOKENS must be comma-separated name:token pairs" in result.stderr
    assert "App failed to load" in result.stderr
    # Nothing of ours in a traceback. (gunicorn 27's master may print one of its own when
    # two workers fail at once: its HaltServer raised again while halting.)
    assert "ConfigError" not in result.stderr and "wsgi.py" not in result.stderr
