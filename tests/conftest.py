"""Fixtures shared by the whole suite."""

import pytest
from django.core.cache import cache

from tests.factories import PASSWORD, UserFactory


@pytest.fixture(autouse=True)
def _fast_hashing_and_clean_cache(settings, tmp_path):
    """Fast password hashing in tests (Argon2 is tested on its own), fresh cache and media per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password():
    """The password every factory user has."""
    return PASSWORD


@pytest.fixture
def user(db):
    """An activated person on a trial."""
    return UserFactory()


@pytest.fixture
def signed_in(client, user):
    """A test client signed in as `user`."""
    client.force_login(user)
    return client
