"""Writes of the API: personal API keys."""

import hashlib
import logging
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from api.models import ApiKey

log = logging.getLogger(__name__)

KEY_PREFIX = "sl_"
KEY_ID_LENGTH = 8  # hex characters after "sl_": the non-secret prefix kept in clear to tell keys apart
MAX_KEYS_PER_USER = 20
KEY_CREATE_ATTEMPTS = 5
LAST_USED_RESOLUTION = timedelta(minutes=1)  # at most one write per key per minute


class ApiKeyError(Exception):
    """A refused API key change; str(error) is written for the person."""


def api_key_hash(raw_key: str) -> str:
    """SHA-256 (hex) of a key: keys are 256-bit random, so a fast unsalted hash is the right tool."""
    return hashlib.sha256(raw_key.encode("utf-8", "surrogatepass")).hexdigest()


def api_key_create(*, user, name: str) -> tuple[ApiKey, str]:
    """Create a key for the person; returns it and the key in clear, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise ApiKeyError("Give the key a name, e.g. the script that will use it.")
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).exists()  # one creation at a time per person
        if ApiKey.objects.filter(user=user).count() >= MAX_KEYS_PER_USER:
            raise ApiKeyError(f"You can have at most {MAX_KEYS_PER_USER} API keys. Delete one you no longer use.")
        for _ in range(KEY_CREATE_ATTEMPTS):  # the 32-bit key id is unique: draw again when it is taken
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
            raise ApiKeyError("No key could be created right now. Please try again.")
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
