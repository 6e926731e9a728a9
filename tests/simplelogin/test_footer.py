"""Every page ends with the footer: privacy, terms, the support address and the version."""

import pytest
from django.conf import settings as django_settings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/accounts/login/", "/pricing", "/no-such-page", "/privacy", "/terms"])
def test_signed_out_pages_have_the_footer(client, path, settings):
    settings.SUPPORT_EMAIL = "help@login.example"
    page = client.get(path).content.decode()
    assert '<footer class="site-footer">' in page
    assert '<a href="/privacy">Privacy</a>' in page and '<a href="/terms">Terms</a>' in page
    assert '<a href="mailto:help@login.example">help@login.example</a>' in page
    assert f"SimpleLogin {django_settings.APP_VERSION}" in page


@pytest.mark.parametrize("path", ["/dashboard/", "/settings/", "/accounts/password/change/", "/apps/"])
def test_signed_in_pages_have_the_footer(signed_in, path):
    page = signed_in.get(path).content.decode()
    assert '<footer class="site-footer">' in page and '<a href="/privacy">Privacy</a>' in page


def test_the_version_comes_from_pyproject_unless_set(settings, client):
    import tomllib

    version = tomllib.loads((django_settings.BASE_DIR / "pyproject.toml").read_text())["project"]["version"]
    assert django_settings.APP_VERSION == version
    settings.APP_VERSION = "2.4.1"
    assert "SimpleLogin 2.4.1" in client.get("/accounts/login/").content.decode()


def test_our_privacy_and_terms_pages(client):
    privacy = client.get("/privacy").content.decode()
    assert "<h1>Privacy policy</h1>" in privacy and "not stored here" in privacy
    assert "<h1>Terms of service</h1>" in client.get("/terms").content.decode()


def test_the_operators_own_policy_and_terms(client, settings):
    settings.PRIVACY_URL = "https://example.com/privacy"
    settings.TERMS_URL = "https://example.com/terms"
    page = client.get("/accounts/login/").content.decode()
    assert '<a href="https://example.com/privacy">Privacy</a>' in page
    assert '<a href="https://example.com/terms">Terms</a>' in page
    assert client.get("/privacy")["Location"] == "https://example.com/privacy"
    assert client.get("/terms")["Location"] == "https://example.com/terms"
