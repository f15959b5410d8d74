"""The image, proven without a Docker engine: hadolint reads the Dockerfile, and a smoke
test does what the image does (a wheel, installed with its dependencies into a fresh
virtualenv, started by the same entrypoint with the image's environment) against
PostgreSQL, checking health, readiness and a submit/approve/read round trip."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.helpers import ALICE
from tests.servers import ROOT

from .frontproxy import NGINX
from .frontproxy import SlowClients
from .frontproxy import healthz_status
from .frontproxy import needs_nginx
from .support import BIN
from .support import Database
from .support import free_port
from .support import serve

# Among the slowest (`make test` prints them, --durations); one xdist worker runs the module, so
# its costly module fixture is built once rather than once per worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("container")]

DOCKERFILE = ROOT / "Dockerfile"


def test_hadolint_passes_on_the_dockerfile() -> None:
    result = subprocess.run([str(BIN / "hadolint"), str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def image_environment() -> dict[str, str]:
    """The ENV instructions of the Dockerfile's last stage."""
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    last_stage = re.split(r"^FROM .*$", text, flags=re.M)[-1]
    env: dict[str, str] = {}
    for line in re.findall(r"^ENV (.+)$", last_stage, flags=re.M):
        env.update(pair.split("=", 1) for pair in line.split())
    return env


def run(cmd: list[str], timeout: float = 300, **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kwargs)  # type: ignore[call-overload]
    assert result.returncode == 0, f"{cmd}: {result.stdout[-2000:]} {result.stderr[-2000:]}"
    return result  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the Dockerfile builds, as a directory: ``venv/`` where /usr/local is in the
    image, ``app/`` where /app is."""
    root = tmp_path_factory.mktemp("image")
    # Stage 1: the build context's files, and a wheel of them.
    src = root / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "service", src / "service", ignore=shutil.ignore_patterns("__pycache__", "instance"))
    wheels = root / "wheels"
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-cache-dir",
            "--no-deps",
            "--wheel-dir",
            str(wheels),
            str(src),
        ]
    )
    [wheel] = wheels.glob("comments_service-*.whl")
    # Stage 2: a fresh interpreter environment with the wheel and its dependencies.
    venv = root / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    # --no-compile: byte-compiling scikit-learn, SciPy and NumPy was most of this fixture's time,
    # and what the test proves (the wheel installs with its dependencies and runs) needs none.
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    run([*pip, "--no-compile", str(wheel)])
    app = root / "app"
    (app / "docker").mkdir(parents=True)
    (app / "deploy" / "nginx").mkdir(parents=True)
    for name in (
        "wsgi.py",
        "gunicorn.conf.py",
        "docker/entrypoint.sh",
        "docker/healthcheck.py",
        "docker/serve.py",
        "docker/metrics.py",
        "deploy/nginx/comments.conf.template",
        "deploy/nginx/standalone.conf",
    ):
        shutil.copy2(ROOT / name, app / name)
    return root


def test_the_instance_folder_of_the_installed_package_is_where_the_image_links_it(image: Path) -> None:
    """The image makes /usr/local/var/service-instance (where the generated secret key is
    kept) a link to the /data volume; an installed package's instance folder is there."""
    code = "import sys, flask; print(flask.Flask('service').instance_path == sys.prefix + '/var/service-instance')"
    assert run([str(image / "venv" / "bin" / "python"), "-c", code], cwd="/").stdout.strip() == "True"
    assert "ln -s /data /usr/local/var/service-instance" in DOCKERFILE.read_text()


@needs_nginx
def test_the_image_serves_health_readiness_and_a_round_trip(image: Path, pg_database: Database) -> None:
    """…and, as `docker run -p 8000:8000` publishes it, withstands slow clients: nginx in the
    container reads whole requests before gunicorn (on a unix socket) sees them."""
    port = free_port()
    run = image / "tmp"
    run.mkdir()
    env = {
        "PATH": f"{image / 'venv' / 'bin'}:{Path(str(NGINX)).parent}:/usr/bin:/bin",
        "TMPDIR": str(run),
        "HOME": str(image),
        **image_environment(),
        "COMMENTS_DATABASE_URL": pg_database.url,
        "COMMENTS_ADMIN_TOKENS": f"alice:{ALICE['Authorization'].removeprefix('Bearer ')}",
        "COMMENTS_ALLOWED_ORIGINS": "https://news.example",
        # What `docker run -p` does; in the image nginx listens on 0.0.0.0:$PORT.
        "PORT": str(port),
        "HOST": "127.0.0.1",
    }
    probe = [str(image / "venv" / "bin" / "python"), str(image / "app" / "docker" / "healthcheck.py")]
    entrypoint = [str(image / "app" / "docker" / "entrypoint.sh")]
    with serve(entrypoint, env, image / "logs", port, cwd=Path("/")) as server:
        assert subprocess.run(probe, env=env, timeout=30).returncode == 0  # the HEALTHCHECK
        base = server.base
        assert requests.get(f"{base}/healthz", timeout=10).json() == {"status": "ok"}
        assert requests.get(f"{base}/readyz", timeout=10).status_code == 200
        submitted = requests.post(
            f"{base}/api/v1/articles/smoke-1/comments", json={"author": "Ann", "body": "From the image."}, timeout=10
        )
        assert submitted.status_code == 202
        entry_id = submitted.json()["id"]
        approved = requests.post(f"{base}/api/v1/admin/entries/{entry_id}/approve", headers=ALICE, timeout=10)
        assert approved.status_code == 200
        thread = requests.get(f"{base}/api/v1/articles/smoke-1/comments", timeout=10).json()
        assert [(c["id"], c["body_html"]) for c in thread["items"]] == [(entry_id, "<p>From the image.</p>")]
        for shipped in ("/embed.js", "/admin/", "/openapi.json"):  # package data made it into the wheel
            assert requests.get(f"{base}{shipped}", timeout=10).status_code == 200, shipped
        # /metrics only from the inside (docker exec … docker/metrics.py), never on the port.
        assert requests.get(f"{base}/metrics", timeout=10).status_code == 404
        inside = [str(image / "venv" / "bin" / "python"), str(image / "app" / "docker" / "metrics.py")]
        metrics = subprocess.run(inside, env=env, capture_output=True, text=True, timeout=30).stdout
        assert 'comments_submissions_total{kind="comment",outcome="accepted"} 1.0' in metrics
        # Issue 12's attacks at once: 200 connections that sent `GET /heal` and nothing more,
        # and 8 that add a header line every 2.5 s. Before, 40 of the first kind alone left
        # every /healthz unanswered; gunicorn's threads (2 workers x 4) never see them now.
        with SlowClients(port, 200, "line") as stalled, SlowClients(port, 8, "headers") as trickling:
            assert [healthz_status(port, seconds=1.0) for _ in range(6)] == [200] * 6
            assert stalled.still_open() > 150 and trickling.still_open() == 8
        # The entrypoint exec'd docker/serve.py: the signal reaches nginx and gunicorn, which stop cleanly.
        assert server.stop(signal.SIGTERM) == 0
    assert subprocess.run(probe, env=env, capture_output=True, timeout=30).returncode == 1
    assert pg_database.query("SELECT version_num FROM alembic_version")  # the entrypoint migrated
    assert server.err_lines()[0].startswith("INFO  [alembic")  # migrations first, then gunicorn
    assert "Booting worker" in server.stderr.read_text()


def test_every_variable_the_service_reads_is_in_the_readme_table() -> None:
    sources = [*ROOT.joinpath("service").rglob("*.py"), ROOT / "compose.yaml", DOCKERFILE, ROOT / "gunicorn.conf.py"]
    used = {name for path in sources for name in re.findall(r"\bCOMMENTS_[A-Z][A-Z_]*[A-Z]\b", path.read_text())}
    table = {m for m in re.findall(r"^\| `([A-Z_]+)` \|", (ROOT / "README.md").read_text(), flags=re.M)}
    assert {"COMMENTS_DATABASE_URL", "COMMENTS_ADMIN_TOKENS"} <= used
    assert used <= table, used - table


def test_compose_publishes_only_nginx_with_the_tested_config() -> None:
    """compose runs the template that tests/ops/test_front_proxy.py tests, fills in every
    placeholder of it with its replicas, and publishes nothing but nginx."""
    import yaml  # type: ignore[import-untyped]  # PyYAML comes with schemathesis; no stubs installed

    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    assert [name for name, service in services.items() if "ports" in service] == ["nginx"]
    proxy = services["nginx"]
    assert "./deploy/nginx/comments.conf.template:/etc/nginx/templates/default.conf.template:ro" in proxy["volumes"]
    template = (ROOT / "deploy" / "nginx" / "comments.conf.template").read_text()
    placeholders = set(re.findall(r"\$\{(PROXY_[A-Z0-9_]+)\}", template))
    assert placeholders == {k for k in proxy["environment"] if k.startswith("PROXY_")}
    upstreams = {proxy["environment"][f"PROXY_UPSTREAM_{i}"].split(":")[0] for i in (1, 2)}
    assert upstreams == {"web-1", "web-2"} and upstreams <= set(services)
    for name in upstreams:  # gunicorn itself, on the compose network only
        assert services[name]["command"][0] == "gunicorn"
        assert services[name]["environment"]["COMMENTS_TRUSTED_PROXIES"].startswith("${COMMENTS_TRUSTED_PROXIES:-1}")
