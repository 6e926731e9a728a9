"""The sign-in page (/oauth/authorize): signed out, consent, choices validated, deny, prompt, max_age, errors."""

import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from accounts.models import Alias
from billing.models import Plan
from oauth_provider.models import Authorization
from oauth_provider.sessions import AUTH_TIME_SESSION_KEY
from tests.factories import AliasFactory, AuthorizationFactory, ClientFactory, UserFactory
from tests.oauth_provider.conftest import ISSUER, authorize_url, exchange, response_params


def consent(http, app, **choices):
    data = {"email": "real", "name": "Ann", "action": "allow"}
    data.update(choices)
    return http.post(authorize_url(app), data)


# --- signed out ---


def test_signed_out_goes_straight_to_a_log_in_page_that_names_the_app(client, app):
    response = client.get(authorize_url(app))
    assert response.status_code == 302
    parts = urlsplit(response["Location"])
    next_url = parse_qs(parts.query)["next"][0]
    assert parts.path == "/accounts/login/"
    assert next_url.startswith("/oauth2/authorize?") and f"client_id={app.client_id}" in next_url
    page = client.get(response["Location"]).content.decode()
    assert f"You are signing in to <strong>{app.name}</strong>" in page
    signup = client.get(f"/accounts/signup/?{urlsplit(response['Location']).query}").content.decode()
    assert f"You are signing in to <strong>{app.name}</strong>" in signup


@pytest.mark.parametrize(
    "next_url",
    [
        "/dashboard/",
        "https://evil.example/oauth2/authorize?client_id={id}",
        "//evil.example/oauth2/authorize?client_id={id}",
        "/oauth2/authorize?client_id=unknown",
        "/oauth2/authorize?client_id={id}&client_id=other",
        "/oauth2/authorize?client_id=%00",
        "/oauth2/token?client_id={id}",
        "/nowhere?client_id={id}",
    ],
)
def test_the_log_in_page_names_no_app_for_other_next_urls(client, app, next_url):
    response = client.get("/accounts/login/", {"next": next_url.format(id=app.client_id)})
    assert response.status_code == 200 and "You are signing in to" not in response.content.decode()


def test_not_you_logs_out_and_comes_back_to_the_same_authorization(signed_in, app, user):
    url = authorize_url(app)
    assert "Not you?" in signed_in.get(url).content.decode()
    response = signed_in.post(url, {"action": "switch"})
    assert response.status_code == 302
    parts = urlsplit(response["Location"])
    assert parts.path == "/accounts/login/" and parse_qs(parts.query)["next"] == [url]
    assert "_auth_user_id" not in signed_in.session and not Authorization.objects.exists()


def test_log_in_returns_to_the_authorize_page(client, app, user, password):
    url = authorize_url(app)
    response = client.post(f"/accounts/login/?next={url}", {"login": user.email, "password": password, "next": url})
    assert response.status_code == 302 and response["Location"] == url
    assert client.get(url).status_code == 200  # now the consent page


def test_signed_out_prompt_none_is_login_required(client, app):
    params = response_params(client.get(authorize_url(app, prompt="none")))
    assert params["error"] == "login_required" and params["state"] == "xyz" and params["iss"] == ISSUER


# --- consent ---


def test_first_time_shows_consent_with_choices(signed_in, app, user):
    alias = AliasFactory(user=user)
    response = signed_in.get(authorize_url(app))
    page = response.content.decode()
    assert response.status_code == 200
    for text in ("A new random alias", "A new custom alias", alias.email, user.email, "Allow", "Deny"):
        assert text in page
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "https://app.example" in response["Content-Security-Policy"]  # form-action for the redirect


def test_free_plan_at_quota_is_not_offered_new_aliases(client, app, settings):
    settings.MAX_ALIASES_FREE_PLAN = 1
    person = UserFactory(plan=Plan.FREE)
    AliasFactory(user=person)
    client.force_login(person)
    page = client.get(authorize_url(app)).content.decode()
    assert "A new random alias" not in page and "A new custom alias" not in page


def test_allow_with_real_email_redirects_with_code_and_stores_consent(signed_in, app, user):
    params = response_params(consent(signed_in, app))
    assert params["code"] and params["state"] == "xyz" and params["iss"] == ISSUER
    authorization = Authorization.objects.get(user=user, client=app)
    assert authorization.alias is None and authorization.name == "Ann"


def test_allow_with_a_new_random_alias_creates_and_shares_it(signed_in, app, user):
    response_params(consent(signed_in, app, email="random"))
    authorization = Authorization.objects.get(user=user, client=app)
    assert authorization.alias.user == user and Alias.objects.filter(user=user).count() == 1


def test_allow_with_a_custom_alias(signed_in, app, user):
    response_params(consent(signed_in, app, email="custom", custom_prefix="shopping"))
    assert Authorization.objects.get(user=user, client=app).alias.email.startswith("shopping")


def test_allow_with_an_existing_alias(signed_in, app, user):
    alias = AliasFactory(user=user)
    response_params(consent(signed_in, app, email=alias.email, share_avatar="on"))
    authorization = Authorization.objects.get(user=user, client=app)
    assert authorization.alias == alias and authorization.share_avatar


@pytest.mark.parametrize("choice", ["someone-else", "unknown@sl.local", "", "random' OR 1=1"])
def test_refused_choices_store_nothing_and_say_why(signed_in, app, user, choice):
    if choice == "someone-else":
        choice = AliasFactory(user=UserFactory()).email
    response = consent(signed_in, app, email=choice)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not Authorization.objects.exists() and not Alias.objects.filter(user=user).exists()


def test_custom_alias_refused_on_free_plan(client, app):
    person = UserFactory(plan=Plan.FREE)
    client.force_login(person)
    response = consent(client, app, email="custom", custom_prefix="mine")
    assert response.status_code == 400 and "premium" in response.content.decode()
    assert not Authorization.objects.exists()


def test_bad_custom_prefix_message(signed_in, app):
    response = consent(signed_in, app, email="custom", custom_prefix="<b>!!</b>")
    assert response.status_code == 400 and not Authorization.objects.exists()
    assert "<b>!!</b>" not in response.content.decode()


def test_deny_redirects_with_access_denied_and_encoded_state(signed_in, app):
    state = "a b&c=d#e"
    response = signed_in.post(authorize_url(app, state=state), {"action": "deny"})
    params = response_params(response)
    assert params["error"] == "access_denied" and params["state"] == state
    assert "code" not in params and not Authorization.objects.exists()


def test_consent_post_requires_csrf(user, app):
    from django.test import Client

    http = Client(enforce_csrf_checks=True)
    http.force_login(user)
    assert consent(http, app).status_code == 403
    assert not Authorization.objects.exists()


def test_already_authorized_skips_consent_and_reuses_identity(signed_in, app, user):
    alias = AliasFactory(user=user)
    authorization = AuthorizationFactory(user=user, client=app, alias=alias)
    params = response_params(signed_in.get(authorize_url(app)))
    assert params["code"]
    authorization.refresh_from_db()
    assert authorization.last_used_at is not None and authorization.alias == alias


def test_prompt_consent_shows_consent_again_and_can_change_the_email(signed_in, app, user):
    AuthorizationFactory(user=user, client=app)
    assert signed_in.get(authorize_url(app, prompt="consent")).status_code == 200
    alias = AliasFactory(user=user)
    response_params(signed_in.post(authorize_url(app, prompt="consent"), {"email": alias.email, "action": "allow"}))
    assert Authorization.objects.get(user=user, client=app).alias == alias


def test_prompt_none_without_consent_is_consent_required(signed_in, app):
    params = response_params(signed_in.get(authorize_url(app, prompt="none")))
    assert params["error"] == "consent_required" and params["state"] == "xyz"


def test_prompt_none_with_consent_returns_a_code(signed_in, app, user):
    AuthorizationFactory(user=user, client=app)
    assert "code" in response_params(signed_in.get(authorize_url(app, prompt="none")))


def test_prompt_none_with_login_is_invalid(signed_in, app, user):
    AuthorizationFactory(user=user, client=app)
    assert response_params(signed_in.get(authorize_url(app, prompt="none login")))["error"] == "invalid_request"


# --- prompt=login, max_age, auth_time ---


def test_prompt_login_logs_out_and_comes_back_without_prompt(signed_in, app, user, password):
    AuthorizationFactory(user=user, client=app)
    response = signed_in.get(authorize_url(app, prompt="login"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    next_url = parse_qs(urlsplit(response["Location"]).query)["next"][0]
    assert "prompt" not in next_url
    assert signed_in.get("/dashboard/").status_code == 302  # logged out
    signed_in.post("/accounts/login/", {"login": user.email, "password": password})
    assert "code" in response_params(signed_in.get(next_url))


def test_max_age_exceeded_forces_a_fresh_log_in(signed_in, app, user):
    AuthorizationFactory(user=user, client=app)
    session = signed_in.session
    session[AUTH_TIME_SESSION_KEY] = int(time.time()) - 600
    session.save()
    response = signed_in.get(authorize_url(app, max_age="60"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_max_age_exceeded_with_prompt_none_is_login_required(signed_in, app, user):
    AuthorizationFactory(user=user, client=app)
    session = signed_in.session
    session[AUTH_TIME_SESSION_KEY] = int(time.time()) - 600
    session.save()
    assert response_params(signed_in.get(authorize_url(app, max_age="60", prompt="none")))["error"] == "login_required"


def test_max_age_within_limit_issues_code(signed_in, app, user):
    AuthorizationFactory(user=user, client=app)
    assert "code" in response_params(signed_in.get(authorize_url(app, max_age="3600")))


def test_bad_max_age_is_invalid_request(signed_in, app, user):
    AuthorizationFactory(user=user, client=app)
    assert response_params(signed_in.get(authorize_url(app, max_age="soon")))["error"] == "invalid_request"


# --- response modes and iss ---


def test_form_post_renders_an_auto_submitting_form(signed_in, app, user):
    AuthorizationFactory(user=user, client=app)
    response = signed_in.get(authorize_url(app, response_mode="form_post"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'action="https://app.example/callback"' in page and 'name="code"' in page and 'name="iss"' in page
    assert "oauth_form_post.js" in page and "<script>" not in page
    assert "https://app.example" in response["Content-Security-Policy"]


def test_fragment_mode_for_code(signed_in, app, user):
    AuthorizationFactory(user=user, client=app)
    response = signed_in.get(authorize_url(app, response_mode="fragment"))
    assert "#" in response["Location"] and "code" in response_params(response)


def test_query_mode_refused_for_tokens(signed_in, user):
    client = ClientFactory(allow_implicit_flow=True)
    AuthorizationFactory(user=user, client=client)
    response = signed_in.get(authorize_url(client, response_type="token", response_mode="query"))
    params = response_params(response)
    assert params["error"] == "invalid_request" and "access_token" not in params
    assert "#" in response["Location"]


def test_unknown_response_mode(signed_in, app):
    assert response_params(signed_in.get(authorize_url(app, response_mode="web_message")))["error"] == "invalid_request"


# --- errors ---


@pytest.mark.parametrize(
    "override",
    [
        {"client_id": "nope"},
        {"client_id": None},
        {"redirect_uri": "https://evil.example/callback"},
        {"redirect_uri": "https://app.example/callback#frag"},
        {"redirect_uri": "https://app.example/callback/../x"},
        {"redirect_uri": "http://localhost/callback"},
        {"client_id": "nul\x00byte"},
    ],
)
def test_bad_client_or_redirect_uri_gets_an_html_page_never_a_redirect(signed_in, app, override):
    response = signed_in.get(authorize_url(app, **override))
    assert response.status_code == 400 and "Location" not in response
    if not any(
        "\x00" in (value or "") for value in override.values()
    ):  # NUL bytes are refused earlier, by the site-wide middleware
        assert "cannot continue" in response.content.decode()


def test_other_errors_redirect_with_state(signed_in, app):
    params = response_params(signed_in.get(authorize_url(app, scope="openid admin")))
    assert params["error"] == "invalid_scope" and params["state"] == "xyz"


def test_plain_pkce_is_refused(signed_in, app, user):
    AuthorizationFactory(user=user, client=app)
    params = response_params(signed_in.get(authorize_url(app, code_challenge="x" * 43, code_challenge_method="plain")))
    assert params["error"] == "invalid_request"


def test_public_client_without_pkce_is_refused(signed_in, user):
    client = ClientFactory(client_type="public")
    AuthorizationFactory(user=user, client=client)
    assert response_params(signed_in.get(authorize_url(client)))["error"] == "invalid_request"


def test_nothing_is_reflected_unescaped(signed_in, app):
    response = signed_in.get(authorize_url(app, client_id="<script>alert(1)</script>"))
    assert response.status_code == 400 and "<script>alert(1)" not in response.content.decode()


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_wrong_methods_get_405(signed_in, app, method):
    assert getattr(signed_in, method)(authorize_url(app)).status_code == 405


def test_loopback_redirect_may_vary_the_port_only_when_registered_as_loopback(signed_in, user):
    client = ClientFactory(redirect_uris="http://127.0.0.1:7000/callback")
    AuthorizationFactory(user=user, client=client)
    response = signed_in.get(authorize_url(client, redirect_uri="http://127.0.0.1:51234/callback"))
    assert response["Location"].startswith("http://127.0.0.1:51234/callback?code=")
    https_client = ClientFactory(redirect_uris="https://app.example:8443/callback")
    AuthorizationFactory(user=user, client=https_client)
    assert (
        signed_in.get(authorize_url(https_client, redirect_uri="https://app.example:9443/callback")).status_code == 400
    )


@pytest.mark.parametrize(
    "extra",
    [
        {"claims": "{not json"},
        {"claims": '{"id_token": {"email": null}}'},
        {"prompt": "create"},
        {"prompt": "select_account"},
        {"max_age": "-1"},
        {"id_token_hint": "garbage"},
        {"request": "eyJ.x.y"},
        {"request_uri": "https://evil.example/r"},
        {"ui_locales": "fr en"},
        {"nonce": "n" * 5000},
        {"code_challenge": "short", "code_challenge_method": "S256"},
        {"code_challenge_method": "S512", "code_challenge": "x" * 43},
        {"scope": ""},
        {"state": "\x00"},
        {"response_type": ""},
    ],
)
def test_odd_parameters_never_cause_a_500(signed_in, app, user, extra):
    AuthorizationFactory(user=user, client=app)
    response = signed_in.get(authorize_url(app, **extra))
    assert response.status_code in (200, 302, 400)
    if response.status_code == 302:
        assert response["Location"].startswith(("https://app.example/callback", "/accounts/login/"))


def test_logout_put_is_405(client):
    assert client.put("/oauth2/end_session").status_code == 405


def test_sign_up_and_verification_return_to_the_authorize_page(client, app, mailoutbox):
    import re

    url = authorize_url(app)
    signup = client.post(
        f"/accounts/signup/?next={url}",
        {
            "email": "newcomer@example.com",
            "password1": "a-Long-passphrase-42",
            "password2": "a-Long-passphrase-42",
            "next": url,
            "name": "New Comer",
        },
    )
    assert signup.status_code == 302, signup.content[:500]
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", mailoutbox[-1].body).group(0)
    path = urlsplit(link).path
    client.get(path)
    confirmed = client.post(path)
    assert confirmed.status_code == 302 and confirmed["Location"] == url
    assert client.get(url).status_code == 200 and "Allow" in client.get(url).content.decode()


def test_max_age_zero_round_trip_ends_with_a_code_and_a_fresh_auth_time(signed_in, app, user, password):
    import base64
    import json

    from tests.oauth_provider.conftest import exchange

    AuthorizationFactory(user=user, client=app)
    session = signed_in.session
    session[AUTH_TIME_SESSION_KEY] = int(time.time()) - 600
    session.save()
    url = authorize_url(app, max_age="0")
    to_login = signed_in.get(url)
    assert to_login["Location"].startswith("/accounts/login/")
    before = int(time.time())
    signed_in.post("/accounts/login/", {"login": user.email, "password": password})
    params = response_params(signed_in.get(url))  # no loop: the fresh log in satisfies max_age=0
    id_token = exchange(signed_in, app, params["code"]).json()["id_token"]
    claims = json.loads(base64.urlsafe_b64decode(id_token.split(".")[1] + "=="))
    assert claims["auth_time"] >= before
    assert signed_in.get(url)["Location"].startswith("/accounts/login/")  # the next request asks again


def test_auth_time_is_when_this_session_logged_in(signed_in, app, user):
    import base64
    import json

    from tests.oauth_provider.conftest import exchange

    AuthorizationFactory(user=user, client=app)
    session = signed_in.session
    session[AUTH_TIME_SESSION_KEY] = 1_800_000_000
    session.save()
    id_token = exchange(signed_in, app, response_params(signed_in.get(authorize_url(app)))["code"]).json()["id_token"]
    assert json.loads(base64.urlsafe_b64decode(id_token.split(".")[1] + "=="))["auth_time"] == 1_800_000_000


def test_a_scope_not_granted_before_asks_for_consent_again(signed_in, app, user):
    AuthorizationFactory(user=user, client=app, scope="openid email profile")
    assert "code" in response_params(signed_in.get(authorize_url(app, scope="openid email")))

    page = signed_in.get(authorize_url(app, scope="openid aliases:write"))
    assert page.status_code == 200
    assert "Create, change and delete your aliases" in page.content.decode()
    params = response_params(signed_in.get(authorize_url(app, scope="openid aliases:write", prompt="none")))
    assert params["error"] == "consent_required"

    allowed = signed_in.post(authorize_url(app, scope="openid aliases:write"), {"email": "real", "action": "allow"})
    assert "code" in response_params(allowed)
    assert set(Authorization.objects.get(user=user, client=app).scope.split()) == {
        "openid",
        "email",
        "profile",
        "aliases:write",
    }
    assert "code" in response_params(signed_in.get(authorize_url(app, scope="openid aliases:write", prompt="none")))


@pytest.mark.parametrize("max_age", ["²", "١٢", "-5", " 5", "1e3"])
def test_odd_max_age_is_invalid_request_never_500(signed_in, app, user, max_age):
    AuthorizationFactory(user=user, client=app)
    params = response_params(signed_in.get(authorize_url(app, max_age=max_age)))
    assert params["error"] == "invalid_request" and params["state"] == "xyz"


@pytest.mark.parametrize(
    "param,value",
    [
        ("prompt", "login"),
        ("max_age", "0"),
        ("nonce", "other"),
        ("response_mode", "fragment"),
        ("code_challenge", "b" * 43),
        ("code_challenge_method", "S256"),
        ("claims", "{}"),
    ],
)
def test_a_repeated_parameter_is_invalid_request(signed_in, app, user, param, value):
    # RFC 6749 3.1: parameters MUST NOT be included more than once; which copy wins is otherwise undefined.
    AuthorizationFactory(user=user, client=app)
    url = authorize_url(
        app,
        prompt="consent",
        max_age="3600",
        nonce="n",
        response_mode="query",
        code_challenge="a" * 43,
        code_challenge_method="S256",
        claims="{}",
    )
    response = signed_in.get(f"{url}&{param}={value}")
    params = response_params(response)
    assert params["error"] == "invalid_request" and param in params["error_description"]
    assert params["state"] == "xyz" and response["Location"].startswith("https://app.example/callback")
    assert "code" not in params
    assert signed_in.get("/oauth2/authorize").wsgi_request.user == user  # not logged out by the second prompt


@pytest.mark.parametrize("param", ["registration"])
def test_registration_is_refused_not_ignored(signed_in, app, user, param):
    # OIDC Core 7.2.1: an OP that does not support it answers *_not_supported (request objects: test_request_objects).
    AuthorizationFactory(user=user, client=app)
    params = response_params(signed_in.get(authorize_url(app, **{param: "eyJhbGciOiJub25lIn0.e30."})))
    assert params["error"] == f"{param}_not_supported" and params["state"] == "xyz" and "code" not in params


def test_no_scope_means_openid_email_profile_as_in_2019(signed_in, app, user):
    # social-core's SimpleLogin backend sends no scope: the app still gets the alias and the name.
    page = signed_in.get(authorize_url(app, scope=None))
    assert page.status_code == 200
    for label in ("Your identity for this app", "An email address", "Your name and avatar"):
        assert label in page.content.decode()
    code = response_params(signed_in.post(authorize_url(app, scope=None), {"email": "real", "name": "Ann"}))["code"]
    assert set(Authorization.objects.get(user=user, client=app).scope.split()) == {"openid", "email", "profile"}
    tokens = exchange(signed_in, app, code).json()
    assert set(tokens["scope"].split()) == {"openid", "email", "profile"} and tokens["id_token"]
    body = signed_in.get("/oauth2/userinfo", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").json()
    assert body["email"] == user.email and body["name"] == "Ann"


def _rp_client(user=None):
    from django.test import Client

    http = Client(enforce_csrf_checks=True)
    if user is not None:
        http.force_login(user)
    return http


def _form_post(http, path, data):
    """A POST as a relying party's browser sends it: form-serialized (OIDC Core 13.2)."""
    return http.post(path, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded")


def _authorization_params(app, **extra):
    return {
        "client_id": app.client_id,
        "redirect_uri": "https://app.example/callback",
        "response_type": "code",
        "scope": "openid email",
        "state": "posted",
        **extra,
    }


@pytest.mark.parametrize("path", ["/oauth2/authorize", "/oauth/authorize"])
def test_a_relying_party_may_post_the_authorization_request(user, app, path):
    # OIDC Core 3.1.2.1: the endpoint MUST accept POST; no CSRF token comes with it.
    AuthorizationFactory(user=user, client=app)
    http = _rp_client(user)
    response = _form_post(http, path, _authorization_params(app))
    assert response.status_code == 303
    location = urlsplit(response["Location"])
    assert location.path == path
    assert parse_qs(location.query) == {key: [value] for key, value in _authorization_params(app).items()}
    params = response_params(http.get(response["Location"]))
    assert params["code"] and params["state"] == "posted"


def test_a_posted_authorization_request_signed_out_leads_to_the_log_in_page(client, app):
    response = _form_post(_rp_client(), "/oauth2/authorize", _authorization_params(app))
    assert response.status_code == 303
    follow = client.get(response["Location"])
    assert follow.status_code == 302 and follow["Location"].startswith("/accounts/login/")


def test_the_consent_form_keeps_its_csrf_check_next_to_relying_party_posts(user, app):
    http = _rp_client(user)
    # Consent fields without a token, with or without authorization parameters: never a consent.
    assert _form_post(http, authorize_url(app), {"email": "real", "action": "allow"}).status_code == 403
    assert http.post(authorize_url(app), {"email": "real", "action": "allow"}).status_code == 403  # multipart
    smuggled = _form_post(http, "/oauth2/authorize", {**_authorization_params(app), "email": "real", "action": "allow"})
    assert smuggled.status_code == 303
    page = http.get(smuggled["Location"])
    assert page.status_code == 200 and b"Allow" in page.content  # the consent page, nothing granted
    assert not Authorization.objects.exists()
    token = str(page.context["csrf_token"])
    consent_url = f"/oauth2/authorize?{urlencode(_authorization_params(app))}"
    allowed = _form_post(http, consent_url, {"email": "real", "action": "allow", "csrfmiddlewaretoken": token})
    assert response_params(allowed)["code"] and Authorization.objects.filter(user=user, client=app).exists()


def test_a_post_that_is_neither_is_refused_never_500(user, app):
    http = _rp_client(user)
    assert http.post("/oauth2/authorize", "not a form", content_type="text/plain").status_code == 403
    repeated = _form_post(http, "/oauth2/authorize", {"client_id": ["a", "b"], "response_type": "code"})
    assert repeated.status_code == 303
    assert http.get(repeated["Location"]).status_code == 400  # the error page: no redirect for an unknown client


@pytest.mark.parametrize("path", ["/oauth2/authorize", "/oauth/authorize"])
@pytest.mark.parametrize(
    "query", ["a=%zz", "client_id=%zz&response_type=code", "response_type=code&redirect_uri=https%3A%2F%2Fa%2z"]
)
@pytest.mark.parametrize("who", ["signed_in", "client"])
def test_parameters_that_are_not_url_encoding_get_the_error_page(request, app, path, query, who):
    http = request.getfixturevalue(who)
    response = http.get(f"{path}?{query}")
    assert response.status_code == 400
    assert b"invalid_request" in response.content and b"not valid URL encoding" in response.content
