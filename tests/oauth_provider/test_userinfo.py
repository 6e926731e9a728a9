"""Userinfo (/oauth2/userinfo, /oauth/user_info, /oauth/me): where the token may be sent, claims of the consent."""

import logging

import pytest

from tests.factories import AliasFactory, AuthorizationFactory, ClientFactory
from tests.oauth_provider.conftest import authorize_url, exchange, response_params
from tests.oauth_provider.test_amr_acr import id_token_claims


def tokens_for(http, client, **params):
    code = response_params(http.get(authorize_url(client, **params)))["code"]
    return exchange(http, client, code).json()


@pytest.fixture
def token(signed_in, app, user):
    AuthorizationFactory(user=user, client=app, name="Ann")
    return tokens_for(signed_in, app)["access_token"]


@pytest.mark.parametrize(
    "path", ["/oauth2/userinfo", "/oauth2/user_info", "/oauth2/me", "/oauth/userinfo", "/oauth/user_info", "/oauth/me"]
)
def test_get_with_bearer_header_on_every_path(client, token, path, user, app):
    response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == user.email and body["email_verified"] is True
    assert body["name"] == "Ann" and body["client"] == app.name and body["avatar_url"] is None
    assert body["sub"] == body["id"] == app.authorizations.get().sub
    assert "picture" not in body  # no avatar: picture is omitted, avatar_url stays null for 2019 clients


def test_post_with_bearer_header(client, token):
    assert client.post("/oauth2/userinfo", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_token_in_query_string_is_refused_and_the_error_names_the_switch(client, token, app):
    assert not app.accepts_query_access_token  # off for new clients
    response = client.get(f"/oauth2/userinfo?access_token={token}")
    assert response.status_code == 400 and response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["error"] == "invalid_request"
    assert "This app sends the access token in the query string" in body["error_description"]
    assert "developer console" in body["error_description"]
    challenge = response["WWW-Authenticate"]
    assert challenge.startswith("Bearer ") and 'error="invalid_request"' in challenge
    assert "developer console" in challenge and challenge.isascii()


def test_token_in_query_string_is_accepted_when_the_client_sends_it_there(client, token, app, user):
    app.accepts_query_access_token = True
    app.save()
    for path in ("/oauth2/userinfo", "/oauth/user_info"):
        response = client.get(f"{path}?access_token={token}")
        assert response.status_code == 200 and response["Cache-Control"] == "no-store"
        assert response.json()["email"] == user.email


def test_an_unknown_token_in_the_query_string_is_invalid_token(client, db):
    response = client.get("/oauth2/userinfo?access_token=nope")
    assert response.status_code == 401 and response.json()["error"] == "invalid_token"


def test_the_authorization_header_wins_over_the_query_string(client, token, app):
    response = client.get("/oauth2/userinfo?access_token=nope", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response.json()["name"] == "Ann"
    app.accepts_query_access_token = True
    app.save()
    response = client.get(f"/oauth2/userinfo?access_token={token}", HTTP_AUTHORIZATION="Bearer nope")
    assert response.status_code == 401 and response.json()["error"] == "invalid_token"


def test_the_query_token_never_reaches_a_log_line(client, token, app, caplog):
    caplog.set_level(logging.DEBUG)
    assert client.get(f"/oauth2/userinfo?access_token={token}").status_code == 400
    app.accepts_query_access_token = True
    app.save()
    assert client.get(f"/oauth2/userinfo?access_token={token}").status_code == 200
    assert client.get(f"/oauth2/userinfo?access_token={token}x").status_code == 401
    assert client.get(f"/oauth2/nowhere?access_token={token}").status_code == 404
    assert "/oauth2/userinfo" in caplog.text and "/oauth2/nowhere" in caplog.text
    assert token not in caplog.text


def test_runserver_request_lines_drop_the_query_string(caplog):
    # django.server (runserver) logs the request line of every 4xx and 5xx response.
    caplog.set_level(logging.INFO)
    logging.getLogger("django.server").warning(
        '"%s" %s %s', "GET /oauth2/userinfo?access_token=secret-value HTTP/1.1", "401", "90"
    )
    assert "GET /oauth2/userinfo HTTP/1.1" in caplog.text and "secret-value" not in caplog.text


def test_token_in_a_form_encoded_body_is_accepted_for_any_client(client, token, app):
    # RFC 6750 2.2; the query-string switch stays off.
    response = client.post(
        "/oauth2/userinfo", f"access_token={token}", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200 and response.json()["name"] == "Ann"
    assert response["Cache-Control"] == "no-store" and not app.accepts_query_access_token


def test_token_in_a_body_that_is_not_form_encoded_is_not_read(client, token):
    response = client.post("/oauth2/userinfo", {"access_token": token}, content_type="application/json")
    assert response.status_code == 401 and response.json()["error"] == "invalid_request"
    response = client.post("/oauth2/userinfo", {"access_token": token})  # multipart/form-data
    assert response.status_code == 401


def test_the_authorization_header_wins_over_the_body(client, token):
    response = client.post(
        "/oauth2/userinfo",
        f"access_token={token}",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION="Bearer nope",
    )
    assert response.status_code == 401 and response.json()["error"] == "invalid_token"


@pytest.mark.parametrize("header", ["Bearer nope", "Bearer ", "Basic abc", "Bearer \x00"])
def test_invalid_tokens_are_401(client, db, header):
    response = client.get("/oauth2/userinfo", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401 and response.json()["error"] in ("invalid_token", "invalid_request")


def test_an_id_token_is_not_an_access_token(signed_in, app, user):
    AuthorizationFactory(user=user, client=app)
    id_token = tokens_for(signed_in, app)["id_token"]
    assert signed_in.get("/oauth2/userinfo", HTTP_AUTHORIZATION=f"Bearer {id_token}").status_code == 401


def test_claims_follow_the_chosen_alias(signed_in, app, user):
    alias = AliasFactory(user=user)
    AuthorizationFactory(user=user, client=app, alias=alias)
    token = tokens_for(signed_in, app)["access_token"]
    assert signed_in.get("/oauth2/userinfo", HTTP_AUTHORIZATION=f"Bearer {token}").json()["email"] == alias.email


def test_avatar_is_an_absolute_url_in_avatar_url_and_picture_when_shared(signed_in, app, user):
    from django.core.files.base import ContentFile

    user.avatar.save("a.png", ContentFile(b"png"), save=True)
    AuthorizationFactory(user=user, client=app, share_avatar=True)
    tokens = tokens_for(signed_in, app)
    body = signed_in.get("/oauth2/userinfo", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").json()
    url = body["avatar_url"]
    assert url.startswith("http://testserver/") and url.endswith(".png")
    assert body["picture"] == url  # OIDC Core 5.1, read by allauth
    assert id_token_claims(tokens)["picture"] == url


def test_an_avatar_not_shared_is_neither_picture_nor_avatar_url(signed_in, app, user):
    from django.core.files.base import ContentFile

    user.avatar.save("a.png", ContentFile(b"png"), save=True)
    AuthorizationFactory(user=user, client=app, share_avatar=False)
    token = tokens_for(signed_in, app)["access_token"]
    body = signed_in.get("/oauth2/userinfo", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert body["avatar_url"] is None and "picture" not in body


def test_no_display_name_means_no_name_claim_anywhere(signed_in, app, user):
    # OIDC Core 5.3.2: an absent claim is omitted, not null.
    AuthorizationFactory(user=user, client=app, name="")
    tokens = tokens_for(signed_in, app)
    body = signed_in.get("/oauth2/userinfo", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").json()
    assert "name" not in body and "name" not in id_token_claims(tokens) and "name" not in tokens["user"]
    assert None not in [value for key, value in body.items() if key != "avatar_url"]


def test_userinfo_id_is_the_pairwise_subject_on_every_path(signed_in, app, user):
    AuthorizationFactory(user=user, client=app)
    token = tokens_for(signed_in, app)["access_token"]
    for path in ("/oauth2/userinfo", "/oauth/user_info", "/oauth2/me"):
        body = signed_in.get(path, HTTP_AUTHORIZATION=f"Bearer {token}").json()
        assert body["id"] == body["sub"] == app.authorizations.get().sub


def test_scopes_limit_claims(signed_in, app, user):
    AuthorizationFactory(user=user, client=app)
    token = tokens_for(signed_in, app, scope="openid")["access_token"]
    body = signed_in.get("/oauth2/userinfo", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert set(body) == {"sub", "id", "client"}


def test_2019_scopes_name_and_avatar_url_are_accepted(signed_in, app, user):
    AuthorizationFactory(user=user, client=app, name="Old", scope="openid email name avatar_url")
    token = tokens_for(signed_in, app, scope="openid email name avatar_url")["access_token"]
    body = signed_in.get("/oauth2/userinfo", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert body["name"] == "Old" and "avatar_url" in body and body["email"] == user.email


def test_pairwise_sub_is_stable_per_app_and_different_across_apps(signed_in, app, user):
    other = ClientFactory()
    AuthorizationFactory(user=user, client=app)
    AuthorizationFactory(user=user, client=other)
    subs = []
    for client in (app, app, other):
        token = tokens_for(signed_in, client)["access_token"]
        subs.append(signed_in.get("/oauth2/userinfo", HTTP_AUTHORIZATION=f"Bearer {token}").json()["sub"])
    assert subs[0] == subs[1] != subs[2]
    assert str(user.pk) not in subs


def test_expired_token_is_401(client, token):
    from django.utils import timezone
    from oauth2_provider.models import AccessToken

    AccessToken.objects.update(expires=timezone.now())
    assert client.get("/oauth2/userinfo", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_cors_on_userinfo(client, token):
    response = client.get("/oauth2/userinfo", HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ORIGIN="https://spa.example")
    assert response["Access-Control-Allow-Origin"] == "*"


def test_query_budget_constant_in_stored_tokens(signed_in, app, user, django_assert_max_num_queries):
    AuthorizationFactory(user=user, client=app)
    tokens = [tokens_for(signed_in, app)["access_token"] for _ in range(5)]
    for token in (tokens[0], tokens[-1]):
        with django_assert_max_num_queries(4):
            assert signed_in.get("/oauth2/userinfo", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_put_is_405(client):
    assert client.put("/oauth2/userinfo").status_code == 405


@pytest.mark.parametrize("scheme", ["bearer", "BEARER"])
def test_the_bearer_scheme_is_case_insensitive(client, token, scheme):
    # RFC 7235 2.1 / RFC 6750 2.1: the auth-scheme is case-insensitive.
    response = client.get("/oauth2/userinfo", HTTP_AUTHORIZATION=f"{scheme} {token}")
    assert response.status_code == 200 and response.json()["name"] == "Ann"


@pytest.mark.parametrize(("seconds", "status"), [(5, 200), (-5, 401)])
def test_a_token_is_live_until_its_expiry_to_the_second(client, token, seconds, status):
    from datetime import timedelta

    from django.utils import timezone
    from oauth2_provider.models import AccessToken

    AccessToken.objects.update(expires=timezone.now() + timedelta(seconds=seconds))
    assert client.get("/oauth2/userinfo", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == status
