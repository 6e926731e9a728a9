"""/api/v1/me and the authorized apps endpoints."""

import pytest
from django.utils import timezone
from oauth2_provider.models import get_access_token_model

from billing.models import Plan
from oauth_provider.models import Authorization
from oauth_provider.services import ClientSettings, client_create
from tests.factories import AliasFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_me_on_a_trial(api, user):
    data = api.get("/api/v1/me").json()
    assert data["email"] == user.email
    assert data["name"] == user.name
    assert data["plan"] == "trial"
    assert data["is_premium"] is True
    assert data["expires_at"] == user.membership.expires_at.isoformat().replace("+00:00", "Z")
    assert data["alias_quota_left"] is None


def test_me_on_the_free_plan_counts_aliases_left(settings, api_for):
    person = UserFactory(plan=Plan.FREE)
    settings.MAX_ALIASES_FREE_PLAN = 3
    AliasFactory(user=person)
    data = api_for(person).get("/api/v1/me").json()
    assert (data["plan"], data["is_premium"], data["expires_at"], data["alias_quota_left"]) == ("free", False, None, 2)


def test_me_with_a_read_token(token_api, user):
    assert token_api("aliases:read").get("/api/v1/me").json()["email"] == user.email


def _authorize(user, name="Forum", alias=None):
    client = client_create(data=ClientSettings(name=name, redirect_uris=["https://forum.example/cb"]))[0]
    return Authorization.objects.create(user=user, client=client, alias=alias, name="Cat", share_avatar=True)


def test_apps_list(api, user):
    alias = AliasFactory(user=user)
    shared = _authorize(user, "Forum", alias)
    real = _authorize(user, "Shop")
    Authorization.objects.filter(pk=shared.pk).update(last_used_at=timezone.now())
    Authorization.objects.filter(pk=real.pk).update(last_used_at=timezone.now() - timezone.timedelta(days=1))
    _authorize(UserFactory(), "Someone else's")
    data = api.get("/api/v1/apps").json()
    assert [app["app"]["name"] for app in data] == ["Forum", "Shop"]
    assert data[0]["alias"] == alias.email
    assert data[0]["name"] == "Cat"
    assert data[0]["share_avatar"] is True
    assert data[0]["app"]["icon_url"] is None
    assert data[1]["alias"] is None
    assert data[1]["id"] == real.pk


def test_revoke_an_app_deletes_its_tokens(api, user, make_token):
    authorization = _authorize(user)
    make_token(user, "openid")  # a token of another app, which stays
    AccessToken = get_access_token_model()
    token = AccessToken.objects.create(
        user=user,
        application=authorization.client,
        token="t0ken-of-the-forum",
        scope="openid",
        expires=timezone.now() + timezone.timedelta(hours=1),
    )
    response = api.delete(f"/api/v1/apps/{authorization.pk}")
    assert response.status_code == 204
    assert not Authorization.objects.filter(pk=authorization.pk).exists()
    assert not AccessToken.objects.filter(pk=token.pk).exists()
    assert AccessToken.objects.filter(user=user).count() == 1
    assert api.get("/api/v1/apps").json() == []


def test_revoking_someone_elses_app_is_404(api):
    authorization = _authorize(UserFactory())
    response = api.delete(f"/api/v1/apps/{authorization.pk}")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "No such app."}
    assert Authorization.objects.filter(pk=authorization.pk).exists()
