"""Fixed-window attempt counters in the cache, for the partner form and partner codes (guessing protection)."""

from django.conf import settings
from django.core.cache import cache

PARTNER_APPLY = ("partner-apply", 5, 3600)  # per IP: 5 applications an hour
PARTNER_CODE = ("partner-code", 10, 3600)  # per person: 10 codes an hour


def attempt_allowed(*, rule: tuple[str, int, int], key: str) -> bool:
    """Count one attempt for `key`; False once the rule's limit for the current window is passed."""
    if not getattr(settings, "ACCOUNT_RATE_LIMITS_ENABLED", True):
        return True
    name, limit, window = rule
    cache_key = f"developer-rl:{name}:{key}"
    cache.add(cache_key, 0, timeout=window)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window)
        count = 1
    return count <= limit
