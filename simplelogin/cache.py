"""The Redis cache with a per-process memory fallback, so a Redis outage never turns a page into a 500."""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

RETRY_SECONDS = 10


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, keeping one redis-py client per connection pool.

    Django builds a new `redis.Redis` for every cache call, and each one fills a table of ~170 response callbacks:
    about a fifth of a millisecond per call, twenty calls per password log-in (allauth's rate limits: a lock, a
    read, a write and an unlock per limit). A `redis.Redis` is safe to share between threads (each command takes a
    connection from the pool), so one per pool is enough.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        """The client of the pool this call goes to, made once."""
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FallbackRedisCache(RedisCache):
    """Django's RedisCache; while Redis does not answer, each process uses its own memory and retries Redis every
    RETRY_SECONDS. Rate limits keep counting (per process, so at most workers × the limit), sessions live in the
    database and are unaffected."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        local = {key: params[key] for key in ("TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION") if key in params}
        self._fallback = LocMemCache(f"redis-fallback-{server}", local)
        self._down_until = 0.0

    def _call(self, name, *args, **kwargs):
        if time.monotonic() >= self._down_until:
            try:
                result = getattr(RedisCache, name)(self, *args, **kwargs)
            except (RedisConnectionError, RedisTimeoutError) as error:
                if not self._down_until:
                    log.warning(
                        "cache unavailable, using process memory retry_seconds=%s error=%s",
                        RETRY_SECONDS,
                        type(error).__name__,
                    )
                self._down_until = time.monotonic() + RETRY_SECONDS
            else:
                if self._down_until:
                    log.warning("cache available again")
                    self._down_until = 0.0
                return result
        return getattr(self._fallback, name)(*args, **kwargs)

    def add(self, *args, **kwargs):
        """Add unless present (Redis, or process memory while Redis is down)."""
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        """Read a value."""
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        """Write a value."""
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        """Extend a value's lifetime."""
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        """Delete a value."""
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        """Read several values."""
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        """Whether a key is present."""
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        """Add to a counter."""
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        """Write several values."""
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        """Delete several values."""
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        """Empty the cache."""
        return self._call("clear")
