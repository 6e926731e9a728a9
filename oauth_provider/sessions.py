"""When the current browser session authenticated (OIDC auth_time), and when it must authenticate again."""

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


REAUTH_SESSION_KEY = "oauth_provider_reauth_at"


def reauth_mark(request) -> None:
    """Remember that this browser was just sent to log in again (after logout, so in the new session)."""
    request.session[REAUTH_SESSION_KEY] = int(time.time())


def fresh_login_required(*, request, prompt: set, auth_time: int | None) -> bool:
    """prompt=login, or max_age exceeded (OIDC Core 3.1.2.1), unless the person just logged in again.

    Checked when the authorize page is shown; the consent POST that follows belongs to the same log in.
    """
    if request.method == "POST":
        return False
    reauth_at = request.session.pop(REAUTH_SESSION_KEY, None)
    if reauth_at and auth_time and auth_time >= reauth_at:
        return False
    if "login" in prompt:
        return True
    max_age = request.GET.get("max_age")
    return max_age is not None and (auth_time is None or time.time() - auth_time > int(max_age))
