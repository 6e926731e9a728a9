"""Who may call the API: API keys, OAuth tokens and their scopes."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiKey
from accounts.services import api_key_delete
from tests.factories import AliasFactory

pytestmark = pytest.mark.django_db


def test_no_credentials_is_401_with_a_bearer_challenge():
    response = APIClient().get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_api_key_authenticates_and_records_last_use(api, user):
    assert ApiKey.objects.get(user=user).last_used_at is None
    response = api.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["email"] == user.email
    assert ApiKey.objects.get(user=user).last_used_at is not None


def test_key_is_stored_only_as_its_sha256(raw_key, user):
    key = ApiKey.objects.get(user=user)
    assert raw_key.startswith(key.prefix)
    assert raw_key not in (key.key_hash, key.prefix, key.name)
    assert len(key.key_hash) == 64


def test_unknown_key_is_refused():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer sl_00000000_not-a-real-key")
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_api_key"


def test_deleted_key_stops_working_at_once(api, user):
    assert api.get("/api/v1/me").status_code == 200
    api_key_delete(api_key=ApiKey.objects.get(user=user))
    response = api.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_api_key"


def test_key_of_a_deactivated_person_is_refused(api, user):
    user.is_active = False
    user.save()
    assert api.get("/api/v1/me").status_code == 401


def test_read_scope_can_read_but_not_write(token_api, user):
    alias = AliasFactory(user=user)
    client = token_api("openid aliases:read")
    assert client.get("/api/v1/aliases").status_code == 200
    assert client.get(f"/api/v1/aliases/{alias.pk}").status_code == 200
    for response in (
        client.post("/api/v1/aliases/random"),
        client.patch(f"/api/v1/aliases/{alias.pk}", {"note": "x"}, format="json"),
        client.delete(f"/api/v1/aliases/{alias.pk}"),
    ):
        assert response.status_code == 403
        assert response.json()["code"] == "insufficient_scope"
        assert "aliases:write" in response.json()["detail"]
    alias.refresh_from_db()
    assert alias.note == ""


def test_write_scope_can_write(token_api, user):
    alias = AliasFactory(user=user)
    client = token_api("aliases:write")
    response = client.patch(f"/api/v1/aliases/{alias.pk}", {"note": "shop"}, format="json")
    assert response.status_code == 200
    assert response.json()["note"] == "shop"


def test_sign_in_token_without_api_scopes_cannot_use_the_api(token_api):
    response = token_api("openid email profile").get("/api/v1/me")
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"


def test_apps_endpoints_need_a_personal_api_key(token_api):
    client = token_api("aliases:read aliases:write")
    response = client.get("/api/v1/apps")
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
    assert "API key" in response.json()["detail"]


def test_expired_token_is_401_invalid_token(token_api):
    response = token_api("aliases:read", expires_in=-10).get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_unknown_token_is_401_invalid_token():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer abcdefghijklmnopqrstuvwxyz0123")
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_other_authorization_schemes_are_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz")
    assert client.get("/api/v1/me").status_code == 401


def test_session_cookie_does_not_authenticate_the_api(signed_in):
    assert signed_in.get("/api/v1/me").status_code == 401


def test_last_use_is_written_at_most_once_a_minute(api, user):
    api.get("/api/v1/me")
    recent = timezone.now() - timezone.timedelta(seconds=5)
    ApiKey.objects.filter(user=user).update(last_used_at=recent)
    api.get("/api/v1/me")
    assert ApiKey.objects.get(user=user).last_used_at == recent


def test_token_of_a_deactivated_person_is_refused(token_api, user):
    client = token_api("aliases:read")
    user.is_active = False
    user.save()
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


@pytest.fixture
def id_token_for(signing_key_dir, client, user):
    """An id_token from a real implicit sign-in (response_type=id_token: no access token is issued)."""
    from urllib.parse import parse_qs, urlencode, urlsplit

    from tests.factories import AuthorizationFactory, ClientFactory

    def make(scope: str) -> str:
        app = ClientFactory(allow_implicit_flow=True)
        AuthorizationFactory(user=user, client=app, scope=scope)
        client.force_login(user)
        query = urlencode(
            {
                "client_id": app.client_id,
                "redirect_uri": app.redirect_uris,
                "response_type": "id_token",
                "scope": scope,
                "nonce": "n",
                "state": "s",
            }
        )
        response = client.get(f"/oauth2/authorize?{query}")
        fragment = parse_qs(urlsplit(response["Location"]).fragment)
        assert "access_token" not in fragment
        return fragment["id_token"][0]

    return make


def test_an_id_token_is_never_an_api_credential(id_token_for, user):
    alias = AliasFactory(user=user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {id_token_for('openid aliases:read aliases:write')}")

    assert api.get("/api/v1/me").status_code == 401
    response = api.delete(f"/api/v1/aliases/{alias.pk}")
    assert response.status_code == 401 and response.json()["code"] == "invalid_token"
    assert user.aliases.filter(pk=alias.pk).exists()
