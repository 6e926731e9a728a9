"""System checks for operator mistakes in a deployment (the pattern of DOT's oauth2_provider/checks.py)."""

import os
from pathlib import Path

from django.conf import settings
from django.core import checks

PROCESS_LOCAL_CACHES = ("django.core.cache.backends.locmem.LocMemCache",)


@checks.register(checks.Tags.caches)
def cache_shared_by_workers(app_configs, **kwargs):
    """simplelogin.W001: several workers with a process-local cache each count rate limits and lock-outs alone."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PROCESS_LOCAL_CACHES or settings.WEB_CONCURRENCY <= 1:
        return []
    return [
        checks.Warning(
            f"{settings.WEB_CONCURRENCY} workers (WEB_CONCURRENCY) share no cache: each keeps its own rate limits, "
            "log-in lock-outs and API throttles, so an attacker gets that many times the allowed attempts.",
            hint="Set REDIS_URL so every worker uses one cache, or run a single worker (WEB_CONCURRENCY=1).",
            id="simplelogin.W001",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def public_url_is_https(app_configs, **kwargs):
    """simplelogin.W002: the issuer and every mail link come from URL; without https, tokens and cookies travel clear."""
    if settings.DEBUG or settings.URL_IS_HTTPS:
        return []
    return [
        checks.Warning(
            f"URL is {settings.URL!r}: the OpenID issuer, redirect targets and mail links would be plain http, and "
            "session cookies are not marked Secure.",
            hint="Set URL to the site's public https address (behind a TLS proxy also set USE_X_FORWARDED_PROTO=true).",
            id="simplelogin.W002",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def signing_keys_readable(app_configs, **kwargs):
    """simplelogin.W003: without a readable signing key no id_token can be issued."""
    from cryptography.fernet import Fernet

    if settings.KEY_ENCRYPTION_KEY:
        try:
            [Fernet(key.strip()) for key in settings.KEY_ENCRYPTION_KEY.split(",") if key.strip()]
        except ValueError:
            return [
                checks.Warning(
                    "KEY_ENCRYPTION_KEY is not a comma-separated list of Fernet keys, so no signing key can be read.",
                    hint='Make one with: python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"',
                    id="simplelogin.W003",
                )
            ]
        return []
    path = Path(settings.KEYS_DIR) / "jwtRS256.key"
    if path.is_file() and os.access(path, os.R_OK):
        return []
    return [
        checks.Warning(
            f"No readable signing key at {path}: every sign-in would fail when it comes to signing the id_token.",
            hint="Run `python manage.py generate_signing_key` (or mount the keys folder), or keep keys in the database "
            "with KEY_ENCRYPTION_KEY; see docs/operations.md.",
            id="simplelogin.W003",
        )
    ]


@checks.register()
def billing_configured_whole(app_configs, **kwargs):
    """simplelogin.W004: a Stripe key without both price ids (or price ids without a key) leaves billing off."""
    live = settings.STRIPE_LIVE_MODE
    key = settings.STRIPE_LIVE_SECRET_KEY if live else settings.STRIPE_TEST_SECRET_KEY
    prices = [name for name in ("STRIPE_PRICE_MONTHLY", "STRIPE_PRICE_YEARLY") if getattr(settings, name)]
    if bool(key) == (len(prices) == 2) and (key or not prices):
        return []
    missing = ["STRIPE_LIVE_SECRET_KEY" if live else "STRIPE_TEST_SECRET_KEY"] if not key else []
    missing += [name for name in ("STRIPE_PRICE_MONTHLY", "STRIPE_PRICE_YEARLY") if name not in prices]
    return [
        checks.Warning(
            f"Billing is half configured, so it stays off: {', '.join(missing)} missing.",
            hint="Set the secret key and both price ids (docs/billing.md), or none of them to run without payments.",
            id="simplelogin.W004",
        )
    ]
