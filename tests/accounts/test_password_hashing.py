"""Argon2id first at OWASP's parameters (19 MiB, t=2, p=1); older hashes are re-made with them at log-in."""

import argon2
import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, identify_hasher, make_password

pytestmark = pytest.mark.django_db

PRODUCTION_HASHERS = list(django_settings.PASSWORD_HASHERS)
OWASP = {"type": argon2.Type.ID, "memory_cost": 19 * 1024, "time_cost": 2, "parallelism": 1}


def _argon2_parameters(encoded: str) -> dict:
    params = argon2.extract_parameters(encoded.split("argon2", 1)[1])
    return {
        "type": params.type,
        "memory_cost": params.memory_cost,
        "time_cost": params.time_cost,
        "parallelism": params.parallelism,
    }


@pytest.fixture
def production_hashers(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS


def test_new_passwords_are_argon2id_at_owasp_parameters(production_hashers):
    encoded = make_password("a-long-pass-phrase")
    assert identify_hasher(encoded).algorithm == "argon2"
    assert _argon2_parameters(encoded) == OWASP
    assert check_password("a-long-pass-phrase", encoded)
    assert not check_password("another-pass-phrase", encoded)


@pytest.mark.parametrize("old", ["django_argon2_defaults", "pbkdf2_sha256", "bcrypt"])
def test_older_hashes_are_remade_at_owasp_parameters_on_login(client, production_hashers, user, old):
    if old == "django_argon2_defaults":
        user.password = Argon2PasswordHasher().encode("legacy-password-1", Argon2PasswordHasher().salt())
        assert _argon2_parameters(user.password)["memory_cost"] == 102400
    else:
        user.password = make_password("legacy-password-1", hasher=old)
    user.save()
    old_hash = user.password

    response = client.post("/accounts/login/", {"login": user.email, "password": "legacy-password-1"})

    assert response["Location"] == "/dashboard/"
    user.refresh_from_db()
    assert user.password != old_hash
    assert _argon2_parameters(user.password) == OWASP
    assert check_password("legacy-password-1", user.password)


def test_a_wrong_password_leaves_the_old_hash_alone(client, production_hashers, user):
    user.password = make_password("legacy-password-1", hasher="pbkdf2_sha256")
    user.save()
    old_hash = user.password

    response = client.post("/accounts/login/", {"login": user.email, "password": "not-the-password"})

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.password == old_hash
