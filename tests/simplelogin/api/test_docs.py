"""The OpenAPI schema and its Swagger UI / Redoc pages, served from our own static files under our CSP."""

import pytest
import yaml
from django.test import Client

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_3_with_every_endpoint(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/me",
        "/api/v1/aliases",
        "/api/v1/aliases/random",
        "/api/v1/aliases/custom",
        "/api/v1/aliases/{alias_id}",
        "/api/v1/apps",
        "/api/v1/apps/{authorization_id}",
    }
    schemes = schema["components"]["securitySchemes"]
    assert schemes["apiKey"] == {"type": "http", "scheme": "bearer", "description": schemes["apiKey"]["description"]}
    flows = schemes["oauth2"]["flows"]["authorizationCode"]
    assert set(flows["scopes"]) == {"aliases:read", "aliases:write"}
    patch = schema["paths"]["/api/v1/aliases/{alias_id}"]["patch"]
    assert patch["security"] == [{"apiKey": []}, {"oauth2": ["aliases:write"]}]
    assert schema["paths"]["/api/v1/apps"]["get"]["security"] == [{"apiKey": []}]


def test_schema_as_json(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "SimpleLogin API"


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_use_only_our_static_files(url):
    html = Client().get(url).content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "http://" not in html and "https://" not in html
    assert "<style" not in html
    assert "<script>" not in html


def test_swagger_start_script_is_a_separate_file():
    response = Client().get("/api/docs/", {"script": ""})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in response.content.decode()


def _collect_csp_violations(page):
    """Scripts, styles or workers the CSP blocked (Redoc's logo from its CDN being blocked is wanted)."""
    violations = []

    def on_console(msg):
        if "Content Security Policy" in msg.text and "cdn.redoc.ly" not in msg.text:
            violations.append(msg.text)

    page.on("console", on_console)
    return violations


def test_swagger_ui_renders_under_our_csp(live_server, page):
    violations = _collect_csp_violations(page)
    page.goto(f"{live_server.url}/api/docs/")
    page.locator(".swagger-ui .info .title").filter(has_text="SimpleLogin API").wait_for()
    page.locator("#operations-aliases-aliases_list").wait_for()
    assert page.locator(".opblock").count() == 9  # every operation of the schema
    assert page.get_by_role("button", name="Authorize").is_visible()
    assert violations == []


def test_redoc_renders(live_server, page):
    violations = _collect_csp_violations(page)
    page.goto(f"{live_server.url}/api/redoc/")
    page.get_by_role("heading", name="SimpleLogin API").first.wait_for()
    page.get_by_role("heading", name="List aliases").wait_for()
    assert page.get_by_role("heading", name="Revoke an app").is_visible()
    assert violations == []
