"""Request objects (OIDC Core 6), built and signed with jwcrypto; jwks_uri and request_uri served by a local HTTP server."""

import base64
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import pytest
from jwcrypto import jwk, jwt

from oauth_provider import client_urls
from tests.factories import AuthorizationFactory, ClientFactory
from tests.oauth_provider.conftest import ISSUER, exchange, pkce_pair, response_params

REDIRECT_URI = "https://app.example/callback"


def rsa_key(kid="rsa-1"):
    return jwk.JWK.generate(kty="RSA", size=2048, kid=kid, use="sig")


def public_set(*keys):
    return {"keys": [json.loads(key.export_public()) for key in keys]}


@pytest.fixture(scope="module")
def key():
    return rsa_key()


@pytest.fixture
def app(db, key):
    """A confidential client (code, implicit) that registered its public key by value."""
    return ClientFactory(jwks=public_set(key), allow_implicit_flow=True)


def request_object(key, claims, *, alg="RS256", kid=True):
    header = {"alg": alg, "typ": "oauth-authz-req+jwt", **({"kid": key.get("kid")} if kid and key.get("kid") else {})}
    token = jwt.JWT(header=header, claims=claims)
    token.make_signed_token(key)
    return token.serialize()


def claims_for(app, **extra):
    return {
        "iss": app.client_id,
        "aud": ISSUER,
        "exp": int(time.time()) + 300,
        "client_id": app.client_id,
        "response_type": "code",
        "redirect_uri": REDIRECT_URI,
        "scope": "openid email",
        "state": "inside",
        **extra,
    }


def authorize(http, app, token, HTTP_ACCEPT_LANGUAGE=None, **query):  # noqa: N803 (the test client's spelling)
    params = {"client_id": app.client_id, "response_type": "code", "scope": "openid", "request": token, **query}
    headers = {"HTTP_ACCEPT_LANGUAGE": HTTP_ACCEPT_LANGUAGE} if HTTP_ACCEPT_LANGUAGE else {}
    return http.get(f"/oauth2/authorize?{urlencode(params)}", **headers)


@pytest.fixture
def consented(signed_in, app, user):
    AuthorizationFactory(user=user, client=app)
    return signed_in


def test_discovery_says_request_objects_are_supported(client, db):
    data = client.get("/.well-known/openid-configuration").json()
    assert data["request_parameter_supported"] is True and data["request_uri_parameter_supported"] is True
    assert data["require_request_uri_registration"] is True
    assert data["request_object_signing_alg_values_supported"] == ["RS256", "ES256"]


def test_a_signed_request_object_carries_the_request_and_its_parameters_win(consented, app, key):
    verifier, challenge = pkce_pair()
    token = request_object(
        key, claims_for(app, nonce="n-inside", code_challenge=challenge, code_challenge_method="S256")
    )
    response = authorize(consented, app, token, state="outside", nonce="n-outside")
    params = response_params(response)
    assert response["Location"].startswith(REDIRECT_URI) and params["state"] == "inside" and "code" in params
    tokens = exchange(consented, app, params["code"], verifier=verifier).json()
    id_token = jwt.JWT(jwt=tokens["id_token"])
    assert json.loads(id_token.token.objects["payload"])["nonce"] == "n-inside"
    assert set(tokens["scope"].split()) == {"email", "openid"}  # the scope inside the object


def test_the_nonce_of_an_implicit_request_may_sit_inside_the_object(consented, app, key):
    token = request_object(key, claims_for(app, response_type="id_token", nonce="only-inside"))
    params = response_params(authorize(consented, app, token, response_type="id_token"))
    assert "id_token" in params and params["state"] == "inside"
    assert json.loads(jwt.JWT(jwt=params["id_token"]).token.objects["payload"])["nonce"] == "only-inside"


def test_response_mode_form_post_inside_the_object(consented, app, key):
    token = request_object(key, claims_for(app, response_mode="form_post"))
    response = authorize(consented, app, token)
    page = response.content.decode()
    assert response.status_code == 200 and f'action="{REDIRECT_URI}"' in page
    assert re.search(r'name="code" value="[^"]+"', page) and 'name="state" value="inside"' in page


def test_a_request_object_that_verifies_reaches_the_consent_page_and_its_post(signed_in, app, key):
    token = request_object(key, claims_for(app, scope="openid email profile"))
    page = authorize(signed_in, app, token)
    assert page.status_code == 200 and b"An email address" in page.content  # scope from inside the object
    csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1).decode()
    url = f"/oauth2/authorize?{urlencode({'client_id': app.client_id, 'response_type': 'code', 'scope': 'openid', 'request': token})}"
    response = signed_in.post(url, {"csrfmiddlewaretoken": csrf, "email": "real", "name": "Rita", "action": "allow"})
    params = response_params(response)
    assert params["state"] == "inside" and "code" in params


def _refused(http, app, token, **query):
    response = authorize(http, app, token, redirect_uri=REDIRECT_URI, state="outside", **query)
    params = response_params(response)
    assert response["Location"].startswith(REDIRECT_URI) and params["state"] == "outside" and "code" not in params
    assert params["error"] == "invalid_request_object", params
    return params["error_description"]


def test_an_unsigned_request_object_is_refused(consented, app):
    encode = lambda part: base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()  # noqa: E731
    token = f"{encode({'alg': 'none'})}.{encode(claims_for(app))}."
    assert "Unsigned" in _refused(consented, app, token)


def test_hs256_with_the_client_secret_is_refused_with_the_reason(consented, app):
    secret_key = jwk.JWK(kty="oct", k="c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldC0xMjM0")
    token = request_object(secret_key, claims_for(app), alg="HS256", kid=False)
    assert "stored hashed" in _refused(consented, app, token)


@pytest.mark.parametrize(
    "change,problem",
    [
        ({"iss": "someone-else"}, "iss must be the client_id"),
        ({"aud": "https://other.example"}, "aud must be the issuer"),
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"nbf": int(time.time()) + 3600}, "not valid yet"),
        ({"client_id": "other"}, "client_id inside"),
        ({"response_type": "token"}, "response_type inside"),
        ({"request_uri": "https://app.example/r"}, "cannot contain request"),
    ],
)
def test_claims_are_checked(consented, app, key, change, problem):
    assert problem in _refused(consented, app, request_object(key, claims_for(app, **change)))


def test_an_audience_list_with_the_issuer_is_accepted(consented, app, key):
    token = request_object(key, claims_for(app, aud=["https://other.example", ISSUER]))
    assert "code" in response_params(authorize(consented, app, token))


def test_a_signature_by_another_key_is_refused(consented, app):
    token = request_object(rsa_key(kid="rsa-1"), claims_for(app))
    assert "does not verify" in _refused(consented, app, token)


def test_a_client_without_keys_is_told_to_register_them(signed_in, user, key):
    keyless = ClientFactory()
    AuthorizationFactory(user=user, client=keyless)
    assert "register jwks_uri or jwks" in _refused(signed_in, keyless, request_object(key, claims_for(keyless)))


@pytest.mark.parametrize(
    "token,problem", [("not-a-jwt", "not a JWT"), ("a.b.c.d.e", "Encrypted"), ("!!!.e30.sig", "header")]
)
def test_garbage_is_invalid_request_object_not_a_500(consented, app, token, problem):
    assert problem in _refused(consented, app, token)


def test_an_unknown_client_gets_the_error_page(client, db, key):
    response = client.get(
        f"/oauth2/authorize?{urlencode({'client_id': 'nope', 'response_type': 'code', 'request': 'x.y.z'})}"
    )
    assert response.status_code == 400 and b"Invalid client_id" in response.content


# --- keys from a jwks_uri ----------------------------------------------------------------------------------


class JwksServer:
    """A tiny HTTP server on loopback answering /jwks with whatever the test sets."""

    def __init__(self):
        self.status, self.body, self.hits, self.delay = 200, b"{}", 0, 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                owner.hits += 1
                time.sleep(owner.delay)
                self.send_response(owner.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(owner.body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/jwks"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def serve(self, jwks):
        self.status, self.body = 200, json.dumps(jwks).encode()


@pytest.fixture
def jwks_server(settings):
    # The loopback server stands in for an app on the internet: private addresses allowed for these tests only.
    settings.CLIENT_URLS_PRIVATE_ADDRESSES = True
    server = JwksServer()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def ec_key():
    return jwk.JWK.generate(kty="EC", crv="P-256", kid="ec-1")


@pytest.fixture
def uri_app(db, jwks_server, signed_in, user):
    app = ClientFactory(jwks_uri=jwks_server.url)
    AuthorizationFactory(user=user, client=app)
    return app


def test_es256_verified_with_the_jwks_uri_which_is_cached(signed_in, uri_app, jwks_server, ec_key):
    jwks_server.serve(public_set(ec_key))
    for _ in range(2):
        token = request_object(ec_key, claims_for(uri_app), alg="ES256")
        assert response_params(authorize(signed_in, uri_app, token))["state"] == "inside"
    assert jwks_server.hits == 1


def test_a_rotated_key_makes_the_jwks_uri_fetched_again(signed_in, uri_app, jwks_server, ec_key):
    jwks_server.serve(public_set(ec_key))
    assert "code" in response_params(
        authorize(signed_in, uri_app, request_object(ec_key, claims_for(uri_app), alg="ES256"))
    )
    new_key = rsa_key(kid="rsa-2")
    jwks_server.serve(public_set(ec_key, new_key))
    assert "code" in response_params(authorize(signed_in, uri_app, request_object(new_key, claims_for(uri_app))))
    assert jwks_server.hits == 2


def test_a_failed_re_fetch_keeps_the_cached_keys(signed_in, uri_app, jwks_server, ec_key):
    jwks_server.serve(public_set(ec_key))
    assert "code" in response_params(
        authorize(signed_in, uri_app, request_object(ec_key, claims_for(uri_app), alg="ES256"))
    )
    jwks_server.status = 500
    assert "does not verify" in _refused(
        signed_in, uri_app, request_object(rsa_key(kid="unknown"), claims_for(uri_app))
    )
    assert "code" in response_params(
        authorize(signed_in, uri_app, request_object(ec_key, claims_for(uri_app), alg="ES256"))
    )


@pytest.mark.parametrize(
    "status,body,problem",
    [
        (404, b"{}", "HTTP 404"),
        (200, b"<html>", "not a JSON JWK Set"),
        (200, json.dumps({"keys": [{"kty": "RSA"}]}).encode(), "not a valid JWK"),
        (200, b" " * (client_urls.JWKS_MAX_BYTES + 1), "larger than"),
    ],
)
def test_a_broken_jwks_uri_is_a_clear_error(signed_in, uri_app, jwks_server, key, status, body, problem):
    jwks_server.status, jwks_server.body = status, body
    assert problem in _refused(signed_in, uri_app, request_object(key, claims_for(uri_app)))


def test_a_slow_jwks_uri_times_out(signed_in, uri_app, jwks_server, key, monkeypatch):
    monkeypatch.setattr(client_urls, "JWKS_TIMEOUT_SECONDS", 0.3)
    jwks_server.serve(public_set(key))
    jwks_server.delay = 1
    started = time.monotonic()
    assert "could not be fetched" in _refused(signed_in, uri_app, request_object(key, claims_for(uri_app)))
    assert time.monotonic() - started < 2.5  # the failure is cached: the rule's second look does not wait again


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_jwks_uri_on_the_servers_own_network_is_never_fetched(signed_in, db, user, key, jwks_server, settings, host):
    """A registered jwks_uri naming loopback (or a private, link-local address) must not make the server call it."""
    settings.CLIENT_URLS_PRIVATE_ADDRESSES = False
    jwks_server.serve(public_set(key))
    app = ClientFactory(jwks_uri=jwks_server.url.replace("127.0.0.1", host))
    AuthorizationFactory(user=user, client=app)
    assert "not on a public address" in _refused(signed_in, app, request_object(key, claims_for(app)))
    assert jwks_server.hits == 0


def test_a_redirecting_jwks_uri_is_not_followed(signed_in, db, user, key, jwks_server):
    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(302)
            self.send_header("Location", jwks_server.url)
            self.end_headers()

        def log_message(self, *args):
            pass

    jwks_server.serve(public_set(key))
    redirector = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=redirector.serve_forever, daemon=True).start()
    try:
        app = ClientFactory(jwks_uri=f"http://127.0.0.1:{redirector.server_address[1]}/jwks")
        AuthorizationFactory(user=user, client=app)
        assert "HTTP 302" in _refused(signed_in, app, request_object(key, claims_for(app)))
        assert jwks_server.hits == 0
    finally:
        redirector.shutdown()
        redirector.server_close()


# --- by reference: request_uri (OIDC Core 6.2) ---------------------------------------------------------------


@pytest.fixture
def ref_app(db, key, jwks_server, signed_in, user):
    base = jwks_server.url.rsplit("/", 1)[0]
    app = ClientFactory(jwks=public_set(key), request_uris=[f"{base}/jwks"])
    AuthorizationFactory(user=user, client=app)
    return app


def by_reference(http, app, uri, **query):
    params = {"client_id": app.client_id, "response_type": "code", "scope": "openid", "request_uri": uri, **query}
    return http.get(f"/oauth2/authorize?{urlencode(params)}")


def test_a_registered_request_uri_is_fetched_and_applied(signed_in, ref_app, key, jwks_server):
    jwks_server.status, jwks_server.body = 200, request_object(key, claims_for(ref_app, state="by-ref")).encode()
    response = by_reference(signed_in, ref_app, f"{jwks_server.url}#sha256-abc", state="outside")
    params = response_params(response)
    assert response["Location"].startswith(REDIRECT_URI) and params["state"] == "by-ref" and "code" in params
    assert jwks_server.hits == 1


def _refused_by_reference(http, app, uri, error="invalid_request_uri"):
    params = response_params(by_reference(http, app, uri, redirect_uri=REDIRECT_URI, state="outside"))
    assert params["error"] == error and params["state"] == "outside" and "code" not in params, params
    return params["error_description"]


def test_an_unregistered_request_uri_is_not_fetched(signed_in, ref_app, jwks_server):
    other = jwks_server.url.replace("/jwks", "/other")
    assert "not one of the client's registered request_uris" in _refused_by_reference(signed_in, ref_app, other)
    assert jwks_server.hits == 0


def test_a_too_long_request_uri_is_refused(signed_in, ref_app, jwks_server):
    assert "512" in _refused_by_reference(signed_in, ref_app, f"{jwks_server.url}#{'a' * 600}")


def test_a_request_uri_that_fails_is_invalid_request_uri(signed_in, ref_app, jwks_server):
    jwks_server.status = 404
    assert "request_uri answered HTTP 404" in _refused_by_reference(signed_in, ref_app, jwks_server.url)


def test_a_request_uri_on_the_servers_own_network_is_never_fetched(signed_in, ref_app, jwks_server, settings):
    settings.CLIENT_URLS_PRIVATE_ADDRESSES = False
    assert "not on a public address" in _refused_by_reference(signed_in, ref_app, jwks_server.url)
    assert jwks_server.hits == 0


def test_a_bad_object_at_the_request_uri_is_invalid_request_object(signed_in, ref_app, jwks_server):
    jwks_server.status, jwks_server.body = 200, b"not-a-jwt"
    assert "not a JWT" in _refused_by_reference(signed_in, ref_app, jwks_server.url, error="invalid_request_object")


def test_request_and_request_uri_together_are_invalid_request(signed_in, ref_app, key, jwks_server):
    token = request_object(key, claims_for(ref_app))
    params = response_params(
        by_reference(signed_in, ref_app, jwks_server.url, request=token, redirect_uri=REDIRECT_URI)
    )
    assert params["error"] == "invalid_request" and "not both" in params["error_description"]


def _posted(http, params):
    """The authorization request POSTed form-serialized (OIDC Core 3.1.2.1), then the 303 followed."""
    response = http.post("/oauth2/authorize", urlencode(params), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 303, response.content[:300]
    return http.get(response["Location"])


def test_a_request_object_sent_by_post_is_applied(consented, app, key):
    token = request_object(key, claims_for(app, response_type="id_token", nonce="posted-inside"))
    params = response_params(
        _posted(
            consented, {"client_id": app.client_id, "response_type": "id_token", "scope": "openid", "request": token}
        )
    )
    assert params["state"] == "inside" and "id_token" in params
    assert json.loads(jwt.JWT(jwt=params["id_token"]).token.objects["payload"])["nonce"] == "posted-inside"


def test_a_request_uri_sent_by_post_is_fetched_and_applied(signed_in, ref_app, key, jwks_server):
    jwks_server.status, jwks_server.body = 200, request_object(key, claims_for(ref_app, state="posted-ref")).encode()
    params = {
        "client_id": ref_app.client_id,
        "response_type": "code",
        "scope": "openid",
        "request_uri": jwks_server.url,
    }
    answer = response_params(_posted(signed_in, params))
    assert answer["state"] == "posted-ref" and "code" in answer


def test_ui_locales_inside_the_object_picks_the_consent_pages_language(signed_in, app, key):
    token = request_object(key, claims_for(app, ui_locales="de fr-CA en"))
    response = authorize(signed_in, app, token, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert '<html lang="fr"' in page and ">Autoriser</button>" in page and response["Content-Language"] == "fr"


def test_the_objects_ui_locales_replaces_the_querys(signed_in, app, key):
    # OIDC Core 6.3.3: the object's value wins; with no language we speak, the browser's, not the outer query's
    token = request_object(key, claims_for(app, ui_locales="de"))
    response = authorize(signed_in, app, token, HTTP_ACCEPT_LANGUAGE="en", ui_locales="fr")
    assert ">Allow</button>" in response.content.decode() and response["Content-Language"] == "en"


def test_the_persons_own_language_still_wins_over_the_objects_ui_locales(signed_in, user, app, key):
    user.language = "en"
    user.save()
    token = request_object(key, claims_for(app, ui_locales="fr"))
    page = authorize(signed_in, app, token, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert ">Allow</button>" in page


def test_the_log_in_page_follows_the_objects_ui_locales(client, app, key):
    response = authorize(client, app, request_object(key, claims_for(app, ui_locales="fr")))
    assert response.status_code == 302
    login = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Se connecter</h1>" in login
