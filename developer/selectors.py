"""Reads of the developer pages: a developer's clients and their numbers, published apps, partner applications."""

from datetime import timedelta

from django.db.models import Count, QuerySet
from django.utils import timezone
from oauth2_provider.models import get_access_token_model

from oauth_provider.models import Client

TOKEN_WINDOW_DAYS = 30


def client_list_for_owner(*, user) -> QuerySet[Client]:
    """The developer's clients, newest first, with how many people authorized each."""
    return (
        Client.objects.filter(user=user)
        .annotate(authorization_count=Count("authorizations", distinct=True))
        .order_by("-created", "-id")
    )


def client_get_for_owner(*, user, client_id: str) -> Client:
    """One of the developer's clients by its public id; Client.DoesNotExist for anyone else's (or none)."""
    try:
        return Client.objects.get(user=user, client_id=client_id)
    except ValueError:  # NUL bytes on PostgreSQL
        raise Client.DoesNotExist from None


def client_stats(*, client: Client, now=None) -> dict:
    """People who authorized the client and access tokens issued to it in the last 30 days."""
    since = (now or timezone.now()) - timedelta(days=TOKEN_WINDOW_DAYS)
    return {
        "authorization_count": client.authorizations.count(),
        "tokens_recent": get_access_token_model().objects.filter(application=client, created__gte=since).count(),
        "window_days": TOKEN_WINDOW_DAYS,
    }


def client_list_published() -> QuerySet[Client]:
    """Apps shown on /discover/: published ones, by name."""
    return Client.objects.filter(published=True).only("name", "icon", "home_url", "client_id").order_by("name", "id")
