"""The API key section of the settings page: create (shown once), list with last use, delete."""

import re
from datetime import UTC, datetime

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import ApiKey
from accounts.services import MAX_KEYS_PER_USER, api_key_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _section(user) -> str:
    """The API key section of the person's settings page, as they see it."""
    browser = Client()
    browser.force_login(user)
    html = browser.get("/settings/").content.decode()
    return html[html.index('id="api-keys"') :]


def test_create_shows_the_key_once_and_it_works(signed_in, user, reauthenticated):
    response = signed_in.post("/settings/api-keys/", {"name": "Backup script"})
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    raw_key = response.context["raw_key"]
    assert raw_key.startswith("sl_")
    assert f'readonly autocomplete="off" spellcheck="false">{raw_key}</textarea>' in response.content.decode()
    assert "shown only once" in response.content.decode()
    key = ApiKey.objects.get(user=user)
    assert key.name == "Backup script"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    assert client.get("/api/v1/me").status_code == 200
    assert raw_key not in _section(user)


def test_section_lists_keys_with_last_use(user):
    used, _ = api_key_create(user=user, name="Used one")
    api_key_create(user=user, name="Unused one")
    ApiKey.objects.filter(pk=used.pk).update(last_used_at=datetime(2026, 3, 4, 5, 6, tzinfo=UTC))
    api_key_create(user=UserFactory(), name="Not mine")
    html = _section(user)
    assert "Used one" in html and "Unused one" in html and "Not mine" not in html
    assert "2026-03-04 05:06 UTC" in html
    assert "Never" in html
    assert used.prefix in html


def test_section_without_keys(user):
    assert "You have no API keys." in _section(user)


def test_create_without_a_name_goes_back_with_an_error(signed_in, user, reauthenticated):
    response = signed_in.post("/settings/api-keys/", {"name": "  "})
    assert response.status_code == 400
    form = response.content.decode().split('id="api-keys"', 1)[1]  # the error shows at the key form
    assert 'id="api-key-name-error"' in form and "This field is required." in form
    assert not ApiKey.objects.filter(user=user).exists()


def test_key_count_is_limited(signed_in, user, reauthenticated):
    for n in range(MAX_KEYS_PER_USER):
        api_key_create(user=user, name=f"k{n}")
    response = signed_in.post("/settings/api-keys/", {"name": "one more"})
    assert response.status_code == 400 and "at most" in response.content.decode().split('id="api-keys"', 1)[1]
    assert ApiKey.objects.filter(user=user).count() == MAX_KEYS_PER_USER


def test_delete_key_stops_it_at_once(signed_in, user):
    key, raw_key = api_key_create(user=user, name="Old")
    response = signed_in.post(f"/settings/api-keys/{key.pk}/delete", follow=True)
    assert response.redirect_chain[-1][0] == "/settings/"
    assert any("Old" in str(m) for m in response.context["messages"])
    assert not ApiKey.objects.filter(pk=key.pk).exists()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    assert client.get("/api/v1/me").status_code == 401


def test_cannot_delete_someone_elses_key(signed_in):
    key, _ = api_key_create(user=UserFactory(), name="Theirs")
    assert signed_in.post(f"/settings/api-keys/{key.pk}/delete").status_code == 404
    assert ApiKey.objects.filter(pk=key.pk).exists()


def test_key_create_needs_sign_in(client):
    response = client.post("/settings/api-keys/", {"name": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not ApiKey.objects.exists()


def test_key_create_needs_post(signed_in):
    assert signed_in.get("/settings/api-keys/").status_code == 405


@pytest.mark.django_db
def test_settings_page_lists_creates_and_deletes_api_keys(signed_in, user, reauthenticated):
    page = signed_in.get("/settings/").content.decode()
    assert "API keys" in page and "You have no API keys." in page
    created = signed_in.post("/settings/api-keys/", {"name": "laptop script"}, follow=True).content.decode()
    key = re.search(r"sl_[A-Za-z0-9_\-]+", created).group(0)
    assert signed_in.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    page = signed_in.get("/settings/").content.decode()
    assert "laptop script" in page and key not in page


def test_a_key_id_already_taken_is_drawn_again(signed_in, user, monkeypatch, reauthenticated):
    from accounts import services

    taken = api_key_create(user=UserFactory(), name="other")[0].prefix.removeprefix("sl_")
    draws = iter([taken, "0123abcd"])
    monkeypatch.setattr(services.secrets, "token_hex", lambda nbytes: next(draws))

    response = signed_in.post("/settings/api-keys/", {"name": "second"})

    assert response.status_code == 201
    assert ApiKey.objects.get(user=user).prefix == "sl_0123abcd"


def test_deleting_a_key_asks_first_on_its_own_page(signed_in, user):
    key, _ = api_key_create(user=user, name="Backup")
    settings_page = signed_in.get("/settings/").content.decode()
    assert f'href="/settings/api-keys/{key.pk}/delete"' in settings_page
    confirm = signed_in.get(f"/settings/api-keys/{key.pk}/delete")
    page = confirm.content.decode()
    assert confirm.status_code == 200 and "Delete the API key “Backup”?" in page and "<script" not in page
    assert ApiKey.objects.filter(pk=key.pk).exists()


def test_the_new_key_page_has_a_copy_button_and_the_whole_key(reauthenticated, user):
    response = reauthenticated.post("/settings/api-keys/", {"name": "script"})
    page = response.content.decode()
    assert 'data-copy="#new-api-key"' in page and "js/developer_copy.js" in page
    assert 'size="60"' not in page
