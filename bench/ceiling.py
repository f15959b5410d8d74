"""The framework's ceiling on this machine: a bare Flask app answering a small JSON object,
served by the same gunicorn settings as the service in the same run of ``bench/run.py``."""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> dict[str, object]:
    return {"status": "ok", "service": "ceiling"}
