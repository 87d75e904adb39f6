"""The check every problem answer must pass: it is in the catalogue, whole and in French."""

from __future__ import annotations

import re
from typing import Any

from remuneration.problems import PROBLEM_TYPE_BASE, catalogue

_ENGLISH = re.compile(
    r"Traceback|Field required|Input should|Value error|sys\.set_int_max_str_digits|"
    r"Exception|Error:|expected|invalid JSON|not found|Not Found",
)
_PATH = re.compile(
    r"^(?:[A-Za-z_][A-Za-z0-9_-]*|\[\d+\])(?:\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\])*$|^$"
)


def assert_catalogued(response: Any) -> dict[str, Any]:
    """The response is a problem of the catalogue: type, code, status, title, French detail,
    `errors[]` with paths in one notation, the request id of the response."""
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    body: dict[str, Any] = response.json()
    kind = catalogue().get(body["code"])
    assert kind is not None, f"code outside the catalogue: {body['code']}"
    assert body["type"] == PROBLEM_TYPE_BASE + body["code"]
    assert body["status"] == response.status_code == kind.status, body
    assert body["title"] == kind.title
    assert body["detail"] and not _ENGLISH.search(body["detail"]), body["detail"]
    assert body["request_id"] and body["request_id"] == response.headers["x-request-id"]
    assert response.headers["cache-control"] == "no-store"
    for item in body.get("errors", []):
        assert set(item) == {"path", "code", "message"}, item
        assert _PATH.match(item["path"]) or item["path"] in {"If-Match", "Idempotency-Key"}, item
        assert not _ENGLISH.search(item["message"]), item
    return body
