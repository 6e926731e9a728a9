"""Reads about people's addresses and their aliases."""

import re

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Alias, ApiKey, PartnerApplication, User
from accounts.services import KEY_PREFIX, api_key_hash
from billing.selectors import membership_get, user_alias_quota, user_is_premium


def user_list_unproven(*, email: str) -> QuerySet[User]:
    """Sign-ups with this address never verified nor used: an unverified row only, no log in, not staff."""
    addresses = EmailAddress.objects.filter(user=OuterRef("pk"))
    return User.objects.filter(
        Exists(addresses.filter(email__iexact=email, verified=False)),
        email__iexact=email,
        last_login__isnull=True,
        is_staff=False,
        is_superuser=False,
    ).exclude(Exists(addresses.filter(verified=True)))


def email_is_taken(*, email: str) -> bool:
    """True when someone proved this address (verified) or uses an account registered with it."""
    if EmailAddress.objects.filter(email__iexact=email, verified=True).exists():
        return True
    return User.objects.filter(email__iexact=email).exclude(pk__in=user_list_unproven(email=email)).exists()


def email_verified_user_ids(*, email: str) -> set[int]:
    """The people for whom this address is verified (password resets go only there)."""
    return set(EmailAddress.objects.filter(email__iexact=email, verified=True).values_list("user_id", flat=True))


def email_pending_get(*, user) -> EmailAddress | None:
    """The address the person is changing to, not verified yet (it counts for nothing until it is), or None."""
    return EmailAddress.objects.get_new(user)


class AliasOrder(models.TextChoices):
    """How the dashboard sorts aliases."""

    NEWEST = "newest", _("Newest first")
    OLDEST = "oldest", _("Oldest first")
    ADDRESS = "address", _("Address (A–Z)")


ALIAS_ORDERING = {
    AliasOrder.NEWEST: ("-created_at", "-id"),
    AliasOrder.OLDEST: ("created_at", "id"),
    AliasOrder.ADDRESS: ("email", "id"),
}


def alias_list(
    *,
    user: User,
    search: str | None = None,
    enabled: bool | None = None,
    used_by_app: bool | None = None,
    order: str = AliasOrder.NEWEST,
) -> QuerySet[Alias]:
    """The person's aliases (newest first unless `order` says otherwise), with the apps using each one prefetched.

    `enabled` keeps aliases with forwarding on (True) or off (False); `used_by_app` those an app has (or has not).
    """
    aliases = Alias.objects.filter(user=user).prefetch_related("authorizations__client")
    aliases = aliases.order_by(*ALIAS_ORDERING.get(order, ALIAS_ORDERING[AliasOrder.NEWEST]))
    search = (search or "").strip()
    if search:
        aliases = aliases.filter(Q(email__icontains=search) | Q(note__icontains=search))
    if enabled is not None:
        aliases = aliases.filter(enabled=enabled)
    if used_by_app is True:
        aliases = aliases.filter(authorizations__isnull=False).distinct()
    elif used_by_app is False:
        aliases = aliases.filter(authorizations__isnull=True)
    return aliases


def alias_get_for_user(*, user: User, alias_id: int) -> Alias:
    """One alias of the person; raises Alias.DoesNotExist for someone else's alias."""
    return Alias.objects.get(user=user, pk=alias_id)


def alias_get_by_email_for_user(*, user: User, email: str) -> Alias | None:
    """The person's alias with this address, or None."""
    return Alias.objects.filter(user=user, email=(email or "").strip().lower()).first()


def alias_quota_left(*, user: User) -> int | None:
    """How many more aliases the person may create; None means no limit."""
    quota = user_alias_quota(user=user)
    if quota is None:
        return None
    return max(0, quota - Alias.objects.filter(user=user).count())


def user_can_create_alias(*, user: User) -> bool:
    """True when the person's plan lets them create one more alias."""
    left = alias_quota_left(user=user)
    return left is None or left > 0


def api_key_list(*, user) -> QuerySet[ApiKey]:
    """The person's API keys, newest first."""
    return ApiKey.objects.filter(user=user).order_by("-created_at", "-id")


def api_key_get_for_user(*, user, api_key_id: int) -> ApiKey:
    """One key of the person; raises ApiKey.DoesNotExist for someone else's key."""
    return ApiKey.objects.get(user=user, pk=api_key_id)


def api_key_get_by_raw(*, raw_key: str) -> ApiKey | None:
    """The active person's key matching this key in clear, or None."""
    if not raw_key.startswith(KEY_PREFIX) or len(raw_key) > 200:
        return None
    return ApiKey.objects.select_related("user").filter(key_hash=api_key_hash(raw_key), user__is_active=True).first()


def account_summary(*, user) -> dict:
    """What /api/v1/me shows: the person, their plan, when it ends and the aliases left to create."""
    membership = membership_get(user=user)
    return {
        "email": user.email,
        "name": user.name,
        "plan": membership.plan if membership else None,
        "is_premium": user_is_premium(user=user),
        "expires_at": membership.expires_at if membership else None,
        "alias_quota_left": alias_quota_left(user=user),
    }


def user_second_factors(*, user) -> list[str]:
    """Names of the second factors the person has set up (allauth.mfa), for the settings page."""
    from allauth.mfa.models import Authenticator

    labels = {
        Authenticator.Type.TOTP: _("authenticator app"),
        Authenticator.Type.WEBAUTHN: _("security key or passkey"),
    }
    types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    return [label for kind, label in labels.items() if kind in types]


_BROWSERS = (
    ("Edge", r"Edg(e|A|iOS)?/"),
    ("Opera", r"OPR/|Opera"),
    ("Firefox", r"Firefox/|FxiOS/"),
    ("Chrome", r"Chrome/|CriOS/|Chromium/"),
    ("Safari", r"Safari/"),
)
_SYSTEMS = (
    ("iPhone", r"iPhone"),
    ("iPad", r"iPad"),
    ("Android", r"Android"),
    ("Windows", r"Windows"),
    ("macOS", r"Mac OS X|Macintosh"),
    ("ChromeOS", r"CrOS"),
    ("Linux", r"Linux|X11"),
)


def user_agent_describe(*, user_agent: str) -> str:
    """A browser's User-Agent header as a person reads it: "Firefox on Windows", or "Unknown browser"."""
    browser = next((name for name, pattern in _BROWSERS if re.search(pattern, user_agent)), None)
    system = next((name for name, pattern in _SYSTEMS if re.search(pattern, user_agent)), None)
    if browser and system:
        return gettext("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    if browser:
        return browser
    return gettext("A browser on %(system)s") % {"system": system} if system else gettext("Unknown browser")


def usersession_list(*, user, current_session_key: str | None) -> list:
    """Where the person is signed in (allauth.usersessions), most recently seen first, each with `.device`.

    Sessions that ended (expired, logged out) are dropped on the way (allauth's `purge_and_list`).
    """
    from allauth.usersessions.models import UserSession

    sessions = sorted(UserSession.objects.purge_and_list(user), key=lambda s: s.last_seen_at, reverse=True)
    for session in sessions:
        session.device = user_agent_describe(user_agent=session.user_agent)
        session.current = session.session_key == current_session_key
    sessions.sort(key=lambda s: not s.current)
    return sessions


def usersession_get_for_user(*, user, session_id: int):
    """One of the person's sessions; raises UserSession.DoesNotExist for someone else's."""
    from allauth.usersessions.models import UserSession

    return UserSession.objects.get(user=user, pk=session_id)


EXPORT_FORMAT = "simplelogin-export/1"


def user_data_export(*, user) -> dict:
    """Everything SimpleLogin holds about the person, for "Download my data" (never a secret, key or token)."""
    from billing.selectors import billing_overview
    from oauth_provider.claims import Identity, claims_build
    from oauth_provider.models import Authorization, Client

    aliases = list(
        Alias.objects.filter(user=user)
        .select_related("stats")
        .prefetch_related("authorizations__client")
        .order_by("created_at", "id")
    )
    authorizations = (
        Authorization.objects.filter(user=user).select_related("client", "alias", "user").order_by("created_at")
    )
    billing = billing_overview(user=user)
    membership = billing.membership
    return {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now(),
        "profile": {
            "email": user.email,
            "name": user.name,
            "has_avatar": bool(user.avatar),
            "created_at": user.created_at,
            "last_login": user.last_login,
            "is_developer": user.is_developer,
            "second_factors": user_second_factors(user=user),
        },
        "plan": {
            "plan": membership.plan if membership else None,
            "is_premium": billing.is_premium,
            "started_at": membership.created_at if membership else None,
            "expires_at": billing.ends_at,
            "renews_at": billing.renews_at,
        },
        "aliases": [_alias_export(alias) for alias in aliases],
        "apps": [
            {
                "name": authorization.client.name,
                "client_id": authorization.client.client_id,
                "granted_at": authorization.created_at,
                "last_used_at": authorization.last_used_at,
                "scopes": authorization.scope.split(),
                "receives": claims_build(
                    identity=Identity.from_authorization(authorization), scopes=set(authorization.scope.split())
                ),
            }
            for authorization in authorizations
        ],
        "api_keys": [
            {
                "name": key.name,
                "starts_with": key.prefix,
                "created_at": key.created_at,
                "last_used_at": key.last_used_at,
            }
            for key in api_key_list(user=user)
        ],
        "clients": [
            {
                "name": client.name,
                "client_id": client.client_id,
                "client_type": client.client_type,
                "redirect_uris": client.redirect_uris.split(),
                "home_url": client.home_url,
                "published": client.published,
                "created_at": client.created,
            }
            for client in Client.objects.filter(user=user).order_by("created", "id")
        ],
    }


def _alias_export(alias: Alias) -> dict:
    stats = getattr(alias, "stats", None)
    return {
        "email": alias.email,
        "enabled": alias.enabled,
        "note": alias.note,
        "created_at": alias.created_at,
        "forwarded": stats.forwarded if stats else 0,
        "replied": stats.replied if stats else 0,
        "blocked": stats.blocked if stats else 0,
        "used_by_apps": sorted(authorization.client.name for authorization in alias.authorizations.all()),
    }


def partner_application_pending(*, user, application_id: int | None = None) -> PartnerApplication | None:
    """The newest application not approved yet: the signed-in person's, or the one this browser just sent."""
    pending = PartnerApplication.objects.filter(approved_at__isnull=True)
    if user.is_authenticated:
        return pending.filter(user=user).first()
    return pending.filter(pk=application_id, user__isnull=True).first() if application_id else None


def partner_codes_exist() -> bool:
    """Whether the operator set any partner code (PARTNER_CODES): without one, nobody is asked for a code."""
    return bool(settings.PARTNER_CODES)
