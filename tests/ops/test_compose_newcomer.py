"""What an operator trips over first in compose.yaml and the Dockerfile: settings of .env that
never reach the service, an embed refused by CORS, a worker reported unhealthy by a health
check it cannot answer, and a README edit that rebuilds every wheel."""

from __future__ import annotations

import re
from typing import Any

from tests.servers import ROOT


def compose() -> dict[str, Any]:
    import yaml  # type: ignore[import-untyped]  # PyYAML comes with schemathesis; no stubs installed

    return yaml.safe_load((ROOT / "compose.yaml").read_text())  # type: ignore[no-any-return]


def service_containers(doc: dict[str, Any]) -> dict[str, Any]:
    return {name: s for name, s in doc["services"].items() if s.get("image") == "comments-service:local"}


def test_every_setting_of_dot_env_reaches_each_service_container() -> None:
    services = service_containers(compose())
    assert set(services) == {"migrate", "web-1", "web-2", "webhooks"}
    for name, service in services.items():
        assert {"path": ".env", "required": False} in service["env_file"], name


def test_allowed_origins_default_to_the_demo_address_compose_publishes() -> None:
    doc = compose()
    port = re.fullmatch(r"\$\{PROXY_PUBLISH:-([0-9.]+:[0-9]+)\}:8080", doc["services"]["nginx"]["ports"][0])
    assert port is not None
    published = port[1]  # 127.0.0.1:8000
    origins = doc["services"]["web-1"]["environment"]["COMMENTS_ALLOWED_ORIGINS"]
    default = re.fullmatch(r"\$\{COMMENTS_ALLOWED_ORIGINS:-(.+)\}", origins)
    assert default is not None
    assert f"http://{published}" in default[1].split(",")


def test_the_webhooks_worker_has_no_http_health_check() -> None:
    worker = compose()["services"]["webhooks"]
    assert worker["command"][-1] == "deliver"
    assert worker["healthcheck"] == {"disable": True}


def test_the_dependency_layer_does_not_copy_the_readme() -> None:
    build_stage = re.split(r"^FROM ", (ROOT / "Dockerfile").read_text().replace("\\\n", " "), flags=re.M)[1]
    steps = re.findall(r"^(COPY|RUN) (.*)$", build_stage, flags=re.M)
    wheels_of_dependencies = next(
        i for i, (op, args) in enumerate(steps) if "--requirement" in args or "requirements" in args
    )
    copied_before = " ".join(args for op, args in steps[:wheels_of_dependencies] if op == "COPY").split()
    assert "pyproject.toml" in copied_before and "README.md" not in copied_before
    assert any(op == "COPY" and "README.md" in args for op, args in steps[wheels_of_dependencies:])
