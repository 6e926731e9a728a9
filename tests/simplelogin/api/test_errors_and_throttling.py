"""Every error has a stable code and a human detail; calls are throttled per key or token."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_unknown_api_path_is_json_404(api):
    response = api.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "No such API endpoint."}


def test_wrong_method_is_405_with_code(api):
    response = api.delete("/api/v1/me")
    assert response.status_code == 405
    assert response.json() == {"code": "method_not_allowed", "detail": 'Method "DELETE" not allowed.'}


def test_only_json_is_offered(api):
    response = api.get("/api/v1/me", HTTP_ACCEPT="text/html")
    assert response.status_code == 406
    assert response.json()["code"] == "not_acceptable"


@pytest.mark.parametrize("fmt", ["multipart", "json-as-form"])
def test_a_form_body_is_415_like_the_schema_says(api, fmt):
    if fmt == "multipart":
        response = api.post("/api/v1/aliases/custom", {"prefix": "shop"}, format="multipart")
    else:
        response = api.post("/api/v1/aliases/custom", "prefix=shop", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


@pytest.fixture
def low_rate(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "3/min"}}


def test_throttled_per_key_with_retry_after(api, api_for, user, low_rate):
    for _ in range(3):
        assert api.get("/api/v1/me").status_code == 200
    response = api.get("/api/v1/me")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["retry_after"] == int(response["Retry-After"])
    assert api_for(user).get("/api/v1/me").status_code == 200


def test_throttled_per_token(token_api, low_rate):
    client = token_api("aliases:read")
    statuses = [client.get("/api/v1/me").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert token_api("aliases:read").get("/api/v1/me").status_code == 200


def test_another_persons_key_has_its_own_budget(api, api_for, low_rate):
    for _ in range(4):
        api.get("/api/v1/me")
    assert api_for(UserFactory()).get("/api/v1/me").status_code == 200


def test_unknown_api_path_is_json_404_for_writes_too(api):
    response = api.delete("/api/v1/aliases/-1")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "body",
    ["[" * 20000, '{"a":' * 20000, '{"prefix": ', b"\xff\xfe{}"],
    ids=["deep array", "deep object", "truncated", "not utf-8"],
)
@pytest.mark.parametrize("method", ["post", "patch"])
def test_a_body_that_does_not_parse_is_a_400_in_the_api_shape(api, user, body, method):
    from tests.factories import AliasFactory

    url = "/api/v1/aliases/custom" if method == "post" else f"/api/v1/aliases/{AliasFactory(user=user).pk}"
    response = getattr(api, method)(url, body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "parse_error" and response.json()["detail"]
