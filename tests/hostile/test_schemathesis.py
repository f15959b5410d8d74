"""Schemathesis against the service's own OpenAPI document, on a real gunicorn over each
database: valid and invalid requests to every documented operation, as a moderator (the
public API ignores the header). No response may be a 5xx, and every response must have a
documented status, content type and schema. ``make fuzz`` runs many more examples."""

from __future__ import annotations

from typing import Any

import pytest
import requests
import schemathesis
from schemathesis import Case
from schemathesis import GenerationMode
from schemathesis.checks import content_type_conformance
from schemathesis.checks import not_a_server_error
from schemathesis.checks import response_schema_conformance
from schemathesis.checks import status_code_conformance

from service import create_app

from ..conftest import base_config
from ..helpers import ALICE
from .budget import SCALE
from .conftest import Server

pytestmark = pytest.mark.slow  # among the slowest: `make test` prints them (--durations)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 15  # per operation and database; times FUZZ_SCALE


def _spec() -> dict[str, Any]:
    """The document the service serves at /openapi.json (built without a database; the
    test checks that the running server serves exactly this)."""
    app = create_app(base_config("sqlite://"))  # the servers' settings (rate limits off)
    document: dict[str, Any] = app.test_client().get("/openapi.json").get_json()
    return document


SPEC = _spec()
schema = schemathesis.openapi.from_dict(SPEC)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=EXAMPLES * SCALE,
    deterministic=SCALE == 1,  # the same requests on every CI run; `make fuzz` explores
    database="none",
)


@pytest.fixture(scope="session")
def served(server: Server) -> Server:
    assert requests.get(f"{server.base}/openapi.json", timeout=10).json() == SPEC
    return server


@schema.parametrize()
def test_every_operation_answers_as_documented(case: Case[Any], served: Server) -> None:
    case.call_and_validate(base_url=served.base, headers=ALICE, checks=CHECKS, timeout=30)
