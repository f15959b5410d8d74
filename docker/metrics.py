"""Prints the service's Prometheus metrics from inside the container, where gunicorn
listens on a unix socket that nginx does not forward /metrics to:
    docker exec comments python /app/docker/metrics.py
Standard library only. Exit 0 with the metrics on stdout, 1 otherwise."""

import os
import socket
import sys
import tempfile
from pathlib import Path

path = Path(tempfile.gettempdir()) / "comments" / "gunicorn.sock"
try:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(10)
        sock.connect(str(path))
        token = os.environ.get("COMMENTS_METRICS_TOKEN", "").strip()
        auth = f"Authorization: Bearer {token}\r\n" if token else ""
        sock.sendall(f"GET /metrics HTTP/1.1\r\nHost: localhost\r\n{auth}Connection: close\r\n\r\n".encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
except OSError as error:
    print(f"metrics: {path}: {error}", file=sys.stderr)
    sys.exit(1)
head, _, body = answer.partition(b"\r\n\r\n")
if not head.startswith(b"HTTP/1.1 200"):
    print(f"metrics: {head.splitlines()[0].decode(errors='replace') if head else 'no answer'}", file=sys.stderr)
    sys.exit(1)
sys.stdout.write(body.decode())
