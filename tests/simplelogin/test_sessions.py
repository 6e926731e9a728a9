"""The session store: a new session key is never one already in use, though no SELECT checks it first."""

import pytest
from django.contrib.sessions.models import Session

from simplelogin import sessions
from simplelogin.sessions import SessionStore
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_a_taken_key_is_never_handed_out_twice(monkeypatch):
    """The INSERT is the uniqueness check: a drawn key that is taken makes the store draw another one."""
    taken = SessionStore()
    taken["who"] = "someone else"
    taken.save()
    drawn = iter([taken.session_key, "k" * 32])
    monkeypatch.setattr(sessions, "get_random_string", lambda length, chars: next(drawn))

    fresh = SessionStore()
    fresh["who"] = "me"
    fresh.save()

    assert fresh.session_key == "k" * 32
    assert SessionStore(taken.session_key).load() == {"who": "someone else"}
    assert SessionStore(fresh.session_key).load() == {"who": "me"}
    assert Session.objects.count() == 2


def test_log_in_rotates_the_session_key(client):
    """Session fixation: the key a browser had before signing in is gone after."""
    user = UserFactory()
    session = client.session
    session["before"] = 1
    session.save()
    before = session.session_key
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.cookies["sessionid"].value != before
    assert not Session.objects.filter(session_key=before).exists()
