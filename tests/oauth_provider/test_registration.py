"""Dynamic client registration (RFC 7591) and client configuration (RFC 7592): tokens, metadata, console, lifecycle."""

import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from django.utils import timezone
from jwcrypto import jwk

from oauth_provider.models import Client, RegistrationToken, token_digest
from oauth_provider.services import registration_token_create
from tests.factories import ClientFactory, UserFactory

METADATA = {
    "client_name": "Notes",
    "redirect_uris": ["https://notes.example/cb", "http://127.0.0.1:8000/cb"],
    "client_uri": "https://notes.example",
    "policy_uri": "https://notes.example/privacy",
    "tos_uri": "https://notes.example/terms",
    "logo_uri": "https://notes.example/logo.png",
    "contacts": ["dev@notes.example"],
    "post_logout_redirect_uris": ["https://notes.example/bye"],
}


@pytest.fixture
def dcr_on(settings):
    settings.DYNAMIC_CLIENT_REGISTRATION = True


@pytest.fixture
def owner(db):
    return UserFactory()


@pytest.fixture
def initial_token(owner):
    return registration_token_create(owner=owner)[1]


def register(http, token, body, **headers):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    payload = body if isinstance(body, str | bytes) else json.dumps(body)
    return http.post("/oauth2/register", payload, content_type="application/json", **auth, **headers)


def configure(http, method, client_id, token, body=None):
    call = getattr(http, method)
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return call(f"/oauth2/register/{client_id}", **kwargs)


# --- on / off, initial access tokens ------------------------------------------------------------------------


def test_off_by_default_no_endpoint_and_not_in_discovery(client, initial_token):
    assert register(client, initial_token, METADATA).status_code == 404
    assert client.get("/oauth2/register/abc").status_code == 404
    assert "registration_endpoint" not in client.get("/.well-known/openid-configuration").json()
    assert not Client.objects.exists()


def test_discovery_lists_the_endpoint_when_on(client, dcr_on, db):
    for path in ("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"):
        assert client.get(path).json()["registration_endpoint"] == "http://testserver/oauth2/register"


@pytest.mark.parametrize("token", [None, "wrong-token", "Basic"])
def test_an_initial_access_token_is_required(client, dcr_on, initial_token, token):
    response = register(client, token, METADATA)
    assert response.status_code == 401 and response.json()["error"] == "invalid_token"
    assert response["WWW-Authenticate"].startswith('Bearer realm="SimpleLogin", error="invalid_token"')
    assert not Client.objects.exists()


def test_an_expired_initial_access_token_is_refused(client, dcr_on, owner):
    _row, token = registration_token_create(owner=owner, expires_at=timezone.now() - timedelta(seconds=1))
    response = register(client, token, METADATA)
    assert response.status_code == 401 and response.json()["error"] == "invalid_token"


def test_command_prints_the_token_once_and_stores_only_its_digest(owner, settings):
    settings.DYNAMIC_CLIENT_REGISTRATION = True
    out = io.StringIO()
    call_command(
        "create_registration_token", "--owner", owner.email.upper(), "--days", "30", "--label", "ci", stdout=out
    )
    token = out.getvalue().split("registration_token=")[1].split()[0]
    row = RegistrationToken.objects.get()
    assert row.owner == owner and row.label == "ci" and row.digest == token_digest(token)
    assert token not in json.dumps(list(RegistrationToken.objects.values()), default=str)
    assert timedelta(days=29) < row.expires_at - timezone.now() <= timedelta(days=30)
    owner.refresh_from_db()
    assert owner.is_developer  # so the console shows what the token registers


def test_command_refuses_an_unknown_owner(db):
    with pytest.raises(CommandError, match="No account"):
        call_command("create_registration_token", "--owner", "nobody@example.com")


def test_the_admin_lists_tokens_cannot_add_one_and_deleting_revokes_it(client, dcr_on, owner, initial_token):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    row = RegistrationToken.objects.get()
    listing = client.get("/admin/oauth_provider/registrationtoken/")
    assert listing.status_code == 200 and owner.email in listing.content.decode()
    assert client.get("/admin/oauth_provider/registrationtoken/add/").status_code == 403
    client.post(f"/admin/oauth_provider/registrationtoken/{row.pk}/delete/", {"post": "yes"})
    client.logout()
    assert register(client, initial_token, METADATA).status_code == 401


# --- registering ----------------------------------------------------------------------------------------------


def test_register_a_confidential_client_secret_once_hashed_and_in_the_owners_console(
    client, dcr_on, owner, initial_token
):
    response = register(client, initial_token, METADATA)
    assert response.status_code == 201, response.content
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    registered = Client.objects.get(client_id=data["client_id"])
    assert registered.user == owner and registered.registration_source == Client.RegistrationSource.DCR
    assert data["client_secret"] and data["client_secret_expires_at"] == 0
    assert registered.client_secret != data["client_secret"]
    assert check_password(data["client_secret"], registered.client_secret)
    assert registered.registration_access_token_digest == token_digest(data["registration_access_token"])
    assert data["registration_client_uri"] == f"http://testserver/oauth2/register/{registered.client_id}"
    assert data["client_name"] == "Notes" and data["redirect_uris"] == METADATA["redirect_uris"]
    assert data["grant_types"] == ["authorization_code", "refresh_token"] and data["response_types"] == ["code"]
    assert data["token_endpoint_auth_method"] == "client_secret_basic"
    assert data["id_token_signed_response_alg"] == "RS256" and data["subject_type"] == "pairwise"
    for name in ("client_uri", "policy_uri", "tos_uri", "logo_uri", "contacts", "post_logout_redirect_uris"):
        assert data[name] == METADATA[name]
    assert (registered.home_url, registered.policy_uri, registered.tos_uri) == (
        "https://notes.example",
        "https://notes.example/privacy",
        "https://notes.example/terms",
    )
    assert registered.registration_token.last_used_at is not None

    client.force_login(owner)
    console = client.get("/developer/")
    assert console.status_code == 200 and b"Notes" in console.content
    page = client.get(f"/developer/clients/{registered.client_id}/")
    assert page.status_code == 200 and "by the app itself (dynamic registration" in page.content.decode()


def test_register_a_public_client_has_no_secret(client, dcr_on, initial_token):
    response = register(client, initial_token, {**METADATA, "token_endpoint_auth_method": "none"})
    data = response.json()
    assert response.status_code == 201 and "client_secret" not in data and "client_secret_expires_at" not in data
    assert data["token_endpoint_auth_method"] == "none"
    assert Client.objects.get(client_id=data["client_id"]).client_type == Client.CLIENT_PUBLIC


def test_register_implicit_and_hybrid_flows(client, dcr_on, initial_token):
    response = register(
        client,
        initial_token,
        {
            **METADATA,
            "response_types": ["id_token token", "token id_token code"],
            "grant_types": ["authorization_code", "implicit"],
        },
    )
    assert response.status_code == 201, response.content
    registered = Client.objects.get(client_id=response.json()["client_id"])
    assert (registered.allow_code_flow, registered.allow_implicit_flow, registered.allow_hybrid_flow) == (
        False,
        True,
        True,
    )
    assert "code id_token token" in response.json()["response_types"]


def test_a_name_defaults_to_the_redirect_host(client, dcr_on, initial_token):
    response = register(client, initial_token, {"redirect_uris": ["https://bare.example/cb"]})
    assert response.status_code == 201 and response.json()["client_name"] == "bare.example"


@pytest.mark.parametrize(
    "redirect_uris,problem",
    [
        (["http://notes.example/cb"], "Use https"),
        (["https://notes.example/cb#frag"], "fragment"),
        (["https://*.notes.example/cb"], "Wildcards"),
        ([], "redirect_uris is required"),
        ("https://notes.example/cb", "array of strings"),
    ],
)
def test_redirect_uris_follow_the_console_rules(client, dcr_on, initial_token, redirect_uris, problem):
    response = register(client, initial_token, {**METADATA, "redirect_uris": redirect_uris})
    assert response.status_code == 400 and response.json()["error"] == "invalid_redirect_uri"
    assert problem in response.json()["error_description"]
    assert not Client.objects.exists()


def test_a_bad_post_logout_redirect_uri_is_invalid_redirect_uri(client, dcr_on, initial_token):
    response = register(client, initial_token, {**METADATA, "post_logout_redirect_uris": ["http://x.example/"]})
    assert response.status_code == 400 and response.json()["error"] == "invalid_redirect_uri"


def _private_jwks():
    return {"keys": [json.loads(jwk.JWK.generate(kty="RSA", size=2048).export_private())]}


@pytest.mark.parametrize(
    "change,problem",
    [
        ({"grant_types": ["client_credentials"]}, "Unsupported grant_types"),
        ({"response_types": ["id_token"]}, "needs grant_types implicit"),
        ({"response_types": ["code", "device"]}, "Unsupported response_type"),
        ({"token_endpoint_auth_method": "private_key_jwt"}, "token_endpoint_auth_method"),
        ({"id_token_signed_response_alg": "HS256"}, "RS256"),
        ({"userinfo_signed_response_alg": "RS256"}, "userinfo_signed_response_alg"),
        ({"request_object_signing_alg": "none"}, "request_object_signing_alg"),
        ({"client_name": 7}, "client_name must be a string"),
        ({"client_uri": "javascript:alert(1)"}, "client_uri must be an http or https URL"),
        ({"contacts": ["not an email"]}, "not an email address"),
        ({"jwks_uri": "https://notes.example/jwks", "jwks": {"keys": []}}, "not both"),
        ({"jwks": {"keys": []}}, "JWK Set"),
        ({"jwks": {"keys": [{"kty": "RSA"}]}}, "not a valid JWK"),
        ({"jwks": {"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}}, "public keys only"),
        ({"jwks_uri": "http://notes.example/jwks"}, "jwks_uri: Use https"),
        ({"request_uris": ["http://notes.example/r"]}, "request_uris: http://notes.example/r: Use https"),
        ({"request_uris": "https://notes.example/r"}, "request_uris must be an array"),
    ],
)
def test_bad_metadata_is_invalid_client_metadata(client, dcr_on, initial_token, change, problem):
    response = register(client, initial_token, {**METADATA, **change})
    assert response.status_code == 400, response.content
    assert response.json()["error"] == "invalid_client_metadata" and problem in response.json()["error_description"]
    assert not Client.objects.exists()


def test_a_private_key_in_jwks_is_refused(client, dcr_on, initial_token):
    response = register(client, initial_token, {**METADATA, "jwks": _private_jwks()})
    assert response.status_code == 400 and "public keys only" in response.json()["error_description"]


@pytest.mark.parametrize("body", ["not json", "[1, 2]", b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_invalid_client_metadata(client, dcr_on, initial_token, body):
    response = register(client, initial_token, body)
    assert response.status_code == 400 and response.json()["error"] == "invalid_client_metadata"


def test_unknown_metadata_is_ignored_and_jwks_is_stored(client, dcr_on, initial_token):
    public = {"keys": [json.loads(jwk.JWK.generate(kty="EC", crv="P-256").export_public())]}
    response = register(
        client,
        initial_token,
        {
            **METADATA,
            "software_id": "x",
            "client_name#fr": "Notes FR",
            "jwks": public,
            "subject_type": "public",
            "request_uris": ["https://notes.example/r#abc"],
        },
    )
    assert response.status_code == 201 and response.json()["jwks"] == public
    assert response.json()["request_uris"] == ["https://notes.example/r#abc"]
    assert response.json()["subject_type"] == "pairwise"
    assert Client.objects.get().jwks == public


# --- RFC 7592: read, update, delete ------------------------------------------------------------------------


@pytest.fixture
def registered(client, dcr_on, initial_token):
    data = register(client, initial_token, METADATA).json()
    return data


def test_read_answers_the_registration_without_the_secret(client, registered):
    response = configure(client, "get", registered["client_id"], registered["registration_access_token"])
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    data = response.json()
    assert data["client_id"] == registered["client_id"] and data["client_name"] == "Notes"
    assert "client_secret" not in data and data["client_secret_expires_at"] == 0
    assert data["registration_access_token"] == registered["registration_access_token"]


def test_a_wrong_registration_token_or_another_clients_is_401(client, registered, initial_token):
    other = register(client, initial_token, {**METADATA, "client_name": "Other"}).json()
    for client_id, token in (
        (registered["client_id"], "wrong"),
        (registered["client_id"], other["registration_access_token"]),
        ("no-such-client", registered["registration_access_token"]),
        (registered["client_id"], initial_token),
    ):
        response = configure(client, "get", client_id, token)
        assert response.status_code == 401 and response.json()["error"] == "invalid_token"


def test_a_console_client_cannot_be_managed_here(client, dcr_on, db):
    console_client = ClientFactory()
    assert configure(client, "get", console_client.client_id, "").status_code == 401
    assert configure(client, "delete", console_client.client_id, "anything").status_code == 401
    assert Client.objects.filter(pk=console_client.pk).exists()


def test_update_replaces_the_metadata(client, registered):
    body = {
        "client_id": registered["client_id"],
        "client_name": "Notes 2",
        "client_secret": registered["client_secret"],
        "redirect_uris": ["https://notes.example/new-cb"],
        "response_types": ["code", "id_token"],
        "grant_types": ["authorization_code", "implicit"],
    }
    response = configure(client, "put", registered["client_id"], registered["registration_access_token"], body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["client_name"] == "Notes 2" and data["redirect_uris"] == ["https://notes.example/new-cb"]
    assert "policy_uri" not in data and "contacts" not in data  # a full replacement (RFC 7592 2.2)
    updated = Client.objects.get(client_id=registered["client_id"])
    assert updated.name == "Notes 2" and updated.allow_implicit_flow and updated.policy_uri == ""
    assert check_password(registered["client_secret"], updated.client_secret)  # the secret did not change


@pytest.mark.parametrize(
    "change,error,problem",
    [
        ({"client_id": "someone-else"}, "invalid_client_metadata", "client_id"),
        ({"client_id": None}, "invalid_client_metadata", "client_id"),
        ({"registration_access_token": "x"}, "invalid_client_metadata", "set by the server"),
        ({"client_secret": "not-the-secret"}, "invalid_client_metadata", "current secret"),
        ({"token_endpoint_auth_method": "none"}, "invalid_client_metadata", "public"),
        ({"redirect_uris": ["http://notes.example/cb"]}, "invalid_redirect_uri", "Use https"),
    ],
)
def test_a_bad_update_changes_nothing(client, registered, change, error, problem):
    body = {**METADATA, "client_id": registered["client_id"], **change}
    body = {key: value for key, value in body.items() if value is not None}
    response = configure(client, "put", registered["client_id"], registered["registration_access_token"], body)
    assert response.status_code == 400 and response.json()["error"] == error
    assert problem in response.json()["error_description"]
    assert Client.objects.get(client_id=registered["client_id"]).redirect_uris == " ".join(METADATA["redirect_uris"])


def test_delete_removes_the_client_and_the_registration_token_stops_working(client, registered):
    token = registered["registration_access_token"]
    assert configure(client, "delete", registered["client_id"], token).status_code == 204
    assert not Client.objects.filter(client_id=registered["client_id"]).exists()
    for method in ("get", "delete"):
        response = configure(client, method, registered["client_id"], token)
        assert response.status_code == 401 and response.json()["error"] == "invalid_token"


# --- end to end: a registered client signs in (Authlib against the live server) --------------------------


@pytest.mark.slow
@pytest.mark.parametrize("auth_method", ["client_secret_basic", "client_secret_post", "none"])
def test_a_registered_client_signs_in_end_to_end(live_server, settings, monkeypatch, transactional_db, auth_method):
    import secrets

    import requests
    from authlib.integrations.requests_client import OAuth2Session
    from authlib.oidc.core import CodeIDToken
    from django.test import Client as DjangoClient

    from tests.oauth_provider.test_rp_authlib import REDIRECT_URI, consent_through_the_page, verify_id_token

    settings.URL, settings.DYNAMIC_CLIENT_REGISTRATION = live_server.url, True
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
    owner, person = UserFactory(), UserFactory()
    initial = registration_token_create(owner=owner)[1]
    discovery = requests.get(f"{live_server.url}/.well-known/openid-configuration", timeout=10).json()

    registered = requests.post(
        discovery["registration_endpoint"],
        timeout=10,
        headers={"Authorization": f"Bearer {initial}"},
        json={
            "client_name": "Registered RP",
            "redirect_uris": [REDIRECT_URI],
            "token_endpoint_auth_method": auth_method,
        },
    )
    assert registered.status_code == 201, registered.text
    app = registered.json()

    django_client = DjangoClient()
    django_client.force_login(person)
    browser = requests.Session()
    browser.cookies.set(settings.SESSION_COOKIE_NAME, django_client.cookies[settings.SESSION_COOKIE_NAME].value)
    rp = OAuth2Session(
        app["client_id"],
        app.get("client_secret"),
        scope="openid email",
        redirect_uri=REDIRECT_URI,
        code_challenge_method="S256",
        token_endpoint_auth_method=auth_method,
    )
    verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
    url, _state = rp.create_authorization_url(discovery["authorization_endpoint"], code_verifier=verifier, nonce=nonce)
    location = consent_through_the_page(browser, url, "real")
    token = rp.fetch_token(discovery["token_endpoint"], authorization_response=location, code_verifier=verifier)
    claims = verify_id_token(discovery, token["id_token"], CodeIDToken, nonce, app["client_id"])
    assert claims["email"] == person.email
    assert rp.get(discovery["userinfo_endpoint"]).json()["email"] == person.email

    configuration = {"Authorization": f"Bearer {app['registration_access_token']}"}
    assert requests.get(app["registration_client_uri"], headers=configuration, timeout=10).status_code == 200
    assert requests.delete(app["registration_client_uri"], headers=configuration, timeout=10).status_code == 204
    assert requests.get(app["registration_client_uri"], headers=configuration, timeout=10).status_code == 401
    assert rp.get(discovery["userinfo_endpoint"]).status_code == 401  # deleting the client revoked its tokens
