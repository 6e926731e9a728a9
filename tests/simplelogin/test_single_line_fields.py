"""Single-line fields refuse control characters (CR, LF, tab, DEL…) with a form error, and nothing is stored."""

import pytest
from django.core import mail

from accounts.models import ApiKey, PartnerApplication, User
from oauth_provider.models import Authorization, Client
from tests.factories import ClientFactory, UserFactory
from tests.oauth_provider.conftest import authorize_url

pytestmark = pytest.mark.django_db

BAD = ["Eve\r\nBcc: everyone@example.com", "Eve\nMallory", "Eve\tTab", "Eve\x1b[31m", "Eve\x7f", "Eve\u2028Line"]


@pytest.mark.parametrize("value", BAD)
def test_partner_application_name(client, value):
    response = client.post("/partner/", {"email": "eve@example.com", "name": value, "website": ""})
    assert response.status_code == 400
    assert "single line" in response.content.decode()
    assert not PartnerApplication.objects.exists() and mail.outbox == []


@pytest.mark.parametrize("value", BAD)
def test_settings_name(signed_in, user, value):
    before = user.name
    response = signed_in.post("/settings/name", {"name": value})
    assert response.status_code == 400 and "single line" in response.content.decode()
    user.refresh_from_db()
    assert user.name == before


@pytest.mark.parametrize("value", BAD[:2])
def test_signup_name(client, value):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new@example.com",
            "name": value,
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert response.status_code == 200 and "single line" in response.content.decode()
    assert not User.objects.filter(email="new@example.com").exists()


@pytest.mark.parametrize("value", BAD[:2])
def test_api_key_name(signed_in, user, value, reauthenticated):
    response = signed_in.post("/settings/api-keys/", {"name": value}, follow=True)
    assert "single line" in response.content.decode()
    assert not ApiKey.objects.filter(user=user).exists()


@pytest.mark.parametrize("value", BAD[:2])
def test_client_name_in_the_console(client, value):
    developer = UserFactory(is_developer=True)
    client.force_login(developer)
    response = client.post(
        "/developer/clients/new",
        {
            "name": value,
            "client_type": "confidential",
            "allow_code_flow": "on",
            "redirect_uris": "https://a.example/cb",
        },
    )
    assert response.status_code == 400 and "single line" in response.content.decode()
    assert not Client.objects.filter(user=developer).exists()


@pytest.mark.parametrize("value", BAD[:2])
def test_name_on_the_consent_page(signing_key_dir, signed_in, user, value):
    app = ClientFactory()
    response = signed_in.post(authorize_url(app), {"email": "real", "name": value, "action": "allow"})
    assert response.status_code == 400 and "single line" in response.content.decode()
    assert not Authorization.objects.filter(user=user).exists()


@pytest.mark.parametrize(("url", "field"), [("/partner/code", "code"), ("/billing/promo", "code")])
def test_codes(signed_in, url, field):
    response = signed_in.post(url, {field: "SPRING\r\n2019"}, follow=True)
    assert "single line" in response.content.decode()


def test_api_custom_alias_prefix(user):
    from rest_framework.test import APIClient

    from accounts.services import api_key_create
    from billing.models import Membership, Plan

    Membership.objects.filter(user=user).update(plan=Plan.YEARLY, expires_at=None)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key_create(user=user, name='k')[1]}")
    before = user.aliases.count()
    response = api.post("/api/v1/aliases/custom", {"prefix": "shop\nping"}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "prefix"
    assert user.aliases.count() == before
