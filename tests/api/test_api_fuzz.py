"""Schemathesis fuzzes every documented operation: no 5xx, and every response fits its schema.

Run as an instructor (the role that may call most routes); bodies, paths, query strings and
headers are generated from the OpenAPI document, so malformed input must come back as 4xx.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

pytestmark = pytest.mark.slow


def _operations(api: Any) -> list[Any]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.app)
    return [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]


def test_no_server_errors_and_schema_conformance(api: Any) -> None:
    operations = _operations(api)
    assert len(operations) >= 25
    failures: list[str] = []
    statuses: list[int] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def run(case: Any) -> None:
            response = case.call(headers=api.headers("instructor"))
            statuses.append(response.status_code)
            case.validate_response(
                response, checks=(not_a_server_error, response_schema_conformance)
            )

        try:
            run()
        except Exception as error:  # collect every operation's failure, then report
            failures.append(f"{operation.label}: {str(error)[:600]}")
    assert failures == []
    assert len(statuses) >= 10 * len(operations)
    assert {200, 201, 404, 422} <= set(statuses)
