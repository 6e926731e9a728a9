"""The session store: Django's database sessions, without a SELECT before each new session's INSERT."""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils.crypto import get_random_string


class SessionStore(DatabaseSessionStore):
    """Django's `db` store. A new session key (at log-in, which rotates the key, and for any new session) is 32
    random characters of 36 (165 bits); Django first SELECTs whether it is taken, then INSERTs it with
    `must_create`, which fails on a taken key anyway (the primary key) and makes `create()` draw another one. The
    INSERT alone is that check, so the SELECT is left out: one query less per log-in, same guarantee."""

    def _get_new_session_key(self):
        """A fresh random key; its INSERT (must_create) proves it unused."""
        return get_random_string(32, VALID_KEY_CHARS)
