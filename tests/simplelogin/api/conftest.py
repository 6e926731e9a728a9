"""Fixtures of the API tests: API keys, OAuth access tokens and an API client using them."""

import secrets

import pytest
from django.utils import timezone
from oauth2_provider.models import get_access_token_model
from rest_framework.test import APIClient

from accounts.services import api_key_create
from oauth_provider.services import ClientSettings, client_create


@pytest.fixture
def raw_key(user):
    """A personal API key (in clear) of `user`."""
    return api_key_create(user=user, name="test script")[1]


@pytest.fixture
def api(raw_key):
    """An API client sending `user`'s API key."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return client


@pytest.fixture
def api_for(db):
    """Make an API client sending a new API key of the given person."""

    def make(person) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key_create(user=person, name='script')[1]}")
        return client

    return make


@pytest.fixture
def oauth_client(db):
    """A registered app of the provider."""
    return client_create(data=ClientSettings(name="Extension", redirect_uris=["https://ext.example/cb"]))[0]


@pytest.fixture
def make_token(oauth_client):
    """Make an access token of `oauth_client` for a person with the given scopes."""

    def make(user, scope: str, expires_in: int = 3600):
        return get_access_token_model().objects.create(
            user=user,
            application=oauth_client,
            token=secrets.token_urlsafe(24),
            scope=scope,
            expires=timezone.now() + timezone.timedelta(seconds=expires_in),
        )

    return make


@pytest.fixture
def token_api(user, make_token):
    """Make an API client sending an access token of `user` with the given scopes."""

    def make(scope: str, expires_in: int = 3600):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_token(user, scope, expires_in).token}")
        return client

    return make
