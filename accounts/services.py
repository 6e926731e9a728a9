"""Writes for people, their profile and their aliases."""

import logging
import re
import secrets
import unicodedata
from collections.abc import Callable

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import IntegrityError, transaction

from accounts import emails, selectors, wordlist
from accounts.exceptions import (
    AliasError,
    AliasLimitReached,
    AliasUnavailable,
    CustomAliasNotAllowed,
    InvalidAliasPrefix,
)
from accounts.images import image_normalize
from accounts.models import Alias, DeletedAlias, User
from billing.selectors import user_alias_quota, user_can_create_custom_alias
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


def user_update_name(*, user: User, name: str) -> User:
    """Change the name the person shows by default."""
    user.name = name.strip()
    user.save(update_fields=["name", "updated_at"])
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
        rows, _ = (
            EmailAddress.objects.filter(email__iexact=email, verified=False)
            .exclude(user__email__iexact=email).delete()
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


def prefix_normalize(prefix: str) -> str:
    """Lowercase, fold accents to ASCII, and check a custom prefix; raises InvalidAliasPrefix."""
    decomposed = unicodedata.normalize("NFKD", (prefix or "").strip())
    folded = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    if not PREFIX_ALLOWED.fullmatch(folded) or folded.startswith(".") or folded.endswith(".") or ".." in folded:
        raise InvalidAliasPrefix()
    return folded


def _alias_insert(*, user: User, local_part: Callable[[], str]) -> Alias:
    """Insert an alias with a fresh address; the unique constraint decides, retrying on collision."""
    with transaction.atomic():
        quota = user_alias_quota(user=user)
        if quota is not None:
            # one creation at a time per limited person, so two requests cannot both pass the count
            User.objects.select_for_update().filter(pk=user.pk).exists()
            if Alias.objects.filter(user=user).count() >= quota:
                raise AliasLimitReached()
        for _ in range(ALIAS_CREATE_ATTEMPTS):
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


def alias_create_custom(*, user: User, prefix: str) -> Alias:
    """Create `prefix.suffix@EMAIL_DOMAIN` for a premium person; raises an AliasError subclass otherwise."""
    if not user_can_create_custom_alias(user=user):
        raise CustomAliasNotAllowed()
    normalized = prefix_normalize(prefix)
    return _alias_insert(user=user, local_part=lambda: f"{normalized}.{random_suffix()}")


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
        raise AliasError(f"The note is too long: at most {NOTE_MAX_LENGTH} characters.")
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
