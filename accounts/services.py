"""Writes for people, their profile and their aliases."""

import hashlib
import logging
import re
import secrets
import unicodedata
from collections.abc import Callable
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import emails, selectors, wordlist
from accounts.exceptions import (
    AliasError,
    AliasLimitReached,
    AliasUnavailable,
    ApiKeyError,
    CustomAliasNotAllowed,
    InvalidAliasPrefix,
    PartnerCodeError,
)
from accounts.images import image_normalize
from accounts.models import Alias, ApiKey, DeletedAlias, PartnerApplication, User
from billing.selectors import billing_enabled, user_alias_quota, user_can_create_custom_alias
from billing.services import billing_account_close, membership_start_trial

log = logging.getLogger(__name__)


def user_onboard(*, user: User) -> None:
    """Set up a new person: their trial membership (2019: 15 days) and a first random alias."""
    membership_start_trial(user=user)
    try:
        alias_create_random(user=user)
    except AliasError as error:
        log.warning("first alias not created user_id=%s reason=%s", user.pk, type(error).__name__)
    log.info("user onboarded user_id=%s", user.pk)


def email_verification_resend(*, request, email: str) -> bool:
    """Mail a new verification link to an unverified address (at most once per 3 minutes); False when none went out."""
    # only an account's own login address: never a row another account added for someone else's mailbox
    address = EmailAddress.objects.filter(email__iexact=email, verified=False, user__email__iexact=email).first()
    if address is None or not ratelimit.consume(request, action="confirm_email", key=address.email.lower()):
        return False
    address.send_confirmation(request)
    log.info("verification mail resent user_id=%s", address.user_id)
    return True


def user_update_name(*, user: User, name: str) -> User:
    """Change the name the person shows by default."""
    user.name = name.strip()
    user.save(update_fields=["name", "updated_at"])
    return user


def user_update_language(*, user: User, language: str) -> User:
    """Remember the language of the person's pages and mails (empty: follow the browser)."""
    user.language = language
    user.save(update_fields=["language", "updated_at"])
    return user


def user_update_avatar(*, user: User, upload) -> User:
    """Replace the person's avatar with a checked, re-encoded copy of the upload."""
    content = image_normalize(upload=upload, name=secrets.token_hex(8))
    old = user.avatar.name if user.avatar else None
    user.avatar.save(content.name, content, save=False)
    user.save(update_fields=["avatar", "updated_at"])
    if old:
        user.avatar.storage.delete(old)
    log.info("avatar updated user_id=%s", user.pk)
    return user


def user_remove_avatar(*, user: User) -> User:
    """Remove the person's avatar."""
    if user.avatar:
        user.avatar.delete(save=False)
        user.avatar = None
        user.save(update_fields=["avatar", "updated_at"])
    return user


def user_delete(*, user: User) -> None:
    """Delete the person and everything that belongs to them; their alias addresses are tombstoned for good."""
    user_id = user.pk
    avatar = user.avatar.name if user.avatar else None
    storage = user.avatar.storage
    billing_account_close(user=user)
    with transaction.atomic():
        addresses = Alias.objects.filter(user=user).values_list("email", flat=True)
        DeletedAlias.objects.bulk_create([DeletedAlias(email=email) for email in addresses], ignore_conflicts=True)
        user.authorizations.all().delete()  # before the aliases: Authorization.alias is PROTECT
        user.delete()
    if avatar:
        storage.delete(avatar)
    log.info("user deleted user_id=%s", user_id)


def email_claims_release(*, email: str) -> None:
    """A sign-up wins over claims nobody proved: other accounts' unverified rows and never-used unverified accounts."""
    with transaction.atomic():
        rows, _deleted = (
            EmailAddress.objects.filter(email__iexact=email, verified=False).exclude(user__email__iexact=email).delete()
        )
        stale = list(selectors.user_list_unproven(email=email))
        for user in stale:
            user_delete(user=user)
    if rows or stale:
        log.info("unproven email claims released address_rows=%s accounts=%s", rows, len(stale))


ALIAS_CREATE_ATTEMPTS = 10
NOTE_MAX_LENGTH = 1000
PREFIX_ALLOWED = re.compile(r"[a-z0-9._-]{3,40}")
SUFFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


class _Tombstoned(Exception):
    """The address was used by a deleted alias."""


def random_words(*, count: int | None = None) -> str:
    """2 or 3 words of the shipped word list picked with `secrets`, joined by `_`."""
    count = count or secrets.choice((2, 3))
    return "_".join(secrets.choice(wordlist.WORDS) for _ in range(count))


def random_suffix(*, length: int = 6) -> str:
    """A short random suffix that makes custom aliases impossible to squat."""
    return "".join(secrets.choice(SUFFIX_ALPHABET) for _ in range(length))


PREFIX_CHARACTER = re.compile(r"[a-z0-9._-]")


def _character_name(character: str) -> str:
    """How a refused character is named to the person: "the space", or the character in quotes."""
    if character.isspace():
        return _("the space") if character == " " else _("a blank (tab or line break)")
    return f"“{character}”"


def prefix_problem(prefix: str, *, fold_accents: bool = True) -> str | None:
    """Why a custom prefix is refused, naming the wrong characters (None when it is fine).

    The web folds accents and trims (é → e); the API takes the prefix exactly as sent (`fold_accents=False`).
    """
    typed = (prefix or "").strip() if fold_accents else (prefix or "")
    candidate = _prefix_fold(typed) if fold_accents else typed.lower()
    wrong = []
    for original in typed:
        if fold_accents and unicodedata.combining(original):
            continue  # an accent typed on its own is dropped like the one in "é"
        folded = _prefix_fold(original) if fold_accents else original.lower()
        if not folded or not all(PREFIX_CHARACTER.fullmatch(c) for c in folded):
            if (name := _character_name(original)) not in wrong:
                wrong.append(name)
    if wrong:
        names = (
            wrong[0]
            if len(wrong) == 1
            else _("%(first)s and %(last)s")
            % {
                "first": ", ".join(wrong[:-1]),
                "last": wrong[-1],
            }
        )
        return ngettext(
            "“%(typed)s”: %(names)s is not allowed.", "“%(typed)s”: %(names)s are not allowed.", len(wrong)
        ) % {"typed": typed, "names": names}
    if not 3 <= len(candidate) <= 40:
        return ngettext(
            "“%(typed)s” has %(count)d character.", "“%(typed)s” has %(count)d characters.", len(candidate)
        ) % {
            "typed": typed,
            "count": len(candidate),
        }
    if candidate.startswith(".") or candidate.endswith("."):
        return _("“%(typed)s” starts or ends with a dot.") % {"typed": typed}
    if ".." in candidate:
        return _("“%(typed)s” has two dots in a row.") % {"typed": typed}
    return None


def _prefix_fold(text: str) -> str:
    """Accents folded to ASCII and lowercased (é → e, Ｆ → f); characters without an ASCII form vanish."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()


def prefix_normalize(prefix: str) -> str:
    """Lowercase, fold accents to ASCII, and check a custom prefix; InvalidAliasPrefix names what is wrong."""
    folded = _prefix_fold((prefix or "").strip())
    if not PREFIX_ALLOWED.fullmatch(folded) or folded.startswith(".") or folded.endswith(".") or ".." in folded:
        problem = prefix_problem(prefix)
        raise InvalidAliasPrefix(f"{problem} {InvalidAliasPrefix.default_message}" if problem else None)
    return folded


def prefix_suggest(*, name: str) -> str | None:
    """A custom prefix made from a name ("Demo App" → "demo-app"), or None when too little of it is usable."""
    words = re.split(r"[^a-z0-9]+", _prefix_fold(name or ""))
    prefix = "-".join(word for word in words if word)[:40].strip("-")
    return prefix if len(prefix) >= 3 else None


def _alias_insert(*, user: User, local_part: Callable[[], str]) -> Alias:
    """Insert an alias with a fresh address; the unique constraint decides, retrying on collision."""
    with transaction.atomic():
        quota = user_alias_quota(user=user)
        if quota is not None:
            # one creation at a time per limited person, so two requests cannot both pass the count
            User.objects.select_for_update().filter(pk=user.pk).exists()
            if Alias.objects.filter(user=user).count() >= quota:
                raise AliasLimitReached.offering_upgrade(can_buy=billing_enabled())
        for _attempt in range(ALIAS_CREATE_ATTEMPTS):
            email = f"{local_part()}@{settings.EMAIL_DOMAIN}".lower()
            try:
                with transaction.atomic():
                    alias = Alias.objects.create(user=user, email=email)
                    if DeletedAlias.objects.filter(email=email).exists():
                        raise _Tombstoned
            except (IntegrityError, _Tombstoned):
                log.info("alias address taken, retrying user_id=%s", user.pk)
                continue
            log.info("alias created alias_id=%s user_id=%s", alias.pk, user.pk)
            return alias
    raise AliasUnavailable()


def alias_create_random(*, user: User) -> Alias:
    """Create a random-words alias; raises AliasLimitReached when the free quota is used up."""
    return _alias_insert(user=user, local_part=random_words)


SUFFIX_SHAPE = re.compile(r"[a-z0-9]{6}")


def alias_create_custom(*, user: User, prefix: str, suffix: str | None = None) -> Alias:
    """Create `prefix.suffix@EMAIL_DOMAIN` for a premium person; raises an AliasError subclass otherwise.

    `suffix` (one the site generated, e.g. shown on the consent page) is tried first; a random one when it is taken.
    """
    if not user_can_create_custom_alias(user=user):
        raise CustomAliasNotAllowed.offering_upgrade(can_buy=billing_enabled())
    normalized = prefix_normalize(prefix)
    suffixes = [suffix] if suffix and SUFFIX_SHAPE.fullmatch(suffix) else []
    return _alias_insert(
        user=user, local_part=lambda: f"{normalized}.{suffixes.pop() if suffixes else random_suffix()}"
    )


def alias_toggle(*, alias: Alias) -> Alias:
    """Switch forwarding of the alias on or off."""
    alias.enabled = not alias.enabled
    alias.save(update_fields=["enabled", "updated_at"])
    log.info("alias toggled alias_id=%s enabled=%s", alias.pk, alias.enabled)
    return alias


def alias_update_note(*, alias: Alias, note: str) -> Alias:
    """Replace the person's note on the alias; raises AliasError when it is too long."""
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise AliasError(_("The note is too long: at most %(max)d characters.") % {"max": NOTE_MAX_LENGTH})
    alias.note = note
    alias.save(update_fields=["note", "updated_at"])
    return alias


def alias_delete(*, alias: Alias) -> None:
    """Delete the alias for good: apps lose it and a tombstone stops anyone re-creating the address."""
    from oauth_provider.services import authorization_revoke_for_alias

    alias_id, user_id = alias.pk, alias.user_id
    with transaction.atomic():
        clients = authorization_revoke_for_alias(alias=alias)
        DeletedAlias.objects.get_or_create(email=alias.email)
        alias.delete()
    log.info("alias deleted alias_id=%s user_id=%s clients_revoked=%s", alias_id, user_id, len(clients))


def alias_send_test_email(*, alias: Alias) -> None:
    """Send a short test message to the alias address through the outbound mail settings."""
    emails.send_alias_test_email(alias=alias)
    log.info("alias test email sent alias_id=%s", alias.pk)


# --- personal API keys -------------------------------------------------------------------------------------

KEY_PREFIX = "sl_"
KEY_ID_LENGTH = 8  # hex characters after "sl_": the non-secret prefix kept in clear to tell keys apart
MAX_KEYS_PER_USER = 20
KEY_CREATE_ATTEMPTS = 5
LAST_USED_RESOLUTION = timedelta(minutes=1)  # at most one write per key per minute


def api_key_hash(raw_key: str) -> str:
    """SHA-256 (hex) of a key: keys are 256-bit random, so a fast unsalted hash is the right tool."""
    return hashlib.sha256(raw_key.encode("utf-8", "surrogatepass")).hexdigest()


def api_key_create(*, user, name: str) -> tuple[ApiKey, str]:
    """Create a key for the person; returns it and the key in clear, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise ApiKeyError(_("Give the key a name, e.g. the script that will use it."))
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).exists()  # one creation at a time per person
        if ApiKey.objects.filter(user=user).count() >= MAX_KEYS_PER_USER:
            raise ApiKeyError(
                _("You can have at most %(max)d API keys. Delete one you no longer use.") % {"max": MAX_KEYS_PER_USER}
            )
        for _attempt in range(KEY_CREATE_ATTEMPTS):  # the 32-bit key id is unique: draw again when it is taken
            key_id = secrets.token_hex(KEY_ID_LENGTH // 2)
            raw_key = f"{KEY_PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
            try:
                with transaction.atomic():
                    api_key = ApiKey.objects.create(
                        user=user, name=name[:64], prefix=f"{KEY_PREFIX}{key_id}", key_hash=api_key_hash(raw_key)
                    )
                break
            except IntegrityError:
                log.info("api key id taken, drawing again user_id=%s", user.pk)
        else:
            raise ApiKeyError(_("No key could be created right now. Please try again."))
    log.info("api key created api_key_id=%s user_id=%s", api_key.pk, user.pk)
    return api_key, raw_key


def api_key_delete(*, api_key: ApiKey) -> None:
    """Delete the key; the next request made with it is refused."""
    api_key_id, user_id = api_key.pk, api_key.user_id
    api_key.delete()
    log.info("api key deleted api_key_id=%s user_id=%s", api_key_id, user_id)


def api_key_touch(*, api_key: ApiKey, now=None) -> None:
    """Remember when the key was last used (to the minute, so busy scripts do not write on every call)."""
    now = now or timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now


# --- partner programme -----------------------------------------------------------------------------------


def developer_grant(*, user: User) -> User:
    """Make the person a developer (idempotent)."""
    if not user.is_developer:
        user.is_developer = True
        user.save(update_fields=["is_developer", "updated_at"])
        log.info("developer granted user_id=%s", user.pk)
    return user


def partner_code_redeem(*, user: User, code: str) -> User:
    """A code from PARTNER_CODES makes the person a developer at once; PartnerCodeError otherwise."""
    if (code or "").strip().upper() not in settings.PARTNER_CODES:
        raise PartnerCodeError(_("This partner code is not valid. Check it, or apply with the form below."))
    log.info("partner code redeemed user_id=%s", user.pk)
    return developer_grant(user=user)


def partner_application_submit(
    *, user: User | None, email: str, name: str, website: str = "", additional_information: str = ""
) -> PartnerApplication:
    """Store an application to the partner programme and mail it to the support address (kept if mail is down)."""
    with transaction.atomic():  # a mail that cannot even be built (e.g. a bad header) stores nothing
        application = PartnerApplication.objects.create(
            user=user if user is not None and user.is_authenticated else None,
            email=email.strip().lower(),
            name=name.strip(),
            website=website.strip(),
            additional_information=additional_information.strip(),
        )
        try:
            emails.send_partner_application(application=application)
        except OSError:
            log.exception("partner application mail failed application_id=%s", application.pk)
    log.info("partner application submitted application_id=%s user_id=%s", application.pk, application.user_id)
    return application


def partner_application_approve(*, application: PartnerApplication) -> User | None:
    """Approve an application: its person (the signed-in applicant, else the account with its email) becomes a developer."""
    user = application.user or User.objects.filter(email__iexact=application.email).first()
    if user is None:
        return None
    with transaction.atomic():
        developer_grant(user=user)
        if application.approved_at is None:
            application.approved_at = timezone.now()
            application.user = user
            application.save(update_fields=["approved_at", "user", "updated_at"])
    log.info("partner application approved application_id=%s user_id=%s", application.pk, user.pk)
    return user


# --- import from the 2019 version (accounts/legacy) -----------------------------------------------------


def user_import(
    *, email: str, name: str, password: str, verified: bool, is_developer: bool, created_at: datetime | None
) -> User:
    """Create a person brought over from 2019: `password` is already encoded (`bcrypt$…`, or '' for none); no onboarding, no mail."""
    from allauth.account.models import EmailAddress

    user = User(email=email, name=name, is_developer=is_developer)
    if password:
        user.password = password
    else:
        user.set_unusable_password()
    user.save()
    if created_at:
        User.objects.filter(pk=user.pk).update(created_at=created_at)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    log.debug("user imported user_id=%s", user.pk)
    return user


def user_import_update(
    *,
    user: User,
    email: str | None = None,
    name: str | None = None,
    password: str | None = None,
    verified: bool | None = None,
    is_developer: bool | None = None,
) -> User:
    """Apply the 2019 values that changed since the last import (None = leave as it is here)."""
    from allauth.account.models import EmailAddress

    fields = []
    for attribute, value in (("email", email), ("name", name), ("is_developer", is_developer)):
        if value is not None:
            setattr(user, attribute, value)
            fields.append(attribute)
    if password is not None:
        user.password = password if password else make_password(None)
        fields.append("password")
    if fields:
        user.save(update_fields=[*fields, "updated_at"])
    if email is not None or verified is not None:
        address = EmailAddress.objects.filter(user=user, primary=True).first() or EmailAddress(user=user, primary=True)
        address.email = user.email
        address.verified = address.verified if verified is None else verified
        address.save()
    log.debug("imported user updated user_id=%s fields=%s", user.pk, ",".join(fields))
    return user


def user_import_avatar(*, user: User, content) -> User:
    """Give the person the avatar they had in 2019 (`content` already checked and re-encoded by image_normalize)."""
    old = user.avatar.name if user.avatar else None
    user.avatar.save(content.name, content, save=False)
    user.save(update_fields=["avatar", "updated_at"])
    if old:
        user.avatar.storage.delete(old)
    return user


def alias_import(*, user: User, email: str, enabled: bool, created_at: datetime | None) -> Alias:
    """Bring a 2019 alias over with its address and enabled flag (no quota: 2019 allowed it); AliasUnavailable if the address is taken or tombstoned."""
    try:
        with transaction.atomic():
            alias = Alias.objects.create(user=user, email=email, enabled=enabled)
            if DeletedAlias.objects.filter(email=email).exists():
                raise _Tombstoned
    except (IntegrityError, _Tombstoned):
        raise AliasUnavailable(_("This address is already used or was deleted.")) from None
    if created_at:
        Alias.objects.filter(pk=alias.pk).update(created_at=created_at)
    log.debug("alias imported alias_id=%s user_id=%s", alias.pk, user.pk)
    return alias


def alias_import_update(*, alias: Alias, enabled: bool) -> Alias:
    """Take over a change of the enabled flag made in 2019 since the last import."""
    alias.enabled = enabled
    alias.save(update_fields=["enabled", "updated_at"])
    return alias


def alias_address_reserve(*, email: str) -> bool:
    """Tombstone an address nobody may be given (a 2019 alias whose owner is not imported); True if it was free."""
    _tombstone, created = DeletedAlias.objects.get_or_create(email=email)
    return created


def alias_address_release(*, email: str) -> None:
    """Lift a reservation made by alias_address_reserve, just before the address goes to its 2019 owner."""
    DeletedAlias.objects.filter(email=email).delete()


def partner_application_import(
    *,
    user: User | None,
    email: str,
    name: str,
    website: str,
    additional_information: str,
    approved_at: datetime | None,
    created_at: datetime | None,
):
    """Bring a 2019 partner-programme application over (no mail is sent)."""
    application = PartnerApplication.objects.create(
        user=user,
        email=email,
        name=name,
        website=website,
        additional_information=additional_information,
        approved_at=approved_at,
    )
    if created_at:
        PartnerApplication.objects.filter(pk=application.pk).update(created_at=created_at)
    return application


def partner_application_import_update(
    *,
    application,
    email: str | None = None,
    name: str | None = None,
    website: str | None = None,
    additional_information: str | None = None,
):
    """Take over the 2019 values of an application that changed since the last import (None = unchanged)."""
    fields = {"email": email, "name": name, "website": website, "additional_information": additional_information}
    changed = [attribute for attribute, value in fields.items() if value is not None]
    for attribute in changed:
        setattr(application, attribute, fields[attribute])
    if changed:
        application.save(update_fields=[*changed, "updated_at"])
    return application


def usersessions_end(*, request, user: User, sessions: list, revoke_apps: bool = False) -> int:
    """Sign the person out of these sessions (allauth.usersessions); with `revoke_apps` also of every app.

    Ending the current session logs this browser out too. Returns how many sessions ended.
    """
    from allauth.account.internal.flows.logout import logout
    from allauth.usersessions.adapter import get_adapter

    from oauth_provider.services import tokens_revoke_for_user

    sessions = [session for session in sessions if session.user_id == user.pk]
    has_current = any(session.session_key == request.session.session_key for session in sessions)
    get_adapter().end_sessions(sessions)
    if revoke_apps:
        tokens_revoke_for_user(user_id=user.pk)
    log.info("sessions ended user_id=%s sessions=%s apps_revoked=%s", user.pk, len(sessions), revoke_apps)
    if has_current:
        logout(request)
    return len(sessions)
