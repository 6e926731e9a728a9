"""A deactivated person gets nothing from the provider, and deactivating them in the admin revokes their tokens."""

import pytest
from django.forms import FileField
from oauth2_provider.models import AccessToken, IDToken, RefreshToken, get_grant_model

from accounts.models import User
from tests.factories import AuthorizationFactory, UserFactory
from tests.oauth_provider.conftest import authorize_url, exchange, response_params
from tests.oauth_provider.test_introspect import introspect
from tests.oauth_provider.test_token import refresh


@pytest.fixture
def tokens(signed_in, app, user):
    AuthorizationFactory(user=user, client=app)
    return exchange(signed_in, app, response_params(signed_in.get(authorize_url(app)))["code"]).json()


def deactivate(user):
    """Untick "active" without going through the admin: the endpoints must refuse on their own."""
    User.objects.filter(pk=user.pk).update(is_active=False)


def test_userinfo_refuses_an_earlier_token(client, tokens, user):
    deactivate(user)
    response = client.get("/oauth2/userinfo", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert response.status_code == 401 and response.json()["error"] == "invalid_token"


def test_refresh_issues_nothing(client, app, tokens, user):
    deactivate(user)
    response = refresh(client, app, tokens["refresh_token"])
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"
    assert "access_token" not in response.json()


def test_a_code_issued_before_is_not_exchanged(signed_in, client, app, user):
    AuthorizationFactory(user=user, client=app)
    code = response_params(signed_in.get(authorize_url(app)))["code"]
    deactivate(user)
    response = exchange(client, app, code)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


@pytest.mark.parametrize("kind", ["access_token", "refresh_token"])
def test_introspection_answers_inactive(client, app, tokens, user, kind):
    deactivate(user)
    assert introspect(client, app, tokens[kind]).json() == {"active": False}


def test_the_api_refuses_an_earlier_token(signing_key_dir, signed_in, client, app, user):
    AuthorizationFactory(user=user, client=app, scope="openid aliases:read")
    code = response_params(signed_in.get(authorize_url(app, scope="openid aliases:read")))["code"]
    token = exchange(signed_in, app, code).json()["access_token"]
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    deactivate(user)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def _change_form_data(response) -> dict:
    """The admin change form as the browser would submit it (every field at its current value)."""
    data = {}
    forms = [response.context["adminform"].form]
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data.update({management.add_prefix(name): value for name, value in management.initial.items()})
        forms += list(formset.formset.forms)
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if value is None or value is False or name == "password" or isinstance(field, FileField):
                continue
            data[form.add_prefix(name)] = [str(v) for v in value] if isinstance(value, (list, tuple)) else value
    return data


def test_unticking_active_in_the_admin_revokes_every_token(client, tokens, app, user):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    page = client.get(f"/admin/accounts/user/{user.pk}/change/")
    data = _change_form_data(page)
    assert data.pop("is_active") is True

    response = client.post(f"/admin/accounts/user/{user.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    user.refresh_from_db()
    assert not user.is_active
    for model in (AccessToken, RefreshToken, IDToken, get_grant_model()):
        assert not model.objects.filter(user=user).exists()
    # ticking "active" again later does not bring the revoked refresh token back
    User.objects.filter(pk=user.pk).update(is_active=True)
    assert refresh(client, app, tokens["refresh_token"]).json()["error"] == "invalid_grant"


def test_saving_an_active_person_in_the_admin_keeps_their_tokens(client, tokens, user):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    data = _change_form_data(client.get(f"/admin/accounts/user/{user.pk}/change/"))
    data["name"] = "Renamed"
    assert client.post(f"/admin/accounts/user/{user.pk}/change/", data).status_code == 302
    assert AccessToken.objects.filter(user=user).exists()
