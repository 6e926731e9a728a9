"""Download my data: a JSON file with the profile, aliases, apps, API keys, clients and plan; never a secret."""

import json

import pytest

from accounts.models import AliasStats
from accounts.services import api_key_create
from tests.factories import CLIENT_SECRET, AliasFactory, AuthorizationFactory, ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


def download(client) -> tuple[object, dict]:
    response = client.get("/settings/export")
    assert response.status_code == 200
    return response, json.loads(b"".join(response) if response.streaming else response.content)


def test_the_file_is_an_attachment_holding_the_profile_and_plan(signed_in, user):
    response, data = download(signed_in)
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="simplelogin-data-')
    assert response["Content-Disposition"].endswith('.json"')
    assert "no-store" in response["Cache-Control"]
    assert data["format"] == "simplelogin-export/1"
    assert data["profile"]["email"] == user.email and data["profile"]["name"] == user.name
    assert data["plan"]["plan"] == "trial" and data["plan"]["expires_at"]


def test_it_holds_the_aliases_with_notes_counts_and_apps(signed_in, user):
    alias = AliasFactory(user=user, note="newsletters", enabled=False)
    AliasStats.objects.create(alias=alias, forwarded=7, replied=2, blocked=3)
    AuthorizationFactory(user=user, alias=alias, client=ClientFactory(name="Shop"))
    AliasFactory()  # someone else's
    _, data = download(signed_in)
    [exported] = [row for row in data["aliases"] if row["email"] == alias.email]
    assert exported == {
        "email": alias.email,
        "enabled": False,
        "note": "newsletters",
        "created_at": exported["created_at"],
        "forwarded": 7,
        "replied": 2,
        "blocked": 3,
        "used_by_apps": ["Shop"],
    }
    assert len(data["aliases"]) == user.aliases.count()


def test_it_says_what_each_app_receives(signed_in, user):
    alias = AliasFactory(user=user)
    AuthorizationFactory(user=user, alias=alias, client=ClientFactory(name="Shop"), name="Jo", scope="openid email")
    AuthorizationFactory(user=user, client=ClientFactory(name="Forum"), scope="openid email profile")
    _, data = download(signed_in)
    apps = {app["name"]: app for app in data["apps"]}
    assert apps["Shop"]["receives"]["email"] == alias.email and "name" not in apps["Shop"]["receives"]
    assert apps["Forum"]["receives"]["email"] == user.email and apps["Forum"]["receives"]["name"] == user.name
    assert apps["Forum"]["scopes"] == ["openid", "email", "profile"]


def test_api_keys_and_owned_clients_come_without_secrets(signed_in, user):
    key, raw = api_key_create(user=user, name="backup script")
    mine = ClientFactory(user=user, name="My app")
    ClientFactory(user=UserFactory(), name="Not mine")
    response, data = download(signed_in)
    text = response.content.decode()
    assert [k["name"] for k in data["api_keys"]] == ["backup script"]
    assert data["api_keys"][0]["created_at"] and data["api_keys"][0]["starts_with"] == key.prefix
    assert [c["name"] for c in data["clients"]] == ["My app"]
    assert data["clients"][0]["client_id"] == mine.client_id
    assert raw not in text and key.key_hash not in text
    assert CLIENT_SECRET not in text and mine.client_secret not in text


def test_it_is_offered_on_settings_and_on_the_delete_page(signed_in):
    assert 'href="/settings/export"' in signed_in.get("/settings/").content.decode()
    page = signed_in.get("/settings/delete").content.decode()
    assert "Delete your account" in page and 'href="/settings/export"' in page


def test_it_needs_a_session(client):
    assert client.get("/settings/export")["Location"].startswith("/accounts/login/")
