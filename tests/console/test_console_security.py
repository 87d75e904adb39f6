"""Every console route: sign-in required, role checks, CSRF on forms, security headers; the API
documentation from vendored assets with a declared bearer scheme; vendored files unchanged."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from api.http.console.headers import CONTENT_SECURITY_POLICY
from tests.console.conftest import Console
from tests.console.routes import CONSOLE_ROLES_ALL, GET_ROUTES, POST_ROUTES

VENDOR = Path(__file__).parents[2] / "api" / "http" / "console" / "static" / "vendor"


@pytest.mark.parametrize(("path", "roles"), GET_ROUTES, ids=[path for path, _ in GET_ROUTES])
def test_every_page_needs_a_session_and_a_role_that_may_see_it(
    console: Console, path: str, roles: frozenset[str]
) -> None:
    anonymous = console.client().get(path, follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/connexion")
    for role in sorted(CONSOLE_ROLES_ALL):
        response = console.agent(f"test-{role}").get(path, follow_redirects=False)
        expected = 200 if role in roles else 403
        assert response.status_code == expected, (role, path, response.text[:300])
        assert response.headers["cache-control"] == "no-store"
        if expected == 403:
            assert "Votre rôle ne donne pas accès à cette page." in response.text


@pytest.mark.parametrize(("path", "role"), POST_ROUTES, ids=[path for path, _ in POST_ROUTES])
def test_every_form_is_refused_without_its_csrf_token(
    console: Console, path: str, role: str
) -> None:
    client = console.agent(f"test-{role}")
    response = client.post(path, data={"csrf_token": "faux"}, follow_redirects=False)
    assert response.status_code == 403
    assert "Formulaire expiré" in response.text


def test_every_response_carries_a_strict_policy_and_refuses_framing(console: Console) -> None:
    client = console.agent("test-instructor")
    for path in ("/", "/connexion", "/accessibilite", "/docs", "/health/live", "/v1/parameters"):
        headers = client.get(path).headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
    policy = dict(part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


def test_pages_have_no_inline_script_style_or_event_handler(console: Console) -> None:
    client = console.agent("test-supervisor")
    for path in ("/", "/connexion", "/accessibilite", "/docs"):
        html = client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert "<style" not in html, path
        assert not re.search(r"\son[a-z]+=", html), path
        assert not re.search(r'\sstyle="', html), path
        assert "https://" not in html.replace("https://remu", ""), path  # no CDN


def test_the_api_documentation_is_served_from_vendored_assets(console: Console) -> None:
    client = console.client()
    page = client.get("/docs").text
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', page):
        response = client.get(asset)
        assert response.status_code == 200, asset
    assert client.get("/static/vendor/swagger-ui-bundle.js").content.startswith(b"/*")
    schema = client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert schema["paths"]["/v1/dossiers"]["post"]["security"] == [{"bearer": []}]
    assert "security" not in schema["paths"]["/health/live"]["get"]
    assert not any(path in schema["paths"] for path in ("/", "/connexion", "/docs"))


def test_vendored_files_match_the_checksums_of_their_sources() -> None:
    sources = (VENDOR / "SOURCES").read_text(encoding="utf-8")
    listed = re.findall(r"-> (\S+)\s+sha256 ([0-9a-f]{64})", sources)
    assert {name for name, _ in listed} == {
        path.name for path in VENDOR.iterdir() if path.name != "SOURCES"
    }
    for name, digest in listed:
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
