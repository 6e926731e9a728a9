"""When the current browser session authenticated (OIDC auth_time)."""

import time

AUTH_TIME_SESSION_KEY = "oauth_provider_auth_time"


def session_auth_time_record(sender, request, user, **kwargs):
    """user_logged_in receiver: remember when this session logged in."""
    if request is not None and hasattr(request, "session"):
        request.session[AUTH_TIME_SESSION_KEY] = int(time.time())


def session_auth_time(request) -> int | None:
    """Seconds since the epoch of this session's log in; falls back to the person's last_login."""
    value = request.session.get(AUTH_TIME_SESSION_KEY)
    if value:
        return int(value)
    last_login = getattr(request.user, "last_login", None)
    return int(last_login.timestamp()) if last_login else None
