"""Two people creating an alias at the same moment with the same random words both get one (PostgreSQL)."""

import threading

import pytest
from django.conf import settings
from django.db import connection

from accounts import services
from accounts.exceptions import AliasLimitReached
from accounts.models import Alias
from billing.models import Plan
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking and concurrent inserts need PostgreSQL"),
]


def _create_concurrently(monkeypatch, users):
    """Each thread's first word choice is the same address, released to all threads at once."""
    barrier = threading.Barrier(len(users), timeout=10)
    local = threading.local()
    original = services.random_words
    calls = []

    def same_first_words():
        calls.append(threading.get_ident())
        if not getattr(local, "started", False):
            local.started = True
            barrier.wait()
            return "same_words_here"
        return original()

    monkeypatch.setattr(services, "random_words", same_first_words)
    results, errors = [], []

    def work(user):
        try:
            results.append(services.alias_create_random(user=user))
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    return results, calls


def test_two_people_same_words_at_once_both_get_different_addresses(monkeypatch):
    users = [UserFactory(), UserFactory()]
    results, calls = _create_concurrently(monkeypatch, users)
    emails = sorted(alias.email for alias in results)
    assert len(emails) == 2 and len(set(emails)) == 2
    assert f"same_words_here@{settings.EMAIL_DOMAIN}" in emails
    assert len(calls) == 3  # the loser retried once with fresh words
    assert {alias.user_id for alias in Alias.objects.all()} == {user.pk for user in users}


def test_same_person_twice_at_once_gets_two_aliases(monkeypatch):
    user = UserFactory()
    results, calls = _create_concurrently(monkeypatch, [user, user])
    assert len({alias.email for alias in results}) == 2
    assert user.aliases.count() == 2
    assert len(calls) == 3


def test_free_plan_limit_holds_under_concurrency():
    free = UserFactory(plan=Plan.FREE)
    for _ in range(settings.MAX_ALIASES_FREE_PLAN - 1):
        services.alias_create_random(user=free)
    barrier = threading.Barrier(2, timeout=10)
    outcomes = []

    def work():
        barrier.wait()
        try:
            outcomes.append(services.alias_create_random(user=free).email)
        except AliasLimitReached:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(outcomes) == 2 and outcomes.count("refused") == 1
    assert free.aliases.count() == settings.MAX_ALIASES_FREE_PLAN
