"""The seven response types, with and without openid: encoding, nonce rules, at_hash and c_hash."""

import base64
import hashlib
import json

import pytest
from jwcrypto import jwk, jwt

from oauth_provider import keys
from tests.factories import AuthorizationFactory, ClientFactory
from tests.oauth_provider.conftest import ISSUER, authorize_url, exchange, pkce_pair, response_params

ALL_TYPES = ["code", "token", "id_token", "id_token token", "code id_token", "code token", "code id_token token"]


def left_hash(value: str) -> str:
    """OIDC Core 3.3.2.11: base64url of the left half of SHA-256."""
    digest = hashlib.sha256(value.encode()).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


def id_token_claims(token: str, client) -> dict:
    """Verify the signature against the published JWKS and return the claims."""
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    published = {k["kid"]: k for k in keys.jwks()["keys"]}
    assert header["alg"] == "RS256" and header["kid"] in published
    key = jwk.JWK(**published[header["kid"]])
    claims = json.loads(jwt.JWT(key=key, jwt=token, expected_type="JWS").claims)
    assert claims["iss"] == ISSUER and claims["aud"] == client.client_id
    return claims


@pytest.fixture
def every_flow_app(user):
    client = ClientFactory(allow_implicit_flow=True, allow_hybrid_flow=True)
    AuthorizationFactory(user=user, client=client)
    return client


@pytest.mark.parametrize("response_type", ALL_TYPES)
def test_each_response_type_with_openid(signed_in, every_flow_app, response_type):
    verifier, challenge = pkce_pair()
    response = signed_in.get(
        authorize_url(
            every_flow_app,
            response_type=response_type,
            nonce="n-0S6",
            code_challenge=challenge,
            code_challenge_method="S256",
        )
    )
    params = response_params(response)
    location = response["Location"]
    assert params["state"] == "xyz" and params["iss"] == ISSUER
    if response_type == "code":
        assert "?" in location and "#" not in location
    else:
        assert "#" in location and "?" not in location  # tokens only ever in the fragment
    parts = set(response_type.split())
    assert ("code" in params) == ("code" in parts)
    assert ("access_token" in params) == ("token" in parts)
    assert ("id_token" in params) == ("id_token" in parts)
    if "id_token" in params:
        claims = id_token_claims(params["id_token"], every_flow_app)
        assert claims["nonce"] == "n-0S6"
        assert claims["sub"] == every_flow_app.authorizations.get().sub
        if "access_token" in params:
            assert claims["at_hash"] == left_hash(params["access_token"])
        if "code" in params:
            assert claims["c_hash"] == left_hash(params["code"])
    if "code" in params:
        token = exchange(signed_in, every_flow_app, params["code"], verifier=verifier).json()
        claims = id_token_claims(token["id_token"], every_flow_app)
        assert claims["at_hash"] == left_hash(token["access_token"])
        assert claims["nonce"] == "n-0S6"


@pytest.mark.parametrize("response_type", ALL_TYPES)
def test_each_response_type_without_openid(signed_in, every_flow_app, response_type):
    response = signed_in.get(authorize_url(every_flow_app, response_type=response_type, scope="email", nonce="n"))
    params = response_params(response)
    if "id_token" in response_type:
        assert "error" in params and "id_token" not in params  # an id_token needs the openid scope
    else:
        assert "error" not in params
        assert "id_token" not in params
        assert ("code" in params) == ("code" in response_type)
        assert ("access_token" in params) == ("token" in response_type.split())


@pytest.mark.parametrize("response_type", ["id_token", "id_token token", "code id_token", "code id_token token"])
def test_nonce_required_when_an_id_token_is_in_the_front_channel(signed_in, every_flow_app, response_type):
    params = response_params(signed_in.get(authorize_url(every_flow_app, response_type=response_type)))
    assert params["error"] == "invalid_request"
    assert "nonce" in params["error_description"]
    assert params["state"] == "xyz"


@pytest.mark.parametrize("response_type", ["code code", "none", "device_code"])
def test_unknown_response_types_are_refused_with_a_redirect(signed_in, every_flow_app, response_type):
    params = response_params(signed_in.get(authorize_url(every_flow_app, response_type=response_type, nonce="n")))
    assert params["error"] == "unsupported_response_type"
    assert params["state"] == "xyz"


@pytest.mark.parametrize("response_type", ["token", "code id_token"])
def test_flows_the_client_may_not_use_are_refused(signed_in, user, response_type):
    client = ClientFactory()  # code flow only
    AuthorizationFactory(user=user, client=client)
    params = response_params(signed_in.get(authorize_url(client, response_type=response_type, nonce="n")))
    assert params["error"] == "unauthorized_client"
    assert "access_token" not in params and "code" not in params


def test_one_client_may_use_code_implicit_and_hybrid_together(signed_in, every_flow_app):
    for response_type in ("code", "id_token token", "code id_token"):
        params = response_params(signed_in.get(authorize_url(every_flow_app, response_type=response_type, nonce="n")))
        assert "error" not in params, (response_type, params)


@pytest.mark.parametrize("response_type", ["id_token code", "token id_token", "token id_token code", "token code"])
def test_response_type_values_in_any_order_get_the_same_answer(signed_in, every_flow_app, response_type):
    # OAuth 2.0 Multiple Response Type Encoding Practices 5: the order of the values does not matter.
    params = response_params(signed_in.get(authorize_url(every_flow_app, response_type=response_type, nonce="n-1")))
    assert "error" not in params, params
    parts = set(response_type.split())
    assert ("code" in params) == ("code" in parts) and ("access_token" in params) == ("token" in parts)
    assert ("id_token" in params) == ("id_token" in parts)
    if "id_token" in params:
        assert id_token_claims(params["id_token"], every_flow_app)["nonce"] == "n-1"


@pytest.mark.parametrize("response_type", ["id_token code", "token id_token", "token code id_token"])
def test_nonce_is_required_whatever_the_order(signed_in, every_flow_app, response_type):
    params = response_params(signed_in.get(authorize_url(every_flow_app, response_type=response_type)))
    assert params["error"] == "invalid_request" and "nonce" in params["error_description"]
    assert "code" not in params and "id_token" not in params
