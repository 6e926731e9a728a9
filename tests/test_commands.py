"""Operator commands of the foundation: generate_signing_key and seed_demo."""

import stat

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User


def test_generate_signing_key_writes_a_private_rsa_2048_key_once(settings, tmp_path, capsys):
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    settings.KEYS_DIR = tmp_path / "keys"
    call_command("generate_signing_key")
    path = tmp_path / "keys" / "jwtRS256.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = load_pem_private_key(path.read_bytes(), password=None)
    assert key.key_size == 2048
    first = path.read_bytes()
    call_command("generate_signing_key")
    assert path.read_bytes() == first
    assert "already exists" in capsys.readouterr().out


@pytest.fixture
def debug(settings):
    """seed_demo runs only in development."""
    settings.DEBUG = True


@pytest.mark.django_db
def test_seed_demo_refuses_with_debug_off_and_creates_nobody(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only with DEBUG=true"):
        call_command("seed_demo")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_seed_demo_prints_the_site_admin_and_demo_client_urls(debug, settings, capsys):
    settings.URL = "http://127.0.0.1:8123"
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "Site:         http://127.0.0.1:8123/" in out
    assert "Admin:        http://127.0.0.1:8123/admin/" in out
    assert (
        "http://127.0.0.1:8123/oauth2/authorize?client_id=demo-client&redirect_uri=http%3A%2F%2F127.0.0.1%3A7000" in out
    )


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_prints_credentials(debug, client, capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "demo@sl.local / demo-password-1" in out
    assert User.objects.filter(email="demo@sl.local").count() == 1
    assert User.objects.get(email="admin@sl.local").is_superuser
    assert EmailAddress.objects.get(email="demo@sl.local").verified
    response = client.post("/accounts/login/", {"login": "demo@sl.local", "password": "demo-password-1"})
    assert response["Location"] == "/dashboard/"


@pytest.mark.django_db
def test_seed_demo_prints_a_demo_client_secret_that_works_on_every_run(debug, capsys):
    from django.contrib.auth.hashers import check_password

    from oauth_provider.models import Client

    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    secret = "demo-client-secret-local-development-only"
    assert out.count(f"client_secret={secret}") == 2
    demo = Client.objects.get(client_id="demo-client")
    assert demo.redirect_uris == "http://127.0.0.1:7000/callback"
    assert check_password(secret, demo.client_secret)
