"""Apps I use: what each app received, changing the alias it receives (seen in userinfo), revoking access."""

import base64
import json
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from oauth_provider.models import Authorization
from tests.conftest import SESSION_SEEN_QUERIES
from tests.factories import AliasFactory, AuthorizationFactory, ClientFactory
from tests.oauth_provider.console.conftest import basic_auth, issue_tokens, userinfo


@pytest.fixture
def app(db):
    return ClientFactory(name="Photo Book", home_url="https://photos.example")


@pytest.fixture
def alias(user):
    return AliasFactory(user=user)


@pytest.fixture
def authorization(user, app, alias):
    return AuthorizationFactory(
        user=user, client=app, alias=alias, name="Robin", share_avatar=True, last_used_at=timezone.now()
    )


def change(http, app, value):
    return http.post(f"/apps/{app.client_id}/alias", {f"{app.client_id}-address": value})


def test_lists_what_each_app_received(signed_in, user, authorization, alias):
    other_app = AuthorizationFactory(user=user, client=ClientFactory(name="Real Mail App"))
    AuthorizationFactory(client=ClientFactory(name="Someone else's app"))
    html = signed_in.get("/apps/").content.decode()
    assert "Photo Book" in html and 'href="https://photos.example"' in html and alias.email in html
    assert "Name: Robin" in html and "Avatar: shared" in html
    assert "Real Mail App" in html and f'<code class="app-email">{user.email}</code>' in html
    assert "Someone else" not in html
    assert f'<tr id="app-{authorization.pk}">' in html  # the dashboard links to /apps/#app-<authorization id>
    assert other_app.created_at.strftime("%Y-%m-%d") in html


def test_changing_the_alias_changes_userinfo(signed_in, user, app, authorization, alias):
    tokens = issue_tokens(signed_in, app)
    assert userinfo(signed_in, tokens["access_token"]).json()["email"] == alias.email
    second = AliasFactory(user=user)
    response = change(signed_in, app, str(second.pk))
    assert response.status_code == 302 and response["Location"] == "/apps/"
    assert userinfo(signed_in, tokens["access_token"]).json()["email"] == second.email
    next_id_token = issue_tokens(signed_in, app)["id_token"]
    payload = next_id_token.split(".")[1]
    assert json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["email"] == second.email
    assert change(signed_in, app, "real").status_code == 302
    assert userinfo(signed_in, tokens["access_token"]).json()["email"] == user.email


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("someone else's", b"Select a valid choice."),
        ("disabled", b"Forwarding is off for that alias; turn it on or choose another address."),
    ],
)
def test_only_own_enabled_aliases_can_be_chosen(signed_in, user, app, authorization, alias, kind, message):
    other = AliasFactory() if kind == "someone else's" else AliasFactory(user=user, enabled=False)
    response = change(signed_in, app, str(other.pk))
    assert response.status_code == 400 and message in response.content
    assert Authorization.objects.get(pk=authorization.pk).alias_id == alias.pk


def test_apps_page_query_budget(signed_in, user, django_assert_max_num_queries):
    for _ in range(5):
        AuthorizationFactory(user=user, alias=AliasFactory(user=user))
    with django_assert_max_num_queries(8 + SESSION_SEEN_QUERIES):
        response = signed_in.get("/apps/")
    assert response.status_code == 200 and len(response.context["rows"]) == 5


def test_revoke_invalidates_tokens_and_brings_consent_back(signed_in, user, app, authorization):
    tokens = issue_tokens(signed_in, app)
    assert userinfo(signed_in, tokens["access_token"]).status_code == 200
    response = signed_in.post(f"/apps/{app.client_id}/revoke")
    assert response.status_code == 302
    assert not Authorization.objects.filter(pk=authorization.pk).exists()
    assert userinfo(signed_in, tokens["access_token"]).status_code == 401
    refresh = signed_in.post(
        "/oauth2/token",
        {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        HTTP_AUTHORIZATION=basic_auth(app.client_id),
    )
    assert refresh.status_code == 400 and refresh.json()["error"] == "invalid_grant"
    query = urlencode(
        {
            "client_id": app.client_id,
            "redirect_uri": "https://app.example/callback",
            "response_type": "code",
            "scope": "openid email",
            "state": "s",
        }
    )
    consent = signed_in.get(f"/oauth2/authorize?{query}")
    assert consent.status_code == 200 and b"Photo Book" in consent.content


def test_other_peoples_authorizations_answer_404(signed_in, app):
    theirs = AuthorizationFactory(client=app)
    assert signed_in.post(f"/apps/{app.client_id}/revoke").status_code == 404
    assert signed_in.post(f"/apps/{app.client_id}/alias", {}).status_code == 404
    assert signed_in.post("/apps/no-such-app/revoke").status_code == 404
    assert Authorization.objects.filter(pk=theirs.pk).exists()


def test_revoking_asks_first_on_a_page_of_its_own(signed_in, user, app, authorization):
    assert f'href="/apps/{app.client_id}/revoke"' in signed_in.get("/apps/").content.decode()
    confirm = signed_in.get(f"/apps/{app.client_id}/revoke")
    page = confirm.content.decode()
    assert confirm.status_code == 200 and f"Revoke {app.name}'s access?" in page and "<script" not in page
    assert Authorization.objects.filter(pk=authorization.pk).exists()
    assert signed_in.get("/apps/no-such-app/revoke").status_code == 404
