"""DKIM signing (dkimpy) of mail we send from EMAIL_DOMAIN, with the key at DKIM_PRIVATE_KEY_PATH."""

from functools import lru_cache
from pathlib import Path

import dkim
from django.conf import settings

SIGNED_HEADERS = [
    b"from",
    b"to",
    b"cc",
    b"subject",
    b"date",
    b"message-id",
    b"reply-to",
    b"in-reply-to",
    b"references",
    b"mime-version",
    b"content-type",
    b"content-transfer-encoding",
]


@lru_cache(maxsize=4)
def _private_key(path: str) -> bytes:
    return Path(path).read_bytes()


def dkim_sign(message: bytes) -> bytes:
    """The message with a DKIM-Signature for EMAIL_DOMAIN prepended; unchanged when no key is configured."""
    if not settings.DKIM_PRIVATE_KEY_PATH:
        return message
    signature = dkim.sign(
        message,
        selector=settings.DKIM_SELECTOR.encode("ascii"),
        domain=settings.EMAIL_DOMAIN.encode("ascii"),
        privkey=_private_key(settings.DKIM_PRIVATE_KEY_PATH),
        include_headers=SIGNED_HEADERS,
        canonicalize=(b"relaxed", b"simple"),
    )
    return signature + message
