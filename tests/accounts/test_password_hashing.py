"""Argon2id first with at least OWASP's parameters; older hashes upgrade on log in."""

import argon2
import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import get_hasher, identify_hasher, make_password

pytestmark = pytest.mark.django_db

PRODUCTION_HASHERS = list(django_settings.PASSWORD_HASHERS)


def test_argon2id_is_the_default_with_owasp_parameters(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    hasher = get_hasher("default")
    assert hasher.algorithm == "argon2"
    encoded = hasher.encode("a-long-pass-phrase", hasher.salt())
    params = argon2.extract_parameters(encoded.split("argon2", 1)[1])
    assert params.type is argon2.Type.ID
    assert params.memory_cost >= 19 * 1024
    assert params.time_cost >= 2


def test_pbkdf2_and_legacy_bcrypt_hashes_upgrade_to_argon2_on_login(client, settings, user):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    for old in ("pbkdf2_sha256", "bcrypt"):
        user.password = make_password("legacy-password-1", hasher=old)
        user.save()
        assert identify_hasher(user.password).algorithm == old
        response = client.post("/accounts/login/", {"login": user.email, "password": "legacy-password-1"})
        assert response["Location"] == "/dashboard/"
        user.refresh_from_db()
        assert identify_hasher(user.password).algorithm == "argon2"
        client.logout()
