"""Every route's error answers, checked against the one problem catalogue (issue 11 and 14):
no token, a role without the permission, an unknown object, a body that is not JSON, JSON too
deep, a body that fails validation; plus unknown routes and methods."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from remuneration.problems import SITUATIONS, catalogue
from tests.api.test_api_roles import ALL, MATRIX, _call
from tests.security.catalogue_check import assert_catalogued

WRITES = sorted(route for route in MATRIX if route[0] in ("POST", "PUT", "PATCH"))


def _allowed_role(route: tuple[str, str]) -> str:
    return sorted(MATRIX[route])[0]


@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
def test_refusals_of_every_route_are_catalogued(
    api: Any, world: dict[str, str], route: tuple[str, str]
) -> None:
    method, template = route
    assert_catalogued(_call(api, method, template, world, {}))
    outsiders = sorted(ALL - MATRIX[route])
    if outsiders:
        assert_catalogued(_call(api, method, template, world, api.headers(outsiders[0])))
    answer = _call(api, method, template, world, api.headers(_allowed_role(route)))
    if answer.status_code >= 400:
        assert_catalogued(answer)
    if "{" in template:
        unknown = {key: str(uuid.uuid4()) for key in world}
        unknown.update(month="2024-04", kind="decision", macro="rib_requested")
        missing = _call(api, method, template, unknown, api.headers(_allowed_role(route)))
        assert missing.status_code in (404, 422), missing.text
        assert_catalogued(missing)


@pytest.mark.parametrize("route", WRITES, ids=lambda r: f"{r[0]} {r[1]}")
def test_bodies_of_every_write_are_guarded(
    api: Any, world: dict[str, str], route: tuple[str, str]
) -> None:
    method, template = route
    path = template.format(**world)
    headers = api.headers(_allowed_role(route))
    plain = api.client.request(
        method, path, content=b'{"a": 1}', headers={**headers, "Content-Type": "text/plain"}
    )
    assert plain.status_code == 415
    assert_catalogued(plain)
    deep = api.client.request(
        method,
        path,
        content=b'{"a":' * 200 + b"1" + b"}" * 200,
        headers={**headers, "Content-Type": "application/json"},
    )
    assert deep.status_code == 422
    body = assert_catalogued(deep)
    assert body["errors"][0]["code"] == "json_too_deep"
    assert body["errors"][0]["path"] == ".".join(["a"] * 64)
    broken = api.client.request(
        method, path, content=b"{oops", headers={**headers, "Content-Type": "application/json"}
    )
    assert broken.status_code == 422
    assert_catalogued(broken)


def test_unknown_routes_and_methods_are_catalogued(api: Any) -> None:
    missing = api.client.get("/v1/nowhere", headers=api.headers("instructor"))
    assert missing.status_code == 404
    assert assert_catalogued(missing)["code"] == "route_not_found"
    wrong = api.client.delete("/v1/parameters", headers=api.headers("instructor"))
    assert wrong.status_code == 405
    assert assert_catalogued(wrong)["code"] == "method_not_allowed"


def test_the_catalogue_has_one_kind_per_code_and_french_titles() -> None:
    codes = catalogue()
    assert set(SITUATIONS) <= set(codes)
    for code, kind in codes.items():
        assert code.isascii() and code == code.lower() and " " not in code
        assert 400 <= kind.status < 600 and kind.exit_code in (1, 2, 3)
        assert kind.title and kind.title[0].isupper()
    assert codes["stale_version"].status == 412
    assert codes["precondition_required"].status == 428
    assert "precondition_failed" not in codes and "invalid_input" not in codes
