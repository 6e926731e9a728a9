"""The protocol endpoints' short middleware list: same headers and errors as the full list, no session."""

import pytest
from django.test import Client

from tests.factories import ClientFactory
from tests.oauth_provider.conftest import basic_auth

PROTOCOL_GETS = ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server", "/jwks"]
PROTOCOL_POSTS = ["/oauth2/token", "/oauth/token", "/oauth2/introspect", "/oauth2/revoke", "/oauth2/userinfo"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PROTOCOL_GETS + PROTOCOL_POSTS)
def test_protocol_answers_keep_the_site_security_headers_and_set_no_cookie(client, signing_key_dir, path):
    response = client.get(path) if path in PROTOCOL_GETS else client.post(path, {"grant_type": "authorization_code"})
    assert response.status_code in (200, 400, 401, 405)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert len(response["X-Request-ID"]) == 32
    assert int(response["Content-Length"]) == len(response.content)
    assert not response.cookies and "Cookie" not in response.get("Vary", "")


@pytest.mark.django_db
def test_protocol_errors_stay_the_specs_json(client):
    app = ClientFactory()
    wrong = basic_auth(app.client_id, "wrong")
    response = client.post("/oauth2/token", {"grant_type": "authorization_code", "code": "x"}, HTTP_AUTHORIZATION=wrong)
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"
    assert response["Cache-Control"] == "no-store"
    assert client.post("/oauth2/token", {"code": "a\x00b"}).json()["error"] == "invalid_request"


def test_protocol_paths_refuse_an_unknown_host(db):
    response = Client(HTTP_HOST="evil.example").get("/jwks")
    assert response.status_code == 400
