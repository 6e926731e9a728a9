"""RP-initiated logout with id_token_hint and a registered post_logout_redirect_uri."""

from urllib.parse import urlencode

import pytest
from oauth2_provider.models import AccessToken

from tests.factories import AuthorizationFactory, ClientFactory
from tests.oauth_provider.conftest import authorize_url, exchange, response_params


@pytest.fixture
def id_token(signed_in, app, user):
    AuthorizationFactory(user=user, client=app)
    code = response_params(signed_in.get(authorize_url(app)))["code"]
    return exchange(signed_in, app, code).json()["id_token"]


def test_logout_with_hint_and_registered_uri_redirects_with_state(signed_in, id_token):
    query = urlencode(
        {"id_token_hint": id_token, "post_logout_redirect_uri": "https://app.example/logged-out", "state": "s1"}
    )
    response = signed_in.get(f"/oauth2/end_session?{query}")
    assert response.status_code == 302 and response["Location"] == "https://app.example/logged-out?state=s1"
    assert signed_in.get("/dashboard/").status_code == 302  # signed out of SimpleLogin
    assert not AccessToken.objects.exists()


def test_unregistered_post_logout_uri_is_refused(signed_in, id_token):
    query = urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": "https://evil.example/"})
    response = signed_in.get(f"/oauth2/end_session?{query}")
    assert response.status_code == 400 and "evil.example" not in response.get("Location", "")
    assert signed_in.get("/dashboard/").status_code == 200  # still signed in


def test_forged_hint_is_refused(signed_in, id_token):
    head, payload, _sig = id_token.split(".")
    response = signed_in.get(f"/oauth2/end_session?id_token_hint={head}.{payload}.AAAA")
    assert response.status_code == 400


def test_without_hint_the_person_confirms(signed_in):
    response = signed_in.get("/oauth2/end_session")
    assert response.status_code == 200 and "Log out of SimpleLogin?" in response.content.decode()
    signed_in.post("/oauth2/end_session", {"allow": "true"})
    assert signed_in.get("/dashboard/").status_code == 302


def test_logging_out_of_one_app_leaves_the_other_apps_tokens_alone(signed_in, id_token, user):
    # The id_token_hint names one RP; DOT's default would revoke the person's tokens at every app.
    other = ClientFactory()
    AuthorizationFactory(user=user, client=other)
    other_token = exchange(signed_in, other, response_params(signed_in.get(authorize_url(other)))["code"]).json()
    query = urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": "https://app.example/logged-out"})
    assert signed_in.get(f"/oauth2/end_session?{query}").status_code == 302
    assert list(AccessToken.objects.values_list("application_id", flat=True)) == [other.pk]
    bearer = f"Bearer {other_token['access_token']}"
    assert signed_in.get("/oauth2/userinfo", HTTP_AUTHORIZATION=bearer).status_code == 200


def test_a_stolen_hint_without_a_session_revokes_nothing(client, id_token, user, app):
    other = ClientFactory()
    AuthorizationFactory(user=user, client=other)
    client.force_login(user)
    exchange(client, other, response_params(client.get(authorize_url(other)))["code"])
    client.logout()
    assert client.get(f"/oauth2/end_session?{urlencode({'id_token_hint': id_token})}").status_code == 302
    assert set(AccessToken.objects.values_list("application_id", flat=True)) == {app.pk, other.pk}


def _b64(raw: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


RS256 = b'{"alg":"RS256"}'


def _jws(header: bytes, payload: bytes) -> str:
    return f"{_b64(header)}.{_b64(payload)}.AAAA"


MALFORMED_HINTS = {
    "payload 1": _jws(RS256, b"1"),
    "payload null": _jws(RS256, b"null"),
    "payload true": _jws(RS256, b"true"),
    "payload {": _jws(RS256, b"{"),
    "payload not UTF-8": _jws(RS256, bytes([0xFF, 0xFE, 0x80])),
    "payload aud not a string": _jws(RS256, b'{"aud":[[1]],"jti":1}'),
    "header 1": _jws(b"1", b'{"aud":"x"}'),
    "header not UTF-8": _jws(bytes([0xFF]), b'{"aud":"x"}'),
    "payload nested deeply": _jws(RS256, b"[" * 5000),
    "header nested deeply": _jws(b"[" * 5000, b'{"aud":"x"}'),
    "not base64": "!!!.???.***",
    "one part": "abc",
}


@pytest.mark.parametrize("hint", MALFORMED_HINTS.values(), ids=MALFORMED_HINTS.keys())
@pytest.mark.parametrize("signed_in_or_not", ["signed in", "signed out"])
def test_a_malformed_hint_is_a_400_error_page(client, user, hint, signed_in_or_not):
    if signed_in_or_not == "signed in":
        client.force_login(user)
    response = client.get(f"/oauth2/end_session?{urlencode({'id_token_hint': hint})}")
    assert response.status_code == 400
    assert "This log-out request cannot continue" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"client_id": "nope"},
        {"client_id": "nope", "post_logout_redirect_uri": "https://app.example/logged-out"},
        {"client_id": "a\u00e9\U0001f600"},
    ],
)
def test_an_unknown_client_id_is_a_400_error_page(signed_in, query):
    response = signed_in.get(f"/oauth2/end_session?{urlencode(query)}")
    assert response.status_code == 400
    assert "This log-out request cannot continue" in response.content.decode()
    assert signed_in.get("/dashboard/").status_code == 200  # still signed in


@pytest.mark.parametrize("data", [{"client_id": "nope"}, {"id_token_hint": MALFORMED_HINTS["payload null"]}])
def test_a_bad_confirmation_post_is_a_400(signed_in, data):
    response = signed_in.post("/oauth2/end_session", {**data, "allow": "true"})
    assert response.status_code == 400
    assert signed_in.get("/dashboard/").status_code == 200
