"""The developer console: who gets in, registering clients, redirect URI messages, the client page, deleting."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken
from PIL import Image

from oauth_provider.models import Client
from tests.conftest import SESSION_SEEN_QUERIES
from tests.factories import AuthorizationFactory, ClientFactory, UserFactory
from tests.oauth_provider.console.conftest import issue_tokens, userinfo

NEW = {
    "name": "Notes",
    "home_url": "https://notes.example",
    "client_type": "confidential",
    "allow_code_flow": "on",
    "redirect_uris": "https://notes.example/cb\nhttp://127.0.0.1:8000/cb",
    "post_logout_redirect_uris": "",
}


def png_bytes():
    out = io.BytesIO()
    Image.new("RGB", (800, 600), "purple").save(out, format="PNG")
    out.seek(0)
    out.name = "icon.png"
    return out


def test_signed_out_goes_to_login(client, db):
    response = client.get("/developer/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_non_developer_is_told_how_to_become_one(signed_in):
    response = signed_in.get("/developer/")
    assert response.status_code == 200
    assert b"Become a developer" in response.content and b'href="/partner/"' in response.content
    assert signed_in.get("/developer/clients/new").status_code == 403


def test_register_confidential_client_shows_secret_once(dev, developer):
    response = dev.post("/developer/clients/new", NEW)
    assert response.status_code == 200
    client = Client.objects.get(user=developer)
    secret = response.context["secret"]
    assert len(secret) == 64 and secret.encode() in response.content
    assert response["Cache-Control"] == "no-store"
    assert client.client_secret != secret and client.client_secret.startswith("sha256_client_secret$")
    assert client.redirect_uris.split() == ["https://notes.example/cb", "http://127.0.0.1:8000/cb"]
    assert client.home_url == "https://notes.example" and client.allow_code_flow and not client.allow_implicit_flow
    page = dev.get(f"/developer/clients/{client.client_id}/")
    assert page.status_code == 200 and secret.encode() not in page.content
    assert client.client_id.encode() in page.content


def test_register_public_client_has_no_secret(dev, developer):
    response = dev.post("/developer/clients/new", {**NEW, "client_type": "public", "allow_implicit_flow": "on"})
    client = Client.objects.get(user=developer)
    assert response.status_code == 302 and response["Location"] == f"/developer/clients/{client.client_id}/"
    assert client.client_type == Client.CLIENT_PUBLIC and client.allow_implicit_flow


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("http://notes.example/cb", "Use https, or http://127.0.0.1"),
        ("https://notes.example/cb#frag", "cannot contain a fragment"),
        ("https://*.notes.example/cb", "Wildcards are not allowed"),
        ("https://user:pw@notes.example/cb", "cannot contain credentials"),
        ("/relative/cb", "must be an absolute URL"),
    ],
)
def test_bad_redirect_uri_is_explained_next_to_the_field(dev, developer, uri, message):
    response = dev.post("/developer/clients/new", {**NEW, "redirect_uris": f"https://ok.example/cb\n{uri}"})
    assert response.status_code == 400
    errors = response.context["form"].errors["redirect_uris"]
    assert len(errors) == 1 and errors[0].startswith(f"{uri}: ") and message in errors[0]
    assert message.encode() in response.content
    assert not Client.objects.filter(user=developer).exists()


def test_flows_and_redirect_uris_are_required(dev, developer):
    response = dev.post("/developer/clients/new", {**NEW, "allow_code_flow": "", "redirect_uris": " \n "})
    form = response.context["form"]
    assert response.status_code == 400
    assert form.errors["allow_code_flow"] == ["Choose at least one flow."]
    assert form.errors["redirect_uris"] == ["This field is required."]


def test_icon_is_reencoded_and_bad_icon_explained(dev, developer):
    response = dev.post("/developer/clients/new", {**NEW, "icon": png_bytes()})
    client = Client.objects.get(user=developer)
    assert response.status_code == 200 and client.icon.name.endswith(".png")
    with Image.open(client.icon.path) as icon:
        assert max(icon.size) <= 512
    bad = io.BytesIO(b"not an image")
    bad.name = "icon.png"
    response = dev.post("/developer/clients/new", {**NEW, "name": "Bad", "icon": bad})
    assert response.status_code == 400 and response.context["form"].errors["icon"]
    assert not Client.objects.filter(name="Bad").exists()


def test_update_settings_adds_and_removes_redirect_uris_and_publishes(dev, owned):
    response = dev.post(
        f"/developer/clients/{owned.client_id}/settings",
        {
            "name": "Renamed",
            "home_url": "https://renamed.example",
            "allow_code_flow": "on",
            "allow_hybrid_flow": "on",
            "redirect_uris": "https://renamed.example/one\nhttps://renamed.example/two",
            "published": "on",
        },
    )
    assert response.status_code == 302
    owned.refresh_from_db()
    assert owned.name == "Renamed" and owned.published and owned.allow_hybrid_flow
    assert owned.redirect_uris.split() == ["https://renamed.example/one", "https://renamed.example/two"]
    response = dev.post(
        f"/developer/clients/{owned.client_id}/settings",
        {
            "name": "Renamed",
            "allow_code_flow": "on",
            "redirect_uris": "http://renamed.example/one",
        },
    )
    assert response.status_code == 400 and b"Use https" in response.content
    owned.refresh_from_db()
    assert owned.redirect_uris.split() == ["https://renamed.example/one", "https://renamed.example/two"]


def test_client_page_shows_ids_discovery_and_numbers(dev, owned):
    for _ in range(2):
        AuthorizationFactory(client=owned)
    person = AuthorizationFactory(client=owned).user
    now = timezone.now()
    for created in (now - timedelta(days=1), now - timedelta(days=40)):
        token = AccessToken.objects.create(
            user=person,
            application=owned,
            token=f"t{created.timestamp()}",
            expires=now + timedelta(hours=1),
            scope="openid",
        )
        AccessToken.objects.filter(pk=token.pk).update(created=created)
    response = dev.get(f"/developer/clients/{owned.client_id}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["stats"] == {"authorization_count": 3, "tokens_recent": 1, "window_days": 30}
    assert '<dd id="stat-people">3</dd>' in html and '<dd id="stat-tokens">1</dd>' in html
    assert "http://testserver/.well-known/openid-configuration" in html
    assert f"-u &#x27;{owned.client_id}:YOUR_CLIENT_SECRET&#x27;" in html
    assert "curl -H &quot;Authorization: Bearer ACCESS_TOKEN&quot; http://testserver/oauth2/userinfo" in html


def test_delete_client_revokes_its_tokens(dev, developer, owned):
    AuthorizationFactory(user=developer, client=owned)
    tokens = issue_tokens(dev, owned)
    assert userinfo(dev, tokens["access_token"]).status_code == 200
    assert dev.get(f"/developer/clients/{owned.client_id}/delete").status_code == 200
    response = dev.post(f"/developer/clients/{owned.client_id}/delete")
    assert response.status_code == 302 and response["Location"] == "/developer/"
    assert not Client.objects.filter(pk=owned.pk).exists()
    assert userinfo(dev, tokens["access_token"]).status_code == 401
    assert not AccessToken.objects.exists()


CONSOLE_URLS = [
    ("get", "/developer/clients/{}/"),
    ("post", "/developer/clients/{}/settings"),
    ("post", "/developer/clients/{}/secret"),
    ("get", "/developer/clients/{}/delete"),
    ("post", "/developer/clients/{}/delete"),
    ("get", "/developer/clients/{}/playground"),
    ("post", "/developer/clients/{}/playground"),
    ("post", "/developer/clients/{}/playground/redirect-uri"),
    ("post", "/developer/clients/{}/playground/refresh"),
]


@pytest.mark.parametrize(("method", "url"), CONSOLE_URLS)
def test_someone_elses_client_answers_404(dev, method, url):
    other = ClientFactory(user=UserFactory(is_developer=True), name="Not yours")
    before = Client.objects.values().get(pk=other.pk)
    data = (
        {
            "name": "Stolen",
            "allow_code_flow": "on",
            "redirect_uris": "https://evil.example/cb",
            "response_type": "code",
            "scopes": ["openid"],
            "pkce": "on",
        }
        if method == "post"
        else None
    )
    response = getattr(dev, method)(url.format(other.client_id), data)
    assert response.status_code == 404
    assert b"Not yours" not in response.content
    assert Client.objects.values().get(pk=other.pk) == before
    assert getattr(dev, method)(url.format("no-such-client"), data).status_code == 404


def test_console_lists_own_clients_within_query_budget(dev, developer, django_assert_max_num_queries):
    mine = [ClientFactory(user=developer, name=f"Mine {n}") for n in range(4)]
    AuthorizationFactory(client=mine[0])
    ClientFactory(name="Theirs")
    with django_assert_max_num_queries(6 + SESSION_SEEN_QUERIES):
        response = dev.get("/developer/")
    html = response.content.decode()
    assert all(client.name in html for client in mine) and "Theirs" not in html


def _delete_queries(count):
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from oauth2_provider.models import AccessToken

    from oauth_provider.services import client_delete
    from tests.factories import AuthorizationFactory

    client = ClientFactory()
    for n in range(count):
        authorization = AuthorizationFactory(client=client)
        AccessToken.objects.create(
            user=authorization.user,
            application=client,
            token=f"t{count}-{n}",
            scope="openid",
            expires=timezone.now() + timedelta(hours=1),
        )
    with CaptureQueriesContext(connection) as queries:
        client_delete(client=client)
    assert not AccessToken.objects.filter(application_id=client.pk).exists()
    return len(queries)


@pytest.mark.django_db
def test_deleting_a_client_costs_the_same_queries_for_1_or_20_people():
    assert _delete_queries(1) == _delete_queries(20)


def test_privacy_policy_and_terms_are_editable_and_shown_on_consent(dev, owned, user, client):
    response = dev.post(
        f"/developer/clients/{owned.client_id}/settings",
        {
            "name": owned.name,
            "allow_code_flow": "on",
            "redirect_uris": owned.redirect_uris,
            "home_url": "https://app.example",
            "policy_uri": "https://app.example/privacy",
            "tos_uri": "app.example/terms",
        },
    )
    assert response.status_code == 302
    owned.refresh_from_db()
    assert (owned.policy_uri, owned.tos_uri) == ("https://app.example/privacy", "https://app.example/terms")
    form_page = dev.get(f"/developer/clients/{owned.client_id}/").content.decode()
    assert 'value="https://app.example/privacy"' in form_page
    client.force_login(user)
    consent = client.get(
        f"/oauth2/authorize?client_id={owned.client_id}&redirect_uri={owned.redirect_uris.split()[0]}"
        "&response_type=code&scope=openid&state=s"
    ).content.decode()
    for link in (
        'href="https://app.example" rel="noopener noreferrer">Home page',
        'href="https://app.example/privacy" rel="noopener noreferrer">Privacy policy',
        'href="https://app.example/terms" rel="noopener noreferrer">Terms of service',
    ):
        assert link in consent


@pytest.mark.parametrize("uri", ["javascript:alert(1)", "ftp://app.example/privacy", "not a url"])
def test_privacy_policy_must_be_a_web_address(dev, owned, uri):
    response = dev.post(
        f"/developer/clients/{owned.client_id}/settings",
        {
            "name": owned.name,
            "allow_code_flow": "on",
            "redirect_uris": owned.redirect_uris,
            "policy_uri": uri,
        },
    )
    assert response.status_code == 400 and response.context["form"].errors["policy_uri"]
    owned.refresh_from_db()
    assert owned.policy_uri == ""


def test_the_query_string_token_switch_is_off_for_new_clients_and_editable(dev, developer, owned):
    form = dev.get("/developer/clients/new").content.decode()
    assert "This app sends the access token in the query string" in form
    dev.post("/developer/clients/new", NEW)
    created = Client.objects.get(user=developer, name="Notes")
    assert not created.accepts_query_access_token and not created.refresh_without_offline_access
    page = dev.get(f"/developer/clients/{owned.client_id}/").content.decode()
    assert 'name="accepts_query_access_token"' in page and "python-social-auth" in page
    settings = {"name": owned.name, "allow_code_flow": "on", "redirect_uris": owned.redirect_uris}
    response = dev.post(
        f"/developer/clients/{owned.client_id}/settings", {**settings, "accepts_query_access_token": "on"}
    )
    assert response.status_code == 302
    owned.refresh_from_db()
    assert owned.accepts_query_access_token
    page = dev.get(f"/developer/clients/{owned.client_id}/").content.decode()
    assert re.search(r"<input type=\"checkbox\" name=\"accepts_query_access_token\"[^>]* checked>", page)
    dev.post(f"/developer/clients/{owned.client_id}/settings", settings)
    owned.refresh_from_db()
    assert not owned.accepts_query_access_token


def test_the_refresh_without_offline_access_switch_is_editable(dev, owned):
    page = dev.get(f"/developer/clients/{owned.client_id}/").content.decode()
    assert "Give this app refresh tokens even without the offline_access scope" in page
    settings = {"name": owned.name, "allow_code_flow": "on", "redirect_uris": owned.redirect_uris}
    dev.post(f"/developer/clients/{owned.client_id}/settings", settings)
    owned.refresh_from_db()
    assert not owned.refresh_without_offline_access
    dev.post(f"/developer/clients/{owned.client_id}/settings", {**settings, "refresh_without_offline_access": "on"})
    owned.refresh_from_db()
    assert owned.refresh_without_offline_access
