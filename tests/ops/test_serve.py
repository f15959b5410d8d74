"""docker/serve.py, the container's supervisor, with stand-ins for gunicorn and nginx on
PATH: it starts nginx only once gunicorn listens, stops both on SIGTERM (exit 0), and when
one dies stops the other and exits non-zero, so the restart policy starts a fresh pair."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import ROOT

from .support import wait_for

GUNICORN = f"""#!{sys.executable}
import os, signal, socket, sys, time
path = sys.argv[sys.argv.index("--bind") + 1].removeprefix("unix:")
time.sleep(0.5)  # nginx must wait for this
listener = socket.socket(socket.AF_UNIX)
listener.bind(path)
listener.listen()
open(os.environ["STAND_INS"] + "/gunicorn.pid", "w").write(str(os.getpid()))
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
while True:
    time.sleep(0.1)
"""

NGINX = f"""#!{sys.executable}
import os, signal, sys, time
if "-t" in sys.argv:
    sys.exit(0)
open(os.environ["STAND_INS"] + "/nginx.pid", "w").write(str(os.getpid()))
signal.signal(signal.SIGQUIT, lambda *_: sys.exit(0))
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
while True:
    time.sleep(0.1)
"""


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[[Path], subprocess.Popen[bytes]]]:
    """Starts docker/serve.py with stand-ins; stops it after the test, even a failed one, so
    no process outlives its test."""
    started: list[subprocess.Popen[bytes]] = []

    def run(tmp_path: Path) -> subprocess.Popen[bytes]:
        started.append(_start(tmp_path))
        return started[-1]

    yield run
    for process in started:
        if process.poll() is None:
            process.terminate()  # serve.py stops its children on SIGTERM
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        process.wait(timeout=20)


def _start(tmp_path: Path) -> subprocess.Popen[bytes]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, code in (("gunicorn", GUNICORN), ("nginx", NGINX)):
        (bin_dir / name).write_text(code)
        (bin_dir / name).chmod(0o755)
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "TMPDIR": str(tmp_path),
        "STAND_INS": str(tmp_path),
        "PORT": "8000",
    }
    return subprocess.Popen([sys.executable, str(ROOT / "docker" / "serve.py")], cwd=ROOT, env=env)


def pid(tmp_path: Path, name: str) -> int:
    # The stand-in creates the file before it writes its pid: wait for the digits.
    path = tmp_path / f"{name}.pid"
    wait_for(lambda: path.exists() and path.read_text().strip().isdigit(), 20, f"{name} did not start")
    return int(path.read_text())


def gone(process_id: int) -> bool:
    try:
        os.kill(process_id, 0)
    except ProcessLookupError:
        return True
    return Path(f"/proc/{process_id}/stat").read_text().split(")")[1].split()[0] == "Z"


def test_sigterm_stops_both_and_exits_0(tmp_path: Path, start: Callable[[Path], subprocess.Popen[bytes]]) -> None:
    serve = start(tmp_path)
    gunicorn, nginx = pid(tmp_path, "gunicorn"), pid(tmp_path, "nginx")
    assert (tmp_path / "comments" / "nginx" / "comments.conf").read_text().count("unix:") == 2
    # nginx started only after gunicorn listened (its stand-in takes 0.5 s to).
    assert (tmp_path / "nginx.pid").stat().st_mtime >= (tmp_path / "gunicorn.pid").stat().st_mtime
    time.sleep(0.3)
    serve.send_signal(signal.SIGTERM)
    assert serve.wait(timeout=20) == 0
    assert gone(gunicorn) and gone(nginx)


@pytest.mark.parametrize("dies", ["gunicorn", "nginx"])
def test_when_one_dies_the_other_is_stopped_and_the_exit_is_not_0(
    tmp_path: Path, dies: str, start: Callable[[Path], subprocess.Popen[bytes]]
) -> None:
    serve = start(tmp_path)
    pids = {"gunicorn": pid(tmp_path, "gunicorn"), "nginx": pid(tmp_path, "nginx")}
    os.kill(pids[dies], signal.SIGKILL)
    assert serve.wait(timeout=20) == 1
    assert all(gone(p) for p in pids.values())
