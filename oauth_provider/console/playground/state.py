"""What the playground keeps in the person's session: pending sign-ins and the last refresh token, secrets sealed."""

import base64
import hashlib
import time

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

SESSION_KEY = "developer_playground"
REFRESH_SESSION_KEY = "developer_playground_refresh"
MAX_PENDING = 5
PENDING_TTL_SECONDS = 15 * 60


def _cipher() -> Fernet:
    """Encrypts the secret waiting in the session (rows of the session table are plain data)."""
    key = hashlib.sha256(f"developer.playground.secret:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def secret_seal(secret: str) -> str:
    return _cipher().encrypt(secret.encode()).decode() if secret else ""


def secret_open(sealed: str, ttl: int | None = PENDING_TTL_SECONDS) -> str:
    """The secret in clear, or "" once it is older than ttl seconds."""
    if not sealed:
        return ""
    try:
        return _cipher().decrypt(sealed.encode(), ttl=ttl).decode()
    except InvalidToken:
        return ""


def pending_add(*, session, state: str, pending: dict, now: float) -> None:
    """Keep a new pending sign-in under its state, dropping expired ones and the oldest beyond MAX_PENDING."""
    store = {
        key: value
        for key, value in session.get(SESSION_KEY, {}).items()
        if now - value.get("started_at", 0) < PENDING_TTL_SECONDS
    }
    for stale in sorted(store, key=lambda key: store[key]["started_at"])[: max(0, len(store) - MAX_PENDING + 1)]:
        del store[stale]
    store[state] = {**pending, "started_at": now}
    session[SESSION_KEY] = store


def pending_pop(*, session, state: str) -> dict | None:
    """Consume the pending sign-in of this state (once), or None when it is unknown, used or expired."""
    store = session.get(SESSION_KEY, {})
    pending = store.pop(state or "", None)
    session[SESSION_KEY] = store
    if pending is not None and time.time() - pending.get("started_at", 0) >= PENDING_TTL_SECONDS:
        return None
    return pending


def refresh_token_keep(*, session, client_id: str, refresh_token: str) -> None:
    """Remember (sealed) the refresh token of the client's last playground sign-in, or forget it when there is none."""
    refresh_tokens = session.get(REFRESH_SESSION_KEY, {})
    if refresh_token:
        refresh_tokens[client_id] = secret_seal(refresh_token)
    else:
        refresh_tokens.pop(client_id, None)
    session[REFRESH_SESSION_KEY] = refresh_tokens


def refresh_token_get(*, session, client_id: str) -> str:
    """The refresh token kept for this client in clear, or ""."""
    return secret_open(session.get(REFRESH_SESSION_KEY, {}).get(client_id, ""), ttl=None)


def refresh_token_exists(*, session, client_id: str) -> bool:
    """True when the client's last playground sign-in left a refresh token."""
    return client_id in session.get(REFRESH_SESSION_KEY, {})
