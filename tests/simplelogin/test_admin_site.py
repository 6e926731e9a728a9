"""The admin index: named SimpleLogin, our apps first, dj-stripe's synced models last and named so."""

import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_admin_is_named_and_lists_our_apps_first_and_stripe_last(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:index")).content.decode()

    assert "<title>Site administration | SimpleLogin administration</title>" in page
    assert ">SimpleLogin administration</a>" in page
    names = re.findall(r'<caption>\s*<a href="[^"]+" class="section"[^>]*>([^<]+)</a>', page)
    assert names[:3] == ["Accounts", "OpenID Connect provider", "Billing"]
    assert names[-1] == "Stripe (synced)"
    assert names.count("Accounts") == 1 and "Email addresses (allauth)" in names


def test_the_login_page_is_named_too(client, db):
    assert "SimpleLogin administration" in client.get(reverse("admin:login")).content.decode()
