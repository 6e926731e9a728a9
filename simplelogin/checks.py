"""System checks for operator mistakes in a deployment (the pattern of DOT's oauth2_provider/checks.py)."""

from django.conf import settings
from django.core import checks

PROCESS_LOCAL_CACHES = ("django.core.cache.backends.locmem.LocMemCache",)


@checks.register(checks.Tags.caches)
def cache_shared_by_workers(app_configs, **kwargs):
    """simplelogin.W001: several workers with a process-local cache each count rate limits and lock-outs alone."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PROCESS_LOCAL_CACHES or settings.WEB_CONCURRENCY <= 1:
        return []
    return [checks.Warning(
        f"{settings.WEB_CONCURRENCY} workers (WEB_CONCURRENCY) share no cache: each keeps its own rate limits, "
        "log-in lock-outs and API throttles, so an attacker gets that many times the allowed attempts.",
        hint="Set REDIS_URL so every worker uses one cache, or run a single worker (WEB_CONCURRENCY=1).",
        id="simplelogin.W001",
    )]
