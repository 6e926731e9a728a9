"""Writes for people and their profile."""

import logging
import secrets

from django.db import transaction

from accounts.images import image_normalize
from accounts.models import User
from billing.services import membership_start_trial

log = logging.getLogger(__name__)


def user_onboard(*, user: User) -> None:
    """Set up a new person: their trial membership (2019: 15 days)."""
    membership_start_trial(user=user)
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
    """Delete the person and everything that belongs to them."""
    user_id = user.pk
    avatar = user.avatar.name if user.avatar else None
    storage = user.avatar.storage
    with transaction.atomic():
        user.delete()
    if avatar:
        storage.delete(avatar)
    log.info("user deleted user_id=%s", user_id)
