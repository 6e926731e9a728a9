"""How and when the current browser session authenticated (OIDC auth_time, amr, acr), and when it must again."""

import time
from dataclasses import dataclass

from allauth.account.authentication import get_authentication_records

from oauth_provider.constants import Acr, Amr

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


# allauth.mfa authenticator types and the RFC 8176 value each one proves.
FACTOR_AMR = {"totp": Amr.OTP, "recovery_codes": Amr.OTP, "webauthn": Amr.HWK}
STEP_UP_SESSION_KEY = "oauth_provider_step_up"


@dataclass(frozen=True)
class SessionAuthentication:
    """What the id_token says of this session's authentication: amr values, acr and auth_time."""

    amr: tuple[str, ...]
    acr: str
    auth_time: int | None


def session_authentication(request) -> SessionAuthentication:
    """From allauth's record of this session's log in and re-authentications (password, second factor, passkey).

    A second factor on top of the log in (whatever its first factor: password, provider, email link) makes `mfa`,
    and so does a passkey log in (its key plus the PIN or biometrics WebAuthn requires of passkeys); the latest
    record is auth_time, so a step-up to the second factor moves it.
    """
    records = get_authentication_records(request, request.user)
    amr, multi = [], False
    for record in records:
        method = record.get("method")
        if method in ("password", "password_reset"):
            amr.append(Amr.PWD)
        elif method == "mfa":
            if record.get("type") in FACTOR_AMR:
                amr.append(FACTOR_AMR[record["type"]])
            multi = True
    if multi:
        amr.append(Amr.MFA)
    times = [int(record["at"]) for record in records if isinstance(record.get("at"), int | float)]
    auth_time = max([t for t in (session_auth_time(request), *times) if t], default=None)
    return SessionAuthentication(
        amr=tuple(dict.fromkeys(str(v) for v in amr)), acr=Acr.MFA if multi else Acr.PWD, auth_time=auth_time
    )


def acr_values_require_mfa(acr_values: str | None) -> bool:
    """The app asked for two factors: `acr_values` names only the multi-factor class (OIDC Core 3.1.2.1)."""
    values = set((acr_values or "").split())
    return Acr.MFA in values and Acr.PWD not in values


def second_factor_url(*, user) -> str | None:
    """Where the person confirms their second factor (code first, else key), or None when they have none."""
    from allauth.mfa.models import Authenticator
    from django.urls import reverse

    types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    if Authenticator.Type.TOTP in types:
        return reverse("mfa_reauthenticate")
    if Authenticator.Type.WEBAUTHN in types:
        return reverse("mfa_reauthenticate_webauthn")
    return reverse("mfa_reauthenticate") if Authenticator.Type.RECOVERY_CODES in types else None
