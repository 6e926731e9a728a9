"""The token endpoint: client authentication, PKCE, single-use codes, replay revocation, refresh rotation."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken, IDToken, RefreshToken, get_grant_model

from tests.factories import CLIENT_SECRET, AuthorizationFactory, ClientFactory
from tests.oauth_provider.conftest import authorize_url, basic_auth, exchange, pkce_pair, response_params

Grant = get_grant_model()


@pytest.fixture
def authorized(user, app):
    return AuthorizationFactory(user=user, client=app)


def get_code(http, client, **params):
    return response_params(http.get(authorize_url(client, **params)))["code"]


def refresh(http, client, refresh_token, secret=CLIENT_SECRET):
    return http.post(
        "/oauth2/token",
        {"grant_type": "refresh_token", "refresh_token": refresh_token},
        HTTP_AUTHORIZATION=basic_auth(client.client_id, secret),
    )


def userinfo_status(http, access_token):
    return http.get("/oauth2/userinfo", HTTP_AUTHORIZATION=f"Bearer {access_token}").status_code


def test_client_secret_basic(signed_in, app, authorized):
    response = exchange(signed_in, app, get_code(signed_in, app))
    body = response.json()
    assert response.status_code == 200 and body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["access_token"] and body["refresh_token"] and body["id_token"]
    assert response["Cache-Control"] == "no-store"
    stored = AccessToken.objects.get()
    assert stored.token == "" and RefreshToken.objects.get().token == ""  # only checksums at rest (RFC 9700 4)


def test_tokens_carry_256_random_bits(signed_in, app, authorized):
    first = exchange(signed_in, app, get_code(signed_in, app)).json()
    second = exchange(signed_in, app, get_code(signed_in, app)).json()
    tokens = [first["access_token"], first["refresh_token"], second["access_token"], second["refresh_token"]]
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", token) for token in tokens)  # 32 bytes, base64url
    assert len(set(tokens)) == 4


def test_client_secret_post(signed_in, app, authorized):
    code = get_code(signed_in, app)
    response = signed_in.post(
        "/oauth2/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "https://app.example/callback",
            "client_id": app.client_id,
            "client_secret": CLIENT_SECRET,
        },
    )
    assert response.status_code == 200 and "access_token" in response.json()


def test_the_2019_user_object(signed_in, app, authorized, user):
    body = exchange(signed_in, app, get_code(signed_in, app)).json()
    assert body["user"] == {
        "id": authorized.sub,
        "sub": authorized.sub,
        "email": user.email,
        "email_verified": True,
        "name": authorized.name,
        "avatar_url": None,
        "client": app.name,
    }


def test_the_2019_path_works(signed_in, app, authorized):
    code = get_code(signed_in, app)
    response = signed_in.post(
        "/oauth/token",
        {"grant_type": "authorization_code", "code": code, "redirect_uri": "https://app.example/callback"},
        HTTP_AUTHORIZATION=basic_auth(app.client_id),
    )
    assert response.status_code == 200


@pytest.mark.parametrize("secret", ["wrong", ""])
def test_wrong_secret_is_invalid_client_401_with_challenge(signed_in, app, authorized, secret):
    response = exchange(signed_in, app, get_code(signed_in, app), secret=secret or None)
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"
    assert response["WWW-Authenticate"].startswith("Basic")


def test_unknown_client_is_invalid_client(signed_in):
    response = signed_in.post(
        "/oauth2/token", {"grant_type": "authorization_code", "code": "x"}, HTTP_AUTHORIZATION=basic_auth("nobody", "x")
    )
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_redirect_uri_must_match_the_authorization_request(signed_in, app, authorized):
    # RFC 6749 5.2: the grant "does not match the redirection URI used in the authorization request".
    app.redirect_uris = "https://app.example/callback https://app.example/other"
    app.save()
    code = get_code(signed_in, app)
    for redirect_uri in ("https://app.example/other", "https://app.example/unregistered"):
        response = exchange(signed_in, app, code, redirect_uri=redirect_uri)
        assert response.status_code == 400 and response.json()["error"] == "invalid_grant"
        assert "redirect_uri" in response.json()["error_description"]
    assert response["Cache-Control"] == "no-store"
    assert AccessToken.objects.count() == 0


@pytest.mark.parametrize("body", [{"code": "x"}, {"grant_type": "", "code": "x"}])
def test_a_missing_grant_type_is_invalid_request(signed_in, app, body):
    response = signed_in.post("/oauth2/token", body, HTTP_AUTHORIZATION=basic_auth(app.client_id))
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
    assert "grant_type" in response.json()["error_description"]


def test_another_clients_code_is_invalid_grant(signed_in, app, authorized, user):
    other = ClientFactory()
    AuthorizationFactory(user=user, client=other)
    code = get_code(signed_in, other)
    response = exchange(signed_in, app, code)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_expired_code_is_invalid_grant(signed_in, app, authorized):
    code = get_code(signed_in, app)
    assert Grant.objects.get(code=code).expires <= timezone.now() + timedelta(seconds=60)
    Grant.objects.filter(code=code).update(expires=timezone.now() - timedelta(seconds=1))
    assert exchange(signed_in, app, code).json()["error"] == "invalid_grant"


def test_code_replay_revokes_every_token_issued_from_it(signed_in, app, authorized):
    code = get_code(signed_in, app)
    first = exchange(signed_in, app, code).json()
    refreshed = refresh(signed_in, app, first["refresh_token"]).json()
    assert userinfo_status(signed_in, refreshed["access_token"]) == 200
    replay = exchange(signed_in, app, code)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert userinfo_status(signed_in, first["access_token"]) == 401
    assert userinfo_status(signed_in, refreshed["access_token"]) == 401
    assert refresh(signed_in, app, refreshed["refresh_token"]).json()["error"] == "invalid_grant"
    assert not AccessToken.objects.exists() and not IDToken.objects.exists()


def test_refresh_rotates_and_reuse_revokes_the_family(signed_in, app, authorized):
    first = exchange(signed_in, app, get_code(signed_in, app)).json()
    second = refresh(signed_in, app, first["refresh_token"]).json()
    assert second["refresh_token"] != first["refresh_token"] and second["id_token"]
    assert second["user"]["sub"] == authorized.sub
    assert userinfo_status(signed_in, first["access_token"]) == 401  # the old access token is gone
    reuse = refresh(signed_in, app, first["refresh_token"])
    assert reuse.status_code == 400 and reuse.json()["error"] == "invalid_grant"
    assert userinfo_status(signed_in, second["access_token"]) == 401
    assert refresh(signed_in, app, second["refresh_token"]).json()["error"] == "invalid_grant"


def test_public_client_with_s256(signed_in, user):
    client = ClientFactory(client_type="public", client_secret="")
    AuthorizationFactory(user=user, client=client)
    verifier, challenge = pkce_pair()
    code = get_code(signed_in, client, code_challenge=challenge, code_challenge_method="S256")
    response = signed_in.post(
        "/oauth2/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "https://app.example/callback",
            "client_id": client.client_id,
            "code_verifier": verifier,
        },
    )
    assert response.status_code == 200 and response.json()["access_token"]


def test_wrong_verifier_is_invalid_grant(signed_in, user):
    client = ClientFactory(client_type="public", client_secret="")
    AuthorizationFactory(user=user, client=client)
    _, challenge = pkce_pair()
    code = get_code(signed_in, client, code_challenge=challenge, code_challenge_method="S256")
    response = signed_in.post(
        "/oauth2/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "https://app.example/callback",
            "client_id": client.client_id,
            "code_verifier": "x" * 50,
        },
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_confidential_client_pkce_is_checked_when_used(signed_in, app, authorized):
    verifier, challenge = pkce_pair()
    code = get_code(signed_in, app, code_challenge=challenge, code_challenge_method="S256")
    assert exchange(signed_in, app, code).status_code == 400
    code = get_code(signed_in, app, code_challenge=challenge, code_challenge_method="S256")
    assert exchange(signed_in, app, code, verifier=verifier).status_code == 200


@pytest.mark.parametrize("grant_type", ["password", "client_credentials", "urn:x:unknown"])
def test_other_grant_types_are_refused(signed_in, app, grant_type):
    response = signed_in.post(
        "/oauth2/token",
        {"grant_type": grant_type, "username": "a", "password": "b"},
        HTTP_AUTHORIZATION=basic_auth(app.client_id),
    )
    assert response.status_code in (400, 401)
    assert response.json()["error"] in ("unauthorized_client", "unsupported_grant_type", "invalid_grant")
    assert "access_token" not in response.json()


def test_get_is_405(client):
    assert client.get("/oauth2/token").status_code == 405


def test_garbage_never_500(signed_in, app):
    for data in (
        {},
        {"grant_type": "authorization_code"},
        {"grant_type": "authorization_code", "code": "\x00"},
        {"grant_type": "refresh_token", "refresh_token": "nope"},
    ):
        response = signed_in.post("/oauth2/token", data, HTTP_AUTHORIZATION=basic_auth(app.client_id))
        assert 400 <= response.status_code < 500 and "error" in response.json()


def test_cors_on_token_endpoint(client):
    response = client.options(
        "/oauth2/token", HTTP_ORIGIN="https://spa.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
    )
    assert response["Access-Control-Allow-Origin"] == "*"


def test_code_exchange_query_budget_constant_in_stored_tokens(
    signed_in, app, authorized, django_assert_max_num_queries
):
    for _ in range(3):
        exchange(signed_in, app, get_code(signed_in, app))
    code = get_code(signed_in, app)
    # The code and client lookups, three INSERTs, the code's UPDATE, and the view's transaction (here a savepoint).
    with django_assert_max_num_queries(8):
        assert exchange(signed_in, app, code).status_code == 200
    assert RefreshToken.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_code_exchange_works_again_after_the_database_connection_is_renewed(signed_in, app, authorized):
    from django.db import connection

    first = exchange(signed_in, app, get_code(signed_in, app))
    code = get_code(signed_in, app)
    connection.close()  # PostgreSQL: the new connection has none of the old one's prepared statements
    second = exchange(signed_in, app, code)
    assert first.status_code == second.status_code == 200
    assert second.json()["access_token"] != first.json()["access_token"]
    assert RefreshToken.objects.count() == 2


def test_cleartokens_removes_expired_codes_and_tokens(signed_in, app, authorized):
    from io import StringIO

    from django.core.management import call_command

    tokens = exchange(signed_in, app, get_code(signed_in, app)).json()
    get_code(signed_in, app)
    past = timezone.now() - timedelta(days=60)
    Grant.objects.update(expires=past)
    AccessToken.objects.update(expires=past)
    call_command("cleartokens", stdout=StringIO())
    assert not Grant.objects.exists() and not AccessToken.objects.exists()
    assert refresh(signed_in, app, tokens["refresh_token"]).json()["error"] == "invalid_grant"


@pytest.mark.parametrize("password_right", [True, False])
def test_password_grant_never_checks_the_password(signed_in, app, user, password, password_right):
    # Otherwise the answer (unauthorized_client vs invalid_grant) tells an attacker whether a password is right,
    # without the log-in page's rate limits.
    response = signed_in.post(
        "/oauth2/token",
        {
            "grant_type": "password",
            "username": user.email,
            "password": password if password_right else "wrong",
        },
        HTTP_AUTHORIZATION=basic_auth(app.client_id),
    )
    assert response.status_code == 400 and response.json() == {"error": "unsupported_grant_type"}


def test_code_verifier_for_a_code_issued_without_challenge_is_invalid_grant(signed_in, app, authorized):
    # RFC 9700 2.1.1: PKCE downgrade (an injected code without a challenge passes with any verifier).
    code = get_code(signed_in, app)
    response = exchange(signed_in, app, code, verifier="a" * 50)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"
    assert exchange(signed_in, app, get_code(signed_in, app)).status_code == 200


@pytest.mark.parametrize("param", ["code", "code_verifier", "redirect_uri"])
def test_a_repeated_parameter_is_invalid_request(signed_in, app, authorized, param):
    # RFC 6749 3.2: parameters MUST NOT be included more than once.
    verifier, challenge = pkce_pair()
    code = get_code(signed_in, app, code_challenge=challenge, code_challenge_method="S256")
    body = (
        f"grant_type=authorization_code&code={code}&code_verifier={verifier}"
        f"&redirect_uri=https%3A%2F%2Fapp.example%2Fcallback&{param}=x"
    )
    response = signed_in.post(
        "/oauth2/token",
        body,
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=basic_auth(app.client_id),
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
    assert param in response.json()["error_description"]
    assert AccessToken.objects.count() == 0


def test_client_id_in_the_body_must_be_the_authenticated_client(signed_in, app, authorized):
    other = ClientFactory()
    code = get_code(signed_in, app)
    response = signed_in.post(
        "/oauth2/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": app.client_id,
            "redirect_uri": "https://app.example/callback",
        },
        HTTP_AUTHORIZATION=basic_auth(other.client_id),
    )
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"
    assert response["WWW-Authenticate"].startswith("Basic")
    assert exchange(signed_in, app, code).status_code == 200  # the code was not spent
