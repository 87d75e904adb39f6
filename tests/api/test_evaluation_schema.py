"""The OpenAPI document of ``/v1/evaluations`` is the contract's field table, and its example is
a request every door accepts."""

from __future__ import annotations

from typing import Any

import jsonschema_rs

from api.http.schemas.evaluations import EXAMPLE_REQUEST
from rules.contract_schema import request_schema


def _request_body(api: Any) -> dict[str, Any]:
    operation = api.app.openapi()["paths"]["/v1/evaluations"]["post"]
    body: dict[str, Any] = operation["requestBody"]["content"]["application/json"]
    return body


def test_the_openapi_body_is_the_generated_schema(api: Any) -> None:
    body = _request_body(api)
    assert body["schema"] == request_schema()
    assert body["examples"]["stagiaire à temps plein"]["value"] == _without_nulls(EXAMPLE_REQUEST)


def _without_nulls(value: Any) -> Any:
    """The OpenAPI document leaves out the example's nulls (an unknown and an absent field are
    read alike)."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def test_the_documented_example_is_valid_and_evaluates(api: Any) -> None:
    validator = jsonschema_rs.Draft202012Validator(request_schema(), validate_formats=True)
    assert validator.is_valid(EXAMPLE_REQUEST)
    response = api.client.post(
        "/v1/evaluations", json=EXAMPLE_REQUEST, headers=api.headers("instructor")
    )
    assert response.status_code == 200, response.text
    assert response.json()["decision"] == "granted"


def test_what_the_schema_refuses_the_door_refuses(api: Any) -> None:
    broken = {**EXAMPLE_REQUEST, "trainee": {**EXAMPLE_REQUEST["trainee"], "nickname": "Jo"}}
    validator = jsonschema_rs.Draft202012Validator(request_schema(), validate_formats=True)
    assert not validator.is_valid(broken)
    response = api.client.post("/v1/evaluations", json=broken, headers=api.headers("instructor"))
    assert response.status_code == 422
    assert [e["path"] for e in response.json()["errors"]] == ["trainee.nickname"]
