"""The playground end to end: authorize → callback → token response → id_token checked against the JWKS → userinfo."""

import base64
import json
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from oauth2_provider.models import AccessToken

from oauth_provider import keys
from oauth_provider.console.playground import SESSION_KEY, id_token_inspect, playground_callback_uri
from oauth_provider.models import Client
from tests.factories import (
    CLIENT_SECRET,
    AuthorizationFactory,
    ClientFactory,
    UserFactory,
)

CALLBACK = "http://testserver/developer/playground/callback"


@pytest.fixture
def ready(dev, developer, owned):
    """The developer's client with the playground URI added (one click) and the developer's consent."""
    response = dev.post(f"/developer/clients/{owned.client_id}/playground/redirect-uri")
    assert response.status_code == 302
    owned.refresh_from_db()
    AuthorizationFactory(user=developer, client=owned)
    return owned


def start(http, client, **fields):
    data = {
        "response_type": "code",
        "scopes": ["openid", "email", "profile"],
        "pkce": "on",
        "client_secret": CLIENT_SECRET,
        **fields,
    }
    response = http.post(f"/developer/clients/{client.client_id}/playground", data)
    assert response.status_code == 200, response.context["form"].errors
    return response.context["authorize_url"]


def local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def test_playground_uri_is_added_with_one_click(dev, owned):
    page = dev.get(f"/developer/clients/{owned.client_id}/playground")
    assert b"Add the playground redirect URI" in page.content
    dev.post(f"/developer/clients/{owned.client_id}/playground/redirect-uri")
    owned.refresh_from_db()
    assert (
        owned.redirect_uris.split()
        == ["https://app.example/callback", CALLBACK]
        == ["https://app.example/callback", playground_callback_uri()]
    )
    assert b"Add the playground redirect URI" not in dev.get(f"/developer/clients/{owned.client_id}/playground").content


def test_code_flow_with_pkce_end_to_end(dev, developer, ready):
    authorize_url = start(dev, ready)
    query = dict(parse_qsl(urlsplit(authorize_url).query))
    assert authorize_url.startswith("http://testserver/oauth2/authorize?")
    assert query["redirect_uri"] == CALLBACK and query["code_challenge_method"] == "S256"
    pending = dev.session[SESSION_KEY][query["state"]]
    assert pending["verifier"] and pending["nonce"] == query["nonce"]

    redirect = dev.get(local(authorize_url))
    assert redirect.status_code == 302 and redirect["Location"].startswith(CALLBACK + "?code=")
    response = dev.get(local(redirect["Location"]))
    assert response.status_code == 200
    result = response.context["result"]
    assert dict(result["callback"])["state"] == query["state"] and result["iss"][0] is True
    assert result["token"]["status"] == 200 and result["token"]["json"]["token_type"] == "Bearer"
    ((source, id_token),) = result["id_tokens"]
    assert source == "From the token response" and id_token["signature_ok"] is True
    assert all(ok for _name, ok, _text in id_token["checks"]), id_token["checks"]
    claims = json.loads(id_token["claims"])
    assert claims["sub"] == ready.authorizations.get().sub and claims["email"] == developer.email
    assert claims["aud"] == ready.client_id and claims["nonce"] == query["nonce"]
    assert json.loads(id_token["header"])["kid"] == keys.signing_kid()
    assert [name for name, _when in id_token["times"]] == ["iat", "auth_time", "exp"]
    assert result["userinfo"]["status"] == 200 and result["userinfo"]["json"]["email"] == developer.email
    html = response.content.decode()
    assert "Signature valid" in html and f"&quot;sub&quot;: &quot;{claims['sub']}&quot;" in html
    assert response["Cache-Control"] == "no-store"
    assert SESSION_KEY not in dev.session or query["state"] not in dev.session[SESSION_KEY]

    replay = dev.get(local(redirect["Location"]))
    assert replay.status_code == 400 and b"already used state" in replay.content


def test_implicit_flow_answer_in_the_fragment_is_posted_back(dev, developer, ready):
    Client.objects.filter(pk=ready.pk).update(allow_implicit_flow=True)
    authorize_url = start(dev, ready, response_type="id_token token", pkce="")
    redirect = dev.get(local(authorize_url))
    assert redirect.status_code == 302 and "#" in redirect["Location"]
    landing = dev.get(CALLBACK)
    assert b"developer_playground.js" in landing.content
    response = dev.post(CALLBACK, {"fragment": urlsplit(redirect["Location"]).fragment})
    result = response.context["result"]
    ((source, id_token),) = result["id_tokens"]
    assert source == "From the authorization response" and id_token["signature_ok"]
    assert ("at_hash", True, "at_hash matches the access token.") in id_token["checks"]
    assert result["token"] is None and result["userinfo"]["json"]["sub"] == json.loads(id_token["claims"])["sub"]


def test_hybrid_flow_with_form_post(dev, developer, ready):
    Client.objects.filter(pk=ready.pk).update(allow_hybrid_flow=True)
    authorize_url = start(dev, ready, response_type="code id_token", response_mode="form_post")
    page = dev.get(local(authorize_url))
    assert page.status_code == 200
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.content.decode()))
    response = dev.post(CALLBACK, fields)
    result = response.context["result"]
    assert [source for source, _ in result["id_tokens"]] == [
        "From the authorization response",
        "From the token response",
    ]
    assert all(report["signature_ok"] for _, report in result["id_tokens"])
    assert ("c_hash", True, "c_hash matches the code.") in result["id_tokens"][0][1]["checks"]
    assert result["token"]["status"] == 200 and result["userinfo"]["status"] == 200


def test_public_client_uses_pkce_without_secret(dev, developer):
    public = ClientFactory(user=developer, client_type=Client.CLIENT_PUBLIC, redirect_uris=CALLBACK)
    AuthorizationFactory(user=developer, client=public)
    refused = dev.post(
        f"/developer/clients/{public.client_id}/playground", {"response_type": "code", "scopes": ["openid"], "pkce": ""}
    )
    assert refused.status_code == 400 and refused.context["form"].errors["pkce"] == ["Public clients must use PKCE."]
    authorize_url = start(dev, public, scopes=["openid"], client_secret="")
    response = dev.get(local(dev.get(local(authorize_url))["Location"]))
    assert response.context["result"]["token"]["status"] == 200
    assert response.context["result"]["id_tokens"][0][1]["signature_ok"]


def test_wrong_secret_is_refused_before_signing_in(dev, ready):
    response = dev.post(
        f"/developer/clients/{ready.client_id}/playground",
        {"response_type": "code", "scopes": ["openid"], "pkce": "on", "client_secret": "nope"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["client_secret"] == ["This is not the current secret of this client."]
    assert "authorize_url" not in response.context


def test_id_token_response_type_needs_openid_scope(dev, ready):
    Client.objects.filter(pk=ready.pk).update(allow_implicit_flow=True)
    response = dev.post(
        f"/developer/clients/{ready.client_id}/playground",
        {"response_type": "id_token", "scopes": ["email"], "pkce": ""},
    )
    assert response.context["form"].errors["scopes"] == ["Response types with id_token need the openid scope."]


def test_denied_consent_is_shown(dev, developer, ready):
    ready.authorizations.all().delete()
    authorize_url = start(dev, ready)
    consent = dev.post(local(authorize_url), {"action": "deny"})
    result = dev.get(local(consent["Location"])).context["result"]
    assert result["error"][0] == "access_denied" and result["token"] is None


def test_unknown_state_and_other_developers_sign_in(client, dev, developer, ready):
    assert dev.get(f"{CALLBACK}?code=abc&state=forged").status_code == 400
    authorize_url = start(dev, ready)
    callback = dev.get(local(authorize_url))["Location"]
    other = UserFactory(is_developer=True)
    client.force_login(other)
    response = client.get(local(callback))
    assert response.status_code == 400 and b"No playground sign-in is waiting" in response.content


def test_tampered_id_token_signature_is_reported():
    key = keys.signing_key()
    from jwcrypto import jwt

    token = jwt.JWT(
        header={"alg": "RS256", "kid": key.thumbprint()},
        claims={"iss": "http://testserver", "aud": "c", "exp": 9999999999, "nonce": "n", "sub": "x"},
    )
    token.make_signed_token(key)
    header, payload, signature = token.serialize().split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "someone-else"
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    forged = f"{header}.{payload}.{signature}"
    report = id_token_inspect(token=forged, jwks=keys.jwks(), issuer="http://testserver", client_id="c", nonce="n")
    assert report["signature_ok"] is False and report["checks"][0][0] == "signature" and not report["checks"][0][1]
    good = id_token_inspect(
        token=token.serialize(), jwks=keys.jwks(), issuer="http://testserver", client_id="c", nonce="n"
    )
    assert good["signature_ok"] and all(ok for _n, ok, _t in good["checks"])


def test_refresh_token_step(dev, developer, ready):
    authorize_url = start(dev, ready)
    result_page = dev.get(local(dev.get(local(authorize_url))["Location"]))
    first = result_page.context["result"]["token"]["json"]
    assert result_page.context["refresh_form"] is not None and b"Use the refresh token" in result_page.content

    wrong = dev.post(f"/developer/clients/{ready.client_id}/playground/refresh", {"client_secret": "nope"}, follow=True)
    assert b"This is not the current secret of this client." in wrong.content

    response = dev.post(f"/developer/clients/{ready.client_id}/playground/refresh", {"client_secret": CLIENT_SECRET})
    result = response.context["result"]
    assert response.status_code == 200 and result["token"]["status"] == 200
    assert result["token"]["json"]["access_token"] != first["access_token"]
    assert result["token"]["json"]["refresh_token"] != first["refresh_token"]
    assert result["userinfo"]["json"]["email"] == developer.email
    assert all(report["signature_ok"] for _source, report in result["id_tokens"])

    again = dev.post(f"/developer/clients/{ready.client_id}/playground/refresh", {"client_secret": CLIENT_SECRET})
    assert again.context["result"]["token"]["status"] == 200


def test_refresh_without_a_sign_in_is_explained(dev, ready):
    response = dev.post(
        f"/developer/clients/{ready.client_id}/playground/refresh", {"client_secret": CLIENT_SECRET}, follow=True
    )
    assert b"There is no refresh token to use" in response.content


def test_prompt_none_answers_consent_required_when_not_authorized(dev, ready):
    ready.authorizations.all().delete()
    authorize_url = start(dev, ready, prompt="none")
    result = dev.get(local(dev.get(local(authorize_url))["Location"])).context["result"]
    assert result["error"][0] == "consent_required"


def test_the_secret_waits_in_the_session_encrypted_and_still_works(dev, developer, ready):
    # Session rows are plain data in the database: a working client secret must not sit there in clear.
    authorize_url = start(dev, ready)
    stored = dev.session.load()
    assert CLIENT_SECRET not in json.dumps(stored)
    redirect = dev.get(local(authorize_url))
    result = dev.get(local(redirect["Location"]))
    assert result.status_code == 200
    tokens = result.context["result"]["token"]["json"]
    assert result.context["result"]["token"]["status"] == 200 and tokens["refresh_token"]
    assert tokens["refresh_token"] not in json.dumps(dev.session.load())


def test_a_sign_in_older_than_15_minutes_is_refused(dev, developer, ready):
    authorize_url = start(dev, ready)
    callback = dev.get(local(authorize_url))["Location"]
    session = dev.session
    for pending in session[SESSION_KEY].values():
        pending["started_at"] -= 16 * 60
    session.save()
    response = dev.get(local(callback))
    assert response.status_code == 400 and b"No playground sign-in is waiting" in response.content
    assert AccessToken.objects.count() == 0


def test_the_playground_asks_for_offline_access_so_a_new_app_can_try_its_refresh_token(dev, ready):
    page = dev.get(f"/developer/clients/{ready.client_id}/playground")
    checked = re.findall(r'<input type="checkbox" name="scopes" value="([^"]+)"[^>]* checked>', page.content.decode())
    assert checked == ["openid", "email", "profile", "offline_access"]
