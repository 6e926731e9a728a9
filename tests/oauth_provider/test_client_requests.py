"""Token, introspection and revocation: malformed client requests get the spec's error, never a 500."""

import base64

import pytest

from tests.oauth_provider.conftest import CLIENT_SECRET, basic_auth

ENDPOINTS = ["/oauth2/token", "/oauth2/introspect", "/oauth2/revoke"]
FORM = {"grant_type": "authorization_code", "code": "c", "redirect_uri": "https://app.example/cb", "token": "t"}


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("query", ["a=%zz", "a=1", "client_id=x&client_secret=y"])
def test_a_query_string_is_refused(client, app, path, query):
    response = client.post(f"{path}?{query}", FORM, HTTP_AUTHORIZATION=basic_auth(app.client_id))
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request", "error_description": "URL query parameters are not allowed"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(
    "header",
    ["Basic " + "é" * 8, "Basic " + base64.b64encode("é:ß".encode("latin-1")).decode(), "Basic !!!", "Basic"],
    ids=["not-ascii", "not-utf8", "not-base64", "empty"],
)
def test_an_unreadable_basic_header_is_invalid_client(client, app, path, header):
    response = client.post(path, FORM, HTTP_AUTHORIZATION=header)
    assert (response.status_code, response.json()["error"]) == (401, "invalid_client")
    assert response["WWW-Authenticate"].startswith("Basic")


@pytest.mark.parametrize("path", ENDPOINTS)
def test_an_encoding_parameter_naming_no_codec_is_invalid_client(client, app, path):
    # DOT decodes the Basic credentials with the charset a body `encoding` parameter names
    response = client.post(path, {**FORM, "encoding": "nope"}, HTTP_AUTHORIZATION=basic_auth(app.client_id))
    assert (response.status_code, response.json()) == (401, {"error": "invalid_client"})


@pytest.mark.parametrize("path", ENDPOINTS)
def test_a_failed_basic_authentication_is_not_rescued_by_body_credentials(client, app, path):
    # RFC 6749 2.3: one authentication method per request
    body = {**FORM, "client_id": app.client_id, "client_secret": CLIENT_SECRET}
    refused = client.post(path, body, HTTP_AUTHORIZATION=basic_auth(app.client_id, "wrong"))
    assert (refused.status_code, refused.json()["error"]) == (401, "invalid_client")
    for kwargs in ({"HTTP_AUTHORIZATION": basic_auth(app.client_id)}, {}):  # Basic alone, the body alone
        data = FORM if kwargs else body
        assert client.post(path, data, **kwargs).status_code != 401
