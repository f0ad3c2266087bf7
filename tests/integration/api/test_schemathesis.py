"""Issue 14, acceptance: a bounded schemathesis run against the API on SQLite and PostgreSQL
(the `app` fixture), as an admin of one agency. Every operation is called with a few generated
requests; none may answer a server error, and every answer must conform to the OpenAPI
document: its status documented, its media type documented for that status, its body valid
against the documented schema. Bounded (a few examples an operation) so the suite stays fast."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from repairlink.api.app import create_app
from repairlink.bootstrap import App
from tests.conftest import api_key

MAX_EXAMPLES = 5
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _failures(api_schema: schemathesis.BaseSchema, token: str) -> list[str]:
    """Each operation's first failure, in words (hypothesis shrinks it first)."""
    failures: list[str] = []
    for found in api_schema.get_all_operations():
        operation = found.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case: schemathesis.Case) -> None:
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

        try:
            call()
        except Exception as exc:  # every operation is tried; all failures are reported
            failures.append(f"{operation.label}: {type(exc).__name__}: {str(exc)[:1500]}")
    return failures


def test_the_api_answers_as_its_openapi_document_says(app: App, agency_id: int) -> None:
    api_schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(app))
    failures = _failures(api_schema, api_key(app, agency_id))
    assert not failures, "\n\n".join(failures)
