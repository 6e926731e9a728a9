"""Client apps: redirect URI policy, hashed secrets with a fast hasher, create_client, the demo client."""

import time
from io import StringIO

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from accounts.demo import DEMO_CLIENT_ID, DEMO_REDIRECT_URI, demo_seed
from oauth_provider.models import Client
from tests.factories import CLIENT_SECRET, ClientFactory


@pytest.mark.parametrize(
    "uri", ["https://app.example/cb", "http://127.0.0.1:7000/callback", "http://[::1]/cb", "https://app.example/cb?x=1"]
)
def test_allowed_redirect_uris(db, uri):
    ClientFactory.build(redirect_uris=uri, post_logout_redirect_uris="").clean()


@pytest.mark.parametrize(
    "uri",
    [
        "http://app.example/cb",
        "http://localhost:3000/cb",
        "https://app.example/cb#x",
        "https://*.app.example/cb",
        "https://user@app.example/cb",
        "/relative",
    ],
)
def test_refused_redirect_uris(db, uri):
    with pytest.raises(ValidationError):
        ClientFactory.build(redirect_uris=uri, post_logout_redirect_uris="").clean()


def test_secret_is_stored_hashed_with_the_fast_hasher(db):
    client = ClientFactory()
    stored = Client.objects.get(pk=client.pk).client_secret
    assert stored.startswith("sha256_client_secret$") and CLIENT_SECRET not in stored
    assert check_password(CLIENT_SECRET, stored) and not check_password("wrong", stored)


def test_fast_hasher_costs_microseconds_not_half_a_second(settings):
    settings.PASSWORD_HASHERS = ["oauth_provider.hashers.ClientSecretSHA256Hasher"]
    encoded = make_password(CLIENT_SECRET)
    start = time.process_time()
    for _ in range(100):
        check_password(CLIENT_SECRET, encoded)
    assert time.process_time() - start < 0.5  # PBKDF2 (Django default) would need ~50 s for 100 checks


def test_create_client_prints_id_and_secret_once(db):
    out = StringIO()
    call_command("create_client", "--name", "CLI App", "--redirect-uri", "https://cli.example/cb", stdout=out)
    lines = dict(line.split("=", 1) for line in out.getvalue().split())
    client = Client.objects.get(client_id=lines["client_id"])
    assert client.name == "CLI App" and client.client_type == "confidential"
    assert len(lines["client_secret"]) >= 43  # ≥ 256 bits of [A-Za-z0-9]
    assert check_password(lines["client_secret"], client.client_secret)


def test_create_public_client(db):
    out = StringIO()
    call_command("create_client", "--name", "SPA", "--redirect-uri", "http://127.0.0.1:5173/cb", "--public", stdout=out)
    assert "client_secret" not in out.getvalue()
    assert Client.objects.get(name="SPA").client_type == "public"


def test_create_client_refuses_a_bad_redirect_uri(db):
    with pytest.raises(CommandError, match="https"):
        call_command("create_client", "--name", "Bad", "--redirect-uri", "http://localhost/cb", stdout=StringIO())
    assert not Client.objects.exists()


def test_demo_seed_adds_the_demo_client_once(db):
    lines = demo_seed()
    assert any(DEMO_CLIENT_ID in line and "client_secret=" in line for line in lines)
    client = Client.objects.get(client_id=DEMO_CLIENT_ID)
    assert client.redirect_uris == DEMO_REDIRECT_URI
    demo_seed()
    assert Client.objects.filter(client_id=DEMO_CLIENT_ID).count() == 1


@pytest.mark.parametrize(
    ("uri", "accepted"),
    [
        ("http://testserver/developer/playground/callback", True),  # this site itself (URL=http://testserver)
        ("http://testserver.evil.example/callback", False),
        ("http://testserver@evil.example/callback", False),
    ],
)
def test_only_this_site_itself_may_be_a_plain_http_redirect_uri(db, settings, uri, accepted):
    from oauth_provider.services import ClientSettings, client_create

    settings.URL = "http://testserver"
    if accepted:
        client, _ = client_create(data=ClientSettings(name="Own", redirect_uris=[uri]))
        assert client.redirect_uris == uri
    else:
        with pytest.raises(ValueError, match=uri):
            client_create(data=ClientSettings(name="Bad", redirect_uris=[uri]))
        assert not Client.objects.exists()
